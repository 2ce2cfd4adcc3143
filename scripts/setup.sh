#!/usr/bin/env bash
# Set up everything khetmap needs on a fresh Debian/Ubuntu machine (idempotent).
#   scripts/setup.sh          runtime: Python venv + package, front-end assets
#   scripts/setup.sh --test   also test tools and Debian chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=${1:-}

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$want_test" = "--test" ]; then
  .venv/bin/python -m pip install --quiet -e '.[test]'
else
  .venv/bin/python -m pip install --quiet -e .
fi

# Leaflet, its plugins, jQuery, Bootstrap, Font Awesome and d3, served by the app itself
# so that maps render with no internet (pinned in package.json, installed from npm).
if [ -f package.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is needed for the map assets: sudo apt-get install -y npm" >&2; exit 2
  fi
  npm ci --silent --no-audit --no-fund
  .venv/bin/python -m dashboard.render.assets --install node_modules
fi

as_root=""
[ "$(id -u)" = 0 ] || as_root=sudo

# The meeting brief's PDF: WeasyPrint lays it out with Pango, in a Thai font.
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || ! fc-list 2>/dev/null | grep -qi tlwg; then
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-thai-tlwg >/dev/null
fi

# For the tests: Debian chromium (+ a Thai font, so screenshots show Thai text) for the
# browser tests, PostgreSQL + PostGIS for the second backend (the tests start a throwaway
# cluster of their own; no system service is used), and poppler-utils (pdftotext,
# pdftoppm) to read the PDFs khetmap writes.
if [ "$want_test" = "--test" ] && { ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
     || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; }; then
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium fonts-thai-tlwg postgresql postgresql-postgis poppler-utils >/dev/null
fi
