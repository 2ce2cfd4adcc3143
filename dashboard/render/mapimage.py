"""The map as a picture: the view a user has on the screen, drawn on the server as a PNG for
a newsletter, a LINE post or a slide.

The same layers as the interactive map (area shading by the chosen metric, the ticket cells
or points of the view, the heat of open complaints), each with its legend, a title with the
area, the filters and the as-of date, and the credits. Drawn with geopandas and matplotlib
(no basemap tiles: it works offline). Pure: no streamlit.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import h3
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from shapely.geometry import Polygon, shape

from dashboard import i18n
from dashboard.i18n import Lang
from dashboard.render import maps, style
from dashboard.render.lod import TicketLayer, Viewport
from dashboard.render.maps import Bins

DPI = 250
"""Dots per inch: a 10-inch picture is 2,500 pixels wide (print resolution)."""
WIDTH_INCHES = 10.0
THAI_FONTS = ("Garuda", "Loma", "Sarabun", "Noto Sans Thai", "DejaVu Sans")
"""Fonts tried in turn for Thai text (Debian's fonts-thai-tlwg has Garuda and Loma)."""
HEAT_COLOURS = ("#2c7bb6", "#00a6ca", "#90eb9d", "#f9d057", "#d7191c")
"""The heat layer's gradient (blue → red), as five classes of open complaints per cell."""


@dataclass(frozen=True)
class Picture:
    """Everything one map picture shows."""

    areas: dict[str, Any]
    """the choropleth FeatureCollection (`maps.choropleth_features`: properties.fill)"""
    bins: Bins
    metric: str
    legend_title: str
    view: Viewport
    title: str
    subtitle: str
    """the filters and the as-of date, in the page's language"""
    credits: str
    lang: Lang
    tickets: TicketLayer | None = None
    heat: pd.DataFrame | None = None
    """open complaints per H3 cell (`cell`, `open`: `metrics.open_by_cell`), when shown"""


def png(picture: Picture) -> bytes:
    """The picture as PNG bytes."""
    fig = _figure(picture.view)
    ax = fig.add_axes((0.01, 0.09, 0.74, 0.8))
    handles = _areas(ax, picture)
    handles += _heat(ax, picture.heat, picture.lang)
    handles += _tickets(ax, picture.tickets, picture.lang)
    _frame(ax, picture.view)  # after the layers: geopandas sets its own limits and labels
    font = _font()
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.76, 0.89),
        frameon=False,
        prop=font.copy() if font else None,
        fontsize=8,
    )
    fig.text(0.01, 0.965, picture.title, fontsize=15, weight="bold", fontproperties=font)
    fig.text(0.01, 0.925, picture.subtitle, fontsize=9, color="#444", fontproperties=font)
    fig.text(0.01, 0.03, picture.credits, fontsize=7, color="#666", fontproperties=font)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _figure(view: Viewport) -> Figure:
    # a Figure of its own, not pyplot: pictures are made on a download's thread, and
    # pyplot's global state is not thread-safe
    ratio = _ground_ratio(view)
    return Figure(figsize=(WIDTH_INCHES, min(max(WIDTH_INCHES * 0.74 * ratio / 0.8, 5.0), 12.0)))


def _ground_ratio(view: Viewport) -> float:
    """Height ÷ width of the view on the ground."""
    mid = math.radians((view.south + view.north) / 2)
    return (view.north - view.south) / ((view.east - view.west) * math.cos(mid))


