"""A run's packages: the notebook's environment configuration, set before the run.

StartNotebookRun takes no environment configuration: a run uses the notebook's,
which UpdateNotebook sets and the run snapshots when it starts. So before a run that
asks for packages, the service reads the notebook (GetNotebook) and, when its
configuration differs, sets the requested one; and it holds a lock per (domain,
notebook) from that read until StartNotebookRun has answered, so that two runs
submitted together with different packages each start with their own.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..aws.validation import CheckedRequest
from ..core.idempotency import KeyedLocks, client_token
from .context import RunContext

Call = Callable[[RunContext, str, Mapping[str, Any]], dict[str, Any]]
FIELD = "environmentConfiguration"


def _canonical(configuration: Mapping[str, Any] | None) -> str:
    """What matters of a configuration: an empty package list or image version is the
    same as none (the form always sends a package list, an empty one too)."""
    effective = dict(configuration or {})
    package = effective.get("packageConfig")
    if isinstance(package, Mapping) and not package.get("packageSpecification"):
        del effective["packageConfig"]
    if not effective.get("imageVersion"):
        effective.pop("imageVersion", None)
    return json.dumps(effective, sort_keys=True)


class EnvironmentSetter:
    def __init__(self, call: Call) -> None:
        self._call = call
        self._locks = KeyedLocks()

    @contextlib.contextmanager
    def prepared(
        self,
        ctx: RunContext,
        notebook_id: str,
        configuration: Mapping[str, Any] | None,
        request_token: str,
    ) -> Iterator[None]:
        """The notebook has ``configuration`` inside the block (run StartNotebookRun
        there); without one, the notebook's own stays and nothing is serialized."""
        if configuration is None:
            yield
            return
        domain = str(ctx.domain_id)
        wanted = _canonical(configuration)
        # Made before the lock is taken, so the lock covers only the two calls. Its one
        # member from the user was checked with the run request
        # (``models.checked_run_request``); the rest are DataZone's ids and our token.
        update = CheckedRequest(
            "UpdateNotebook",
            {
                "domainIdentifier": domain,
                "identifier": notebook_id,
                FIELD: dict(configuration),
                "clientToken": client_token(
                    "UpdateNotebook", domain, notebook_id, wanted, request_token
                ),
            },
        )
        with self._locks.held((domain, notebook_id)):
            notebook = self._call(
                ctx, "GetNotebook", {"domainIdentifier": domain, "identifier": notebook_id}
            )
            if _canonical(notebook.get(FIELD)) != wanted:
                self._call(ctx, "UpdateNotebook", update)
            yield
