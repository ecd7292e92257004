#!/usr/bin/env bash
# Install everything jupyter_sagerun needs to run and to be tested, on a fresh machine,
# into the project's virtual environment .venv/ (scripts/venv.sh; an active venv is used
# as it is): the Python package (editable, with its test and dev extras), the frontend's node
# modules, the built labextension linked into JupyterLab, and Debian's Chromium (the PDF
# export and its tests, and the browser tests, need it).
# Idempotent: a second call only rebuilds what changed.
#
# One line per stage on the terminal; the tools' output goes to the log
# (SAGERUN_SETUP_LOG, default .setup.log here), whose tail is shown when a stage
# fails. SAGERUN_VERBOSE=1 shows everything as it happens (scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/stages.sh
source scripts/stages.sh
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
STAGE_LOG=${SAGERUN_SETUP_LOG:-$(pwd)/.setup.log}
stages_begin
echo "Setting up jupyter_sagerun in $VIRTUAL_ENV (the tools' output: $STAGE_LOG)"

python_tools() {
  # JupyterLab first: it brings jlpm, which the package's build hook needs.
  "$PYTHON" -m pip install --upgrade pip
  # The newest JupyterLab of the supported range: the browser tests run on it. (The
  # labextension itself is built against 4.4's core: scripts/build_labextension.py.)
  "$PYTHON" -m pip install "jupyterlab>=4.4,<5" "hatchling>=1.21" "hatch-jupyter-builder>=0.8" editables
}

editable_install() {
  # A link left by an earlier `labextension develop` (perhaps of another checkout) makes
  # pip write the shared data through it and fail: start from a clean slot.
  local labext
  labext="$("$PYTHON" -c 'import sys; print(sys.prefix)')/share/jupyter/labextensions/jupyter_sagerun"
  if [[ -L "$labext" ]]; then rm -f "$labext"; fi
  # The labextension was just built, so the build hook's skip-if-exists keeps the
  # editable install from building it again.
  "$PYTHON" -m pip install --no-build-isolation -e ".[test,dev]"
  jupyter labextension develop --overwrite .
  jupyter server extension enable jupyter_sagerun
}

# Debian's Chromium at SAGERUN_CHROMIUM (/usr/bin/chromium): pytest's PDF tests print
# with it, and scripts/ui-tests.sh drives it. Installed when missing, as root or through
# a sudo that asks no password; otherwise the stage fails saying what to run.
CHROMIUM=${SAGERUN_CHROMIUM:-/usr/bin/chromium}
chromium() {
  if [[ -x $CHROMIUM ]]; then
    echo "$CHROMIUM is there"
    return
  fi
  local as_root=()
  if [[ $(id -u) != 0 ]]; then
    if sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    else
      echo "$CHROMIUM is missing and this user cannot install it: run" \
        "'sudo apt-get install -y chromium' (or set SAGERUN_CHROMIUM to a Chromium binary)," \
        "then scripts/setup.sh again" >&2
      return 1
    fi
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  [[ -x $CHROMIUM ]] || { echo "apt-get installed chromium, but $CHROMIUM is still missing" >&2; return 1; }
}

check_installed() {
  jupyter labextension list 2>&1 | grep -i sagerun || { echo "labextension missing"; return 1; }
  jupyter server extension list 2>&1 | grep -i sagerun || { echo "server extension missing"; return 1; }
}

stage "Chromium (PDF export, browser tests)" chromium
stage "Python packages (pip, JupyterLab, build tools)" python_tools
stage "Frontend dependencies (jlpm install)" jlpm install
stage "Frontend build (jlpm build)" jlpm build
stage "jupyter_sagerun, editable, with test and dev extras" editable_install
stage "Check: lab and server extensions enabled" check_installed
echo "Set-up finished in $(($(date +%s) - _stages_started)) s"