def _frame(ax: Any, view: Viewport) -> None:
    ax.set_xlim(view.west, view.east)
    ax.set_ylim(view.south, view.north)
    ax.set_aspect(1 / math.cos(math.radians((view.south + view.north) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for side in ax.spines.values():
        side.set_edgecolor("#999")


def _font() -> font_manager.FontProperties | None:
    """The Thai-capable fonts installed, in order (matplotlib falls back glyph by glyph:
    Garuda has no '≤'), or None (matplotlib's default)."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    names = [name for name in THAI_FONTS if name in installed]
    return font_manager.FontProperties(family=names) if names else None


def _areas(ax: Any, picture: Picture) -> list[Any]:
    """The area shading, as the map draws it: outlines only under ticket cells or heat."""
    features = picture.areas.get("features", [])
    if not features:
        return []
    frame = gpd.GeoDataFrame(
        {"fill": [f["properties"]["fill"] for f in features]},
        geometry=[shape(f["geometry"]) for f in features],
        crs=4326,
    )
    covered = picture.heat is not None or (
        picture.tickets is not None and picture.tickets.in_view > 0
    )
    if covered:
        frame.boundary.plot(ax=ax, color="#555", linewidth=0.7)
        return []
    frame.plot(ax=ax, color=list(frame["fill"]), edgecolor="#777", linewidth=0.5)
    return _bin_handles(picture)


def _bin_handles(picture: Picture) -> list[Any]:
    lang, metric = picture.lang, picture.metric
    handles: list[Any] = [Patch(visible=False, label=picture.legend_title)]
    low: float | None = None
    for edge, colour in zip(picture.bins.edges, maps.PALETTE, strict=False):
        top = maps.format_value(metric, edge, lang=lang)
        text = f"≤ {top}" if low is None else f"{maps.format_value(metric, low, lang=lang)} – {top}"
        handles.append(Patch(facecolor=colour, edgecolor="#999", label=text))
        low = edge
    handles.append(
        Patch(facecolor=maps.NO_DATA_COLOUR, edgecolor="#999", label=i18n.t("no_data", lang))
    )
    return handles


def _hexagons(cells: Sequence[str]) -> list[Polygon]:
    return [Polygon([(lon, lat) for lat, lon in h3.cell_to_boundary(c)]) for c in cells]


def _heat(ax: Any, heat: pd.DataFrame | None, lang: Lang) -> list[Any]:
    if heat is None or heat.empty:
        return []
    cells = [h3.int_to_str(int(c)) for c in heat["cell"]]
    counts = heat["open"].astype(float)
    edges = sorted(set(counts.quantile([0.2, 0.4, 0.6, 0.8, 1.0]).tolist()))
    colours = [HEAT_COLOURS[min(_class(v, edges), len(HEAT_COLOURS) - 1)] for v in counts]
    frame = gpd.GeoDataFrame({"colour": colours}, geometry=_hexagons(cells), crs=4326)
    frame.plot(ax=ax, color=colours, linewidth=0)
    return [
        Patch(visible=False, label=i18n.t("heat_legend", lang)),
        Patch(facecolor=HEAT_COLOURS[0], label=i18n.t("heat_low", lang)),
        Patch(facecolor=HEAT_COLOURS[-1], label=i18n.t("heat_high", lang)),
    ]


def _class(value: float, edges: Sequence[float]) -> int:
    for index, edge in enumerate(edges):
        if value <= edge:
            return index
    return len(edges) - 1


def _tickets(ax: Any, layer: TicketLayer | None, lang: Lang) -> list[Any]:
    if layer is None or layer.in_view == 0:
        return []
    if layer.kind == "cells":
        return _cells(ax, layer, lang)
    return _points(ax, layer, lang)


def _cells(ax: Any, layer: TicketLayer, lang: Lang) -> list[Any]:
    features = layer.cells.get("features", [])
    if not features:
        return []
    colours = [maps.CELL_PALETTE[int(f["properties"]["c"])] for f in features]
    frame = gpd.GeoDataFrame(
        {"colour": colours}, geometry=[shape(f["geometry"]) for f in features], crs=4326
    )
    frame.plot(ax=ax, color=colours, edgecolor="#08306b", linewidth=0.3)
    _, low, _, high = maps.cells_legend(layer, lang)  # the screen's legend, with its counts
    return [
        Patch(visible=False, label=i18n.t("legend_cells", lang)),
        Patch(facecolor=low[0], edgecolor="#08306b", label=low[1]),
        Patch(facecolor=high[0], edgecolor="#08306b", label=high[1]),
    ]


def _points(ax: Any, layer: TicketLayer, lang: Lang) -> list[Any]:
    colours = [_point_colour(point, layer) for point in layer.points]
    ax.scatter(
        [p[1] for p in layer.points],
        [p[0] for p in layer.points],
        s=14,
        c=colours,
        edgecolors="white",
        linewidths=0.4,
        zorder=3,
    )
    drawn = set(colours)  # only the states the picture shows
    states = [
        (key, colour)
        for key, colour in zip(("open", "finished", "other"), style.GROUP_COLOURS, strict=True)
        if colour in drawn
    ]
    return [Patch(visible=False, label=i18n.t("legend_points", lang))] + [
        Line2D([], [], marker="o", linestyle="", color=colour, label=i18n.t(f"legend_{key}", lang))
        for key, colour in states
    ]


def _point_colour(point: Sequence[Any], layer: TicketLayer) -> str:
    """A point's colour: as sent, or (short popups) from the layer's state legend."""
    if not layer.short_popups:
        return str(point[2])
    states = layer.legend.get("states", [])
    index = int(point[2])
    return str(states[index][0]) if 0 <= index < len(states) else style.state_colour("unknown")
