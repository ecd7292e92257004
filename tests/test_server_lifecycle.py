"""A real ``jupyter-server`` process in local mode, as a user runs it: the local backend
is a process of its own that the server starts on demand, that outlives the server (a
run started from it goes on after its stop, and the next server lists it), and that
the next request replaces after a ``kill -9`` (the interrupted run ends FAILED saying
why). The server itself imports none of the backend's machinery.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.core.polling import poll_until
from jupyter_sagerun.local import processes
from jupyter_sagerun.local.discovery import RunningBackend, read_info
from testkit.notebooks import write_notebook
from testkit.server import Server, jupyter_server
from testkit.waiting import TERMINAL

pytestmark = pytest.mark.timeout(240)

#: What only the backend process may import: moto's S3, papermill and the kernel
#: client, the runner, and the backend's own machinery.
BACKEND_ONLY = (
    "moto",
    "werkzeug",
    "papermill",
    "nbclient",
    "jupyter_sagerun.local.runner",
    "jupyter_sagerun.local.operations",
    "jupyter_sagerun.local.scheduler",
    "jupyter_sagerun.local.server",
    "jupyter_sagerun.local.store",
)


def _call(server: Server, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    with server.session() as http:
        answer = http.request(method, server.url(path), json=body, timeout=90)
    return answer.status_code, answer.json()


def _wait_status(server: Server, run_id: str, statuses: set[str], timeout: float) -> Any:
    def probe() -> Any:
        status, run = _call(server, "GET", f"sagerun/runs/{run_id}")
        assert status == 200, run
        return run if run["status"] in statuses else None

    run = poll_until(probe, timeout=timeout, interval=0.2)
    assert run is not None, f"run {run_id} never reached {statuses}"
    return run


def _backend(state: Path) -> RunningBackend:
    info = read_info(state)
    assert info is not None, "no backend owns the state directory"
    return info


def test_a_run_outlives_the_server_and_the_server_imports_no_backend(tmp_path: Path) -> None:
    modules = tmp_path / "server-modules.json"
    state = tmp_path / "local-backend"
    with jupyter_server(
        tmp=tmp_path, keep_backend=True, max_concurrent_runs=2, record_modules=modules
    ) as first:
        write_notebook(first.root, "slow.ipynb", "import time\ntime.sleep(8)\nprint('done')")
        status, run = _call(first, "POST", "sagerun/runs", {"path": "slow.ipynb"})
        assert status == 201, run
        _wait_status(first, run["id"], {"RUNNING"}, timeout=90)
        backend = _backend(state)
        assert backend.pid != first.process.pid
    # The first server is gone (it wrote what it imported as it exited), mid-run.
    imported = json.loads(modules.read_text())
    leaked = [m for m in imported if m.split(".")[0] in BACKEND_ONLY or m in BACKEND_ONLY]
    leaked += [m for m in imported if any(m.startswith(f"{name}.") for name in BACKEND_ONLY)]
    assert "jupyter_sagerun.server.app" in imported  # the extension did load
    assert not leaked, f"the Jupyter server imported the backend's machinery: {leaked}"
    assert processes.alive(backend.pid), "the backend stopped with the server"

    with jupyter_server(tmp=tmp_path, max_concurrent_runs=2) as second:
        status, listed = _call(second, "GET", "sagerun/runs")
        assert status == 200, listed
        assert run["id"] in [item["id"] for item in listed["items"]]
        done = _wait_status(second, run["id"], TERMINAL, timeout=90)
        assert done["status"] == "SUCCEEDED", done  # it went on: nothing cut it short
        assert _backend(state).pid == backend.pid  # found again, not started again


def test_kill_9_of_the_backend_mid_run_then_the_next_request_starts_one(tmp_path: Path) -> None:
    state = tmp_path / "local-backend"
    with jupyter_server(tmp=tmp_path, max_concurrent_runs=2) as server:
        write_notebook(server.root, "long.ipynb", "import time\ntime.sleep(600)")
        status, run = _call(server, "POST", "sagerun/runs", {"path": "long.ipynb"})
        assert status == 201, run
        _wait_status(server, run["id"], {"RUNNING"}, timeout=90)
        first = _backend(state)
        os.kill(first.pid, signal.SIGKILL)  # no cleanup: backend.json names a dead pid
        assert poll_until(lambda: True if not processes.alive(first.pid) else None, timeout=10)

        started = time.monotonic()
        status, ended = _call(server, "GET", f"sagerun/runs/{run['id']}")
        assert status == 200, ended
        second = _backend(state)
        assert second.pid != first.pid and second.endpoint_url != first.endpoint_url
        # The new backend's start ended the run the dead one left active, saying why.
        assert ended["status"] == "FAILED", ended
        assert "restarted while the run was active" in ended["error"]["message"]
        took = time.monotonic() - started
        print(f"\n[lifecycle] the request that started a new backend took {took:.1f} s")
