"""Notebook sync: what reaches S3 and SMUS, counted for real against the local S3, and
the syncer's own decisions against a fake gateway."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.core.errors import SageRunError
from jupyter_sagerun.core.target import AwsTarget
from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.runs.context import RunContext
from jupyter_sagerun.runs.sync import NotebookSyncer
from testkit.config import aws_context
from testkit.notebooks import run_printed, write_notebook
from testkit.rest import Api, token
from testkit.s3 import count_versions, s3_client
from testkit.waiting import wait_for

pytestmark = pytest.mark.timeout(90)

BUCKET = "sagerun-local"


@pytest.fixture
def staging(local_backend: LocalBackend) -> Any:
    """The local S3 with versioning on, so that every PUT leaves a version to count."""
    s3 = s3_client(local_backend)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return s3


async def test_unchanged_notebook_uploads_nothing_and_edits_are_synced(
    api: Api, jp_root_dir: Path, local_backend: LocalBackend, staging: Any
) -> None:
    project = "sync" + token()[:12]
    prefix = f"staging/{project}/"
    write_notebook(jp_root_dir, "s.ipynb", "print('version one')")
    body = {"path": "s.ipynb", "projectId": project}

    status, first = await api("POST", "runs", body=body)
    assert status == 201, first
    assert count_versions(staging, BUCKET, prefix) == 1

    status, second = await api("POST", "runs", body=body)
    assert status == 201, second
    assert second["notebookId"] == first["notebookId"]
    assert count_versions(staging, BUCKET, prefix) == 1  # nothing uploaded

    write_notebook(jp_root_dir, "s.ipynb", "print('version two')")
    status, third = await api("POST", "runs", body=body)
    assert status == 201, third
    assert third["notebookId"] == first["notebookId"]  # synced, not imported again
    assert count_versions(staging, BUCKET, prefix) == 2

    for run, text in ((first, "version one"), (second, "version one"), (third, "version two")):
        done = await wait_for(api, run["id"], projectId=project)
        assert done["status"] == "SUCCEEDED", done
        assert text in run_printed(local_backend, run["id"])

    status, notebooks = await api("GET", "notebooks", params={"projectId": project})
    assert status == 200, notebooks
    assert [(n["id"], n.get("path"), n["status"]) for n in notebooks["items"]] == [
        (first["notebookId"], "s.ipynb", "ACTIVE")
    ]


async def test_concurrent_runs_of_a_new_notebook_upload_once(
    api: Api, jp_root_dir: Path, staging: Any
) -> None:
    project = "conc" + token()[:12]
    write_notebook(jp_root_dir, "c.ipynb", "x = 1")
    body = {"path": "c.ipynb", "projectId": project}
    answers = await asyncio.gather(*(api("POST", "runs", body=body) for _ in range(4)))
    assert [status for status, _ in answers] == [201] * 4, answers
    assert len({run["notebookId"] for _, run in answers}) == 1
    assert len({run["id"] for _, run in answers}) == 4
    assert count_versions(staging, BUCKET, f"staging/{project}/") == 1


@pytest.mark.sagerun(staging_s3_uri="not-an-s3-uri")
async def test_bad_staging_uri_is_a_400_with_the_fix(api: Api, jp_root_dir: Path) -> None:
    write_notebook(jp_root_dir, "n.ipynb", "x = 1")
    status, answer = await api("POST", "runs", body={"path": "n.ipynb"})
    assert status == 400, answer
    assert [f["path"] for f in answer["error"]["fields"]] == ["stagingS3Uri"]
    assert "--SageRun.staging_s3_uri" in answer["error"]["message"]


# --- the syncer's decisions, against a fake gateway ----------------------------------


class FakeGateway:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.puts: list[str] = []
        self.notebooks: dict[str, dict[str, Any]] = {}
        self.import_status = "SYNC_IN_PROGRESS"
        self.final_status = "ACTIVE"
        self.imported = 0

    def call(self, target: AwsTarget, operation: str, params: Any) -> dict[str, Any]:
        self.calls.append((operation, dict(params)))
        if operation == "StartNotebookImport":
            self.imported += 1
            nb_id = f"nb{self.imported}"
            self.notebooks[nb_id] = {"id": nb_id, "status": self.import_status, "polls": 0}
            return {"notebookId": nb_id, "status": self.import_status}
        if operation == "StartNotebookSync":
            nb = self.notebooks[params["notebookId"]]
            nb.update(status="SYNC_IN_PROGRESS", polls=0)
            return {"notebookId": nb["id"], "status": "SYNC_IN_PROGRESS"}
        if operation == "GetNotebook":
            nb = self.notebooks.get(params["identifier"])
            if nb is None:
                raise SageRunError(404, "ResourceNotFoundException", "gone")
            nb["polls"] += 1
            if nb["status"] == "SYNC_IN_PROGRESS" and nb["polls"] >= 2:
                nb["status"] = self.final_status
                if self.final_status == "SYNC_FAILED":
                    nb["error"] = {"message": "bad cell 3"}
            return dict(nb)
        raise AssertionError(operation)

    def put_object(self, target: AwsTarget, uri: str, body: bytes) -> None:
        self.puts.append(uri)


def _context(staging: str | None = "s3://bucket/stage/") -> RunContext:
    return aws_context(staging=staging)


def _syncer(gateway: FakeGateway, state: Path) -> NotebookSyncer:
    return NotebookSyncer(gateway, state, poll_interval=0.001, poll_max_interval=0.001)


def test_mapping_survives_a_restart_and_skips_the_upload(tmp_path: Path) -> None:
    gateway = FakeGateway()
    nb = tmp_path / "dir" / "a.ipynb"
    nb.parent.mkdir()
    nb.write_bytes(b"content-1")
    first = _syncer(gateway, tmp_path / "state").ensure_synced(_context(), str(nb), "dir/a.ipynb")
    assert gateway.puts[0].startswith("s3://bucket/stage/proj/")
    assert gateway.puts[0].endswith("/a.ipynb")
    imports = [p for op, p in gateway.calls if op == "StartNotebookImport"]
    assert imports[0]["name"] == "a.ipynb"
    assert imports[0]["sourceLocation"] == {"s3": gateway.puts[0]}

    again = _syncer(gateway, tmp_path / "state")  # a new server process
    assert again.ensure_synced(_context(), str(nb), "dir/a.ipynb") == first
    assert len(gateway.puts) == 1
    assert again.path_for("dzd_abc", "proj", first) == "dir/a.ipynb"
    assert again.lookup("dzd_abc", "proj", "dir/a.ipynb") == first


def test_vanished_notebook_is_imported_again(tmp_path: Path) -> None:
    gateway = FakeGateway()
    syncer = _syncer(gateway, tmp_path)
    first = syncer.ensure_synced(_context(), "", "a.ipynb", b"x")
    gateway.notebooks.clear()
    second = syncer.ensure_synced(_context(), "", "a.ipynb", b"x")
    assert second != first
    assert len(gateway.puts) == 2
    # The path keeps its earlier id, so its runs are still the file's.
    assert syncer.notebook_ids("dzd_abc", "proj", "a.ipynb") == [second, first]
    assert syncer.path_for("dzd_abc", "proj", first) == "a.ipynb"
    again = _syncer(gateway, tmp_path)  # read back from notebooks.json
    assert again.notebook_ids("dzd_abc", "proj", "a.ipynb") == [second, first]


def test_archived_notebook_is_imported_again(tmp_path: Path) -> None:
    gateway = FakeGateway()
    syncer = _syncer(gateway, tmp_path)
    first = syncer.ensure_synced(_context(), "", "a.ipynb", b"x")
    gateway.notebooks[first]["status"] = "ARCHIVED"
    assert syncer.ensure_synced(_context(), "", "a.ipynb", b"x") != first


def test_sync_failure_is_a_502_with_its_message(tmp_path: Path) -> None:
    gateway = FakeGateway()
    gateway.final_status = "SYNC_FAILED"
    with pytest.raises(SageRunError) as raised:
        _syncer(gateway, tmp_path).ensure_synced(_context(), "", "a.ipynb", b"x")
    assert raised.value.status == 502
    assert "bad cell 3" in raised.value.message


def test_a_state_that_is_neither_active_nor_in_progress_ends_the_wait_at_once(
    tmp_path: Path,
) -> None:
    gateway = FakeGateway()
    gateway.import_status = "IMPORT_FAILED"  # a state the model does not list
    syncer = NotebookSyncer(gateway, tmp_path, poll_interval=5.0, deadline=60.0)
    with pytest.raises(SageRunError) as raised:
        syncer.ensure_synced(_context(), "", "a.ipynb", b"x")
    assert raised.value.status == 502 and "IMPORT_FAILED" in raised.value.message
    assert [op for op, _ in gateway.calls].count("GetNotebook") == 1  # no second look


def test_a_refused_sync_imports_anew_and_a_name_clash_takes_another_name(
    tmp_path: Path,
) -> None:
    gateway = FakeGateway()
    syncer = _syncer(gateway, tmp_path)
    first = syncer.ensure_synced(_context(), "", "d/a.ipynb", b"x")
    refusals = iter(
        [
            SageRunError(400, "ValidationException", "not a git source"),
            SageRunError(409, "ConflictException", "name exists"),
        ]
    )
    call = gateway.call

    def refusing(target: AwsTarget, operation: str, params: Any) -> dict[str, Any]:
        if operation in ("StartNotebookSync", "StartNotebookImport"):
            error = next(refusals, None)
            if error is not None:
                gateway.calls.append((operation, dict(params)))
                raise error
        return call(target, operation, params)

    gateway.call = refusing  # type: ignore[method-assign]
    second = syncer.ensure_synced(_context(), "", "d/a.ipynb", b"y")
    assert second != first
    names = [p["name"] for op, p in gateway.calls if op == "StartNotebookImport"]
    assert names[0] == "a.ipynb" and names[-1].startswith("a-") and names[-1].endswith(".ipynb")
    tokens = [p["clientToken"] for op, p in gateway.calls if op == "StartNotebookImport"]
    assert len(set(tokens)) == len(tokens)
    assert syncer.notebook_ids("dzd_abc", "proj", "d/a.ipynb") == [second, first]


def test_a_retryable_sync_error_is_not_a_refusal(tmp_path: Path) -> None:
    gateway = FakeGateway()
    syncer = _syncer(gateway, tmp_path)
    syncer.ensure_synced(_context(), "", "a.ipynb", b"x")
    call = gateway.call

    def throttled(target: AwsTarget, operation: str, params: Any) -> dict[str, Any]:
        if operation == "StartNotebookSync":
            raise SageRunError(429, "ThrottlingException", "slow down", retryable=True)
        return call(target, operation, params)

    gateway.call = throttled  # type: ignore[method-assign]
    with pytest.raises(SageRunError) as raised:
        syncer.ensure_synced(_context(), "", "a.ipynb", b"y")
    assert raised.value.status == 429
    assert gateway.imported == 1


def test_sync_that_never_finishes_is_a_504(tmp_path: Path) -> None:
    gateway = FakeGateway()
    gateway.final_status = "SYNC_IN_PROGRESS"
    syncer = NotebookSyncer(gateway, tmp_path, poll_interval=0.01, deadline=0.05)
    with pytest.raises(SageRunError) as raised:
        syncer.ensure_synced(_context(), "", "a.ipynb", b"x")
    assert raised.value.status == 504


def test_missing_staging_uri_names_the_setting(tmp_path: Path) -> None:
    gateway = FakeGateway()
    with pytest.raises(SageRunError) as raised:
        _syncer(gateway, tmp_path).ensure_synced(_context(None), "", "a.ipynb", b"x")
    assert raised.value.status == 400
    assert raised.value.fields[0].path == "stagingS3Uri"
    assert "--SageRun.staging_s3_uri" in raised.value.message
    assert gateway.puts == [] and gateway.calls == []


def test_client_tokens_repeat_for_a_retry_and_differ_for_a_new_submission(
    tmp_path: Path,
) -> None:
    tokens = []
    for seed in ("submission-1", "submission-1", "submission-2"):
        gateway = FakeGateway()
        _syncer(gateway, tmp_path / seed / token()).ensure_synced(
            _context(), "", "a.ipynb", b"x", request_token=seed
        )
        tokens.append(next(p["clientToken"] for op, p in gateway.calls if op.startswith("Start")))
    assert tokens[0] == tokens[1] != tokens[2]
    assert all(1 <= len(t) <= 128 for t in tokens)


def test_damaged_mapping_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "notebooks.json").write_text("{ broken")
    gateway = FakeGateway()
    assert _syncer(gateway, tmp_path).ensure_synced(_context(), "", "a.ipynb", b"x")
    assert json.loads((tmp_path / "notebooks.json").read_text())["notebooks"][0]["path"] == (
        "a.ipynb"
    )


def test_a_lost_upload_is_staged_again_and_the_answered_request_sent_again(
    tmp_path: Path,
) -> None:
    # The sync is refused and the file's name is taken, so the import that is answered
    # is the second name's; its staged object then turns out lost. The retry stages the
    # content again and repeats that import (same name, same clientToken), not the
    # refused sync or the first name's import.
    gateway = FakeGateway()
    syncer = _syncer(gateway, tmp_path)
    first = syncer.ensure_synced(_context(), "", "a.ipynb", b"x")
    refusals = iter(
        [
            SageRunError(400, "ValidationException", "not a git source"),
            SageRunError(409, "ConflictException", "name exists"),
        ]
    )
    by_token: dict[str, str] = {}
    call = gateway.call

    def losing(target: AwsTarget, operation: str, params: Any) -> dict[str, Any]:
        if operation in ("StartNotebookSync", "StartNotebookImport"):
            error = next(refusals, None)
            if error is not None:
                gateway.calls.append((operation, dict(params)))
                raise error
        if operation == "StartNotebookImport" and params["clientToken"] in by_token:
            # The same clientToken again: the backend applies the import again to the
            # notebook it made, as the local backend does after a failed import.
            nb = gateway.notebooks[by_token[params["clientToken"]]]
            nb.update(status="SYNC_IN_PROGRESS", polls=0, error=None)
            gateway.calls.append((operation, dict(params)))
            return {"notebookId": nb["id"], "status": "SYNC_IN_PROGRESS"}
        answer = call(target, operation, params)
        if operation == "StartNotebookImport":
            by_token[params["clientToken"]] = answer["notebookId"]
            gateway.final_status = "SYNC_FAILED"  # the first wait finds the object gone
        if operation == "GetNotebook" and answer.get("status") == "SYNC_FAILED":
            gateway.notebooks[answer["id"]]["error"] = {"message": "NoSuchKey: gone"}
            answer["error"] = {"message": "NoSuchKey: gone"}
            gateway.final_status = "ACTIVE"
        return answer

    gateway.call = losing  # type: ignore[method-assign]
    second = syncer.ensure_synced(_context(), "", "a.ipynb", b"y")
    assert second != first and gateway.notebooks[second]["status"] == "ACTIVE"
    starts = [(op, p.get("name"), p["clientToken"]) for op, p in gateway.calls if "Start" in op]
    assert [op for op, _, _ in starts[1:]] == [
        "StartNotebookSync",
        "StartNotebookImport",
        "StartNotebookImport",
        "StartNotebookImport",
    ]
    assert starts[-1] == starts[-2] and starts[-1][1] != "a.ipynb"  # the answered one again
    assert len(gateway.puts) == 3  # the first import, the new content, staged again
    assert syncer.notebook_ids("dzd_abc", "proj", "a.ipynb") == [second, first]
