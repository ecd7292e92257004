"""Signed DataZone requests with bodies no SDK sends: JSON nested 100,000 deep, a
parameter value with a lone surrogate. Each refused with a 400 ValidationException
(naming the body, or the field), never a 500; nothing is created."""

from __future__ import annotations

import json

from testkit.local import DOMAIN, PROJECT, Local
from testkit.notebooks import notebook_bytes

DEEP = 100_000


def test_deeply_nested_json_is_400_naming_the_body(paused: Local) -> None:
    raw = ('{"name": "deep.ipynb", "metadata": ' + "[" * DEEP + "]" * DEEP + "}").encode()
    status, headers, body = paused.raw(
        "POST", f"/v2/domains/{DOMAIN}/notebooks?owningProjectIdentifier={PROJECT}", raw
    )
    assert status == 400, body
    assert headers["x-amzn-errortype"] == "ValidationException"
    assert "body" in json.loads(body)["message"]
    listed = paused.dz.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    assert listed["items"] == []


def test_a_lone_surrogate_in_a_parameter_is_a_field_error(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("x = 1"))
    raw = json.dumps(
        {
            "owningProjectIdentifier": PROJECT,
            "notebookIdentifier": notebook_id,
            "parameters": {"a": "\ud800"},
        }
    ).encode()
    status, headers, body = paused.raw("POST", f"/v2/domains/{DOMAIN}/notebook-runs", raw)
    assert status == 400, body
    assert headers["x-amzn-errortype"] == "ValidationException"
    assert "parameters.a" in json.loads(body)["message"]
    runs = paused.dz.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    assert runs["items"] == []
