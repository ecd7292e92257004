"""The AWS CLI (awscli from PyPI) against the local backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from testkit.local import DOMAIN, PROJECT, Local
from testkit.notebooks import notebook_bytes


def aws(local: Local, tmp_path: Path, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        # The backend's own key pair (what `jupyter sagerun env` exports).
        "AWS_ACCESS_KEY_ID": local.credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": local.credentials.secret_access_key,
        "AWS_DEFAULT_REGION": "us-east-1",
        # Nothing from this machine's own AWS setup may leak in.
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
    }
    env.pop("AWS_PROFILE", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "datazone",
            *args,
            "--endpoint-url",
            local.endpoint_url,
            "--region",
            "us-east-1",
            "--output",
            "json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_aws_cli_starts_follows_lists_and_stops_a_run(paused: Local, tmp_path: Path) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1", parameters="alpha = 0"))
    common = ["--domain-identifier", DOMAIN]
    run = aws(
        paused,
        tmp_path,
        "start-notebook-run",
        *common,
        "--owning-project-identifier",
        PROJECT,
        "--notebook-identifier",
        notebook_id,
        "--parameters",
        "alpha=0.5",
        "--timeout-configuration",
        "runTimeoutInMinutes=90",
    )
    assert run["status"] == "QUEUED" and run["notebookId"] == notebook_id
    got = aws(paused, tmp_path, "get-notebook-run", *common, "--identifier", run["id"])
    assert got["id"] == run["id"]
    assert got["timeoutConfiguration"] == {"runTimeoutInMinutes": 90}
    assert got["parameters"] == {"alpha": "0.5"}
    # Timestamps travel as epoch seconds; awscli v1 prints them as they came.
    assert abs(got["createdAt"] - time.time()) < 120
    listed = aws(
        paused, tmp_path, "list-notebook-runs", *common, "--owning-project-identifier", PROJECT
    )
    assert [item["id"] for item in listed["items"]] == [run["id"]]
    stopped = aws(paused, tmp_path, "stop-notebook-run", *common, "--identifier", run["id"])
    assert stopped["status"] == "STOPPED"
    assert paused.get_run(run["id"])["status"] == "STOPPED"
