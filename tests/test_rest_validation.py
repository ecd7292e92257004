"""Bad requests are refused before any AWS call, each naming its field.

Every case checks the local backend afterwards: no new run, and not one new object
in its S3 (so nothing was uploaded either).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.local import LocalBackend
from testkit.local import backend_runs
from testkit.notebooks import write_notebook
from testkit.rest import Api
from testkit.s3 import count_staged_uploads

pytestmark = pytest.mark.timeout(60)

LONG_KEY = "k" * 129

# (case id, body additions, status, a field path the answer must name)
CASES: list[tuple[str, dict[str, Any], int, str]] = [
    ("51-parameters", {"parameters": {f"p{i}": "v" for i in range(51)}}, 400, "parameters"),
    ("129-char-key", {"parameters": {LONG_KEY: "v"}}, 400, f"parameters.{LONG_KEY}"),
    ("1025-char-value", {"parameters": {"alpha": "v" * 1025}}, 400, "parameters.alpha"),
    (
        "timeout-59",
        {"timeoutConfiguration": {"runTimeoutInMinutes": 59}},
        400,
        "timeoutConfiguration.runTimeoutInMinutes",
    ),
    (
        "timeout-1441",
        {"timeoutConfiguration": {"runTimeoutInMinutes": 1441}},
        400,
        "timeoutConfiguration.runTimeoutInMinutes",
    ),
    (
        "instance-type",
        {"computeConfiguration": {"instanceType": "m5.large"}},
        400,
        "computeConfiguration.instanceType",
    ),
    (
        "vpc-only-without-vpc",
        {"networkConfiguration": {"networkAccessType": "VPC_ONLY"}},
        400,
        "networkConfiguration.vpcId",
    ),
    (
        "11-subnets",
        {"networkConfiguration": {"subnetIds": [f"subnet-{i}" for i in range(11)]}},
        400,
        "networkConfiguration.subnetIds",
    ),
    (
        "6-security-groups",
        {"networkConfiguration": {"securityGroupIds": [f"sg-{i}" for i in range(6)]}},
        400,
        "networkConfiguration.securityGroupIds",
    ),
    (
        "notify-on",
        {"notificationConfiguration": {"notifyOn": ["SUCCEEDED", "EXPLODED"]}},
        400,
        "notificationConfiguration.notifyOn[1]",
    ),
    ("trigger-cron", {"triggerSource": {"type": "CRON"}}, 400, "triggerSource.type"),
    ("domain-abc", {"domainId": "abc"}, 400, "domainId"),
    ("project-pattern", {"projectId": "no spaces"}, 400, "projectId"),
    ("client-token", {"clientToken": "has space"}, 400, "clientToken"),
    ("unknown-field", {"colour": "blue"}, 400, "colour"),
    ("unknown-nested", {"computeConfiguration": {"gpu": 1}}, 400, "computeConfiguration.gpu"),
    ("parameters-type", {"parameters": ["a"]}, 400, "parameters"),
    ("parameter-value-type", {"parameters": {"alpha": 1}}, 400, "parameters.alpha"),
    ("path-outside-root", {"path": "../outside.ipynb"}, 400, "path"),
    ("path-absolute", {"path": "/etc/passwd.ipynb"}, 400, "path"),
    ("path-symlink-escape", {"path": "escape/leak.ipynb"}, 400, "path"),
    ("path-missing", {"path": "missing.ipynb"}, 404, "path"),
    ("path-not-notebook-suffix", {"path": "notes.txt"}, 400, "path"),
    ("path-not-notebook-json", {"path": "garbage.ipynb"}, 400, "path"),
    ("path-not-notebook-schema", {"path": "not-a-notebook.ipynb"}, 400, "path"),
    ("path-directory", {"path": "folder.ipynb"}, 400, "path"),
    ("path-hidden", {"path": ".hidden/x.ipynb"}, 400, "path"),
    ("path-and-notebook-id", {"notebookId": "abc123"}, 400, "notebookId"),
    ("neither-path-nor-id", {"path": None}, 400, "path"),
]


@pytest.fixture
def workspace(jp_root_dir: Path, tmp_path: Path) -> Path:
    write_notebook(jp_root_dir, "ok.ipynb", "x = 1")
    (jp_root_dir / "notes.txt").write_text("not a notebook")
    (jp_root_dir / "garbage.ipynb").write_text("{ this is not json")
    (jp_root_dir / "not-a-notebook.ipynb").write_text('{"nbformat": 4, "cells": "no"}')
    (jp_root_dir / "folder.ipynb").mkdir()
    outside = tmp_path / "outside"
    write_notebook(outside, "leak.ipynb", "x = 'secret'")
    os.symlink(outside, jp_root_dir / "escape")
    write_notebook(jp_root_dir, ".hidden/x.ipynb", "x = 1")
    return jp_root_dir


@pytest.mark.parametrize(
    ("additions", "status", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_bad_request_names_its_field_and_starts_nothing(
    api: Api,
    workspace: Path,
    local_backend: LocalBackend,
    additions: dict[str, Any],
    status: int,
    field: str,
) -> None:
    objects_before = count_staged_uploads(local_backend)
    runs_before = backend_runs(local_backend)

    body = {"path": "ok.ipynb", **additions}
    body = {k: v for k, v in body.items() if v is not None}
    code, answer = await api("POST", "runs", body=body)

    assert code == status, answer
    error = answer["error"]
    assert error["code"] == (
        "ValidationException" if status == 400 else "ResourceNotFoundException"
    )
    assert field in [f["path"] for f in error["fields"]], error
    assert error["retryable"] is False
    assert backend_runs(local_backend) == runs_before
    assert count_staged_uploads(local_backend) == objects_before


async def test_the_upload_count_sees_a_start(
    api: Api, jp_root_dir: Path, local_backend: LocalBackend
) -> None:
    # The control for "starts nothing": a good start of a never-synced notebook
    # uploads it, and the count the refusals are checked with sees that upload.
    write_notebook(jp_root_dir, "counted.ipynb", "x = 2")
    before = count_staged_uploads(local_backend)
    code, answer = await api("POST", "runs", body={"path": "counted.ipynb"})
    assert code == 201, answer
    assert count_staged_uploads(local_backend) == before + 1


async def test_every_problem_is_reported_at_once(api: Api, workspace: Path) -> None:
    code, answer = await api(
        "POST",
        "runs",
        body={
            "path": "missing.ipynb",
            "timeoutConfiguration": {"runTimeoutInMinutes": 59},
            "triggerSource": {"type": "CRON"},
        },
    )
    # A missing file alongside other problems: one 400 naming all of them.
    assert code == 400, answer
    paths = {f["path"] for f in answer["error"]["fields"]}
    assert {"path", "timeoutConfiguration.runTimeoutInMinutes", "triggerSource.type"} <= paths


async def test_parameter_values_are_never_echoed(api: Api, workspace: Path) -> None:
    secret = "canary-" + "s" * 1100
    code, answer = await api("POST", "runs", body={"path": "ok.ipynb", "parameters": {"a": secret}})
    assert code == 400
    assert "canary-" not in str(answer)


@pytest.mark.parametrize(
    "raw",
    ["{not json", "[1, 2]", '"text"', "null"],
    ids=["invalid-json", "array", "string", "null"],
)
async def test_body_that_is_not_a_json_object_is_400(api: Api, raw: str) -> None:
    code, answer = await api("POST", "runs", body=raw)
    assert code == 400, answer
    assert answer["error"]["code"] == "ValidationException"
    assert "Traceback" not in str(answer)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"maxResults": "51"}, "maxResults"),
        ({"maxResults": "0"}, "maxResults"),
        ({"maxResults": "many"}, "maxResults"),
        ({"status": "EXPLODED"}, "status"),
        ({"domainId": "abc"}, "domainId"),
        ({"path": "../x.ipynb"}, "path"),
        ({"path": "a.ipynb", "notebookId": "nb1"}, "notebookId"),
    ],
)
async def test_bad_list_queries(api: Api, params: dict[str, str], field: str) -> None:
    code, answer = await api("GET", "runs", params=params)
    assert code == 400, answer
    assert field in [f["path"] for f in answer["error"]["fields"]]


async def test_unknown_run_is_404_and_bad_run_id_is_400(api: Api) -> None:
    code, answer = await api("GET", "runs", "abcdef123")
    assert code == 404, answer
    assert answer["error"]["code"] == "ResourceNotFoundException"
    code, answer = await api("GET", "runs", "bad$id")
    assert code == 400, answer
    assert [f["path"] for f in answer["error"]["fields"]] == ["runId"]
    code, answer = await api("GET", "runs", "abcdef123", params={"reveal": "everything"})
    assert code == 400 and answer["error"]["fields"][0]["path"] == "reveal"


async def test_a_100_mb_notebook_is_refused_unread(
    api: Api, jp_root_dir: Path, local_backend: LocalBackend
) -> None:
    big = jp_root_dir / "big.ipynb"
    with open(big, "wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100 * 1024 * 1024)
    before = count_staged_uploads(local_backend)
    runs_before = backend_runs(local_backend)
    code, answer = await api("POST", "runs", body={"path": "big.ipynb"})
    assert code == 400, answer
    assert answer["error"]["fields"][0]["path"] == "path"
    assert "max_notebook_bytes" in answer["error"]["fields"][0]["message"]
    assert count_staged_uploads(local_backend) == before
    assert backend_runs(local_backend) == runs_before
