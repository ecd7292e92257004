"""The local backend for a terminal command: the running one, or a detached new one.

A command must not embed the backend: it would die with the command, taking a run
started without ``--wait`` with it. So the command connects to the backend that owns
the state directory (the one embedded in a JupyterLab, or one an earlier command
started), and otherwise starts ``jupyter sagerun local`` in a session of its own that
outlives the command, its output going to ``<state_dir>/backend.log``.
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
from ..wiring import running_endpoints

LOG_FILE = "backend.log"
START_TIMEOUT = 60.0


def _unreachable(message: str) -> SageRunError:
    return SageRunError(503, "EndpointUnreachable", message, retryable=True)


def backend_command(backend: LocalBackend) -> list[str]:
    """``jupyter sagerun local`` with every LocalBackend setting this command resolved
    (from its config files and command line), since the child reads neither."""
    command = [sys.executable, "-m", "jupyter_sagerun.local", "--quiet"]
    for name in sorted(backend.trait_names(config=True)):
        command.append(f"--LocalBackend.{name}={getattr(backend, name)}")
    return command


def ensure_local_backend(backend: LocalBackend, timeout: float = START_TIMEOUT) -> LocalEndpoints:
    state = Path(os.path.abspath(backend.state_dir))
    backend.state_dir = str(state)
    found = find_running_backend(state)
    if found is not None:
        return running_endpoints(found)
    state.mkdir(parents=True, exist_ok=True)
    child: subprocess.Popen[bytes] | None = None
    if not lock_is_held(state):
        with open(state / LOG_FILE, "ab") as log_file:
            child = subprocess.Popen(
                backend_command(backend),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                # Its own session: Ctrl-C in this terminal and the end of this command
                # must not reach it.
                start_new_session=True,
                close_fds=True,
            )
    # Else a backend is starting right now (another command, a JupyterLab): wait for it.
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        found = find_running_backend(state)
        if found is not None:
            return running_endpoints(found)
        if child is not None and child.poll() is not None and not lock_is_held(state):
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
