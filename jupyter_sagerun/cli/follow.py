"""Follow a run to its end with a live status line.

On a terminal the line is rewritten in place (status and elapsed time); into a pipe or
a CI log, one line per status change, so the log stays readable. Ctrl-C stops the
following, never the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from ..core.errors import SageRunError

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "STOPPED"})
MAX_FAILED_POLLS = 10


class Detached(Exception):
    """The user pressed Ctrl-C while following; the run goes on."""

    def __init__(self, run: dict[str, Any]) -> None:
        super().__init__(str(run.get("id")))
        self.run = run


def _created(run: dict[str, Any]) -> float | None:
    value = run.get("createdAt")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def follow(
    get_run: Callable[[], dict[str, Any]],
    run: dict[str, Any],
    stream: TextIO,
    *,
    interval: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Poll ``get_run`` until the run is terminal; answer its last state."""
    tty = stream.isatty()
    # Elapsed counts from the run's creation, so `status --wait` after a detach shows
    # the run's age, not this command's.
    began = _created(run) or time.time()
    last = None
    failures = 0
    try:
        while True:
            status = str(run.get("status"))
            line = f"run {run.get('id')}  {status:<9}  {_clock(time.time() - began)}"
            if tty:
                stream.write("\r\x1b[K" + line)
                stream.flush()
            elif status != last:
                stream.write(line + "\n")
                stream.flush()
            last = status
            if status in TERMINAL:
                if tty:
                    stream.write("\n")
                return run
            sleep(interval)
            try:
                run = get_run()
                failures = 0
            except SageRunError as exc:
                # A throttled or briefly unreachable endpoint is no reason to give up;
                # one that stays away (a backend that died) is.
                failures += 1
                if not exc.retryable or failures >= MAX_FAILED_POLLS:
                    raise
    except KeyboardInterrupt:
        if tty:
            stream.write("\n")
        raise Detached(run) from None
