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
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import nbformat
import pytest
from botocore.config import Config as BotoConfig
from tornado.httpclient import HTTPResponse
from traitlets.config import Config

from jupyter_sagerun.core.polling import poll_until
from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.local.discovery import lock_is_held
from jupyter_sagerun.local.sigv4 import sign
from jupyter_sagerun.runs.context import RunContext
from testkit.processes import stop_backend

pytest_plugins = ("pytest_jupyter.jupyter_server",)

TERMINAL = {"SUCCEEDED", "FAILED", "STOPPED"}

Api = Callable[..., Awaitable[tuple[int, Any]]]


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


def sagerun_config(
    tmp_path: Path,
    backend: LocalBackend | None = None,
    *,
    sagerun: dict[str, Any] | None = None,
    local: dict[str, Any] | None = None,
) -> Config:
    """Server config with the extension on. With ``backend``, its state directory is
    the server's (the server finds that backend through its connection file); without,
    ``tmp_path/local-backend``, where the server starts one with ``local``'s traits."""
    values: dict[str, Any] = {
        "backend": "local",
        "state_dir": str(tmp_path / "sagerun-state"),
        # No SMUS space here, whatever the machine running the tests has.
        "metadata_path": str(tmp_path / "no-metadata.json"),
    }
    values.update(sagerun or {})
    state = backend.state_dir if backend is not None else str(tmp_path / "local-backend")
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyter_sagerun": True}},
            "SageRun": values,
            "LocalBackend": {
                "state_dir": state,
                "max_concurrent_runs": 4,
                **(local or {}),
            },
        }
    )


def released_within(state_dir: Path, timeout: float) -> bool:
    """Whether nobody holds ``state_dir``'s lock within ``timeout`` seconds (the kernel
    frees it when the holder is gone: no waitpid needed for a process not our child)."""
    return (
        poll_until(lambda: True if not lock_is_held(state_dir) else None, timeout=timeout) or False
    )


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

    async def call(
        method: str,
        *parts: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float = 20.0,
    ) -> tuple[int, Any]:
        # ``timeout``: longer for a request that starts a backend on a loaded machine.
        kwargs: dict[str, Any] = {
            "method": method,
            "raise_error": False,
            "request_timeout": timeout,
        }
        if method in ("POST", "PUT"):
            kwargs["body"] = body if isinstance(body, str | bytes) else json.dumps(body or {})
        response: HTTPResponse = await jp_fetch("sagerun", *parts, params=params, **kwargs)
        text = response.body.decode() if response.body else ""
        return response.code, json.loads(text) if text else None

    return call


def notebook_bytes(*cells: str, parameters: str | None = None) -> bytes:
    """A python3 notebook: an optional papermill-tagged parameters cell, then ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if parameters is not None:
        cell = nbformat.v4.new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in cells)
    return str(nbformat.writes(nb)).encode("utf-8")


def write_notebook(root: Path, name: str, *cells: str, parameters: str | None = None) -> Path:
    """``notebook_bytes`` written at ``root/name`` (folders made as needed)."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(notebook_bytes(*cells, parameters=parameters))
    return path


def aws_context(
    domain: str | None = "dzd_abc",
    project: str | None = "proj",
    staging: str | None = "s3://b/stage/",
) -> RunContext:
    """A resolved aws-backend context, for tests of one layer with a fake gateway."""
    return RunContext(
        backend="aws",
        domain_id=domain,
        project_id=project,
        region="us-east-1",
        profile=None,
        endpoint_url=None,
        s3_endpoint_url=None,
        staging_s3_uri=staging,
        sources={},
        subnet_ids=[],
        security_group_ids=[],
    )


async def wait_for(
    api: Api,
    run_id: str,
    statuses: set[str] = TERMINAL,
    timeout: float = 60.0,
    **params: str,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status, run = await api("GET", "runs", run_id, params=params or None)
        assert status == 200, run
        if run["status"] in statuses:
            return dict(run)
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']}"
        await asyncio.sleep(0.1)


def token() -> str:
    return uuid.uuid4().hex


def s3_client(backend: LocalBackend) -> Any:
    """boto3's S3 on ``backend``, signed with its credentials."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=backend.s3_endpoint_url,
        region_name=backend.region,
        aws_access_key_id=backend.credentials.access_key_id,
        aws_secret_access_key=backend.credentials.secret_access_key,
        config=BotoConfig(s3={"addressing_style": "path"}),
    )


def knob(backend: LocalBackend, method: str, path: str, body: Any = None) -> Any:
    """A signed request to one of ``backend``'s test knobs (``/_local/faults``,
    ``/_local/requests``): its JSON answer (raises on an error status)."""
    data = b"" if body is None else json.dumps(body).encode()
    url = backend.endpoint_url + path
    headers = sign(
        method,
        url,
        backend.credentials,
        backend.region,
        body=data,
        headers={"Content-Type": "application/json"},
    )
    request = urllib.request.Request(url, data=data or None, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture
def inject(local_backend: LocalBackend) -> Iterator[Any]:
    """``inject(operation=..., error=..., count=...)`` queues a fault in the shared
    backend (``POST /_local/faults``); every fault is cleared after the test."""

    def add(**fault: Any) -> None:
        knob(local_backend, "POST", "/_local/faults", fault)

    yield add
    knob(local_backend, "DELETE", "/_local/faults")


def printed(notebook: Path) -> str:
    """Everything the cells of an executed notebook printed (stream outputs)."""
    cells = json.loads(notebook.read_text())["cells"]
    return "".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))


def run_printed(backend: LocalBackend, run_id: str) -> str:
    """What a run of ``backend`` printed, from its executed notebook."""
    return printed(Path(backend.state_dir) / "runs" / run_id / "output.ipynb")


def count_versions(s3: Any, bucket: str, prefix: str) -> int:
    """Object versions under ``prefix``: with versioning on, every PUT adds one."""
    count = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        count += len(page.get("Versions", []))
    return count


def backend_runs(backend: LocalBackend) -> int:
    """Runs the local backend holds, counted in its own state (no REST in between)."""
    runs = Path(backend.state_dir) / "runs"
    return len(list(runs.iterdir())) if runs.is_dir() else 0
