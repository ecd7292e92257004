"""Bodies no client of ours sends, on ``POST sagerun/runs`` of a real Jupyter server:
JSON nested 100,000 deep, a parameter value no later layer could encode (a lone
surrogate). Each a 400 naming what is wrong, and nothing started or uploaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_sagerun.local import LocalBackend
from testkit.local import backend_runs
from testkit.notebooks import write_notebook
from testkit.rest import Api
from testkit.s3 import count_staged_uploads

pytestmark = pytest.mark.timeout(60)

DEEP = 100_000


async def test_deeply_nested_json_is_400_naming_the_body(
    api: Api, jp_root_dir: Path, local_backend: LocalBackend
) -> None:
    write_notebook(jp_root_dir, "ok.ipynb", "x = 1")
    runs = backend_runs(local_backend)
    raw = '{"path": "ok.ipynb", "metadata": ' + "[" * DEEP + "]" * DEEP + "}"
    code, answer = await api("POST", "runs", body=raw)
    assert code == 400, answer
    assert answer["error"]["code"] == "ValidationException"
    assert "body" in [f["path"] for f in answer["error"]["fields"]]
    assert backend_runs(local_backend) == runs


async def test_a_lone_surrogate_in_a_parameter_is_400_naming_it(
    api: Api, jp_root_dir: Path, local_backend: LocalBackend
) -> None:
    write_notebook(jp_root_dir, "ok.ipynb", "x = 1")
    objects = count_staged_uploads(local_backend)
    runs = backend_runs(local_backend)
    # As JSON carries it: an escaped lone surrogate (json.dumps would write the same).
    raw = '{"path": "ok.ipynb", "parameters": {"a": "\\ud800", "b": "fine"}}'
    code, answer = await api("POST", "runs", body=raw)
    assert code == 400, answer
    paths = [f["path"] for f in answer["error"]["fields"]]
    assert paths == ["parameters.a"], answer
    assert "\\ud800" not in str(answer) and "\ud800" not in str(answer)
    assert backend_runs(local_backend) == runs
    assert count_staged_uploads(local_backend) == objects
