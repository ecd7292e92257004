#!/usr/bin/env bash
# Install everything and run every test: lint, types, unit and integration tests
# (real Jupyter server, real boto3 over HTTP to the local backend, real papermill),
# Jest, the browser tests on Debian's Chromium, the release wheel on a node-less PATH, and
# that wheel installed on the supported matrix's two ends (Python 3.10 with the lowest
# versions allowed, 3.13 with the newest) and into SageMaker Unified Studio's two images'
# pins.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's venv (.venv/), made on first use: every python3 and jupyter below is its.
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
started=$(date +%s)
stage() { echo; echo "=== $* ($(($(date +%s) - started)) s)"; }

stage "Set-up"
# Everything on the terminal: CI keeps it in its log.
SAGERUN_VERBOSE=1 bash scripts/setup.sh

stage "Lint and types"
"$PYTHON" -m ruff check .
"$PYTHON" -m ruff format --check .
"$PYTHON" -m mypy
"$PYTHON" scripts/generate_limits.py --check
"$PYTHON" scripts/generate_run_members.py --check
"$PYTHON" scripts/refresh_model.py --check
"$PYTHON" scripts/check_botocore_floor.py
# src/api/schema.ts is what openapi-typescript makes of api/openapi.yaml.
jlpm check:types
jlpm lint:check

stage "Jest"
jlpm test

stage "pytest"
# pytest exits 5 when it collected nothing; set -e turns that into a failure too.
"$PYTHON" -m pytest -q -p no:cacheprovider

stage "Airflow's SMUS notebook hook against the local backend"
bash scripts/airflow-check.sh

stage "Browser tests"
bash scripts/ui-tests.sh

stage "Release wheel"
bash scripts/check-wheel.sh

stage "The supported matrix's ends: Python 3.10 on the floors, 3.13 on the newest"
HOST_PYTHON="$PYTHON" bash scripts/check-matrix.sh dist/jupyter_sagerun-*.whl

stage "SageMaker Distribution profiles (the release wheel in each image's pins)"
HOST_PYTHON="$PYTHON" bash scripts/check-profiles.sh dist/jupyter_sagerun-*.whl

stage "All tests passed"
