"""The server extension: the route table, the thread pool, its way to the local backend.

``SageRunExtension`` composes the pieces as ``wiring`` composes them for ``jupyter sagerun``
(same traits, gateway, syncer, mapping file and context resolution) and puts the run
service and the pool the handlers run it on into the settings. In local mode it is a
plain client of the local backend, a process of its own: ``backend_process`` finds
the one that owns ``LocalBackend.state_dir``, or starts it, per request (off the event
loop). This process never runs the backend, so it imports none of its machinery (moto,
papermill, the runner). Nor does it import the service's (pydantic, botocore, the
DataZone model) before the first request that needs it: start-up stays what Jupyter's
own costs (benchmarks/footprint.py).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from jupyter_server.extension.application import ExtensionApp
from tornado.ioloop import IOLoop
from traitlets import Int

from ..core.once import Once
from ..local import LocalBackend
from ..runs.context import RunContext, resolve_backend, resolve_context
from .backend_process import BackendLocator
from .handlers import ROUTES
from .schedule_handlers import SCHEDULE_ROUTES
from .wiring import SageRun, build_schedule_service, build_service


class SageRunExtension(ExtensionApp, SageRun):
    """The ``SageRun`` traits (backend, profile, region, domain/project, endpoints,
    staging, metadata path, state dir, timeouts, retries, notebook size, gateway class)
    come from ``wiring.SageRun``, shared with ``jupyter sagerun``; only what a
    server needs is added here."""

    name = "jupyter_sagerun"
    description = "Run notebooks on Amazon SageMaker Unified Studio (or the local backend)."
    # Listed so `--help-all` shows the local backend's options with ours: the server
    # passes them to the backend it starts (LocalBackend's module is only its traits).
    classes = [LocalBackend]

    worker_threads = Int(
        32, config=True, help="Threads running blocking AWS calls off the event loop."
    )

    # lifecycle

    def initialize_settings(self) -> None:
        config = self.context_config()
        self.resolved_backend = resolve_backend(config, os.environ).value
        self.backend_locator: BackendLocator | None = None
        if self.resolved_backend == "local":
            # parent: `--LocalBackend.*` options apply to the backend this server starts.
            self.backend_locator = BackendLocator(LocalBackend(parent=self))

        assert self.serverapp is not None
        contents = self.serverapp.contents_manager
        # The contents manager's root is what the file browser shows; paths are its.
        root = str(getattr(contents, "root_dir", None) or self.serverapp.root_dir)
        allow_hidden = bool(getattr(contents, "allow_hidden", False))
        # Built by the first request, on the pool (once.py): not at start-up.
        self.service = Once(
            lambda: build_service(
                self, self.run_context, root, allow_hidden=allow_hidden, logger=self.log
            )
        )
        self.schedules = Once(lambda: build_schedule_service(self, self.service.get()))
        self.executor = ThreadPoolExecutor(self.worker_threads, thread_name_prefix="sagerun")
        self.settings.update(
            {
                "sagerun_service": self.service,
                "sagerun_schedules": self.schedules,
                "sagerun_executor": self.executor,
            }
        )
        self.log.info("SageRun: backend %s (state in %s)", self.resolved_backend, self.state_dir)
        # Once the server's loop runs, so after it listens: the warm-up (a model parse,
        # a backend start) must not hold up the server's own start-up.
        IOLoop.current().add_callback(self.executor.submit, self._warm_up)

    def initialize_handlers(self) -> None:
        self.handlers.extend(ROUTES + SCHEDULE_ROUTES)

    async def stop_extension(self) -> None:
        # The local backend is left running: runs outlive the server that started
        # them, and the backend stops by itself once idle.
        executor = getattr(self, "executor", None)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def _warm_up(self) -> None:
        """In local mode, find (or start) the local backend before the first request
        needs it (the runs panel asks at once; a backend takes a second or two to
        start). The DataZone model and the DataZone and S3 clients are loaded at first
        use, not here: memory a server that nobody runs a notebook from never needs
        (benchmarks/footprint.py)."""
        if self.backend_locator is None:
            return
        try:
            self.backend_locator.running()
        except Exception as exc:  # only an optimisation: the first request will say
            self.log.warning("SageRun: the local backend did not start (%s)", exc)

    # context

    def run_context(self, domain_id: str | None, project_id: str | None) -> RunContext:
        """Where a request's run goes (blocking: may start the local backend)."""
        locator = self.backend_locator
        return resolve_context(
            self.context_config(),
            request_domain_id=domain_id,
            request_project_id=project_id,
            local=locator.endpoints() if locator is not None else None,
        )
