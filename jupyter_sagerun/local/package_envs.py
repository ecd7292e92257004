"""A run's packages: virtual environments made with uv, cached by specification.

A run whose notebook has an ``environmentConfiguration.packageConfig`` runs its kernel
in a virtual environment that holds the specification's packages *on top of* the
backend's own environment, as packages added to an SMUS image keep the image's: the
environment's ``site-packages`` comes first on ``sys.path``, and a ``.pth`` file adds
the backend's site directories after it (ipykernel, papermill's helpers, whatever the
backend has). ``uv venv --system-site-packages`` would not do: when the backend itself
runs in a virtual environment, uv layers the new one on the base interpreter, whose
site-packages lack the backend's packages.

Environments live under ``<state_dir>/environments/<hash>/``, the hash being the one of
the normalized specification and the interpreter. Each is built once: the runner
processes of all runs (one process per run) coordinate with ``flock`` on
``<hash>.lock``. A run holds a shared lock on its environment for as long as it runs;
building takes the exclusive one, and so does evicting, which only ever removes an
environment no run holds (least recently used first, beyond ``max_environments``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .private import open_private, private_dir, tighten_tree, touch_private, write_private

log = logging.getLogger(__name__)

#: The kernel the run's notebook gets when it has packages.
KERNEL_NAME = "sagerun-packages"
#: One line per environment built, ``<hash> <seconds>``: what tests and the benchmark count.
BUILDS_LOG = "builds.log"
#: Members of the environments directory that are not environments.
_CACHE = ".uv-cache"
_READY = "ready"
_ERROR_LINES = 12
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Requirement lines that name a file or directory on this machine: with only those, uv
# is told not to look at an index (so an offline machine, and the tests, never wait on
# one); any other line needs the index, as a real user's ``pandas==2.2.3`` does.
_LOCAL_LINE = re.compile(r"^(?:[A-Za-z0-9._-]+\s*@\s*)?(?:file:|\.{0,2}/)")
# The environment a runner inherits carries the run's parameters; uv needs none of them.
_PARAMETER_PREFIX = "SAGEMAKER_NOTEBOOK_PARAMETER_"


class InstallFailed(Exception):
    """The specification could not be installed; the message ends with uv's last lines."""


def normalized(specification: str) -> str:
    """The requirement lines that matter: stripped, without blanks and comments."""
    lines = (line.strip() for line in specification.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("#"))


def spec_hash(specification: str) -> str:
    """The cache key: the same packages on another interpreter are another environment."""
    identity = f"{os.path.realpath(sys.executable)}\n{sys.version}\n{normalized(specification)}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


def only_local(specification: str) -> bool:
    lines = normalized(specification).splitlines()
    return bool(lines) and all(_LOCAL_LINE.match(line) for line in lines)


@dataclass
class Environment:
    """A ready environment, held (shared lock) until ``close()`` or the process ends."""

    path: Path
    built: bool
    _lock: IO[bytes] | None = field(default=None, repr=False)

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def jupyter_path(self) -> Path:
        """The data directory to put first on ``JUPYTER_PATH``: it has the kernel."""
        return self.path / "share" / "jupyter"

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def uv_binary() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


