"""What the extension costs a Jupyter server: its RSS and its time to the first answer.

Three kinds of ``jupyter-server`` start, alternating (none, aws, local, none, aws,
local, ...) so that drift and caches hit each alike, ``--rounds`` of each (3):

  none   the extension off (``jpserver_extensions={'jupyter_sagerun': False}``);
  aws    the extension on, ``--SageRun.backend=aws`` with a domain, project and region
         configured (no call is made: nothing asks it to);
  local  the extension on, ``--SageRun.backend=local``: the server starts the local
         backend, a process of its own, at start-up (its warm-up).

For each start: seconds from the spawn to the first ``200`` of ``GET /api/status``
(asked every 10 ms), and the server process's RSS (``VmRSS``) ``--settle`` seconds
(3) after that answer (in local mode: after the backend the server starts in its
warm-up published its connection file), so the extension's background warm-up has
happened and is counted: what is measured is what a user's server holds, not what it
holds before the warm-up. The local backend's own RSS is printed beside local mode's, not added:
it is another process, as a kernel is. Medians of the rounds; targets (issue 9 and 12):
the extension adds at most 20 MB in local and in aws mode, and at most 0.05 s to the
start in aws mode.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
import requests

from testkit.processes import LOOPBACK, free_port, kill_group, spawn, stop_backend
from testkit.server import server_command
from testkit.stats import machine_line, verdict

KINDS = ("none", "aws", "local")
TARGET_MB = 20.0
TARGET_START_S = 0.05

EXTRA = {
    "none": ["--ServerApp.jpserver_extensions={'jupyter_sagerun': False}"],
    "aws": [
        "--SageRun.backend=aws",
        "--SageRun.domain_id=dzd_footprint",
        "--SageRun.project_id=footprint",
        "--SageRun.region=us-east-1",
    ],
    "local": ["--SageRun.backend=local"],
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def backend_pid(state: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, KeyError):
        return int(json.loads((state / "backend.json").read_text())["pid"])
    return None


def one_start(kind: str, settle: float, timeout: float) -> tuple[float, float, float | None]:
    """(seconds to the first /api/status, server RSS in MB, backend RSS in MB or None)."""
    tmp = Path(tempfile.mkdtemp(prefix="sagerun-footprint-"))
    root = tmp / "root"
    root.mkdir()
    state = tmp / "local-backend"
    token = secrets.token_hex(16)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "JUPYTER"))},
        "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
        "NO_PROXY": "127.0.0.1,localhost",
        "AWS_CONFIG_FILE": str(tmp / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "no-aws-credentials"),
    }
    enable = "--ServerApp.jpserver_extensions="
    # server_command turns the extension on; "none" says off instead (a list of two
    # values would be refused).
    command = [a for a in server_command(port, token, root, tmp) if not a.startswith(enable)]
    args = [*command, f"--LocalBackend.state_dir={state}", *EXTRA[kind]]
    if kind != "none":
        args.append(enable + "{'jupyter_sagerun': True}")
    started = time.monotonic()
    process = spawn(args, tmp, env, tmp / "server.log")
    try:
        url = f"http://{LOOPBACK}:{port}/api/status"
        with requests.Session() as http:
            http.trust_env = False
            http.headers["Authorization"] = f"token {token}"
            while True:
                if process.poll() is not None or time.monotonic() - started > timeout:
                    log = (tmp / "server.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"the {kind} server did not answer:\n{log}")
                with contextlib.suppress(requests.RequestException):
                    if http.get(url, timeout=1).status_code == 200:
                        break
                time.sleep(0.01)
        ready = time.monotonic() - started
        if kind == "local":
            # Its warm-up starts the backend: count the server once that is done.
            give_up = time.monotonic() + timeout
            while backend_pid(state) is None and time.monotonic() < give_up:
                time.sleep(0.05)
        time.sleep(settle)
        server_rss = rss_mb(process.pid)
        pid = backend_pid(state)
        backend_rss = rss_mb(pid) if pid is not None else None
        return ready, server_rss, backend_rss
    finally:
        kill_group(process)
        stop_backend(state)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3, help="starts of each kind")
    parser.add_argument(
        "--settle", type=float, default=3.0, help="seconds after the first answer to read RSS"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a start may take")
    args = parser.parse_args(argv)

    ready: dict[str, list[float]] = {kind: [] for kind in KINDS}
    rss: dict[str, list[float]] = {kind: [] for kind in KINDS}
    backend: list[float] = []
    print(machine_line())
    for round_number in range(args.rounds):
        # Rotate who goes first, so no kind always starts on a machine just warmed up.
        order = KINDS[round_number % 3 :] + KINDS[: round_number % 3]
        for kind in order:
            seconds, server_mb, backend_mb = one_start(kind, args.settle, args.timeout)
            ready[kind].append(seconds)
            rss[kind].append(server_mb)
            if kind == "local" and backend_mb is not None:
                backend.append(backend_mb)
            print(f"  round {round_number + 1} {kind:5s}  {seconds:6.2f} s  {server_mb:6.1f} MB")

    median = {
        kind: (statistics.median(ready[kind]), statistics.median(rss[kind])) for kind in KINDS
    }
    base_s, base_mb = median["none"]
    print(f"\n[footprint] jupyter-server, median of {args.rounds} starts each")
    print(f"  none    {base_s:5.2f} s to /api/status   RSS {base_mb:6.1f} MB")
    ok = True
    for kind in ("aws", "local"):
        seconds, mb = median[kind]
        extra_mb, extra_s = mb - base_mb, seconds - base_s
        line = (
            f"  {kind:6s}  {seconds:5.2f} s ({extra_s:+.2f} s)     "
            f"RSS {mb:6.1f} MB ({extra_mb:+.1f} MB)"
        )
        if kind == "local" and backend:
            line += f"   backend process {statistics.median(backend):.1f} MB"
        print(line)
        ok = ok and extra_mb <= TARGET_MB
        if kind == "aws":
            ok = ok and extra_s <= TARGET_START_S
    print(
        f"  targets: +{TARGET_MB:.0f} MB in aws and local mode, "
        f"+{TARGET_START_S:.2f} s start in aws mode  {verdict(ok)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
