"""The local backend's EventBridge Scheduler endpoint: its REST-JSON on its own port.

The same pipeline as the DataZone endpoint (``server.py``), read from the shipped
``scheduler`` model instead: SigV4 checked in ``prepare()`` (signed for the service
``scheduler``), route and parse from the model, validate with the model, run the
operation on a worker thread, shape the answer to the model.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any
from urllib.parse import unquote

import tornado.web

from ..aws.scheduler_model import service_model
from ..aws.validation import validate_input
from ..core.errors import SageRunError
from . import protocol
from .operations import SCHEDULER
from .server import BaseHandler, HealthHandler, ServerContext


@functools.lru_cache(maxsize=1)
def routes() -> tuple[protocol.Route, ...]:
    model = service_model()
    out = []
    for name in SCHEDULER:
        http = model.operation_model(name).http
        out.append(
            protocol.Route(
                name,
                http["method"],
                protocol.compile_uri(http["requestUri"]),
                int(http.get("responseCode", 200)),
            )
        )
    return tuple(out)


def match(method: str, path: str) -> tuple[protocol.Route, dict[str, str]] | None:
    for route in routes():
        found = route.pattern.fullmatch(path)
        if found and route.method == method:
            return route, {k: unquote(v) for k, v in found.groupdict().items()}
    return None


class SchedulerHandler(BaseHandler):
    async def _dispatch(self) -> None:
        self.context.activity.begin()
        try:
            await self._answer()
        finally:
            self.context.activity.end()

    async def _answer(self) -> None:
        found = match(self.request.method or "", self.request.path)
        if found is None:
            if any(r.pattern.fullmatch(self.request.path) for r in routes()):
                self.write_error_code(405, "MethodNotAllowedException", "Method not allowed.")
            else:
                self.write_error_code(404, "UnknownOperationException", "Unknown operation.")
            return
        route, labels = found
        try:
            result = await self._call(route.operation, labels)
        except SageRunError as error:
            self.write_error_code(error.status, error.code, error.message)
            return
        body = protocol.output_body(route.operation, result, service_model())
        self.write_json(route.status, body)

    async def _call(self, operation: str, labels: dict[str, str]) -> dict[str, Any]:
        params = protocol.parse_input(
            operation,
            labels,
            {k: [v.decode() for v in vs] for k, vs in self.request.query_arguments.items()},
            self.request.headers,
            self.request.body,
            service_model(),
        )
        problems = validate_input(operation, params, service_model())
        if problems:
            detail = "; ".join(f"{p.path} {p.message}" for p in problems[:10])
            raise SageRunError(400, "ValidationException", f"Invalid request: {detail}.")
        handler = self.context.operations[operation]
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.context.executor, handler, params)

    async def get(self, *_: str) -> None:
        await self._dispatch()

    async def post(self, *_: str) -> None:
        await self._dispatch()

    async def put(self, *_: str) -> None:
        await self._dispatch()

    async def delete(self, *_: str) -> None:
        await self._dispatch()


def make_scheduler_app(context: ServerContext) -> tornado.web.Application:
    args = {"context": context}
    return tornado.web.Application(
        [(r"/_local/health", HealthHandler, args), (r"/(.*)", SchedulerHandler, args)],
        log_function=lambda handler: None,
    )
