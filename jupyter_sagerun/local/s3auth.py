"""The local S3's front door: a WSGI middleware in front of moto that refuses every
request not SigV4-signed by the backend's credentials, before moto sees it.

moto accepts any signature (or none); on a shared host that would hand every staged
notebook to anyone who can reach the port. Refusals come in S3's XML error shape.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from .sigv4 import S3_ERRORS, S3_MESSAGES, Incoming, Refusal, Verifier

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _environ_header(environ: dict[str, Any], name: str) -> list[str]:
    key = name.upper().replace("-", "_")
    if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        key = "HTTP_" + key
    value = environ.get(key)
    return [] if value is None else [str(value)]


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        body: bytes = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()  # chunked transfer: the server marks the end
    else:
        body = b""
    return body


def incoming(environ: dict[str, Any], body: bytes) -> Incoming:
    # werkzeug's server keeps the request target as sent in RAW_URI; PATH_INFO is
    # decoded, and the signature covers the encoded path.
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path, _, query = str(raw).partition("?")
    else:
        path, query = quote(environ.get("PATH_INFO", "")), environ.get("QUERY_STRING", "")
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return Incoming(
        method=str(environ.get("REQUEST_METHOD", "GET")),
        host=str(host),
        path=path,
        query=str(query),
        header=lambda name: _environ_header(environ, name),
        body=body,
    )


def error_xml(code: str, message: str, request_id: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{request_id}</RequestId></Error>"
    ).encode()


class SignatureCheck:
    """``app`` behind a SigV4 check by ``verifier``; ``on_request`` is told of each
    request that passed (the idle clock: a client uploading is using the backend)."""

    def __init__(
        self, app: WsgiApp, verifier: Verifier, on_request: Callable[[], None] = lambda: None
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.on_request = on_request

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        body = _read_body(environ)
        refusal = self.verifier.check(incoming(environ, body))
        if refusal is not None:
            return self._refuse(refusal, start_response)
        self.on_request()
        # moto reads the body again: hand it what we consumed.
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    def _refuse(self, refusal: Refusal, start_response: Callable[..., Any]) -> Iterable[bytes]:
        status, code = S3_ERRORS[refusal.kind]
        request_id = uuid.uuid4().hex[:16].upper()
        # A presigned URL past its expiry keeps its own message ("Request has expired").
        generic = refusal.kind in S3_MESSAGES and refusal.message != "Request has expired"
        message = S3_MESSAGES[refusal.kind] if generic else refusal.message
        payload = error_xml(code, message, request_id)
        reason = "Forbidden" if status == 403 else "Bad Request"
        start_response(
            f"{status} {reason}",
            [
                ("Content-Type", "application/xml"),
                ("Content-Length", str(len(payload))),
                ("x-amz-request-id", request_id),
            ],
        )
        return [payload]
