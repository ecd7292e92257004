"""What a real ``jupyter-server`` with the extension on imports at start-up, and when
the rest comes: the request models (pydantic), the AWS SDK and the DataZone model are
the first request's to import, not every server's (the start-up budget that
``benchmarks/footprint.py`` measures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testkit.server import jupyter_server

pytestmark = pytest.mark.timeout(180)

AWS = (
    "--SageRun.backend=aws",
    "--SageRun.domain_id=dzd_startup",
    "--SageRun.project_id=startup",
    "--SageRun.region=us-east-1",
)

#: What the run service brings, and a server nobody runs a notebook from never needs.
SERVICE_ONLY = (
    "pydantic",
    "botocore",
    "boto3",
    "jupyter_sagerun.runs.models",
    "jupyter_sagerun.runs.service",
    "jupyter_sagerun.aws.datazone",
    "jupyter_sagerun.runs.sync",
    "jupyter_sagerun.local.protocol",
)


def _imported(record: Path) -> set[str]:
    return set(json.loads(record.read_text()))


def _of(imported: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in imported if any(m == n or m.startswith(f"{n}.") for n in names))


def test_start_up_imports_no_service_and_the_first_request_brings_it(tmp_path: Path) -> None:
    idle = tmp_path / "idle-modules.json"
    (tmp_path / "idle").mkdir()
    (tmp_path / "used").mkdir()
    with jupyter_server(
        tmp=tmp_path / "idle", extra_args=AWS, wait_for_backend=False, record_modules=idle
    ):
        pass  # started: it answered Jupyter's /api/status, and nothing asked us
    imported = _imported(idle)
    assert "jupyter_sagerun.server.handlers" in imported  # the extension did load its routes
    assert not _of(imported, SERVICE_ONLY), "imported at start-up, before any request"

    # The same server, asked once: the service is built then, and answers.
    used = tmp_path / "used-modules.json"
    with jupyter_server(
        tmp=tmp_path / "used", extra_args=AWS, wait_for_backend=False, record_modules=used
    ) as server:
        with server.session() as http:
            answer = http.get(server.url("sagerun/context"), timeout=60)
        assert answer.status_code == 200, answer.text
        context = answer.json()
        assert (context["backend"], context["domainId"]) == ("aws", "dzd_startup"), context
    assert {"pydantic", "botocore", "jupyter_sagerun.runs.service"} <= _imported(used)
