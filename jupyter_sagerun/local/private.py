"""Files and folders only their owner may read.

The state directory holds the backend's credentials (``backend.json``), parameter values
(SQLite, run inputs) and outputs. On a shared host every other user must be kept out,
as Jupyter keeps them out of a kernel's connection file: the folder is 0700 and every
file in it is created 0600 (never world-readable, not even between create and chmod).
Explicit modes rather than a umask of 077: a umask is process-wide, and run processes
(the kernel) would inherit it, making the files a notebook writes private too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and missing parents) 0700, or tighten it to 0700 if it exists."""
    folder = Path(path)
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o777 != DIR_MODE:
        folder.chmod(DIR_MODE)
    return folder


def open_private(path: str | os.PathLike[str], *, append: bool = False) -> int:
    """A write fd on ``path``, created 0600 (an existing file is tightened to 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return fd


def touch_private(path: str | os.PathLike[str]) -> None:
    """Make sure ``path`` exists and is 0600, before a library (SQLite) opens it: SQLite
    gives its -wal and -shm files the mode of the database file."""
    os.close(open_private(path, append=True))


def write_private(path: str | os.PathLike[str], data: bytes | str) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with os.fdopen(open_private(path), "wb") as handle:
        handle.write(raw)


def tighten_tree(path: str | os.PathLike[str]) -> None:
    """Take every group and other bit off ``path`` and all below it (symlinks left
    alone): for trees another program made (uv's environments and cache), which may
    set modes of their own. The owner's bits stay, an executable stays executable."""
    root = Path(path)
    if not root.exists():
        return
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            _tighten(Path(folder) / name)
    _tighten(root)


def _tighten(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode) or not mode & 0o077:
        return
    path.chmod(stat.S_IMODE(mode) & 0o700)
