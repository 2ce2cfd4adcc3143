"""City review for the governor's office: hotspots, fair league table, closure audit, brief."""

from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import config, i18n, vocab
from dashboard.analysis import review
from dashboard.analysis.audit import AUDIT_FLAGS
from dashboard.analysis.coverage import Coverage
from dashboard.analysis.filters import Filters, replace_filters
from dashboard.i18n import Lang
from dashboard.render import maps, photos, urlstate
from dashboard.text import inert
from dashboard.ui import cache
from dashboard.ui.shell import Context, bound, run_page
from dashboard.ui.widgets import map_ready, metric_cards, show_table


def settings_of(context: Context) -> review.ReviewSettings:
    state = context.state
    return review.ReviewSettings(
        min_tickets=state.min_n, fast_close_hours=state.fast_h, resolution=state.res
    )


def render(context: Context) -> None:
    t, lang = context.t, context.lang
    st.title(t("page_review"))
    settings = settings_of(context)
    filters = context.filters(district=None, subdistrict=None)
    period = review.review_period(filters, cache.newest_report(context.version) or context.as_of)
    now_filters = replace_filters(filters, since=period.since, until=period.until)
    coverage = cache.data_coverage(context.version, now_filters)
    st.caption(review.period_text(period, lang))
    table = cache.league(context.version, filters, period, settings)
    metric_cards(review.league_headline(table, lang), key="kpis_review")

    st.subheader(t("hotspots"))
    found = hotspot_section(context, settings, now_filters)
    areas_table(found, context)

    league_section(context, table, period=period, settings=settings, coverage=coverage)

    st.header(t("audit"))
    per_district, flagged = cache.audit(context.version, now_filters, settings)
    st.caption(review.audit_caption(lang, coverage, hours=settings.fast_close_hours))
    audit_shown = review.audit_display(per_district, lang, coverage)
    show_table(context, audit_shown)
    notes = review.audit_notes(lang, coverage)
    for note in notes:
        st.caption(inert(note))
    st.subheader(t("flagged"))
    show_table(
        context,
        flagged_display(flagged, lang, cache.area_names(lang), coverage),
        column_config=flagged_columns(lang, thumbnails=config.photo_thumbnails()),
    )

    st.subheader(t("brief_heading"))
    st.caption(t("brief_about"))
    version, name = context.version, f"khetmap_review_{lang}_{period.since}_{period.until}"
    pdf_column, html_column = st.columns(2)
    pdf_column.download_button(
        t("download_brief_pdf"),
        data=lambda: cache.brief_document(version, filters, settings, lang, "pdf"),
        file_name=f"{name}.pdf",
        mime="application/pdf",
    )
    html_column.download_button(
        t("download_brief"),
        data=lambda: cache.brief_document(version, filters, settings, lang, "html"),
        file_name=f"{name}.html",
        mime="text/html",
    )


def league_section(
    context: Context,
    table: pd.DataFrame,
    *,
    period: review.Period,
    settings: review.ReviewSettings,
    coverage: Coverage,
) -> None:
    """The fair league with the settings it obeys (the minimum to rank, the analysts' ones
    for the audit below) over it, and its notes under it."""
    t, lang = context.t, context.lang
    st.header(t("league"))
    controls(context, settings, coverage)
    st.caption(t("league_note", n=settings.min_tickets) + " · " + t("guide_rank"))
    ranked, too_few = review.league_display(table, lang, coverage, period=period)
    show_table(context, ranked)
    for line in review.league_notes(table, lang):
        st.caption(inert(line))
    median_note = coverage.note("finish_time", lang)
    if median_note:
        st.caption(inert(f"{i18n.t('median_days', lang)}: {median_note}"))
    if too_few:
        st.caption(inert(t("too_few", n=settings.min_tickets) + " " + ", ".join(too_few)))


def method_and_guide(found: review.HotspotReview, lang: Lang) -> None:
    """Under the map: how to read the review (one quiet line) and the map's method."""
    st.caption(inert(" ".join(reading_guide(lang))))
    with st.expander(i18n.t("how_computed", lang)):
        st.caption(inert(found.method_text(lang)))


def reading_guide(lang: Lang) -> list[str]:
    """How to read the review: what 'open' means over time, the hotspot maps' questions (the
    ranking's direction is said over the league)."""
    return [i18n.t(key, lang) for key in ("guide_open_now", "guide_hotspots")]


def controls(context: Context, settings: review.ReviewSettings, coverage: Coverage) -> None:
    """What a reader sets (the minimum to rank a district) first; the expert settings in an
    expander, the fast-closure hours only where the data has finish times to judge."""
    t = context.t
    st.number_input(
        t("min_tickets"),
        min_value=urlstate.MIN_N_RANGE[0],
        max_value=urlstate.MIN_N_RANGE[1],
        step=5,
        **bound("w_min_n", settings.min_tickets, lambda v: {"min_n": int(v)}),
    )
    with st.expander(t("expert_settings")):
        st.radio(
            t("cell_size"),
            list(urlstate.RESOLUTIONS),
            horizontal=True,
            format_func=lambda r: t(f"cell_size_{r}"),
            **bound("w_res", settings.resolution, lambda v: {"res": int(v)}),
        )
        if not coverage.supports("finish_time"):
            st.caption(t("fast_hours") + ": " + coverage.unavailable("finish_time", context.lang))
            return
        st.number_input(
            t("fast_hours"),
            min_value=urlstate.FAST_H_RANGE[0],
            max_value=urlstate.FAST_H_RANGE[1],
            step=0.25,
            **bound("w_fast_h", settings.fast_close_hours, lambda v: {"fast_h": float(v)}),
        )


