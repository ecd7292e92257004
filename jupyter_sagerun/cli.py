"""`jupyter sagerun`: the terminal face of jupyter_sagerun.

Each subcommand is its own small application; this one only dispatches, so that
`jupyter sagerun local` does not import what `jupyter sagerun run` needs and the
other way round.
"""

from __future__ import annotations

from typing import Any

from jupyter_core.application import JupyterApp

from . import __version__


class SageRunCLI(JupyterApp):
    name = "jupyter-sagerun"
    version = __version__
    description = (
        "Run notebooks on Amazon SageMaker Unified Studio compute, or on this machine "
        "through the local backend that speaks the same API."
    )
    subcommands: dict[str, Any] = {
        "local": (
            "jupyter_sagerun.local.app.LocalBackendApp",
            "Start the local DataZone backend (papermill runs on this machine).",
        ),
    }

    def start(self) -> None:
        if self.subapp is None:
            # No subcommand: show what there is instead of silently doing nothing.
            self.print_help()
            self.exit(2)
        super().start()


main = launch_new_instance = SageRunCLI.launch_instance

if __name__ == "__main__":
    main()
