"""The runs panel as history grows: its first page in the browser and its polling, with
10 and with 10,000 ended runs in the local backend's history.

History is seeded as benchmarks/history.py seeds it (ended runs written through the
backend's own store). At each size JupyterLab, with the extension on that backend, is
opened ``--loads`` (3) times in Chromium (Playwright, from ui-tests/node_modules, with
ui-tests/playwright.config.js's launch options; benchmarks/panel_browser.js) and the
runs panel shown: (a) the time from the list response's arrival (or the panel's
showing, if later) to the first page of rows rendered, median; (b) after the last
load, the sagerun/ requests the page makes over ``--window`` seconds (60), per
minute. Targets (goal "flat as history grows"): (a) under 500 ms at 10,000 runs;
(b) as many requests per minute at 10,000 ended runs as at 10.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from pathlib import Path

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
from _cli import benchmark_parser
from history import seed

from jupyter_sagerun.local.store import Store
from testkit.clients import client_token, start_run, write_notebook
from testkit.server import Server, jupyter_server
from testkit.stats import machine_line, verdict

HERE = Path(__file__).resolve().parent
NOTEBOOK = "panel.ipynb"
SIZES = (10, 10_000)
RENDER_TARGET_MS = 500.0
ENDED = ("SUCCEEDED", "FAILED", "STOPPED")


def ended_run(server: Server) -> str:
    """A run of NOTEBOOK that has ended: the template of the seeded history."""
    with server.session() as session:
        run = start_run(session, server, {"path": NOTEBOOK, "clientToken": client_token()})
        give_up = time.monotonic() + 300
        while time.monotonic() < give_up:
            got = session.get(server.url(f"sagerun/runs/{run['id']}"), timeout=60)
            got.raise_for_status()
            if got.json()["status"] in ENDED:
                return str(run["id"])
            time.sleep(0.5)
    raise RuntimeError(f"run {run['id']} did not end in 300 s")


def browse(server: Server, loads: int, window: float) -> dict[str, object]:
    """panel_browser.js's figures for the server's JupyterLab."""
    url = server.url(f"lab?token={server.token}")
    chromium = os.environ.get("SAGERUN_CHROMIUM", "/usr/bin/chromium")
    done = subprocess.run(
        ["node", str(HERE / "panel_browser.js"), url, str(loads), str(window)],
        env={**os.environ, "SAGERUN_CHROMIUM": chromium},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        timeout=600 + loads * 180 + window,
    )
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def report(
    size: int,
    figures: dict[str, object],
    args: Namespace,
    render: dict[int, float],
    per_minute: dict[int, float],
) -> None:
    """Print one size's figures and keep its medians."""
    times = [float(t) for t in figures["renderMs"]]  # type: ignore[attr-defined]
    page = [float(t) for t in figures["pageMs"]]  # type: ignore[attr-defined]
    requests: dict[str, int] = figures["requests"]  # type: ignore[assignment]
    render[size] = statistics.median(times)
    per_minute[size] = sum(requests.values()) * 60.0 / args.window
    shown = ", ".join(f"{t:.0f}" for t in times)
    print(
        f"{size:>6} ended runs: first page ({figures['rows']} rows) rendered "
        f"{render[size]:.0f} ms after the list response (median of n={args.loads}: "
        f"{shown} ms; rows settled after {statistics.median(page):.0f} ms); "
        f"{per_minute[size]:.1f} sagerun/ requests per minute over {args.window:.0f} s "
        f"{json.dumps(requests, sort_keys=True)}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--loads", type=int, default=3, help="page loads per size")
    parser.add_argument(
        "--window",
        type=float,
        default=60.0,
        help="seconds over which the panel's requests are counted (default 60)",
    )
    args = parser.parse_args(argv)
    print(f"machine: {machine_line()}")
    render: dict[int, float] = {}
    per_minute: dict[int, float] = {}
    # The running backend does not see runs written into its store behind its back, so
    # history is seeded while it is stopped and the server started again on that state.
    tmp = Path(tempfile.mkdtemp(prefix="sagerun-bench-panel-"))
    try:
        # One runner: the template run must end (a QUEUED run would be polled, rightly).
        with jupyter_server(backend=args.backend, max_concurrent_runs=1, tmp=tmp) as stopped:
            write_notebook(stopped.root / NOTEBOOK)
            first = ended_run(stopped)
        store = Store(stopped.backend_state / "local.sqlite3")
        template = store.get("runs", first)
        store.close()
        assert template is not None
        for size in SIZES:
            seed(stopped, template, size)  # (it only writes into the stopped one's store)
            # window.jupyterapp: the app the browser half drives.
            lab = ["--LabApp.expose_app_in_browser=True"]
            with jupyter_server(
                backend=args.backend, max_concurrent_runs=1, tmp=tmp, extra_args=lab
            ) as server:
                figures = browse(server, args.loads, args.window)
            report(size, figures, args, render, per_minute)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"machine after: {machine_line()}")
    big, small = SIZES[-1], SIZES[0]
    render_met = render[big] < RENDER_TARGET_MS
    print(
        f"target first page at {big} runs < {RENDER_TARGET_MS:.0f} ms after the response: "
        f"{verdict(render_met)} ({render[big]:.0f} ms)"
    )
    polling_met = per_minute[big] <= per_minute[small]
    print(
        f"target requests per minute at {big} ended runs <= at {small}: "
        f"{verdict(polling_met)} ({per_minute[big]:.1f} vs {per_minute[small]:.1f})"
    )
    return 0 if render_met and polling_met else 1


if __name__ == "__main__":
    sys.exit(main())
