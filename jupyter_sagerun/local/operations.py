"""What each DataZone operation does in the local backend.

Every method takes the operation's validated input dict and returns its output dict
(shaped to the model by the server), or raises ``SageRunError``. Nothing here knows
about HTTP. Imports, syncs and exports finish off the request on worker threads, as
the real service finishes them asynchronously.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import shutil
import string
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..core import rendering
from ..core.errors import SageRunError, conflict, not_found
from ..core.results import RESULT_NOTEBOOK, run_results_prefix
from . import exporting, package_envs
from .environments import Environments, project_s3_path
from .private import DIR_MODE, private_dir, touch_private, write_private
from .s3 import LocalS3, split_uri
from .scheduler import ACTIVE, DEFAULT_TIMEOUT_MINUTES, TERMINAL, Scheduler
from .store import Kind, Record, Store, TokenScope, now

Params = dict[str, Any]
CREATED_BY = "local"
DEFAULT_PAGE = 50
_ALPHABET = string.ascii_lowercase + string.digits
_UPDATABLE = (
    "name",
    "description",
    "type",
    "cellOrder",
    "metadata",
    "parameters",
    "environmentConfiguration",
)


def new_id() -> str:
    # Letters and digits only: an id starting with "-" would read as an option to the
    # AWS CLI (`--identifier -x...`).
    return secrets.choice(string.ascii_lowercase) + "".join(
        secrets.choice(_ALPHABET) for _ in range(13)
    )


def token_scope(p: Params, operation: str) -> TokenScope:
    """The clientToken of ``p`` scoped to its domain, project and operation, with a
    digest of everything else it asks (key order and the token itself left out)."""
    rest = {k: v for k, v in p.items() if k != "clientToken"}
    digest = hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()
    return TokenScope(
        p["domainIdentifier"],
        str(p.get("owningProjectIdentifier") or ""),
        operation,
        p.get("clientToken"),
        digest,
    )


def _bad_token() -> SageRunError:
    return SageRunError(400, "ValidationException", "nextToken is not a valid token.")


class Operations(Environments):
    def __init__(
        self,
        store: Store,
        s3: LocalS3,
        scheduler: Scheduler,
        state_dir: Path,
        log: logging.Logger,
    ) -> None:
        self.store = store
        self.s3 = s3
        self.scheduler = scheduler
        self.notebooks_dir = state_dir / "notebooks"
        self.runs_dir = state_dir / "runs"
        private_dir(self.notebooks_dir)
        private_dir(self.runs_dir)
        self.log = log
        # One sync worker applies a notebook's syncs in the order they arrived.
        self._syncs = ThreadPoolExecutor(1, thread_name_prefix="sagerun-sync")
        self._exports = ThreadPoolExecutor(2, thread_name_prefix="sagerun-export")
        # Imports, syncs and exports submitted and not yet done (the idle check's).
        self._jobs = 0
        self._jobs_lock = threading.Lock()

    def handler(self, operation: str) -> Callable[[Params], Record]:
        method: Callable[[Params], Record] = getattr(self, operation)
        return method

    def resume(self) -> None:
        """Finish the imports and exports an earlier backend left in progress."""
        for record in self.store.by_status("notebooks", ["SYNC_IN_PROGRESS"]):
            if record.get("_sourceUri"):
                self._submit(self._syncs, self._sync, record["id"], record["_sourceUri"])
        for record in self.store.by_status("exports", ["IN_PROGRESS"]):
            self._submit(self._exports, self._export, record["id"])

    def busy(self) -> bool:
        """Whether an import, sync or export is queued or being worked on."""
        with self._jobs_lock:
            return self._jobs > 0

    def _submit(self, pool: ThreadPoolExecutor, job: Callable[..., None], *args: Any) -> None:
        with self._jobs_lock:
            self._jobs += 1
        try:
            future = pool.submit(job, *args)
        except BaseException:
            self._job_done(None)
            raise
        # Also called for a job cancelled at shutdown.
        future.add_done_callback(self._job_done)

    def _job_done(self, _: Future[None] | None) -> None:
        with self._jobs_lock:
            self._jobs -= 1

    def shutdown(self) -> None:
        self._syncs.shutdown(wait=True, cancel_futures=True)
        self._exports.shutdown(wait=True, cancel_futures=True)

    # -- lookups ---------------------------------------------------------------------

    def _find(self, kind: Kind, rid: str, domain: str, what: str) -> Record:
        record = self.store.get(kind, rid, domain)
        if record is None:
            raise not_found(f"{what} {rid} was not found in domain {domain}.")
        return record

    def _notebook_in(self, p: Params, key: str) -> Record:
        notebook = self._find("notebooks", p[key], p["domainIdentifier"], "Notebook")
        if notebook["owningProjectId"] != p["owningProjectIdentifier"]:
            raise not_found(
                f"Notebook {p[key]} was not found in project {p['owningProjectIdentifier']}."
            )
        return notebook

    def content_path(self, notebook_id: str) -> Path:
        return self.notebooks_dir / f"{notebook_id}.ipynb"

    def _page(self, kind: Kind, p: Params, filters: dict[str, str], order: str) -> Record:
        token = p.get("nextToken")
        try:
            after = int(token) if token is not None else None
        except ValueError:
            raise _bad_token() from None
        items, cursor = self.store.page(
            kind,
            p["domainIdentifier"],
            p["owningProjectIdentifier"],
            filters,
            descending=p.get("sortOrder", "DESCENDING") == "DESCENDING",
            after=after,
            limit=int(p.get("maxResults") or DEFAULT_PAGE),
            order_by=order,
        )
        return {"items": items, "nextToken": None if cursor is None else str(cursor)}

    # -- notebooks -------------------------------------------------------------------

    def _new_notebook(self, p: Params, status: str, **extra: Any) -> Record:
        stamp = now()
        return {
            "id": new_id(),
            "domainId": p["domainIdentifier"],
            "owningProjectId": p["owningProjectIdentifier"],
            "name": p.get("name"),
            "description": p.get("description"),
            "type": p.get("type"),
            "status": status,
            "cellOrder": [],
            "createdAt": stamp,
            "updatedAt": stamp,
            "createdBy": CREATED_BY,
            **extra,
        }

    def CreateNotebook(self, p: Params) -> Record:
        record = self._new_notebook(
            p, "ACTIVE", metadata=p.get("metadata"), parameters=p.get("parameters")
        )
        record, created = self.store.create("notebooks", record, token_scope(p, "CreateNotebook"))
        if created:
            write_private(self.content_path(record["id"]), exporting.empty_notebook())
        return record

    def GetNotebook(self, p: Params) -> Record:
        return self._find("notebooks", p["identifier"], p["domainIdentifier"], "Notebook")

    def UpdateNotebook(self, p: Params) -> Record:
        """Set the members given; the status is the backend's own (imports and syncs
        move it), so it is not taken from the request."""
        notebook = self.GetNotebook(p)
        if not self.store.claim_token(token_scope(p, "UpdateNotebook"), notebook["id"]):
            # The same request again: answered, not applied again (another request
            # with this token is a ConflictException naming clientToken).
            return notebook
        changes = {key: p[key] for key in _UPDATABLE if p.get(key) is not None}
        return self.store.update("notebooks", notebook["id"], changes) or notebook

    def ListNotebooks(self, p: Params) -> Record:
        filters = {
            column: p[key]
            for key, column in (("status", "status"), ("type", "json_extract(data, '$.type')"))
            if p.get(key)
        }
        order = "updated_at" if p.get("sortBy") == "UPDATED_AT" else "created_at"
        return self._page("notebooks", p, filters, order)

    def DeleteNotebook(self, p: Params) -> Record:
        """Delete a notebook and its content; its runs stay. The model lists no
        ResourceNotFoundException here: deleting what is not there answers 200."""
        notebook = self.store.get("notebooks", p["identifier"], p["domainIdentifier"])
        if notebook is None:
            return {}
        runs = (self.store.get("runs", r) for r in self.store.latest_run_ids(notebook["id"]))
        if any(run is not None and run["status"] in ("QUEUED", *ACTIVE) for run in runs):
            raise conflict(f"Notebook {notebook['id']} has a run that has not ended.")
        if notebook["status"] == "SYNC_IN_PROGRESS":
            raise conflict(f"Notebook {notebook['id']} is being imported or synced.")
        self.store.delete("notebooks", notebook["id"])
        self.content_path(notebook["id"]).unlink(missing_ok=True)
        self.log.info("Notebook %s deleted", notebook["id"])
        return {}

    @staticmethod
    def _source_uri(p: Params) -> str:
        source = p["sourceLocation"]
        if source.get("s3"):
            return str(source["s3"])
        files = source["s3Files"]
        keys = [f["key"] for f in files["fileList"]]
        key = next((k for k in keys if k.endswith(".ipynb")), keys[0])
        return f"s3://{files['bucket']}/{key}"

    def StartNotebookImport(self, p: Params, operation: str = "StartNotebookImport") -> Record:
        uri = self._source_uri(p)
        # The service's documentation: an import without a type is a DATA notebook.
        record = self._new_notebook({"type": "DATA", **p}, "SYNC_IN_PROGRESS", _sourceUri=uri)
        record, created = self.store.create("notebooks", record, token_scope(p, operation))
        if created:
            self._submit(self._syncs, self._sync, record["id"], uri)
        return {"notebookId": record["id"], **record}

    def StartNotebookSync(self, p: Params) -> Record:
        if not p.get("notebookId"):
            if not p.get("name"):
                p = {**p, "name": split_uri(self._source_uri(p))[1].rsplit("/", 1)[-1]}
            imported = self.StartNotebookImport(p, "StartNotebookSync")
            return {**imported, "sourceLocation": p["sourceLocation"]}
        notebook = self._notebook_in(p, "notebookId")
        uri = self._source_uri(p)
        if not self.store.claim_token(token_scope(p, "StartNotebookSync"), notebook["id"]):
            # The same request again: answered, not applied again.
            return {"notebookId": notebook["id"], "sourceLocation": p["sourceLocation"], **notebook}
        changes: Record = {"status": "SYNC_IN_PROGRESS", "_sourceUri": uri, "error": None}
        for key in ("name", "description"):
            if p.get(key):
                changes[key] = p[key]
        record = self.store.update("notebooks", notebook["id"], changes) or notebook
        self._submit(self._syncs, self._sync, record["id"], uri)
        return {"notebookId": record["id"], "sourceLocation": p["sourceLocation"], **record}

    def _sync(self, notebook_id: str, uri: str) -> None:
        try:
            text = exporting.checked_notebook(self.s3.read(uri))
        except Exception as exc:
            message = exporting.describe(exc, "The source notebook could not be imported")
            self.store.update(
                "notebooks", notebook_id, {"status": "SYNC_FAILED", "error": {"message": message}}
            )
            self.log.info("Notebook %s: sync failed", notebook_id)
            return
        write_private(self.content_path(notebook_id), text)
        self.store.update("notebooks", notebook_id, {"status": "ACTIVE", "error": None})
        self.log.info("Notebook %s: synced", notebook_id)

    # -- runs ------------------------------------------------------------------------

    def StartNotebookRun(self, p: Params) -> Record:
        notebook = self._notebook_in(p, "notebookIdentifier")
        if notebook["status"] != "ACTIVE":
            raise conflict(
                f"Notebook {notebook['id']} is {notebook['status']}; a run needs it ACTIVE."
            )
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
                "projectS3Path": project_s3_path(
                    p["domainIdentifier"], p["owningProjectIdentifier"]
                )
            },
            "createdAt": stamp,
            "updatedAt": stamp,
            "createdBy": CREATED_BY,
        }
        for key in (
            "computeConfiguration",
            "networkConfiguration",
            "timeoutConfiguration",
            "notificationConfiguration",
            "triggerSource",
            "metadata",
            "parameters",
        ):
            if p.get(key) is not None:
                record[key] = p[key]
        # The run executes the content as it is now, even if a sync lands before it
        # leaves the queue; the copy exists before the scheduler can see the run.
        run_dir = self.runs_dir / record["id"]
        run_dir.mkdir(mode=DIR_MODE)
        # Created 0600 first: copyfile keeps the mode of a file it overwrites.
        touch_private(run_dir / "input.ipynb")
        shutil.copyfile(self.content_path(notebook["id"]), run_dir / "input.ipynb")
        _snapshot_environment(notebook, record, run_dir)
        try:
            record, created = self.store.create("runs", record, token_scope(p, "StartNotebookRun"))
        except SageRunError:
            shutil.rmtree(run_dir, ignore_errors=True)
            raise
        if created:
            self.scheduler.wake()
            self.log.info("Run %s queued for notebook %s", record["id"], notebook["id"])
        else:
            shutil.rmtree(run_dir, ignore_errors=True)
        return record

    def publish_result(self, run_id: str) -> None:
        """Copy a run's executed notebook to its results directory in S3, stamped with
        its run id; a run that left none (stopped before it started) has none there."""
        run = self.store.get("runs", run_id)
        output = self.runs_dir / run_id / "output.ipynb"
        path = ((run or {}).get("storageConfiguration") or {}).get("projectS3Path")
        if run is None or not path or not output.is_file():
            return
        try:
            content = json.loads(output.read_text(encoding="utf-8"))
            data, _, mime = rendering.render(content, run_id, "IPYNB")
            prefix = run_results_prefix(path, run["notebookId"], run_id)
            self.s3.write(prefix + RESULT_NOTEBOOK, data, mime)
        except Exception as exc:
            # The run's end is recorded anyway; the service falls back to an export.
            self.log.warning("Run %s: results not written (%s)", run_id, type(exc).__name__)

    def GetNotebookRun(self, p: Params) -> Record:
        return self._find("runs", p["identifier"], p["domainIdentifier"], "Notebook run")

    def ListNotebookRuns(self, p: Params) -> Record:
        filters = {
            column: p[key]
            for key, column in (
                ("notebookIdentifier", "notebook_id"),
                ("status", "status"),
                ("scheduleIdentifier", "schedule_id"),
            )
            if p.get(key)
        }
        return self._page("runs", p, filters, "seq")

    def StopNotebookRun(self, p: Params) -> Record:
        """Stop a run. One already STOPPING comes back unchanged; one that has ended is
        a ConflictException, as the model allows (the REST stop shows it as ended)."""
        run = self.GetNotebookRun(p)
        stamp = now()
        if run["status"] == "QUEUED":
            stopped = self.store.update(
                "runs", run["id"], {"status": "STOPPED", "completedAt": stamp}, ["QUEUED"]
            )
            if stopped is not None:
                return stopped
            run = self.GetNotebookRun(p)
        if run["status"] in ("STARTING", "RUNNING"):
            stopping = self.store.update(
                "runs", run["id"], {"status": "STOPPING"}, ["STARTING", "RUNNING"]
            )
            if stopping is not None:
                self.scheduler.wake()
                return stopping
            run = self.GetNotebookRun(p)
        if run["status"] in TERMINAL:
            raise conflict(f"Notebook run {run['id']} has already ended ({run['status']}).")
        return run

    # -- exports ---------------------------------------------------------------------

    def StartNotebookExport(self, p: Params) -> Record:
        notebook = self._notebook_in(p, "notebookIdentifier")
        record: Record = {
            "id": new_id(),
            "domainId": p["domainIdentifier"],
            "owningProjectId": p["owningProjectIdentifier"],
            "notebookId": notebook["id"],
            "fileFormat": p["fileFormat"],
            "status": "IN_PROGRESS",
            "createdAt": now(),
            "createdBy": CREATED_BY,
        }
        record, created = self.store.create(
            "exports", record, token_scope(p, "StartNotebookExport")
        )
        if created:
            self._submit(self._exports, self._export, record["id"])
        return record

    def GetNotebookExport(self, p: Params) -> Record:
        return self._find("exports", p["identifier"], p["domainIdentifier"], "Notebook export")

    def _export(self, export_id: str) -> None:
        record = self.store.get("exports", export_id)
        if record is None:
            return
        notebook = self.store.get("notebooks", record["notebookId"]) or {}
        try:
            content, run_id = self._latest_output(record["notebookId"])
            data, suffix, mime = rendering.render(content, run_id, record["fileFormat"])
            name = exporting.safe_name(str(notebook.get("name") or record["notebookId"]))
            uri = f"{self.s3.staging_s3_uri}exports/{export_id}/{name}{suffix}"
            self.s3.write(uri, data, mime)
        except Exception as exc:
            message = exporting.describe(exc, "The export failed")
            self.store.update(
                "exports",
                export_id,
                {"status": "FAILED", "error": {"message": message}, "completedAt": now()},
            )
            self.log.info("Export %s failed", export_id)
            return
        self.store.update(
            "exports",
            export_id,
            {"status": "SUCCEEDED", "outputLocation": {"s3": {"uri": uri}}, "completedAt": now()},
        )

    def _latest_output(self, notebook_id: str) -> tuple[dict[str, Any], str | None]:
        """The executed notebook of the newest ended run that left one, else the
        notebook's own content."""
        for run_id in self.store.latest_run_ids(notebook_id):
            run = self.store.get("runs", run_id)
            output = self.runs_dir / run_id / "output.ipynb"
            if run is not None and run["status"] in TERMINAL and output.is_file():
                try:
                    return json.loads(output.read_text(encoding="utf-8")), run_id
                except ValueError:
                    continue
        return json.loads(self.content_path(notebook_id).read_text(encoding="utf-8")), None


def _snapshot_environment(notebook: Record, run: Record, run_dir: Path) -> None:
    """The run keeps the notebook's environment configuration as it is now: an
    UpdateNotebook for the next run must not change the packages of this one."""
    configuration = notebook.get("environmentConfiguration")
    if configuration:
        run["environmentConfiguration"] = configuration
        write_private(run_dir / package_envs.RUN_FILE, json.dumps(configuration))
