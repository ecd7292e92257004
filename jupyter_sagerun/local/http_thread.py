"""The local backend's HTTP listeners, served by one event loop on a thread of its own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any


def serve_in_thread(
    ip: str, listeners: list[tuple[int, Callable[[], Any]]]
) -> tuple[asyncio.AbstractEventLoop, threading.Thread, list[int]]:
    """Bind each ``(port, make_app)`` on ``ip`` (port 0: any free one) and serve them;
    answers the loop, its thread and the ports bound, in order, once all listen. A bind
    that fails is raised here, with nothing left listening."""
    from tornado.netutil import bind_sockets

    from .server import BoundedHTTPServer

    ready = threading.Event()
    failure: list[BaseException] = []
    bound: list[int] = []
    started: list[asyncio.AbstractEventLoop] = []

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        servers: list[BoundedHTTPServer] = []
        try:
            for port, make_app in listeners:
                sockets = bind_sockets(port, ip)
                server = BoundedHTTPServer(make_app())
                server.add_sockets(sockets)
                servers.append(server)
                bound.append(sockets[0].getsockname()[1])
        except BaseException as exc:
            for each in servers:
                each.stop()
            failure.append(exc)
            ready.set()
            loop.close()
            return
        started.append(loop)
        ready.set()
        try:
            loop.run_forever()
        finally:
            for each in servers:
                each.stop()
                loop.run_until_complete(each.close_all_connections())
            loop.close()

    thread = threading.Thread(target=serve, name="sagerun-local-http", daemon=True)
    thread.start()
    ready.wait()
    if failure:
        raise failure[0]
    return started[0], thread, bound
