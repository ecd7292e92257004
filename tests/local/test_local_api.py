"""The DataZone API of the local backend, as botocore and raw HTTP see it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError
from traitlets.config import Application

from jupyter_sagerun.aws.validation import service_model
from jupyter_sagerun.local import LocalBackend, protocol
from jupyter_sagerun.local.app import LocalBackendApp
from testkit.local import DOMAIN, PROJECT, Local
from testkit.notebooks import notebook_bytes


def raw(local: Local, method: str, path: str, body: Any = None) -> tuple[int, Any, dict[str, Any]]:
    """(status, headers (case-insensitive), JSON body) of one signed request."""
    status, headers, data = local.raw(method, path, body)
    return status, headers, json.loads(data or b"{}")


def test_every_route_comes_from_the_model() -> None:
    model = service_model()
    for name in protocol.OPERATIONS:
        http = model.operation_model(name).http
        path = (
            http["requestUri"].replace("{domainIdentifier}", "dzd_x").replace("{identifier}", "abc")
        )
        found = protocol.match(http["method"], path)
        assert found is not None and found[0].operation == name
        assert found[0].status == http.get("responseCode", 200)
    assert protocol.match("DELETE", "/v2/domains/dzd_x/notebook-runs") is None


def test_health_and_request_ids(paused: Local) -> None:
    status, headers, body = raw(paused, "GET", "/_local/health")
    assert (status, body) == (200, {"status": "ok"})
    assert headers.get("x-amzn-RequestId")
    status, headers, body = raw(paused, "GET", "/v2/domains/dzd_local/notebook-runs/nope")
    assert status == 404
    assert headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert "nope" in body["message"]
    assert headers.get("x-amzn-RequestId")
    status, headers, body = raw(paused, "OPTIONS", "/v2/domains/dzd_local/notebook-runs")
    assert (status, headers["x-amzn-errortype"]) == (405, "MethodNotAllowedException")
    assert headers.get("x-amzn-RequestId")
    status, headers, body = raw(paused, "GET", "/v2/nothing-here")
    assert (status, headers["x-amzn-errortype"]) == (404, "UnknownOperationException")


def test_unknown_ids_are_not_found(paused: Local) -> None:
    calls: list[Callable[[], Any]] = [
        lambda: paused.dz.get_notebook_run(domainIdentifier=DOMAIN, identifier="nope"),
        lambda: paused.dz.get_notebook(domainIdentifier=DOMAIN, identifier="nope"),
        lambda: paused.dz.get_notebook_export(domainIdentifier=DOMAIN, identifier="nope"),
        lambda: paused.dz.stop_notebook_run(domainIdentifier=DOMAIN, identifier="nope"),
        lambda: paused.start_run("nope"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as info:
            call()
        assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_data_is_scoped_by_domain_and_project(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    run = paused.start_run(notebook_id)
    with pytest.raises(ClientError) as info:
        paused.dz.get_notebook_run(domainIdentifier="dzd_other", identifier=run["id"])
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError):
        paused.dz.start_notebook_run(
            domainIdentifier=DOMAIN, owningProjectIdentifier="other", notebookIdentifier=notebook_id
        )
    other = paused.dz.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier="other")
    assert other["items"] == []


def test_validation_names_the_failing_fields(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    status, headers, body = raw(
        paused,
        "POST",
        "/v2/domains/dzd_local/notebook-runs",
        {
            "owningProjectIdentifier": PROJECT,
            "notebookIdentifier": notebook_id,
            "timeoutConfiguration": {"runTimeoutInMinutes": 59},
            "computeConfiguration": {"instanceType": "m5.large"},
            "bogus": 1,
        },
    )
    assert status == 400
    assert headers["x-amzn-errortype"] == "ValidationException"
    for field in (
        "timeoutConfiguration.runTimeoutInMinutes",
        "computeConfiguration.instanceType",
        "bogus",
    ):
        assert field in body["message"]
    status, _, body = raw(paused, "GET", "/v2/domains/abc/notebook-runs?owningProjectIdentifier=x")
    assert status == 400 and "domainIdentifier" in body["message"]
    status, _, body = raw(
        paused,
        "GET",
        "/v2/domains/dzd_local/notebook-runs?owningProjectIdentifier=local&maxResults=51",
    )
    assert status == 400 and "maxResults" in body["message"]
    status, _, body = raw(
        paused,
        "GET",
        "/v2/domains/dzd_local/notebook-runs?owningProjectIdentifier=local&maxResults=x",
    )
    assert status == 400 and "maxResults" in body["message"]
    # Nothing was started by the rejected requests.
    assert (
        paused.dz.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)[
            "items"
        ]
        == []
    )
    # Parameter values never come back in an error message.
    secret = "canary-" + "v" * 1030
    status, _, body = raw(
        paused,
        "POST",
        "/v2/domains/dzd_local/notebook-runs",
        {
            "owningProjectIdentifier": PROJECT,
            "notebookIdentifier": notebook_id,
            "parameters": {"p": secret},
        },
    )
    assert status == 400 and "parameters.p" in body["message"] and "canary" not in body["message"]


def test_the_same_client_token_gives_one_run(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    first = paused.start_run(notebook_id, clientToken="token-1", parameters={"a": "1"})
    second = paused.start_run(notebook_id, clientToken="token-1", parameters={"a": "1"})
    third = paused.start_run(notebook_id, clientToken="token-2")
    assert first["id"] == second["id"] != third["id"]
    items = paused.dz.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)[
        "items"
    ]
    assert len(items) == 2
    runs_dir = paused.state_dir / "runs"
    assert sorted(p.name for p in runs_dir.iterdir()) == sorted([first["id"], third["id"]])


def test_listing_follows_next_token_newest_first(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    other_id = paused.import_notebook(notebook_bytes("2"))
    started = [paused.start_run(notebook_id)["id"] for _ in range(53)]
    paused.start_run(other_id)
    paginator = paused.dz.get_paginator("list_notebook_runs")
    pages = list(
        paginator.paginate(
            domainIdentifier=DOMAIN,
            owningProjectIdentifier=PROJECT,
            notebookIdentifier=notebook_id,
            PaginationConfig={"PageSize": 20},
        )
    )
    assert [len(p["items"]) for p in pages] == [20, 20, 13]
    assert [item["id"] for p in pages for item in p["items"]] == started[::-1]
    # The default page is the model's maximum, 50.
    first = paused.dz.list_notebook_runs(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, notebookIdentifier=notebook_id
    )
    assert len(first["items"]) == 50 and first["nextToken"]
    oldest = paused.dz.list_notebook_runs(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        sortOrder="ASCENDING",
        maxResults=3,
    )
    assert [item["id"] for item in oldest["items"]] == started[:3]
    # Summaries carry no settings or parameters.
    assert "parameters" not in oldest["items"][0]
    queued = paused.dz.list_notebook_runs(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, status="SUCCEEDED"
    )
    assert queued["items"] == []
    with pytest.raises(ClientError) as info:
        paused.dz.list_notebook_runs(
            domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, nextToken="garbage"
        )
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_a_queued_run_stops_at_once(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    run = paused.start_run(notebook_id)
    stopped = paused.dz.stop_notebook_run(domainIdentifier=DOMAIN, identifier=run["id"])
    assert stopped["status"] == "STOPPED"
    assert paused.get_run(run["id"])["completedAt"]


def test_run_settings_are_kept(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    settings: dict[str, Any] = {
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
        "scheduleIdentifier": "sched-1",
    }
    run = paused.start_run(notebook_id, **settings)
    got = paused.get_run(run["id"])
    for key, value in settings.items():
        if key == "scheduleIdentifier":
            assert got["scheduleId"] == value
        else:
            assert got[key] == value, key


def test_imports_syncs_and_their_failures(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("print('v1')"), name="first.ipynb")
    content = paused.state_dir / "notebooks" / f"{notebook_id}.ipynb"
    assert "v1" in content.read_text()
    synced = paused.dz.start_notebook_sync(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        notebookId=notebook_id,
        sourceLocation={"s3": paused.upload(notebook_bytes("print('v2')"))},
    )
    assert synced["notebookId"] == notebook_id
    assert paused.wait_notebook(notebook_id)["status"] == "ACTIVE"
    assert "v2" in content.read_text()

    missing = paused.dz.start_notebook_import(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        name="missing.ipynb",
        sourceLocation={"s3": "s3://sagerun-local/staging/does-not-exist.ipynb"},
    )
    got = paused.wait_notebook(missing["notebookId"])
    assert got["status"] == "SYNC_FAILED" and "NoSuchKey" in got["error"]["message"]
    bad = paused.dz.start_notebook_import(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        name="bad.ipynb",
        sourceLocation={"s3": paused.upload(b"not json")},
    )
    got = paused.wait_notebook(bad["notebookId"])
    assert got["status"] == "SYNC_FAILED" and "not a notebook" in got["error"]["message"]
    with pytest.raises(ClientError) as info:
        paused.start_run(bad["notebookId"])
    assert info.value.response["Error"]["Code"] == "ConflictException"

    # An import token makes one notebook.
    uri = paused.upload(notebook_bytes("1"))
    ids = {
        paused.dz.start_notebook_import(
            domainIdentifier=DOMAIN,
            owningProjectIdentifier=PROJECT,
            name="t.ipynb",
            sourceLocation={"s3": uri},
            clientToken="import-1",
        )["notebookId"]
        for _ in range(2)
    }
    assert len(ids) == 1

    listed = paused.dz.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    names = [item["name"] for item in listed["items"]]
    assert names[0] == "t.ipynb" and "first.ipynb" in names
    failed = paused.dz.list_notebooks(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, status="SYNC_FAILED"
    )
    assert {item["name"] for item in failed["items"]} == {"missing.ipynb", "bad.ipynb"}
    created = paused.dz.create_notebook(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, name="empty"
    )
    assert created["status"] == "ACTIVE" and created["cellOrder"] == []
    paused.dz.create_notebook(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, name="sql", type="SQL"
    )
    sql = paused.dz.list_notebooks(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, type="SQL"
    )
    assert [item["name"] for item in sql["items"]] == ["sql"]


def test_export_of_a_notebook_that_never_ran(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("print('plain')"))
    for file_format in ("IPYNB", "PDF"):
        export = paused.dz.start_notebook_export(
            domainIdentifier=DOMAIN,
            owningProjectIdentifier=PROJECT,
            notebookIdentifier=notebook_id,
            fileFormat=file_format,
        )
        deadline = time.monotonic() + 30
        while (
            got := paused.dz.get_notebook_export(domainIdentifier=DOMAIN, identifier=export["id"])
        )["status"] == "IN_PROGRESS":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        if file_format == "IPYNB":
            assert got["status"] == "SUCCEEDED"
            bucket, key = got["outputLocation"]["s3"]["uri"][5:].split("/", 1)
            body = json.loads(paused.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            assert "sagerun" not in body["metadata"]
            assert "plain" in "".join(body["cells"][0]["source"])
        elif got["status"] == "FAILED":
            # No LaTeX nor playwright here: the reason must say what is missing.
            assert "PDF export needs" in got["error"]["message"]
        else:
            assert got["outputLocation"]["s3"]["uri"].endswith(".pdf")


def test_concurrent_starts_with_repeated_tokens(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))

    def start(i: int) -> str:
        run = paused.start_run(notebook_id, clientToken=f"load-{i % 20}")
        run_id: str = run["id"]
        return run_id

    with ThreadPoolExecutor(20) as pool:
        ids = list(pool.map(start, range(200)))
    assert len(set(ids)) == 20
    listed = paused.dz.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    assert len(listed["items"]) == 20
    assert len(list((paused.state_dir / "runs").iterdir())) == 20


def test_configuration_reaches_the_backend_from_the_command_line() -> None:
    app = Application()
    app.parse_command_line(
        ["--LocalBackend.seconds_per_minute=0.05", "--LocalBackend.max_concurrent_runs=3"]
    )
    backend = LocalBackend(parent=app)
    assert (backend.seconds_per_minute, backend.max_concurrent_runs) == (0.05, 3)
    assert backend.state_dir.endswith("sagerun/local")

    standalone = LocalBackendApp()
    standalone.parse_command_line(
        ["--port", "1234", "--s3-port", "1235", "--seconds-per-minute", "0.5", "--state-dir", "/x"]
    )
    backend = LocalBackend(parent=standalone)
    assert (backend.port, backend.s3_port, backend.seconds_per_minute, backend.state_dir) == (
        1234,
        1235,
        0.5,
        "/x",
    )
