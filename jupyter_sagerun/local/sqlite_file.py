"""One SQLite file of the backend's state, opened the one way every store opens it.

A private file (0600: records hold parameter values, and SQLite gives its -wal and
-shm files the database file's mode), WAL (so two stores may share one file, each with
its own connection), one connection behind one lock (the write rate is tiny, and a
single writer makes "check, then insert" atomic without any retry dance). A writer of
the other store holding the file waits up to ten seconds (set at connect, so before the
switch to WAL) rather than failing at once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .private import touch_private


class SqliteFile:
    """Subclasses read under ``self._lock`` and write in ``self._tx()``."""

    def __init__(self, path: Path, schemas: Iterable[str], pragmas: Iterable[str] = ()) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        touch_private(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            str(path), timeout=10.0, check_same_thread=False, isolation_level=None
        )
        self._db.row_factory = sqlite3.Row
        for pragma in ("journal_mode=WAL", *pragmas):
            self._db.execute(f"PRAGMA {pragma}")
        for schema in schemas:
            self._db.executescript(schema)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
