"""City review for the governor's office: hotspots, fair league table, closure audit, brief."""

import os
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import brief, cache, hotspots, i18n, maps, metrics, review, urlstate, vocab
from dashboard.coverage import Coverage
from dashboard.shell import Context, bound, run_page
from dashboard.text import inert
from dashboard.widgets import map_ready, show_table

# Each closure-audit flag and the optional field it rests on.
AUDIT_NEEDS = {
    "no_after_photo": "after_photo",
    "fast_close": "finish_time",
    "reopened": "reopen_count",
    "low_star": "star",
}


def settings_of(context: Context) -> review.ReviewSettings:
    state = context.state
    return review.ReviewSettings(
        min_tickets=state.min_n, fast_close_hours=state.fast_h, resolution=state.res
    )


def thumbnails_on() -> bool:
    """`KHETMAP_PHOTO_THUMBNAILS=0` (an intranet that cannot reach Traffy's photo bucket)
    shows photo links only; the links are there either way."""
    return os.environ.get("KHETMAP_PHOTO_THUMBNAILS", "1") != "0"


def render(context: Context) -> None:
    t, lang = context.t, context.lang
    st.title(t("page_review"))
    settings = settings_of(context)
    filters = context.filters(district=None, subdistrict=None)
    period = review.review_period(filters, cache.newest_report(context.version) or context.as_of)
    previous = period.previous()
    now_filters = metrics.replace_filters(filters, since=period.since, until=period.until)
    before_filters = metrics.replace_filters(filters, since=previous.since, until=previous.until)
    coverage = cache.data_coverage(context.version, now_filters)
    controls(context, settings)
    period_text = t(
        "review_period",
        since=period.since,
        until=period.until,
        psince=previous.since,
        puntil=previous.until,
    )
    st.caption(period_text)
    guide = reading_guide(lang)
    st.info("\n".join(f"- {inert(line)}" for line in guide))

    st.header(t("hotspots"))
    cells = cache.hotspot_cells(context.version, now_filters, settings.resolution)
    areas = cache.hotspot_areas(
        context.version, now_filters, before_filters, settings.resolution, context.as_of
    )
    method = t(
        "hotspot_method", res=settings.resolution, perms=hotspots.PERMUTATIONS, seed=hotspots.SEED
    )
    st.caption(inert(method))
    left, right = st.columns([3, 2])
    if int(cells["open"].sum()) == 0:
        st.info(t("no_open_in_period"))
    names = cache.area_names(lang)
    areas_shown = areas_table(areas, lang, names)
    with left:
        if map_ready(context):
            st_folium(
                maps.hotspot_map(cells=cells, lang=lang),
                key="hotspot_map",
                height=520,
                use_container_width=True,
                returned_objects=[],
            )
    with right:
        show_table(context, areas_shown)

    st.header(t("league"))
    table = cache.league(context.version, filters, period, settings)
    st.caption(t("league_note", n=settings.min_tickets) + " · " + t("guide_rank"))
    ranked, too_few = league_display(table, lang, coverage)
    show_table(context, ranked)
    median_note = coverage.note("finish_time", lang)
    league_notes = [f"{i18n.t('median_days', lang)}: {median_note}"] if median_note else []
    for note in league_notes:
        st.caption(inert(note))
    if too_few:
        st.caption(inert(t("too_few", n=settings.min_tickets) + " " + ", ".join(too_few)))

    st.header(t("audit"))
    per_district, flagged = cache.audit(context.version, now_filters, settings)
    st.caption(t("audit_note", hours=f"{settings.fast_close_hours:g}"))
    audit_shown = audit_display(per_district, lang, coverage)
    show_table(context, audit_shown)
    notes = audit_notes(lang, coverage)
    for note in notes:
        st.caption(inert(note))
    st.subheader(t("flagged"))
    show_table(
        context,
        flagged_display(flagged, lang, names, coverage),
        column_config=flagged_columns(lang),
    )

    document = brief.build_brief(
        lang=lang,
        title=t("brief_title"),
        as_of=context.as_of,
        filters_text=[
            period_text,
            *(
                f"{i18n.t('categories', lang)}: {', '.join(i18n.category_label(c, lang) for c in context.state.categories)}"
                for _ in [0]
                if context.state.categories
            ),
        ],
        guide=guide,
        method_text=method,
        map_html=maps.hotspot_map(cells=cells, lang=lang).get_root().render(),
        sections=[
            (t("hotspots"), areas_shown, []),
            (t("league"), ranked, [t("guide_rank"), *league_notes]),
            (t("audit"), audit_shown, notes),
        ],
    )
    st.download_button(
        t("download_brief"),
        data=document.encode("utf-8"),
        file_name=f"khetmap_review_{period.since}_{period.until}.html",
        mime="text/html",
    )


