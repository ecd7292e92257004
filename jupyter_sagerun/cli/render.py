"""What the commands print: errors naming the failing option, run tables and details.

Runs come as the REST API's run JSON, which never holds parameter values (only
``parameterNames``), so nothing printed here can leak one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from ..core.errors import SageRunError

# Field path prefix (the REST API's names) → the option that sets it on this command line.
_OPTIONS = (
    ("computeConfiguration.instanceType", "--instance-type"),
    ("computeConfiguration.environmentVersion", "--environment-version"),
    ("timeoutConfiguration", "--timeout"),
    ("networkConfiguration.networkAccessType", "--network"),
    ("networkConfiguration.vpcId", "--vpc-id"),
    ("networkConfiguration.subnetIds", "--subnet"),
    ("networkConfiguration.securityGroupIds", "--security-group"),
    ("networkConfiguration", "--network"),
    ("parameters", "-p"),
    ("metadata", "--metadata"),
    ("clientToken", "--client-token"),
    ("path", "NOTEBOOK"),
    ("notebookId", "--notebook-id"),
    ("domainId", "--domain-id"),
    ("projectId", "--project-id"),
    ("runId", "RUN_ID"),
    ("status", "--status"),
    ("maxResults", "--max"),
    ("stagingS3Uri", "--SageRun.staging_s3_uri"),
)


def option_for(path: str) -> str | None:
    for prefix, option in _OPTIONS:
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return option
    return None


def print_error(exc: SageRunError, stream: TextIO | None = None) -> None:
    out = stream or sys.stderr
    print(f"jupyter sagerun: error: {exc.message}", file=out)
    for field in exc.fields:
        option = option_for(field.path)
        where = f"{field.path} ({option})" if option else field.path
        print(f"  {where}: {field.message}", file=out)


def print_json(data: Any, stream: TextIO | None = None) -> None:
    print(json.dumps(data, indent=2, sort_keys=True), file=stream or sys.stdout)


def _when(value: Any) -> str:
    # "2026-11-26T23:40:00.123Z" → "2026-11-26 23:40:00Z": readable, still UTC.
    if not isinstance(value, str):
        return "-"
    return value.replace("T", " ").split(".")[0].rstrip("Z") + "Z"


def table(runs: Sequence[Mapping[str, Any]]) -> str:
    rows = [("RUN ID", "STATUS", "CREATED (UTC)", "NOTEBOOK")]
    for run in runs:
        notebook = run.get("path") or run.get("notebookId") or "-"
        rows.append(
            (str(run.get("id")), str(run.get("status")), _when(run.get("createdAt")), notebook)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    ]
    return "\n".join(lines)


def details(run: Mapping[str, Any]) -> str:
    compute = run.get("computeConfiguration") or {}
    timeout = (run.get("timeoutConfiguration") or {}).get("runTimeoutInMinutes")
    network = (run.get("networkConfiguration") or {}).get("networkAccessType")
    error = (run.get("error") or {}).get("message")
    rows = [
        ("Run", run.get("id")),
        ("Status", run.get("status")),
        ("Notebook", run.get("path") or run.get("notebookId")),
        ("Notebook id", run.get("notebookId")),
        ("Domain / project", f"{run.get('domainId')} / {run.get('owningProjectId')}"),
        ("Instance type", compute.get("instanceType")),
        ("Environment", compute.get("environmentVersion")),
        ("Network", network),
        ("Timeout (min)", timeout),
        ("Parameters", ", ".join(run.get("parameterNames") or []) or None),
        ("Created", _when(run.get("createdAt"))),
        ("Started", _when(run.get("startedAt")) if run.get("startedAt") else None),
        ("Completed", _when(run.get("completedAt")) if run.get("completedAt") else None),
        ("Error", error),
    ]
    shown = [(label, str(value)) for label, value in rows if value not in (None, "")]
    width = max(len(label) for label, _ in shown)
    return "\n".join(f"{label + ':':<{width + 1}} {value}" for label, value in shown)


def follow_hint(run_id: str) -> str:
    return (
        f"  follow it:  jupyter sagerun status {run_id} --wait\n"
        f"  stop it:    jupyter sagerun stop {run_id}"
    )
