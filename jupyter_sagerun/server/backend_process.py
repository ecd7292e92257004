"""Find or start the local backend of a state directory: the one way every client (the
Jupyter server extension, each ``jupyter sagerun`` command) reaches it.

The backend is always a process of its own (``jupyter sagerun local``), one per state
directory (``local/discovery.py``: an flock and ``backend.json``, its connection file).
A client that finds none running starts one detached, in a session of its own, its
output going to ``<state_dir>/backend.log``, so that it outlives the client: a run
started from JupyterLab or from a command goes on when that client stops. Such a
backend stops by itself once idle (no run that has not ended, no request) for
``LocalBackend.idle_timeout`` seconds, ``DETACHED_IDLE_TIMEOUT`` unless that is set;
the next request of any client starts a new one on the same state.

Endpoints (and whatever else the connection file holds) reach clients only through
``RunningBackend`` → ``wiring.running_endpoints`` → ``LocalEndpoints``, never from a
``LocalBackend`` object: this module reads the ``LocalBackend`` traits only to pass
them on the new process's command line. Everything here blocks (a start takes a
second or two): call it off the event loop.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import SageRunError
from ..core.polling import poll_until
from ..local import processes
from ..local.backend import LocalBackend
from ..local.discovery import INFO_FILE, RunningBackend, find_running_backend, lock_is_held
from ..local.private import open_private, private_dir
from ..runs.context import LocalEndpoints
from .wiring import running_endpoints

LOG_FILE = "backend.log"
START_TIMEOUT = 60.0
#: The idle timeout of a backend a client starts, unless LocalBackend.idle_timeout is
#: set: nobody stops a detached backend by hand. 15 minutes covers a user's next
#: command, or a JupyterLab's next run, in the same sitting (so it rarely pays the
#: start-up again), and leaves no process holding ports for days on a laptop, or
#: orphaned after CI. Runs keep it alive (a queued one too), and so do requests (the
#: runs panel polls while a run is active), so a run is never cut short.
DETACHED_IDLE_TIMEOUT = 900.0
#: After a start that failed, requests answer 503 at once for this long instead of
#: each trying (and waiting) again.
RETRY_DELAY = 5.0


def _unreachable(message: str) -> SageRunError:
    return SageRunError(503, "EndpointUnreachable", message, retryable=True)


def backend_command(backend: LocalBackend) -> list[str]:
    """``jupyter sagerun local`` with every LocalBackend setting the client resolved
    (from its config files and command line), since the child reads neither; an idle
    timeout of 0 (never) becomes ``DETACHED_IDLE_TIMEOUT``."""
    # INFO: backend.log then says when it started, stopped (and why) and what runs
    # did, a few lines each; never a request's content.
    command = [sys.executable, "-m", "jupyter_sagerun.local", "--quiet", "--log-level=INFO"]
    for name in sorted(backend.trait_names(config=True)):
        value = getattr(backend, name)
        if name == "idle_timeout" and not value:
            value = DETACHED_IDLE_TIMEOUT
        if name == "state_dir":
            value = os.path.abspath(value)
        command.append(f"--LocalBackend.{name}={value}")
    return command


def find_or_start(backend: LocalBackend, timeout: float = START_TIMEOUT) -> RunningBackend:
    """The backend that owns ``backend.state_dir``, started detached when none does.

    While the lock is held without a live backend, one is starting right now (another
    client), or stopping (idled out): wait for it, and start ours once the lock is
    free. Another client that wins the race to the lock is used as if it were ours."""
    state = Path(os.path.abspath(backend.state_dir))
    found = find_running_backend(state)
    if found is not None:
        return found
    private_dir(state)  # 0700 before the log file goes in
    child: list[subprocess.Popen[bytes]] = []

    def probe() -> RunningBackend | None:
        found = find_running_backend(state)
        if found is not None:
            return found
        if not lock_is_held(state):
            if not child:
                child.append(_spawn(backend, state))
            elif child[0].poll() is not None:
                # Ours exited and nobody else took the state: it failed to start.
                raise _unreachable(
                    f"The local backend did not start (exit code {child[0].returncode}); "
                    f"see {state / LOG_FILE}."
                )
        return None

    found = poll_until(probe, timeout=timeout, interval=0.05, max_interval=0.2, factor=1.5)
    if found is None:
        raise _unreachable(
            f"The local backend on {state} did not answer within {timeout:.0f} s; "
            f"see {state / LOG_FILE}."
        )
    return found


def _spawn(backend: LocalBackend, state: Path) -> subprocess.Popen[bytes]:
    # 0600 like every file of the state directory.
    with os.fdopen(open_private(state / LOG_FILE, append=True), "ab") as log_file:
        child = subprocess.Popen(
            backend_command(backend),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C in the client's terminal and the end of the
            # client must not reach it.
            start_new_session=True,
            close_fds=True,
        )
    _reap_when_it_exits(child)
    return child


def _reap_when_it_exits(child: subprocess.Popen[bytes]) -> None:
    """Wait for ``child`` on a thread of its own: it is still our child when it exits
    (an idle stop, hours later), and a child nobody waits for stays a zombie for as
    long as we live. Popen.wait() waits for that pid only, so other children and
    whoever waits for them are left alone (no SIGCHLD handler to fight over)."""
    threading.Thread(target=child.wait, name=f"sagerun-reap-{child.pid}", daemon=True).start()


def _info_stamp(state: Path) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(state / INFO_FILE)
    except OSError:
        return None
    # os.replace gives each new file its own inode; mtime alone could repeat.
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@dataclass(frozen=True)
class _Known:
    info: RunningBackend
    stamp: tuple[int, int, int] | None


class BackendLocator:
    """A long-lived client's way to its backend (the Jupyter server's, per request).

    ``running()`` costs a stat of ``backend.json`` and a look at its pid while the
    backend it found is still there; when the file changed (a restart on new ports),
    went (a clean stop, an idle timeout) or names a dead process (a ``kill -9``), it
    finds or starts one again, under a lock, so that many waiting requests start one
    backend, not one each."""

    def __init__(self, backend: LocalBackend, timeout: float = START_TIMEOUT) -> None:
        # Only read for its settings (state_dir and what the new process is given).
        self._settings = backend
        self._state = Path(os.path.abspath(backend.state_dir))
        self._timeout = timeout
        self._lock = threading.Lock()
        self._known: _Known | None = None
        self._failed_at: float | None = None
        self._failure: SageRunError | None = None

    @property
    def state_dir(self) -> Path:
        return self._state

    def _still_there(self, known: _Known | None) -> bool:
        return (
            known is not None
            and _info_stamp(self._state) == known.stamp
            and processes.alive(known.info.pid)
        )

    def running(self) -> RunningBackend:
        known = self._known
        if self._still_there(known):
            assert known is not None
            return known.info
        with self._lock:
            known = self._known
            if self._still_there(known):  # another request found it meanwhile
                assert known is not None
                return known.info
            failure, failed_at = self._failure, self._failed_at
            recent = failed_at is not None and time.monotonic() - failed_at < RETRY_DELAY
            if failure is not None and recent:
                raise failure
            try:
                info = find_or_start(self._settings, self._timeout)
            except SageRunError as exc:
                self._failure, self._failed_at = exc, time.monotonic()
                raise
            self._failure = self._failed_at = None
            self._known = _Known(info, _info_stamp(self._state))
            return info

    def endpoints(self) -> LocalEndpoints:
        return running_endpoints(self.running())


def ensure_local_backend(backend: LocalBackend, timeout: float = START_TIMEOUT) -> LocalEndpoints:
    """For a one-shot client (a terminal command): the endpoints, starting it if need be."""
    return running_endpoints(find_or_start(backend, timeout))
