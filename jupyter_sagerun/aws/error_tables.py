"""How AWS error codes map to our REST errors, and the message helpers around them.

Plain data and strings, no botocore import: ``datazone.py`` applies them to botocore's
exceptions (and stays the one module that imports boto3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..core.errors import FieldError

# code -> (status, code we report, retryable)
CODES: dict[str, tuple[int, str, bool]] = {
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
CREDENTIAL_CODES = frozenset(
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

# For codes we do not know (S3 speaks its own dialect), the HTTP status decides.
BY_STATUS: dict[int, tuple[int, str, bool]] = {
    401: (401, "UnauthorizedException", False),
    403: (403, "AccessDeniedException", False),
    404: (404, "ResourceNotFoundException", False),
    409: (409, "ConflictException", False),
    412: (409, "ConflictException", False),
    429: (429, "ThrottlingException", True),
}

MAX_MESSAGE = 1000


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


def endpoint_host(url: str | None) -> str:
    match = re.match(r"^[a-z][a-z0-9+.-]*://[^/?#]+", url or "", re.IGNORECASE)
    return match.group(0) if match else "the AWS endpoint"


def redact(message: str, secrets: list[str]) -> str:
    for secret in sorted(set(secrets), key=len, reverse=True):
        # A short value ("1") replaced everywhere would garble the message ("1024");
        # quoted, as services echo values, it is replaced whatever its length.
        for form in (f"'{secret}'", f'"{secret}"'):
            message = message.replace(form, "'***'")
        if len(secret) >= 4:
            message = message.replace(secret, "***")
    return message


def sensitive_strings(shape: Any, value: Any, inside: bool = False) -> list[str]:
    """String leaves of ``value`` that the model marks sensitive (e.g. run parameters),
    so a service message that echoes one cannot carry it to the browser."""
    if shape is None:
        return []
    inside = inside or bool(shape.metadata.get("sensitive"))
    kind = shape.type_name
    out: list[str] = []
    if kind == "structure" and isinstance(value, Mapping):
        for name, item in value.items():
            out += sensitive_strings(shape.members.get(name), item, inside)
    elif kind == "list" and isinstance(value, list):
        for item in value:
            out += sensitive_strings(shape.member, item, inside)
    elif kind == "map" and isinstance(value, Mapping):
        # Keys are parameter names, which the API shows; the values are the secrets.
        for item in value.values():
            out += sensitive_strings(shape.value, item, inside)
    elif inside and isinstance(value, str):
        out.append(value)
    return out


_PARAM_PATH = re.compile(
    r'(?:Missing required parameter|Unknown parameter) in (\S+?): "([^"]+)"'
    r"|Invalid [a-z ]+ for parameter ([^,\s]+)"
)


def param_fields(report: str) -> list[FieldError]:
    # botocore's report quotes the offending values; keep only the paths.
    fields: list[FieldError] = []
    for match in _PARAM_PATH.finditer(report):
        if match.group(3):
            fields.append(FieldError(match.group(3), "is invalid"))
        else:
            parent = "" if match.group(1) == "input" else match.group(1) + "."
            fields.append(FieldError(parent + match.group(2), "is missing or unknown"))
    return fields
