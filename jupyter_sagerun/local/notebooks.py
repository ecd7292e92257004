"""The notebook resource: create, read, update, list and delete notebooks, and import
or sync their content from S3.

An import or sync is answered at once (``SYNC_IN_PROGRESS``) and finished on the sync
worker, one notebook's syncs in the order they arrived, as the real service finishes
them asynchronously. A notebook's content lives in ``state.content_path(id)``.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import conflict
from . import content
from .private import write_private
from .records import CREATED_BY, find, new_id, notebook_in, page, token_scope
from .s3 import split_uri
from .scheduler import ACTIVE
from .state import BackendState, Params, Table
from .store import Record, now

#: What UpdateNotebook sets; the status is the backend's own (imports and syncs move it).
_UPDATABLE = (
    "name",
    "description",
    "type",
    "cellOrder",
    "metadata",
    "parameters",
    "environmentConfiguration",
)


def _new_notebook(p: Params, status: str, **extra: Any) -> Record:
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


def create_notebook(state: BackendState, p: Params) -> Record:
    record = _new_notebook(p, "ACTIVE", metadata=p.get("metadata"), parameters=p.get("parameters"))
    record, created = state.store.create("notebooks", record, token_scope(p, "CreateNotebook"))
    if created:
        write_private(state.content_path(record["id"]), content.empty_notebook())
    return record


def get_notebook(state: BackendState, p: Params) -> Record:
    return find(state, "notebooks", p["identifier"], p["domainIdentifier"], "Notebook")


def update_notebook(state: BackendState, p: Params) -> Record:
    """Set the members given; the status is not taken from the request."""
    notebook = get_notebook(state, p)
    if not state.store.claim_token(token_scope(p, "UpdateNotebook"), notebook["id"]):
        # The same request again: answered, not applied again (another request
        # with this token is a ConflictException naming clientToken).
        return notebook
    changes = {key: p[key] for key in _UPDATABLE if p.get(key) is not None}
    return state.store.update("notebooks", notebook["id"], changes) or notebook


def list_notebooks(state: BackendState, p: Params) -> Record:
    filters = {
        column: p[key]
        for key, column in (("status", "status"), ("type", "json_extract(data, '$.type')"))
        if p.get(key)
    }
    order = "updated_at" if p.get("sortBy") == "UPDATED_AT" else "created_at"
    return page(state, "notebooks", p, filters, order)


def delete_notebook(state: BackendState, p: Params) -> Record:
    """Delete a notebook and its content; its runs stay. The model lists no
    ResourceNotFoundException here: deleting what is not there answers 200."""
    notebook = state.store.get("notebooks", p["identifier"], p["domainIdentifier"])
    if notebook is None:
        return {}
    runs = (state.store.get("runs", r) for r in state.store.latest_run_ids(notebook["id"]))
    if any(run is not None and run["status"] in ("QUEUED", *ACTIVE) for run in runs):
        raise conflict(f"Notebook {notebook['id']} has a run that has not ended.")
    if notebook["status"] == "SYNC_IN_PROGRESS":
        raise conflict(f"Notebook {notebook['id']} is being imported or synced.")
    state.store.delete("notebooks", notebook["id"])
    state.content_path(notebook["id"]).unlink(missing_ok=True)
    state.log.info("Notebook %s deleted", notebook["id"])
    return {}


def _source_uri(p: Params) -> str:
    source = p["sourceLocation"]
    if source.get("s3"):
        return str(source["s3"])
    files = source["s3Files"]
    keys = [f["key"] for f in files["fileList"]]
    key = next((k for k in keys if k.endswith(".ipynb")), keys[0])
    return f"s3://{files['bucket']}/{key}"


def start_notebook_import(state: BackendState, p: Params) -> Record:
    return _import(state, p, "StartNotebookImport")


def _import(state: BackendState, p: Params, operation: str) -> Record:
    uri = _source_uri(p)
    # The service's documentation: an import without a type is a DATA notebook.
    record = _new_notebook({"type": "DATA", **p}, "SYNC_IN_PROGRESS", _sourceUri=uri)
    record, created = state.store.create("notebooks", record, token_scope(p, operation))
    if created:
        state.jobs.sync(_sync, state, record["id"], uri)
    return {"notebookId": record["id"], **record}


def start_notebook_sync(state: BackendState, p: Params) -> Record:
    """Sync a notebook's content from S3; without a ``notebookId``, import a new one."""
    if not p.get("notebookId"):
        if not p.get("name"):
            p = {**p, "name": split_uri(_source_uri(p))[1].rsplit("/", 1)[-1]}
        imported = _import(state, p, "StartNotebookSync")
        return {**imported, "sourceLocation": p["sourceLocation"]}
    notebook = notebook_in(state, p, "notebookId")
    uri = _source_uri(p)
    if not state.store.claim_token(token_scope(p, "StartNotebookSync"), notebook["id"]):
        # The same request again: answered, not applied again.
        return {"notebookId": notebook["id"], "sourceLocation": p["sourceLocation"], **notebook}
    changes: Record = {"status": "SYNC_IN_PROGRESS", "_sourceUri": uri, "error": None}
    for key in ("name", "description"):
        if p.get(key):
            changes[key] = p[key]
    record = state.store.update("notebooks", notebook["id"], changes) or notebook
    state.jobs.sync(_sync, state, record["id"], uri)
    return {"notebookId": record["id"], "sourceLocation": p["sourceLocation"], **record}


def _sync(state: BackendState, notebook_id: str, uri: str) -> None:
    try:
        text = content.checked_notebook(state.s3.read(uri))
    except Exception as exc:
        message = content.describe(exc, "The source notebook could not be imported")
        state.store.update(
            "notebooks", notebook_id, {"status": "SYNC_FAILED", "error": {"message": message}}
        )
        state.log.info("Notebook %s: sync failed", notebook_id)
        return
    write_private(state.content_path(notebook_id), text)
    state.store.update("notebooks", notebook_id, {"status": "ACTIVE", "error": None})
    state.log.info("Notebook %s: synced", notebook_id)


def resume(state: BackendState) -> None:
    """Finish the imports and syncs an earlier backend left in progress."""
    for record in state.store.by_status("notebooks", ["SYNC_IN_PROGRESS"]):
        if record.get("_sourceUri"):
            state.jobs.sync(_sync, state, record["id"], record["_sourceUri"])


OPERATIONS: Table = {
    "CreateNotebook": create_notebook,
    "GetNotebook": get_notebook,
    "UpdateNotebook": update_notebook,
    "ListNotebooks": list_notebooks,
    "DeleteNotebook": delete_notebook,
    "StartNotebookImport": start_notebook_import,
    "StartNotebookSync": start_notebook_sync,
}
