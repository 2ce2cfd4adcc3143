"""City overview: district choropleth, heat layer of open complaints, KPIs, ranking."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import cache, i18n, maps, urlstate
from dashboard.shell import Context, bound, go, run_page, safe_fragment
from dashboard.widgets import clicked_code, kpi_row, remember_view

HEAT_RESOLUTION = 8


def render(context: Context) -> None:
    state, t = context.state, context.t
    st.title(t("page_city"))
    city = context.filters(district=None, subdistrict=None)
    kpi_row(context, cache.totals(context.version, city))
    left, right = st.columns([3, 1])
    right.selectbox(
        t("metric"),
        list(urlstate.METRICS),
        format_func=lambda m: i18n.metric_label(m, state.lang),
        **bound("w_metric", state.metric, lambda v: {"metric": v}),
    )
    right.toggle(t("heat"), **bound("w_heat", state.heat, lambda v: {"heat": bool(v)}))
    right.caption(t("click_hint"))
    summary = cache.summary(context.version, "district", city, context.as_of)
    with left:
        city_map_fragment(context, summary)
    st.subheader(t("ranking"))
    st.dataframe(ranking(summary, context), hide_index=True, width="stretch")


@safe_fragment
def city_map_fragment(context: Context, summary: pd.DataFrame) -> None:
    """The map reruns alone when it is panned, zoomed or clicked."""
    state = context.state
    collection, bins = maps.choropleth_features(
        layer=context.geo.districts,
        geometries=context.geo.district_shapes,
        summary=summary,
        metric=state.metric,
        lang=state.lang,
    )
    heat = None
    if state.heat:
        heat = cache.heat_cells(
            context.version,
            context.filters(district=None, subdistrict=None, state_group="open"),
            HEAT_RESOLUTION,
        )
    fmap = maps.city_map(
        collection=collection,
        bins=bins,
        legend_title=i18n.metric_label(state.metric, state.lang),
        metric=state.metric,
        heat_cells=heat,
        view=None,
        lang=state.lang,
    )
    view = state.view
    result = st_folium(
        fmap,
        key="city_map",
        height=560,
        use_container_width=True,
        returned_objects=["last_active_drawing", "center", "zoom"],
        center=(view.lat, view.lon) if view else None,
        zoom=view.zoom if view else None,
    )
    code = clicked_code(result, memory_key="city_map_click")
    if code:
        go("district", district=code, subdistrict=None)
    remember_view(context, result, map_key="city_map")


def ranking(summary: pd.DataFrame, context: Context) -> pd.DataFrame:
    """Districts ranked by the chosen metric (largest first), with the main figures."""
    lang, metric = context.lang, context.state.metric
    frame = summary[summary["code"] != "none"].copy()
    frame["open_over_30"] = frame["open_age_31_90"] + frame["open_age_over_90"]
    frame = frame.sort_values(metric, ascending=False, na_position="last")
    name = frame["name_en"] if lang == "en" else frame["name_th"]
    return pd.DataFrame(
        {
            i18n.t("district", lang): name.to_numpy(),
            i18n.metric_label(metric, lang): frame[metric]
            .map(lambda v: maps.format_value(metric, v))
            .to_numpy(),
            i18n.t("total", lang): frame["total"].to_numpy(),
            i18n.t("open", lang): frame["open"].to_numpy(),
            i18n.metric_label("open_per_10k", lang): frame["open_per_10k"].round(1).to_numpy(),
            i18n.metric_label("open_over_30", lang): frame["open_over_30"].to_numpy(),
        }
    )


run_page("city", render)
