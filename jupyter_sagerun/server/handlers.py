"""Thin REST handlers: parse → service (in the app's thread pool) → JSON.

Nothing of the service is imported with the routes: the request models (pydantic), the
service and what it brings (botocore, the DataZone model) would cost every server's
start-up a quarter of a second. The first request builds the service in the pool
(``once.Once``), importing all of it there, off the event loop; a handler names its
request model and the base class looks it up in ``runs.models`` once the service is
built (``SageRunHandler._models``, the one lazy import here).

One translator, ``SageRunHandler.write_error``, turns every failure into the error body
of DEVELOPERS.md; no handler catches anything itself. Bodies are parsed here rather
than with ``get_json_body``, which logs a body it cannot parse, and a body may hold
parameter values.
"""

from __future__ import annotations

import json
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado.ioloop import IOLoop

from ..core.errors import FieldError, SageRunError, validation_error
from ..core.once import Once
from ..core.runjson import marked_in_workspace

if TYPE_CHECKING:
    from ..runs.service import RunService

AUTH_RESOURCE = "sagerun"

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
    """A handler is its intent: ``await self.body(...)`` or ``await self.query(...)``,
    then ``await self.answer(lambda service: ...)``. The models are named, not
    imported: they are looked up once the service (which imports them) is built."""

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

    async def answer(self, call: Callable[[RunService], Any], status: int = 200) -> None:
        """Reply with what ``call`` makes of the service, run in the pool: boto3 blocks."""
        service = await self.service()
        self.reply(await IOLoop.current().run_in_executor(self.executor, call, service), status)

    async def body(self, model: str) -> Any:
        """The JSON body as the request model ``runs.models.<model>``."""
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
            except RecursionError:
                # No field of a request nests deeper than a few levels.
                raise validation_error(
                    [FieldError("body", "is nested too deeply")],
                    "The request body is nested too deeply.",
                ) from None
        models = await self._models()
        return models.parse(getattr(models, model), data)

    async def query(self, model: str) -> Any:
        """The query arguments as the request model ``runs.models.<model>``."""
        models = await self._models()
        return models.parse_query(getattr(models, model), self.request.query_arguments)

    async def _models(self) -> ModuleType:
        # The one lazy import of the handlers: building the service loaded it already.
        await self.service()
        from ..runs import models

        return models

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
        query = await self.query("ContextQuery")
        schedules: Once[Any] = self.settings["sagerun_schedules"]

        def context(service: RunService) -> dict[str, Any]:
            resolved = service.context(query.domainId, query.projectId)
            body = resolved.to_json()
            # Whether this project can have schedules, and with which role.
            body["schedules"] = schedules.get().availability(resolved)
            return body

        await self.answer(context)


class NotebooksHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        query = await self.query("NotebooksQuery")
        await self.answer(lambda service: service.list_notebooks(query))


class RunsHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        query = await self.query("ListRunsQuery")
        await self.answer(
            lambda service: marked_in_workspace(service.list_runs(query), service.workspace.holds)
        )

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.body("StartRunBody")
        await self.answer(
            lambda service: marked_in_workspace(service.start_run(body), service.workspace.holds),
            status=201,
        )


class RunHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        query = await self.query("GetRunQuery")
        await self.answer(
            lambda service: marked_in_workspace(
                service.get_run(
                    run_id,
                    domain_id=query.domainId,
                    project_id=query.projectId,
                    reveal_parameters=query.reveal == "parameters",
                ),
                service.workspace.holds,
            )
        )


class StopHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        body = await self.body("StopBody")
        await self.answer(
            lambda service: service.stop_run(
                run_id, domain_id=body.domainId, project_id=body.projectId
            )
        )


class OutputHandler(SageRunHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        body = await self.body("OutputBody")
        await self.answer(
            lambda service: service.export_output(
                run_id, body.format, domain_id=body.domainId, project_id=body.projectId
            )
        )


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
