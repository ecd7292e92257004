"""The runs of a workspace file that has had several SMUS notebooks.

A refused sync remaps a path to a newly imported notebook (sync.py); the file's runs
are then the runs of each of its notebook ids. ListNotebookRuns takes one notebook,
so a page walks the ids in turn (the current one first: its runs are the newest),
and its nextToken says where it stopped: which id, and that id's own nextToken.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from typing import Any

from ..core.errors import FieldError, validation_error

Call = Callable[[Mapping[str, Any]], dict[str, Any]]
_PREFIX = "ids."


def _encode(index: int, inner: str | None) -> str:
    raw = json.dumps([index, inner]).encode("utf-8")
    return _PREFIX + base64.urlsafe_b64encode(raw).decode("ascii")


def _decode(token: str, count: int) -> tuple[int, str | None]:
    try:
        if not token.startswith(_PREFIX):
            raise ValueError
        index, inner = json.loads(base64.urlsafe_b64decode(token[len(_PREFIX) :]))
        if not isinstance(index, int) or not 0 <= index < count:
            raise ValueError
        if inner is not None and not isinstance(inner, str):
            raise ValueError
    except (ValueError, TypeError, binascii.Error):
        raise validation_error([FieldError("nextToken", "is not a token of this list")]) from None
    return index, inner


def list_runs_of(
    call: Call, params: Mapping[str, Any], notebook_ids: list[str], limit: int
) -> dict[str, Any]:
    """One page (at most ``limit`` runs) of the runs of ``notebook_ids``."""
    token = params.get("nextToken")
    index, inner = _decode(str(token), len(notebook_ids)) if token else (0, None)
    items: list[dict[str, Any]] = []
    while index < len(notebook_ids) and len(items) < limit:
        page = {
            **{k: v for k, v in params.items() if k != "nextToken"},
            "notebookIdentifier": notebook_ids[index],
            "maxResults": limit - len(items),
        }
        if inner:
            page["nextToken"] = inner
        answer = call(page)
        items.extend(answer.get("items", []))
        inner = answer.get("nextToken")
        if not inner:
            index += 1
    more = index < len(notebook_ids)
    return {"items": items, "nextToken": _encode(index, inner) if more else None}
