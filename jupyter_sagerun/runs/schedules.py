"""Schedules: a notebook run every morning, as an EventBridge Scheduler schedule whose
universal target calls DataZone's StartNotebookRun.

Blocking, no tornado and no boto3: EventBridge Scheduler is behind a gateway (``call``),
the notebook's sync and the run settings' checks are the run service's. A schedule lives
in one schedule group per project (``sagerun-<projectId>``, created on first use); its
Description's first line records the notebook path; its target input is the
StartNotebookRun request WITHOUT a clientToken (a fixed one would make every firing
answer the first run), with ``triggerSource {SCHEDULED, name}`` and
``scheduleIdentifier``, so each firing says which schedule started it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ..aws import scheduler_model
from ..aws.scheduler_model import START_NOTEBOOK_RUN_ARN, schedule_members
from ..aws.validation import validate_input
from ..core import schedule_expressions as expressions
from ..core.errors import FieldError, SageRunError, not_found, validation_error
from .context import RunContext
from .models import StartRunBody, checked_run_request
from .schedule_models import RUN_SETTINGS, PreviewRequest, ScheduleRequest
from .schedule_role import RoleChoice
from .service import RunService

NAME_PATTERN = r"[0-9a-zA-Z-_.]{1,64}"
PATH_PREFIX = "notebook: "
MAX_PREVIEW = 10


class Gateway(Protocol):
    def call(self, target: Any, operation: str, params: Mapping[str, Any]) -> dict[str, Any]: ...


def group_name(project_id: str) -> str:
    """The schedule group of a project: project ids are unique, so groups never collide."""
    return f"sagerun-{project_id}"


def _iso(value: Any) -> str | None:
    """A timestamp as the API writes them: UTC, ``Z``, whole seconds."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        value = dt.datetime.fromtimestamp(value, expressions.UTC)
    if isinstance(value, dt.datetime):
        return expressions.aware(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _date(value: str | None, field: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        return expressions.aware(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise validation_error([FieldError(field, "must be an ISO 8601 date and time")]) from None


def _field_errors(check: Callable[[], Any]) -> list[FieldError]:
    try:
        check()
    except SageRunError as exc:
        return exc.fields or [FieldError("body", exc.message)]
    return []


class ScheduleService:
    def __init__(self, runs: RunService, gateway: Gateway, role: RoleChoice) -> None:
        self.runs = runs
        self.gateway = gateway
        self.role = role

    # -- context and preview ----------------------------------------------------------

    def availability(self, ctx: RunContext) -> dict[str, Any]:
        """The ``schedules`` block of ``GET sagerun/context``."""
        arn, source, reason = self.role.resolve(ctx)
        if ctx.backend == "local" and not ctx.scheduler_endpoint_url:
            reason = "The local backend has no scheduler: restart it (jupyter sagerun local)."
        return {
            "available": reason is None,
            "reason": reason,
            "roleArn": arn,
            "roleSource": source,
        }

    def preview(self, body: PreviewRequest) -> dict[str, Any]:
        count = body.count
        if not 1 <= count <= MAX_PREVIEW:
            raise validation_error([FieldError("count", f"must be from 1 to {MAX_PREVIEW}")])
        expression, tz, start, end = self._timing(
            body.expression, body.timezone, body.startDate, body.endDate
        )
        now = dt.datetime.now(expressions.UTC)
        firings = expressions.next_firings(
            expression, tz, now, count=count, start=start, end=end, anchor=start or now
        )
        return {
            "description": expressions.describe(expression, body.timezone),
            "nextFirings": [f.astimezone(tz).isoformat() for f in firings],
        }

    def _timing(
        self, text: str | None, zone: str | None, start_text: str | None, end_text: str | None
    ) -> tuple[expressions.Expression, Any, dt.datetime | None, dt.datetime | None]:
        problems: list[FieldError] = []
        if not text:
            problems.append(FieldError("expression", "is required"))
        problems += _field_errors(lambda: expressions.parse(text or "cron(0 0 * * ? *)"))
        problems += _field_errors(lambda: expressions.zone(zone))
        dates: list[dt.datetime | None] = []
        for raw, field in ((start_text, "startDate"), (end_text, "endDate")):
            try:
                dates.append(_date(raw, field))
            except SageRunError as exc:
                problems += exc.fields
                dates.append(None)
        problems += _field_errors(lambda: expressions.check_window(dates[0], dates[1]))
        if problems:
            raise validation_error(problems)
        return expressions.parse(str(text)), expressions.zone(zone), dates[0], dates[1]

    # -- reading ----------------------------------------------------------------------

    def _ctx(self, domain_id: str | None = None, project_id: str | None = None) -> RunContext:
        return self.runs.context(domain_id, project_id)

    def _call(self, ctx: RunContext, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return self.gateway.call(ctx.target, operation, params)

    def list_schedules(
        self, path: str | None = None, domain_id: str | None = None, project_id: str | None = None
    ) -> dict[str, Any]:
        ctx = self._ctx(domain_id, project_id)
        wanted = self.runs.workspace.normalize(path) if path else None
        try:
            summaries = self._all_summaries(ctx)
        except SageRunError as exc:
            if exc.status == 404:  # no group yet: nothing scheduled in this project
                return {"schedules": []}
            raise
        out = [self._get(ctx, s["Name"]) for s in summaries]
        if wanted is not None:
            out = [s for s in out if s["path"] == wanted]
        out.sort(key=lambda s: s["createdAt"] or "", reverse=True)
        return {"schedules": out}

    def _all_summaries(self, ctx: RunContext) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"GroupName": group_name(str(ctx.project_id))}
        out: list[dict[str, Any]] = []
        while True:
            page = self._call(ctx, "ListSchedules", params)
            out += page.get("Schedules", [])
            if not page.get("NextToken"):
                return out
            params["NextToken"] = page["NextToken"]

    def get(
        self, name: str, domain_id: str | None = None, project_id: str | None = None
    ) -> dict[str, Any]:
        return self._get(self._ctx(domain_id, project_id), name)

    def _raw(self, ctx: RunContext, name: str) -> dict[str, Any]:
        try:
            return self._call(
                ctx, "GetSchedule", {"Name": name, "GroupName": group_name(str(ctx.project_id))}
            )
        except SageRunError as exc:
            if exc.status == 404:
                raise not_found(f"Schedule {name} does not exist in this project.") from None
            raise

    def _get(self, ctx: RunContext, name: str) -> dict[str, Any]:
        return schedule_json(self._raw(ctx, name))

    # -- writing ----------------------------------------------------------------------

    def create(self, body: ScheduleRequest) -> dict[str, Any]:
        return self._write(body, None)

    def update(self, name: str, body: ScheduleRequest) -> dict[str, Any]:
        if body.name is not None and body.name != name:
            raise validation_error([FieldError("name", f"must be {name}, the schedule's name")])
        return self._write(body, name)

    def _write(self, body: ScheduleRequest, existing: str | None) -> dict[str, Any]:
        ctx = self._ctx(body.domainId, body.projectId)
        name = existing or body.name or ""
        problems: list[FieldError] = []
        if not re.fullmatch(NAME_PATTERN, name):
            problems.append(FieldError("name", "must be 1 to 64 of 0-9 a-z A-Z - _ ."))
        problems += _field_errors(
            lambda: self._timing(body.expression, body.timezone, body.startDate, body.endDate)
        )
        request = {
            "domainIdentifier": ctx.domain_id,
            "owningProjectIdentifier": ctx.project_id,
            "notebookIdentifier": "pending-sync",
            **body.run_settings(),
            "triggerSource": {"type": "SCHEDULED", "name": name},
            "scheduleIdentifier": expressions.schedule_identifier(name or "x"),
        }
        problems += checked_run_request(request, body.environmentConfiguration)[1]
        if not body.path:
            problems.append(FieldError("path", "is required: the notebook to run"))
        role, _, unavailable = self.role.resolve(ctx)
        if problems:
            raise validation_error(problems)
        if unavailable or role is None:
            raise SageRunError(400, "ScheduleRoleMissing", str(unavailable))
        if existing is not None:
            self._raw(ctx, existing)  # a 404 naming it before anything is synced
        checked = self.runs.workspace.notebook(str(body.path))
        # What EventBridge would refuse (a role ARN of the wrong form, say) is refused
        # here, before the sync and the group: a refused create leaves nothing behind.
        draft = self._schedule_params(ctx, name, body, checked.rel_path, role, request)
        _refuse_unschedulable("CreateSchedule" if existing is None else "UpdateSchedule", draft)
        token = str(uuid.uuid4())
        request["notebookIdentifier"] = self.runs.syncer.ensure_synced(
            ctx,
            checked.abs_path,
            checked.rel_path,
            checked.content,
            request_token=token,
            sha256=checked.sha256,
        )
        params = self._schedule_params(ctx, name, body, checked.rel_path, role, request)
        with self.runs.environments.prepared(
            ctx, request["notebookIdentifier"], body.environmentConfiguration, token
        ):
            if existing is None:
                made_group = self._ensure_group(ctx)
                try:
                    self._call(ctx, "CreateSchedule", params)
                except SageRunError:
                    if made_group:
                        self._drop_group_if_empty(ctx)
                    raise
            else:
                self._call(ctx, "UpdateSchedule", params)
        return self._get(ctx, name)

    def _schedule_params(
        self,
        ctx: RunContext,
        name: str,
        body: ScheduleRequest,
        rel_path: str,
        role: str,
        request: dict[str, Any],
    ) -> dict[str, Any]:
        description = PATH_PREFIX + rel_path + (f"\n{body.description}" if body.description else "")
        params: dict[str, Any] = {
            "Name": name,
            "GroupName": group_name(str(ctx.project_id)),
            "ScheduleExpression": str(body.expression),
            "ScheduleExpressionTimezone": body.timezone or expressions.DEFAULT_TIMEZONE,
            "State": body.state,
            "Description": description[:512],
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "NONE",
            "Target": {
                "Arn": START_NOTEBOOK_RUN_ARN,
                "RoleArn": role,
                # No clientToken: each firing must be a run of its own.
                "Input": json.dumps(request, sort_keys=True),
            },
        }
        for field, key in (("startDate", "StartDate"), ("endDate", "EndDate")):
            value = _date(getattr(body, field), field)
            if value is not None:
                params[key] = value
        return params

    def _ensure_group(self, ctx: RunContext) -> bool:
        """Make the project's group unless it exists; whether this call made it."""
        group = group_name(str(ctx.project_id))
        try:
            self._call(ctx, "GetScheduleGroup", {"Name": group})
            return False
        except SageRunError as exc:
            if exc.status != 404:
                raise
        try:
            self._call(ctx, "CreateScheduleGroup", {"Name": group})
        except SageRunError as exc:
            if exc.status != 409:  # made meanwhile by another request: fine
                raise
            return False
        return True

    def _drop_group_if_empty(self, ctx: RunContext) -> None:
        """Undo a group this create made, when its schedule was refused: a refused
        create leaves nothing behind. Deleting a group deletes its schedules, so only
        an empty one goes; and the caller hears its create's own error, not this one's."""
        group = group_name(str(ctx.project_id))
        try:
            if not self._call(ctx, "ListSchedules", {"GroupName": group}).get("Schedules"):
                self._call(ctx, "DeleteScheduleGroup", {"Name": group})
        except SageRunError:
            pass  # best effort: an empty group is harmless, and the next create uses it

    def delete(
        self, name: str, domain_id: str | None = None, project_id: str | None = None
    ) -> None:
        ctx = self._ctx(domain_id, project_id)
        self._raw(ctx, name)
        self._call(
            ctx, "DeleteSchedule", {"Name": name, "GroupName": group_name(str(ctx.project_id))}
        )

    def set_state(
        self, name: str, state: str, domain_id: str | None = None, project_id: str | None = None
    ) -> dict[str, Any]:
        """Pause (DISABLED) or resume (ENABLED): an UpdateSchedule with all else kept."""
        ctx = self._ctx(domain_id, project_id)
        raw = self._raw(ctx, name)
        params = {k: raw[k] for k in schedule_members() if raw.get(k) is not None}
        params["State"] = state
        self._call(ctx, "UpdateSchedule", params)
        return self._get(ctx, name)

    def run_now(
        self, name: str, domain_id: str | None = None, project_id: str | None = None
    ) -> dict[str, Any]:
        """A run with the schedule's settings now, marked as the schedule's."""
        ctx = self._ctx(domain_id, project_id)
        request = json.loads(self._raw(ctx, name)["Target"]["Input"])
        body = StartRunBody.model_validate(
            {
                "notebookId": request["notebookIdentifier"],
                "domainId": request["domainIdentifier"],
                "projectId": request["owningProjectIdentifier"],
                **{k: request[k] for k in RUN_SETTINGS if request.get(k)},
                "triggerSource": {"type": "SCHEDULED", "name": name},
                "scheduleIdentifier": expressions.schedule_identifier(name),
            }
        )
        return self.runs.start_run(body)


def schedule_json(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A GetSchedule answer as the REST Schedule: parameter names, never their values."""
    described = str(raw.get("Description") or "")
    first, _, _ = described.partition("\n")
    path = first[len(PATH_PREFIX) :] if first.startswith(PATH_PREFIX) else None
    try:
        request = json.loads((raw.get("Target") or {}).get("Input") or "{}")
    except ValueError:
        request = {}
    zone_name = raw.get("ScheduleExpressionTimezone") or expressions.DEFAULT_TIMEZONE
    firings: list[str] = []
    try:
        expression = expressions.parse(str(raw.get("ScheduleExpression")))
        tz = expressions.zone(zone_name)
        words = expressions.describe(expression, zone_name)
        if raw.get("State") == "ENABLED":
            start = raw.get("StartDate")
            start_at = _date(_iso(start), "startDate") if start else None
            end = raw.get("EndDate")
            found = expressions.next_firings(
                expression,
                tz,
                dt.datetime.now(expressions.UTC),
                start=start_at,
                end=_date(_iso(end), "endDate") if end else None,
                anchor=start_at or _date(_iso(raw.get("CreationDate")), "createdAt"),
            )
            firings = [f.astimezone(tz).isoformat() for f in found]
    except SageRunError:
        words = str(raw.get("ScheduleExpression"))
    settings = {k: request[k] for k in RUN_SETTINGS if k != "parameters" and request.get(k)}
    settings["parameterNames"] = sorted((request.get("parameters") or {}).keys())
    return {
        "name": raw.get("Name"),
        "scheduleId": expressions.schedule_identifier(str(raw.get("Name"))),
        "path": path,
        "notebookId": request.get("notebookIdentifier"),
        "expression": raw.get("ScheduleExpression"),
        "timezone": zone_name,
        "startDate": _iso(raw.get("StartDate")),
        "endDate": _iso(raw.get("EndDate")),
        "state": raw.get("State"),
        "description": words,
        "nextFirings": firings,
        "createdAt": _iso(raw.get("CreationDate")),
        "updatedAt": _iso(raw.get("LastModificationDate")),
        "groupName": raw.get("GroupName"),
        "notebookSyncedAt": _iso(raw.get("LastModificationDate")),
        "runSettings": settings,
    }


#: The Scheduler's members as the REST body and the settings name them.
_REST_MEMBERS = {
    "Name": "name",
    "ScheduleExpression": "expression",
    "ScheduleExpressionTimezone": "timezone",
    "StartDate": "startDate",
    "EndDate": "endDate",
    "State": "state",
    "Description": "description",
    "Target.RoleArn": "SageRun.schedule_role_arn",
}


def _refuse_unschedulable(operation: str, params: Mapping[str, Any]) -> None:
    """A 400 naming every field the Scheduler model refuses in ``params``."""
    problems = validate_input(operation, params, model=scheduler_model.service_model())
    if problems:
        raise validation_error(
            [FieldError(_REST_MEMBERS.get(p.path, p.path), p.message) for p in problems]
        )
