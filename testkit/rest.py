"""The Jupyter server's REST API as the tests call it: ``await api("GET", "runs")`` gives
(status, JSON) and never raises on 4xx/5xx; ``token`` makes a fresh client token."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

Api = Callable[..., Awaitable[tuple[int, Any]]]


def rest_client(jp_fetch: Any) -> Api:
    """An ``Api`` on pytest-jupyter's ``jp_fetch``, under the extension's ``sagerun/``."""

    async def call(
        method: str,
        *parts: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float = 20.0,
    ) -> tuple[int, Any]:
        # ``timeout``: longer for a request that starts a backend on a loaded machine.
        kwargs: dict[str, Any] = {
            "method": method,
            "raise_error": False,
            "request_timeout": timeout,
        }
        if method in ("POST", "PUT"):
            kwargs["body"] = body if isinstance(body, str | bytes) else json.dumps(body or {})
        response = await jp_fetch("sagerun", *parts, params=params, **kwargs)
        text = response.body.decode() if response.body else ""
        return response.code, json.loads(text) if text else None

    return call


def token() -> str:
    """A fresh client token (idempotency key)."""
    return uuid.uuid4().hex
