"""City overview: district choropleth, heat layer of open complaints, KPIs, ranking."""

from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import i18n
from dashboard.analysis import mapmetrics, metrics
from dashboard.analysis.coverage import Coverage
from dashboard.i18n import Lang
from dashboard.render import lod, maps, urlstate
from dashboard.text import inert
from dashboard.ui import cache
from dashboard.ui.shell import Context, bound, go, link_notice, run_page, safe_fragment, show_link
from dashboard.ui.widgets import (
    backlog_history_panel,
    clicked_code,
    figure_column,
    kpi_row,
    map_key,
    map_picture_button,
    map_ready,
    map_viewport,
    remember_view,
    show_table,
    snapshot_kpis,
    ticket_layer_caption,
)

HEAT_RESOLUTION = 8
# From this zoom the city map draws the tickets (cells, then points) over district outlines.
# A comment, not a docstring: Streamlit's magic would draw a bare string on the page.
TICKET_ZOOM = 12


def render(context: Context) -> None:
    state, t = context.state, context.t
    st.title(t("page_city"))
    city = context.filters(district=None, subdistrict=None)
    coverage = cache.data_coverage(context.version, city)
    snapshot = context.snapshot
    offered = mapmetrics.offered(coverage)
    chosen = metric = offered_metric(context, offered)
    if snapshot is not None:
        summary = cache.snapshot_summary(context.version, snapshot.day, "district", city)
        snapshot_kpis(context, summary[summary["code"] != "none"])
        if metric not in mapmetrics.SNAPSHOT:
            metric = "open"
    else:
        summary = cache.summary(
            context.version, "district", city, context.as_of, metric in mapmetrics.JUDGED
        )
        kpi_row(context, cache.totals(context.version, city), coverage)
    left, right = st.columns([3, 1])
    right.selectbox(
        t("metric"),
        offered,
        format_func=lambda m: i18n.metric_label(m, state.lang),
        placeholder=t("choose_options"),
        **bound("w_metric", chosen, lambda v: {"metric": v}),
    )
    right.toggle(t("heat"), **bound("w_heat", state.heat, lambda v: {"heat": bool(v)}))
    right.caption(t("click_hint"))
    if snapshot is not None:
        if metric != chosen:
            right.info(t("as_of_metric", metric=i18n.metric_label(chosen, state.lang)))
        if state.heat:
            right.info(t("heat") + ": " + t("as_of_needs_tickets"))
    else:
        note = metric_note(chosen, coverage, state.lang)
        if note:
            right.info(inert(note))
    with left:
        city_map_fragment(context, summary, metric)
    st.subheader(t("ranking"))
    frame, columns = ranking(summary, context, coverage, metric)
    show_table(context, frame, column_config=columns)
    backlog_history_panel(context, city)


def offered_metric(context: Context, offered: list[str]) -> str:
    """The link's map metric, or the default one with the link's notice when the data
    cannot support it (the menu offers only `offered`)."""
    asked = context.state.metric
    if asked in offered:
        return asked
    needs = mapmetrics.MAP_METRICS[asked].needs
    notice = urlstate.Notice(name="metric", value=asked, why=f"missing_{needs}")
    link_notice([notice], lang=context.lang)
    return urlstate.ViewState.metric


def metric_note(metric: str, coverage: Coverage, lang: Lang) -> str:
    """Why the chosen map metric cannot be drawn, or on what share of tickets it rests."""
    needs = mapmetrics.MAP_METRICS[metric].needs
    if needs is None:
        return ""
    label = i18n.metric_label(metric, lang)
    note = coverage.note(needs, lang)
    return f"{label}: {note}" if note else ""


@safe_fragment
def city_map_fragment(context: Context, summary: pd.DataFrame, metric: str) -> None:
    """The map reruns alone when it is panned, zoomed or clicked."""
    state = context.state
    if not map_ready(context):
        return
    collection, bins = maps.choropleth_features(
        layer=context.geo.districts,
        geometries=context.geo.district_shapes,
        summary=summary,
        metric=metric,
        lang=state.lang,
    )
    view = state.view
    key = map_key("city_map", context)
    viewport = map_viewport(key, view, lod.Viewport.around(*maps.BANGKOK_CENTRE, maps.CITY_ZOOM))
    tickets_shown = viewport.zoom >= TICKET_ZOOM and context.snapshot is None
    layer = _city_tickets(context, viewport) if tickets_shown else None
    heat = _city_heat(context) if state.heat and context.snapshot is None else None
    fmap = maps.city_map(
        collection=collection,
        bins=bins,
        legend_title=i18n.metric_label(metric, state.lang),
        metric=metric,
        heat_cells=heat,
        view=None,
        lang=state.lang,
        tickets_from_zoom=None if context.snapshot is not None else TICKET_ZOOM,
    )
    result = st_folium(
        fmap,
        key=key,
        height=560,
        use_container_width=True,
        returned_objects=["last_active_drawing", "center", "zoom", "bounds"],
        center=(view.lat, view.lon) if view else None,
        zoom=view.zoom if view else None,
        feature_group_to_add=maps.ticket_feature_group(
            layer or lod.TicketLayer(kind="cells", in_view=0, drawn=0), lang=state.lang
        ),
    )
    _city_map_caption(context, layer)
    map_picture_button(
        context,
        name="city",
        title=context.t(
            "picture_title", area=context.t("bangkok"), metric=i18n.metric_label(metric, state.lang)
        ),
        areas=collection,
        bins=bins,
        metric=metric,
        view=lod.Viewport.from_map(result) or viewport,
        tickets=layer,
        heat=heat,
    )
    code = clicked_code(result, memory_key="city_map_click")
    if code:
        go("district", district=code, subdistrict=None)
    remember_view(context, result, map_key=key)
    show_link()  # after the map has put its position in the URL


