"""What every benchmark shares: a real Jupyter server with the extension on the
embedded local backend, clients for it and for the backend, and a few statistics.

The server is ``jupyter-server`` started directly as a child process (not the
``jupyter server`` launcher, which would leave its own child behind), in its own
process group, on a free loopback port, with a known token and throw-away root, state
and Jupyter directories. It is stopped with ``POST /api/shutdown`` (the extension stops
the local backend), then SIGTERM, then SIGKILL of that process group, whatever happens
in the benchmark (exceptions, Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

LOOPBACK = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent


# --- the server ----------------------------------------------------------------------


@dataclass
class Server:
    """A running Jupyter server with the extension on the embedded local backend."""

    base_url: str  # http://127.0.0.1:PORT/
    token: str
    root: Path
    tmp: Path
    log_path: Path
    process: subprocess.Popen[bytes]
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
        return _boto_client("datazone", self.context()["endpointUrl"])

    def s3(self) -> Any:
        """A boto3 S3 client for the local backend's S3 (moto), path-style."""
        return _boto_client("s3", self.context()["s3EndpointUrl"])

    def local_control(self, method: str, path: str, body: Any = None) -> Any:
        """The local backend's test knobs (``/_local/faults``, ``/_local/requests``)."""
        url = self.context()["endpointUrl"].rstrip("/") + path
        with requests.Session() as session:
            session.trust_env = False
            answer = session.request(method, url, json=body, timeout=10)
            answer.raise_for_status()
            return answer.json()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def _boto_client(service: str, endpoint_url: str) -> Any:
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
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=config,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _sigterm_to_exit(signum: int, frame: Any) -> None:
    # Turned into SystemExit so that every `finally` (and the server's cleanup) runs.
    raise SystemExit(128 + signum)


BACKENDS = ("embedded", "standalone")


@contextlib.contextmanager
def jupyter_server(
    *,
    backend: str = "embedded",
    max_concurrent_runs: int = 0,
    extra_args: Sequence[str] = (),
    startup_timeout: float = 90.0,
    keep_tmp: bool = False,
) -> Iterator[Server]:
    """Start the server, wait until it and its local backend answer, yield, stop it.

    ``backend="embedded"`` (the default, what ``--SageRun.backend=local`` does): the
    extension starts the local backend inside the Jupyter server process.
    ``"standalone"``: the backend runs in a process of its own (``python -m
    jupyter_sagerun.local``, as ``jupyter sagerun local``), the extension connects to it.
    ``max_concurrent_runs=0`` keeps every run QUEUED, so no papermill process runs.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}")
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _sigterm_to_exit)
    tmp = Path(tempfile.mkdtemp(prefix="sagerun-bench-"))
    root = tmp / "root"
    root.mkdir()
    log_path = tmp / "server.log"
    token = secrets.token_hex(16)
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
    executable = shutil.which("jupyter-server") or "jupyter-server"
    process: subprocess.Popen[bytes] | None = None
    server: Server | None = None
    standalone: subprocess.Popen[bytes] | None = None
    backend_args: list[str] = [
        f"--LocalBackend.state_dir={tmp / 'local-backend'}",
        f"--LocalBackend.max_concurrent_runs={max_concurrent_runs}",
    ]
    try:
        if backend == "standalone":
            standalone, endpoints = _start_standalone(
                tmp, env, max_concurrent_runs, startup_timeout
            )
            backend_args = [
                f"--SageRun.endpoint_url={endpoints['endpoint_url']}",
                f"--SageRun.s3_endpoint_url={endpoints['s3_endpoint_url']}",
                f"--SageRun.staging_s3_uri={endpoints['staging_s3_uri']}",
            ]
        for _attempt in range(3):  # a free port can be taken between probe and bind
            port = free_port()
            args = [
                executable,
                "--no-browser",
                f"--ServerApp.ip={LOOPBACK}",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}",
                "--ServerApp.allow_root=True",
                "--ServerApp.jpserver_extensions={'jupyter_sagerun': True}",
                "--SageRun.backend=local",
                f"--SageRun.state_dir={tmp / 'sagerun-state'}",
                f"--SageRun.metadata_path={tmp / 'no-metadata.json'}",
                *backend_args,
                *extra_args,
            ]
            with open(log_path, "ab") as log:
                process = subprocess.Popen(
                    args,
                    cwd=tmp,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, ours to stop
                )
            server = Server(f"http://{LOOPBACK}:{port}/", token, root, tmp, log_path, process)
            if _wait_ready(server, startup_timeout):
                break
            _stop(server)
            server = None
        if server is None:
            raise RuntimeError(f"jupyter-server did not start; its log is in {log_path}")
        server.context()  # waits (off the server's event loop) for the local backend
        yield server
    finally:
        if server is not None:
            _stop(server)
        elif process is not None and process.poll() is None:
            _kill_group(process)
        if standalone is not None:
            _kill_group(standalone)  # SIGTERM first: the backend stops cleanly on it
        if not keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _start_standalone(
    tmp: Path, env: dict[str, str], max_concurrent_runs: int, timeout: float
) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """``python -m jupyter_sagerun.local`` in its own process group; where it listens
    (from the ``backend.json`` it publishes in its state directory)."""
    import json

    state = tmp / "standalone-backend"
    args = [
        sys.executable,
        "-m",
        "jupyter_sagerun.local",
        f"--state-dir={state}",
        f"--max-concurrent-runs={max_concurrent_runs}",
        f"--ip={LOOPBACK}",
        "--quiet",
    ]
    with open(tmp / "backend.log", "ab") as log:
        process = subprocess.Popen(
            args,
            cwd=tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    give_up = time.monotonic() + timeout
    try:
        while time.monotonic() < give_up:
            if process.poll() is not None:
                raise RuntimeError(f"the standalone backend exited; see {tmp / 'backend.log'}")
            with contextlib.suppress(OSError, ValueError, KeyError):
                info = json.loads((state / "backend.json").read_text(encoding="utf-8"))
                health = info["endpoint_url"].rstrip("/") + "/_local/health"
                with requests.Session() as session:
                    session.trust_env = False
                    if session.get(health, timeout=2).status_code == 200:
                        return process, info
            time.sleep(0.2)
        raise RuntimeError("the standalone backend did not start in time")
    except BaseException:
        _kill_group(process)
        raise


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
    _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL, to the process group we created for the server (its id
    is the server's pid): also reaches any child it left behind."""
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
        if process.poll() is not None and not _group_alive(process.pid):
            break
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=1)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- notebooks and runs --------------------------------------------------------------


