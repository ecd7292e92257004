"""Overhead of the server extension on starting a run.

Side by side in one run, interleaved (the order alternates every round so drift and
warm-up hit both alike), against the same local backend:

  REST    POST sagerun/runs {"notebookId": ..., "clientToken": ...} through the Jupyter
          server (keep-alive requests.Session, token auth);
  direct  boto3 DataZone start_notebook_run straight to the local backend (one reused
          client, so a pooled keep-alive connection too).

Every call has its own clientToken, so each one creates a run. The backend keeps runs
QUEUED (max_concurrent_runs=0): no papermill process competes for the CPU.
Target: median(REST) / median(direct) <= 1.15.

Two more series, interleaved with the same calls, say where the difference goes:

  status   GET /api/status: Jupyter's own floor for an authenticated API request
           (HTTP hop, tornado, token auth), no extension code;
  context  GET sagerun/context: our handler, auth, the hop to the thread pool and back,
           context resolution and JSON, but no call to the backend.

The local backend answers StartNotebookRun in a few ms, so a fixed cost of Jupyter's
own looks large beside it. ``--simulated-latency-ms 50`` asks the backend (its
``/_local/faults`` delay knob) to hold every StartNotebookRun answer, of both series
alike, that long, as a real DataZone round trip would; the ratio then says what a user
would see against the service. It is a secondary figure; the target is judged on
the default run (no added latency).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from typing import Any

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
from _cli import benchmark_parser

from testkit.clients import client_token, import_notebook
from testkit.server import jupyter_server
from testkit.stats import format_summary, machine_line, summary_ms, verdict

TARGET_RATIO = 1.15


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("-n", "--runs", type=int, default=200, help="measured calls per side")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured calls per side first")
    parser.add_argument("--seed", type=int, default=0, help="seed of the order shuffle")
    parser.add_argument(
        "--simulated-latency-ms",
        type=float,
        default=0.0,
        help="hold each StartNotebookRun answer this long in the backend (both series)",
    )
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the status/context reference series"
    )
    args = parser.parse_args(argv)

    print(f"machine: {machine_line()}")
    with jupyter_server(backend=args.backend, max_concurrent_runs=0) as server:
        ctx = server.context()
        notebook_id = import_notebook(server)
        client = server.datazone()
        session = server.session()
        url = server.url("sagerun/runs")
        print(
            f"server {server.base_url}  {args.backend} local backend {ctx['endpointUrl']}  "
            f"domain {ctx['domainId']} project {ctx['projectId']} notebook {notebook_id}"
        )

        def rest() -> float:
            body = {"notebookId": notebook_id, "clientToken": client_token()}
            started = time.perf_counter()
            answer = session.post(url, json=body, timeout=60)
            elapsed = time.perf_counter() - started
            if answer.status_code != 201:
                raise RuntimeError(f"REST answered {answer.status_code}: {answer.text}")
            return elapsed

        def direct() -> float:
            params: dict[str, Any] = {
                "domainIdentifier": ctx["domainId"],
                "owningProjectIdentifier": ctx["projectId"],
                "notebookIdentifier": notebook_id,
                "clientToken": client_token(),
            }
            started = time.perf_counter()
            client.start_notebook_run(**params)
            return time.perf_counter() - started

        def get(path: str) -> Callable[[], float]:
            target = server.url(path)

            def call() -> float:
                started = time.perf_counter()
                answer = session.get(target, timeout=60)
                elapsed = time.perf_counter() - started
                if answer.status_code != 200:
                    raise RuntimeError(f"GET {path} answered {answer.status_code}")
                return elapsed

            return call

        series: dict[str, Callable[[], float]] = {"rest": rest, "direct": direct}
        if not args.no_breakdown:
            series.update(status=get("api/status"), context=get("sagerun/context"))

        if args.simulated_latency_ms > 0:
            starts = 2 * (args.warmup + args.runs)
            fault = {
                "operation": "StartNotebookRun",
                "delaySeconds": args.simulated_latency_ms / 1000,
                "count": starts,
            }
            server.local_control("POST", "/_local/faults", fault)

        for _ in range(args.warmup):
            for call in series.values():
                call()

        rng = random.Random(args.seed)
        times: dict[str, list[float]] = {name: [] for name in series}
        began = time.perf_counter()
        for _ in range(args.runs):
            order = list(series.items())
            rng.shuffle(order)
            for name, call in order:
                times[name].append(call())
        wall = time.perf_counter() - began
        session.close()
        counts = server.local_control("GET", "/_local/requests")["counts"]

    rest_s = summary_ms(times["rest"])
    direct_s = summary_ms(times["direct"])
    ratio = rest_s["median"] / direct_s["median"]
    p90_ratio = rest_s["p90"] / direct_s["p90"]
    print(
        f"{args.runs} calls per series, interleaved in random order, after {args.warmup} "
        f"warm-up; {args.backend} local backend"
        + (
            f", {args.simulated_latency_ms:g} ms simulated service latency"
            if args.simulated_latency_ms > 0
            else ""
        )
    )
    print(format_summary("POST sagerun/runs (REST)", rest_s))
    print(format_summary("boto3 start_notebook_run", direct_s))
    extra = rest_s["median"] - direct_s["median"]
    print(f"overhead: median +{extra:.2f} ms per start")
    print(f"ratio of medians: {ratio:.3f}   ratio of p90s: {p90_ratio:.3f}")
    if not args.no_breakdown:
        status_s = summary_ms(times["status"])
        context_s = summary_ms(times["context"])
        print(format_summary("GET /api/status (floor)", status_s))
        print(format_summary("GET sagerun/context", context_s))
        hop = status_s["median"]
        pool = context_s["median"] - status_s["median"]
        print(
            f"breakdown of the +{extra:.2f} ms (medians): Jupyter hop+auth {hop:.2f}, "
            f"our handler+thread pool {pool:.2f}, rest of it "
            f"(botocore inside the server, contention) {extra - hop - pool:.2f}"
        )
        print(
            "ratio if the extension cost nothing beyond Jupyter's own floor: "
            f"{(direct_s['median'] + hop) / direct_s['median']:.3f}"
        )
    print(f"backend saw StartNotebookRun x{counts.get('StartNotebookRun', 0)} in {wall:.1f} s")
    print(f"machine after: {machine_line()}")
    note = " (with simulated latency: secondary figure)" if args.simulated_latency_ms > 0 else ""
    print(f"target ratio <= {TARGET_RATIO}: {verdict(ratio <= TARGET_RATIO)}{note}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