def _city_heat(context: Context) -> pd.DataFrame:
    """The heat layer's cells: the open tickets of the whole city's filters."""
    return cache.heat_cells(
        context.version,
        context.filters(district=None, subdistrict=None, state_group="open"),
        HEAT_RESOLUTION,
    )


def _city_tickets(context: Context, viewport: lod.Viewport) -> lod.TicketLayer:
    """The tickets of the whole city's filters in `viewport`, as points or cells."""
    return cache.ticket_layer(
        context.version,
        context.filters(district=None, subdistrict=None),
        context.as_of,
        viewport,
        context.state.lang,
        disclosure=context.disclosure,
    )


def _city_map_caption(context: Context, layer: lod.TicketLayer | None) -> None:
    """Under the map: what its tickets layer draws (None: no tickets at this zoom)."""
    if context.snapshot is not None:
        st.caption(context.t("lod_snapshot"))
    elif layer is not None:
        city = context.filters(district=None, subdistrict=None)
        st.caption(
            inert(ticket_layer_caption(context, layer, cache.unlocated(context.version, city)))
        )
    else:
        st.caption(context.t("lod_city_zoom", zoom=TICKET_ZOOM))


def ranking(
    summary: pd.DataFrame, context: Context, coverage: Coverage, metric: str
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Districts ranked fairly: by the chosen map metric, or, with the default one, by open
    tickets per 10,000 residents, which compares large and small districts; a district with
    fewer tickets than the minimum (`min_n`) is listed after the ranked ones, unranked.
    Each figure once, as numbers; a metric the data cannot support falls back to open per
    10,000 residents (the note above the map says why). A district whose registered
    population is a poor denominator is marked (†, said under the table)."""
    lang, minimum = context.lang, context.state.min_n
    needs = mapmetrics.MAP_METRICS[metric].needs
    if metric == "open" or (needs is not None and not coverage.supports(needs)):
        metric = "open_per_10k"
    frame = summary[summary["code"] != "none"].copy()
    frame["_ranked"] = frame["total"] >= minimum
    frame = frame.sort_values(
        ["_ranked", metric, "code"], ascending=[False, False, True], na_position="last"
    )
    flagged = metrics.poor_denominators(frame, context.geo.population)
    name = (frame["name_en"] if lang == "en" else frame["name_th"]) + [
        " †" if code in flagged else "" for code in frame["code"]
    ]
    ranks = [str(i) if ok else "" for i, ok in enumerate(frame["_ranked"], start=1)]
    table = pd.DataFrame({"#": ranks, "district": name.to_numpy()})
    columns: dict[str, Any] = {
        "#": st.column_config.TextColumn("#"),
        "district": st.column_config.TextColumn(i18n.t("district", lang)),
    }
    shown = [metric, *(m for m in mapmetrics.RANKED if m != metric)]
    if context.snapshot is not None:  # a snapshot keeps counts, not finish times
        shown = [m for m in shown if m in mapmetrics.SNAPSHOT]
    for name_ in shown:
        kind = mapmetrics.MAP_METRICS[name_].kind
        values = frame[name_].astype("float64").to_numpy()
        table[name_] = values * 100 if kind == "share" else values
        label = i18n.metric_label(name_, lang) + (" (%)" if kind == "share" else "")
        columns[name_] = figure_column(
            label, decimals=1 if kind in ("share", "rate", "days") else 0
        )
    st.caption(
        context.t("ranking_rule", metric=i18n.metric_label(metric, lang), n=minimum)
        + "".join(
            " " + context.t("poor_denominator", name=context.area_name(code), times=times)
            for code, times in flagged.items()
        )
    )
    return table, columns


run_page("city", render)
