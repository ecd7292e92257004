"""The local S3's HTTP server: werkzeug's threaded server, bounded.

One thread per connection, as werkzeug serves; at most ``MAX_S3_CONNECTIONS`` at once
(a connection beyond them is closed unanswered), and each socket times out after
``IDLE_SECONDS`` of silence, so that idle or half-open connections cannot hold threads
(or the backend's memory) for long. ``moto_bytes_held`` is what moto keeps in memory.
"""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from .limits import IDLE_SECONDS, MAX_S3_CONNECTIONS


class _TimedHandler(WSGIRequestHandler):
    # socketserver sets it on the connection: a read or write silent this long fails.
    timeout = IDLE_SECONDS


class BoundedWSGIServer(ThreadedWSGIServer):
    def __init__(self, *args: Any, max_connections: int = MAX_S3_CONNECTIONS, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            # Full: closed at once, no thread started for it.
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def bounded_server(ip: str, port: int, app: Any) -> BoundedWSGIServer:
    return BoundedWSGIServer(ip, port, app, handler=_TimedHandler)


def moto_bytes_held() -> int:
    """The bytes of every object (every version) moto holds, in every account."""
    from moto.s3.models import s3_backends

    total = 0
    for account in list(s3_backends.keys()):
        for backend in list(s3_backends[account].values()):
            for bucket in list(backend.buckets.values()):
                for key in list(bucket.keys.iterlists()):
                    for version in key[1]:
                        total += int(getattr(version, "size", 0) or 0)
                # Parts of multipart uploads not completed yet are held too.
                for upload in list(getattr(bucket, "multiparts", {}).values()):
                    for part in list(getattr(upload, "parts", {}).values()):
                        total += int(getattr(part, "size", 0) or 0)
    return total
