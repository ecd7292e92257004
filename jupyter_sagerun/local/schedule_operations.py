"""What each EventBridge Scheduler operation does in the local backend.

Each takes the operation's input dict (parsed and checked against the shipped
``scheduler`` model by the server) and returns its output dict, or raises
``SageRunError`` with the Scheduler's own error codes. Beyond the model, the checks
EventBridge makes at creation: the expression, the time zone, the date window, and the
target. Only the universal target that calls DataZone's StartNotebookRun can be fired
here, so any other is refused with a ValidationException saying so; its Input must be
a StartNotebookRun request the local DataZone would accept.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..aws.scheduler_model import START_NOTEBOOK_RUN_ARN, schedule_members
from ..aws.validation import validate_input
from ..core import schedule_expressions as expressions
from ..core.errors import FieldError, SageRunError
from .schedule_store import Record, ScheduleStore

Params = dict[str, Any]
DEFAULT_GROUP = "default"
ACCOUNT = "000000000000"


def _invalid(message: str, path: str | None = None) -> SageRunError:
    fields = [FieldError(path, message)] if path else []
    return SageRunError(400, "ValidationException", message, fields=fields)


def _missing(message: str) -> SageRunError:
    return SageRunError(404, "ResourceNotFoundException", message)


def _epoch(value: Any) -> float | None:
    """A timestamp of the wire (epoch seconds, or ISO 8601 from a hand-made request)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return expressions.aware(dt.datetime.fromisoformat(str(value))).timestamp()
    except ValueError:
        raise _invalid(f"{value!r} is not a timestamp.") from None


def _utc(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, expressions.UTC)


def next_fire(record: Record, after: float, seconds_per_minute: float = 60.0) -> float | None:
    """When the schedule ``record`` fires next after ``after`` (epoch), or None."""
    if record.get("State") != "ENABLED":
        return None
    expression = expressions.parse(record["ScheduleExpression"], "ScheduleExpression")
    tz = expressions.zone(record.get("ScheduleExpressionTimezone"), "ScheduleExpressionTimezone")
    found = expressions.next_firings(
        expression,
        tz,
        _utc(after) or expressions.aware(dt.datetime.now()),
        count=1,
        start=_utc(record.get("StartDate")),
        end=_utc(record.get("EndDate")),
        anchor=_utc(record.get("StartDate") or record.get("CreationDate")),
        seconds_per_minute=seconds_per_minute,
    )
    return found[0].timestamp() if found else None


@dataclass(frozen=True)
class ScheduleState:
    """What every Scheduler operation works on, passed to it explicitly (as the
    DataZone operations get ``state.BackendState``)."""

    store: ScheduleStore
    region: str
    #: Called after each change: wakes the timer.
    on_change: Callable[[], None] = lambda: None
    seconds_per_minute: float = 60.0
    clock: Callable[[], float] = time.time


def _arn(state: ScheduleState, kind: str, name: str) -> str:
    return f"arn:aws:scheduler:{state.region}:{ACCOUNT}:{kind}/{name}"


def _group(state: ScheduleState, name: str | None) -> Record:
    name = name or DEFAULT_GROUP
    found = state.store.get_group(name)
    if found is not None:
        return found
    if name == DEFAULT_GROUP:
        # Every account has the default group; it is written down at the first start.
        stamp = state.clock()
        record = {
            "Arn": _arn(state, "schedule-group", name),
            "Name": name,
            "State": "ACTIVE",
            "CreationDate": stamp,
            "LastModificationDate": stamp,
        }
        state.store.add_group(record)
        return record
    raise _missing(f"Schedule group {name} does not exist.")


# -- groups --------------------------------------------------------------------------


def CreateScheduleGroup(state: ScheduleState, p: Params) -> Record:
    stamp = state.clock()
    record = {
        "Arn": _arn(state, "schedule-group", p["Name"]),
        "Name": p["Name"],
        "State": "ACTIVE",
        "CreationDate": stamp,
        "LastModificationDate": stamp,
    }
    if p["Name"] == DEFAULT_GROUP or not state.store.add_group(record):
        raise SageRunError(409, "ConflictException", f"Schedule group {p['Name']} already exists.")
    return {"ScheduleGroupArn": record["Arn"]}


def GetScheduleGroup(state: ScheduleState, p: Params) -> Record:
    return _group(state, p["Name"]) if p["Name"] == DEFAULT_GROUP else _found_group(state, p)


def _found_group(state: ScheduleState, p: Params) -> Record:
    found = state.store.get_group(p["Name"])
    if found is None:
        raise _missing(f"Schedule group {p['Name']} does not exist.")
    return found


def ListScheduleGroups(state: ScheduleState, p: Params) -> Record:
    _group(state, DEFAULT_GROUP)
    prefix = p.get("NamePrefix") or ""
    groups = [g for g in state.store.groups() if g["Name"].startswith(prefix)]
    return _page(groups, p, "ScheduleGroups")


# -- schedules -------------------------------------------------------------------


