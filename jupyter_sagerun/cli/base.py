"""What every backend-facing subcommand shares: the server extension's configuration,
the service built as ``wiring`` builds it, and one translation of errors to exit codes.

Configuration is read exactly as ``jupyter server`` reads it: ``jupyter_config`` and
``jupyter_server_config`` (``.py``/``.json``) on the Jupyter config path, then the
command line, so a platform engineer configures ``c.SageRun.*`` once for both.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from jupyter_core.application import JupyterApp, base_aliases, base_flags
from traitlets import Unicode

from ..core.apphelp import wrap_description
from ..core.errors import SageRunError
from ..core.once import Once
from ..local.backend import LocalBackend
from ..runs.context import RunContext, resolve_backend, resolve_context
from ..runs.service import RunService
from ..server.backend_process import ensure_local_backend
from ..server.wiring import SageRun, build_service
from .argv import split_argv
from .render import print_error

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

CONFIG_HELP = """\
configuration:
  Every c.SageRun.* and c.LocalBackend.* setting of the server extension applies, read
  from jupyter_server_config.py/.json on the Jupyter config path and from the command
  line as --SageRun.NAME=VALUE / --LocalBackend.NAME=VALUE (--help-all lists them).
  Shortcuts: --backend, --profile, --region, --domain-id, --project-id.
"""


class CommandApp(JupyterApp):
    """A ``jupyter sagerun`` subcommand that talks to a backend through ``RunService``."""

    # The server's own config file, so that c.SageRun.* set for JupyterLab applies here.
    config_file_name = Unicode("jupyter_server_config", config=True)
    classes = [SageRun, LocalBackend]
    aliases = {
        **base_aliases,
        "backend": "SageRun.backend",
        "profile": "SageRun.profile",
        "region": "SageRun.region",
        "domain-id": "SageRun.domain_id",
        "project-id": "SageRun.project_id",
    }
    flags = dict(base_flags)
    # argparse's usage line names the subcommand as the user typed it.
    command = "jupyter sagerun"

    args: argparse.Namespace

    def _log_level_default(self) -> int:
        # The service logs each upload and start at INFO for the server's log; on a
        # terminal those lines would interleave with the status line. --debug shows all.
        return logging.WARNING

    def build_parser(self) -> argparse.ArgumentParser:
        raise NotImplementedError

    def new_parser(self, description: str) -> argparse.ArgumentParser:
        return argparse.ArgumentParser(
            prog=self.command,
            description=wrap_description(description),
            epilog=CONFIG_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            allow_abbrev=False,
        )

    def parse_command_line(self, argv: Sequence[str] | None = None) -> None:
        given = list(sys.argv[1:] if argv is None else argv)
        ours, theirs = split_argv(given, self.aliases, [*self.flags, "help-all", "version"])
        if "--help-all" in theirs or "--version" in theirs:
            # traitlets answers these and exits; required arguments do not matter then.
            super().parse_command_line(theirs)
        # argparse exits 2 with a usage line on a malformed command line: bad input.
        self.args = self.build_parser().parse_args(ours)
        super().parse_command_line(theirs)

    # -- the service, composed as the server extension composes it -----------------

    def sagerun(self) -> SageRun:
        return SageRun(config=self.config)

    def configured_root(self) -> str | None:
        """``c.ServerApp.root_dir``, when the user's server config sets one."""
        server = self.config.get("ServerApp", {})
        root = server.get("root_dir") if hasattr(server, "get") else None
        return str(root) if root else None

    def make_service(self, root: str) -> RunService:
        settings = self.sagerun()
        config = settings.context_config()
        # Found (or started) on first use: a request refused before it needs a backend
        # does not start one.
        local = (
            Once(lambda: ensure_local_backend(LocalBackend(config=self.config)))
            if resolve_backend(config, os.environ).value == "local"
            else None
        )

        def provider(domain_id: str | None, project_id: str | None) -> RunContext:
            return resolve_context(
                config,
                request_domain_id=domain_id,
                request_project_id=project_id,
                local=local.get() if local is not None else None,
            )

        # allow_hidden: the user names the file on their own command line; the hidden
        # check exists for what a server exposes to a browser.
        return build_service(settings, provider, root, allow_hidden=True, logger=self.log)

    # -- running ---------------------------------------------------------------------

    def run_command(self) -> int:
        raise NotImplementedError

    def start(self) -> None:
        try:
            code = self.run_command()
        except SageRunError as exc:
            print_error(exc)
            code = EXIT_BAD_INPUT if exc.status in (400, 404) else EXIT_FAILED
        except KeyboardInterrupt:
            print("\nInterrupted.", file=sys.stderr)
            code = EXIT_INTERRUPTED
        except Exception as exc:
            # Not one we expected: no traceback for the user (it could quote a request),
            # the type and a way to see more.
            self.log.debug("unexpected error", exc_info=True)
            print(
                f"jupyter sagerun: unexpected error ({type(exc).__name__}); "
                "run again with --debug for details.",
                file=sys.stderr,
            )
            code = EXIT_FAILED
        self.exit(code)
