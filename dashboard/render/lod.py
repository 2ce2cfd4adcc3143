"""Level of detail for a map's ticket layer: every ticket reachable by zooming, never more
than about a megabyte per view. Pure: no streamlit.

Zoomed out, the tickets in view are counted per H3 cell (a resolution chosen by the zoom,
coarser when the cells would not fit the byte cap); from `POINT_ZOOM` on, or whenever
fewer than `POINT_LIMIT` tickets are in view, each ticket in view is a point with its
popup. The page asks again with the bounds `st_folium` returns whenever the map moves, so
any ticket is reached by zooming in on it (`tests/test_lod.py` walks a grid of viewports
and finds every ticket of a district).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import h3
import pandas as pd
from jinja2.utils import htmlsafe_json_dumps

from dashboard import config, i18n, vocab
from dashboard.access import privacy
from dashboard.access.privacy import PUBLIC, Disclosure
from dashboard.analysis.filters import Filters
from dashboard.analysis.metrics import PointOrder
from dashboard.i18n import Lang
from dashboard.render import exports, style
from dashboard.store import Reader, queries
from dashboard.text import plain

POINT_ZOOM = 16
"""From this zoom on, every ticket in view is a point (a viewport of ~0.2 km² in Bangkok)."""
POINT_LIMIT = 2000
"""Fewer located tickets than this in view: points at any zoom."""
BYTE_CAP = 1_000_000
"""The most one view's ticket layer may send to the browser, as it travels: the layer's
script (`maps.ticket_feature_group`) inside Streamlit's JSON message."""
SCRIPT_ALLOWANCE = 8_192
"""What the layer's script adds around its data (measured: under 3 kB)."""
MAP_PIXELS = (1000, 520)
"""The map's size assumed before the browser has reported its bounds."""
TILE = 256

CELL_EDGE_KM = {6: 3.72, 7: 1.41, 8: 0.531, 9: 0.201}
"""Mean H3 hexagon edge length per resolution (km, from the H3 tables)."""
CELL_AREA_KM2 = {6: 36.1, 7: 5.16, 8: 0.737, 9: 0.105}
"""Mean H3 hexagon area per resolution (km²)."""
KM_PER_DEGREE = 111.32


def resolution_for(zoom: int) -> int:
    """The H3 resolution whose cells are 15–45 px across at `zoom` in Bangkok."""
    if zoom <= 9:
        return 6
    if zoom <= 11:
        return 7
    if zoom <= 12:
        return 8
    return 9


@dataclass(frozen=True)
class Viewport:
    """What the map shows: a box in degrees and the zoom."""

    south: float
    west: float
    north: float
    east: float
    zoom: int

    @classmethod
    def from_map(cls, result: object) -> Viewport | None:
        """The viewport `st_folium` reported (`bounds`, `zoom`), or None if it is not a valid
        one: the browser's value is untrusted like any input."""
        if not isinstance(result, dict):
            return None
        bounds, zoom = result.get("bounds"), result.get("zoom")
        try:
            south_west, north_east = bounds["_southWest"], bounds["_northEast"]  # type: ignore[index]
            south, west = float(south_west["lat"]), float(south_west["lng"])
            north, east = float(north_east["lat"]), float(north_east["lng"])
            level = int(zoom)  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            return None
        values = (south, west, north, east)
        if not all(math.isfinite(v) for v in values) or south >= north or west >= east:
            return None
        if not (south >= -90 and north <= 90 and west >= -360 and east <= 360):
            return None
        return cls(south, west, north, east, max(0, min(level, style.MAX_ZOOM)))

    @classmethod
    def around(
        cls, lat: float, lon: float, zoom: int, pixels: tuple[int, int] = MAP_PIXELS
    ) -> Viewport:
        """The box a map of `pixels` centred on (lat, lon) at `zoom` shows."""
        width, height = pixels
        per_pixel = 360.0 / (TILE * 2**zoom)
        half_lon = width / 2 * per_pixel
        half_lat = height / 2 * per_pixel * math.cos(math.radians(lat))
        return cls(lat - half_lat, lon - half_lon, lat + half_lat, lon + half_lon, zoom)

    @classmethod
    def fitting(
        cls, bounds: tuple[float, float, float, float], pixels: tuple[int, int] = MAP_PIXELS
    ) -> Viewport:
        """The view a map of `pixels` opens at when fitted to (minx, miny, maxx, maxy)."""
        minx, miny, maxx, maxy = (float(v) for v in bounds)
        lat, lon = (miny + maxy) / 2, (minx + maxx) / 2
        width, height = pixels
        span_lon = max(maxx - minx, 1e-6)
        span_lat = max(maxy - miny, 1e-6) / math.cos(math.radians(lat))
        zoom = math.floor(math.log2(min(width / span_lon, height / span_lat) * 360.0 / TILE))
        return cls.around(lat, lon, max(0, min(zoom, style.MAX_ZOOM)), pixels)

    def grown(self, degrees: float) -> Viewport:
        """The box widened by `degrees` on every side."""
        return Viewport(
            self.south - degrees,
            self.west - degrees,
            self.north + degrees,
            self.east + degrees,
            self.zoom,
        )

    def box(self) -> list[float]:
        """Parameters of `queries.IN_BOX`: south, north, west, east."""
        return [self.south, self.north, self.west, self.east]

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


