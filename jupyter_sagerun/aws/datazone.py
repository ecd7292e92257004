"""The one module that talks to AWS: sessions, clients, retries and error mapping.

Everything above this module speaks ``SageRunError``; no botocore exception and no
boto3 object leaves it. The same code serves the real DataZone and S3 endpoints and the
local backend (an ``endpoint_url`` plus the credentials from its connection file).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Mapping
from typing import Any

import botocore.config
import botocore.exceptions as bex
import botocore.session
from botocore import xform_name

from ..core.credentials import Credentials
from ..core.errors import SageRunError
from ..core.target import AwsTarget
from .datazone_model import use_shipped_model
from .error_tables import (
    BY_STATUS,
    CODES,
    CREDENTIAL_CODES,
    MAX_MESSAGE,
    credentials_hint,
    endpoint_host,
    param_fields,
    redact,
    sensitive_strings,
)
from .validation import checked
from .wirelog import install_log_filter

log = logging.getLogger(__name__)


def _package_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("jupyter_sagerun")
    except metadata.PackageNotFoundError:  # running from a bare checkout
        return "0.0.0+unknown"


# --- error mapping -------------------------------------------------------------------

_CREDENTIAL_ERRORS: tuple[type[Exception], ...] = (
    bex.NoCredentialsError,
    bex.PartialCredentialsError,
    bex.ProfileNotFound,
    bex.TokenRetrievalError,
    bex.SSOError,  # UnauthorizedSSOTokenError, SSOTokenLoadError
    bex.CredentialRetrievalError,
    bex.NoAuthTokenError,
    bex.InvalidConfigError,
    bex.ConfigParseError,
)


def _credentials_error(profile: str | None, what: str) -> SageRunError:
    who = f"profile '{profile}'" if profile else "the default credential chain"
    return SageRunError(
        401,
        "UnauthorizedException",
        f"No valid AWS credentials from {who}: {what}. {credentials_hint(profile)}",
    )


def map_error(
    exc: Exception,
    *,
    target: AwsTarget,
    operation: str,
    endpoint: str | None = None,
    secrets: list[str] | None = None,
) -> SageRunError:
    """Translate any botocore exception into the error table of DEVELOPERS.md."""
    if isinstance(exc, SageRunError):
        return exc
    if isinstance(exc, bex.ClientError):
        return _map_client_error(exc, target, operation, secrets or [])
    if isinstance(exc, _CREDENTIAL_ERRORS):
        # These messages name the profile or the token cache, never a secret.
        return _credentials_error(target.profile, str(exc))
    where = endpoint_host(endpoint)
    # ConnectTimeoutError is an EndpointConnectionError: test timeouts first.
    if isinstance(exc, bex.ConnectTimeoutError | bex.ReadTimeoutError):
        return SageRunError(
            504, "UpstreamTimeout", f"{where} did not answer {operation} in time.", retryable=True
        )
    if isinstance(exc, bex.ResponseStreamingError):
        return SageRunError(
            502, "UpstreamError", f"{where} broke off its answer to {operation}.", retryable=True
        )
    if isinstance(exc, bex.ConnectionError | bex.HTTPClientError):
        return SageRunError(
            503,
            "EndpointUnreachable",
            f"Could not reach {where} for {operation}; is the endpoint up and the network there?",
            retryable=True,
        )
    if isinstance(exc, bex.ParamValidationError):
        fields = param_fields(str(exc.kwargs.get("report", "")))
        return SageRunError(400, "ValidationException", f"Invalid {operation} request.", fields)
    log.error("Unexpected %s from %s %s", type(exc).__name__, where, operation)
    return SageRunError(500, "InternalError", "An unexpected error occurred talking to AWS.")


def _map_client_error(
    exc: bex.ClientError, target: AwsTarget, operation: str, secrets: list[str]
) -> SageRunError:
    response: Mapping[str, Any] = exc.response or {}
    error: Mapping[str, Any] = response.get("Error") or {}
    meta: Mapping[str, Any] = response.get("ResponseMetadata") or {}
    code = str(error.get("Code") or "")
    status = int(meta.get("HTTPStatusCode") or 0)
    request_id = meta.get("RequestId") or error.get("RequestId") or None
    message = redact(str(error.get("Message") or ""), secrets)[:MAX_MESSAGE]

    if code in CREDENTIAL_CODES and target.static_credentials:
        # Not the user's keys: the local backend's, from its connection file.
        return SageRunError(
            401,
            "UnauthorizedException",
            f"The local backend refused {operation} ({code}): these are not the "
            "credentials of its connection file; if it restarted, try again.",
            request_id=request_id,
        )
    if code in CREDENTIAL_CODES:
        mapped = _credentials_error(target.profile, f"{operation} was refused ({code})")
        mapped.request_id = request_id
        return mapped
    if code in CODES:
        status_out, code_out, retryable = CODES[code]
    elif status >= 500:
        status_out, code_out, retryable = 502, "UpstreamError", True
    elif status in BY_STATUS:
        status_out, code_out, retryable = BY_STATUS[status]
    else:
        status_out, code_out, retryable = 400, "ValidationException", False
    if code_out == "UpstreamError":
        detail = f": {message}" if message else "."
        message = f"The service failed {operation} ({status or '5xx'} {code}){detail}"
    elif not message:
        message = f"{operation} failed: {code or status}."
    return SageRunError(status_out, code_out, message, retryable=retryable, request_id=request_id)


def parse_s3_uri(uri: str) -> tuple[str, str]:
    match = re.fullmatch(r"s3://([^/]+)/(.+)", uri)
    if not match:
        raise SageRunError(400, "ValidationException", f"Not an S3 object URI: {uri!r}.")
    return match.group(1), match.group(2)


# --- the gateway ---------------------------------------------------------------------

# (config name, environment variables, default, converter), as botocore describes them.
_ISOLATED_VARS: dict[str, tuple[Any, ...]] = {
    "profile": (None, None, None, None),
    "config_file": (None, None, os.devnull, None),
    "credentials_file": (None, None, os.devnull, None),
}


# (profile, local key id): a backend restarted with new credentials gets new clients.
_SessionKey = tuple[str | None, str | None]
_ClientKey = tuple[str, str | None, str, str | None, str | None]


class DataZoneGateway:
    """Blocking calls to DataZone and S3; run it off the event loop."""

    def __init__(
        self, *, connect_timeout: float = 5.0, read_timeout: float = 60.0, max_attempts: int = 3
    ) -> None:
        self._config = botocore.config.Config(
            # `total_max_attempts` counts every attempt; the `max_attempts` key would count
            # retries only (botocore keeps the legacy meaning), one more than we were asked.
            retries={"mode": "standard", "total_max_attempts": max_attempts},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            user_agent_extra=f"jupyter_sagerun/{_package_version()}",
        )
        # Path-style S3 addressing: custom endpoints (moto on loopback) have no
        # per-bucket DNS names.
        self._path_style = self._config.merge(
            botocore.config.Config(s3={"addressing_style": "path"})
        )
        self._lock = threading.Lock()
        self._sessions: dict[_SessionKey, Any] = {}
        self._clients: dict[_ClientKey, Any] = {}
        install_log_filter()

    # sessions and clients

    def _session(self, profile: str | None, credentials: Credentials | None) -> Any:
        key = (profile, credentials.access_key_id if credentials else None)
        session = self._sessions.get(key)
        if session is None:
            if credentials is not None:
                # Neither the user's files nor AWS_PROFILE may play a part in a local
                # run: these variables no longer read the environment at all.
                session = botocore.session.Session(session_vars=_ISOLATED_VARS)
                session.set_credentials(credentials.access_key_id, credentials.secret_access_key)
            else:
                session = botocore.session.Session(profile=profile)
            use_shipped_model(session)
            self._sessions[key] = session
        return session

    def client(self, target: AwsTarget, service: str) -> Any:
        endpoint = {
            "s3": target.s3_endpoint_url,
            "scheduler": target.scheduler_endpoint_url,
        }.get(service, target.endpoint_url)
        profile = None if target.static_credentials else target.profile
        key = (service, profile, target.region, endpoint, target.key_id)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                session = self._session(profile, target.credentials)
                config = self._path_style if service == "s3" and endpoint else self._config
                client = session.create_client(
                    service, region_name=target.region, endpoint_url=endpoint, config=config
                )
                self._clients[key] = client
            return client

    def _forget(self, target: AwsTarget) -> None:
        # A session caches the credentials it resolved (or that it found none); after a
        # credential error drop it so the next call sees the user's `aws sso login`.
        with self._lock:
            self._sessions.pop((target.profile, None), None)
            stale = [k for k in self._clients if (k[1], k[4]) == (target.profile, None)]
            for key in stale:
                del self._clients[key]

    def _fail(
        self,
        exc: Exception,
        target: AwsTarget,
        operation: str,
        endpoint: str | None,
        secrets: list[str] | None = None,
    ) -> SageRunError:
        mapped = map_error(
            exc, target=target, operation=operation, endpoint=endpoint, secrets=secrets
        )
        if mapped.status == 401 and not target.static_credentials:
            self._forget(target)
        log.info("%s failed: %s %s", operation, mapped.status, mapped.code)
        return mapped

    # the API

    def call(self, target: AwsTarget, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """``operation`` with ``params``, checked against the model first (once: a
        ``CheckedRequest`` is not checked again); a refusal is ``InvalidInput``."""
        endpoint = target.endpoint_url
        secrets: list[str] = []
        try:
            client = self.client(target, "datazone")
            endpoint = client.meta.endpoint_url
            model = client.meta.service_model
            if operation not in model.operation_names:
                raise SageRunError(500, "InternalError", f"Unknown DataZone operation {operation}.")
            params = checked(operation, params)
            secrets = sensitive_strings(model.operation_model(operation).input_shape, params)
            response: dict[str, Any] = getattr(client, xform_name(operation))(**params)
        except Exception as exc:
            raise self._fail(exc, target, operation, endpoint, secrets) from None
        response.pop("ResponseMetadata", None)
        return response

    def put_object(self, target: AwsTarget, uri: str, body: bytes) -> None:
        bucket, key = parse_s3_uri(uri)
        try:
            self.client(target, "s3").put_object(Bucket=bucket, Key=key, Body=body)
        except Exception as exc:
            raise self._fail(exc, target, "PutObject", target.s3_endpoint_url) from None

    def get_object(self, target: AwsTarget, uri: str) -> bytes:
        bucket, key = parse_s3_uri(uri)
        try:
            response = self.client(target, "s3").get_object(Bucket=bucket, Key=key)
            data: bytes = response["Body"].read()
        except Exception as exc:
            raise self._fail(exc, target, "GetObject", target.s3_endpoint_url) from None
        return data

    def head_object(self, target: AwsTarget, uri: str) -> dict[str, Any] | None:
        bucket, key = parse_s3_uri(uri)
        try:
            response: dict[str, Any] = self.client(target, "s3").head_object(Bucket=bucket, Key=key)
        except bex.ClientError as exc:
            # HEAD answers have no body: a bare 404 is the only "absent" signal.
            code = str((exc.response.get("Error") or {}).get("Code", ""))
            if code in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise self._fail(exc, target, "HeadObject", target.s3_endpoint_url) from None
        except Exception as exc:
            raise self._fail(exc, target, "HeadObject", target.s3_endpoint_url) from None
        response.pop("ResponseMetadata", None)
        return response
