"""The map's level of detail on tickets built in code: a walk over point-zoom viewports
reaches every located ticket of a district; a viewport returns exactly the tickets inside
its bounds; cells are counted whole; no view sends more than the byte cap, measured on the
script `st_folium` sends; the browser's bounds are parsed like any untrusted input."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import folium
import h3
import numpy as np
import pandas as pd
import pytest
from streamlit_folium import _get_feature_group_string

from dashboard import store
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.render import lod, maps, style
from dashboard.store import Reader
from dashboard.vocab import local_midnight
from tests.fixtures import ORIGIN_LAT, ORIGIN_LON, SIZE, ticket, write_csv

AS_OF = local_midnight(date(2022, 7, 1))
LONG_THAI = "ถนนชำรุดเป็นหลุมลึกมาก รถจักรยานยนต์ล้มหลายคันแล้ว <b>ช่วยด้วย</b> " * 8


def _tickets(count: int, seed: int) -> list[dict[str, str]]:
    """`count` tickets spread over districts 1001 and 1002 (with a stack of 40 on one spot,
    a few on the grid's lines) and 30 with no usable location."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(count):
        lon = ORIGIN_LON + rng.uniform(0.0005, 2 * SIZE - 0.0005)
        lat = ORIGIN_LAT + rng.uniform(0.0005, SIZE - 0.0005)
        if i < 40:  # one pothole reported 40 times from the same spot
            lon, lat = ORIGIN_LON + 0.0213, ORIGIN_LAT + 0.0171
        state = "เสร็จสิ้น" if i % 3 == 0 else "รอรับเรื่อง"
        rows.append(
            ticket(f"T{i:05d}", coords=f"{lon:.6f},{lat:.6f}", state=state, comment=LONG_THAI)
        )
    rows += [ticket(f"X{i:02d}", coords="") for i in range(30)]
    return rows


@pytest.fixture
def con(tmp_path: Path, data_dir: Path, store_location: str) -> Iterator[Reader]:
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", _tickets(3000, seed=4))],
        store_path=store_location,
        data_dir=data_dir,
    )
    with store.at(store_location).reader() as reader:
        yield reader


def _located(con: Reader, filters: Filters) -> pd.DataFrame:
    where, params = filters.where()
    sql = f"SELECT ticket_id, lat, lon FROM tickets WHERE {where} AND location_issue IS NULL"
    return con.execute(sql, params).df()


def _sent_bytes(layer: lod.TicketLayer) -> int:
    """Bytes of the layer's script as Streamlit sends it (a JSON string in the message)."""
    fmap = folium.Map(location=(13.6, 100.4), zoom_start=13, tiles=None)
    fmap.get_root().render()
    script = _get_feature_group_string(maps.ticket_feature_group(layer, lang="th"), fmap)
    return len(json.dumps(script))


def test_a_walk_over_point_zoom_viewports_reaches_every_ticket_of_a_district(
    con: Reader,
) -> None:
    filters = Filters(district="1001")
    expected = set(_located(con, filters)["ticket_id"])
    assert len(expected) > 1000
    # tile the district with viewports of a 1000 x 520 px map at the point zoom
    probe = lod.Viewport.around(ORIGIN_LAT, ORIGIN_LON, lod.POINT_ZOOM)
    height, width = probe.north - probe.south, probe.east - probe.west
    seen: set[str] = set()
    lat = ORIGIN_LAT
    while lat < ORIGIN_LAT + SIZE:
        lon = ORIGIN_LON
        while lon < ORIGIN_LON + SIZE:
            viewport = lod.Viewport(lat, lon, lat + height, lon + width, lod.POINT_ZOOM)
            layer = lod.ticket_layer(
                con, filters=filters, as_of=AS_OF, viewport=viewport, lang="th"
            )
            assert layer.kind == "points" and layer.drawn == layer.in_view
            seen |= set(layer.ids)
            lon += width
        lat += height
    assert seen == expected
    assert lod.unlocated(con, filters=Filters()) == 30


