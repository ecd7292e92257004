"""What the resource modules share about records: new ids, the scope of a client
token, finding one record (or the model's not-found), and one page of a list.

Kept apart from any one resource: notebooks, runs and exports all page, find and
deduplicate the same way, as the real service does.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string

from ..core.errors import SageRunError, not_found
from .state import BackendState, Params
from .store import Kind, Record, TokenScope

#: ``createdBy`` of everything the local backend makes.
CREATED_BY = "local"
#: A list's page when the request names no ``maxResults``.
DEFAULT_PAGE = 50
_ALPHABET = string.ascii_lowercase + string.digits


def new_id() -> str:
    # Letters and digits only: an id starting with "-" would read as an option to the
    # AWS CLI (`--identifier -x...`).
    return secrets.choice(string.ascii_lowercase) + "".join(
        secrets.choice(_ALPHABET) for _ in range(13)
    )


def token_scope(p: Params, operation: str) -> TokenScope:
    """The clientToken of ``p`` scoped to its domain, project and operation, with a
    digest of everything else it asks (key order and the token itself left out)."""
    rest = {k: v for k, v in p.items() if k != "clientToken"}
    digest = hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()
    return TokenScope(
        p["domainIdentifier"],
        str(p.get("owningProjectIdentifier") or ""),
        operation,
        p.get("clientToken"),
        digest,
    )


def find(state: BackendState, kind: Kind, rid: str, domain: str, what: str) -> Record:
    """The record ``rid`` of ``domain``, or the model's ResourceNotFoundException."""
    record = state.store.get(kind, rid, domain)
    if record is None:
        raise not_found(f"{what} {rid} was not found in domain {domain}.")
    return record


def notebook_in(state: BackendState, p: Params, key: str) -> Record:
    """The notebook ``p[key]`` names, in the request's domain and project."""
    notebook = find(state, "notebooks", p[key], p["domainIdentifier"], "Notebook")
    if notebook["owningProjectId"] != p["owningProjectIdentifier"]:
        raise not_found(
            f"Notebook {p[key]} was not found in project {p['owningProjectIdentifier']}."
        )
    return notebook


def page(state: BackendState, kind: Kind, p: Params, filters: dict[str, str], order: str) -> Record:
    """One page of a List operation: ``items`` and the ``nextToken`` of the next."""
    token = p.get("nextToken")
    try:
        after = int(token) if token is not None else None
    except ValueError:
        raise SageRunError(400, "ValidationException", "nextToken is not a valid token.") from None
    items, cursor = state.store.page(
        kind,
        p["domainIdentifier"],
        p["owningProjectIdentifier"],
        filters,
        descending=p.get("sortOrder", "DESCENDING") == "DESCENDING",
        after=after,
        limit=int(p.get("maxResults") or DEFAULT_PAGE),
        order_by=order,
    )
    return {"items": items, "nextToken": None if cursor is None else str(cursor)}
