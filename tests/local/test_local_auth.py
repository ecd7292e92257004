"""The local backend is authenticated like AWS: every DataZone and S3 request must be
SigV4-signed by the credentials of its connection file, or it is refused with AWS's
own 403 before anything happens. Real HTTP, real botocore signing, real moto.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import botocore.auth
import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError
from botocore.model import Shape, StructureShape
from botocore.serialize import create_serializer

from jupyter_sagerun.aws.validation import service_model
from jupyter_sagerun.core.credentials import Credentials
from jupyter_sagerun.local import protocol
from jupyter_sagerun.local.sigv4 import sign
from testkit.local import DOMAIN, PROJECT, REGION, Local
from testkit.notebooks import notebook_bytes

BUCKET = "sagerun-local"
# What each kind of bad request must get: (DataZone code, S3 code).
REFUSALS = {
    "no signature": ("MissingAuthenticationTokenException", "AccessDenied"),
    "unknown key": ("UnrecognizedClientException", "InvalidAccessKeyId"),
    "wrong secret": ("InvalidSignatureException", "SignatureDoesNotMatch"),
    # S3 names a stale date RequestTimeTooSkewed, DataZone "Signature expired".
    "signed 20 minutes ago": ("InvalidSignatureException", "RequestTimeTooSkewed"),
}


@contextlib.contextmanager
def twenty_minutes_ago(minutes: int = -20) -> Iterator[None]:
    """botocore's signing clock 20 minutes back (AWS allows 15), or ``minutes`` away,
    while inside: the date and the credential scope's day stay one signature's, even
    when the shift crosses midnight."""
    real = botocore.auth.get_current_datetime
    shifted = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    shifted += datetime.timedelta(minutes=minutes)
    botocore.auth.get_current_datetime = lambda: shifted  # type: ignore[assignment]
    try:
        yield
    finally:
        botocore.auth.get_current_datetime = real


# --- DataZone: every route of the model ------------------------------------------------


def _value(shape: Shape, name: str, known: dict[str, Any]) -> Any:
    """A value botocore accepts for ``name``: a known one, else the simplest the model
    allows (required members only), so a signed request would really do something."""
    if name in known:
        return known[name]
    if isinstance(shape, StructureShape):
        members = shape.required_members or list(shape.members)[:1]  # a union: one member
        return {m: _value(shape.members[m], m, known) for m in members}
    if shape.enum:
        return shape.enum[0]
    if shape.type_name in ("list", "map"):
        return [] if shape.type_name == "list" else {}
    if shape.type_name in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    return "x" * int(shape.metadata.get("min", 1))


def datazone_requests(local: Local) -> dict[str, tuple[str, str, bytes]]:
    """(method, url, body) of each operation the backend serves, serialized by botocore
    from the model, with ids that exist: a request that passed would act."""
    notebook_id = local.import_notebook(notebook_bytes("1"))
    # DeleteNotebook's own: a notebook with no run (one with a run that has not ended
    # cannot be deleted, and the others' requests still need theirs).
    spare_id = local.import_notebook(notebook_bytes("3"), name="spare.ipynb")
    run_id = local.start_run(notebook_id)["id"]
    export = local.dz.start_notebook_export(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        notebookIdentifier=notebook_id,
        fileFormat="IPYNB",
    )
    identifiers = {
        "Notebook": notebook_id,
        "NotebookRun": run_id,
        "NotebookExport": export["id"],
        # The local project's one (Tooling) environment has the project's id.
        "Environment": PROJECT,
    }
    model = service_model()
    serializer = create_serializer("rest-json")
    out = {}
    for operation in protocol.OPERATIONS:
        kind = operation
        for verb in ("Get", "Stop", "Create", "Update", "Delete"):
            kind = kind.removeprefix(verb)
        known = {
            "domainIdentifier": DOMAIN,
            "owningProjectIdentifier": PROJECT,
            "notebookIdentifier": notebook_id,
            "identifier": spare_id
            if operation == "DeleteNotebook"
            else identifiers.get(kind, run_id),
            "name": "auth-probe.ipynb",
            "sourceLocation": {"s3": local.upload(notebook_bytes("2"))},
        }
        op_model = model.operation_model(operation)
        params = {
            m: _value(op_model.input_shape.members[m], m, known)
            for m in op_model.input_shape.required_members
        }
        wire = serializer.serialize_to_request(params, op_model)
        query = urlencode(wire["query_string"], doseq=True) if wire["query_string"] else ""
        url = local.endpoint_url + wire["url_path"] + (f"?{query}" if query else "")
        body = wire["body"] if isinstance(wire["body"], bytes) else wire["body"].encode()
        out[operation] = (wire["method"], url, body)
    return out


def send(method: str, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any, bytes]:
    """(status, headers (case-insensitive), body) of one request over plain HTTP."""
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def state_counts(local: Local) -> dict[str, int]:
    """Rows of each table of the backend's SQLite, and run folders on disk."""
    with sqlite3.connect(f"file:{local.state_dir / 'local.sqlite3'}?mode=ro", uri=True) as db:
        counts = {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("notebooks", "runs", "exports", "client_tokens")
        }
    counts["run dirs"] = len(list((local.state_dir / "runs").iterdir()))
    counts["objects"] = local.s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0)
    return counts


