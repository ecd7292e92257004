"""Where DataZone is strict or may differ, through a real Jupyter server on the local
backend: any parameter name, a refused sync, a failed import, the stop of an ended
run, a reused clientToken."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.aws.datazone import DataZoneGateway
from jupyter_sagerun.core.errors import SageRunError
from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.runs.context import RunContext
from jupyter_sagerun.runs.sync import NotebookSyncer
from testkit.notebooks import printed, write_notebook
from testkit.rest import Api, token
from testkit.waiting import wait_for

pytestmark = pytest.mark.timeout(120)


async def test_a_parameter_name_that_is_no_identifier_reaches_the_environment(
    api: Api, jp_root_dir: Path
) -> None:
    write_notebook(
        jp_root_dir,
        "env.ipynb",
        "import os\nprint('got', os.environ['SAGEMAKER_NOTEBOOK_PARAMETER_my-param'], n)",
        parameters="n = 0",
    )
    body = {"path": "env.ipynb", "parameters": {"my-param": "hello", "n": "3"}}
    status, run = await api("POST", "runs", body=body)
    assert status == 201, run
    assert sorted(run["parameterNames"]) == ["my-param", "n"]
    done = await wait_for(api, run["id"])
    assert done["status"] == "SUCCEEDED", done.get("error")
    status, saved = await api("POST", "runs", run["id"], "output", body={})
    assert status == 200, saved
    assert "got hello 3" in printed(jp_root_dir / saved["path"])


async def test_a_refused_sync_imports_and_keeps_every_run_of_the_path(
    api: Api, jp_root_dir: Path, inject: Any
) -> None:
    project = "refused" + token()[:10]
    write_notebook(jp_root_dir, "r.ipynb", "print('one')")
    body = {"path": "r.ipynb", "projectId": project}
    status, first = await api("POST", "runs", body=body)
    assert status == 201, first

    write_notebook(jp_root_dir, "r.ipynb", "print('two')")
    inject(operation="StartNotebookSync", error="ValidationException", count=1)
    status, second = await api("POST", "runs", body=body)
    assert status == 201, second
    assert second["notebookId"] != first["notebookId"]  # imported anew
    assert second["path"] == "r.ipynb"

    for run in (first, second):
        done = await wait_for(api, run["id"], projectId=project)
        assert done["status"] == "SUCCEEDED", done
        assert done["path"] == "r.ipynb"
    status, listed = await api("GET", "runs", params={"path": "r.ipynb", "projectId": project})
    assert status == 200, listed
    assert [r["id"] for r in listed["items"]] == [second["id"], first["id"]]
    assert {r["path"] for r in listed["items"]} == {"r.ipynb"}

    # One per page: the pages walk both notebooks and end.
    seen, params = [], {"path": "r.ipynb", "projectId": project, "maxResults": "1"}
    while True:
        status, page = await api("GET", "runs", params=params)
        assert status == 200, page
        seen += [r["id"] for r in page["items"]]
        if not page.get("nextToken"):
            break
        params = {**params, "nextToken": page["nextToken"]}
    assert seen == [second["id"], first["id"]]
    status, bad = await api(
        "GET", "runs", params={"path": "r.ipynb", "projectId": project, "nextToken": "x"}
    )
    assert status == 400 and bad["error"]["fields"][0]["path"] == "nextToken", bad


async def test_an_import_name_clash_is_retried_under_another_name(
    api: Api, jp_root_dir: Path, inject: Any
) -> None:
    project = "clash" + token()[:10]
    write_notebook(jp_root_dir, "same.ipynb", "print('x')")
    inject(operation="StartNotebookImport", error="ConflictException", count=1)
    status, run = await api("POST", "runs", body={"path": "same.ipynb", "projectId": project})
    assert status == 201, run
    status, notebooks = await api("GET", "notebooks", params={"projectId": project})
    assert status == 200, notebooks
    [notebook] = notebooks["items"]
    assert notebook["name"].startswith("same-") and notebook["path"] == "same.ipynb"


def test_a_failed_import_ends_the_wait_at_once(local_backend: LocalBackend, tmp_path: Path) -> None:
    context = RunContext(
        backend="local",
        domain_id="dzd_local",
        project_id="failed" + token()[:10],
        region="us-east-1",
        profile=None,
        endpoint_url=local_backend.endpoint_url,
        s3_endpoint_url=local_backend.s3_endpoint_url,
        staging_s3_uri=local_backend.staging_s3_uri,
        sources={},
        subnet_ids=[],
        security_group_ids=[],
        credentials=local_backend.credentials,
    )
    syncer = NotebookSyncer(DataZoneGateway(), tmp_path, deadline=60.0)
    started = time.monotonic()
    with pytest.raises(SageRunError) as caught:
        # Not a notebook: the backend's import fails (the workspace would refuse it
        # first; the syncer alone takes what it is given).
        syncer.ensure_synced(context, str(tmp_path / "x.ipynb"), "x.ipynb", b"not json")
    assert time.monotonic() - started < 10
    assert caught.value.status == 502
    assert "SYNC_FAILED" in caught.value.message and "not a notebook" in caught.value.message


async def test_stop_of_an_ended_run_shows_it_ended(api: Api, jp_root_dir: Path) -> None:
    write_notebook(jp_root_dir, "quick.ipynb", "x = 1")
    status, run = await api("POST", "runs", body={"path": "quick.ipynb"})
    assert status == 201, run
    done = await wait_for(api, run["id"])
    status, stopped = await api("POST", "runs", run["id"], "stop", body={})
    assert status == 200, stopped
    assert (stopped["id"], stopped["status"]) == (run["id"], done["status"])


async def test_a_reused_client_token_is_a_conflict_naming_it(api: Api, jp_root_dir: Path) -> None:
    write_notebook(jp_root_dir, "tok.ipynb", "x = 1", parameters="a = 0")
    shared = token()
    body = {"path": "tok.ipynb", "clientToken": shared, "parameters": {"a": "1"}}
    status, first = await api("POST", "runs", body=body)
    assert status == 201, first
    status, again = await api("POST", "runs", body=body)
    assert status == 201 and again["id"] == first["id"], again
    status, refused = await api("POST", "runs", body={**body, "parameters": {"a": "2"}})
    assert status == 409, refused
    assert [f["path"] for f in refused["error"]["fields"]] == ["clientToken"]
