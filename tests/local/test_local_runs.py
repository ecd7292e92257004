"""Runs executed for real: papermill in child processes, stop, timeout, queueing,
restart, export."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from jupyter_sagerun.core.model_defaults import DEFAULT_RUN_TIMEOUT_MINUTES
from jupyter_sagerun.local import processes, runner
from testkit.local import DOMAIN, PROJECT, Local
from testkit.notebooks import cell_text, notebook_bytes, pid_file_notebook
from testkit.waiting import gone, wait_for_pid

CANARY = "canary-7f3a9c1e"
SHOW = """
import os
print("count", repr(count), type(count).__name__)
print("label", repr(label), type(label).__name__)
env = os.environ
print("env", env["SAGEMAKER_NOTEBOOK_PARAMETER_count"], env["SAGEMAKER_NOTEBOOK_PARAMETER_label"])
"""


def test_parameters_reach_the_notebook_decoded_and_as_environment(
    local: Local, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    notebook_id = local.import_notebook(
        notebook_bytes(SHOW, parameters="count = 0\nlabel = 'x'\nsecret = ''")
    )
    begun = time.monotonic()
    run = local.start_run(
        notebook_id, parameters={"count": "3", "label": "hello world", "secret": CANARY}
    )
    assert run["status"] == "QUEUED"
    assert run["ResponseMetadata"]["HTTPStatusCode"] == 201
    done = local.wait_run(run["id"])
    elapsed = time.monotonic() - begun
    assert done["status"] == "SUCCEEDED", done.get("error")
    assert done["startedAt"] <= done["completedAt"]
    assert done["createdAt"] <= done["startedAt"]
    text = cell_text(local.output(run["id"]))
    assert "count 3 int" in text
    assert "label 'hello world' str" in text
    assert "env 3 hello world" in text
    print(f"end-to-end run time: {elapsed:.2f}s")
    # No parameter value in the backend's log or its runner's (the client's own
    # botocore DEBUG log shows its request body, and is not the backend's).
    backend_records = [r for r in caplog.records if not r.name.startswith(("botocore", "urllib3"))]
    assert backend_records
    assert not [r for r in backend_records if CANARY in r.getMessage()]
    assert CANARY not in (local.state_dir / "runs" / run["id"] / "runner.log").read_text()

    # The export is the executed notebook, injected parameters cell and all.
    export = local.dz.start_notebook_export(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        notebookIdentifier=notebook_id,
        fileFormat="IPYNB",
    )
    assert export["status"] == "IN_PROGRESS"
    deadline = time.monotonic() + 10
    while (got := local.dz.get_notebook_export(domainIdentifier=DOMAIN, identifier=export["id"]))[
        "status"
    ] == "IN_PROGRESS":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert got["status"] == "SUCCEEDED", got.get("error")
    uri = got["outputLocation"]["s3"]["uri"]
    bucket, key = uri[len("s3://") :].split("/", 1)
    exported = json.loads(local.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    assert exported["metadata"]["sagerun"]["runId"] == run["id"]
    injected = [
        c for c in exported["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    ]
    assert injected and "count = 3" in "".join(injected[0]["source"])
    assert "count 3 int" in cell_text(exported)


def test_a_failing_notebook_ends_failed_with_the_exception(local: Local) -> None:
    notebook_id = local.import_notebook(notebook_bytes("raise ValueError('boom')"))
    done = local.wait_run(local.start_run(notebook_id)["id"])
    assert done["status"] == "FAILED"
    assert "ValueError" in done["error"]["message"]
    assert "boom" in done["error"]["message"]
    assert len(done["error"]["message"]) <= 1024


def test_stop_kills_the_runner_and_its_kernel(local: Local, tmp_path: Path) -> None:
    notebook_id = local.import_notebook(pid_file_notebook(120))
    pidfile = tmp_path / "kernel.pid"
    run = local.start_run(notebook_id, parameters={"pidfile": str(pidfile)})
    kernel_pid = wait_for_pid(pidfile)
    assert local.get_run(run["id"])["status"] == "RUNNING"
    runner_pid = local.backend._store.pid_of("runs", run["id"])  # type: ignore[union-attr]
    assert runner_pid and processes.alive(runner_pid)

    stopping = local.dz.stop_notebook_run(domainIdentifier=DOMAIN, identifier=run["id"])
    assert stopping["status"] == "STOPPING"
    done = local.wait_run(run["id"], timeout=10)
    assert done["status"] == "STOPPED"
    assert gone(runner_pid)
    # Within less than ipykernel's own parent poll (1 s): we killed it, it did not quit.
    assert gone(kernel_pid, timeout=0.5), "the kernel outlived its stopped run"
    # Stopping an ended run is a ConflictException, as the model allows.
    with pytest.raises(local.dz.exceptions.ConflictException, match="already ended"):
        local.dz.stop_notebook_run(domainIdentifier=DOMAIN, identifier=run["id"])


def test_a_run_past_its_timeout_fails(local: Local) -> None:
    # seconds_per_minute=0.05: 60 minutes are 3 seconds.
    notebook_id = local.import_notebook(notebook_bytes("import time; time.sleep(120)"))
    begun = time.monotonic()
    run = local.start_run(notebook_id, timeoutConfiguration={"runTimeoutInMinutes": 60})
    done = local.wait_run(run["id"], timeout=20)
    assert done["status"] == "FAILED"
    assert "timeout of 60 minutes" in done["error"]["message"]
    assert time.monotonic() - begun < 15


def test_runs_beyond_the_limit_wait_queued(make_local: Callable[..., Local]) -> None:
    local = make_local(max_concurrent_runs=1)
    notebook_id = local.import_notebook(notebook_bytes("import time; time.sleep(0.5)"))
    first = local.start_run(notebook_id)
    second = local.start_run(notebook_id)
    local.wait_run(first["id"], lambda r: r["status"] == "RUNNING")
    assert local.get_run(second["id"])["status"] == "QUEUED"
    assert local.wait_run(first["id"])["status"] == "SUCCEEDED"
    done = local.wait_run(second["id"])
    assert done["status"] == "SUCCEEDED"
    assert done["startedAt"] >= local.get_run(first["id"])["completedAt"]


def test_a_restarted_backend_keeps_every_run(
    make_local: Callable[..., Local], tmp_path: Path
) -> None:
    state = tmp_path / "shared-state"
    first = make_local(state_dir=state, max_concurrent_runs=1)
    notebook_id = first.import_notebook(pid_file_notebook(120))
    pidfile = tmp_path / "kernel.pid"
    running = first.start_run(notebook_id, parameters={"pidfile": str(pidfile)})
    queued = first.start_run(notebook_id, parameters={"pidfile": str(tmp_path / "other.pid")})
    stopped = first.start_run(notebook_id)
    first.dz.stop_notebook_run(domainIdentifier=DOMAIN, identifier=stopped["id"])
    kernel_pid = wait_for_pid(pidfile)
    first.backend.stop()
    assert gone(kernel_pid)

    second = make_local(state_dir=state, max_concurrent_runs=0)
    items = second.dz.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)[
        "items"
    ]
    by_id = {item["id"]: item for item in items}
    assert set(by_id) == {running["id"], queued["id"], stopped["id"]}
    interrupted = second.get_run(running["id"])
    assert interrupted["status"] == "FAILED"
    assert "restarted" in interrupted["error"]["message"]
    assert by_id[queued["id"]]["status"] == "QUEUED"
    assert by_id[stopped["id"]]["status"] == "STOPPED"
    assert second.dz.get_notebook(domainIdentifier=DOMAIN, identifier=notebook_id)["status"] == (
        "ACTIVE"
    )
    assert os.path.exists(state / "local.sqlite3")


def test_the_runner_decodes_values_and_falls_back_to_python3() -> None:
    assert runner.decode("3") == 3
    assert runner.decode('{"a": [1, 2]}') == {"a": [1, 2]}
    assert runner.decode("true") is True
    assert runner.decode("hello") == "hello"
    assert runner.decode("") == ""
    missing = {"metadata": {"kernelspec": {"name": "no-such-kernel", "language": "python"}}}
    assert runner.kernel_for(missing) == ("python3", "python")
    assert runner.kernel_for({}) == ("python3", "python")


def test_a_run_that_names_no_timeout_gets_the_documented_default(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("x = 1"))
    run = paused.start_run(notebook_id)
    got = paused.get_run(run["id"])
    assert got["timeoutConfiguration"]["runTimeoutInMinutes"] == DEFAULT_RUN_TIMEOUT_MINUTES
    named = paused.start_run(notebook_id, timeoutConfiguration={"runTimeoutInMinutes": 61})
    assert paused.get_run(named["id"])["timeoutConfiguration"]["runTimeoutInMinutes"] == 61