def test_every_datazone_route_refuses_what_is_not_signed_by_the_backend(paused: Local) -> None:
    requests = datazone_requests(paused)
    assert set(requests) == set(protocol.OPERATIONS)
    before = state_counts(paused)
    counted_before = paused.control("GET", "/_local/requests")[1]["counts"]
    impostor = Credentials.fresh()
    signers: dict[str, Callable[[str, str, bytes], dict[str, str]]] = {
        "no signature": lambda m, u, b: {"Content-Type": "application/json"},
        "unknown key": lambda m, u, b: sign(m, u, impostor, REGION, body=b),
        "wrong secret": lambda m, u, b: sign(
            m,
            u,
            Credentials(paused.credentials.access_key_id, impostor.secret_access_key),
            REGION,
            body=b,
        ),
    }
    answers: dict[tuple[str, str], tuple[int, Any, bytes]] = {}
    for kind, signer in signers.items():
        for operation, (method, url, body) in requests.items():
            answers[kind, operation] = send(method, url, body, signer(method, url, body))
    for operation, (method, url, body) in requests.items():
        with twenty_minutes_ago():
            headers = sign(method, url, paused.credentials, REGION, body=body)
        answers["signed 20 minutes ago", operation] = send(method, url, body, headers)

    for (kind, operation), (status, headers, raw) in answers.items():
        where = f"{kind}, {operation}"
        assert status == 403, f"{where}: {status} {raw!r}"
        assert headers.get("x-amzn-errortype") == REFUSALS[kind][0], where
        assert headers.get("x-amzn-RequestId"), where
        assert list(json.loads(raw)) == ["message"], where
    stale = json.loads(answers["signed 20 minutes ago", "ListNotebookRuns"][2])["message"]
    assert stale.startswith("Signature expired:") and "15 min" in stale
    # Nothing was started, imported, exported or written, and nothing counted as a call.
    assert state_counts(paused) == before
    assert paused.control("GET", "/_local/requests")[1]["counts"] == counted_before


def test_every_datazone_route_serves_a_signed_request(paused: Local) -> None:
    # The same requests, signed right: none is refused, so the 403s above were the
    # signature's doing (and each request was one the route takes).
    for operation, (method, url, body) in datazone_requests(paused).items():
        headers = sign(method, url, paused.credentials, REGION, body=body)
        status, _, raw = send(method, url, body, headers)
        assert status < 300, f"{operation}: {status} {raw!r}"


