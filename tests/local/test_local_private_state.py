"""Everything under the state directory is its owner's alone, package environments
(their uv cache, their locks, the builds' log) included: after a run with packages,
not one file or folder has a group or other bit. Under a umask of 022, as on most
machines, so that nothing private comes from the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.local import DOMAIN, Local
from testkit.notebooks import notebook_bytes
from testkit.wheelkit import make_wheel

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def open_to_others(root: Path) -> list[str]:
    """Every path under ``root`` (root too) with a group or other bit, symlinks aside."""
    found = []
    for folder, dirs, files in os.walk(root):
        for name in [".", *dirs, *files]:
            path = Path(folder) / name
            mode = path.lstat().st_mode
            if not stat.S_ISLNK(mode) and mode & 0o077:
                found.append(f"{oct(stat.S_IMODE(mode))} {path.relative_to(root)}")
    return found


def test_no_file_of_the_state_is_open_to_others_after_a_run_with_packages(
    usual_umask: None, make_local: object, tmp_path: Path
) -> None:
    local: Local = make_local()  # type: ignore[operator]
    wheel = make_wheel(tmp_path / "wheels", "sagerun_probe_pkg", "VALUE = 'private'\n")
    notebook_id = local.import_notebook(notebook_bytes("import sagerun_probe_pkg"))
    local.dz.update_notebook(
        domainIdentifier=DOMAIN,
        identifier=notebook_id,
        environmentConfiguration={
            "packageConfig": {"packageManager": "UV", "packageSpecification": f"{wheel}\n"}
        },
    )
    done = local.wait_run(local.start_run(notebook_id)["id"], timeout=150)
    assert done["status"] == "SUCCEEDED", done.get("error")
    environments = local.state_dir / "environments"
    assert any(environments.glob("*.lock")) and (environments / ".uv-cache").is_dir()
    found = open_to_others(local.state_dir)
    assert not found, "\n".join(found[:40])
