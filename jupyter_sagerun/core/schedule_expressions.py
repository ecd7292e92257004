"""EventBridge Scheduler's schedule expressions: checked, put in words, and their next
firing times computed the way EventBridge documents them.

``cron(min hour day-of-month month day-of-week year)`` (one of the two day fields is
``?``), ``rate(N minute|minutes|hour|hours|day|days)`` and ``at(yyyy-mm-ddThh:mm:ss)``,
each read in the schedule's IANA time zone (default UTC). Cron matching is pyawscron's
(it knows ``L``, ``W`` and ``#``); this module adds what it leaves out: the checks that
EventBridge makes at creation, time zones (pyawscron counts in UTC only, so it is given
the zone's wall-clock time and its answers are placed back in the zone), daylight saving
as EventBridge handles it (a wall time the spring shift skips does not fire, a time the
autumn shift repeats fires once), start and end dates, and ``rate`` counted from the
schedule's start (its StartDate, else its creation), scaled by ``seconds_per_minute``
for the local backend's tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pyawscron import AWSCron

from .errors import FieldError, SageRunError

UTC = dt.timezone.utc
DEFAULT_TIMEZONE = "UTC"
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_DAY_NAMES = {
    "SUN": "Sunday",
    "MON": "Monday",
    "TUE": "Tuesday",
    "WED": "Wednesday",
    "THU": "Thursday",
    "FRI": "Friday",
    "SAT": "Saturday",
}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_UNITS = {"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440}
# One field of a cron expression: the characters EventBridge allows in it.
_FIELD_SYNTAX = (
    ("minutes", re.compile(r"[0-9,\-*/]+"), 0, 59),
    ("hours", re.compile(r"[0-9,\-*/]+"), 0, 23),
    ("day-of-month", re.compile(r"\?|L|LW|L-\d+|\d+W|[0-9,\-*/]+"), 1, 31),
    ("month", re.compile(r"[0-9A-Z,\-*/]+"), 1, 12),
    ("day-of-week", re.compile(r"\?|L|\d+L|\d#\d|[0-9A-Z,\-*/]+"), 1, 7),
    ("year", re.compile(r"[0-9,\-*/]+"), 1970, 2199),
)
# How far ahead a cron expression may have no firing at all before it is "never".
_MAX_CRON_STEPS = 2000


@dataclass(frozen=True)
class Expression:
    """A checked schedule expression."""

    text: str
    kind: str  # "cron" | "rate" | "at"
    body: str  # what is inside the parentheses
    rate_minutes: int = 0  # rate(...) only
    at_wall: dt.datetime | None = None  # at(...) only: naive, in the schedule's zone


def _bad(field: str, message: str) -> SageRunError:
    return SageRunError(
        400, "ValidationException", f"{field} {message}", fields=[FieldError(field, message)]
    )


def parse(text: str, field: str = "expression") -> Expression:
    """The expression ``text``, or a 400 naming ``field`` saying what is wrong with it."""
    text = (text or "").strip()
    found = re.fullmatch(r"(cron|rate|at)\((.*)\)", text)
    if found is None:
        raise _bad(field, "must be cron(...), rate(...) or at(...)")
    kind, body = found.group(1), found.group(2).strip()
    if kind == "rate":
        return _parse_rate(text, body, field)
    if kind == "at":
        try:
            wall = dt.datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            raise _bad(field, "at(...) takes a time as yyyy-mm-ddThh:mm:ss") from None
        return Expression(text, kind, body, at_wall=wall)
    _check_cron(body, field)
    return Expression(text, kind, " ".join(body.split()))


def _parse_rate(text: str, body: str, field: str) -> Expression:
    found = re.fullmatch(r"(\d+)\s+([a-z]+)", body)
    if found is None or found.group(2) not in _UNITS:
        raise _bad(field, "rate(...) takes a number and minute(s), hour(s) or day(s)")
    value, unit = int(found.group(1)), found.group(2)
    if value < 1:
        raise _bad(field, "rate(...) needs a value of at least 1")
    if (value == 1) != (not unit.endswith("s")):
        raise _bad(field, "rate(...) says 1 minute|hour|day, or N minutes|hours|days")
    return Expression(text, "rate", body, rate_minutes=value * _UNITS[unit])


def _check_cron(body: str, field: str) -> None:
    parts = body.split()
    if len(parts) != 6:
        raise _bad(
            field, "cron(...) has six fields: minutes hours day-of-month month day-of-week year"
        )
    for part, (name, syntax, _low, _high) in zip(parts, _FIELD_SYNTAX, strict=True):
        if not syntax.fullmatch(part.upper()):
            raise _bad(field, f"cron(...) has a bad {name} field {part!r}")
    dom, dow = parts[2], parts[4]
    if (dom == "?") == (dow == "?"):
        raise _bad(field, "cron(...) needs ? in exactly one of day-of-month and day-of-week")
    for part, (name, _, low, high) in zip(parts, _FIELD_SYNTAX, strict=True):
        _check_values(part.upper(), name, low, high, field)
    try:
        AWSCron(_for_pyawscron(body)).occurrence(dt.datetime(2000, 1, 1, tzinfo=UTC)).next()
    except Exception:
        raise _bad(field, f"cron(...) cannot be read: {body!r}") from None


def _named_to_numbers(part: str, name: str) -> str:
    if name == "month":
        for index, month in enumerate(_MONTHS, 1):
            part = part.replace(month, str(index))
    if name == "day-of-week":
        for index, day in enumerate(_WEEKDAYS, 1):
            part = part.replace(day, str(index))
    return part


def _check_values(part: str, name: str, low: int, high: int, field: str) -> None:
    if part in ("*", "?", "L", "LW"):
        return
    text = _named_to_numbers(part, name)
    if re.search(r"[A-Z]", text.replace("L", "").replace("W", "")):
        raise _bad(field, f"cron(...) has a bad {name} field {part!r}")
    for item in text.split(","):
        value_part = item.split("/")[0].split("#")[0].rstrip("LW")
        if value_part.startswith("L-"):
            continue
        for number in (n for n in value_part.split("-") if n not in ("", "*")):
            if not number.isdigit() or not low <= int(number) <= high:
                raise _bad(field, f"cron(...) {name} values go from {low} to {high}")


def _for_pyawscron(body: str) -> str:
    """The body as pyawscron reads it (one space between fields, names in capitals)."""
    return " ".join(body.upper().split())


def zone(name: str | None, field: str = "timezone") -> ZoneInfo:
    """The IANA time zone ``name`` (UTC when empty), or a 400 naming ``field``."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise _bad(field, f"is not an IANA time zone: {name!r}") from None


