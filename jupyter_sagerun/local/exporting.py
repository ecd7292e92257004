"""Notebook content in and out of the local backend: checking what an import brings,
and rendering what an export sends back."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import nbformat as _nbformat

# nbformat ships no type hints.
nbf: Any = _nbformat

#: The longest error message the Notebook and NotebookExport shapes allow.
MAX_MESSAGE = 256


def empty_notebook() -> str:
    text: str = nbf.writes(nbf.v4.new_notebook())
    return text


def checked_notebook(data: bytes) -> str:
    """``data`` as notebook JSON text, or ValueError saying why it is not a notebook."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValueError("the object is not a notebook (not JSON)") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise ValueError("the object is not a notebook (no cells)")
    # reads() upgrades older formats and normalizes the cells, as Jupyter would.
    notebook = nbf.reads(json.dumps(raw), as_version=4)
    text: str = nbf.writes(notebook)
    return text


def describe(exc: BaseException, prefix: str) -> str:
    """A user-facing reason for ``exc``; botocore's errors by their code, so neither a
    URI nor a credential ends up in it."""
    code = getattr(exc, "response", {}).get("Error", {}).get("Code")
    reason = f"the S3 object could not be read ({code})" if code else str(exc)
    return f"{prefix}: {reason}"[:MAX_MESSAGE]


def safe_name(name: str) -> str:
    stem = name[:-6] if name.endswith(".ipynb") else name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "notebook"


def render(content: dict[str, Any], run_id: str | None, file_format: str) -> tuple[bytes, str, str]:
    """(bytes, file suffix, content type) of ``content`` exported as ``file_format``."""
    # reads() joins multi-line sources, which nbconvert's preprocessors expect.
    notebook = nbf.reads(json.dumps(content), as_version=4)
    if run_id is not None:
        notebook.metadata.setdefault("sagerun", {})["runId"] = run_id
    if file_format == "IPYNB":
        return nbf.writes(notebook).encode("utf-8"), ".ipynb", "application/x-ipynb+json"
    return _pdf(notebook), ".pdf", "application/pdf"


#: A Chromium or Chrome binary for PDF exports; else the first of BROWSERS on PATH.
BROWSER_ENV = "SAGERUN_PDF_BROWSER"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT = 120.0


def find_browser() -> str | None:
    named = os.environ.get(BROWSER_ENV)
    if named:
        return shutil.which(named)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def _pdf(notebook: Any) -> bytes:
    """PDF: nbconvert's HTML printed by a headless Chromium already on this machine.

    nbconvert's own routes need what a machine rarely has: webpdf needs the playwright
    package with its own downloaded browser, pdf needs xelatex. A system Chromium
    (Debian's ``chromium``) prints the same HTML that webpdf would."""
    from nbconvert import HTMLExporter

    browser = find_browser()
    if browser is None:
        raise RuntimeError(
            "PDF export needs Chromium or Chrome (e.g. apt-get install chromium), or "
            f"{BROWSER_ENV} naming one; none was found"
        )
    exporter: Any = HTMLExporter(embed_images=True)  # type: ignore[no-untyped-call]
    html: str = exporter.from_notebook_node(notebook)[0]
    with tempfile.TemporaryDirectory(prefix="sagerun-pdf-") as work:
        page, out = os.path.join(work, "notebook.html"), os.path.join(work, "notebook.pdf")
        with open(page, "w", encoding="utf-8") as handle:
            handle.write(html)
        command = [
            browser,
            "--headless",
            # The sandbox needs user namespaces that containers and CI often lack; the
            # page is our own rendering of the user's notebook, opened from a file.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={os.path.join(work, 'profile')}",
            f"--print-to-pdf={out}",
            Path(page).as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=PDF_TIMEOUT, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(
                f"the browser did not print the PDF in {PDF_TIMEOUT:.0f} s"
            ) from None
        if not os.path.isfile(out):
            raise RuntimeError(f"the browser printed no PDF (exit code {done.returncode})")
        with open(out, "rb") as handle:
            data = handle.read()
    if not data.startswith(b"%PDF"):
        raise RuntimeError("the browser's output is not a PDF")
    return data
