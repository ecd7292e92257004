"""``jupyter sagerun run NOTEBOOK``: sync, start, and optionally wait and download."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..aws.validation import operation_model
from ..core.errors import FieldError, SageRunError, validation_error
from ..core.model_defaults import DEFAULT_RUN_TIMEOUT_MINUTES
from ..runs.models import StartRunBody, parse
from .base import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, CommandApp
from .follow import Detached, follow
from .output import FORMATS, check_target, download_output, written
from .paths import locate
from .render import follow_hint, print_json

NETWORKS = {"public": "PUBLIC_INTERNET_ONLY", "vpc": "VPC_ONLY"}

DESCRIPTION = """\
Run a notebook on the configured backend (SMUS, or the local backend on this machine).
The notebook is uploaded to the project when its content changed since it last ran,
then started. With --wait, follow the run and exit 0 when it SUCCEEDED, 1 otherwise.
"""


def _timeout_help() -> str:
    # The limits are the model's, the default what its documentation states.
    timeout = operation_model("StartNotebookRun").input_shape.members["timeoutConfiguration"]
    limits = timeout.members["runTimeoutInMinutes"].metadata
    return f"run timeout ({limits['min']}-{limits['max']}; default {DEFAULT_RUN_TIMEOUT_MINUTES})"


def add_run_options(p: argparse.ArgumentParser) -> None:
    """The run settings (compute, timeout, parameters, packages, network, metadata):
    ``run``'s, and a schedule's."""
    p.add_argument("--instance-type", metavar="T", help="compute, e.g. ml.m5.large")
    p.add_argument("--environment-version", metavar="V", help="SMUS image version")
    p.add_argument("--timeout", metavar="MINUTES", type=int, help=_timeout_help())
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        default=[],
        help="a notebook parameter (repeatable); JSON values arrive decoded",
    )
    p.add_argument(
        "--requirements",
        metavar="FILE",
        help="the run's packages, requirements.txt style (what uv accepts); - reads stdin",
    )
    p.add_argument(
        "--image-version",
        metavar="V",
        help="the environment's image version (environmentConfiguration.imageVersion)",
    )
    p.add_argument("--network", choices=sorted(NETWORKS), help="network access")
    p.add_argument("--vpc-id", metavar="ID")
    p.add_argument("--subnet", action="append", default=[], metavar="ID")
    p.add_argument("--security-group", action="append", default=[], metavar="ID")
    p.add_argument("--metadata", nargs=2, action="append", default=[], metavar=("KEY", "VALUE"))


class RunApp(CommandApp):
    name = "jupyter-sagerun-run"
    description = DESCRIPTION
    command = "jupyter sagerun run"

    def build_parser(self) -> argparse.ArgumentParser:
        p = self.new_parser(DESCRIPTION)
        p.add_argument("notebook", metavar="NOTEBOOK", help="the .ipynb file to run")
        add_run_options(p)
        p.add_argument("--client-token", metavar="T", help="makes a retried command idempotent")
        p.add_argument("--wait", action="store_true", help="follow the run to its end")
        p.add_argument(
            "--output",
            metavar="PATH",
            help="write the executed notebook to PATH (implies --wait)",
        )
        p.add_argument(
            "--format",
            choices=sorted(FORMATS),
            default="ipynb",
            help="what --output writes: the executed notebook (ipynb) or a PDF of it",
        )
        p.add_argument("--force", action="store_true", help="let --output overwrite PATH")
        p.add_argument("--json", action="store_true", help="print the run as JSON")
        p.add_argument(
            "--poll-interval", type=float, default=2.0, metavar="S", help=argparse.SUPPRESS
        )
        return p

    def body(self, rel_path: str) -> StartRunBody:
        a = self.args
        data: dict[str, Any] = {"path": rel_path}
        compute = {"instanceType": a.instance_type, "environmentVersion": a.environment_version}
        compute = {k: v for k, v in compute.items() if v is not None}
        if compute:
            data["computeConfiguration"] = compute
        if a.timeout is not None:
            data["timeoutConfiguration"] = {"runTimeoutInMinutes": a.timeout}
        if a.network or a.vpc_id or a.subnet or a.security_group:
            # VPC settings without --network can only mean a VPC run.
            network: dict[str, Any] = {"networkAccessType": NETWORKS[a.network or "vpc"]}
            if a.vpc_id:
                network["vpcId"] = a.vpc_id
            if a.subnet:
                network["subnetIds"] = a.subnet
            if a.security_group:
                network["securityGroupIds"] = a.security_group
            data["networkConfiguration"] = network
        environment = self.environment()
        if environment:
            data["environmentConfiguration"] = environment
        if a.parameter:
            data["parameters"] = dict(a.parameter)
        if a.metadata:
            data["metadata"] = dict(a.metadata)
        if a.client_token is not None:
            data["clientToken"] = a.client_token
        return parse(StartRunBody, data)

    def environment(self) -> dict[str, Any]:
        """``environmentConfiguration`` from --requirements and --image-version."""
        a = self.args
        out: dict[str, Any] = {}
        if a.image_version is not None:
            out["imageVersion"] = a.image_version
        if a.requirements is not None:
            out["packageConfig"] = {
                "packageManager": "UV",
                "packageSpecification": read_requirements(a.requirements),
            }
        return out

    def run_command(self) -> int:
        a = self.args
        target = None
        if a.output is not None:
            # Refused before the run starts: a result with nowhere to go is wasted compute.
            target = check_target(a.output, a.force)
        root, rel_path = locate(a.notebook, self.configured_root())
        if not rel_path.endswith(".ipynb"):
            raise validation_error([FieldError("path", "must name a .ipynb notebook")])
        service = self.make_service(root)
        run = service.start_run(self.body(rel_path))
        run_id = str(run["id"])
        if not (a.wait or target):
            if a.json:
                print_json(run)
            else:
                print(f"Started run {run_id} of {rel_path} ({run.get('status')}).")
                print(follow_hint(run_id))
            return EXIT_OK
        try:
            run = follow(lambda: service.get_run(run_id), run, sys.stderr, interval=a.poll_interval)
        except Detached:
            print(f"Stopped following run {run_id}; it goes on.", file=sys.stderr)
            print(follow_hint(run_id), file=sys.stderr)
            return EXIT_INTERRUPTED
        status = run.get("status")
        if target and status in ("SUCCEEDED", "FAILED"):
            try:
                origin = download_output(service, run_id, target, a.format)
                run = {**run, "outputPath": target}
                if not a.json:
                    print(written(run_id, target, origin), file=sys.stderr)
            except SageRunError as exc:
                if status == "SUCCEEDED":
                    raise
                # A failed run may have no result; its own error matters more.
                print(f"(no executed notebook: {exc.message})", file=sys.stderr)
        if a.json:
            print_json(run)
        if status == "SUCCEEDED":
            if not a.json:
                print(f"Run {run_id} SUCCEEDED.")
            return EXIT_OK
        message = (run.get("error") or {}).get("message") or "no reason given"
        print(f"jupyter sagerun: run {run_id} {status}: {message}", file=sys.stderr)
        return EXIT_FAILED


def read_requirements(source: str) -> str:
    """The text of a requirements file, or of standard input for ``-``."""
    if source == "-":
        return sys.stdin.read()
    try:
        with open(source, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise validation_error(
            [FieldError("requirements", f"cannot read {source}: {reason}")]
        ) from None
