"""``LocalBackend``: the local DataZone, its S3, its store and its scheduler, as one
configurable object ``jupyter sagerun local`` starts (and the backend's own tests).

Importing this module must stay cheap: clients (the Jupyter server, each command)
import it for its traits only, to pass them to the backend process they start; the
machinery is imported inside ``start()``."""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_core.paths import jupyter_data_dir
from traitlets import Bool, Enum, Float, Int, Unicode, default
from traitlets.config import LoggingConfigurable

from ..core.credentials import Credentials
from ..core.ids import LOCAL_DOMAIN_ID, LOCAL_PROJECT_ID
from .discovery import (
    BackendAlreadyRunning,
    RunningBackend,
    StateLock,
    remove_info,
    wait_for_backend,
    write_info,
)
from .faults import Faults
from .http_thread import serve_in_thread
from .idle import Activity, IdleWatch
from .private import private_dir
from .s3 import REGION, LocalS3

if TYPE_CHECKING:
    from .scheduler import Scheduler
    from .schedules import LocalSchedules
    from .state import BackendState
    from .store import Store


class LocalBackend(LoggingConfigurable):
    """A DataZone that runs notebooks on this machine."""

    seconds_per_minute = Float(
        60.0,
        config=True,
        help="Seconds of wall time in each minute the backend counts (run timeouts). "
        "Tests set it small so that a 60-minute timeout passes in seconds.",
    )
    max_concurrent_runs = Int(
        2,
        config=True,
        help="Runs executing at once; more wait QUEUED. 0 keeps every run queued.",
    )
    warm_runners = Int(
        2,
        min=0,
        config=True,
        help="Runners kept ready for the next runs (at most max_concurrent_runs): an "
        "interpreter with papermill imported and a kernel of the default environment "
        "started, so a run does not wait for them. Each serves one run (its kernel is a "
        "fresh process), and they are started only after a run has started. 0: none.",
    )
    warm_runner_idle_timeout = Float(
        120.0,
        min=0.0,
        config=True,
        help="Seconds without a run starting after which the warm runners are let go "
        "(the next run starts cold, and starts the pool again).",
    )
    state_dir = Unicode(
        config=True, help="Directory of the SQLite state, notebook contents and run outputs."
    )
    ip = Unicode(
        "127.0.0.1",
        config=True,
        help="Address both servers listen on. Any address is authenticated the same "
        "way: every request must be signed with the credentials in backend.json.",
    )
    port = Int(0, config=True, help="Port of the DataZone API (0 picks a free one).")
    s3_port = Int(0, config=True, help="Port of the local S3 (0 picks a free one).")
    scheduler_port = Int(
        0,
        config=True,
        help="Port of the local EventBridge Scheduler API (0 picks a free one). Its "
        "schedules fire notebook runs while this backend runs.",
    )
    runner_log_level = Enum(
        ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
        "WARNING",
        config=True,
        help="Log level of each run's runner process (papermill, the kernel client), "
        "written to runs/<id>/runner.log. Records that carry cell sources or kernel "
        "messages (parameter values, outputs) are dropped at every level.",
    )
    max_environments = Int(
        8,
        min=1,
        config=True,
        help="Package environments kept under state_dir/environments (one per distinct "
        "packageSpecification); beyond this many the least recently used that no run "
        "uses is removed.",
    )
    idle_timeout = Float(
        0.0,
        min=0.0,
        config=True,
        help="Seconds without activity after which `jupyter sagerun local` stops by "
        "itself, as on Ctrl+C (0: never). Activity: a run that has not ended (a queued "
        "one too), a DataZone API request, an import or export in progress; health "
        "probes are not. A backend started on demand by JupyterLab or a `jupyter "
        "sagerun` command gets 900 unless this is set.",
    )

    enable_test_knobs = Bool(
        False,
        config=True,
        help="Serve the test endpoints /_local/faults (inject errors and delays) and "
        "/_local/requests (count operations), signed like every request. For tests "
        "and benchmarks only: never on a backend people use.",
    )

    region = REGION
    # How long start() waits for a backend that holds the lock but is still starting
    # to publish its addresses, so BackendAlreadyRunning can say where it is.
    peer_start_timeout = 15.0
    default_domain_id = LOCAL_DOMAIN_ID
    default_project_id = LOCAL_PROJECT_ID

    @default("state_dir")
    def _default_state_dir(self) -> str:
        return str(Path(jupyter_data_dir()) / "sagerun" / "local")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lock = threading.Lock()
        self._started = False
        self._port = 0
        self._s3: LocalS3 | None = None
        self._store: Store | None = None
        self._scheduler: Scheduler | None = None
        self._state: BackendState | None = None
        self._schedules: LocalSchedules | None = None
        self._scheduler_port = 0
        self._executor: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._state_lock: StateLock | None = None
        self._idle_watch: IdleWatch | None = None
        self._credentials: Credentials | None = None
        self.faults = Faults()
        self.activity = Activity()

    # -- addresses -------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.ip}:{self._port}"

    @property
    def scheduler_endpoint_url(self) -> str:
        """The local EventBridge Scheduler API."""
        return f"http://{self.ip}:{self._scheduler_port}"

    @property
    def schedules(self) -> LocalSchedules:
        assert self._schedules is not None, "start() the backend first"
        return self._schedules

    @property
    def s3_endpoint_url(self) -> str:
        assert self._s3 is not None, "start() the backend first"
        return self._s3.endpoint_url

    @property
    def staging_s3_uri(self) -> str:
        assert self._s3 is not None, "start() the backend first"
        return self._s3.staging_s3_uri

    @property
    def credentials(self) -> Credentials:
        """What every request must be signed with; new at each start."""
        assert self._credentials is not None, "start() the backend first"
        return self._credentials

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        """Start S3, the store, the scheduler and the API; return once both listen.

        Raises ``BackendAlreadyRunning`` when another backend owns ``state_dir``.
        """
        with self._lock:
            if self._started:
                return
            # 0700, tightened if it exists: it will hold the credentials.
            state = private_dir(self.state_dir)
            lock = StateLock.try_acquire(state)
            if lock is None:
                running = wait_for_backend(state, self.peer_start_timeout)
                raise BackendAlreadyRunning(str(state), running)
            self._state_lock = lock
            # Fresh at each start: a client that read an old backend.json is refused
            # and reads the new one, like a kernel's new connection file.
            self._credentials = Credentials.fresh()
            try:
                self._start_parts(state)
            except BaseException:
                self._stop_parts()
                raise
            self._started = True
            write_info(state, self.running_info())
        self.log.info(
            "SageRun local backend: DataZone at %s, S3 at %s, state in %s",
            self.endpoint_url,
            self.s3_endpoint_url,
            self.state_dir,
        )

    def running_info(self) -> RunningBackend:
        """What ``backend.json`` publishes: where this backend listens."""
        return RunningBackend(
            pid=os.getpid(),
            endpoint_url=self.endpoint_url,
            s3_endpoint_url=self.s3_endpoint_url,
            staging_s3_uri=self.staging_s3_uri,
            region=self.region,
            access_key_id=self.credentials.access_key_id,
            secret_access_key=self.credentials.secret_access_key,
            scheduler_endpoint_url=self.scheduler_endpoint_url,
        )

    def _start_parts(self, state: Path) -> None:
        # Imported here: a process that only reads this class's settings (the
        # `jupyter sagerun` command, to find a running backend) should not pay for
        # the machinery (nbformat, papermill's helpers, tornado's server).
        from . import operations
        from .runs import publish_result
        from .scheduler import Scheduler
        from .schedules import LocalSchedules
        from .state import BackendState
        from .store import Store

        # A signed S3 request is use too: a client staging a notebook before its
        # StartNotebookImport must not see the backend idle out under it.
        self._s3 = LocalS3(
            self.ip, self.s3_port, self.log, self.credentials, on_request=self.activity.touch
        )
        self._s3.start()
        self._store = Store(state / "local.sqlite3")
        self._scheduler = Scheduler(
            self._store,
            state / "runs",
            self.max_concurrent_runs,
            self.seconds_per_minute,
            self.log,
            runner_log_level=self.runner_log_level,
            # A run never sees the credentials of the backend that runs it.
            hidden=(self.credentials.access_key_id, self.credentials.secret_access_key),
            environments_dir=state / "environments",
            max_environments=self.max_environments,
            warm_runners=self.warm_runners,
            warm_idle_seconds=self.warm_runner_idle_timeout,
        )
        self._state = BackendState.create(self._store, self._s3, self._scheduler, state, self.log)
        self._scheduler.on_end = functools.partial(publish_result, self._state)
        self._scheduler.start()
        operations.resume(self._state)
        # The schedules fire runs through the same StartNotebookRun as a client's.
        self._schedules = LocalSchedules(
            state / "local.sqlite3",
            self.region,
            operations.bind(operations.DATAZONE, self._state)["StartNotebookRun"],
            self.log,
            self.seconds_per_minute,
        )
        self._schedules.start()
        self._executor = ThreadPoolExecutor(8, thread_name_prefix="sagerun-local-api")
        self._serve()

    def _serve(self) -> None:
        assert self._state is not None and self._executor is not None
        from .operations import DATAZONE, bind
        from .server import ServerContext, make_app, make_scheduler_app
        from .sigv4 import Verifier

        context = ServerContext(
            bind(DATAZONE, self._state),
            self.faults,
            self._executor,
            self.log,
            Verifier(self.credentials, self.region, "datazone"),
            self.activity,
        )
        assert self._schedules is not None
        scheduler_context = ServerContext(
            self._schedules.operations,
            self.faults,
            self._executor,
            self.log,
            Verifier(self.credentials, self.region, "scheduler"),
            self.activity,
        )
        self._loop, self._thread, (self._port, self._scheduler_port) = serve_in_thread(
            self.ip,
            [
                (self.port, lambda: make_app(context, test_knobs=self.enable_test_knobs)),
                (self.scheduler_port, lambda: make_scheduler_app(scheduler_context)),
            ],
        )

    def watch_idle(self, on_idle: Callable[[float], None]) -> None:
        """Call ``on_idle(seconds)`` (from a thread of its own, once) when the started
        backend has been idle for ``idle_timeout`` seconds; nothing when that is 0.
        ``jupyter sagerun local`` asks: the stop is its caller's to make."""
        with self._lock:
            if not self._started or self.idle_timeout <= 0 or self._idle_watch is not None:
                return
            self.activity.touch()  # the idle clock starts now, not at construction
            self._idle_watch = IdleWatch(
                self.idle_timeout, self.activity, self._busy, on_idle, self.log
            )
            self._idle_watch.start()

    def _busy(self) -> bool:
        """A run not ended (QUEUED included), an import/export in progress, or an
        enabled schedule that will fire. Reads
        SQLite: called on the idle watcher's thread, never on the event loop."""
        from .scheduler import ACTIVE

        store, state = self._store, self._state
        if store is None or state is None:
            return False
        if state.jobs.busy() or store.count("runs", ("QUEUED", *ACTIVE)) > 0:
            return True
        return self._schedules is not None and self._schedules.busy()

    def stop(self) -> None:
        """Stop serving and kill every run's processes; safe to call twice. Runs that
        were active end FAILED, with a message saying why, when a backend next starts
        on this state_dir."""
        with self._lock:
            if not self._started:
                return
            self._started = False
            remove_info(self.state_dir, os.getpid())
            self._stop_parts()
        self.log.info("SageRun local backend stopped")

    def _stop_parts(self) -> None:
        # Also the cleanup of a start() that failed halfway: each part may be missing.
        if self._idle_watch is not None:
            self._idle_watch.stop()
            self._idle_watch = None
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop = None
        if self._schedules is not None:
            # Before the run scheduler: a firing must not queue a run into a stopped one.
            self._schedules.stop()
        if self._scheduler is not None:
            self._scheduler.shutdown()
        if self._state is not None:
            self._state.jobs.shutdown()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        if self._s3 is not None:
            self._s3.stop()
        if self._store is not None:
            self._store.close()
        if self._state_lock is not None:
            # Last: a successor may start only once nothing of ours touches the state.
            self._state_lock.release()
            self._state_lock = None
