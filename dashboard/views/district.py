"""District drill-down for a district director: subdistricts, trend, categories, backlog."""

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import cache, config, i18n, maps, metrics
from dashboard.shell import Context, bound, run_page, safe_fragment, update_url
from dashboard.widgets import clicked_code, kpi_row, link_columns, remember_view, ticket_table

OLDEST_LIMIT = 20


def render(context: Context) -> None:
    state, t, geo = context.state, context.t, context.geo
    if not state.district:
        st.title(t("page_district"))
        choose_district(context)
        return
    index = geo.districts.index_of(state.district)
    st.title(f"{t('district')} {context.area_name(state.district)}")
    choose_district(context)
    choose_subdistrict(context)
    filters = context.filters()
    totals = cache.totals(context.version, filters)
    kpi_row(context, totals, extra=[_versus_city(context)])
    left, right = st.columns([3, 2])
    with left:
        district_map_fragment(context, index)
    with right:
        weekly_chart(context, filters)
        age_chart(context)
    categories_chart(context, filters)
    st.subheader(t("oldest_open"))
    oldest = cache.oldest_open(context.version, filters, context.as_of, OLDEST_LIMIT)
    st.dataframe(
        ticket_table(oldest, context.lang),
        hide_index=True,
        width="stretch",
        column_config=link_columns(context.lang),
    )


def choose_district(context: Context) -> None:
    geo, lang = context.geo, context.lang
    st.selectbox(
        context.t("choose_district"),
        [None, *geo.districts.codes],
        format_func=lambda c: "–" if c is None else f"{context.area_name(c)} ({c})",
        **bound(
            "w_district",
            context.state.district,
            lambda v: {"district": v, "subdistrict": None, "view": None},
        ),
    )
    if lang and not context.state.district:
        st.caption(context.t("click_hint"))


def choose_subdistrict(context: Context) -> None:
    codes = [
        c
        for c, p in zip(
            context.geo.subdistricts.codes, context.geo.subdistricts.parent_codes, strict=True
        )
        if p == context.state.district
    ]
    st.selectbox(
        context.t("subdistrict"),
        [None, *codes],
        format_func=lambda c: (
            context.t("all_subdistricts") if c is None else f"{context.area_name(c)} ({c})"
        ),
        **bound("w_subdistrict", context.state.subdistrict, lambda v: {"subdistrict": v}),
    )


def _versus_city(context: Context) -> tuple[str, str, str | None]:
    """Open per 10k residents for the district next to the median of all districts."""
    city = cache.summary(
        context.version, "district", context.filters(district=None, subdistrict=None), context.as_of
    )
    districts = city[city["code"] != "none"]
    median = float(districts["open_per_10k"].median())
    own = districts.loc[districts["code"] == context.state.district, "open_per_10k"]
    value = float(own.iloc[0]) if len(own) else float("nan")
    label = i18n.metric_label("open_per_10k", context.lang)
    return (
        label,
        maps.format_value("open_per_10k", value),
        f"{context.t('city_median')} {median:,.1f}",
    )


@safe_fragment
def district_map_fragment(context: Context, index: int) -> None:
    state, geo = context.state, context.geo
    members = [i for i, p in enumerate(geo.subdistricts.parent_codes) if p == state.district]
    sub_layer = geo.subdistricts.subset(members)
    summary = cache.summary(
        context.version, "subdistrict", context.filters(subdistrict=None), context.as_of
    )
    metric = state.metric if state.metric != "open_per_10k" else "open"
    collection, bins = maps.choropleth_features(
        layer=sub_layer,
        geometries=[geo.subdistrict_shapes[i] for i in members],
        summary=summary,
        metric=metric,
        lang=state.lang,
    )
    points, total = cache.map_points(
        context.version, context.filters(), context.as_of, config.point_cap()
    )
    fmap = maps.district_map(
        collection=collection,
        bins=bins,
        legend_title=i18n.metric_label(metric, state.lang),
        metric=metric,
        bounds=tuple(geo.districts.bounds[index]),
        points=points,
        view=None,
        lang=state.lang,
        highlight=state.subdistrict,
    )
    view = state.view
    result = st_folium(
        fmap,
        key=f"district_map_{state.district}",
        height=520,
        use_container_width=True,
        returned_objects=["last_active_drawing", "center", "zoom"],
        center=(view.lat, view.lon) if view else None,
        zoom=view.zoom if view else None,
    )
    st.caption(
        context.t("points_capped", shown=len(points), total=total)
        + " · "
        + context.t("click_sub_hint")
    )
    code = clicked_code(result, memory_key=f"district_map_click_{state.district}")
    if code and code != state.subdistrict:
        update_url(subdistrict=code)
        st.rerun()
    remember_view(context, result, map_key=f"district_map_{state.district}")


def weekly_chart(context: Context, filters: metrics.Filters) -> None:
    t = context.t
    st.subheader(t("weekly_trend"))
    weekly = cache.weekly(context.version, filters)
    if weekly.empty:
        st.info(t("no_tickets"))
        return
    long = weekly.melt("week", var_name="series", value_name="count")
    long["series"] = long["series"].map({"opened": t("opened"), "finished": t("finished")})
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title=t("week")),
            y=alt.Y("count:Q", title=t("tickets")),
            color=alt.Color("series:N", title=None),
            tooltip=["week:T", "series:N", "count:Q"],
        )
        .properties(height=220)
    )
    st.altair_chart(chart, width="stretch")
    if int(weekly["finished"].sum()) == 0 and cache.totals(context.version, filters).finished > 0:
        st.caption(t("no_finish_dates"))


def age_chart(context: Context) -> None:
    t = context.t
    st.subheader(t("open_age"))
    # the subdistrict rows the map already fetched: one of them, or all (= the district)
    summary = cache.summary(
        context.version, "subdistrict", context.filters(subdistrict=None), context.as_of
    )
    chosen = context.state.subdistrict
    row = summary[summary["code"] == chosen] if chosen else summary[summary["code"] != "none"]
    buckets = [
        ("0–7", "open_age_0_7"),
        ("8–30", "open_age_8_30"),
        ("31–90", "open_age_31_90"),
        (">90", "open_age_over_90"),
    ]
    data = pd.DataFrame(
        {"age": [b[0] for b in buckets], "open": [int(row[b[1]].sum()) for b in buckets]}
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("age:N", sort=None, title=t("open_age")),
            y=alt.Y("open:Q", title=t("open")),
            tooltip=["age", "open"],
        )
        .properties(height=200)
    )
    st.altair_chart(chart, width="stretch")


def categories_chart(context: Context, filters: metrics.Filters) -> None:
    t, lang = context.t, context.lang
    st.subheader(t("categories"))
    counts = cache.category_counts(context.version, filters).head(15).copy()
    if counts.empty:
        st.info(t("no_tickets"))
        return
    counts["label"] = counts["category"].map(lambda c: i18n.category_label(c, lang))
    long = counts.melt(
        id_vars=["label"], value_vars=["total", "open"], var_name="kind", value_name="tickets"
    )
    long["kind"] = long["kind"].map({"total": t("total"), "open": t("open")})
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=list(counts["label"]), title=None),
            x=alt.X("tickets:Q", title=t("tickets")),
            color=alt.Color("kind:N", title=None),
            yOffset="kind:N",
            tooltip=["label", "kind", "tickets"],
        )
        .properties(height=min(40 + 28 * len(counts), 460))
    )
    st.altair_chart(chart, width="stretch")


run_page("district", render)