def reading_guide(lang: str) -> list[str]:
    """How to read the review: ranking direction, what 'open' means over time, hotspots."""
    return [i18n.t(key, lang) for key in ("guide_rank", "guide_open_now", "guide_hotspots")]


def controls(context: Context, settings: review.ReviewSettings) -> None:
    t = context.t
    a, b, c = st.columns(3)
    a.radio(
        t("resolution"),
        list(urlstate.RESOLUTIONS),
        horizontal=True,
        **bound("w_res", settings.resolution, lambda v: {"res": int(v)}),
    )
    b.number_input(
        t("min_tickets"),
        min_value=urlstate.MIN_N_RANGE[0],
        max_value=urlstate.MIN_N_RANGE[1],
        step=5,
        **bound("w_min_n", settings.min_tickets, lambda v: {"min_n": int(v)}),
    )
    c.number_input(
        t("fast_hours"),
        min_value=urlstate.FAST_H_RANGE[0],
        max_value=urlstate.FAST_H_RANGE[1],
        step=0.25,
        **bound("w_fast_h", settings.fast_close_hours, lambda v: {"fast_h": float(v)}),
    )


def areas_table(areas: pd.DataFrame, lang: str, names: dict[str, str]) -> pd.DataFrame:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    if areas.empty:
        return pd.DataFrame({t("hot_area"): []})
    return pd.DataFrame(
        {
            t("rank"): areas["rank"],
            t("hot_area"): hotspots.area_labels(areas, names=names, lang=lang),
            t("open"): areas["open"].map(lambda v: f"{int(v):,}"),
            t("categories"): areas["top_categories"].map(
                lambda cs: ", ".join(i18n.category_label(c, lang) for c in cs)
            ),
            t("median_open_age"): areas["median_open_age_days"],
            t("trend"): areas["trend"].map(lambda v: i18n.trend(str(v), lang)),
            t("area_cells"): areas["cells"],
        }
    )


def league_display(
    table: pd.DataFrame, lang: str, coverage: Coverage
) -> tuple[pd.DataFrame, list[str]]:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    name = table["name_en"] if lang == "en" else table["name_th"]
    ranked = table[table["eligible"]]
    columns: dict[str, Any] = {
        t("rank"): ranked["rank"],
        t("district"): name[table["eligible"]],
        t("tickets"): ranked["tickets"].map(lambda v: f"{int(v):,}"),
        t("open"): ranked["open"].map(lambda v: f"{int(v):,}"),
        i18n.metric_label("open_per_10k", lang): [
            f"{v:.1f} ({lo:.1f}–{hi:.1f})"
            for v, lo, hi in zip(
                ranked["open_per_10k"],
                ranked["open_per_10k_low"],
                ranked["open_per_10k_high"],
                strict=True,
            )
        ],
        t("change"): ranked["change_open_per_10k"].map(lambda v: f"{v:+.1f}"),
    }
    if coverage.supports("finish_time"):  # otherwise the column would be all blanks
        columns[i18n.metric_label("median_days_to_finish", lang)] = [
            _median_text(m, lo, hi, lang)
            for m, lo, hi in zip(
                ranked["median_days_to_finish"],
                ranked["median_days_low"],
                ranked["median_days_high"],
                strict=True,
            )
        ]
    return pd.DataFrame(columns), list(name[~table["eligible"]])


