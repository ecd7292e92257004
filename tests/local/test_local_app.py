"""The standalone command: ``python -m jupyter_sagerun.local``, its clean stop, and
what a ``kill -9`` of it in the middle of a run leaves behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jupyter_sagerun.local import processes
from testkit.local import DOMAIN, PROJECT, Local
from testkit.notebooks import pid_file_notebook
from testkit.waiting import gone, wait_for_pid

REPO = Path(__file__).resolve().parents[2]


class Standalone:
    def __init__(self, state_dir: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.state_dir = state_dir
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_sagerun.local",
                "--port",
                "0",
                "--state-dir",
                str(state_dir),
                "--seconds-per-minute",
                "0.05",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.endpoint = self.s3 = ""
        assert self.process.stdout is not None
        deadline = time.monotonic() + 60
        while not (self.endpoint and self.s3):
            assert time.monotonic() < deadline, "the local backend never said where it listens"
            line = self.process.stdout.readline()
            assert line, "the local backend exited early"
            if found := re.match(r"DataZone API:\s+(\S+)", line):
                self.endpoint = found.group(1)
            if found := re.match(r"S3:\s+(\S+)", line):
                self.s3 = found.group(1)


@pytest.fixture
def standalone(tmp_path: Path) -> Iterator[Callable[[], Standalone]]:
    made: list[Standalone] = []

    def make() -> Standalone:
        made.append(Standalone(tmp_path / "state"))
        return made[-1]

    yield make
    for each in made:
        if each.process.poll() is None:
            each.process.kill()
        each.process.wait()


def _client_for(app: Standalone) -> Local:
    # Signed with the credentials of the backend.json it wrote.
    return Local(app.endpoint, app.s3, app.state_dir)


def test_sigterm_stops_the_command_cleanly(standalone: Callable[[], Standalone]) -> None:
    app = standalone()
    local = _client_for(app)
    assert (
        local.dz.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)["items"]
        == []
    )
    app.process.send_signal(signal.SIGTERM)
    assert app.process.wait(timeout=20) == 0


def test_kill_9_mid_run_then_restart(
    standalone: Callable[[], Standalone], make_local: Callable[..., Local], tmp_path: Path
) -> None:
    app = standalone()
    local = _client_for(app)
    notebook_id = local.import_notebook(pid_file_notebook(120))
    pidfile = tmp_path / "kernel.pid"
    run = local.start_run(notebook_id, parameters={"pidfile": str(pidfile)})
    done_run = local.start_run(notebook_id, parameters={"pidfile": str(tmp_path / "x")})
    local.dz.stop_notebook_run(domainIdentifier=DOMAIN, identifier=done_run["id"])
    kernel_pid = wait_for_pid(pidfile)
    app.process.kill()
    app.process.wait()
    # The orphaned run goes on without its backend...
    assert processes.alive(kernel_pid)

    # ...until a backend starts on the same state: nothing is lost, the run ends
    # with the reason, and its processes are gone.
    restarted = make_local(state_dir=tmp_path / "state", max_concurrent_runs=0)
    ids = {
        item["id"]
        for item in restarted.dz.list_notebook_runs(
            domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT
        )["items"]
    }
    assert ids == {run["id"], done_run["id"]}
    ended = restarted.get_run(run["id"])
    assert ended["status"] == "FAILED"
    assert "restarted while the run was active" in ended["error"]["message"]
    assert gone(kernel_pid)
    assert restarted.get_run(done_run["id"])["status"] == "STOPPED"
