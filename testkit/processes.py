"""Child processes that cannot outlive the benchmark (or test) that started them.

Each child gets a process group of its own, so that stopping it reaches whatever it
started too (a local backend's papermill children). On Linux it is also
sent SIGTERM should the thread that started it die without stopping it (SIGKILL, a
crash): ``prctl(PR_SET_PDEATHSIG)``, so start children from a thread that lives as long
as they should (the main thread). Imports nothing from its neighbours.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

LOOPBACK = "127.0.0.1"
_PR_SET_PDEATHSIG = 1
# Loaded here, not in the child between fork and exec, where only the call is safe.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def sigterm_to_exit(signum: int, frame: Any) -> None:
    """A SIGTERM handler: turned into SystemExit so that every ``finally`` (and so the
    children's cleanup) runs."""
    raise SystemExit(128 + signum)


def spawn(
    args: Sequence[str], cwd: Path, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """Start ``args`` in a process group of its own (ours to stop), output to ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            list(args),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if _LIBC is not None else None,
        )


def _die_with_parent() -> None:
    assert _LIBC is not None
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def kill_group(process: subprocess.Popen[bytes], term_wait: float = 5.0) -> None:
    """SIGTERM, then (after ``term_wait`` seconds) SIGKILL, to the process group we
    created for ``process`` (its id is the process's pid): also reaches any child it
    left behind."""
    for sig, wait in ((signal.SIGTERM, term_wait), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
        if process.poll() is not None and not group_alive(process.pid):
            break
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=1)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_backend(state: Path, timeout: float = 30.0) -> None:
    """Stop the local backend that owns ``state`` (whoever started it: a Jupyter
    server, a command), as Ctrl+C would, then SIGKILL its group if it lingers. Its
    lock is free once it is gone (the kernel drops it): no waitpid for a non-child."""
    try:
        pid = int(json.loads((state / "backend.json").read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if pid == os.getpid():
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            # Its own session: the group reaches what it left behind on a SIGKILL.
            os.kill(pid, sig) if sig == signal.SIGTERM else os.killpg(pid, sig)
        give_up = time.monotonic() + timeout
        while _lock_held(state) and time.monotonic() < give_up:
            time.sleep(0.1)
        if not _lock_held(state):
            return


def _lock_held(state: Path) -> bool:
    import fcntl

    try:
        fd = os.open(state / "backend.lock", os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock we took
    return False


def start_standalone(
    state: Path, tmp: Path, env: dict[str, str], max_concurrent_runs: int, timeout: float
) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """``python -m jupyter_sagerun.local`` on ``state`` in its own process group; where
    it listens (from the ``backend.json`` it publishes in its state directory)."""
    args = [
        sys.executable,
        "-m",
        "jupyter_sagerun.local",
        f"--state-dir={state}",
        f"--max-concurrent-runs={max_concurrent_runs}",
        f"--ip={LOOPBACK}",
        "--quiet",
        # Benchmarks inject latency and count requests through the test knobs.
        "--LocalBackend.enable_test_knobs=True",
    ]
    process = spawn(args, tmp, env, tmp / "backend.log")
    give_up = time.monotonic() + timeout
    try:
        while time.monotonic() < give_up:
            if process.poll() is not None:
                raise RuntimeError(f"the standalone backend exited; see {tmp / 'backend.log'}")
            with contextlib.suppress(OSError, ValueError, KeyError):
                info = json.loads((state / "backend.json").read_text(encoding="utf-8"))
                health = info["endpoint_url"].rstrip("/") + "/_local/health"
                with requests.Session() as session:
                    session.trust_env = False
                    if session.get(health, timeout=2).status_code == 200:
                        return process, info
            time.sleep(0.2)
        raise RuntimeError("the standalone backend did not start in time")
    except BaseException:
        kill_group(process)
        raise