def _median_text(median: float, low: float, high: float, lang: str) -> str:
    if pd.isna(median):
        return i18n.t("no_data", lang)
    return f"{median:.1f}" + ("" if pd.isna(low) else f" ({low:.1f}–{high:.1f})")


def audit_display(per_district: pd.DataFrame, lang: str, coverage: Coverage) -> pd.DataFrame:
    """Per district: finished tickets and the share with each flag the data can support."""
    name = per_district["name_en"] if lang == "en" else per_district["name_th"]
    columns: dict[str, Any] = {
        i18n.t("district", lang): name,
        i18n.t("finished", lang): per_district["finished"].map(lambda v: f"{int(v):,}"),
    }
    for flag, needs in AUDIT_NEEDS.items():
        if coverage.supports(needs):  # type: ignore[arg-type]
            columns[i18n.flag(flag, lang)] = per_district[f"{flag}_share"].map(
                lambda v: i18n.t("no_data", lang) if pd.isna(v) else f"{v:.0%}"
            )
    return pd.DataFrame(columns)


def audit_notes(lang: str, coverage: Coverage) -> list[str]:
    """One line per flag that rests on part of the data or cannot be judged at all."""
    notes = []
    for flag, needs in AUDIT_NEEDS.items():
        note = coverage.note(needs, lang)  # type: ignore[arg-type]
        if note:
            notes.append(f"{i18n.flag(flag, lang)}: {note}")
    return notes


def flagged_display(
    flagged: pd.DataFrame, lang: str, names: dict[str, str], coverage: Coverage
) -> pd.DataFrame:
    """Flagged tickets with translated columns and flags, district names and photo links."""

    def http(series: pd.Series) -> pd.Series:
        text = series.fillna("").astype(str)
        return text.where(text.str.match(r"^https?://"), "")

    supported = [f for f, needs in AUDIT_NEEDS.items() if coverage.supports(needs)]  # type: ignore[arg-type]
    frame: dict[str, Any] = {
        "ticket_id": flagged["ticket_id"],
        "district": flagged["district_code"].map(lambda c: names.get(c, "") if c else ""),
        "flags": [
            ", ".join(i18n.flag(f, lang) for f in review.flag_labels(row) if f in supported)
            for row in flagged.to_dict(orient="records")
        ],
    }
    if coverage.supports("finish_time"):
        frame["hours_to_finish"] = flagged["hours_to_finish"].round(1)
    if thumbnails_on():
        frame["photo"] = http(flagged["photo"])
        frame["photo_after"] = http(flagged["photo_after"])
    frame["photo_link"] = http(flagged["photo"])
    frame["photo_after_link"] = http(flagged["photo_after"])
    frame["public_page"] = flagged["ticket_id"].map(lambda i: vocab.public_page(i) or "")
    return pd.DataFrame(frame)


def flagged_columns(lang: str) -> dict[str, Any]:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    return {
        "ticket_id": st.column_config.TextColumn(t("ticket_id")),
        "district": st.column_config.TextColumn(t("district")),
        "flags": st.column_config.TextColumn(t("flags")),
        "hours_to_finish": st.column_config.NumberColumn(t("hours_to_finish")),
        "photo": st.column_config.ImageColumn(t("photo")),
        "photo_after": st.column_config.ImageColumn(t("photo_after")),
        "photo_link": st.column_config.LinkColumn(t("photo"), display_text=t("photo_open")),
        "photo_after_link": st.column_config.LinkColumn(
            t("photo_after"), display_text=t("photo_after_open")
        ),
        "public_page": st.column_config.LinkColumn(t("public_page"), display_text=t("open_link")),
    }


run_page("review", render)
