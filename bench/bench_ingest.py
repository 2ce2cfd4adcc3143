"""Ingest and point-in-polygon benchmark. Prints figures next to the baseline and target.

Usage: python bench/bench_ingest.py [--rows 1000000] [--big-rows 5000000 10000000] [--workdir DIR]
Needs KHETMAP_DATA_DIR with the real files. Each ingest runs in a fresh subprocess so
that its peak memory (max RSS) is its own. The baseline is the naive pipeline many
notebooks use: pandas.read_csv of the whole file, two geopandas.sjoin, a Python loop for
H3, one DuckDB table (no validation, dedupe or quarantine: it does less than khetmap).
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

from dashboard import boundaries, config
from dashboard.ingest import spatial

INGEST_CHILD = """
import json, resource, sys, time
from pathlib import Path
from dashboard.ingest.load import ingest_files
start = time.perf_counter()
result = ingest_files(paths=[Path(sys.argv[1])], store_path=Path(sys.argv[2]))
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"rows": result.rows_read, "seconds": seconds, "peak": usage.ru_maxrss * 1024,
                  "cpu": usage.ru_utime + usage.ru_stime,
                  "ok": result.accounted == result.rows_read}))
"""


NAIVE_CHILD = """
import json, resource, sys, time
from pathlib import Path
import duckdb, geopandas as gpd, h3, pandas as pd
start = time.perf_counter()
data = Path(sys.argv[3])
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
lonlat = df["coords"].str.split(",", expand=True)
df["lon"] = pd.to_numeric(lonlat[0], errors="coerce")
df["lat"] = pd.to_numeric(lonlat[1], errors="coerce")
df["reported_at"] = pd.to_datetime(df["timestamp"], utc=True, errors="coerce", format="ISO8601")
points = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
districts = gpd.read_file(data / "bangkok_districts.geojson")[["dcode", "geometry"]]
subdistricts = gpd.read_file(data / "bangkok_subdistricts.geojson")[["scode", "geometry"]]
points = gpd.sjoin(points, districts, how="left", predicate="within").drop(columns="index_right")
points = gpd.sjoin(points, subdistricts, how="left", predicate="within").drop(columns="index_right")
points["h3"] = [h3.latlng_to_cell(a, b, 9) if a == a and b == b else None for a, b in zip(points["lat"], points["lon"])]
con = duckdb.connect(sys.argv[2])
frame = pd.DataFrame(points.drop(columns="geometry"))
con.register("t", frame)
con.execute("CREATE TABLE tickets AS SELECT * FROM t")
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"rows": len(df), "seconds": seconds, "peak": usage.ru_maxrss * 1024,
                  "cpu": usage.ru_utime + usage.ru_stime, "ok": True}))
"""


def ingest_case(source: Path, store: Path, *, naive: bool = False) -> dict[str, float]:
    store.unlink(missing_ok=True)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            NAIVE_CHILD if naive else INGEST_CHILD,
            str(source),
            str(store),
            str(config.data_dir()),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    figures["store"] = store.stat().st_size if store.is_file() else 0
    return figures


def _locate_fixed_points(count: int) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Place `count` fixed random points in districts: seconds, district index, lon, lat."""
    districts = boundaries.load_districts()
    rng = np.random.default_rng(0)
    lon = rng.uniform(100.33, 100.94, count)
    lat = rng.uniform(13.49, 13.96, count)
    start = time.perf_counter()
    found = spatial.locate_points(lon=lon, lat=lat, layer=districts)
    return time.perf_counter() - start, found, lon, lat


def reference_seconds(count: int = 1_000_000) -> float:
    """Seconds to place `count` fixed random points in districts: the same work on every
    run, so a run's figures can be set against how fast the machine was that day."""
    return _locate_fixed_points(count)[0]


def pip_case(count: int) -> tuple[float, float]:
    ours_seconds, ours, lon, lat = _locate_fixed_points(count)
    districts = boundaries.load_districts()

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


def synthetic(rows: int, workdir: Path, like: Path) -> Path:
    path = workdir / f"synth_{rows}.csv"
    if not path.is_file():
        print(f"generating {rows:,} synthetic rows …")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dashboard.cli",
                "synth",
                "--rows",
                str(rows),
                "--out",
                str(path),
                "--like",
                str(like),
                "--seed",
                "1",
            ],
            check=True,
        )
    return path


def line(label: str, f: dict[str, float], note: str) -> str:
    return (
        f"{label:<34}{int(f['rows']):>10,}{f['seconds']:>9.2f}{f['cpu']:>8.0f}"
        f"{f['rows'] / f['seconds']:>11,.0f}"
        f"{f['peak'] / 2**20:>9.0f}{f.get('store', 0) / 2**20:>9.0f}"
        f"  {note}{'' if f['ok'] else '  RECONCILIATION MISMATCH'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--big-rows",
        type=int,
        nargs="*",
        default=[5_000_000, 10_000_000],
        help="larger synthetic files, ingested without the naive baseline (none to skip)",
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/khetmap-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    real = config.data_dir() / config.DEFAULT_TRAFFY_FILE
    cases = [
        ("real 185k", real),
        (f"synthetic {args.rows:,}", synthetic(args.rows, args.workdir, real)),
    ]
    for big in args.big_rows:
        cases.append((f"synthetic {big:,}", synthetic(big, args.workdir, real)))
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(
        f"{'case':<34}{'rows':>10}{'seconds':>9}{'CPU s':>8}{'rows/s':>11}{'peak MB':>9}"
        f"{'store MB':>9}  target / ratio"
    )
    print("(CPU s: user + system time of the ingest process, all its threads)")
    store = args.workdir / "bench.duckdb"
    for label, source in cases:
        ours = ingest_case(source, store)
        target = {
            1_000_000: "<= 10 s, <= 2048 MB",
            5_000_000: "<= 3072 MB",
            10_000_000: "<= 100 s, <= 2048 MB",
        }.get(int(ours["rows"]), "")
        print(line(f"khetmap ingest, {label}", ours, target))
        if int(ours["rows"]) > 1_000_000:
            print(
                f"{'naive baseline, ' + label:<34}  not run: it holds the whole file in pandas (≈5x the 1M peak)"
            )
            continue
        naive = ingest_case(source, store, naive=True)
        print(
            line(
                f"naive baseline, {label}",
                naive,
                f"khetmap {naive['seconds'] / ours['seconds']:.1f}x faster, {naive['peak'] / ours['peak']:.1f}x less memory",
            )
        )
    ours_pip, sjoin = pip_case(1_000_000)
    print(f"{'point-in-polygon 1M points, ours':<34}{'':>10}{ours_pip:>9.2f}   target <= 0.5 s")
    print(
        f"{'geopandas.sjoin (baseline)':<34}{'':>10}{sjoin:>9.2f}   ours is {sjoin / ours_pip:.1f}x faster"
    )


if __name__ == "__main__":
    main()
