"""The server extension: the route table, the thread pool, the local backend.

``SageRun`` composes the pieces as ``wiring`` composes them for ``jupyter sagerun``
(same traits, gateway, syncer, mapping file and context resolution), puts the run
service and the pool the handlers run it on into the settings, and in local mode
starts the embedded local backend, or uses the one that already owns its state
directory, or a standalone one named by ``--SageRun.endpoint_url``.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from jupyter_server.extension.application import ExtensionApp
from traitlets import Int

from .context import LocalEndpoints, RunContext, resolve_backend, resolve_context
from .errors import SageRunError
from .handlers import ROUTES
from .local import LocalBackend
from .local.discovery import INFO_FILE, read_info
from .validation import service_model
from .wiring import (
    SageRunSettings,
    build_service,
    configured_endpoints,
    running_endpoints,
    start_or_connect,
)

LOCAL_START_TIMEOUT = 60.0


def _info_stamp(state_dir: str) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(os.path.join(state_dir, INFO_FILE))
    except OSError:
        return None
    # os.replace gives each new file its own inode; mtime alone could repeat.
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


class SageRun(ExtensionApp, SageRunSettings):
    """The ``SageRun`` traits (backend, profile, region, domain/project, endpoints,
    staging, metadata path, state dir, timeouts, retries, notebook size, gateway class)
    come from ``wiring.SageRunSettings``, shared with ``jupyter sagerun``; only what a
    server needs is added here."""

    name = "jupyter_sagerun"
    description = "Run notebooks on Amazon SageMaker Unified Studio (or the local backend)."
    # Listed so `--help-all` shows the local backend's options with ours.
    classes = [LocalBackend]

    worker_threads = Int(
        32, config=True, help="Threads running blocking AWS calls off the event loop."
    )

    # lifecycle

    def initialize_settings(self) -> None:
        self._local: LocalBackend | None = None  # the embedded backend, when we own one
        self._endpoints: LocalEndpoints | None = None  # a backend we only connect to
        # The state dir of a backend another process owns, found through discovery:
        # when that backend restarts it listens on new ports, and says so there.
        self._peer_state_dir: str | None = None
        self._peer_seen: tuple[int, int, int] | None = None  # backend.json's stat
        self._peer_lock = threading.Lock()
        self._local_ready = threading.Event()
        self._local_error: BaseException | None = None
        config = self.context_config()
        self.resolved_backend = resolve_backend(config, os.environ).value
        if self.resolved_backend == "local" and config.endpoint_url is None:
            self._start_local_backend()
        else:
            if self.resolved_backend == "local":
                self._endpoints = configured_endpoints(config)
            self._local_ready.set()

        assert self.serverapp is not None
        contents = self.serverapp.contents_manager
        # The contents manager's root is what the file browser shows; paths are its.
        root = str(getattr(contents, "root_dir", None) or self.serverapp.root_dir)
        self.service = build_service(
            self,
            self.run_context,
            root,
            allow_hidden=bool(getattr(contents, "allow_hidden", False)),
            logger=self.log,
        )
        self.executor = ThreadPoolExecutor(self.worker_threads, thread_name_prefix="sagerun")
        self.settings.update({"sagerun_service": self.service, "sagerun_executor": self.executor})
        self.log.info("SageRun: backend %s (state in %s)", self.resolved_backend, self.state_dir)
        self.executor.submit(self._warm_up)

    def initialize_handlers(self) -> None:
        self.handlers.extend(ROUTES)

    async def stop_extension(self) -> None:
        local = getattr(self, "_local", None)
        if local is not None:
            # Stopping kills run processes and joins threads: not on the event loop.
            await asyncio.get_running_loop().run_in_executor(None, local.stop)
        executor = getattr(self, "executor", None)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def _warm_up(self) -> None:
        """Load the model and build the DataZone and S3 clients before the first
        request needs them (a few hundred ms of the first run's latency otherwise).
        Creating a client makes no network call and resolves no credentials."""
        # The validator's own copy of the DataZone model, parsed once (~250 ms).
        service_model()
        make = getattr(self.service.gateway, "client", None)
        if make is None:
            return
        try:
            target = self.run_context(None, None).target()
            make(target, "datazone")
            make(target, "s3")
        except Exception as exc:  # only an optimisation: the first request will say
            self.log.debug("SageRun: client warm-up skipped (%s)", type(exc).__name__)

    # the local backend

    def _start_local_backend(self) -> None:
        # parent=self: `--LocalBackend.*` options apply. Started in a thread because it
        # takes about a second; the first request waits for it (off the event loop).
        backend = LocalBackend(parent=self)

        def start() -> None:
            try:
                endpoints, owned = start_or_connect(backend)
                if owned:
                    self._local = backend
                else:
                    # A `jupyter sagerun local` (or a command's backend) owns this state
                    # directory: use it, and leave its life to its owner.
                    self._endpoints = endpoints
                    self._peer_state_dir = backend.state_dir
                    self._peer_seen = _info_stamp(backend.state_dir)
                    self.log.info("SageRun: using the local backend at %s", endpoints.endpoint_url)
            except BaseException as exc:
                self._local_error = exc
                self.log.error("SageRun: the local backend did not start: %s", exc)
            finally:
                self._local_ready.set()

        threading.Thread(target=start, name="sagerun-local-start", daemon=True).start()

    @property
    def local_backend(self) -> LocalBackend | None:
        """The embedded backend this server owns, if any."""
        self._local_ready.wait(LOCAL_START_TIMEOUT)
        return self._local

    def _local_endpoints(self) -> LocalEndpoints | None:
        if not self._local_ready.wait(LOCAL_START_TIMEOUT) or self._local_error is not None:
            raise SageRunError(
                503,
                "EndpointUnreachable",
                "The local backend is not running; see the server log for why.",
                retryable=True,
            )
        if self._local is not None:
            # Read afresh: a restarted backend listens on new ports.
            return running_endpoints(self._local.running_info())
        if self._peer_state_dir is not None:
            self._follow_peer(self._peer_state_dir)
        return self._endpoints

    def _follow_peer(self, state_dir: str) -> None:
        """A backend owned by another process (`jupyter sagerun local`) that was
        restarted, even after a ``kill -9``, publishes its new ports in
        ``backend.json``: follow it without a restart of this server. A stat per
        request; the file is read only when it changed."""
        stamp = _info_stamp(state_dir)
        if stamp is None or stamp == self._peer_seen:
            return
        with self._peer_lock:
            if stamp == self._peer_seen:
                return
            info = read_info(state_dir)
            if info is None:  # half-written or unreadable: look again next time
                return
            self._peer_seen = stamp
            endpoints = running_endpoints(info)
            if self._endpoints is None or endpoints.endpoint_url != self._endpoints.endpoint_url:
                self._endpoints = endpoints
                self.log.info(
                    "SageRun: the local backend now listens at %s (pid %d)",
                    info.endpoint_url,
                    info.pid,
                )

    # context

    def run_context(self, domain_id: str | None, project_id: str | None) -> RunContext:
        """Where a request's run goes (blocking: may wait for the local backend)."""
        return resolve_context(
            self.context_config(),
            request_domain_id=_blank_to_none(domain_id),
            request_project_id=_blank_to_none(project_id),
            local=self._local_endpoints(),
        )
