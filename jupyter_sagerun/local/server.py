"""The local backend's HTTP servers: DataZone's and EventBridge Scheduler's REST-JSON,
each on its own port, on one generic handler.

Every request to either goes through ``ModelApiHandler`` (``DataZoneHandler``,
``SchedulerHandler``: only their model and operations differ): route from the model, parse,
validate with the same validator the server extension uses, apply any queued fault,
run the operation (looked up in the table ``operations.py`` composes) on a worker
thread (SQLite and S3 calls block), shape the answer to the model. Before any of it
the SigV4 signature is checked (``sigv4.py``): its headers in ``prepare()``, before a
byte of the body is read (bodies are streamed to the handler, at most
``MAX_DATAZONE_BODY``), then, once the body is in, the signature itself. An unsigned
or badly signed request is refused with AWS's 403 before it is routed, counted or
parsed. ``/_local/faults`` and ``/_local/requests`` are the test knobs (routed only
when the backend enables them, signed too); ``/_local/health`` answers anyone, and
says nothing but "ok".
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream

from ..aws.validation import validate_input
from ..core.errors import SageRunError
from . import protocol
from .faults import Fault, Faults
from .idle import Activity
from .limits import BODY_SECONDS, IDLE_SECONDS, MAX_DATAZONE_BODY, MAX_DATAZONE_CONNECTIONS
from .operations import Operation
from .sigv4 import DATAZONE_ERRORS, Incoming, Verifier


@tornado.web.stream_request_body
class BaseHandler(tornado.web.RequestHandler):
    """Bodies arrive in ``data_received``, after ``prepare()`` checked the headers; the
    handler methods (``authenticated`` first) see the whole body in ``request.body``."""

    #: Whether a request must be signed by the backend's credentials.
    signed = True

    def initialize(self, context: ServerContext) -> None:
        self.context = context
        self._body = bytearray()

    def prepare(self) -> None:
        self.set_header("x-amzn-RequestId", str(uuid.uuid4()))
        if self.signed and not self._check(headers_only=True):
            return  # answered: tornado reads no body and runs no handler method
        declared = self.request.headers.get("Content-Length", "0").strip() or "0"
        if not declared.isdigit():
            self.write_error_code(400, "ValidationException", "Malformed Content-Length.")
        elif int(declared) > MAX_DATAZONE_BODY:
            self._too_large()

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        if len(self._body) + len(chunk) > MAX_DATAZONE_BODY:
            self._too_large()  # a chunked body that grew past the limit
            return
        self._body.extend(chunk)

    def _too_large(self) -> None:
        self.write_error_code(
            413,
            "ValidationException",
            f"The request body is larger than {MAX_DATAZONE_BODY} bytes.",
        )

    def authenticated(self) -> bool:
        """The whole body is in: check the signature (refused: AWS's 403, and False),
        then count the request as activity. A refused request is no activity: it must
        not keep an idle backend alive."""
        if self._finished:
            return False
        self.request.body = bytes(self._body)
        if self.signed and not self._check(headers_only=False):
            return False
        self.note_activity()
        return True

    def _check(self, *, headers_only: bool) -> bool:
        request = self.request
        incoming = Incoming(
            method=request.method or "GET",
            host=request.host,
            path=request.path,
            query=request.query,
            header=request.headers.get_list,
            body=b"" if headers_only else request.body,
        )
        verifier = self.context.verifier
        refusal = verifier.check_headers(incoming) if headers_only else verifier.check(incoming)
        if refusal is None:
            return True
        status, code = DATAZONE_ERRORS[refusal.kind]
        self.write_error_code(status, code, refusal.message)
        return False

    def note_activity(self) -> None:
        # A request keeps a standalone backend from idling out (see idle.py).
        self.context.activity.touch()

    def check_xsrf_cookie(self) -> None:
        """botocore sends no XSRF cookie: a request is authenticated by its signature."""

    def write_json(self, status: int, body: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def write_error_code(self, status: int, code: str, message: str) -> None:
        self.set_header("x-amzn-errortype", code)
        self.write_json(status, {"message": message})

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # tornado's own refusals (an unsupported method, a malformed request) arrive
        # here before prepare() ran; anything else is unexpected: a modeled 500 with
        # a generic message, never a trace.
        self.set_header("x-amzn-RequestId", str(uuid.uuid4()))
        if status_code == 405:
            self.write_error_code(405, "MethodNotAllowedException", "Method not allowed.")
        elif 400 <= status_code < 500:
            self.write_error_code(status_code, "ValidationException", "Malformed request.")
        else:
            self.write_error_code(
                500, "InternalServerException", "The local backend failed; see its log."
            )


class ServerContext:
    def __init__(
        self,
        operations: Mapping[str, Operation],
        faults: Faults,
        executor: ThreadPoolExecutor,
        log: logging.Logger,
        verifier: Verifier,
        activity: Activity | None = None,
    ) -> None:
        #: Operation name -> handler: ``operations.bind(operations.DATAZONE, state)``.
        self.operations = operations
        self.faults = faults
        self.executor = executor
        self.log = log
        self.verifier = verifier
        self.activity = activity or Activity()


class ModelApiHandler(BaseHandler):
    """A request to one of the backend's APIs (``api``): route it from the model, apply
    any queued fault, parse and validate it with the model, run the operation on a
    worker thread, shape the answer to the model."""

    api: protocol.ModelApi

    async def _dispatch(self) -> None:
        # The base class streamed the body and checked only the headers so far: the
        # whole signature, body included, is checked here before anything is parsed.
        if not self.authenticated():
            return
        # In flight until answered: a slow operation (or a delay fault) is activity.
        self.context.activity.begin()
        try:
            await self._answer()
        finally:
            self.context.activity.end()

    async def _answer(self) -> None:
        found = self.api.match(self.request.method or "", self.request.path)
        if found is None:
            if self.api.path_exists(self.request.path):
                self.write_error_code(405, "MethodNotAllowedException", "Method not allowed.")
            else:
                self.write_error_code(404, "UnknownOperationException", "Unknown operation.")
            return
        route, labels = found
        fault = self.context.faults.take(route.operation)
        if fault is not None and fault.delay_seconds:
            await asyncio.sleep(fault.delay_seconds)
        if fault is not None and fault.error:
            self.write_error_code(
                fault.status or protocol.error_status(fault.error, self.api.model()),
                fault.error,
                fault.message or f"Injected {fault.error} for {route.operation}.",
            )
            return
        try:
            result = await self._call(route.operation, labels)
        except SageRunError as error:
            self.write_error_code(error.status, error.code, error.message)
            return
        if fault is not None and fault.drop_after_commit:
            # The operation committed; the client never hears so (the dropped-answer fault).
            self.context.log.info("Dropping the answer to %s as asked", route.operation)
            self.request.connection.close()  # type: ignore[union-attr]
            self._finished = True
            return
        body = protocol.output_body(route.operation, result, self.api.model())
        self.write_json(route.status, body)

    async def _call(self, operation: str, labels: dict[str, str]) -> dict[str, Any]:
        handler = self.context.operations.get(operation)
        if handler is None:
            # Routed but not served here: as unknown as a path no operation has.
            raise SageRunError(404, "UnknownOperationException", "Unknown operation.")
        model = self.api.model()
        params = protocol.parse_input(
            operation,
            labels,
            {k: [v.decode() for v in vs] for k, vs in self.request.query_arguments.items()},
            self.request.headers,
            self.request.body,
            model,
        )
        problems = validate_input(operation, params, model)
        if problems:
            detail = "; ".join(f"{p.path} {p.message}" for p in problems[:10])
            raise SageRunError(400, "ValidationException", f"Invalid request: {detail}.")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.context.executor, handler, params)

    async def get(self, *_: str) -> None:
        await self._dispatch()

    async def post(self, *_: str) -> None:
        await self._dispatch()

    async def put(self, *_: str) -> None:
        await self._dispatch()

    async def patch(self, *_: str) -> None:
        await self._dispatch()

    async def delete(self, *_: str) -> None:
        await self._dispatch()


class DataZoneHandler(ModelApiHandler):
    api = protocol.DATAZONE_API


class SchedulerHandler(ModelApiHandler):
    # Signed for the service "scheduler": its ServerContext's verifier says so.
    api = protocol.SCHEDULER_API


class HealthHandler(BaseHandler):
    # Discovery probes it before it has read the credentials' file (and a client
    # with stale credentials must still learn the backend lives): it tells nothing.
    signed = False

    def note_activity(self) -> None:
        # A probe is not use: it only delays an idle stop a little (see idle.py).
        self.context.activity.probe()

    def get(self) -> None:
        if self.authenticated():
            self.write_json(200, {"status": "ok"})


class FaultsHandler(BaseHandler):
    def post(self) -> None:
        if not self.authenticated():
            return
        try:
            raw = json.loads(self.request.body or b"null")
            faults = [Fault.parse(f) for f in (raw if isinstance(raw, list) else [raw])]
        except ValueError as exc:
            self.write_error_code(400, "ValidationException", str(exc))
            return
        for fault in faults:
            self.context.faults.add(fault)
        self.write_json(200, {"pending": self.context.faults.pending()})

    def delete(self) -> None:
        if self.authenticated():
            self.context.faults.clear()
            self.write_json(200, {"pending": 0})

    def get(self) -> None:
        if self.authenticated():
            self.write_json(200, {"pending": self.context.faults.pending()})


class RequestsHandler(BaseHandler):
    def get(self) -> None:
        if self.authenticated():
            self.write_json(200, {"counts": dict(self.context.faults.requests)})

    def delete(self) -> None:
        if self.authenticated():
            self.context.faults.requests.clear()
            self.write_json(200, {"counts": {}})


class BoundedHTTPServer(HTTPServer):
    """tornado's HTTPServer holding at most ``max_connections`` open at once: one more
    is closed unanswered. Silent connections are closed after ``IDLE_SECONDS`` (headers
    included), and a body must arrive within ``BODY_SECONDS``."""

    max_connections = MAX_DATAZONE_CONNECTIONS

    # tornado's HTTPServer is Configurable: its set-up is initialize(), not __init__.
    def initialize(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("idle_connection_timeout", IDLE_SECONDS)
        kwargs.setdefault("body_timeout", BODY_SECONDS)
        # A backstop: prepare() answers a declared oversize body with a 413 first.
        kwargs.setdefault("max_body_size", 2 * MAX_DATAZONE_BODY)
        super().initialize(*args, **kwargs)

    def handle_stream(self, stream: IOStream, address: tuple[Any, ...]) -> None:
        if len(self._connections) >= self.max_connections:
            stream.close()
            return
        super().handle_stream(stream, address)


def make_app(context: ServerContext, *, test_knobs: bool = False) -> tornado.web.Application:
    """The API; with ``test_knobs``, also the fault and request-count endpoints (without
    them those paths are unknown DataZone paths: a signed request gets a 404)."""
    args = {"context": context}
    knobs: list[Any] = [
        (r"/_local/faults", FaultsHandler, args),
        (r"/_local/requests", RequestsHandler, args),
    ]
    return tornado.web.Application(
        [
            (r"/_local/health", HealthHandler, args),
            *(knobs if test_knobs else []),
            (r"/(.*)", DataZoneHandler, args),
        ],
        # tornado's own access log would print query strings; ours logs operations.
        log_function=lambda handler: None,
    )


def make_scheduler_app(context: ServerContext) -> tornado.web.Application:
    """EventBridge Scheduler's API, on its own port (no test knobs: faults are queued on
    the DataZone port, for either API's operations)."""
    args = {"context": context}
    return tornado.web.Application(
        [(r"/_local/health", HealthHandler, args), (r"/(.*)", SchedulerHandler, args)],
        log_function=lambda handler: None,
    )
