"""``--output PATH``: the executed notebook (or PDF) of a run, written where the user said.

``RunService.export_result`` is the same export as the REST route's (same checks that
the export is of this run), but hands back the bytes instead of writing them next to
the source: the command writes them at the path the user chose and nowhere else.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile

from ..core.errors import FieldError, validation_error
from ..core.results import FROM_LATEST_EXPORT
from ..runs.service import RunService
from .base import EXIT_OK, CommandApp

FIELD = "output"
#: --format choices → DataZone fileFormat.
FORMATS = {"ipynb": "IPYNB", "pdf": "PDF"}


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


def download_output(service: RunService, run_id: str, target: str, fmt: str = "ipynb") -> str:
    """Write the run's result at ``target``; say what it is (``results.FROM_*``)."""
    data, origin = service.export_result(run_id, FORMATS[fmt])
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
    return origin


def written(run_id: str, target: str, origin: str) -> str:
    """The line that tells where the result went, and when it is the notebook's latest
    export rather than the run's own result."""
    note = " (the notebook's latest export)" if origin == FROM_LATEST_EXPORT else ""
    return f"Result of run {run_id} written to {target}{note}"


class OutputApp(CommandApp):
    """``jupyter sagerun output RUN_ID PATH``: the result of a run that already ended."""

    name = "jupyter-sagerun-output"
    description = "Download the result of an ended run to PATH (ipynb, or --format pdf)."
    command = "jupyter sagerun output"

    def build_parser(self) -> argparse.ArgumentParser:
        p = self.new_parser(self.description)
        p.add_argument("run_id", metavar="RUN_ID")
        p.add_argument("path", metavar="PATH", help="where to write the result")
        p.add_argument("--format", choices=sorted(FORMATS), default="ipynb")
        p.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
        return p

    def run_command(self) -> int:
        a = self.args
        target = check_target(a.path, a.force)
        service = self.make_service(self.configured_root() or os.getcwd())
        origin = download_output(service, a.run_id, target, a.format)
        print(written(a.run_id, target, origin), file=sys.stderr)
        return EXIT_OK
