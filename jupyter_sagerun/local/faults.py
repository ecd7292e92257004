"""Test knobs: errors, delays and dropped connections queued for the next requests.

Loopback only and not part of DataZone. Each fault matches one operation (or any),
applies to the next ``count`` matching requests, and is then spent; faults are
matched in the order they were queued, one per request.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

ERRORS = (
    "ValidationException",
    "UnauthorizedException",
    "ServiceQuotaExceededException",
    "AccessDeniedException",
    "ResourceNotFoundException",
    "ConflictException",
    "ThrottlingException",
    "InternalServerException",
)


@dataclass
class Fault:
    operation: str | None
    error: str | None
    status: int | None
    count: int
    delay_seconds: float
    drop_after_commit: bool
    message: str | None

    @classmethod
    def parse(cls, raw: Any) -> Fault:
        """A fault from its JSON, or ValueError naming what is wrong."""
        # Imported here: clients (the Jupyter server) construct a LocalBackend, and so a
        # Faults, for the traits only, and the protocol imports botocore.
        from .protocol import error_status

        if not isinstance(raw, dict):
            raise ValueError("a fault is a JSON object")
        known = {
            "operation",
            "error",
            "status",
            "count",
            "delaySeconds",
            "dropAfterCommit",
            "message",
        }
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        error = raw.get("error")
        if error is not None and error not in ERRORS:
            raise ValueError(f"error must be one of: {', '.join(ERRORS)}")
        count = raw.get("count", 1)
        delay = raw.get("delaySeconds", 0)
        status = raw.get("status")
        if not isinstance(count, int) or count < 1:
            raise ValueError("count must be a whole number >= 1")
        if not isinstance(delay, (int, float)) or delay < 0:
            raise ValueError("delaySeconds must be a number >= 0")
        if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
            raise ValueError("status must be an HTTP error status")
        if error is None and not delay and not raw.get("dropAfterCommit"):
            raise ValueError("a fault needs error, delaySeconds or dropAfterCommit")
        return cls(
            operation=raw.get("operation"),
            error=error,
            status=status if status is not None else (error_status(error) if error else None),
            count=count,
            delay_seconds=float(delay),
            drop_after_commit=bool(raw.get("dropAfterCommit")),
            message=raw.get("message"),
        )


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []
        self.requests: Counter[str] = Counter()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._queue.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> int:
        with self._lock:
            return sum(f.count for f in self._queue)

    def take(self, operation: str) -> Fault | None:
        """Count the request, and spend one use of the first fault that matches it."""
        with self._lock:
            self.requests[operation] += 1
            for fault in self._queue:
                if fault.operation in (None, operation):
                    fault.count -= 1
                    if fault.count == 0:
                        self._queue.remove(fault)
                    return fault
        return None
