"""The local backend for a terminal command: the running one, or a detached new one.

A command must not embed the backend: it would die with the command, taking a run
started without ``--wait`` with it. So the command connects to the backend that owns
the state directory (the one embedded in a JupyterLab, or one an earlier command
started), and otherwise starts ``jupyter sagerun local`` in a session of its own that
outlives the command, its output going to ``<state_dir>/backend.log``. That backend
stops by itself once idle (no run that has not ended, no request) for
``LocalBackend.idle_timeout`` seconds, ``DETACHED_IDLE_TIMEOUT`` unless that is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ..context import LocalEndpoints
from ..errors import SageRunError
from ..local.backend import LocalBackend
from ..local.discovery import find_running_backend, lock_is_held
from ..local.private import open_private, private_dir
from ..wiring import running_endpoints

LOG_FILE = "backend.log"
START_TIMEOUT = 60.0
#: The idle timeout of a backend a command starts, unless LocalBackend.idle_timeout is
#: set: nobody stops a detached backend by hand. 15 minutes covers a user's next
#: command in the same sitting (so it rarely pays the start-up again) and does not
#: leave a process holding ports for days on a laptop, or orphaned after CI. Runs keep
#: it alive (a queued one too), so a run started without --wait is never cut short.
DETACHED_IDLE_TIMEOUT = 900.0


def _unreachable(message: str) -> SageRunError:
    return SageRunError(503, "EndpointUnreachable", message, retryable=True)


def backend_command(backend: LocalBackend) -> list[str]:
    """``jupyter sagerun local`` with every LocalBackend setting this command resolved
    (from its config files and command line), since the child reads neither; an
    idle timeout of 0 (never) becomes ``DETACHED_IDLE_TIMEOUT``."""
    command = [sys.executable, "-m", "jupyter_sagerun.local", "--quiet"]
    for name in sorted(backend.trait_names(config=True)):
        value = getattr(backend, name)
        if name == "idle_timeout" and not value:
            value = DETACHED_IDLE_TIMEOUT
        command.append(f"--LocalBackend.{name}={value}")
    return command


def ensure_local_backend(backend: LocalBackend, timeout: float = START_TIMEOUT) -> LocalEndpoints:
    state = Path(os.path.abspath(backend.state_dir))
    backend.state_dir = str(state)
    found = find_running_backend(state)
    if found is not None:
        return running_endpoints(found)
    private_dir(state)  # 0700 before the log file goes in
    child: subprocess.Popen[bytes] | None = None
    # While the lock is held, a backend is starting right now (another command, a
    # JupyterLab), or stopping (idled out): wait for it, and start ours once the lock
    # is free.
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        found = find_running_backend(state)
        if found is not None:
            return running_endpoints(found)
        if not lock_is_held(state):
            if child is None:
                child = _spawn(backend, state)
            elif child.poll() is not None:
                # Ours exited and nobody else took the state: it failed to start.
                raise _unreachable(
                    f"The local backend did not start (exit code {child.returncode}); "
                    f"see {state / LOG_FILE}."
                )
        time.sleep(0.1)
    raise _unreachable(
        f"The local backend on {state} did not answer within {timeout:.0f} s; "
        f"see {state / LOG_FILE}."
    )


def _spawn(backend: LocalBackend, state: Path) -> subprocess.Popen[bytes]:
    # 0600 like every file of the state directory.
    with os.fdopen(open_private(state / LOG_FILE, append=True), "ab") as log_file:
        return subprocess.Popen(
            backend_command(backend),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C in this terminal and the end of this command
            # must not reach it.
            start_new_session=True,
            close_fds=True,
        )
