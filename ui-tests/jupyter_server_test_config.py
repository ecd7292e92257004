"""Jupyter server configuration for the jupyter_sagerun browser tests.

Galata's own test configuration (fixed port, no token, the app exposed as
``window.jupyterapp``, galata's helper extension), plus:

- ``allow_root`` so that CI, which runs as root, can start it;
- a fresh temporary root directory holding a copy of ``ui-tests/notebooks/``, stamped
  with the kernel metadata scripts/sample_notebook.py writes (so they open clean);
- jupyter_sagerun on the local backend it starts (a process of its own, given these
  ``LocalBackend`` settings), with its state in a temporary directory and
  ``seconds_per_minute`` small so timeouts are counted quickly.

Never use this configuration outside tests: it removes every security protection.
"""

import importlib.util
import os
import tempfile
from pathlib import Path
from types import ModuleType

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (injected by traitlets)

configure_jupyter_server(c)

HERE = Path(__file__).resolve().parent


def _sample_notebook() -> ModuleType:
    """scripts/sample_notebook.py (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location(
        "sample_notebook", HERE.parent / "scripts" / "sample_notebook.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


c.ServerApp.port = int(os.environ.get("SAGERUN_UI_PORT", "8898"))
c.ServerApp.port_retries = 0
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.open_browser = False
c.ServerApp.allow_root = True
c.IdentityProvider.token = ""
c.ServerApp.password = ""
c.LabApp.expose_app_in_browser = True

# A fresh workspace with the test notebooks at its root. Galata's tests additionally
# upload what they need into their own per-test folder (tmpPath).
# scripts/ui-tests.sh gives a directory of its own (SAGERUN_UI_TMP) so that it can
# find and end whatever the run leaves behind.
base = os.environ.get("SAGERUN_UI_TMP") or None
if base:
    Path(base).mkdir(parents=True, exist_ok=True)
root = Path(tempfile.mkdtemp(prefix="sagerun-ui-root-", dir=base))
# Stamped with their kernel's metadata: else JupyterLab fills it in when the kernel
# starts and the notebook opens "unsaved".
stamped = _sample_notebook().stamped
for nb in sorted((HERE / "notebooks").glob("*.ipynb")):
    (root / nb.name).write_text(stamped(nb), encoding="utf-8")
c.ServerApp.root_dir = str(root)

# jupyter_sagerun on the local backend, with throw-away state.
state = Path(tempfile.mkdtemp(prefix="sagerun-ui-state-", dir=base))
# Settings too: a test that does not mock them (secrets.spec.ts) writes real ones, never
# into the user's own ~/.jupyter.
c.LabApp.user_settings_dir = str(state / "user-settings")
# What galata's mocked settings would say: no "get notified about Jupyter news?" toast,
# which would cover the form's buttons.
news = state / "user-settings" / "@jupyterlab" / "apputils-extension"
news.mkdir(parents=True, exist_ok=True)
(news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
c.ServerApp.jpserver_extensions = {"jupyter_sagerun": True}
c.SageRun.backend = "local"
c.SageRun.state_dir = str(state / "server")
c.LocalBackend.state_dir = str(state / "backend")
c.LocalBackend.seconds_per_minute = float(os.environ.get("SAGERUN_UI_SECONDS_PER_MINUTE", "0.5"))
