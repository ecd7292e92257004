"""The aws path of schedules, one layer: the exact EventBridge Scheduler requests the
ScheduleService makes (botocore's Stubber on the real gateway's scheduler client),
the role's resolution and AccessDenied made actionable. The same service against the
local backend's real Scheduler is tests/test_rest_schedules.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from jupyter_sagerun.aws.datazone import DataZoneGateway
from jupyter_sagerun.aws.scheduler import SchedulerGateway
from jupyter_sagerun.core.errors import SageRunError
from jupyter_sagerun.runs.context import RunContext
from jupyter_sagerun.runs.schedule_models import ScheduleRequest
from jupyter_sagerun.runs.schedule_role import RoleChoice
from jupyter_sagerun.runs.schedules import ScheduleService
from jupyter_sagerun.runs.workspace import Workspace
from testkit.config import aws_context
from testkit.notebooks import write_notebook

ROLE = "arn:aws:iam::123456789012:role/sagerun-scheduler"
TARGET_ARN = "arn:aws:scheduler:::aws-sdk:datazone:startNotebookRun"


class FakeSyncer:
    def __init__(self) -> None:
        self.synced: list[str] = []

    def ensure_synced(
        self, ctx: RunContext, abs_path: str, rel_path: str, *a: Any, **k: Any
    ) -> str:
        self.synced.append(rel_path)
        return "nb123"


class FakeEnvironments:
    @contextlib.contextmanager
    def prepared(self, *args: Any) -> Iterator[None]:
        yield


class FakeRuns:
    """The run service's parts a ScheduleService uses, for an aws context."""

    def __init__(self, root: Path) -> None:
        self.workspace = Workspace(str(root), 1 << 20, False)
        self.syncer = FakeSyncer()
        self.environments = FakeEnvironments()

    def context(self, domain_id: str | None = None, project_id: str | None = None) -> RunContext:
        return aws_context(domain="dzd_abc", project="proj")


@pytest.fixture
def stubbed(tmp_path: Path) -> Iterator[tuple[ScheduleService, Stubber, FakeRuns]]:
    gateway = SchedulerGateway(DataZoneGateway(max_attempts=1))
    client = gateway.datazone.client(aws_context().target, "scheduler")
    runs = FakeRuns(tmp_path)
    service = ScheduleService(runs, gateway, RoleChoice(ROLE, str(tmp_path / "none.json")))  # type: ignore[arg-type]
    with Stubber(client) as stubber:
        yield service, stubber, runs
        stubber.assert_no_pending_responses()


def not_found(stubber: Stubber, operation: str) -> None:
    stubber.add_client_error(operation, "ResourceNotFoundException", "nope", 404)


def raw_schedule(name: str, input_json: str) -> dict[str, Any]:
    stamp = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    return {
        "Arn": f"arn:aws:scheduler:us-east-1:123456789012:schedule/sagerun-proj/{name}",
        "Name": name,
        "GroupName": "sagerun-proj",
        "ScheduleExpression": "cron(0 6 ? * MON-FRI *)",
        "ScheduleExpressionTimezone": "Europe/Berlin",
        "State": "ENABLED",
        "Description": "notebook: reports/daily.ipynb",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": TARGET_ARN, "RoleArn": ROLE, "Input": input_json},
        "CreationDate": stamp,
        "LastModificationDate": stamp,
    }


