"""The way to EventBridge Scheduler: the same sessions, credentials, retries, timeouts,
error translation and log hygiene as DataZone's (``datazone.DataZoneGateway``, whose
clients this borrows), for the ``scheduler`` service of the model we ship.

A schedule's ``Target.Input`` is a StartNotebookRun request and holds parameter values:
the whole input and each sensitive value in it are redacted from any message a failure
carries, and no parameter is ever logged (only operation names and error codes are).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from botocore import xform_name

from ..core.errors import SageRunError
from ..core.target import AwsTarget
from .datazone import DataZoneGateway
from .datazone_model import service_model as datazone_model
from .error_tables import sensitive_strings
from .scheduler_model import SERVICE_NAME

log = logging.getLogger(__name__)


def _input_secrets(params: Mapping[str, Any]) -> list[str]:
    """The target input and the sensitive values inside it (parameters)."""
    raw = (params.get("Target") or {}).get("Input")
    if not isinstance(raw, str) or not raw:
        return []
    out = [raw]
    try:
        request = json.loads(raw)
    except ValueError:
        return out
    shape = datazone_model().operation_model("StartNotebookRun").input_shape
    return out + sensitive_strings(shape, request)


def access_denied(operation: str, role_arn: str | None, error: SageRunError) -> SageRunError:
    """AccessDenied from EventBridge Scheduler, said so that a user knows what to fix."""
    role = f" and iam:PassRole on {role_arn}" if role_arn else ""
    message = (
        f"EventBridge Scheduler refused {operation}: the credentials of this server need "
        f"scheduler:{operation}{role}, and the role must trust scheduler.amazonaws.com and "
        "allow datazone:StartNotebookRun (set another with --SageRun.schedule_role_arn)."
    )
    return SageRunError(403, "AccessDeniedException", message, request_id=error.request_id)


class SchedulerGateway:
    """Blocking calls to EventBridge Scheduler; run it off the event loop."""

    def __init__(self, datazone: DataZoneGateway) -> None:
        self.datazone = datazone

    def call(self, target: AwsTarget, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        endpoint = target.scheduler_endpoint_url
        secrets = _input_secrets(params)
        try:
            client = self.datazone.client(target, SERVICE_NAME)
            endpoint = client.meta.endpoint_url
            if operation not in client.meta.service_model.operation_names:
                raise SageRunError(
                    500, "InternalError", f"Unknown EventBridge Scheduler operation {operation}."
                )
            response: dict[str, Any] = getattr(client, xform_name(operation))(**params)
        except Exception as exc:
            mapped = self.datazone._fail(exc, target, operation, endpoint, secrets)
            if mapped.code == "AccessDeniedException":
                role = (params.get("Target") or {}).get("RoleArn")
                raise access_denied(operation, role, mapped) from None
            raise mapped from None
        response.pop("ResponseMetadata", None)
        return response
