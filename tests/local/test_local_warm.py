"""Runs on warm runners, for real: each run sees nothing of the one before it, the pool
stays within its bound and goes when idle, no run of a burst is lost or doubled, and a
run that cannot be launched ends FAILED with its reason."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from jupyter_sagerun.local import processes
from jupyter_sagerun.local.store import TokenScope, now
from testkit.local import DOMAIN, PROJECT, Local
from testkit.notebooks import cell_text, notebook_bytes
from testkit.waiting import gone

FIRST = """
import json, os, pathlib
leaked_global = "from the first run"
json.leaked_attribute = "from the first run"
os.environ["FIRST_RUN_ONLY"] = "set by the first run"
pathlib.Path("left-behind.txt").write_text("first")
print("pid", os.getpid())
"""

SECOND = """
import json, os, pathlib
print("pid", os.getpid())
print("global", "leaked_global" in globals())
print("attribute", hasattr(json, "leaked_attribute"))
print("env", os.environ.get("FIRST_RUN_ONLY"), os.environ.get("SAGEMAKER_NOTEBOOK_PARAMETER_a"))
print("mine", os.environ.get("SAGEMAKER_NOTEBOOK_PARAMETER_b"))
print("file", pathlib.Path("left-behind.txt").exists())
print("count", get_ipython().execution_count)
"""


def _wait_for(what: str, check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.1)


def _warm_pids(local: Local) -> list[int]:
    return local.backend._scheduler.warm_pids()  # type: ignore[union-attr]


def _kernel_of(warm_pid: int) -> int | None:
    """The kernel a warm runner started ahead of its run, once it has."""
    found = [
        pid for pid in processes.descendants(warm_pid) if "ipykernel" in processes.cmdline(pid)
    ]
    return found[0] if found else None


def _lines(text: str) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in text.splitlines() if " " in line)


def test_a_run_sees_nothing_of_the_run_before_it(make_local: Callable[..., Local]) -> None:
    local = make_local(max_concurrent_runs=1, warm_runners=1)
    first_id = local.import_notebook(notebook_bytes(FIRST))
    first = local.start_run(first_id, parameters={"a": "first"})
    done = local.wait_run(first["id"])
    assert done["status"] == "SUCCEEDED", done.get("error")
    first_pid = int(_lines(cell_text(local.output(first["id"])))["pid"])

    # The next run's runner is ready, its kernel started before that run exists.
    _wait_for("a warm runner", lambda: len(_warm_pids(local)) == 1)
    warm_pid = _warm_pids(local)[0]
    _wait_for("its kernel", lambda: _kernel_of(warm_pid) is not None)
    kernel_pid = _kernel_of(warm_pid)

    second_id = local.import_notebook(notebook_bytes(SECOND), name="second.ipynb")
    second = local.start_run(second_id, parameters={"b": "second"})
    done = local.wait_run(second["id"])
    assert done["status"] == "SUCCEEDED", done.get("error")
    seen = _lines(cell_text(local.output(second["id"])))
    assert int(seen["pid"]) == kernel_pid != first_pid  # the kernel started ahead
    assert seen["global"] == "False"
    assert seen["attribute"] == "False"
    assert seen["env"] == "None None"  # neither the first run's variable nor parameter
    assert seen["mine"] == "second"  # its own parameter reached the started kernel
    assert seen["file"] == "False"  # a working directory of its own
    # The environment request left no trace in the history: counts start at 1 (the
    # injected parameters cell) as in a cold kernel, and the notebook's cell is 2nd.
    cells = local.output(second["id"])["cells"]
    assert [cell.get("execution_count") for cell in cells] == [1, 2]
    assert seen["count"] == "3"  # IPython's own count inside the second cell, cold too
    assert gone(kernel_pid), "the kernel outlived its run"


def test_the_warm_pool_is_bounded_and_let_go_when_idle(make_local: Callable[..., Local]) -> None:
    local = make_local(max_concurrent_runs=1, warm_runners=3, warm_runner_idle_timeout=5)
    # Before any run, an idle backend holds no warm runner.
    assert _warm_pids(local) == []
    notebook_id = local.import_notebook(notebook_bytes("1 + 1"))
    run = local.start_run(notebook_id)
    _wait_for("a warm runner", lambda: len(_warm_pids(local)) >= 1)
    # Three asked for, but no more than max_concurrent_runs.
    assert len(_warm_pids(local)) == 1
    warm_pid = _warm_pids(local)[0]
    done = local.wait_run(run["id"])
    assert done["status"] == "SUCCEEDED", done.get("error")
    # Its kernel, unless the pool let it go first on a slow machine.
    _wait_for(
        "its kernel or its end",
        lambda: _kernel_of(warm_pid) is not None or not _warm_pids(local),
    )
    kernel_pid = _kernel_of(warm_pid)

    _wait_for("the pool let go", lambda: _warm_pids(local) == [], timeout=60)
    assert gone(warm_pid)
    assert kernel_pid is None or gone(kernel_pid)
    assert len(_warm_pids(local)) == 0


def test_the_kernel_works_outside_the_state_directory(local: Local) -> None:
    source = (
        "import os, pathlib\n"
        "here = pathlib.Path.cwd()\n"
        "print('cwd', here)\n"
        "print('found', [str(p) for p in [here, *here.parents]"
        " if (p / 'backend.json').exists()])"
    )
    for attempt in range(2):  # a cold runner first, then a warm one
        notebook_id = local.import_notebook(notebook_bytes(source), name=f"cwd{attempt}.ipynb")
        run = local.start_run(notebook_id)
        done = local.wait_run(run["id"])
        assert done["status"] == "SUCCEEDED", done.get("error")
        seen = _lines(cell_text(local.output(run["id"])))
        cwd = Path(seen["cwd"])
        state = local.state_dir.resolve()
        assert state not in (cwd, *cwd.parents)
        assert seen["found"] == "[]"
        assert not cwd.exists(), "the run's working directory outlived it"


def test_twenty_runs_at_once_each_run_once(make_local: Callable[..., Local]) -> None:
    local = make_local(max_concurrent_runs=2)
    notebook_id = local.import_notebook(notebook_bytes("print('result', n)", parameters="n = -1"))
    runs = [local.start_run(notebook_id, parameters={"n": str(i)}) for i in range(20)]
    ids = [run["id"] for run in runs]
    assert len(set(ids)) == 20
    results = []
    for run_id in ids:
        done = local.wait_run(run_id, timeout=300)
        assert done["status"] == "SUCCEEDED", done.get("error")
        results.append(_lines(cell_text(local.output(run_id)))["result"])
    assert sorted(results, key=int) == [str(i) for i in range(20)]
    listed = local.dz.list_notebook_runs(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, maxResults=50
    )["items"]
    assert sorted(r["id"] for r in listed) == sorted(ids)


def test_a_run_that_cannot_be_launched_ends_failed_with_its_reason(
    make_local: Callable[..., Local],
) -> None:
    local = make_local(max_concurrent_runs=0)
    notebook_id = local.import_notebook(notebook_bytes("1 + 1"))
    lost = local.start_run(notebook_id)
    # Its folder is gone before the scheduler launches it: the launch itself fails.
    shutil.rmtree(local.state_dir / "runs" / lost["id"])
    # A value no environment can hold, as a record that reached the store would have.
    store = local.backend._store  # type: ignore[union-attr]
    assert store is not None
    stored = store.get("runs", lost["id"])
    assert stored is not None
    record = {**stored, "id": "nbr-unencodable", "parameters": {"bad": "\ud800"}}
    record["createdAt"] = record["updatedAt"] = now()
    (local.state_dir / "runs" / record["id"]).mkdir()
    shutil.copyfile(
        local.state_dir / "notebooks" / f"{notebook_id}.ipynb",
        local.state_dir / "runs" / record["id"] / "input.ipynb",
    )
    store.create("runs", record, TokenScope(DOMAIN, PROJECT, "t", None, ""))

    scheduler = local.backend._scheduler  # type: ignore[union-attr]
    assert scheduler is not None
    scheduler.max_concurrent_runs = 2
    scheduler.wake()
    done = local.wait_run(lost["id"], timeout=20)
    assert done["status"] == "FAILED"
    assert done["error"]["message"].startswith("The run could not be started: ")
    assert "gone" in done["error"]["message"]
    bad = local.wait_run(record["id"], timeout=20)
    assert bad["status"] == "FAILED"
    assert "'bad' cannot be passed to the run's environment" in bad["error"]["message"]
    # And the scheduler goes on: a good run after them succeeds.
    good = local.wait_run(local.start_run(notebook_id)["id"])
    assert good["status"] == "SUCCEEDED", good.get("error")
