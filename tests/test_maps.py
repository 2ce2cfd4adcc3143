from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import folium
import folium.plugins
import pandas as pd
import pytest

from dashboard.boundaries import load_districts, load_subdistricts
from dashboard.render import assets, lod, maps, style
from dashboard.render.urlstate import MapView

SCRIPT = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture(autouse=True)
def no_tiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHETMAP_TILES", "none")


def summary_for(codes: tuple[str, ...]) -> pd.DataFrame:
    rows = [
        {
            "code": code,
            "total": 10 + i,
            "open": i,
            "open_share": i / (10 + i),
            "open_per_10k": float(i),
            "median_days_to_finish": None,
            "open_age_31_90": 1,
            "open_age_over_90": i,
        }
        for i, code in enumerate(codes)
    ]
    return pd.DataFrame(rows)


def named_choropleth(data_dir: Path, first_name: str) -> tuple[dict[str, Any], maps.Bins]:
    """The 50 districts' choropleth in English, the first district named `first_name`."""
    districts = load_districts(data_dir=data_dir).subset(range(50))
    object.__setattr__(districts, "names_en", (first_name, *districts.names_en[1:]))
    return maps.choropleth_features(
        layer=districts,
        geometries=maps.simplified(districts),
        summary=summary_for(districts.codes),
        metric="open",
        lang="en",
    )


def asset_urls(page: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)


def test_city_map_has_50_districts_local_assets_and_no_cdn(data_dir: Path) -> None:
    districts = load_districts(data_dir=data_dir)
    collection, bins = maps.choropleth_features(
        layer=districts,
        geometries=maps.simplified(districts),
        summary=summary_for(districts.codes),
        metric="open",
        lang="en",
    )
    cells = pd.DataFrame({"lat": [13.7, 13.8], "lon": [100.5, 100.6], "open": [3, 12]})
    fmap = maps.city_map(
        collection=collection,
        bins=bins,
        legend_title="Open",
        metric="open",
        heat_cells=cells,
        view=None,
        lang="en",
    )
    geojson = [c for c in fmap._children.values() if isinstance(c, folium.GeoJson)]
    assert len(geojson) == 1 and len(geojson[0].data["features"]) == 50
    heat = [c for c in fmap._children.values() if isinstance(c, folium.plugins.HeatMap)]
    assert len(heat) == 1 and len(heat[0].data) == 2  # one weight per H3 cell, not per ticket
    page = fmap.get_root().render()
    urls = asset_urls(page)
    assert urls and all(u.startswith(assets.URL_PREFIX) for u in urls), urls
    assert not re.search(r"https?://(cdn|code\.jquery|netdna|cdnjs|d3js)", page)
    assert '"maxZoom": 18' in page
    for url in urls:
        assert (assets.STATIC_DIR.parent / url.removeprefix("/app/")).is_file(), (
            f"{url} not installed"
        )


def test_tooltips_escape_names_and_colour_by_quantile(data_dir: Path) -> None:
    collection, bins = named_choropleth(data_dir, SCRIPT)
    tooltip = collection["features"][0]["properties"]["tooltip"]
    assert (
        "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in tooltip and "<img" not in tooltip
    )
    assert collection["features"][0]["properties"]["fill"] == maps.PALETTE[0]
    assert collection["features"][49]["properties"]["fill"] == maps.PALETTE[-1]
    assert len(bins.edges) == 5


def test_ticket_popup_escapes_text_and_keeps_only_http_links() -> None:
    popup = style.ticket_popup_html(
        {
            "ticket_id": "2022-AB<CD",
            "categories": ["ถนน"],
            "state": "waiting",
            "age_days": 12,
            "comment": SCRIPT,
            "photo": "javascript:alert(1)",
            "photo_after": "https://x/a.jpg?a=1&b=2",
        },
        lang="en",
        photo_hosts=("x",),
    )
    assert "<img" not in popup and "<script" not in popup
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in popup
    assert "javascript:" not in popup
    assert 'href="https://x/a.jpg?a=1&amp;b=2"' in popup
    assert 'href="https://share.traffy.in.th/teamchadchart/2022-AB&lt;CD"' in popup
    assert "Roads" in popup and "Waiting" in popup and "12" in popup


