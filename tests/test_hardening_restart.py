"""``kill -9`` of the local backend in the middle of a run, seen through one Jupyter
server that is never restarted: a backend restarted by hand on new ports is followed;
one gone for good (killed, idled out) is replaced by the next request, which starts a
new backend process on the same state, and the run the dead one left active ends
FAILED saying why.

The first backend is a ``jupyter sagerun local`` started by hand on the state
directory the server is configured with (``LocalBackend.state_dir``): the server finds
it through its connection file. A backend the server starts is a process of its own
too, stopped after each test (``own_backend_dir``).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from traitlets.config import Config

from jupyter_sagerun.local.discovery import RunningBackend, lock_is_held, read_info
from testkit.config import sagerun_config
from testkit.notebooks import write_notebook
from testkit.processes import stop_backend
from testkit.rest import Api
from testkit.waiting import wait_for

pytestmark = pytest.mark.timeout(180)

REPO = Path(__file__).resolve().parent.parent


class Standalone:
    """``python -m jupyter_sagerun.local`` on a state directory, ports picked by the OS."""

    def __init__(self, state_dir: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_sagerun.local",
                "--port=0",
                "--s3-port=0",
                f"--state-dir={state_dir}",
                *(args or ["--max-concurrent-runs=2"]),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            # Its own group, so that cleanup reaches whatever it started.
            start_new_session=True,
        )
        self.endpoint = ""
        assert self.process.stdout is not None
        deadline = time.monotonic() + 90
        while not self.endpoint:
            assert time.monotonic() < deadline, "the local backend never said where it listens"
            line = self.process.stdout.readline()
            assert line, "the local backend exited early"
            if found := re.match(r"DataZone API:\s+(\S+)", line):
                self.endpoint = found.group(1)

    def kill_9(self) -> None:
        self.process.kill()  # SIGKILL: no cleanup, backend.json stays behind
        self.process.wait(timeout=30)


@pytest.fixture
def standalones(tmp_path: Path) -> Iterator[list[Standalone]]:
    made: list[Standalone] = []
    yield made
    stop_backend(tmp_path / "local-backend")  # one the server started, if any
    for each in made:
        if each.process.poll() is None:
            each.process.terminate()
            try:
                each.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(each.process.pid, 9)
                each.process.wait()


@pytest.fixture
def jp_server_config(
    request: pytest.FixtureRequest, tmp_path: Path, standalones: list[Standalone]
) -> Config:
    # The standalone backend owns the state directory the server's LocalBackend is
    # configured with: the server finds it there and connects instead of starting one.
    marker = request.node.get_closest_marker("standalone")
    standalones.append(Standalone(tmp_path / "local-backend", *(marker.args if marker else ())))
    return sagerun_config(tmp_path)


async def test_kill_9_mid_run_then_restart_on_new_ports(
    api: Api, jp_root_dir: Path, tmp_path: Path, standalones: list[Standalone]
) -> None:
    first = standalones[0]
    status, context = await api("GET", "context")
    assert status == 200, context
    assert context["endpointUrl"] == first.endpoint  # discovered, none started

    write_notebook(
        jp_root_dir, "long.ipynb", "import time\nfor _ in range(600):\n    time.sleep(1)"
    )
    status, run = await api("POST", "runs", body={"path": "long.ipynb"})
    assert status == 201, run
    await wait_for(api, run["id"], {"RUNNING"}, timeout=90)

    first.kill_9()
    # Restarted before the server's next request (a request in between would find
    # nobody holding the state and start the server's own backend: see below).
    second = Standalone(tmp_path / "local-backend")
    standalones.append(second)
    assert second.endpoint != first.endpoint  # the realistic case: another port

    # The same Jupyter server, never restarted: it follows the backend to its new port.
    status, context = await api("GET", "context")
    assert status == 200, context
    assert context["endpointUrl"] == second.endpoint

    status, listed = await api("GET", "runs")
    assert status == 200, listed
    assert run["id"] in [item["id"] for item in listed["items"]]  # nothing lost
    ended = await wait_for(api, run["id"], timeout=30)
    assert ended["status"] == "FAILED", ended
    assert "restarted while the run was active" in ended["error"]["message"]

    # New requests work, uploads included (the new S3 is on a new port too).
    write_notebook(jp_root_dir, "after.ipynb", "x = 1")
    status, after = await api("POST", "runs", body={"path": "after.ipynb"})
    assert status == 201, after
    done = await wait_for(api, after["id"], timeout=120)
    assert done["status"] == "SUCCEEDED", done


def _started_by_the_server(state_dir: Path, peer: Standalone) -> RunningBackend:
    """A new backend process owns the state: not the peer, not the server itself."""
    info = read_info(state_dir)
    assert info is not None and info.pid not in (os.getpid(), peer.process.pid)
    assert lock_is_held(state_dir)
    return info


@pytest.mark.standalone("--idle-timeout=2", "--max-concurrent-runs=0")  # replaces the default
async def test_a_peer_that_idles_out_is_replaced_on_the_next_request(
    api: Api, jp_root_dir: Path, tmp_path: Path, standalones: list[Standalone]
) -> None:
    peer = standalones[0]
    state = tmp_path / "local-backend"
    status, context = await api("GET", "context")
    assert status == 200 and context["endpointUrl"] == peer.endpoint, context
    write_notebook(jp_root_dir, "quick.ipynb", "x = 1")
    status, run = await api("POST", "runs", body={"path": "quick.ipynb"})
    assert status == 201 and run["status"] == "QUEUED", run  # the peer runs nothing
    status, stopped = await api("POST", "runs", run["id"], "stop")
    assert status == 200, stopped

    # Nothing active, no request: the peer goes by itself.
    await asyncio.get_running_loop().run_in_executor(None, peer.process.wait, 30)
    assert peer.process.returncode == 0
    assert read_info(state) is None and not lock_is_held(state)

    # The next request starts a new backend on the same state, with the server's
    # settings (up to 4 runs, not the peer's 0): the earlier run is still there.
    status, listed = await api("GET", "runs")
    assert status == 200, listed
    assert run["id"] in [item["id"] for item in listed["items"]]
    _started_by_the_server(state, peer)
    status, context = await api("GET", "context")
    assert status == 200 and context["endpointUrl"] != peer.endpoint, context
    status, after = await api("POST", "runs", body={"path": "quick.ipynb"})
    assert status == 201, after
    done = await wait_for(api, after["id"], timeout=60)
    assert done["status"] == "SUCCEEDED", done


async def test_kill_9_mid_run_then_the_next_request_starts_a_new_backend(
    api: Api, jp_root_dir: Path, tmp_path: Path, standalones: list[Standalone]
) -> None:
    peer = standalones[0]
    state = tmp_path / "local-backend"
    write_notebook(jp_root_dir, "long.ipynb", "import time\ntime.sleep(600)")
    status, run = await api("POST", "runs", body={"path": "long.ipynb"})
    assert status == 201, run
    await wait_for(api, run["id"], {"RUNNING"}, timeout=90)

    peer.kill_9()  # backend.json stays behind, naming a dead process
    # Concurrent requests: one of them starts the backend, all of them use it.
    answers = await asyncio.gather(*(api("GET", "runs") for _ in range(5)))
    for status, listed in answers:
        assert status == 200, listed
        assert run["id"] in [item["id"] for item in listed["items"]]
    _started_by_the_server(state, peer)
    # The run the dead backend left active ends with the reason, as on any restart.
    ended = await wait_for(api, run["id"], timeout=30)
    assert ended["status"] == "FAILED", ended
    assert "restarted while the run was active" in ended["error"]["message"]
    status, fresh = await api("POST", "runs", body={"path": "long.ipynb"})
    assert status == 201, fresh
    status, stopped = await api("POST", "runs", fresh["id"], "stop")
    assert status == 200, stopped
