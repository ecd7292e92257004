"""A Jupyter server waits for every local backend it started: one that stops (a
clean stop, an idle timeout) leaves no ``<defunct>`` child behind, however long the
server lives. The server here is the test's own process (pytest_jupyter's), so its
children are ours to look at."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import psutil
import pytest

from jupyter_sagerun.core.polling import poll_until
from jupyter_sagerun.local.discovery import read_info
from testkit.processes import stop_backend
from testkit.rest import Api

pytestmark = pytest.mark.timeout(120)


def _gone_or_reaped(pid: int) -> bool | None:
    """True once ``pid`` is no process of ours at all, not even a zombie."""
    try:
        child = psutil.Process(pid)
        if child.ppid() != os.getpid():
            return True  # the pid went, and another process has it now
        child.status()
    except psutil.NoSuchProcess:
        return True
    return None


@pytest.mark.own_backend(max_concurrent_runs=0)
async def test_backends_the_server_started_are_reaped_when_they_stop(
    api: Api, jp_fetch: Any, tmp_path: Path
) -> None:
    state = tmp_path / "local-backend"
    loop = asyncio.get_running_loop()
    for _ in range(2):  # started, stopped, started again on the next request
        # The server starts its backend: seconds, more on a loaded machine.
        answer = await jp_fetch("sagerun", "runs", request_timeout=120)
        assert answer.code == 200
        info = read_info(state)
        assert info is not None
        assert psutil.Process(info.pid).ppid() == os.getpid(), "not started by the server"
        await loop.run_in_executor(None, stop_backend, state)
        reaped = await loop.run_in_executor(
            None, lambda pid=info.pid: poll_until(lambda: _gone_or_reaped(pid), timeout=20)
        )
        zombies = [c.pid for c in psutil.Process().children() if c.status() == psutil.STATUS_ZOMBIE]
        assert reaped and info.pid not in zombies, f"backend {info.pid} left as a zombie"
