"""Clients of a running server (``server.Server``): notebooks and runs over REST,
concurrent bursts of POSTs, run listings from the REST API and from the local backend
itself, and a poller of ``GET /api/status``. Used by the benchmarks and by the load test.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from .server import Server


# --- notebooks and runs --------------------------------------------------------------


def write_notebook(path: Path, cells: Sequence[str] = ("1 + 1",)) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in cells)  # type: ignore[no-untyped-call]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb), encoding="utf-8")  # type: ignore[no-untyped-call]
    return path


def client_token() -> str:
    return uuid.uuid4().hex


def start_run(session: requests.Session, server: Server, body: dict[str, Any]) -> dict[str, Any]:
    """``POST sagerun/runs``; raises with the server's error body on anything but 201."""
    answer = session.post(server.url("sagerun/runs"), json=body, timeout=120)
    if answer.status_code != 201:
        raise RuntimeError(f"POST sagerun/runs answered {answer.status_code}: {answer.text}")
    return dict(answer.json())


def import_notebook(server: Server, name: str = "bench.ipynb") -> str:
    """Run a tiny notebook once by path (imports it into the local project); its
    notebookId. With max_concurrent_runs=0 the run just stays QUEUED."""
    write_notebook(server.root / name)
    with server.session() as session:
        run = start_run(session, server, {"path": name, "clientToken": client_token()})
    return str(run["notebookId"])


def rest_run_ids(server: Server, **query: str) -> list[str]:
    """Every run ``GET sagerun/runs`` lists for ``query`` (all pages)."""
    ids: list[str] = []
    params: dict[str, str] = dict(query)
    with server.session() as session:
        while True:
            answer = session.get(server.url("sagerun/runs"), params=params, timeout=60)
            if answer.status_code != 200:
                raise RuntimeError(f"GET sagerun/runs answered {answer.status_code}: {answer.text}")
            page = answer.json()
            ids += [item["id"] for item in page["items"]]
            if not page.get("nextToken"):
                return ids
            params = {**query, "nextToken": page["nextToken"]}


def backend_run_ids(server: Server, project: str) -> list[str]:
    """Every run of ``project`` the local backend holds, asked straight (DataZone's
    ListNotebookRuns over boto3, not through the extension)."""
    client = server.datazone()
    ids: list[str] = []
    params: dict[str, Any] = {
        "domainIdentifier": server.context()["domainId"],
        "owningProjectIdentifier": project,
        "maxResults": 50,
    }
    while True:
        page = client.list_notebook_runs(**params)
        ids += [item["id"] for item in page["items"]]
        if not page.get("nextToken"):
            return ids
        params["nextToken"] = page["nextToken"]


# --- many requests at once -----------------------------------------------------------


@dataclass
class Answer:
    status: int  # the HTTP status; -1 when no answer came (connection error, timeout)
    seconds: float  # from this request's start to its answer
    body: Any  # the JSON body; the text when it was not JSON; the error when none came


@dataclass
class Burst:
    answers: list[Answer]  # in the order of the bodies
    wall: float  # seconds from the start signal to the last answer


def concurrent_posts(
    server: Server,
    path: str,
    bodies: Sequence[Any],
    *,
    timeout: float = 120.0,
    during: AbstractContextManager[Any] | None = None,
) -> Burst:
    """``POST path`` once per body, all at once, over real loopback HTTP with the token.

    One thread per request, each with a keep-alive session of its own that connects
    first (``GET api/status``), so that the POSTs leave together when a barrier lets
    them go, and a request's time is the server's answer, not a TCP handshake queued
    behind the others. ``during`` (a ``StatusPoller``, say) is entered before the
    barrier opens and left once every answer is in.
    """
    barrier = threading.Barrier(len(bodies) + 1)
    answers: list[Answer | None] = [None] * len(bodies)

    def one(index: int, body: Any) -> None:
        with server.session() as session:
            # Should this fail, the POST connects again and says what is wrong.
            with suppress(requests.RequestException):
                session.get(server.url("api/status"), timeout=timeout)
            barrier.wait(timeout=timeout)
            started = time.perf_counter()
            try:
                response = session.post(server.url(path), json=body, timeout=timeout)
            except requests.RequestException as error:
                answers[index] = Answer(-1, time.perf_counter() - started, repr(error))
                return
            elapsed = time.perf_counter() - started
            try:
                content: Any = response.json()
            except ValueError:
                content = response.text
            answers[index] = Answer(response.status_code, elapsed, content)

    threads = [
        threading.Thread(target=one, args=(i, body), name=f"post-{i}", daemon=True)
        for i, body in enumerate(bodies)
    ]
    for thread in threads:
        thread.start()
    with during if during is not None else nullcontext():
        barrier.wait(timeout=timeout)
        began = time.perf_counter()
        for thread in threads:
            thread.join(timeout=timeout + 30)
        wall = time.perf_counter() - began
    return Burst(
        [a if a is not None else Answer(-1, wall, "no answer in time") for a in answers], wall
    )


# --- the event loop's responsiveness --------------------------------------------------


class StatusPoller:
    """Polls ``GET /api/status`` every ``interval`` seconds in a thread of its own and
    records each request's latency (a probe of the server's event loop)."""

    def __init__(self, server: Server, interval: float = 0.01) -> None:
        self.server = server
        self.interval = interval
        self.latencies: list[float] = []
        self.errors = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="status-poller", daemon=True)

    def _run(self) -> None:
        url = self.server.url("api/status")
        with self.server.session() as session:
            next_tick = time.perf_counter()
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    ok = session.get(url, timeout=10).status_code == 200
                except requests.RequestException:
                    ok = False
                elapsed = time.perf_counter() - started
                if ok:
                    self.latencies.append(elapsed)
                else:
                    self.errors += 1
                next_tick += self.interval
                pause = next_tick - time.perf_counter()
                if pause > 0:
                    self._stop.wait(pause)
                else:
                    next_tick = time.perf_counter()  # late: do not burst to catch up

    def __enter__(self) -> StatusPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
