"""The workspace side of a run: which file a request's ``path`` may name, and where a
run's output is written back.

A path comes from the browser, so it is untrusted: it must be relative to the server
root, stay inside it after symlinks are resolved, and name a regular ``.ipynb`` file of
bounded size holding a valid notebook. Each refusal names the field ``path`` and never
quotes the file's content.

Checking a notebook means parsing its JSON, which holds the GIL: ~45 ms for 20 MB,
time in which the server's event loop cannot answer anyone. Content that already
passed is remembered by its sha256 (hashing releases the GIL), so rerunning an
unchanged notebook costs a hash, not a parse.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass

from ..core.errors import FieldError, SageRunError, validation_error
from ..core.notebook_check import NotANotebook, check_notebook

#: The largest notebook file a run may upload (``--SageRun.max_notebook_bytes``).
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024

FIELD = "path"
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
# How many distinct notebook contents are remembered as valid: a user's working set.
_REMEMBERED_VALID = 256


@dataclass(frozen=True)
class CheckedNotebook:
    rel_path: str  # normalized, "/"-separated, relative to the root
    abs_path: str  # symlinks resolved
    content: bytes  # the bytes that were checked; the ones to upload
    sha256: str  # of content


def _bad(message: str) -> SageRunError:
    return validation_error([FieldError(FIELD, message)], f"path {message}.")


class Workspace:
    def __init__(self, root: str, max_notebook_bytes: int, allow_hidden: bool = False) -> None:
        self.root = os.path.realpath(root)
        self.max_notebook_bytes = max_notebook_bytes
        self.allow_hidden = allow_hidden
        self._valid: OrderedDict[str, None] = OrderedDict()  # sha256 digests, LRU
        self._valid_lock = threading.Lock()

    def normalize(self, path: str) -> str:
        """``path`` as a clean relative path, or a 400: no absolute paths, no ``..``."""
        if not path.strip() or "\x00" in path:
            raise _bad("must name a notebook relative to the server root")
        if path.startswith(("/", "\\")) or os.path.isabs(path) or _DRIVE.match(path):
            raise _bad("must be relative to the server root, not absolute")
        if ".." in path.replace("\\", "/").split("/"):
            raise _bad("must stay inside the server root ('..' is not allowed)")
        rel = posixpath.normpath(path)
        if rel in (".", ""):
            raise _bad("must name a notebook relative to the server root")
        if not self.allow_hidden and any(part.startswith(".") for part in rel.split("/")):
            # Jupyter itself does not serve hidden files unless allowed to.
            raise _bad("names a hidden file or directory, which the server does not serve")
        return rel

    def _inside(self, rel: str) -> str:
        full = os.path.realpath(os.path.join(self.root, *rel.split("/")))
        if os.path.commonpath([self.root, full]) != self.root:
            raise _bad("leaves the server root (through a symbolic link)")
        return full

    def holds(self, path: str) -> bool:
        """Whether ``path`` names a file in this server's root. The notebook mapping is
        shared by every server of the user, so a run's path may be another root's."""
        try:
            return os.path.isfile(self._inside(self.normalize(path)))
        except SageRunError:
            return False

    def notebook(self, path: str) -> CheckedNotebook:
        rel = self.normalize(path)
        if not rel.endswith(".ipynb"):
            raise _bad("must name a .ipynb notebook")
        full = self._inside(rel)
        if not os.path.lexists(full):
            raise SageRunError(
                404,
                "ResourceNotFoundException",
                f"No notebook at {rel} in the server root.",
                fields=[FieldError(FIELD, "does not exist")],
            )
        if not os.path.isfile(full):
            raise _bad("is not a regular file")
        limit = self.max_notebook_bytes
        size = os.path.getsize(full)
        if size > limit:
            raise _bad(
                f"is {size} bytes, more than the limit of {limit} (SageRun.max_notebook_bytes)"
            )
        with open(full, "rb") as handle:
            # One read, bounded: a file growing after the size check cannot slip past.
            content = handle.read(limit + 1)
        if len(content) > limit:
            raise _bad(f"is more than the limit of {limit} bytes (SageRun.max_notebook_bytes)")
        sha256 = hashlib.sha256(content).hexdigest()
        if not self._known_valid(sha256):
            _check_notebook(content)
            self._remember_valid(sha256)
        return CheckedNotebook(rel, full, content, sha256)

    def _known_valid(self, sha256: str) -> bool:
        with self._valid_lock:
            if sha256 in self._valid:
                self._valid.move_to_end(sha256)
                return True
            return False

    def _remember_valid(self, sha256: str) -> None:
        with self._valid_lock:
            self._valid[sha256] = None
            while len(self._valid) > _REMEMBERED_VALID:
                self._valid.popitem(last=False)

    def write_output(
        self, source: str | None, notebook_id: str, run_id: str, file_format: str, data: bytes
    ) -> str:
        """Save a run's exported output next to its source notebook (or at the root);
        answer its path relative to the root."""
        suffix = ".pdf" if file_format == "PDF" else ".ipynb"
        if source:
            folder, name = posixpath.split(source)
            stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else name
        else:
            folder, stem = "", notebook_id
        base = posixpath.join(folder, f"{stem}.run-{run_id}")
        first = self._inside(base + suffix)
        os.makedirs(os.path.dirname(first), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(first), prefix=".sagerun-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            # Never overwrite: a file already at the name (the user's, or an earlier
            # download) keeps it and this one takes the next free "-N" name. link()
            # fails rather than replaces, so a file appearing meanwhile is safe too.
            for n in range(1000):
                rel = base + (f"-{n}" if n else "") + suffix
                try:
                    os.link(tmp, self._inside(rel))
                    break
                except FileExistsError:
                    continue
            else:
                raise SageRunError(409, "ConflictException", f"No free name for {base}{suffix}.")
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return rel


def _check_notebook(content: bytes) -> None:
    # A name of this module (not a direct use of check_notebook): its tests count calls.
    try:
        check_notebook(content)
    except NotANotebook as exc:
        raise _bad(str(exc)) from None
