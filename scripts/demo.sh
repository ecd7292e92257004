#!/usr/bin/env bash
# Install everything, then start JupyterLab with jupyter_sagerun on the local backend,
# in a workspace that holds a sample parameterized notebook. Open the URL it prints,
# open sample.ipynb and click "Run remotely".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

workspace=${SAGERUN_DEMO_DIR:-$HOME/sagerun-demo}
mkdir -p "$workspace"
# Never overwrite a sample the user has edited.
[[ -f "$workspace/sample.ipynb" ]] || cp examples/sample.ipynb "$workspace/sample.ipynb"

extra=()
[[ $(id -u) == 0 ]] && extra+=(--allow-root)
echo "==> Starting JupyterLab in $workspace on the local backend"
exec jupyter lab --notebook-dir="$workspace" --SageRun.backend=local \
  --ServerApp.open_browser=False "${extra[@]}" "$@"
