"""``jupyter sagerun env``: AWS's own tools reach the local backend configured by
nothing but its export lines; the state directory keeps everyone else out; a run
never sees the backend's credentials."""

from __future__ import annotations

import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from jupyter_sagerun.local import processes
from jupyter_sagerun.local.discovery import read_info

from .localkit import DOMAIN, PROJECT, Local, cell_text, notebook

REPO = Path(__file__).resolve().parents[2]
EXPORTED = [
    "AWS_ENDPOINT_URL_DATAZONE",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL_SCHEDULER",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
]


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No AWS_* of this machine, no AWS config files: what the export lines give is all."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "PYTHONPATH": str(REPO),
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "NO_PROXY": "127.0.0.1,localhost",
    }


def sagerun_env(state_dir: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_sagerun.cli", "env", f"--state-dir={state_dir}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def parse_exports(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        words = shlex.split(line)
        assert words[0] == "export" and len(words) == 2, line
        name, _, value = words[1].partition("=")
        out[name] = value
    return out


def test_the_aws_cli_and_boto3_need_nothing_but_jupyter_sagerun_env(
    paused: Local, tmp_path: Path
) -> None:
    notebook_id = paused.import_notebook(notebook("1"))
    run_id = paused.start_run(notebook_id)["id"]
    env = clean_env(tmp_path)
    exports = parse_exports(sagerun_env(paused.state_dir, env))
    assert list(exports) == EXPORTED
    assert exports["AWS_ENDPOINT_URL_DATAZONE"] == paused.endpoint_url
    assert exports["AWS_SECRET_ACCESS_KEY"] == paused.credentials.secret_access_key

    source = tmp_path / "nb.ipynb"
    source.write_bytes(notebook("print('from the cli')"))
    aws = f"{shlex.quote(sys.executable)} -m awscli"
    script = f"""
set -eu
eval "$({shlex.quote(sys.executable)} -m jupyter_sagerun.cli env --state-dir={paused.state_dir})"
{aws} datazone list-notebook-runs --domain-identifier {DOMAIN} \\
    --owning-project-identifier {PROJECT} --output json > runs.json
{aws} s3 cp nb.ipynb s3://sagerun-local/staging/from-cli.ipynb
{aws} s3 ls s3://sagerun-local/staging/ > listing.txt
{aws} s3 cp s3://sagerun-local/staging/from-cli.ipynb back.ipynb
{shlex.quote(sys.executable)} -c '
import boto3
dz = boto3.client("datazone")
found = dz.list_notebooks(domainIdentifier="{DOMAIN}", owningProjectIdentifier="{PROJECT}")
print(len(found["items"]))
' > boto3.txt
"""
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = json.loads((tmp_path / "runs.json").read_text())
    assert [item["id"] for item in listed["items"]] == [run_id]
    assert "from-cli.ipynb" in (tmp_path / "listing.txt").read_text()
    assert (tmp_path / "back.ipynb").read_bytes() == source.read_bytes()
    assert (tmp_path / "boto3.txt").read_text().strip() == "1"


def test_without_jupyter_sagerun_env_the_aws_cli_is_refused(paused: Local, tmp_path: Path) -> None:
    env = {
        **clean_env(tmp_path),
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "awscli", "s3", "ls", "--endpoint-url", paused.s3_endpoint_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "InvalidAccessKeyId" in done.stderr


@pytest.fixture
def detached(tmp_path: Path) -> Iterator[Path]:
    """A state directory whose backend ``jupyter sagerun env`` starts detached; stopped
    (SIGTERM to the pid of its backend.json) at the end."""
    state = tmp_path / "state"
    yield state
    info = read_info(state)
    if info is not None and processes.alive(info.pid):
        os.kill(info.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while processes.alive(info.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if processes.alive(info.pid):
            os.kill(info.pid, signal.SIGKILL)


def test_the_state_directory_and_every_file_in_it_are_private(
    detached: Path, tmp_path: Path
) -> None:
    detached.mkdir(mode=0o755)
    detached.chmod(0o755)  # an existing, open directory gets tightened
    exports = parse_exports(sagerun_env(detached, clean_env(tmp_path)))
    dz = boto3.client(
        "datazone",
        endpoint_url=exports["AWS_ENDPOINT_URL_DATAZONE"],
        region_name=exports["AWS_REGION"],
        aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
    )
    s3 = boto3.client(
        "s3",
        endpoint_url=exports["AWS_ENDPOINT_URL_S3"],
        region_name=exports["AWS_REGION"],
        aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
    )
    s3.put_object(
        Bucket="sagerun-local",
        Key="staging/modes.ipynb",
        Body=notebook("print(alpha)", parameters="alpha = 0"),
    )
    imported = dz.start_notebook_import(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        name="modes.ipynb",
        sourceLocation={"s3": "s3://sagerun-local/staging/modes.ipynb"},
    )
    deadline = time.monotonic() + 30
    while (
        dz.get_notebook(domainIdentifier=DOMAIN, identifier=imported["notebookId"])["status"]
        != "ACTIVE"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    run = dz.start_notebook_run(
        domainIdentifier=DOMAIN,
        owningProjectIdentifier=PROJECT,
        notebookIdentifier=imported["notebookId"],
        parameters={"alpha": "a-secret-value"},
    )
    deadline = time.monotonic() + 90
    while (got := dz.get_notebook_run(domainIdentifier=DOMAIN, identifier=run["id"]))[
        "status"
    ] not in ("SUCCEEDED", "FAILED", "STOPPED"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert got["status"] == "SUCCEEDED", got

    run_dir = detached / "runs" / run["id"]
    expected = {
        "backend.json",
        "backend.lock",
        "backend.log",
        "local.sqlite3",
        f"runs/{run['id']}/input.ipynb",
        f"runs/{run['id']}/output.ipynb",
        f"runs/{run['id']}/runner.log",
        f"runs/{run['id']}/result.json",
    }
    found = {str(p.relative_to(detached)) for p in detached.rglob("*") if p.is_file()}
    assert expected <= found, found
    assert run_dir.is_dir()
    modes = {
        str(p.relative_to(detached)): stat.S_IMODE(p.stat().st_mode)
        for p in [detached, *detached.rglob("*")]
    }
    loose = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o700 if (detached / name).is_dir() else 0o600)
    }
    assert not loose, loose


def test_a_run_never_sees_the_backends_credentials(
    local: Local, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As after `eval "$(jupyter sagerun env)"` in the shell that started the backend:
    # its own environment holds its key pair. Another variable shows that the run does
    # inherit the environment, so the check below is not empty.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", local.credentials.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", local.credentials.secret_access_key)
    monkeypatch.setenv("SAGERUN_TEST_INHERITED", "inherited-canary")
    notebook_id = local.import_notebook(
        notebook("import json, os\nprint(json.dumps(dict(os.environ)))")
    )
    run = local.wait_run(local.start_run(notebook_id)["id"])
    assert run["status"] == "SUCCEEDED", run
    seen = json.loads(cell_text(local.output(run["id"])))
    assert seen.get("SAGERUN_TEST_INHERITED") == "inherited-canary"
    values = "\n".join(seen.values())
    assert local.credentials.secret_access_key not in values
    assert local.credentials.access_key_id not in values
