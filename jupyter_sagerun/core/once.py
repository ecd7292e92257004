"""A value built at its first use, exactly once, whichever thread asks first.

The server extension builds its run service this way: the service imports pydantic,
botocore and the DataZone model's machinery, which would cost every Jupyter server a
quarter of a second at start-up (``benchmarks/footprint.py``) though most never run a
notebook; the first request pays it instead, on the thread pool, off the event loop.
A command finds (or starts) the local backend the same way: only once a request needs it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Once(Generic[T]):
    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: list[T] = []  # empty until built (a T may itself be None)

    def get(self) -> T:
        """The value; the first call builds it while any other caller waits. A build
        that raises keeps nothing: the next call tries again (a missing credential,
        say, is that request's error to report, not the process's)."""
        if not self._value:
            with self._lock:
                if not self._value:
                    self._value.append(self._build())
        return self._value[0]

    @property
    def built(self) -> bool:
        return bool(self._value)
