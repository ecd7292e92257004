# shellcheck shell=bash
# Sourced by setup.sh, test.sh and demo.sh: use the project's own virtual environment,
# .venv/ beside this checkout (made here on first use), unless one is active already,
# so that set-up never installs into, or upgrades, the user's own Python.
#
#   SAGERUN_BASE_PYTHON   the interpreter .venv is made from (default: python3)
if [[ -z ${VIRTUAL_ENV:-} ]]; then
  if [[ ! -x .venv/bin/python ]]; then
    "${SAGERUN_BASE_PYTHON:-python3}" -m venv .venv
  fi
  # shellcheck source=/dev/null
  source .venv/bin/activate
fi
# Every script after this point means the venv's interpreter.
PYTHON=${PYTHON:-$VIRTUAL_ENV/bin/python}
export PYTHON