def test_a_viewport_returns_exactly_the_tickets_inside_its_bounds(con: Reader) -> None:
    everything = _located(con, Filters())
    rng = np.random.default_rng(7)
    for _ in range(12):
        zoom = int(rng.integers(16, 19))
        centre_lat = ORIGIN_LAT + rng.uniform(0, SIZE)
        centre_lon = ORIGIN_LON + rng.uniform(0, 2 * SIZE)
        viewport = lod.Viewport.around(centre_lat, centre_lon, zoom)
        layer = lod.ticket_layer(con, filters=Filters(), as_of=AS_OF, viewport=viewport, lang="en")
        inside = everything[
            everything["lat"].between(viewport.south, viewport.north)
            & everything["lon"].between(viewport.west, viewport.east)
        ]
        assert set(layer.ids) == set(inside["ticket_id"])
        assert layer.in_view == len(inside)
    # the stack of 40 reports on one spot is all there, each with its own popup
    spot = lod.Viewport.around(ORIGIN_LAT + 0.0171, ORIGIN_LON + 0.0213, 18)
    stack = lod.ticket_layer(con, filters=Filters(), as_of=AS_OF, viewport=spot, lang="th")
    assert sum(1 for i in stack.ids if i < "T00040") == 40


def test_cells_are_counted_whole_and_cover_the_view(con: Reader) -> None:
    viewport = lod.Viewport.around(ORIGIN_LAT + SIZE / 2, ORIGIN_LON + SIZE, 13)
    # the ~2,000 open tickets in view are drawn as cells once the point limit is lower
    original = lod.POINT_LIMIT
    try:
        lod.POINT_LIMIT = 100
        layer = lod.ticket_layer(
            con,
            filters=Filters(state_group="open"),
            as_of=AS_OF,
            viewport=viewport,
            lang="th",
        )
    finally:
        lod.POINT_LIMIT = original
    assert layer.kind == "cells" and layer.resolution == 9
    everything = _located(con, Filters(state_group="open"))
    cell_of = [
        h3.latlng_to_cell(a, b, 9)
        for a, b in zip(everything["lat"], everything["lon"], strict=True)
    ]
    truth = pd.Series(cell_of).value_counts()
    drawn = {}
    for feature in layer.cells["features"]:
        ring = feature["geometry"]["coordinates"][0]
        lat = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
        lon = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
        cell = h3.latlng_to_cell(lat, lon, 9)
        drawn[cell] = feature["properties"]["n"]
        assert feature["properties"]["o"] == feature["properties"]["n"]  # open filter
    for cell, n in drawn.items():
        assert n == truth[cell]
    # every ticket inside the view is in a drawn cell
    inside = [
        c
        for c, a, b in zip(cell_of, everything["lat"], everything["lon"], strict=True)
        if viewport.contains(a, b)
    ]
    assert set(inside) <= set(drawn)
    assert layer.in_view == len(inside)


def test_no_view_sends_more_than_the_byte_cap(con: Reader) -> None:
    # points: 40 stacked long Thai reports + their neighbours at a tiny cap go short, then
    # are cut in the chosen order, and the caption says how many are drawn
    spot = lod.Viewport.around(ORIGIN_LAT + 0.0171, ORIGIN_LON + 0.0213, 16)
    full = lod.ticket_layer(con, filters=Filters(), as_of=AS_OF, viewport=spot, lang="th")
    assert not full.short_popups and _sent_bytes(full) <= lod.BYTE_CAP
    for cap in (60_000, 30_000, 12_000):
        layer = lod.ticket_layer(
            con, filters=Filters(), as_of=AS_OF, viewport=spot, lang="th", cap=cap
        )
        assert _sent_bytes(layer) <= cap
        assert layer.short_popups
        assert layer.drawn <= layer.in_view == full.in_view
    cut = lod.ticket_layer(
        con, filters=Filters(), as_of=AS_OF, viewport=spot, lang="en", cap=12_000
    )
    assert 0 < cut.drawn < cut.in_view
    assert f"Showing {cut.drawn:,} of the {cut.in_view:,} tickets in view" in cut.caption("en")
    # cells: a cap too small for resolution 9 steps down to coarser cells
    original = lod.POINT_LIMIT
    try:
        lod.POINT_LIMIT = 100
        city = lod.Viewport.around(ORIGIN_LAT + SIZE / 2, ORIGIN_LON + SIZE, 13)
        fine = lod.ticket_layer(con, filters=Filters(), as_of=AS_OF, viewport=city, lang="th")
        coarse = lod.ticket_layer(
            con,
            filters=Filters(),
            as_of=AS_OF,
            viewport=city,
            lang="th",
            cap=fine.bytes // 2 + lod.SCRIPT_ALLOWANCE,
        )
    finally:
        lod.POINT_LIMIT = original
    assert fine.resolution == 9 and coarse.resolution is not None and coarse.resolution < 9
    assert _sent_bytes(coarse) <= fine.bytes // 2 + lod.SCRIPT_ALLOWANCE
    assert _sent_bytes(fine) <= lod.BYTE_CAP