def hotspot_section(
    context: Context, settings: review.ReviewSettings, now_filters: Filters
) -> review.HotspotReview:
    """The map that answers the chosen question, what it means, and the areas to act on."""
    t, lang, state = context.t, context.lang, context.state
    kinds = list(urlstate.HOTSPOT_KINDS)
    a, b = st.columns(2)
    a.radio(
        t("hot_kind"),
        kinds,
        format_func=lambda k: t(f"hot_kind_{k}"),
        horizontal=True,
        **bound("w_hot", state.hot, lambda v: {"hot": str(v)}),
    )
    if state.hot == "emerging":
        b.radio(
            t("measure"),
            list(urlstate.EMERGING_MEASURES),
            format_func=lambda m: t(f"measure_{m}"),
            horizontal=True,
            **bound("w_measure", state.measure, lambda v: {"measure": str(v)}),
        )
    found: review.HotspotReview = cache.hotspot_review(
        context.version, now_filters, state.hot, state.measure, settings.resolution
    )
    st.markdown(f"**{inert(found.meaning_text(lang))}**")
    if found.analysis.unavailable:
        st.info(inert(found.unavailable_text(lang)))
        method_and_guide(found, lang)
        return found
    cells = found.analysis.cells
    if pd.isna(found.analysis.city_open_share):  # no ticket reported in the period
        st.info(t("no_reports_in_period"))
    if map_ready(context):
        st_folium(
            maps.hotspot_map(cells=cells, lang=lang, kind=found.kind),
            key=f"hotspot_map_{found.kind}",
            height=520,
            use_container_width=True,
            returned_objects=[],
        )
    method_and_guide(found, lang)
    if found.kind == "emerging":
        counts = cells["category"].value_counts()
        st.caption(
            inert(
                t("emerging_counts")
                + ": "
                + ", ".join(
                    f"{i18n.hotspot_class(str(c), lang)} {int(n):,}"
                    for c, n in counts.items()
                    if c != "no pattern"
                )
            )
        )
    st.subheader(t("areas_title"))
    st.caption(t(f"areas_rule_{found.kind}"))
    return found


def areas_table(found: review.HotspotReview, context: Context) -> None:
    """The areas to act on, labelled, with a link opening the district page on each."""
    t, areas = context.t, found.areas
    if areas.empty:
        if not found.analysis.unavailable:
            st.caption(t("no_hot_areas"))
        return
    shown = review.areas_display(found, cache.area_names(context.lang), context.lang)
    shown[t("open_area")] = [
        urlstate.link(
            "district",
            context.state.with_(
                district=row["district_code"],
                subdistrict=None,
                view=urlstate.MapView(lat=row["lat"], lon=row["lon"], zoom=int(row["zoom"])),
                since=found.period.since,
                until=found.period.until,
            ),
        )
        for row in areas.to_dict(orient="records")
    ]
    show_table(
        context,
        shown,
        column_config={
            t("open_area"): st.column_config.LinkColumn(t("open_area"), display_text=t("open_area"))
        },
    )


def flagged_display(
    flagged: pd.DataFrame, lang: Lang, names: dict[str, str], coverage: Coverage
) -> pd.DataFrame:
    """Flagged tickets with translated columns and flags, district names and photo links
    (photos only from the allowed photo hosts, `photos.shown`: nothing else is loaded)."""
    hosts = config.photo_hosts()
    supported = {f.name: f.label for f in AUDIT_FLAGS if coverage.supports(f.field)}
    frame: dict[str, Any] = {
        "ticket_id": flagged["ticket_id"],
        "district": flagged["district_code"].map(lambda c: names.get(c, "") if c else ""),
        "flags": [
            ", ".join(i18n.t(supported[f], lang) for f in review.flag_labels(row) if f in supported)
            for row in flagged.to_dict(orient="records")
        ],
    }
    if coverage.supports("finish_time"):
        frame["hours_to_finish"] = flagged["hours_to_finish"].round(1)
    frame["photo"] = photos.shown_column(flagged["photo"], hosts=hosts)
    frame["photo_after"] = photos.shown_column(flagged["photo_after"], hosts=hosts)
    frame["public_page"] = flagged["ticket_id"].map(lambda i: vocab.public_page(i) or "")
    return pd.DataFrame(frame)


def flagged_columns(lang: Lang, *, thumbnails: bool) -> dict[str, Any]:
    """The flagged table's columns: one pair of photos, as thumbnails or as links (an
    intranet that cannot reach the photo bucket, `config.photo_thumbnails`)."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    if thumbnails:
        photo = st.column_config.ImageColumn(t("photo"))
        after = st.column_config.ImageColumn(t("photo_after"))
    else:
        photo = st.column_config.LinkColumn(t("photo"), display_text=t("photo_open"))
        after = st.column_config.LinkColumn(t("photo_after"), display_text=t("photo_after_open"))
    return {
        "ticket_id": st.column_config.TextColumn(t("ticket_id")),
        "district": st.column_config.TextColumn(t("district")),
        "flags": st.column_config.TextColumn(t("flags")),
        "hours_to_finish": st.column_config.NumberColumn(t("hours_to_finish")),
        "photo": photo,
        "photo_after": after,
        "public_page": st.column_config.LinkColumn(t("public_page"), display_text=t("open_link")),
    }


run_page("review", render)
