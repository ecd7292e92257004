"""The AWS gateway: sessions, clients, retries and error mapping, over real HTTP.

A small HTTP server in a thread answers the way DataZone does (status,
``x-amzn-errortype``, ``{"message": ...}``, ``x-amzn-RequestId``), so every mapping is
checked on what botocore really makes of a real response.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import botocore.exceptions as bex
import botocore.session
import pytest
from botocore.stub import Stubber

from jupyter_sagerun.aws.datazone import (
    AwsTarget,
    DataZoneGateway,
    map_error,
)
from jupyter_sagerun.core.credentials import Credentials
from jupyter_sagerun.core.errors import SageRunError

pytestmark = pytest.mark.timeout(30)

RUN_PARAMS = {
    "domainIdentifier": "dzd_abc123",
    "owningProjectIdentifier": "proj1",
    "notebookIdentifier": "nb1",
}
RUN = {"id": "run-1", "domainId": "dzd_abc123", "status": "QUEUED"}

# A local backend's key pair, as its connection file gives it.
LOCAL = Credentials.fresh()


@dataclass
class Reply:
    status: int = 201
    body: dict[str, Any] | None = field(default_factory=lambda: dict(RUN))
    error_type: str | None = None
    # Answer only once this is set (the test sets it when it has seen what it waits for).
    hold: threading.Event | None = None
    drop: bool = False  # close the connection without an answer


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FakeDataZone:
    """Answers every request with ``reply`` and remembers what it was asked."""

    def __init__(self) -> None:
        self.reply = Reply()
        self.requests: list[Seen] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.1 so that botocore's `Expect: 100-continue` on PUT is answered at once.
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fake.requests.append(Seen(self.command, self.path, dict(self.headers), body))
                reply = fake.reply
                if reply.hold is not None:
                    reply.hold.wait(30)
                if reply.drop:
                    self.close_connection = True
                    return
                data = b"" if reply.body is None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("x-amzn-RequestId", f"req-{len(fake.requests)}")
                    if reply.error_type:
                        self.send_header("x-amzn-errortype", reply.error_type)
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except OSError:  # the client gave up waiting
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[FakeDataZone]:
    server = FakeDataZone()
    yield server
    server.close()


@pytest.fixture
def aws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated ~/.aws: no AWS_* variable of the developer's shell, no IMDS."""
    import os

    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    (home / ".aws" / "config").write_text("")
    (home / ".aws" / "credentials").write_text("")
    return home


def local_target(fake: FakeDataZone) -> AwsTarget:
    return AwsTarget(
        region="us-east-1",
        endpoint_url=fake.url,
        s3_endpoint_url=fake.url,
        credentials=LOCAL,
    )


def fail(gateway: DataZoneGateway, target: AwsTarget, params: Any = RUN_PARAMS) -> SageRunError:
    with pytest.raises(SageRunError) as info:
        gateway.call(target, "StartNotebookRun", params)
    return info.value


def test_call_returns_the_response_without_metadata(fake: FakeDataZone) -> None:
    result = DataZoneGateway().call(local_target(fake), "StartNotebookRun", RUN_PARAMS)
    assert result["id"] == "run-1" and result["status"] == "QUEUED"
    assert "ResponseMetadata" not in result
    seen = fake.requests[0]
    assert (seen.method, seen.path) == ("POST", "/v2/domains/dzd_abc123/notebook-runs")
    assert "jupyter_sagerun/" in seen.headers["User-Agent"]


@pytest.mark.parametrize(
    ("status", "error_type", "expected_status", "expected_code", "retryable"),
    [
        (400, "ValidationException", 400, "ValidationException", False),
        (401, "UnauthorizedException", 401, "UnauthorizedException", False),
        (402, "ServiceQuotaExceededException", 402, "ServiceQuotaExceededException", False),
        (403, "AccessDeniedException", 403, "AccessDeniedException", False),
        (404, "ResourceNotFoundException", 404, "ResourceNotFoundException", False),
        (409, "ConflictException", 409, "ConflictException", False),
        (400, "ExpiredTokenException", 401, "UnauthorizedException", False),
        (403, "UnrecognizedClientException", 401, "UnauthorizedException", False),
    ],
)
def test_modeled_errors_over_http(
    fake: FakeDataZone,
    status: int,
    error_type: str,
    expected_status: int,
    expected_code: str,
    retryable: bool,
) -> None:
    fake.reply = Reply(status, {"message": f"the service says {error_type}"}, error_type)
    error = fail(DataZoneGateway(), local_target(fake))
    assert (error.status, error.code, error.retryable) == (
        expected_status,
        expected_code,
        retryable,
    )
    assert error.request_id == "req-1"
    assert len(fake.requests) == 1  # none of these is retried
    if expected_code == error_type:
        assert error.message == f"the service says {error_type}"
    else:
        # Not the user's keys that were refused: no `aws configure` hint for a local one.
        assert "connection file" in error.message and "aws configure" not in error.message


