"""The local backend's EventBridge Scheduler endpoint: its REST-JSON on its own port.

The same handler as the DataZone endpoint (``server.ModelApiHandler``), read from the
shipped ``scheduler`` model instead: SigV4 checked in ``prepare()`` (signed for the
service ``scheduler``), route and parse from the model, validate with the model, run the
operation on a worker thread, shape the answer to the model.
"""

from __future__ import annotations

import tornado.web

from ..aws.scheduler_model import service_model
from . import protocol
from .operations import SCHEDULER
from .server import HealthHandler, ModelApiHandler, ServerContext

#: EventBridge Scheduler's API, as the backend serves it.
SCHEDULER_API = protocol.ModelApi(service_model, tuple(SCHEDULER))


class SchedulerHandler(ModelApiHandler):
    api = SCHEDULER_API


def make_scheduler_app(context: ServerContext) -> tornado.web.Application:
    args = {"context": context}
    return tornado.web.Application(
        [(r"/_local/health", HealthHandler, args), (r"/(.*)", SchedulerHandler, args)],
        log_function=lambda handler: None,
    )
