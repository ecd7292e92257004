"""Typed shapes of what the REST API accepts: the POST bodies and the list queries.

These models check the envelope only: which top-level fields exist and their JSON
types. The DataZone limits (patterns, enums, maximum lengths and counts) are checked by
``validation.validate_input`` on the request we are about to send, from botocore's own
model, so no limit is retyped here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from ..aws.validation import CheckedRequest, InvalidInput, validate_input, validate_member
from ..core.errors import FieldError, SageRunError, validation_error
from ..core.run_members import START_SETTINGS

_Model = TypeVar("_Model", bound=BaseModel)


class _Body(BaseModel):
    """A JSON request body: every field is optional, but a field that is given must
    have a value. ``None`` in these models means "not given"; a JSON ``null`` is not
    a string, an object or a format (the spec allows none), so it is refused by name
    rather than taken for absent."""

    # An unknown top-level field is most likely a typo the user would want to hear about.
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _given_means_not_null(cls, value: Any) -> Any:
        # Runs only for fields present in the body (defaults are not validated).
        if value is None:
            raise PydanticCustomError("null", "must not be null; leave the field out instead")
        return value


class StartRunBody(_Body):
    """``POST sagerun/runs``: a workspace ``path`` or an SMUS ``notebookId``, and the
    StartNotebookRun settings under DataZone's own names."""

    path: StrictStr | None = None
    notebookId: StrictStr | None = None
    domainId: StrictStr | None = None
    projectId: StrictStr | None = None
    clientToken: StrictStr | None = None
    # Deep settings stay plain JSON: validate_input checks them against the model and
    # names every failing leaf, which a typed copy here could only duplicate.
    computeConfiguration: dict[str, Any] | None = None
    networkConfiguration: dict[str, Any] | None = None
    timeoutConfiguration: dict[str, Any] | None = None
    notificationConfiguration: dict[str, Any] | None = None
    triggerSource: dict[str, Any] | None = None
    parameters: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    scheduleIdentifier: StrictStr | None = None
    # Not a StartNotebookRun member: the service sets it on the notebook first
    # (environment.py), and validates it as UpdateNotebook's.
    environmentConfiguration: dict[str, Any] | None = None

    def run_settings(self) -> dict[str, Any]:
        """The StartNotebookRun settings the request set, under DataZone's names, in
        the body's order (the order of the fields in an error)."""
        return {
            name: getattr(self, name)
            for name in StartRunBody.model_fields
            if name in START_SETTINGS and getattr(self, name) is not None
        }


class OutputBody(_Body):
    """``POST sagerun/runs/{runId}/output``."""

    format: Literal["IPYNB", "PDF"] = "IPYNB"
    domainId: StrictStr | None = None
    projectId: StrictStr | None = None


class StopBody(_Body):
    """``POST sagerun/runs/{runId}/stop``: the body may be empty."""

    domainId: StrictStr | None = None
    projectId: StrictStr | None = None


class ContextQuery(BaseModel):
    # Query strings also carry things that are not ours (``token=`` for auth).
    model_config = ConfigDict(extra="ignore")

    domainId: str | None = None
    projectId: str | None = None


class NotebooksQuery(ContextQuery):
    nextToken: str | None = None
    maxResults: int | None = None


class ListRunsQuery(ContextQuery):
    notebookId: str | None = None
    path: str | None = None
    status: str | None = None
    #: A schedule's runs (its ``scheduleId``, or its name: mapped the same way).
    scheduleId: str | None = None
    nextToken: str | None = None
    maxResults: int = 50


class GetRunQuery(ContextQuery):
    reveal: Literal["parameters"] | None = None


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out or "body"


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "missing":
        return "is required"
    # pydantic's own messages never quote the input; ``input`` (which might be a
    # parameter value) is deliberately left out.
    return str(error.get("msg", "is invalid"))


def field_errors(exc: ValidationError) -> list[FieldError]:
    return [FieldError(_path(tuple(e["loc"])), _message(e)) for e in exc.errors()]


def parse(model: type[_Model], data: Any) -> _Model:
    """``data`` as ``model``, or a 400 naming every failing field by its REST name."""
    if not isinstance(data, Mapping):
        raise SageRunError(400, "ValidationException", "The request body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(field_errors(exc)) from None


def parse_query(model: type[_Model], arguments: Mapping[str, list[bytes]]) -> _Model:
    """Query arguments (the last value of each wins, as tornado's ``get_argument``)."""
    data: dict[str, Any] = {}
    for name, values in arguments.items():
        if values:
            data[name] = values[-1].decode("utf-8", errors="replace")
    # Blank means absent: ``?status=`` from a form with nothing chosen.
    data = {k: v for k, v in data.items() if v != ""}
    return parse(model, data)


# --- DataZone's names → the REST API's, for the field paths of a refusal -------------

#: The top member of a DataZone request → the REST name our clients send it under.
REST_NAMES = {
    "domainIdentifier": "domainId",
    "owningProjectIdentifier": "projectId",
    "notebookIdentifier": "notebookId",
    "identifier": "runId",
    # StartNotebookImport's: the file name comes from the path, the source from staging.
    "name": "path",
    "sourceLocation.s3": "stagingS3Uri",
}
_HINTS = {
    "domainId": "is required: choose a domain, or configure --SageRun.domain_id",
    "projectId": "is required: choose a project, or configure --SageRun.project_id",
}


def _rest_path(path: str) -> str:
    if path in REST_NAMES:
        return REST_NAMES[path]
    head, dot, rest = path.partition(".")
    head_only, bracket, tail = head.partition("[")
    name = REST_NAMES.get(head_only, head_only)
    return name + bracket + tail + dot + rest


def rest_fields(problems: Iterable[FieldError]) -> list[FieldError]:
    """``problems`` with DataZone's paths under their REST names."""
    out = []
    for problem in problems:
        path = _rest_path(problem.path)
        message = problem.message
        if message == "is required" and path in _HINTS:
            message = _HINTS[path]
        out.append(FieldError(path, message))
    return out


#: A run's packages are the notebook's environment configuration, which the run sets
#: with UpdateNotebook before it starts: the REST field is checked as that member.
ENVIRONMENT_MEMBER = ("UpdateNotebook", "environmentConfiguration")


def checked_run_request(
    params: Mapping[str, Any], environment_configuration: Mapping[str, Any] | None
) -> tuple[CheckedRequest | None, list[FieldError]]:
    """A run request's one check against the model: its StartNotebookRun members and
    the environment it would set on the notebook, every problem reported together
    under REST names; the checked request when there is none (a run now and a
    schedule's runs share it)."""
    found = validate_input("StartNotebookRun", params)
    if environment_configuration is not None:
        found += validate_member(*ENVIRONMENT_MEMBER, environment_configuration)
    request = None if found else CheckedRequest("StartNotebookRun", params)
    return request, rest_fields(found)


@contextlib.contextmanager
def rest_named() -> Iterator[None]:
    """A refusal inside the block names REST fields: the model's (DataZone's member
    paths under their REST names), and a clientToken reused with another request."""
    try:
        yield
    except InvalidInput as exc:
        raise validation_error(rest_fields(exc.fields)) from None
    except SageRunError as exc:
        if exc.status == 409 and "clienttoken" in exc.message.lower() and not exc.fields:
            exc.fields = [FieldError("clientToken", "was already used with a different request")]
        raise


# The schedule routes' bodies, found by name like the run bodies (handlers' body()).
from .schedule_models import PreviewRequest, ScheduleRequest, ScheduleScope  # noqa: E402, F401
