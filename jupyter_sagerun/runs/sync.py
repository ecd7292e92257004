"""Workspace notebook → S3 staging → SMUS notebook, remembered by content hash.

A run needs the notebook to exist in the project. The first run of a workspace file
imports it (StartNotebookImport); a run after an edit syncs the new content into the
same SMUS notebook (StartNotebookSync); a run of unchanged content uploads nothing.
If the service refuses the sync (its documentation describes StartNotebookSync as a
sync from a Git repository), the new content is imported as a new notebook and the
path remapped to it; the path keeps its earlier notebook ids, so the runs of every
one of them are still the file's runs. The mapping (path, domain, project) →
notebookId + sha256 + earlier ids lives in a small JSON file so that it survives a
server restart.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..aws.validation import checked
from ..core.errors import FieldError, SageRunError, validation_error
from ..core.idempotency import KeyedLocks, client_token
from ..core.polling import poll_until
from ..core.target import AwsTarget
from .context import RunContext
from .notebook_map import Key, MappingStore

log = logging.getLogger(__name__)

#: Answers to StartNotebookSync after which the content is imported instead.
SYNC_REFUSED = (400, 403, 404, 409)
#: Names tried for one import when the project already has a notebook of that name.
IMPORT_NAME_ATTEMPTS = 4
#: Notebook states that may still become ACTIVE.
IN_PROGRESS = ("SYNC_IN_PROGRESS",)
#: The code of an import that failed because its staged upload was gone: a transient
#: fault (a retry stages it again), never a permanent answer.
STAGED_UPLOAD_LOST = "StagedUploadLost"


@dataclass(frozen=True)
class _UploadTokens:
    """The clientTokens of one submission's upload of one content.

    A retry of the same submission (same run clientToken) repeats the same sync or the
    same imports, so DataZone answers it with the notebook it already made; a new
    submission never reuses an old one's. The notebook a sync targets is not in its
    token: a retry that meets another one is refused (409) and imports instead.
    """

    sync: str
    # (name, clientToken) in the order tried: the file's name, then names of its own.
    imports: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, key: Key, sha256: str, request_token: str) -> _UploadTokens:
        seed = (*key, sha256, request_token)
        filename = key[2].rsplit("/", 1)[-1]
        stem = filename[:-6] if filename.endswith(".ipynb") else filename
        names = [filename, f"{stem}-{sha256[:8]}.ipynb"]
        names += [f"{stem}-{sha256[:8]}-{n}.ipynb" for n in range(2, IMPORT_NAME_ATTEMPTS)]
        return cls(
            sync=client_token("StartNotebookSync", *seed),
            imports=tuple((n, client_token("StartNotebookImport", *seed, n)) for n in names),
        )


class Gateway(Protocol):
    def call(
        self, target: AwsTarget, operation: str, params: Mapping[str, Any]
    ) -> dict[str, Any]: ...

    def put_object(self, target: AwsTarget, uri: str, body: bytes) -> None: ...


class NotebookSyncer:
    def __init__(
        self,
        gateway: Gateway,
        state_dir: str | os.PathLike[str],
        *,
        # The first look comes soon: the local backend imports in tens of ms.
        poll_interval: float = 0.1,
        poll_max_interval: float = 2.0,
        deadline: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        logger: logging.Logger | None = None,
    ) -> None:
        self.log = logger or log
        self.gateway = gateway
        self.store = MappingStore(state_dir)
        self.poll_interval = poll_interval
        self.poll_max_interval = poll_max_interval
        self.deadline = deadline
        self._sleep = sleep
        # One sync per notebook at a time: two runs of the same unchanged notebook
        # started together must upload once, not race to upload twice.
        self._locks = KeyedLocks()

    # lookups

    def lookup(self, domain_id: str, project_id: str, rel_path: str) -> str | None:
        entry = self.store.get((domain_id, project_id, rel_path))
        return entry["notebookId"] if entry else None

    def path_for(self, domain_id: str, project_id: str, notebook_id: str) -> str | None:
        return self.store.path_for(domain_id, project_id, notebook_id)

    def notebook_ids(self, domain_id: str, project_id: str, rel_path: str) -> list[str]:
        """Every notebook id the path has had, the current one first, then newest first."""
        entry = self.store.get((domain_id, project_id, rel_path))
        if not entry:
            return []
        return [str(entry["notebookId"]), *entry.get("previousIds", [])]

    # the sync

    def ensure_synced(
        self,
        context: RunContext,
        abs_path: str,
        rel_path: str,
        content: bytes | None = None,
        *,
        request_token: str = "",
        sha256: str | None = None,
    ) -> str:
        """The notebookId holding the current content of ``rel_path``; uploads and
        imports or syncs only when the project does not have that content yet.

        ``content`` is the bytes the caller already checked; reading the file again
        here could upload something other than what was validated. ``request_token``
        is the run request's clientToken: a retry of the same submission repeats the
        same import or sync, a new submission never reuses an old one's. ``sha256``
        is the content's digest when the caller already has it.
        """
        if content is None:
            content = Path(abs_path).read_bytes()
        assert context.domain_id and context.project_id
        key: Key = (context.domain_id, context.project_id, rel_path)
        sha256 = sha256 or hashlib.sha256(content).hexdigest()
        # Fast path, unlocked: unchanged content whose notebook is ACTIVE needs one
        # GetNotebook and nothing else, so many runs of one notebook do not queue here.
        entry = self.store.get(key)
        if entry and entry["sha256"] == sha256:
            known = self._usable(context, entry["notebookId"])
            if known and known.get("status") == "ACTIVE":
                return str(entry["notebookId"])
        # Slow path: one upload per notebook at a time; a second caller finds the
        # first one's result when it gets the lock. The upload's tokens depend only on
        # this submission and this content, so they are made once, before it waits.
        tokens = _UploadTokens.of(key, sha256, request_token)
        with self._locks.held(key):
            entry = self.store.get(key)
            known = self._usable(context, entry["notebookId"]) if entry else None
            if entry and known and entry["sha256"] == sha256:
                if known.get("status") != "ACTIVE":
                    self._wait_active(context, entry["notebookId"])
                return str(entry["notebookId"])
            notebook_id = self._upload(
                context,
                rel_path,
                content,
                sha256,
                existing=str(entry["notebookId"]) if entry and known else None,
                tokens=tokens,
            )
            self.store.put(key, notebook_id, sha256)
            return notebook_id

    def _usable(self, context: RunContext, notebook_id: str) -> dict[str, Any] | None:
        """The mapped notebook when it still exists and can take a sync, else None."""
        try:
            notebook = self._call(
                context,
                "GetNotebook",
                {"domainIdentifier": context.domain_id, "identifier": notebook_id},
            )
        except SageRunError as exc:
            if exc.status == 404:
                return None
            raise
        return None if notebook.get("status") == "ARCHIVED" else notebook

    def _upload(
        self,
        context: RunContext,
        rel_path: str,
        content: bytes,
        sha256: str,
        *,
        existing: str | None,
        tokens: _UploadTokens,
    ) -> str:
        staging = context.staging_s3_uri
        if not staging or not staging.startswith("s3://"):
            raise validation_error(
                [FieldError("stagingS3Uri", "is not configured")],
                "No S3 staging location to upload the notebook to: set "
                "--SageRun.staging_s3_uri=s3://BUCKET/PREFIX/ (or c.SageRun.staging_s3_uri), "
                "or run in an SMUS space whose metadata names the project's S3 path.",
            )
        filename = rel_path.rsplit("/", 1)[-1]
        uri = f"{staging.rstrip('/')}/{context.project_id}/{sha256[:16]}/{filename}"
        params: dict[str, Any] = {
            "domainIdentifier": context.domain_id,
            "owningProjectIdentifier": context.project_id,
            "sourceLocation": {"s3": uri},
        }
        if existing:
            operation = "StartNotebookSync"
            params["notebookId"] = existing
            params["clientToken"] = tokens.sync
        else:
            operation = "StartNotebookImport"
            params["name"], params["clientToken"] = tokens.imports[0]
        # Checked before the upload: a request the model refuses uploads nothing.
        # ``call`` sends the ``CheckedRequest`` without checking it again.
        request = checked(operation, params)
        self.gateway.put_object(context.target, uri, content)
        self.log.info(
            "SageRun: uploaded %d bytes for %s (%s)", len(content), operation, sha256[:12]
        )
        # The request DataZone answered: the one a lost upload is sent again with.
        sent: tuple[str, Mapping[str, Any]] = (operation, request)
        if existing:
            try:
                answer = self._call(context, operation, request)
            except SageRunError as exc:
                if exc.status not in SYNC_REFUSED or exc.retryable:
                    raise
                self.log.info(
                    "SageRun: %s refused (%s); importing the content as a new notebook",
                    operation,
                    exc.code,
                )
                answer, sent = self._import(context, uri, tokens)
        else:
            answer, sent = self._import(context, uri, tokens, request)
        new_id = str(answer.get("notebookId") or answer.get("id") or existing)
        if answer.get("status") != "ACTIVE":
            try:
                self._wait_active(context, new_id)
            except SageRunError as exc:
                if not exc.retryable or exc.code != STAGED_UPLOAD_LOST:
                    raise
                # Gone before it was read (a restart lost it): stage it, ask again once.
                self.log.info("SageRun: staged upload lost; staging it again")
                self.gateway.put_object(context.target, uri, content)
                self._call(context, *sent)
                self._wait_active(context, new_id)
        return new_id

    def _import(
        self,
        context: RunContext,
        uri: str,
        tokens: _UploadTokens,
        first: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], tuple[str, Mapping[str, Any]]]:
        """StartNotebookImport of ``uri`` (``first``, when it is already made); a name
        the project already has (Conflict) is retried under a name of its own. The
        answer, and the request it answered."""
        for attempt, (name, token) in enumerate(tokens.imports):
            params: Mapping[str, Any] = (
                first
                if attempt == 0 and first is not None
                else {
                    "domainIdentifier": context.domain_id,
                    "owningProjectIdentifier": context.project_id,
                    "sourceLocation": {"s3": uri},
                    "name": name,
                    "clientToken": token,
                }
            )
            try:
                answer = self._call(context, "StartNotebookImport", params)
            except SageRunError as exc:
                if exc.status != 409 or attempt == len(tokens.imports) - 1:
                    raise
                self.log.info("SageRun: notebook name taken; importing under another name")
                continue
            return answer, ("StartNotebookImport", params)
        raise AssertionError("unreachable")

    def _wait_active(self, context: RunContext, notebook_id: str) -> None:
        last: dict[str, Any] = {}

        def probe() -> bool | None:
            notebook = self._call(
                context,
                "GetNotebook",
                {"domainIdentifier": context.domain_id, "identifier": notebook_id},
            )
            last["status"] = status = notebook.get("status")
            if status == "ACTIVE":
                return True
            if status in IN_PROGRESS or str(status).endswith("_IN_PROGRESS"):
                return None
            # Any other state (SYNC_FAILED, ARCHIVED, one the model does not list yet)
            # will not turn ACTIVE by waiting: end the wait now, saying why.
            reason = (notebook.get("error") or {}).get("message") or "no reason given"
            if status == "ARCHIVED":
                raise SageRunError(
                    409, "ConflictException", f"Notebook {notebook_id} is ARCHIVED: {reason}"
                )
            lost = "NoSuchKey" in reason  # the staged object is gone: stage it again
            raise SageRunError(
                502,
                STAGED_UPLOAD_LOST if lost else "UpstreamError",
                f"SMUS could not import the notebook ({notebook_id} is {status}): {reason}",
                retryable=lost,
            )

        done = poll_until(
            probe,
            timeout=self.deadline,
            interval=self.poll_interval,
            max_interval=self.poll_max_interval,
            factor=1.5,
            sleep=self._sleep,
        )
        if done is None:
            raise SageRunError(
                504,
                "UpstreamTimeout",
                f"Notebook {notebook_id} did not become ACTIVE within "
                f"{self.deadline:.0f} s (still {last.get('status')}).",
                retryable=True,
            )

    def _call(
        self, context: RunContext, operation: str, params: Mapping[str, Any]
    ) -> dict[str, Any]:
        return self.gateway.call(context.target, operation, params)
