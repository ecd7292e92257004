"""What the extension costs a Jupyter server: its RSS, idle and in use, and its start-up.

Three kinds of ``jupyter-server`` start, alternating (none, aws, local, none, aws,
local, ...) so that drift and caches hit each alike, ``--rounds`` of each (5):

  none   the extension off (``jpserver_extensions={'jupyter_sagerun': False}``);
  aws    the extension on, ``--SageRun.backend=aws`` with a domain, project and region
         configured, its endpoints a closed port on loopback (so its calls fail fast,
         after botocore, a client and the DataZone model are loaded);
  local  the extension on, ``--SageRun.backend=local``: the server starts the local
         backend, a process of its own, at start-up (its warm-up).

For each start:

  start    seconds from the spawn to the first ``200`` of ``GET /api/status`` (asked
           every 10 ms), and the server process's CPU seconds (user + system) by then;
  share    the extension's own part of that start, timed inside the server (a
           launcher wraps jupyter_server's three steps for it: importing the package
           and reading its extension points, linking, loading), in seconds and in the
           main thread's CPU seconds. This is the verdict's figure: two starts of the
           same server differ by half a second here (wall or CPU), ten times the 0.05 s
           target, so the difference of two medians says little; the share is measured
           where it is spent.
  idle     the server's RSS (``VmRSS``) ``--settle`` seconds (3) after that answer
           (local mode: after the backend it started published its connection file).
  in use   then what JupyterLab asks at once when it opens, ``GET /sagerun/context``
           and ``GET /sagerun/runs`` (aws: answered 503, the endpoint being closed; the
           client and the model are loaded by then, as for a real call): the first
           request's seconds (it builds the run service) and the RSS after both.

The local backend's own RSS is printed beside local mode's, not added: it is another
process, as a kernel is. One start of each kind is made first and not counted (the
first start after a while reads its files from disk). Medians of the rounds.

Targets, measured this way: on a server just started
(its warm-up done), the extension adds at most 20 MB in aws and in local mode, and at
most 0.05 s of start-up (its share) in aws mode. In use is printed beside, for what it is:
mostly botocore and its endpoint table, pydantic and the DataZone model, which any
server that calls DataZone holds.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
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


def extra_args(kind: str, closed_url: str) -> list[str]:
    if kind == "none":
        return ["--ServerApp.jpserver_extensions={'jupyter_sagerun': False}"]
    if kind == "local":
        return ["--SageRun.backend=local"]
    return [
        "--SageRun.backend=aws",
        "--SageRun.domain_id=dzd_footprint",
        "--SageRun.project_id=footprint",
        "--SageRun.region=us-east-1",
        f"--SageRun.endpoint_url={closed_url}",
        f"--SageRun.s3_endpoint_url={closed_url}",
        "--SageRun.max_attempts=1",
    ]


#: jupyter-server, with the time its extension manager spends on jupyter_sagerun
#: (import and extension points, link, load) written to argv[1] as it goes.
TIMED_LAUNCHER = """
import json, sys, time
out = sys.argv.pop(1)
from jupyter_server.extension import manager
spent = {"seconds": 0.0, "cpu_seconds": 0.0}
def timed(step, name_of):
    def wrapper(*args, **kwargs):
        if name_of(*args) != "jupyter_sagerun":
            return step(*args, **kwargs)
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return step(*args, **kwargs)
        finally:
            spent["seconds"] += time.perf_counter() - wall
            spent["cpu_seconds"] += time.thread_time() - cpu
            with open(out, "w") as handle:
                json.dump(spent, handle)
    return wrapper
