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
from concurrent.futures import ThreadPoolExecutor

from jupyter_server.extension.application import ExtensionApp
from traitlets import Int

from .context import LocalEndpoints, RunContext, resolve_backend, resolve_context
from .handlers import ROUTES
from .local import LocalBackend
from .local_link import LocalBackendLink
from .wiring import (
    SageRunSettings,
    build_service,
    configured_endpoints,
)


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
        self.backend_link = LocalBackendLink(self, self.log)
        config = self.context_config()
        self.resolved_backend = resolve_backend(config, os.environ).value
        # local with an endpoint: that standalone backend, its credentials read from
        # its connection file on each request (a restart makes new ones).
        self._configured_state_dir: str | None = None
        if self.resolved_backend == "local" and config.endpoint_url is None:
            self.backend_link.start()
        else:
            if self.resolved_backend == "local":
                self._configured_state_dir = LocalBackend(parent=self).state_dir
            self.backend_link.use(None)

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

    def initialize_handlers(self) -> None:
        self.handlers.extend(ROUTES)

    async def stop_extension(self) -> None:
        local = getattr(self, "backend_link", None)
        if local is not None:
            # Stopping kills run processes and joins threads: not on the event loop.
            await asyncio.get_running_loop().run_in_executor(None, local.stop)
        executor = getattr(self, "executor", None)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    @property
    def local_backend(self) -> LocalBackend | None:
        """The embedded backend this server owns, if any (waits for its start)."""
        return self.backend_link.backend

    # context

    def run_context(self, domain_id: str | None, project_id: str | None) -> RunContext:
        """Where a request's run goes (blocking: may wait for the local backend)."""
        return resolve_context(
            self.context_config(),
            request_domain_id=_blank_to_none(domain_id),
            request_project_id=_blank_to_none(project_id),
            local=self._local_endpoints(),
        )

    def _local_endpoints(self) -> LocalEndpoints | None:
        if self._configured_state_dir is not None:
            return configured_endpoints(self.context_config(), self._configured_state_dir)
        return self.backend_link.endpoints()
