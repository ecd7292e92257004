"""The local S3's front door: a WSGI middleware in front of moto that refuses every
request not SigV4-signed by the backend's credentials, before moto sees it.

moto accepts any signature (or none); on a shared host that would hand every staged
notebook to anyone who can reach the port. Refusals come in S3's XML error shape.
The headers are checked before the body is read (who lacks the key cannot make the
backend read, let alone hold, a byte); a body is then streamed to a temporary file,
hashed on the way, and bounded (``limits.py``) before moto, which keeps objects in
memory, sees it.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterable
from typing import IO, Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from .limits import MAX_S3_HELD, MAX_S3_OBJECT, S3_SPOOL_IN_MEMORY
from .sigv4 import S3_ERRORS, S3_MESSAGES, Incoming, Refusal, Verifier

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _environ_header(environ: dict[str, Any], name: str) -> list[str]:
    key = name.upper().replace("-", "_")
    if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        key = "HTTP_" + key
    value = environ.get(key)
    return [] if value is None else [str(value)]


_CHUNK = 64 * 1024
_DIGITS = re.compile(r"[0-9]{1,19}")
_REASONS = {400: "Bad Request", 403: "Forbidden", 501: "Not Implemented", 503: "Slow Down"}


class BadRequest(Exception):
    """A request refused before moto sees it, in S3's words: (status, code, message)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def declared_length(environ: dict[str, Any]) -> int | None:
    """The request's Content-Length, None when it has none; a malformed one (``abc``,
    ``-5``) is S3's 400, not werkzeug's 500."""
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    if not raw:
        return None
    if not _DIGITS.fullmatch(raw):
        raise BadRequest(400, "InvalidArgument", "Content-Length must be a whole number of bytes.")
    return int(raw)


def too_large(size: int) -> BadRequest:
    return BadRequest(
        400,
        "EntityTooLarge",
        f"Your proposed upload exceeds the maximum allowed size ({MAX_S3_OBJECT} bytes).",
    )


def spool_body(
    environ: dict[str, Any], length: int | None, held: int
) -> tuple[IO[bytes], int, str]:
    """The body streamed to a temporary file (its first MiB in memory): (file at its
    start, size, SHA-256 hex). At most ``MAX_S3_OBJECT`` bytes, and no more than the
    local S3 can still hold beside the ``held`` bytes it holds already."""
    room = MAX_S3_HELD - held
    if length is not None and length > MAX_S3_OBJECT:
        raise too_large(length)
    if length is not None and length > room:
        raise _full(held)
    stream = environ.get("wsgi.input")
    # Returned open: moto reads it, SignatureCheck closes it after.
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=S3_SPOOL_IN_MEMORY)  # noqa: SIM115
    digest = hashlib.sha256()
    size = 0
    # Without a length, only a chunked body the server marks the end of is read.
    remaining: int | None = length
    if remaining is None:
        remaining = None if environ.get("wsgi.input_terminated") else 0
    try:
        while stream is not None and (remaining is None or remaining > 0):
            want = _CHUNK if remaining is None else min(_CHUNK, remaining)
            try:
                chunk = stream.read(want)
            except OSError:  # a timeout or a dropped client, mid-body
                raise BadRequest(
                    400,
                    "RequestTimeout",
                    "Your socket connection to the server was not read from or written "
                    "to within the timeout period.",
                ) from None
            if not chunk:
                if remaining:
                    raise BadRequest(
                        400,
                        "IncompleteBody",
                        "You did not provide the number of bytes specified by the "
                        "Content-Length HTTP header.",
                    )
                break
            size += len(chunk)
            if size > MAX_S3_OBJECT:
                raise too_large(size)
            if size > room:
                raise _full(held)
            digest.update(chunk)
            spool.write(chunk)
            if remaining is not None:
                remaining -= len(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size, digest.hexdigest()


def _full(held: int) -> BadRequest:
    return BadRequest(
        503,
        "SlowDown",
        f"The local S3 holds {held} bytes of its {MAX_S3_HELD}: delete objects, or "
        "restart the backend (staged uploads live in its memory).",
    )


def incoming(environ: dict[str, Any], body_sha256: str | None = None) -> Incoming:
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
        body_sha256=body_sha256,
    )


def error_xml(code: str, message: str, request_id: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{request_id}</RequestId></Error>"
    ).encode()


def _read_no_more(environ: dict[str, Any]) -> None:
    """Refused before its body was read: werkzeug would read (and drop) up to 10 GB of
    it after the answer, a thread busy for as long as the client sends. Shut the
    socket's read side instead: the client gets the answer, and then a reset."""
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RD)


class SignatureCheck:
    """``app`` behind a SigV4 check by ``verifier``; ``on_request`` is told of each
    request that passed (the idle clock: a client uploading is using the backend).
    ``held()`` answers the bytes the S3 behind holds (moto's objects)."""

    def __init__(
        self,
        app: WsgiApp,
        verifier: Verifier,
        on_request: Callable[[], None] = lambda: None,
        held: Callable[[], int] = lambda: 0,
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.on_request = on_request
        self.held = held

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            length = declared_length(environ)
            refusal = self.verifier.check_headers(incoming(environ))
            if refusal is not None:
                _read_no_more(environ)
                return self._refuse(refusal, start_response)
            # Only a request that can write an object is held to what S3 may still hold.
            held = self.held() if environ.get("REQUEST_METHOD") in ("PUT", "POST") else 0
            body, size, sha256 = spool_body(environ, length, held)
        except BadRequest as bad:
            _read_no_more(environ)
            return self._answer(bad.status, bad.code, bad.message, start_response)
        refusal = self.verifier.check(incoming(environ, sha256))
        if refusal is not None:
            body.close()
            return self._refuse(refusal, start_response)
        self.on_request()
        # moto reads the body from here; the file goes with the request's environ.
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = False
        try:
            # moto has read what it keeps by the time it answers.
            return self.app(environ, start_response)
        finally:
            body.close()

    def _refuse(self, refusal: Refusal, start_response: Callable[..., Any]) -> Iterable[bytes]:
        status, code = S3_ERRORS[refusal.kind]
        # A presigned URL past its expiry keeps its own message ("Request has expired").
        generic = refusal.kind in S3_MESSAGES and refusal.message != "Request has expired"
        message = S3_MESSAGES[refusal.kind] if generic else refusal.message
        return self._answer(status, code, message, start_response)

    def _answer(
        self, status: int, code: str, message: str, start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request_id = uuid.uuid4().hex[:16].upper()
        payload = error_xml(code, message, request_id)
        start_response(
            f"{status} {_REASONS.get(status, 'Error')}",
            [
                ("Content-Type", "application/xml"),
                ("Content-Length", str(len(payload))),
                ("x-amz-request-id", request_id),
                # The body may be unread: the connection cannot carry another request.
                ("Connection", "close"),
            ],
        )
        return [payload]
