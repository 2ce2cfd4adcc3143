"""PostgreSQL + PostGIS next to DuckDB, in one run: ingest of 1M tickets (time, peak
memory of the ingest process) and the dashboard's server time for a filter change (city
and district pages, AppTest, the same filter sequence as bench_dashboard.py).

Usage: python bench/bench_postgres.py [--workdir /tmp/khetmap-bench] [--reruns 20]
Needs KHETMAP_DATA_DIR and PostgreSQL + PostGIS installed (a throwaway cluster is started).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_dashboard import changed_filters, summary
from bench_ingest import synthetic

INGEST = """
import json, resource, sys, time
from pathlib import Path
from dashboard.ingest.load import ingest_files
started = time.perf_counter()
result = ingest_files(paths=[Path(sys.argv[1])], store_path=sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - started, "rows": result.stored_new,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def ingest(source: Path, location: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", INGEST, str(source), location],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    from tests.pg import cluster

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/khetmap-bench"))
    parser.add_argument("--reruns", type=int, default=20)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    data = Path(os.environ.get("KHETMAP_DATA_DIR", "data"))
    source = synthetic(1_000_000, args.workdir, data / "traffy_sample.csv.gz")
    duck = args.workdir / "pg_bench_1m.duckdb"
    duck.unlink(missing_ok=True)
    os.environ.setdefault("KHETMAP_TILES", "none")
    with cluster() as url:
        rows = []
        for label, location in (("DuckDB", str(duck)), ("PostgreSQL + PostGIS", url)):
            loaded = ingest(source, location)
            os.environ["KHETMAP_STORE"] = location
            import streamlit as st

            st.cache_data.clear()
            st.cache_resource.clear()
            city = summary(changed_filters(None, {"lang": "en"}, args.reruns))
            district = summary(
                changed_filters("district", {"lang": "en", "district": "1030"}, args.reruns)
            )
            rows.append((label, loaded, city, district))
    print(
        f"{'backend':<22}{'ingest 1M':>11}{'peak MB':>9}{'city change med/p95':>22}{'district change med/p95':>26}"
    )
    for label, loaded, city, district in rows:
        print(
            f"{label:<22}{loaded['seconds']:>10.1f}s{loaded['peak_mb']:>9.0f}"
            f"{city[0] * 1000:>13.0f} / {city[1] * 1000:.0f} ms"
            f"{district[0] * 1000:>16.0f} / {district[1] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
