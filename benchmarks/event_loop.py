"""Is the Jupyter server's event loop free while run starts wait on a slow backend?

The local backend is told (``POST /_local/faults``) to hold its next StartNotebookRun
answers for ``--delay`` seconds; then ``--concurrency`` threads each send one
``POST sagerun/runs`` (``notebookId``, distinct clientTokens) at once, and meanwhile
``GET /api/status`` is polled every ``--interval`` seconds until every start has
answered. Blocking calls belong in the thread pool; if one ran on the event loop, the
status requests would wait for it.
Targets: status latency median < 20 ms and max < 100 ms.
"""

from __future__ import annotations

import sys
import time

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
from _cli import benchmark_parser

from testkit.clients import StatusPoller, client_token, concurrent_posts, import_notebook
from testkit.server import Server, jupyter_server
from testkit.stats import format_summary, machine_line, summary_ms, verdict

TARGET_MEDIAN_MS = 20.0
TARGET_MAX_MS = 100.0


def idle_baseline(server: Server, seconds: float, interval: float) -> list[float]:
    with StatusPoller(server, interval) as poller:
        time.sleep(seconds)
    return poller.latencies


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("-c", "--concurrency", type=int, default=20, help="run starts at once")
    parser.add_argument("--delay", type=float, default=2.0, help="backend delay, seconds")
    parser.add_argument("--interval", type=float, default=0.01, help="status poll interval, s")
    args = parser.parse_args(argv)

    print(f"machine: {machine_line()}")
    with jupyter_server(backend=args.backend, max_concurrent_runs=0) as server:
        notebook_id = import_notebook(server)
        baseline = idle_baseline(server, 2.0, args.interval)

        fault = {
            "operation": "StartNotebookRun",
            "delaySeconds": args.delay,
            "count": args.concurrency,
        }
        server.local_control("POST", "/_local/faults", fault)

        bodies = [
            {"notebookId": notebook_id, "clientToken": client_token()}
            for _ in range(args.concurrency)
        ]
        poller = StatusPoller(server, args.interval)
        burst = concurrent_posts(
            server, "sagerun/runs", bodies, timeout=args.delay + 120, during=poller
        )
        durations = [answer.seconds for answer in burst.answers]
        statuses = [answer.status for answer in burst.answers]
        wall = burst.wall
        pending = server.local_control("GET", "/_local/faults")["pending"]

    ok = sum(1 for s in statuses if s == 201)
    print(
        f"{args.concurrency} concurrent POST sagerun/runs, backend delay {args.delay:g} s, "
        f"{args.backend} local backend: {ok} x 201 "
        f"(others: {sorted(s for s in statuses if s != 201)}), all answered in {wall:.2f} s; "
        f"faults left unspent: {pending}"
    )
    print(format_summary("POST sagerun/runs", summary_ms(durations)))
    print(format_summary("GET /api/status, idle", summary_ms(baseline)))
    under = summary_ms(poller.latencies)
    print(format_summary("GET /api/status, in flight", under))
    if poller.errors:
        print(f"status requests that failed: {poller.errors}")
    print(f"machine after: {machine_line()}")
    median_met = under["median"] < TARGET_MEDIAN_MS
    max_met = under["max"] < TARGET_MAX_MS
    print(f"target median < {TARGET_MEDIAN_MS:g} ms: {verdict(median_met)}")
    print(f"target max < {TARGET_MAX_MS:g} ms: {verdict(max_met)}")
    # A missed target is a failing exit, so that run_all.py reports it as missed.
    return 0 if median_met and max_met else 1


if __name__ == "__main__":
    sys.exit(main())
