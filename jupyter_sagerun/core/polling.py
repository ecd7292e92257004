"""The one "ask again until it is so, or a deadline passes" loop of the package.

Waiting for a notebook to become ACTIVE, for an export to finish, for a local backend
to answer: each is a probe asked again and again with a growing pause. Each caller
says what the probe is and what a timeout means to it; the loop is written once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll_until(
    probe: Callable[[], T | None],
    *,
    timeout: float,
    interval: float = 0.1,
    max_interval: float | None = None,
    factor: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T | None:
    """The first answer of ``probe()`` that is not None, or None once ``timeout``
    seconds have passed. The probe is always asked at least once, and once more at the
    deadline rather than giving up early; a probe that raises ends the wait with its
    exception (a state that will never change is the caller's to detect). Between two
    asks the pause grows by ``factor`` up to ``max_interval``."""
    give_up = clock() + timeout
    pause = interval
    while True:
        answer = probe()
        if answer is not None:
            return answer
        left = give_up - clock()
        if left <= 0:
            return None
        sleep(min(pause, left))
        pause *= factor
        if max_interval is not None:
            pause = min(pause, max_interval)
