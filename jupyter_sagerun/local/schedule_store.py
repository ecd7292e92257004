"""The local EventBridge Scheduler's state: schedule groups and schedules, in the
backend's SQLite file beside its notebooks and runs, so they survive a restart.

Each schedule is kept as the JSON of GetSchedule's answer, with the two times the
timer needs in columns: ``next_fire`` (when it fires next, NULL for never) and
``last_fired`` (the due time of its last firing). Its own connection (WAL lets two in
one file) behind its own lock: the rate of schedule writes is tiny.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from .sqlite_file import SqliteFile

Record = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schedule_groups (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schedules (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    group_name TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    next_fire REAL,
    last_fired REAL,
    data TEXT NOT NULL,
    UNIQUE (group_name, name)
);
CREATE INDEX IF NOT EXISTS schedules_due ON schedules (state, next_fire);
"""


class ScheduleStore(SqliteFile):
    def __init__(self, path: Path) -> None:
        # A schedule's target input holds parameter values: private, as the run store.
        super().__init__(path, [_SCHEMA], pragmas=["busy_timeout=10000"])

    # -- groups ----------------------------------------------------------------------

    def get_group(self, name: str) -> Record | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM schedule_groups WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def add_group(self, record: Record) -> bool:
        """Insert the group; False when one of that name exists."""
        with self._tx() as db:
            try:
                db.execute(
                    "INSERT INTO schedule_groups (name, data) VALUES (?, ?)",
                    (record["Name"], json.dumps(record)),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def groups(self) -> list[Record]:
        with self._lock:
            rows = self._db.execute("SELECT data FROM schedule_groups ORDER BY seq").fetchall()
        return [dict(json.loads(row[0])) for row in rows]

    # -- schedules -------------------------------------------------------------------

    def get(self, group: str, name: str) -> Record | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM schedules WHERE group_name = ? AND name = ?", (group, name)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def add(self, record: Record, next_fire: float | None) -> bool:
        """Insert the schedule; False when its group already has one of that name."""
        with self._tx() as db:
            try:
                db.execute(
                    "INSERT INTO schedules (group_name, name, state, next_fire, data) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        record["GroupName"],
                        record["Name"],
                        record["State"],
                        next_fire,
                        json.dumps(record),
                    ),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def replace(self, record: Record, next_fire: float | None) -> bool:
        """Overwrite the schedule (its last firing kept); False when it is gone."""
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE schedules SET state = ?, next_fire = ?, data = ? "
                "WHERE group_name = ? AND name = ?",
                (
                    record["State"],
                    next_fire,
                    json.dumps(record),
                    record["GroupName"],
                    record["Name"],
                ),
            )
        return cursor.rowcount == 1

    def delete(self, group: str, name: str) -> bool:
        with self._tx() as db:
            cursor = db.execute(
                "DELETE FROM schedules WHERE group_name = ? AND name = ?", (group, name)
            )
        return cursor.rowcount == 1

    def schedules(self, group: str | None = None) -> list[Record]:
        query, args = "SELECT data FROM schedules", tuple[str, ...]()
        if group is not None:
            query, args = query + " WHERE group_name = ?", (group,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY seq", args).fetchall()
        return [dict(json.loads(row[0])) for row in rows]

    # -- the timer's -----------------------------------------------------------------

    def next_due(self) -> float | None:
        """The earliest next firing of an enabled schedule."""
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(next_fire) FROM schedules WHERE state = 'ENABLED'"
            ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def due(self, moment: float) -> list[tuple[str, str, float]]:
        """(group, name, due time) of each enabled schedule due at ``moment``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT group_name, name, next_fire FROM schedules "
                "WHERE state = 'ENABLED' AND next_fire <= ? ORDER BY next_fire",
                (moment,),
            ).fetchall()
        return [(str(r[0]), str(r[1]), float(r[2])) for r in rows]

    def fired(self, group: str, name: str, due: float, next_fire: float | None) -> None:
        """Record a firing (or a skipped one) of ``due``; only if it is still the one due,
        so an update made meanwhile keeps its own next firing."""
        with self._tx() as db:
            db.execute(
                "UPDATE schedules SET last_fired = ?, next_fire = ? "
                "WHERE group_name = ? AND name = ? AND next_fire = ?",
                (due, next_fire, group, name, due),
            )

    def last_fired(self, group: str, name: str) -> float | None:
        with self._lock:
            row = self._db.execute(
                "SELECT last_fired FROM schedules WHERE group_name = ? AND name = ?",
                (group, name),
            ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def count_enabled(self) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM schedules WHERE state = 'ENABLED' AND next_fire IS NOT NULL"
            ).fetchone()
        return int(row[0])

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM schedules").fetchone()[0])
