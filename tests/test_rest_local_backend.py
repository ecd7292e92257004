"""The local backend a Jupyter server starts for itself: a process of its own, given the
server's ``--LocalBackend.*`` settings, found again (or started again) per request.

Each test's server has a state directory nobody holds, so it starts the backend as it
would for a user; ``own_backend_dir`` stops that process after the test."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from jupyter_sagerun.core.polling import poll_until
from jupyter_sagerun.local.discovery import RunningBackend, lock_is_held, read_info
from jupyter_sagerun.server.backend_process import DETACHED_IDLE_TIMEOUT
from testkit.notebooks import write_notebook
from testkit.rest import Api, token
from testkit.waiting import released_within, wait_for

pytestmark = pytest.mark.timeout(120)


@pytest.mark.own_backend(seconds_per_minute=0.05)
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


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def _owner(state: Path) -> RunningBackend:
    info = read_info(state)
    assert info is not None, "no backend owns the state directory"
    assert info.pid != os.getpid(), "the backend runs inside the Jupyter server"
    return info


@pytest.mark.own_backend()
async def test_context_in_local_mode(api: Api, own_backend_dir: Path) -> None:
    status, context = await api("GET", "context")
    assert status == 200, context
    backend = _owner(own_backend_dir)
    # The server's own settings reach the process it started; unset, the idle timeout
    # is the detached default.
    command = _cmdline(backend.pid)
    assert f"--LocalBackend.state_dir={own_backend_dir}" in command
    assert "--LocalBackend.max_concurrent_runs=4" in command
    assert f"--LocalBackend.idle_timeout={DETACHED_IDLE_TIMEOUT}" in command
    assert context["backend"] == "local"
    assert context["domainId"] == "dzd_local"
    assert context["projectId"] == "local"
    assert context["endpointUrl"] == backend.endpoint_url
    assert context["s3EndpointUrl"] == backend.s3_endpoint_url
    assert context["stagingS3Uri"] == backend.staging_s3_uri
    assert context["profile"] is None
    assert context["sources"]["backend"] == "config"
    assert context["sources"]["domainId"] == "local"
    assert context["sources"]["endpointUrl"] == "local"
    assert context["vpc"] == {"subnetIds": [], "securityGroupIds": []}
    status, chosen = await api("GET", "context", params={"projectId": "proj7"})
    assert (chosen["projectId"], chosen["sources"]["projectId"]) == ("proj7", "request")


@pytest.mark.own_backend(max_concurrent_runs=0)
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


@pytest.mark.own_backend(max_concurrent_runs=0)
async def test_a_stopped_backend_is_started_again_by_the_next_request(
    api: Api, jp_root_dir: Path, own_backend_dir: Path
) -> None:
    write_notebook(jp_root_dir, "history.ipynb", "x = 1")
    ids = []
    for _ in range(3):
        status, run = await api(
            "POST", "runs", body={"path": "history.ipynb", "clientToken": token()}
        )
        assert status == 201, run
        ids.append(run["id"])

    first = _owner(own_backend_dir)
    os.kill(first.pid, signal.SIGTERM)  # as Ctrl+C would stop it
    assert await asyncio.to_thread(released_within, own_backend_dir, 30)

    # The next request starts a new one on the same state: nothing lost.
    status, listed = await api("GET", "runs")
    assert status == 200, listed
    assert {item["id"] for item in listed["items"]} >= set(ids)
    second = _owner(own_backend_dir)
    assert second.pid != first.pid and second.endpoint_url != first.endpoint_url
    status, one = await api("GET", "runs", ids[0])
    assert status == 200 and one["id"] == ids[0]
    # And the history keeps growing on the new backend, through the same mapping.
    status, after = await api("POST", "runs", body={"path": "history.ipynb"})
    assert status == 201, after
    assert after["notebookId"] == one["notebookId"]


# 3 s, not less: S3 requests do not count as activity, so a shorter timeout could end
# the backend between the server's discovery and its first DataZone request.
@pytest.mark.own_backend(idle_timeout=3)
async def test_the_server_s_backend_idles_out_and_the_next_request_starts_one(
    api: Api, jp_root_dir: Path, own_backend_dir: Path
) -> None:
    write_notebook(jp_root_dir, "quick.ipynb", "x = 1")
    status, run = await api("POST", "runs", body={"path": "quick.ipynb"})
    assert status == 201, run
    await wait_for(api, run["id"], timeout=60)
    first = _owner(own_backend_dir)
    assert "--LocalBackend.idle_timeout=3.0" in _cmdline(first.pid)
    # No request and nothing active: it goes by itself, removing its connection file.
    gone = await asyncio.to_thread(
        poll_until, lambda: True if not lock_is_held(own_backend_dir) else None, timeout=30
    )
    assert gone, "the idle backend did not stop"
    assert read_info(own_backend_dir) is None

    status, listed = await api("GET", "runs")
    assert status == 200, listed
    assert run["id"] in [item["id"] for item in listed["items"]]
    assert _owner(own_backend_dir).pid != first.pid


@pytest.mark.own_backend(max_concurrent_runs=0)
async def test_concurrent_requests_after_a_kill_start_one_backend(
    api: Api, jp_root_dir: Path, own_backend_dir: Path
) -> None:
    status, context = await api("GET", "context")
    assert status == 200, context
    first = _owner(own_backend_dir)
    os.kill(first.pid, signal.SIGKILL)  # backend.json stays behind, naming a dead pid
    assert await asyncio.to_thread(released_within, own_backend_dir, 30)

    answers = await asyncio.gather(*(api("GET", "context") for _ in range(8)))
    assert {status for status, _ in answers} == {200}, answers
    endpoints = {context["endpointUrl"] for _, context in answers}
    second = _owner(own_backend_dir)
    assert endpoints == {second.endpoint_url}
    # One start: one new line of the backend's start in its log, not eight.
    log = (own_backend_dir / "backend.log").read_text()
    assert log.count("SageRun local backend: DataZone at") == 2, log
