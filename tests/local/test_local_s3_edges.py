"""The local S3's edges, as S3 draws them: a malformed Content-Length, presigned URLs
dated ahead or valid past a week, chunk-signed and unknown payload modes, objects
past the size limit. Each refused in S3's XML error shape; boto3's own uploads pass.
Real HTTP on loopback (raw sockets where a client library would refuse to send).
"""

from __future__ import annotations

import io
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlparse

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from jupyter_sagerun.local.limits import MAX_S3_OBJECT
from testkit.local import REGION, Local

from .test_local_auth import twenty_minutes_ago

BUCKET = "sagerun-local"


def raw_request(endpoint: str, head: str, body: bytes = b"") -> tuple[int, str]:
    """Send ``head`` (request line and headers, CRLF-joined, no blank line) and
    ``body`` on one connection; (status, the answer's text)."""
    where = urlparse(endpoint)
    with socket.create_connection((where.hostname, where.port), timeout=20) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
        answer = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            answer += chunk
            if b"</Error>" in answer or b"</html>" in answer.lower():
                break
    text = answer.decode("latin-1")
    return int(text.split(" ", 2)[1]), text


def sign_declaring(
    local: Local, method: str, url: str, content_sha256: str, headers: dict[str, str]
) -> dict[str, str]:
    """``method url`` signed as botocore signs S3, with the x-amz-content-sha256 value
    ``content_sha256`` (botocore would put the body's own there)."""

    class Declaring(S3SigV4Auth):
        def payload(self, request: AWSRequest) -> str:
            return content_sha256

    request = AWSRequest(method=method, url=url, headers=dict(headers))
    creds = BotoCredentials(local.credentials.access_key_id, local.credentials.secret_access_key)
    Declaring(creds, "s3", REGION).add_auth(request)
    return {name: str(value) for name, value in request.headers.items()}


def fetch(method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_malformed_content_length_is_s3s_400(paused: Local) -> None:
    host = urlparse(paused.s3_endpoint_url).netloc
    for length in ("abc", "-5"):
        status, text = raw_request(
            paused.s3_endpoint_url,
            f"PUT /{BUCKET}/staging/x HTTP/1.1\r\nHost: {host}\r\nContent-Length: {length}",
        )
        assert status == 400, text
        assert "<Error><Code>InvalidArgument</Code>" in text, text
        assert "Content-Length" in text


def test_presigned_urls_dated_ahead_or_valid_past_a_week_are_refused(paused: Local) -> None:
    paused.s3.put_object(Bucket=BUCKET, Key="staging/presigned", Body=b"kept")
    s3v4 = paused.client("s3", signature_version="s3v4")
    params = {"Bucket": BUCKET, "Key": "staging/presigned"}

    with twenty_minutes_ago(minutes=30 * 24 * 60):
        ahead = s3v4.generate_presigned_url("get_object", Params=params, ExpiresIn=60)
    status, raw = fetch("GET", ahead)
    assert status == 403 and b"<Code>AccessDenied</Code>" in raw, raw
    assert b"Request is not valid yet" in raw

    ten_years = s3v4.generate_presigned_url("get_object", Params=params, ExpiresIn=10 * 365 * 86400)
    status, raw = fetch("GET", ten_years)
    assert status == 400 and b"<Code>AuthorizationQueryParametersError</Code>" in raw, raw
    assert b"604800" in raw

    # At most a week, from now: still S3's yes.
    week = s3v4.generate_presigned_url("get_object", Params=params, ExpiresIn=604800)
    assert fetch("GET", week) == (200, b"kept")


def _chunk_signed_put(local: Local, key: str, chunks: list[bytes]) -> tuple[int, bytes]:
    """A PUT whose seed signature is right and whose chunks carry made-up chunk
    signatures: what a captured upload replayed with its chunks replaced looks like."""
    url = f"{local.s3_endpoint_url}/{BUCKET}/{key}"
    body = b"".join(
        f"{len(c):x};chunk-signature={'0' * 64}\r\n".encode() + c + b"\r\n" for c in chunks
    )
    body += b"0;chunk-signature=" + b"0" * 64 + b"\r\n\r\n"
    headers = sign_declaring(
        local,
        "PUT",
        url,
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        {
            "Content-Encoding": "aws-chunked",
            "x-amz-decoded-content-length": str(sum(len(c) for c in chunks)),
        },
    )
    status, raw = fetch("PUT", url, body, headers)
    return int(status), bytes(raw)


def test_chunk_signed_uploads_are_refused_and_never_replace_an_object(paused: Local) -> None:
    paused.s3.put_object(Bucket=BUCKET, Key="staging/victim", Body=b"original")
    status, raw = _chunk_signed_put(paused, "staging/victim", [b"replaced by a replay"])
    assert status == 501 and b"<Code>NotImplemented</Code>" in raw, raw
    got = paused.s3.get_object(Bucket=BUCKET, Key="staging/victim")["Body"].read()
    assert got == b"original"


def test_unknown_payload_modes_are_refused(paused: Local) -> None:
    url = f"{paused.s3_endpoint_url}/{BUCKET}/staging/unknown-mode"
    for mode in ("STREAMING-WHATEVER", "banana", "UNSIGNED-PAYLOAD-PLEASE"):
        headers = sign_declaring(paused, "PUT", url, mode, {})
        status, raw = fetch("PUT", url, b"x", headers)
        assert status == 400 and b"<Code>InvalidArgument</Code>" in raw, (mode, raw)
    keys = paused.s3.list_objects_v2(Bucket=BUCKET, Prefix="staging/unknown").get("KeyCount")
    assert keys == 0


def test_boto3s_own_uploads_still_work(paused: Local) -> None:
    """put_object and upload_fileobj (a multipart upload past 8 MiB), as the sync sends
    them: a hex SHA-256 of each body over plain HTTP."""
    s3 = paused.s3
    s3.put_object(Bucket=BUCKET, Key="staging/small", Body=b"small")
    big = bytes(range(256)) * (9 * 4096)  # 9 MiB
    s3.upload_fileobj(io.BytesIO(big), BUCKET, "staging/big")
    assert s3.get_object(Bucket=BUCKET, Key="staging/small")["Body"].read() == b"small"
    assert s3.get_object(Bucket=BUCKET, Key="staging/big")["Body"].read() == big


def test_an_object_past_the_size_limit_is_refused_before_its_body(paused: Local) -> None:
    """The declared length alone is enough: no byte of the body is sent."""
    url = f"{paused.s3_endpoint_url}/{BUCKET}/staging/huge"
    size = MAX_S3_OBJECT + 1
    headers = sign_declaring(paused, "PUT", url, "UNSIGNED-PAYLOAD", {"Content-Length": str(size)})
    lines = [f"PUT /{BUCKET}/staging/huge HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    status, text = raw_request(paused.s3_endpoint_url, "\r\n".join(lines))
    assert status == 400 and "<Code>EntityTooLarge</Code>" in text, text
    keys = paused.s3.list_objects_v2(Bucket=BUCKET, Prefix="staging/huge").get("KeyCount")
    assert keys == 0
