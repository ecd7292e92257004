"""A run's packages through the REST API: real server, boto3, the local backend, uv.

``environmentConfiguration`` in ``POST sagerun/runs`` is set on the notebook with
UpdateNotebook before StartNotebookRun; the run's GET shows what it ran with."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.local import LocalBackend
from testkit.notebooks import run_printed, write_notebook
from testkit.rest import Api, token
from testkit.waiting import wait_for
from testkit.wheelkit import make_wheel

pytestmark = pytest.mark.timeout(240)

SHOWS = "import sagerun_rest_pkg; print('which', sagerun_rest_pkg.WHICH)"


def _packages(specification: str, **extra: Any) -> dict[str, Any]:
    return {
        "packageConfig": {"packageManager": "UV", "packageSpecification": specification},
        **extra,
    }


async def test_two_runs_submitted_together_each_run_with_their_own_packages(
    api: Api, jp_root_dir: Path, tmp_path: Path, local_backend: LocalBackend
) -> None:
    write_notebook(jp_root_dir, "pk/uses.ipynb", SHOWS)
    wheels = [
        make_wheel(tmp_path / which, "sagerun_rest_pkg", f"WHICH = {which!r}\n")
        for which in ("first", "second")
    ]

    async def submit(wheel: Path, image: str) -> dict[str, Any]:
        status, run = await api(
            "POST",
            "runs",
            body={
                "path": "pk/uses.ipynb",
                "clientToken": token(),
                "environmentConfiguration": _packages(f"{wheel}\n", imageVersion=image),
            },
        )
        assert status == 201, run
        return dict(run)

    runs = await asyncio.gather(submit(wheels[0], "1.0"), submit(wheels[1], "2.0"))
    for run, wheel, image in zip(runs, wheels, ("1.0", "2.0"), strict=True):
        assert run["environmentConfiguration"]["imageVersion"] == image
        done = await wait_for(api, run["id"], timeout=180)
        assert done["status"] == "SUCCEEDED", done
        shown = done["environmentConfiguration"]
        assert shown["packageConfig"]["packageSpecification"] == f"{wheel}\n"
        assert shown["imageVersion"] == image
        assert f"which {wheel.parent.name}" in run_printed(local_backend, run["id"])


async def test_a_run_without_a_configuration_keeps_the_notebooks(
    api: Api, jp_root_dir: Path, tmp_path: Path
) -> None:
    write_notebook(jp_root_dir, "pk/keeps.ipynb", SHOWS)
    wheel = make_wheel(tmp_path, "sagerun_rest_pkg", "WHICH = 'kept'\n")
    body: dict[str, Any] = {"path": "pk/keeps.ipynb", "clientToken": token()}
    status, first = await api(
        "POST", "runs", body={**body, "environmentConfiguration": _packages(str(wheel))}
    )
    assert status == 201, first
    status, second = await api("POST", "runs", body={**body, "clientToken": token()})
    assert status == 201, second
    done = await wait_for(api, second["id"], timeout=180)
    assert done["status"] == "SUCCEEDED", done
    assert done["environmentConfiguration"]["packageConfig"]["packageSpecification"] == str(wheel)


async def test_a_bad_configuration_is_a_400_naming_each_field_and_starts_nothing(
    api: Api, jp_root_dir: Path
) -> None:
    write_notebook(jp_root_dir, "pk/bad.ipynb", "1")
    status, answer = await api(
        "POST",
        "runs",
        body={
            "path": "pk/bad.ipynb",
            "clientToken": token(),
            "environmentConfiguration": {
                "packageConfig": {"packageManager": "PIP", "packageSpecification": "x" * 10241},
                "colour": "blue",
            },
        },
    )
    assert status == 400, answer
    paths = {f["path"] for f in answer["error"]["fields"]}
    assert paths == {
        "environmentConfiguration.packageConfig.packageManager",
        "environmentConfiguration.packageConfig.packageSpecification",
        "environmentConfiguration.colour",
    }
    status, runs = await api("GET", "runs", params={"path": "pk/bad.ipynb"})
    assert status == 200 and runs["items"] == []
