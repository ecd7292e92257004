"""The local backend's state: one SQLite file, so a restarted backend loses nothing.

Each resource is kept as the JSON of its API shape, with the few members that
queries filter or sort on copied into columns. One connection behind one lock: the
backend's write rate is tiny, and a single writer makes "check the clientToken, then
insert" atomic without any retry dance.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..core.errors import FieldError, SageRunError
from .sqlite_file import SqliteFile

Kind = Literal["notebooks", "runs", "exports"]
Record = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS {table} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    domain_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    notebook_id TEXT,
    schedule_id TEXT,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    pid INTEGER,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS {table}_scope ON {table} (domain_id, project_id, seq);
CREATE INDEX IF NOT EXISTS {table}_status ON {table} (status, seq);
CREATE INDEX IF NOT EXISTS {table}_notebook ON {table} (notebook_id, seq);
"""
# Every query the backend makes reads through one of these, never the whole table:
# the scheduler's QUEUED look-up (each tick) and the live-run count by status, a
# notebook's runs by notebook_id, a project's pages by scope.

# A clientToken names one request of one operation in one project: the same token
# from another project is another request, and the same token with another request
# is refused (``request_hash`` is a digest of the request without its token). The
# first table of tokens, scoped by domain only, is left unread in older state files.
_TOKENS = """
CREATE TABLE IF NOT EXISTS client_tokens (
    domain_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    token TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    PRIMARY KEY (domain_id, project_id, operation, token)
);
"""


def token_reused() -> SageRunError:
    message = "This clientToken was already used with a different request."
    return SageRunError(
        409, "ConflictException", message, fields=[FieldError("clientToken", message)]
    )


@dataclass(frozen=True)
class TokenScope:
    """Where a clientToken counts, and the request it came with."""

    domain_id: str
    project_id: str
    operation: str
    token: str | None
    request_hash: str


def now() -> float:
    return round(time.time(), 3)


