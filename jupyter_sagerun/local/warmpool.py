"""Runners started before their run is known, so a run does not wait for an
interpreter, papermill's imports and a kernel (runner.py's warm mode).

Each warm runner serves exactly one run and exits: nothing of one run is left for the
next (its kernel is a fresh process; the runner never ran another notebook). The pool
is owned by the scheduler's thread, like every child process, so it has no lock. It is
filled only after a run has started, kept at most at ``size`` runners, and emptied when
no run has started for ``idle_seconds``: an idle backend holds none.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import processes


def make_workdir() -> Path:
    """A run's working directory: a fresh private folder in the system's temporary
    directory, outside the state directory (0700, as mkdtemp makes it)."""
    return Path(tempfile.mkdtemp(prefix="sagerun-run-"))


def remove_workdir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@dataclass
class WarmRunner:
    popen: subprocess.Popen[bytes]
    workdir: Path


class WarmPool:
    def __init__(
        self,
        command: Callable[[Path], list[str]],
        environment: Callable[[], dict[str, str]],
        size: int,
        idle_seconds: float,
        log: logging.Logger,
    ) -> None:
        #: The warm runner's command line, given its working directory.
        self.command = command
        #: The environment of a run without its parameters.
        self.environment = environment
        self.size = max(0, size)
        self.idle_seconds = idle_seconds
        self.log = log
        self._ready: list[WarmRunner] = []
        self._last_use: float | None = None  # no run yet: no pool yet

    def pids(self) -> list[int]:
        return [runner.popen.pid for runner in self._ready]

    def take(self) -> WarmRunner | None:
        """A live warm runner, now the caller's, or None."""
        self._last_use = time.monotonic()
        while self._ready:
            runner = self._ready.pop(0)
            if runner.popen.poll() is None:
                return runner
            code = runner.popen.returncode
            self.log.warning("A warm runner ended before its run (exit %s)", code)
            remove_workdir(runner.workdir)
        return None

    def tend(self, wanted: int, busy: bool) -> None:
        """Keep ``min(size, wanted)`` runners ready while runs come (``busy``: some
        run is active); none once no run has been active for ``idle_seconds``."""
        if self._last_use is None:
            return
        if busy:
            self._last_use = time.monotonic()
        if time.monotonic() - self._last_use > self.idle_seconds:
            if self._ready:
                self.log.info("Letting %d warm runner(s) go: no run lately", len(self._ready))
            self.drain()
            return
        for runner in [r for r in self._ready if r.popen.poll() is not None]:
            self._ready.remove(runner)
            remove_workdir(runner.workdir)
        while len(self._ready) < min(self.size, wanted):
            self._ready.append(self._spawn())

    def drain(self) -> None:
        """End every warm runner and its kernel: no run ever used them, so nothing of
        anyone's is lost by killing them, and the scheduler's thread does not wait."""
        for runner in self._ready:
            processes.kill_tree(runner.popen.pid)
            runner.popen.wait()
            if runner.popen.stdin is not None:
                runner.popen.stdin.close()
            remove_workdir(runner.workdir)
        self._ready.clear()

    def _spawn(self) -> WarmRunner:
        workdir = make_workdir()
        popen = subprocess.Popen(
            self.command(workdir),
            stdin=subprocess.PIPE,
            # Until its run comes it has no log of its own; then it writes the run's.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=str(workdir),
            env=self.environment(),
            start_new_session=True,
        )
        return WarmRunner(popen, workdir)
