"""`api/openapi.yaml` is the contract: it is a valid OpenAPI document, it lists exactly
the routes the server registers, and real answers of the live server match it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import Api, wait_for, write_notebook
from openapi_spec_validator import validate as validate_spec
from test_auth import methods, sagerun_routes

pytestmark = pytest.mark.timeout(90)

SPEC_PATH = Path(__file__).resolve().parent.parent / "api" / "openapi.yaml"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return data


def test_spec_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate_spec(spec)


def _spec_path(pattern: str, base_url: str) -> str:
    rel = "/" + pattern[len(base_url) :].lstrip("/") if pattern.startswith(base_url) else pattern
    return re.sub(r"abc123", "{name}" if rel.startswith("/sagerun/schedules/") else "{runId}", rel)


async def test_spec_lists_exactly_the_registered_routes(
    spec: dict[str, Any], jp_serverapp: Any, jp_base_url: str
) -> None:
    registered = {
        (_spec_path(path, jp_base_url), method.lower())
        for path, handler in sagerun_routes(jp_serverapp)
        for method in methods(handler)
    }
    documented = {
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert registered == documented


class Checker:
    """Validates an answer against the schema the spec gives its route and status."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.seen: set[tuple[str, str, int]] = set()

    def __call__(self, method: str, route: str, status: int, body: Any) -> None:
        responses = self.spec["paths"][route][method.lower()]["responses"]
        assert str(status) in responses, f"{method} {route} answered {status}, not in the spec"
        response = responses[str(status)]
        if "$ref" in response:
            response = self.spec["components"]["responses"][response["$ref"].split("/")[-1]]
        schema = response["content"]["application/json"]["schema"]
        # The schema's $refs point into the spec: validate with the spec as the root.
        root = {**schema, "components": self.spec["components"]}
        jsonschema.Draft202012Validator(root).validate(body)
        self.seen.add((method, route, status))


async def test_live_answers_match_the_spec(
    spec: dict[str, Any], api: Api, jp_root_dir: Path
) -> None:
    check = Checker(spec)
    write_notebook(jp_root_dir, "dir/spec.ipynb", "print(alpha)", parameters="alpha = 0")

    status, body = await api("GET", "context")
    check("GET", "/sagerun/context", status, body)

    status, run = await api(
        "POST",
        "runs",
        body={
            "path": "dir/spec.ipynb",
            "parameters": {"alpha": "7"},
            "metadata": {"origin": "spec-test"},
            "timeoutConfiguration": {"runTimeoutInMinutes": 60},
            "notificationConfiguration": {"notifyOn": ["FAILED"]},
            "triggerSource": {"type": "MANUAL"},
            "computeConfiguration": {"instanceType": "ml.m5.large"},
            "networkConfiguration": {"networkAccessType": "PUBLIC_INTERNET_ONLY"},
        },
    )
    check("POST", "/sagerun/runs", status, run)
    assert status == 201

    for params in (None, {"path": "dir/spec.ipynb"}, {"maxResults": "1"}):
        status, body = await api("GET", "runs", params=params)
        check("GET", "/sagerun/runs", status, body)
    status, body = await api("GET", "runs", run["id"], params={"reveal": "parameters"})
    check("GET", "/sagerun/runs/{runId}", status, body)
    status, body = await api("GET", "notebooks")
    check("GET", "/sagerun/notebooks", status, body)

    done = await wait_for(api, run["id"])
    check("GET", "/sagerun/runs/{runId}", 200, done)
    status, body = await api("POST", "runs", run["id"], "stop")
    check("POST", "/sagerun/runs/{runId}/stop", status, body)
    status, body = await api("POST", "runs", run["id"], "output", body={"format": "IPYNB"})
    check("POST", "/sagerun/runs/{runId}/output", status, body)
    assert status == 200, body

    # And the errors.
    status, body = await api("POST", "runs", body={"path": "nope.ipynb"})
    check("POST", "/sagerun/runs", status, body)
    status, body = await api("POST", "runs", body="{bad json")
    check("POST", "/sagerun/runs", status, body)
    status, body = await api("GET", "runs", "zzz000")
    check("GET", "/sagerun/runs/{runId}", status, body)
    status, body = await api("POST", "runs", "zzz000", "stop")
    check("POST", "/sagerun/runs/{runId}/stop", status, body)
    status, body = await api("POST", "runs", "zzz000", "output", body={"format": "DOCX"})
    check("POST", "/sagerun/runs/{runId}/output", status, body)
    status, body = await api("GET", "notebooks", params={"maxResults": "99"})
    check("GET", "/sagerun/notebooks", status, body)
    status, body = await api("GET", "context", params={"domainId": "x" * 3})
    check("GET", "/sagerun/context", status, body)

    statuses = {status for _, _, status in check.seen}
    assert {200, 201, 400, 404} <= statuses, check.seen
    assert json.dumps(sorted(check.seen))  # every answer above was validated