def test_district_map_clusters_points_and_has_max_zoom(data_dir: Path) -> None:
    districts, subdistricts = (
        load_districts(data_dir=data_dir),
        load_subdistricts(data_dir=data_dir),
    )
    members = [i for i, p in enumerate(subdistricts.parent_codes) if p == "1001"]
    sub = subdistricts.subset(members)
    collection, _bins = maps.choropleth_features(
        layer=sub,
        geometries=maps.simplified(sub),
        summary=summary_for(sub.codes),
        metric="open",
        lang="th",
    )
    tickets = [
        {
            "ticket_id": "A",
            "categories": ["ถนน"],
            "state": "waiting",
            "age_days": 3,
            "comment": SCRIPT,
            "photo": "",
            "photo_after": "",
            "lat": 13.625,
            "lon": 100.41,
        },
        {
            "ticket_id": "noid-123",
            "categories": [],
            "state": "finished",
            "age_days": 40,
            "comment": "ok",
            "photo": "",
            "photo_after": "",
            "lat": 13.626,
            "lon": 100.42,
        },
    ]
    rows = [
        [
            t["lat"],
            t["lon"],
            style.state_colour(str(t["state"])),
            style.ticket_popup_html(t, lang="th", photo_hosts=()),
        ]
        for t in tickets
    ]
    fmap = maps.district_map(
        collection=collection,
        bounds=tuple(districts.bounds[0]),
        view=MapView(lat=13.62, lon=100.42, zoom=15),
        lang="th",
        highlight="100101",
    )
    page = fmap.get_root().render()
    assert '"maxZoom": 18' in page  # MarkerCluster throws without it when there is no tile layer
    assert "center: [13.62, 100.42]" in page and '"zoom": 15' in page
    # the cluster library comes with the map, so the ticket layer can switch to points
    assert any("leaflet.markercluster.js" in u for u in asset_urls(page))
    assert all(u.startswith(assets.URL_PREFIX) for u in asset_urls(page))
    layer = lod.TicketLayer(kind="points", in_view=2, drawn=2, points=rows, ids=["A", "noid-123"])
    group = maps.ticket_feature_group(layer, lang="th")
    fmap.add_child(group)
    script = group.render() or fmap.get_root().render()
    assert "L.markerClusterGroup" in script and "#c92a2a" in script
    assert SCRIPT not in script and "<img" not in script
    # clusters take the colours of their tickets' states, and the layer brings its legend
    assert "iconCreateFunction: khetmapCluster" in script
    assert '["#c92a2a", "#2b8a3e", "#868e96"]' in script  # open, finished, other
    assert "khetmapLegend(cluster" in script
    assert json.dumps("ยังไม่เสร็จ")[1:-1] in script  # the legend's words, as tojson writes them


def test_unknown_cdn_asset_is_refused() -> None:
    with pytest.raises(
        assets.MissingAssetError, match=r"no local copy of https://cdn\.example/x\.js"
    ):
        assets.local_url("https://cdn.example/x.js")


def test_tiles_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHETMAP_TILES", "carto")
    assert maps.tiles_setting() == maps.TILES["carto"]
    monkeypatch.setenv("KHETMAP_TILES", "https://tiles.example/{z}/{x}/{y}.png")
    assert maps.tiles_setting() == ("https://tiles.example/{z}/{x}/{y}.png", "basemap")
    monkeypatch.delenv("KHETMAP_TILES")
    assert maps.tiles_setting() == maps.TILES["osm"]


TEMPLATE_TEXT = '{{ 7*7 }}Q{% if true %}ZZ{% endif %} {{ "quoted" }}'
"""Jinja syntax as a citizen could type it in a comment or a category: run as a template it
would print 49QZZ (or fail to compile, for the quotes once they are escaped as JSON)."""


def rendered_as_st_folium_does(fmap: folium.Map, group: folium.FeatureGroup | None = None) -> str:
    """The whole page render `st_folium` runs first, then the scripts it sends."""
    from streamlit_folium import generate_leaflet_string

    parts = [fmap.get_root().render(), generate_leaflet_string(fmap)]
    if group is not None:
        group.add_to(fmap)
        group.render()
        parts.append(generate_leaflet_string(group))
    return "\n".join(parts)


def test_template_syntax_in_any_text_of_any_map_is_sent_as_text_and_never_run(
    data_dir: Path,
) -> None:
    districts = load_districts(data_dir=data_dir)
    collection, bins = named_choropleth(data_dir, TEMPLATE_TEXT)
    ticket = {
        "ticket_id": "2022-AAAA",
        "categories": [TEMPLATE_TEXT],
        "state": "waiting",
        "age_days": 3,
        "comment": TEMPLATE_TEXT,
        "photo": "",
        "photo_after": "",
    }
    popup = style.ticket_popup_html(ticket, lang="en", photo_hosts=())
    layers = [
        lod.TicketLayer(
            kind="points", in_view=1, drawn=1, points=[[13.7, 100.5, "#c92a2a", popup]]
        ),
        lod.TicketLayer(
            kind="points",
            in_view=1,
            drawn=1,
            points=[[13.7, 100.5, 0, "2022-AAAA", [0], 3, True]],
            short_popups=True,
            legend={
                "categories": [TEMPLATE_TEXT],
                "states": [["#c92a2a", TEMPLATE_TEXT, TEMPLATE_TEXT]],
            },
        ),
    ]
    recurrences = pd.DataFrame(
        [
            {
                "category": TEMPLATE_TEXT,
                "reports": 4,
                "finished": 3,
                "open": 1,
                "lat": 13.7,
                "lon": 100.5,
            }
        ]
    )
    city = maps.city_map(
        collection=collection,
        bins=bins,
        legend_title=TEMPLATE_TEXT,
        metric="open",
        heat_cells=None,
        view=None,
        lang="en",
        tickets_from_zoom=15,
    )
    sent = [rendered_as_st_folium_does(city, maps.ticket_feature_group(layers[0], lang="en"))]
    for layer in layers:
        district = maps.district_map(
            collection=collection,
            bounds=tuple(districts.bounds[0]),
            view=None,
            lang="en",
            highlight=None,
            recurrences=recurrences,
        )
        sent.append(
            rendered_as_st_folium_does(district, maps.ticket_feature_group(layer, lang="en"))
        )
    for page in sent:
        assert "49Q" not in page and "QZZ" not in page
        assert "{{ 7*7 }}Q{% if true %}ZZ{% endif %}" in page
    # each place the text went: district tooltip, legend title, popup, compact legend, recurrence
    assert sent[0].count("{{ 7*7 }}") >= 3
    assert all(page.count("{{ 7*7 }}") >= 4 for page in sent[1:])
