"""Notebook content in and out of the local backend: what an import brings is checked
here (by the one notebook check, ``core.notebook_check``); what an export sends back
is rendered by ``core.rendering`` and named here; a failure's reason is worded here."""

from __future__ import annotations

import re
from typing import Any

import nbformat as _nbformat

from ..core.notebook_check import NotANotebook, check_notebook

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
        check_notebook(data)
    except NotANotebook as exc:
        raise ValueError(f"the object {exc}") from None
    # reads() upgrades older formats and normalizes the cells, as Jupyter would.
    notebook = nbf.reads(data.decode("utf-8"), as_version=4)
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
