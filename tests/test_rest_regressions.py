"""Regressions for what schemathesis found (``tests/test_schemathesis.py``), one focused
test each, on the shared in-process server (``api`` fixture).

1. A 405 had no ``Allow`` header (RFC 9110 §15.5.6 requires one).
2. ``GET sagerun/runs?path=<never run from here>`` answered 200 with no runs before
   checking the rest of the query: a bad ``status`` or ``maxResults`` got through.
3. A JSON ``null`` for a body field was taken for "absent" although the spec allows
   only a string (or object, or format) there.
4. A ``null`` inside a setting (``computeConfiguration.instanceType: null``) passed our
   checks, so the notebook was uploaded and imported before botocore refused the
   StartNotebookRun call: nothing may be uploaded before every check has passed.

And one contract that the spec did not state (fixed in ``api/openapi.yaml``): a blank
query value counts as absent (``?status=``), so it is not a 400.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.local import LocalBackend
from testkit.local import backend_runs
from testkit.notebooks import write_notebook
from testkit.rest import Api
from testkit.s3 import count_staged_uploads

pytestmark = pytest.mark.timeout(60)


def _field_paths(answer: Any) -> list[str]:
    return [f["path"] for f in answer["error"]["fields"]]


def _is_validation_error(code: int, answer: Any) -> bool:
    return code == 400 and answer["error"]["code"] == "ValidationException"


# 1 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "allowed"),
    [
        (("context",), "GET, OPTIONS"),
        (("notebooks",), "GET, OPTIONS"),
        (("runs",), "GET, POST, OPTIONS"),
        (("runs", "abc123"), "GET, OPTIONS"),
        (("runs", "abc123", "stop"), "POST, OPTIONS"),
        (("runs", "abc123", "output"), "POST, OPTIONS"),
    ],
)
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_405_says_which_methods_are_allowed(
    jp_fetch: Any, parts: tuple[str, ...], allowed: str, method: str
) -> None:
    body = "{}" if method in ("PUT", "PATCH") else None
    response = await jp_fetch(
        "sagerun",
        *parts,
        method=method,
        body=body,
        raise_error=False,
        allow_nonstandard_methods=True,
    )
    assert response.code == 405
    assert response.headers["Allow"] == allowed
    assert response.headers["Content-Type"] == "application/json"


# 2 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "null"}, "status"),
        ({"status": "EXPLODED"}, "status"),
        ({"maxResults": "99"}, "maxResults"),
        ({"maxResults": "0"}, "maxResults"),
        ({"domainId": "abc"}, "domainId"),
    ],
)
async def test_a_bad_list_query_is_400_even_for_a_notebook_never_run(
    api: Api, params: dict[str, str], field: str
) -> None:
    code, answer = await api("GET", "runs", params={"path": "never-run.ipynb", **params})
    assert _is_validation_error(code, answer), answer
    assert field in _field_paths(answer), answer


async def test_a_good_list_query_for_a_notebook_never_run_is_empty(api: Api) -> None:
    params = {"path": "never-run.ipynb", "status": "QUEUED", "maxResults": "5"}
    assert await api("GET", "runs", params=params) == (200, {"items": [], "nextToken": None})


# 3 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "body", "field"),
    [
        (("runs",), {"path": None, "notebookId": "abc123"}, "path"),
        (("runs",), {"notebookId": "abc123", "domainId": None}, "domainId"),
        (("runs",), {"notebookId": "abc123", "parameters": None}, "parameters"),
        (("runs",), {"notebookId": "abc123", "computeConfiguration": None}, "computeConfiguration"),
        (("runs", "abc123", "stop"), {"projectId": None}, "projectId"),
        (("runs", "abc123", "output"), {"format": None}, "format"),
        (("runs", "abc123", "output"), {"domainId": None}, "domainId"),
    ],
)
async def test_null_for_a_body_field_is_400_naming_it(
    api: Api, parts: tuple[str, ...], body: dict[str, Any], field: str
) -> None:
    code, answer = await api("POST", *parts, body=body)
    assert _is_validation_error(code, answer), answer
    assert _field_paths(answer) == [field], answer
    assert "null" in answer["error"]["fields"][0]["message"]


# 4 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"computeConfiguration": {"instanceType": None}}, "computeConfiguration.instanceType"),
        ({"triggerSource": {"type": None}}, "triggerSource.type"),
        (
            {"timeoutConfiguration": {"runTimeoutInMinutes": None}},
            "timeoutConfiguration.runTimeoutInMinutes",
        ),
        (
            {
                "networkConfiguration": {
                    "networkAccessType": "VPC_ONLY",
                    "vpcId": "v",
                    "subnetIds": None,
                }
            },
            "networkConfiguration.subnetIds",
        ),
    ],
)
async def test_null_inside_a_setting_is_400_and_uploads_nothing(
    api: Api,
    jp_root_dir: Path,
    local_backend: LocalBackend,
    settings: dict[str, Any],
    field: str,
) -> None:
    # A notebook never synced: a sync before the refusal would show as a new S3 object.
    write_notebook(jp_root_dir, "fresh.ipynb", "x = 1")
    objects_before = count_staged_uploads(local_backend)
    runs_before = backend_runs(local_backend)

    code, answer = await api("POST", "runs", body={"path": "fresh.ipynb", **settings})

    assert _is_validation_error(code, answer), answer
    assert field in _field_paths(answer), answer
    assert count_staged_uploads(local_backend) == objects_before
    assert backend_runs(local_backend) == runs_before


# blank query values --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "params"),
    [
        (("runs",), {"status": "", "maxResults": "", "notebookId": "", "path": ""}),
        (("notebooks",), {"maxResults": "", "nextToken": ""}),
        (("context",), {"domainId": "", "projectId": ""}),
    ],
)
async def test_a_blank_query_value_counts_as_absent(
    api: Api, parts: tuple[str, ...], params: dict[str, str]
) -> None:
    code, answer = await api("GET", *parts, params=params)
    assert code == 200, answer


async def test_a_blank_reveal_reveals_nothing(api: Api, jp_root_dir: Path) -> None:
    write_notebook(jp_root_dir, "blank.ipynb", "print(alpha)", parameters="alpha = 0")
    code, run = await api(
        "POST", "runs", body={"path": "blank.ipynb", "parameters": {"alpha": "secret"}}
    )
    assert code == 201, run
    code, answer = await api("GET", "runs", run["id"], params={"reveal": ""})
    assert code == 200, answer
    assert answer["parameterNames"] == ["alpha"]
    assert "parameters" not in answer
    code, answer = await api("POST", "runs", run["id"], "stop")
    assert code == 200, answer
