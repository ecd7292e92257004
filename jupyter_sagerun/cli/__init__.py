"""`jupyter sagerun`: the terminal face of jupyter_sagerun.

Each subcommand is its own small application, imported only when chosen, so that
`jupyter sagerun local` does not load what `jupyter sagerun run` needs and the other
way round. The subcommands that talk to a backend share ``base.CommandApp``: the
server extension's configuration and the service composition of ``wiring``.
"""

from __future__ import annotations

from typing import Any

from jupyter_core.application import JupyterApp

from .. import __version__
from ..core.apphelp import options_parser
from ..core.lean_imports import skip_unused_imports


class SageRunCLI(JupyterApp):
    name = "jupyter-sagerun"
    version = __version__
    description = (
        "Run notebooks on Amazon SageMaker Unified Studio compute, or on this machine "
        "through the local backend that speaks the same API."
    )
    subcommands: dict[str, Any] = {
        "run": (
            "jupyter_sagerun.cli.run.RunApp",
            "Run a notebook: sync it, start the run, optionally wait and fetch the result.",
        ),
        "list": ("jupyter_sagerun.cli.runs.ListApp", "List runs, newest first."),
        "status": ("jupyter_sagerun.cli.runs.StatusApp", "Show one run (or wait for it)."),
        "stop": ("jupyter_sagerun.cli.runs.StopApp", "Stop a run."),
        "output": (
            "jupyter_sagerun.cli.output.OutputApp",
            "Download the result of an ended run (ipynb or pdf).",
        ),
        "schedule": (
            "jupyter_sagerun.cli.schedule.ScheduleApp",
            "Schedules: create, list, show, pause, resume, delete, run-now.",
        ),
        "env": (
            "jupyter_sagerun.cli.env.EnvApp",
            'Print export lines for the local backend: eval "$(jupyter sagerun env)".',
        ),
        "local": (
            "jupyter_sagerun.local.app.LocalBackendApp",
            "Start the local DataZone backend (papermill runs on this machine).",
        ),
    }

    def print_help(self, classes: bool = False) -> None:
        # --help in argparse's style, as every subcommand's; --help-all is traitlets'.
        if classes:
            super().print_help(classes=True)
            return
        options_parser(
            self, "jupyter sagerun", self.description, subcommands=self.subcommands
        ).print_help()
        print("\nEach command's own options: jupyter sagerun COMMAND --help")

    def start(self) -> None:
        if self.subapp is None:
            # No subcommand: show what there is instead of silently doing nothing.
            self.print_help()
            self.exit(2)
        skip_unused_imports()  # a process of ours: core/lean_imports.py
        super().start()


main = launch_new_instance = SageRunCLI.launch_instance
