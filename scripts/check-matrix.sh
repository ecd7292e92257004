#!/usr/bin/env bash
# The supported matrix's two ends, run: the release wheel installed with uv into
#   - Python 3.10 with the LOWEST versions its requirements allow (every floor in
#     pyproject.toml's dependencies, `--resolution lowest-direct`), and
#   - Python 3.13 with the NEWEST,
# and in each the REST and CLI tests (MATRIX_TESTS below) against that install: a real
# Jupyter server of that venv, its boto3 and botocore, its pydantic, its papermill.
#
# The wheel's requirements are passed to uv as direct requirements (read from its
# METADATA), so that lowest-direct takes each one's floor; only its test extra's
# runners are added (pytest, pytest-jupyter, pytest-timeout): the rest of that extra
# (awscli pins a recent botocore) would lift the floors this stage is about.
#
# The tests run from a copy of tests/ and testkit/ outside the checkout, so that they
# import the installed jupyter_sagerun and never the checkout's.
#
# Usage: bash scripts/check-matrix.sh [WHEEL]   (default: dist/jupyter_sagerun-*.whl,
#   which scripts/check-wheel.sh builds)
# Environment: SAGERUN_PYTHON_3_10, SAGERUN_PYTHON_3_13 (the interpreters; default:
# python3.10/python3.13 on PATH, else pyenv's, else uv's own find), HOST_PYTHON (the
# Python with the dev extra, whose uv is used; python3), SAGERUN_MATRIX (which ends:
# "lowest highest", the default).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
started=$(date +%s)

# The REST and CLI tests: what a user of each end of the matrix touches first.
MATRIX_TESTS=(
  tests/test_rest_runs.py
  tests/test_rest_validation.py
  tests/test_rest_context.py
  tests/test_cli.py
)
# The test extra's runners: the tests above need nothing else of it.
RUNNERS='^(pytest|pytest-jupyter|pytest-timeout)$'

shopt -s nullglob
wheels=(dist/jupyter_sagerun-*.whl)
wheel=${1:-${wheels[0]:-}}
[[ -n $wheel && -f $wheel ]] ||
  { echo "no wheel: run scripts/check-wheel.sh first (it builds dist/*.whl), or name one" >&2; exit 1; }
wheel=$(realpath "$wheel")
UV=${SAGERUN_UV:-$("${HOST_PYTHON:-python3}" -c 'import uv; print(uv.find_uv_bin())')} ||
  { echo "uv is missing: run scripts/setup.sh (uv is in the dev extra)" >&2; exit 1; }

# An interpreter of exactly VERSION that starts (a pyenv shim may answer `command -v`
# for a version it will not run).
find_python() {
  local version=$1 override candidate
  override=SAGERUN_PYTHON_${version//./_}
  local candidates=("${!override:-}" "python$version"
    "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/"python$version"
    "$("$UV" python find --no-python-downloads "$version" 2>/dev/null || true)")
  for candidate in "${candidates[@]}"; do
    [[ -n $candidate ]] || continue
    if "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" 2>/dev/null; then
      command -v "$candidate"
      return
    fi
  done
  echo "no Python $version on this machine (tried python$version on PATH, pyenv's" \
    "versions, uv python find): install one, or set $override to its path" >&2
  return 1
}

work=$(mktemp -d /tmp/sagerun-matrix-XXXXXX)
trap 'rm -rf "$work"' EXIT
# The wheel's requirements, and its test extra's runners, one per line.
"${HOST_PYTHON:-python3}" - "$wheel" "$RUNNERS" >"$work/requirements.txt" <<'PY'
import re
import sys
import zipfile
from email.parser import Parser

wheel, runners = sys.argv[1], re.compile(sys.argv[2])
with zipfile.ZipFile(wheel) as archive:
    name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    metadata = Parser().parsestr(archive.read(name).decode())
for line in metadata.get_all("Requires-Dist") or []:
    requirement, _, marker = line.partition(";")
    project = re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0].lower()
    if not marker.strip():
        print(requirement.strip())
    elif marker.strip() in ('extra == "test"', "extra == 'test'") and runners.match(project):
        print(requirement.strip())
PY
# The copy the tests run from: the same pytest settings (pyproject.toml), no package.
mkdir "$work/src"
cp -r tests testkit examples pyproject.toml "$work/src/"

run_end() {
  local resolution=$1 version=$2 python venv end_started=$SECONDS
  python=$(find_python "$version")
  venv="$work/venv-$resolution"
  echo "==> Python $version ($python), the $resolution versions: $(basename "$wheel")"
  "$UV" venv --quiet --python "$python" "$venv"
  "$UV" pip install --quiet --python "$venv/bin/python" --resolution "$resolution" \
    "$wheel" -r "$work/requirements.txt"
  # What this end installed of what the README names.
  "$UV" pip list --python "$venv/bin/python" 2>/dev/null |
    grep -iE '^(botocore|boto3|pydantic|jupyter[-_]server|jupyterlab|papermill|moto|flask|werkzeug|nbformat|ipykernel|uv) ' |
    awk '{printf "%s %s, ", $1, $2} END {print ""}'
  (
    cd "$work/src"
    # From the install, not a checkout.
    "$venv/bin/python" -c 'import jupyter_sagerun, sys; p = jupyter_sagerun.__file__; print(p); sys.exit("site-packages" not in p)'
    # The detached backend's idle-out test races a 6 s timeout: the main pytest stage
    # runs it; here it would only measure the machine's load.
    PATH="$venv/bin:$PATH" "$venv/bin/python" -m pytest -q -p no:cacheprovider \
      "${MATRIX_TESTS[@]}" -k "not idles_out"
  )
  echo "==> Python $version, $resolution: passed in $((SECONDS - end_started)) s"
}

for end in ${SAGERUN_MATRIX:-lowest highest}; do
  case $end in
    lowest) run_end lowest-direct 3.10 ;;
    highest) run_end highest 3.13 ;;
    *) echo "unknown matrix end $end (lowest, highest)" >&2; exit 1 ;;
  esac
done
echo "matrix OK in $(($(date +%s) - started)) s"
