"""The local backend's S3 as the tests see it: a signed boto3 client, and objects'
versions counted (with versioning on, every PUT adds one)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from jupyter_sagerun.local import LocalBackend


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
