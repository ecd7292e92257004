"""Checking AWS Signature Version 4 on the local backend's requests, with botocore's
own signer.

The request as it arrived is rebuilt as an ``AWSRequest`` holding exactly the headers
it says it signed and the ``X-Amz-Date`` it carries; botocore's ``SigV4Auth`` (DataZone)
or ``S3SigV4Auth`` (S3) computes the signature the holder of our secret would have
sent, and ``hmac.compare_digest`` compares the two. Nothing of the request is
interpreted before this passes. ``check`` answers a ``Refusal`` (a kind and AWS's
message) or None; each endpoint turns a kind into its service's own error code
(``DATAZONE_ERRORS``, ``S3_ERRORS``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl

from botocore.auth import SIGV4_TIMESTAMP, S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from ..core.credentials import Credentials

#: AWS accepts a request signed up to 15 minutes before or after its own clock.
MAX_SKEW_SECONDS = 15 * 60
#: S3 refuses a presigned URL valid for longer than a week.
MAX_PRESIGNED_EXPIRES = 604800
ALGORITHM = "AWS4-HMAC-SHA256"
# x-amz-content-sha256 values that are not the body's hash and that we accept: the body
# is not signed at all (what S3 accepts too: the signature covers the headers only).
_UNSIGNED_PAYLOADS = ("UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
# Bodies signed chunk by chunk: S3 knows them, we do not check chunk signatures, so
# they are refused (never accepted on the strength of the seed signature alone).
_CHUNK_SIGNED_PAYLOADS = (
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
)
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")
_AMZ_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")

# Refusal kinds → (HTTP status, AWS error code), per service. What AWS itself answers:
# DataZone's front door speaks the codes of AWS's JSON services, S3 its own.
DATAZONE_ERRORS = {
    "missing": (403, "MissingAuthenticationTokenException"),
    "malformed": (403, "IncompleteSignatureException"),
    "unknown_key": (403, "UnrecognizedClientException"),
    "signature": (403, "InvalidSignatureException"),
    "expired": (403, "InvalidSignatureException"),
    "payload": (403, "InvalidSignatureException"),
    "not_yet": (403, "InvalidSignatureException"),
    "query": (403, "IncompleteSignatureException"),
    "content_sha": (400, "ValidationException"),
    "unsupported": (400, "ValidationException"),
}
S3_ERRORS = {
    "missing": (403, "AccessDenied"),
    "malformed": (400, "AuthorizationHeaderMalformed"),
    "unknown_key": (403, "InvalidAccessKeyId"),
    "signature": (403, "SignatureDoesNotMatch"),
    # S3 names a stale or future date so; boto3 and the AWS CLI know the code and
    # correct their clock offset from it.
    "expired": (403, "RequestTimeTooSkewed"),
    "payload": (400, "XAmzContentSHA256Mismatch"),
    # A presigned URL dated in the future, or valid for more than a week.
    "not_yet": (403, "AccessDenied"),
    "query": (400, "AuthorizationQueryParametersError"),
    # An x-amz-content-sha256 S3 does not know, or none on a header-signed request.
    "content_sha": (400, "InvalidArgument"),
    # A chunk-signed body (we do not verify chunk signatures).
    "unsupported": (501, "NotImplemented"),
}

# S3's own words where they differ from the JSON services'.
S3_MESSAGES = {
    "missing": "Access Denied",
    "unknown_key": "The AWS Access Key Id you provided does not exist in our records.",
    "expired": "The difference between the request time and the current time is too large.",
}

_MESSAGES = {
    "missing": "Missing Authentication Token",
    "unknown_key": "The security token included in the request is invalid.",
    "signature": "The request signature we calculated does not match the signature you "
    "provided. Check your AWS Secret Access Key and signing method.",
    "payload": "The provided 'x-amz-content-sha256' header does not match what was computed.",
}


@dataclass(frozen=True)
class Refusal:
    kind: str
    message: str


@dataclass(frozen=True)
class Incoming:
    """A request as it arrived: ``path`` and ``query`` exactly as sent (still
    percent-encoded), ``header(name)`` all values of a header (lower-case name)."""

    method: str
    host: str
    path: str
    query: str
    header: Callable[[str], list[str]]
    body: bytes = b""
    #: The body's SHA-256 (hex) when the caller hashed it while streaming it to disk
    #: (S3): then ``body`` is not read; the signature covers x-amz-content-sha256.
    body_sha256: str | None = None


@dataclass(frozen=True)
class _Signed:
    key_id: str
    scope: list[str]  # date, region, service, "aws4_request"
    signed_headers: list[str]
    signature: str
    amz_date: str
    expires: int | None  # query auth only


def _epoch(amz_date: str) -> float | None:
    """Seconds since the epoch of ``20261201T120000Z`` (SIGV4_TIMESTAMP), or None.
    Not time.strptime: it costs a quarter of a whole check."""
    found = _AMZ_DATE.fullmatch(amz_date)
    if found is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in found.groups())
        moment = datetime.datetime(
            year, month, day, hour, minute, second, tzinfo=datetime.timezone.utc
        )
    except ValueError:
        return None
    return moment.timestamp()


def _refuse(kind: str, message: str | None = None) -> Refusal:
    return Refusal(kind, message or _MESSAGES[kind])


class Verifier:
    """Checks requests signed for ``service`` in ``region`` by ``credentials``."""

    def __init__(
        self,
        credentials: Credentials,
        region: str,
        service: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.credentials = credentials
        self.region = region
        self.service = service
        self.clock = clock
        self._boto_credentials = BotoCredentials(
            credentials.access_key_id, credentials.secret_access_key
        )

    def check(self, request: Incoming) -> Refusal | None:
        """The whole check: ``check_headers``, then the body's hash and the signature."""
        signed = self._signed_headers(request)
        if isinstance(signed, Refusal):
            return signed
        if signed.expires is None:
            refused = self._check_payload(request)
            if refused is not None:
                return refused
        if not hmac.compare_digest(self._expected(request, signed), signed.signature):
            return _refuse("signature")
        return None

    def check_headers(self, request: Incoming) -> Refusal | None:
        """What can be refused before the body is read: no signature, a malformed one,
        another key, a wrong scope or date, an x-amz-content-sha256 we do not take.
        Who does not hold our key is refused here, without a byte of body read."""
        signed = self._signed_headers(request)
        if isinstance(signed, Refusal):
            return signed
        if signed.expires is None:
            return check_content_sha256(self.service, request.header)
        return None

    def _signed_headers(self, request: Incoming) -> _Signed | Refusal:
        query = parse_qsl(request.query, keep_blank_values=True)
        names = {name for name, _ in query}
        authorization = request.header("authorization")
        if authorization:
            signed = _parse_header(authorization[0])
            if isinstance(signed, _Signed):
                signed = replace(signed, amz_date=(request.header("x-amz-date") or [""])[0])
        elif "X-Amz-Signature" in names and self.service == "s3":
            signed = _parse_query(dict(query))
        else:
            return _refuse("missing")
        if isinstance(signed, Refusal):
            return signed
        if not hmac.compare_digest(signed.key_id, self.credentials.access_key_id):
            return _refuse("unknown_key")
        if not signed.amz_date:
            return _refuse("malformed", "A signed request must carry an X-Amz-Date header.")
        stamp = _epoch(signed.amz_date)
        if stamp is None:
            return _refuse("malformed", f"Invalid X-Amz-Date '{signed.amz_date[:40]}'.")
        expected_scope = [signed.amz_date[:8], self.region, self.service, "aws4_request"]
        if signed.scope != expected_scope:
            return _refuse(
                "signature",
                # The day too: a scope of another day than X-Amz-Date differs only there.
                f"Credential should be scoped to {'/'.join(expected_scope)}, "
                f"not {'/'.join(signed.scope)}.",
            )
        stale = self._stale(signed, stamp)
        return signed if stale is None else stale

    def _stale(self, signed: _Signed, stamp: float) -> Refusal | None:
        now = self.clock()
        if signed.expires is not None:
            # A presigned URL: valid from its date (not before it, beyond the clock
            # skew AWS allows) for X-Amz-Expires seconds, at most a week.
            if signed.expires < 0:
                return _refuse("query", "X-Amz-Expires must be non-negative")
            if signed.expires > MAX_PRESIGNED_EXPIRES:
                return _refuse(
                    "query",
                    "X-Amz-Expires must be less than a week (in seconds) that is; "
                    f"{MAX_PRESIGNED_EXPIRES} seconds",
                )
            if stamp > now + MAX_SKEW_SECONDS:
                return _refuse("not_yet", "Request is not valid yet")
            if now > stamp + signed.expires:
                return Refusal("missing", "Request has expired")
            return None
        if abs(now - stamp) <= MAX_SKEW_SECONDS:
            return None
        earliest = time.strftime(SIGV4_TIMESTAMP, time.gmtime(now - MAX_SKEW_SECONDS))
        latest = time.strftime(SIGV4_TIMESTAMP, time.gmtime(now + MAX_SKEW_SECONDS))
        here = time.strftime(SIGV4_TIMESTAMP, time.gmtime(now))
        if stamp < now:
            detail = f"is now earlier than {earliest} ({here} - 15 min.)"
        else:
            detail = f"is now later than {latest} ({here} + 15 min.)"
        return _refuse("expired", f"Signature expired: {signed.amz_date} {detail}")

    def _check_payload(self, request: Incoming) -> Refusal | None:
        # S3 signs the header, not the body: the body must match the header's hash.
        refused = check_content_sha256(self.service, request.header)
        if refused is not None:
            return refused
        declared = request.header("x-amz-content-sha256")
        if not declared or declared[0] in _UNSIGNED_PAYLOADS:
            return None
        actual = request.body_sha256 or hashlib.sha256(request.body).hexdigest()
        return None if hmac.compare_digest(actual, declared[0]) else _refuse("payload")

    def _expected(self, request: Incoming, signed: _Signed) -> str:
        query = request.query
        if signed.expires is not None:
            # The canonical query of a presigned URL is everything but its signature.
            query = "&".join(p for p in query.split("&") if not p.startswith("X-Amz-Signature="))
        url = f"http://{request.host}{request.path}" + (f"?{query}" if query else "")
        headers = {
            name: ",".join(" ".join(v.split()) for v in request.header(name))
            for name in signed.signed_headers
        }
        headers["host"] = headers.get("host") or request.host
        aws = AWSRequest(method=request.method, url=url, headers=headers, data=request.body)
        aws.context["timestamp"] = signed.amz_date
        signer: SigV4Auth
        if signed.expires is not None:
            signer = S3SigV4QueryAuth(self._boto_credentials, self.service, self.region)
        elif self.service == "s3":
            signer = S3SigV4Auth(self._boto_credentials, self.service, self.region)
        else:
            signer = SigV4Auth(self._boto_credentials, self.service, self.region)
        canonical = signer.canonical_request(aws)
        # The signer would sign every header we hand it, host included: the request
        # must have signed the same list, or its signature covers something else.
        if canonical.split("\n")[-2] != ";".join(signed.signed_headers):
            return ""
        return str(signer.signature(signer.string_to_sign(aws, canonical), aws))


