"""The run store and the schedule store share one SQLite file, each with its own
connection: both see their own writes after the other wrote, the file and SQLite's
side files stay private, and a failed write leaves nothing behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_sagerun.local.schedule_store import ScheduleStore
from jupyter_sagerun.local.store import Store, TokenScope, now


@pytest.fixture
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _run(rid: str) -> dict[str, object]:
    moment = now()
    return {
        "id": rid,
        "domainId": "d",
        "owningProjectId": "p",
        "status": "QUEUED",
        "createdAt": moment,
    }


def _group(name: str) -> dict[str, object]:
    return {"Name": name, "Arn": f"arn:aws:scheduler:us-east-1:000000000000:schedule-group/{name}"}


def test_two_stores_share_one_private_file(usual_umask: None, tmp_path: Path) -> None:
    path = tmp_path / "state" / "local.sqlite3"
    runs, schedules = Store(path), ScheduleStore(path)
    try:
        scope = TokenScope("d", "p", "StartNotebookRun", None, "h")
        assert runs.create("runs", _run("r1"), scope)[1] is True
        assert schedules.add_group(_group("g1")) is True
        assert schedules.add_group(_group("g1")) is False
        assert runs.create("runs", _run("r2"), scope)[1] is True
        assert [g["Name"] for g in schedules.groups()] == ["g1"]
        assert runs.get("runs", "r1") is not None and runs.get("runs", "r2") is not None
    finally:
        runs.close()
        schedules.close()
    files = sorted(tmp_path.joinpath("state").glob("local.sqlite3*"))
    assert path in files
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}


def test_a_failed_write_is_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "local.sqlite3"
    schedules = ScheduleStore(path)
    try:
        with pytest.raises(RuntimeError), schedules._tx() as db:
            db.execute("INSERT INTO schedule_groups (name, data) VALUES ('half', '{}')")
            raise RuntimeError("refused after the insert")
        assert schedules.get_group("half") is None
        assert schedules.add_group(_group("half")) is True
    finally:
        schedules.close()
    reopened = ScheduleStore(path)
    try:
        assert [g["Name"] for g in reopened.groups()] == ["half"]
    finally:
        reopened.close()
