"""The local backend's table of operations: each DataZone operation registered once, by
its resource module, the server's routes read from that table, and the backend's own
domain and project the ones its clients name by default."""

from __future__ import annotations

import pytest

from jupyter_sagerun.aws.validation import service_model
from jupyter_sagerun.core.ids import LOCAL_DOMAIN_ID, LOCAL_PROJECT_ID
from jupyter_sagerun.local import (
    LocalBackend,
    environments,
    exports,
    notebooks,
    operations,
    protocol,
    runs,
)
from jupyter_sagerun.runs.context import LocalEndpoints


def test_each_operation_is_a_model_operation_served_by_its_resource_module() -> None:
    # Which resource each module serves: a name with its resource, none of another's.
    resources = {
        notebooks: ("Notebook", ("Run", "Export", "Environment")),
        runs: ("NotebookRun", ("Export", "Environment")),
        exports: ("NotebookExport", ("Run", "Environment")),
        environments: ("Environment", ("Notebook",)),
    }
    names = set(service_model().operation_names)
    for module, (resource, others) in resources.items():
        assert module.OPERATIONS
        for name, handler in module.OPERATIONS.items():
            assert name in names
            assert resource in name and not any(other in name for other in others), name
            assert handler.__module__ == module.__name__


def test_the_routes_are_the_table() -> None:
    assert tuple(operations.DATAZONE) == protocol.OPERATIONS
    assert {route.operation for route in protocol.routes()} == set(operations.DATAZONE)
    assert len(operations.DATAZONE) == sum(
        len(m.OPERATIONS) for m in (notebooks, runs, exports, environments)
    )


def test_an_operation_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="GetNotebook is registered twice"):
        operations.compose(notebooks.OPERATIONS, {"GetNotebook": runs.get_notebook_run})


def test_the_backend_and_its_clients_name_the_same_domain_and_project() -> None:
    endpoints = LocalEndpoints("http://a", "http://b", "s3://c/")
    assert (LocalBackend.default_domain_id, LocalBackend.default_project_id) == (
        LOCAL_DOMAIN_ID,
        LOCAL_PROJECT_ID,
    )
    assert (endpoints.domain_id, endpoints.project_id) == (LOCAL_DOMAIN_ID, LOCAL_PROJECT_ID)
