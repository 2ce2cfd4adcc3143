"""Scale benchmark: the same measurements on a 1M and a 10M store, side by side, in one run.

Per store: a filter change against a warm rerun of the same page (AppTest server time;
the warm rerun is the baseline: Streamlit's own per-run cost plus cached figures); the
bytes one map view sends at city, district and point zoom (the ticket layer's script as
Streamlit sends it, and the map without it); the tickets page's search; the review's
hotspots (rate and count). Then the 10M figures against the 1M ones.

Usage: python bench/bench_scale.py --store 1M=/tmp/s_1m.duckdb --store 10M=/tmp/s_10m.duckdb
Stores come from `khetmap synth --like traffy_sample.csv.gz --seed 1` + `khetmap ingest`.
Needs KHETMAP_DATA_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench_dashboard import FILTER_SETS, run_page

from dashboard.analysis.filters import Filters

PAGES = (
    ("city", None, {"lang": "th"}),
    ("district", "district", {"lang": "th", "district": "1030"}),
)


def page_figures(page: str | None, extra: dict[str, str], reruns: int) -> dict[str, float]:
    """Median server time of a warm rerun and of a filter change never seen before."""
    import streamlit as st

    st.cache_data.clear()
    run_page(page, extra)  # global caches (boundaries, store as-of) warm, as in a running app
    changes, warm = [], []
    for i in range(reruns):
        params = dict(FILTER_SETS[i % len(FILTER_SETS)], since=f"2022-05-{i + 1:02d}")
        params.pop("until", None)
        changes.append(run_page(page, {**extra, **params}))  # first time: every query misses
        warm.append(run_page(page, {**extra, **params}))  # the same view again
    return {"change": statistics.median(changes), "warm": statistics.median(warm)}


def map_bytes(store: Path) -> dict[str, int]:
    """Bytes per map view, as sent: the ticket layer, and the map around it."""
    import duckdb
    import folium
    import pandas as pd
    from streamlit_folium import _get_feature_group_string, _get_map_string

    from dashboard import boundaries
    from dashboard.analysis import metrics
    from dashboard.render import lod, maps

    districts = boundaries.load_districts()
    index = districts.index_of("1030")
    figures: dict[str, int] = {}
    with duckdb.connect(str(store), read_only=True) as con:
        as_of = metrics.store_as_of(con)
        assert as_of is not None
        # the densest point-zoom spot: the fullest resolution-9 cell of the district
        row = con.execute(
            f"SELECT {lod_cell()} AS cell, count(*) FROM tickets WHERE district_code = '1030' "
            "AND h3_r9 IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        ).fetchall()[0]
        import h3

        lat, lon = h3.cell_to_latlng(h3.int_to_str(int(row[0])))
        views = {
            "city zoom 10 (districts only)": None,
            "city zoom 12 (cells)": (lod.Viewport.around(13.75, 100.55, 12), Filters()),
            "district fitted (cells)": (
                lod.Viewport.fitting(tuple(districts.bounds[index])),
                Filters(district="1030"),
            ),
            "point zoom 16, densest spot": (
                lod.Viewport.around(lat, lon, 16),
                Filters(district="1030"),
            ),
            "point zoom 17, densest spot": (
                lod.Viewport.around(lat, lon, 17),
                Filters(district="1030"),
            ),
        }
        subdistricts = boundaries.load_subdistricts()
        members = [i for i, p in enumerate(subdistricts.parent_codes) if p == "1030"]
        sub = subdistricts.subset(members)
        collection, _bins = maps.choropleth_features(
            layer=sub,
            geometries=maps.simplified(sub),
            summary=pd.DataFrame({"code": [], "open": [], "total": []}),
            metric="open",
            lang="th",
        )
        base = maps.district_map(
            collection=collection,
            bounds=tuple(districts.bounds[index]),
            view=None,
            lang="th",
            highlight=None,
        )
        base.get_root().render()
        for label, spec in views.items():
            if spec is None:
                figures[label] = 0
                continue
            viewport, filters = spec
            start = time.perf_counter()
            layer = lod.ticket_layer(
                con, filters=filters, as_of=as_of, viewport=viewport, lang="th"
            )
            seconds = time.perf_counter() - start
            fmap = folium.Map(location=(13.75, 100.55), zoom_start=12, tiles=None)
            fmap.get_root().render()
            script = _get_feature_group_string(maps.ticket_feature_group(layer, lang="th"), fmap)
            figures[label] = len(json.dumps(script))
            figures[label + " ms"] = round(seconds * 1000)
            figures[label + " what"] = f"{layer.kind}, {layer.drawn:,}/{layer.in_view:,}"  # type: ignore[assignment]
        figures["district map without the layer"] = len(json.dumps(_get_map_string(base)))
    return figures


def lod_cell() -> str:
    from dashboard.store import queries

    return queries.h3_parent(9)


def search_and_hotspots(store: Path, repeats: int = 3) -> dict[str, float]:
    import duckdb

    from dashboard import boundaries
    from dashboard.analysis import metrics, review

    figures: dict[str, float] = {}
    with duckdb.connect(str(store), read_only=True) as con:
        as_of = metrics.store_as_of(con)
        assert as_of is not None
        for label, q in (("search 'น้ำท่วม'", "น้ำท่วม"), ("search 'xyz rare'", "ซอยเปลี่ยว")):
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                metrics.tickets_page(con, filters=Filters(), as_of=as_of, q=q, limit=200)
                times.append(time.perf_counter() - start)
            figures[label] = statistics.median(times)
        layer = boundaries.load_districts()
        for kind in ("rate", "demand"):
            start = time.perf_counter()
            review.hotspot_review(
                con,
                filters=Filters(since=date(2022, 1, 1)),
                kind=kind,
                measure="reports",
                resolution=8,
                layer=layer,
            )
            figures[f"hotspots {kind}"] = time.perf_counter() - start
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", action="append", required=True, metavar="LABEL=FILE")
    parser.add_argument("--reruns", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("KHETMAP_TILES", "none")
    results: dict[str, dict[str, Any]] = {}
    for spec in args.store:
        label, _, file = spec.partition("=")
        store = Path(file)
        os.environ["KHETMAP_STORE"] = str(store)
        print(f"\n== {label}: {store} ({store.stat().st_size / 2**20:,.0f} MB)", flush=True)
        figures: dict[str, Any] = {}
        for name, page, extra in PAGES:
            f = page_figures(page, extra, args.reruns)
            figures[name] = f
            ours = f["change"] - f["warm"]
            print(
                f"  {name:<9} filter change {f['change'] * 1000:6.0f} ms, warm rerun "
                f"{f['warm'] * 1000:6.0f} ms: ratio {f['change'] / f['warm']:.2f} "
                f"(target <= 1.3), ours {ours * 1000:.0f} ms (target <= 60)",
                flush=True,
            )
        for key, value in map_bytes(store).items():
            unit = "" if isinstance(value, str) or key.endswith("ms") else " bytes"
            print(
                f"  map: {key:<42} {value:>12,}{unit}"
                if not isinstance(value, str)
                else f"  map: {key:<42} {value:>12}"
            )
        for key, value in search_and_hotspots(store).items():
            target = "<= 1 s" if key.startswith("search") else "<= 10 s"
            print(f"  {key:<26} {value:7.2f} s (target {target} at 10M)", flush=True)
            figures[key] = value
        results[label] = figures
    labels = list(results)
    if len(labels) >= 2:
        small, big = results[labels[0]], results[labels[-1]]
        for name, _, _ in PAGES:
            ratio = big[name]["change"] / small[name]["change"]
            print(f"  {name}: filter change {labels[-1]} / {labels[0]} = {ratio:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
