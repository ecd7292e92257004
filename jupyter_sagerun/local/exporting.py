"""Notebook content in and out of the local backend: what an import brings is checked
here; what an export sends back is rendered by ``jupyter_sagerun.core.rendering``."""

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
