"""The run's members have one home, the table generated from the shipped model
(``jupyter_sagerun/core/run_members.py``), and every reader of a run follows it: the REST
run shows exactly its members, the run request passes on every setting, and the local
backend keeps every setting it is given."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from botocore.model import ListShape, MapShape, Shape, StructureShape

from jupyter_sagerun.aws.datazone_model import service_model
from jupyter_sagerun.core import run_members
from jupyter_sagerun.core.runjson import run_json
from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.runs.models import StartRunBody
from testkit.local import Local
from testkit.notebooks import notebook_bytes

ROOT = Path(__file__).resolve().parent.parent


def _generator() -> ModuleType:
    path = ROOT / "scripts" / "generate_run_members.py"
    spec = importlib.util.spec_from_file_location("generate_run_members", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_table_is_what_the_model_says(tmp_path: Path) -> None:
    generator = _generator()
    committed = ROOT / "jupyter_sagerun" / "core" / "run_members.py"
    assert committed.read_text() == generator.render(generator.build())
    assert generator.main(["--check"]) == 0
    stale = tmp_path / "run_members.py"
    stale.write_text(committed.read_text().replace('    "metadata",\n', "", 1))
    assert generator.main(["--check", "--output", str(stale)]) == 1


def test_the_table_partitions_the_models_members() -> None:
    model = service_model()
    start = model.operation_model("StartNotebookRun").input_shape
    output = model.operation_model("GetNotebookRun").output_shape
    assert tuple(output.members) == run_members.RUN_OUTPUT
    assert set(run_members.REST_RUN) | set(run_members.WITHHELD) == set(output.members)
    assert not set(run_members.REST_RUN) & set(run_members.WITHHELD)
    # The members naming where a run goes and its token are not settings of the run.
    assert set(run_members.START_SETTINGS) == (
        set(start.members) - set(start.required_members) - {"clientToken"}
    )
    assert set(run_members.STORED_AS) == set(run_members.START_SETTINGS)
    assert set(run_members.STORED_AS.values()) <= set(run_members.REST_RUN)


def _example(shape: Shape, depth: int = 0) -> Any:
    """A value of ``shape``, with every member of every structure set."""
    if isinstance(shape, StructureShape):
        return {name: _example(member, depth + 1) for name, member in shape.members.items()}
    if isinstance(shape, ListShape):
        return [_example(shape.member, depth + 1)]
    if isinstance(shape, MapShape):
        return {"k": _example(shape.value, depth + 1)}
    if shape.type_name == "timestamp":
        return datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    if shape.type_name in ("integer", "long"):
        return 7
    if shape.type_name == "boolean":
        return True
    enum = shape.metadata.get("enum")
    return enum[0] if enum else f"value-{depth}"


def test_a_full_run_shows_exactly_the_rest_members() -> None:
    answer = _example(service_model().operation_model("GetNotebookRun").output_shape)
    assert set(answer) == set(run_members.RUN_OUTPUT)
    shown = run_json(answer, path=None, full=True, reveal=True)
    # ``parameters`` is shown as its names, and its values only when revealed.
    assert set(shown) == set(run_members.REST_RUN) | {"parameterNames"}
    assert shown["createdAt"] == "2026-01-02T03:04:05Z"
    assert set(shown["error"]) == {"message"}
    hidden = run_json(answer, path=None, full=True)
    assert set(hidden) == set(run_members.REST_RUN) - {"parameters"} | {"parameterNames"}


def test_the_spec_documents_the_rest_members() -> None:
    spec = yaml.safe_load((ROOT / "api" / "openapi.yaml").read_text())
    documented = set(spec["components"]["schemas"]["RunSummary"]["properties"])
    # What the server adds to the model's members: the parameters' names, the path and
    # (at the REST edge) whether that path is in this server's workspace.
    assert documented == set(run_members.REST_RUN) | {"parameterNames", "path", "inWorkspace"}


def test_a_run_request_passes_on_every_setting() -> None:
    value: dict[str, Any] = {"scheduleIdentifier": "sched-1"}
    body = StartRunBody.model_validate(
        {name: value.get(name, {"k": "v"}) for name in run_members.START_SETTINGS}
    )
    assert set(body.run_settings()) == set(run_members.START_SETTINGS)


#: A valid value for each StartNotebookRun setting; a setting the model adds fails here
#: until it has one.
SETTINGS: dict[str, Any] = {
    "scheduleIdentifier": "sched-1",
    "computeConfiguration": {"instanceType": "ml.m5.large"},
    "networkConfiguration": {
        "networkAccessType": "VPC_ONLY",
        "vpcId": "vpc-1",
        "subnetIds": ["s-1"],
        "securityGroupIds": ["sg-1"],
    },
    "timeoutConfiguration": {"runTimeoutInMinutes": 90},
    "notificationConfiguration": {"notifyOn": ["FAILED"]},
    "triggerSource": {"type": "WORKFLOW", "name": "wf"},
    "metadata": {"team": "a"},
    "parameters": {"alpha": "0.5"},
}


@pytest.fixture
def paused(tmp_path: Path) -> Iterator[Local]:
    """A real local backend whose runs stay QUEUED."""
    backend = LocalBackend(state_dir=str(tmp_path / "state"), max_concurrent_runs=0)
    backend.start()
    try:
        yield Local.of(backend)
    finally:
        backend.stop()


def test_the_local_backend_keeps_every_setting_it_is_given(paused: Local) -> None:
    assert tuple(SETTINGS) == run_members.START_SETTINGS
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    started = paused.start_run(notebook_id, **SETTINGS)
    expected = {run_members.STORED_AS[name]: value for name, value in SETTINGS.items()}
    for answer in (started, paused.get_run(started["id"])):
        assert {member: answer.get(member) for member in expected} == expected