def write_notebook(path: Path, cells: Sequence[str] = ("1 + 1",)) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def client_token() -> str:
    return uuid.uuid4().hex


def start_run(session: requests.Session, server: Server, body: dict[str, Any]) -> dict[str, Any]:
    """``POST sagerun/runs``; raises with the server's error body on anything but 201."""
    answer = session.post(server.url("sagerun/runs"), json=body, timeout=120)
    if answer.status_code != 201:
        raise RuntimeError(f"POST sagerun/runs answered {answer.status_code}: {answer.text}")
    return dict(answer.json())


def import_notebook(server: Server, name: str = "bench.ipynb") -> str:
    """Run a tiny notebook once by path (imports it into the local project); its
    notebookId. With max_concurrent_runs=0 the run just stays QUEUED."""
    write_notebook(server.root / name)
    with server.session() as session:
        run = start_run(session, server, {"path": name, "clientToken": client_token()})
    return str(run["notebookId"])


# --- statistics ----------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    """Median, p90, p99, mean, min and max of durations in seconds, as milliseconds."""
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "median": statistics.median(ms),
        "p90": percentile(ms, 90),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms),
        "min": min(ms),
        "max": max(ms),
    }


def format_summary(label: str, s: dict[str, float]) -> str:
    return (
        f"{label:<28} n={int(s['n']):<4} median {s['median']:7.2f}  p90 {s['p90']:7.2f}  "
        f"p99 {s['p99']:7.2f}  mean {s['mean']:7.2f}  min {s['min']:7.2f}  "
        f"max {s['max']:7.2f}  (ms)"
    )


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def machine_line() -> str:
    """Load average and CPUs: the figures mean little without them."""
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    return f"{stamp}  cpus={os.cpu_count()}  load average (1/5/15 min): {load}"


class StatusPoller:
    """Polls ``GET /api/status`` every ``interval`` seconds in a thread of its own and
    records each request's latency (a probe of the server's event loop)."""

    def __init__(self, server: Server, interval: float = 0.01) -> None:
        self.server = server
        self.interval = interval
        self.latencies: list[float] = []
        self.errors = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="status-poller", daemon=True)

    def _run(self) -> None:
        url = self.server.url("api/status")
        with self.server.session() as session:
            next_tick = time.perf_counter()
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    ok = session.get(url, timeout=10).status_code == 200
                except requests.RequestException:
                    ok = False
                elapsed = time.perf_counter() - started
                if ok:
                    self.latencies.append(elapsed)
                else:
                    self.errors += 1
                next_tick += self.interval
                pause = next_tick - time.perf_counter()
                if pause > 0:
                    self._stop.wait(pause)
                else:
                    next_tick = time.perf_counter()  # late: do not burst to catch up

    def __enter__(self) -> StatusPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
