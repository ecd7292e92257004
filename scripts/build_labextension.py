"""Build the labextension against JupyterLab's oldest supported core, whatever Lab runs it.

The shared-module ranges of the bundle (``requiredVersion`` of every ``@jupyterlab/*``
package) come from the *core* the builder is given, not from our package.json: the
core's ``resolutions`` (``~4.4.0``) become ``^4.4.0``. JupyterLab 4.6's own
``jupyter labextension build`` uses 4.6's core and would make the bundle refuse 4.4 and
4.5 (the SageMaker Unified Studio images). So every build, dev or release, is given the
core of ``CORE_VERSION`` explicitly: taken from the installed JupyterLab when it is that
version (the wheel's build environment pins it), else extracted once from that
JupyterLab's wheel into ``build/jupyterlab-core/`` (git-ignored).

Usage: python3 scripts/build_labextension.py [--development]  (jlpm build / build:prod run it)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from wheel_members import wheel_members

# The oldest JupyterLab the extension supports; pyproject's [build-system] pins the same.
CORE_VERSION = "4.4.0"
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "jupyterlab-core" / CORE_VERSION


def _installed_core() -> Path | None:
    try:
        import jupyterlab
    except ImportError:
        return None
    staging = Path(jupyterlab.__file__).parent / "staging"
    if jupyterlab.__version__ != CORE_VERSION or not (staging / "package.json").exists():
        return None
    return staging


def _downloaded_core() -> Path:
    core = CACHE / "package.json"
    if core.exists():
        return CACHE
    member = "jupyterlab/staging/package.json"
    data = wheel_members("jupyterlab", CORE_VERSION, lambda name: name == member)[member]
    json.loads(data)  # a truncated download must not become the core
    CACHE.mkdir(parents=True, exist_ok=True)
    core.write_bytes(data)
    return CACHE


def main(argv: list[str]) -> int:
    core_dir = _installed_core() or _downloaded_core()
    jupyter = shutil.which("jupyter")
    if jupyter is None:
        print("jupyter is not on PATH: install jupyterlab first", file=sys.stderr)
        return 1
    # --core-path: JupyterLab 4.4 and 4.5 know it; 4.6 still accepts it (deprecated).
    command = [jupyter, "labextension", "build", "--core-path", str(core_dir)]
    if "--development" in argv:
        command += ["--development", "True"]
    return subprocess.run([*command, str(ROOT)], check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