def check_window(start: dt.datetime | None, end: dt.datetime | None) -> None:
    """A 400 naming endDate when the window ends before (or when) it starts."""
    if start is not None and end is not None and end <= start:
        raise _bad("endDate", "must be after startDate")


def aware(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC; a naive time is taken as UTC (as EventBridge takes its dates)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def next_firings(
    expression: Expression,
    tz: ZoneInfo,
    after: dt.datetime,
    *,
    count: int = 3,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    anchor: dt.datetime | None = None,
    seconds_per_minute: float = 60.0,
) -> list[dt.datetime]:
    """Up to ``count`` firing times strictly after ``after`` (UTC, aware), within
    [start, end]. ``anchor`` is where a rate counts from (start, else creation)."""
    after = aware(after)
    lower = aware(start) if start is not None else None
    upper = aware(end) if end is not None else None
    out: list[dt.datetime] = []
    for moment in _candidates(expression, tz, after, lower, anchor, seconds_per_minute):
        if upper is not None and moment > upper:
            break
        if lower is not None and moment < lower:
            continue
        out.append(moment)
        if len(out) >= count:
            break
    return out


def _candidates(
    expression: Expression,
    tz: ZoneInfo,
    after: dt.datetime,
    lower: dt.datetime | None,
    anchor: dt.datetime | None,
    seconds_per_minute: float,
) -> Iterator[dt.datetime]:
    if expression.kind == "at":
        assert expression.at_wall is not None
        moment = expression.at_wall.replace(tzinfo=tz).astimezone(UTC)
        if moment > after:
            yield moment
        return
    if expression.kind == "rate":
        period = dt.timedelta(seconds=expression.rate_minutes * seconds_per_minute)
        base = aware(anchor or lower or after)
        steps = max(0, int((after - base) / period))
        moment = base + period * steps
        while True:
            if moment > after:
                yield moment
            moment += period
    # Walked in the zone's wall-clock time, which pyawscron is given as if it were UTC.
    cron = AWSCron(_for_pyawscron(expression.body))
    wall = after.astimezone(tz).replace(tzinfo=None)
    for _ in range(_MAX_CRON_STEPS):
        found = cron.occurrence(wall.replace(tzinfo=UTC)).next()
        if found is None:
            return
        wall = found.replace(tzinfo=None)
        moment = wall.replace(tzinfo=tz).astimezone(UTC)  # fold=0: a repeated time once
        # A wall time the spring shift skips comes back as another: it does not fire.
        exists = moment.astimezone(tz).replace(tzinfo=None) == wall
        if exists and moment > after:
            yield moment


def describe(expression: Expression, timezone: str | None) -> str:
    """The expression in words, with its time zone: "weekdays at 06:00 (Europe/Berlin)"."""
    where = f" ({timezone or DEFAULT_TIMEZONE})"
    if expression.kind == "at":
        assert expression.at_wall is not None
        return f"once at {expression.at_wall:%Y-%m-%d %H:%M:%S}{where}"
    if expression.kind == "rate":
        return f"every {expression.body}"
    return _describe_cron(expression.body.upper().split()) + where


def _describe_cron(parts: list[str]) -> str:
    minute, hour, dom, month, dow, year = parts
    every = month == "*" and year == "*"
    if every and minute.isdigit() and hour == "*" and dom in ("*", "?") and dow in ("*", "?"):
        return f"every hour at minute {int(minute)}"
    if not (every and minute.isdigit() and hour.isdigit()):
        return f"cron({' '.join(parts)})"
    at = f"{int(hour):02d}:{int(minute):02d}"
    if dom in ("*", "?") and dow in ("*", "?"):
        return f"every day at {at}"
    if dom == "?" and dow in ("MON-FRI", "2-6"):
        return f"weekdays at {at}"
    day = _named_to_numbers(dow, "day-of-week")
    if dom == "?" and day.isdigit() and 1 <= int(day) <= 7:
        return f"every {_DAY_NAMES[_WEEKDAYS[int(day) - 1]]} at {at}"
    if dow == "?" and dom.isdigit():
        return f"every month on day {int(dom)} at {at}"
    if dow == "?" and dom == "L":
        return f"every month on its last day at {at}"
    return f"cron({' '.join(parts)})"


_SCHEDULE_ID = re.compile(r"[a-zA-Z0-9_-]{1,36}")


def schedule_identifier(name: str) -> str:
    """The ``scheduleIdentifier`` of StartNotebookRun for the schedule ``name``: the name
    itself when it fits DataZone's ``[a-zA-Z0-9_-]{1,36}``, else a stable id made of
    its first letters and a digest of it (a name may have '.' and 64 characters)."""
    if _SCHEDULE_ID.fullmatch(name):
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    head = re.sub(r"[^a-zA-Z0-9_-]", "-", name)[:23]
    return f"{head}-{digest}"
