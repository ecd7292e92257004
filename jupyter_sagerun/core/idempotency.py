"""What makes a retried submission harmless: client tokens derived from what is
asked, and one lock per notebook so that two submissions of it take turns.

Shared by the sync (imports, syncs) and the environment setter (UpdateNotebook): both
must answer a retry with the first attempt's result and never race on one notebook.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Hashable, Iterator


def client_token(*parts: str) -> str:
    """The same parts give the same token: a request retried after a dropped answer
    is answered with the first one's resource instead of a second copy. Callers put
    the submission's own token among the parts, because content alone repeats (edit
    X → Y → X) and an old token would be answered with an old result."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class KeyedLocks:
    """One lock per key, made at the key's first use."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Hashable, threading.Lock] = {}

    @contextlib.contextmanager
    def held(self, key: Hashable) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield
