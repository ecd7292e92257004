"""Model-driven request validation.

botocore checks only required members, types, unknown keys and minimums before it
sends a request; the service enforces the rest (enums, maximums, patterns). We check
all of them here, before any AWS call, from the very shapes of the DataZone model we
ship (``datazone_model``), so no limit is ever retyped by hand and the REST client hears
about every failing field at once, each by its path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from botocore.model import (
    ListShape,
    MapShape,
    OperationModel,
    ServiceModel,
    Shape,
    StructureShape,
)

from ..core.errors import FieldError, SageRunError, validation_error
from .datazone_model import service_model


def operation_model(operation: str) -> OperationModel:
    return service_model().operation_model(operation)


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _check(shape: Shape, value: Any, path: str, out: list[FieldError]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        _check_structure(shape, value, path, out)
    elif kind == "list":
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            out.append(FieldError(path, "must be a list"))
            return
        _check_count(meta, len(value), path, "item", out)
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", out)
    elif kind == "map":
        assert isinstance(shape, MapShape)
        if not isinstance(value, Mapping):
            out.append(FieldError(path, "must be an object"))
            return
        _check_count(meta, len(value), path, "entry", out)
        for key, item in value.items():
            item_path = _join(path, str(key))
            key_errors: list[FieldError] = []
            _check(shape.key, key, item_path, key_errors)
            # Say that it is the key, not the value, that breaks the limit.
            out.extend(FieldError(e.path, f"key {e.message}") for e in key_errors)
            _check(shape.value, item, item_path, out)
    elif kind == "string":
        _check_string(shape, value, path, out)
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(FieldError(path, "must be a whole number"))
            return
        if "min" in meta and value < meta["min"]:
            out.append(FieldError(path, f"must be at least {meta['min']}"))
        if "max" in meta and value > meta["max"]:
            out.append(FieldError(path, f"must be at most {meta['max']}"))
    elif kind == "boolean" and not isinstance(value, bool):
        out.append(FieldError(path, "must be true or false"))
    # timestamps and blobs never arrive from our REST clients; botocore checks them.


def _check_structure(shape: StructureShape, value: Any, path: str, out: list[FieldError]) -> None:
    if not isinstance(value, Mapping):
        out.append(FieldError(path, "must be an object"))
        return
    for name in shape.required_members:
        if value.get(name) is None:
            out.append(FieldError(_join(path, name), "is required"))
    for name, item in value.items():
        member = shape.members.get(name)
        if member is None:
            out.append(FieldError(_join(path, name), "is not a known field"))
        elif item is None:
            # botocore refuses a None member when the call is made, which is after the
            # notebook was uploaded and imported; a required one is reported above.
            if name not in shape.required_members:
                out.append(FieldError(_join(path, name), "must not be null"))
        else:
            _check(member, item, _join(path, name), out)
    if shape.metadata.get("union"):
        present = [k for k, v in value.items() if v is not None]
        if len(present) != 1:
            choices = ", ".join(shape.members)
            out.append(FieldError(path, f"must set exactly one of: {choices}"))


def _check_count(
    meta: Mapping[str, Any], count: int, path: str, noun: str, out: list[FieldError]
) -> None:
    if "min" in meta and count < meta["min"]:
        out.append(FieldError(path, f"must have at least {meta['min']} {noun}(s)"))
    if "max" in meta and count > meta["max"]:
        out.append(FieldError(path, f"must have at most {meta['max']} {noun}s, got {count}"))


def _check_string(shape: Shape, value: Any, path: str, out: list[FieldError]) -> None:
    if not isinstance(value, str):
        out.append(FieldError(path, "must be a string"))
        return
    meta = shape.metadata
    if "min" in meta and len(value) < meta["min"]:
        out.append(FieldError(path, f"must be at least {meta['min']} characters long"))
    if "max" in meta and len(value) > meta["max"]:
        out.append(
            FieldError(path, f"must be at most {meta['max']} characters long, got {len(value)}")
        )
    enum = getattr(shape, "enum", None)
    if enum and value not in enum:
        out.append(FieldError(path, f"must be one of: {', '.join(enum)}"))
    pattern = meta.get("pattern")
    # The service matches its patterns against the whole value.
    if pattern and not _compiled(pattern).fullmatch(value):
        # Sensitive values are never echoed; the pattern is safe to show.
        shown = "" if meta.get("sensitive") else f" (got {value[:60]!r})"
        out.append(FieldError(path, f"must match the pattern {pattern}{shown}"))


def _semantic_rules(operation: str, params: Mapping[str, Any]) -> list[FieldError]:
    """Rules the service enforces but its model cannot express."""
    out: list[FieldError] = []
    network = params.get("networkConfiguration")
    if (
        operation == "StartNotebookRun"
        and isinstance(network, Mapping)
        and network.get("networkAccessType") == "VPC_ONLY"
        and not network.get("vpcId")
    ):
        out.append(FieldError("networkConfiguration.vpcId", "is required for VPC_ONLY"))
    return out


def validate_input(
    operation: str, params: Mapping[str, Any], model: ServiceModel | None = None
) -> list[FieldError]:
    """Every problem with ``params`` as the input of ``operation`` (of DataZone, unless
    another service's ``model`` is given), each by its path."""
    shape = (model or service_model()).operation_model(operation).input_shape
    out: list[FieldError] = []
    if shape is not None:
        _check_structure(shape, params, "", out)
    out.extend(_semantic_rules(operation, params))
    return out


def validate_member(operation: str, member: str, value: Any) -> list[FieldError]:
    """Every problem with ``value`` as the member ``member`` of ``operation``'s input,
    each by its path under ``member`` (for a member checked before its request is made)."""
    shape = operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    out: list[FieldError] = []
    _check(shape.members[member], value, member, out)
    return out


class InvalidInput(SageRunError):
    """A request the DataZone model refuses; its fields carry DataZone's member names
    (the REST edge, ``runs.models.rest_named``, renames them for its clients)."""


class CheckedRequest(dict[str, Any]):
    """The input of ``operation``, validated: the gateway sends it without a second
    check. A caller that must refuse a request before a side effect (an upload, an
    import) checks it early with ``checked`` and hands this on."""

    def __init__(self, operation: str, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.operation = operation


def refused(problems: list[FieldError]) -> InvalidInput:
    error = validation_error(problems)
    return InvalidInput(error.status, error.code, error.message, error.fields)


def checked(operation: str, params: Mapping[str, Any]) -> CheckedRequest:
    """``params`` as a checked ``operation`` request, or ``InvalidInput`` naming every
    failing field."""
    if isinstance(params, CheckedRequest) and params.operation == operation:
        return params
    problems = validate_input(operation, params)
    if problems:
        raise refused(problems)
    return CheckedRequest(operation, params)


__all__ = [
    "CheckedRequest",
    "InvalidInput",
    "SageRunError",
    "checked",
    "operation_model",
    "service_model",
    "validate_input",
    "validate_member",
]
