"""Fires the local backend's due schedules, on time.

One thread sleeps until the earliest next firing in the store (a timed wait on an
event that every create, update and delete sets, so a change is seen at once, never a
poll) and fires each schedule then: a StartNotebookRun with the schedule's target
input, ``triggerSource {type: SCHEDULED, name}`` and ``scheduleIdentifier`` when the
input has none, and a clientToken of its own for that firing (derived from the
schedule and the due time, so a firing retried after a crash answers its own run and
never starts a second one). The firing is recorded (``last_fired``) with the next due
time after it. At start, a firing that fell while the backend was down is not
replayed, as EventBridge does not: the next one after now is due instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ..aws.validation import validate_input
from ..core.errors import SageRunError
from ..core.schedule_expressions import schedule_identifier
from .schedule_operations import next_fire
from .schedule_store import Record, ScheduleStore

StartRun = Callable[[dict[str, Any]], dict[str, Any]]
# Longest single wait: only a bound, every change wakes the thread anyway.
_MAX_WAIT = 300.0


def firing_request(schedule: Record, due: float) -> dict[str, Any]:
    """The StartNotebookRun request one firing of ``schedule`` (due at ``due``) sends."""
    request = dict(json.loads(schedule["Target"]["Input"]))
    request.setdefault("triggerSource", {"type": "SCHEDULED", "name": schedule["Name"]})
    request.setdefault("scheduleIdentifier", schedule_identifier(schedule["Name"]))
    # A token the input fixed would answer every firing with the first run (as on AWS);
    # without one, each firing gets its own.
    if not request.get("clientToken"):
        seed = f"{schedule['Arn']}|{schedule['CreationDate']}|{due:.3f}"
        request["clientToken"] = hashlib.sha256(seed.encode()).hexdigest()
    return request


class ScheduleTimer:
    def __init__(
        self,
        store: ScheduleStore,
        start_run: StartRun,
        log: logging.Logger,
        seconds_per_minute: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.start_run = start_run
        self.log = log
        self.seconds_per_minute = seconds_per_minute
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Firings made by this timer (for the backend's status and the tests).
        self.fired = 0

    def start(self) -> None:
        self._skip_missed()
        self._thread = threading.Thread(target=self._run, name="sagerun-schedules", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def shutdown(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _skip_missed(self) -> None:
        """Firings due while no backend ran are not replayed: each such schedule's next
        firing becomes its first one after now."""
        now = self.clock()
        for group, name, due in self.store.due(now):
            schedule = self.store.get(group, name)
            if schedule is None:
                continue
            upcoming = self._next_after(schedule, now)
            self.store.fired(group, name, due, upcoming)
            self.log.info("Schedule %s: a firing missed while stopped is not replayed", name)

    def _next_after(self, schedule: Record, moment: float) -> float | None:
        try:
            return next_fire(schedule, moment, self.seconds_per_minute)
        except SageRunError:
            return None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                wait = self._fire_due()
            except Exception:
                # A failing store read must not end the timer: try again shortly.
                self.log.exception("Schedules: the timer failed; retrying")
                wait = 1.0
            self._wake.wait(wait)
            self._wake.clear()

    def _fire_due(self) -> float:
        """Fire what is due; answer how long to sleep until the next firing."""
        now = self.clock()
        for group, name, due in self.store.due(now):
            if self._stop.is_set():
                break
            schedule = self.store.get(group, name)
            if schedule is not None:
                self._fire(schedule, due)
        upcoming = self.store.next_due()
        if upcoming is None:
            return _MAX_WAIT
        return max(0.0, min(_MAX_WAIT, upcoming - self.clock()))

    def _fire(self, schedule: Record, due: float) -> None:
        name = schedule["Name"]
        request = firing_request(schedule, due)
        problems = validate_input("StartNotebookRun", request)
        if problems:
            paths = ", ".join(p.path for p in problems[:5])
            self.log.warning("Schedule %s: not fired, its input is invalid at %s", name, paths)
        else:
            try:
                run = self.start_run(request)
                self.fired += 1
                late = self.clock() - due
                self.log.info("Schedule %s fired run %s (%.3f s after due)", name, run["id"], late)
            except SageRunError as error:
                # EventBridge would retry by its policy and then drop; we log and go on.
                self.log.warning("Schedule %s: the run was refused: %s", name, error.code)
        upcoming = self._next_after(schedule, due)
        self.store.fired(schedule["GroupName"], name, due, upcoming)
        if upcoming is None and schedule.get("ActionAfterCompletion") == "DELETE":
            self.store.delete(schedule["GroupName"], name)
            self.log.info("Schedule %s: completed and deleted", name)
