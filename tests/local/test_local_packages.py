"""A run's packages on the local backend: UpdateNotebook's environmentConfiguration,
uv environments per specification, cached, built once, failures named. No network:
the packages are wheels written by the test."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from testkit.local import DOMAIN, Local
from testkit.notebooks import cell_text, notebook_bytes
from testkit.wheelkit import make_wheel

IMPORTS_IT = "import sagerun_probe_pkg, sys\nprint('probe', sagerun_probe_pkg.VALUE, sys.prefix)"
TRIES_IT = """
try:
    import sagerun_probe_pkg
    print('probe visible')
except ImportError:
    print('probe absent')
"""


def _wheel(tmp_path: Path, name: str = "sagerun_probe_pkg", **kwargs: Any) -> Path:
    return make_wheel(tmp_path / "wheels", name, "VALUE = 'from-the-wheel'\n", **kwargs)


def _configure(local: Local, notebook_id: str, specification: str, **extra: Any) -> Any:
    return local.dz.update_notebook(
        domainIdentifier=DOMAIN,
        identifier=notebook_id,
        environmentConfiguration={
            "packageConfig": {"packageManager": "UV", "packageSpecification": specification},
            **extra,
        },
    )


def _builds(local: Local) -> list[str]:
    log = local.state_dir / "environments" / "builds.log"
    return log.read_text().splitlines() if log.exists() else []


def test_a_wheel_in_the_specification_is_imported_and_a_run_without_it_does_not_see_it(
    local: Local, tmp_path: Path
) -> None:
    wheel = _wheel(tmp_path)
    with_it = local.import_notebook(notebook_bytes(IMPORTS_IT))
    answer = _configure(local, with_it, f"# the probe\n{wheel}\n", imageVersion="2.9")
    assert answer["environmentConfiguration"]["imageVersion"] == "2.9"
    got = local.dz.get_notebook(domainIdentifier=DOMAIN, identifier=with_it)
    assert got["environmentConfiguration"]["packageConfig"]["packageSpecification"].endswith(
        f"{wheel}\n"
    )

    run = local.start_run(with_it)
    # The run reports the configuration it runs with, from the start.
    assert run["environmentConfiguration"]["packageConfig"]["packageManager"] == "UV"
    done = local.wait_run(run["id"], timeout=120)
    assert done["status"] == "SUCCEEDED", done.get("error")
    text = cell_text(local.output(run["id"]))
    assert "probe from-the-wheel" in text
    # The kernel ran from the environment's interpreter, under the state directory.
    assert str(local.state_dir / "environments") in text
    assert done["environmentConfiguration"] == got["environmentConfiguration"]

    without = local.import_notebook(notebook_bytes(TRIES_IT))
    plain = local.wait_run(local.start_run(without)["id"])
    assert plain["status"] == "SUCCEEDED", plain.get("error")
    assert "probe absent" in cell_text(local.output(plain["id"]))
    assert "environmentConfiguration" not in plain
    assert len(_builds(local)) == 1


def test_the_same_specification_is_built_once_even_for_concurrent_runs(
    make_local: Callable[..., Local], tmp_path: Path
) -> None:
    local = make_local(max_concurrent_runs=2)
    spec = f"{_wheel(tmp_path)}\n"
    first, second = (local.import_notebook(notebook_bytes(IMPORTS_IT)) for _ in range(2))
    for notebook_id in (first, second):
        _configure(local, notebook_id, spec)
    runs: list[dict[str, Any]] = []
    starters = [
        threading.Thread(target=lambda n=n: runs.append(local.start_run(n)))
        for n in (first, second)
    ]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join()
    for run in runs:
        done = local.wait_run(run["id"], timeout=120)
        assert done["status"] == "SUCCEEDED", done.get("error")
    assert len(_builds(local)) == 1

    # Again, later: the cached environment is used, nothing is built.
    again = local.wait_run(local.start_run(first)["id"], timeout=60)
    assert again["status"] == "SUCCEEDED", again.get("error")
    assert "probe from-the-wheel" in cell_text(local.output(again["id"]))
    assert len(_builds(local)) == 1


def test_a_specification_that_cannot_be_installed_fails_the_run_naming_the_package(
    local: Local, tmp_path: Path
) -> None:
    # Its dependency exists nowhere on this machine, and no index is asked.
    wheel = _wheel(tmp_path, "sagerun_needy_pkg", requires=["sagerun-missing-dep>=1"])
    notebook_id = local.import_notebook(notebook_bytes("print('never runs')"))
    _configure(local, notebook_id, str(wheel))
    run = local.start_run(notebook_id, parameters={"secret": "canary-b1d2"})
    done = local.wait_run(run["id"], timeout=120)
    assert done["status"] == "FAILED"
    message = done["error"]["message"]
    assert message.startswith("Installing the run's packages failed")
    assert "sagerun-missing-dep" in message
    assert "canary-b1d2" not in message
    assert _builds(local) == []
    # Nothing half-built is left to be taken for ready.
    assert not [
        p
        for p in (local.state_dir / "environments").iterdir()
        if p.is_dir() and (p / "ready").exists()
    ]


def test_a_run_keeps_the_packages_it_was_started_with(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    _configure(paused, notebook_id, "one==1")
    first = paused.start_run(notebook_id)
    _configure(paused, notebook_id, "two==2")
    second = paused.start_run(notebook_id)
    spec = lambda run: run["environmentConfiguration"]["packageConfig"]["packageSpecification"]  # noqa: E731
    assert spec(paused.get_run(first["id"])) == "one==1"
    assert spec(paused.get_run(second["id"])) == "two==2"


def test_environments_beyond_the_maximum_are_evicted_least_recently_used_first(
    make_local: Callable[..., Local], tmp_path: Path
) -> None:
    local = make_local(max_environments=1)
    wheels = [make_wheel(tmp_path / "w", f"sagerun_evict_{i}", f"VALUE = {i}\n") for i in range(2)]
    for wheel in wheels:
        notebook_id = local.import_notebook(notebook_bytes("1"))
        _configure(local, notebook_id, str(wheel))
        done = local.wait_run(local.start_run(notebook_id)["id"], timeout=120)
        assert done["status"] == "SUCCEEDED", done.get("error")
    root = local.state_dir / "environments"
    ready = [p for p in root.iterdir() if (p / "ready").exists()]
    assert len(_builds(local)) == 2
    assert len(ready) == 1
    assert (ready[0] / "requirements.txt").read_text().strip() == str(wheels[1])
