"""jupyter_sagerun: run the open notebook on Amazon SageMaker Unified Studio compute.

Entry points only; everything else loads when Jupyter asks for it, so that importing
the package (``jupyter sagerun``, the labextension lookup) stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .server.app import SageRunExtension

    return [{"module": "jupyter_sagerun", "app": SageRunExtension}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter_sagerun"}]
