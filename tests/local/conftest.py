"""Fixtures for the local backend: a real backend on loopback ports, real boto3."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.local import LocalBackend
from testkit.local import Local


@pytest.fixture
def make_local(tmp_path: Path) -> Iterator[Callable[..., Local]]:
    started: list[LocalBackend] = []

    def make(state_dir: Path | None = None, **traits: Any) -> Local:
        traits.setdefault("seconds_per_minute", 0.05)
        # The fault and request-count knobs: tests use them (they need a signature too).
        traits.setdefault("enable_test_knobs", True)
        backend = LocalBackend(state_dir=str(state_dir or tmp_path / "state"), **traits)
        backend.start()
        started.append(backend)
        return Local.of(backend)

    yield make
    for backend in started:
        backend.stop()


@pytest.fixture
def local(make_local: Callable[..., Local]) -> Local:
    return make_local()


@pytest.fixture
def paused(make_local: Callable[..., Local]) -> Local:
    """A backend whose runs stay QUEUED: for tests about the API, not execution."""
    return make_local(max_concurrent_runs=0)
