"""``--output PATH``: the executed notebook of a run, written where the user said.

``RunService.export_output`` exports and downloads a run's result into a workspace,
next to its source. The command wants the bytes at a path of its choosing and nothing
left beside the user's notebook, so it points a second ``RunService`` (same gateway,
context and syncer: the same workflow, not a copy of it) at a scratch directory as its
workspace, and moves the result from there.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from ..errors import FieldError, validation_error
from ..service import RunService

FIELD = "output"


def check_target(path: str, force: bool) -> str:
    """``path`` made absolute, or a 400 when it may not be written."""
    full = os.path.abspath(path)
    if os.path.isdir(full):
        raise validation_error([FieldError(FIELD, f"{path} is a directory")])
    if os.path.lexists(full) and not force:
        raise validation_error([FieldError(FIELD, f"{path} exists; pass --force to overwrite it")])
    if not os.path.isdir(os.path.dirname(full)):
        raise validation_error([FieldError(FIELD, "its directory does not exist")])
    return full


def download_output(service: RunService, run_id: str, target: str) -> None:
    with tempfile.TemporaryDirectory(prefix="sagerun-output-") as scratch:
        exporter = RunService(
            service.gateway, service.context_provider, service.syncer, scratch, logger=service.log
        )
        rel_path = exporter.export_output(run_id, "IPYNB")["path"]
        with open(os.path.join(scratch, *rel_path.split("/")), "rb") as handle:
            data = handle.read()
    folder = os.path.dirname(target)
    # Write then rename: an interrupted download never leaves half a notebook at PATH.
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".sagerun-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
