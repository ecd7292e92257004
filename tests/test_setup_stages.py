"""scripts/stages.sh, behind setup.sh and demo.sh: one line per stage on the terminal,
the tools' output in the log, and the log's tail when a stage fails."""

from __future__ import annotations

import subprocess
from pathlib import Path

STAGES = Path(__file__).resolve().parent.parent / "scripts" / "stages.sh"


def _run(tmp_path: Path, body: str, verbose: bool = False) -> subprocess.CompletedProcess[str]:
    log = tmp_path / "log" / "setup.log"
    script = f"set -euo pipefail\nsource {STAGES}\nSTAGE_LOG={log}\nstages_begin\n{body}\n"
    env = {"PATH": "/usr/bin:/bin", **({"SAGERUN_VERBOSE": "1"} if verbose else {})}
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=env, timeout=30, check=False
    )


def test_a_stage_is_one_line_and_its_output_goes_to_the_log(tmp_path: Path) -> None:
    result = _run(tmp_path, 'stage "Say a lot" seq 1 500\nstage "Say more" echo chatter')
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].split() == ["Say", "a", "lot", "done", "(0", "s)"]
    assert "chatter" not in result.stdout
    log = (tmp_path / "log" / "setup.log").read_text()
    assert "\n500\n" in log and "chatter" in log


def test_a_failing_stage_stops_the_script_and_shows_the_logs_tail(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        'stage "Works" true\n'
        'stage "Breaks" bash -c "seq 1 100; echo the real cause; exit 3"\n'
        'stage "Never" echo never-reached',
    )
    assert result.returncode == 3
    assert "Breaks" in result.stdout and "FAILED" in result.stdout
    assert "never-reached" not in result.stdout + result.stderr
    # The tail, not the whole log: the cause is there, the early chatter is not.
    assert "the real cause" in result.stderr
    assert "\n50\n" not in result.stderr
    assert str(tmp_path / "log" / "setup.log") in result.stderr


def test_verbose_shows_everything_and_still_fails_on_a_failure(tmp_path: Path) -> None:
    result = _run(tmp_path, 'stage "Talk" echo chatter\nstage "Breaks" false', verbose=True)
    assert result.returncode == 1
    assert "chatter" in result.stdout


# A stage that is a shell function: its steps in the middle must count too, as they
# would not in a plain function call (bash turns `set -e` off in a function whose status
# is being tested).
THREE_STEPS = (
    "three_steps() {\n"
    "  echo first step\n"
    "  false\n"
    "  echo third-step-reached\n"
    "}\n"
    'stage "Three steps" three_steps\n'
    'stage "Never" echo never-reached'
)


def test_a_function_whose_middle_step_fails_fails_its_stage(tmp_path: Path) -> None:
    result = _run(tmp_path, THREE_STEPS)
    assert result.returncode == 1, result.stdout
    assert "FAILED" in result.stdout
    assert "Three steps" in result.stdout and "done" not in result.stdout
    log = (tmp_path / "log" / "setup.log").read_text()
    assert "first step" in log and "third-step-reached" not in log
    assert "never-reached" not in result.stdout + result.stderr + log


def test_a_function_whose_middle_step_fails_fails_its_stage_verbose(tmp_path: Path) -> None:
    result = _run(tmp_path, THREE_STEPS, verbose=True)
    assert result.returncode == 1, result.stdout
    assert "first step" in result.stdout
    assert "third-step-reached" not in result.stdout
    assert "done in" not in result.stdout
    assert "never-reached" not in result.stdout + result.stderr


def test_a_failure_in_a_pipe_inside_a_function_fails_its_stage(tmp_path: Path) -> None:
    result = _run(tmp_path, 'piped() { false | cat; echo after-the-pipe; }\nstage "Pipe" piped')
    assert result.returncode == 1 and "FAILED" in result.stdout
    assert "after-the-pipe" not in (tmp_path / "log" / "setup.log").read_text()


def test_a_function_that_handles_its_own_failure_is_done(tmp_path: Path) -> None:
    # `set -e` as usual: a step whose failure the function tests is not a failure.
    result = _run(
        tmp_path,
        "careful() { if ! false; then echo handled; fi; grep -q x /dev/null || echo none; }\n"
        'stage "Careful" careful\nstage "Next" true',
    )
    assert result.returncode == 0, result.stderr
    assert [line.split()[-3] for line in result.stdout.splitlines()] == ["done", "done"]


def test_the_callers_own_errexit_is_kept_after_a_stage(tmp_path: Path) -> None:
    result = _run(tmp_path, 'stage "Works" true\nfalse\necho not-reached')
    assert result.returncode == 1 and "not-reached" not in result.stdout
