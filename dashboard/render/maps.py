"""Build folium maps from aggregated data. Pure: no streamlit, no store access.

Every string that came from the public (comments, addresses, categories) is escaped
before it reaches HTML; URLs are kept only when they are http(s). Assets are local.
"""

from __future__ import annotations

import functools
import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import folium
import folium.plugins
import h3
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from dashboard import config, i18n
from dashboard.analysis import mapmetrics
from dashboard.boundaries import AreaLayer
from dashboard.i18n import Lang
from dashboard.render import assets
from dashboard.render.lod import TicketLayer
from dashboard.render.style import GROUP_COLOURS, MAX_ZOOM, STATE_GROUP_OF_COLOUR
from dashboard.render.urlstate import MapView
from dashboard.text import plain


class _Rendered(Element):  # type: ignore[misc]
    """Text an element has already rendered, kept as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Rendered"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


def _render_macro(self: MacroElement, **kwargs: Any) -> None:
    """`MacroElement.render` without compiling what it rendered as a new template.

    branca wraps the text each macro (header, html, script) rendered in an `Element`, which
    compiles that text as a Jinja template and renders it again when the page is put
    together. The text holds the map's data, so a ticket comment or category such as
    `{{ 7*7 }}` was run as Jinja on the server (the page showed 49), and every rerun compiled
    the whole ticket layer (~70 ms of a warm city rerun at 1M tickets). Here the text is
    added as it is. Installed for every `MacroElement` when this module is imported;
    `tests/test_maps.py` renders every map we build with template syntax in each field.
    """
    figure = self.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{self._name} is not in a Figure, so it cannot be rendered")
    macros = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(_Rendered(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


MacroElement.render = _render_macro  # type: ignore[method-assign]

BANGKOK_CENTRE = (13.75, 100.60)
CITY_ZOOM = 10
SIMPLIFY_DEGREES = 0.0005
PALETTE = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704")
NO_DATA_COLOUR = "#d9d9d9"
TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"),
    "carto": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "© OpenStreetMap contributors © CARTO",
    ),
}


def tiles_setting() -> tuple[str, str] | None:
    """Return (URL template, attribution) from KHETMAP_TILES, or None for no basemap.

    KHETMAP_TILES is 'osm' (default), 'carto', 'none', or a URL template; a custom
    template takes its attribution from KHETMAP_TILES_ATTRIBUTION.
    """
    value = config.tiles()
    if value.lower() == "none":
        return None
    if value.lower() in TILES:
        return TILES[value.lower()]
    return value, config.tiles_attribution()


def base_map(*, view: MapView | None, centre: tuple[float, float], zoom: int) -> folium.Map:
    """Return an empty map (no CDN assets, basemap from the setting) at `view` or `centre`."""
    location = (view.lat, view.lon) if view else centre
    fmap = folium.Map(
        location=location,
        zoom_start=view.zoom if view else zoom,
        tiles=None,
        max_zoom=MAX_ZOOM,
        control_scale=False,
    )
    fmap.add_child(MetricScale())
    # folium puts max_zoom only on a tile layer; with no basemap the map itself needs it, or
    # the marker cluster plugin throws ('Map has no maxZoom specified') and the map is blank.
    fmap.options["maxZoom"] = MAX_ZOOM
    tiles = tiles_setting()
    if tiles:
        folium.TileLayer(tiles=tiles[0], attr=tiles[1], max_zoom=MAX_ZOOM, name="basemap").add_to(
            fmap
        )
    return fmap


def simplified(layer: AreaLayer, *, tolerance: float = SIMPLIFY_DEGREES) -> list[dict[str, Any]]:
    """Return the layer's polygons simplified (topology kept) as GeoJSON geometries."""
    geometries = shapely.simplify(layer.geometries, tolerance, preserve_topology=True)
    return [json.loads(shapely.to_geojson(geometry)) for geometry in geometries]