def test_create_sends_the_universal_target_without_a_client_token(
    stubbed: tuple[ScheduleService, Stubber, FakeRuns], tmp_path: Path
) -> None:
    service, stubber, runs = stubbed
    write_notebook(tmp_path, "reports/daily.ipynb", "1")
    expected_input = {
        "domainIdentifier": "dzd_abc",
        "owningProjectIdentifier": "proj",
        "notebookIdentifier": "nb123",
        "parameters": {"alpha": "s3cret"},
        "timeoutConfiguration": {"runTimeoutInMinutes": 60},
        "triggerSource": {"type": "SCHEDULED", "name": "daily"},
        "scheduleIdentifier": "daily",
    }
    input_json = json.dumps(expected_input, sort_keys=True)
    not_found(stubber, "get_schedule_group")
    stubber.add_response(
        "create_schedule_group", {"ScheduleGroupArn": "arn:g"}, {"Name": "sagerun-proj"}
    )
    stubber.add_response(
        "create_schedule",
        {"ScheduleArn": "arn:s"},
        {
            "Name": "daily",
            "GroupName": "sagerun-proj",
            "ScheduleExpression": "cron(0 6 ? * MON-FRI *)",
            "ScheduleExpressionTimezone": "Europe/Berlin",
            "State": "ENABLED",
            "Description": "notebook: reports/daily.ipynb",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "NONE",
            "Target": {"Arn": TARGET_ARN, "RoleArn": ROLE, "Input": input_json},
        },
    )
    stubber.add_response(
        "get_schedule",
        raw_schedule("daily", input_json),
        {"Name": "daily", "GroupName": "sagerun-proj"},
    )
    schedule = service.create(
        ScheduleRequest(
            name="daily",
            path="reports/daily.ipynb",
            expression="cron(0 6 ? * MON-FRI *)",
            timezone="Europe/Berlin",
            parameters={"alpha": "s3cret"},
            timeoutConfiguration={"runTimeoutInMinutes": 60},
        )
    )
    assert "clientToken" not in json.loads(input_json)
    assert runs.syncer.synced == ["reports/daily.ipynb"]
    assert schedule["path"] == "reports/daily.ipynb" and schedule["notebookId"] == "nb123"
    assert schedule["description"] == "weekdays at 06:00 (Europe/Berlin)"
    assert schedule["runSettings"]["parameterNames"] == ["alpha"]
    assert "s3cret" not in json.dumps(schedule)


def test_access_denied_names_the_permission_and_the_role(
    stubbed: tuple[ScheduleService, Stubber, FakeRuns], tmp_path: Path
) -> None:
    service, stubber, _ = stubbed
    write_notebook(tmp_path, "a.ipynb", "1")
    stubber.add_response("get_schedule_group", {"Arn": "arn:g", "Name": "sagerun-proj"})
    stubber.add_client_error(
        "create_schedule",
        "AccessDeniedException",
        "User is not authorized to perform iam:PassRole with value s3cret",
        403,
    )
    with pytest.raises(SageRunError) as caught:
        service.create(
            ScheduleRequest(
                name="a", path="a.ipynb", expression="rate(1 day)", parameters={"p": "s3cret"}
            )
        )
    error = caught.value
    assert error.status == 403 and error.code == "AccessDeniedException"
    assert "scheduler:CreateSchedule" in error.message and ROLE in error.message
    assert "iam:PassRole" in error.message and "s3cret" not in error.message


def test_an_unknown_schedule_is_a_404_naming_it(
    stubbed: tuple[ScheduleService, Stubber, FakeRuns],
) -> None:
    service, stubber, _ = stubbed
    not_found(stubber, "get_schedule")
    with pytest.raises(SageRunError) as caught:
        service.set_state("ghost", "DISABLED")
    assert caught.value.status == 404 and "ghost" in caught.value.message


def test_pause_sends_the_schedule_back_disabled_with_all_else_kept(
    stubbed: tuple[ScheduleService, Stubber, FakeRuns],
) -> None:
    service, stubber, _ = stubbed
    raw = raw_schedule("daily", json.dumps({"notebookIdentifier": "nb123"}))
    stubber.add_response("get_schedule", raw)
    kept = {
        k: v for k, v in raw.items() if k not in ("Arn", "CreationDate", "LastModificationDate")
    }
    stubber.add_response(
        "update_schedule", {"ScheduleArn": raw["Arn"]}, {**kept, "State": "DISABLED"}
    )
    stubber.add_response("get_schedule", {**raw, "State": "DISABLED"})
    paused = service.set_state("daily", "DISABLED")
    assert paused["state"] == "DISABLED" and paused["nextFirings"] == []


