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
import json
import time
from collections.abc import Callable
from typing import Any

from ..aws.scheduler_model import START_NOTEBOOK_RUN_ARN
from ..aws.validation import validate_input
from ..core import schedule_expressions as expressions
from ..core.errors import FieldError, SageRunError
from .schedule_store import Record, ScheduleStore

Params = dict[str, Any]
DEFAULT_GROUP = "default"
ACCOUNT = "000000000000"
_SCHEDULE_MEMBERS = (
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "StartDate",
    "EndDate",
    "Description",
    "State",
    "KmsKeyArn",
    "Target",
    "FlexibleTimeWindow",
    "ActionAfterCompletion",
)


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


class ScheduleOperations:
    def __init__(
        self,
        store: ScheduleStore,
        region: str,
        on_change: Callable[[], None] = lambda: None,
        seconds_per_minute: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.region = region
        self.on_change = on_change
        self.seconds_per_minute = seconds_per_minute
        self.clock = clock
        self.table: dict[str, Callable[[Params], Record]] = {
            "CreateSchedule": self.CreateSchedule,
            "GetSchedule": self.GetSchedule,
            "UpdateSchedule": self.UpdateSchedule,
            "DeleteSchedule": self.DeleteSchedule,
            "ListSchedules": self.ListSchedules,
            "CreateScheduleGroup": self.CreateScheduleGroup,
            "GetScheduleGroup": self.GetScheduleGroup,
            "ListScheduleGroups": self.ListScheduleGroups,
        }
        self._group(DEFAULT_GROUP)

    def handler(self, operation: str) -> Callable[[Params], Record]:
        return self.table[operation]

    def _arn(self, kind: str, name: str) -> str:
        return f"arn:aws:scheduler:{self.region}:{ACCOUNT}:{kind}/{name}"

    def _group(self, name: str | None) -> Record:
        name = name or DEFAULT_GROUP
        found = self.store.get_group(name)
        if found is not None:
            return found
        if name == DEFAULT_GROUP:
            # Every account has the default group; it is written down at the first start.
            stamp = self.clock()
            record = {
                "Arn": self._arn("schedule-group", name),
                "Name": name,
                "State": "ACTIVE",
                "CreationDate": stamp,
                "LastModificationDate": stamp,
            }
            self.store.add_group(record)
            return record
        raise _missing(f"Schedule group {name} does not exist.")

    # -- groups ----------------------------------------------------------------------

    def CreateScheduleGroup(self, p: Params) -> Record:
        stamp = self.clock()
        record = {
            "Arn": self._arn("schedule-group", p["Name"]),
            "Name": p["Name"],
            "State": "ACTIVE",
            "CreationDate": stamp,
            "LastModificationDate": stamp,
        }
        if p["Name"] == DEFAULT_GROUP or not self.store.add_group(record):
            raise SageRunError(
                409, "ConflictException", f"Schedule group {p['Name']} already exists."
            )
        return {"ScheduleGroupArn": record["Arn"]}

    def GetScheduleGroup(self, p: Params) -> Record:
        return self._group(p["Name"]) if p["Name"] == DEFAULT_GROUP else self._found_group(p)

    def _found_group(self, p: Params) -> Record:
        found = self.store.get_group(p["Name"])
        if found is None:
            raise _missing(f"Schedule group {p['Name']} does not exist.")
        return found

    def ListScheduleGroups(self, p: Params) -> Record:
        self._group(DEFAULT_GROUP)
        prefix = p.get("NamePrefix") or ""
        groups = [g for g in self.store.groups() if g["Name"].startswith(prefix)]
        return _page(groups, p, "ScheduleGroups")

    # -- schedules -------------------------------------------------------------------

    def _checked(self, p: Params, created: float) -> Record:
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
            "Arn": self._arn("schedule", f"{p.get('GroupName') or DEFAULT_GROUP}/{p['Name']}"),
            "Name": p["Name"],
            "GroupName": p.get("GroupName") or DEFAULT_GROUP,
            "State": p.get("State") or "ENABLED",
            "ActionAfterCompletion": p.get("ActionAfterCompletion") or "NONE",
            "CreationDate": created,
            "LastModificationDate": self.clock(),
        }
        for key in _SCHEDULE_MEMBERS:
            if key not in record and p.get(key) is not None:
                record[key] = p[key]
        record["StartDate"], record["EndDate"] = start, end
        record.setdefault("ScheduleExpressionTimezone", expressions.DEFAULT_TIMEZONE)
        return record

    def _next(self, record: Record) -> float | None:
        return next_fire(record, self.clock(), self.seconds_per_minute)

    def CreateSchedule(self, p: Params) -> Record:
        group = self._group(p.get("GroupName"))
        record = self._checked({**p, "GroupName": group["Name"]}, self.clock())
        if not self.store.add(record, self._next(record)):
            raise SageRunError(409, "ConflictException", f"Schedule {p['Name']} already exists.")
        self.on_change()
        return {"ScheduleArn": record["Arn"]}

    def _find(self, p: Params) -> Record:
        group = self._group(p.get("GroupName"))
        found = self.store.get(group["Name"], p["Name"])
        if found is None:
            raise _missing(f"Schedule {p['Name']} does not exist.")
        return found

    def GetSchedule(self, p: Params) -> Record:
        return self._find(p)

    def UpdateSchedule(self, p: Params) -> Record:
        # An update replaces the whole schedule: members it leaves out go back to
        # their defaults, as EventBridge documents.
        old = self._find(p)
        record = self._checked({**p, "GroupName": old["GroupName"]}, old["CreationDate"])
        if not self.store.replace(record, self._next(record)):
            raise _missing(f"Schedule {p['Name']} does not exist.")
        self.on_change()
        return {"ScheduleArn": record["Arn"]}

    def DeleteSchedule(self, p: Params) -> Record:
        old = self._find(p)
        if not self.store.delete(old["GroupName"], old["Name"]):
            raise _missing(f"Schedule {p['Name']} does not exist.")
        self.on_change()
        return {}

    def ListSchedules(self, p: Params) -> Record:
        group = None
        if p.get("GroupName"):
            group = self._group(p["GroupName"])["Name"]
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
            for s in self.store.schedules(group)
            if s["Name"].startswith(prefix) and (not p.get("State") or s["State"] == p["State"])
        ]
        return _page(items, p, "Schedules")


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
