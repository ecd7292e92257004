"""The embedded local backend: started by the extension, its minutes scaled, restarted."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Api, token, wait_for, write_notebook

from jupyter_sagerun.local.discovery import read_info

pytestmark = pytest.mark.timeout(120)


@pytest.mark.embedded(seconds_per_minute=0.05)
async def test_run_timeout_ends_failed_within_seconds(api: Api, jp_root_dir: Path) -> None:
    write_notebook(jp_root_dir, "slow.ipynb", "import time\ntime.sleep(60)")
    started = time.monotonic()
    status, run = await api(
        "POST",
        "runs",
        body={"path": "slow.ipynb", "timeoutConfiguration": {"runTimeoutInMinutes": 60}},
    )
    assert status == 201, run
    assert run["timeoutConfiguration"] == {"runTimeoutInMinutes": 60}
    done = await wait_for(api, run["id"], timeout=30)
    assert done["status"] == "FAILED"
    assert (
        "timed out" in done["error"]["message"].lower()
        or "timeout" in done["error"]["message"].lower()
    )
    # 60 scaled minutes are 3 s; papermill's start-up adds a little.
    assert time.monotonic() - started < 20


@pytest.mark.embedded()
async def test_context_in_local_mode(api: Api, sagerun_app: Any) -> None:
    status, context = await api("GET", "context")
    assert status == 200, context
    backend = sagerun_app.local_backend
    assert context["backend"] == "local"
    assert context["domainId"] == "dzd_local"
    assert context["projectId"] == "local"
    assert context["endpointUrl"] == backend.endpoint_url
    assert context["stagingS3Uri"] == backend.staging_s3_uri
    assert context["profile"] is None
    assert context["sources"]["backend"] == "config"
    assert context["sources"]["domainId"] == "local"
    assert context["sources"]["endpointUrl"] == "local"
    assert context["vpc"] == {"subnetIds": [], "securityGroupIds": []}
    status, chosen = await api("GET", "context", params={"projectId": "proj7"})
    assert (chosen["projectId"], chosen["sources"]["projectId"]) == ("proj7", "request")


@pytest.mark.embedded(max_concurrent_runs=0)
async def test_listing_follows_next_token_across_more_than_50_runs(
    api: Api, jp_root_dir: Path
) -> None:
    # Queued runs cost nothing to keep: no notebook executes in this test.
    write_notebook(jp_root_dir, "many.ipynb", "x = 1")
    status, first = await api("POST", "runs", body={"path": "many.ipynb"})
    assert status == 201, first
    created = [first["id"]]
    for _ in range(54):
        status, run = await api("POST", "runs", body={"notebookId": first["notebookId"]})
        assert status == 201, run
        created.append(run["id"])

    seen: list[str] = []
    pages = 0
    params: dict[str, str] = {}
    while True:
        status, page = await api("GET", "runs", params=params)
        assert status == 200, page
        assert len(page["items"]) <= 50
        seen += [item["id"] for item in page["items"]]
        pages += 1
        if not page.get("nextToken"):
            break
        params = {"nextToken": page["nextToken"]}
    assert pages == 2
    assert seen == list(reversed(created))  # every run once, newest first

    status, small = await api("GET", "runs", params={"maxResults": "7"})
    assert len(small["items"]) == 7 and small["nextToken"]


@pytest.mark.embedded(max_concurrent_runs=0)
async def test_restarted_backend_still_lists_every_earlier_run(
    api: Api, jp_root_dir: Path, sagerun_app: Any
) -> None:
    write_notebook(jp_root_dir, "history.ipynb", "x = 1")
    ids = []
    for _ in range(3):
        status, run = await api(
            "POST", "runs", body={"path": "history.ipynb", "clientToken": token()}
        )
        assert status == 201, run
        ids.append(run["id"])

    backend = sagerun_app.local_backend
    # Restarted on port 0 it listens on a new port; the extension must follow it.
    await asyncio.to_thread(backend.stop)
    await asyncio.to_thread(backend.start)

    status, listed = await api("GET", "runs")
    assert status == 200, listed
    assert {item["id"] for item in listed["items"]} >= set(ids)
    status, one = await api("GET", "runs", ids[0])
    assert status == 200 and one["id"] == ids[0]
    # And the history keeps growing on the restarted backend, through the same mapping.
    status, after = await api("POST", "runs", body={"path": "history.ipynb"})
    assert status == 201, after
    assert after["notebookId"] == one["notebookId"]


@pytest.mark.embedded(idle_timeout=1)
async def test_an_embedded_backend_ignores_the_idle_timeout(api: Api, sagerun_app: Any) -> None:
    # LocalBackend.idle_timeout is the standalone command's: a backend embedded in a
    # Jupyter server lives as long as the server, whatever the setting says.
    status, context = await api("GET", "context")
    assert status == 200, context
    backend = sagerun_app.local_backend
    await asyncio.sleep(3)  # three timeouts without a request
    status, again = await api("GET", "context")
    assert status == 200 and again["endpointUrl"] == context["endpointUrl"], again
    info = read_info(backend.state_dir)
    assert info is not None and info.pid == os.getpid()
    assert sagerun_app.local_backend is backend
