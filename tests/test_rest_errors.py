"""Errors end to end: what the local backend (or the network) does → what the REST
client sees, status and code, per the errors table of DEVELOPERS.md ("Errors")."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyter_sagerun.aws.datazone import DataZoneGateway
from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.local.discovery import read_info
from testkit.config import sagerun_config
from testkit.knobs import knob
from testkit.notebooks import write_notebook
from testkit.rest import Api, token

pytestmark = pytest.mark.timeout(60)


# (injected error, how many requests answer it, REST status, REST code, retryable)
MODELED = [
    ("ValidationException", 1, 400, "ValidationException", False),
    ("UnauthorizedException", 1, 401, "UnauthorizedException", False),
    ("ServiceQuotaExceededException", 1, 402, "ServiceQuotaExceededException", False),
    ("AccessDeniedException", 1, 403, "AccessDeniedException", False),
    ("ResourceNotFoundException", 1, 404, "ResourceNotFoundException", False),
    ("ConflictException", 1, 409, "ConflictException", False),
    # botocore's standard mode tries throttling and 5xx three times: outlast them.
    ("ThrottlingException", 3, 429, "ThrottlingException", True),
    ("InternalServerException", 3, 502, "UpstreamError", True),
]


@pytest.mark.parametrize(
    ("error", "count", "status", "code", "retryable"), MODELED, ids=[m[0] for m in MODELED]
)
async def test_each_modeled_error_reaches_the_client(
    api: Api,
    inject: Any,
    local_backend: LocalBackend,
    error: str,
    count: int,
    status: int,
    code: str,
    retryable: bool,
) -> None:
    inject(operation="StartNotebookRun", error=error, count=count)
    got, answer = await api(
        "POST", "runs", body={"notebookId": "nbdoesnotmatter", "clientToken": token()}
    )
    assert got == status, answer
    assert answer["error"]["code"] == code
    assert answer["error"]["retryable"] is retryable
    assert answer["error"]["message"]
    # The local backend names its request; the client can quote it to support.
    assert answer["error"]["requestId"]


# botocore's standard mode makes three attempts: two throttled answers are absorbed by
# its retries (the run starts, once); three outlast them (429, nothing starts).
THROTTLING = [(2, 201, 1), (3, 429, 0)]


@pytest.mark.parametrize(
    ("throttled", "status", "new_runs"), THROTTLING, ids=["shorter-than-retries", "longer"]
)
async def test_throttling_against_botocores_retries(
    api: Api, inject: Any, jp_root_dir: Path, throttled: int, status: int, new_runs: int
) -> None:
    project = "thr" + token()[:12]
    write_notebook(jp_root_dir, "t.ipynb", "x = 1")
    got, run = await api("POST", "runs", body={"path": "t.ipynb", "projectId": project})
    assert got == 201, run

    inject(operation="StartNotebookRun", error="ThrottlingException", count=throttled)
    got, answer = await api(
        "POST", "runs", body={"notebookId": run["notebookId"], "projectId": project}
    )

    assert got == status, answer
    if status == 429:
        assert answer["error"]["code"] == "ThrottlingException"
        assert answer["error"]["retryable"] is True
    _, listed = await api("GET", "runs", params={"projectId": project})
    assert len(listed["items"]) == 1 + new_runs  # retried attempts never add a run


async def test_upstream_5xx_is_502(api: Api, inject: Any) -> None:
    inject(operation="GetNotebookRun", error="InternalServerException", status=503, count=3)
    status, answer = await api("GET", "runs", "abc123")
    assert status == 502, answer
    assert answer["error"]["code"] == "UpstreamError"


@pytest.mark.sagerun(
    backend="aws",
    domain_id="dzd_nowhere",
    project_id="proj",
    region="us-east-1",
    endpoint_url="http://127.0.0.1:9",
    max_attempts=1,
    connect_timeout=2,
)
async def test_endpoint_that_does_not_answer_is_503(
    api: Api, jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An aws endpoint that nothing listens on (the local backend is always found, or
    # started, through its connection file: see the start-failure test below).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "unused")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unused")
    status, answer = await api("GET", "runs")
    assert status == 503, answer
    assert answer["error"]["code"] == "EndpointUnreachable"
    assert answer["error"]["retryable"] is True
    status, answer = await api("POST", "runs", body={"notebookId": "abc123"})
    assert status == 503, answer


@pytest.mark.sagerun(read_timeout=0.5, max_attempts=1)
async def test_upstream_too_slow_is_504(api: Api, inject: Any, jp_fetch: Any) -> None:
    inject(operation="GetNotebookRun", delaySeconds=2)
    status, answer = await api("GET", "runs", "abc123")
    assert status == 504, answer
    assert answer["error"]["code"] == "UpstreamTimeout"
    response = await jp_fetch("api", "status")  # the server kept answering
    assert response.code == 200


class ExplodingGateway(DataZoneGateway):
    def call(self, target: Any, operation: str, params: Any) -> dict[str, Any]:
        raise RuntimeError(f"boom with {dict(params).get('parameters')}")


@pytest.mark.sagerun(gateway_class=ExplodingGateway)
async def test_unexpected_error_is_a_500_without_a_trace(api: Api, sagerun_app: Any) -> None:
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(handler.format(record))  # type: ignore[method-assign]
    sagerun_app.log.addHandler(handler)
    status, answer = await api(
        "POST", "runs", body={"notebookId": "abc123", "parameters": {"p": "canary-500"}}
    )
    assert status == 500, answer
    error = answer["error"]
    assert error["code"] == "InternalError"
    assert error["requestId"]
    assert "Traceback" not in json.dumps(answer) and "boom" not in json.dumps(answer)
    assert "canary-500" not in json.dumps(answer)
    sagerun_app.log.removeHandler(handler)
    logged = "\n".join(records)
    assert error["requestId"] in logged  # the server log has it, to match the report
    assert "canary-500" not in logged


@pytest.mark.sagerun(
    backend="aws",
    domain_id="dzd_abc",
    project_id="proj",
    region="us-east-1",
    profile="nobody-has-this",
)
async def test_missing_credentials_are_401_with_a_hint(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "aws-config"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    status, answer = await api("GET", "runs")
    assert status == 401, answer
    assert answer["error"]["code"] == "UnauthorizedException"
    assert "aws sso login --profile nobody-has-this" in answer["error"]["message"]


async def test_slow_upstream_calls_do_not_block_the_event_loop(
    api: Api, inject: Any, jp_fetch: Any, local_backend: LocalBackend
) -> None:
    def asked() -> int:
        return int(
            knob(local_backend, "GET", "/_local/requests")["counts"].get("GetNotebookRun", 0)
        )

    before = await asyncio.to_thread(asked)
    inject(operation="GetNotebookRun", delaySeconds=5, count=8)
    slow = [asyncio.ensure_future(api("GET", "runs", "abc123")) for _ in range(8)]
    # All eight reach the backend before any is answered: the server sent the next while
    # the first ones waited, so its event loop was never held by an upstream call.
    deadline = time.monotonic() + 30
    while await asyncio.to_thread(asked) < before + 8:
        assert time.monotonic() < deadline, "the eight calls never all reached the backend"
        assert not any(task.done() for task in slow)
        await asyncio.sleep(0.05)  # the poll's cadence, not a wait for something
    # And while all eight are held there, the server goes on answering.
    for _ in range(5):
        response = await jp_fetch("api", "status")
        assert response.code == 200
    assert not any(task.done() for task in slow)
    assert [status for status, _ in await asyncio.gather(*slow)] == [404] * 8


async def test_dropped_answer_after_commit_then_retry_makes_one_run(
    api: Api, inject: Any, jp_root_dir: Path
) -> None:
    project = "drop" + token()[:12]
    write_notebook(jp_root_dir, "d.ipynb", "x = 1")
    status, first = await api("POST", "runs", body={"path": "d.ipynb", "projectId": project})
    assert status == 201, first
    inject(operation="StartNotebookRun", dropAfterCommit=True, count=1)
    body = {"notebookId": first["notebookId"], "projectId": project, "clientToken": token()}
    # botocore retries the dropped request with the same clientToken; if it gave up,
    # the client's own retry (same token) must still find the one run.
    status, run = await api("POST", "runs", body=body)
    if status != 201:
        status, run = await api("POST", "runs", body=body)
    assert status == 201, run
    status, listed = await api("GET", "runs", params={"projectId": project})
    assert sorted(r["id"] for r in listed["items"]) == sorted([first["id"], run["id"]])


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port some other program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


@pytest.fixture
def jp_server_config(
    request: pytest.FixtureRequest, tmp_path: Path, local_backend: LocalBackend
) -> Config:
    # The start-failure test's server must start a backend of its own, which cannot bind.
    if "busy_port" in request.fixturenames:
        return sagerun_config(tmp_path, local={"port": request.getfixturevalue("busy_port")})
    traits = request.node.get_closest_marker("sagerun")
    return sagerun_config(tmp_path, local_backend, sagerun=dict(traits.kwargs) if traits else {})


async def test_a_backend_that_cannot_start_is_a_503_naming_its_log(
    busy_port: int, api: Api, tmp_path: Path
) -> None:
    # The answer comes after a backend start failed: give that start the time a loaded
    # machine needs (the test is of the answer, not of its speed).
    status, answer = await api("GET", "runs", timeout=120)
    assert status == 503, answer
    error = answer["error"]
    assert error["code"] == "EndpointUnreachable" and error["retryable"] is True
    log = tmp_path / "local-backend" / "backend.log"
    assert str(log) in error["message"]
    assert "Address already in use" in log.read_text()
    # Nothing is left holding the state, and the next request answers at once.
    assert read_info(tmp_path / "local-backend") is None
    status, again = await api("GET", "context", timeout=120)
    assert status == 503, again
