"""The run workflow on its own: a fake gateway records every AWS call, so these tests
prove what is (and is not) called, and how answers are shaped."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.core.errors import SageRunError
from jupyter_sagerun.core.runjson import iso, run_json
from jupyter_sagerun.runs.context import RunContext
from jupyter_sagerun.runs.models import ListRunsQuery, StartRunBody
from jupyter_sagerun.runs.service import RunService
from jupyter_sagerun.runs.sync import NotebookSyncer
from testkit.config import aws_context
from testkit.notebooks import write_notebook

NOW = datetime(2026, 11, 26, 23, 40, tzinfo=timezone.utc)


class FakeGateway:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.puts: list[str] = []

    def call(self, target: Any, operation: str, params: Any) -> dict[str, Any]:
        params = dict(params)
        self.calls.append((operation, params))
        if operation == "StartNotebookImport":
            return {"notebookId": "nb1", "status": "ACTIVE"}
        if operation == "GetNotebook":
            return {"id": params["identifier"], "status": "ACTIVE"}
        if operation in ("StartNotebookRun", "GetNotebookRun"):
            return {
                "id": "run1",
                "domainId": "dzd_abc",
                "owningProjectId": "proj",
                "notebookId": params.get("notebookIdentifier", "nb1"),
                "status": "QUEUED",
                "parameters": params.get("parameters", {"b": "2", "a": "1"}),
                "createdAt": NOW,
                "updatedAt": NOW + timedelta(milliseconds=250),
                "cellOrder": ["ignored"],
            }
        if operation == "ListNotebookRuns":
            return {"items": [], "nextToken": None}
        if operation == "StopNotebookRun":
            return {"id": params["identifier"], "status": "STOPPING"}
        raise AssertionError(operation)

    def put_object(self, target: Any, uri: str, body: bytes) -> None:
        self.puts.append(uri)

    def get_object(self, target: Any, uri: str) -> bytes:
        raise AssertionError("not used")

    def operations(self) -> list[str]:
        return [op for op, _ in self.calls]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    write_notebook(root, "ok.ipynb", "x = 1")
    return root


def _service(
    root: Path, tmp_path: Path, gateway: FakeGateway, context: RunContext | None = None, **kw: Any
) -> RunService:
    ctx = context or aws_context()
    return RunService(
        gateway,
        lambda domain, project: ctx,
        NotebookSyncer(gateway, tmp_path / "state"),
        str(root),
        **kw,
    )


def test_start_by_path_syncs_then_starts_with_the_token(root: Path, tmp_path: Path) -> None:
    gateway = FakeGateway()
    run = _service(root, tmp_path, gateway).start_run(
        StartRunBody(path="./ok.ipynb", clientToken="tok-1", parameters={"b": "2", "a": "1"})
    )
    assert gateway.operations() == ["StartNotebookImport", "StartNotebookRun"]
    start = gateway.calls[-1][1]
    assert start["clientToken"] == "tok-1"
    assert start["notebookIdentifier"] == "nb1"
    assert start["domainIdentifier"] == "dzd_abc" and start["owningProjectIdentifier"] == "proj"
    assert run["path"] == "ok.ipynb"
    assert run["parameterNames"] == ["a", "b"]
    assert "parameters" not in run and "cellOrder" not in run
    assert run["createdAt"] == "2026-11-26T23:40:00Z"
    assert run["updatedAt"] == "2026-11-26T23:40:00.250Z"


def test_a_client_token_is_made_when_absent(root: Path, tmp_path: Path) -> None:
    gateway = FakeGateway()
    _service(root, tmp_path, gateway).start_run(StartRunBody(notebookId="nb9"))
    assert len(gateway.calls[-1][1]["clientToken"]) == 36


@pytest.mark.parametrize(
    ("context", "field"),
    [(aws_context(domain=None), "domainId"), (aws_context(project=None), "projectId")],
)
def test_missing_domain_or_project_names_it_and_calls_nothing(
    root: Path, tmp_path: Path, context: RunContext, field: str
) -> None:
    gateway = FakeGateway()
    with pytest.raises(SageRunError) as raised:
        _service(root, tmp_path, gateway, context).start_run(StartRunBody(path="ok.ipynb"))
    assert raised.value.status == 400
    assert [f.path for f in raised.value.fields] == [field]
    assert "--SageRun." in raised.value.fields[0].message
    assert gateway.calls == [] and gateway.puts == []


def test_symlink_inside_the_root_is_fine(root: Path, tmp_path: Path) -> None:
    os.symlink(root / "ok.ipynb", root / "link.ipynb")
    gateway = FakeGateway()
    run = _service(root, tmp_path, gateway).start_run(StartRunBody(path="link.ipynb"))
    assert run["path"] == "link.ipynb"


def test_notebook_over_the_size_limit_is_refused(root: Path, tmp_path: Path) -> None:
    gateway = FakeGateway()
    with pytest.raises(SageRunError) as raised:
        _service(root, tmp_path, gateway, max_notebook_bytes=10).start_run(
            StartRunBody(path="ok.ipynb")
        )
    assert raised.value.status == 400
    assert "max_notebook_bytes" in raised.value.fields[0].message
    assert gateway.calls == [] and gateway.puts == []


def test_list_by_unknown_path_asks_nothing(root: Path, tmp_path: Path) -> None:
    gateway = FakeGateway()
    answer = _service(root, tmp_path, gateway).list_runs(ListRunsQuery(path="ok.ipynb"))
    assert answer == {"items": [], "nextToken": None}
    assert gateway.calls == []


def test_list_asks_newest_first_with_the_page_size(root: Path, tmp_path: Path) -> None:
    gateway = FakeGateway()
    _service(root, tmp_path, gateway).list_runs(ListRunsQuery(status="FAILED", nextToken="7"))
    assert gateway.calls == [
        (
            "ListNotebookRuns",
            {
                "domainIdentifier": "dzd_abc",
                "owningProjectIdentifier": "proj",
                "status": "FAILED",
                "maxResults": 50,
                "nextToken": "7",
                "sortOrder": "DESCENDING",
            },
        )
    ]


def test_stop_then_answers_the_run(root: Path, tmp_path: Path) -> None:
    gateway = FakeGateway()
    run = _service(root, tmp_path, gateway).stop_run("run1")
    assert gateway.operations() == ["StopNotebookRun", "GetNotebookRun"]
    assert run["id"] == "run1"


def test_run_json_reveals_only_when_asked() -> None:
    raw = {"id": "r", "parameters": {"k": "secret"}, "error": {"message": "boom"}}
    assert "parameters" not in run_json(raw, path=None, full=True)
    assert run_json(raw, path=None, full=True, reveal=True)["parameters"] == {"k": "secret"}
    assert run_json({"id": "r"}, path=None, full=False) == {"id": "r"}
    assert run_json({"id": "r"}, path=None, full=True)["parameterNames"] == []
    assert run_json(raw, path="a.ipynb", full=True)["error"] == {"message": "boom"}


def test_iso_is_utc_with_z() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert iso(datetime(2026, 1, 1, 2, 0, tzinfo=plus_two)) == "2026-01-01T00:00:00Z"
    assert iso(0) == "1970-01-01T00:00:00Z"
    assert iso(None) is None