def test_popups_in_the_layer_are_escaped(con: Reader) -> None:
    spot = lod.Viewport.around(ORIGIN_LAT + 0.0171, ORIGIN_LON + 0.0213, 18)
    layer = lod.ticket_layer(con, filters=Filters(), as_of=AS_OF, viewport=spot, lang="th")
    popup = layer.points[0][3]
    assert "&lt;b&gt;ช่วยด้วย&lt;/b&gt;" in popup and "<b>ช่วยด้วย" not in popup
    fmap = folium.Map(location=(13.6, 100.4), zoom_start=13, tiles=None)
    fmap.get_root().render()
    script = _get_feature_group_string(maps.ticket_feature_group(layer, lang="th"), fmap)
    assert "</" not in script.split("var data = ", 1)[1].split(", markers")[0]


@pytest.mark.parametrize(
    "reported",
    [
        None,
        "bounds",
        {
            "bounds": {
                "_southWest": {"lat": "x", "lng": 100.5},
                "_northEast": {"lat": 13.8, "lng": 100.6},
            },
            "zoom": 14,
        },
        {
            "bounds": {
                "_southWest": {"lat": 13.9, "lng": 100.5},
                "_northEast": {"lat": 13.8, "lng": 100.6},
            },
            "zoom": 14,
        },
        {
            "bounds": {
                "_southWest": {"lat": math.nan, "lng": 100.5},
                "_northEast": {"lat": 13.8, "lng": 100.6},
            },
            "zoom": 14,
        },
        {
            "bounds": {
                "_southWest": {"lat": 13.7, "lng": 100.5},
                "_northEast": {"lat": 13.8, "lng": 100.6},
            },
            "zoom": "deep",
        },
        {"bounds": [[13.7, 100.5], [13.8, 100.6]], "zoom": 14},
        {"zoom": 14},
    ],
)
def test_a_viewport_the_browser_reports_is_parsed_like_any_untrusted_input(
    reported: object,
) -> None:
    assert lod.Viewport.from_map(reported) is None


def test_a_reported_viewport_is_kept_and_its_zoom_bounded() -> None:
    reported = {
        "bounds": {
            "_southWest": {"lat": 13.7, "lng": 100.5},
            "_northEast": {"lat": 13.8, "lng": 100.6},
        },
        "zoom": 40,
    }
    assert lod.Viewport.from_map(reported) == lod.Viewport(13.7, 100.5, 13.8, 100.6, style.MAX_ZOOM)


def test_the_resolution_follows_the_zoom_and_a_fitted_view_holds_its_box() -> None:
    assert [lod.resolution_for(z) for z in (9, 10, 11, 12, 13, 15)] == [6, 7, 7, 8, 9, 9]
    box = (100.55, 13.73, 100.72, 13.82)
    fitted = lod.Viewport.fitting(box)
    assert fitted.west <= box[0] and fitted.east >= box[2]
    assert fitted.south <= box[1] and fitted.north >= box[3]
    # one zoom deeper, the box would no longer fit (its height: 0.09° in 520 px)
    deeper = lod.Viewport.around((13.73 + 13.82) / 2, (100.55 + 100.72) / 2, fitted.zoom + 1)
    assert deeper.north - deeper.south < 13.82 - 13.73


