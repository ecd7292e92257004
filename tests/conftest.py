"""A real Jupyter server with the extension on, real boto3, real HTTP, a real local
backend and real papermill.

The extension is a plain client of the local backend: it finds the backend that owns
``LocalBackend.state_dir`` through its connection file (``backend.json``), or starts
one as a process of its own. Most tests share one session-wide backend (started here,
in the pytest process, on a state directory every server is configured with), so
that they find it and start none: starting moto and the API for every test would cost
a second each. A test that needs a backend of its own, a short minute or a restart
uses ``@pytest.mark.own_backend(**LocalBackend traits)``: its server then starts the
backend as it would for a user (``backend_process``), and the test's teardown stops
it (``stop_backend``).

Fixtures, markers and hooks only: the plain helpers the tests import are typed modules
of ``testkit/`` (``testkit.rest``, ``testkit.waiting``, ``testkit.notebooks`` ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyter_sagerun.local import LocalBackend
from testkit.config import sagerun_config
from testkit.knobs import knob
from testkit.processes import stop_backend
from testkit.rest import Api, rest_client

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture(scope="session")
def local_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBackend]:
    backend = LocalBackend(
        state_dir=str(tmp_path_factory.mktemp("shared-backend")),
        max_concurrent_runs=8,
        seconds_per_minute=60.0,
        enable_test_knobs=True,
    )
    backend.start()
    yield backend
    backend.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "own_backend(**local_backend_traits): the server starts a local backend of its own",
    )
    config.addinivalue_line("markers", "sagerun(**traits): SageRun traits for this test's server")
    config.addinivalue_line("markers", "deny_sagerun: an authorizer that refuses sagerun")
    config.addinivalue_line(
        "markers", "standalone(*args): options of test_hardening_restart's standalone backend"
    )


@pytest.fixture
def own_backend_dir(tmp_path: Path) -> Iterator[Path]:
    """Where a test's server starts its own backend; stopped after the server is."""
    state = tmp_path / "local-backend"
    yield state
    stop_backend(state)


@pytest.fixture
def jp_server_config(request: pytest.FixtureRequest, tmp_path: Path) -> Config:
    own = request.node.get_closest_marker("own_backend")
    traits = request.node.get_closest_marker("sagerun")
    sagerun = dict(traits.kwargs) if traits else {}
    if own is not None:
        request.getfixturevalue("own_backend_dir")
        return sagerun_config(tmp_path, sagerun=sagerun, local=dict(own.kwargs))
    return sagerun_config(tmp_path, request.getfixturevalue("local_backend"), sagerun=sagerun)


@pytest.fixture
def sagerun_app(jp_serverapp: Any) -> Any:
    """The SageRun extension app inside the running server."""
    apps = jp_serverapp.extension_manager.extension_apps["jupyter_sagerun"]
    return next(iter(apps))


@pytest.fixture
def api(jp_fetch: Any) -> Api:
    """``await api("GET", "runs", params=...)`` → (status, JSON); never raises on 4xx/5xx."""
    return rest_client(jp_fetch)


@pytest.fixture
def inject(local_backend: LocalBackend) -> Iterator[Any]:
    """``inject(operation=..., error=..., count=...)`` queues a fault in the shared
    backend (``POST /_local/faults``); every fault is cleared after the test."""

    def add(**fault: Any) -> None:
        knob(local_backend, "POST", "/_local/faults", fault)

    yield add
    knob(local_backend, "DELETE", "/_local/faults")