class Store(SqliteFile):
    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            [*(_SCHEMA.format(table=table) for table in ("notebooks", "runs", "exports")), _TOKENS],
            pragmas=["synchronous=NORMAL"],
        )

    @staticmethod
    def _columns(record: Record) -> tuple[Any, ...]:
        return (
            record["id"],
            record["domainId"],
            record["owningProjectId"],
            record.get("notebookId"),
            record.get("scheduleId"),
            record["status"],
            record["createdAt"],
            record.get("updatedAt", record["createdAt"]),
            json.dumps(record),
        )

    def create(self, kind: Kind, record: Record, scope: TokenScope) -> tuple[Record, bool]:
        """Insert ``record`` unless the scope's token already made one; (record, created).

        A token that made one with another request is a ConflictException."""
        with self._tx() as db:
            owner = self._token_owner(db, scope)
            if owner is not None:
                existing = self._get(db, kind, owner)
                if existing is not None:
                    return existing, False
            db.execute(
                f"INSERT INTO {kind} (id, domain_id, project_id, notebook_id, schedule_id,"
                " status, created_at, updated_at, data) VALUES (?,?,?,?,?,?,?,?,?)",
                self._columns(record),
            )
            self._remember_token(db, scope, record["id"])
            return record, True

    def claim_token(self, scope: TokenScope, resource_id: str) -> bool:
        """Whether the scope's token is new (now naming ``resource_id``); False when it
        already named this request, ConflictException when another."""
        with self._tx() as db:
            if self._token_owner(db, scope) is not None:
                return False
            self._remember_token(db, scope, resource_id)
            return True

    @staticmethod
    def _token_owner(db: sqlite3.Connection, scope: TokenScope) -> str | None:
        if not scope.token:
            return None
        row = db.execute(
            "SELECT resource_id, request_hash FROM client_tokens"
            " WHERE domain_id=? AND project_id=? AND operation=? AND token=?",
            (scope.domain_id, scope.project_id, scope.operation, scope.token),
        ).fetchone()
        if row is None:
            return None
        if row["request_hash"] != scope.request_hash:
            raise token_reused()
        return str(row["resource_id"])

    @staticmethod
    def _remember_token(db: sqlite3.Connection, scope: TokenScope, resource_id: str) -> None:
        if scope.token:
            db.execute(
                "INSERT INTO client_tokens VALUES (?,?,?,?,?,?)",
                (
                    scope.domain_id,
                    scope.project_id,
                    scope.operation,
                    scope.token,
                    scope.request_hash,
                    resource_id,
                ),
            )

    @staticmethod
    def _get(db: sqlite3.Connection, kind: Kind, rid: str) -> Record | None:
        row = db.execute(f"SELECT data FROM {kind} WHERE id=?", (rid,)).fetchone()
        return None if row is None else dict(json.loads(row["data"]))

    def get(self, kind: Kind, rid: str, domain_id: str | None = None) -> Record | None:
        with self._lock:
            record = self._get(self._db, kind, rid)
        if record is None or (domain_id is not None and record["domainId"] != domain_id):
            return None
        return record

    def update(
        self,
        kind: Kind,
        rid: str,
        changes: Record,
        only_from: Iterable[str] | None = None,
        pid: int | None = None,
    ) -> Record | None:
        """Apply ``changes`` (None deletes a member) and return the record.

        With ``only_from``, only when the current status is one of those: the
        scheduler and StopNotebookRun race for the same run, and the first
        transition wins.
        """
        with self._tx() as db:
            record = self._get(db, kind, rid)
            if record is None:
                return None
            if only_from is not None and record["status"] not in set(only_from):
                return None
            for key, value in changes.items():
                if value is None:
                    record.pop(key, None)
                else:
                    record[key] = value
            if "updatedAt" not in changes:
                record["updatedAt"] = now()
            db.execute(
                f"UPDATE {kind} SET status=?, updated_at=?, data=?"
                + (", pid=?" if pid is not None else "")
                + " WHERE id=?",
                (record["status"], record["updatedAt"], json.dumps(record))
                + ((pid,) if pid is not None else ())
                + (rid,),
            )
            return record

    def delete(self, kind: Kind, rid: str) -> bool:
        with self._tx() as db:
            return db.execute(f"DELETE FROM {kind} WHERE id=?", (rid,)).rowcount > 0

    def pid_of(self, kind: Kind, rid: str) -> int | None:
        with self._lock:
            row = self._db.execute(f"SELECT pid FROM {kind} WHERE id=?", (rid,)).fetchone()
        return None if row is None or row["pid"] is None else int(row["pid"])

    def by_status(
        self, kind: Kind, statuses: Iterable[str], limit: int | None = None
    ) -> list[Record]:
        """Records in any of ``statuses``, oldest first (the scheduler's FIFO), at most
        ``limit`` of them."""
        wanted = list(statuses)
        marks = ",".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                f"SELECT data FROM {kind} WHERE status IN ({marks}) ORDER BY seq LIMIT ?",
                [*wanted, -1 if limit is None else limit],
            ).fetchall()
        return [dict(json.loads(r["data"])) for r in rows]

    def count(self, kind: Kind, statuses: Iterable[str]) -> int:
        """How many records are in any of ``statuses``."""
        wanted = list(statuses)
        marks = ",".join("?" * len(wanted))
        with self._lock:
            row = self._db.execute(
                f"SELECT COUNT(*) FROM {kind} WHERE status IN ({marks})", wanted
            ).fetchone()
        return int(row[0])

    def page(
        self,
        kind: Kind,
        domain_id: str,
        project_id: str,
        filters: dict[str, str],
        descending: bool,
        after: int | None,
        limit: int,
        order_by: str = "seq",
    ) -> tuple[list[Record], int | None]:
        """One page of records, and the cursor of the next page (None at the end).

        ``after`` is an offset when ordering by a timestamp and the last seen ``seq``
        otherwise: keyset paging on ``seq`` stays exact while new runs arrive.
        """
        where = ["domain_id=?", "project_id=?"]
        args: list[Any] = [domain_id, project_id]
        for column, value in filters.items():
            where.append(f"{column}=?")
            args.append(value)
        direction = "DESC" if descending else "ASC"
        offset = 0
        if order_by == "seq":
            if after is not None:
                where.append("seq < ?" if descending else "seq > ?")
                args.append(after)
        else:
            offset = after or 0
        sql = (
            f"SELECT seq, data FROM {kind} WHERE {' AND '.join(where)}"
            f" ORDER BY {order_by} {direction}, seq {direction} LIMIT ? OFFSET ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [*args, limit + 1, offset]).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        records = [dict(json.loads(r["data"])) for r in rows]
        if not more:
            return records, None
        return records, (int(rows[-1]["seq"]) if order_by == "seq" else offset + limit)

    def latest_run_ids(self, notebook_id: str) -> list[str]:
        """The notebook's runs, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM runs WHERE notebook_id=? ORDER BY seq DESC", (notebook_id,)
            ).fetchall()
        return [str(r["id"]) for r in rows]
