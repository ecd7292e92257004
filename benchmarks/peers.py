"""A local run beside its peers on the same small notebook: jupyter-scheduler's local
executor and papermill's CLI, alternating in one run of this script.

Each round, ``-n`` (5) of them: ``POST sagerun/runs`` by path -> SUCCEEDED on our
server; ``POST /scheduler/jobs`` -> COMPLETED on a Jupyter server running
jupyter-scheduler (both polled every 50 ms); ``papermill in.ipynb out.ipynb`` as a
process. The first of each is a warm-up and not counted. Target: our median below
jupyter-scheduler's.

jupyter-scheduler is not a dependency of the project: it lives in a virtual environment
of its own, made once per requirement under the cache directory (``--venv``; default
``~/.cache/jupyter_sagerun/jupyter-scheduler-<digest>``) with ``uv``, and reused. Its
server listens on 127.0.0.1 on a free port with a token of its own, serves a temporary
root directory holding the notebook, keeps its database and Jupyter dirs there too, and
is stopped on exit.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
import requests
from _cli import benchmark_parser
from vs_papermill import CELLS, NOTEBOOK, papermill_run, rest_run, timed

from testkit.clients import write_notebook
from testkit.server import jupyter_server
from testkit.stats import machine_line, verdict

# The peer as the SMUS images carry it; ipykernel for the kernel its executor starts.
REQUIREMENTS = ("jupyter-scheduler>=2.5,<3", "ipykernel")
# A job reads STOPPED from its creation until its process starts (the table's default),
# so only these two say it ended.
JOB_ENDED = ("COMPLETED", "FAILED")


def default_venv() -> Path:
    digest = hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "jupyter_sagerun" / f"jupyter-scheduler-{digest}"


def ensure_venv(venv: Path) -> Path:
    """The venv's ``jupyter-server``, the venv made (or completed) first if need be."""
    server = venv / "bin" / "jupyter-server"
    if server.exists():
        return server
    uv = Path(sys.executable).with_name("uv")
    uv_command = str(uv) if uv.exists() else shutil.which("uv")
    if uv_command is None:
        raise SystemExit("peers.py needs uv (the project's dev extras install it)")
    print(f"making jupyter-scheduler's venv in {venv}", file=sys.stderr)
    if not (venv / "bin" / "python").exists():
        subprocess.run([uv_command, "venv", "--quiet", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [uv_command, "pip", "install", "--quiet", "--python", python, *REQUIREMENTS],
        check=True,
    )
    return server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SchedulerServer:
    base: str
    session: requests.Session
    root: Path
    environment: str

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"


@contextmanager
def scheduler_server(
    executable: Path, tmp: Path, timeout: float = 120
) -> Iterator[SchedulerServer]:
    """jupyter-scheduler's server on 127.0.0.1, its state under ``tmp``; stopped on exit."""
    root, dirs = tmp / "root", tmp / "jupyter"
    root.mkdir(parents=True)
    port, token = free_port(), secrets.token_hex(16)
    # Nothing of the user's Jupyter set-up, and the scheduler's database and staging
    # files beside the root, not in the user's data directory.
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs / "config"),
        "JUPYTER_DATA_DIR": str(dirs / "data"),
        "JUPYTER_RUNTIME_DIR": str(dirs / "runtime"),
    }
    env.pop("VIRTUAL_ENV", None)
    command = [
        str(executable),
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        f"--SchedulerApp.db_url=sqlite:///{tmp / 'scheduler.sqlite'}",
    ]
    if os.geteuid() == 0:  # a container's root user, as in CI
        command.append("--allow-root")
    log = (tmp / "server.log").open("w")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    base = f"http://127.0.0.1:{port}"
    try:
        environment = _wait_environment(session, base, process, timeout, tmp / "server.log")
        yield SchedulerServer(base, session, root, environment)
    finally:
        session.close()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _wait_environment(
    session: requests.Session,
    base: str,
    process: subprocess.Popen[bytes],
    timeout: float,
    log: Path,
) -> str:
    """Wait until the scheduler answers; the name of its Python runtime environment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter-scheduler's server exited:\n{log.read_text()[-3000:]}")
        try:
            answer = session.get(f"{base}/scheduler/runtime_environments", timeout=10)
        except requests.ConnectionError:
            time.sleep(0.2)
            continue
        if answer.status_code == 200:
            names = [str(e["name"]) for e in answer.json()]
            if not names:
                raise RuntimeError("jupyter-scheduler lists no runtime environment")
            return "python3" if "python3" in names else names[0]
        time.sleep(0.2)
    raise RuntimeError(f"jupyter-scheduler's server did not answer:\n{log.read_text()[-3000:]}")


def scheduler_job(server: SchedulerServer, timeout: float = 300) -> str:
    """Create a job for the notebook and poll it until ended; its id (raises unless
    COMPLETED)."""
    body: dict[str, Any] = {
        "input_uri": NOTEBOOK,
        "runtime_environment_name": server.environment,
        "output_formats": ["ipynb"],
        "name": "peers-benchmark",
    }
    created = server.session.post(server.url("scheduler/jobs"), json=body, timeout=120)
    if created.status_code != 200:
        raise RuntimeError(f"POST scheduler/jobs: {created.status_code} {created.text}")
    job_id = str(created.json()["job_id"])
    deadline = time.monotonic() + timeout
    while True:
        got = server.session.get(server.url(f"scheduler/jobs/{job_id}"), timeout=60).json()
        if got["status"] in JOB_ENDED:
            if got["status"] != "COMPLETED":
                raise RuntimeError(
                    f"job {job_id} ended {got['status']}: {got.get('status_message')}"
                )
            return job_id
        if time.monotonic() > deadline:
            raise RuntimeError(f"job {job_id} still {got['status']}")
        time.sleep(0.05)


def median_line(label: str, values: list[float]) -> str:
    return f"{label} median {statistics.median(values):.2f} s (min {min(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("-n", "--runs", type=int, default=5, help="runs per contender")
    parser.add_argument("--venv", type=Path, default=None, help="jupyter-scheduler's venv")
    args = parser.parse_args(argv)

    executable = ensure_venv(args.venv or default_venv())
    print(f"machine: {machine_line()}")
    tmp = Path(tempfile.mkdtemp(prefix="sagerun-peers-"))
    source = write_notebook(tmp / NOTEBOOK, CELLS)
    times: dict[str, list[float]] = {"ours": [], "scheduler": [], "papermill": []}
    with (
        scheduler_server(executable, tmp / "scheduler") as peer,
        jupyter_server(backend=args.backend, max_concurrent_runs=2) as server,
    ):
        write_notebook(peer.root / NOTEBOOK, CELLS)
        write_notebook(server.root / NOTEBOOK, CELLS)
        with server.session() as session:
            contenders: dict[str, Callable[[], object]] = {
                "ours": lambda: rest_run(session, server),
                "scheduler": lambda: scheduler_job(peer),
                "papermill": lambda: papermill_run(source, tmp / "out.ipynb"),
            }
            for action in contenders.values():  # warm-up: kernel spec caches, pools
                action()
            for i in range(args.runs):
                for name, action in contenders.items():
                    times[name].append(timed(action))
                figures = ", ".join(f"{name} {t[-1]:.2f} s" for name, t in times.items())
                print(f"  round {i}: {figures}", file=sys.stderr)
    print(f"machine after: {machine_line()}")

    ours, theirs = statistics.median(times["ours"]), statistics.median(times["scheduler"])
    print(
        f"n={args.runs} each, alternating: "
        f"{median_line('REST run', times['ours'])}, "
        f"{median_line('jupyter-scheduler job', times['scheduler'])}, "
        f"{median_line('papermill CLI', times['papermill'])}; "
        f"ours / jupyter-scheduler {ours / theirs:.2f}x, "
        f"ours / papermill {ours / statistics.median(times['papermill']):.2f}x"
    )
    met = ours < theirs
    print(f"target REST run median below jupyter-scheduler's: {verdict(met)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
