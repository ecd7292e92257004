"""A notebook rendered as the file a user asked for: IPYNB, or PDF printed by a
headless Chromium already on the machine.

Shared by the local backend's exports and the server's "result of this run" path
(``results.py``), which prints a run's own executed notebook where no export exists
for it; so it lives beside both, in no backend.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import nbformat as _nbformat

# nbformat ships no type hints.
nbf: Any = _nbformat


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
