"""No secret anywhere but where it belongs, seen from outside real processes at DEBUG.

The in-process tests (``test_rest_runs``, ``test_rest_validation``, ``test_datazone``,
``tests/local``) capture Python loggers inside pytest. This one runs the product the
way a user does, as separate programs with every logger at DEBUG, and reads what they
actually wrote:

- a standalone local backend, ``python -m jupyter_sagerun.cli local`` (``jupyter
  sagerun local``) with ``--log-level=DEBUG``, the root logger (botocore, moto,
  werkzeug, tornado, ...) at DEBUG through ``LocalBackendApp.logging_config``, and its
  runner processes at DEBUG (``--runner-log-level=DEBUG``, into runs/<id>/runner.log);
- a ``jupyter_server`` process with ``--debug``, ``--SageRun.log_level=DEBUG`` and the
  root logger at DEBUG through ``ServerApp.logging_config``, using the extension with
  ``--SageRun.backend=aws`` pointed at that backend (``endpoint_url``,
  ``s3_endpoint_url``, staging URI, domain, project, region), so that boto3 signs with
  the AWS credentials of its environment, with empty AWS config files so nothing else
  is found: the backend's own key pair (it refuses any other; its secret is the secret
  key canary, which must then appear in no log of either program, and in no file but
  the backend's connection file) and a canary session token.

One run by path with canary parameter values goes to SUCCEEDED over real HTTP; then
the run, the lists, the context, the export, the stop, an AccessDeniedException and an
InternalServerException (through botocore's retries) that the backend injects with
messages quoting the values (as services echo input), our own 400s for a value and a
name too long, and the backend's own 400. Afterwards, with both programs stopped (so everything is
flushed), no canary may appear in their stdout and stderr, in any file under the
temporary tree (the backend's state dir, runner logs, the extension's state) but the
few named below that hold the values on purpose, or in any answer but the one that
asks for them with ``reveal=parameters``. The secret key and the session token may
appear in no answer at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyter_sagerun.core.credentials import Credentials
from jupyter_sagerun.local.sigv4 import sign
from testkit.notebooks import write_notebook
from testkit.processes import free_port, kill_group
from testkit.server import server_command

pytestmark = pytest.mark.timeout(180)

REPO = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
TERMINAL = {"SUCCEEDED", "FAILED", "STOPPED"}
DOMAIN = "dzd_local"  # the local backend's own domain and project
PROJECT = "local"
NOTEBOOK = "work/secret.ipynb"

# Every logger of a program at DEBUG, onto stderr with the logger's name, merged into
# the traitlets Application's own logging config (its "console" handler stays).
ROOT_AT_DEBUG: dict[str, Any] = {
    "formatters": {"named": {"format": "[%(levelname)s %(name)s] %(message)s"}},
    "handlers": {
        "everything": {
            "class": "logging.StreamHandler",
            "level": "DEBUG",
            "formatter": "named",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "DEBUG", "handlers": ["everything"]},
    # local/s3.py quiets moto's werkzeug (a line per S3 request) unless a level is set.
    "loggers": {"werkzeug": {"level": "DEBUG"}},
}


def _canary(label: str) -> str:
    return f"{label}{uuid.uuid4().hex}"


@dataclass
class Canaries:
    alpha: str = field(default_factory=lambda: _canary("cnryalpha"))
    # A JSON value: the runner hands it to the notebook decoded.
    beta_inner: str = field(default_factory=lambda: _canary("cnrybeta"))
    gamma: str = field(default_factory=lambda: _canary("cnrygamma"))
    # Replaced by the backend's own secret once it started (see ``stack``): the only
    # secret the backend accepts a signature by.
    secret_key: str = field(default_factory=lambda: _canary("cnrysecretkey"))
    session_token: str = field(default_factory=lambda: _canary("cnrysessiontoken"))

    @property
    def parameters(self) -> dict[str, str]:
        return {
            "alpha": self.alpha,
            "beta": json.dumps({"token": self.beta_inner}),
            "gamma": self.gamma,
        }

    @property
    def values(self) -> dict[str, str]:
        return {"alpha": self.alpha, "beta": self.beta_inner, "gamma": self.gamma}

    @property
    def credentials(self) -> dict[str, str]:
        return {"secret key": self.secret_key, "session token": self.session_token}


def needles(secret: str) -> list[bytes]:
    """The secret, and each half of its random part on its own: a copy cut short at
    either end (a message that shows a value's first N characters) is still found."""
    core = secret[-32:]
    return [secret.encode(), core[:16].encode(), core[16:].encode()]


def found_in(data: bytes, secrets: dict[str, str]) -> list[str]:
    return [name for name, value in secrets.items() if any(n in data for n in needles(value))]


# --- processes -----------------------------------------------------------------------


def session(token: str | None = None) -> requests.Session:
    http = requests.Session()
    http.trust_env = False  # loopback only: no proxy from the environment
    if token:
        http.headers["Authorization"] = f"token {token}"
    return http


@dataclass
class Answer:
    label: str
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None

    def raw(self) -> bytes:
        return (json.dumps(self.headers) + "\n" + self.text).encode()


@dataclass
class Stack:
    tmp: Path
    root: Path
    backend_state: Path
    endpoint_url: str
    server_url: str
    token: str
    # stdout and stderr of each program, by name
    outputs: dict[str, Path]
    server: subprocess.Popen[bytes]
    backend: subprocess.Popen[bytes]
    answers: list[Answer] = field(default_factory=list)
    revealed: list[Answer] = field(default_factory=list)

    def call(self, method: str, path: str, *, reveal: bool = False, **kwargs: Any) -> Answer:
        """A request to ``sagerun/...``; every answer is kept for the final check
        (in ``revealed`` if it asked for the parameter values)."""
        with session(self.token) as http:
            response = http.request(method, self.server_url + path, timeout=60, **kwargs)
        answer = Answer(
            f"{method} {path}", response.status_code, dict(response.headers), response.text
        )
        (self.revealed if reveal else self.answers).append(answer)
        return answer

    def backend_request(self, method: str, path: str, body: Any = None) -> requests.Response:
        """A request straight to the backend, signed with the credentials of its
        backend.json (it refuses any other)."""
        info = json.loads((self.backend_state / "backend.json").read_text())
        credentials = Credentials(info["access_key_id"], info["secret_access_key"])
        url = self.endpoint_url + path
        data = b"" if body is None else json.dumps(body).encode()
        headers = sign(
            method,
            url,
            credentials,
            info["region"],
            body=data,
            headers={"Content-Type": "application/json"},
        )
        with session() as http:
            return http.request(method, url, data=data or None, headers=headers, timeout=10)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """A test knob."""
        response = self.backend_request(method, path, body)
        response.raise_for_status()
        return response.json()


def _env(tmp: Path, canaries: Canaries) -> dict[str, str]:
    # Nothing of the machine's AWS setup plays a part: no AWS_* but ours, empty files.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    empty = tmp / "empty-aws-file"
    empty.write_text("")
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
            "PYTHONUNBUFFERED": "1",
            "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
            "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "AWS_CONFIG_FILE": str(empty),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty),
            "AWS_EC2_METADATA_DISABLED": "true",
            # The key id is not a secret (it is in every Authorization header).
            "AWS_ACCESS_KEY_ID": "AKIACANARYID" + uuid.uuid4().hex[:8].upper(),
            "AWS_SECRET_ACCESS_KEY": canaries.secret_key,
            "AWS_SESSION_TOKEN": canaries.session_token,
        }
    )
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    return env


