"""``sigv4.Verifier`` on its own, with a fixed clock: the edges of AWS's 15 minutes and
the malformed requests no client library sends (the whole path is test_local_auth)."""

from __future__ import annotations

import calendar
import time
from urllib.parse import urlsplit

import pytest

from jupyter_sagerun.core.credentials import Credentials
from jupyter_sagerun.local.sigv4 import MAX_SKEW_SECONDS, Incoming, Refusal, Verifier, sign

PAIR = Credentials.fresh()
URL = "http://127.0.0.1:5000/v2/domains/dzd_local/notebook-runs?owningProjectIdentifier=local"


def incoming(headers: dict[str, str], body: bytes = b"", url: str = URL) -> Incoming:
    parts = urlsplit(url)
    lower = {name.lower(): [value] for name, value in headers.items()}
    lower.setdefault("host", [parts.netloc])
    return Incoming("GET", parts.netloc, parts.path, parts.query, lambda n: lower.get(n, []), body)


def check(headers: dict[str, str], at: float, service: str = "datazone") -> Refusal | None:
    return Verifier(PAIR, "us-east-1", service, clock=lambda: at).check(incoming(headers))


def last_changed(value: str, suffix: str = "") -> str:
    """``value`` with the character before ``suffix`` made another one: a fixed new
    character would leave a value that already ends in it unchanged (1 in 16 of the
    signatures, 1 in 10 of the times)."""
    cut = len(value) - len(suffix) - 1
    return value[:cut] + ("1" if value[cut] == "0" else "0") + value[cut + 1 :]


def signed_at(headers: dict[str, str]) -> float:
    return float(calendar.timegm(time.strptime(headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")))


def test_fifteen_minutes_either_way_and_not_one_second_more() -> None:
    headers = sign("GET", URL, PAIR, "us-east-1")
    when = signed_at(headers)
    for offset in (0, MAX_SKEW_SECONDS, -MAX_SKEW_SECONDS):
        assert check(headers, when + offset) is None, offset
    late = check(headers, when + MAX_SKEW_SECONDS + 1)
    assert late is not None and late.kind == "expired" and "earlier than" in late.message
    early = check(headers, when - MAX_SKEW_SECONDS - 1)
    assert early is not None and early.kind == "expired" and "later than" in early.message


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        (lambda h: h.pop("Authorization"), "missing"),
        (lambda h: h.update(Authorization="Bearer abc"), "malformed"),
        (lambda h: h.update(Authorization="AWS4-HMAC-SHA256 Credential=x"), "malformed"),
        (lambda h: h.pop("X-Amz-Date"), "malformed"),
        (lambda h: h.update({"X-Amz-Date": "20261301T000000Z"}), "malformed"),
        (lambda h: h.update(Authorization=last_changed(h["Authorization"])), "signature"),
        # A signed header changed, or one that was signed left out.
        (lambda h: h.update({"X-Amz-Date": last_changed(h["X-Amz-Date"], "Z")}), "signature"),
    ],
)
def test_malformed_and_altered_requests(change: object, kind: str) -> None:
    headers = sign("GET", URL, PAIR, "us-east-1")
    when = signed_at(headers)
    assert callable(change)
    change(headers)
    refused = check(headers, when)
    assert refused is not None and refused.kind == kind, refused


def test_the_service_in_the_scope_must_be_ours() -> None:
    headers = sign("GET", URL, PAIR, "us-east-1", service="s3")
    refused = check(headers, signed_at(headers))
    assert refused is not None and refused.kind == "signature"
    assert "us-east-1/datazone/aws4_request" in refused.message


def test_last_changed_always_changes_the_character() -> None:
    assert last_changed("ab0") == "ab1" and last_changed("ab7") == "ab0"
    assert last_changed("20261202T010100Z", "Z") == "20261202T010101Z"
    assert last_changed("20261202T010105Z", "Z") == "20261202T010100Z"
