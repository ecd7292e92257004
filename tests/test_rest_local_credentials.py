"""The local backend's credentials reach the server extension's clients, and nothing
the server answers: not ``GET sagerun/context``, not a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_sagerun.local import LocalBackend
from testkit.notebooks import write_notebook
from testkit.rest import Api, token

pytestmark = pytest.mark.timeout(60)


async def test_the_server_signs_with_the_backends_pair_and_never_shows_it(
    api: Api, local_backend: LocalBackend, jp_root_dir: Path
) -> None:
    pair = local_backend.credentials
    status, context = await api("GET", "context")
    assert status == 200 and context["backend"] == "local"
    write_notebook(jp_root_dir, "signed.ipynb", "1")
    # A run starts: every DataZone and S3 call on the way was signed by the pair.
    status, run = await api("POST", "runs", body={"path": "signed.ipynb", "clientToken": token()})
    assert status == 201, run
    status, listed = await api("GET", "runs")
    assert status == 200
    shown = json.dumps([context, run, listed])
    assert pair.access_key_id not in shown and pair.secret_access_key not in shown
