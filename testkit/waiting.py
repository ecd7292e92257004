"""Waiting for something to happen, each wait with a deadline: a run through REST to
reach a status, a state directory's lock to be released, a kernel to write its pid, a
process to be gone."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from jupyter_sagerun.core.polling import poll_until
from jupyter_sagerun.local import processes
from jupyter_sagerun.local.discovery import lock_is_held

from .rest import Api

TERMINAL = {"SUCCEEDED", "FAILED", "STOPPED"}


async def wait_for(
    api: Api,
    run_id: str,
    statuses: set[str] = TERMINAL,
    timeout: float = 60.0,
    **params: str,
) -> dict[str, Any]:
    """The run ``GET sagerun/runs/<run_id>`` gives once its status is one of ``statuses``."""
    deadline = time.monotonic() + timeout
    while True:
        status, run = await api("GET", "runs", run_id, params=params or None)
        assert status == 200, run
        if run["status"] in statuses:
            return dict(run)
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']}"
        await asyncio.sleep(0.1)


def released_within(state_dir: Path, timeout: float) -> bool:
    """Whether nobody holds ``state_dir``'s lock within ``timeout`` seconds (the kernel
    frees it when the holder is gone: no waitpid needed for a process not our child)."""
    return (
        poll_until(lambda: True if not lock_is_held(state_dir) else None, timeout=timeout) or False
    )


def wait_for_pid(path: Path, timeout: float = 30) -> int:
    """The pid a kernel wrote to ``path`` (see ``notebooks.pid_file_notebook``)."""
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_text()):
        assert time.monotonic() < deadline, "the kernel never wrote its pid"
        time.sleep(0.1)
    return int(path.read_text())


def gone(pid: int, timeout: float = 5) -> bool:
    """Whether process ``pid`` is gone within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while processes.alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
