"""Copy DataZone's and EventBridge Scheduler's service models out of a pinned botocore
release into our package.

jupyter_sagerun ships the model it is written against (``jupyter_sagerun/aws/botocore_data``,
package data), so it behaves the same on every botocore it supports: SageMaker
Distribution 3.9.10 pins botocore 1.37.3, whose DataZone has no notebook operation.
The files are botocore's own, byte for byte, with botocore's licence and notice.

Usage:
  python scripts/refresh_model.py           # write the files of BOTOCORE_VERSION
  python scripts/refresh_model.py --check   # exit 1 when the shipped files differ (CI)
"""

from __future__ import annotations

import sys
from pathlib import Path

from wheel_members import wheel_members

# Raise it to follow DataZone's API; then run this script and the tests.
BOTOCORE_VERSION = "1.44.8"
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "jupyter_sagerun" / "aws" / "botocore_data"
# The services whose models we ship, each under its own folder of DATA.
SERVICES = ("datazone", "scheduler")
LEGAL = {"LICENSE.txt", "NOTICE"}


def _wanted(name: str) -> str | None:
    """Where a member of botocore's wheel goes under DATA, or None to leave it."""
    for service in SERVICES:
        prefix = f"botocore/data/{service}/"
        if name.startswith(prefix) and not name.endswith("/"):
            return f"{service}/" + name[len(prefix) :]
    top, _, base = name.partition("/")
    if top == f"botocore-{BOTOCORE_VERSION}.dist-info" and base in LEGAL:
        return f"botocore-{base}"
    return None


def expected_files() -> dict[str, bytes]:
    """The files DATA must hold, read from the pinned botocore's wheel."""
    members = wheel_members("botocore", BOTOCORE_VERSION, lambda name: _wanted(name) is not None)
    files = {str(_wanted(name)): data for name, data in members.items()}
    files["BOTOCORE_VERSION"] = f"{BOTOCORE_VERSION}\n".encode()
    return files


def shipped_files() -> dict[str, bytes]:
    return {
        path.relative_to(DATA).as_posix(): path.read_bytes()
        for path in sorted(DATA.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def main(argv: list[str]) -> int:
    expected = expected_files()
    if "--check" in argv:
        shipped = shipped_files()
        stale = sorted(
            name
            for name in expected.keys() | shipped.keys()
            if expected.get(name) != shipped.get(name)
        )
        if stale:
            print(
                f"jupyter_sagerun/aws/botocore_data differs from botocore {BOTOCORE_VERSION}: "
                f"{', '.join(stale)}; run python scripts/refresh_model.py",
                file=sys.stderr,
            )
            return 1
        print(f"shipped DataZone and Scheduler models are botocore {BOTOCORE_VERSION}'s")
        return 0
    for path in DATA.rglob("*"):
        if path.is_file():
            path.unlink()
    for name, data in expected.items():
        target = DATA / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"wrote {len(expected)} files of botocore {BOTOCORE_VERSION} to {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
