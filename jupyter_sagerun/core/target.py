"""Where a call goes: region, profile, endpoints, and the local backend's key pair.

A plain value, free of botocore, so that the service layer (``context``, ``sync``) can
name a target without importing the AWS SDK; only ``datazone`` turns it into clients.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .credentials import Credentials


@dataclass(frozen=True)
class AwsTarget:
    """Where calls go. ``credentials``: the local backend's key pair (from its connection
    file), used instead of any of the user's: a local run must not touch ~/.aws at all.
    Out of repr and comparison; clients are cached by its key id."""

    region: str
    profile: str | None = None
    endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    #: EventBridge Scheduler's endpoint (the local backend's own port; None on AWS).
    scheduler_endpoint_url: str | None = None
    credentials: Credentials | None = field(default=None, repr=False, compare=False)

    @property
    def static_credentials(self) -> bool:
        return self.credentials is not None

    @property
    def key_id(self) -> str | None:
        return self.credentials.access_key_id if self.credentials else None
