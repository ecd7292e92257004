"""Where the local backend must be as strict as DataZone, through real boto3: token
scope, each run's own results in S3, any parameter name, DeleteNotebook, the type of
an import, and the environment calls that Airflow's hook makes."""

from __future__ import annotations

import json
import uuid

import pytest

from jupyter_sagerun.core.results import run_result_uri
from testkit.local import DOMAIN, PROJECT, Local
from testkit.notebooks import cell_text, notebook_bytes

pytestmark = pytest.mark.timeout(120)


def test_a_token_is_scoped_to_its_project_and_bound_to_its_request(paused: Local) -> None:
    first_nb = paused.import_notebook(notebook_bytes("x = 1"))
    token = uuid.uuid4().hex
    first = paused.start_run(first_nb, clientToken=token, parameters={"a": "1"})
    # The same request again: the first answer, nothing started again.
    again = paused.start_run(first_nb, clientToken=token, parameters={"a": "1"})
    assert again["id"] == first["id"]
    # The same token with another request is refused, naming the token.
    with pytest.raises(paused.dz.exceptions.ConflictException, match="clientToken"):
        paused.start_run(first_nb, clientToken=token, parameters={"a": "2"})
    # Another project's request with the same token is its own request.
    upload = paused.upload(notebook_bytes("y = 2"))
    other_nb = paused.dz.start_notebook_import(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier="other",
        name="o.ipynb",
        sourceLocation={"s3": upload},
        clientToken=token,
    )["notebookId"]
    assert other_nb != first_nb
    assert paused.wait_notebook(other_nb)["status"] == "ACTIVE"
    other = paused.dz.start_notebook_run(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier="other",
        notebookIdentifier=other_nb,
        clientToken=token,
    )
    assert other["id"] != first["id"]
    got = paused.get_run(other["id"])
    assert (got["owningProjectId"], got["notebookId"]) == ("other", other_nb)
    assert "parameters" not in got
    runs = paused.dz.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    assert [r["id"] for r in runs["items"]] == [first["id"]]


def test_a_repeated_sync_is_answered_and_not_applied_again(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("x = 1"))
    request = {
        "domainIdentifier": DOMAIN,
        "owningProjectIdentifier": PROJECT,
        "notebookId": notebook_id,
        "sourceLocation": {"s3": paused.upload(notebook_bytes("x = 2"))},
        "clientToken": uuid.uuid4().hex,
    }
    paused.dz.start_notebook_sync(**request)
    synced = paused.wait_notebook(notebook_id)
    assert synced["status"] == "ACTIVE"
    again = paused.dz.start_notebook_sync(**request)
    assert again["notebookId"] == notebook_id
    now = paused.dz.get_notebook(domainIdentifier=DOMAIN, identifier=notebook_id)
    assert (now["status"], now["updatedAt"]) == ("ACTIVE", synced["updatedAt"])
    with pytest.raises(paused.dz.exceptions.ConflictException, match="clientToken"):
        paused.dz.start_notebook_sync(**{**request, "sourceLocation": {"s3": paused.upload(b"")}})


def test_imports_are_data_notebooks_and_can_be_deleted(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("x = 1"))
    got = paused.dz.get_notebook(domainIdentifier=DOMAIN, identifier=notebook_id)
    assert got["type"] == "DATA"
    listed = paused.dz.list_notebooks(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, type="DATA"
    )
    assert [n["id"] for n in listed["items"]] == [notebook_id]
    queued = paused.start_run(notebook_id)
    with pytest.raises(paused.dz.exceptions.ConflictException, match="not ended"):
        paused.dz.delete_notebook(domainIdentifier=DOMAIN, identifier=notebook_id)
    paused.dz.stop_notebook_run(domainIdentifier=DOMAIN, identifier=queued["id"])
    paused.dz.delete_notebook(domainIdentifier=DOMAIN, identifier=notebook_id)
    with pytest.raises(paused.dz.exceptions.ResourceNotFoundException):
        paused.dz.get_notebook(domainIdentifier=DOMAIN, identifier=notebook_id)
    # Not there any more: still 200 (the model has no ResourceNotFound for it).
    paused.dz.delete_notebook(domainIdentifier=DOMAIN, identifier=notebook_id)
    assert paused.get_run(queued["id"])["status"] == "STOPPED"


def test_the_tooling_environment_names_the_project_s3_path(paused: Local) -> None:
    blueprints = paused.dz.list_environment_blueprints(
        domainIdentifier=DOMAIN, managed=True, name="Tooling"
    )["items"]
    assert [b["name"] for b in blueprints] == ["Tooling"]
    envs = paused.dz.list_environments(
        domainIdentifier=DOMAIN,
        projectIdentifier=PROJECT,
        environmentBlueprintIdentifier=blueprints[0]["id"],
    )["items"]
    assert len(envs) == 1 and envs[0]["projectId"] == PROJECT
    env = paused.dz.get_environment(domainIdentifier=DOMAIN, identifier=envs[0]["id"])
    paths = [r["value"] for r in env["provisionedResources"] if r["name"] == "s3BucketPath"]
    assert paths and paths[0].startswith("s3://sagerun-local/")
    nb = paused.import_notebook(notebook_bytes("x = 1"))
    run = paused.get_run(paused.start_run(nb)["id"])
    assert run["storageConfiguration"]["projectS3Path"] == paths[0]
    other = paused.dz.list_environment_blueprints(domainIdentifier=DOMAIN, name="Nope")
    assert other["items"] == []


def _s3_result(local: Local, run: dict[str, object]) -> dict[str, object]:
    uri = run_result_uri(run)
    assert uri is not None
    bucket, key = uri[len("s3://") :].split("/", 1)
    data: dict[str, object] = json.loads(local.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    return data


def test_every_run_leaves_its_own_result_in_its_run_directory(local: Local) -> None:
    nb = local.import_notebook(notebook_bytes("print(f'run {n}')", parameters="n = 0"))
    first = local.start_run(nb, parameters={"n": "1"})
    done_first = local.wait_run(first["id"])
    second = local.start_run(nb, parameters={"n": "2"})
    done_second = local.wait_run(second["id"])
    assert (done_first["status"], done_second["status"]) == ("SUCCEEDED", "SUCCEEDED")
    older = _s3_result(local, done_first)
    assert "run 1" in cell_text(older) and "run 2" not in cell_text(older)
    assert older["metadata"]["sagerun"]["runId"] == first["id"]  # type: ignore[index]
    assert "run 2" in cell_text(_s3_result(local, done_second))


def test_any_parameter_name_runs_and_reaches_the_environment(local: Local) -> None:
    source = notebook_bytes(
        "import os\n"
        "print('env', os.environ['SAGEMAKER_NOTEBOOK_PARAMETER_my-param'])\n"
        "print('var', alpha, os.environ['SAGEMAKER_NOTEBOOK_PARAMETER_alpha'])\n"
        "print('class' in dir())",
        parameters="alpha = 0",
    )
    nb = local.import_notebook(source)
    run = local.start_run(nb, parameters={"my-param": "x y", "alpha": "7", "class": "k"})
    done = local.wait_run(run["id"])
    assert done["status"] == "SUCCEEDED", done.get("error")
    text = cell_text(local.output(run["id"]))
    assert "env x y" in text
    assert "var 7 7" in text
    assert "False" in text  # a keyword never became a variable
