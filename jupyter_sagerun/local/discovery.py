"""One local backend per state directory, and how other processes find it.

Two backends on one SQLite state would fight: two schedulers would start the same
queued runs, and each one's restart recovery would fail the other's live runs. So a
backend holds an exclusive ``flock`` on ``<state_dir>/backend.lock`` for its whole
life and publishes where it listens in ``<state_dir>/backend.json``. The kernel drops
the lock when the process dies, however it dies, so a held lock always means a live
holder; the JSON file alone could be a leftover of a ``kill -9``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..core.credentials import Credentials
from ..core.polling import poll_until
from .private import FILE_MODE, private_dir

LOCK_FILE = "backend.lock"
INFO_FILE = "backend.json"
HEALTH_PATH = "/_local/health"


@dataclass(frozen=True)
class RunningBackend:
    """Where the backend that owns a state directory listens, and the credentials every
    request to it must be signed with (never in a repr: this object gets logged)."""

    pid: int
    endpoint_url: str
    s3_endpoint_url: str
    staging_s3_uri: str
    region: str
    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)
    #: The local EventBridge Scheduler ("" from a backend older than schedules).
    scheduler_endpoint_url: str = ""

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.access_key_id, self.secret_access_key)

    @classmethod
    def from_json(cls, data: Any) -> RunningBackend | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                pid=int(data["pid"]),
                endpoint_url=str(data["endpoint_url"]),
                s3_endpoint_url=str(data["s3_endpoint_url"]),
                staging_s3_uri=str(data["staging_s3_uri"]),
                region=str(data["region"]),
                access_key_id=str(data["access_key_id"]),
                secret_access_key=str(data["secret_access_key"]),
                scheduler_endpoint_url=str(data.get("scheduler_endpoint_url") or ""),
            )
        except (KeyError, TypeError, ValueError):
            return None


class BackendAlreadyRunning(RuntimeError):
    """Another live process owns this state directory; ``info`` says where it listens
    (None while that backend is still starting and has not published it yet)."""

    def __init__(self, state_dir: str, info: RunningBackend | None) -> None:
        where = f" at {info.endpoint_url} (pid {info.pid})" if info else ""
        super().__init__(
            f"A local backend is already running on {state_dir}{where}; connect to it, "
            "or give this one another --LocalBackend.state_dir."
        )
        self.state_dir = state_dir
        self.info = info


class StateLock:
    """The exclusive lock on a state directory, held until ``release()``."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def try_acquire(cls, state_dir: str | os.PathLike[str]) -> StateLock | None:
        path = Path(state_dir) / LOCK_FILE
        # os.open makes a non-inheritable fd: run processes must not keep the lock alive.
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        return cls(fd)

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            # Closing drops the flock.
            os.close(fd)


def lock_is_held(state_dir: str | os.PathLike[str]) -> bool:
    """Whether some live process (this one included) holds the state directory."""
    if not Path(state_dir).is_dir():
        return False
    probe = StateLock.try_acquire(state_dir)
    if probe is None:
        return True
    probe.release()
    return False


def write_info(state_dir: str | os.PathLike[str], info: RunningBackend) -> None:
    """Publish ``info`` (credentials included) in ``backend.json``, mode 0600 from the
    moment it exists, like a kernel's connection file."""
    folder = private_dir(state_dir)
    # Write then rename: a reader sees the old file or the whole new one. mkstemp
    # creates the file 0600; fchmod says so rather than relying on it.
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".backend.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(info), handle)
        os.replace(tmp, folder / INFO_FILE)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_info(state_dir: str | os.PathLike[str]) -> RunningBackend | None:
    try:
        text = (Path(state_dir) / INFO_FILE).read_text(encoding="utf-8")
        return RunningBackend.from_json(json.loads(text))
    except (OSError, ValueError):
        return None


def remove_info(state_dir: str | os.PathLike[str], pid: int) -> None:
    """Remove backend.json if it is still ours (never a successor's)."""
    info = read_info(state_dir)
    if info is not None and info.pid == pid:
        with contextlib.suppress(OSError):
            (Path(state_dir) / INFO_FILE).unlink()


def is_healthy(endpoint_url: str, timeout: float = 2.0) -> bool:
    url = endpoint_url.rstrip("/") + HEALTH_PATH
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return bool(answer.status == 200)
    except (OSError, urllib.error.URLError, ValueError):
        return False


def find_running_backend(
    state_dir: str | os.PathLike[str], timeout: float = 2.0
) -> RunningBackend | None:
    """The backend that owns ``state_dir``, if one is live and answering, else None."""
    if not lock_is_held(state_dir):
        return None
    info = read_info(state_dir)
    if info is None or not is_healthy(info.endpoint_url, timeout):
        return None
    return info


def wait_for_backend(
    state_dir: str | os.PathLike[str], timeout: float, *, interval: float = 0.1
) -> RunningBackend | None:
    """Ask until a backend owns ``state_dir`` and answers, or ``timeout`` passes."""
    return poll_until(lambda: find_running_backend(state_dir), timeout=timeout, interval=interval)
