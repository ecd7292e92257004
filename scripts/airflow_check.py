"""Airflow's SMUS notebook hook against the local backend, end to end.

Run by ``scripts/airflow-check.sh`` with the Python of a virtual environment of its
own that has ``apache-airflow-providers-amazon`` (Airflow is too heavy for the test
environment), while a local backend runs; boto3 reaches it through the standard
``AWS_ENDPOINT_URL_DATAZONE`` / ``AWS_ENDPOINT_URL_S3`` variables and credentials in
the environment, as ``jupyter sagerun env`` sets them for any AWS client. It checks
what a DAG relies on: a run starts, is followed to SUCCEEDED, a failing notebook
raises, and ``get_project_s3_path`` finds the project's bucket, where the run's result
is. Every check prints one line; any failure exits non-zero.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from typing import Any

import boto3
from airflow.providers.amazon.aws.hooks.sagemaker_unified_studio_notebook import (
    SageMakerUnifiedStudioNotebookHook,
)

DOMAIN = "dzd_local"
PROJECT = "airflow" + uuid.uuid4().hex[:8]
REGION = "us-east-1"
STAGING = ("sagerun-local", "staging/airflow/")


def notebook(*cells: str) -> bytes:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "cells": [
                {
                    "id": f"c{i}",
                    "cell_type": "code",
                    "metadata": {},
                    "execution_count": None,
                    "outputs": [],
                    "source": source,
                }
                for i, source in enumerate(cells)
            ],
        }
    ).encode()


def import_notebook(dz: Any, s3: Any, name: str, content: bytes) -> str:
    key = f"{STAGING[1]}{uuid.uuid4().hex}/{name}"
    s3.put_object(Bucket=STAGING[0], Key=key, Body=content)
    notebook_id: str = dz.start_notebook_import(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        name=name,
        sourceLocation={"s3": f"s3://{STAGING[0]}/{key}"},
    )["notebookId"]
    deadline = time.monotonic() + 30
    while dz.get_notebook(domainIdentifier=DOMAIN, identifier=notebook_id)["status"] != "ACTIVE":
        assert time.monotonic() < deadline, f"notebook {notebook_id} never became ACTIVE"
        time.sleep(0.2)
    return notebook_id


def check(what: str, ok: bool, detail: object = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {what}{f': {detail}' if detail else ''}", flush=True)
    if not ok:
        sys.exit(1)


def main() -> int:
    dz = boto3.client("datazone", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    good = import_notebook(
        dz,
        s3,
        "good.ipynb",
        notebook("import os", "print(os.environ['SAGEMAKER_NOTEBOOK_PARAMETER_my-param'])"),
    )
    bad = import_notebook(dz, s3, "bad.ipynb", notebook("raise ValueError('on purpose')"))
    hook = SageMakerUnifiedStudioNotebookHook(aws_conn_id=None, region_name=REGION)

    started = hook.start_notebook_run(
        notebook_identifier=good,
        domain_identifier=DOMAIN,
        owning_project_identifier=PROJECT,
        notebook_parameters={"my-param": "from airflow"},
        workflow_name="airflow_check",
    )
    run_id = started["id"]
    done = hook.wait_for_notebook_run(run_id, domain_identifier=DOMAIN, waiter_delay=1)
    check("start and wait to SUCCEEDED", done.get("Status") == "SUCCEEDED", done)
    run = hook.get_notebook_run(run_id, domain_identifier=DOMAIN)
    check("the run says it came from a workflow", run["triggerSource"]["type"] == "WORKFLOW")

    failing = hook.start_notebook_run(
        notebook_identifier=bad, domain_identifier=DOMAIN, owning_project_identifier=PROJECT
    )
    try:
        hook.wait_for_notebook_run(failing["id"], domain_identifier=DOMAIN, waiter_delay=1)
    except RuntimeError as exc:
        check("a failing notebook raises", True, exc)
    else:
        check("a failing notebook raises", False, "wait_for_notebook_run returned")

    bucket, prefix = hook.get_project_s3_path(DOMAIN, PROJECT)
    check("get_project_s3_path finds the bucket", bucket == STAGING[0], (bucket, prefix))
    key = f"{prefix}/.sys/notebooks/{good}/runs/{run_id}/output.ipynb".lstrip("/")
    result = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    printed = json.dumps(result["cells"])
    check("the run's result is in its run directory", "from airflow" in printed, key)
    outputs = hook.get_notebook_outputs(
        notebook_identifier=good,
        notebook_run_id=run_id,
        domain_identifier=DOMAIN,
        owning_project_identifier=PROJECT,
    )
    check("get_notebook_outputs answers (no outputs written)", outputs == {}, outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
