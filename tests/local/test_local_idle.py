"""``LocalBackend.idle_timeout``: ``jupyter sagerun local`` (what every client starts)
stops by itself once idle, never while a run has not ended, and never while a request
is being answered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jupyter_sagerun.core.polling import poll_until
from jupyter_sagerun.local.discovery import RunningBackend, lock_is_held, read_info
from testkit.local import DOMAIN, PROJECT, Local
from testkit.notebooks import notebook_bytes

pytestmark = pytest.mark.timeout(90)

REPO = Path(__file__).resolve().parents[2]


class Standalone:
    """``python -m jupyter_sagerun.local --idle-timeout=...`` in a process group of
    its own, found the way a command finds it (``backend.json``)."""

    def __init__(self, state_dir: Path, *args: str) -> None:
        self.state_dir = state_dir
        self.log_path = state_dir.parent / f"{state_dir.name}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "jupyter_sagerun.local",
                    "--quiet",
                    "--log-level=INFO",
                    f"--state-dir={state_dir}",
                    "--seconds-per-minute=0.05",
                    *args,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                start_new_session=True,
            )

        def published() -> RunningBackend | None:
            assert self.process.poll() is None, self.log()
            info = read_info(state_dir)
            return info if info is not None and info.pid == self.process.pid else None

        info = poll_until(published, timeout=60, interval=0.05)
        assert info is not None, "the local backend never published itself"
        self.ready_at = time.monotonic()
        self.local = Local(info.endpoint_url, info.s3_endpoint_url, state_dir)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def exits_within(self, timeout: float) -> float:
        """Wait for it to exit on its own; answers when (monotonic)."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the idle backend did not stop by itself:\n{self.log()}")
        return time.monotonic()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def standalone(tmp_path: Path) -> Iterator[Callable[..., Standalone]]:
    made: list[Standalone] = []

    def make(*args: str) -> Standalone:
        made.append(Standalone(tmp_path / "state", *args))
        return made[-1]

    yield make
    for each in made:
        each.kill()


def assert_released(state_dir: Path) -> None:
    assert read_info(state_dir) is None  # removed on the way out, as on Ctrl+C
    assert not lock_is_held(state_dir)


def test_an_unused_backend_stops_by_itself(standalone: Callable[..., Standalone]) -> None:
    app = standalone("--idle-timeout=2")
    ended = app.exits_within(30)
    assert app.process.returncode == 0, app.log()
    # Not before its time (the check runs every 0.5 s here, so not much after either).
    assert ended - app.ready_at >= 1.9
    assert_released(app.state_dir)
    log = app.log()
    assert log.count("idle for") == 1 and "idle_timeout 2 s" in log, log
    assert "SageRun local backend stopped" in log


def test_a_queued_run_keeps_it_then_it_stops(standalone: Callable[..., Standalone]) -> None:
    # 5 s: a shorter timeout can end the backend between its start and the client's
    # first request (the upload below) on a loaded machine: building the two boto3
    # clients alone can take seconds. Every request after that counts, S3's included.
    app = standalone("--idle-timeout=5", "--max-concurrent-runs=0")
    notebook_id = app.local.import_notebook(notebook_bytes("x = 1"))
    run = app.local.start_run(notebook_id)
    assert run["status"] == "QUEUED"
    # No request from here on: the idle check finds the queued run for a whole timeout,
    # and says so; the backend is still there.
    kept = poll_until(lambda: "Kept up past idle_timeout 5 s" in app.log() or None, timeout=60)
    assert kept, app.log()
    assert app.process.poll() is None, app.log()
    app.local.dz.stop_notebook_run(domainIdentifier=DOMAIN, identifier=run["id"])
    app.exits_within(20)
    assert app.process.returncode == 0, app.log()
    assert_released(app.state_dir)


def test_a_running_run_keeps_it_until_it_ends(
    standalone: Callable[..., Standalone], make_local: Callable[..., Local]
) -> None:
    app = standalone("--idle-timeout=3")
    notebook_id = app.local.import_notebook(notebook_bytes("import time\ntime.sleep(6)"))
    started = time.monotonic()
    run = app.local.start_run(notebook_id)
    # No request from here on: only the run keeps the backend.
    ended = app.exits_within(60)
    assert app.process.returncode == 0, app.log()
    assert ended - started >= 6
    assert_released(app.state_dir)
    # It stopped after the run ended, not during it: a stop mid-run would have left
    # the run to end FAILED ("restarted while the run was active") on the next start.
    again = make_local(state_dir=app.state_dir)
    assert again.get_run(run["id"])["status"] == "SUCCEEDED"


def test_a_request_in_flight_and_a_health_probe(make_local: Callable[..., Local]) -> None:
    """In process (the watch is the backend's; the stop is the command's): a slow
    answer keeps it busy, a health probe only delays the stop a little."""
    local = make_local(idle_timeout=1.0)
    idled = threading.Event()
    local.backend.watch_idle(lambda seconds: idled.set())
    # A request the backend takes 3 s to answer: in flight, so never idle.
    fault = {"operation": "ListNotebooks", "delaySeconds": 3}
    assert local.control("POST", "/_local/faults", fault)[0] == 200
    began = time.monotonic()
    local.dz.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    assert time.monotonic() - began >= 3
    assert not idled.is_set()
    assert idled.wait(5)

    # Health probes alone do not keep a backend alive: however often they come, they
    # postpone the stop by one grace (here the 1 s timeout) at most.
    again = make_local(state_dir=local.state_dir.parent / "other", idle_timeout=1.0)
    idled_again = threading.Event()
    again.backend.watch_idle(lambda seconds: idled_again.set())
    give_up = time.monotonic() + 10
    while not idled_again.is_set():
        assert time.monotonic() < give_up, "health probes kept the backend alive"
        urllib.request.urlopen(again.endpoint_url + "/_local/health").close()
        time.sleep(0.3)  # the probes' own cadence (a client's discovery), not a wait
