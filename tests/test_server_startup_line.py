"""The server's start-up line names both state directories: its own (notebook
mappings) and, in local mode, the local backend's (the runs), which differ."""

from __future__ import annotations

from jupyter_sagerun.server.app import startup_line


def test_local_mode_names_the_server_and_the_backend_state() -> None:
    line = startup_line("local", "/home/u/.local/share/jupyter/sagerun", "/home/u/.sagerun-b")
    assert line == (
        "backend local (server state in /home/u/.local/share/jupyter/sagerun; "
        "local backend state in /home/u/.sagerun-b)"
    )


def test_aws_mode_has_no_backend_state() -> None:
    assert startup_line("aws", "/s", None) == "backend aws (server state in /s)"
