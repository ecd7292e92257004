"""Where a run goes, and why: backend, domain, project, region, profile, staging URI.

Each value is resolved on its own, first hit wins (DESIGN §4): the request, the
``SageRun`` config traits, the SMUS space metadata file, the environment. Every value
carries its source, because the UI shows the user where a run goes and what decided it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..core.credentials import Credentials
from ..core.ids import LOCAL_DOMAIN_ID, LOCAL_PROJECT_ID
from ..core.target import AwsTarget

DEFAULT_REGION = "us-east-1"
SMUS_PROFILE = "DomainExecutionRoleCreds"
STAGING_SUFFIX = "sagerun-staging/"

# JSON name of each resolved value, in the order the UI lists them.
KEYS = (
    "backend",
    "domainId",
    "projectId",
    "region",
    "profile",
    "endpointUrl",
    "s3EndpointUrl",
    "stagingS3Uri",
)


#: Where an SMUS space describes itself (domain, project, region, S3 path, VPC).
METADATA_PATH = "/opt/ml/metadata/resource-metadata.json"


@dataclass(frozen=True)
class ResolvedValue:
    value: Any
    source: str  # "request" | "config" | "metadata" | "environment" | "default" | "local"


@dataclass(frozen=True)
class ContextConfig:
    backend: str = "auto"
    domain_id: str | None = None
    project_id: str | None = None
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    staging_s3_uri: str | None = None
    metadata_path: str = METADATA_PATH
    aws_config_file: str | None = None


@dataclass(frozen=True)
class LocalEndpoints:
    """A local backend: where it listens and the credentials its connection file gives
    (never in a repr, never in ``GET sagerun/context``, never logged)."""

    endpoint_url: str
    s3_endpoint_url: str
    staging_s3_uri: str
    region: str = DEFAULT_REGION
    domain_id: str = LOCAL_DOMAIN_ID
    project_id: str = LOCAL_PROJECT_ID
    credentials: Credentials | None = field(default=None, repr=False, compare=False)
    #: Its EventBridge Scheduler ("" from a backend older than schedules).
    scheduler_endpoint_url: str = ""


@dataclass(frozen=True)
class RunContext:
    backend: str
    domain_id: str | None
    project_id: str | None
    region: str
    profile: str | None
    endpoint_url: str | None
    s3_endpoint_url: str | None
    staging_s3_uri: str | None
    sources: dict[str, str]
    subnet_ids: list[str]
    security_group_ids: list[str]
    #: The local backend's credentials (local only; not part of ``to_json``).
    credentials: Credentials | None = field(default=None, repr=False, compare=False)
    #: The local backend's EventBridge Scheduler (local only; None: AWS's own).
    scheduler_endpoint_url: str | None = None

    @cached_property
    def target(self) -> AwsTarget:
        """Where and as whom this context's calls go, made once per context (every call
        of a request reads it)."""
        local = self.backend == "local"
        return AwsTarget(
            region=self.region,
            # The local backend gets its own keys; a profile there could only leak intent.
            profile=None if local else self.profile,
            endpoint_url=self.endpoint_url,
            s3_endpoint_url=self.s3_endpoint_url,
            scheduler_endpoint_url=self.scheduler_endpoint_url if local else None,
            # Never the user's: an empty pair if no connection file gave one, which the
            # backend refuses (403, mapped to 401) rather than anything reading ~/.aws.
            credentials=(self.credentials or Credentials("", "")) if local else None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "domainId": self.domain_id,
            "projectId": self.project_id,
            "region": self.region,
            "profile": self.profile,
            "stagingS3Uri": self.staging_s3_uri,
            "endpointUrl": self.endpoint_url,
            "s3EndpointUrl": self.s3_endpoint_url,
            "sources": dict(self.sources),
            "vpc": {
                "subnetIds": list(self.subnet_ids),
                "securityGroupIds": list(self.security_group_ids),
            },
        }


def blank_to_none(value: str | None) -> str | None:
    """An empty or all-space setting or request value is no value: the next source
    decides (``?domainId=`` from a form with the field left empty, say)."""
    return value if value and value.strip() else None


def read_space_metadata(path: str) -> dict[str, Any]:
    """The SMUS space metadata, or ``{}`` outside a space or when the file is unusable:
    a broken file must not stop the extension from loading."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _additional(metadata: Mapping[str, Any], key: str) -> Any:
    extra = metadata.get("AdditionalMetadata")
    return extra.get(key) if isinstance(extra, Mapping) else None


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _id_list(value: Any) -> list[str]:
    # SMUS writes "subnet-a,subnet-b"; accept a JSON list too.
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        return []
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


