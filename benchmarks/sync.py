"""What a run of a large workspace notebook uploads, and how long its start takes.

A ~20 MB notebook (code cells with large, seeded pseudo-random outputs) is run through
``POST sagerun/runs {"path": ...}``: first run (upload + import), an unchanged second
run, a run after an edit (upload + sync), and an unchanged run after that. Bytes
uploaded are counted on the S3 side, not by trusting our code: versioning is turned on
for the staging bucket of the local S3 and every object version that appears under the
staging prefix during a run is summed. The backend's own request counters say which
DataZone operations each run caused. ``GET /api/status`` is polled meanwhile, to show
what the upload does to the server's responsiveness.
Target: the unchanged second run uploads nothing (0 bytes).
"""

from __future__ import annotations

import base64
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
from _cli import benchmark_parser

from testkit.clients import StatusPoller, client_token, start_run
from testkit.server import Server, jupyter_server
from testkit.stats import machine_line, summary_ms, verdict

NOTEBOOK = "big/large-notebook.ipynb"


def build_notebook(path: Path, megabytes: float, seed: int) -> int:
    """A valid nbformat 4 notebook of about ``megabytes`` MB; its size in bytes."""
    import nbformat

    rng = random.Random(seed)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(nbformat.v4.new_markdown_cell("# A large notebook for the sync benchmark"))
    per_cell = 384 * 1024  # random bytes per output: 512 KiB of base64 text
    target = megabytes * 1_000_000
    cells = 0
    size = 0
    for _ in range(3):  # size it from the serialized result (JSON escapes, indentation)
        wanted = max(1, cells + round((target - size) / (size / cells)) if cells else 1)
        while cells < wanted:
            text = base64.b64encode(rng.randbytes(per_cell)).decode("ascii")
            lines = [text[i : i + 76] + "\n" for i in range(0, len(text), 76)]
            cell = nbformat.v4.new_code_cell(f"print(blob_{cells})", execution_count=cells + 1)
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="".join(lines))]
            nb.cells.append(cell)
            cells += 1
        size = len(nbformat.writes(nb).encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path.stat().st_size


def edit_notebook(path: Path) -> int:
    """Change one cell's source (the outputs, most of the bytes, stay as they are)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += f"\n\nEdited at {time.time():.0f}."
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path.stat().st_size


def versions(s3: Any, bucket: str, prefix: str) -> dict[tuple[str, str], int]:
    """(key, versionId) → size of every object version under ``prefix``."""
    found: dict[tuple[str, str], int] = {}
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Versions", []):
            found[(item["Key"], item["VersionId"])] = int(item["Size"])
    return found


def measure(
    server: Server, s3: Any, bucket: str, prefix: str, label: str, interval: float
) -> dict[str, Any]:
    before = versions(s3, bucket, prefix)
    counts_before = Counter(server.local_control("GET", "/_local/requests")["counts"])
    with server.session() as session, StatusPoller(server, interval) as poller:
        started = time.perf_counter()
        run = start_run(session, server, {"path": NOTEBOOK, "clientToken": client_token()})
        elapsed = time.perf_counter() - started
    after = versions(s3, bucket, prefix)
    counts = Counter(server.local_control("GET", "/_local/requests")["counts"])
    new = {key: size for key, size in after.items() if key not in before}
    calls = counts - counts_before
    status = summary_ms(poller.latencies) if poller.latencies else None
    return {
        "label": label,
        "seconds": elapsed,
        "objects": len(new),
        "bytes": sum(new.values()),
        "notebookId": run["notebookId"],
        "runStatus": run["status"],
        "calls": ", ".join(f"{op} x{n}" for op, n in sorted(calls.items())),
        "status": status,
    }


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--megabytes", type=float, default=20.0, help="notebook size, MB")
    parser.add_argument("--seed", type=int, default=0, help="seed of the notebook's outputs")
    parser.add_argument("--interval", type=float, default=0.02, help="status poll interval, s")
    args = parser.parse_args(argv)

    print(f"machine: {machine_line()}")
    with jupyter_server(backend=args.backend, max_concurrent_runs=0) as server:
        size = build_notebook(server.root / NOTEBOOK, args.megabytes, args.seed)
        print(f"notebook {NOTEBOOK}: {size:,} bytes ({size / 1e6:.1f} MB)")
        s3 = server.s3()
        staging = server.context()["stagingS3Uri"]  # s3://bucket/prefix/
        bucket, _, prefix = staging[len("s3://") :].partition("/")
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        results = [measure(server, s3, bucket, prefix, "1 first run", args.interval)]
        results.append(measure(server, s3, bucket, prefix, "2 unchanged", args.interval))
        edited = edit_notebook(server.root / NOTEBOOK)
        results.append(measure(server, s3, bucket, prefix, "3 after an edit", args.interval))
        results.append(measure(server, s3, bucket, prefix, "4 unchanged again", args.interval))

    print(f"{'run':<20} {'uploaded bytes':>15} {'objects':>7} {'time s':>7}  {'status max ms':>13}")
    for r in results:
        worst = f"{r['status']['max']:.0f}" if r["status"] else "-"
        print(
            f"{r['label']:<20} {r['bytes']:>15,} {r['objects']:>7} {r['seconds']:>7.2f}  "
            f"{worst:>13}   notebook {r['notebookId']}, run {r['runStatus']}"
        )
        print(f"{'':<20} backend calls: {r['calls']}")
    print(f"(the edited notebook is {edited:,} bytes)")
    same = len({r["notebookId"] for r in results}) == 1
    print(f"one SMUS notebook for all four runs: {'yes' if same else 'no'}")
    print(f"machine after: {machine_line()}")
    second = results[1]["bytes"]
    print(f"target: second run uploads 0 bytes: {verdict(second == 0)} ({second:,} bytes)")
    # A missed target is a failing exit, so that run_all.py reports it as missed.
    return 0 if second == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
