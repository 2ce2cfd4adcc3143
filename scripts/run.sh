#!/usr/bin/env bash
# One command: set up, get the data if missing, ingest on first run, start the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# data/ by default; a project checkout with the shared data beside it uses that instead
if [ -z "${KHETMAP_DATA_DIR:-}" ] && [ ! -f data/bangkok_districts.geojson ] && [ -f ../shared/data/bangkok_districts.geojson ]; then
  KHETMAP_DATA_DIR=../shared/data
fi
export KHETMAP_DATA_DIR=${KHETMAP_DATA_DIR:-data}
if [ ! -f "$KHETMAP_DATA_DIR/bangkok_districts.geojson" ] || [ ! -f "$KHETMAP_DATA_DIR/bangkok_subdistricts.geojson" ] \
   || [ ! -f "$KHETMAP_DATA_DIR/population_by_district.csv" ]; then
  .venv/bin/khetmap fetch --data-dir "$KHETMAP_DATA_DIR"
fi
exec .venv/bin/khetmap run "$@"