def test_server_error_is_retried_then_502(fake: FakeDataZone) -> None:
    fake.reply = Reply(500, {"message": "boom"}, "InternalServerException")
    error = fail(DataZoneGateway(max_attempts=3), local_target(fake))
    assert (error.status, error.code, error.retryable) == (502, "UpstreamError", True)
    assert len(fake.requests) == 3
    assert error.request_id == "req-3"


def test_unmodeled_5xx_is_502(fake: FakeDataZone) -> None:
    fake.reply = Reply(503, {"message": "gateway down"})
    error = fail(DataZoneGateway(max_attempts=1), local_target(fake))
    assert (error.status, error.code, error.retryable) == (502, "UpstreamError", True)


def test_throttling_is_retried_then_429(fake: FakeDataZone) -> None:
    fake.reply = Reply(429, {"message": "slow down"}, "ThrottlingException")
    error = fail(DataZoneGateway(max_attempts=3), local_target(fake))
    assert (error.status, error.code, error.retryable) == (429, "ThrottlingException", True)
    assert len(fake.requests) == 3


def test_closed_port_is_503() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    target = AwsTarget("us-east-1", endpoint_url=f"http://127.0.0.1:{port}", credentials=LOCAL)
    error = fail(DataZoneGateway(max_attempts=1), target)
    assert (error.status, error.code, error.retryable) == (503, "EndpointUnreachable", True)
    assert f"127.0.0.1:{port}" in error.message and "dzd_abc123" not in error.message


def test_slow_server_is_504(fake: FakeDataZone) -> None:
    # The server holds its answer until the client has given up: a 504 that came while
    # the answer was still held can only be the read timeout's.
    release = threading.Event()
    fake.reply = Reply(hold=release)
    try:
        error = fail(DataZoneGateway(read_timeout=0.5, max_attempts=1), local_target(fake))
    finally:
        release.set()
    assert (error.status, error.code, error.retryable) == (504, "UpstreamTimeout", True)
    assert len(fake.requests) == 1  # asked once, and not retried


def test_profile_without_credentials_is_401_with_the_fix(
    fake: FakeDataZone, aws_home: Path
) -> None:
    (aws_home / ".aws" / "config").write_text("[profile team]\nregion = eu-west-1\n")
    target = AwsTarget("eu-west-1", profile="team", endpoint_url=fake.url)
    error = fail(DataZoneGateway(), target)
    assert (error.status, error.code) == (401, "UnauthorizedException")
    assert "aws sso login --profile team" in error.message
    assert "aws configure --profile team" in error.message
    assert fake.requests == []  # never sent unsigned


def test_unknown_profile_is_401(aws_home: Path) -> None:
    target = AwsTarget("us-east-1", profile="nosuch", endpoint_url="http://127.0.0.1:9")
    error = fail(DataZoneGateway(), target)
    assert error.status == 401 and "aws configure --profile nosuch" in error.message


def test_expired_sso_session_is_401_with_sso_login(fake: FakeDataZone, aws_home: Path) -> None:
    (aws_home / ".aws" / "config").write_text(
        "[profile sso-user]\nsso_session = corp\nsso_account_id = 111122223333\n"
        "sso_role_name = Dev\nregion = us-east-1\n"
        "[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\n"
    )
    target = AwsTarget("us-east-1", profile="sso-user", endpoint_url=fake.url)
    error = fail(DataZoneGateway(), target)
    assert error.status == 401 and "aws sso login --profile sso-user" in error.message
    assert fake.requests == []


def test_default_chain_without_credentials_names_the_options(
    fake: FakeDataZone, aws_home: Path
) -> None:
    error = fail(DataZoneGateway(), AwsTarget("us-east-1", endpoint_url=fake.url))
    assert error.status == 401
    assert "aws configure" in error.message and "--SageRun.profile" in error.message


