"""The local backend's EventBridge Scheduler as one part: its store, its operations
and its timer, started and stopped with the backend."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from .schedule_operations import ScheduleState, bind
from .schedule_store import ScheduleStore
from .schedule_timer import ScheduleTimer, StartRun


@dataclass(frozen=True)
class ScheduleStatus:
    """What ``jupyter sagerun local`` says of its schedules."""

    count: int
    enabled: int
    next_fire: float | None

    def summary(self) -> str:
        if not self.count:
            return "no schedules"
        text = f"{self.count} schedule{'s' if self.count != 1 else ''} ({self.enabled} enabled)"
        if self.next_fire is not None:
            when = dt.datetime.fromtimestamp(self.next_fire, dt.timezone.utc)
            text += f", next firing at {when:%Y-%m-%d %H:%M:%S} UTC"
        return text


class LocalSchedules:
    def __init__(
        self,
        path: Path,
        region: str,
        start_run: StartRun,
        log: logging.Logger,
        seconds_per_minute: float,
    ) -> None:
        self.store = ScheduleStore(path)
        self.timer = ScheduleTimer(self.store, start_run, log, seconds_per_minute)
        #: Operation name -> handler, given this backend's schedule state.
        self.operations = bind(
            ScheduleState(self.store, region, self.timer.wake, seconds_per_minute)
        )

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.shutdown()
        self.store.close()

    def busy(self) -> bool:
        """Enabled schedules that will fire keep a backend from stopping on idle."""
        return self.store.count_enabled() > 0

    def status(self) -> ScheduleStatus:
        return ScheduleStatus(self.store.count(), self.store.count_enabled(), self.store.next_due())
