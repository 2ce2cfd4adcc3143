"""Ingest and point-in-polygon benchmark. Prints figures next to their baseline and target.

Usage: python bench/bench_ingest.py [--rows 1000000] [--workdir /tmp/khetmap-bench]
Needs KHETMAP_DATA_DIR with the real files. Each ingest runs in a fresh subprocess so
that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from dashboard import boundaries, config, spatial

INGEST_CHILD = """
import json, resource, sys, time
from pathlib import Path
from dashboard.ingest import ingest_files
start = time.perf_counter()
result = ingest_files(paths=[Path(sys.argv[1])], store_path=Path(sys.argv[2]))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": result.rows_read, "seconds": seconds, "peak": peak,
                  "ok": result.accounted == result.rows_read}))
"""


def ingest_case(source: Path, store: Path) -> dict[str, float]:
    store.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", INGEST_CHILD, str(source), str(store)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def pip_case(count: int) -> tuple[float, float]:
    districts = boundaries.load_districts()
    rng = np.random.default_rng(0)
    lon = rng.uniform(100.33, 100.94, count)
    lat = rng.uniform(13.49, 13.96, count)
    start = time.perf_counter()
    ours = spatial.locate_points(lon=lon, lat=lat, layer=districts)
    ours_seconds = time.perf_counter() - start

    import geopandas as gpd

    polygons = gpd.GeoDataFrame(
        {"code": districts.codes}, geometry=list(districts.geometries), crs="EPSG:4326"
    )
    start = time.perf_counter()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    joined = gpd.sjoin(points, polygons, predicate="within", how="left")
    sjoin_seconds = time.perf_counter() - start
    same = (joined["index_right"].fillna(-1).to_numpy()[:count] == ours).mean()
    print(f"  (agreement with sjoin: {same:.4%} of points)")
    return ours_seconds, sjoin_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/khetmap-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    real = config.data_dir() / config.DEFAULT_TRAFFY_FILE
    synthetic = args.workdir / f"synth_{args.rows}.csv"
    if not synthetic.is_file():
        print(f"generating {args.rows:,} synthetic rows …")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dashboard.cli",
                "synth",
                "--rows",
                str(args.rows),
                "--out",
                str(synthetic),
                "--like",
                str(real),
                "--seed",
                "1",
            ],
            check=True,
        )
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(f"{'case':<28}{'rows':>10}{'seconds':>9}{'rows/s':>11}{'peak MB':>9}  target")
    for label, source, target in (
        ("ingest real 185k", real, "-"),
        (f"ingest synthetic {args.rows:,}", synthetic, "<= 10 s, <= 2048 MB at 1M"),
    ):
        f = ingest_case(source, args.workdir / "bench.duckdb")
        print(
            f"{label:<28}{int(f['rows']):>10,}{f['seconds']:>9.2f}{f['rows'] / f['seconds']:>11,.0f}"
            f"{f['peak'] / 2**20:>9.0f}  {target}{'' if f['ok'] else '  RECONCILIATION MISMATCH'}"
        )
    ours, sjoin = pip_case(1_000_000)
    print(f"{'point-in-polygon 1M points':<28}{'ours':>10}{ours:>9.2f}   target <= 0.5 s")
    print(f"{'':<28}{'sjoin':>10}{sjoin:>9.2f}   baseline; ours is {sjoin / ours:.1f}x faster")


if __name__ == "__main__":
    main()
