#!/usr/bin/env bash
# Install everything jupyter_sagerun needs to run and to be tested, on a fresh machine:
# the Python package (editable, with its test and dev extras), the frontend's node
# modules, the built labextension linked into JupyterLab.
# Idempotent: a second call only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

echo "==> Python packages"
# JupyterLab first: it brings jlpm, which the package's build hook needs.
"$PYTHON" -m pip install --quiet --upgrade pip
# The newest JupyterLab of the supported range: the browser tests run on it. (The
# labextension itself is built against 4.4's core: scripts/build_labextension.py.)
"$PYTHON" -m pip install --quiet "jupyterlab>=4.4,<5" "hatchling>=1.21" "hatch-jupyter-builder>=0.8" editables

echo "==> Frontend dependencies and build"
jlpm install
jlpm build

echo "==> jupyter_sagerun (editable) with test and dev extras"
# A link left by an earlier `labextension develop` (perhaps of another checkout) makes
# pip write the shared data through it and fail: start from a clean slot.
labext="$("$PYTHON" -c 'import sys; print(sys.prefix)')/share/jupyter/labextensions/jupyter_sagerun"
if [[ -L "$labext" ]]; then rm -f "$labext"; fi
# The labextension was just built, so the build hook's skip-if-exists keeps the
# editable install from building it again.
"$PYTHON" -m pip install --quiet --no-build-isolation -e ".[test,dev]"
jupyter labextension develop --overwrite . >/dev/null
jupyter server extension enable jupyter_sagerun >/dev/null 2>&1 || true

echo "==> Installed:"
jupyter labextension list 2>&1 | grep -i sagerun || { echo "labextension missing" >&2; exit 1; }
jupyter server extension list 2>&1 | grep -i sagerun || { echo "server extension missing" >&2; exit 1; }