def _checked(state: ScheduleState, p: Params, created: float) -> Record:
    """The schedule record ``p`` asks for, after EventBridge's own checks."""
    expressions.parse(p["ScheduleExpression"], "ScheduleExpression")
    expressions.zone(p.get("ScheduleExpressionTimezone"), "ScheduleExpressionTimezone")
    start, end = _epoch(p.get("StartDate")), _epoch(p.get("EndDate"))
    if start is not None and end is not None and end <= start:
        raise _invalid("The EndDate must be after the StartDate.", "EndDate")
    target = p["Target"]
    if target.get("Arn") != START_NOTEBOOK_RUN_ARN:
        raise _invalid(
            f"The local backend fires only the universal target {START_NOTEBOOK_RUN_ARN} "
            f"(DataZone's StartNotebookRun); Target.Arn {target.get('Arn')!r} is refused.",
            "Target.Arn",
        )
    _check_input(target.get("Input"))
    record: Record = {
        "Arn": _arn(state, "schedule", f"{p.get('GroupName') or DEFAULT_GROUP}/{p['Name']}"),
        "Name": p["Name"],
        "GroupName": p.get("GroupName") or DEFAULT_GROUP,
        "State": p.get("State") or "ENABLED",
        "ActionAfterCompletion": p.get("ActionAfterCompletion") or "NONE",
        "CreationDate": created,
        "LastModificationDate": state.clock(),
    }
    for key in schedule_members():
        if key not in record and p.get(key) is not None:
            record[key] = p[key]
    record["StartDate"], record["EndDate"] = start, end
    record.setdefault("ScheduleExpressionTimezone", expressions.DEFAULT_TIMEZONE)
    return record


def _next(state: ScheduleState, record: Record) -> float | None:
    return next_fire(record, state.clock(), state.seconds_per_minute)


def CreateSchedule(state: ScheduleState, p: Params) -> Record:
    group = _group(state, p.get("GroupName"))
    record = _checked(state, {**p, "GroupName": group["Name"]}, state.clock())
    if not state.store.add(record, _next(state, record)):
        raise SageRunError(409, "ConflictException", f"Schedule {p['Name']} already exists.")
    state.on_change()
    return {"ScheduleArn": record["Arn"]}


def _find(state: ScheduleState, p: Params) -> Record:
    group = _group(state, p.get("GroupName"))
    found = state.store.get(group["Name"], p["Name"])
    if found is None:
        raise _missing(f"Schedule {p['Name']} does not exist.")
    return found


def GetSchedule(state: ScheduleState, p: Params) -> Record:
    return _find(state, p)


def UpdateSchedule(state: ScheduleState, p: Params) -> Record:
    # An update replaces the whole schedule: members it leaves out go back to
    # their defaults, as EventBridge documents.
    old = _find(state, p)
    record = _checked(state, {**p, "GroupName": old["GroupName"]}, old["CreationDate"])
    if not state.store.replace(record, _next(state, record)):
        raise _missing(f"Schedule {p['Name']} does not exist.")
    state.on_change()
    return {"ScheduleArn": record["Arn"]}


def DeleteSchedule(state: ScheduleState, p: Params) -> Record:
    old = _find(state, p)
    if not state.store.delete(old["GroupName"], old["Name"]):
        raise _missing(f"Schedule {p['Name']} does not exist.")
    state.on_change()
    return {}


def ListSchedules(state: ScheduleState, p: Params) -> Record:
    group = None
    if p.get("GroupName"):
        group = _group(state, p["GroupName"])["Name"]
    prefix = p.get("NamePrefix") or ""
    items = [
        {
            "Arn": s["Arn"],
            "Name": s["Name"],
            "GroupName": s["GroupName"],
            "State": s["State"],
            "CreationDate": s["CreationDate"],
            "LastModificationDate": s["LastModificationDate"],
            "Target": {"Arn": s["Target"]["Arn"]},
        }
        for s in state.store.schedules(group)
        if s["Name"].startswith(prefix) and (not p.get("State") or s["State"] == p["State"])
    ]
    return _page(items, p, "Schedules")


ScheduleHandler = Callable[[ScheduleState, Params], Record]

#: The Scheduler operations the local backend implements: name -> handler; the
#: Scheduler endpoint's routes are read from it (``protocol.SCHEDULER_API``).
OPERATIONS: Mapping[str, ScheduleHandler] = {
    "CreateSchedule": CreateSchedule,
    "GetSchedule": GetSchedule,
    "UpdateSchedule": UpdateSchedule,
    "DeleteSchedule": DeleteSchedule,
    "ListSchedules": ListSchedules,
    "CreateScheduleGroup": CreateScheduleGroup,
    "GetScheduleGroup": GetScheduleGroup,
    "ListScheduleGroups": ListScheduleGroups,
}


def bind(state: ScheduleState) -> Mapping[str, Callable[[Params], Record]]:
    """The handlers, each given ``state``; the default group written down first."""
    _group(state, DEFAULT_GROUP)
    return {name: functools.partial(handler, state) for name, handler in OPERATIONS.items()}


def _check_input(raw: Any) -> None:
    """The target's Input must be a StartNotebookRun request (DataZone's member names)."""
    if not raw:
        raise _invalid("Target.Input must hold the StartNotebookRun request.", "Target.Input")
    try:
        request = json.loads(raw)
    except ValueError:
        raise _invalid("Target.Input is not valid JSON.", "Target.Input") from None
    if not isinstance(request, dict):
        raise _invalid("Target.Input must be a JSON object.", "Target.Input")
    problems = validate_input("StartNotebookRun", request)
    if problems:
        fields = [FieldError(f"Target.Input.{f.path}", f.message) for f in problems]
        detail = "; ".join(f"{f.path} {f.message}" for f in fields[:5])
        raise SageRunError(
            400, "ValidationException", f"Invalid StartNotebookRun input: {detail}.", fields
        )


def _page(items: list[Record], p: Params, key: str) -> Record:
    size = int(p.get("MaxResults") or 100)
    try:
        offset = int(p.get("NextToken") or 0)
    except ValueError:
        raise _invalid("NextToken is not a valid token.") from None
    out: Record = {key: items[offset : offset + size]}
    if offset + size < len(items):
        out["NextToken"] = str(offset + size)
    return out