Kind = Literal["cells", "points"]


@dataclass(frozen=True)
class TicketLayer:
    """What one view of the map draws of the tickets, and how to say it."""

    kind: Kind
    in_view: int
    """located tickets (of the filters) inside the viewport"""
    drawn: int
    """tickets drawn: as points, or counted in the drawn cells"""
    resolution: int | None = None
    cells: dict[str, Any] = field(default_factory=dict)
    """GeoJSON FeatureCollection; properties n (tickets), o (open), c (colour class)"""
    points: list[list[Any]] = field(default_factory=list)
    """per ticket, as sent: [lat, lon, colour, popup HTML]; with `short_popups`,
    [lat, lon, state index, ticket number, [category indices], days or null, has a public
    page] whose popup the browser builds as text from `legend` (the days: an open ticket's
    age, a finished one's days to finish, `shown_days`; the state's legend entry names
    which)"""
    ids: list[str] = field(default_factory=list)
    """the ticket number of each point"""
    short_popups: bool = False
    legend: dict[str, Any] = field(default_factory=dict)
    """for short popups: state colours and labels, category labels, the words around them"""
    bytes: int = 0
    """size of the layer's data as sent (`wire_size`)"""
    top: int = 0
    """tickets in the fullest drawn cell"""

    def caption(self, lang: Lang) -> str:
        """Say exactly what is drawn."""
        if self.in_view == 0:
            return i18n.t("lod_none", lang)
        if self.kind == "cells":
            area = CELL_AREA_KM2[self.resolution or 9]
            return i18n.t(
                "lod_cells",
                lang,
                area=f"{area:.2f}" if area < 1 else f"{area:,.0f}",
                n=self.in_view,
                top=self.top,
                zoom=POINT_ZOOM,
                limit=POINT_LIMIT,
            )
        if self.drawn < self.in_view:
            return i18n.t("lod_points_some", lang, shown=self.drawn, n=self.in_view)
        key = "lod_points_short" if self.short_popups else "lod_points_all"
        return i18n.t(key, lang, n=self.in_view)


CELL_CLASSES = 5


def wire_size(value: Any) -> int:
    """Bytes `value` takes in the browser's message: embedded in the layer's script as
    ASCII JSON (jinja's `tojson`), which Streamlit then sends as a JSON string (a Thai
    letter: 7 bytes)."""
    return len(json.dumps(str(htmlsafe_json_dumps(value)))) - 2


