#!/usr/bin/env bash
# Install the release wheel as a user in a SageMaker Unified Studio space would (plain
# `pip install`, dependencies and all) into a fresh virtual environment built from each
# image's pins (ci/compat/smd-*.txt), and prove that:
#   - none of the image's pinned versions (its Jupyter-side packages, ci/compat/smd-*.txt)
#     moved, and the packages added are exactly those of ci/compat/added-packages.txt;
#   - `jupyter labextension list` shows the extension enabled and OK;
#   - in a real browser, against a Jupyter server of that environment with
#     jupyter-collaboration on, a notebook edited and run remotely at once runs the edit
#     (ui-tests/tests/smoke.spec.ts).
#
# Usage: bash scripts/check-profiles.sh WHEEL [PROFILE...]   (profiles: 4.4.1 3.9.10)
# Environment: SAGERUN_PROFILE_PYTHON (python3.12 when there is one, else python3),
# HOST_PYTHON (the Python with the dev extra, python3), SAGERUN_UI_PORT (8898).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
ADDED_LIST=ci/compat/added-packages.txt

wheel=$(realpath "${1:?usage: check-profiles.sh WHEEL [PROFILE...]}")
shift
profiles=("$@")
if ((${#profiles[@]} == 0)); then
  profiles=(4.4.1 3.9.10)
fi
# The images' Python, 3.12, where this machine has one that runs (a pyenv shim may
# answer `command -v` for a version it will not start); else the default python3.
pick_python() {
  local candidate
  for candidate in python3.12 "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12; do
    if "$candidate" -c 'import sys' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo python3
}
PYTHON=${SAGERUN_PROFILE_PYTHON:-$(pick_python)}
# uv is a dependency of the package (the local backend builds run environments with it),
# in the Python that runs the tests (its bin directory need not be on PATH).
UV=${SAGERUN_UV:-$("${HOST_PYTHON:-python3}" -c 'import uv; print(uv.find_uv_bin())')} ||
  { echo "uv is missing: run scripts/setup.sh" >&2; exit 1; }

# The vendored pins must be the project's (when the project's copy sits beside us).
if [[ -d ../shared/compat ]]; then
  for pins in ci/compat/smd-*.txt; do
    cmp -s "$pins" "../shared/compat/$(basename "$pins")" ||
      { echo "$pins differs from ../shared/compat: copy it again" >&2; exit 1; }
  done
fi

work=$(mktemp -d /tmp/sagerun-profiles-XXXXXX)
trap 'rm -rf "$work"' EXIT
# A find-links entry that does not exist on this machine makes pip warn once per
# package; those lines are dropped, pip's own exit status still decides.
quiet_pip() { "$@" 2>&1 | sed '/is ignored: it is neither a file nor a directory/d'; }

for profile in "${profiles[@]}"; do
  pins="ci/compat/smd-$profile.txt"
  [[ -f $pins ]] || { echo "no pins for profile $profile ($pins)" >&2; exit 1; }
  venv="$work/$profile"
  echo "==> SageMaker Distribution $profile: a venv from $pins ($("$PYTHON" --version))"
  # uv builds the image's environment (the same versions pip resolves, in a fifth of the
  # time); the wheel itself is then installed by that environment's own pip.
  "$UV" venv --quiet --seed --python "$PYTHON" "$venv"
  "$UV" pip install --quiet --python "$venv/bin/python" -r "$pins"
  "$venv/bin/python" -m pip freeze --all >"$work/$profile.before"

  echo "==> pip install $(basename "$wheel")"
  quiet_pip "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
  "$venv/bin/python" -m pip freeze --all >"$work/$profile.after"
  "$venv/bin/python" - "$work/$profile.before" "$work/$profile.after" "$ADDED_LIST" <<'PY'
import sys

def versions(path):
    pins = {}
    for line in open(path):
        name, sep, version = line.strip().partition("==")
        if sep:
            pins[name.lower().replace("_", "-")] = version
    return pins

before, after = versions(sys.argv[1]), versions(sys.argv[2])
listed_path = sys.argv[3]
listed = {
    line.strip().lower().replace("_", "-")
    for line in open(listed_path)
    if line.strip() and not line.startswith("#")
}
moved = [f"{n} {v} -> {after.get(n, 'removed')}" for n, v in before.items() if after.get(n) != v]
added = {n: v for n, v in after.items() if n not in before and n != "jupyter-sagerun"}
print("added besides jupyter_sagerun: " + ", ".join(f"{n}=={v}" for n, v in sorted(added.items())))
if moved:
    sys.exit("installing the wheel moved installed versions: " + "; ".join(moved))
unlisted, gone = sorted(set(added) - listed), sorted(listed - set(added))
if unlisted or gone:
    sys.exit(
        "the packages the wheel adds are not the listed ones"
        + (f"; now also added: {', '.join(unlisted)}" if unlisted else "")
        + (f"; no longer added: {', '.join(gone)}" if gone else "")
        + f". If that is meant, update {listed_path} and the list in README.md's"
        " 'In a SageMaker Unified Studio space' to match."
    )
PY

  listing=$(env -i HOME="$HOME" PATH="$venv/bin:/usr/bin:/bin" "$venv/bin/jupyter" labextension list 2>&1)
  grep -E 'jupyter_sagerun .*enabled.*OK' <<<"$listing" ||
    { echo "$listing" >&2; echo "the labextension is not enabled and OK in $profile" >&2; exit 1; }
  grep -E '@jupyter/collaboration-extension .*enabled.*OK' <<<"$listing" >/dev/null ||
    { echo "jupyter-collaboration is not on in $profile" >&2; exit 1; }

  echo "==> browser smoke test on $profile"
  SAGERUN_UI_VENV="$venv" SAGERUN_UI_EXPECT_COLLABORATION=1 \
    bash "$repo/scripts/ui-tests.sh" smoke.spec.ts
done
echo "profiles OK: ${profiles[*]}"
