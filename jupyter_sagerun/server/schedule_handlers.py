"""Thin REST handlers of ``sagerun/schedules``: parse → ScheduleService (on the pool) →
JSON, errors through ``SageRunHandler.write_error`` like every route."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from tornado.ioloop import IOLoop

from ..core.once import Once
from .handlers import SageRunHandler

if TYPE_CHECKING:
    from ..runs.schedules import ScheduleService


class ScheduleHandlerBase(SageRunHandler):
    async def schedules(self) -> ScheduleService:
        """The schedule service; the first request builds it (and the run service)."""
        service: Once[ScheduleService] = self.settings["sagerun_schedules"]
        if service.built:
            return service.get()
        return await IOLoop.current().run_in_executor(self.executor, service.get)

    async def run_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in the pool: EventBridge and DataZone calls block."""
        return await IOLoop.current().run_in_executor(self.executor, functools.partial(fn, *args))

    async def scope(self) -> tuple[str | None, str | None]:
        query = await self.query("ContextQuery")
        return query.domainId, query.projectId


class SchedulesHandler(ScheduleHandlerBase):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        service = await self.schedules()
        domain, project = await self.scope()
        path = self.get_query_argument("path", None) or None
        self.reply(await self.run_blocking(service.list_schedules, path, domain, project))

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        service = await self.schedules()
        body = await self.body("ScheduleRequest")
        self.reply(await self.run_blocking(service.create, body), status=201)


class PreviewHandler(ScheduleHandlerBase):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        service = await self.schedules()
        body = await self.body("PreviewRequest")
        self.reply(await self.run_blocking(service.preview, body))


class ScheduleHandler(ScheduleHandlerBase):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        service = await self.schedules()
        domain, project = await self.scope()
        self.reply(await self.run_blocking(service.get, name, domain, project))

    @tornado.web.authenticated
    @authorized
    async def put(self, name: str) -> None:
        service = await self.schedules()
        body = await self.body("ScheduleRequest")
        self.reply(await self.run_blocking(service.update, name, body))

    @tornado.web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        service = await self.schedules()
        domain, project = await self.scope()
        await self.run_blocking(service.delete, name, domain, project)
        self.set_status(204)
        self.finish()


class ScheduleActionHandler(ScheduleHandlerBase):
    async def act(self, name: str, action: str) -> None:
        """POST sagerun/schedules/{name}/<action>: pause, resume or run."""
        service = await self.schedules()
        body = await self.body("ScheduleScope")
        scope = (body.domainId, body.projectId)
        if action == "run":
            self.reply(await self.run_blocking(service.run_now, name, *scope), status=201)
            return
        state = "DISABLED" if action == "pause" else "ENABLED"
        self.reply(await self.run_blocking(service.set_state, name, state, *scope))


class PauseHandler(ScheduleActionHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        await self.act(name, "pause")


class ResumeHandler(ScheduleActionHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        await self.act(name, "resume")


class RunNowHandler(ScheduleActionHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        await self.act(name, "run")


_NAME = r"(?P<name>[^/]+)"

SCHEDULE_ROUTES: list[tuple[str, type[SageRunHandler]]] = [
    (r"/sagerun/schedules", SchedulesHandler),
    # Before the name route: "preview" is no schedule's name there.
    (r"/sagerun/schedules/preview", PreviewHandler),
    (rf"/sagerun/schedules/{_NAME}", ScheduleHandler),
    (rf"/sagerun/schedules/{_NAME}/pause", PauseHandler),
    (rf"/sagerun/schedules/{_NAME}/resume", ResumeHandler),
    (rf"/sagerun/schedules/{_NAME}/run", RunNowHandler),
]
