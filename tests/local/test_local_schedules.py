"""The local backend's EventBridge Scheduler: real boto3 (service ``scheduler``) over
HTTP to its own port, real firings that run real notebooks with papermill."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from jupyter_sagerun.aws.scheduler_model import START_NOTEBOOK_RUN_ARN

from .localkit import DOMAIN, PROJECT, REGION, Local, notebook

ROLE = "arn:aws:iam::000000000000:role/sagerun-local-scheduler"


def scheduler(local: Local) -> Any:
    return boto3.session.Session().client(
        "scheduler",
        endpoint_url=local.backend.scheduler_endpoint_url,
        region_name=REGION,
        **local.keys(),
    )


def run_input(notebook_id: str, **extra: Any) -> str:
    return json.dumps(
        {
            "domainIdentifier": DOMAIN,
            "owningProjectIdentifier": PROJECT,
            "notebookIdentifier": notebook_id,
            **extra,
        }
    )


def target(notebook_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "Arn": START_NOTEBOOK_RUN_ARN,
        "RoleArn": ROLE,
        "Input": run_input(notebook_id, **extra),
    }


def at_in(seconds: float, zone: str = "UTC") -> tuple[str, float]:
    """``at(...)`` ``seconds`` from now (whole seconds, in ``zone``) and its epoch."""
    from zoneinfo import ZoneInfo

    moment = dt.datetime.now(ZoneInfo(zone)).replace(microsecond=0) + dt.timedelta(seconds=seconds)
    return f"at({moment.replace(tzinfo=None):%Y-%m-%dT%H:%M:%S})", moment.timestamp()


def runs_of(local: Local, schedule_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = local.dz.list_notebook_runs(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, scheduleIdentifier=schedule_id
    )["items"]
    return items


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call()
    error: dict[str, Any] = caught.value.response["Error"]
    error["status"] = caught.value.response["ResponseMetadata"]["HTTPStatusCode"]
    return error


def test_an_at_schedule_fires_a_scheduled_run_that_papermill_finishes(local: Local) -> None:
    notebook_id = local.import_notebook(notebook("print(alpha * 2)", parameters="alpha = 1"))
    client = scheduler(local)
    expression, due = at_in(2, "Europe/Berlin")
    arn = client.create_schedule(
        Name="nightly.report",
        ScheduleExpression=expression,
        ScheduleExpressionTimezone="Europe/Berlin",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target(notebook_id, parameters={"alpha": "21"}),
        ActionAfterCompletion="NONE",
    )["ScheduleArn"]
    assert arn.endswith(":schedule/default/nightly.report")
    got = client.get_schedule(Name="nightly.report")
    assert got["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert got["Target"]["Arn"] == START_NOTEBOOK_RUN_ARN and got["State"] == "ENABLED"
    listed = client.list_schedules()["Schedules"]
    assert [s["Name"] for s in listed] == ["nightly.report"]

    # A name with '.' does not fit DataZone's scheduleIdentifier: a stable id stands in.
    (run,) = wait_for(
        lambda: runs_of(local, "nightly-report-" + _digest("nightly.report")),
        15,
        "the firing's run",
    )
    assert run["createdAt"].timestamp() >= due - 0.01
    done = local.wait_run(run["id"])
    assert done["status"] == "SUCCEEDED", done
    assert done["triggerSource"] == {"type": "SCHEDULED", "name": "nightly.report"}
    assert "42" in json.dumps(local.output(run["id"]))
    # A one-time schedule kept after completion (NONE) has no further firing.
    assert local.backend.schedules.status().enabled == 0


def _digest(name: str) -> str:
    import hashlib

    return hashlib.sha256(name.encode()).hexdigest()[:12]


def test_a_rate_schedule_fires_again_and_each_firing_is_its_own_run(
    make_local: Callable[..., Local],
) -> None:
    # seconds_per_minute 1: rate(1 minute) fires every second.
    local = make_local(seconds_per_minute=1.0, max_concurrent_runs=0)
    notebook_id = local.import_notebook(notebook("1"))
    client = scheduler(local)
    client.create_schedule(
        Name="every-minute",
        ScheduleExpression="rate(1 minute)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target(notebook_id),
    )
    runs = wait_for(
        lambda: len(runs_of(local, "every-minute")) >= 3 and runs_of(local, "every-minute"),
        15,
        "three firings",
    )
    assert len({r["id"] for r in runs}) == len(runs)
    client.update_schedule(
        Name="every-minute",
        ScheduleExpression="rate(1 minute)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target(notebook_id),
        State="DISABLED",
    )
    assert client.get_schedule(Name="every-minute")["State"] == "DISABLED"
    assert local.backend.schedules.status().next_fire is None
    client.delete_schedule(Name="every-minute")
    missing = error_of(lambda: client.get_schedule(Name="every-minute"))
    assert missing["Code"] == "ResourceNotFoundException" and missing["status"] == 404


def test_a_restart_between_firings_loses_nothing_and_fires_each_time_once(
    make_local: Callable[..., Local], tmp_path: Path
) -> None:
    state = tmp_path / "restarted"
    # rate(1 minute) every 2 s.
    first = make_local(state_dir=state, seconds_per_minute=2.0, max_concurrent_runs=0)
    notebook_id = first.import_notebook(notebook("1"))
    scheduler(first).create_schedule(
        Name="survivor",
        ScheduleExpression="rate(1 minute)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target(notebook_id),
    )
    wait_for(lambda: runs_of(first, "survivor"), 10, "the first firing")
    first.backend.stop()
    second = make_local(state_dir=state, seconds_per_minute=2.0, max_concurrent_runs=0)
    assert scheduler(second).get_schedule(Name="survivor")["State"] == "ENABLED"
    before = len(runs_of(second, "survivor"))
    runs = wait_for(
        lambda: len(runs_of(second, "survivor")) >= before + 2 and runs_of(second, "survivor"),
        15,
        "two firings after the restart",
    )
    created = sorted(r["createdAt"].timestamp() for r in runs)
    # One run per 2-second period: no firing repeated (two runs of one due time would
    # be created within a few milliseconds of each other).
    gaps = [b - a for a, b in itertools.pairwise(created)]
    assert min(gaps) > 1.0, gaps


def test_a_firing_due_while_the_backend_was_down_is_not_replayed(
    make_local: Callable[..., Local], tmp_path: Path
) -> None:
    state = tmp_path / "down"
    first = make_local(state_dir=state, max_concurrent_runs=0)
    notebook_id = first.import_notebook(notebook("1"))
    expression, due = at_in(2)
    scheduler(first).create_schedule(
        Name="missed",
        ScheduleExpression=expression,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target(notebook_id),
    )
    first.backend.stop()
    wait_for(lambda: time.time() > due + 0.5, 10, "the due time to pass")
    second = make_local(state_dir=state, max_concurrent_runs=0)
    # The missed firing is settled in start(): nothing is due any more, and no run.
    assert second.backend.schedules.status().next_fire is None
    assert runs_of(second, "missed") == []
    assert scheduler(second).get_schedule(Name="missed")["Name"] == "missed"


def test_bad_schedules_are_refused_naming_what_is_wrong(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook("1"))
    client = scheduler(paused)

    def create(**overrides: Any) -> dict[str, Any]:
        args: dict[str, Any] = {
            "Name": "bad",
            "ScheduleExpression": "cron(0 6 ? * MON-FRI *)",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": target(notebook_id),
            **overrides,
        }
        return error_of(lambda: client.create_schedule(**args))

    other = create(Target={"Arn": "arn:aws:lambda:us-east-1:1:function:f", "RoleArn": ROLE})
    assert other["Code"] == "ValidationException" and "Target.Arn" in other["Message"]
    assert "startNotebookRun" in other["Message"]
    assert "ScheduleExpression" in create(ScheduleExpression="cron(0 6 * * MON *)")["Message"]
    assert "ScheduleExpression" in create(ScheduleExpression="every day")["Message"]
    zone = create(ScheduleExpressionTimezone="Mars/Olympus")
    assert "ScheduleExpressionTimezone" in zone["Message"]
    start = dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc)
    window = create(StartDate=start, EndDate=start - dt.timedelta(days=1))
    assert "EndDate" in window["Message"]
    no_input = create(Target={"Arn": START_NOTEBOOK_RUN_ARN, "RoleArn": ROLE, "Input": "{}"})
    assert "Target.Input" in no_input["Message"]
    missing_group = create(GroupName="nobody")
    assert missing_group["Code"] == "ResourceNotFoundException"
    # Nothing was half-created.
    assert client.list_schedules()["Schedules"] == []
    unknown = error_of(lambda: client.delete_schedule(Name="nobody"))
    assert unknown["Code"] == "ResourceNotFoundException" and "nobody" in unknown["Message"]


def test_groups_are_created_listed_and_hold_their_own_schedules(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook("1"))
    client = scheduler(paused)
    client.create_schedule_group(Name="sagerun-project-a")
    taken = error_of(lambda: client.create_schedule_group(Name="sagerun-project-a"))
    assert taken["Code"] == "ConflictException"
    assert client.get_schedule_group(Name="sagerun-project-a")["State"] == "ACTIVE"
    names = [g["Name"] for g in client.list_schedule_groups()["ScheduleGroups"]]
    assert names == ["default", "sagerun-project-a"]
    for group in ("sagerun-project-a", "default"):
        client.create_schedule(
            Name="same-name",
            GroupName=group,
            ScheduleExpression="cron(0 6 ? * MON-FRI *)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target=target(notebook_id),
        )
    mine = client.list_schedules(GroupName="sagerun-project-a")["Schedules"]
    assert [(s["Name"], s["GroupName"]) for s in mine] == [("same-name", "sagerun-project-a")]
    assert len(client.list_schedules()["Schedules"]) == 2


def test_unsigned_scheduler_requests_are_refused(paused: Local) -> None:
    import urllib.error
    import urllib.request

    url = paused.backend.scheduler_endpoint_url + "/schedules"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=5)
    assert refused.value.code == 403
    # Signed for DataZone is not signed for the Scheduler.
    wrong = boto3.session.Session().client(
        "datazone",
        endpoint_url=paused.backend.scheduler_endpoint_url,
        region_name=REGION,
        **paused.keys(),
    )
    assert (
        error_of(
            lambda: wrong.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
        )["status"]
        == 403
    )


def test_the_aws_cli_creates_a_schedule_through_sagerun_env(
    make_local: Callable[..., Local], tmp_path: Path
) -> None:
    # rate(1 minute) fires 2 s after its creation, however long the CLI takes to start.
    local = make_local(seconds_per_minute=2.0)
    notebook_id = local.import_notebook(notebook("1"))
    expression = "rate(1 minute)"
    script = (
        f'eval "$(jupyter sagerun env --state-dir={local.state_dir})" && '
        f"python -m awscli scheduler create-schedule --name from-the-cli "
        f"--schedule-expression '{expression}' --flexible-time-window Mode=OFF "
        f"--target '{json.dumps(target(notebook_id))}' --output json"
    )
    env = {
        **os.environ,
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
    }
    env.pop("AWS_PROFILE", None)
    done = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ScheduleArn"].endswith("/default/from-the-cli")
    run = wait_for(lambda: runs_of(local, "from-the-cli"), 20, "the CLI schedule's run")[-1]
    scheduler(local).delete_schedule(Name="from-the-cli")
    finished = local.wait_run(run["id"])
    assert finished["triggerSource"]["type"] == "SCHEDULED"
    assert finished["scheduleId"] == "from-the-cli"


def test_an_enabled_schedule_keeps_the_backend_from_idling_out(
    make_local: Callable[..., Local],
) -> None:
    import threading

    local = make_local(idle_timeout=1.0, max_concurrent_runs=0)
    notebook_id = local.import_notebook(notebook("1"))
    client = scheduler(local)
    args: dict[str, Any] = {
        "Name": "keeper",
        "ScheduleExpression": "cron(0 6 ? * MON-FRI *)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": target(notebook_id),
    }
    client.create_schedule(**args)
    idled = threading.Event()
    local.backend.watch_idle(lambda seconds: idled.set())
    # Three idle timeouts (twelve of its checks) without a request: only the enabled
    # schedule keeps it. A stop that must not come can only be waited out.
    assert not idled.wait(3.0)
    client.update_schedule(**args, State="DISABLED")
    assert idled.wait(10), "a backend whose schedules are all paused must idle out"


def test_a_one_time_schedule_with_delete_after_completion_is_gone_after_firing(
    paused: Local,
) -> None:
    notebook_id = paused.import_notebook(notebook("1"))
    client = scheduler(paused)
    expression, _ = at_in(2)
    client.create_schedule(
        Name="once",
        ScheduleExpression=expression,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target(notebook_id),
        ActionAfterCompletion="DELETE",
    )
    wait_for(lambda: runs_of(paused, "once"), 15, "the firing")
    wait_for(lambda: not client.list_schedules(NamePrefix="once")["Schedules"], 10, "its deletion")