def _popen(args: list[str], tmp: Path, name: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with (
        open(tmp / f"{name}.stdout", "wb") as out,
        open(tmp / f"{name}.stderr", "wb") as err,
    ):
        return subprocess.Popen(
            args,
            cwd=tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # a process group of its own, ours to stop
        )


def _tail(path: Path) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-30:])
    return ""


def _wait_backend(process: subprocess.Popen[bytes], state: Path, tmp: Path) -> dict[str, Any]:
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up:
        assert process.poll() is None, "the backend exited:\n" + _tail(tmp / "backend.stderr")
        with contextlib.suppress(OSError, ValueError, KeyError, requests.RequestException):
            info: dict[str, Any] = json.loads((state / "backend.json").read_text())
            with session() as http:
                if http.get(info["endpoint_url"] + "/_local/health", timeout=2).ok:
                    return info
        time.sleep(0.1)
    raise AssertionError("the backend did not start:\n" + _tail(tmp / "backend.stderr"))


def _wait_server(process: subprocess.Popen[bytes], url: str, token: str, tmp: Path) -> None:
    give_up = time.monotonic() + 60
    with session(token) as http:
        while time.monotonic() < give_up:
            assert process.poll() is None, "the server exited:\n" + _tail(tmp / "server.stderr")
            with contextlib.suppress(requests.RequestException):
                if http.get(url + "api/status", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
    raise AssertionError("the server did not start:\n" + _tail(tmp / "server.stderr"))


def _stop_server(process: subprocess.Popen[bytes], url: str, token: str) -> None:
    if process.poll() is None:
        with contextlib.suppress(requests.RequestException), session(token) as http:
            http.post(url + "api/shutdown", timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    kill_group(process)


@pytest.fixture
def canaries() -> Canaries:
    return Canaries()


@pytest.fixture
def stack(tmp_path: Path, canaries: Canaries) -> Iterator[Stack]:
    tmp = tmp_path
    root = tmp / "root"
    root.mkdir()
    env = _env(tmp, canaries)
    backend_state = tmp / "backend-state"
    backend = _popen(
        [
            sys.executable,
            "-m",
            "jupyter_sagerun.cli",
            "local",
            "--port=0",  # the OS picks both ports; backend.json says which
            "--s3-port=0",
            f"--state-dir={backend_state}",
            f"--ip={LOOPBACK}",
            "--max-concurrent-runs=2",
            "--quiet",  # no export lines (with its secret) on its stdout
            "--LocalBackend.enable_test_knobs=True",
            "--log-level=DEBUG",
            f"--LocalBackendApp.logging_config={ROOT_AT_DEBUG!r}",
            "--runner-log-level=DEBUG",  # each run's runner.log
        ],
        tmp,
        "backend",
        env,
    )
    server: subprocess.Popen[bytes] | None = None
    port = free_port()
    url = f"http://{LOOPBACK}:{port}/"
    token = uuid.uuid4().hex
    try:
        info = _wait_backend(backend, backend_state, tmp)
        canaries.secret_key = info["secret_access_key"]
        server_env = {
            **env,
            "AWS_ACCESS_KEY_ID": info["access_key_id"],
            "AWS_SECRET_ACCESS_KEY": info["secret_access_key"],
        }
        # Logging config in the server's own (throw-away) config dir.
        config_dir = Path(env["JUPYTER_CONFIG_DIR"])
        config_dir.mkdir()
        (config_dir / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"logging_config": ROOT_AT_DEBUG}})
        )
        server = _popen(
            [
                *server_command(port, token, root, tmp),
                "--debug",
                "--SageRun.log_level=DEBUG",
                "--SageRun.backend=aws",
                f"--SageRun.endpoint_url={info['endpoint_url']}",
                f"--SageRun.s3_endpoint_url={info['s3_endpoint_url']}",
                f"--SageRun.staging_s3_uri={info['staging_s3_uri']}",
                f"--SageRun.domain_id={DOMAIN}",
                f"--SageRun.project_id={PROJECT}",
                f"--SageRun.region={info['region']}",
            ],
            tmp,
            "server",
            server_env,
        )
        _wait_server(server, url, token, tmp)
        yield Stack(
            tmp=tmp,
            root=root,
            backend_state=backend_state,
            endpoint_url=info["endpoint_url"],
            server_url=url,
            token=token,
            outputs={
                name: tmp / f"{program}.{name.split()[-1]}"
                for program in ("server", "backend")
                for name in (f"{program} stdout", f"{program} stderr")
            },
            server=server,
            backend=backend,
        )
    finally:
        if server is not None:
            _stop_server(server, url, token)
        kill_group(backend, term_wait=15)  # SIGTERM first: the backend stops cleanly on it