def test_without_a_role_schedules_are_unavailable_and_nothing_is_called(
    tmp_path: Path,
) -> None:
    gateway = SchedulerGateway(DataZoneGateway(max_attempts=1))
    client = gateway.datazone.client(aws_context().target, "scheduler")
    service = ScheduleService(
        FakeRuns(tmp_path),
        gateway,
        RoleChoice(None, str(tmp_path / "none.json")),  # type: ignore[arg-type]
    )
    ctx = aws_context()
    availability = service.availability(ctx)
    assert availability["available"] is False and availability["roleArn"] is None
    assert "--SageRun.schedule_role_arn" in availability["reason"]
    write_notebook(tmp_path, "a.ipynb", "1")
    # No response queued: any call would fail the test.
    with Stubber(client), pytest.raises(SageRunError) as caught:
        service.create(ScheduleRequest(name="a", path="a.ipynb", expression="rate(1 day)"))
    assert caught.value.status == 400 and "schedule_role_arn" in caught.value.message


def test_the_space_metadata_role_is_used_and_said_so(tmp_path: Path) -> None:
    metadata = tmp_path / "resource-metadata.json"
    metadata.write_text(json.dumps({"ExecutionRoleArn": "arn:aws:iam::1:role/datazone_usr_role_x"}))
    role = RoleChoice(None, str(metadata))
    assert role.resolve(aws_context()) == ("arn:aws:iam::1:role/datazone_usr_role_x", "space", None)
    assert RoleChoice(ROLE, str(metadata)).resolve(aws_context())[1] == "config"


def test_a_role_eventbridge_would_refuse_is_refused_before_any_side_effect(
    tmp_path: Path,
) -> None:
    gateway = SchedulerGateway(DataZoneGateway(max_attempts=1))
    client = gateway.datazone.client(aws_context().target, "scheduler")
    runs = FakeRuns(tmp_path)
    service = ScheduleService(
        runs,
        gateway,
        RoleChoice("sagerun-scheduler", str(tmp_path / "none.json")),  # type: ignore[arg-type]
    )
    write_notebook(tmp_path, "a.ipynb", "1")
    # No response queued: a group made, or any other call, would fail the test.
    with Stubber(client), pytest.raises(SageRunError) as caught:
        service.create(ScheduleRequest(name="a", path="a.ipynb", expression="rate(1 day)"))
    assert caught.value.status == 400, caught.value
    paths = [f.path for f in caught.value.fields]
    assert paths == ["SageRun.schedule_role_arn"], caught.value.fields
    assert runs.syncer.synced == []  # the notebook was not uploaded either


def test_a_refused_create_removes_the_group_it_made_and_keeps_a_group_it_found(
    stubbed: tuple[ScheduleService, Stubber, FakeRuns], tmp_path: Path
) -> None:
    service, stubber, _ = stubbed
    write_notebook(tmp_path, "a.ipynb", "1")
    request = ScheduleRequest(name="a", path="a.ipynb", expression="rate(1 day)")
    denied = ("create_schedule", "AccessDeniedException", "not authorized", 403)
    # This create made the group: once its schedule is refused, the empty group goes.
    not_found(stubber, "get_schedule_group")
    stubber.add_response(
        "create_schedule_group", {"ScheduleGroupArn": "arn:g"}, {"Name": "sagerun-proj"}
    )
    stubber.add_client_error(*denied)
    stubber.add_response("list_schedules", {"Schedules": []}, {"GroupName": "sagerun-proj"})
    stubber.add_response("delete_schedule_group", {}, {"Name": "sagerun-proj"})
    with pytest.raises(SageRunError) as caught:
        service.create(request)
    assert caught.value.code == "AccessDeniedException"
    stubber.assert_no_pending_responses()
    # The group was there before: it stays, and nothing is asked about it.
    stubber.add_response("get_schedule_group", {"Arn": "arn:g", "Name": "sagerun-proj"})
    stubber.add_client_error(*denied)
    calls: list[str] = []
    real_call = service.gateway.call
    service.gateway.call = lambda target, op, params: (
        calls.append(op)
        or real_call(  # type: ignore[method-assign]
            target, op, params
        )
    )
    with pytest.raises(SageRunError) as caught:
        service.create(request)
    assert caught.value.code == "AccessDeniedException"
    assert calls == ["GetScheduleGroup", "CreateSchedule"]