def check_content_sha256(service: str, header: Callable[[str], list[str]]) -> Refusal | None:
    """A refusal of the request's x-amz-content-sha256 as such (before its body is
    read): a value S3 does not know, a chunk-signed body, or (S3, header-signed) none."""
    declared = header("x-amz-content-sha256")
    if not declared:
        if service == "s3" and header("authorization"):
            return _refuse(
                "content_sha", "Missing required header for this request: x-amz-content-sha256"
            )
        return None
    value = declared[0]
    if value in _CHUNK_SIGNED_PAYLOADS:
        return _refuse(
            "unsupported",
            "A header you provided implies functionality that is not implemented "
            f"(x-amz-content-sha256: {value}): sign the payload, or send UNSIGNED-PAYLOAD.",
        )
    if value in _UNSIGNED_PAYLOADS or _HEX_SHA256.fullmatch(value):
        return None
    return _refuse(
        "content_sha",
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER "
        "or a valid sha256 value.",
    )


def _parse_header(value: str) -> _Signed | Refusal:
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        return _refuse("malformed", f"Unsupported authorization type '{algorithm[:40]}'.")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        name, _, got = item.strip().partition("=")
        parts[name] = got
    missing = [n for n in ("Credential", "SignedHeaders", "Signature") if not parts.get(n)]
    if missing:
        return _refuse("malformed", f"Authorization header requires '{missing[0]}' parameter.")
    return _signed(parts["Credential"], parts["SignedHeaders"], parts["Signature"], None, None)