Candidate = tuple[str, Callable[[], Any]]


def _first(*candidates: Candidate) -> ResolvedValue:
    """The first candidate with a non-blank value. Candidates are thunks so that a
    file is read only when nothing before it answered."""
    for source, get in candidates:
        value = _text(get())
        if value is not None:
            return ResolvedValue(value, source)
    return ResolvedValue(None, "default")


def _has_profile(config_file: str, name: str) -> bool:
    # A regex, not configparser: one malformed line elsewhere in ~/.aws/config must not
    # hide the section we look for.
    pattern = re.compile(rf"^\s*\[\s*profile\s+{re.escape(name)}\s*\]\s*$", re.MULTILINE)
    try:
        with open(config_file, encoding="utf-8", errors="replace") as handle:
            return bool(pattern.search(handle.read()))
    except OSError:
        return False


def _profile_region(config_file: str, profile: str | None) -> str | None:
    """The ``region`` of a profile in the AWS config file, as boto3 would use it."""
    header = "default" if not profile or profile == "default" else f"profile {profile}"
    try:
        with open(config_file, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    inside = False
    for line in lines:
        section = re.fullmatch(r"\s*\[\s*(.+?)\s*\]\s*", line)
        if section:
            inside = re.sub(r"\s+", " ", section.group(1)) == header
        elif inside:
            match = re.fullmatch(r"\s*region\s*=\s*(\S+)\s*", line)
            if match:
                return match.group(1)
    return None


def _aws_config_file(config: ContextConfig, environ: Mapping[str, str]) -> str:
    path = config.aws_config_file or environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
    return os.path.expanduser(path)


def _backend(
    config: ContextConfig, environ: Mapping[str, str], metadata: Mapping[str, Any]
) -> ResolvedValue:
    if config.backend in ("aws", "local"):
        return ResolvedValue(config.backend, "config")
    if config.backend != "auto":
        raise ValueError(f"SageRun.backend must be auto, aws or local, not {config.backend!r}")
    domain = _first(
        ("config", lambda: config.domain_id),
        ("metadata", lambda: _additional(metadata, "DataZoneDomainId")),
        ("environment", lambda: environ.get("DataZoneDomainId")),
    )
    project = _first(
        ("config", lambda: config.project_id),
        ("metadata", lambda: _additional(metadata, "DataZoneProjectId")),
        ("environment", lambda: environ.get("DataZoneProjectId")),
    )
    if domain.value and project.value:
        # The source of the decision is wherever the domain was found.
        return ResolvedValue("aws", domain.source)
    return ResolvedValue("local", "default")


def resolve_backend(config: ContextConfig, environ: Mapping[str, str]) -> ResolvedValue:
    """``auto`` means aws when a domain and a project are configured or found."""
    return _backend(config, environ, read_space_metadata(config.metadata_path))


def resolve_context(
    config: ContextConfig,
    *,
    request_domain_id: str | None = None,
    request_project_id: str | None = None,
    local: LocalEndpoints | None = None,
    environ: Mapping[str, str] | None = None,
) -> RunContext:
    env: Mapping[str, str] = os.environ if environ is None else environ
    request_domain_id = blank_to_none(request_domain_id)
    request_project_id = blank_to_none(request_project_id)
    metadata = read_space_metadata(config.metadata_path)
    backend = _backend(config, env, metadata)
    if backend.value == "local":
        values = _resolve_local(config, request_domain_id, request_project_id, local)
        subnets: list[str] = []
        groups: list[str] = []
    else:
        values = _resolve_aws(config, request_domain_id, request_project_id, env, metadata)
        subnets = _id_list(_additional(metadata, "PrivateSubnets"))
        groups = _id_list(_additional(metadata, "SecurityGroup"))
    values["backend"] = backend
    region = values["region"]
    return RunContext(
        backend=backend.value,
        domain_id=values["domainId"].value,
        project_id=values["projectId"].value,
        region=region.value or DEFAULT_REGION,
        profile=values["profile"].value,
        endpoint_url=values["endpointUrl"].value,
        s3_endpoint_url=values["s3EndpointUrl"].value,
        staging_s3_uri=values["stagingS3Uri"].value,
        sources={key: values[key].source for key in KEYS},
        subnet_ids=subnets,
        security_group_ids=groups,
        credentials=local.credentials if backend.value == "local" and local else None,
        scheduler_endpoint_url=(
            (local.scheduler_endpoint_url or None) if backend.value == "local" and local else None
        ),
    )


def _resolve_local(
    config: ContextConfig,
    request_domain_id: str | None,
    request_project_id: str | None,
    local: LocalEndpoints | None,
) -> dict[str, ResolvedValue]:
    # The space's metadata and environment describe SMUS, not the local backend: only
    # what the user chose (request, config) overrides the local backend's own values.
    def pick(request: str | None, configured: str | None, own: str) -> ResolvedValue:
        return _first(
            ("request", lambda: request),
            ("config", lambda: configured),
            ("local", lambda: getattr(local, own, None)),
        )

    return {
        "domainId": pick(request_domain_id, config.domain_id, "domain_id"),
        "projectId": pick(request_project_id, config.project_id, "project_id"),
        "region": pick(None, config.region, "region"),
        "profile": ResolvedValue(None, "local"),
        # The backend's own addresses, from its connection file: endpoint_url and
        # s3_endpoint_url in config are the aws backend's.
        "endpointUrl": pick(None, None, "endpoint_url"),
        "s3EndpointUrl": pick(None, None, "s3_endpoint_url"),
        "stagingS3Uri": pick(None, config.staging_s3_uri, "staging_s3_uri"),
    }


def _resolve_aws(
    config: ContextConfig,
    request_domain_id: str | None,
    request_project_id: str | None,
    env: Mapping[str, str],
    metadata: Mapping[str, Any],
) -> dict[str, ResolvedValue]:
    def smus(key: str) -> Callable[[], Any]:
        return lambda: _additional(metadata, key)

    def staging(path: Any, owner: Any) -> str | None:
        # ProjectS3Path is the space's own project's; another project chosen in the UI
        # may not be allowed to read it, so it serves only its own project.
        base = _text(path)
        if not base or (_text(owner) and _text(owner) != project.value):
            return None
        return f"{base.rstrip('/')}/{STAGING_SUFFIX}"

    aws_config = _aws_config_file(config, env)
    in_space = os.path.isfile(config.metadata_path)
    profile = _first(
        ("config", lambda: config.profile),
        # AWS's own tools in an SMUS space use the domain execution role's profile.
        (
            "metadata",
            lambda: SMUS_PROFILE if in_space and _has_profile(aws_config, SMUS_PROFILE) else None,
        ),
        # What boto3's default chain would pick anyway, shown so the UI can say so.
        ("environment", lambda: env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE")),
    )
    region = _first(
        ("config", lambda: config.region),
        ("metadata", smus("DataZoneDomainRegion")),
        ("environment", lambda: env.get("DataZoneDomainRegion")),
        ("environment", lambda: env.get("AWS_REGION")),
        ("environment", lambda: env.get("AWS_DEFAULT_REGION")),
        ("environment", lambda: _profile_region(aws_config, profile.value)),
    )
    meta_project = _additional(metadata, "DataZoneProjectId")
    env_project = env.get("DataZoneProjectId")
    project = _first(
        ("request", lambda: request_project_id),
        ("config", lambda: config.project_id),
        ("metadata", lambda: meta_project),
        ("environment", lambda: env_project),
    )
    return {
        "domainId": _first(
            ("request", lambda: request_domain_id),
            ("config", lambda: config.domain_id),
            ("metadata", smus("DataZoneDomainId")),
            ("environment", lambda: env.get("DataZoneDomainId")),
        ),
        "projectId": project,
        "region": region,
        "profile": profile,
        "endpointUrl": _first(
            ("config", lambda: config.endpoint_url),
            ("metadata", smus("DataZoneEndpoint")),
        ),
        "s3EndpointUrl": _first(("config", lambda: config.s3_endpoint_url)),
        "stagingS3Uri": _first(
            ("config", lambda: config.staging_s3_uri),
            ("metadata", lambda: staging(_additional(metadata, "ProjectS3Path"), meta_project)),
            ("environment", lambda: staging(env.get("ProjectS3Path"), env_project)),
        ),
    }
