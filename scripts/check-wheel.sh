#!/usr/bin/env bash
# Build the release wheel from a clean labextension and prove it installs and works
# where there is no node: a fresh virtual environment whose PATH holds nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

jlpm clean:all
rm -rf dist
"$PYTHON" -m build --wheel --outdir dist . >/tmp/sagerun-wheel-build.log 2>&1 ||
  { tail -50 /tmp/sagerun-wheel-build.log; exit 1; }
wheel=$(ls dist/jupyter_sagerun-*.whl)
echo "built $wheel ($(du -h "$wheel" | cut -f1))"

# List the wheel once: `unzip -l | grep -q` under pipefail dies of SIGPIPE (exit 141)
# whenever grep stops reading before unzip stops writing.
contents=$("$PYTHON" -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$wheel")

# A release bundle carries no source maps (TOOLCHAIN pitfall 8).
if grep -q '\.js\.map$' <<<"$contents"; then
  echo "the wheel carries source maps: it was built from a dev bundle" >&2
  exit 1
fi
grep -q 'share/jupyter/labextensions/jupyter_sagerun/package.json' <<<"$contents"
grep -q 'etc/jupyter/jupyter_server_config.d/jupyter_sagerun.json' <<<"$contents"

venv=$(mktemp -d)/venv
"$PYTHON" -m venv "$venv"
# PATH holds only the venv: no node, no jlpm, no system jupyter.
# (A find-links entry that does not exist on this machine makes pip warn once per
# package; those lines are dropped, pip's own exit status still decides.)
env -i HOME="$HOME" PATH="$venv/bin" PIP_FIND_LINKS="${PIP_FIND_LINKS:-}" \
  "$venv/bin/python" -m pip install --quiet "$wheel" 2>&1 |
  sed '/is ignored: it is neither a file nor a directory/d'
env -i HOME="$HOME" PATH="$venv/bin" "$venv/bin/jupyter" labextension list 2>&1 |
  grep -E 'jupyter_sagerun .*enabled.*OK' ||
  { echo "labextension not enabled from the wheel" >&2; exit 1; }
env -i HOME="$HOME" PATH="$venv/bin" "$venv/bin/jupyter" server extension list 2>&1 |
  grep -E 'jupyter_sagerun .*enabled' ||
  { echo "server extension not enabled from the wheel" >&2; exit 1; }
env -i HOME="$HOME" PATH="$venv/bin" "$venv/bin/jupyter" sagerun --help >/dev/null
echo "wheel OK: installs and enables both extensions without node"

# Put the development build back for whoever works here next.
jlpm build >/dev/null