def ticket_layer(
    con: Reader,
    *,
    filters: Filters,
    as_of: datetime,
    viewport: Viewport,
    lang: Lang,
    order: PointOrder = "oldest",
    cap: int | None = None,
    disclosure: Disclosure = PUBLIC,
) -> TicketLayer:
    """The ticket layer for one view: cells or points, never more than `cap` bytes as sent
    (default `BYTE_CAP`). A popup quotes a citizen's comment whole only for the districts
    `disclosure` covers; elsewhere its personal data is redacted here, before it is sent."""
    budget = (BYTE_CAP if cap is None else cap) - SCRIPT_ALLOWANCE
    where, params = filters.where()
    dialect = queries.dialect_of(con)
    counted = con.execute(queries.count(queries.in_box(where)), [*params, *viewport.box()])
    in_view = int(counted.fetchall()[0][0])
    if in_view == 0:
        return TicketLayer(kind="points", in_view=0, drawn=0)
    if viewport.zoom >= POINT_ZOOM or in_view <= POINT_LIMIT:
        return _points(
            con, where, params, as_of, viewport, lang, order, budget, in_view, disclosure
        )
    resolution = resolution_for(viewport.zoom)
    while True:
        layer = _cells(con, where, params, viewport, resolution, in_view, dialect)
        if layer.bytes <= budget or resolution == min(CELL_EDGE_KM):
            return layer
        resolution -= 1


