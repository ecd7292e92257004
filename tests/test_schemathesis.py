"""Schemathesis against `api/openapi.yaml` on a live server.

A real ``jupyter-server`` process (not the in-process pytest-jupyter app) with the
extension on and the local backend it starts, ``--LocalBackend.max_concurrent_runs=0`` so
every generated run stays QUEUED and no kernel starts. Schemathesis generates requests
for every operation from the spec (its examples, coverage and fuzzing phases, valid and
invalid data, undocumented methods, a request without the token) with a fixed
derandomized seed, sends them with the server's token (``Authorization: token ...``),
and checks every answer: no 5xx, a documented status, a documented content type and
headers, a body that matches the schema, invalid data refused with a 4xx, an
undocumented method refused with 405 and ``Allow``.

Left out, on purpose:

- ``positive_data_acceptance``: the spec shows only some of DataZone's limits (the
  server checks all of them from botocore's model), so schema-valid data such as
  ``domainId: ""`` is rightly refused with a 400 naming the field.
- ``missing_required_header``: it wants 401 for a request without ``Authorization``;
  Jupyter answers 403 AccessDeniedException, which is the documented contract
  (DEVELOPERS.md, ``test_auth.py``) and is in the spec for every route.

Part of the requests use a real run id (GET, stop, output) so that the 200 answers are
checked too, not only 404s. The last test checks that at least 500 requests were made
to the documented operations and that each of them got a 2xx at least once (the output
route cannot: with no run ever ending it answers 409 or 404, which it checks instead).
A first test forges bad answers from a real one to show that the checks do fail.
"""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.openapi.checks import (
    JsonSchemaError,
    UndefinedContentType,
    UndefinedStatusCode,
)

from testkit.notebooks import write_notebook
from testkit.server import jupyter_server

pytestmark = pytest.mark.timeout(300)

REPO = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO / "api" / "openapi.yaml"
TOKEN = secrets.token_hex(16)
AUTH = {"Authorization": f"token {TOKEN}"}
#: Fuzzing examples per operation (the coverage and examples phases add their own).
MAX_EXAMPLES = 100
MIN_REQUESTS = 500
#: Notebooks in the server root; `analysis/report.ipynb` is the spec's example path.
NOTEBOOKS = ("analysis/report.ipynb", "demo.ipynb")
START = "POST /sagerun/runs"
STOP = "POST /sagerun/runs/{runId}/stop"
OUTPUT = "POST /sagerun/runs/{runId}/output"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
]

#: Generation is derandomized and seeded: the same code and the same selection of test
#: modules send the same requests every time. (Hypothesis also draws constants from the
#: local modules loaded, so running this module alone sends other, equally fixed, cases.)
SEED = 20261126
RUN_ID = re.compile(r"[a-zA-Z0-9_-]{1,36}")
SCHEDULE_NAME = re.compile(r"[0-9a-zA-Z_.-]{1,64}")
#: A real schedule for the routes that name one (see ``live_server``); it never fires.
SCHEDULE = {"name": "fuzz-real", "path": "demo.ipynb", "expression": "at(2099-01-01T00:00:00)"}
SCHEDULE_DELETE = "DELETE /sagerun/schedules/{name}"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
#: Routes no generated request can succeed on by itself: creating or replacing a
#: schedule needs a notebook of the workspace and an expression EventBridge parses
#: together, which no schema can say. Their success paths are tested through a real server
#: in tests/test_rest_schedules.py; here they are fuzzed for 4xx/5xx conformance.
NEEDS_A_REAL_BODY = {
    "POST /sagerun/schedules",
    "PUT /sagerun/schedules/{name}",
}

schema = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis.Config(seed=SEED))
schema.config.update(headers=AUTH)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    database="none",
)

#: operation label -> status -> count, over every request the tests below made.
STATUSES: defaultdict[str, Counter[int]] = defaultdict(Counter)
#: real run ids for the run routes (see ``live_server``).
REAL_RUNS: dict[str, str] = {}


# --- the server ----------------------------------------------------------------------


class LiveServer:
    def __init__(self, base_url: str, root: Path, process: subprocess.Popen[bytes]) -> None:
        self.base_url = base_url
        self.root = root
        self.process = process
        # No credentials of its own: schemathesis adds the token (the configured header)
        # to every request but the ones it sends without it on purpose.
        self.session = requests.Session()
        self.session.trust_env = False  # loopback: no proxies from the environment
        # The token is the only credential: no login or XSRF cookie is kept between requests.
        self.session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    with jupyter_server(max_concurrent_runs=0, token=TOKEN) as launched:
        for name in NOTEBOOKS:
            write_notebook(launched.root, name, "print(alpha)", parameters="alpha = 0")
        server = LiveServer(launched.base_url, launched.root, launched.process)
        try:
            # Real runs for the run routes: one left QUEUED, one STOPPED before it
            # started, and the newest (later: the newest a generated request created) to
            # stop.
            for name in ("queued", "stopped", "to-stop"):
                answer = server.session.post(
                    server.url("sagerun/runs"),
                    json={"path": "demo.ipynb"},
                    headers=AUTH,
                    timeout=60,
                )
                assert answer.status_code == 201, answer.text
                REAL_RUNS[name] = answer.json()["id"]
            stop = server.url(f"sagerun/runs/{REAL_RUNS['stopped']}/stop")
            answer = server.session.post(stop, headers=AUTH, timeout=60)
            assert answer.status_code == 200 and answer.json()["status"] == "STOPPED", answer.text
            _create_schedule(server)
            yield server
            # An unexpected error is logged with its type and frames (never silent).
            text = launched.log_path.read_text(errors="replace")
            assert not re.search(r"SageRun \S+ \S+: unexpected", text), text[-5000:]
        finally:
            server.session.close()


