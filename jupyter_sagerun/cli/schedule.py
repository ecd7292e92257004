"""``jupyter sagerun schedule ...``: create, list, show, pause, resume, delete and run
the schedules of the configured project (EventBridge Scheduler, or the local backend's)."""

from __future__ import annotations

import argparse
import re
from pathlib import PurePosixPath
from typing import Any

from ..core.errors import FieldError, validation_error
from ..runs.schedule_models import ScheduleRequest
from ..runs.schedules import ScheduleService
from ..server.wiring import build_schedule_service
from .base import EXIT_OK
from .paths import locate
from .render import follow_hint, print_json
from .run import RunApp, add_run_options

DESCRIPTION = """\
Schedules: run a notebook every morning. `create` syncs the notebook to the project
and makes an EventBridge Scheduler schedule (on the local backend: its own scheduler,
which fires while the backend runs). The schedule runs the notebook as synced then;
`create` again with --replace, or edit it in JupyterLab, to sync it anew. Parameter
values are stored in the schedule's target input, readable by whoever may read it.
"""


def expression_of(args: argparse.Namespace) -> str:
    """--cron, --rate or --at, as an EventBridge Scheduler expression."""
    given = [
        (kind, value)
        for kind, value in (("cron", args.cron), ("rate", args.rate), ("at", args.at))
        if value
    ]
    if len(given) != 1:
        raise validation_error([FieldError("expression", "give one of --cron, --rate, --at")])
    kind, value = given[0]
    value = value.strip()
    return value if value.startswith(f"{kind}(") else f"{kind}({value})"


def default_name(rel_path: str) -> str:
    """A schedule name from the notebook's file name (letters, digits, - _ .)."""
    return re.sub(r"[^0-9a-zA-Z_.-]", "-", PurePosixPath(rel_path).stem)[:64] or "notebook"


class ScheduleApp(RunApp):
    name = "jupyter-sagerun-schedule"
    description = DESCRIPTION
    command = "jupyter sagerun schedule"

    def build_parser(self) -> argparse.ArgumentParser:
        p = self.new_parser(DESCRIPTION)
        sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = sub.add_parser("create", help="schedule a notebook")
        create.add_argument("notebook", metavar="NOTEBOOK", help="the .ipynb file to run")
        create.add_argument("--cron", metavar="EXPR", help='e.g. "0 6 ? * MON-FRI *"')
        create.add_argument("--rate", metavar="EXPR", help='e.g. "2 hours"')
        create.add_argument("--at", metavar="TIME", help="once, e.g. 2027-01-04T06:00:00")
        create.add_argument("--tz", metavar="ZONE", help="IANA time zone (default UTC)")
        create.add_argument("--start", metavar="DATE", help="first possible firing (ISO 8601)")
        create.add_argument("--end", metavar="DATE", help="last possible firing (ISO 8601)")
        create.add_argument("--name", metavar="NAME", help="default: the notebook's name")
        create.add_argument("--disabled", action="store_true", help="create it paused")
        create.add_argument("--replace", action="store_true", help="update NAME if it exists")
        create.add_argument("--json", action="store_true", help="print the schedule as JSON")
        add_run_options(create)
        create.set_defaults(client_token=None)
        listing = sub.add_parser("list", help="the project's schedules")
        listing.add_argument("--json", action="store_true")
        for action, text in (
            ("show", "one schedule, as JSON"),
            ("pause", "stop a schedule's firings until resumed"),
            ("resume", "fire a paused schedule again"),
            ("delete", "delete a schedule (its runs stay)"),
            ("run-now", "start a run with the schedule's settings now"),
        ):
            one = sub.add_parser(action, help=text)
            one.add_argument("schedule", metavar="NAME")
            one.add_argument("--json", action="store_true")
        return p

    def schedules(self, root: str) -> ScheduleService:
        return build_schedule_service(self.sagerun(), self.make_service(root))

    def run_command(self) -> int:
        a = self.args
        if a.action == "create":
            return self.create()
        service = self.schedules(self.configured_root() or ".")
        if a.action == "list":
            found = service.list_schedules()["schedules"]
            if a.json:
                print_json(found)
            else:
                print_table(found)
        elif a.action == "show":
            print_json(service.get(a.schedule))
        elif a.action in ("pause", "resume"):
            state = "DISABLED" if a.action == "pause" else "ENABLED"
            shown = service.set_state(a.schedule, state)
            self.say(shown, f"Schedule {a.schedule} is {shown['state']}.")
        elif a.action == "delete":
            service.delete(a.schedule)
            print(f"Deleted schedule {a.schedule}.")
        else:
            run = service.run_now(a.schedule)
            self.say(
                run,
                f"Started run {run['id']} of schedule {a.schedule}.\n"
                + follow_hint(str(run["id"])),
            )
        return EXIT_OK

    def create(self) -> int:
        a = self.args
        root, rel_path = locate(a.notebook, self.configured_root())
        settings = self.body(rel_path).model_dump(exclude_none=True)
        request: dict[str, Any] = {
            "name": a.name or default_name(rel_path),
            "path": rel_path,
            "expression": expression_of(a),
            "timezone": a.tz,
            "startDate": a.start,
            "endDate": a.end,
            "state": "DISABLED" if a.disabled else "ENABLED",
            **{k: v for k, v in settings.items() if k not in ("path", "clientToken")},
        }
        service = self.schedules(root)
        body = ScheduleRequest.model_validate(request)
        exists = a.replace and any(
            s["name"] == body.name for s in service.list_schedules()["schedules"]
        )
        shown = service.update(str(body.name), body) if exists else service.create(body)
        nexts = ", ".join(shown["nextFirings"]) or "none"
        self.say(
            shown,
            f"Schedule {shown['name']}: {shown['description']}, {shown['state']}; "
            f"next firings: {nexts}",
        )
        return EXIT_OK

    def say(self, data: Any, text: str) -> None:
        if self.args.json:
            print_json(data)
        else:
            print(text)


def print_table(schedules: list[dict[str, Any]]) -> None:
    if not schedules:
        print("No schedules.")
        return
    rows = [("NAME", "STATE", "NEXT FIRING", "WHEN", "NOTEBOOK")] + [
        (
            str(s["name"]),
            str(s["state"]),
            (s["nextFirings"] or ["-"])[0],
            str(s["description"]),
            str(s["path"] or "-"),
        )
        for s in schedules
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
