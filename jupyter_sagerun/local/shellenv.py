"""The shell ``export`` lines that point the AWS CLI, boto3 and other AWS tools at a
local backend: ``eval "$(jupyter sagerun env)"``, then no ``--endpoint-url`` needed.

botocore reads ``AWS_ENDPOINT_URL_<SERVICE>`` for each service's endpoint (its
"configured endpoints"), so DataZone, S3 and EventBridge Scheduler each reach their own port.
"""

from __future__ import annotations

import shlex

from ..core.credentials import Credentials


def env_vars(
    endpoint_url: str,
    s3_endpoint_url: str,
    credentials: Credentials,
    region: str,
    scheduler_endpoint_url: str = "",
) -> dict[str, str]:
    scheduler = {"AWS_ENDPOINT_URL_SCHEDULER": scheduler_endpoint_url}
    return {
        "AWS_ENDPOINT_URL_DATAZONE": endpoint_url,
        "AWS_ENDPOINT_URL_S3": s3_endpoint_url,
        **(scheduler if scheduler_endpoint_url else {}),
        "AWS_ACCESS_KEY_ID": credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }


def export_lines(variables: dict[str, str]) -> str:
    """One ``export NAME=value`` per variable, each value shell-quoted."""
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in variables.items())
