#!/usr/bin/env bash
# Browser tests of jupyter_sagerun: Playwright/Galata on Debian's Chromium, against a
# real Jupyter server (started by Playwright's webServer from
# ui-tests/jupyter_server_test_config.py) and the local backend it starts.
#
# Expects the Python package installed editable with its labextension built and
# linked, and Debian's Chromium (scripts/setup.sh does both). Installs ui-tests' node
# modules itself.
#
# Usage: bash scripts/ui-tests.sh [playwright test arguments, e.g. -g "palette"]
# Environment: SAGERUN_UI_PORT (8898), SAGERUN_UI_RETRIES (1: a test
# that passes only on its retry still fails the run, as flaky), SAGERUN_UI_VENV (a virtual
# environment whose Jupyter server to test, e.g. a SageMaker Distribution profile of
# scripts/check-profiles.sh; default: whatever `jupyter-lab` is on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

export SAGERUN_UI_PORT=${SAGERUN_UI_PORT:-8898}
CHROMIUM=${SAGERUN_CHROMIUM:-/usr/bin/chromium}
export SAGERUN_CHROMIUM=$CHROMIUM
started=$(date +%s)
if [[ -n ${SAGERUN_UI_VENV:-} ]]; then
  # Its python3, jupyter and jupyter-lab first (playwright.config.js starts its server).
  export SAGERUN_UI_VENV
  export PATH="$SAGERUN_UI_VENV/bin:$PATH"
fi

echo "==> Chromium"
[[ -x $CHROMIUM ]] ||
  { echo "$CHROMIUM is missing: scripts/setup.sh installs it (or set SAGERUN_CHROMIUM)" >&2; exit 1; }
# The Debian wrapper prints a harmless "[: ...: unexpected operator" line.
"$CHROMIUM" --version 2>/dev/null | tail -1

echo "==> jupyter_sagerun installed?"
python3 -c "import jupyter_sagerun" ||
  { echo "jupyter_sagerun is not installed: run scripts/setup.sh first" >&2; exit 1; }
jupyter labextension list 2>&1 | grep -E 'jupyter_sagerun .*enabled.*OK' ||
  { echo "the jupyter_sagerun labextension is not built/enabled: run scripts/setup.sh first" >&2; exit 1; }

echo "==> ui-tests node modules"
cd "$repo/ui-tests"
jlpm install </dev/null >/tmp/sagerun-ui-jlpm-install.log 2>&1 ||
  { tail -30 /tmp/sagerun-ui-jlpm-install.log; exit 1; }
echo "galata $(node -p "require('@jupyterlab/galata/package.json').version")," \
  "playwright $(node -p "require('@playwright/test/package.json').version")"

# A server left on the test port would be silently reused or block ours (TOOLCHAIN
# pitfall 6). Stop it when it is a test server of ours; refuse anything else.
listener_pids() {
  # The processes listening on the port, from /proc (no ss/lsof needed).
  python3 - "$SAGERUN_UI_PORT" <<'PY'
import os, sys
port = int(sys.argv[1])
inodes = set()
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        lines = open(table).read().splitlines()[1:]
    except OSError:
        continue
    for line in lines:
        f = line.split()
        if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(f[9])
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        continue
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            print(pid)
            break
PY
}
for pid in $(listener_pids); do
  cmd=$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null || true)
  if [[ $cmd == *jupyter_server_test_config.py* ]]; then
    echo "stopping a stray test server (pid $pid): $cmd"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  else
    echo "port $SAGERUN_UI_PORT is taken by another program (pid $pid: $cmd);" \
      "set SAGERUN_UI_PORT to a free port" >&2
    exit 1
  fi
done

# Everything the test server creates (workspace, state) lives under this directory,
# so that whatever outlives the server can be found and ended afterwards.
export SAGERUN_UI_TMP
SAGERUN_UI_TMP=$(mktemp -d /tmp/sagerun-ui.XXXXXX)
export SAGERUN_UI_SERVER_LOG=$SAGERUN_UI_TMP/server.log
cleanup() {
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [[ $pid == "$$" ]] && continue
    cwd=$(readlink "$proc/cwd" 2>/dev/null || true)
    # (Braces: a process gone meanwhile makes the < redirection itself fail.)
    cmd=$({ tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null || true)
    if [[ $cwd == "$SAGERUN_UI_TMP"* || $cmd == *"$SAGERUN_UI_TMP"* ]]; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT

echo "==> Playwright tests (server log: $SAGERUN_UI_SERVER_LOG)"
status=0
rm -f test-results/results.json
jlpm playwright test "$@" </dev/null || status=$?
# A test that passed only on its retry is flaky: it fails the run (failOnFlakyTests in
# playwright.config.js), and here it is named, whatever Playwright's summary says.
flaky=$(
  node - test-results/results.json <<'JS'
const fs = require('fs');
const file = process.argv[2];
if (!fs.existsSync(file)) process.exit(0); // no run at all: its status says so
const walk = suite => [
  ...(suite.specs || []).flatMap(spec =>
    spec.tests
      .filter(test => test.status === 'flaky')
      .map(test => `  ${spec.file}:${spec.line} ${spec.title} (${test.results.length} tries)`)
  ),
  ...(suite.suites || []).flatMap(walk)
];
console.log(walk(JSON.parse(fs.readFileSync(file, 'utf8'))).join('\n'));
JS
) || status=1
if [[ -n $flaky ]]; then
  echo "---- flaky: these tests failed, then passed on a retry (a failure in CI) ----"
  echo "$flaky"
  status=1
fi
if [[ $status != 0 ]]; then
  echo "---- last lines of the test server's log ----"
  tail -80 "$SAGERUN_UI_SERVER_LOG" 2>/dev/null || true
  echo "---- the HTML report is in ui-tests/playwright-report, traces in ui-tests/test-results"
fi
echo "==> UI tests finished with status $status in $(($(date +%s) - started)) s"
cleanup
# Keep the server's workspace, state and log only when something failed.
[[ $status == 0 ]] && rm -rf "$SAGERUN_UI_TMP"
exit $status