def _parse_query(query: dict[str, str]) -> _Signed | Refusal:
    if query.get("X-Amz-Algorithm") != ALGORITHM:
        return _refuse("malformed", "Unsupported X-Amz-Algorithm.")
    try:
        expires = int(query.get("X-Amz-Expires", ""))
    except ValueError:
        return _refuse("malformed", "X-Amz-Expires must be a number of seconds.")
    return _signed(
        query.get("X-Amz-Credential", ""),
        query.get("X-Amz-SignedHeaders", ""),
        query.get("X-Amz-Signature", ""),
        query.get("X-Amz-Date", ""),
        expires,
    )


def _signed(
    credential: str, headers: str, signature: str, amz_date: str | None, expires: int | None
) -> _Signed | Refusal:
    key_id, _, scope = credential.partition("/")
    scope_parts = scope.split("/")
    if not key_id or len(scope_parts) != 4 or not headers or not signature:
        return _refuse("malformed", "The Credential, SignedHeaders or Signature is malformed.")
    return _Signed(
        key_id=key_id,
        scope=scope_parts,
        signed_headers=headers.lower().split(";"),
        signature=signature,
        amz_date=amz_date if amz_date is not None else "",
        expires=expires,
    )


def sign(
    method: str,
    url: str,
    credentials: Credentials,
    region: str,
    *,
    service: str = "datazone",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """The headers of ``method url`` signed as botocore signs (for a client without
    botocore's request machinery: the test knobs, tests, benchmarks)."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    boto = BotoCredentials(credentials.access_key_id, credentials.secret_access_key)
    signer(boto, service, region).add_auth(request)
    return {name: str(value) for name, value in request.headers.items()}
