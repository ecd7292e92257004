"""The local backend's limits on what one client may make it hold: body sizes, open
connections, how long a silent connection is kept. Named here once; the servers
(``server.py``, ``s3.py``, ``s3auth.py``) and the README's figures read them.

A request whose signature headers are missing or wrong is refused before a byte of
its body is read, so these bound what a holder of the backend's key can do, and what
anyone can make the backend keep open.
"""

from __future__ import annotations

from typing import Any

MIB = 1024 * 1024

#: The largest DataZone request body. The model's largest inputs are a few hundred
#: kilobytes of JSON: StartNotebookRun's 50 parameters of 128 + 1024 characters, a
#: notebook's metadata, every string escaped (``\\uXXXX``, six bytes a character).
#: ``model_body_bound()`` computes that bound (about 1 MB, StartNotebookRun's); a
#: test checks it stays below this.
MAX_DATAZONE_BODY = 4 * MIB
#: The largest S3 object one PUT may store (S3's own single-PUT limit is 5 GB; moto
#: keeps objects in memory, and a notebook this size is already far past usable).
MAX_S3_OBJECT = 256 * MIB
#: All the bytes the local S3 may hold at once (moto holds them in memory).
MAX_S3_HELD = 1024 * MIB
#: S3 bodies are streamed to a temporary file; up to this much stays in memory.
S3_SPOOL_IN_MEMORY = 1 * MIB

#: Connections open at once, per port; beyond them a new one is closed at once.
MAX_DATAZONE_CONNECTIONS = 128
MAX_S3_CONNECTIONS = 64
#: Seconds a connection may stay silent (headers not finished, between requests of a
#: kept-alive connection, or a body stalled) before the server closes it.
IDLE_SECONDS = 10.0
#: Seconds a DataZone body may take to arrive in full.
BODY_SECONDS = 60.0


#: What an unbounded member of the model counts for in ``model_body_bound``.
_UNBOUNDED_STRING = 2048
_UNBOUNDED_COUNT = 100


def model_body_bound() -> int:
    """The largest JSON body a DataZone request the model allows can have: every
    string at its maximum length, every character escaped (six bytes), every list and
    map at its maximum count (members without a maximum: 2048 characters, 100 items;
    recursion cut at 8 levels). MAX_DATAZONE_BODY must stay above it."""
    from ..aws.validation import service_model
    from .protocol import OPERATIONS

    model = service_model()
    sizes = [0]
    for operation in OPERATIONS:
        shape = model.operation_model(operation).input_shape
        if shape is not None:
            sizes.append(_json_bound(shape, 0))
    return max(sizes)


def _json_bound(shape: Any, depth: int) -> int:
    meta = shape.metadata
    if depth > 8:
        return 0
    if shape.type_name == "string":
        return 6 * int(meta.get("max", _UNBOUNDED_STRING)) + 2
    if shape.type_name == "structure":
        return 2 + sum(
            len(name) + 4 + _json_bound(member, depth + 1)
            for name, member in shape.members.items()
            if member.serialization.get("location") is None  # in the body, not the URL
        )
    count = int(meta.get("max", _UNBOUNDED_COUNT))
    if shape.type_name == "list":
        return 2 + count * (_json_bound(shape.member, depth + 1) + 1)
    if shape.type_name == "map":
        key, value = _json_bound(shape.key, depth + 1), _json_bound(shape.value, depth + 1)
        return 2 + count * (key + value + 2)
    return 24  # a number, a boolean, a timestamp
