"""Prove the botocore floor of pyproject.toml: the lowest release that can use our model.

jupyter_sagerun ships DataZone's model (``jupyter_sagerun/aws/botocore_data``), so botocore's
own DataZone need not know the notebook operations; what botocore must do is load that
model and resolve DataZone's endpoints from its endpoint rule set, which botocore
understands from 1.29.0 on (1.28.x sends DataZone calls to ``datazone.<region>.
amazonaws.com``, a host that does not exist). This script runs scripts/botocore_probe.py
in a throw-away virtual environment holding only the floor's botocore, which must pass,
and another holding the release just below it, which must fail.

Usage: python scripts/check_botocore_floor.py   (needs uv, from the dev extra)
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "jupyter_sagerun" / "aws" / "botocore_data"
PROBE = ROOT / "scripts" / "botocore_probe.py"
# The last release before the floor (botocore 1.28.5 has no endpoint rule sets).
BELOW_FLOOR = "1.28.5"


def declared_floor() -> str:
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'"botocore>=([0-9.]+)"', text)
    if match is None:
        raise SystemExit("pyproject.toml declares no botocore floor")
    return match.group(1)


def probe(version: str, work: Path, uv: str) -> bool:
    venv = work / f"botocore-{version}"
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], **quiet)
    python = venv / "bin" / "python"
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(python), f"botocore=={version}"], **quiet
    )
    return subprocess.run([str(python), str(PROBE), str(DATA)], check=False).returncode == 0


def main() -> int:
    try:
        from uv import find_uv_bin
    except ImportError:
        print("uv is missing: run scripts/setup.sh", file=sys.stderr)
        return 1
    uv = find_uv_bin()
    floor = declared_floor()
    with tempfile.TemporaryDirectory() as tmp:
        at_floor = probe(floor, Path(tmp), uv)
        below = probe(BELOW_FLOOR, Path(tmp), uv)
    if not at_floor:
        print(f"botocore {floor}, the floor, cannot use the shipped model", file=sys.stderr)
        return 1
    if below:
        print(f"botocore {BELOW_FLOOR} works too: lower the floor", file=sys.stderr)
        return 1
    print(f"botocore floor {floor} holds ({BELOW_FLOOR} fails)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
