"""A local run against papermill's own CLI on the same small notebook, side by side.

Two scenarios, each alternating the contenders in one run of this script, same venv:

  single   ``-n`` (7) times: ``POST sagerun/runs`` by path -> SUCCEEDED (polling
           ``GET sagerun/runs/<id>`` every 50 ms), then ``papermill in.ipynb
           out.ipynb`` as a process, then again; medians compared.
  burst    ``--burst`` (20) runs submitted at once -> all SUCCEEDED, against as many
           papermill processes kept ``--concurrency`` (the backend's
           max_concurrent_runs, 2) at a time; wall times compared, ``--rounds`` (2).

The first run of each contender (the kernel spec cache, the backend's first pool) is
a warm-up and not counted. Targets (goal "faster than papermill itself"): our median
<= 0.8x papermill's, and a burst's wall time <= 0.8x; every run of a burst SUCCEEDED,
each once.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
import requests
from _cli import benchmark_parser

from testkit.clients import client_token, start_run, write_notebook
from testkit.server import Server, jupyter_server
from testkit.stats import machine_line, verdict

NOTEBOOK = "small.ipynb"
CELLS = ("x = 21", "x * 2")
TERMINAL = ("SUCCEEDED", "FAILED", "STOPPED")
TARGET = 0.8


def rest_run(session: requests.Session, server: Server, timeout: float = 300) -> str:
    """POST by path, then poll until ended; the run's id (raises unless SUCCEEDED)."""
    run = start_run(session, server, {"path": NOTEBOOK, "clientToken": client_token()})
    return wait_run(session, server, str(run["id"]), timeout)


def wait_run(session: requests.Session, server: Server, run_id: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        got = session.get(server.url(f"sagerun/runs/{run_id}"), timeout=60).json()
        if got["status"] in TERMINAL:
            if got["status"] != "SUCCEEDED":
                raise RuntimeError(f"run {run_id} ended {got['status']}: {got.get('error')}")
            return run_id
        if time.monotonic() > deadline:
            raise RuntimeError(f"run {run_id} still {got['status']}")
        time.sleep(0.05)


def papermill_run(source: Path, out: Path) -> None:
    papermill = Path(sys.executable).with_name("papermill")
    subprocess.run(
        [str(papermill), "--no-progress-bar", str(source), str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def timed(action: object) -> float:
    began = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - began


def burst_rest(server: Server, count: int) -> tuple[float, list[str]]:
    began = time.perf_counter()
    with server.session() as session:
        ids = [
            str(start_run(session, server, {"path": NOTEBOOK, "clientToken": client_token()})["id"])
            for _ in range(count)
        ]
        for run_id in ids:
            wait_run(session, server, run_id, 900)
    return time.perf_counter() - began, ids


def burst_papermill(source: Path, tmp: Path, count: int, concurrency: int) -> float:
    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda i: papermill_run(source, tmp / f"out-{i}.ipynb"), range(count)))
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("-n", "--runs", type=int, default=7, help="single runs per contender")
    parser.add_argument("--burst", type=int, default=20, help="runs in a burst")
    parser.add_argument("--rounds", type=int, default=2, help="bursts per contender")
    parser.add_argument("--concurrency", type=int, default=2, help="max_concurrent_runs")
    args = parser.parse_args(argv)

    print(f"machine: {machine_line()}")
    tmp = Path(tempfile.mkdtemp(prefix="sagerun-vs-papermill-"))
    source = write_notebook(tmp / NOTEBOOK, CELLS)
    ours: list[float] = []
    theirs: list[float] = []
    bursts_ours: list[float] = []
    bursts_theirs: list[float] = []
    exact = True
    with jupyter_server(backend=args.backend, max_concurrent_runs=args.concurrency) as server:
        write_notebook(server.root / NOTEBOOK, CELLS)
        with server.session() as session:
            rest_run(session, server)  # warm-up: the import of the notebook, the pool
            papermill_run(source, tmp / "out.ipynb")
            for i in range(args.runs):
                ours.append(timed(lambda: rest_run(session, server)))
                theirs.append(timed(lambda: papermill_run(source, tmp / "out.ipynb")))
                print(f"  single {i}: {ours[-1]:.2f} s vs {theirs[-1]:.2f} s", file=sys.stderr)
        for _ in range(args.rounds):
            wall, ids = burst_rest(server, args.burst)
            bursts_ours.append(wall)
            exact = exact and len(set(ids)) == args.burst
            bursts_theirs.append(burst_papermill(source, tmp, args.burst, args.concurrency))
            print(f"  burst: {wall:.2f} s vs {bursts_theirs[-1]:.2f} s", file=sys.stderr)
    print(f"machine after: {machine_line()}")

    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    single_ratio = ours_median / theirs_median
    print(
        f"single run, n={len(ours)} each, alternating: REST run median {ours_median:.2f} s "
        f"(min {min(ours):.2f}), papermill CLI median {theirs_median:.2f} s "
        f"(min {min(theirs):.2f}): {single_ratio:.2f}x"
    )
    burst_ours, burst_theirs = statistics.median(bursts_ours), statistics.median(bursts_theirs)
    burst_ratio = burst_ours / burst_theirs
    print(
        f"{args.burst} runs at once, {args.concurrency} at a time, n={len(bursts_ours)} each: "
        f"REST median {burst_ours:.2f} s, papermill CLI median {burst_theirs:.2f} s: "
        f"{burst_ratio:.2f}x"
    )
    print(f"target single run <= {TARGET}x papermill: {verdict(single_ratio <= TARGET)}")
    print(f"target burst <= {TARGET}x papermill: {verdict(burst_ratio <= TARGET)}")
    print(f"target every burst run SUCCEEDED, each once: {verdict(exact)}")
    met = single_ratio <= TARGET and burst_ratio <= TARGET and exact
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
