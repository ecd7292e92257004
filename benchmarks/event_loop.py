"""Is the Jupyter server's event loop free while run starts wait on a slow backend?

The local backend is told (``POST /_local/faults``) to hold its next StartNotebookRun
answers for ``--delay`` seconds; then ``--concurrency`` threads each send one
``POST sagerun/runs`` (``notebookId``, distinct clientTokens) at once, and meanwhile
``GET /api/status`` is polled every ``--interval`` seconds until every start has
answered. Blocking calls belong in the thread pool; if one ran on the event loop, the
status requests would wait for it.
Targets (issue 4): status latency median < 20 ms and max < 100 ms.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from _server import (
    BACKENDS,
    Server,
    StatusPoller,
    client_token,
    format_summary,
    import_notebook,
    jupyter_server,
    machine_line,
    summary_ms,
    verdict,
)

TARGET_MEDIAN_MS = 20.0
TARGET_MAX_MS = 100.0


def idle_baseline(server: Server, seconds: float, interval: float) -> list[float]:
    with StatusPoller(server, interval) as poller:
        time.sleep(seconds)
    return poller.latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("-c", "--concurrency", type=int, default=20, help="run starts at once")
    parser.add_argument("--delay", type=float, default=2.0, help="backend delay, seconds")
    parser.add_argument("--interval", type=float, default=0.01, help="status poll interval, s")
    parser.add_argument(
        "--backend", choices=BACKENDS, default="embedded", help="where the local backend runs"
    )
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

        barrier = threading.Barrier(args.concurrency + 1)
        durations: list[float] = []
        statuses: list[int] = []
        lock = threading.Lock()

        def start_one() -> None:
            with server.session() as session:
                # Connect first, so that the starts go out together.
                session.get(server.url("api/status"), timeout=30)
                body = {"notebookId": notebook_id, "clientToken": client_token()}
                barrier.wait()
                started = time.perf_counter()
                try:
                    code = session.post(server.url("sagerun/runs"), json=body, timeout=120)
                    status = code.status_code
                except Exception:
                    status = -1
                with lock:
                    durations.append(time.perf_counter() - started)
                    statuses.append(status)

        threads = [
            threading.Thread(target=start_one, name=f"start-{i}", daemon=True)
            for i in range(args.concurrency)
        ]
        for thread in threads:
            thread.start()
        with StatusPoller(server, args.interval) as poller:
            barrier.wait()
            began = time.perf_counter()
            for thread in threads:
                thread.join(timeout=args.delay + 120)
            wall = time.perf_counter() - began
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
    print(f"target median < {TARGET_MEDIAN_MS:g} ms: {verdict(under['median'] < TARGET_MEDIAN_MS)}")
    print(f"target max < {TARGET_MAX_MS:g} ms: {verdict(under['max'] < TARGET_MAX_MS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