def test_a_request_from_the_future_and_a_tampered_body(paused: Local) -> None:
    url = f"{paused.endpoint_url}/v2/domains/{DOMAIN}/notebook-runs?owningProjectIdentifier=local"
    with twenty_minutes_ago(minutes=20):
        headers = sign("GET", url, paused.credentials, REGION)
    status, answer, raw = send("GET", url, b"", headers)
    assert (status, answer["x-amzn-errortype"]) == (403, "InvalidSignatureException")
    assert "Signature expired" in json.loads(raw)["message"]
    # A signed body changed on the way: the signature covers the payload's hash.
    start = f"{paused.endpoint_url}/v2/domains/{DOMAIN}/notebooks"
    signed_body = json.dumps({"owningProjectIdentifier": PROJECT, "name": "a.ipynb"}).encode()
    headers = sign("POST", start, paused.credentials, REGION, body=signed_body)
    status, answer, _ = send("POST", start, signed_body.replace(b"a.ipynb", b"b.ipynb"), headers)
    assert (status, answer["x-amzn-errortype"]) == (403, "InvalidSignatureException")
    # Scoped to another service or region: refused, saying so.
    other = sign("GET", url, paused.credentials, "eu-west-1")
    status, answer, raw = send("GET", url, b"", other)
    assert (status, answer["x-amzn-errortype"]) == (403, "InvalidSignatureException")
    assert "us-east-1/datazone" in json.loads(raw)["message"]


# --- S3 ---------------------------------------------------------------------------------


def s3_attempts(local: Local) -> dict[str, Callable[[Any], Any]]:
    key = "staging/auth-probe.ipynb"
    return {
        "ListBuckets": lambda s3: s3.list_buckets(),
        "ListObjectsV2": lambda s3: s3.list_objects_v2(Bucket=BUCKET),
        "GetObject": lambda s3: s3.get_object(Bucket=BUCKET, Key=key),
        "PutObject": lambda s3: s3.put_object(Bucket=BUCKET, Key=key + ".new", Body=b"{}"),
    }


def test_s3_refuses_what_is_not_signed_by_the_backend(paused: Local) -> None:
    paused.upload(notebook_bytes("1"), "staging/auth-probe.ipynb")
    before = state_counts(paused)
    once = {"retries": {"total_max_attempts": 1, "mode": "standard"}}
    impostor = Credentials.fresh()
    clients = {
        "no signature": paused.client("s3", signature_version=UNSIGNED, **once),
        "unknown key": paused.client("s3", impostor, **once),
        "wrong secret": paused.client(
            "s3", Credentials(paused.credentials.access_key_id, impostor.secret_access_key), **once
        ),
    }
    codes: dict[tuple[str, str], tuple[int, str]] = {}

    def attempt(kind: str, s3: Any) -> None:
        for name, call in s3_attempts(paused).items():
            with pytest.raises(ClientError) as raised:
                call(s3)
            response = raised.value.response
            status = response["ResponseMetadata"]["HTTPStatusCode"]
            codes[kind, name] = (status, response["Error"]["Code"])

    for kind, s3 in clients.items():
        attempt(kind, s3)
    with twenty_minutes_ago():
        attempt("signed 20 minutes ago", paused.client("s3", **once))
    for (kind, name), got in codes.items():
        assert got == (403, REFUSALS[kind][1]), f"{kind}, {name}: {got}"
    assert state_counts(paused) == before


def test_s3_answers_refusals_in_its_xml_shape(paused: Local) -> None:
    status, headers, raw = send("GET", f"{paused.s3_endpoint_url}/{BUCKET}?list-type=2", b"", {})
    assert status == 403 and headers["Content-Type"] == "application/xml"
    text = raw.decode()
    assert "<Error><Code>AccessDenied</Code><Message>" in text and "<RequestId>" in text
    assert "staging/" not in text


