"""Starts queued runs, follows them, and ends them: stop, timeout, exit.

One thread owns every child process, so no lock guards them; request handlers only
change a run's status in the store and wake this thread. A run's state machine:
QUEUED -> STARTING -> RUNNING -> SUCCEEDED | FAILED, and STOPPING -> STOPPED.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..core.model_defaults import DEFAULT_RUN_TIMEOUT_MINUTES
from . import processes
from .private import open_private
from .store import Record, Store, now

ACTIVE = ("STARTING", "RUNNING", "STOPPING")
TERMINAL = ("STOPPED", "SUCCEEDED", "FAILED")
DEFAULT_TIMEOUT_MINUTES = DEFAULT_RUN_TIMEOUT_MINUTES
ENV_PREFIX = "SAGEMAKER_NOTEBOOK_PARAMETER_"
RESTART_MESSAGE = "The local backend restarted while the run was active."
#: The package's parent directory, so a child finds jupyter_sagerun uninstalled too.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass
class Child:
    popen: subprocess.Popen[bytes]
    log: IO[bytes]
    started: float
    deadline: float
    timeout_minutes: int
    killed_for: str | None = None


class Scheduler:
    def __init__(
        self,
        store: Store,
        runs_dir: Path,
        max_concurrent_runs: int,
        seconds_per_minute: float,
        log: logging.Logger,
        *,
        runner_log_level: str = "WARNING",
        hidden: tuple[str, ...] = (),
        environments_dir: Path | None = None,
        max_environments: int = 8,
    ) -> None:
        self.store = store
        # Values no run may find in its environment (the backend's credentials): the
        # backend's own environment may hold them, after `eval $(jupyter sagerun env)`.
        self.hidden = frozenset(v for v in hidden if v)
        self.runs_dir = runs_dir
        self.max_concurrent_runs = max_concurrent_runs
        self.seconds_per_minute = seconds_per_minute
        self.log = log
        self.runner_log_level = runner_log_level
        #: Called with a run's id when it has ended, before its end is recorded, so a
        #: client that sees it ended finds its results (runs.publish_result).
        self.on_end: Callable[[str], None] = lambda run_id: None
        # Where the runners cache the runs' package environments (package_envs.py).
        self.environments_dir = environments_dir
        self.max_environments = max_environments
        self._active: dict[str, Child] = {}
        self._wake = threading.Event()
        self._quit = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="sagerun-scheduler", daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        """Stop following runs and kill every child; their runs stay active in the
        store, and the next start ends them with the restart message."""
        self._quit.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        for child in self._active.values():
            processes.kill_tree(child.popen.pid)
            child.popen.wait()
            child.log.close()
        self._active.clear()

    def wake(self) -> None:
        self._wake.set()

    def recover(self) -> None:
        """End the runs an earlier backend left active: their process cannot be
        followed any more (it is not our child), so it is killed if it survived."""
        for record in self.store.by_status("runs", ACTIVE):
            pid = self.store.pid_of("runs", record["id"])
            if pid and processes.alive(pid) and record["id"] in processes.cmdline(pid):
                processes.kill_tree(pid)
            changes: Record = {"completedAt": now()}
            result = self._result(record["id"])
            if result is not None and record["status"] != "STOPPING":
                # The runner finished on its own while no backend was there to see it.
                changes["status"] = result["status"]
                if result.get("error"):
                    changes["error"] = {"message": str(result["error"])[:1024]}
            else:
                changes["status"] = "STOPPED" if record["status"] == "STOPPING" else "FAILED"
                changes["error"] = {"message": RESTART_MESSAGE}
            status = changes["status"]
            self.on_end(record["id"])
            self.store.update("runs", record["id"], changes, only_from=ACTIVE)
            self.log.warning("Run %s ended %s: the backend restarted", record["id"], status)

    # -- the loop --------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._quit.is_set():
            try:
                self.tick()
            except Exception:
                self.log.exception("The local scheduler failed a tick")
            self._wake.wait(0.1)
            self._wake.clear()

    def tick(self) -> None:
        for run_id, child in list(self._active.items()):
            self._follow(run_id, child)
        if self._quit.is_set():
            return
        free = self.max_concurrent_runs - len(self._active)
        if free <= 0:
            return
        for record in self.store.by_status("runs", ["QUEUED"])[:free]:
            self._launch(record)

    def _follow(self, run_id: str, child: Child) -> None:
        record = self.store.get("runs", run_id)
        status = record["status"] if record else "STOPPING"
        if child.killed_for is None and status == "STOPPING":
            child.killed_for = "stop"
            processes.kill_tree(child.popen.pid)
        elif child.killed_for is None and time.monotonic() > child.deadline:
            child.killed_for = "timeout"
            processes.kill_tree(child.popen.pid)
        if status == "STARTING" and (self.runs_dir / run_id / "running").exists():
            self.store.update("runs", run_id, {"status": "RUNNING"}, only_from=["STARTING"])
        code = child.popen.poll()
        if code is None:
            return
        del self._active[run_id]
        child.log.close()
        self._finish(run_id, child, code)

    def _finish(self, run_id: str, child: Child, code: int) -> None:
        changes: Record = {"completedAt": now()}
        if child.killed_for == "stop":
            changes["status"] = "STOPPED"
        elif child.killed_for == "timeout":
            changes["status"] = "FAILED"
            changes["error"] = {
                "message": (
                    f"The run exceeded its timeout of {child.timeout_minutes} minutes"
                    " and was stopped."
                )
            }
        else:
            result = self._result(run_id) or {
                "status": "FAILED",
                "error": f"The run's process ended unexpectedly (exit code {code}).",
            }
            changes["status"] = result["status"]
            if result.get("error"):
                changes["error"] = {"message": str(result["error"])[:1024]}
        self.on_end(run_id)
        self.store.update("runs", run_id, changes, only_from=ACTIVE)
        self.log.info(
            "Run %s ended %s after %.1fs",
            run_id,
            changes["status"],
            time.monotonic() - child.started,
        )

    def _result(self, run_id: str) -> dict[str, str] | None:
        """What the runner reported in result.json, if it got that far."""
        try:
            result: dict[str, str] = json.loads(
                (self.runs_dir / run_id / "result.json").read_text()
            )
        except (OSError, ValueError):
            return None
        return result

    def _environment_options(self) -> list[str]:
        if self.environments_dir is None:
            return []
        return [
            f"--environments={self.environments_dir}",
            f"--max-environments={self.max_environments}",
        ]

    def _launch(self, record: Record) -> None:
        run_id = record["id"]
        started = self.store.update(
            "runs", run_id, {"status": "STARTING", "startedAt": now()}, only_from=["QUEUED"]
        )
        if started is None:  # stopped while we looked
            return
        run_dir = self.runs_dir / run_id
        parameters: dict[str, str] = record.get("parameters") or {}
        env = {k: v for k, v in os.environ.items() if v not in self.hidden}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
        for name, value in parameters.items():
            # A name an environment cannot hold still reaches the parameters cell.
            if name and "=" not in name and "\0" not in name and "\0" not in value:
                env[ENV_PREFIX + name] = value
        minutes = int(
            (record.get("timeoutConfiguration") or {}).get(
                "runTimeoutInMinutes", DEFAULT_TIMEOUT_MINUTES
            )
        )
        # 0600 like every file of a run (the runner creates its own files so too).
        log = os.fdopen(open_private(run_dir / "runner.log", append=True), "ab")
        popen = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_sagerun.local.runner",
                str(run_dir),
                f"--log-level={self.runner_log_level}",
                *self._environment_options(),
            ],
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(run_dir),
            env=env,
            start_new_session=True,
        )
        assert popen.stdin is not None
        popen.stdin.write(json.dumps(parameters).encode())
        popen.stdin.close()
        self.store.update("runs", run_id, {}, pid=popen.pid)
        begun = time.monotonic()
        self._active[run_id] = Child(
            popen, log, begun, begun + minutes * self.seconds_per_minute, minutes
        )
        self.log.info("Run %s started (pid %d)", run_id, popen.pid)