def test_credentials_added_later_are_picked_up(fake: FakeDataZone, aws_home: Path) -> None:
    # After a 401 the user runs `aws configure`; no server restart may be needed.
    (aws_home / ".aws" / "config").write_text("[profile team]\nregion = us-east-1\n")
    gateway = DataZoneGateway()
    target = AwsTarget("us-east-1", profile="team", endpoint_url=fake.url)
    assert fail(gateway, target).status == 401
    (aws_home / ".aws" / "credentials").write_text(
        "[team]\naws_access_key_id = AKIDTEAM\naws_secret_access_key = s3cr3t\n"
    )
    assert gateway.call(target, "StartNotebookRun", RUN_PARAMS)["id"] == "run-1"
    assert "Credential=AKIDTEAM/" in fake.requests[0].headers["Authorization"]


def test_static_credentials_never_read_the_users_files(
    fake: FakeDataZone, aws_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unparseable files, a profile that does not exist and the user's keys in the
    # environment: any of them read would fail the call or show in the signature.
    (aws_home / ".aws" / "config").write_text("[[[ not an ini file\n")
    (aws_home / ".aws" / "credentials").write_text("[[[ not an ini file\n")
    monkeypatch.setenv("AWS_PROFILE", "nosuch")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDUSERCANARY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "usersecretcanary")
    target = AwsTarget("us-east-1", profile="nosuch", endpoint_url=fake.url, credentials=LOCAL)
    DataZoneGateway().call(target, "StartNotebookRun", RUN_PARAMS)
    authorization = fake.requests[0].headers["Authorization"]
    assert f"Credential={LOCAL.access_key_id}/" in authorization
    assert "AKIDUSERCANARY" not in authorization


def test_the_same_client_serves_every_call(fake: FakeDataZone) -> None:
    gateway = DataZoneGateway()
    target = local_target(fake)
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(gateway.client(target, "datazone")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in results}) == 1
    assert (
        gateway.client(AwsTarget("eu-west-1", endpoint_url=fake.url), "datazone")
        is not (results[0])
    )
    assert gateway.client(target, "s3") is not results[0]


def test_aws_data_path_cannot_change_the_model(
    fake: FakeDataZone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_dir = tmp_path / "models" / "datazone" / "2099-01-01"
    model_dir.mkdir(parents=True)
    (model_dir / "service-2.json").write_text(
        json.dumps(
            {
                "version": "2.0",
                "metadata": {
                    "apiVersion": "2099-01-01",
                    "endpointPrefix": "datazone",
                    "protocol": "rest-json",
                    "serviceId": "DataZone",
                    "signatureVersion": "v4",
                    "signingName": "datazone",
                    "uid": "datazone-2099-01-01",
                },
                "operations": {},
                "shapes": {},
            }
        )
    )
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "models"))
    # The bogus model is live for an ordinary session ...
    plain = botocore.session.Session().get_service_model("datazone")
    assert "StartNotebookRun" not in plain.operation_names
    # ... and yet the gateway still has the notebook operations.
    result = DataZoneGateway().call(local_target(fake), "StartNotebookRun", RUN_PARAMS)
    assert result["id"] == "run-1"


def test_no_parameter_value_in_logs_or_errors(
    fake: FakeDataZone, caplog: pytest.LogCaptureFixture
) -> None:
    canary = "canary-value-7f3a"
    params = {**RUN_PARAMS, "parameters": {"alpha": canary, "short": "xy"}}
    caplog.set_level(logging.DEBUG)
    fake.reply = Reply(
        400, {"message": f"Value '{canary}' and 'xy' at 'parameters' failed"}, "ValidationException"
    )
    error = fail(DataZoneGateway(), local_target(fake), params)
    assert canary.encode() in fake.requests[0].body  # the value did go out
    assert canary not in error.message and "'xy'" not in error.message
    assert "at 'parameters' failed" in error.message
    assert caplog.records, "botocore logged nothing at DEBUG: the check proves nothing"
    assert not [r for r in caplog.records if canary in r.getMessage()]
    assert not [r for r in caplog.records if LOCAL.secret_access_key in r.getMessage()]