@dataclass(frozen=True)
class Bins:
    """Class breaks for a choropleth: value ≤ edges[i] gets PALETTE[i]."""

    edges: tuple[float, ...]

    def colour(self, value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA_COLOUR
        for edge, colour in zip(self.edges, PALETTE, strict=False):
            if value <= edge:
                return colour
        return PALETTE[len(self.edges) - 1]


def quantile_bins(values: Sequence[float | None]) -> Bins:
    """Return up to five quantile classes for the finite values."""
    finite = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if finite.size == 0:
        return Bins(edges=())
    edges = np.unique(np.quantile(finite, [0.2, 0.4, 0.6, 0.8, 1.0]))
    return Bins(edges=tuple(float(e) for e in edges))


def format_value(metric: str, value: float | None, *, lang: Lang = "th") -> str:
    """Return a metric value as display text ('no data' in words, never a bare dash)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return i18n.t("no_data", lang)
    return mapmetrics.format_number(mapmetrics.MAP_METRICS[metric].kind, float(value))


def choropleth_features(
    *,
    layer: AreaLayer,
    geometries: list[dict[str, Any]],
    summary: pd.DataFrame,
    metric: str,
    lang: Lang,
) -> tuple[dict[str, Any], Bins]:
    """Return a FeatureCollection whose properties carry code, escaped tooltip and fill colour."""
    by_code = summary.set_index("code")
    column: dict[Any, Any] = by_code[metric].to_dict()
    values = {code: _number(column.get(code)) for code in layer.codes}
    open_counts: dict[Any, Any] = by_code["open"].to_dict()
    totals: dict[Any, Any] = by_code["total"].to_dict()
    bins = quantile_bins(list(values.values()))
    label = i18n.metric_label(metric, lang)
    features = []
    for index, code in enumerate(layer.codes):
        value = values[code]
        open_count = int(open_counts.get(code, 0))
        total = int(totals.get(code, 0))
        name = i18n.area_name(layer.names_th[index], layer.names_en[index], lang)
        tooltip = (
            f"<b>{html.escape(plain(name))}</b><br>{html.escape(label)}: {html.escape(format_value(metric, value, lang=lang))}"
            f"<br>{html.escape(i18n.t('open', lang))}: {open_count:,} / {html.escape(i18n.t('total', lang))}: {total:,}"
        )
        features.append(
            {
                "type": "Feature",
                "geometry": geometries[index],
                "properties": {"code": code, "tooltip": tooltip, "fill": bins.colour(value)},
            }
        )
    return {"type": "FeatureCollection", "features": features}, bins


def _number(value: Any) -> float | None:
    """A summary cell as a float; None for a missing area or a figure it cannot have."""
    return None if value is None or pd.isna(value) else float(value)


AREA_FADE = """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, layer = {{ this.layer }}, original = layer.options.style;
  layer.options.style = function (f) {
    var style = Object.assign({}, original(f));
    if (map.getZoom() >= {{ this.zoom }}) { style.fillOpacity = 0; }
    return style;
  };
  function fade() {
    layer.setStyle(layer.options.style);
    var faded = map.getZoom() >= {{ this.zoom }};
    document.querySelectorAll(".khetmap-areas-legend").forEach(function (legend) {
      legend.style.display = faded ? "none" : "";  // the areas' colours are not drawn
    });  // (the ticket layer's legend stays)
  }
  map.on("zoomend", fade);
  fade();
})();
{% endmacro %}
"""


class AreaFade(MacroElement):  # type: ignore[misc]
    """From `zoom` on, the areas are drawn as outlines (still clickable) and their legend is
    hidden, so the ticket layer reads; in the browser, so the map is not rebuilt when the
    zoom crosses it."""

    _template = Template(AREA_FADE)

    def __init__(self, layer: folium.GeoJson, zoom: int) -> None:
        super().__init__()
        self._name = "AreaFade"
        self.layer = layer.get_name()
        self.zoom = int(zoom)


def add_choropleth(
    fmap: folium.Map,
    collection: dict[str, Any],
    *,
    name: str,
    highlight: str | None = None,
    outlines_only: bool = False,
    fill_opacity: float = 0.7,
) -> folium.GeoJson:
    """Add a clickable polygon layer whose tooltip is the (already escaped) `tooltip` property.

    `outlines_only` draws the areas unfilled (still clickable), so a heat layer reads clearly;
    `fill_opacity` lighter lets a ticket layer on top read.
    """

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        chosen = feature["properties"]["code"] == highlight
        return {
            "fillColor": feature["properties"]["fill"],
            "color": "#08306b" if chosen else "#555555",
            "weight": 3 if chosen else 1,
            "fillOpacity": 0.0 if outlines_only else fill_opacity,
        }

    layer = folium.GeoJson(
        collection,
        name=name,
        style_function=style,
        highlight_function=lambda _f: {"weight": 3, "color": "#08306b"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=False),
    )
    layer.add_to(fmap)
    return layer


class MetricScale(MacroElement):  # type: ignore[misc]
    """A scale bar in kilometres only (Leaflet's default adds miles)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


NARROW_MAP_PX = 480
"""A map at most this wide (a phone) opens with its legends folded to a small button."""
LEGEND_CSS = (
    ".khetmap-legend > summary { display: none; cursor: pointer; font-weight: bold; } "
    ".khetmap-legend:not([open]) > summary { white-space: nowrap; } "
    f"@media (max-width: {NARROW_MAP_PX}px) {{ "
    ".khetmap-legend { font-size: 11px !important; max-width: 60% !important; "
    "padding: 4px 6px !important; } "
    ".khetmap-legend > summary { display: list-item; } "
    ".khetmap-legend[open] > summary { margin-bottom: 2px; } }"
)
"""Every legend on a phone: a button named `legend_toggle` that unfolds it, in smaller type
(on a wider map the legend is open and the button not drawn)."""
LEGEND_TEMPLATE = (
    """
{% macro html(this, kwargs) %}
<style>"""
    + LEGEND_CSS
    + """</style>
<details class="khetmap-legend{{ this.kind }}" open
  style="position:absolute;top:10px;right:10px;z-index:9999;
  background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;font:12px sans-serif;
  box-shadow:0 1px 4px rgba(0,0,0,0.3);"><summary>{{ this.toggle }}</summary>{{ this.body }}</details>
{% endmacro %}
{% macro script(this, kwargs) %}
document.querySelectorAll("details.khetmap-legend:not([data-set])").forEach(function (legend) {
  legend.open = {{ this._parent.get_name() }}.getSize().x > """
    + str(NARROW_MAP_PX)
    + """;
  legend.dataset.set = "1";  // (streamlit-folium renames ids in scripts, not in the HTML)
  L.DomEvent.disableClickPropagation(legend);
});
{% endmacro %}
"""
)


class Legend(MacroElement):  # type: ignore[misc]
    """A static HTML legend (no d3, unlike branca's colormap), folded on a phone."""

    _template = Template(LEGEND_TEMPLATE)

    def __init__(self, body_html: str, *, lang: Lang, areas: bool = False) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body_html
        self.toggle = html.escape(i18n.t("legend_toggle", lang))
        self.kind = " khetmap-areas-legend" if areas else ""
        """the areas' colours: hidden where the areas fade to outlines (`AreaFade`)"""


def legend_html(*, title: str, bins: Bins, metric: str, lang: Lang = "th") -> str:
    """Return the legend's inner HTML (escaped)."""
    rows = [f"<b>{html.escape(title)}</b>"]
    low: float | None = None
    for edge, colour in zip(bins.edges, PALETTE, strict=False):
        text = (
            f"≤ {format_value(metric, edge, lang=lang)}"
            if low is None
            else f"{format_value(metric, low, lang=lang)} – {format_value(metric, edge, lang=lang)}"
        )
        rows.append(
            f'<span style="display:inline-block;width:14px;height:10px;background:{colour};margin-right:4px;border:1px solid #999"></span>{html.escape(text)}'
        )
        low = edge
    rows.append(
        f'<span style="display:inline-block;width:14px;height:10px;background:{NO_DATA_COLOUR};margin-right:4px;border:1px solid #999"></span>{html.escape(i18n.t("no_data", lang))}'
    )
    return "<br>".join(rows)


HEAT_GRADIENT = "linear-gradient(to right, blue, cyan, lime, yellow, red)"
"""leaflet.heat's default gradient, low to high."""


def heat_legend_html(*, lang: Lang) -> str:
    """The heat layer's own legend: what it shows and which way the colours run."""
    bar = f'<div style="width:140px;height:10px;background:{HEAT_GRADIENT};margin:3px 0"></div>'
    ends = (
        f'<div style="display:flex;justify-content:space-between;width:140px">'
        f"<span>{html.escape(i18n.t('heat_low', lang))}</span>"
        f"<span>{html.escape(i18n.t('heat_high', lang))}</span></div>"
    )
    note = f"<i>{html.escape(i18n.t('heat_outlines', lang))}</i>"
    return f"<b>{html.escape(i18n.t('heat_legend', lang))}</b>{bar}{ends}{note}"


def add_heat(fmap: folium.Map, cells: pd.DataFrame, *, name: str) -> None:
    """Add a heat layer from per-cell open counts (`lat`, `lon`, `open`), not raw points."""
    if cells.empty:
        return
    top = float(np.quantile(cells["open"], 0.95)) or 1.0
    weights = np.minimum(cells["open"].to_numpy(dtype=float) / top, 1.0)
    data = [
        [round(float(la), 5), round(float(lo), 5), round(float(w), 3)]
        for la, lo, w in zip(cells["lat"], cells["lon"], weights, strict=True)
    ]
    folium.plugins.HeatMap(
        data, name=name, radius=14, blur=18, min_opacity=0.25, max_zoom=13
    ).add_to(fmap)


def city_map(
    *,
    collection: dict[str, Any],
    bins: Bins,
    legend_title: str,
    metric: str,
    heat_cells: pd.DataFrame | None,
    view: MapView | None,
    lang: Lang,
    tickets_from_zoom: int | None = None,
) -> folium.Map:
    """Return the city map: district choropleth (outlines only under a heat layer, and from
    `tickets_from_zoom` on, where the page draws the ticket layer with
    `ticket_feature_group`), optional heat layer, legend; local assets."""
    fmap = base_map(view=view, centre=BANGKOK_CENTRE, zoom=CITY_ZOOM)
    heat = heat_cells is not None
    areas = add_choropleth(fmap, collection, name=i18n.t("district", lang), outlines_only=heat)
    if tickets_from_zoom is not None and not heat:
        fmap.add_child(AreaFade(areas, tickets_from_zoom))
    fmap.add_child(ClusterAssets())
    if heat_cells is not None:
        add_heat(fmap, heat_cells, name=i18n.t("heat", lang))
        fmap.add_child(Legend(heat_legend_html(lang=lang), lang=lang))
    else:
        fmap.add_child(
            Legend(
                legend_html(title=legend_title, bins=bins, metric=metric, lang=lang),
                lang=lang,
                areas=True,
            )
        )
    return assets.localise(fmap)


def district_map(
    *,
    collection: dict[str, Any],
    bounds: tuple[float, float, float, float],
    view: MapView | None,
    lang: Lang,
    highlight: str | None,
    recurrences: pd.DataFrame | None = None,
) -> folium.Map:
    """Return a district map: the subdistricts as outlines (clickable, their figures in the
    tooltip) under the ticket layer the page adds with `ticket_feature_group`, which is the
    one colour scale on it, and the recurring problems
    (`director.recurrences(...).register`) as a layer of their own, each with a legend."""
    minx, miny, maxx, maxy = bounds
    fmap = base_map(view=view, centre=((miny + maxy) / 2, (minx + maxx) / 2), zoom=13)
    if view is None:
        fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    # outlines only: the ticket layer (cells or points, with its own legend) is the one
    # colour scale on this map; each subdistrict's figure is in its tooltip and the table
    add_choropleth(
        fmap, collection, name=i18n.t("subdistrict", lang), highlight=highlight, outlines_only=True
    )
    fmap.add_child(ClusterAssets())
    if recurrences is not None and len(recurrences):
        add_recurrences(fmap, recurrences, lang=lang)
        fmap.add_child(Legend(recurrence_legend_html(lang=lang), lang=lang))
    return assets.localise(fmap)


RECURRENCE_COLOUR = "#7b2cbf"


def recurrence_legend_html(*, lang: Lang) -> str:
    """The recurring problems' legend: what a purple ring is."""
    ring = (
        f'<span style="display:inline-block;width:12px;height:12px;border-radius:50%;'
        f'border:2px solid {RECURRENCE_COLOUR};margin-right:4px"></span>'
    )
    return f"{ring}{html.escape(i18n.t('legend_recurrence', lang))}"


def add_recurrences(fmap: folium.Map, register: pd.DataFrame, *, lang: Lang) -> None:
    """Each recurring place as a ringed purple circle sized by its reports, with a popup.

    One GeoJSON layer (not one folium element per place: ten times less to render); the
    popup text is escaped here, since the popup shows it as HTML."""
    features = []
    for place in register.to_dict(orient="records"):
        text = i18n.t(
            "recurrence_popup",
            lang,
            category=i18n.category_label(str(place["category"]), lang),
            reports=int(place["reports"]),
            finished=int(place["finished"]),
            open=int(place["open"]),
        )
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(float(place["lon"]), 6), round(float(place["lat"]), 6)],
                },
                "properties": {
                    "text": html.escape(plain(text)),
                    "radius": 6 + min(int(place["reports"]), 20),
                },
            }
        )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=i18n.t("recurrence_title", lang),
        marker=folium.CircleMarker(color=RECURRENCE_COLOUR, weight=3, fill=True, fill_opacity=0.25),
        style_function=lambda feature: {"radius": feature["properties"]["radius"]},
        popup=folium.GeoJsonPopup(fields=["text"], labels=False),
        tooltip=folium.GeoJsonTooltip(fields=["text"], labels=False),
    ).add_to(fmap)


