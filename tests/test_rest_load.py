"""Bounded load on loopback: concurrent starts, idempotency under concurrency, no 5xx.

The server is a real Jupyter server in a process of its own (``testkit/server.py``:
started with ``python -m jupyter_server``, stopped with its process group whatever
happens), with the local backend it starts keeping every run QUEUED
(``--LocalBackend.max_concurrent_runs=0``), so this exercises the REST → sync →
StartNotebookRun path, not papermill. The client is this process: 200 threads, one
keep-alive connection each, token in the header, released together. The latencies are
therefore the server's, over real loopback HTTP; they are reported (``-q`` shows them
too), never asserted: the machines are shared and noisy. ``benchmarks/load.py`` is the
same scenario as a benchmark.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator

import pytest

from testkit.clients import backend_run_ids, concurrent_posts, rest_run_ids
from testkit.notebooks import write_notebook
from testkit.server import Server, jupyter_server
from testkit.stats import summary_ms

pytestmark = pytest.mark.timeout(120)

REQUESTS = 200
NOTEBOOK = "load.ipynb"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with jupyter_server(max_concurrent_runs=0) as running:
        write_notebook(running.root, NOTEBOOK, "x = 1")
        yield running


@pytest.mark.parametrize("tokens", [REQUESTS, 20], ids=["distinct-tokens", "20-tokens"])
def test_200_concurrent_starts(
    server: Server, tokens: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # A project of its own: its runs are exactly this burst's, and the notebook is new
    # to it, so the burst also races the notebook's first import.
    project = f"load-{tokens}"
    stem = uuid.uuid4().hex[:8]
    bodies = [
        {"path": NOTEBOOK, "clientToken": f"{stem}-{i % tokens}", "projectId": project}
        for i in range(REQUESTS)
    ]

    burst = concurrent_posts(server, "sagerun/runs", bodies, timeout=60)

    latency = summary_ms([answer.seconds for answer in burst.answers])
    with capsys.disabled():
        print(
            f"\n[load] {REQUESTS} concurrent POST sagerun/runs, {tokens} clientTokens, "
            f"separate server process: p50 {latency['median']:.0f} ms, "
            f"p99 {latency['p99']:.0f} ms, max {latency['max']:.0f} ms "
            f"({REQUESTS / burst.wall:.0f} requests/s)",
            file=sys.stderr,
        )
    failed = [(a.status, a.body) for a in burst.answers if a.status != 201]
    server_errors = [status for status, _ in failed if status >= 500 or status < 0]
    assert not server_errors, f"5xx or no answer: {failed[:5]}\n{server.log_tail(40)}"
    assert not failed, f"{len(failed)} answers were not 201: {failed[:5]}"

    ids_by_token: dict[str, set[str]] = {}
    for body, answer in zip(bodies, burst.answers, strict=True):
        ids_by_token.setdefault(body["clientToken"], set()).add(answer.body["id"])
    assert all(len(ids) == 1 for ids in ids_by_token.values()), "a token started two runs"
    run_ids = set().union(*ids_by_token.values())
    assert len(run_ids) == tokens
    listed = rest_run_ids(server, projectId=project)
    assert len(listed) == tokens
    assert set(listed) == run_ids
    held = backend_run_ids(server, project)  # the backend's own count, not through REST
    assert len(held) == tokens
    assert set(held) == run_ids
