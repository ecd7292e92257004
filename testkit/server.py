"""A real Jupyter server with the extension on the local backend, for the benchmarks
and for tests that must measure over real HTTP (``tests/test_rest_load.py``).

The server is ``python -m jupyter_server`` (what ``jupyter-server`` runs, with this
interpreter; not the ``jupyter server`` launcher, which would leave its own child
behind), started as a child process in its own process group, on a free loopback port,
with a known token and throw-away root, state and Jupyter directories. It is stopped
with ``POST /api/shutdown``, then SIGTERM, then SIGKILL of that process group, whatever
happens meanwhile (exceptions, Ctrl-C, SIGTERM); the local backend, a process of its
own that outlives the server by design, is stopped after it (``stop_backend``).

The clients, the poller and the statistics are in ``clients.py`` and ``stats.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from .processes import LOOPBACK, free_port, kill_group, sigterm_to_exit, spawn, stop_backend
from .processes import start_standalone as _start_standalone

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    """A running Jupyter server with the extension on, in local mode."""

    base_url: str  # http://127.0.0.1:PORT/
    token: str
    root: Path
    tmp: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    backend_state: Path  # the local backend's state directory (its backend.json)
    _context: dict[str, Any] | None = field(default=None, repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def session(self) -> requests.Session:
        """A keep-alive session that authenticates with the token (so no XSRF)."""
        session = requests.Session()
        session.headers["Authorization"] = f"token {self.token}"
        session.trust_env = False  # loopback only: no proxies from the environment
        return session

    def context(self) -> dict[str, Any]:
        """``GET sagerun/context``: the local backend's endpoints, domain and project."""
        if self._context is None:
            with self.session() as session:
                answer = session.get(self.url("sagerun/context"), timeout=90)
                answer.raise_for_status()
                self._context = dict(answer.json())
        return self._context

    def datazone(self) -> Any:
        """A boto3 DataZone client straight to the local backend, configured like the
        extension's own (standard retries, 3 attempts, 5 s / 60 s timeouts)."""
        return _boto_client("datazone", self.context()["endpointUrl"], self.credentials())

    def s3(self) -> Any:
        """A boto3 S3 client for the local backend's S3 (moto), path-style."""
        return _boto_client("s3", self.context()["s3EndpointUrl"], self.credentials())

    def credentials(self) -> tuple[str, str]:
        """The local backend's key pair, from its connection file (new at each start)."""
        info = json.loads((self.backend_state / "backend.json").read_text(encoding="utf-8"))
        return str(info["access_key_id"]), str(info["secret_access_key"])

    def local_control(self, method: str, path: str, body: Any = None) -> Any:
        """The local backend's test knobs (``/_local/faults``, ``/_local/requests``),
        SigV4-signed like every request to it."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        url = self.context()["endpointUrl"].rstrip("/") + path
        data = b"" if body is None else json.dumps(body).encode()
        request = AWSRequest(
            method=method, url=url, data=data, headers={"Content-Type": "application/json"}
        )
        SigV4Auth(Credentials(*self.credentials()), "datazone", "us-east-1").add_auth(request)
        with requests.Session() as session:
            session.trust_env = False
            answer = session.request(
                method, url, data=data or None, headers=dict(request.headers), timeout=10
            )
            answer.raise_for_status()
            return answer.json()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def _boto_client(service: str, endpoint_url: str, credentials: tuple[str, str]) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "total_max_attempts": 3},
        connect_timeout=5,
        read_timeout=60,
        s3={"addressing_style": "path"},
    )
    return boto3.session.Session().client(
        service,
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=credentials[0],
        aws_secret_access_key=credentials[1],
        config=config,
    )


BACKENDS = ("spawned", "standalone")

#: Runs ``jupyter-server`` and, as it exits, writes the names of every module it
#: imported to the file named by argv[1] (what a test of the server's imports reads).
_RECORD_MODULES = (
    "import atexit, json, sys\n"
    "out = sys.argv.pop(1)\n"
    "atexit.register(lambda: open(out, 'w').write(json.dumps(sorted(sys.modules))))\n"
    "from jupyter_server.serverapp import main\n"
    "sys.exit(main())\n"
)


def server_command(
    port: int, token: str, root: Path, tmp: Path, *, record_modules: Path | None = None
) -> list[str]:
    """``jupyter-server`` on loopback with the extension on, a known token and
    throw-away root and state, under this interpreter; the backend is the caller's.
    With ``record_modules``, the server writes the modules it imported there on exit."""
    if record_modules is not None:
        launcher = ["-c", _RECORD_MODULES, str(record_modules)]
    else:
        launcher = ["-m", "jupyter_server"]
    return [
        sys.executable,
        *launcher,
        "--no-browser",
        f"--ServerApp.ip={LOOPBACK}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",
        "--ServerApp.jpserver_extensions={'jupyter_sagerun': True}",
        f"--SageRun.state_dir={tmp / 'sagerun-state'}",
        # No SMUS space here, whatever the machine running this has.
        f"--SageRun.metadata_path={tmp / 'no-metadata.json'}",
    ]


@contextlib.contextmanager
def jupyter_server(
    *,
    backend: str = "spawned",
    max_concurrent_runs: int = 0,
    extra_args: Sequence[str] = (),
    startup_timeout: float = 90.0,
    keep_tmp: bool = False,
    token: str | None = None,
    tmp: Path | None = None,
    keep_backend: bool = False,
    record_modules: Path | None = None,
    wait_for_backend: bool = True,
) -> Iterator[Server]:
    """Start the server, wait until it (and, unless told not to, its local backend)
    answers, yield, stop it, then stop the backend.

    ``backend="spawned"`` (the default, what ``--SageRun.backend=local`` does): the
    extension starts the local backend as a process of its own on ``tmp/local-backend``.
    ``"standalone"``: the backend is started first, by hand (``python -m
    jupyter_sagerun.local``, as ``jupyter sagerun local``), on that same state
    directory, and the extension finds it there. ``max_concurrent_runs=0`` keeps every
    run QUEUED, so no papermill process runs. ``tmp`` (kept afterwards) and
    ``keep_backend`` let a second server start on the state (and backend) of a first.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}")
    previous_sigterm = None
    if threading.current_thread() is threading.main_thread():
        previous_sigterm = signal.signal(signal.SIGTERM, sigterm_to_exit)
    owns_tmp = tmp is None
    tmp = Path(tempfile.mkdtemp(prefix="sagerun-bench-")) if tmp is None else tmp
    root = tmp / "root"
    root.mkdir(exist_ok=True)
    log_path = tmp / "server.log"
    token = token or secrets.token_hex(16)
    env = {
        **os.environ,
        # Nobody's own Jupyter config or runtime files play a part.
        "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(name, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    process: subprocess.Popen[bytes] | None = None
    server: Server | None = None
    standalone: subprocess.Popen[bytes] | None = None
    state = tmp / "local-backend"
    backend_args: list[str] = [
        f"--LocalBackend.state_dir={state}",
        f"--LocalBackend.max_concurrent_runs={max_concurrent_runs}",
        # Benchmarks inject latency and count requests through the test knobs.
        "--LocalBackend.enable_test_knobs=True",
    ]
    # Local unless extra_args choose (traitlets keeps the first of two values).
    chosen = any(arg.startswith("--SageRun.backend=") for arg in extra_args)
    mode = [] if chosen else ["--SageRun.backend=local"]
    try:
        if backend == "standalone":
            standalone, _ = _start_standalone(state, tmp, env, max_concurrent_runs, startup_timeout)
        for _attempt in range(3):  # a free port can be taken between probe and bind
            port = free_port()
            args = [
                *server_command(port, token, root, tmp, record_modules=record_modules),
                *mode,
                *backend_args,
                *extra_args,
            ]
            process = spawn(args, tmp, env, log_path)
            server = Server(
                f"http://{LOOPBACK}:{port}/", token, root, tmp, log_path, process, state
            )
            if _wait_ready(server, startup_timeout):
                break
            _stop(server)
            server = None
        if server is None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
            raise RuntimeError(f"the Jupyter server did not start; its log ends:\n{tail}")
        if wait_for_backend:
            server.context()  # waits (off the server's event loop) for the local backend
        yield server
    finally:
        if server is not None:
            _stop(server)
        elif process is not None and process.poll() is None:
            kill_group(process)
        if standalone is not None and not keep_backend:
            kill_group(standalone)  # SIGTERM first: the backend stops cleanly on it
        if not keep_backend:
            stop_backend(state)  # one the server started
        if owns_tmp and not keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)


def _wait_ready(server: Server, timeout: float) -> bool:
    give_up = time.monotonic() + timeout
    with server.session() as session:
        while time.monotonic() < give_up:
            if server.process.poll() is not None:
                print(server.log_tail(), file=sys.stderr)
                return False
            with contextlib.suppress(requests.RequestException):
                if session.get(server.url("api/status"), timeout=2).status_code == 200:
                    return True
            time.sleep(0.2)
    return False


def _stop(server: Server) -> None:
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(requests.RequestException), server.session() as session:
            session.post(server.url("api/shutdown"), timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    kill_group(process)
