"""Tickets: the filtered tickets as a searchable, sortable table, downloadable as shown."""

import pandas as pd
import streamlit as st

from dashboard import cache, exports, urlstate
from dashboard.shell import Context, bound, run_page
from dashboard.text import inert
from dashboard.widgets import link_columns, predictions_shown, show_table, ticket_table

ROW_CAP = 5_000


def render(context: Context) -> None:
    state, t = context.state, context.t
    title = t("page_tickets")
    if state.district:
        title += f" · {context.area_name(state.subdistrict or state.district)}"
    st.title(inert(title))
    search, scope, sort = st.columns([3, 2, 1])
    search.text_input(
        t("search"),
        max_chars=urlstate.MAX_VALUE_LENGTH,
        **bound("w_q", state.q, lambda v: {"q": (v or "").strip()}),
    )
    scope.radio(
        t("search_in"),
        list(urlstate.SEARCH_SCOPES),
        format_func=lambda v: t(f"search_{v}"),
        **bound("w_in", state.search_in, lambda v: {"search_in": v}),
    )
    sort.selectbox(
        t("sort"),
        list(urlstate.SORTS),
        format_func=lambda s: t(f"sort_{s}"),
        placeholder=t("choose_options"),
        **bound("w_sort", state.sort, lambda v: {"sort": v}),
    )
    filters = context.filters()
    frame, total = cache.tickets_page(
        context.version,
        filters,
        context.as_of,
        state.q,
        state.sort,
        ROW_CAP,
        state.search_in,
        context.disclosure,
        state.lang,
    )
    scope_note = t(f"search_scope_{state.search_in}") + " · " if state.q else ""
    st.caption(inert(scope_note + t("rows_shown", shown=len(frame), total=total)))
    if frame.empty:
        st.info(t("no_tickets"))
        return
    names = cache.area_names(state.lang)
    show_table(
        context,
        ticket_table(frame, state.lang, names, predictions_shown(context, frame)),
        column_config=link_columns(state.lang),
        height=560,
    )
    coverage = cache.data_coverage(context.version, filters)
    with_finish_times, lang = coverage.supports("finish_time"), state.lang
    notes = [] if with_finish_times else [coverage.unavailable("finish_time", "en")]

    def table() -> pd.DataFrame:  # made when a download is clicked, not on every run
        return exports.export_frame(
            frame, names=names, lang=lang, with_finish_times=with_finish_times
        )

    left, right = st.columns(2)
    left.download_button(
        t("download_csv"),
        data=lambda: exports.tickets_csv(table()),
        file_name="khetmap_tickets.csv",
        mime="text/csv",
    )
    right.download_button(
        t("download_geojson"),
        data=lambda: exports.tickets_geojson(table(), notes=notes),
        file_name="khetmap_tickets.geojson",
        mime="application/geo+json",
    )


run_page("tickets", render)
