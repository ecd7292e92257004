"""The local backend's limits on what one client may make it hold: body sizes, open
connections, how long a silent connection is kept. Named here once; the servers
(``server.py``, ``s3.py``, ``s3auth.py``) and the README's figures read them.

A request whose signature headers are missing or wrong is refused before a byte of
its body is read, so these bound what a holder of the backend's key can do, and what
anyone can make the backend keep open.
"""

from __future__ import annotations

MIB = 1024 * 1024

#: The largest DataZone request body. The model's largest inputs are a few hundred
#: kilobytes of JSON: StartNotebookRun's 50 parameters of 128 + 1024 characters, a
#: notebook's metadata, every string escaped (``\\uXXXX``, six bytes a character).
#: ``model_body_bound()`` computes that bound; a test checks it stays below this.
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