def test_s3_signed_requests_work_presigned_urls_too(paused: Local) -> None:
    s3 = paused.s3
    s3.put_object(Bucket=BUCKET, Key="staging/a b+c.ipynb", Body=b'{"cells": []}')
    assert s3.get_object(Bucket=BUCKET, Key="staging/a b+c.ipynb")["Body"].read() == (
        b'{"cells": []}'
    )
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="staging/")["Contents"]]
    assert "staging/a b+c.ipynb" in keys
    assert BUCKET in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    # SigV4 query signing (boto3 presigns with the legacy SigV2 unless told s3v4).
    url = paused.client("s3", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": "staging/a b+c.ipynb"}, ExpiresIn=60
    )
    status, _, raw = send("GET", url, b"", {})
    assert (status, raw) == (200, b'{"cells": []}')
    status, _, raw = send("GET", url.replace("X-Amz-Signature=", "X-Amz-Signature=0"), b"", {})
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in raw
    # A body that is not the one whose hash was signed.
    target = f"{paused.s3_endpoint_url}/{BUCKET}/staging/tampered"
    headers = sign("PUT", target, paused.credentials, REGION, service="s3", body=b"one")
    status, _, raw = send("PUT", target, b"two", headers)
    assert status == 400 and b"<Code>XAmzContentSHA256Mismatch</Code>" in raw
    assert "staging/tampered" not in [
        o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="staging/")["Contents"]
    ]


# --- the knobs, the health probe, any address -----------------------------------------


def test_the_test_knobs_need_the_option_and_a_signature(make_local: Callable[..., Local]) -> None:
    with_knobs = make_local()
    status, headers, raw = with_knobs.raw("GET", "/_local/faults", signed=False)
    assert (status, headers["x-amzn-errortype"]) == (403, "MissingAuthenticationTokenException")
    status, _, _ = with_knobs.raw(
        "POST", "/_local/faults", {"error": "ThrottlingException"}, signed=False
    )
    assert status == 403
    assert with_knobs.control("GET", "/_local/faults") == (200, {"pending": 0})

    plain = make_local(state_dir=with_knobs.state_dir.parent / "plain", enable_test_knobs=False)
    for path in ("/_local/faults", "/_local/requests"):
        status, headers, _ = plain.raw("GET", path)
        assert (status, headers["x-amzn-errortype"]) == (404, "UnknownOperationException")
    # Health answers anyone (discovery probes it), and says nothing more than that.
    status, _, raw = plain.raw("GET", "/_local/health", signed=False)
    assert (status, json.loads(raw)) == (200, {"status": "ok"})


def test_any_address_is_authenticated_too(make_local: Callable[..., Local]) -> None:
    everywhere = make_local(ip="0.0.0.0")
    status, headers, _ = everywhere.raw(
        "GET", f"/v2/domains/{DOMAIN}/notebooks?owningProjectIdentifier={PROJECT}", signed=False
    )
    assert (status, headers["x-amzn-errortype"]) == (403, "MissingAuthenticationTokenException")
    assert (
        everywhere.dz.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)[
            "items"
        ]
        == []
    )
    status, _, raw = send("GET", everywhere.s3_endpoint_url + "/", b"", {})
    assert status == 403 and b"<Code>AccessDenied</Code>" in raw


def test_each_start_makes_new_credentials(make_local: Callable[..., Local], tmp_path: Path) -> None:
    first = make_local(state_dir=tmp_path / "one")
    old = first.credentials
    first.backend.stop()
    again = make_local(state_dir=tmp_path / "one")
    assert again.credentials.access_key_id != old.access_key_id
    assert again.credentials.secret_access_key != old.secret_access_key
    assert again.credentials.access_key_id.startswith("AKIA")
    assert len(again.credentials.access_key_id) == 20
    assert again.credentials.access_key_id[4:].isalnum()
    assert again.credentials.access_key_id.upper() == again.credentials.access_key_id
    stale = again.client(credentials=old, retries={"total_max_attempts": 1})
    with pytest.raises(ClientError) as raised:
        stale.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    assert raised.value.response["Error"]["Code"] == "UnrecognizedClientException"
    # Never in a repr (they end up in logs and tracebacks).
    shown = repr(again.credentials) + repr(again.backend.running_info())
    assert again.credentials.secret_access_key not in shown
    assert again.credentials.access_key_id not in shown
