"""Retries after the backend lost a staged upload succeed.

A retry after the backend died mid-sync succeeds. A ~30 MB notebook's run request;
the local backend is SIGKILLed while it imports the staged upload (which lived only in
its memory); the client hears a retryable error, and the same request again (same
clientToken) starts the run: the server re-stages the notebook, the backend imports it
again instead of answering the old import's failure for good."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.core.polling import poll_until
from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.local.discovery import RunningBackend, read_info
from jupyter_sagerun.local.sigv4 import sign
from testkit.notebooks import write_notebook
from testkit.rest import Api
from testkit.s3 import s3_client

pytestmark = pytest.mark.timeout(240)


def _imports_asked(info: RunningBackend) -> int:
    url = info.endpoint_url + "/_local/requests"
    headers = sign("GET", url, info.credentials, info.region)
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:
        return int(json.loads(r.read())["counts"].get("StartNotebookImport", 0))


def _statuses(state: Path) -> list[str]:
    with sqlite3.connect(f"file:{state / 'local.sqlite3'}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute("SELECT status FROM notebooks")]


@pytest.mark.own_backend(max_concurrent_runs=0, enable_test_knobs=True)
async def test_a_retry_after_a_crash_mid_sync_succeeds(
    api: Api, jp_fetch: Any, jp_root_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "local-backend"
    # The server starts its backend: seconds, more on a loaded machine.
    answer = await jp_fetch("sagerun", "runs", request_timeout=120)
    assert answer.code == 200
    info = read_info(state)
    assert info is not None
    big = "x" * (30 * 1024 * 1024)
    write_notebook(jp_root_dir, "big.ipynb", f"# {big}")
    body = {"path": "big.ipynb", "clientToken": uuid.uuid4().hex}

    def importing() -> bool | None:
        # The import was asked for and committed, and is not done yet.
        if not _imports_asked(info):
            return None
        return True if _statuses(state) == ["SYNC_IN_PROGRESS"] else None

    def kill_once_importing() -> None:
        assert poll_until(importing, timeout=60, interval=0.01), "no import seen in progress"
        os.killpg(info.pid, signal.SIGKILL)

    loop = asyncio.get_running_loop()
    killer = loop.run_in_executor(None, kill_once_importing)
    code, answer = await api("POST", "runs", body=body, timeout=120)
    await killer
    # Killed mid-import: the dead backend left the notebook importing, not imported.
    assert _statuses(state) == ["SYNC_IN_PROGRESS"], "the kill came after the import"
    assert code >= 500 and answer["error"]["retryable"] is True, answer

    # The retry starts a new backend (the killed one's state, a new process).
    code, run = await api("POST", "runs", body=body, timeout=120)
    assert code == 201, run
    assert run["status"] == "QUEUED"
    code, again = await api("POST", "runs", body=body)
    assert code == 201 and again["id"] == run["id"], again


async def test_a_staged_upload_that_vanishes_before_its_import_is_staged_again(
    api: Api, jp_root_dir: Path, local_backend: LocalBackend, inject: Any
) -> None:
    """The upload goes (as a restart between the upload and the import loses it) while
    StartNotebookImport is on its way: the server stages it again and asks again, and
    the run starts; no permanent error for a transient fault."""
    write_notebook(jp_root_dir, f"vanishing-{uuid.uuid4().hex[:8]}.ipynb", "x = 1")
    name = next(p.name for p in jp_root_dir.glob("vanishing-*.ipynb"))
    s3 = s3_client(local_backend)
    inject(operation="StartNotebookImport", delaySeconds=3)

    def delete_the_upload() -> None:
        def staged() -> list[str] | None:
            listed = s3.list_objects_v2(Bucket="sagerun-local", Prefix="staging/")
            keys = [o["Key"] for o in listed.get("Contents", []) if o["Key"].endswith(name)]
            return keys or None

        keys = poll_until(staged, timeout=30, interval=0.02)
        assert keys, "nothing was staged"
        for key in keys:
            s3.delete_object(Bucket="sagerun-local", Key=key)

    deleting = asyncio.get_running_loop().run_in_executor(None, delete_the_upload)
    code, run = await api("POST", "runs", body={"path": name, "clientToken": uuid.uuid4().hex})
    await deleting
    assert code == 201, run
