"""The run workflow: check, sync, start, follow, stop, fetch the result.

Blocking and synchronous; handlers call it from a thread pool. It imports neither
tornado nor boto3: AWS is behind the gateway, the workspace behind a root directory,
and where a run goes behind the context provider, so each can be swapped in tests.
It never asks which backend it talks to.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ..aws.validation import CheckedRequest, checked
from ..core.errors import FieldError, SageRunError, validation_error
from ..core.results import (
    FROM_LATEST_EXPORT,
    FROM_RUN,
    TERMINAL,
    can_render_pdf,
    check_has_result,
    check_stamp,
    render_pdf,
    run_result_uri,
)
from ..core.runjson import notebook_json, owner_ids, run_json
from ..core.schedule_expressions import schedule_identifier
from . import environment
from .context import RunContext
from .exports import check_latest, wait_export
from .models import (
    ListRunsQuery,
    NotebooksQuery,
    StartRunBody,
    checked_run_request,
    rest_named,
)
from .pathruns import list_runs_of
from .sync import Gateway as SyncGateway
from .sync import NotebookSyncer
from .workspace import MAX_NOTEBOOK_BYTES, Workspace

log = logging.getLogger(__name__)

ContextProvider = Callable[[str | None, str | None], RunContext]

# Passes the identifier pattern while the real id is not known yet (path runs).
_PENDING_NOTEBOOK = "pending-sync"


class Gateway(SyncGateway, Protocol):
    def get_object(self, target: Any, uri: str) -> bytes: ...


class RunService:
    def __init__(
        self,
        gateway: Gateway,
        context_provider: ContextProvider,
        syncer: NotebookSyncer,
        contents_root: str,
        *,
        max_notebook_bytes: int = MAX_NOTEBOOK_BYTES,
        allow_hidden: bool = False,
        export_poll_interval: float = 0.2,
        logger: logging.Logger | None = None,
    ) -> None:
        # The app passes its own logger so that these lines land in the server's log.
        self.log = logger or log
        self.gateway = gateway
        self.context_provider = context_provider
        self.syncer = syncer
        self.workspace = Workspace(contents_root, max_notebook_bytes, allow_hidden)
        self.export_poll_interval = export_poll_interval
        self.environments = environment.EnvironmentSetter(self._call)

    # context and notebooks

    def context(self, domain_id: str | None = None, project_id: str | None = None) -> RunContext:
        return self.context_provider(domain_id, project_id)

    def get_context(
        self, domain_id: str | None = None, project_id: str | None = None
    ) -> dict[str, Any]:
        return self.context(domain_id, project_id).to_json()

    def list_notebooks(self, query: NotebooksQuery) -> dict[str, Any]:
        ctx = self.context(query.domainId, query.projectId)
        params = _drop_none(
            {
                "domainIdentifier": ctx.domain_id,
                "owningProjectIdentifier": ctx.project_id,
                "maxResults": query.maxResults,
                "nextToken": query.nextToken,
            }
        )
        answer = self._call(ctx, "ListNotebooks", params)
        items = [
            notebook_json(item, self.syncer.path_for(*_owner(item, ctx), str(item.get("id"))))
            for item in answer.get("items", [])
        ]
        return {"items": items, "nextToken": answer.get("nextToken")}

    # runs

    def start_run(self, body: StartRunBody) -> dict[str, Any]:
        ctx = self.context(body.domainId, body.projectId)
        params: dict[str, Any] = _drop_none(
            {
                "domainIdentifier": ctx.domain_id,
                "owningProjectIdentifier": ctx.project_id,
                "notebookIdentifier": body.notebookId or _PENDING_NOTEBOOK,
                "clientToken": body.clientToken or str(uuid.uuid4()),
                **body.run_settings(),
            }
        )
        # The run request's one check against the model, before anything is uploaded
        # or imported, every problem reported together.
        request, problems = checked_run_request(params, body.environmentConfiguration)
        if (body.path is None) == (body.notebookId is None):
            message = "give exactly one of path and notebookId"
            problems += [FieldError("path", message), FieldError("notebookId", message)]
        notebook = None
        if body.path is not None:
            try:
                notebook = self.workspace.notebook(body.path)
            except SageRunError as exc:
                # A missing file alone is a 404; mixed with other problems, one 400.
                if not problems:
                    raise
                problems += exc.fields
        if problems or request is None:
            raise validation_error(problems)

        rel_path = None
        if notebook is not None:
            rel_path = notebook.rel_path
            with rest_named():
                # The checked placeholder becomes the id DataZone gave the notebook.
                request["notebookIdentifier"] = self.syncer.ensure_synced(
                    ctx,
                    notebook.abs_path,
                    notebook.rel_path,
                    notebook.content,
                    request_token=request["clientToken"],
                    sha256=notebook.sha256,
                )
        started = time.monotonic()
        notebook_id = request["notebookIdentifier"]
        with (
            self.environments.prepared(
                ctx, notebook_id, body.environmentConfiguration, request["clientToken"]
            ),
            rest_named(),
        ):
            raw = self.gateway.call(ctx.target, "StartNotebookRun", request)
        self.log.info(
            "SageRun: run %s of notebook %s started in %.0f ms",
            raw.get("id"),
            notebook_id,
            (time.monotonic() - started) * 1000,
        )
        if rel_path is None:
            owner = owner_ids(raw, ctx.domain_id, ctx.project_id)
            rel_path = self.syncer.path_for(*owner, notebook_id)
        return run_json(raw, path=rel_path, full=True)

    def list_runs(self, query: ListRunsQuery) -> dict[str, Any]:
        ctx = self.context(query.domainId, query.projectId)
        notebook_id = query.notebookId
        rel_path = None
        if query.path is not None:
            if notebook_id is not None:
                message = "give at most one of path and notebookId"
                raise validation_error(
                    [FieldError("path", message), FieldError("notebookId", message)]
                )
            rel_path = self.workspace.normalize(query.path)
        # Checked before the lookup below: a bad status or page size is a 400 even for
        # a notebook never run from here, not an empty list.
        params = self._checked(
            "ListNotebookRuns",
            {
                "domainIdentifier": ctx.domain_id,
                "owningProjectIdentifier": ctx.project_id,
                "notebookIdentifier": _PENDING_NOTEBOOK if rel_path is not None else notebook_id,
                "status": query.status,
                "scheduleIdentifier": (
                    schedule_identifier(query.scheduleId) if query.scheduleId else None
                ),
                "maxResults": query.maxResults,
                "nextToken": query.nextToken,
                "sortOrder": "DESCENDING",
            },
        )
        if rel_path is not None:
            ids = self.syncer.notebook_ids(str(ctx.domain_id), str(ctx.project_id), rel_path)
            if not ids:
                # Never run from here, so no run of it can exist.
                return {"items": [], "nextToken": None}
            params["notebookIdentifier"] = ids[0]
        if rel_path is not None and len(ids) > 1:
            answer = list_runs_of(
                lambda page: self._call(ctx, "ListNotebookRuns", page),
                params,
                ids,
                query.maxResults or 50,
            )
        else:
            answer = self._call(ctx, "ListNotebookRuns", params)
        paths: dict[str, str | None] = {}
        items = []
        for item in answer.get("items", []):
            nb = str(item.get("notebookId"))
            if nb not in paths:
                paths[nb] = self.syncer.path_for(*_owner(item, ctx), nb)
            items.append(run_json(item, path=paths[nb], full=False))
        return {"items": items, "nextToken": answer.get("nextToken")}

    def get_run(
        self,
        run_id: str,
        *,
        domain_id: str | None = None,
        project_id: str | None = None,
        reveal_parameters: bool = False,
    ) -> dict[str, Any]:
        ctx, raw = self._get_raw(run_id, domain_id, project_id)
        path = self.syncer.path_for(*_owner(raw, ctx), str(raw.get("notebookId")))
        return run_json(raw, path=path, full=True, reveal=reveal_parameters)

    def stop_run(
        self, run_id: str, *, domain_id: str | None = None, project_id: str | None = None
    ) -> dict[str, Any]:
        ctx = self.context(domain_id, project_id)
        params = {"domainIdentifier": ctx.domain_id, "identifier": run_id}
        try:
            self._call(ctx, "StopNotebookRun", params)
        except SageRunError as exc:
            # DataZone may refuse to stop a run that has ended (ConflictException) or
            # answer 200 with it: either way the run is shown as it ended.
            if exc.status != 409:
                raise
            run = self.get_run(run_id, domain_id=domain_id, project_id=project_id)
            if run.get("status") not in TERMINAL:
                raise
            self.log.info("SageRun: run %s had already ended", run_id)
            return run
        self.log.info("SageRun: stop requested for run %s", run_id)
        return self.get_run(run_id, domain_id=domain_id, project_id=project_id)

    def export_output(
        self,
        run_id: str,
        file_format: str = "IPYNB",
        *,
        domain_id: str | None = None,
        project_id: str | None = None,
    ) -> dict[str, Any]:
        """Export the run's notebook, download it next to its source, answer its path
        and whether it is the run's own result or the notebook's latest export."""
        ctx, run, data, origin = self._export(run_id, file_format, domain_id, project_id)
        notebook_id = str(run.get("notebookId"))
        source = self.syncer.path_for(*_owner(run, ctx), notebook_id)
        rel_path = self.workspace.write_output(source, notebook_id, run_id, file_format, data)
        self.log.info("SageRun: output of run %s saved (%d bytes)", run_id, len(data))
        return {"path": rel_path, "resultOf": origin}

    def export_result(
        self,
        run_id: str,
        file_format: str = "IPYNB",
        *,
        domain_id: str | None = None,
        project_id: str | None = None,
    ) -> tuple[bytes, str]:
        """The run's exported notebook (or PDF) as bytes, written nowhere (for callers
        such as the CLI's ``--output`` that choose their own destination), and what
        they are: ``run`` (the run's own result) or ``latestExport`` (the notebook's
        latest export, checked to be of this run)."""
        _, _, data, origin = self._export(run_id, file_format, domain_id, project_id)
        return data, origin

    def _export(
        self, run_id: str, file_format: str, domain_id: str | None, project_id: str | None
    ) -> tuple[RunContext, dict[str, Any], bytes, str]:
        ctx, run = self._get_raw(run_id, domain_id, project_id)
        check_has_result(run_id, run)
        own = self._own_result(ctx, run)
        if own is not None and file_format == "IPYNB":
            return ctx, run, own, FROM_RUN
        if own is not None and can_render_pdf():
            return ctx, run, render_pdf(own, run_id), FROM_RUN
        return (*self._latest_export(ctx, run_id, run, file_format), FROM_LATEST_EXPORT)

    def _own_result(self, ctx: RunContext, run: Mapping[str, Any]) -> bytes | None:
        """The executed notebook in the run's own results directory, if it is there."""
        uri = run_result_uri(run)
        if uri is None:
            return None
        try:
            return self.gateway.get_object(ctx.target, uri)
        except SageRunError as exc:
            # Absent (or not ours to read): the notebook's latest export is the fallback.
            if exc.status in (403, 404):
                return None
            raise

    def _latest_export(
        self, ctx: RunContext, run_id: str, run: dict[str, Any], file_format: str
    ) -> tuple[RunContext, dict[str, Any], bytes]:
        notebook_id = str(run.get("notebookId"))
        # StartNotebookExport takes a notebook, not a run: it exports the notebook's
        # latest result. Refuse rather than hand back a newer run's output as this one's.
        check_latest(self._call, ctx, run_id, run)
        params = {
            "domainIdentifier": ctx.domain_id,
            "owningProjectIdentifier": run.get("owningProjectId") or ctx.project_id,
            "notebookIdentifier": notebook_id,
            "fileFormat": file_format,
            "clientToken": f"output-{run_id}-{file_format}-{uuid.uuid4().hex[:8]}",
        }
        export = self._call(ctx, "StartNotebookExport", params)
        uri = wait_export(self._call, ctx, str(export.get("id")), self.export_poll_interval)
        data = self.gateway.get_object(ctx.target, uri)
        if file_format == "IPYNB":
            # A newer run may have ended between the check above and the export.
            check_stamp(run_id, data)
        return ctx, run, data

    # helpers

    def _get_raw(
        self, run_id: str, domain_id: str | None, project_id: str | None
    ) -> tuple[RunContext, dict[str, Any]]:
        ctx = self.context(domain_id, project_id)
        params = {"domainIdentifier": ctx.domain_id, "identifier": run_id}
        return ctx, self._call(ctx, "GetNotebookRun", params)

    def _checked(self, operation: str, params: Mapping[str, Any]) -> CheckedRequest:
        """``params`` (absent members left out) checked now, for a refusal that must
        come before a lookup; the gateway sends it without a second check."""
        with rest_named():
            return checked(operation, _drop_none(params))

    def _call(self, ctx: RunContext, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        # The gateway checks every request against the model; its refusal names
        # DataZone's members, which our clients know under their REST names.
        with rest_named():
            return self.gateway.call(ctx.target, operation, params)


def _drop_none(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _owner(raw: Mapping[str, Any], ctx: RunContext) -> tuple[str, str]:
    return owner_ids(raw, ctx.domain_id, ctx.project_id)
