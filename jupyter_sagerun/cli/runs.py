"""``jupyter sagerun list | status RUN_ID | stop RUN_ID``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..runs.models import ListRunsQuery
from .base import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, CommandApp
from .follow import Detached, follow
from .paths import locate
from .render import details, follow_hint, print_json, table

PAGE = 50  # DataZone's largest ListNotebookRuns page


class ListApp(CommandApp):
    name = "jupyter-sagerun-list"
    description = "List runs, newest first."
    command = "jupyter sagerun list"

    def build_parser(self) -> argparse.ArgumentParser:
        p = self.new_parser(self.description)
        which = p.add_mutually_exclusive_group()
        which.add_argument("--notebook", metavar="PATH", help="runs of this notebook file")
        which.add_argument("--notebook-id", metavar="ID", help="runs of this SMUS notebook")
        p.add_argument("--status", metavar="S", help="only runs in this state, e.g. RUNNING")
        p.add_argument("--max", type=int, default=20, metavar="N", help="at most N (20)")
        p.add_argument("--json", action="store_true", help='print {"items": [...]} as JSON')
        return p

    def run_command(self) -> int:
        a = self.args
        root, rel_path = os.getcwd(), None
        if a.notebook is not None:
            root, rel_path = locate(a.notebook, self.configured_root())
        else:
            root = self.configured_root() or root
        service = self.make_service(root)
        items: list[dict[str, Any]] = []
        token = None
        # --max counts runs, not pages: page through until there are enough.
        while True:
            query = ListRunsQuery(
                path=rel_path,
                notebookId=a.notebook_id,
                status=a.status,
                maxResults=max(1, min(PAGE, a.max - len(items))) if a.max > 0 else a.max,
                nextToken=token,
            )
            answer = service.list_runs(query)
            items.extend(answer["items"])
            token = answer.get("nextToken")
            if not token or len(items) >= a.max:
                break
        items = items[: a.max]
        if a.json:
            print_json({"items": items})
        elif items:
            print(table(items))
        else:
            print("No runs.", file=sys.stderr)
        return EXIT_OK


class _OneRun(CommandApp):
    def add_common(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("run_id", metavar="RUN_ID")
        p.add_argument("--json", action="store_true", help="print the run as JSON")

    def root(self) -> str:
        return self.configured_root() or os.getcwd()


class StatusApp(_OneRun):
    name = "jupyter-sagerun-status"
    description = "Show one run; with --wait, follow it to its end (exit 0 if SUCCEEDED)."
    command = "jupyter sagerun status"

    def build_parser(self) -> argparse.ArgumentParser:
        p = self.new_parser(self.description)
        self.add_common(p)
        p.add_argument("--wait", action="store_true", help="follow the run to its end")
        p.add_argument(
            "--poll-interval", type=float, default=2.0, metavar="S", help=argparse.SUPPRESS
        )
        return p

    def run_command(self) -> int:
        a = self.args
        service = self.make_service(self.root())
        run = service.get_run(a.run_id)
        if a.wait:
            try:
                run = follow(
                    lambda: service.get_run(a.run_id), run, sys.stderr, interval=a.poll_interval
                )
            except Detached:
                print(f"Stopped following run {a.run_id}; it goes on.", file=sys.stderr)
                print(follow_hint(a.run_id), file=sys.stderr)
                return EXIT_INTERRUPTED
        if a.json:
            print_json(run)
        else:
            print(details(run))
        if a.wait and run.get("status") != "SUCCEEDED":
            return EXIT_FAILED
        return EXIT_OK


class StopApp(_OneRun):
    name = "jupyter-sagerun-stop"
    description = "Stop a run (it goes STOPPING, then STOPPED)."
    command = "jupyter sagerun stop"

    def build_parser(self) -> argparse.ArgumentParser:
        p = self.new_parser(self.description)
        self.add_common(p)
        return p

    def run_command(self) -> int:
        run = self.make_service(self.root()).stop_run(self.args.run_id)
        if self.args.json:
            print_json(run)
        else:
            print(f"Run {run.get('id')}: {run.get('status')}")
        return EXIT_OK
