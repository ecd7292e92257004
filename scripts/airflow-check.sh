#!/usr/bin/env bash
# Airflow's SageMakerUnifiedStudioNotebookHook against the local backend, end to end
# (scripts/airflow_check.py says what it checks). Airflow is too heavy for the test
# environment, so the provider lives in a virtual environment of its own, made here
# once per set of pins and reused (AIRFLOW_VENV; default under ~/.cache, named by the
# pins' digest). scripts/airflow-constraints.txt pins every package of it (a `pip
# freeze` of a working install): pip resolves nothing, so a fresh install is quick.
# The local backend runs from the project's Python (PYTHON, default python3) on a
# state directory of its own, and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
CONSTRAINTS=scripts/airflow-constraints.txt
pins=$(sha256sum "$CONSTRAINTS" | cut -c1-12)
VENV=${AIRFLOW_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/jupyter_sagerun/airflow-$pins}
# The first provider whose hook finds the project's S3 path through the Tooling
# environment (ListEnvironmentBlueprints, ListEnvironments, GetEnvironment).
PROVIDER="apache-airflow-providers-amazon>=9.39.0,<10"

if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  --constraint "$CONSTRAINTS" "$PROVIDER"

work=$(mktemp -d)
backend_pid=""
cleanup() {
  if [[ -n "$backend_pid" ]] && kill -0 "$backend_pid" 2>/dev/null; then
    kill "$backend_pid" 2>/dev/null || true
    wait "$backend_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

state="$work/state"
"$PYTHON" -m jupyter_sagerun.local --quiet --LocalBackend.state_dir="$state" \
  --LocalBackend.max_concurrent_runs=2 >"$work/backend.log" 2>&1 &
backend_pid=$!

# The backend publishes where it listens in its state directory's backend.json.
for _ in $(seq 1 150); do
  [[ -s "$state/backend.json" ]] && break
  kill -0 "$backend_pid" 2>/dev/null || { cat "$work/backend.log" >&2; exit 1; }
  sleep 0.2
done
[[ -s "$state/backend.json" ]] || { echo "the local backend did not start" >&2; exit 1; }
# Exactly what a user does: the endpoints and this start's credentials, as exports.
eval "$("$PYTHON" -m jupyter_sagerun.cli env --state-dir="$state")"
# Nothing of the user's: no ~/.aws files, no Airflow home outside the work folder.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN
export AIRFLOW_HOME="$work/airflow" AIRFLOW__CORE__LOAD_EXAMPLES=False
# The hook logs every poll at INFO; the check's own lines are what matter.
export AIRFLOW__LOGGING__LOGGING_LEVEL=WARNING
"$VENV/bin/python" scripts/airflow_check.py