def test_many_tickets_in_view_travel_as_numbers_and_get_their_popup_written_as_text(
    con: Reader,
) -> None:
    spot = lod.Viewport.around(ORIGIN_LAT + 0.0171, ORIGIN_LON + 0.0213, 16)
    full = lod.ticket_layer(con, filters=Filters(), as_of=AS_OF, viewport=spot, lang="th")
    compact = lod.ticket_layer(
        con, filters=Filters(), as_of=AS_OF, viewport=spot, lang="th", cap=60_000
    )
    assert compact.short_popups and compact.drawn == compact.in_view == full.in_view
    assert compact.bytes < full.bytes / 5  # the text and labels are not repeated per point
    for row, ticket_id in zip(compact.points, compact.ids, strict=True):
        lat, lon, state, number, categories, days, page = row
        assert spot.contains(lat, lon)
        assert number == ticket_id and isinstance(state, int)
        # an open ticket's age in whole days, a finished one's days to finish (one day here)
        opened = compact.legend["states"][state][1] == "รอรับเรื่อง"
        assert days == 29 if opened else days == 1.0
        assert all(isinstance(c, int) for c in categories) and page == 1
    assert compact.legend["categories"] == ["ถนน"]
    assert sorted(compact.legend["states"]) == [
        ["#2b8a3e", "เสร็จสิ้น", "วันจนเสร็จ"],
        ["#c92a2a", "รอรับเรื่อง", "อายุ (วัน)"],
    ]
    fmap = folium.Map(location=(13.6, 100.4), zoom_start=13, tiles=None)
    fmap.get_root().render()
    script = _get_feature_group_string(maps.ticket_feature_group(compact, lang="th"), fmap)
    assert "textContent" in script and "innerHTML" not in script
    assert LONG_THAI.split()[0] not in script  # no citizen's text travels


def _one_spot(ticket_id: str, *, state: str, last_activity: str) -> dict[str, str]:
    coords = f"{ORIGIN_LON + 0.05:.6f},{ORIGIN_LAT + 0.05:.6f}"
    return ticket(ticket_id, coords=coords, state=state, last_activity=last_activity)


def test_a_popup_shows_an_open_tickets_age_and_a_finished_ones_days_to_finish_never_its_age(
    tmp_path: Path, data_dir: Path, store_location: str
) -> None:
    # reported 1 Jun 2022 10:00 Bangkok; the view is as of 1 Jul 00:00: 29 whole days
    rows = [
        _one_spot("OPEN", state="รอรับเรื่อง", last_activity="2022-06-02 03:00:00+00"),
        _one_spot("DONE", state="เสร็จสิ้น", last_activity="2022-06-03 15:00:00+00"),
        _one_spot("NOTIME", state="เสร็จสิ้น", last_activity=""),
        _one_spot("IRREL", state="ไม่เกี่ยวข้อง", last_activity="2022-06-02 03:00:00+00"),
    ]
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", rows)], store_path=store_location, data_dir=data_dir
    )
    spot = lod.Viewport.around(ORIGIN_LAT + 0.05, ORIGIN_LON + 0.05, 18)
    with store.at(store_location).reader() as reader:
        full = lod.ticket_layer(reader, filters=Filters(), as_of=AS_OF, viewport=spot, lang="th")
        short = lod.ticket_layer(
            reader,
            filters=Filters(),
            as_of=AS_OF,
            viewport=spot,
            lang="en",
            cap=lod.SCRIPT_ALLOWANCE + 1_000,
        )
    popups = dict(zip(full.ids, (point[3] for point in full.points), strict=True))
    assert "อายุ (วัน): 29<br>" in popups["OPEN"] and "วันจนเสร็จ" not in popups["OPEN"]
    assert "วันจนเสร็จ: 2.5<br>" in popups["DONE"] and "อายุ" not in popups["DONE"]
    for quiet in ("NOTIME", "IRREL"):  # no finish time, or not finished: no days at all
        assert "อายุ" not in popups[quiet] and "วันจนเสร็จ" not in popups[quiet]
    # compact rows: the days travel as a number, the state's legend entry names them
    assert short.short_popups and set(short.ids) == set(popups)
    labels = short.legend["states"]
    shown = {
        number: (labels[state][2], days)
        for _, _, state, number, _, days, _ in short.points
        if days is not None
    }
    assert shown == {"OPEN": ("Age (days)", 29), "DONE": ("Days to finish", 2.5)}
    script = _get_feature_group_string(
        maps.ticket_feature_group(short, lang="en"), folium.Map(tiles=None)
    )
    assert 'legend.states[r[2]][2] + ": " + r[5]' in script and "legend.age" not in script
