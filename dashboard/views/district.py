"""District drill-down for a district director: subdistricts, trend, categories, backlog."""

from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import cache, charts, config, exports, i18n, maps, metrics, shell, urlstate
from dashboard.coverage import Coverage
from dashboard.shell import Context, bound, run_page, safe_fragment, update_url
from dashboard.text import inert
from dashboard.vocab import BANGKOK_TZ
from dashboard.widgets import (
    backlog_history_panel,
    clicked_code,
    kpi_row,
    link_columns,
    map_ready,
    predictions_shown,
    remember_view,
    show_table,
    snapshot_kpis,
    ticket_table,
)

OLDEST_LIMIT = 20
EXPORT_CAP = 5_000


def render(context: Context) -> None:
    state, t, geo = context.state, context.t, context.geo
    if not state.district:
        st.title(t("page_district"))
        choose_district(context)
        st.info(t("no_district_chosen"))
        st.page_link(
            shell.PAGE_FILES["city"],
            label=t("page_city"),
            query_params=urlstate.to_params(state),
        )
        return
    index = geo.districts.index_of(state.district)
    st.title(inert(f"{t('district')} {context.area_name(state.district)}"))
    choose_district(context)
    choose_subdistrict(context)
    filters = context.filters()
    if context.snapshot is not None:
        snapshot_view(context, filters)
        return
    totals = cache.totals(context.version, filters)
    coverage = cache.data_coverage(context.version, filters)
    if state.subdistrict:  # population is known per district: no per-10k figure here
        kpi_row(context, totals, coverage, notes=[t("per_10k_subdistrict")])
    else:
        kpi_row(context, totals, coverage, extra=[_versus_city(context)])
    left, right = st.columns([3, 2])
    with left:
        district_map_fragment(context, index)
    with right:
        weekly_chart(context, filters, coverage)
        age_chart(context)
    categories_chart(context, filters, coverage)
    backlog_history_panel(context, filters)
    oldest_open_table(context, filters)


def snapshot_view(context: Context, filters: metrics.Filters) -> None:
    """The district as its daily snapshot kept it: counts by subdistrict, state and age."""
    t, snapshot = context.t, context.snapshot
    if snapshot is None:
        return
    summary = cache.snapshot_summary(
        context.version, snapshot.day, "subdistrict", replace(filters, subdistrict=None)
    )
    shown = summary[summary["code"] != "none"]
    if filters.subdistrict:
        shown = shown[shown["code"] == filters.subdistrict]
    snapshot_kpis(context, shown)
    columns = {
        "open": i18n.metric_label("open", context.lang),
        "open_age_0_7": "0–7",
        "open_age_8_30": "8–30",
        "open_age_31_90": "31–90",
        "open_age_over_90": "> 90",
        "total": i18n.metric_label("total", context.lang),
    }
    name = shown["name_en"] if context.lang == "en" else shown["name_th"]
    table = pd.DataFrame({t("subdistrict"): name.to_numpy()})
    for column, label in columns.items():
        table[label] = shown[column].to_numpy()
    st.caption(t("open_age"))
    show_table(context, table.sort_values(table.columns[1], ascending=False))
    backlog_history_panel(context, filters)
    st.info(t("as_of_needs_tickets"))


def oldest_open_table(context: Context, filters: metrics.Filters) -> None:
    """The longest-open tickets, and every open ticket of the view as a download."""
    t = context.t
    st.subheader(t("oldest_open"))
    oldest, open_total = cache.oldest_open_counted(
        context.version, filters, context.as_of, EXPORT_CAP
    )
    names = cache.area_names(context.lang)
    st.caption(t("oldest_shown", shown=min(OLDEST_LIMIT, len(oldest)), total=open_total))
    st.dataframe(
        ticket_table(
            oldest.head(OLDEST_LIMIT),
            context.lang,
            names,
            predictions_shown(context, oldest.head(OLDEST_LIMIT)),
        ),
        hide_index=True,
        width="stretch",
        column_config=link_columns(context.lang),
    )
    if len(oldest):
        table = exports.export_frame(
            oldest,
            names=names,
            lang=context.lang,
            with_finish_times=cache.data_coverage(context.version, filters).supports("finish_time"),
        )
        st.download_button(
            t("download_oldest"),
            data=exports.tickets_csv(table),
            file_name=f"khetmap_open_{context.state.subdistrict or context.state.district}.csv",
            mime="text/csv",
        )


def choose_district(context: Context) -> None:
    geo, t = context.geo, context.t
    st.selectbox(
        context.t("choose_district"),
        [None, *geo.districts.codes],
        format_func=lambda c: (
            t("choose_district") if c is None else f"{context.area_name(c)} ({c})"
        ),
        placeholder=t("choose_district"),
        **bound(
            "w_district",
            context.state.district,
            lambda v: {"district": v, "subdistrict": None, "view": None},
        ),
    )


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
        placeholder=context.t("all_subdistricts"),
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
        maps.format_value("open_per_10k", value, lang=context.lang),
        f"{context.t('city_median')} {median:,.1f}",
    )


