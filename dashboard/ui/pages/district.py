"""District drill-down for a district director: subdistricts, trend, categories, backlog."""

import functools
import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import access, config, i18n, vocab
from dashboard.access import privacy
from dashboard.analysis import departments, director, imports, mapmetrics, metrics
from dashboard.analysis.change import Change, Period
from dashboard.analysis.coverage import Coverage
from dashboard.analysis.filters import Filters, replace_filters
from dashboard.analysis.week import WEEK_HEADERS, WeekRow, change_text, noise_text, week_rows
from dashboard.errors import EvidenceError, KhetmapError, RoundError, WriteRefusedError
from dashboard.i18n import Lang
from dashboard.render import charts, exports, lod, maps, rounds, urlstate
from dashboard.text import inert, plain
from dashboard.ui import cache, shell
from dashboard.ui.shell import Context, bound, run_page, safe_fragment, show_link, update_url
from dashboard.ui.widgets import (
    backlog_history_panel,
    clicked_code,
    figure_column,
    how_computed,
    kpi_row,
    link_columns,
    map_key,
    map_picture_button,
    map_ready,
    map_viewport,
    metric_cards,
    own_subscriptions_panel,
    predictions_shown,
    remember_view,
    show_table,
    snapshot_kpis,
    ticket_layer_caption,
    ticket_table,
)
from dashboard.vocab import BANGKOK_TZ

LOG = logging.getLogger(__name__)
RECURRENCE_ROWS = 30
MAP_RECURRENCES = 60
EXPORT_CAP = 5_000


