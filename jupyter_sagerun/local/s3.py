"""The local S3: moto's app behind a signature check (``s3auth``), served on its own
thread, and the backend's own reads and writes, signed like anyone else's.

moto keeps its buckets in memory, process-wide; the backend's durable copies of
notebooks live under its state_dir, so a restart loses only staged uploads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from ..core.credentials import Credentials

STAGING_BUCKET = "sagerun-local"
STAGING_PREFIX = "staging/"
REGION = "us-east-1"


def split_uri(uri: str) -> tuple[str, str]:
    """(bucket, key) of ``s3://bucket/key``."""
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.lstrip("/"):
        raise ValueError(f"not an s3://bucket/key URI: {uri}")
    return parsed.netloc, parsed.path.lstrip("/")


class LocalS3:
    def __init__(
        self,
        ip: str,
        port: int,
        log: logging.Logger,
        credentials: Credentials,
        on_request: Callable[[], None] = lambda: None,
    ) -> None:
        self.ip = ip
        self.port = port
        self.log = log
        self.credentials = credentials
        self.on_request = on_request
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._client: Any = None
        self.endpoint_url = ""

    def start(self) -> None:
        # moto's ThreadedMotoServer serves its app as it is; we serve the same app
        # (DomainDispatcherApplication) behind the signature check.
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        from .s3auth import SignatureCheck
        from .s3serving import bounded_server, moto_bytes_held
        from .sigv4 import Verifier

        werkzeug = logging.getLogger("werkzeug")
        if werkzeug.level == logging.NOTSET:
            # moto's werkzeug logs one line per S3 request; unless someone asked for
            # them, they would drown the server's log.
            werkzeug.setLevel(logging.WARNING)
        app = SignatureCheck(
            DomainDispatcherApplication(create_backend_app),
            Verifier(self.credentials, REGION, "s3"),
            self.on_request,
            moto_bytes_held,
        )
        server = bounded_server(self.ip, self.port, app)
        self._thread = threading.Thread(
            target=server.serve_forever, name="sagerun-local-s3", daemon=True
        )
        self._thread.start()
        self._server = server
        self.endpoint_url = f"http://{self.ip}:{server.port}"
        self.client().create_bucket(Bucket=STAGING_BUCKET)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def client(self) -> Any:
        # botocore clients are thread-safe; build one and share it.
        if self._client is None:
            import boto3
            from botocore.config import Config

            from ..aws.wirelog import install_log_filter

            # The backend logs at DEBUG on request; botocore's wire records stay out.
            install_log_filter()
            self._client = boto3.session.Session().client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=REGION,
                config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
                aws_access_key_id=self.credentials.access_key_id,
                aws_secret_access_key=self.credentials.secret_access_key,
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
