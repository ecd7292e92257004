"""`jupyter sagerun run | list | status | stop` as a user types them: real subprocesses
of the command, a real local backend, real papermill.

Most tests share one backend started in this process: the commands must find it
through the state directory and never start their own. The last tests let a command
start a detached backend of its own (``backend_process``, as JupyterLab does) and stop
it afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.core.polling import poll_until
from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.local.discovery import lock_is_held, read_info
from jupyter_sagerun.server.backend_process import DETACHED_IDLE_TIMEOUT
from testkit.notebooks import write_notebook
from testkit.processes import stop_backend
from testkit.waiting import released_within

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample.ipynb"
POLL = ["--poll-interval", "0.2"]


def _as_from_a_terminal() -> None:
    """Ctrl-C reaches the command as it does from a shell prompt. A test run started in
    the background by a non-interactive shell (`bash .ci/run &`) inherits SIGINT
    ignored, and Python then installs no KeyboardInterrupt handler in its children."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Cli:
    """Runs `python -m jupyter_sagerun.cli` in ``cwd`` against one state directory."""

    def __init__(self, cwd: Path, state: Path, home: Path) -> None:
        self.cwd = cwd
        self.local_state = state
        self.options = [
            "--backend=local",
            f"--SageRun.state_dir={home / 'sagerun'}",
            f"--LocalBackend.state_dir={state}",
            "--LocalBackend.seconds_per_minute=0.05",
        ]
        # A config dir of our own: the user's jupyter_server_config must not leak in.
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
        }

    def argv(self, *args: str, options: bool = True) -> list[str]:
        extra = self.options if options else []
        return [sys.executable, "-m", "jupyter_sagerun.cli", *args, *extra]

    def popen(self, *args: str, options: bool = True) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.argv(*args, options=options),
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_as_from_a_terminal,
        )

    def __call__(self, *args: str, options: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args, options=options),
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBackend]:
    state = tmp_path_factory.mktemp("local-state")
    local = LocalBackend(state_dir=str(state), seconds_per_minute=0.05)
    local.start()
    yield local
    local.stop()


@pytest.fixture
def cli(backend: LocalBackend, tmp_path: Path) -> Cli:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(SAMPLE, work / "sample.ipynb")
    return Cli(work, Path(backend.state_dir), tmp_path)


def cells(path: Path) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(path.read_text())
    return list(data["cells"])


