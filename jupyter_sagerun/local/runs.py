"""The notebook-run resource: start, read, list and stop runs, and publish a run's
result when it ends.

Starting a run only queues it (with a copy of the notebook as it is now); the
``Scheduler`` executes queued runs and moves their status. When a run ends the
scheduler calls ``publish_result``, so a client that sees it ended finds its
executed notebook under the project's S3 path.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..core import rendering
from ..core.errors import SageRunError, conflict
from ..core.results import RESULT_NOTEBOOK, run_results_prefix
from . import package_envs
from .environments import project_s3_path
from .private import DIR_MODE, touch_private, write_private
from .records import CREATED_BY, find, new_id, notebook_in, page, token_scope
from .scheduler import DEFAULT_TIMEOUT_MINUTES, TERMINAL
from .state import BackendState, Params, Table
from .store import Record, now

#: What StartNotebookRun takes from its request as it is, over the defaults.
_FROM_REQUEST = (
    "computeConfiguration",
    "networkConfiguration",
    "timeoutConfiguration",
    "notificationConfiguration",
    "triggerSource",
    "metadata",
    "parameters",
)


def start_notebook_run(state: BackendState, p: Params) -> Record:
    notebook = notebook_in(state, p, "notebookIdentifier")
    if notebook["status"] != "ACTIVE":
        raise conflict(f"Notebook {notebook['id']} is {notebook['status']}; a run needs it ACTIVE.")
    stamp = now()
    record: Record = {
        "id": new_id(),
        "domainId": p["domainIdentifier"],
        "owningProjectId": p["owningProjectIdentifier"],
        "notebookId": notebook["id"],
        "scheduleId": p.get("scheduleIdentifier"),
        "status": "QUEUED",
        "timeoutConfiguration": {"runTimeoutInMinutes": DEFAULT_TIMEOUT_MINUTES},
        "triggerSource": {"type": "MANUAL"},
        # Each run's results go under the project's path (see environments.py).
        "storageConfiguration": {
            "projectS3Path": project_s3_path(p["domainIdentifier"], p["owningProjectIdentifier"])
        },
        "createdAt": stamp,
        "updatedAt": stamp,
        "createdBy": CREATED_BY,
    }
    for key in _FROM_REQUEST:
        if p.get(key) is not None:
            record[key] = p[key]
    # The run executes the content as it is now, even if a sync lands before it
    # leaves the queue; the copy exists before the scheduler can see the run.
    run_dir = state.runs_dir / record["id"]
    run_dir.mkdir(mode=DIR_MODE)
    # Created 0600 first: copyfile keeps the mode of a file it overwrites.
    touch_private(run_dir / "input.ipynb")
    shutil.copyfile(state.content_path(notebook["id"]), run_dir / "input.ipynb")
    _snapshot_environment(notebook, record, run_dir)
    try:
        record, created = state.store.create("runs", record, token_scope(p, "StartNotebookRun"))
    except SageRunError:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    if created:
        state.scheduler.wake()
        state.log.info("Run %s queued for notebook %s", record["id"], notebook["id"])
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
    return record


def _snapshot_environment(notebook: Record, run: Record, run_dir: Path) -> None:
    """The run keeps the notebook's environment configuration as it is now: an
    UpdateNotebook for the next run must not change the packages of this one."""
    configuration = notebook.get("environmentConfiguration")
    if configuration:
        run["environmentConfiguration"] = configuration
        write_private(run_dir / package_envs.RUN_FILE, json.dumps(configuration))


def get_notebook_run(state: BackendState, p: Params) -> Record:
    return find(state, "runs", p["identifier"], p["domainIdentifier"], "Notebook run")


def list_notebook_runs(state: BackendState, p: Params) -> Record:
    filters = {
        column: p[key]
        for key, column in (
            ("notebookIdentifier", "notebook_id"),
            ("status", "status"),
            ("scheduleIdentifier", "schedule_id"),
        )
        if p.get(key)
    }
    return page(state, "runs", p, filters, "seq")


def stop_notebook_run(state: BackendState, p: Params) -> Record:
    """Stop a run. One already STOPPING comes back unchanged; one that has ended is
    a ConflictException, as the model allows (the REST stop shows it as ended)."""
    run = get_notebook_run(state, p)
    stamp = now()
    if run["status"] == "QUEUED":
        stopped = state.store.update(
            "runs", run["id"], {"status": "STOPPED", "completedAt": stamp}, ["QUEUED"]
        )
        if stopped is not None:
            return stopped
        run = get_notebook_run(state, p)
    if run["status"] in ("STARTING", "RUNNING"):
        stopping = state.store.update(
            "runs", run["id"], {"status": "STOPPING"}, ["STARTING", "RUNNING"]
        )
        if stopping is not None:
            state.scheduler.wake()
            return stopping
        run = get_notebook_run(state, p)
    if run["status"] in TERMINAL:
        raise conflict(f"Notebook run {run['id']} has already ended ({run['status']}).")
    return run


def publish_result(state: BackendState, run_id: str) -> None:
    """Copy a run's executed notebook to its results directory in S3, stamped with
    its run id; a run that left none (stopped before it started) has none there."""
    run = state.store.get("runs", run_id)
    output = state.runs_dir / run_id / "output.ipynb"
    path = ((run or {}).get("storageConfiguration") or {}).get("projectS3Path")
    if run is None or not path or not output.is_file():
        return
    try:
        notebook = json.loads(output.read_text(encoding="utf-8"))
        data, _, mime = rendering.render(notebook, run_id, "IPYNB")
        prefix = run_results_prefix(path, run["notebookId"], run_id)
        state.s3.write(prefix + RESULT_NOTEBOOK, data, mime)
    except Exception as exc:
        # The run's end is recorded anyway; the service falls back to an export.
        state.log.warning("Run %s: results not written (%s)", run_id, type(exc).__name__)


OPERATIONS: Table = {
    "StartNotebookRun": start_notebook_run,
    "GetNotebookRun": get_notebook_run,
    "ListNotebookRuns": list_notebook_runs,
    "StopNotebookRun": stop_notebook_run,
}
