"""DataZone's and EventBridge Scheduler's REST-JSON wire protocol, read from botocore's
models.

The local backend never retypes a path, a method or a status code: routes, where each
input member lives (uri, querystring, header, body) and the answer's status all come
from the same service model the clients use, so a new botocore that moves a member
moves it here too.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from botocore.model import (
    ListShape,
    MapShape,
    OperationModel,
    ServiceModel,
    Shape,
    StructureShape,
)

from ..aws import scheduler_model
from ..aws.validation import service_model
from ..core.errors import FieldError, SageRunError
from .operations import DATAZONE, SCHEDULER

#: The operations the local backend implements, in the order they are routed: the
#: registry's (``operations.DATAZONE``), where each one's module is named.
OPERATIONS: tuple[str, ...] = tuple(DATAZONE)


@dataclass(frozen=True)
class Route:
    operation: str
    method: str
    pattern: re.Pattern[str]
    status: int


def compile_uri(request_uri: str) -> re.Pattern[str]:
    path = request_uri.split("?", 1)[0]
    out = []
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{"):
            name = part[1:-1].rstrip("+")
            # A greedy label ({name+}) may span slashes; a plain one may not.
            body = ".+" if part.endswith("+}") else "[^/]+"
            out.append(f"(?P<{name}>{body})")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out) + "/?")


@dataclass(frozen=True)
class ModelApi:
    """One REST-JSON service of the backend as its botocore model describes it: the
    routes of ``operations``, and which of them a request takes."""

    model: Callable[[], ServiceModel]
    operations: tuple[str, ...]

    @functools.cached_property
    def routes(self) -> tuple[Route, ...]:
        model = self.model()
        out = []
        for name in self.operations:
            http = model.operation_model(name).http
            out.append(
                Route(
                    name,
                    http["method"],
                    compile_uri(http["requestUri"]),
                    int(http.get("responseCode", 200)),
                )
            )
        return tuple(out)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for ``method path`` and its uri labels, or None."""
        for route in self.routes:
            found = route.pattern.fullmatch(path)
            if found and route.method == method:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def path_exists(self, path: str) -> bool:
        return any(route.pattern.fullmatch(path) for route in self.routes)


#: DataZone's API, as the backend serves it.
DATAZONE_API = ModelApi(service_model, OPERATIONS)
#: EventBridge Scheduler's API, as the backend serves it (on a port of its own).
SCHEDULER_API = ModelApi(scheduler_model.service_model, tuple(SCHEDULER))


def routes() -> tuple[Route, ...]:
    return DATAZONE_API.routes


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """DataZone's route for ``method path`` and its uri labels, or None."""
    return DATAZONE_API.match(method, path)


def error_status(code: str, model: ServiceModel | None = None) -> int:
    """The HTTP status the model gives the error ``code`` (500 if it has none)."""
    try:
        shape = (model or service_model()).shape_for(code)
    except Exception:
        return 500
    return int(shape.metadata.get("error", {}).get("httpStatusCode", 500))


def _scalar(shape: Shape, raw: str, path: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise _bad(path, "must be a whole number") from None
    if kind == "boolean":
        return raw.lower() == "true"
    return raw


def _bad(path: str, message: str) -> SageRunError:
    return SageRunError(
        400, "ValidationException", f"{path} {message}", fields=[FieldError(path, message)]
    )


def parse_input(
    operation: str,
    labels: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
    body: bytes,
    model: ServiceModel | None = None,
) -> dict[str, Any]:
    """The operation's input dict, each member read from where the model (DataZone's
    unless another is given) puts it."""
    op: OperationModel = (model or service_model()).operation_model(operation)
    shape = op.input_shape
    params: dict[str, Any] = {}
    if shape is None:
        return params
    payload: dict[str, Any] = {}
    if body.strip():
        try:
            decoded = json.loads(body)
        except ValueError:
            raise SageRunError(400, "ValidationException", "The body is not valid JSON.") from None
        except RecursionError:
            # No member of the model nests deeper than a few levels.
            raise SageRunError(
                400, "ValidationException", "The body is nested too deeply to be a request."
            ) from None
        if not isinstance(decoded, dict):
            raise SageRunError(400, "ValidationException", "The body must be a JSON object.")
        payload = decoded
    located: set[str] = set()
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location is None:
            continue
        located.add(name)
        if location == "uri" and wire in labels:
            params[name] = _scalar(member, labels[wire], name)
        elif location == "querystring" and wire in query:
            values = query[wire]
            if member.type_name == "list":
                assert isinstance(member, ListShape)
                params[name] = [_scalar(member.member, v, name) for v in values]
            else:
                params[name] = _scalar(member, values[-1], name)
        elif location == "header":
            value = headers.get(wire)
            if value is not None:
                params[name] = _scalar(member, value, name)
    for key, value in payload.items():
        # Body keys that the model puts elsewhere are unknown in a body; leave them
        # under their name so the validator reports them as unknown fields.
        params[key if key not in located else f"body.{key}"] = value
    return params


def shape_output(shape: Shape | None, value: Any) -> Any:
    """``value`` trimmed to what ``shape`` allows: unknown keys and Nones dropped.

    Every response passes through here so the local backend never answers a member
    the real service could not send.
    """
    if shape is None or value is None:
        return value
    if isinstance(shape, StructureShape):
        if not isinstance(value, Mapping):
            return value
        return {
            k: shape_output(shape.members[k], v)
            for k, v in value.items()
            if k in shape.members and v is not None
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [shape_output(shape.member, v) for v in value]
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        return {k: shape_output(shape.value, v) for k, v in value.items()}
    return value


def output_body(
    operation: str, result: Mapping[str, Any], model: ServiceModel | None = None
) -> dict[str, Any]:
    shape = (model or service_model()).operation_model(operation).output_shape
    shaped = shape_output(shape, dict(result))
    assert isinstance(shaped, dict)
    return shaped