def write_secret_notebook(root: Path, marker: str) -> None:
    write_notebook(
        root,
        NOTEBOOK,
        # Proves the values arrived without printing them.
        f"print({marker!r}, len(alpha), sorted(beta), len(gamma))\n"
        "import sys\n"
        "print('to stderr, not a value', file=sys.stderr)",
        parameters="alpha = ''\nbeta = {}\ngamma = ''",
    )


# --- the test ------------------------------------------------------------------------


def test_no_secret_in_any_log_file_or_answer(stack: Stack, canaries: Canaries) -> None:
    begun = time.monotonic()
    marker = _canary("printed-marker-")  # not a secret: it must reach the output
    write_secret_notebook(stack.root, marker)

    context = stack.call("GET", "sagerun/context")
    assert context.status == 200, context.text
    assert context.json()["backend"] == "aws"
    assert context.json()["endpointUrl"] == stack.endpoint_url

    # One run by path, with canary values, followed to its end.
    started = stack.call(
        "POST",
        "sagerun/runs",
        json={"path": NOTEBOOK, "clientToken": uuid.uuid4().hex, "parameters": canaries.parameters},
    )
    assert started.status == 201, started.text
    run_id = started.json()["id"]
    assert sorted(started.json()["parameterNames"]) == ["alpha", "beta", "gamma"]
    give_up = time.monotonic() + 90
    while True:
        polled = stack.call("GET", f"sagerun/runs/{run_id}")
        assert polled.status == 200, polled.text
        if polled.json()["status"] in TERMINAL:
            break
        assert time.monotonic() < give_up, f"run {run_id} still {polled.json()['status']}"
        time.sleep(0.2)
    assert polled.json()["status"] == "SUCCEEDED", polled.text

    for query in ({}, {"path": NOTEBOOK}, {"status": "SUCCEEDED"}):
        listed = stack.call("GET", "sagerun/runs", params=query)
        assert listed.status == 200, listed.text
        assert run_id in [item["id"] for item in listed.json()["items"]]
    assert stack.call("GET", "sagerun/notebooks").status == 200
    stopped = stack.call("POST", f"sagerun/runs/{run_id}/stop", json={})
    assert stopped.status == 200 and stopped.json()["status"] == "SUCCEEDED", stopped.text

    # The one answer that shows the values, because it asks to.
    revealed = stack.call(
        "GET", f"sagerun/runs/{run_id}", params={"reveal": "parameters"}, reveal=True
    )
    assert revealed.status == 200 and revealed.json()["parameters"] == canaries.parameters

    # The executed notebook, written next to its source: the values are in its
    # parameters cell (they did reach the notebook), the printed marker in its output.
    exported = stack.call("POST", f"sagerun/runs/{run_id}/output", json={"format": "IPYNB"})
    assert exported.status == 200, exported.text
    output_file = stack.root / exported.json()["path"]
    output_text = output_file.read_bytes()
    assert marker.encode() in output_text
    assert found_in(output_text, canaries.values) == ["alpha", "beta", "gamma"]

    # An upstream refusal whose message quotes the values (services echo input): it
    # reaches the client as a 403, without them.
    stack.control(
        "POST",
        "/_local/faults",
        {
            "operation": "StartNotebookRun",
            "error": "AccessDeniedException",
            "status": 403,
            "count": 1,
            "message": (
                f"User is not authorized to start a run with alpha='{canaries.alpha}', "
                f'beta="{canaries.parameters["beta"]}" and gamma={canaries.gamma}'
            ),
        },
    )
    denied = stack.call(
        "POST",
        "sagerun/runs",
        json={"path": NOTEBOOK, "clientToken": uuid.uuid4().hex, "parameters": canaries.parameters},
    )
    assert denied.status == 403, denied.text
    error = denied.json()["error"]
    assert error["code"] == "AccessDeniedException"
    assert "User is not authorized to start a run" in error["message"]  # it did pass through

    # The same for an upstream failure, through botocore's retries (every attempt fails).
    stack.control(
        "POST",
        "/_local/faults",
        {
            "operation": "StartNotebookRun",
            "error": "InternalServerException",
            "count": 3,  # SageRun.max_attempts
            "message": f"Internal failure handling parameters {{'alpha': '{canaries.alpha}'}}",
        },
    )
    failed = stack.call(
        "POST",
        "sagerun/runs",
        json={"path": NOTEBOOK, "clientToken": uuid.uuid4().hex, "parameters": canaries.parameters},
    )
    assert failed.status == 502, failed.text
    assert "Internal failure handling parameters" in failed.json()["error"]["message"]
    assert stack.control("GET", "/_local/faults") == {"pending": 0}

    # Our own validation: a value too long, and a name too long whose value is a canary.
    too_long = stack.call(
        "POST",
        "sagerun/runs",
        json={"path": NOTEBOOK, "parameters": {"alpha": canaries.alpha + "x" * 1100}},
    )
    assert too_long.status == 400, too_long.text
    assert "parameters.alpha" in [f["path"] for f in too_long.json()["error"]["fields"]]
    bad_name = stack.call(
        "POST",
        "sagerun/runs",
        json={"path": NOTEBOOK, "parameters": {"gamma": canaries.gamma, "n" * 129: canaries.gamma}},
    )
    assert bad_name.status == 400, bad_name.text
    # The same straight to the backend, which validates with the same code.
    direct = stack.backend_request(
        "POST",
        f"/v2/domains/{DOMAIN}/notebook-runs",
        {
            "owningProjectIdentifier": PROJECT,
            "notebookIdentifier": started.json()["notebookId"],
            "parameters": {"alpha": canaries.alpha + "x" * 1100},
        },
    )
    stack.answers.append(
        Answer("backend StartNotebookRun", direct.status_code, dict(direct.headers), direct.text)
    )
    assert direct.status_code == 400, direct.text

    # Both programs stopped: everything they wrote is flushed and closed.
    _stop_server(stack.server, stack.server_url, stack.token)
    kill_group(stack.backend, term_wait=15)
    print(f"end to end {time.monotonic() - begun:.1f}s")

    check_outputs(stack, canaries, run_id)
    check_files(stack, canaries, run_id, output_file)
    check_answers(stack, canaries, run_id)