@safe_fragment
def district_map_fragment(context: Context, index: int) -> None:
    state, geo = context.state, context.geo
    if not map_ready(context):
        return
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
        context.version, context.filters(), context.as_of, config.point_cap(), state.points
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
    st.radio(
        context.t("points_rule"),
        list(urlstate.POINT_ORDERS),
        horizontal=True,
        format_func=lambda v: context.t(f"points_{v}"),
        **bound("w_points", state.points, lambda v: {"points": v}),
    )
    st.caption(points_caption(context, points, total) + " · " + context.t("click_sub_hint"))
    code = clicked_code(result, memory_key=f"district_map_click_{state.district}")
    if code and code != state.subdistrict:
        update_url(subdistrict=code)
        st.rerun()
    remember_view(context, result, map_key=f"district_map_{state.district}")


def points_caption(context: Context, points: pd.DataFrame, total: int) -> str:
    """Say exactly which tickets the capped point layer draws."""
    t = context.t
    if points.empty:
        return t("points_none")
    if len(points) >= total:
        return t("points_all", total=total)
    reported = pd.to_datetime(points["reported_at"], utc=True).dt.tz_convert(BANGKOK_TZ)
    first, last = reported.min().date(), reported.max().date()
    return t(
        f"points_shown_{context.state.points}",
        shown=len(points),
        total=total,
        first=i18n.short_date(first, context.lang),
        last=i18n.short_date(last, context.lang),
    )


def weekly_chart(context: Context, filters: metrics.Filters, coverage: Coverage) -> None:
    """Opened per week, and finished per week only where the data has finish times."""
    t = context.t
    drawn = context.state.state != "open" and coverage.supports("finish_time")
    st.subheader(t("weekly_trend" if drawn else "weekly_opened"))
    weekly = cache.weekly(context.version, filters)
    if weekly.empty:
        st.info(t("no_tickets"))
        return
    series = {"opened": t("opened")}
    if context.state.state == "open":
        note = t("finished_state_open")
    elif coverage.supports("finish_time"):
        series["finished"] = t("finished")
        note = coverage.rests_on("finish_time", context.lang)
    else:
        note = t("finished") + ": " + coverage.unavailable("finish_time", context.lang)
    st.altair_chart(charts.weekly_lines(weekly, series=series, lang=context.lang), width="stretch")
    if note:
        st.caption(inert(note))


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
            tooltip=[
                alt.Tooltip("age:N", title=t("age_days")),
                alt.Tooltip("open:Q", title=t("open"), format=","),
            ],
        )
        .properties(height=200)
    )
    st.altair_chart(chart, width="stretch")


def categories_chart(context: Context, filters: metrics.Filters, coverage: Coverage) -> None:
    """Tickets per category (total and open); predicted categories as their own, paler bar."""
    t, lang = context.t, context.lang
    st.subheader(t("categories"))
    counts = cache.category_counts(context.version, filters).head(15).copy()
    if counts.empty:
        st.info(t("no_tickets"))
        return
    kinds = {"total": t("total"), "open": t("open")}
    frame = counts
    if context.with_predicted:
        predicted = cache.predicted_category_counts(context.version, filters)
        frame = counts.merge(
            predicted[["category", "total"]].rename(columns={"total": "predicted"}),
            on="category",
            how="outer",
        ).fillna({"total": 0, "open": 0, "predicted": 0})
        frame = frame.sort_values(["total", "category"], ascending=[False, True]).head(15)
        kinds["predicted"] = t("predicted_kind")
    frame["label"] = frame["category"].map(lambda c: i18n.category_label(c, lang))
    long = frame.melt(
        id_vars=["label"], value_vars=list(kinds), var_name="kind", value_name="tickets"
    )
    long["kind"] = long["kind"].map(kinds)
    palette = ["#1f4e9e", "#7fb3e6", "#f4a261"][: len(kinds)]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=list(frame["label"]), title=None),
            x=alt.X("tickets:Q", title=t("tickets")),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=list(kinds.values()), range=palette),
            ),
            yOffset=alt.YOffset("kind:N", sort=list(kinds.values())),
            tooltip=[
                alt.Tooltip("label:N", title=t("category")),
                alt.Tooltip("kind:N", title=t("state")),
                alt.Tooltip("tickets:Q", title=t("tickets"), format=","),
            ],
        )
        .properties(height=min(40 + 30 * len(frame) * len(kinds) // 2, 560))
    )
    st.altair_chart(chart, width="stretch")
    note = coverage.rests_on("category", lang)
    if note:
        st.caption(inert(note))
    if context.with_predicted:
        scores = cache.classifier_scores(context.version)
        shown = [c for c in frame["category"] if c in scores]
        listed = ", ".join(f"{i18n.category_label(c, lang)} {scores[c]:.2f}" for c in shown)
        st.caption(inert(t("predicted_note", scores=listed)))


run_page("district", render)
