"""A Jupyter server's local backend: the one it embeds, or the one it follows.

In local mode (no ``--SageRun.endpoint_url``) the server starts the embedded backend
on its state directory, or, when another process already owns that directory (a
``jupyter sagerun local``, a terminal command's detached backend), uses that one: it
follows it to new ports when it restarts (``backend.json``), and when it is gone for
good (idled out, killed and not restarted) starts its own on the same state, so no run
is lost. All of it blocks (starting takes about a second): call it off the event loop.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from traitlets.config import Configurable

from .context import LocalEndpoints
from .errors import SageRunError
from .local import LocalBackend, processes
from .local.discovery import (
    INFO_FILE,
    BackendAlreadyRunning,
    RunningBackend,
    find_running_backend,
    lock_is_held,
    read_info,
)
from .wiring import running_endpoints, start_or_connect

LOCAL_START_TIMEOUT = 60.0
# After a failed attempt to replace a peer backend that went away, requests answer 503
# at once for this long instead of each waiting for another attempt.
PEER_RETRY_DELAY = 5.0


def _info_stamp(state_dir: str) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(os.path.join(state_dir, INFO_FILE))
    except OSError:
        return None
    # os.replace gives each new file its own inode; mtime alone could repeat.
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


class LocalBackendLink:
    """Starts, follows, replaces and stops the local backend of one Jupyter server.
    ``parent`` is the extension app, so that ``--LocalBackend.*`` options apply."""

    def __init__(self, parent: Configurable, log: logging.Logger) -> None:
        self.parent = parent
        self.log = log
        self._local: LocalBackend | None = None  # the embedded backend, when we own one
        self._endpoints: LocalEndpoints | None = None  # a backend we only connect to
        # The state dir of a backend another process owns, found through discovery:
        # when that backend restarts it listens on new ports, and says so there.
        self._peer_state_dir: str | None = None
        self._peer_seen: tuple[int, int, int] | None = None  # backend.json's stat
        self._peer_pid: int | None = None  # its owner, as backend.json says
        self._peer_lock = threading.Lock()
        self._peer_retry_at = 0.0  # monotonic; see PEER_RETRY_DELAY
        self._stopping = False
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def use(self, endpoints: LocalEndpoints | None) -> None:
        """No backend to start: the one at ``endpoints`` (configured), or none (aws)."""
        self._endpoints = endpoints
        self._ready.set()

    def start(self) -> None:
        # parent: `--LocalBackend.*` options apply. Started in a thread because it
        # takes about a second; the first request waits for it (off the event loop).
        backend = LocalBackend(parent=self.parent)

        def start() -> None:
            try:
                endpoints, owned = start_or_connect(backend)
                if owned:
                    self._local = backend
                else:
                    # A `jupyter sagerun local` (or a command's backend) owns this state
                    # directory: use it, and leave its life to its owner.
                    self._endpoints = endpoints
                    self._peer_seen = _info_stamp(backend.state_dir)
                    info = read_info(backend.state_dir)
                    self._peer_pid = info.pid if info is not None else None
                    self._peer_state_dir = backend.state_dir
                    self.log.info("SageRun: using the local backend at %s", endpoints.endpoint_url)
            except BaseException as exc:
                self._error = exc
                self.log.error("SageRun: the local backend did not start: %s", exc)
            finally:
                self._ready.set()

        threading.Thread(target=start, name="sagerun-local-start", daemon=True).start()

    @property
    def backend(self) -> LocalBackend | None:
        """The embedded backend this server owns, if any."""
        self._ready.wait(LOCAL_START_TIMEOUT)
        return self._local

    def endpoints(self) -> LocalEndpoints | None:
        if not self._ready.wait(LOCAL_START_TIMEOUT) or self._error is not None:
            raise SageRunError(
                503,
                "EndpointUnreachable",
                "The local backend is not running; see the server log for why.",
                retryable=True,
            )
        if self._peer_state_dir is not None:
            self._follow_peer(self._peer_state_dir)
        local = self._local  # ours from the start, or since the peer went away
        if local is not None:
            # Read afresh: a restarted backend listens on new ports.
            return running_endpoints(local.running_info())
        return self._endpoints

    def _follow_peer(self, state_dir: str) -> None:
        """A backend owned by another process (`jupyter sagerun local`, a command's
        detached one) that was restarted, even after a ``kill -9``, publishes its new
        ports in ``backend.json``: follow it without a restart of this server. A stat
        per request; the file is read only when it changed. When that backend is gone
        for good (idled out, killed and not restarted), start our own on its state.
        Called for each request on the thread pool, never on the event loop: it may
        wait for a backend to start."""
        if self._local is not None:
            return
        stamp = _info_stamp(state_dir)
        if stamp is not None and stamp != self._peer_seen:
            with self._peer_lock:
                if stamp != self._peer_seen:
                    info = read_info(state_dir)
                    if info is None:  # half-written or unreadable: look again next time
                        return
                    self._adopt_peer(info, stamp)
        if stamp is None or not self._peer_alive():
            # backend.json removed (a clean stop) or its owner dead (a kill -9).
            self._replace_gone_peer(state_dir)

    def _peer_alive(self) -> bool:
        # A zombie counts as gone (processes.alive); an unknown pid makes the caller
        # look at the lock, which is the truth.
        return self._peer_pid is not None and processes.alive(self._peer_pid)

    def _adopt_peer(self, info: RunningBackend, stamp: tuple[int, int, int] | None) -> None:
        """Use ``info``'s backend from now on (hold ``_peer_lock``)."""
        self._peer_seen = stamp
        self._peer_pid = info.pid
        endpoints = running_endpoints(info)
        if self._endpoints is None or endpoints.endpoint_url != self._endpoints.endpoint_url:
            self._endpoints = endpoints
            self.log.info(
                "SageRun: the local backend now listens at %s (pid %d)",
                info.endpoint_url,
                info.pid,
            )

    def _replace_gone_peer(self, state_dir: str) -> None:
        """The peer backend seems gone: follow whoever owns the state now, or start
        this server's own backend on it (the runs are in its SQLite: nothing is lost).
        Under ``_peer_lock``, so that concurrent requests start one backend; another
        process that wins the race (a command, `jupyter sagerun local`) is followed."""
        with self._peer_lock:
            if self._local is not None or self._stopping:
                return
            stamp = _info_stamp(state_dir)
            if stamp is not None and stamp == self._peer_seen and self._peer_alive():
                return  # another request already found the new owner
            if time.monotonic() < self._peer_retry_at:
                return
            deadline = time.monotonic() + LOCAL_START_TIMEOUT
            while time.monotonic() < deadline:
                found = find_running_backend(state_dir)
                if found is not None:
                    self._adopt_peer(found, _info_stamp(state_dir))
                    return
                # Held without a live backend.json: one is starting, or the old one
                # is still stopping (it removes backend.json first, the lock last).
                if not lock_is_held(state_dir) and self._start_own(state_dir):
                    return
                time.sleep(0.1)
            self._peer_retry_at = time.monotonic() + PEER_RETRY_DELAY
            self.log.error("SageRun: no local backend took over %s", state_dir)

    def _start_own(self, state_dir: str) -> bool:
        """Start this server's backend on ``state_dir``: True once settled (ours, a
        winner's, or a failure that waiting would not mend); False to look again."""
        backend = LocalBackend(parent=self.parent)
        backend.state_dir = state_dir
        try:
            endpoints, owned = start_or_connect(backend)
        except BackendAlreadyRunning:
            return False  # a process still starting took the lock first
        except Exception as exc:
            self._peer_retry_at = time.monotonic() + PEER_RETRY_DELAY
            self.log.error("SageRun: the local backend did not start: %s", exc)
            return True
        if not owned:
            info = read_info(state_dir)
            if info is not None:
                self._adopt_peer(info, _info_stamp(state_dir))
            else:
                self._endpoints = endpoints
            return True
        self._local = backend
        self._endpoints = None
        self._peer_state_dir = None
        self.log.info(
            "SageRun: the local backend on %s went away; this server now runs its own at %s",
            state_dir,
            backend.endpoint_url,
        )
        return True

    def stop(self) -> None:
        # Under the peer lock: a request replacing a vanished peer either finished
        # (its backend is stopped here) or will see _stopping and start none.
        with self._peer_lock:
            self._stopping = True
            local = self._local
        if local is not None:
            local.stop()
