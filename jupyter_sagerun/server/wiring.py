"""How the pieces compose into a ``RunService``: shared by the server extension and the
``jupyter sagerun`` command, so that a run started from the terminal goes through the
very same settings, gateway, syncer, mapping file and context resolution as one
started in JupyterLab.

``SageRun`` holds the ``c.SageRun.*`` traits. It lives here, not on the
``ExtensionApp``, because importing ``jupyter_server`` costs a command about two
seconds it never uses; the extension inherits the same traits from it.

Also how a client turns the local backend's connection file (``RunningBackend``,
read by ``backend_process``) into the endpoints its context resolves.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_core.paths import jupyter_data_dir
from traitlets import Enum, Float, Int, TraitError, Type, Unicode, default, validate
from traitlets.config import Configurable
from traitlets.utils.importstring import import_item

from ..local.backend import LocalBackend
from ..local.discovery import RunningBackend
from ..runs.context import METADATA_PATH, ContextConfig, LocalEndpoints, blank_to_none
from ..runs.workspace import MAX_NOTEBOOK_BYTES

if TYPE_CHECKING:
    from ..runs.schedules import ScheduleService
    from ..runs.service import ContextProvider, RunService


#: The gateway a SageRun uses unless told otherwise; named, not imported (see below).
DEFAULT_GATEWAY = "jupyter_sagerun.aws.datazone.DataZoneGateway"


class GatewayType(Type):  # type: ignore[type-arg]
    """The trait's help names the default, which the dynamic default imports."""

    def default_value_repr(self) -> str:
        return repr(DEFAULT_GATEWAY)


class SageRun(Configurable):
    """The ``SageRun`` configuration every process that runs notebooks shares: the
    server extension (``app.SageRunExtension`` inherits it, so ``c.SageRun.*`` applies
    there) and each ``jupyter sagerun`` command."""

    backend = Enum(
        ["auto", "aws", "local"],
        "auto",
        config=True,
        help="Where runs go: 'aws' (SMUS through DataZone with your credentials), 'local' "
        "(the local backend, papermill on this machine), or 'auto' (aws when a domain and "
        "project are configured or found in the SMUS space, else local).",
    )
    profile = Unicode(None, allow_none=True, config=True, help="AWS profile for the aws backend.")
    region = Unicode(None, allow_none=True, config=True, help="AWS region of the domain.")
    domain_id = Unicode(
        None, allow_none=True, config=True, help="DataZone domain id (dzd_...) runs go to."
    )
    project_id = Unicode(
        None, allow_none=True, config=True, help="DataZone project id runs belong to."
    )
    endpoint_url = Unicode(
        None,
        allow_none=True,
        config=True,
        help="DataZone endpoint URL for the aws backend (a VPC endpoint, say). The local "
        "backend is always found through its connection file in LocalBackend.state_dir.",
    )
    s3_endpoint_url = Unicode(
        None,
        allow_none=True,
        config=True,
        help="S3 endpoint URL for the aws backend.",
    )
    staging_s3_uri = Unicode(
        None,
        allow_none=True,
        config=True,
        help="s3://bucket/prefix/ where notebooks are uploaded before import. In an SMUS "
        "space it defaults to the project's S3 path.",
    )
    metadata_path = Unicode(
        METADATA_PATH,
        config=True,
        help="The SMUS space metadata file (domain, project, region, S3 path, VPC).",
    )
    state_dir = Unicode(
        config=True,
        help="Directory of the extension's own state (the workspace → SMUS notebook mapping).",
    )
    schedule_role_arn = Unicode(
        None,
        allow_none=True,
        config=True,
        help="IAM role EventBridge Scheduler assumes to start a schedule's runs: it must "
        "trust scheduler.amazonaws.com and allow datazone:StartNotebookRun. In an SMUS "
        "space the project's role from the space metadata is used when this is unset; "
        "without either, schedules are unavailable (the local backend needs none).",
    )
    connect_timeout = Float(5.0, config=True, help="Seconds to connect to AWS endpoints.")
    read_timeout = Float(60.0, config=True, help="Seconds to wait for an AWS answer.")
    max_attempts = Int(3, config=True, help="Attempts per AWS call (botocore standard retry mode).")
    max_notebook_bytes = Int(
        MAX_NOTEBOOK_BYTES, config=True, help="Largest notebook file a run may upload."
    )
    gateway_class = GatewayType(
        config=True,
        help="The class that talks to AWS: a DataZoneGateway (tests swap it).",
    )

    # The gateway's module imports botocore: named here, it would be imported with the
    # traits, at every server's start-up. A dynamic default (and a check) import it at
    # the trait's first read, when build_service makes the gateway.
    @default("gateway_class")
    def _default_gateway_class(self) -> type:
        gateway: type = import_item(DEFAULT_GATEWAY)
        return gateway

    @validate("gateway_class")
    def _check_gateway_class(self, proposal: Any) -> type:
        from ..aws.datazone import DataZoneGateway

        value: type = proposal["value"]
        if not issubclass(value, DataZoneGateway):
            raise TraitError(f"gateway_class must be a DataZoneGateway, not {value!r}")
        return value

    @default("state_dir")
    def _default_state_dir(self) -> str:
        return str(Path(jupyter_data_dir()) / "sagerun")

    def context_config(self) -> ContextConfig:
        return ContextConfig(
            backend=self.backend,
            domain_id=blank_to_none(self.domain_id),
            project_id=blank_to_none(self.project_id),
            region=blank_to_none(self.region),
            profile=blank_to_none(self.profile),
            endpoint_url=blank_to_none(self.endpoint_url),
            s3_endpoint_url=blank_to_none(self.s3_endpoint_url),
            staging_s3_uri=blank_to_none(self.staging_s3_uri),
            metadata_path=self.metadata_path,
        )


