"""The one module that talks to AWS: sessions, clients, retries and error mapping.

Everything above this module speaks ``SageRunError``; no botocore exception and no
boto3 object leaves it. The same code serves the real DataZone and S3 endpoints and the
embedded local backend (an ``endpoint_url`` plus dummy static credentials).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import botocore.config
import botocore.exceptions as bex
import botocore.loaders
import botocore.session
from botocore import xform_name

from .errors import FieldError, SageRunError

log = logging.getLogger(__name__)

# The local backend ignores signatures, but botocore will not send an unsigned request,
# and these must never be the user's keys: a local run must not touch ~/.aws at all.
LOCAL_ACCESS_KEY = "sagerun-local"
LOCAL_SECRET_KEY = "sagerun-local-secret"


@dataclass(frozen=True)
class AwsTarget:
    region: str
    profile: str | None = None
    endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    static_credentials: bool = False


def _package_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("jupyter_sagerun")
    except metadata.PackageNotFoundError:  # running from a bare checkout
        return "0.0.0+unknown"


# --- logging -------------------------------------------------------------------------

# botocore's DEBUG logs carry the request dict (body included), the canonical request
# (with the session token header), response bodies and the hook arguments. Parameter
# values are secrets and so are tokens, so those records are dropped before any
# handler sees them, however the host application configures logging. A filter on the
# emitting logger runs before propagation, so the root handlers never get the record.
_WIRE_LOGGERS = (
    "botocore.endpoint",
    "botocore.parsers",
    "botocore.auth",
    "botocore.hooks",
    "botocore.retryhandler",
    "botocore.retries.standard",
    "botocore.httpsession",
    "botocore.httpchecksum",
    "botocore.utils",
)


class _DropWireDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_WIRE_FILTER = _DropWireDebug("jupyter_sagerun.wire")
_filter_lock = threading.Lock()


def install_log_filter() -> None:
    """Idempotent: attaches the one filter instance once per logger."""
    with _filter_lock:
        for name in _WIRE_LOGGERS:
            logger = logging.getLogger(name)
            if _WIRE_FILTER not in logger.filters:
                logger.addFilter(_WIRE_FILTER)


# --- error mapping -------------------------------------------------------------------

# code -> (status, code we report, retryable)
_CODES: dict[str, tuple[int, str, bool]] = {
    "ValidationException": (400, "ValidationException", False),
    "UnauthorizedException": (401, "UnauthorizedException", False),
    "ServiceQuotaExceededException": (402, "ServiceQuotaExceededException", False),
    "AccessDeniedException": (403, "AccessDeniedException", False),
    "AccessDenied": (403, "AccessDeniedException", False),
    "ResourceNotFoundException": (404, "ResourceNotFoundException", False),
    "NoSuchBucket": (404, "ResourceNotFoundException", False),
    "NoSuchKey": (404, "ResourceNotFoundException", False),
    "NotFound": (404, "ResourceNotFoundException", False),
    "ConflictException": (409, "ConflictException", False),
    "ThrottlingException": (429, "ThrottlingException", True),
    "SlowDown": (429, "ThrottlingException", True),
    "InternalServerException": (502, "UpstreamError", True),
}

# Error codes that mean "your credentials are missing, expired or wrong", not "you may
# not do this": the fix is the same as for NoCredentialsError.
_CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "InvalidToken",
        "SignatureDoesNotMatch",
        "TokenRefreshRequired",
    }
)

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

# For codes we do not know (S3 speaks its own dialect), the HTTP status decides.
_BY_STATUS: dict[int, tuple[int, str, bool]] = {
    401: (401, "UnauthorizedException", False),
    403: (403, "AccessDeniedException", False),
    404: (404, "ResourceNotFoundException", False),
    409: (409, "ConflictException", False),
    412: (409, "ConflictException", False),
    429: (429, "ThrottlingException", True),
}

_MAX_MESSAGE = 1000


def credentials_hint(profile: str | None) -> str:
    if profile:
        return (
            f"Run `aws sso login --profile {profile}` (SSO) or "
            f"`aws configure --profile {profile}` (access keys), then try again."
        )
    return (
        "Configure AWS credentials (`aws configure`, `aws sso login`, or AWS_* environment "
        "variables), or choose a profile with `--SageRun.profile=NAME`, then try again."
    )


def _credentials_error(profile: str | None, what: str) -> SageRunError:
    who = f"profile '{profile}'" if profile else "the default credential chain"
    return SageRunError(
        401,
        "UnauthorizedException",
        f"No valid AWS credentials from {who}: {what}. {credentials_hint(profile)}",
    )


def _host(url: str | None) -> str:
    match = re.match(r"^[a-z][a-z0-9+.-]*://[^/?#]+", url or "", re.IGNORECASE)
    return match.group(0) if match else "the AWS endpoint"


def _redact(message: str, secrets: list[str]) -> str:
    for secret in sorted(set(secrets), key=len, reverse=True):
        # A short value ("1") replaced everywhere would garble the message ("1024");
        # quoted, as services echo values, it is replaced whatever its length.
        for form in (f"'{secret}'", f'"{secret}"'):
            message = message.replace(form, "'***'")
        if len(secret) >= 4:
            message = message.replace(secret, "***")
    return message


def _sensitive_strings(shape: Any, value: Any, inside: bool = False) -> list[str]:
    """String leaves of ``value`` that the model marks sensitive (e.g. run parameters),
    so a service message that echoes one cannot carry it to the browser."""
    if shape is None:
        return []
    inside = inside or bool(shape.metadata.get("sensitive"))
    kind = shape.type_name
    out: list[str] = []
    if kind == "structure" and isinstance(value, Mapping):
        for name, item in value.items():
            out += _sensitive_strings(shape.members.get(name), item, inside)
    elif kind == "list" and isinstance(value, list):
        for item in value:
            out += _sensitive_strings(shape.member, item, inside)
    elif kind == "map" and isinstance(value, Mapping):
        # Keys are parameter names, which the API shows; the values are the secrets.
        for item in value.values():
            out += _sensitive_strings(shape.value, item, inside)
    elif inside and isinstance(value, str):
        out.append(value)
    return out


_PARAM_PATH = re.compile(
    r'(?:Missing required parameter|Unknown parameter) in (\S+?): "([^"]+)"'
    r"|Invalid [a-z ]+ for parameter ([^,\s]+)"
)


def _param_fields(report: str) -> list[FieldError]:
    # botocore's report quotes the offending values; keep only the paths.
    fields: list[FieldError] = []
    for match in _PARAM_PATH.finditer(report):
        if match.group(3):
            fields.append(FieldError(match.group(3), "is invalid"))
        else:
            parent = "" if match.group(1) == "input" else match.group(1) + "."
            fields.append(FieldError(parent + match.group(2), "is missing or unknown"))
    return fields


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
    where = _host(endpoint)
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
        fields = _param_fields(str(exc.kwargs.get("report", "")))
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
    message = _redact(str(error.get("Message") or ""), secrets)[:_MAX_MESSAGE]

    if code in _CREDENTIAL_CODES:
        mapped = _credentials_error(target.profile, f"{operation} was refused ({code})")
        mapped.request_id = request_id
        return mapped
    if code in _CODES:
        status_out, code_out, retryable = _CODES[code]
    elif status >= 500:
        status_out, code_out, retryable = 502, "UpstreamError", True
    elif status in _BY_STATUS:
        status_out, code_out, retryable = _BY_STATUS[status]
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


@functools.lru_cache(maxsize=1)
def _pinned_loader() -> Any:
    """Pinned to botocore's packaged models: an AWS_DATA_PATH set by another package
    (sagemaker-studio sets one) must not swap the DataZone API. One loader for every
    session, so the large model files are parsed once per process."""
    return botocore.loaders.Loader(
        extra_search_paths=[botocore.loaders.Loader.BUILTIN_DATA_PATH],
        include_default_search_paths=False,
    )


_SessionKey = tuple[str | None, bool]
_ClientKey = tuple[str, str | None, str, str | None, bool]


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

    def _session(self, profile: str | None, static: bool) -> Any:
        key = (profile, static)
        session = self._sessions.get(key)
        if session is None:
            if static:
                # Neither the user's files nor AWS_PROFILE may play a part in a local
                # run: these variables no longer read the environment at all.
                session = botocore.session.Session(session_vars=_ISOLATED_VARS)
                session.set_credentials(LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY)
            else:
                session = botocore.session.Session(profile=profile)
            session.register_component("data_loader", _pinned_loader())
            self._sessions[key] = session
        return session

    def client(self, target: AwsTarget, service: str) -> Any:
        endpoint = target.s3_endpoint_url if service == "s3" else target.endpoint_url
        profile = None if target.static_credentials else target.profile
        key = (service, profile, target.region, endpoint, target.static_credentials)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                session = self._session(profile, target.static_credentials)
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
            self._sessions.pop((target.profile, target.static_credentials), None)
            stale = [k for k in self._clients if (k[1], k[4]) == (target.profile, False)]
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
        endpoint = target.endpoint_url
        secrets: list[str] = []
        try:
            client = self.client(target, "datazone")
            endpoint = client.meta.endpoint_url
            model = client.meta.service_model
            if operation not in model.operation_names:
                raise SageRunError(500, "InternalError", f"Unknown DataZone operation {operation}.")
            secrets = _sensitive_strings(model.operation_model(operation).input_shape, params)
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
