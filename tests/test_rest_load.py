"""Bounded load on loopback: concurrent starts, idempotency under concurrency, no 5xx.

The backend keeps every run queued (max_concurrent_runs=0), so this measures the
REST → sync → StartNotebookRun path, not papermill.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Api, write_notebook
from tornado.httpclient import AsyncHTTPClient

pytestmark = pytest.mark.timeout(120)


async def _start_many(api: Api, tokens: list[str], project: str) -> tuple[list[Any], list[float]]:
    latencies: list[float] = []

    async def one(client_token: str) -> Any:
        started = time.monotonic()
        status, run = await api(
            "POST",
            "runs",
            body={"path": "load.ipynb", "clientToken": client_token, "projectId": project},
        )
        latencies.append(time.monotonic() - started)
        assert status == 201, run
        return run

    runs = await asyncio.gather(*(one(t) for t in tokens))
    return runs, latencies


async def _count(api: Api, project: str) -> int:
    total, params = 0, {"projectId": project}
    while True:
        status, page = await api("GET", "runs", params=params)
        assert status == 200, page
        total += len(page["items"])
        if not page["nextToken"]:
            return total
        params = {"projectId": project, "nextToken": page["nextToken"]}


@pytest.mark.embedded(max_concurrent_runs=0)
async def test_200_concurrent_starts(api: Api, jp_root_dir: Path) -> None:
    # tornado's client defaults to 10 connections; lift it so requests really overlap.
    AsyncHTTPClient.configure(None, max_clients=200)
    try:
        write_notebook(jp_root_dir, "load.ipynb", "x = 1")
        distinct = [f"load-{i}" for i in range(200)]
        runs, latencies = await _start_many(api, distinct, "loadA")
        assert len({run["id"] for run in runs}) == 200
        assert await _count(api, "loadA") == 200

        repeated = [f"dup-{i % 20}" for i in range(200)]
        runs, more = await _start_many(api, repeated, "loadB")
        assert len({run["id"] for run in runs}) == 20
        assert await _count(api, "loadB") == 20
    finally:
        AsyncHTTPClient.configure(None, max_clients=10)
    latencies += more
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(f"400 concurrent POST sagerun/runs: p50 {p50:.0f} ms, p99 {p99:.0f} ms")
