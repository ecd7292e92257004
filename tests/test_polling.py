"""The one polling loop: answers, deadlines, growing pauses, probes that raise."""

from __future__ import annotations

import pytest

from jupyter_sagerun.core.polling import poll_until


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def test_returns_the_first_answer_and_stops_asking() -> None:
    clock = FakeClock()
    answers = iter([None, None, "ready", "never asked"])
    asked: list[int] = []

    def probe() -> str | None:
        asked.append(1)
        return next(answers)

    assert poll_until(probe, timeout=10, sleep=clock.sleep, clock=clock) == "ready"
    assert len(asked) == 3
    assert clock.pauses == [0.1, 0.1]


def test_gives_up_at_the_deadline_after_a_last_ask() -> None:
    clock = FakeClock()
    asks: list[float] = []

    def probe() -> None:
        asks.append(clock.now)

    assert poll_until(probe, timeout=1.0, interval=0.3, sleep=clock.sleep, clock=clock) is None
    # Asked at 0, 0.3, 0.6, 0.9 and at the deadline itself, never after it.
    assert asks == pytest.approx([0.0, 0.3, 0.6, 0.9, 1.0])


def test_pauses_grow_by_the_factor_up_to_the_cap() -> None:
    clock = FakeClock()
    poll_until(
        lambda: None,
        timeout=100,
        interval=1.0,
        factor=2.0,
        max_interval=5.0,
        sleep=clock.sleep,
        clock=clock,
    )
    assert clock.pauses[:5] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_a_probe_that_raises_ends_the_wait() -> None:
    clock = FakeClock()

    def probe() -> None:
        raise RuntimeError("failed for good")

    with pytest.raises(RuntimeError, match="failed for good"):
        poll_until(probe, timeout=10, sleep=clock.sleep, clock=clock)
    assert clock.pauses == []
