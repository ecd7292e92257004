"""The one EventBridge Scheduler service model of the process: the one we ship.

botocore 1.29.0, our floor, predates EventBridge Scheduler, so its model is shipped
beside DataZone's in ``botocore_data/`` (``scripts/refresh_model.py``) and read by the
same Loader (``datazone_model.loader()``): the aws gateway, the validator and the local
backend's Scheduler endpoint all read the same API on every supported botocore.
"""

from __future__ import annotations

import threading

from botocore.model import ServiceModel

from .datazone_model import loader

SERVICE_NAME = "scheduler"
#: The universal target that calls DataZone's StartNotebookRun: the only target the
#: project's schedules use, and the only one the local backend can fire.
START_NOTEBOOK_RUN_ARN = "arn:aws:scheduler:::aws-sdk:datazone:startNotebookRun"

_lock = threading.Lock()
_service_model: ServiceModel | None = None


def service_model() -> ServiceModel:
    global _service_model
    shipped = loader()
    with _lock:
        if _service_model is None:
            data = shipped.load_service_model(SERVICE_NAME, "service-2")
            _service_model = ServiceModel(data, service_name=SERVICE_NAME)
        return _service_model
