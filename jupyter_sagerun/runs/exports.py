"""A notebook export followed to its end: the check that the latest export is this
run's, and the wait for the export's output file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..core.errors import SageRunError
from ..core.polling import poll_until
from ..core.results import TERMINAL, not_latest
from .context import RunContext

Call = Callable[[RunContext, str, Mapping[str, Any]], dict[str, Any]]
EXPORT_DEADLINE = 300.0


def check_latest(call: Call, ctx: RunContext, run_id: str, run: Mapping[str, Any]) -> None:
    """Refuse when a newer run of the notebook has ended: the notebook's latest export
    would be that run's output, not this one's."""
    params = {
        "domainIdentifier": ctx.domain_id,
        "owningProjectIdentifier": run.get("owningProjectId") or ctx.project_id,
        "notebookIdentifier": run.get("notebookId"),
        "maxResults": 50,
        "sortOrder": "DESCENDING",
    }
    newer = None
    for item in call(ctx, "ListNotebookRuns", params).get("items", []):
        if item.get("id") == run_id:
            break
        if item.get("status") in TERMINAL and item.get("startedAt"):
            newer = item.get("id")
    if newer is not None:
        raise not_latest(run_id, str(newer))


def wait_export(call: Call, ctx: RunContext, export_id: str, interval: float) -> str:
    params = {"domainIdentifier": ctx.domain_id, "identifier": export_id}

    def probe() -> str | None:
        export = call(ctx, "GetNotebookExport", params)
        status = export.get("status")
        if status == "SUCCEEDED":
            uri = ((export.get("outputLocation") or {}).get("s3") or {}).get("uri")
            if not uri:
                raise SageRunError(502, "UpstreamError", "The export named no output file.")
            return str(uri)
        if status == "FAILED":
            reason = (export.get("error") or {}).get("message") or "no reason given"
            raise SageRunError(502, "UpstreamError", f"The export failed: {reason}")
        return None

    uri = poll_until(
        probe,
        timeout=EXPORT_DEADLINE,
        interval=interval,
        max_interval=2.0,
        factor=1.5,
    )
    if uri is None:
        raise SageRunError(
            504, "UpstreamTimeout", "The export did not finish in time.", retryable=True
        )
    return uri