CELL_PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
"""Ticket cells, fewer to more tickets (blues: apart from the areas' oranges)."""

LAYER_JS = (
    """
  function khetmapLegend(layer, lines, toggle) {  // text nodes only; on the map with its layer
    var control = L.control({position: "bottomleft"});
    control.onAdd = function (map) {
      if (!document.getElementById("khetmap-legend-css")) {
        var css = document.createElement("style");
        css.id = "khetmap-legend-css";
        css.textContent = """
    + json.dumps(LEGEND_CSS)
    + """;
        document.head.appendChild(css);
      }
      var div = L.DomUtil.create("details", "khetmap-legend"), summary = L.DomUtil.create("summary");
      div.style.cssText = "background:rgba(255,255,255,.92);padding:6px 8px;font:12px sans-serif;"
        + "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:220px";
      summary.textContent = toggle;
      div.appendChild(summary);
      div.open = map.getSize().x > """
    + str(NARROW_MAP_PX)
    + """;
      L.DomEvent.disableClickPropagation(div);
      lines.forEach(function (line, i) {
        var row = document.createElement("div");
        if (line[0]) {
          var swatch = document.createElement("span");
          swatch.style.cssText = "display:inline-block;width:12px;height:12px;margin-right:5px;"
            + "vertical-align:middle;border:1px solid #666;border-radius:" + (line[2] || "2px")
            + ";background:" + line[0];
          row.appendChild(swatch);
        } else if (i === 0) { row.style.fontWeight = "bold"; }
        row.appendChild(document.createTextNode(line[1]));
        div.appendChild(row);
      });
      return div;
    };
    layer.on("add", function (e) { control.addTo(e.target._map); });
    layer.on("remove", function () { control.remove(); });
  }
  function khetmapCluster(colours) {  // a ring split open / finished / other, the count inside
    return function (cluster) {
      var markers = cluster.getAllChildMarkers(), n = markers.length, counts = [0, 0, 0];
      markers.forEach(function (m) { counts[m.options.stateGroup] += 1; });
      var open = 100 * counts[0] / n, done = open + 100 * counts[1] / n;
      var ring = "conic-gradient(" + colours[0] + " 0 " + open + "%, " + colours[1] + " "
        + open + "% " + done + "%, " + colours[2] + " " + done + "% 100%)";
      var size = n < 10 ? 30 : n < 100 ? 36 : 44;
      var outer = document.createElement("div"), inner = document.createElement("div");
      outer.style.cssText = "width:" + size + "px;height:" + size + "px;border-radius:50%;"
        + "display:flex;align-items:center;justify-content:center;background:" + ring;
      inner.style.cssText = "width:" + (size - 10) + "px;height:" + (size - 10) + "px;"
        + "border-radius:50%;background:#fff;display:flex;align-items:center;"
        + "justify-content:center;font:bold 11px sans-serif;color:#222";
      inner.textContent = n.toLocaleString();
      outer.appendChild(inner);
      return L.divIcon({html: outer, className: "khetmap-cluster", iconSize: L.point(size, size)});
    };
  }
"""
)
"""What every ticket layer's script shares: its legend (a map control that goes when the
layer goes, as it is swapped on each pan), and cluster icons coloured by the tickets'
states (a cluster of open tickets is red however many there are)."""

