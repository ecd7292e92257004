"""``sagerun/schedules`` through a real Jupyter server and the real local backend: its
EventBridge Scheduler over SigV4-signed HTTP, firings run with papermill."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from testkit.notebooks import write_notebook
from testkit.rest import Api
from testkit.waiting import wait_for

pytestmark = pytest.mark.timeout(120)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def at_in(seconds: int) -> str:
    moment = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    return f"at({moment + dt.timedelta(seconds=seconds):%Y-%m-%dT%H:%M:%S})"


def fields(body: Any) -> dict[str, str]:
    return {f["path"]: f["message"] for f in body["error"]["fields"]}


async def runs_of(api: Api, schedule_id: str, timeout: float = 30) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        status, page = await api("GET", "runs", params={"scheduleId": schedule_id})
        assert status == 200, page
        if page["items"]:
            return list(page["items"])
        assert time.monotonic() < deadline, f"no run of schedule {schedule_id}"
        await asyncio.sleep(0.2)


async def test_context_says_schedules_are_available_locally(api: Api) -> None:
    status, context = await api("GET", "context")
    assert status == 200, context
    assert context["schedules"]["available"] is True
    assert context["schedules"]["roleSource"] == "local"
    assert context["schedules"]["roleArn"].startswith("arn:aws:iam::")


async def test_preview_describes_and_lists_the_next_firings(api: Api) -> None:
    status, preview = await api(
        "POST",
        "schedules",
        "preview",
        body={"expression": "cron(0 6 ? * MON-FRI *)", "timezone": "Europe/Berlin"},
    )
    assert status == 200, preview
    assert preview["description"] == "weekdays at 06:00 (Europe/Berlin)"
    assert len(preview["nextFirings"]) == 3
    for firing in preview["nextFirings"]:
        moment = dt.datetime.fromisoformat(firing)
        assert (moment.hour, moment.minute) == (6, 0) and moment.weekday() < 5


async def test_preview_names_each_bad_field(api: Api) -> None:
    status, body = await api(
        "POST",
        "schedules",
        "preview",
        body={
            "expression": "cron(0 6 * * MON *)",
            "timezone": "Mars/Olympus",
        },
    )
    assert status == 400, body
    assert set(fields(body)) == {"expression", "timezone"}
    status, body = await api(
        "POST",
        "schedules",
        "preview",
        body={
            "expression": "rate(1 hour)",
            "startDate": "2030-01-02T00:00:00Z",
            "endDate": "2030-01-01T00:00:00Z",
        },
    )
    assert status == 400 and "endDate" in fields(body), body
    status, body = await api(
        "POST", "schedules", "preview", body={"expression": "rate(1 hour)", "count": 11}
    )
    assert status == 400 and "count" in fields(body), body


async def test_a_schedule_fires_its_notebook_and_is_managed_end_to_end(
    api: Api, jp_root_dir: Path
) -> None:
    path = f"{unique('reports')}/daily.ipynb"
    write_notebook(jp_root_dir, path, "print(int(alpha) * 2)", parameters="alpha = 1")
    name = unique("daily")
    # Long enough that no timestamp or id of the answer can hold it by chance ("21"
    # once matched the seconds of updatedAt).
    secret = "8675309123"
    status, schedule = await api(
        "POST",
        "schedules",
        body={
            "name": name,
            "path": path,
            "expression": at_in(6),
            "timezone": "UTC",
            "startDate": None,
            "parameters": {"alpha": secret},
            "metadata": {"team": "reports"},
        },
    )
    assert status == 201, schedule
    assert schedule["path"] == path and schedule["state"] == "ENABLED"
    assert schedule["scheduleId"] == name and len(schedule["nextFirings"]) == 1
    assert schedule["runSettings"]["parameterNames"] == ["alpha"]
    assert schedule["runSettings"]["metadata"] == {"team": "reports"}
    assert schedule["notebookId"] and schedule["groupName"] == "sagerun-local"
    assert secret not in json.dumps(schedule).replace(f'"{name}"', "")

    status, listed = await api("GET", "schedules", params={"path": path})
    assert status == 200 and [s["name"] for s in listed["schedules"]] == [name], listed

    (fired,) = await runs_of(api, name)
    done = await wait_for(api, fired["id"])
    assert done["status"] == "SUCCEEDED", done
    assert done["triggerSource"] == {"type": "SCHEDULED", "name": name}
    assert done["scheduleId"] == name

    # Edit: a new expression, the notebook synced again.
    status, edited = await api(
        "PUT",
        "schedules",
        name,
        body={"path": path, "expression": "cron(30 7 * * ? *)", "timezone": "Asia/Tokyo"},
    )
    assert status == 200, edited
    assert edited["description"] == "every day at 07:30 (Asia/Tokyo)"
    assert dt.datetime.fromisoformat(edited["nextFirings"][0]).utcoffset() == dt.timedelta(hours=9)

    status, paused = await api("POST", "schedules", name, "pause")
    assert status == 200 and paused["state"] == "DISABLED" and paused["nextFirings"] == []
    status, resumed = await api("POST", "schedules", name, "resume")
    assert status == 200 and resumed["state"] == "ENABLED" and resumed["nextFirings"]

    status, now = await api("POST", "schedules", name, "run")
    assert status == 201, now
    assert now["scheduleId"] == name and now["triggerSource"]["type"] == "SCHEDULED"
    await wait_for(api, now["id"])

    status, _ = await api("DELETE", "schedules", name)
    assert status == 204
    status, gone = await api("GET", "schedules", name)
    assert status == 404 and name in gone["error"]["message"], gone


async def test_bad_schedules_name_their_fields_and_create_nothing(
    api: Api, jp_root_dir: Path
) -> None:
    status, body = await api(
        "POST",
        "schedules",
        body={"name": "no spaces!", "expression": "rate(0 hours)", "timezone": "Nowhere/Else"},
    )
    assert status == 400, body
    assert {"name", "expression", "timezone", "path"} <= set(fields(body)), body
    status, body = await api(
        "POST",
        "schedules",
        body={"name": unique("x"), "path": "missing.ipynb", "expression": "rate(1 hour)"},
    )
    assert status == 404 and "missing.ipynb" in body["error"]["message"], body

    name = unique("twice")
    write_notebook(jp_root_dir, f"{name}.ipynb", "1")
    request = {"name": name, "path": f"{name}.ipynb", "expression": "rate(1 day)"}
    status, _ = await api("POST", "schedules", body=request)
    assert status == 201
    status, body = await api("POST", "schedules", body=request)
    assert status == 409, body
    status, listed = await api("GET", "schedules", params={"path": f"{name}.ipynb"})
    assert len(listed["schedules"]) == 1
    status, body = await api("PUT", "schedules", name, body={**request, "name": "other"})
    assert status == 400 and "name" in fields(body), body
    status, body = await api("POST", "schedules", unique("nobody"), "pause")
    assert status == 404, body
    await api("DELETE", "schedules", name)


async def test_schedule_answers_match_the_spec(api: Api, jp_root_dir: Path) -> None:
    import yaml
    from test_openapi import SPEC_PATH, Checker

    check = Checker(yaml.safe_load(SPEC_PATH.read_text()))
    name = unique("spec")
    write_notebook(jp_root_dir, f"{name}.ipynb", "1", parameters="alpha = 0")
    body = {
        "name": name,
        "path": f"{name}.ipynb",
        "expression": "rate(2 hours)",
        "parameters": {"alpha": "1"},
        "endDate": None,
    }
    base, one = "/sagerun/schedules", "/sagerun/schedules/{name}"
    answers = [
        ("POST", base, await api("POST", "schedules", body=body)),
        ("GET", base, await api("GET", "schedules")),
        ("GET", one, await api("GET", "schedules", name)),
        ("PUT", one, await api("PUT", "schedules", name, body={**body, "state": "DISABLED"})),
        ("POST", one + "/pause", await api("POST", "schedules", name, "pause")),
        ("POST", one + "/resume", await api("POST", "schedules", name, "resume")),
        ("POST", one + "/run", await api("POST", "schedules", name, "run")),
        (
            "POST",
            base + "/preview",
            await api("POST", "schedules", "preview", body={"expression": "rate(5 minutes)"}),
        ),
        (
            "POST",
            base + "/preview",
            await api("POST", "schedules", "preview", body={"expression": "often"}),
        ),
        ("GET", one, await api("GET", "schedules", unique("nobody"))),
        ("GET", "/sagerun/context", await api("GET", "context")),
    ]
    for method, route, (status, answer) in answers:
        check(method, route, status, answer)
    status, _ = await api("DELETE", "schedules", name)
    assert status == 204
    assert {s for _, _, s in check.seen} == {200, 201, 400, 404}
