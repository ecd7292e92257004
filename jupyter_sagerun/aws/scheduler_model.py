"""The one EventBridge Scheduler service model of the process: the one we ship.

botocore 1.29.0, our floor, predates EventBridge Scheduler, so its model is shipped
beside DataZone's in ``botocore_data/`` (``scripts/refresh_model.py``) and read by the
same Loader (``datazone_model.loader()``): the aws gateway, the validator and the local
backend's Scheduler endpoint all read the same API on every supported botocore.
"""

from __future__ import annotations

import functools

from botocore.model import ServiceModel

from .datazone_model import shipped_service_model

SERVICE_NAME = "scheduler"
#: The universal target that calls DataZone's StartNotebookRun: the only target the
#: project's schedules use, and the only one the local backend can fire.
START_NOTEBOOK_RUN_ARN = "arn:aws:scheduler:::aws-sdk:datazone:startNotebookRun"


def service_model() -> ServiceModel:
    return shipped_service_model(SERVICE_NAME)


@functools.lru_cache(maxsize=1)
def schedule_members() -> tuple[str, ...]:
    """What a schedule is: UpdateSchedule's members but its ClientToken, each of which a
    GetSchedule answer gives back (so pausing one is "the answer, State changed")."""
    shape = service_model().operation_model("UpdateSchedule").input_shape
    assert shape is not None
    return tuple(name for name in shape.members if name != "ClientToken")
