"""`GET sagerun/context` in an SMUS space: values from the metadata file and config,
each with its source. (Local mode is in test_rest_local_backend.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from traitlets.config import Config

from testkit.config import sagerun_config
from testkit.rest import Api

pytestmark = pytest.mark.timeout(60)

METADATA = {
    "AppType": "JupyterLab",
    "DomainId": "d-abcdefghijkl",
    "SpaceName": "default-space",
    "AdditionalMetadata": {
        "DataZoneDomainId": "dzd_meta123",
        "DataZoneProjectId": "projmeta",
        "DataZoneDomainRegion": "eu-central-1",
        "DataZoneEndpoint": "https://datazone.eu-central-1.api.aws",
        "ProjectS3Path": "s3://amazon-sagemaker-111122223333-eu-central-1-x/dzd_meta123/projmeta/dev",
        "PrivateSubnets": "subnet-0a1,subnet-0b2",
        "SecurityGroup": "sg-0c3",
    },
}


@pytest.fixture
def jp_server_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    metadata = tmp_path / "resource-metadata.json"
    metadata.write_text(json.dumps(METADATA))
    aws_config = tmp_path / "aws-config"
    aws_config.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_config))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    return sagerun_config(
        tmp_path,
        sagerun={"backend": "auto", "metadata_path": str(metadata), "region": "eu-central-1"},
    )


async def test_context_from_smus_metadata_and_config(api: Api, sagerun_app: object) -> None:
    status, context = await api("GET", "context")
    assert status == 200, context
    assert sagerun_app.backend_locator is None  # type: ignore[attr-defined]  # no local backend
    assert context["backend"] == "aws"
    assert context["domainId"] == "dzd_meta123"
    assert context["projectId"] == "projmeta"
    assert context["region"] == "eu-central-1"
    assert context["endpointUrl"] == "https://datazone.eu-central-1.api.aws"
    assert context["stagingS3Uri"] == (
        "s3://amazon-sagemaker-111122223333-eu-central-1-x/dzd_meta123/projmeta/dev/"
        "sagerun-staging/"
    )
    assert context["vpc"] == {
        "subnetIds": ["subnet-0a1", "subnet-0b2"],
        "securityGroupIds": ["sg-0c3"],
    }
    sources = context["sources"]
    assert sources["backend"] == "metadata"
    assert sources["domainId"] == "metadata"
    assert sources["projectId"] == "metadata"
    assert sources["region"] == "config"
    assert sources["stagingS3Uri"] == "metadata"
    assert "credentials" not in json.dumps(context).lower()


async def test_request_overrides_the_project(api: Api) -> None:
    status, context = await api("GET", "context", params={"projectId": "otherproj"})
    assert status == 200, context
    assert (context["projectId"], context["sources"]["projectId"]) == ("otherproj", "request")
    # The space's S3 path belongs to its own project, not to one chosen in the UI.
    assert context["stagingS3Uri"] is None