manager.get_metadata = timed(manager.get_metadata, lambda name, *rest: name)
em = manager.ExtensionManager
em.link_extension = timed(em.link_extension, lambda self, name: name)
em.load_extension = timed(em.load_extension, lambda self, name: name)
from jupyter_server.serverapp import main
sys.exit(main())
"""


@dataclasses.dataclass
class Start:
    seconds: float  # spawn to the first /api/status
    cpu_seconds: float  # the server's CPU time by then
    idle_mb: float
    share_s: float | None = None  # the extension's part of the start (None: off)
    share_cpu_s: float | None = None
    first_request_s: float | None = None  # the first /sagerun request (builds the service)
    in_use_mb: float | None = None
    backend_mb: float | None = None


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    # /proc/<pid>/stat: utime and stime are fields 14 and 15, after the "(comm)" field.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pid(state: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, KeyError):
        return int(json.loads((state / "backend.json").read_text())["pid"])
    return None


def one_start(kind: str, settle: float, timeout: float) -> Start:
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
        # aws mode signs its (failing) calls with these; nothing leaves loopback.
        "AWS_ACCESS_KEY_ID": "AKIAFOOTPRINTEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": secrets.token_hex(20),
    }
    enable = "--ServerApp.jpserver_extensions="
    # server_command turns the extension on; "none" says off instead (a list of two
    # values would be refused).
    command = [a for a in server_command(port, token, root, tmp) if not a.startswith(enable)]
    share = tmp / "share.json"
    assert command[1:3] == ["-m", "jupyter_server"], command
    command[1:3] = ["-c", TIMED_LAUNCHER, str(share)]
    closed = f"http://{LOOPBACK}:{free_port()}"  # nothing listens there
    args = [*command, f"--LocalBackend.state_dir={state}", *extra_args(kind, closed)]
    if kind != "none":
        args.append(enable + "{'jupyter_sagerun': True}")
    started = time.monotonic()
    process = spawn(args, tmp, env, tmp / "server.log")
    try:
        with requests.Session() as http:
            http.trust_env = False
            http.headers["Authorization"] = f"token {token}"

            def get(path: str) -> requests.Response:
                return http.get(f"http://{LOOPBACK}:{port}/{path}", timeout=timeout)

            while True:
                if process.poll() is not None or time.monotonic() - started > timeout:
                    log = (tmp / "server.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"the {kind} server did not answer:\n{log}")
                with contextlib.suppress(requests.RequestException):
                    if http.get(f"http://{LOOPBACK}:{port}/api/status", timeout=1).ok:
                        break
                time.sleep(0.01)
            start = Start(time.monotonic() - started, cpu_seconds(process.pid), 0.0)
            if kind != "none":
                spent = json.loads(share.read_text())
                start.share_s, start.share_cpu_s = spent["seconds"], spent["cpu_seconds"]
            if kind == "local":
                # Its warm-up starts the backend: count the server once that is done.
                give_up = time.monotonic() + timeout
                while backend_pid(state) is None and time.monotonic() < give_up:
                    time.sleep(0.05)
            time.sleep(settle)
            start.idle_mb = rss_mb(process.pid)
            if kind != "none":
                asked = time.monotonic()
                context = get("sagerun/context")
                start.first_request_s = time.monotonic() - asked
                runs = get("sagerun/runs")
                expected = 200 if kind == "local" else 503  # aws: the endpoint is closed
                if context.status_code != 200 or runs.status_code != expected:
                    raise RuntimeError(
                        f"{kind}: context {context.status_code}, runs {runs.status_code}: "
                        f"{runs.text[:300]}"
                    )
                start.in_use_mb = rss_mb(process.pid)
        pid = backend_pid(state)
        start.backend_mb = rss_mb(pid) if pid is not None else None
        return start
    finally:
        kill_group(process)
        stop_backend(state)
        shutil.rmtree(tmp, ignore_errors=True)


def _median(values: list[float | None]) -> float:
    return statistics.median(v for v in values if v is not None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5, help="starts of each kind")
    parser.add_argument(
        "--settle", type=float, default=3.0, help="seconds after the first answer to read RSS"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a start may take")
    args = parser.parse_args(argv)

    starts: dict[str, list[Start]] = {kind: [] for kind in KINDS}
    print(machine_line())
    for kind in KINDS:
        one_start(kind, 0.0, args.timeout)  # not counted: warms the page cache
    for round_number in range(args.rounds):
        # Rotate who goes first, so no kind always starts on a machine just warmed up.
        order = KINDS[round_number % 3 :] + KINDS[: round_number % 3]
        for kind in order:
            one = one_start(kind, args.settle, args.timeout)
            starts[kind].append(one)
            line = (
                f"  round {round_number + 1} {kind:5s}  {one.seconds:5.2f} s "
                f"({one.cpu_seconds:4.2f} s CPU)  idle {one.idle_mb:6.1f} MB"
            )
            if one.share_s is not None:
                line += f"  share {one.share_s:.3f} s ({one.share_cpu_s:.3f} s CPU)"
            if one.in_use_mb is not None:
                line += f"  in use {one.in_use_mb:6.1f} MB"
                line += f" (first request {one.first_request_s:.2f} s)"
            print(line)

    def median(kind: str, field: str) -> float:
        return _median([getattr(one, field) for one in starts[kind]])

    base = {f: median("none", f) for f in ("seconds", "cpu_seconds", "idle_mb")}
    print(f"\n[footprint] jupyter-server, median of {args.rounds} starts each")
    spread = [one.seconds for one in starts["none"]]
    print(
        f"  none   start {base['seconds']:5.2f} s, {base['cpu_seconds']:4.2f} s CPU   "
        f"RSS {base['idle_mb']:6.1f} MB   (its own starts ranged {min(spread):.2f}-"
        f"{max(spread):.2f} s; the share below is timed inside each start)"
    )
    ok = True
    for kind in ("aws", "local"):
        share, share_cpu = median(kind, "share_s"), median(kind, "share_cpu_s")
        cpu = median(kind, "cpu_seconds") - base["cpu_seconds"]
        idle = median(kind, "idle_mb") - base["idle_mb"]
        in_use = median(kind, "in_use_mb") - base["idle_mb"]
        line = (
            f"  {kind:5s}  start {median(kind, 'seconds'):5.2f} s "
            f"({median(kind, 'seconds') - base['seconds']:+.2f} s), "
            f"{median(kind, 'cpu_seconds'):4.2f} s CPU ({cpu:+.2f} s); "
            f"the extension's share {share:.3f} s ({share_cpu:.3f} s CPU)   "
            f"RSS idle {median(kind, 'idle_mb'):6.1f} MB ({idle:+.1f} MB), "
            f"in use {median(kind, 'in_use_mb'):6.1f} MB ({in_use:+.1f} MB); "
            f"first request {median(kind, 'first_request_s'):.2f} s"
        )
        if kind == "local":
            line += f"; backend process {median(kind, 'backend_mb'):.1f} MB"
        print(line)
        ok = ok and idle <= TARGET_MB
        if kind == "aws":
            ok = ok and share <= TARGET_START_S
    print(
        f"  targets: +{TARGET_MB:.0f} MB idle in aws and local mode, "
        f"+{TARGET_START_S:.2f} s of start-up (the share) in aws mode  {verdict(ok)}"
    )
    # A missed target is a failing exit, so that run_all.py reports it as missed.
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
