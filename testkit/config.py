"""What the code under test is configured with: a Jupyter server's config with the
extension on, and a resolved run context for tests of one layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from traitlets.config import Config

from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.runs.context import RunContext


def sagerun_config(
    tmp_path: Path,
    backend: LocalBackend | None = None,
    *,
    sagerun: dict[str, Any] | None = None,
    local: dict[str, Any] | None = None,
) -> Config:
    """Server config with the extension on. With ``backend``, its state directory is
    the server's (the server finds that backend through its connection file); without,
    ``tmp_path/local-backend``, where the server starts one with ``local``'s traits."""
    values: dict[str, Any] = {
        "backend": "local",
        "state_dir": str(tmp_path / "sagerun-state"),
        # No SMUS space here, whatever the machine running the tests has.
        "metadata_path": str(tmp_path / "no-metadata.json"),
    }
    values.update(sagerun or {})
    state = backend.state_dir if backend is not None else str(tmp_path / "local-backend")
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyter_sagerun": True}},
            "SageRun": values,
            "LocalBackend": {
                "state_dir": state,
                "max_concurrent_runs": 4,
                **(local or {}),
            },
        }
    )


def aws_context(
    domain: str | None = "dzd_abc",
    project: str | None = "proj",
    staging: str | None = "s3://b/stage/",
) -> RunContext:
    """A resolved aws-backend context, for tests of one layer with a fake gateway."""
    return RunContext(
        backend="aws",
        domain_id=domain,
        project_id=project,
        region="us-east-1",
        profile=None,
        endpoint_url=None,
        s3_endpoint_url=None,
        staging_s3_uri=staging,
        sources={},
        subnet_ids=[],
        security_group_ids=[],
    )