def build_service(
    settings: SageRun,
    context_provider: ContextProvider,
    root: str,
    *,
    allow_hidden: bool = False,
    logger: logging.Logger | None = None,
) -> RunService:
    # Imported here, not with the traits: the service brings pydantic and botocore.
    from ..runs.service import RunService
    from ..runs.sync import NotebookSyncer

    gateway = settings.gateway_class(
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        max_attempts=settings.max_attempts,
    )
    # One mapping file (state_dir/notebooks.json) for every process: a notebook run
    # from the terminal is not imported again when JupyterLab runs it, and back.
    syncer = NotebookSyncer(gateway, settings.state_dir, logger=logger)
    return RunService(
        gateway,
        context_provider,
        syncer,
        root,
        max_notebook_bytes=settings.max_notebook_bytes,
        allow_hidden=allow_hidden,
        logger=logger,
    )


def build_schedule_service(settings: SageRun, runs: RunService) -> ScheduleService:
    """The schedules of the run service's projects, through EventBridge Scheduler."""
    from ..aws.scheduler import SchedulerGateway
    from ..runs.schedule_role import RoleChoice
    from ..runs.schedules import ScheduleService

    role = RoleChoice(blank_to_none(settings.schedule_role_arn), settings.metadata_path)
    return ScheduleService(runs, SchedulerGateway(runs.gateway), role)  # type: ignore[arg-type]


def running_endpoints(info: RunningBackend) -> LocalEndpoints:
    """The endpoints of a backend found through discovery or started here."""
    return LocalEndpoints(
        endpoint_url=info.endpoint_url,
        s3_endpoint_url=info.s3_endpoint_url,
        staging_s3_uri=info.staging_s3_uri,
        region=info.region,
        domain_id=LocalBackend.default_domain_id,
        project_id=LocalBackend.default_project_id,
        credentials=info.credentials,
        scheduler_endpoint_url=info.scheduler_endpoint_url,
    )
