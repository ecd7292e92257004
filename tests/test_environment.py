"""environment.EnvironmentSetter on its own: what it asks DataZone, and when."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jupyter_sagerun.core.errors import FieldError
from jupyter_sagerun.runs.environment import EnvironmentSetter
from jupyter_sagerun.runs.models import checked_run_request
from testkit.config import aws_context

WANTED = {"packageConfig": {"packageManager": "UV", "packageSpecification": "pandas==2.2.3"}}


class Notebooks:
    def __init__(self, configuration: dict[str, Any] | None) -> None:
        self.configuration = configuration
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, ctx: Any, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        self.calls.append((operation, dict(params)))
        if operation == "UpdateNotebook":
            self.configuration = params["environmentConfiguration"]
        if self.configuration is None:
            return {"id": params["identifier"]}
        return {"id": params["identifier"], "environmentConfiguration": self.configuration}


def _run(setter: EnvironmentSetter, configuration: Any, request: str = "req-1") -> None:
    with setter.prepared(aws_context(), "nb1", configuration, request):
        pass


def test_a_differing_configuration_is_set_with_a_token_a_retry_repeats() -> None:
    notebooks = Notebooks(None)
    setter = EnvironmentSetter(notebooks)
    _run(setter, WANTED)
    assert [op for op, _ in notebooks.calls] == ["GetNotebook", "UpdateNotebook"]
    update = notebooks.calls[1][1]
    assert update["environmentConfiguration"] == WANTED
    assert update["domainIdentifier"] == "dzd_abc"

    notebooks.configuration = None  # as if the first attempt's answer was lost
    _run(setter, WANTED)
    assert notebooks.calls[3][1]["clientToken"] == update["clientToken"]
    _run(setter, WANTED, request="req-2")
    # Already set: read, not written again.
    assert [op for op, _ in notebooks.calls[4:]] == ["GetNotebook"]

    _run(setter, {"imageVersion": "2.0"}, request="req-3")
    assert notebooks.calls[-1][1]["clientToken"] != update["clientToken"]


def test_no_configuration_asks_nothing() -> None:
    notebooks = Notebooks(WANTED)
    _run(EnvironmentSetter(notebooks), None)
    assert notebooks.calls == []


def test_an_empty_package_list_sets_nothing_on_a_notebook_without_one() -> None:
    notebooks = Notebooks(None)
    empty = {"packageConfig": {"packageManager": "UV", "packageSpecification": ""}}
    _run(EnvironmentSetter(notebooks), empty)
    assert [op for op, _ in notebooks.calls] == ["GetNotebook"]
    # ... but empties the list of a notebook that has one.
    notebooks = Notebooks(WANTED)
    _run(EnvironmentSetter(notebooks), empty)
    assert [op for op, _ in notebooks.calls] == ["GetNotebook", "UpdateNotebook"]


def problems(configuration: Any) -> list[FieldError]:
    """What the run request's check says of ``configuration`` in an otherwise valid run."""
    run = {"domainIdentifier": "dzd_abc", "owningProjectIdentifier": "proj"}
    return checked_run_request({**run, "notebookIdentifier": "nb1"}, configuration)[1]


def test_problems_come_from_the_model_under_the_rest_name() -> None:
    assert problems(WANTED) == []
    found = {p.path: p.message for p in problems({"packageConfig": {"packageSpecification": 3}})}
    assert set(found) == {
        "environmentConfiguration.packageConfig.packageManager",
        "environmentConfiguration.packageConfig.packageSpecification",
    }
