"""What a run's packages cost: end to end, a two-cell run with no packages, with a new
specification (its environment built first) and with the same specification again.

Each run goes through a real Jupyter server (``POST sagerun/runs``, then ``GET
sagerun/runs/{id}`` every 50 ms until it ended) on the local backend, which builds
environments with uv. The packages are a wheel written here (no index is asked, so the
figures do not depend on a network). The three series are interleaved round by round,
in an order that alternates, so drift and warm-up hit them alike. Each "new" round uses
a specification never seen before; "cached" repeats one built during the warm-up.
Target: median(cached) - median(none) <= 0.3 s.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
from _cli import benchmark_parser

from testkit.clients import client_token, start_run, write_notebook
from testkit.server import jupyter_server
from testkit.stats import format_summary, machine_line, summary_ms, verdict

# The wheel writer the tests use: benchmarks and tests share it rather than keep two.
from testkit.wheelkit import make_wheel

TARGET_SECONDS = 0.3
CELLS = ("import sagerun_bench_pkg as p\nx = p.VALUE", "print(x + 1)")
PLAIN_CELLS = ("x = 1", "print(x + 1)")
TERMINAL = {"SUCCEEDED", "FAILED", "STOPPED"}


def _packages(wheel: Path) -> dict[str, Any]:
    return {"packageConfig": {"packageManager": "UV", "packageSpecification": f"{wheel}\n"}}


def components(rounds: int) -> dict[str, list[float]]:
    """What a cached specification adds, part by part, without the rest of a run (so a
    busy machine blurs it less): finding the built environment (its lock and marker),
    and starting the kernel from the environment's python instead of the backend's."""
    import os
    import tempfile

    from jupyter_client.manager import start_new_kernel

    from jupyter_sagerun.local.package_envs import KERNEL_NAME, EnvironmentCache

    root = Path(tempfile.mkdtemp(prefix="sagerun-bench-env-"))
    cache = EnvironmentCache(root / "environments", 8)
    spec = str(make_wheel(root / "wheels", "sagerun_bench_pkg", "VALUE = 1\n"))
    cache.acquire(spec).close()  # built here, once
    out: dict[str, list[float]] = {"acquire": [], "kernel-backend": [], "kernel-env": []}

    def kernel(name: str, jupyter_path: str | None) -> float:
        if jupyter_path:
            os.environ["JUPYTER_PATH"] = jupyter_path
        else:
            os.environ.pop("JUPYTER_PATH", None)
        started = time.perf_counter()
        manager, client = start_new_kernel(kernel_name=name)
        elapsed = time.perf_counter() - started
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        return elapsed

    previous = os.environ.get("JUPYTER_PATH")
    try:
        for index in range(rounds):
            started = time.perf_counter()
            environment = cache.acquire(spec)
            out["acquire"].append(time.perf_counter() - started)
            environment.close()
            pair = [("kernel-backend", "python3", None)]
            pair.append(("kernel-env", KERNEL_NAME, str(environment.jupyter_path)))
            for name, kernel_name, path in pair if index % 2 else reversed(pair):
                out[name].append(kernel(kernel_name, path))
    finally:
        if previous is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = previous
    return out


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("-n", "--runs", type=int, default=8, help="measured runs per series")
    parser.add_argument("--seed", type=int, default=0, help="seed of the order shuffle")
    args = parser.parse_args(argv)

    print(f"machine: {machine_line()}")
    with jupyter_server(backend=args.backend, max_concurrent_runs=1) as server:
        session = server.session()
        wheels = server.tmp / "wheels"
        for name, cells in (("none", PLAIN_CELLS), ("new", CELLS), ("cached", CELLS)):
            write_notebook(server.root / f"{name}.ipynb", cells)
        cached = _packages(make_wheel(wheels / "cached", "sagerun_bench_pkg", "VALUE = 1\n"))
        builds = 0

        def run(name: str, environment: dict[str, Any] | None) -> float:
            body: dict[str, Any] = {"path": f"{name}.ipynb", "clientToken": client_token()}
            if environment is not None:
                body["environmentConfiguration"] = environment
            started = time.perf_counter()
            run_id = start_run(session, server, body)["id"]
            while True:
                got = session.get(server.url(f"sagerun/runs/{run_id}"), timeout=60).json()
                if got["status"] in TERMINAL:
                    break
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            if got["status"] != "SUCCEEDED":
                raise RuntimeError(f"run {run_id} of {name} {got['status']}: {got.get('error')}")
            return elapsed

        def new() -> float:
            nonlocal builds
            builds += 1
            directory = wheels / f"new-{builds}"
            return run("new", _packages(make_wheel(directory, "sagerun_bench_pkg", "VALUE = 2\n")))

        series = {
            "none": lambda: run("none", None),
            "new": new,
            "cached": lambda: run("cached", cached),
        }
        # Warm-up: the first run of each notebook imports it; "cached" builds its one.
        warm = {name: call() for name, call in series.items()}
        rng = random.Random(args.seed)
        times: dict[str, list[float]] = {name: [] for name in series}
        for _ in range(args.runs):
            order = list(series.items())
            rng.shuffle(order)
            for name, call in order:
                times[name].append(call())
        session.close()
        log = server.tmp / "local-backend" / "environments" / "builds.log"
        built = len(log.read_text().splitlines()) if log.exists() else 0

    print(
        "warm-up (first run of each notebook, with its import): "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in warm.items())
    )
    stats = {name: summary_ms(values) for name, values in times.items()}
    for name, label in (
        ("none", "no packages"),
        ("new", "new specification (build)"),
        ("cached", "same specification again"),
    ):
        print(format_summary(label, stats[name]))
    # Paired by round: each round's runs met the same load, which the medians alone
    # would not cancel on a busy machine.
    added = statistics.median(c - n for c, n in zip(times["cached"], times["none"], strict=True))
    build = statistics.median(b - n for b, n in zip(times["new"], times["none"], strict=True))
    print(f"environments built: {built} ({builds + 1} specifications)")
    parts = components(args.runs)
    print("parts of what a cached specification adds, measured on their own:")
    for name, label in (
        ("acquire", "find the built environment"),
        ("kernel-backend", "kernel start, backend python"),
        ("kernel-env", "kernel start, environment"),
    ):
        print(format_summary(label, summary_ms(parts[name])))
    print(f"a first build adds {build:.2f} s (median of the rounds' differences)")
    ok = added <= TARGET_SECONDS
    print(
        f"a cached specification adds {added:.3f} s (median of the rounds' differences); "
        f"target <= {TARGET_SECONDS} s: {verdict(ok)}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
