"""The local S3: moto's server on loopback, and the backend's own reads and writes.

moto keeps its buckets in memory, process-wide; the backend's durable copies of
notebooks live under its state_dir, so a restart loses only staged uploads.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

STAGING_BUCKET = "sagerun-local"
STAGING_PREFIX = "staging/"
REGION = "us-east-1"
#: moto accepts any credentials; these only keep botocore from looking for real ones.
DUMMY_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


def split_uri(uri: str) -> tuple[str, str]:
    """(bucket, key) of ``s3://bucket/key``."""
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.lstrip("/"):
        raise ValueError(f"not an s3://bucket/key URI: {uri}")
    return parsed.netloc, parsed.path.lstrip("/")


class LocalS3:
    def __init__(self, ip: str, port: int, log: logging.Logger) -> None:
        self.ip = ip
        self.port = port
        self.log = log
        self._server: Any = None
        self._client: Any = None
        self.endpoint_url = ""

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        werkzeug = logging.getLogger("werkzeug")
        if werkzeug.level == logging.NOTSET:
            # moto's werkzeug logs one line per S3 request; unless someone asked for
            # them, they would drown the server's log.
            werkzeug.setLevel(logging.WARNING)
        server = ThreadedMotoServer(ip_address=self.ip, port=self.port, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        self._server = server
        self.endpoint_url = f"http://{host}:{port}"
        self.client().create_bucket(Bucket=STAGING_BUCKET)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def client(self) -> Any:
        # botocore clients are thread-safe; build one and share it.
        if self._client is None:
            import boto3
            from botocore.config import Config

            from ..wirelog import install_log_filter

            # The backend logs at DEBUG on request; botocore's wire records stay out.
            install_log_filter()
            self._client = boto3.session.Session().client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=REGION,
                config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
                **DUMMY_CREDENTIALS,
            )
        return self._client

    @property
    def staging_s3_uri(self) -> str:
        return f"s3://{STAGING_BUCKET}/{STAGING_PREFIX}"

    def read(self, uri: str) -> bytes:
        bucket, key = split_uri(uri)
        body: bytes = self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        return body

    def write(self, uri: str, data: bytes, content_type: str) -> None:
        bucket, key = split_uri(uri)
        self.client().put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
