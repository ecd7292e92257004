"""What a client can make the local backend read, hold and keep open, measured on a
backend in a process of its own (``python -m jupyter_sagerun.local``): its threads,
open files and peak memory (``/proc``, psutil). Bounded loops on loopback, no timing
assertions: counts, waited for with deadlines.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import psutil
import pytest

from jupyter_sagerun.core.polling import poll_until
from jupyter_sagerun.local.limits import (
    MAX_DATAZONE_BODY,
    MAX_DATAZONE_CONNECTIONS,
    MAX_S3_CONNECTIONS,
    model_body_bound,
)
from jupyter_sagerun.local.sigv4 import sign
from testkit.local import DOMAIN, PROJECT, REGION, Local

from .test_local_idle import Standalone

pytestmark = pytest.mark.timeout(180)
MIB = 1024 * 1024


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Standalone]:
    made = Standalone(tmp_path / "state", "--max-concurrent-runs=0")
    yield made
    made.kill()


def peak_rss(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def flood(endpoint: str, head: str, size: int) -> int:
    """Send ``head`` declaring a ``size``-byte body, then up to ``size`` bytes of it
    until the server answers or closes; how many body bytes it took."""
    where = urlparse(endpoint)
    sent = 0
    chunk = b"x" * MIB
    with socket.create_connection((where.hostname, where.port), timeout=30) as sock:
        sock.sendall(head.encode() + f"\r\nContent-Length: {size}\r\n\r\n".encode())
        with contextlib.suppress(OSError):
            while sent < size:
                sock.sendall(chunk[: size - sent])
                sent += min(len(chunk), size - sent)
    return sent


def test_unsigned_big_bodies_are_refused_before_they_are_read(backend: Standalone) -> None:
    """2 x 300 MB unsigned S3 PUTs and 4 x 95 MB unsigned DataZone requests: the backend
    answers from the headers; its peak memory moves by a few MB, not hundreds."""
    pid = backend.process.pid
    local = backend.local
    local.dz.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    before = peak_rss(pid)
    s3_host = urlparse(local.s3_endpoint_url).netloc
    dz_host = urlparse(local.endpoint_url).netloc
    taken = []
    for n in range(2):
        head = f"PUT /sagerun-local/staging/flood{n} HTTP/1.1\r\nHost: {s3_host}"
        taken.append(flood(local.s3_endpoint_url, head, 300 * MIB))
    for _ in range(4):
        head = (
            f"POST /v2/domains/{DOMAIN}/notebooks HTTP/1.1\r\nHost: {dz_host}\r\n"
            "Content-Type: application/json"
        )
        taken.append(flood(local.endpoint_url, head, 95 * MIB))
    grown = peak_rss(pid) - before
    assert grown < 48 * MIB, f"peak memory grew by {grown // MIB} MiB ({taken})"
    # Still serving, and nothing was stored.
    assert local.s3.list_objects_v2(Bucket="sagerun-local").get("KeyCount") == 0


def test_the_datazone_body_limit_holds_the_largest_request_the_model_allows() -> None:
    bound = model_body_bound()
    assert 100_000 < bound < MAX_DATAZONE_BODY, bound


def test_a_signed_datazone_body_past_the_limit_is_413_before_it_is_sent(
    backend: Standalone,
) -> None:
    """Headers signed by the backend's key, declaring a body past the limit: the answer
    comes before a byte of it is sent."""
    local = backend.local
    body = json.dumps({"name": "big.ipynb", "description": "x" * MAX_DATAZONE_BODY}).encode()
    path = f"/v2/domains/{DOMAIN}/notebooks?owningProjectIdentifier={PROJECT}"
    headers = sign(
        "POST",
        local.endpoint_url + path,
        local.credentials,
        REGION,
        body=body,
        headers={"Content-Type": "application/json"},
    )
    where = urlparse(local.endpoint_url)
    head = f"POST {path} HTTP/1.1\r\nHost: {where.netloc}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    with socket.create_connection((where.hostname, where.port), timeout=30) as sock:
        sock.sendall(head.encode())
        answer = b""
        while b"}" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    text = answer.decode()
    assert text.startswith("HTTP/1.1 413"), text
    assert "x-amzn-errortype: ValidationException" in text.lower().replace(
        "validationexception", "ValidationException"
    )
    assert str(MAX_DATAZONE_BODY) in text


def _idle_connections(endpoint: str, count: int) -> list[socket.socket]:
    """``count`` connections that send half a request line and then nothing."""
    where = urlparse(endpoint)
    opened = []
    for _ in range(count):
        sock = socket.create_connection((where.hostname, where.port), timeout=10)
        with contextlib.suppress(OSError):
            sock.sendall(b"GET /sagerun-")
        opened.append(sock)
    return opened


def _closed_by_server(opened: list[socket.socket]) -> int:
    closed = 0
    for sock in opened:
        try:
            closed += sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    return closed


def _settles(measure: Callable[[], int], at_most: int, timeout: float = 60) -> int:
    """The measure once it is at most ``at_most`` (or its last value at the deadline)."""
    last: list[int] = []

    def probe() -> bool | None:
        last[:] = [measure()]
        return True if last[0] <= at_most else None

    poll_until(probe, timeout=timeout, interval=0.2)
    return last[0]


@pytest.mark.parametrize("port", ["s3", "datazone"])
def test_idle_half_open_connections_are_bounded_and_closed(backend: Standalone, port: str) -> None:
    """200 connections that never finish a request: the S3 port (a thread each) keeps
    at most MAX_S3_CONNECTIONS threads for them, the DataZone port at most
    MAX_DATAZONE_CONNECTIONS sockets, the others closed at once; all are closed
    after the idle timeout, and signed requests are served again."""
    process = psutil.Process(backend.process.pid)
    local: Local = backend.local
    local.s3.list_objects_v2(Bucket="sagerun-local")
    s3 = port == "s3"
    measure = process.num_threads if s3 else process.num_fds
    base = measure()
    bound = MAX_S3_CONNECTIONS if s3 else MAX_DATAZONE_CONNECTIONS
    opened = _idle_connections(local.s3_endpoint_url if s3 else local.endpoint_url, 200)
    try:
        # Every connection is accounted for: held (a thread, a socket) or closed.
        held: list[int] = []

        def accounted() -> bool | None:
            held[:] = [measure() - base]
            return True if held[0] + _closed_by_server(opened) >= len(opened) else None

        poll_until(accounted, timeout=20, interval=0.1)
        assert held[0] <= bound + 2, f"{held[0]} held for {len(opened)} idle connections"
        assert _closed_by_server(opened) >= len(opened) - bound - 2
        # Then the server closes the rest, silent as they are.
        settled = _settles(measure, base + 4)
        assert settled <= base + 4, settled
        assert _closed_by_server(opened) == len(opened)
    finally:
        for sock in opened:
            sock.close()
    local.s3.list_objects_v2(Bucket="sagerun-local")
    local.dz.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
