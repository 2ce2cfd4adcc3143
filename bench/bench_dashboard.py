"""Dashboard server time at 1M tickets: 20 reruns with changing filters, cold and warm cache,
next to the naive page (every ticket into pandas on each rerun, HeatMap of every open point
and a marker cluster of every ticket).

Usage: python bench/bench_dashboard.py [--store FILE] [--reruns 20]
Builds a 1M-ticket store from `khetmap synth` when --store is missing. Needs KHETMAP_DATA_DIR.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_ingest import synthetic

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
FILTER_SETS = [
    {},
    {"state": "open"},
    {"category": "ถนน"},
    {"since": "2022-09-01", "state": "open"},
    {"metric": "open_per_10k", "heat": "1"},
    {"category": "น้ำท่วม", "since": "2022-07-01", "until": "2022-08-31"},
    {"state": "finished"},
    {"metric": "open_over_30", "category": "ทางเท้า"},
    {"since": "2022-06-01", "until": "2022-06-30"},
    {"heat": "1", "state": "open", "category": "แสงสว่าง"},
]


def ensure_store(store: Path, workdir: Path) -> None:
    """Build the 1M-ticket store from the same synthetic file the ingest benchmark uses."""
    if store.is_file():
        return
    data = Path(os.environ.get("KHETMAP_DATA_DIR", "data"))
    source = synthetic(1_000_000, workdir, data / "traffy_sample.csv.gz")
    subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "ingest", str(source), "--store", str(store)],
        check=True,
    )


def run_page(page: str | None, params: dict[str, str]) -> float:
    from streamlit.testing.v1 import AppTest

    from dashboard.render import urlstate

    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    if page:
        at.switch_page(urlstate.PAGES[page].file)
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    if at.exception or at.error:
        raise RuntimeError(
            f"{page} {params}: {[e.value for e in at.exception]} {[e.value for e in at.error]}"
        )
    return seconds


def changed_filters(page: str | None, extra: dict[str, str], reruns: int) -> list[float]:
    """A user changing filters: global caches warm, every rerun a filter not seen before."""
    run_page(page, extra)
    results = []
    for day in range(reruns):
        params = dict(FILTER_SETS[day % len(FILTER_SETS)], since=f"2022-06-{day + 1:02d}")
        params.pop("until", None)
        results.append(run_page(page, {**extra, **params}))
    return results


def timings(page: str | None, extra: dict[str, str], reruns: int, *, cold: bool) -> list[float]:
    import streamlit as st

    sets = list(itertools.islice(itertools.cycle(FILTER_SETS), reruns))
    if not cold:
        for params in FILTER_SETS:  # warm every filter set once
            run_page(page, {**extra, **params})
    results = []
    for params in sets:
        if cold:
            st.cache_data.clear()
        results.append(run_page(page, {**extra, **params}))
    return results


def naive_page(store: Path, params: dict[str, str], district: str | None) -> float:
    """What the published Traffy dashboards do: load everything, filter in pandas, map every point."""
    import duckdb
    import folium
    import folium.plugins

    start = time.perf_counter()
    with duckdb.connect(str(store), read_only=True) as con:
        frame = con.execute("SELECT * FROM tickets").df()
    if district:
        frame = frame[frame["district_code"] == district]
    if params.get("state") == "open":
        frame = frame[frame["state"].isin(["waiting", "forwarded", "in_progress", "other"])]
    if "category" in params:
        frame = frame[frame["categories"].map(lambda cs: params["category"] in cs)]
    frame.groupby("district_code").agg(total=("ticket_id", "size"))
    located = frame.dropna(subset=["lat", "lon"])
    open_points = located[located["state"].isin(["waiting", "forwarded", "in_progress", "other"])]
    fmap = folium.Map(location=(13.75, 100.6), zoom_start=10, tiles=None)
    fmap.options["maxZoom"] = 18
    folium.plugins.HeatMap(open_points[["lat", "lon"]].to_numpy().tolist()).add_to(fmap)
    folium.plugins.FastMarkerCluster(located[["lat", "lon"]].to_numpy().tolist()).add_to(fmap)
    html = fmap.get_root().render()
    seconds = time.perf_counter() - start
    print(f"    naive page HTML: {len(html) / 2**20:.1f} MB", flush=True)
    return seconds


def summary(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/khetmap-bench"))
    parser.add_argument("--store", type=Path)
    parser.add_argument("--reruns", type=int, default=20)
    parser.add_argument("--naive-runs", type=int, default=3)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    store = args.store or args.workdir / "dash_1m.duckdb"
    ensure_store(store, args.workdir)
    os.environ["KHETMAP_STORE"] = str(store)
    os.environ.setdefault("KHETMAP_TILES", "none")
    print(
        f"store: {store} ({store.stat().st_size / 2**20:.0f} MB); {args.reruns} reruns, filters rotate over {len(FILTER_SETS)} sets"
    )
    header = [
        "page",
        "cold med",
        "cold p95",
        "change med",
        "change p95",
        "warm med",
        "warm p95",
        "naive med",
    ]
    print("".join(f"{h:>11}" for h in header) + "  filter change vs naive")
    for label, page, extra, district in (
        ("city", None, {"lang": "en"}, None),
        ("district", "district", {"lang": "en", "district": "1030"}, "1030"),
    ):
        cold = summary(timings(page, extra, args.reruns, cold=True))
        change = summary(changed_filters(page, extra, args.reruns))
        warm = summary(timings(page, extra, args.reruns, cold=False))
        naive = statistics.median(
            naive_page(store, params, district) for params in FILTER_SETS[: args.naive_runs]
        )
        figures = [*cold, *change, *warm, naive]
        print(
            f"{label:>11}"
            + "".join(f"{v * 1000:>9.0f}ms" for v in figures)
            + f"  {naive / change[0]:.0f}x faster (target <= 300 ms median)",
            flush=True,
        )


if __name__ == "__main__":
    main()
