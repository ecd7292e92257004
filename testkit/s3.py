"""The local backend's S3 as the tests see it: a signed boto3 client, and objects'
versions counted (with versioning on, every PUT adds one)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.local.s3 import STAGING_BUCKET, STAGING_PREFIX


def s3_client(backend: LocalBackend) -> Any:
    """boto3's S3 on ``backend``, signed with its credentials."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=backend.s3_endpoint_url,
        region_name=backend.region,
        aws_access_key_id=backend.credentials.access_key_id,
        aws_secret_access_key=backend.credentials.secret_access_key,
        config=BotoConfig(s3={"addressing_style": "path"}),
    )


def count_versions(s3: Any, bucket: str, prefix: str) -> int:
    """Object versions under ``prefix``: with versioning on, every PUT adds one."""
    count = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        count += len(page.get("Versions", []))
    return count


def count_staged_uploads(backend: LocalBackend) -> int:
    """Versions of notebooks staged for runs (what a start uploads first), counted
    apart from results and exports: those are written when an earlier test's run or
    export ends, at any moment, so a count over the whole bucket races with them."""
    s3 = s3_client(backend)
    count = 0
    pages = s3.get_paginator("list_object_versions").paginate(
        Bucket=STAGING_BUCKET, Prefix=STAGING_PREFIX
    )
    for page in pages:
        for version in page.get("Versions", []):
            if not version["Key"].startswith(STAGING_PREFIX + "exports/"):
                count += 1
    return count
