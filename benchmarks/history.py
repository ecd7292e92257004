"""Flat as history grows: the REST calls a user makes, at 10, 1,000 and 10,000 runs in
the local backend's history.

At each size, ``-n`` (20) times each, alternating: ``GET sagerun/runs`` (the first page
of 50), ``GET sagerun/runs/<id>`` (an old run), ``POST sagerun/runs`` by path of an
unchanged notebook (its run stays QUEUED: max_concurrent_runs=0). History is seeded by
writing ended runs through the backend's own store (``Store.create``) into its SQLite
file, not by running 10,000 notebooks. Target (goal "flat as history grows"): each
median at 10,000 runs within 1.5x of its median at 10; the list's, whose page
holds 10 rows at 10 runs and 50 from 50 on, within 1.5x of its median at 50.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from typing import Any

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
from _cli import benchmark_parser

from jupyter_sagerun.local.store import Store, TokenScope, now
from testkit.clients import client_token, start_run, write_notebook
from testkit.server import Server, jupyter_server
from testkit.stats import machine_line, verdict

NOTEBOOK = "history.ipynb"
SIZES = (10, 50, 1_000, 10_000)
TARGET = 1.5
# The list's first page holds min(history, 50) rows, so at 10 runs it decodes and
# sends a fifth of the rows it does at 10,000: its figure is compared with the first
# size whose page is full (50 runs), the same work per row; the 10-run figure is printed.
FULL_PAGE = 50


def seed(server: Server, template: dict[str, Any], upto: int) -> None:
    """Ended runs like ``template`` until the history holds ``upto`` runs."""
    store = Store(server.backend_state / "local.sqlite3")
    try:
        held = store.count("runs", ("QUEUED", "SUCCEEDED", "FAILED", "STOPPED"))
        for _ in range(upto - held):
            stamp = now()
            record = {
                **template,
                "id": "nbr" + uuid.uuid4().hex[:11],
                "status": "SUCCEEDED",
                "createdAt": stamp,
                "updatedAt": stamp,
                "startedAt": stamp,
                "completedAt": stamp,
            }
            scope = TokenScope(record["domainId"], record["owningProjectId"], "seed", None, "")
            store.create("runs", record, scope)
    finally:
        store.close()


def measure(server: Server, old_run: str, n: int) -> dict[str, float]:
    times: dict[str, list[float]] = {"list": [], "get": [], "post": []}
    with server.session() as session:
        for _ in range(n):
            began = time.perf_counter()
            session.get(server.url("sagerun/runs"), params={"maxResults": "50"}, timeout=60)
            times["list"].append(time.perf_counter() - began)
            began = time.perf_counter()
            session.get(server.url(f"sagerun/runs/{old_run}"), timeout=60).raise_for_status()
            times["get"].append(time.perf_counter() - began)
            began = time.perf_counter()
            start_run(session, server, {"path": NOTEBOOK, "clientToken": client_token()})
            times["post"].append(time.perf_counter() - began)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("-n", "--requests", type=int, default=20, help="of each, per size")
    args = parser.parse_args(argv)
    print(f"machine: {machine_line()}")
    results: dict[int, dict[str, float]] = {}
    with jupyter_server(backend=args.backend, max_concurrent_runs=0) as server:
        write_notebook(server.root / NOTEBOOK)
        with server.session() as session:
            first = start_run(session, server, {"path": NOTEBOOK, "clientToken": client_token()})
        store = Store(server.backend_state / "local.sqlite3")
        template = store.get("runs", str(first["id"]))
        store.close()
        assert template is not None
        for size in SIZES:
            began = time.perf_counter()
            seed(server, template, size)
            seeded = time.perf_counter() - began
            results[size] = measure(server, str(first["id"]), args.requests)
            figures = ", ".join(f"{k} {v:.1f} ms" for k, v in results[size].items())
            print(
                f"{size:>6} runs (seeded in {seeded:.1f} s), "
                f"medians of n={args.requests}: {figures}"
            )
    print(f"machine after: {machine_line()}")
    ok = True
    for name in ("list", "get", "post"):
        base = FULL_PAGE if name == "list" else SIZES[0]
        ratio = results[SIZES[-1]][name] / results[base][name]
        met = ratio <= TARGET
        ok = ok and met
        print(
            f"target {name} at {SIZES[-1]} runs <= {TARGET}x at {base}: "
            f"{verdict(met)} ({ratio:.2f}x)"
        )
    rows = results[SIZES[-1]]["list"] / results[SIZES[0]]["list"]
    print(f"list at {SIZES[-1]} runs (50 rows) vs {SIZES[0]} runs ({SIZES[0]} rows): {rows:.2f}x")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
