"""Every figure of the 1M → 10M scale targets (issue 14), in one run.

1. Ingest 1M and 10M synthetic tickets (`khetmap synth --like traffy_sample.csv.gz --seed 1`),
   each in a fresh process: seconds, CPU time (all threads) and what it allows on this
   machine's cores at best, peak memory (max RSS), store size. The 10M store is the one
   measured next, so every figure below is of the store this run wrote.
   First, a reference: seconds to place 1M fixed points in districts, the same work on
   every run, so a slow day shows as such.
2. `bench_scale.py` on both stores: a filter change against a warm rerun per page (AppTest
   server time), bytes per map view at city, district and point zoom, the tickets page's
   search and the review's hotspots (rate and count), 10M ÷ 1M.
3. `bench_load.py` on both stores: 50 websocket sessions, each changing a filter every
   10 s (5 changes a second offered), on one `streamlit run` server: rerun p50/p95, errors,
   server peak RSS.

Each part runs in its own process (a fresh server, a fresh cache). It takes about 35
minutes on 2 cores; run it on a quiet machine.

Usage: python bench/bench_10m.py [--workdir /tmp/khetmap-bench] [--skip-load]
Needs KHETMAP_DATA_DIR with the real files.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_ingest import ingest_case, reference_seconds, synthetic

from dashboard import config

HERE = Path(__file__).resolve().parent
SIZES = ((1_000_000, "1M"), (10_000_000, "10M"))
INGEST_TARGET = {10_000_000: (100.0, 2048.0)}
"""rows → (seconds, peak MB) targets"""


def heading(text: str) -> None:
    print(f"\n#### {text}", flush=True)


def run_script(name: str, *args: str) -> None:
    """Run another benchmark of this folder, its output printed as it comes."""
    start = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / name), *args], check=True)
    print(f"({name}: {time.perf_counter() - start:.0f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/khetmap-bench"))
    parser.add_argument("--skip-load", action="store_true", help="leave out the 50 sessions")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    real = config.data_dir() / config.DEFAULT_TRAFFY_FILE
    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores; python {sys.version.split()[0]}", flush=True)
    print(
        f"reference: 1M points placed in districts in {reference_seconds():.2f} s "
        f"(0.35 s in bench/README.md's ingest table, 2026-11-24: compare runs with this in view)",
        flush=True,
    )

    heading("1. ingest")
    print(
        f"{'rows':>12}{'seconds':>9}{'CPU s':>8}{'floor s':>9}{'peak MB':>9}{'store MB':>10}"
        "  target"
    )
    print(f"(CPU s: user + system time of the ingest, all threads; floor: CPU s ÷ {cores} cores)")
    stores: list[str] = []
    for rows, label in SIZES:
        source = synthetic(rows, args.workdir, real)
        store = args.workdir / f"scale_{label}.duckdb"
        figures = ingest_case(source, store)
        peak_mb, store_mb = figures["peak"] / 2**20, figures["store"] / 2**20
        target = ""
        if rows in INGEST_TARGET:
            seconds_target, memory_target = INGEST_TARGET[rows]
            target = (
                f"<= {seconds_target:.0f} s: {'met' if figures['seconds'] <= seconds_target else 'MISSED'}"
                f"; <= {memory_target:,.0f} MB: {'met' if peak_mb <= memory_target else 'MISSED'}"
            )
        if not figures["ok"]:
            target += "  RECONCILIATION MISMATCH"
        print(
            f"{int(figures['rows']):>12,}{figures['seconds']:>9.1f}{figures['cpu']:>8.0f}"
            f"{figures['cpu'] / cores:>9.1f}{peak_mb:>9,.0f}{store_mb:>10,.0f}  {target}",
            flush=True,
        )
        stores.append(f"{label}={store}")

    heading("2. filter change vs warm rerun, bytes per map view, search, hotspots")
    store_args = [a for spec in stores for a in ("--store", spec)]
    run_script("bench_scale.py", *store_args)

    if not args.skip_load:
        heading("3. fifty sessions changing filters")
        run_script("bench_load.py", *store_args)


if __name__ == "__main__":
    main()
