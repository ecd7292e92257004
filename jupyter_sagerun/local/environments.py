"""The tooling-environment resource: the project's environments, as far as clients of
SMUS look at them (ListEnvironmentBlueprints, ListEnvironments, GetEnvironment).

Airflow's SMUS notebook hook (and the SMUS execution client) find a project's S3
location this way: the domain's managed blueprint named "Tooling", the project's
environment of that blueprint, and that environment's ``s3BucketPath`` provisioned
resource. The local backend has exactly one such environment per project, made up
on the fly: its id is the project's id (environment ids and project ids are separate
namespaces with the same pattern), and its S3 path is the local S3's project path,
under which each run's results are written (``results.run_results_prefix``).
"""

from __future__ import annotations

from .records import CREATED_BY
from .s3 import REGION, STAGING_BUCKET
from .state import BackendState, Params, Table

TOOLING_BLUEPRINT_ID = "tooling"
TOOLING_NAME = "Tooling"
PROVIDER = "Amazon SageMaker"
#: moto's account: what STS and S3 on the local S3 answer too.
ACCOUNT_ID = "123456789012"
_EPOCH = 0.0


def project_s3_path(domain_id: str, project_id: str) -> str:
    """The project's S3 path, shaped like SMUS's (``s3://bucket/<domain>/<project>/dev``)."""
    return f"s3://{STAGING_BUCKET}/{domain_id}/{project_id}/dev"


def _blueprint() -> Params:
    return {
        "id": TOOLING_BLUEPRINT_ID,
        "name": TOOLING_NAME,
        "description": "The local backend's tooling: its S3 and its runs.",
        "provider": PROVIDER,
        "provisioningProperties": {"cloudFormation": {"templateUrl": "local://tooling"}},
        "blueprintCategory": "TOOLING",
        "createdAt": _EPOCH,
        "updatedAt": _EPOCH,
    }


def _environment(domain_id: str, project_id: str) -> Params:
    return {
        "id": project_id,
        "domainId": domain_id,
        "projectId": project_id,
        "name": TOOLING_NAME,
        "provider": PROVIDER,
        "status": "ACTIVE",
        "awsAccountId": ACCOUNT_ID,
        "awsAccountRegion": REGION,
        "environmentBlueprintId": TOOLING_BLUEPRINT_ID,
        "createdBy": CREATED_BY,
        "createdAt": _EPOCH,
        "updatedAt": _EPOCH,
        "provisionedResources": [
            {
                "name": "s3BucketPath",
                "value": project_s3_path(domain_id, project_id),
                "type": "s3",
                "provider": PROVIDER,
            }
        ],
    }


def list_environment_blueprints(state: BackendState, p: Params) -> Params:
    blueprint = _blueprint()
    keep = p.get("name") in (None, blueprint["name"]) and p.get("managed") in (None, True)
    return {"items": [blueprint] if keep else []}


def list_environments(state: BackendState, p: Params) -> Params:
    env = _environment(p["domainIdentifier"], p["projectIdentifier"])
    wanted = {
        "environmentBlueprintIdentifier": env["environmentBlueprintId"],
        "name": env["name"],
        "provider": env["provider"],
        "status": env["status"],
        "awsAccountId": env["awsAccountId"],
        "awsAccountRegion": env["awsAccountRegion"],
    }
    keep = all(p.get(key) in (None, value) for key, value in wanted.items())
    summary = {k: v for k, v in env.items() if k != "provisionedResources"}
    return {"items": [summary] if keep else []}


def get_environment(state: BackendState, p: Params) -> Params:
    # Every well-formed project exists here, so every project's environment does.
    return _environment(p["domainIdentifier"], p["identifier"])


#: Made up from the request alone: these handlers read no state.
OPERATIONS: Table = {
    "ListEnvironmentBlueprints": list_environment_blueprints,
    "ListEnvironments": list_environments,
    "GetEnvironment": get_environment,
}
