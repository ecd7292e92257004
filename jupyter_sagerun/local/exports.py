"""The notebook-export resource: start an export and read how it went.

An export is answered at once (``IN_PROGRESS``) and finished on an export worker: it
renders the executed notebook of the newest ended run (else the notebook's own
content) in the asked format and writes it to the local S3's staging area.
"""

from __future__ import annotations

import json
from typing import Any

from ..core import rendering
from . import content
from .records import CREATED_BY, find, new_id, notebook_in, token_scope
from .scheduler import TERMINAL
from .state import BackendState, Params, Table
from .store import Record, now


def start_notebook_export(state: BackendState, p: Params) -> Record:
    notebook = notebook_in(state, p, "notebookIdentifier")
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
    record, created = state.store.create("exports", record, token_scope(p, "StartNotebookExport"))
    if created:
        state.jobs.export(_export, state, record["id"])
    return record


def get_notebook_export(state: BackendState, p: Params) -> Record:
    return find(state, "exports", p["identifier"], p["domainIdentifier"], "Notebook export")


def _export(state: BackendState, export_id: str) -> None:
    record = state.store.get("exports", export_id)
    if record is None:
        return
    notebook = state.store.get("notebooks", record["notebookId"]) or {}
    try:
        executed, run_id = _latest_output(state, record["notebookId"])
        data, suffix, mime = rendering.render(executed, run_id, record["fileFormat"])
        name = content.safe_name(str(notebook.get("name") or record["notebookId"]))
        uri = f"{state.s3.staging_s3_uri}exports/{export_id}/{name}{suffix}"
        state.s3.write(uri, data, mime)
    except Exception as exc:
        message = content.describe(exc, "The export failed")
        state.store.update(
            "exports",
            export_id,
            {"status": "FAILED", "error": {"message": message}, "completedAt": now()},
        )
        state.log.info("Export %s failed", export_id)
        return
    state.store.update(
        "exports",
        export_id,
        {"status": "SUCCEEDED", "outputLocation": {"s3": {"uri": uri}}, "completedAt": now()},
    )


def _latest_output(state: BackendState, notebook_id: str) -> tuple[dict[str, Any], str | None]:
    """The executed notebook of the newest ended run that left one, else the
    notebook's own content."""
    for run_id in state.store.latest_run_ids(notebook_id):
        run = state.store.get("runs", run_id)
        output = state.runs_dir / run_id / "output.ipynb"
        if run is not None and run["status"] in TERMINAL and output.is_file():
            try:
                return json.loads(output.read_text(encoding="utf-8")), run_id
            except ValueError:
                continue
    return json.loads(state.content_path(notebook_id).read_text(encoding="utf-8")), None


def resume(state: BackendState) -> None:
    """Finish the exports an earlier backend left in progress."""
    for record in state.store.by_status("exports", ["IN_PROGRESS"]):
        state.jobs.export(_export, state, record["id"])


OPERATIONS: Table = {
    "StartNotebookExport": start_notebook_export,
    "GetNotebookExport": get_notebook_export,
}
