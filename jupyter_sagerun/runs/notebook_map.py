"""Which SMUS notebook holds a workspace file: (domain, project, path) → notebookId,
its content hash and earlier ids, kept in one small JSON file so that it survives a
server restart."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAPPING_FILE = "notebooks.json"
MAPPING_VERSION = 1

Key = tuple[str, str, str]  # (domainId, projectId, rel_path)


class MappingStore:
    """The (domain, project, path) → notebook mapping, one JSON file, atomic writes."""

    def __init__(self, state_dir: str | os.PathLike[str]) -> None:
        self.path = Path(state_dir) / MAPPING_FILE
        self._lock = threading.Lock()
        self._entries: dict[Key, dict[str, Any]] = self._load()

    def _load(self) -> dict[Key, dict[str, Any]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # A damaged mapping only costs a re-upload: imports are idempotent by token.
            log.warning("SageRun: ignoring unreadable notebook mapping %s", self.path)
            return {}
        entries: dict[Key, dict[str, Any]] = {}
        for item in raw.get("notebooks", []) if isinstance(raw, dict) else []:
            try:
                key = (str(item["domainId"]), str(item["projectId"]), str(item["path"]))
                entries[key] = {
                    "notebookId": str(item["notebookId"]),
                    "sha256": str(item["sha256"]),
                    "syncedAt": str(item.get("syncedAt", "")),
                    "previousIds": [str(i) for i in item.get("previousIds", [])],
                }
            except (KeyError, TypeError):
                continue
        return entries

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        items = [
            {"domainId": d, "projectId": p, "path": r, **entry}
            for (d, p, r), entry in sorted(self._entries.items())
        ]
        data = json.dumps({"version": MAPPING_VERSION, "notebooks": items}, indent=1)
        # Write then rename: a crash leaves the old file or the new one, never half.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".notebooks.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def get(self, key: Key) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            return dict(entry) if entry else None

    def put(self, key: Key, notebook_id: str, sha256: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            old = self._entries.get(key)
            previous: list[str] = list(old.get("previousIds", [])) if old else []
            if old and old["notebookId"] != notebook_id:
                # Remapped (a refused sync, or the old notebook gone): its runs stay ours.
                previous = [old["notebookId"], *previous]
            previous = [i for i in dict.fromkeys(previous) if i != notebook_id]
            self._entries[key] = {
                "notebookId": notebook_id,
                "sha256": sha256,
                "syncedAt": stamp,
                "previousIds": previous,
            }
            self._save()

    def path_for(self, domain_id: str, project_id: str, notebook_id: str) -> str | None:
        with self._lock:
            for (domain, project, rel_path), entry in self._entries.items():
                if (domain, project) == (domain_id, project_id) and (
                    entry["notebookId"] == notebook_id
                    or notebook_id in entry.get("previousIds", [])
                ):
                    return rel_path
        return None
