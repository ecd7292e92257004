"""Whether some bytes are a Jupyter notebook: THE check, used wherever notebook content
arrives from outside (a file the browser names in the workspace, an object the local
backend imports from S3), so both refuse the same things with the same reasons.

A reason never quotes the content (it may hold secrets): it says what is wrong only.
nbformat is imported on first use, so importing this module stays cheap.
"""

from __future__ import annotations

import json


class NotANotebook(ValueError):
    """Why content is not a notebook; its text reads after the thing's name ("path
    is not a notebook: ..."), so each caller says which thing it checked."""


def check_notebook(content: bytes) -> None:
    """Return if ``content`` is a valid notebook (any nbformat version); else raise
    ``NotANotebook``."""
    import nbformat

    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise NotANotebook("is not a notebook: its content is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
        raise NotANotebook("is not a notebook: it has no nbformat version")
    cells = data.get("cells")
    if data.get("nbformat_minor", 0) >= 5 and isinstance(cells, list):
        # Many tools still write 4.5 notebooks without cell ids; nbformat would warn
        # on stderr for each run. Papermill adds them; for the check, so do we (on
        # this parsed copy only: the content itself is left as it is).
        for index, cell in enumerate(cells):
            if isinstance(cell, dict) and "id" not in cell:
                cell["id"] = f"sagerun-check-{index}"
    try:
        # nbformat.reads would only log a schema failure (with content in the log);
        # validating the dict ourselves turns it into a refusal that quotes nothing.
        nbformat.validate(nbformat.from_dict(data))  # type: ignore[no-untyped-call]
    except Exception:
        raise NotANotebook(
            "is not a valid notebook (it does not follow the nbformat schema)"
        ) from None
