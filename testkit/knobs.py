"""The local backend's test knobs (``/_local/faults``, ``/_local/requests``), called
signed like any other request, from the test's process."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.local.sigv4 import sign


def knob(backend: LocalBackend, method: str, path: str, body: Any = None) -> Any:
    """A signed request to one of ``backend``'s test knobs: its JSON answer (raises on
    an error status)."""
    data = b"" if body is None else json.dumps(body).encode()
    url = backend.endpoint_url + path
    headers = sign(
        method,
        url,
        backend.credentials,
        backend.region,
        body=data,
        headers={"Content-Type": "application/json"},
    )
    request = urllib.request.Request(url, data=data or None, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")
