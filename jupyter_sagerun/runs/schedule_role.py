"""Which IAM role EventBridge Scheduler assumes to start a schedule's runs.

``--SageRun.schedule_role_arn`` first; else, in an SMUS space, the project's role as
the space metadata names it (the space's execution role is the project's user role);
else none, and schedules are unavailable, saying why and what to set. The local
backend needs no real role: it is given a fixed one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import RunContext, read_space_metadata

LOCAL_ROLE_ARN = "arn:aws:iam::000000000000:role/sagerun-local-scheduler"
NO_ROLE = (
    "No role for EventBridge Scheduler: set --SageRun.schedule_role_arn to a role that "
    "trusts scheduler.amazonaws.com and may call datazone:StartNotebookRun."
)


def space_role(metadata: Mapping[str, Any]) -> str | None:
    """The project role of the space's metadata, when it names one."""
    extra = metadata.get("AdditionalMetadata")
    candidates = [
        extra.get("ProjectRoleArn") if isinstance(extra, Mapping) else None,
        metadata.get("ExecutionRoleArn"),
    ]
    for value in candidates:
        if isinstance(value, str) and value.startswith("arn:") and ":role/" in value:
            return value
    return None


class RoleChoice:
    def __init__(self, configured: str | None, metadata_path: str) -> None:
        self.configured = configured or None
        self.metadata_path = metadata_path

    def resolve(self, ctx: RunContext) -> tuple[str | None, str | None, str | None]:
        """(role ARN, where it came from: config|space|local, why there is none)."""
        if ctx.backend == "local":
            return LOCAL_ROLE_ARN, "local", None
        if self.configured:
            return self.configured, "config", None
        found = space_role(read_space_metadata(self.metadata_path))
        if found:
            return found, "space", None
        return None, None, NO_ROLE
