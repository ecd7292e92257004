"""DataZone answers → the JSON our REST API promises (docs/rest.md, "A run").

camelCase names as DataZone has them, ISO 8601 UTC timestamps, and parameter values
held back: a run carries ``parameterNames`` always and ``parameters`` only when the
request asked to reveal them, because they are secrets the model marks sensitive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from .run_members import REST_RUN

_TIMES = ("createdAt", "updatedAt", "startedAt", "completedAt")

#: The REST run's members shown as they are; ``run_json`` shapes the others: the
#: parameters (their names; values only when revealed), the error (its message) and the
#: times (ISO 8601).
_AS_THEY_ARE = tuple(name for name in REST_RUN if name not in ("parameters", "error", *_TIMES))
_NOTEBOOK_FIELDS = ("id", "name", "status", "owningProjectId", "domainId", "type", "description")


def iso(value: Any) -> str | None:
    """ISO 8601 in UTC with a ``Z``; botocore hands us datetimes, some fakes epochs."""
    if value is None:
        return None
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, timezone.utc)
    if not isinstance(value, datetime):
        return str(value)
    when: datetime = value
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(timezone.utc)
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    if when.microsecond:
        text += f".{when.microsecond // 1000:03d}"
    return text + "Z"


def _times(raw: Mapping[str, Any], out: dict[str, Any]) -> None:
    for name in _TIMES:
        if raw.get(name) is not None:
            out[name] = iso(raw[name])


def owner_ids(raw: Mapping[str, Any], domain_id: Any, project_id: Any) -> tuple[str, str]:
    """The (domain, project) a notebook or run belongs to: its own, else the asked ones
    (DataZone leaves them out of some answers)."""
    return (
        str(raw.get("domainId") or domain_id),
        str(raw.get("owningProjectId") or project_id),
    )


def run_json(
    raw: Mapping[str, Any], *, path: str | None, full: bool, reveal: bool = False
) -> dict[str, Any]:
    """A run (``full``) or a run summary (list items) as the REST API shows it: the
    members of ``REST_RUN`` it has, never the ones the model has beyond them."""
    out: dict[str, Any] = {name: raw[name] for name in _AS_THEY_ARE if raw.get(name) is not None}
    parameters = raw.get("parameters")
    if full or parameters is not None:
        out["parameterNames"] = sorted(parameters or {})
    if reveal and parameters is not None:
        out["parameters"] = dict(parameters)
    error = raw.get("error")
    if isinstance(error, Mapping) and error.get("message"):
        out["error"] = {"message": str(error["message"])}
    _times(raw, out)
    if path:
        out["path"] = path
    return out


def marked_in_workspace(answer: dict[str, Any], holds: Callable[[str], bool]) -> dict[str, Any]:
    """A run, or a run list's items, with ``inWorkspace``: whether the run's notebook
    is a file of this server's root (``holds``). The project and the notebook mapping
    are shared by every Jupyter server of the user, so a listed run may come from
    another root, where opening its path would be a 404."""
    runs = answer["items"] if isinstance(answer.get("items"), list) else [answer]
    seen: dict[str, bool] = {}
    for run in runs:
        path = run.get("path")
        if not isinstance(path, str) or not path:
            run["inWorkspace"] = False
            continue
        if path not in seen:
            seen[path] = holds(path)
        run["inWorkspace"] = seen[path]
    return answer


def notebook_json(raw: Mapping[str, Any], path: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: raw[name] for name in _NOTEBOOK_FIELDS if raw.get(name) is not None
    }
    _times(raw, out)
    if path:
        out["path"] = path
    return out