def render(context: Context) -> None:
    state, t, geo = context.state, context.t, context.geo
    if not state.district:
        st.title(t("page_district"))
        choose_district(context)
        st.info(t("no_district_chosen"))
        st.page_link(
            urlstate.PAGES["city"].file,
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
    st.segmented_control(
        t("section"),
        list(urlstate.DISTRICT_SECTIONS),
        format_func=lambda v: t(f"section_{v}"),
        **bound("w_section", state.section, lambda v: {"section": v or "overview"}),
    )
    totals = cache.totals(context.version, filters)
    coverage = cache.data_coverage(context.version, filters)
    if state.subdistrict:  # population is known per district: no per-10k figure here
        kpi_row(context, totals, coverage, notes=[t("per_10k_subdistrict")])
    else:
        versus, footnote = _versus_city(context)
        kpi_row(context, totals, coverage, extra=[versus], notes=[footnote])
    targets_problem = cache.targets_in_force()[1]
    if targets_problem:
        st.warning(inert(t("targets_bad", error=t(f"targets_why_{targets_problem}"))), icon="⚠️")
    due = cache.due_overview(
        context.version, filters, context.as_of, context.disclosure, context.lang
    )
    report = (
        cache.week_report(context.version, filters, context.as_of, config.recurrence_meters())
        if state.section == "week" or state.recur
        else None
    )
    if state.section == "week" and report is not None:
        week_sections(context, report, filters)
    else:
        overview_sections(context, index, due, report, filters, coverage)
    due_kpis(context, due)  # under the map: the first screen is the figures and the map
    backlog_history_panel(context, filters)
    own_subscriptions_panel(context)


def overview_sections(
    context: Context,
    index: int,
    due: director.DueOverview,
    report: director.WeekReport | None,
    filters: Filters,
    coverage: Coverage,
) -> None:
    """The district at a glance: map, trend, ages, the most overdue tickets, categories."""
    left, right = st.columns([3, 2])
    with left:
        district_map_fragment(
            context,
            index,
            report.recurrences.register if report is not None and context.state.recur else None,
        )
    with right:
        weekly_chart(context, filters, coverage)
        age_chart(context)
    traffy_panel(context)
    subdistrict_table(context, filters)
    most_overdue_table(context, due, filters)
    categories_chart(context, filters, coverage)


def week_sections(context: Context, report: director.WeekReport, filters: Filters) -> None:
    """What the weekly meeting needs: since last week, targets, changes, units, recurrences."""
    week_panel(context, report)
    changes_panel(context)
    department_panel(context)
    action_sheet_panel(context)
    rounds_panel(context)
    targets_table(context, report)
    comparison_panel(context, report, filters)
    responsibility_panel(context, report)
    recurrence_panel(context, report.recurrences)


def snapshot_view(context: Context, filters: Filters) -> None:
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


def subdistrict_table(context: Context, filters: Filters) -> None:
    """One row per subdistrict of the district: open, per 10,000 residents where the
    population is known (else left out, with one line why), overdue, the oldest open."""
    t, lang = context.t, context.lang
    st.subheader(t("subdistrict_table"))
    found = cache.subdistrict_backlog(context.version, filters, context.as_of)
    names = cache.area_names(lang)
    per_10k = i18n.metric_label("open_per_10k", lang)
    table = pd.DataFrame(
        {
            t("subdistrict"): [names.get(str(c), str(c)) for c in found["code"]],
            t("open"): found["open"],
            per_10k: found["open_per_10k"],
            t("col_overdue"): found["overdue"],
            t("col_oldest_open_days"): found["oldest_open_days"],
        }
    )
    show_table(
        context,
        table,
        why={per_10k: t("why_per_10k_subdistrict")},  # population is known per district
        column_config={per_10k: figure_column(per_10k, decimals=1)},
    )
    st.caption(inert(t("subdistrict_table_caption")))


def most_overdue_table(context: Context, report: director.DueOverview, filters: Filters) -> None:
    """The open tickets, most overdue first (then oldest), and every open ticket as a download."""
    t, lang = context.t, context.lang
    st.subheader(t("most_overdue"))
    due = report.most_overdue
    names = cache.area_names(lang)
    st.caption(
        t(
            "most_overdue_caption",
            open=report.figures.open,
            overdue=report.figures.overdue,
            shown=len(due),
        )
    )
    show_table(
        context,
        due_display(due, lang, names, predictions_shown(context, due)),
        column_config=due_columns(lang),
    )
    oldest, total = cache.oldest_open_counted(
        context.version, filters, context.as_of, EXPORT_CAP, context.disclosure, lang
    )
    if len(oldest):
        with_finish_times = cache.data_coverage(context.version, filters).supports("finish_time")
        order = f"{t('sort')}: {t('sort_oldest')}"
        cut = exports.cut_note(shown=len(oldest), total=total, order=order, lang=lang)
        stem = f"khetmap_open_{context.state.subdistrict or context.state.district}"
        st.download_button(
            t("download_oldest"),
            # made when clicked, not on every run (up to EXPORT_CAP rows, every cell checked)
            data=lambda: exports.tickets_csv(
                exports.export_frame(
                    oldest, names=names, lang=lang, with_finish_times=with_finish_times
                ),
                notes=[cut] if cut else None,
            ),
            file_name=exports.file_name(stem, shown=len(oldest), total=total, suffix="csv"),
            mime="text/csv",
        )


def due_display(
    due: pd.DataFrame,
    lang: Lang,
    names: dict[str, str],
    predictions: dict[str, list[tuple[str, float]]] | None = None,
) -> pd.DataFrame:
    """Open tickets as the ticket list's columns, with target, due day, days overdue, unit."""
    table = ticket_table(due, lang, names, predictions)
    table.insert(3, "target_days", due["target_days"].astype("int64").to_numpy())
    table.insert(4, "due", [i18n.short_date(d, lang) for d in due["due_day"]])
    table.insert(5, "days_overdue", due["days_overdue"].clip(lower=0).astype("int64").to_numpy())
    table.insert(6, "unit", [u or i18n.t("unit_unnamed", lang) for u in due["unit"]])
    return table


def due_columns(lang: Lang) -> dict[str, object]:
    """Column labels of `due_display` in `lang`."""

    def t(key: str) -> str:
        return i18n.t(key, lang)

    return link_columns(lang) | {
        "target_days": figure_column(t("col_target_days")),
        "due": st.column_config.TextColumn(t("col_due")),
        "days_overdue": figure_column(t("col_days_overdue")),
        "unit": st.column_config.TextColumn(t("col_unit")),
    }


def due_kpis(context: Context, report: director.DueOverview) -> None:
    """Overdue, finished within target and the ratio to target as cards where the data
    supports them (else a quiet line), and the rules in "how it is computed"."""
    t, lang = context.t, context.lang
    st.subheader(t("week_section"))
    figures = report.figures
    overdue = f"{figures.overdue:,}"
    if figures.overdue_share is not None:
        overdue += f" ({figures.overdue_share:.0%})"
    cards: list[tuple[str, str, str | None]] = [(t("overdue_kpi"), overdue, None)]
    if figures.on_time_share is not None:
        cards.append((t("on_time_share"), f"{figures.on_time_share:.1%}", None))
    if figures.ratio is not None:
        cards.append((t("ratio_kpi"), f"{figures.ratio:.2f}", None))
    metric_cards(cards, key="kpis_due")
    notes = []
    if figures.timed == 0:
        why = t("why_missing_finish_time_target")
        notes.append(t("on_time_share") + ": " + t("not_available", why=why))
    else:
        notes.append(
            t(
                "rests_on_finish_time",
                n=figures.timed,
                total=report.finished,
                share=figures.timed / max(report.finished, 1),
            )
        )
    targets_in_force, _ = cache.targets_in_force()
    notes.append(t("ratio_direction"))
    notes.append(
        t("targets_shipped")
        if targets_in_force.shipped
        else t("targets_file", path=targets_in_force.source)
    )
    as_of = context.as_of.astimezone(BANGKOK_TZ)
    notes.append(
        t(
            "target_rule",
            days=targets_in_force.default_days,
            as_of=f"{i18n.short_date(as_of.date(), lang)} {as_of:%H:%M}",
        )
    )
    st.caption(inert(notes[0]))  # what the on-time share rests on, or why it cannot be
    how_computed(context, notes[1:])


def week_panel(context: Context, report: director.WeekReport) -> None:
    """Since last week: new, finished, still open, open now, newly overdue."""
    t, lang = context.t, context.lang
    st.subheader(t("week_panel"))
    week = report.week

    def line(row: WeekRow) -> list[str | None]:
        if row.missing:  # left out by `show_table`, with the reason
            return [t(row.key), None, None, None, None]
        if not row.compared:
            return [t(row.key), f"{row.now:,.0f}", "", "", ""]
        return [t(row.key), f"{row.now:,.0f}", f"{row.before:,.0f}", row.change, row.noise]

    rows = [line(row) for row in week_rows(week, lang)]
    table = pd.DataFrame(rows, columns=[t(key) for key in WEEK_HEADERS])
    coverage = cache.data_coverage(context.version, context.filters())
    show_table(
        context,
        table,
        why={t("week_finished"): coverage.why_none("finish_time", lang)},
        rows_named_by=t("col_figure"),
    )
    this = f"{i18n.short_date(week.this.since, lang)} – {i18n.short_date(week.this.until, lang)}"
    last = f"{i18n.short_date(week.last.since, lang)} – {i18n.short_date(week.last.until, lang)}"
    notes = [t("week_dates", this=this, last=last)]
    basis = cache.finish_time_basis(context.version, director.week_filters(context.filters()))
    if week.finished is not None and basis.standing_in:
        total = basis.finish_time + basis.last_activity + basis.none
        notes.append(t("finish_standing_in", n=basis.last_activity, total=total))
    if week.unknown_overdue:
        notes.append(t("week_unknown_overdue", n=week.unknown_overdue))
    for note in notes:
        st.caption(inert(note))
    how_computed(context, [t("compare_method")])


def targets_table(context: Context, report: director.WeekReport) -> None:
    t, lang = context.t, context.lang
    st.subheader(t("targets_table"))
    table = report.by_category
    coverage = cache.data_coverage(context.version, context.filters())
    timed = coverage.supports("finish_time")  # else a column of zeros that mean "unknown"
    shown = pd.DataFrame(
        {
            t("category"): table["category"].map(lambda c: i18n.category_label(c, lang)),
            t("col_target_days"): table["target_days"],
            t("open"): table["open"],
            t("col_overdue"): table["overdue"],
            t("col_timed"): table["timed"] if timed else None,
            t("col_on_time"): _shown(table["on_time_share"], "{:.1%}"),
            t("col_ratio"): _shown(table["ratio"], "{:.2f}"),
        }
    )
    why = coverage.why_none("finish_time", lang)
    show_table(
        context, shown, why=dict.fromkeys([t("col_timed"), t("col_on_time"), t("col_ratio")], why)
    )
    st.caption(inert(t("by_category_note") + " · " + t("ratio_direction")))


def _shown(values: pd.Series, pattern: str) -> pd.Series:
    """Numbers as text in `pattern`; a missing one stays missing (an empty cell, and a
    column with none is left out with its reason: `show_table`)."""
    return values.map(lambda v: None if v is None or pd.isna(v) else pattern.format(v))


def _change_rows(comparison: director.Comparison, lang: Lang) -> pd.DataFrame:
    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    def value(change: Change, which: str) -> str | None:
        number = change.now if which == "now" else change.before
        if number is None:
            return None
        return f"{number:,.0f}" if change.kind == "count" else f"{number:.1%}"

    rows = []
    for key, change in comparison.rows.items():
        known = change.now is not None or change.before is not None
        rows.append(  # a figure with no value in either period: left out by `show_table`
            {
                t("col_figure"): t(f"fig_{key}"),
                t("col_now"): value(change, "now"),
                t("col_before"): value(change, "before"),
                t("col_change"): change_text(change, lang) if known else None,
                t("col_noise"): noise_text(change, lang) if known else None,
            }
        )
    return pd.DataFrame(rows)


def comparison_panel(context: Context, report: director.WeekReport, filters: Filters) -> None:
    """This period against the previous one of equal length and the same days a year earlier."""
    t, lang = context.t, context.lang
    st.subheader(t("compare_title"))
    period, first = report.period, report.first_day
    coverage = cache.data_coverage(context.version, filters)
    if not (filters.since and filters.until):
        st.caption(t("compare_default_period"))

    def dates(key: str, p: Period) -> str:
        return t(key, since=i18n.short_date(p.since, lang), until=i18n.short_date(p.until, lang))

    st.caption(inert(dates("compare_period", period)))
    for key, name in (("compare_previous", "previous"), ("compare_last_year", "last_year")):
        comparison = report.comparisons[name]
        st.markdown(f"**{inert(dates(key, comparison.earlier))}**")
        if not comparison.reaches:
            st.info(
                inert(
                    t(
                        "compare_not_reached",
                        first=i18n.short_date(first, lang) if first else "",
                        since=i18n.short_date(comparison.earlier.since, lang),
                    )
                )
            )
            continue
        show_table(
            context,
            _change_rows(comparison, lang),
            why={t("fig_on_time_share"): coverage.why_none("finish_time", lang)},
            rows_named_by=t("col_figure"),
        )
    st.caption(inert(t("compare_open_caveat")))
    how_computed(context, [t("compare_method")])
    change_breakdowns(context, report)


def change_breakdowns(context: Context, report: director.WeekReport) -> None:
    """The reports by category and by subdistrict against the previous period, side by side."""
    t, lang = context.t, context.lang
    if not report.category_changes and not report.subdistrict_changes:
        return
    names = cache.area_names(lang)
    left, right = st.columns(2)
    for column, changes, title, header in (
        (left, report.category_changes, "compare_categories", "category"),
        (right, report.subdistrict_changes, "compare_subdistricts", "subdistrict"),
    ):
        label = (
            (lambda c: i18n.category_label(c, lang))
            if header == "category"
            else (lambda c: names.get(c, c))
        )
        with column:
            st.markdown(f"**{inert(t(title))}**")
            show_table(
                context,
                pd.DataFrame(
                    {
                        t(header): [label(k) for k, _ in changes],
                        t("col_now"): [int(c.now or 0) for _, c in changes],
                        t("col_before"): [int(c.before or 0) for _, c in changes],
                        t("col_change"): [change_text(c, lang) for _, c in changes],
                        t("col_noise"): [noise_text(c, lang) for _, c in changes],
                    }
                ),
            )


def responsibility_panel(context: Context, report: director.WeekReport) -> None:
    t = context.t
    st.subheader(t("responsibility_title"))
    found = report.responsibility
    if found.only_top_level:
        st.info(inert(t("only_top_level")))
    units = found.units
    shown = pd.DataFrame(
        {
            t("col_unit"): units["unit"].map(lambda u: u or t("unit_unnamed")),
            t("col_outside"): units["outside"].map(lambda v: t("yes") if v else t("no")),
            t("tickets"): units["tickets"],
            t("open"): units["open"],
            t("col_overdue"): units["overdue"],
            t("col_median_open_age"): _shown(units["median_open_age"], "{:,.0f}"),
            t("col_median_finish"): _shown(units["median_days_to_finish"], "{:,.1f}"),
        }
    )
    coverage = cache.data_coverage(context.version, context.filters())
    why = {t("col_median_finish"): coverage.why_none("finish_time", context.lang)}
    show_table(context, shown, why=why)
    notes = [t("unit_rule")]
    if not found.only_top_level:
        if found.below_top < found.tickets:
            notes.append(
                t(
                    "units_rest_on",
                    n=found.below_top,
                    total=found.tickets,
                    share=found.below_top / found.tickets,
                )
            )
        notes.append(
            t(
                "forwarded_share",
                n=found.forwarded_outside,
                total=found.below_top,
                share=found.forwarded_share or 0.0,
            )
        )
    notes.append(t("time_with_unit_na"))
    for note in notes:
        st.caption(inert(note))


def recurrence_panel(context: Context, found: director.Recurrences) -> None:
    t, lang = context.t, context.lang
    st.subheader(t("recurrence_title"))
    st.caption(inert(t("recurrence_rule", radius=found.radius_m)))
    if not found.with_finish_times:
        st.caption(inert(t("recurrence_weaker")))
    register = found.register
    if register.empty:
        st.info(t("recurrence_none"))
        return
    st.caption(t("recurrence_count", n=len(register)))
    names = cache.area_names(lang)
    shown = register.head(RECURRENCE_ROWS)
    whole = context.whole(context.state.district)
    table = pd.DataFrame(
        {
            t("category"): shown["category"].map(lambda c: i18n.category_label(str(c), lang)),
            t("col_place"): [
                " · ".join(
                    filter(
                        None,
                        [
                            names.get(str(s or ""), ""),
                            plain(privacy.citizen_text(a, lang=lang, whole=whole))[:80],
                        ],
                    )
                )
                for s, a in zip(shown["subdistrict_code"], shown["address"], strict=True)
            ],
            t("col_reports"): shown["reports"],
            t("col_times_finished"): shown["finished"],
            t("open"): shown["open"],
            t("col_first_report"): shown["first_report"].map(lambda d: i18n.short_date(d, lang)),
            t("col_last_report"): shown["last_report"].map(lambda d: i18n.short_date(d, lang)),
            t("col_ticket_links"): shown["ticket_ids"].map(
                lambda ids: [p for p in map(vocab.public_page, ids) if p]
            ),
        }
    )
    show_table(
        context,
        table,
        column_config={
            t("col_ticket_links"): st.column_config.ListColumn(t("col_ticket_links"), width="large")
        },
    )
    recurrence_map_link(context, shown=min(MAP_RECURRENCES, len(register)))


def recurrence_map_link(context: Context, *, shown: int) -> None:
    """Where the register's map layer is: the district overview's map, linked with it on."""
    t = context.t
    st.caption(inert(t("recurrence_on_overview", view=t("section_overview"), shown=shown)))
    st.page_link(
        urlstate.PAGES["district"].file,
        label=t("recurrence_open_map"),
        # the section named although it is the default: a link to the page already open
        # left the address bar's "section=week" in place (reloading went back to the week)
        query_params={
            **urlstate.to_params(context.state.with_(recur=True, view=None)),
            "section": "overview",
        },
    )


def action_sheet_panel(context: Context) -> None:
    """The weekly action sheet: what it holds, per department, and the downloads."""
    t, lang = context.t, context.lang
    st.subheader(t("action_sheet"))
    district = context.state.district or ""
    filters = director.week_filters(context.filters())
    units = cache.action_sheet_sizes(context.version, filters, context.as_of, district)
    st.caption(t("action_sheet_caption", rows=sum(units.values()), sheets=len(units)))
    listing = " · ".join(
        t("action_rows_of_unit", unit=departments.unit_label(unit, lang), rows=count)
        for unit, count in units.items()
    )
    if listing:
        st.caption(inert(listing))
    version, as_of = context.version, context.as_of
    whole = context.whole(district)
    excel, printable = st.columns(2)
    excel.download_button(
        t("download_action_sheet"),
        data=lambda: cache.action_sheet(version, filters, as_of, district, lang, "xlsx", whole),
        file_name=f"khetmap_actions_{district}_{lang}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    printable.download_button(
        t("download_action_pdf"),
        data=lambda: cache.action_sheet(version, filters, as_of, district, lang, "pdf", whole),
        file_name=f"khetmap_actions_{district}_{lang}.pdf",
        mime="application/pdf",
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


def _versus_city(context: Context) -> tuple[tuple[str, str, str | None], str]:
    """Open per 10k residents for the district next to the median of all districts, and
    the city ranking's † line when its registered population is a poor denominator
    (`metrics.poor_denominators`, else '')."""
    code = context.state.district or ""
    districts = cache.open_per_10k(
        context.version, context.filters(district=None, subdistrict=None)
    )
    median = float(districts["open_per_10k"].median())
    own = districts.loc[districts["code"] == code, "open_per_10k"]
    value = float(own.iloc[0]) if len(own) else float("nan")
    times = metrics.poor_denominators(districts, context.geo.population).get(code)
    mark = "" if times is None else " †"
    card = (
        i18n.metric_label("open_per_10k", context.lang),
        maps.format_value("open_per_10k", value, lang=context.lang) + mark,
        f"{context.t('city_median')} {median:,.1f}",
    )
    name = context.area_name(code)
    return card, "" if times is None else context.t("poor_denominator", name=name, times=times)


@safe_fragment
def district_map_fragment(
    context: Context, index: int, recurrences: pd.DataFrame | None = None
) -> None:
    state, geo = context.state, context.geo
    if not map_ready(context):
        return
    metric = state.metric if state.metric != "open_per_10k" else "open"
    collection, bins = _subdistrict_areas(context, metric)
    key = map_key(f"district_map_{state.district}", context)
    view = state.view
    viewport = map_viewport(key, view, lod.Viewport.fitting(tuple(geo.districts.bounds[index])))
    shown, unit = department_filters(context)
    layer = cache.ticket_layer(
        context.version,
        shown,
        context.as_of,
        viewport,
        state.lang,
        "newest" if state.points == "newest" else "oldest",
        context.disclosure,
    )
    result = st_folium(
        maps.district_map(
            collection=collection,
            bounds=tuple(geo.districts.bounds[index]),
            view=None,
            lang=state.lang,
            highlight=state.subdistrict,
            recurrences=None if recurrences is None else recurrences.head(MAP_RECURRENCES),
        ),
        key=key,
        height=520,
        use_container_width=True,
        returned_objects=["last_active_drawing", "center", "zoom", "bounds"],
        center=(view.lat, view.lon) if view else None,
        zoom=view.zoom if view else None,
        feature_group_to_add=maps.ticket_feature_group(layer, lang=state.lang),
    )
    _district_map_controls(context, layer, shown, unit)
    map_picture_button(
        context,
        name=f"district_{state.district}",
        title=context.t(
            "picture_title",
            area=context.area_name(state.subdistrict or state.district or ""),
            metric=i18n.metric_label(metric, state.lang),
        ),
        areas=collection,
        bins=bins,
        metric=metric,
        view=lod.Viewport.from_map(result) or viewport,
        tickets=layer,
    )
    code = clicked_code(result, memory_key=f"district_map_click_{state.district}")
    if code and code != state.subdistrict:
        update_url(subdistrict=code)
        st.rerun()
    remember_view(context, result, map_key=key)
    show_link()  # after the map has put its position in the URL


def _subdistrict_areas(context: Context, metric: str) -> tuple[dict[str, Any], maps.Bins]:
    """The district's subdistricts coloured by `metric` (`maps.choropleth_features`)."""
    geo = context.geo
    members = [
        i for i, p in enumerate(geo.subdistricts.parent_codes) if p == context.state.district
    ]
    return maps.choropleth_features(
        layer=geo.subdistricts.subset(members),
        geometries=[geo.subdistrict_shapes[i] for i in members],
        summary=subdistrict_summary(context),
        metric=metric,
        lang=context.state.lang,
    )


def _district_map_controls(
    context: Context, layer: lod.TicketLayer, shown: Filters, unit: str | None
) -> None:
    """Under the map: what it draws, the recurrences' switch and, when not every ticket in
    view is drawn, which ones are."""
    state = context.state
    st.caption(
        inert(ticket_layer_caption(context, layer, cache.unlocated(context.version, shown)))
        + " · "
        + context.t("click_sub_hint")
    )
    if unit is not None:
        department_map_note(context, unit)
    st.toggle(
        context.t("recurrence_layer"),
        **bound("w_recur", state.recur, lambda v: {"recur": bool(v)}),
    )
    if layer.drawn < layer.in_view and layer.kind == "points":
        st.radio(
            context.t("points_rule"),
            list(urlstate.POINT_ORDERS),
            horizontal=True,
            format_func=lambda v: context.t(f"points_{v}"),
            **bound("w_points", state.points, lambda v: {"points": v}),
        )


def subdistrict_summary(context: Context) -> pd.DataFrame:
    """The district's subdistricts (one cache entry for the map and the age chart)."""
    return cache.summary(
        context.version,
        "subdistrict",
        context.filters(subdistrict=None),
        context.as_of,
        context.state.metric in mapmetrics.JUDGED,
    )


def weekly_chart(context: Context, filters: Filters, coverage: Coverage) -> None:
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
    summary = subdistrict_summary(context)
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
        charts.Chart(data)
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


def categories_chart(context: Context, filters: Filters, coverage: Coverage) -> None:
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
        charts.Chart(long)
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


# --- a district office's own data (issue 34) ------------------------------------------------


def department_filters(context: Context) -> tuple[Filters, str | None]:
    """The map's tickets: the view's, narrowed to the unit `dept=` names (all its tickets
    the filters keep); and that unit ("" the not-yet-routed group; None: every ticket)."""
    filters = context.filters()
    wanted = context.state.department
    if wanted is None:
        return filters, None
    unit = "" if wanted == urlstate.NO_DEPARTMENT else wanted
    ids = cache.unit_ticket_ids(context.version, filters, context.as_of, unit)
    if ids is None:
        st.info(context.t("dept_unknown"))
        return filters, None
    return replace_filters(filters, ticket_ids=ids), unit


def department_map_note(context: Context, unit: str) -> None:
    """Which unit the map shows, and the link back to every ticket."""
    st.caption(inert(context.t("dept_map_only", unit=departments.unit_label(unit, context.lang))))
    st.page_link(
        urlstate.PAGES["district"].file,
        label=context.t("dept_map_all"),
        query_params=urlstate.to_params(context.state.with_(department=None)),
    )


def department_panel(context: Context) -> None:
    """Open tickets per department (the not-yet-routed group first): overdue, the oldest,
    and a link that shows the unit's tickets on the map."""
    t, lang = context.t, context.lang
    st.subheader(t("dept_title"))
    backlog, named = cache.department_backlog(context.version, context.filters(), context.as_of)
    if not named:
        st.info(t("dept_none_named"))
    table = pd.DataFrame(
        {
            t("col_unit"): [plain(departments.unit_label(u, lang)) for u in backlog["unit"]],
            t("xl_routed"): [t(f"route_{r}") for r in backlog["routed"]],
            t("open"): backlog["open"],
            t("col_overdue"): backlog["overdue"],
            t("col_oldest_ticket"): backlog["oldest_ticket"],
            t("col_oldest_days"): backlog["oldest_days"],
        }
    )
    show_table(context, table)
    st.caption(t("dept_caption"))
    overview = context.state.with_(section="overview", view=None)
    columns = st.columns(4)
    for number, unit in enumerate(backlog["unit"].head(UNITS_LINKED)):
        columns[number % len(columns)].page_link(
            urlstate.PAGES["district"].file,
            label=inert(f"{t('col_on_map')}: {plain(departments.unit_label(unit, lang))}"[:80]),
            query_params=urlstate.to_params(
                overview.with_(department=unit or urlstate.NO_DEPARTMENT)
            ),
        )


UNITS_LINKED = 16  # the department panel links this many units to the map (a district has ~10)
TRAFFY_SHOWN = ("total", "finish", "forward", "irrelevant", "managed")


def traffy_panel(context: Context) -> None:
    """The district's figures as Traffy's own district screen counts them."""
    t = context.t
    st.subheader(t("traffy_title"))
    found = cache.traffy_figures(context.version, context.state.district or "")
    cards: list[tuple[str, str, str | None]] = []
    for group in TRAFFY_SHOWN:
        count = found.total if group == "total" else found.managed if group == "managed" else None
        value = int(getattr(found, group)) if count is None else count
        share = found.share(group) if group != "total" else None
        # the share on the card's second line: the count keeps its full size and width
        of_total = None if share is None else t("traffy_share", share=share)
        cards.append((t(f"traffy_{group}"), f"{value:,}", of_total))
    metric_cards(cards, key="kpis_traffy", per_row=len(TRAFFY_SHOWN))
    notes = [t("traffy_caption")]
    if found.held_by_system:
        notes.append(t("traffy_held", n=found.held_by_system))
    if found.outside:
        notes.append(t("traffy_outside", n=found.outside))
    for note in notes:
        st.caption(note)


def changes_panel(context: Context) -> None:
    """What the last import changed in the district: new, finished, passed to a department."""
    t = context.t
    st.subheader(t("changes_title"))
    found = cache.import_changes(context.version, context.state.district or "")
    if found is None:
        st.caption(t("changes_not_kept"))
        return
    counted, last_import = found
    if counted is None:
        st.caption(t("changes_first_import"))
        return
    st.markdown(inert(imports.since_import_text(counted, context.lang)))
    st.caption(
        t("changes_of_import", n=last_import, state=counted.state_changes, rated=counted.rated)
    )


def rounds_panel(context: Context) -> None:
    """The district's report rounds: per unit, whether its evidence is back, when, and the
    file; for a signed-in viewer whose role allows it here, an upload per unit of an open
    round and (directors) a button that locks it. Anyone else sees them read only."""
    t, lang = context.t, context.lang
    district = context.state.district or ""
    st.subheader(t("rounds_title"))
    returns, locks = _round_rights(context, district)
    if returns or locks:
        st.caption(t("rounds_may_lock" if locks else "rounds_may_return", mb=EVIDENCE_MB))
    else:
        st.caption(t("rounds_readonly"))
    _round_write_result(lang)
    made = cache.district_rounds(district)
    if not made:
        st.info(t("rounds_none"))
        return
    for found in made:
        back = int(found.units["returned_at"].notna().sum())
        heading = t("round_heading", id=found.round_id, at=i18n.date_time(found.made_at, lang),
                    tickets=found.tickets, returned=back, units=len(found.units))  # fmt: skip
        state = (
            t("round_locked", at=i18n.date_time(found.locked_at, lang))
            if found.locked_at
            else t("round_open")
        )
        st.markdown(f"**{inert(heading)}** · {inert(state)}")
        show_table(context, _round_rows(found, lang))
        if context.whole(district):  # a signed sheet or photo can hold names and faces
            _evidence_downloads(context, found)
        if not found.locked and not context.state.printing:
            _round_writes(context, found, returns=returns, locks=locks)


EVIDENCE_MB = rounds.EVIDENCE_MAX_BYTES // (1024 * 1024)
# What the upload offers; the server decides by the file's bytes (`rounds.evidence_kind`).
# (A comment, not a string: Streamlit's magic would draw a bare string on the page.)
EVIDENCE_TYPES = ["pdf", "png", "jpg", "jpeg", "webp"]
WRITE_RESULT_KEY = "khetmap_round_write"
UPLOADS_KEY = "khetmap_round_uploads"


def _round_rights(context: Context, district: str) -> tuple[bool, bool]:
    """Whether the viewer may return evidence and lock rounds here (what the page offers;
    the server asks again on every write)."""
    viewer = context.viewer
    return (
        access.may(viewer, action="return_evidence", district=district),
        access.may(viewer, action="lock_round", district=district),
    )


def _round_writes(context: Context, found: rounds.Round, *, returns: bool, locks: bool) -> None:
    """An upload per unit of an open round and a button that locks it, as the role allows."""
    district, lang = context.state.district or "", context.lang
    if returns:
        uploads = st.session_state.setdefault(UPLOADS_KEY, 0)
        columns = st.columns(2)
        for number, unit in enumerate(str(u) for u in found.units["unit"]):
            key = f"upload_{found.round_id}_{number}_{uploads}"
            name = plain(departments.unit_label(unit, lang))
            columns[number % len(columns)].file_uploader(
                inert(context.t("evidence_upload", unit=name))[:90],
                type=EVIDENCE_TYPES,
                max_upload_size=EVIDENCE_MB,
                key=key,
                on_change=upload_evidence,
                args=(key, district, found.round_id, unit, lang),
            )
    if locks:
        st.button(
            context.t("round_lock_button", id=found.round_id),
            key=f"lock_{found.round_id}",
            on_click=lock_round,
            args=(district, found.round_id, lang),
        )


def upload_evidence(key: str, district: str, round_id: int, unit: str, lang: Lang) -> None:
    """The upload's handler: keep the file as the unit's evidence through the server's
    checked write (`rounds.return_evidence`), as the viewer signed in now."""
    sent = st.session_state.get(key)
    if sent is None:
        return
    label = plain(departments.unit_label(unit, lang))
    try:
        rounds.return_evidence(
            config.write_location(), viewer=shell.current_viewer(), district=district,
            round_id=round_id, unit=unit, name=sent.name, content=sent.getvalue(),
            now=datetime.now(UTC),
        )  # fmt: skip
    except (KhetmapError, OSError) as exc:
        _said(lang, False, _write_problem(exc), mb=EVIDENCE_MB)
        return
    st.session_state[UPLOADS_KEY] = st.session_state.get(UPLOADS_KEY, 0) + 1  # a fresh upload
    _said(lang, True, "round_write_returned", unit=label, id=round_id, name=plain(sent.name)[:80])


def lock_round(district: str, round_id: int, lang: Lang) -> None:
    """The lock button's handler: lock the round through the server's checked write."""
    try:
        rounds.lock_as(config.write_location(), viewer=shell.current_viewer(),
                       district=district, round_id=round_id, now=datetime.now(UTC))  # fmt: skip
    except (KhetmapError, OSError) as exc:
        _said(lang, False, _write_problem(exc), mb=EVIDENCE_MB)
        return
    _said(lang, True, "round_write_locked", id=round_id)


def _write_problem(exc: BaseException) -> str:
    """The i18n key of the line a refused or failed write shows (the server's log has more)."""
    if isinstance(exc, WriteRefusedError):
        return "round_write_refused"
    if isinstance(exc, EvidenceError):
        return f"round_write_{exc.reason}"
    if isinstance(exc, RoundError):
        return "round_write_stale"
    LOG.warning("a round's write from the district page failed: %s", exc)
    return "round_write_store"


def _said(lang: Lang, done: bool, key: str, **values: object) -> None:
    st.session_state[WRITE_RESULT_KEY] = (done, i18n.t(key, lang, **values))


def _round_write_result(lang: Lang) -> None:
    """The one line the last write left (shown once)."""
    found = st.session_state.pop(WRITE_RESULT_KEY, None)
    if found is None:
        return
    done, line = found
    (st.success if done else st.error)(
        inert(line), icon=":material/check_circle:" if done else ":material/block:"
    )


def _round_rows(found: rounds.Round, lang: Lang) -> pd.DataFrame:
    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    units = found.units
    back = units["returned_at"].notna()
    return pd.DataFrame(
        {
            t("col_unit"): [plain(departments.unit_label(str(u), lang)) for u in units["unit"]],
            t("col_round_tickets"): units["tickets"].astype("int64"),
            t("col_overdue"): units["overdue"].astype("int64"),
            t("col_evidence"): [t("evidence_back") if b else t("evidence_waiting") for b in back],
            t("col_returned_at"): [
                i18n.date_time(v.to_pydatetime(), lang) if b else "" for v, b in
                zip(units["returned_at"], back, strict=True)
            ],
            t("col_evidence_file"): [
                plain(str(n))[:80] if b else "" for n, b in
                zip(units["evidence_name"], back, strict=True)
            ],
        }
    )  # fmt: skip


def _evidence_downloads(context: Context, found: rounds.Round) -> None:
    """A download per unit whose evidence is back (read from the store when clicked)."""
    returned = found.units[found.units["returned_at"].notna()]
    columns = st.columns(4)
    for number, record in enumerate(returned.to_dict("records")):
        unit, kind = str(record["unit"]), str(record["evidence_type"])
        columns[number % len(columns)].download_button(
            inert(
                context.t(
                    "download_evidence", unit=plain(departments.unit_label(unit, context.lang))
                )
            )[:90],
            data=functools.partial(cache.evidence_file, found.round_id, unit),
            file_name=f"round{found.round_id}_evidence{rounds.EXTENSIONS.get(kind, '')}",
            mime=kind,
            key=f"evidence_{found.round_id}_{unit}",
        )


run_page("district", render)
