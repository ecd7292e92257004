"""The local backend's credentials: an AWS-looking key pair made fresh at each start.

A module of its own, importing nothing of the project, because three layers carry the
pair: the backend (which makes it and checks signatures with it), its connection file
(``local/discovery.py``) and the clients (``context.py``, ``datazone.py``). The repr
shows neither half: a dataclass repr ends up in logs and tracebacks.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field

_KEY_ID_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


@dataclass(frozen=True)
class Credentials:
    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)

    @classmethod
    def fresh(cls) -> Credentials:
        """``AKIA`` + 16 upper-case alphanumerics and a 40-character secret, the shape of
        an IAM user's keys, so tools that check the shape (the AWS CLI does not, some
        linters do) take them."""
        key_id = "AKIA" + "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(16))
        secret = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))
        return cls(key_id, secret)

    def __repr__(self) -> str:
        return "Credentials(<hidden>)"
