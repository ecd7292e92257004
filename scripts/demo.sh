#!/usr/bin/env bash
# Install everything, then start JupyterLab with jupyter_sagerun on the local backend,
# in a workspace that holds a sample parameterized notebook. Open the URL it prints,
# open sample.ipynb and click "Run remotely".
#
# Quiet: one line per set-up stage (the tools' output is in .setup.log), then
# JupyterLab and its extensions at log level WARN, so that its URL is easy to find.
# More of the log: pass --Application.log_level=INFO (arguments go to `jupyter lab`).
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's venv (.venv/): set-up installs there, and JupyterLab runs from it.
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
bash scripts/setup.sh

workspace=${SAGERUN_DEMO_DIR:-$HOME/sagerun-demo}
mkdir -p "$workspace"
# Never overwrite a sample the user has edited.
# With the language_info its kernel reports, so that opening it changes nothing.
[[ -f "$workspace/sample.ipynb" ]] ||
  "$PYTHON" scripts/sample_notebook.py examples/sample.ipynb "$workspace/sample.ipynb"

# The demo's own JupyterLab settings, beside the workspace (the user's real settings
# are not touched, nor read): a fresh profile would ask "Get notified about Jupyter
# news?" in a toast over the run form's buttons.
settings=${SAGERUN_DEMO_SETTINGS:-$workspace.lab-settings}
news="$settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
if [[ ! -f $news ]]; then
  mkdir -p "$(dirname "$news")"
  echo '{ "fetchNews": "false" }' >"$news"
fi

extra=()
[[ $(id -u) == 0 ]] && extra+=(--allow-root)
echo "Starting JupyterLab on the local backend, in $workspace."
echo "Open the URL JupyterLab prints below, then sample.ipynb, and click \"Run remotely\"."
exec jupyter lab --notebook-dir="$workspace" --SageRun.backend=local \
  --LabApp.user_settings_dir="$settings" --Application.log_level=WARN \
  --ServerApp.open_browser=False "${extra[@]}" "$@"