class EnvironmentCache:
    def __init__(self, root: Path, max_environments: int, uv: str | None = None) -> None:
        self.root = root
        self.max_environments = max(1, max_environments)
        self.uv = uv or uv_binary()
        # Private like the whole state directory: a run's packages, its kernel spec
        # and the lock files are nobody else's to read or replace.
        private_dir(root)
        private_dir(root / _CACHE)

    def acquire(self, specification: str) -> Environment:
        """The environment of ``specification``, built if no run built it before."""
        key = spec_hash(specification)
        path = self.root / key
        lock = _open_lock(self.root / f"{key}.lock")
        try:
            environment = self._acquire(specification, path, lock)
        except BaseException:
            lock.close()
            raise
        self._evict()
        return environment

    def _acquire(self, specification: str, path: Path, lock: IO[bytes]) -> Environment:
        built = False
        # flock's exclusive -> shared conversion is not atomic: an evictor may slip in
        # between, so the environment is looked at again under the shared lock.
        for _ in range(3):
            fcntl.flock(lock, fcntl.LOCK_SH)
            if (path / _READY).exists():
                os.utime(path / _READY)  # least recently used is by this mtime
                return Environment(path, built, lock)
            fcntl.flock(lock, fcntl.LOCK_UN)
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (path / _READY).exists():
                self._build(specification, path)
                built = True
        raise InstallFailed("The run's environment was removed while it was being prepared.")

    # -- building --------------------------------------------------------------------

    def _build(self, specification: str, path: Path) -> None:
        begun = time.monotonic()
        shutil.rmtree(path, ignore_errors=True)  # what a killed build left
        try:
            self._uv("venv", "--quiet", "--python", sys.executable, str(path))
            self._layer_on_backend(path)
            requirements = path / "requirements.txt"
            write_private(requirements, normalized(specification) + "\n")
            options = ["--no-index"] if only_local(specification) else []
            self._uv(
                "pip",
                "install",
                "--python",
                str(path / "bin" / "python"),
                "--cache-dir",
                str(self.root / _CACHE),
                *options,
                "-r",
                str(requirements),
            )
            self._write_kernel(path)
            # uv runs with a umask of 077, but sets some modes itself (scripts).
            tighten_tree(path)
            tighten_tree(self.root / _CACHE)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        touch_private(path / _READY)
        seconds = time.monotonic() - begun
        with os.fdopen(open_private(self.root / BUILDS_LOG, append=True), "a") as builds:
            builds.write(f"{path.name} {seconds:.3f}\n")
        log.info("Environment %s built in %.2fs", path.name, seconds)

    def _uv(self, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_PARAMETER_PREFIX)}
        env["NO_COLOR"] = "1"
        done = subprocess.run(
            [self.uv, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
            # What uv creates (the environment, its cache) is private from the start.
            umask=0o077,
        )
        if done.returncode != 0:
            raise InstallFailed(_last_lines(done.stdout.decode("utf-8", errors="replace")))

    @staticmethod
    def _layer_on_backend(path: Path) -> None:
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        site_packages = path / "lib" / version / "site-packages"
        import site

        base = [*site.getsitepackages()]
        if site.ENABLE_USER_SITE:
            base.append(site.getusersitepackages())
        # ``import`` lines of a .pth are executed: addsitedir also reads the .pth files
        # of the backend's site directories (editable installs and the like).
        lines = [f"import site; site.addsitedir({d!r})" for d in base if os.path.isdir(d)]
        write_private(site_packages / "_sagerun_backend.pth", "\n".join(lines) + "\n")

    @staticmethod
    def _write_kernel(path: Path) -> None:
        import json

        kernel_dir = path / "share" / "jupyter" / "kernels" / KERNEL_NAME
        private_dir(kernel_dir)
        spec = {
            "argv": [
                str(path / "bin" / "python"),
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
            ],
            "display_name": "Python (the run's packages)",
            "language": "python",
        }
        write_private(kernel_dir / "kernel.json", json.dumps(spec, indent=1))

    # -- eviction --------------------------------------------------------------------

    def environments(self) -> list[Path]:
        """Ready environments, most recently used first."""
        ready = [p for p in self.root.iterdir() if (p / _READY).is_file()]
        return sorted(ready, key=lambda p: (p / _READY).stat().st_mtime, reverse=True)

    def _evict(self) -> None:
        for path in self.environments()[self.max_environments :]:
            with _open_lock(self.root / f"{path.name}.lock") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a run uses it: kept until a later eviction
                with contextlib.suppress(FileNotFoundError):
                    (path / _READY).unlink()
                shutil.rmtree(path, ignore_errors=True)
                log.info("Environment %s evicted", path.name)


def _open_lock(path: Path) -> IO[bytes]:
    """A lock file (flock), created 0600."""
    return os.fdopen(open_private(path, append=True), "ab")


def _last_lines(output: str) -> str:
    """uv's last lines: where it says which requirement failed, and why."""
    lines = [_ANSI.sub("", line).rstrip() for line in output.splitlines()]
    return "\n".join([line for line in lines if line.strip()][-_ERROR_LINES:])


#: The file in a run's directory that holds the environment configuration it runs with
#: (a snapshot taken at StartNotebookRun: a later UpdateNotebook does not change it).
RUN_FILE = "environment.json"
FAILED_PREFIX = "Installing the run's packages failed:\n"


def specification_of(configuration: dict[str, object] | None) -> str:
    package = (configuration or {}).get("packageConfig")
    spec = package.get("packageSpecification") if isinstance(package, dict) else None
    return normalized(spec) if isinstance(spec, str) else ""


def for_run(run_dir: Path, cache_dir: Path, max_environments: int) -> Environment | None:
    """The environment the run's configuration asks for, or None (the backend's own)."""
    import json

    try:
        configuration = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    specification = specification_of(configuration)
    if not specification:
        return None
    return EnvironmentCache(cache_dir, max_environments).acquire(specification)


def failure_message(exc: InstallFailed, limit: int) -> str:
    """The prefix and as much of uv's tail as ``limit`` characters hold."""
    tail = str(exc)[-(limit - len(FAILED_PREFIX)) :]
    return FAILED_PREFIX + tail
