"""Which workspace root a notebook named on the command line belongs to.

The notebook mapping (workspace path → SMUS notebook) is keyed by the path relative
to the root, as JupyterLab sees it. JupyterLab started in a directory uses that
directory (or ``c.ServerApp.root_dir``) as its root; so does this command, with the
current directory in place of the start directory. Then `jupyter sagerun run
reports/q3.ipynb` and JupyterLab opened in the same directory name the same SMUS
notebook, and neither imports it a second time. A notebook outside both gets its own
directory as root: the only root under which it has a path at all.
"""

from __future__ import annotations

import os


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives
        return False


def locate(notebook: str, configured_root: str | None = None) -> tuple[str, str]:
    """``(root, path relative to root with "/")`` for a notebook given on the command line."""
    full = os.path.abspath(os.path.expanduser(notebook))
    for root in (configured_root, os.getcwd()):
        if not root:
            continue
        base = os.path.abspath(os.path.expanduser(root))
        if _inside(full, base) and full != base:
            return base, os.path.relpath(full, base).replace(os.sep, "/")
    return os.path.dirname(full), os.path.basename(full)
