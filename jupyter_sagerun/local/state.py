"""What every operation of the local backend works on, passed to it explicitly.

``BackendState`` holds the shared parts (the store, the local S3, the scheduler, the
directories of notebook contents and run copies, the log) and ``Jobs``, the worker
pools that finish imports, syncs and exports after their request was answered, as the
real service finishes them asynchronously. Each resource module's handler is a plain
function ``handler(state, params) -> record``; nothing here knows about HTTP.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .private import private_dir
from .s3 import LocalS3
from .scheduler import Scheduler
from .store import Record, Store

Params = dict[str, Any]
#: One DataZone operation: its validated input dict in, its output dict out (shaped to
#: the model by the server), or a ``SageRunError``.
Handler = Callable[["BackendState", Params], Record]
#: A resource module's operations: the operation's model name -> its handler.
Table = Mapping[str, Handler]


class Jobs:
    """The background work of imports, syncs and exports, and how much is pending
    (the idle check's: a backend with work in hand is not idle)."""

    def __init__(self) -> None:
        # One sync worker applies a notebook's syncs in the order they arrived.
        self._syncs = ThreadPoolExecutor(1, thread_name_prefix="sagerun-sync")
        self._exports = ThreadPoolExecutor(2, thread_name_prefix="sagerun-export")
        self._pending = 0
        self._lock = threading.Lock()

    def sync(self, job: Callable[..., None], *args: Any) -> None:
        """Queue an import or sync behind the ones already queued."""
        self._submit(self._syncs, job, *args)

    def export(self, job: Callable[..., None], *args: Any) -> None:
        self._submit(self._exports, job, *args)

    def busy(self) -> bool:
        """Whether an import, sync or export is queued or being worked on."""
        with self._lock:
            return self._pending > 0

    def shutdown(self) -> None:
        self._syncs.shutdown(wait=True, cancel_futures=True)
        self._exports.shutdown(wait=True, cancel_futures=True)

    def _submit(self, pool: ThreadPoolExecutor, job: Callable[..., None], *args: Any) -> None:
        with self._lock:
            self._pending += 1
        try:
            future = pool.submit(job, *args)
        except BaseException:
            self._done(None)
            raise
        # Also called for a job cancelled at shutdown.
        future.add_done_callback(self._done)

    def _done(self, _: Future[None] | None) -> None:
        with self._lock:
            self._pending -= 1


@dataclass(frozen=True)
class BackendState:
    store: Store
    s3: LocalS3
    scheduler: Scheduler
    log: logging.Logger
    #: ``<id>.ipynb``: each notebook's current content.
    notebooks_dir: Path
    #: ``<run id>/``: each run's copy of its input, its output and its logs.
    runs_dir: Path
    jobs: Jobs = field(default_factory=Jobs)

    @classmethod
    def create(
        cls, store: Store, s3: LocalS3, scheduler: Scheduler, state_dir: Path, log: logging.Logger
    ) -> BackendState:
        """The state of a backend on ``state_dir``, its directories made private."""
        return cls(
            store,
            s3,
            scheduler,
            log,
            private_dir(state_dir / "notebooks"),
            private_dir(state_dir / "runs"),
        )

    def content_path(self, notebook_id: str) -> Path:
        return self.notebooks_dir / f"{notebook_id}.ipynb"
