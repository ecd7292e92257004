"""Typed shapes of the schedule routes' bodies (``sagerun/schedules``): the envelope
only, as ``models.py`` does for runs. The expression, the time zone and the dates are
checked by ``core.schedule_expressions``; the run settings by the DataZone model."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr


class _Body(BaseModel):
    # Unknown fields are refused by name; unlike the run bodies, a JSON null is "not
    # given" here: the form sends startDate/endDate/description as null when empty.
    model_config = ConfigDict(extra="forbid")


#: The run settings a schedule carries, under DataZone's StartNotebookRun names (and
#: environmentConfiguration, which is the notebook's, set at creation).
RUN_SETTINGS = (
    "computeConfiguration",
    "networkConfiguration",
    "timeoutConfiguration",
    "notificationConfiguration",
    "metadata",
    "parameters",
)


class ScheduleRequest(_Body):
    """``POST sagerun/schedules`` and ``PUT sagerun/schedules/{name}``."""

    name: StrictStr | None = None
    path: StrictStr | None = None
    expression: StrictStr | None = None
    timezone: StrictStr | None = None
    startDate: StrictStr | None = None
    endDate: StrictStr | None = None
    state: Literal["ENABLED", "DISABLED"] = "ENABLED"
    description: StrictStr | None = None
    domainId: StrictStr | None = None
    projectId: StrictStr | None = None
    computeConfiguration: dict[str, Any] | None = None
    networkConfiguration: dict[str, Any] | None = None
    timeoutConfiguration: dict[str, Any] | None = None
    notificationConfiguration: dict[str, Any] | None = None
    parameters: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    environmentConfiguration: dict[str, Any] | None = None

    def run_settings(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in RUN_SETTINGS if getattr(self, name)}


class PreviewRequest(_Body):
    """``POST sagerun/schedules/preview``."""

    expression: StrictStr | None = None
    timezone: StrictStr | None = None
    startDate: StrictStr | None = None
    endDate: StrictStr | None = None
    count: StrictInt = 3


class ScheduleScope(_Body):
    """The optional body of pause, resume and run-now."""

    domainId: StrictStr | None = None
    projectId: StrictStr | None = None
