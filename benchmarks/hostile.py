"""The local backend under floods from a client without its key: memory and threads.

Starts ``python -m jupyter_sagerun.local`` (from this checkout, or from ``--source``,
e.g. an older revision unpacked with ``git archive REV | tar -x -C DIR``) on a fresh
state directory, on loopback, and measures the backend process (``/proc``, psutil):

  big bodies   2 unsigned S3 PUTs declaring 300 MB each, then 4 unsigned DataZone
               POSTs declaring 95 MB each: the client sends until the server answers
               or closes. Printed: RSS before, peak RSS (VmHWM) after, RSS after, and
               the bytes the server let the client send.
  idle         200 connections to the S3 port that send half a request line and then
               nothing: the most threads the backend held for them, and the seconds
               until it held none (the idle timeout), polled every 0.2 s.

Bounded loops, loopback only; the backend is killed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import _checkout  # noqa: F401  (puts the checkout on sys.path)
import psutil

from jupyter_sagerun.local.discovery import read_info

MIB = 1024 * 1024
REPO = Path(__file__).resolve().parent.parent


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _mib(pid: int, field: str) -> float:
    return _status_kib(pid, field) / 1024


def _start(source: Path, state: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    log = open(state.parent / "backend.log", "wb")  # noqa: SIM115 (lives with the child)
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_sagerun.local", "--quiet", f"--state-dir={state}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(source)},
        start_new_session=True,
        cwd=source,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        info = read_info(state)
        if info is not None and info.pid == process.pid:
            return process, info.endpoint_url, info.s3_endpoint_url
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit(f"the backend did not start; see {state.parent / 'backend.log'}")


def _flood(endpoint: str, head: str, size: int) -> int:
    where = urlparse(endpoint)
    sent = 0
    chunk = b"x" * MIB
    with socket.create_connection((where.hostname, where.port), timeout=30) as sock:
        sock.sendall(f"{head}\r\nHost: {where.netloc}\r\nContent-Length: {size}\r\n\r\n".encode())
        with contextlib.suppress(OSError):
            while sent < size:
                sock.sendall(chunk[: size - sent])
                sent += min(len(chunk), size - sent)
    return sent


def big_bodies(pid: int, dz: str, s3: str) -> None:
    before = _mib(pid, "VmRSS")
    sent = 0
    for n in range(2):
        sent += _flood(s3, f"PUT /sagerun-local/staging/flood{n} HTTP/1.1", 300 * MIB)
    for _ in range(4):
        sent += _flood(dz, "POST /v2/domains/dzd_local/notebooks HTTP/1.1", 95 * MIB)
    time.sleep(1)  # let the server finish with the last one before reading RSS
    print(
        f"big bodies: RSS {before:.0f} MiB before, peak {_mib(pid, 'VmHWM'):.0f} MiB, "
        f"{_mib(pid, 'VmRSS'):.0f} MiB after; the server took {sent // MIB} MiB of "
        f"{(2 * 300 + 4 * 95)} MiB declared"
    )


def idle_connections(pid: int, s3: str, count: int = 200, limit: float = 60.0) -> None:
    process = psutil.Process(pid)
    base = process.num_threads()
    where = urlparse(s3)
    opened = []
    for _ in range(count):
        sock = socket.create_connection((where.hostname, where.port), timeout=10)
        with contextlib.suppress(OSError):
            sock.sendall(b"GET /sagerun-")
        opened.append(sock)
    began = time.monotonic()
    most = 0
    released = None
    while time.monotonic() - began < limit:
        held = process.num_threads() - base
        most = max(most, held)
        if held <= 0 and time.monotonic() - began > 1:
            released = time.monotonic() - began
            break
        time.sleep(0.2)
    for sock in opened:
        sock.close()
    after = "never" if released is None else f"{released:.1f} s"
    print(
        f"idle: {count} half-open S3 connections held at most {most} threads; "
        f"none held after {after} (RSS {_mib(pid, 'VmRSS'):.0f} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=REPO, help="the source tree to run")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sagerun-hostile-"))
    process, dz, s3 = _start(args.source.resolve(), tmp / "state")
    try:
        print(f"backend from {args.source}: RSS {_mib(process.pid, 'VmRSS'):.0f} MiB at start")
        big_bodies(process.pid, dz, s3)
        idle_connections(process.pid, s3)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


if __name__ == "__main__":
    main()
