"""A run's result: that an export is of the run asked for, and never overwrites a file.

The service side against a scripted gateway (which run the export holds, which runs
exist), and the REST route end to end on the local backend.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from jupyter_sagerun.cli.output import written
from jupyter_sagerun.core import rendering
from jupyter_sagerun.core.errors import SageRunError
from jupyter_sagerun.runs.service import RunService
from jupyter_sagerun.runs.sync import NotebookSyncer
from testkit.config import aws_context
from testkit.notebooks import write_notebook
from testkit.rest import Api
from testkit.waiting import wait_for

pytestmark = pytest.mark.timeout(120)


def _exported(run_id: str | None) -> bytes:
    nb = nbformat.v4.new_notebook()
    if run_id is not None:
        nb.metadata["sagerun"] = {"runId": run_id}
    return str(nbformat.writes(nb)).encode()


class Gateway:
    """Runs r1 (older) and r2 (newer) of notebook nb1; the export holds ``exported``."""

    def __init__(self, runs: list[dict[str, Any]], exported: bytes) -> None:
        self.runs = runs  # newest first, as ListNotebookRuns DESCENDING answers
        self.exported = exported
        self.operations: list[str] = []

    def call(self, target: Any, operation: str, params: Any) -> dict[str, Any]:
        self.operations.append(operation)
        if operation == "GetNotebookRun":
            run = next(r for r in self.runs if r["id"] == params["identifier"])
            return {"domainId": "dzd_abc", "owningProjectId": "proj", "notebookId": "nb1", **run}
        if operation == "ListNotebookRuns":
            assert params["notebookIdentifier"] == "nb1"
            return {"items": self.runs}
        if operation == "StartNotebookExport":
            return {"id": "exp1", "status": "IN_PROGRESS"}
        if operation == "GetNotebookExport":
            return {"status": "SUCCEEDED", "outputLocation": {"s3": {"uri": "s3://b/x"}}}
        raise AssertionError(operation)

    def put_object(self, target: Any, uri: str, body: bytes) -> None:
        raise AssertionError("not used")

    def get_object(self, target: Any, uri: str) -> bytes:
        return self.exported


def _service(tmp_path: Path, gateway: Gateway) -> RunService:
    ctx = aws_context()
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    syncer = NotebookSyncer(gateway, tmp_path / "state")
    return RunService(gateway, lambda d, p: ctx, syncer, str(root), export_poll_interval=0.01)


ENDED = {"status": "SUCCEEDED", "startedAt": "2026-11-27T00:00:00Z"}


def test_export_result_of_the_latest_run(tmp_path: Path) -> None:
    gateway = Gateway([{"id": "r2", **ENDED}, {"id": "r1", **ENDED}], _exported("r2"))
    data = _service(tmp_path, gateway).export_result("r2")[0]
    assert json.loads(data)["metadata"]["sagerun"]["runId"] == "r2"
    assert gateway.operations[-1] == "GetNotebookExport"
    assert not any((tmp_path / "root").iterdir())  # bytes only: nothing written


def test_an_older_run_is_refused_before_exporting(tmp_path: Path) -> None:
    gateway = Gateway([{"id": "r2", **ENDED}, {"id": "r1", **ENDED}], _exported("r2"))
    with pytest.raises(SageRunError) as caught:
        _service(tmp_path, gateway).export_output("r1", "PDF")
    assert caught.value.status == 409
    assert "only exports the latest run" in caught.value.message and "r2" in caught.value.message
    assert "StartNotebookExport" not in gateway.operations


def test_a_newer_run_that_never_started_does_not_hide_the_older_result(tmp_path: Path) -> None:
    stopped_queued = {"id": "r2", "status": "STOPPED"}  # no startedAt
    gateway = Gateway([stopped_queued, {"id": "r1", **ENDED}], _exported("r1"))
    assert _service(tmp_path, gateway).export_result("r1")[0] == _exported("r1")


def test_an_export_stamped_with_another_run_is_refused(tmp_path: Path) -> None:
    # A newer run ended between the check and the export: the stamp tells.
    gateway = Gateway([{"id": "r1", **ENDED}], _exported("r9"))
    with pytest.raises(SageRunError) as caught:
        _service(tmp_path, gateway).export_output("r1")
    assert caught.value.status == 409 and "r9" in caught.value.message
    assert not any((tmp_path / "root").iterdir())


@pytest.mark.parametrize(
    ("run", "status", "words"),
    [
        ({"status": "STOPPED"}, 404, "never started"),
        ({"status": "FAILED", "error": {"message": "no capacity"}}, 404, "never started"),
        ({"status": "RUNNING", "startedAt": "2026-11-27T00:00:00Z"}, 409, "once it has ended"),
    ],
)
def test_a_run_without_a_result_says_so(
    tmp_path: Path, run: dict[str, Any], status: int, words: str
) -> None:
    gateway = Gateway([{"id": "r1", **run}], _exported("r1"))
    with pytest.raises(SageRunError) as caught:
        _service(tmp_path, gateway).export_output("r1")
    assert caught.value.status == status and words in caught.value.message
    assert "StartNotebookExport" not in gateway.operations


class RunDirGateway(Gateway):
    """Runs that name a project S3 path; ``stored`` is what their run directories hold."""

    def __init__(self, runs: list[dict[str, Any]], exported: bytes, stored: dict[str, bytes]):
        storage = {"storageConfiguration": {"projectS3Path": "s3://bucket/dzd_abc/proj/dev"}}
        super().__init__([{**storage, **run} for run in runs], exported)
        self.stored = stored
        self.read: list[str] = []

    def get_object(self, target: Any, uri: str) -> bytes:
        self.read.append(uri)
        if uri == "s3://b/x":
            return self.exported
        if uri not in self.stored:
            raise SageRunError(404, "ResourceNotFoundException", "NoSuchKey")
        return self.stored[uri]


RUN_DIR = "s3://bucket/dzd_abc/proj/dev/.sys/notebooks/nb1/runs/{}/output.ipynb"


def test_an_older_run_with_a_run_directory_is_its_own_result(tmp_path: Path) -> None:
    stored = {RUN_DIR.format("r1"): _exported("r1")}
    gateway = RunDirGateway([{"id": "r2", **ENDED}, {"id": "r1", **ENDED}], b"", stored)
    saved = _service(tmp_path, gateway).export_output("r1")
    assert saved["resultOf"] == "run"
    assert (tmp_path / "root" / saved["path"]).read_bytes() == _exported("r1")
    assert "StartNotebookExport" not in gateway.operations
    assert gateway.read == [RUN_DIR.format("r1")]


def test_no_run_directory_falls_back_to_the_guarded_latest_export(tmp_path: Path) -> None:
    gateway = RunDirGateway([{"id": "r2", **ENDED}, {"id": "r1", **ENDED}], _exported("r2"), {})
    service = _service(tmp_path, gateway)
    with pytest.raises(SageRunError) as caught:
        service.export_output("r1")
    assert caught.value.status == 409 and "only exports the latest run" in caught.value.message
    saved = service.export_output("r2")
    assert saved["resultOf"] == "latestExport"
    assert gateway.operations[-1] == "GetNotebookExport"
    data, origin = service.export_result("r2")
    assert (data, origin) == (_exported("r2"), "latestExport")
    assert written("r2", "out.ipynb", origin).endswith("(the notebook's latest export)")
    assert "latest" not in written("r1", "out.ipynb", "run")


async def test_open_result_of_an_older_run_and_never_overwrite(api: Api, jp_root_dir: Path) -> None:
    write_notebook(jp_root_dir, "twice.ipynb", "print('n is', n)", parameters="n = 0")
    ids = []
    for n in ("1", "2"):
        status, run = await api(
            "POST", "runs", body={"path": "twice.ipynb", "parameters": {"n": n}}
        )
        assert status == 201, run
        assert (await wait_for(api, run["id"]))["status"] == "SUCCEEDED"
        ids.append(run["id"])
    older, newer = ids

    # The older run's result is its own, from its run directory, not the latest export.
    status, saved = await api("POST", "runs", older, "output", body={"format": "IPYNB"})
    assert status == 200, saved
    assert (saved["path"], saved["resultOf"]) == (f"twice.run-{older}.ipynb", "run")
    content = json.loads((jp_root_dir / saved["path"]).read_text())
    assert content["metadata"]["sagerun"]["runId"] == older
    texts = "".join(
        "".join(o.get("text", "")) for c in content["cells"] for o in c.get("outputs", [])
    )
    assert "n is 1" in texts and "n is 2" not in texts

    # The user's own file at the result's name is kept; the result takes "-1".
    mine = jp_root_dir / f"twice.run-{newer}.ipynb"
    mine.write_text("mine")
    status, saved = await api("POST", "runs", newer, "output", body={"format": "IPYNB"})
    assert status == 200, saved
    assert saved["path"] == f"twice.run-{newer}-1.ipynb"
    assert mine.read_text() == "mine"
    content = json.loads((jp_root_dir / saved["path"]).read_text())
    assert content["metadata"]["sagerun"]["runId"] == newer
    texts = "".join(
        "".join(o.get("text", "")) for c in content["cells"] for o in c.get("outputs", [])
    )
    assert "n is 2" in texts


async def test_pdf_result_is_a_pdf_next_to_the_source(api: Api, jp_root_dir: Path) -> None:
    write_notebook(jp_root_dir, "reports/pdf.ipynb", "print('in the pdf')")
    status, run = await api("POST", "runs", body={"path": "reports/pdf.ipynb"})
    assert status == 201, run
    assert (await wait_for(api, run["id"]))["status"] == "SUCCEEDED"
    status, saved = await api("POST", "runs", run["id"], "output", body={"format": "PDF"})
    assert status == 200, saved
    assert saved["path"] == f"reports/pdf.run-{run['id']}.pdf"
    assert (jp_root_dir / saved["path"]).read_bytes().startswith(b"%PDF")


def test_pdf_without_a_browser_fails_saying_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(rendering.BROWSER_ENV, "no-such-browser-here")
    with pytest.raises(RuntimeError, match="needs Chromium or Chrome"):
        rendering.render(dict(nbformat.v4.new_notebook()), "r1", "PDF")