def _create_schedule(server: LiveServer) -> None:
    answer = server.session.post(
        server.url("sagerun/schedules"), json=SCHEDULE, headers=AUTH, timeout=60
    )
    assert answer.status_code == 201, answer.text


# --- the generated requests ----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "content_type", "body", "failure"),
    [
        (500, "application/json", None, ServerError),
        (200, "application/json", b'{"backend": "nope"}', JsonSchemaError),
        (418, "application/json", None, UndefinedStatusCode),
        (200, "text/html", None, UndefinedContentType),
    ],
    ids=["5xx", "body-not-in-schema", "status-not-documented", "content-type"],
)
def test_the_checks_catch_a_bad_answer(
    live_server: LiveServer,
    status: int,
    content_type: str,
    body: bytes | None,
    failure: type[Exception],
) -> None:
    """The checks below are live: a real answer, forged into a bad one, fails them."""
    case = schema["/sagerun/context"]["GET"].Case()
    real = case.call(
        base_url=live_server.base_url.rstrip("/"), session=live_server.session, headers=AUTH
    )
    assert real.status_code == 200
    case.validate_response(real, checks=CHECKS)  # the real one passes
    forged = schemathesis.Response(
        status_code=status,
        headers={**real.headers, "content-type": [content_type]},
        content=real.content if body is None else body,
        request=real.request,
        elapsed=real.elapsed,
        verify=real.verify,
    )
    with pytest.raises(FailureGroup) as caught:
        case.validate_response(forged, checks=CHECKS)
    assert any(isinstance(e, failure) for e in caught.value.exceptions), caught.value


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_the_spec(case: Any, live_server: LiveServer) -> None:
    label = f"{case.method} {case.path}"
    sent = sum(STATUSES[label].values())
    run_id = (case.path_parameters or {}).get("runId")
    if isinstance(run_id, str) and RUN_ID.fullmatch(run_id) and sent % 3 == 0:
        # Every third request of a run route names a run that exists. Only a run id that
        # is valid already is swapped, so a request generated as invalid stays invalid
        # for the reason schemathesis recorded.
        case.path_parameters["runId"] = _real_run(label, sent // 3)
    name = (case.path_parameters or {}).get("name")
    real_schedule = isinstance(name, str) and SCHEDULE_NAME.fullmatch(name) and sent % 3 == 0
    if real_schedule:
        # Likewise every third request of a route that names a schedule names the real one.
        case.path_parameters["name"] = SCHEDULE["name"]
    response = case.call(base_url=live_server.base_url.rstrip("/"), session=live_server.session)
    STATUSES[label][response.status_code] += 1
    if real_schedule and label == SCHEDULE_DELETE and response.status_code == 204:
        _create_schedule(live_server)  # the routes after it need it again
    if label == START and response.status_code == 201:
        REAL_RUNS["to-stop"] = response.json()["id"]
    case.validate_response(response, checks=CHECKS)


def _real_run(label: str, n: int) -> str:
    if label == STOP:
        return REAL_RUNS["to-stop"]
    # GET one run and save its output: in turn a run not ended (output: 409) and a run
    # stopped before it started (output: 404, it has no result).
    return REAL_RUNS["queued" if n % 2 == 0 else "stopped"]


def test_enough_requests_and_the_valid_paths_were_reached() -> None:
    documented = {
        f"{m.upper()} {p}"
        for p, item in schema.raw_schema["paths"].items()
        for m in item
        if m in HTTP_METHODS  # a path item's shared `parameters` is no operation
    }
    report = {label: dict(sorted(STATUSES[label].items())) for label in sorted(documented)}
    others = sum(sum(c.values()) for label, c in STATUSES.items() if label not in documented)
    total = sum(sum(c.values()) for c in report.values())
    print(f"\n{total} requests to the documented operations (+{others} undocumented methods)")
    for label, counts in report.items():
        print(f"  {label}: {counts}")
    assert total >= MIN_REQUESTS, ("run the whole module", report)
    for label in documented - {OUTPUT} - NEEDS_A_REAL_BODY:
        assert any(200 <= s < 300 for s in report[label]), (label, report)
    for label in documented:
        # schemathesis sent it without the token too: Jupyter refuses that with 403.
        assert 403 in report[label], (label, report)
    # With every run held QUEUED there is no result to save: a real run id gets the
    # documented 409 (not ended yet) and 404 (stopped before it started), never a 2xx.
    assert report[OUTPUT].keys() >= {404, 409}, report
    assert others > 0, "the undocumented methods (405 with Allow) were not tried"