def _points(
    con: Reader,
    where: str,
    params: list[Any],
    as_of: datetime,
    viewport: Viewport,
    lang: Lang,
    order: PointOrder,
    cap: int,
    in_view: int,
    disclosure: Disclosure = PUBLIC,
) -> TicketLayer:
    full_fits = in_view * FULL_POPUP_BYTES_AT_LEAST <= cap
    # when only compact rows can fit, read only what they carry, and no more rows than fit
    fields = queries.TICKET_FIELDS if full_fits else queries.POINT_FIELDS
    limit = in_view if full_fits else min(in_view, cap // COMPACT_ROW_BYTES_AT_LEAST)
    sql = queries.ticket_list(queries.in_box(where), queries.POINT_ORDERS[order], fields)
    frame = shown_days(con.execute(sql, [as_of, *params, *viewport.box(), limit]).df())
    tickets = [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
    legend: dict[str, Any] = {}
    rows: list[list[Any]] = []
    total = cap + 1
    if full_fits:
        hosts = config.photo_hosts()
        rows = [_point(t, lang, hosts, disclosure) for t in tickets]
        total = wire_size(rows)
    short = total > cap
    if short:  # compact rows: the browser writes each popup from the shared legend
        rows, legend = _compact(tickets, lang)
        total = wire_size(rows) + wire_size(legend)
    kept = len(rows)
    if total > cap:  # drawn in `order` until the cap: the caption says how many
        kept, total = 0, 2 + wire_size(legend)
        for row in rows:
            size = wire_size(row) + 2
            if total + size > cap:
                break
            total += size
            kept += 1
    return TicketLayer(
        kind="points",
        in_view=in_view,
        drawn=kept,
        points=rows[:kept],
        ids=[str(t["ticket_id"]) for t in tickets[:kept]],
        short_popups=short,
        legend=legend,
        bytes=total,
    )


def shown_days(frame: pd.DataFrame) -> pd.DataFrame:
    """The tickets with only the days a page shows of each, by the tickets page's rule
    (`exports.open_ages`, `exports.days_to_finish`): `age_days` while open, `finish_days`
    once finished where it has a finish time, neither for any other ticket."""
    return frame.assign(
        age_days=exports.open_ages(frame), finish_days=exports.days_to_finish(frame)
    )


COMPACT_ROW_BYTES_AT_LEAST = 30
"""A compact row is never smaller than this as sent (two coordinates and a ticket number)."""
FULL_POPUP_BYTES_AT_LEAST = 300
"""A full popup (number, category, state, age, text, links) is never smaller than this as
sent: more tickets in view than the cap allows at this size go straight to compact rows."""


def _point(
    ticket: dict[str, Any], lang: Lang, photo_hosts: tuple[str, ...], disclosure: Disclosure
) -> list[Any]:
    whole = disclosure.whole(ticket.get("district_code"))
    ticket = ticket | {
        "comment": privacy.citizen_text(ticket.get("comment"), lang=lang, whole=whole)
    }
    return [
        round(float(ticket["lat"]), 6),
        round(float(ticket["lon"]), 6),
        style.state_colour(str(ticket["state"])),
        style.ticket_popup_html(ticket, lang=lang, photo_hosts=photo_hosts),
    ]


def _compact(tickets: list[dict[str, Any]], lang: Lang) -> tuple[list[list[Any]], dict[str, Any]]:
    """Rows of numbers and the ticket number only; labels once, in `legend`."""
    states: dict[str, int] = {}
    categories: dict[str, int] = {}
    rows = []
    for ticket in tickets:
        state = str(ticket["state"])
        names = ticket.get("categories")
        named = [str(c) for c in ([] if names is None else list(names))] or [vocab.UNSPECIFIED]
        days = style.popup_days(ticket)
        rows.append(
            [
                round(float(ticket["lat"]), 6),
                round(float(ticket["lon"]), 6),
                states.setdefault(state, len(states)),
                str(ticket["ticket_id"]),
                [categories.setdefault(c, len(categories)) for c in named],
                None if days is None else days[1],
                1 if vocab.public_page(ticket["ticket_id"]) else 0,
            ]
        )
    legend = {
        "states": [
            [style.state_colour(s), i18n.state_label(s, lang), _days_label(s, lang)] for s in states
        ],
        "categories": [plain(i18n.category_label(c, lang)) for c in categories],
        "page": i18n.t("public_page", lang),
        "base": vocab.PUBLIC_TICKET_URL.format(ticket_id=""),
    }
    return rows, legend


def _days_label(state: str, lang: Lang) -> str:
    """What a popup calls the days of a ticket in `state` (`style.popup_days`): an open
    one's age, a finished one's days to finish; '' for any other (it shows none)."""
    if state in vocab.OPEN_STATES:
        return i18n.t("age_days", lang)
    return i18n.t("col_days_to_finish", lang) if state == vocab.FINISHED else ""


def _cells(
    con: Reader,
    where: str,
    params: list[Any],
    viewport: Viewport,
    resolution: int,
    in_view: int,
    dialect: queries.Dialect,
) -> TicketLayer:
    # Count over a box one cell wider than the view, keep the cells whose centre is within
    # half a cell of it: every drawn cell is then counted whole, and every cell the view
    # touches is drawn.
    edge = CELL_EDGE_KM[resolution] / KM_PER_DEGREE
    wide = viewport.grown(2.2 * edge / math.cos(math.radians(viewport.south)))
    near = viewport.grown(1.1 * edge / math.cos(math.radians(viewport.south)))
    sql = queries.cells_in_box(where, resolution, dialect)
    frame = con.execute(sql, [*params, *wide.box()]).df()
    features: list[dict[str, Any]] = []
    top = int(frame["total"].max()) if len(frame) else 0
    drawn = 0
    for cell, total, open_count in zip(frame["cell"], frame["total"], frame["open"], strict=True):
        index = h3.int_to_str(int(cell) & 0xFFFFFFFFFFFFFFFF)
        lat, lon = h3.cell_to_latlng(index)
        if not near.contains(lat, lon):
            continue
        ring = [[round(x, 5), round(y, 5)] for y, x in h3.cell_to_boundary(index)]
        ring.append(ring[0])
        drawn += int(total)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "n": int(total),
                    "o": int(open_count),
                    "c": _cell_class(int(total), top),
                },
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return TicketLayer(
        kind="cells",
        in_view=in_view,
        drawn=drawn,
        resolution=resolution,
        cells=collection,
        bytes=wire_size(collection),
        top=top,
    )


def _cell_class(count: int, top: int) -> int:
    """Colour class 0–4 of a cell: square-root steps of the fullest cell in view."""
    if top <= 0:
        return 0
    return min(CELL_CLASSES - 1, int(math.sqrt(count / top) * CELL_CLASSES))


def unlocated(con: Reader, *, filters: Filters) -> int:
    """Tickets of the filters that no map can show: no usable location."""
    where, params = filters.where()
    return int(
        con.execute(queries.count(f"{where} AND NOT ({queries.LOCATED})"), params).fetchall()[0][0]
    )
