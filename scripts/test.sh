#!/usr/bin/env bash
# One command: set up (venv, test tools, chromium), then lint, type-check and run all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
if [ -z "${KHETMAP_DATA_DIR:-}" ] && [ ! -f data/traffy_sample.csv.gz ] && [ -f ../shared/data/traffy_sample.csv.gz ]; then
  KHETMAP_DATA_DIR=../shared/data
fi
export KHETMAP_DATA_DIR=${KHETMAP_DATA_DIR:-data}
.venv/bin/ruff check dashboard tests bench
.venv/bin/ruff format --check dashboard tests bench
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