TICKET_CELLS = (
    """
{% macro script(this, kwargs) %}
(function () {
"""
    + LAYER_JS
    + """
  var palette = {{ this.palette|tojson }}, labels = {{ this.labels|tojson }};
  var layer = L.geoJson({{ this.data|tojson }}, {
    style: function (f) {
      return {fillColor: palette[f.properties.c], color: "#08306b", weight: 0.6,
              fillOpacity: 0.6};
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      l.bindTooltip(labels[0] + ": " + p.n.toLocaleString() + "<br>" + labels[1] + ": "
        + p.o.toLocaleString() + " (" + Math.round(100 * p.o / p.n) + "%)<br><i>"
        + labels[2] + "</i>");
      l.on("click", function (e) { e.target._map.fitBounds(e.target.getBounds()); });
    }
  });
  khetmapLegend(layer, {{ this.legend_lines|tojson }}, {{ this.legend_toggle|tojson }});
  layer.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
)
"""Cells of tickets: a tooltip with counts and open share; a click zooms into the cell."""

TICKET_POINTS = (
    """
{% macro script(this, kwargs) %}
(function () {
"""
    + LAYER_JS
    + """
  var data = {{ this.data|tojson }}, markers = [], groups = {{ this.groups|tojson }};
  for (var i = 0; i < data.length; i++) {
    var r = data[i];
    var m = L.circleMarker([r[0], r[1]], {radius: 6, color: r[2], fillColor: r[2],
      fill: true, fillOpacity: 0.9, weight: 2, stateGroup: r[2] in groups ? groups[r[2]] : 2});
    m.bindPopup(r[3], {maxWidth: 320});
    markers.push(m);
  }
  var cluster = L.markerClusterGroup({maxClusterRadius: 40,
    iconCreateFunction: khetmapCluster({{ this.group_colours|tojson }})});
  cluster.addLayers(markers);
  khetmapLegend(cluster, {{ this.legend_lines|tojson }}, {{ this.legend_toggle|tojson }});
  cluster.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
)
"""Every ticket in view as a circle with its (escaped) popup; points on one spot cluster and
spread out on a click at the deepest zoom."""


TICKET_POINTS_COMPACT = (
    """
{% macro script(this, kwargs) %}
(function () {
"""
    + LAYER_JS
    + """
  var data = {{ this.data|tojson }}, legend = {{ this.legend|tojson }}, markers = [];
  var groups = {{ this.groups|tojson }};
  function line(div, text) {
    div.appendChild(document.createElement("br"));
    div.appendChild(document.createTextNode(text));
  }
  function popup(r) {  // text nodes only: nothing from the data becomes HTML
    var div = document.createElement("div"), b = document.createElement("b");
    b.textContent = r[3];
    div.appendChild(b);
    line(div, r[4].map(function (i) { return legend.categories[i]; }).join(", ")
      + " · " + legend.states[r[2]][1]);
    if (r[5] !== null) { line(div, legend.states[r[2]][2] + ": " + r[5]); }
    if (r[6]) {
      div.appendChild(document.createElement("br"));
      var a = document.createElement("a");
      a.href = legend.base + encodeURIComponent(r[3]);
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = legend.page;
      div.appendChild(a);
    }
    return div;
  }
  data.forEach(function (r) {
    var colour = legend.states[r[2]][0];
    var m = L.circleMarker([r[0], r[1]], {radius: 6, color: colour, fillColor: colour,
      fill: true, fillOpacity: 0.9, weight: 2, stateGroup: colour in groups ? groups[colour] : 2});
    m.bindPopup(function () { return popup(r); }, {maxWidth: 320});
    markers.push(m);
  });
  var cluster = L.markerClusterGroup({maxClusterRadius: 40, chunkedLoading: true,
    iconCreateFunction: khetmapCluster({{ this.group_colours|tojson }})});
  cluster.addLayers(markers);
  khetmapLegend(cluster, {{ this.legend_lines|tojson }}, {{ this.legend_toggle|tojson }});
  cluster.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
)
"""Many tickets in view: compact rows, and each popup written by the browser as text from
the layer's shared labels when it is opened."""


class ClusterAssets(JSCSSMixin, MacroElement):  # type: ignore[misc]
    """Loads Leaflet.markercluster with the map itself, so a ticket layer that switches
    between cells and points never changes the map's libraries (which would reload it)."""

    default_js = folium.plugins.MarkerCluster.default_js
    default_css = folium.plugins.MarkerCluster.default_css

    _template = Template("")

    def __init__(self) -> None:
        super().__init__()
        self._name = "ClusterAssets"


@functools.cache
def _compiled(template: str) -> Template:
    """A ticket layer's template, compiled once per process (each is one of three texts)."""
    return Template(template)


class _Layer(MacroElement):  # type: ignore[misc]
    def __init__(self, template: str, **values: Any) -> None:
        super().__init__()
        self._name = "TicketLayer"
        for name, value in values.items():
            setattr(self, name, value)
        self._template = _compiled(template)


def ticket_feature_group(layer: TicketLayer, *, lang: Lang) -> folium.FeatureGroup:
    """The ticket layer of one view (`lod.ticket_layer`) as the feature group `st_folium`
    swaps in without rebuilding the map, with its own legend. Popups are escaped HTML
    already; the data goes in with jinja's `tojson`, which escapes <, > and &."""
    group = folium.FeatureGroup(name=i18n.t("tickets", lang))
    if layer.kind == "cells" and layer.cells.get("features"):
        labels = [
            html.escape(i18n.t("total", lang)),
            html.escape(i18n.t("open", lang)),
            html.escape(i18n.t("lod_cell_click", lang)),
        ]
        group.add_child(
            _Layer(
                TICKET_CELLS,
                data=layer.cells,
                palette=list(CELL_PALETTE),
                labels=labels,
                legend_lines=cells_legend(layer, lang),
                legend_toggle=i18n.t("legend_toggle", lang),
            )
        )
    elif layer.kind == "points" and layer.points:
        template = TICKET_POINTS_COMPACT if layer.short_popups else TICKET_POINTS
        values = {"legend": layer.legend} if layer.short_popups else {}
        group.add_child(
            _Layer(
                template,
                data=layer.points,
                groups=STATE_GROUP_OF_COLOUR,
                group_colours=list(GROUP_COLOURS),
                legend_lines=points_legend(lang),
                legend_toggle=i18n.t("legend_toggle", lang),
                **values,
            )
        )
    return group


def cells_legend(layer: TicketLayer, lang: Lang) -> list[list[str]]:
    """The cells' legend: what a cell counts, its colours from fewest to most tickets."""
    counts = [int(f["properties"]["n"]) for f in layer.cells.get("features", [])]
    low, high = (min(counts), max(counts)) if counts else (0, 0)
    return [
        ["", i18n.t("legend_cells", lang)],
        [CELL_PALETTE[0], f"{i18n.t('heat_low', lang)} ({low:,})"],
        [CELL_PALETTE[2], ""],
        [CELL_PALETTE[-1], f"{i18n.t('heat_high', lang)} ({high:,})"],
    ]


def points_legend(lang: Lang) -> list[list[str]]:
    """The points' legend: a colour per state group, and what a cluster's ring shows."""
    return [
        ["", i18n.t("legend_points", lang)],
        [GROUP_COLOURS[0], i18n.t("legend_open", lang), "50%"],
        [GROUP_COLOURS[1], i18n.t("legend_finished", lang), "50%"],
        [GROUP_COLOURS[2], i18n.t("legend_other", lang), "50%"],
        ["", i18n.t("legend_cluster", lang)],
    ]


HOTSPOT_COLOURS = {
    "hot 99%": "#a50f15",
    "hot 95%": "#de2d26",
    "hot 90%": "#fc9272",
    "cold 90%": "#9ecae1",
    "cold 95%": "#4292c6",
    "cold 99%": "#08519c",
    "too few": "#bdbdbd",
}
EMERGING_COLOURS = {
    "new hot": "#67000d",
    "consecutive hot": "#a50f15",
    "intensifying hot": "#ef3b2c",
    "persistent hot": "#fc9272",
    "diminishing hot": "#fcbba1",
    "sporadic hot": "#fdd0a2",
    "oscillating hot": "#fdae6b",
    "historical hot": "#d9d9d9",
    "new cold": "#08306b",
    "consecutive cold": "#08519c",
    "intensifying cold": "#2171b5",
    "persistent cold": "#6baed6",
    "diminishing cold": "#c6dbef",
    "sporadic cold": "#deebf7",
    "oscillating cold": "#9ecae1",
    "historical cold": "#f0f0f0",
}


def hotspot_map(
    *, cells: pd.DataFrame, lang: Lang, kind: str = "rate", view: MapView | None = None
) -> folium.Map:
    """Classified H3 cells: hot red, cold blue, "too few to judge" grey (rate), or the
    emerging patterns; cells of no significance or pattern are not drawn. The legend lists
    only the classes on the map."""

    emerging = kind == "emerging"
    colours = EMERGING_COLOURS if emerging else HOTSPOT_COLOURS
    column = "category" if emerging else "class"
    fmap = base_map(view=view, centre=BANGKOK_CENTRE, zoom=CITY_ZOOM)
    shown = cells[cells[column].isin(list(colours))] if column in cells else cells.iloc[0:0]
    features = []
    for row in shown.to_dict(orient="records"):
        ring = [[lon, lat] for lat, lon in h3.cell_to_boundary(str(row["h3"]))]
        ring.append(ring[0])
        lines = [f"<b>{html.escape(i18n.hotspot_class(str(row[column]), lang))}</b>"]
        if emerging:
            lines.append(f"{html.escape(i18n.t('reports', lang))}: {float(row['value']):,.0f}")
        else:
            lines.append(f"{html.escape(i18n.t('reports', lang))}: {int(row['reports']):,}")
            lines.append(f"{html.escape(i18n.t('open', lang))}: {int(row['open']):,}")
            if kind == "rate" and not pd.isna(row.get("eb_open_share")):
                lines.append(
                    f"{html.escape(i18n.t('open_share_cell', lang))}: {float(row['open_share']):.0%}"
                    f" → {float(row['eb_open_share']):.0%} ({html.escape(i18n.t('smoothed', lang))})"
                )
            if row[column] != "too few":
                lines.append(f"Gi* z = {float(row['gi_z']):.2f}")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "code": row["h3"],
                    "tooltip": "<br>".join(lines),
                    "fill": colours[str(row[column])],
                },
            }
        )
    if features:
        add_choropleth(fmap, {"type": "FeatureCollection", "features": features}, name="Gi*")
    present = set(shown[column])
    rows = [f"<b>{html.escape(i18n.t('hot_kind_' + kind, lang))}</b>"] + [
        f'<span style="display:inline-block;width:14px;height:10px;background:{colour};margin-right:4px"></span>{html.escape(i18n.hotspot_class(label, lang))}'
        for label, colour in colours.items()
        if label in present or (not emerging and label.startswith("hot"))
    ]
    fmap.add_child(Legend("<br>".join(rows), lang=lang))
    return assets.localise(fmap)
