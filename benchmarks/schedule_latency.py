"""How late the local backend fires a schedule: n one-time ``at(...)`` schedules, one due
each second, made through its EventBridge Scheduler API with boto3; each firing's
lateness is its run's createdAt minus the schedule's due time.

The backend runs in this process on a temporary state directory and keeps runs QUEUED
(max_concurrent_runs=0): no papermill competes with the timer. Target: every firing
under 1 s late (exit 1 if one is not).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from typing import Any

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
import boto3

from jupyter_sagerun.aws.scheduler_model import START_NOTEBOOK_RUN_ARN
from jupyter_sagerun.local import LocalBackend
from testkit.stats import machine_line, verdict

TARGET_SECONDS = 1.0
DOMAIN, PROJECT = "dzd_local", "local"
NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("-n", "--firings", type=int, default=10, help="schedules to fire")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as state:
        backend = LocalBackend(state_dir=state, max_concurrent_runs=0)
        backend.start()
        try:
            lateness = measure(backend, args.firings)
        finally:
            backend.stop()
    median, worst = statistics.median(lateness), max(lateness)
    ok = worst < TARGET_SECONDS
    print(machine_line())
    print(
        f"schedule lateness over {len(lateness)} firings: median {median * 1000:.0f} ms, "
        f"max {worst * 1000:.0f} ms (target: every one < {TARGET_SECONDS:.0f} s) {verdict(ok)}"
    )
    return 0 if ok else 1


def measure(backend: LocalBackend, firings: int) -> list[float]:
    keys = {
        "region_name": backend.region,
        "aws_access_key_id": backend.credentials.access_key_id,
        "aws_secret_access_key": backend.credentials.secret_access_key,
    }
    session = boto3.session.Session()
    s3 = session.client("s3", endpoint_url=backend.s3_endpoint_url, **keys)
    dz = session.client("datazone", endpoint_url=backend.endpoint_url, **keys)
    scheduler = session.client("scheduler", endpoint_url=backend.scheduler_endpoint_url, **keys)
    s3.put_object(Bucket="sagerun-local", Key="bench/n.ipynb", Body=json.dumps(NOTEBOOK))
    notebook_id = dz.start_notebook_import(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        name="n.ipynb",
        sourceLocation={"s3": "s3://sagerun-local/bench/n.ipynb"},
    )["notebookId"]
    while dz.get_notebook(domainIdentifier=DOMAIN, identifier=notebook_id)["status"] != "ACTIVE":
        time.sleep(0.05)
    first = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(seconds=3)
    due: dict[str, float] = {}
    for index in range(firings):
        moment = first + dt.timedelta(seconds=index)
        name = f"bench-{index}"
        due[name] = moment.timestamp()
        scheduler.create_schedule(
            Name=name,
            ScheduleExpression=f"at({moment.replace(tzinfo=None):%Y-%m-%dT%H:%M:%S})",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target=_target(notebook_id),
        )
    deadline = time.monotonic() + firings + 30
    found: dict[str, float] = {}
    while len(found) < firings:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(found)} of {firings} schedules fired")
        for run in dz.list_notebook_runs(
            domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, maxResults=50
        )["items"]:
            name = run.get("scheduleId")
            if name in due:
                found[name] = run["createdAt"].timestamp() - due[name]
        time.sleep(0.2)
    return list(found.values())


def _target(notebook_id: str) -> dict[str, Any]:
    return {
        "Arn": START_NOTEBOOK_RUN_ARN,
        "RoleArn": "arn:aws:iam::000000000000:role/bench",
        "Input": json.dumps(
            {
                "domainIdentifier": DOMAIN,
                "owningProjectIdentifier": PROJECT,
                "notebookIdentifier": notebook_id,
            }
        ),
    }


if __name__ == "__main__":
    sys.exit(main())