def test_s3_round_trip_and_errors(fake: FakeDataZone) -> None:
    gateway = DataZoneGateway(max_attempts=1)
    target = local_target(fake)
    fake.reply = Reply(200, None)
    gateway.put_object(target, "s3://bucket/dir/nb.ipynb", b"{}")
    assert (fake.requests[-1].method, fake.requests[-1].path) == ("PUT", "/bucket/dir/nb.ipynb")
    assert fake.requests[-1].body == b"{}"
    fake.reply = Reply(404, None)
    assert gateway.head_object(target, "s3://bucket/dir/nb.ipynb") is None
    fake.reply = Reply(200, None)
    assert gateway.head_object(target, "s3://bucket/dir/nb.ipynb") is not None
    fake.reply = Reply(200, {"cells": []})
    assert gateway.get_object(target, "s3://bucket/dir/nb.ipynb") == b'{"cells": []}'
    with pytest.raises(SageRunError) as info:
        gateway.get_object(target, "not-a-uri")
    assert info.value.status == 400


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("NoSuchKey", 404, (404, "ResourceNotFoundException")),
        ("NoSuchBucket", 404, (404, "ResourceNotFoundException")),
        ("AccessDenied", 403, (403, "AccessDeniedException")),
        ("SlowDown", 503, (429, "ThrottlingException")),
        ("InvalidAccessKeyId", 403, (401, "UnauthorizedException")),
    ],
)
def test_s3_errors_with_stubber(code: str, status: int, expected: tuple[int, str]) -> None:
    gateway = DataZoneGateway()
    target = AwsTarget("us-east-1", endpoint_url="http://127.0.0.1:9", credentials=LOCAL)
    client = gateway.client(target, "s3")
    with Stubber(client) as stub:
        stub.add_client_error(
            "get_object",
            service_error_code=code,
            service_message="nope",
            http_status_code=status,
            response_meta={"RequestId": "s3-req"},
        )
        with pytest.raises(SageRunError) as info:
            gateway.get_object(target, "s3://bucket/key")
    assert (info.value.status, info.value.code) == expected
    assert info.value.request_id == "s3-req"


def test_non_botocore_surprise_is_a_generic_500() -> None:
    error = map_error(RuntimeError("secret detail"), target=AwsTarget("us-east-1"), operation="X")
    assert (error.status, error.code) == (500, "InternalError")
    assert "secret detail" not in error.message


def test_botocore_parameter_check_names_paths_not_values(fake: FakeDataZone) -> None:
    params = {
        "domainIdentifier": "dzd_abc123",
        "owningProjectIdentifier": "proj1",
        "parameters": {"alpha": 918273645},
    }
    error = fail(DataZoneGateway(), local_target(fake), params)
    assert (error.status, error.code) == (400, "ValidationException")
    assert {f.path for f in error.fields} == {"notebookIdentifier", "parameters.alpha"}
    assert "918273645" not in json.dumps(error.to_json())
    assert fake.requests == []


def test_log_filter_is_installed_once() -> None:
    DataZoneGateway()
    DataZoneGateway()
    for name in ("botocore.endpoint", "botocore.parsers", "botocore.auth", "botocore.hooks"):
        assert len(logging.getLogger(name).filters) == 1


def test_dropped_connection_is_503(fake: FakeDataZone) -> None:
    fake.reply = Reply(drop=True)
    error = fail(DataZoneGateway(max_attempts=2), local_target(fake))
    assert (error.status, error.code, error.retryable) == (503, "EndpointUnreachable", True)
    assert len(fake.requests) == 2  # botocore retried it once


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (
            bex.ConnectTimeoutError(endpoint_url="http://h:1/x?nextToken=t0k"),
            504,
            "UpstreamTimeout",
        ),
        (bex.ReadTimeoutError(endpoint_url="http://h:1/x"), 504, "UpstreamTimeout"),
        (bex.EndpointConnectionError(endpoint_url="http://h:1/x"), 503, "EndpointUnreachable"),
        (bex.ConnectionClosedError(endpoint_url="http://h:1/x"), 503, "EndpointUnreachable"),
        (bex.NoCredentialsError(), 401, "UnauthorizedException"),
        (bex.PartialCredentialsError(provider="env", cred_var="AWS_SECRET"), 401, "Unauth"),
        (bex.ProfileNotFound(profile="team"), 401, "UnauthorizedException"),
        (bex.TokenRetrievalError(provider="sso", error_msg="expired"), 401, "Unauth"),
        (bex.UnauthorizedSSOTokenError(), 401, "UnauthorizedException"),
        (bex.SSOTokenLoadError(error_msg="no token"), 401, "UnauthorizedException"),
    ],
)
def test_transport_and_credential_exceptions(exc: Exception, status: int, code: str) -> None:
    target = AwsTarget("us-east-1", profile="team")
    error = map_error(exc, target=target, operation="GetNotebookRun", endpoint="http://h:1/x?a=1")
    assert error.status == status and error.code.startswith(code)
    assert error.retryable == (status >= 500)
    assert "t0k" not in error.message and "a=1" not in error.message
    if status == 401:
        assert "aws sso login --profile team" in error.message
