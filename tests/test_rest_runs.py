"""Runs through the REST API, end to end: real server, boto3, local backend, papermill."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.local import LocalBackend
from testkit.notebooks import write_notebook
from testkit.rest import Api, token
from testkit.waiting import wait_for

pytestmark = pytest.mark.timeout(120)


async def test_parameterized_run_succeeds_and_output_shows_value(
    api: Api, jp_root_dir: Path, local_backend: LocalBackend
) -> None:
    write_notebook(
        jp_root_dir, "work/params.ipynb", "print(f'alpha is {alpha}')", parameters="alpha = 1"
    )
    started = time.monotonic()
    status, run = await api(
        "POST",
        "runs",
        body={
            "path": "work/params.ipynb",
            "clientToken": token(),
            "parameters": {"alpha": "canary-4242"},
        },
    )
    post_ms = (time.monotonic() - started) * 1000
    assert status == 201, run
    assert run["status"] in {"QUEUED", "STARTING", "RUNNING"}
    assert run["path"] == "work/params.ipynb"
    assert run["parameterNames"] == ["alpha"]
    assert "parameters" not in run
    assert run["createdAt"].endswith("Z")

    done = await wait_for(api, run["id"])
    total_s = time.monotonic() - started
    assert done["status"] == "SUCCEEDED", done
    assert done["path"] == "work/params.ipynb"
    assert done["completedAt"] >= done["createdAt"]
    print(f"POST sagerun/runs (first, with import) {post_ms:.0f} ms; end to end {total_s:.1f} s")

    output = Path(local_backend.state_dir) / "runs" / run["id"] / "output.ipynb"
    texts = [
        "".join(out.get("text", ""))
        for cell in json.loads(output.read_text())["cells"]
        for out in cell.get("outputs", [])
    ]
    assert any("alpha is canary-4242" in text for text in texts), texts

    status, revealed = await api("GET", "runs", run["id"], params={"reveal": "parameters"})
    assert status == 200
    assert revealed["parameters"] == {"alpha": "canary-4242"}


async def test_failing_notebook_reports_exception_name(api: Api, jp_root_dir: Path) -> None:
    write_notebook(jp_root_dir, "fails.ipynb", "raise ZeroDivisionError('nope')")
    status, run = await api("POST", "runs", body={"path": "fails.ipynb"})
    assert status == 201, run
    done = await wait_for(api, run["id"])
    assert done["status"] == "FAILED"
    assert "ZeroDivisionError" in done["error"]["message"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes: it runs nothing.
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def test_stop_a_long_run(api: Api, jp_root_dir: Path) -> None:
    pid_file = jp_root_dir / "kernel.pid"
    write_notebook(
        jp_root_dir,
        "long.ipynb",
        # Written then renamed, so the file exists only once it holds the whole pid.
        f"import os, time\nopen({str(pid_file)!r} + '.tmp', 'w').write(str(os.getpid()))\n"
        f"os.rename({str(pid_file)!r} + '.tmp', {str(pid_file)!r})\ntime.sleep(120)",
    )
    status, run = await api("POST", "runs", body={"path": "long.ipynb"})
    assert status == 201, run
    deadline = time.monotonic() + 30
    while not pid_file.exists():
        assert time.monotonic() < deadline, "the long notebook never started its cell"
        await asyncio.sleep(0.1)
    pid = int(pid_file.read_text())
    assert _alive(pid)

    status, stopping = await api("POST", "runs", run["id"], "stop")
    assert status == 200, stopping
    assert stopping["status"] in {"STOPPING", "STOPPED"}
    done = await wait_for(api, run["id"], timeout=30)
    assert done["status"] == "STOPPED"
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not _alive(pid), "the kernel survived the stop"
    # Stopping an ended run is harmless and answers the run as it is.
    status, again = await api("POST", "runs", run["id"], "stop")
    assert (status, again["status"]) == (200, "STOPPED")


async def test_same_client_token_gives_one_run(
    api: Api, jp_root_dir: Path, local_backend: LocalBackend
) -> None:
    write_notebook(jp_root_dir, "once.ipynb", "x = 1")
    body: dict[str, Any] = {"path": "once.ipynb", "clientToken": token(), "projectId": token()[:20]}
    first = await api("POST", "runs", body=body)
    second = await api("POST", "runs", body=body)
    assert first[0] == second[0] == 201, (first, second)
    assert first[1]["id"] == second[1]["id"]
    status, listed = await api("GET", "runs", params={"projectId": body["projectId"]})
    assert status == 200
    assert [item["id"] for item in listed["items"]] == [first[1]["id"]]


async def test_run_by_notebook_id_and_list_filters(api: Api, jp_root_dir: Path) -> None:
    project = token()[:20]
    write_notebook(jp_root_dir, "a.ipynb", "x = 1")
    status, first = await api("POST", "runs", body={"path": "a.ipynb", "projectId": project})
    assert status == 201, first
    status, second = await api(
        "POST", "runs", body={"notebookId": first["notebookId"], "projectId": project}
    )
    assert status == 201, second
    assert second["path"] == "a.ipynb"  # the mapping knows the notebook
    status, by_path = await api("GET", "runs", params={"path": "a.ipynb", "projectId": project})
    assert status == 200
    assert [r["id"] for r in by_path["items"]] == [second["id"], first["id"]]  # newest first
    status, by_id = await api(
        "GET", "runs", params={"notebookId": first["notebookId"], "projectId": project}
    )
    assert [r["id"] for r in by_id["items"]] == [second["id"], first["id"]]
    status, unknown = await api("GET", "runs", params={"path": "never.ipynb", "projectId": project})
    assert (status, unknown) == (200, {"items": [], "nextToken": None})
    await wait_for(api, second["id"])
    status, done = await api(
        "GET", "runs", params={"status": "SUCCEEDED", "projectId": project, "maxResults": "1"}
    )
    assert status == 200 and len(done["items"]) == 1


async def test_output_is_saved_next_to_the_source(api: Api, jp_root_dir: Path) -> None:
    write_notebook(
        jp_root_dir, "reports/out.ipynb", "print('hello from', name)", parameters="name = 'x'"
    )
    status, run = await api(
        "POST", "runs", body={"path": "reports/out.ipynb", "parameters": {"name": "the run"}}
    )
    assert status == 201, run
    assert (await wait_for(api, run["id"]))["status"] == "SUCCEEDED"
    status, saved = await api("POST", "runs", run["id"], "output", body={"format": "IPYNB"})
    assert status == 200, saved
    assert saved["path"] == f"reports/out.run-{run['id']}.ipynb"
    content = json.loads((jp_root_dir / saved["path"]).read_text())
    texts = "".join(
        "".join(o.get("text", "")) for c in content["cells"] for o in c.get("outputs", [])
    )
    assert "hello from the run" in texts


async def test_parameter_values_stay_out_of_logs_and_answers(
    api: Api, jp_root_dir: Path, sagerun_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    canary = "canary-7f3e9b"
    records: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: records.append(handler.format(record))  # type: ignore[method-assign]
    sagerun_app.log.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    try:
        write_notebook(jp_root_dir, "secret.ipynb", "x = 1", parameters="token = ''")
        status, run = await api(
            "POST", "runs", body={"path": "secret.ipynb", "parameters": {"token": canary}}
        )
        assert status == 201, run
        answers = [run]
        answers.append((await api("GET", "runs"))[1])
        answers.append(await wait_for(api, run["id"]))
        answers.append((await api("POST", "runs", run["id"], "stop"))[1])
        bad = await api(
            "POST",
            "runs",
            body={"path": "secret.ipynb", "parameters": {"token": canary, "x" * 129: canary}},
        )
        assert bad[0] == 400
        answers.append(bad[1])
    finally:
        sagerun_app.log.removeHandler(handler)
    assert canary not in json.dumps(answers)
    logged = "\n".join(records) + caplog.text
    assert "SageRun" in logged or "sagerun" in logged.lower()  # the capture saw our logs
    assert canary not in logged
    # Revealing is the one way to see them.
    revealed = (await api("GET", "runs", run["id"], params={"reveal": "parameters"}))[1]
    assert revealed["parameters"] == {"token": canary}


async def test_runs_say_whether_their_notebook_is_in_this_workspace(
    api: Api, jp_root_dir: Path
) -> None:
    """Every server of the user shares the project and the notebook mapping, so a run's
    path may name another root's notebook: the run says so instead of a later 404."""
    project = token()[:20]
    write_notebook(jp_root_dir, "elsewhere.ipynb", "x = 1")
    status, run = await api("POST", "runs", body={"path": "elsewhere.ipynb", "projectId": project})
    assert status == 201, run
    assert run["inWorkspace"] is True
    await wait_for(api, run["id"])
    status, listed = await api("GET", "runs", params={"projectId": project})
    assert [r["inWorkspace"] for r in listed["items"]] == [True]
    # What another server's root looks like from here: the mapping names the path,
    # this root has no such file.
    (jp_root_dir / "elsewhere.ipynb").unlink()
    status, listed = await api("GET", "runs", params={"projectId": project})
    assert status == 200
    assert [(r["path"], r["inWorkspace"]) for r in listed["items"]] == [("elsewhere.ipynb", False)]
    status, one = await api("GET", f"runs/{run['id']}", params={"projectId": project})
    assert (status, one["inWorkspace"]) == (200, False)
    status, by_id = await api(
        "POST", "runs", body={"notebookId": run["notebookId"], "projectId": project}
    )
    assert (status, by_id["inWorkspace"]) == (201, False)
