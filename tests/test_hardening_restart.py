"""``kill -9`` of a standalone local backend in the middle of a run, then a restart on
new ports, seen through one Jupyter server that is never restarted.

The server finds the backend the way JupyterLab finds a ``jupyter sagerun local``
started by hand: it owns the state directory the server's own ``LocalBackend`` would
use (discovery through ``backend.json``), so the server connects instead of starting
its own, and must follow it when it comes back elsewhere.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Api, sagerun_config, wait_for, write_notebook
from traitlets.config import Config

pytestmark = pytest.mark.timeout(180)

REPO = Path(__file__).resolve().parent.parent


class Standalone:
    """``python -m jupyter_sagerun.local`` on a state directory, ports picked by the OS."""

    def __init__(self, state_dir: Path) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_sagerun.local",
                "--port=0",
                "--s3-port=0",
                f"--state-dir={state_dir}",
                "--max-concurrent-runs=2",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
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
    for each in made:
        if each.process.poll() is None:
            each.process.terminate()
            try:
                each.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                each.process.kill()
                each.process.wait()


@pytest.fixture
def jp_server_config(tmp_path: Path, standalones: list[Standalone]) -> Config:
    # The standalone backend owns the state directory the server's LocalBackend is
    # configured with: the server finds it there and connects instead of starting one.
    standalones.append(Standalone(tmp_path / "local-backend"))
    return sagerun_config(tmp_path)


async def test_kill_9_mid_run_then_restart_on_new_ports(
    api: Api, jp_root_dir: Path, tmp_path: Path, standalones: list[Standalone]
) -> None:
    first = standalones[0]
    status, context = await api("GET", "context")
    assert status == 200, context
    assert context["endpointUrl"] == first.endpoint  # discovered, not an embedded one

    write_notebook(
        jp_root_dir, "long.ipynb", "import time\nfor _ in range(600):\n    time.sleep(1)"
    )
    status, run = await api("POST", "runs", body={"path": "long.ipynb"})
    assert status == 201, run
    await wait_for(api, run["id"], {"RUNNING"}, timeout=90)

    first.kill_9()
    status, answer = await api("GET", "runs")
    assert status == 503, answer
    assert answer["error"]["code"] == "EndpointUnreachable"
    assert answer["error"]["retryable"] is True

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