def check_outputs(stack: Stack, canaries: Canaries, run_id: str) -> None:
    everything = {**canaries.values, **canaries.credentials}
    texts = {name: path.read_bytes() for name, path in stack.outputs.items()}
    for name, data in texts.items():
        leaked = found_in(data, everything)
        assert not leaked, f"{', '.join(leaked)} in the {name}:\n{_context(data, everything)}"
    # The capture is real: DEBUG records of each program, and what we did.
    server_log = texts["server stderr"].decode(errors="replace")
    backend_log = texts["backend stderr"].decode(errors="replace")
    assert run_id in server_log and run_id in backend_log
    assert "[DEBUG botocore." in server_log  # the root logger at DEBUG in the server
    assert "Found credentials in environment variables" in server_log
    assert "AccessDeniedException" in server_log
    assert "[D " in server_log  # the server's own logger at DEBUG
    assert "[DEBUG " in backend_log  # the backend's root logger at DEBUG
    assert f"Run {run_id} queued" in backend_log
    assert "SageRun local backend stopped" in backend_log  # read to its very end


def check_files(stack: Stack, canaries: Canaries, run_id: str, output_file: Path) -> None:
    """Every file under the temporary tree: the backend's state dir (its SQLite,
    backend.json, runs/<id>/runner.log, input.ipynb, result.json, ...), the extension's
    state (notebooks.json), the Jupyter dirs, the workspace, the logs (already read).

    Excluded, because they hold the values on purpose:
    - the backend's SQLite database (and its -wal/-shm/-journal companions): the run
      record keeps its parameters, as DataZone does, for GetNotebookRun's answer;
    - runs/<run id>/output.ipynb: the executed notebook, into which papermill writes
      the parameters cell with the values (that is how a notebook receives them);
    - the exported copy of that notebook next to the source in the workspace.
    The secret key and session token are looked for in those too. The backend's
    connection file (backend.json) holds its secret on purpose: it is looked at for
    the values only.
    """
    everything = {**canaries.values, **canaries.credentials}
    on_purpose = {
        stack.backend_state / "runs" / run_id / "output.ipynb",
        output_file,
    }
    scanned = 0
    for path in sorted(p for p in stack.tmp.rglob("*") if p.is_file()):
        data = path.read_bytes()
        sqlite = path.parent == stack.backend_state and path.name.startswith("local.sqlite3")
        if path == stack.backend_state / "backend.json":
            secrets = canaries.values
        elif path in on_purpose or sqlite:
            secrets = canaries.credentials
        else:
            secrets = everything
        leaked = found_in(data, secrets)
        assert not leaked, f"{', '.join(leaked)} in {path}:\n{_context(data, secrets)}"
        scanned += 1
    # What is excluded does hold the values: the exclusions are needed, and no wider.
    run_dir = stack.backend_state / "runs" / run_id
    assert found_in((run_dir / "output.ipynb").read_bytes(), canaries.values) == list(
        canaries.values
    )
    database = b"".join(p.read_bytes() for p in stack.backend_state.glob("local.sqlite3*"))
    assert found_in(database, canaries.values) == list(canaries.values)
    # The runner logged at DEBUG: the kernel it started, papermill's progress.
    runner_log = (run_dir / "runner.log").read_text(errors="replace")
    assert "[DEBUG " in runner_log and "Executing notebook with kernel" in runner_log
    assert scanned > 10, scanned


def check_answers(stack: Stack, canaries: Canaries, run_id: str) -> None:
    everything = {**canaries.values, **canaries.credentials}
    for answer in stack.answers:
        leaked = found_in(answer.raw(), everything)
        assert not leaked, f"{', '.join(leaked)} in the answer to {answer.label}: {answer.text}"
    for answer in stack.revealed:
        leaked = found_in(answer.raw(), canaries.credentials)
        assert not leaked, f"{', '.join(leaked)} in the answer to {answer.label}"
    # The answers were captured: names and ids do come back.
    joined = "\n".join(a.text for a in stack.answers)
    assert run_id in joined and '"parameterNames"' in joined and '"gamma"' in joined


def _context(data: bytes, secrets: dict[str, str]) -> str:
    text = data.decode(errors="replace")
    lines = [
        line[:300]
        for line in text.splitlines()
        if any(n.decode() in line for value in secrets.values() for n in needles(value))
    ]
    return "\n".join(lines[:10])
