"""Where a run's own result is, and how a PDF is made of it.

GetNotebookRun's ``storageConfiguration.projectS3Path`` names the project's S3 path;
each run's artifacts live under ``<projectS3Path>/.sys/notebooks/<notebookId>/runs/
<runId>/`` (where Airflow's SMUS notebook hook reads a run's ``notebook_outputs.json``).
The executed notebook there, when the service left one, is this run's result and
nobody else's; StartNotebookExport, which takes a notebook and not a run, is only the
fallback (see ``RunService._export``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .errors import SageRunError

#: Where ``RESULT_NOTEBOOK`` is in a run's results directory (the local backend's name;
#: no public client names the executed notebook's file there).
RESULT_NOTEBOOK = "output.ipynb"

TERMINAL = ("SUCCEEDED", "FAILED", "STOPPED")

#: What ``export_output`` says its file is.
FROM_RUN = "run"
FROM_LATEST_EXPORT = "latestExport"


def run_results_prefix(project_s3_path: str, notebook_id: str, run_id: str) -> str:
    """The run's results directory (ends with ``/``)."""
    return f"{project_s3_path.rstrip('/')}/.sys/notebooks/{notebook_id}/runs/{run_id}/"


def run_result_uri(run: Mapping[str, Any]) -> str | None:
    """The S3 URI of the run's executed notebook, or None when the run names no
    project S3 path."""
    storage = run.get("storageConfiguration") or {}
    path = storage.get("projectS3Path") if isinstance(storage, Mapping) else None
    if not isinstance(path, str) or not path.startswith("s3://"):
        return None
    prefix = run_results_prefix(path, str(run.get("notebookId")), str(run.get("id")))
    return prefix + RESULT_NOTEBOOK


def can_render_pdf() -> bool:
    """Whether this machine can print a notebook as PDF (a Chromium on PATH)."""
    from .rendering import find_browser

    return find_browser() is not None


def render_pdf(notebook: bytes, run_id: str) -> bytes:
    """The PDF of an executed notebook, printed the way the local backend prints its
    exports (nbconvert's HTML, headless Chromium)."""
    from .rendering import render

    return render(json.loads(notebook.decode("utf-8")), run_id, "PDF")[0]


def check_has_result(run_id: str, run: Mapping[str, Any]) -> None:
    status = run.get("status")
    if status not in TERMINAL:
        raise SageRunError(
            409,
            "ConflictException",
            f"Run {run_id} is {status}; its result can be opened once it has ended.",
            retryable=True,
        )
    if not run.get("startedAt"):
        # Stopped while queued, or failed before a kernel started: nothing ran.
        raise SageRunError(
            404,
            "ResourceNotFoundException",
            f"Run {run_id} never started ({status}), so it has no result.",
        )


def not_latest(run_id: str, newer: str) -> SageRunError:
    return SageRunError(
        409,
        "ConflictException",
        f"The service only exports the latest run of a notebook, and run {newer} ended after"
        f" run {run_id}: the result of run {run_id} can no longer be exported.",
    )


def check_stamp(run_id: str, data: bytes) -> None:
    """Refuse an export stamped with another run's id (``metadata.sagerun.runId``, which
    the local backend writes); an unstamped export is taken as it is."""
    try:
        notebook = json.loads(data.decode("utf-8"))
        stamp = notebook.get("metadata", {}).get("sagerun", {}).get("runId")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return
    if isinstance(stamp, str) and stamp != run_id:
        raise not_latest(run_id, stamp)
