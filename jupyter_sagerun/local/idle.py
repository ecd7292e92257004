"""When a standalone local backend may stop by itself (``LocalBackend.idle_timeout``).

``jupyter sagerun local`` (``LocalBackendApp``) watches for idleness; a backend that
JupyterLab or a command started on demand has a timeout of 900 s unless one is set
(``backend_process.DETACHED_IDLE_TIMEOUT``). The backend is idle once, for
``idle_timeout`` seconds in a row:

- no run is in a state that has not ended (QUEUED, STARTING, RUNNING, STOPPING; a
  queued run counts, so a backend with queued runs never idles out),
- no import, sync or export is being worked on,
- no request was made to it: every DataZone API request (in flight or answered, an
  error answer included: a client is using the backend), every S3 request whose
  signature passed (an upload), and the ``/_local/faults`` and ``/_local/requests``
  test knobs (a test that set a fault wants it kept).

While a run or a job keeps it up for a whole timeout, the log says so once ("Kept up
past idle_timeout"): the answer to "why did it not stop?", and what tests wait for.

``GET /_local/health`` does not count: it asks "are you there?", not "I need you".
A Jupyter server or a terminal command probes it to discover the backend, and a
prober must not keep an unused backend alive forever. A probe only postpones a stop
to ``HEALTH_GRACE`` seconds (at most the timeout) after it, so that a client that has
just found the backend through discovery still reaches it with its first real
request; and probes alone never postpone it by more than that grace in all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

#: How long after a health probe the backend does not stop, however idle it was.
HEALTH_GRACE = 10.0
#: The idle check runs at most this far apart (and at a quarter of the timeout).
MAX_CHECK_INTERVAL = 30.0
MIN_CHECK_INTERVAL = 0.1


def check_interval(idle_timeout: float) -> float:
    """How often to look: a stop comes at most a quarter of the timeout (or 30 s)
    late, and a long timeout costs a check every 30 s only."""
    return max(MIN_CHECK_INTERVAL, min(idle_timeout / 4, MAX_CHECK_INTERVAL))


class Activity:
    """Requests to the backend's HTTP server, as its idle clock sees them. Written on
    the event loop, read by the idle watcher's thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._last = time.monotonic()
        self._grace_until = 0.0
        # The watcher sets both: a probe's grace is at most the timeout, and probes
        # postpone a stop by at most one grace past the timeout after a request.
        self.health_grace = HEALTH_GRACE
        self.timeout = float("inf")

    def begin(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._last = time.monotonic()

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._last = time.monotonic()

    def touch(self) -> None:
        with self._lock:
            self._last = time.monotonic()

    def probe(self) -> None:
        with self._lock:
            cap = self._last + self.timeout + self.health_grace
            until = min(time.monotonic() + self.health_grace, cap)
            self._grace_until = max(self._grace_until, until)

    def idle_for(self) -> float:
        """Seconds since the last request; 0 while one is in flight or in a grace."""
        with self._lock:
            current = time.monotonic()
            if self._in_flight > 0 or current < self._grace_until:
                return 0.0
            return current - self._last


class IdleWatch:
    """A thread that calls ``on_idle(seconds)`` once the backend has been idle for
    ``timeout`` seconds. ``busy()`` says whether a run, import or export is active;
    it reads SQLite, which is why this is a thread of its own and never the event
    loop's callback: a slow store must not hold up requests."""

    def __init__(
        self,
        timeout: float,
        activity: Activity,
        busy: Callable[[], bool],
        on_idle: Callable[[float], None],
        log: logging.Logger,
    ) -> None:
        self.timeout = timeout
        self.activity = activity
        self.busy = busy
        self.on_idle = on_idle
        self.log = log
        activity.health_grace = min(HEALTH_GRACE, timeout)
        activity.timeout = timeout
        self._quit = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sagerun-local-idle", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._quit.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _say_when_kept_up(self, busy_since: float | None) -> float | None:
        """The start of this busy stretch; logged once when it has lasted a timeout
        (and then answered as NaN, which is never None and never past a timeout)."""
        now = time.monotonic()
        if busy_since is None:
            return now
        if now - busy_since >= self.timeout:
            self.log.info(
                "Kept up past idle_timeout %g s: a run has not ended, or an import, "
                "sync or export is being worked on",
                self.timeout,
            )
            return float("nan")
        return busy_since

    def _run(self) -> None:
        interval = check_interval(self.timeout)
        # When the checks began to find the backend busy: once that lasts a whole
        # timeout, the log says (once) that a run or a job is what keeps it up.
        busy_since: float | None = None
        while not self._quit.wait(interval):
            try:
                busy = self.busy()
            except Exception:
                # Never stop on a failed look: the backend may well be busy.
                self.log.exception("The local backend's idle check failed")
                busy = True
            if not busy:
                busy_since = None
            else:
                self.activity.touch()
                busy_since = self._say_when_kept_up(busy_since)
                continue
            idle = self.activity.idle_for()
            if idle >= self.timeout:
                self.on_idle(idle)
                return
