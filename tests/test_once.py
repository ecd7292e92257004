"""``Once``: the server's run service is built by the first request, exactly once even
when several arrive together, and a build that fails is tried again by the next."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from traitlets import TraitError

from jupyter_sagerun.aws.datazone import DataZoneGateway
from jupyter_sagerun.core.once import Once
from jupyter_sagerun.server.wiring import SageRun


def test_concurrent_first_uses_build_once() -> None:
    builds: list[int] = []

    def build() -> object:
        builds.append(1)
        time.sleep(0.2)  # long enough for every other thread to arrive meanwhile
        return object()

    once: Once[object] = Once(build)
    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(lambda _: once.get(), range(8)))
    assert len(builds) == 1
    assert all(value is values[0] for value in values)
    assert once.built


def test_a_failed_build_is_not_kept() -> None:
    attempts: list[int] = []

    def build() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("no credentials yet")
        return "service"

    once: Once[str] = Once(build)
    with pytest.raises(RuntimeError, match="no credentials yet"):
        once.get()
    assert not once.built
    assert once.get() == "service" and once.get() == "service"
    assert len(attempts) == 2


def test_a_value_that_is_none_counts_as_built() -> None:
    calls: list[int] = []
    once: Once[None] = Once(lambda: calls.append(1))
    assert once.get() is None and once.get() is None
    assert calls == [1]


class OtherGateway(DataZoneGateway):
    pass


def test_the_gateway_class_defaults_lazily_and_must_be_a_gateway() -> None:
    assert SageRun().gateway_class is DataZoneGateway
    trait = SageRun.class_traits()["gateway_class"]
    assert (
        "Default: 'jupyter_sagerun.aws.datazone.DataZoneGateway'"
        in SageRun.class_get_trait_help(trait)
    )
    assert SageRun(gateway_class=OtherGateway).gateway_class is OtherGateway
    with pytest.raises(TraitError, match="gateway_class must be a DataZoneGateway"):
        SageRun(gateway_class=dict)
