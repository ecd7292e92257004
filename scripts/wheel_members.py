"""Files out of one release's wheel from the package index, by pip (no dependencies,
nothing installed): how the scripts read a pinned release's data (JupyterLab's core
package.json, botocore's DataZone model) without installing that release."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path


def wheel_members(project: str, version: str, wanted: Callable[[str], bool]) -> dict[str, bytes]:
    """``{member name: bytes}`` of the members of ``project==version``'s wheel that
    ``wanted`` accepts."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                tmp,
                f"{project}=={version}",
            ],
            check=True,
        )
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            return {name: archive.read(name) for name in archive.namelist() if wanted(name)}
