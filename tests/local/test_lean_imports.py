"""The backend's runners go without jsonschema's IRI grammar (core/lean_imports.py): a real
cold runner executes a real notebook with papermill and never imports it, while a plain
import of papermill in the same environment does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from testkit.notebooks import notebook_bytes

#: The module whose import builds the grammar. ``-X importtime`` also lists a refused
#: import (``rfc3987_syntax`` itself, a few microseconds), so the test names this one.
SLOW = "rfc3987_syntax.syntax_helpers"


def _imports(stderr: str) -> set[str]:
    """The modules ``python -X importtime`` reported importing."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def test_papermill_alone_imports_the_iri_grammar() -> None:
    # The control: without our runner's care, importing papermill pulls the grammar in
    # (through nbformat and jsonschema), so the test below can fail.
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import papermill"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert SLOW in _imports(done.stderr)


def test_a_runner_runs_its_notebook_without_the_iri_grammar(tmp_path: Path) -> None:
    run_dir, workdir = tmp_path / "run", tmp_path / "work"
    run_dir.mkdir()
    workdir.mkdir()
    (run_dir / "input.ipynb").write_bytes(notebook_bytes("x = 21", "print(x * 2)"))
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "jupyter_sagerun.local.runner",
            str(run_dir),
            f"--workdir={workdir}",
            "--log-level=WARNING",
        ],
        input="{}",
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = json.loads((run_dir / "result.json").read_text())
    assert (done.returncode, result["status"]) == (0, "SUCCEEDED"), done.stderr[-2000:]
    imported = _imports(done.stderr)
    assert {"papermill", "nbformat", "jsonschema"} <= imported
    assert SLOW not in imported
    output = json.loads((run_dir / "output.ipynb").read_text())
    assert "42" in "".join(output["cells"][1]["outputs"][0]["text"])
