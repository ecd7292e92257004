"""`jupyter sagerun run NB --requirements FILE|- [--image-version V]`: the run's
packages from a file or standard input, installed by the local backend with uv."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from test_cli import POLL, Cli, backend, cli  # noqa: F401 (fixtures)

from testkit.notebooks import write_notebook
from testkit.wheelkit import make_wheel

USES = "import sagerun_cli_pkg; print('cli pkg', sagerun_cli_pkg.WHERE)"


def test_requirements_from_a_file_and_from_stdin(cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    write_notebook(cli.cwd, "uses.ipynb", USES)
    wheel = make_wheel(tmp_path / "w", "sagerun_cli_pkg", "WHERE = 'file'\n")
    (cli.cwd / "requirements.txt").write_text(f"{wheel}\n")
    done = cli(
        "run",
        "uses.ipynb",
        "--requirements",
        "requirements.txt",
        "--image-version",
        "3.1",
        "--wait",
        "--json",
        *POLL,
    )
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert run["status"] == "SUCCEEDED"
    assert run["environmentConfiguration"] == {
        "imageVersion": "3.1",
        "packageConfig": {"packageManager": "UV", "packageSpecification": f"{wheel}\n"},
    }

    other = make_wheel(tmp_path / "s", "sagerun_cli_pkg", "WHERE = 'stdin'\n", version="0.2")
    piped = subprocess.run(
        cli.argv("run", "uses.ipynb", "--requirements", "-", "--output", "out.ipynb", *POLL),
        input=f"{other}\n",
        cwd=cli.cwd,
        env=cli.env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert piped.returncode == 0, piped.stderr
    printed = json.dumps(json.loads((cli.cwd / "out.ipynb").read_text())["cells"])
    assert "cli pkg stdin" in printed


def test_an_unreadable_requirements_file_exits_2_naming_it(cli: Cli) -> None:  # noqa: F811
    done = cli("run", "sample.ipynb", "--requirements", "missing.txt")
    assert done.returncode == 2
    assert "requirements" in done.stderr and "missing.txt" in done.stderr
