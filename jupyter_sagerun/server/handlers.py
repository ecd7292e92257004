"""Thin REST handlers: parse → service (in the app's thread pool) → JSON.

Nothing of the service is imported with the routes: the request models (pydantic), the
service and what it brings (botocore, the DataZone model) would cost every server's
start-up a quarter of a second. A handler first awaits ``self.service()``, which the
first request builds in the pool (``once.Once``), importing all of it there, off the
event loop; the models each handler then imports are loaded by then.

One translator, ``SageRunHandler.write_error``, turns every failure into the error body
of DEVELOPERS.md; no handler catches anything itself. Bodies are parsed here rather
than with ``get_json_body``, which logs a body it cannot parse, and a body may hold
parameter values.
"""

from __future__ import annotations

import functools
import json
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado.ioloop import IOLoop

from ..core.errors import SageRunError
from ..core.once import Once

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..runs.service import RunService

AUTH_RESOURCE = "sagerun"
_Model = TypeVar("_Model", bound="BaseModel")
_T = TypeVar("_T")

# Statuses tornado or Jupyter raise themselves (auth, XSRF, routing), in our vocabulary.
_HTTP_CODES = {
    400: "ValidationException",
    401: "UnauthorizedException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    405: "MethodNotAllowed",
    409: "ConflictException",
    413: "ValidationException",
}


class SageRunHandler(ExtensionHandlerMixin, APIHandler):
    auth_resource = AUTH_RESOURCE

    async def service(self) -> RunService:
        """The run service; the first request builds it in the pool."""
        service: Once[RunService] = self.settings["sagerun_service"]
        if service.built:
            return service.get()
        return await IOLoop.current().run_in_executor(self.executor, service.get)

    @property
    def executor(self) -> Executor:
        executor: Executor = self.settings["sagerun_executor"]
        return executor

    async def run_blocking(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        # boto3 blocks: every service call leaves the event loop.
        return await IOLoop.current().run_in_executor(
            self.executor, functools.partial(fn, *args, **kwargs)
        )

    def body(self, model: type[_Model]) -> _Model:
        raw = self.request.body
        if not raw or not raw.strip():
            data: Any = {}
        else:
            try:
                data = json.loads(raw)
            except ValueError:
                # The body is not echoed: it may hold parameter values.
                raise SageRunError(
                    400, "ValidationException", "The request body is not valid JSON."
                ) from None
        from ..runs.models import parse

        return parse(model, data)

    def query(self, model: type[_Model]) -> _Model:
        from ..runs.models import parse_query

        return parse_query(model, self.request.query_arguments)

    def reply(self, body: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    # the one error translator

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, SageRunError):
            body = error.to_json()
            status = error.status
        elif isinstance(error, tornado.web.HTTPError) or error is None:
            status = status_code
            reason = getattr(error, "log_message", None) or self._reason
            code = _HTTP_CODES.get(status, "UpstreamError" if status >= 500 else "HTTPError")
            body = SageRunError(status, code, str(reason)).to_json()
        else:
            # Logged by log_exception with this id; the client gets the id, no trace.
            status = 500
            body = SageRunError(
                500,
                "InternalError",
                "An unexpected error occurred in the SageRun server extension; "
                "the server log has the details.",
                request_id=self._request_id(),
            ).to_json()
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        if status == 405:
            # RFC 9110 §15.5.6: a 405 lists the methods the resource does support.
            self.set_header("Allow", ", ".join(self.allowed_methods()))
        self.finish(json.dumps(body))

    @classmethod
    def allowed_methods(cls) -> list[str]:
        """The methods this handler implements (tornado's own stubs answer 405)."""
        stub = tornado.web.RequestHandler
        return [
            method
            for method in cls.SUPPORTED_METHODS
            if getattr(cls, method.lower(), None) is not getattr(stub, method.lower(), None)
        ]

    def _request_id(self) -> str:
        if not hasattr(self, "_sagerun_request_id"):
            self._sagerun_request_id = uuid.uuid4().hex
        return self._sagerun_request_id

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # tornado would log the URI (with its query) and the exception's message; an
        # unexpected error's message might quote request data, so only its type and
        # where it happened are logged.
        if isinstance(value, SageRunError):
            self.log.info(
                "SageRun %s %s: %s %s",
                self.request.method,
                self.request.path,
                value.status,
                value.code,
            )
            return
        if isinstance(value, tornado.web.HTTPError):
            self.log.info(
                "SageRun %s %s: %s", self.request.method, self.request.path, value.status_code
            )
            return
        frames = "".join(traceback.format_tb(tb)) if tb else ""
        self.log.error(
            "SageRun %s %s: unexpected %s (request %s)\n%s",
            self.request.method,
            self.request.path,
            typ.__name__ if typ else "error",
            self._request_id(),
            frames,
        )


class ContextHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        service = await self.service()
        from ..runs.models import ContextQuery

        query = self.query(ContextQuery)
        context = await self.run_blocking(service.context, query.domainId, query.projectId)
        body = context.to_json()
        # Whether this project can have schedules, and with which role (schedules.py).
        schedules = self.settings.get("sagerun_schedules")
        if schedules is not None:
            schedule_service = await self.run_blocking(schedules.get)
            body["schedules"] = schedule_service.availability(context)
        self.reply(body)


class NotebooksHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        service = await self.service()
        from ..runs.models import NotebooksQuery

        query = self.query(NotebooksQuery)
        self.reply(await self.run_blocking(service.list_notebooks, query))


class RunsHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        service = await self.service()
        from ..runs.models import ListRunsQuery

        query = self.query(ListRunsQuery)
        self.reply(await self.run_blocking(service.list_runs, query))

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        service = await self.service()
        from ..runs.models import StartRunBody

        body = self.body(StartRunBody)
        self.reply(await self.run_blocking(service.start_run, body), status=201)


class RunHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        service = await self.service()
        from ..runs.models import GetRunQuery

        query = self.query(GetRunQuery)
        run = await self.run_blocking(
            service.get_run,
            run_id,
            domain_id=query.domainId,
            project_id=query.projectId,
            reveal_parameters=query.reveal == "parameters",
        )
        self.reply(run)


class StopHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        service = await self.service()
        from ..runs.models import StopBody

        body = self.body(StopBody)
        run = await self.run_blocking(
            service.stop_run, run_id, domain_id=body.domainId, project_id=body.projectId
        )
        self.reply(run)


class OutputHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        service = await self.service()
        from ..runs.models import OutputBody

        body = self.body(OutputBody)
        result = await self.run_blocking(
            service.export_output,
            run_id,
            body.format,
            domain_id=body.domainId,
            project_id=body.projectId,
        )
        self.reply(result)


_RUN_ID = r"(?P<run_id>[^/]+)"

#: (pattern under the server's base URL, handler); ExtensionApp prepends base_url.
ROUTES: list[tuple[str, type[SageRunHandler]]] = [
    (r"/sagerun/context", ContextHandler),
    (r"/sagerun/notebooks", NotebooksHandler),
    (r"/sagerun/runs", RunsHandler),
    (rf"/sagerun/runs/{_RUN_ID}", RunHandler),
    (rf"/sagerun/runs/{_RUN_ID}/stop", StopHandler),
    (rf"/sagerun/runs/{_RUN_ID}/output", OutputHandler),
]