def test_acceptance_run_wait_output(cli: Cli, backend: LocalBackend) -> None:
    done = cli("run", "sample.ipynb", "-p", "alpha", "3", "--wait", "--output", "out.ipynb", *POLL)
    assert done.returncode == 0, done.stderr
    assert "SUCCEEDED" in done.stdout
    executed = cells(cli.cwd / "out.ipynb")
    injected = [c for c in executed if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and "alpha = 3" in "".join(injected[0]["source"])
    printed = "".join(
        "".join(o.get("text", ""))
        for c in executed
        if c["cell_type"] == "code"
        for o in c["outputs"]
    )
    assert "alpha = 3 (int)" in printed
    # Nothing left beside the user's notebook: the result went only where asked.
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["out.ipynb", "sample.ipynb"]
    # The command used the backend already running on the state dir.
    assert read_info(backend.state_dir).pid == os.getpid()  # type: ignore[union-attr]
    assert not (Path(backend.state_dir) / "backend.log").exists()

    again = cli("run", "sample.ipynb", "--wait", "--output", "out.ipynb", *POLL)
    assert again.returncode == 2
    assert "--force" in again.stderr and "output" in again.stderr


def test_failing_notebook_exits_1_with_the_exception(cli: Cli) -> None:
    write_notebook(cli.cwd, "fail.ipynb", "raise ValueError('no good')")
    done = cli("run", "fail.ipynb", "--wait", "--json", *POLL)
    assert done.returncode == 1
    assert "FAILED" in done.stderr and "ValueError" in done.stderr
    run = json.loads(done.stdout)
    assert run["status"] == "FAILED" and "ValueError" in run["error"]["message"]
    assert "Traceback" not in done.stderr


def test_start_list_status_stop(cli: Cli) -> None:
    write_notebook(cli.cwd, "slow.ipynb", "import time\ntime.sleep(300)")
    started = cli("run", "slow.ipynb", "-p", "secret", "hunter2", "--json")
    assert started.returncode == 0, started.stderr
    run = json.loads(started.stdout)
    run_id = run["id"]
    assert run["path"] == "slow.ipynb" and run["parameterNames"] == ["secret"]
    assert "hunter2" not in started.stdout + started.stderr

    listed = cli("list", "--notebook", "slow.ipynb", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [item["id"] for item in json.loads(listed.stdout)["items"]] == [run_id]
    table = cli("list", "--max", "5")
    assert table.returncode == 0 and "RUN ID" in table.stdout and run_id in table.stdout

    stopped = cli("stop", run_id, "--json")
    assert stopped.returncode == 0, stopped.stderr
    assert json.loads(stopped.stdout)["status"] in ("STOPPING", "STOPPED")
    # status --wait follows it to the end; a STOPPED run is not a success.
    waited = cli("status", run_id, "--wait", *POLL)
    assert waited.returncode == 1, waited.stderr
    assert "STOPPED" in waited.stdout
    shown = cli("status", run_id, "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["status"] == "STOPPED"
    assert "hunter2" not in shown.stdout
    # Stopping it again (the backend answers ConflictException) shows it ended.
    again = cli("stop", run_id)
    assert again.returncode == 0, again.stderr
    assert f"Run {run_id}: STOPPED" in again.stdout


def test_bad_input_exits_2_naming_the_field(cli: Cli) -> None:
    (cli.cwd / "notes.ipynb").write_text("not json")
    cases = {
        "timeout": (["run", "sample.ipynb", "--timeout", "59"], "runTimeoutInMinutes"),
        "key": (["run", "sample.ipynb", "-p", "k" * 129, "1"], "parameters.kkk"),
        "missing": (["run", "missing.ipynb"], "path (NOTEBOOK): does not exist"),
        "not a notebook": (["run", "notes.ipynb"], "path (NOTEBOOK): is not a notebook"),
        "unknown run": (["status", "nosuchrun"], "not found"),
    }
    # Started together: each is a couple of seconds of interpreter start-up.
    running = {name: cli.popen(*args) for name, (args, _) in cases.items()}
    for name, process in running.items():
        _, err = process.communicate(timeout=120)
        assert process.returncode == 2, (name, err)
        assert cases[name][1] in err, (name, err)
        assert "Traceback" not in err


def test_ctrl_c_detaches_and_the_run_goes_on(cli: Cli) -> None:
    write_notebook(cli.cwd, "slow.ipynb", "import time\ntime.sleep(300)")
    process = cli.popen("run", "slow.ipynb", "--wait", *POLL)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith("run "), line
        run_id = line.split()[1]
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        # A failed assertion must not leave the command polling after the test.
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert f"jupyter sagerun stop {run_id}" in err
    assert "Traceback" not in err
    shown = cli("status", run_id, "--json")
    assert json.loads(shown.stdout)["status"] in ("QUEUED", "STARTING", "RUNNING")
    assert cli("stop", run_id).returncode == 0


def test_configuration_from_jupyter_server_config(cli: Cli, tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir(exist_ok=True)
    settings = {
        "SageRun": {"backend": "local", "state_dir": str(tmp_path / "sagerun")},
        "LocalBackend": {"state_dir": str(cli.local_state)},
    }
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(settings))
    done = cli("list", "--json", options=False)
    assert done.returncode == 0, done.stderr
    assert isinstance(json.loads(done.stdout)["items"], list)
    # The command line wins over the file: a domain id the backend does not know.
    other = cli("list", "--domain-id", "bad id", options=False)
    assert other.returncode == 2 and "domainId (--domain-id)" in other.stderr


# -- a backend the command starts itself -----------------------------------------------


@pytest.fixture
def detached(tmp_path: Path) -> Iterator[Cli]:
    work = tmp_path / "work"
    work.mkdir()
    state = tmp_path / "own-state"
    yield Cli(work, state, tmp_path)
    # It may have just idled out by itself.
    stop_backend(state)


def test_a_run_outlives_the_command_on_a_detached_backend(detached: Cli) -> None:
    write_notebook(detached.cwd, "slow.ipynb", "import time\ntime.sleep(300)")
    # Runs stay QUEUED (no kernel to pay for), and the setting must reach the child.
    detached.options.append("--LocalBackend.max_concurrent_runs=0")
    started = detached("run", "slow.ipynb", "--json")
    assert started.returncode == 0, started.stderr
    run_id = json.loads(started.stdout)["id"]
    info = read_info(detached.local_state)
    assert info is not None and info.pid != os.getpid()
    assert lock_is_held(detached.local_state)
    # A later command finds the same backend and the run still going.
    shown = detached("status", run_id, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["status"] == "QUEUED"
    assert read_info(detached.local_state) == info
    stopped = detached("stop", run_id, "--json")
    assert stopped.returncode == 0 and json.loads(stopped.stdout)["status"] == "STOPPED"


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


@pytest.mark.timeout(180)
def test_the_detached_backend_idles_out_but_not_under_a_run(detached: Cli) -> None:
    # Unset (0, never): a command's backend gets the default, nobody stops it by hand.
    listed = detached("list", "--json")
    assert listed.returncode == 0, listed.stderr
    info = read_info(detached.local_state)
    assert info is not None and info.pid != os.getpid()
    assert f"--LocalBackend.idle_timeout={DETACHED_IDLE_TIMEOUT}" in _cmdline(info.pid)
    os.kill(info.pid, signal.SIGTERM)
    assert released_within(detached.local_state, 30)

    # Set: the user's value. A run started without --wait keeps it alive (queued here).
    write_notebook(detached.cwd, "slow.ipynb", "import time\ntime.sleep(300)")
    detached.options += [
        # 20 s: the backend may stop once a whole timeout has passed since its start
        # (or a probe's grace, at most the timeout, since discovery) with no request,
        # and on a loaded 2-core machine the command's first request can come many
        # seconds after the backend it started is up (building boto3's clients): 6 s
        # lost that race under CI's load.
        "--LocalBackend.idle_timeout=20",
        "--LocalBackend.max_concurrent_runs=0",
    ]
    started = detached("run", "slow.ipynb", "--json")
    assert started.returncode == 0, started.stderr
    run_id = json.loads(started.stdout)["id"]
    info = read_info(detached.local_state)
    assert info is not None
    assert "--LocalBackend.idle_timeout=20.0" in _cmdline(info.pid)
    # No request from here on: its idle check finds the queued run for a whole timeout,
    # and its log says so; it is still the same backend.
    log = detached.local_state / "backend.log"
    kept = poll_until(
        lambda: "Kept up past idle_timeout 20 s" in log.read_text(errors="replace") or None,
        timeout=60,
    )
    assert kept, log.read_text(errors="replace")
    assert read_info(detached.local_state) == info and lock_is_held(detached.local_state)
    stopped = detached("stop", run_id, "--json")
    assert stopped.returncode == 0, stopped.stderr
    # Nothing active any more: it goes by itself, leaving no backend.json behind.
    assert released_within(detached.local_state, 60), "the idle backend did not stop"
    assert read_info(detached.local_state) is None
    # And the next command starts a new one that still has the run.
    shown = detached("status", run_id, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["status"] == "STOPPED"


def test_the_command_reads_the_same_settings_as_the_server_extension() -> None:
    # One class of settings: the command's SageRun section is the extension's own, so
    # c.SageRun.* in jupyter_server_config applies to both.
    from jupyter_sagerun.cli.base import CommandApp
    from jupyter_sagerun.server.app import SageRunExtension
    from jupyter_sagerun.server.wiring import SageRun

    assert SageRun in CommandApp.classes
    assert issubclass(SageRunExtension, SageRun)
    assert "SageRun" in SageRunExtension.section_names()
    assert set(SageRun.class_traits(config=True)) <= set(SageRunExtension.class_traits(config=True))


def test_output_subcommand_of_the_latest_and_an_older_run(cli: Cli) -> None:
    write_notebook(cli.cwd, "twice.ipynb", "print('twice ran')")
    ids = []
    for _ in range(2):
        done = cli("run", "twice.ipynb", "--wait", "--json", *POLL)
        assert done.returncode == 0, done.stderr
        ids.append(json.loads(done.stdout)["id"])
    older, newer = ids

    saved = cli("output", newer, "result.ipynb", "--format", "ipynb")
    assert saved.returncode == 0, saved.stderr
    result = json.loads((cli.cwd / "result.ipynb").read_text())
    assert result["metadata"]["sagerun"]["runId"] == newer
    assert "twice ran" in json.dumps(result["cells"])

    pdf = cli("output", newer, "result.pdf", "--format", "pdf")
    assert pdf.returncode == 0, pdf.stderr
    assert (cli.cwd / "result.pdf").read_bytes().startswith(b"%PDF")

    # The older run's result is its own (from its run directory), not the newer one's.
    old = cli("output", older, "old.ipynb")
    assert old.returncode == 0, old.stderr
    assert "written to" in old.stderr and "latest export" not in old.stderr
    assert json.loads((cli.cwd / "old.ipynb").read_text())["metadata"]["sagerun"]["runId"] == older

    exists = cli("output", newer, "result.ipynb")
    assert exists.returncode == 2 and "--force" in exists.stderr


def test_the_timeout_help_reads_the_models_limits_and_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jupyter_sagerun.aws.validation import operation_model
    from jupyter_sagerun.cli.run import RunApp
    from jupyter_sagerun.core.model_defaults import DEFAULT_RUN_TIMEOUT_MINUTES

    shape = operation_model("StartNotebookRun").input_shape.members["timeoutConfiguration"]
    limits = shape.members["runTimeoutInMinutes"].metadata  # type: ignore[attr-defined]
    # A model with another maximum gives another help: it is read, not retyped.
    monkeypatch.setitem(limits, "max", 999)
    text = " ".join(RunApp().build_parser().format_help().split())
    assert f"({limits['min']}-999; default {DEFAULT_RUN_TIMEOUT_MINUTES})" in text, text
