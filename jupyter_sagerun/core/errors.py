"""Domain errors: the one vocabulary every layer uses to say what went wrong.

Handlers translate a ``SageRunError`` into the JSON error body of the REST API; the
CLI translates it into a message and an exit code. Nothing else needs to know about
HTTP statuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One failing field. ``path`` is dotted, with ``[i]`` for list items and the map
    key as a path segment, e.g. ``networkConfiguration.subnetIds[3]`` or
    ``parameters.alpha``."""

    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass
class SageRunError(Exception):
    """An error with an HTTP status, a stable code and a message fit for a user.

    The message must never hold credentials or parameter values.
    """

    status: int
    code: str
    message: str
    fields: list[FieldError] = field(default_factory=list)
    retryable: bool = False
    request_id: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "fields": [f.to_json() for f in self.fields],
                "retryable": self.retryable,
                "requestId": self.request_id,
            }
        }


def validation_error(fields: list[FieldError], message: str | None = None) -> SageRunError:
    """A 400 that names every failing field at once."""
    if message is None:
        names = ", ".join(f.path for f in fields[:5])
        more = f" and {len(fields) - 5} more" if len(fields) > 5 else ""
        message = f"Invalid request: {names}{more}."
    return SageRunError(400, "ValidationException", message, fields=list(fields))


def not_found(message: str) -> SageRunError:
    return SageRunError(404, "ResourceNotFoundException", message)


def conflict(message: str) -> SageRunError:
    return SageRunError(409, "ConflictException", message)
