"""Tickets: the filtered tickets as a searchable, sortable table, downloadable as shown."""

import pandas as pd
import streamlit as st

from dashboard import i18n, vocab
from dashboard.analysis.coverage import Coverage
from dashboard.render import exports, urlstate
from dashboard.text import inert
from dashboard.ui import cache
from dashboard.ui.shell import Context, bound, run_page
from dashboard.ui.widgets import link_columns, predictions_shown, show_table, ticket_table

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
    coverage = cache.data_coverage(context.version, filters)
    table = ticket_table(
        frame,
        state.lang,
        names,
        predictions_shown(context, frame),
        with_finish_times=coverage.supports("finish_time"),
    )
    # a list of closed tickets only, or of open ones only
    why = {"age_days": t("why_age_open_only"), "finish_days": t("why_finish_days_finished")}
    show_table(context, table, column_config=link_columns(state.lang), why=why, height=560)
    days = days_note(context, coverage) if has_closed(frame) else None
    if days:
        st.caption(inert(days))
    downloads(context, frame, total=total, names=names, coverage=coverage, days=days)


def has_closed(frame: pd.DataFrame) -> bool:
    """Whether the list holds a ticket that is not open (and so shows no age)."""
    return not bool(frame["state"].isin(vocab.OPEN_STATES).all())


def days_note(context: Context, coverage: Coverage) -> str:
    """The one line under a list with closed tickets: an age is an open ticket's; a
    finished one's days to finish, or why there are none (or on what share they rest)."""
    t = context.t
    if not coverage.supports("finish_time"):
        why = i18n.t("why_missing_finish_time", context.lang)
        return t("days_to_finish_missing", why=why)
    rests = coverage.rests_on("finish_time", context.lang)
    return " · ".join(filter(None, [t("age_open_only"), rests]))


def downloads(
    context: Context,
    frame: pd.DataFrame,
    *,
    total: int,
    names: dict[str, str],
    coverage: Coverage,
    days: str | None,
) -> None:
    """The list as CSV and GeoJSON, with the line under the table (`days`) as a note; a
    list cut at `ROW_CAP` says so in the file and in its name."""
    t, lang = context.t, context.lang
    with_finish_times = coverage.supports("finish_time")
    order = f"{t('sort')}: {t(f'sort_{context.state.sort}')}"
    cut = exports.cut_note(shown=len(frame), total=total, order=order, lang=lang)
    notes = [note for note in (cut, days) if note]

    def table() -> pd.DataFrame:  # made when a download is clicked, not on every run
        return exports.export_frame(
            frame, names=names, lang=lang, with_finish_times=with_finish_times
        )

    left, right = st.columns(2)
    left.download_button(
        t("download_csv"),
        data=lambda: exports.tickets_csv(table(), notes=notes),
        file_name=exports.file_name("khetmap_tickets", shown=len(frame), total=total, suffix="csv"),
        mime="text/csv",
    )
    right.download_button(
        t("download_geojson"),
        data=lambda: exports.tickets_geojson(table(), notes=notes),
        file_name=exports.file_name(
            "khetmap_tickets", shown=len(frame), total=total, suffix="geojson"
        ),
        mime="application/geo+json",
    )


run_page("tickets", render)
