"""Clients of a local backend as its own tests use them: boto3 DataZone and S3 and
plain signed HTTP, pointed at a backend started in the test's process or in another one,
with the local backend's fixed domain, project and region; and runs counted in a
backend's own state."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from jupyter_sagerun.core.credentials import Credentials
from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.local.discovery import read_info
from jupyter_sagerun.local.sigv4 import sign

from .waiting import TERMINAL

DOMAIN = "dzd_local"
PROJECT = "local"
REGION = "us-east-1"


class Local:
    """Clients pointed at a local backend (started here, or in another process), signed
    with its credentials: the backend's own, or those of its state_dir's backend.json."""

    def __init__(
        self,
        endpoint_url: str,
        s3_endpoint_url: str,
        state_dir: Path,
        backend: LocalBackend | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.s3_endpoint_url = s3_endpoint_url
        self.state_dir = state_dir
        self._backend = backend
        if backend is not None:
            self.credentials = backend.credentials
        else:
            info = read_info(state_dir)
            assert info is not None, f"no backend.json in {state_dir}"
            self.credentials = info.credentials
        self.dz = self.client()
        self.s3 = self.client("s3")

    @classmethod
    def of(cls, backend: LocalBackend) -> Local:
        return cls(backend.endpoint_url, backend.s3_endpoint_url, Path(backend.state_dir), backend)

    def keys(self, credentials: Credentials | None = None) -> dict[str, str]:
        pair = credentials or self.credentials
        return {
            "aws_access_key_id": pair.access_key_id,
            "aws_secret_access_key": pair.secret_access_key,
        }

    def raw(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        signed: bool = True,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, bytes]:
        """``method path`` on the DataZone port over plain HTTP (SigV4-signed unless
        ``signed`` is False): (status, headers, body bytes); never raises on 4xx/5xx."""
        data = (
            b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
        )
        url = self.endpoint_url + path
        sent = {"Content-Type": "application/json", **(headers or {})}
        if signed:
            sent = sign(method, url, self.credentials, REGION, body=data, headers=sent)
        request = urllib.request.Request(url, data=data or None, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def control(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """A test knob (``/_local/faults``, ``/_local/requests``), signed: (status, JSON)."""
        status, _, raw = self.raw(method, path, body)
        return status, json.loads(raw or b"null")

    @property
    def backend(self) -> LocalBackend:
        assert self._backend is not None, "this backend runs in another process"
        return self._backend

    def client(
        self, service: str = "datazone", credentials: Credentials | None = None, **config: Any
    ) -> Any:
        """A boto3 client of ``service`` on this backend, signed by its credentials (or
        by ``credentials``); ``config``: botocore Config options."""
        return boto3.session.Session().client(
            service,
            endpoint_url=self.s3_endpoint_url if service == "s3" else self.endpoint_url,
            region_name=REGION,
            config=Config(**config) if config else None,
            **self.keys(credentials),
        )

    def upload(self, content: bytes, key: str | None = None) -> str:
        key = key or f"staging/{uuid.uuid4().hex}.ipynb"
        self.s3.put_object(Bucket="sagerun-local", Key=key, Body=content)
        return f"s3://sagerun-local/{key}"

    def import_notebook(self, content: bytes, name: str = "nb.ipynb") -> str:
        response = self.dz.start_notebook_import(
            domainIdentifier=DOMAIN,
            owningProjectIdentifier=PROJECT,
            name=name,
            sourceLocation={"s3": self.upload(content)},
        )
        notebook_id: str = response["notebookId"]
        got = self.wait_notebook(notebook_id)
        assert got["status"] == "ACTIVE", got
        return notebook_id

    def wait_notebook(self, notebook_id: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            got: dict[str, Any] = self.dz.get_notebook(
                domainIdentifier=DOMAIN, identifier=notebook_id
            )
            if got["status"] != "SYNC_IN_PROGRESS" or time.monotonic() > deadline:
                return got
            time.sleep(0.1)

    def start_run(self, notebook_id: str, **kwargs: Any) -> dict[str, Any]:
        run: dict[str, Any] = self.dz.start_notebook_run(
            domainIdentifier=DOMAIN,
            owningProjectIdentifier=PROJECT,
            notebookIdentifier=notebook_id,
            **kwargs,
        )
        return run

    def get_run(self, run_id: str) -> dict[str, Any]:
        run: dict[str, Any] = self.dz.get_notebook_run(domainIdentifier=DOMAIN, identifier=run_id)
        return run

    def wait_run(
        self,
        run_id: str,
        until: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 40,
    ) -> dict[str, Any]:
        until = until or (lambda run: run["status"] in TERMINAL)
        deadline = time.monotonic() + timeout
        while True:
            run = self.get_run(run_id)
            if until(run):
                return run
            assert time.monotonic() < deadline, f"run {run_id} stuck in {run['status']}"
            time.sleep(0.15)

    def output(self, run_id: str) -> dict[str, Any]:
        path = self.state_dir / "runs" / run_id / "output.ipynb"
        data: dict[str, Any] = json.loads(path.read_text())
        return data


def backend_runs(backend: LocalBackend) -> int:
    """Runs the local backend holds, counted in its own state (no REST in between)."""
    runs = Path(backend.state_dir) / "runs"
    return len(list(runs.iterdir())) if runs.is_dir() else 0
