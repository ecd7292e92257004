"""``jupyter sagerun env``: the shell ``export`` lines for the local backend of a state
directory (started if none runs), for ``eval "$(jupyter sagerun env)"``.

The secret is printed on purpose, to the terminal that asked, as ``jupyter sagerun
local`` prints it: whoever may run this command may read the connection file too.
"""

from __future__ import annotations

import argparse
import sys

from ..local.backend import LocalBackend
from ..local.shellenv import env_vars, export_lines
from ..server.backend_process import ensure_local_backend
from .base import EXIT_FAILED, EXIT_OK, CommandApp


class EnvApp(CommandApp):
    name = "jupyter-sagerun-env"
    description = "Print export lines that point AWS tools at the local backend."
    command = "jupyter sagerun env"
    aliases = {
        **CommandApp.aliases,
        # The same as `jupyter sagerun local`'s, so one state directory is named alike.
        "state-dir": "LocalBackend.state_dir",
    }

    def build_parser(self) -> argparse.ArgumentParser:
        return self.new_parser(
            "Print shell export lines (AWS_ENDPOINT_URL_DATAZONE, AWS_ENDPOINT_URL_S3, "
            "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_DEFAULT_REGION) "
            "for the local backend of the state directory, starting it if none runs. "
            'Use: eval "$(jupyter sagerun env)"; then `aws datazone ...`, `aws s3 ...` '
            "and boto3 reach the local backend with no --endpoint-url. "
            "--state-dir=DIR (as for `jupyter sagerun local`) names the backend's state "
            "directory (default: LocalBackend.state_dir)."
        )

    def run_command(self) -> int:
        endpoints = ensure_local_backend(LocalBackend(config=self.config))
        if endpoints.credentials is None:
            print("jupyter sagerun env: the backend published no credentials", file=sys.stderr)
            return EXIT_FAILED
        variables = env_vars(
            endpoints.endpoint_url,
            endpoints.s3_endpoint_url,
            endpoints.credentials,
            endpoints.region,
            endpoints.scheduler_endpoint_url,
        )
        print(export_lines(variables), flush=True)
        return EXIT_OK
