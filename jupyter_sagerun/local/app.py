"""``jupyter sagerun local``: the local backend in the foreground, on its own."""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

from traitlets import Bool
from traitlets.config import Application

from ..core.apphelp import options_parser
from ..core.lean_imports import skip_unused_imports
from .backend import LocalBackend
from .discovery import BackendAlreadyRunning
from .s3 import STAGING_BUCKET
from .shellenv import env_vars, export_lines

_EXAMPLES = """
DataZone API:  {endpoint}
S3:            {s3}
Scheduler:     {scheduler} ({schedules}; they fire while this backend runs)
staging:       {staging}
state:         {state} (credentials in {state}/backend.json)

Every request must be SigV4-signed with this backend's credentials, new at each
start. Point the AWS CLI and boto3 at it (or: eval "$(jupyter sagerun env)"):
{exports}

  aws datazone list-notebook-runs \\
      --domain-identifier {domain} --owning-project-identifier {project}
  aws s3 ls s3://{bucket}/
  aws scheduler list-schedules

JupyterLab and `jupyter sagerun` find it through its state directory:
  jupyter lab --SageRun.backend=local --LocalBackend.state_dir={state}

Press Ctrl+C to stop.
"""


class LocalBackendApp(Application):
    name = "jupyter-sagerun-local"
    description = "Run the SageRun local backend: DataZone's notebook API on this machine."
    classes = [LocalBackend]
    aliases = {
        "port": "LocalBackend.port",
        "s3-port": "LocalBackend.s3_port",
        "ip": "LocalBackend.ip",
        "state-dir": "LocalBackend.state_dir",
        "seconds-per-minute": "LocalBackend.seconds_per_minute",
        "max-concurrent-runs": "LocalBackend.max_concurrent_runs",
        "log-level": "Application.log_level",
        "runner-log-level": "LocalBackend.runner_log_level",
        "idle-timeout": "LocalBackend.idle_timeout",
    }
    flags = {
        "quiet": ({"LocalBackendApp": {"quiet": True}}, "Do not print the endpoints."),
    }
    quiet = Bool(False, config=True, help="Do not print the endpoints and examples.")

    def print_help(self, classes: bool = False) -> None:
        # --help in argparse's style, as every other subcommand's; --help-all is traitlets'.
        if classes:
            super().print_help(classes=True)
            return
        options_parser(self, "jupyter sagerun local", self.description).print_help()

    def start(self) -> None:
        skip_unused_imports()  # before anything imports nbformat (lean_imports.py)
        backend = LocalBackend(parent=self)
        stop = threading.Event()
        idled: list[float] = []

        def on_idle(seconds: float) -> None:
            idled.append(seconds)
            stop.set()

        def on_signal(signum: int, frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        try:
            backend.start()
        except BackendAlreadyRunning as exc:
            # Expected when a backend (started by hand, by JupyterLab or by a command)
            # already serves this state directory: say where, no traceback.
            print(f"jupyter sagerun local: {exc}", file=sys.stderr, flush=True)
            self.exit(1)
        try:
            # Here, not in LocalBackend.start(): a LocalBackend started inside another
            # program (the tests' own) is that program's to stop.
            backend.watch_idle(on_idle)
            if not self.quiet:
                print(
                    _EXAMPLES.format(
                        endpoint=backend.endpoint_url,
                        s3=backend.s3_endpoint_url,
                        scheduler=backend.scheduler_endpoint_url,
                        schedules=backend.schedules.status().summary(),
                        staging=backend.staging_s3_uri,
                        state=backend.state_dir,
                        exports=export_lines(
                            env_vars(
                                backend.endpoint_url,
                                backend.s3_endpoint_url,
                                backend.credentials,
                                backend.region,
                                backend.scheduler_endpoint_url,
                            )
                        ),
                        domain=backend.default_domain_id,
                        project=backend.default_project_id,
                        bucket=STAGING_BUCKET,
                    ),
                    flush=True,
                )
            # wait() with a timeout keeps the main thread able to run signal handlers.
            while not stop.wait(0.5):
                pass
            if idled:
                self.log.info(
                    "SageRun local backend: idle for %.0f s (idle_timeout %g s), stopping",
                    idled[0],
                    backend.idle_timeout,
                )
        finally:
            backend.stop()


def main(argv: list[str] | None = None) -> None:
    LocalBackendApp.launch_instance(argv=argv)
