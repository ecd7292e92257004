"""Context resolution: every value, its source, and the order in which sources win."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_sagerun.core.credentials import Credentials
from jupyter_sagerun.core.target import AwsTarget
from jupyter_sagerun.runs.context import (
    ContextConfig,
    LocalEndpoints,
    ResolvedValue,
    read_space_metadata,
    resolve_backend,
    resolve_context,
)

# As SMUS writes it in a space (values made up, shape and key names real).
SMUS_METADATA: dict[str, Any] = {
    "AppType": "JupyterLab",
    "DomainId": "d-abcdefghijkl",
    "SpaceName": "default-space",
    "UserProfileName": "user-1a2b3c",
    "ExecutionRoleArn": "arn:aws:iam::111122223333:role/datazone_usr_role_proj42_dev",
    "ResourceArn": "arn:aws:sagemaker:eu-central-1:111122223333:app/d-abcdefghijkl/x",
    "ResourceName": "default",
    "AppImageVersion": "2.6",
    "AdditionalMetadata": {
        "DataZoneDomainId": "dzd_smus42",
        "DataZoneProjectId": "proj42",
        "DataZoneDomainRegion": "eu-central-1",
        "DataZoneEndpoint": "https://datazone.eu-central-1.api.aws",
        "DataZoneEnvironmentId": "env123",
        "DataZoneScopeName": "dev",
        "DataZoneStage": "prod",
        "DataZoneUserId": "user-1a2b3c",
        "PrivateSubnets": "subnet-0aaa,subnet-0bbb, subnet-0ccc",
        "SecurityGroup": "sg-0123",
        "ProjectS3Path": "s3://amazon-sagemaker-111122223333-eu-central-1-xyz/dzd_smus42/proj42/dev/",
        "ProjectSharedDirectory": "/home/sagemaker-user/shared",
    },
    "ResourceArnCaseSensitive": "arn:aws:sagemaker:eu-central-1:111122223333:app/x",
}

LOCAL = LocalEndpoints(
    endpoint_url="http://127.0.0.1:5001",
    s3_endpoint_url="http://127.0.0.1:5002",
    staging_s3_uri="s3://sagerun-local/staging/",
    credentials=Credentials.fresh(),
)


@pytest.fixture
def metadata_file(tmp_path: Path) -> Path:
    path = tmp_path / "resource-metadata.json"
    path.write_text(json.dumps(SMUS_METADATA))
    return path


@pytest.fixture
def no_aws_config(tmp_path: Path) -> Path:
    return tmp_path / "absent-aws-config"


def config(meta: Path | str, aws_config: Path, **traits: Any) -> ContextConfig:
    return ContextConfig(metadata_path=str(meta), aws_config_file=str(aws_config), **traits)


def test_smus_space_fills_everything(metadata_file: Path, no_aws_config: Path) -> None:
    ctx = resolve_context(config(metadata_file, no_aws_config), environ={})
    assert ctx.backend == "aws"
    assert (ctx.domain_id, ctx.project_id, ctx.region) == ("dzd_smus42", "proj42", "eu-central-1")
    assert ctx.endpoint_url == "https://datazone.eu-central-1.api.aws"
    assert ctx.staging_s3_uri == (
        "s3://amazon-sagemaker-111122223333-eu-central-1-xyz/dzd_smus42/proj42/dev/sagerun-staging/"
    )
    assert ctx.profile is None and ctx.s3_endpoint_url is None
    assert ctx.subnet_ids == ["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"]
    assert ctx.security_group_ids == ["sg-0123"]
    assert ctx.sources == {
        "backend": "metadata",
        "domainId": "metadata",
        "projectId": "metadata",
        "region": "metadata",
        "profile": "default",
        "endpointUrl": "metadata",
        "s3EndpointUrl": "default",
        "stagingS3Uri": "metadata",
    }
    assert ctx.target == AwsTarget(
        region="eu-central-1", endpoint_url="https://datazone.eu-central-1.api.aws"
    )


def test_request_beats_config_beats_metadata_beats_environment(
    metadata_file: Path, no_aws_config: Path
) -> None:
    env = {"DataZoneDomainId": "dzd_env", "DataZoneProjectId": "envproj", "AWS_REGION": "us-west-2"}
    cfg = config(metadata_file, no_aws_config, domain_id="dzd_cfg", region="ap-south-1")
    ctx = resolve_context(cfg, request_project_id="reqproj", environ=env)
    assert (ctx.domain_id, ctx.sources["domainId"]) == ("dzd_cfg", "config")
    assert (ctx.project_id, ctx.sources["projectId"]) == ("reqproj", "request")
    assert (ctx.region, ctx.sources["region"]) == ("ap-south-1", "config")
    ctx = resolve_context(cfg, request_domain_id="dzd_req", environ=env)
    assert (ctx.domain_id, ctx.sources["domainId"]) == ("dzd_req", "request")
    assert (ctx.project_id, ctx.sources["projectId"]) == ("proj42", "metadata")


def test_a_blank_request_id_is_no_request_id(metadata_file: Path, no_aws_config: Path) -> None:
    cfg = config(metadata_file, no_aws_config, domain_id="dzd_cfg")
    ctx = resolve_context(cfg, request_domain_id="  ", request_project_id="", environ={})
    assert (ctx.domain_id, ctx.sources["domainId"]) == ("dzd_cfg", "config")
    assert (ctx.project_id, ctx.sources["projectId"]) == ("proj42", "metadata")


def test_environment_when_there_is_no_metadata(tmp_path: Path, no_aws_config: Path) -> None:
    env = {
        "DataZoneDomainId": "dzd_env",
        "DataZoneProjectId": "envproj",
        "DataZoneDomainRegion": "sa-east-1",
        "ProjectS3Path": "s3://bucket/envproj",
        "AWS_REGION": "us-west-2",
    }
    ctx = resolve_context(config(tmp_path / "absent.json", no_aws_config), environ=env)
    assert ctx.backend == "aws" and ctx.sources["backend"] == "environment"
    assert (ctx.domain_id, ctx.project_id, ctx.region) == ("dzd_env", "envproj", "sa-east-1")
    assert ctx.staging_s3_uri == "s3://bucket/envproj/sagerun-staging/"
    assert {ctx.sources[k] for k in ("domainId", "projectId", "region", "stagingS3Uri")} == {
        "environment"
    }
    assert ctx.endpoint_url is None and ctx.subnet_ids == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"}, "us-west-2"),
        ({"AWS_DEFAULT_REGION": "eu-west-1"}, "eu-west-1"),
        ({}, "us-east-1"),
    ],
)
def test_region_falls_back_to_aws_variables(
    tmp_path: Path, no_aws_config: Path, env: dict[str, str], expected: str
) -> None:
    cfg = config(tmp_path / "absent.json", no_aws_config, backend="aws", domain_id="dzd_x")
    ctx = resolve_context(cfg, environ=env)
    assert ctx.region == expected
    assert ctx.sources["region"] == ("environment" if env else "default")


def test_region_of_the_chosen_profile(tmp_path: Path) -> None:
    aws_config = tmp_path / "config"
    aws_config.write_text("[default]\nregion = us-east-2\n[profile team]\nregion = eu-north-1\n")
    cfg = config(tmp_path / "absent.json", aws_config, backend="aws", profile="team")
    assert resolve_context(cfg, environ={}).region == "eu-north-1"
    cfg = config(tmp_path / "absent.json", aws_config, backend="aws")
    assert resolve_context(cfg, environ={}).region == "us-east-2"


def test_config_staging_and_endpoints_win(metadata_file: Path, no_aws_config: Path) -> None:
    cfg = config(
        metadata_file,
        no_aws_config,
        staging_s3_uri="s3://mine/prefix/",
        endpoint_url="https://dz.example",
        s3_endpoint_url="https://s3.example",
        profile="team",
    )
    ctx = resolve_context(cfg, environ={})
    assert (ctx.staging_s3_uri, ctx.sources["stagingS3Uri"]) == ("s3://mine/prefix/", "config")
    assert (ctx.endpoint_url, ctx.sources["endpointUrl"]) == ("https://dz.example", "config")
    assert ctx.s3_endpoint_url == "https://s3.example" and ctx.sources["s3EndpointUrl"] == "config"
    assert (ctx.profile, ctx.sources["profile"]) == ("team", "config")
    assert ctx.target.profile == "team" and not ctx.target.static_credentials


def test_project_s3_path_serves_only_its_own_project(
    metadata_file: Path, no_aws_config: Path
) -> None:
    ctx = resolve_context(
        config(metadata_file, no_aws_config), request_project_id="other", environ={}
    )
    assert ctx.staging_s3_uri is None and ctx.sources["stagingS3Uri"] == "default"


def test_domain_execution_role_profile_is_preferred_in_a_space(
    metadata_file: Path, tmp_path: Path
) -> None:
    aws_config = tmp_path / "config"
    aws_config.write_text(
        "[default]\nregion = us-east-1\n"
        "[profile DomainExecutionRoleCreds]\ncredential_process = /opt/creds\n"
    )
    ctx = resolve_context(config(metadata_file, aws_config), environ={"AWS_PROFILE": "mine"})
    assert (ctx.profile, ctx.sources["profile"]) == ("DomainExecutionRoleCreds", "metadata")
    assert ctx.target.profile == "DomainExecutionRoleCreds"
    # An explicit profile still wins.
    ctx = resolve_context(config(metadata_file, aws_config, profile="team"), environ={})
    assert (ctx.profile, ctx.sources["profile"]) == ("team", "config")


def test_domain_execution_role_profile_needs_a_space(tmp_path: Path) -> None:
    aws_config = tmp_path / "config"
    aws_config.write_text("[profile DomainExecutionRoleCreds]\nregion = us-east-1\n")
    cfg = config(tmp_path / "absent.json", aws_config, backend="aws")
    assert resolve_context(cfg, environ={}).profile is None
    ctx = resolve_context(cfg, environ={"AWS_PROFILE": "mine"})
    assert (ctx.profile, ctx.sources["profile"]) == ("mine", "environment")


def test_aws_config_file_from_the_environment(metadata_file: Path, tmp_path: Path) -> None:
    aws_config = tmp_path / "elsewhere"
    aws_config.write_text("[profile DomainExecutionRoleCreds]\n")
    cfg = ContextConfig(metadata_path=str(metadata_file))
    ctx = resolve_context(cfg, environ={"AWS_CONFIG_FILE": str(aws_config)})
    assert ctx.profile == "DomainExecutionRoleCreds"


def test_auto_is_local_without_domain_and_project(tmp_path: Path, no_aws_config: Path) -> None:
    cfg = config(tmp_path / "absent.json", no_aws_config, domain_id="dzd_only")
    assert resolve_backend(cfg, {}) == ResolvedValue("local", "default")
    assert resolve_backend(cfg, {"DataZoneProjectId": "p"}) == ResolvedValue("aws", "config")
    assert resolve_backend(config(tmp_path / "absent.json", no_aws_config), {}).value == "local"


def test_explicit_backend_wins(metadata_file: Path, no_aws_config: Path) -> None:
    assert resolve_backend(config(metadata_file, no_aws_config, backend="local"), {}) == (
        ResolvedValue("local", "config")
    )
    with pytest.raises(ValueError, match="auto, aws or local"):
        resolve_backend(config(metadata_file, no_aws_config, backend="cloud"), {})


def test_local_backend_values(tmp_path: Path, no_aws_config: Path) -> None:
    env = {"AWS_REGION": "eu-west-1", "AWS_PROFILE": "mine", "DataZoneDomainId": "dzd_env"}
    cfg = config(tmp_path / "absent.json", no_aws_config)
    ctx = resolve_context(cfg, local=LOCAL, environ=env)
    assert ctx.to_json() == {
        "backend": "local",
        "domainId": "dzd_local",
        "projectId": "local",
        "region": "us-east-1",
        "profile": None,
        "stagingS3Uri": "s3://sagerun-local/staging/",
        "endpointUrl": "http://127.0.0.1:5001",
        "s3EndpointUrl": "http://127.0.0.1:5002",
        "sources": {
            "backend": "default",
            "domainId": "local",
            "projectId": "local",
            "region": "local",
            "profile": "local",
            "endpointUrl": "local",
            "s3EndpointUrl": "local",
            "stagingS3Uri": "local",
        },
        "vpc": {"subnetIds": [], "securityGroupIds": []},
    }
    assert ctx.target == AwsTarget(
        region="us-east-1",
        endpoint_url="http://127.0.0.1:5001",
        s3_endpoint_url="http://127.0.0.1:5002",
    )
    # The connection file's key pair signs the calls, and is shown nowhere.
    assert LOCAL.credentials is not None
    assert ctx.target.credentials == LOCAL.credentials
    shown = json.dumps(ctx.to_json()) + repr(ctx) + repr(ctx.target) + repr(LOCAL)
    assert LOCAL.credentials.secret_access_key not in shown
    assert LOCAL.credentials.access_key_id not in shown


def test_local_backend_request_and_config_override(
    metadata_file: Path, no_aws_config: Path
) -> None:
    cfg = config(metadata_file, no_aws_config, backend="local", project_id="cfgproj", profile="p")
    ctx = resolve_context(cfg, request_domain_id="dzd_req", local=LOCAL, environ={})
    assert (ctx.domain_id, ctx.sources["domainId"]) == ("dzd_req", "request")
    assert (ctx.project_id, ctx.sources["projectId"]) == ("cfgproj", "config")
    # The space's SMUS values never leak into a local run.
    assert ctx.region == "us-east-1" and ctx.subnet_ids == []
    assert ctx.target.profile is None and ctx.target.static_credentials


def test_local_backend_not_started_yet(tmp_path: Path, no_aws_config: Path) -> None:
    ctx = resolve_context(config(tmp_path / "absent.json", no_aws_config), environ={})
    assert (ctx.backend, ctx.region, ctx.sources["region"]) == ("local", "us-east-1", "default")
    assert ctx.endpoint_url is None and ctx.domain_id is None


@pytest.mark.parametrize(
    "content",
    ["", "{not json", "[1, 2]", '"text"', '{"AdditionalMetadata": "nope"}', b"\xff\xfe\x00"],
)
def test_bad_metadata_file_is_ignored(
    tmp_path: Path, no_aws_config: Path, content: str | bytes
) -> None:
    path = tmp_path / "resource-metadata.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    data = read_space_metadata(str(path))
    assert data in ({}, {"AdditionalMetadata": "nope"})
    ctx = resolve_context(config(path, no_aws_config), environ={})
    assert ctx.backend == "local" and ctx.domain_id is None


def test_unreadable_metadata_paths(tmp_path: Path) -> None:
    assert read_space_metadata(str(tmp_path / "absent.json")) == {}
    assert read_space_metadata(str(tmp_path)) == {}  # a directory


def test_metadata_lists_and_blanks(tmp_path: Path, no_aws_config: Path) -> None:
    extra = dict(SMUS_METADATA["AdditionalMetadata"])
    extra.update(PrivateSubnets=["subnet-1", " ", "subnet-2"], SecurityGroup="", ProjectS3Path=" ")
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"AdditionalMetadata": extra}))
    ctx = resolve_context(config(path, no_aws_config), environ={"ProjectS3Path": "s3://b/p"})
    assert ctx.subnet_ids == ["subnet-1", "subnet-2"] and ctx.security_group_ids == []
    # The blank metadata path does not count; the environment's serves proj42 too.
    assert (ctx.staging_s3_uri, ctx.sources["stagingS3Uri"]) == (
        "s3://b/p/sagerun-staging/",
        "environment",
    )
