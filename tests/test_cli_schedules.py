"""`jupyter sagerun schedule ...` as a user types it: real subprocesses of the command
against a real local backend (its EventBridge Scheduler), real papermill for run-now."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import write_notebook
from test_cli import Cli

from jupyter_sagerun.local import LocalBackend

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBackend]:
    local = LocalBackend(state_dir=str(tmp_path_factory.mktemp("schedule-state")))
    local.start()
    yield local
    local.stop()


@pytest.fixture
def cli(backend: LocalBackend, tmp_path: Path) -> Cli:
    work = tmp_path / "work"
    write_notebook(work, "report.ipynb", "print(int(alpha) + 1)", parameters="alpha = 0")
    return Cli(work, Path(backend.state_dir), tmp_path)


def test_create_list_show_pause_resume_run_now_delete(cli: Cli) -> None:
    created = cli(
        "schedule",
        "create",
        "report.ipynb",
        "--cron",
        "0 6 ? * MON-FRI *",
        "--tz",
        "Europe/Berlin",
        "-p",
        "alpha",
        "41",
        "--name",
        "morning",
    )
    assert created.returncode == 0, created.stderr
    assert "Schedule morning: weekdays at 06:00 (Europe/Berlin), ENABLED" in created.stdout
    listed = cli("schedule", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    (schedule,) = [s for s in json.loads(listed.stdout) if s["name"] == "morning"]
    assert schedule["path"] == "report.ipynb" and len(schedule["nextFirings"]) == 3
    table = cli("schedule", "list")
    assert re.search(r"morning\s+ENABLED\s+\S+\s+weekdays at 06:00", table.stdout), table.stdout
    shown = cli("schedule", "show", "morning")
    assert json.loads(shown.stdout)["runSettings"]["parameterNames"] == ["alpha"]
    assert '"41"' not in shown.stdout
    paused = cli("schedule", "pause", "morning")
    assert paused.returncode == 0 and "is DISABLED" in paused.stdout, paused.stderr
    resumed = cli("schedule", "resume", "morning")
    assert resumed.returncode == 0 and "is ENABLED" in resumed.stdout, resumed.stderr
    now = cli("schedule", "run-now", "morning", "--json")
    assert now.returncode == 0, now.stderr
    run = json.loads(now.stdout)
    assert run["scheduleId"] == "morning" and run["triggerSource"]["type"] == "SCHEDULED"
    waited = cli("status", run["id"], "--wait", "--poll-interval", "0.2")
    assert waited.returncode == 0, waited.stderr
    deleted = cli("schedule", "delete", "morning")
    assert deleted.returncode == 0 and "Deleted schedule morning." in deleted.stdout
    gone = cli("schedule", "show", "morning")
    assert gone.returncode == 2 and "morning" in gone.stderr


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--cron", "0 6 * * MON *"], "expression"),
        (["--rate", "2 hours", "--tz", "Mars/Olympus"], "timezone"),
        (
            ["--rate", "2 hours", "--start", "2030-01-02T00:00:00Z", "--end", "2030-01-01"],
            "endDate",
        ),
        (["--rate", "2 hours", "--cron", "0 6 * * ? *"], "expression"),
    ],
)
def test_bad_schedules_exit_2_naming_the_field(cli: Cli, args: list[str], field: str) -> None:
    done = cli("schedule", "create", "report.ipynb", "--name", "bad", *args)
    assert done.returncode == 2, done.stderr
    assert field in done.stderr
    assert "bad" not in cli("schedule", "list").stdout.split()
