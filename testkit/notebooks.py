"""Notebooks the tests run, and what their executed copies printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from jupyter_sagerun.local import LocalBackend


def notebook_bytes(*cells: str, parameters: str | None = None) -> bytes:
    """A python3 notebook: an optional papermill-tagged parameters cell, then ``cells``."""
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if parameters is not None:
        cell = nbformat.v4.new_code_cell(parameters)  # type: ignore[no-untyped-call]
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in cells)  # type: ignore[no-untyped-call]
    return str(nbformat.writes(nb)).encode("utf-8")  # type: ignore[no-untyped-call]


def write_notebook(root: Path, name: str, *cells: str, parameters: str | None = None) -> Path:
    """``notebook_bytes`` written at ``root/name`` (folders made as needed)."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(notebook_bytes(*cells, parameters=parameters))
    return path


def pid_file_notebook(seconds: int) -> bytes:
    """A notebook whose kernel writes its pid to the ``pidfile`` parameter, then sleeps
    ``seconds`` (see ``waiting.wait_for_pid``)."""
    return notebook_bytes(
        "import os, pathlib, time\n"
        "pathlib.Path(pidfile).write_text(str(os.getpid()))\n"
        f"time.sleep({seconds})",
        parameters="pidfile = ''",
    )


def printed(notebook: Path) -> str:
    """Everything the cells of an executed notebook printed (stream outputs)."""
    cells = json.loads(notebook.read_text())["cells"]
    return "".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))


def run_printed(backend: LocalBackend, run_id: str) -> str:
    """What a run of ``backend`` printed, from its executed notebook."""
    return printed(Path(backend.state_dir) / "runs" / run_id / "output.ipynb")


def cell_text(output_nb: dict[str, Any]) -> str:
    """Everything the executed cells printed or returned."""
    parts = []
    for cell in output_nb["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain") or ""
            parts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(parts)
