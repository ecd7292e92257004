"""Run every benchmark, one after the other, and repeat their verdicts at the end.

Each one runs as its own process (``python benchmarks/<name>.py``) with its defaults,
so a server one of them starts cannot outlive it; for other settings run a script on
its own (each has ``--help``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "overhead",
    "overhead-50ms",
    "event_loop",
    "load",
    "sync",
    "packages",
    "footprint",
    "bundle",
    "vs_papermill",
    "peers",
    "history",
    "panel",
    "schedule_latency",
)
#: Runs of a script with other settings, by the name they are listed under.
VARIANTS = {"overhead-50ms": ("overhead", ["--simulated-latency-ms", "50"])}


def table_row(name: str, stdout: str, returncode: int) -> str:
    """One markdown row from a script's output: the date and load of its first
    ``machine:`` line, its figures (the lines that are neither that nor a verdict),
    and met or missed by its exit code."""
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    machine = next((line for line in lines if line.startswith("machine:")), "")
    date, _, load = machine.removeprefix("machine:").strip().partition("  cpus=")
    load = load.partition("load average (1/5/15 min): ")[2]
    figures = [line for line in lines if not line.startswith(("machine", "target"))]
    verdict = "met" if returncode == 0 else f"**missed** (exit {returncode})"
    cells = (f"`{name}`", date or "?", load or "?", "; ".join(figures), verdict)
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"which to run (default: all of {', '.join(BENCHMARKS)})",
    )
    parser.add_argument(
        "--prod-bundle",
        action="store_true",
        help="bundle: measure a fresh production build made in a temporary copy "
        "(bundle.py --build-in-tmp) instead of the checkout's labextension",
    )
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    verdicts: list[str] = []
    failed: list[str] = []
    rows: list[str] = []
    for name in names:
        script, extra = VARIANTS.get(name, (name, []))
        command = [sys.executable, str(HERE / f"{script}.py"), *extra]
        if name == "bundle" and args.prod_bundle:
            command.append("--build-in-tmp")
        print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        try:
            done = subprocess.run(
                command, stdout=subprocess.PIPE, stderr=None, text=True, check=False
            )
        except KeyboardInterrupt:
            print("interrupted")
            return 130
        print(done.stdout, end="", flush=True)
        print(f"=== {name}: exit {done.returncode} in {time.perf_counter() - started:.0f} s")
        if done.returncode != 0:  # it failed to run, or missed a target: it says which
            failed.append(name)
        rows.append(table_row(" ".join([f"{script}.py", *extra]), done.stdout, done.returncode))
        verdicts += [
            f"{name}: {line.strip()}"
            for line in done.stdout.splitlines()
            if line.startswith(("target", "total, current build", "this looks like"))
        ]

    print("\n=== summary")
    for line in verdicts:
        print(line)
    if failed:
        print(f"failed or missed a target: {', '.join(failed)}")
    print("\n=== for README's performance table")
    print("| script | date | load | figures | target |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(row)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
