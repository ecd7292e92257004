"""Notebook content in and out of the local backend: checking what an import brings,
and rendering what an export sends back."""

from __future__ import annotations

import json
import re
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


def _pdf(notebook: Any) -> bytes:
    """PDF through nbconvert's webpdf (needs playwright) or pdf (needs xelatex)."""
    from nbconvert import PDFExporter, WebPDFExporter

    reasons = []
    exporters: tuple[Any, ...] = (WebPDFExporter, PDFExporter)
    for exporter in exporters:
        try:
            body, _ = exporter().from_notebook_node(notebook)
            data: bytes = body if isinstance(body, bytes) else body.encode()
            return data
        except Exception as exc:
            reasons.append(f"{exporter.__name__}: {type(exc).__name__}")
    raise RuntimeError(
        "PDF export needs nbconvert's webpdf (playwright) or pdf (xelatex) exporter;"
        " neither works here (" + "; ".join(reasons) + ")"
    )
