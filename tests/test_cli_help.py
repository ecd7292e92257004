"""Every ``jupyter sagerun`` command answers ``--help`` in one style (argparse's usage
line, then its options) and ``--help-all`` with traitlets' list of every configurable
option: real subprocesses of the command, as a user types it."""

from __future__ import annotations

import subprocess
import sys

import pytest

COMMANDS = ["", "run", "list", "status", "stop", "output", "env", "local"]


def sagerun(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jupyter_sagerun.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_argparse_style_for_every_command(command: str) -> None:
    done = sagerun(*([command] if command else []), "--help")
    assert done.returncode == 0, done.stderr
    prog = f"jupyter sagerun {command}".strip()
    assert done.stdout.startswith(f"usage: {prog} ["), done.stdout[:200]
    assert "\noptions:\n" in done.stdout
    assert "--help-all" in done.stdout
    # Not traitlets' format: no "Options\n=======" banner, no "--Class.trait=<Type>".
    assert "=======" not in done.stdout
    assert "<Unicode>" not in done.stdout


def test_the_top_level_help_lists_every_command() -> None:
    text = sagerun("--help").stdout
    for command in COMMANDS[1:]:
        assert f"\n    {command} " in text, command


@pytest.mark.parametrize("command", ["", "run", "local"])
def test_help_all_lists_the_configurable_options(command: str) -> None:
    done = sagerun(*([command] if command else []), "--help-all")
    assert done.returncode == 0, done.stderr
    assert "--LocalBackend.state_dir" in done.stdout or command == "", done.stdout[-300:]
    assert "Class options" in done.stdout or "=======" in done.stdout
