"""City review for the governor's office: hotspots, fair league table, closure audit, brief."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import brief, cache, hotspots, i18n, maps, metrics, review
from dashboard.shell import Context, bound, run_page, update_url_review

REVIEW_KEYS = {
    "res": lambda v: v in ("8", "9"),
    "min_n": lambda v: v.isdigit() and 1 <= int(v) <= 100_000,
    "fast_h": lambda v: v.replace(".", "", 1).isdigit() and 0 < float(v) <= 168,
}
TREND_LABELS = {"new": "🆕", "intensifying": "⬆️", "persistent": "⏺", "diminishing": "⬇️"}


def settings_of(context: Context) -> review.ReviewSettings:
    chosen = context.state.review
    return review.ReviewSettings(
        min_tickets=int(chosen.get("min_n", 30)),
        fast_close_hours=float(chosen.get("fast_h", 1.0)),
        resolution=int(chosen.get("res", 8)),
    )


def render(context: Context) -> None:
    t, lang = context.t, context.lang
    st.title(t("page_review"))
    settings = settings_of(context)
    filters = context.filters(district=None, subdistrict=None)
    period = review.review_period(filters, cache.newest_report(context.version) or context.as_of)
    previous = period.previous()
    now_filters = metrics.replace_filters(filters, since=period.since, until=period.until)
    before_filters = metrics.replace_filters(filters, since=previous.since, until=previous.until)
    controls(context, settings)
    st.caption(
        t(
            "review_period",
            since=period.since,
            until=period.until,
            psince=previous.since,
            puntil=previous.until,
        )
    )

    st.header(t("hotspots"))
    cells = cache.hotspot_cells(context.version, now_filters, settings.resolution)
    areas = cache.hotspot_areas(
        context.version, now_filters, before_filters, settings.resolution, context.as_of
    )
    method = (
        t(
            "hotspot_method",
            res=settings.resolution,
            perms=hotspots.PERMUTATIONS,
            seed=hotspots.SEED,
        )
        + " "
        + hotspots.FDR_METHOD
        + "."
    )
    st.caption(method)
    left, right = st.columns([3, 2])
    fmap = maps.hotspot_map(cells=cells, lang=lang)
    if int(cells["open"].sum()) == 0:
        st.info(t("no_open_in_period"))
    with left:
        st_folium(
            fmap, key="hotspot_map", height=520, use_container_width=True, returned_objects=[]
        )
    with right:
        st.dataframe(areas_table(areas, lang), hide_index=True, width="stretch", height=520)

    st.header(t("league"))
    table = cache.league(context.version, filters, period, settings)
    st.caption(t("league_note", n=settings.min_tickets))
    ranked, too_few = league_display(table, lang)
    st.dataframe(ranked, hide_index=True, width="stretch")
    if too_few:
        st.caption(t("too_few", n=settings.min_tickets) + " " + ", ".join(too_few))

    st.header(t("audit"))
    per_district, flagged = cache.audit(context.version, now_filters, settings)
    st.caption(t("audit_note", hours=settings.fast_close_hours))
    st.dataframe(audit_display(per_district, lang), hide_index=True, width="stretch")
    st.subheader(t("flagged"))
    st.dataframe(
        flagged_display(flagged),
        hide_index=True,
        width="stretch",
        column_config={
            "photo": st.column_config.ImageColumn(t("photo")),
            "photo_after": st.column_config.ImageColumn(t("photo_after")),
            "public_page": st.column_config.LinkColumn(t("public_page"), display_text="↗"),
        },
    )

    document = brief.build_brief(
        title=t("brief_title"),
        as_of=context.as_of,
        filters_text=[
            t(
                "review_period",
                since=period.since,
                until=period.until,
                psince=previous.since,
                puntil=previous.until,
            ),
            *(
                f"{i18n.t('categories', lang)}: {', '.join(context.state.categories)}"
                for _ in [0]
                if context.state.categories
            ),
        ],
        method_text=method,
        map_html=maps.hotspot_map(cells=cells, lang=lang).get_root().render(),
        sections=[
            (t("hotspots"), areas_table(areas, lang, icons=False)),
            (t("league"), ranked),
            (t("audit"), audit_display(per_district, lang)),
        ],
    )
    st.download_button(
        t("download_brief"),
        data=document.encode("utf-8"),
        file_name=f"khetmap_review_{period.since}_{period.until}.html",
        mime="text/html",
    )


def controls(context: Context, settings: review.ReviewSettings) -> None:
    t = context.t
    a, b, c = st.columns(3)
    a.radio(
        t("resolution"),
        [8, 9],
        horizontal=True,
        **bound("w_res", settings.resolution, lambda v: update_url_review(res=str(v))),
    )
    b.number_input(
        t("min_tickets"),
        min_value=1,
        max_value=100_000,
        step=5,
        **bound("w_min_n", settings.min_tickets, lambda v: update_url_review(min_n=str(int(v)))),
    )
    c.number_input(
        t("fast_hours"),
        min_value=0.25,
        max_value=168.0,
        step=0.25,
        **bound(
            "w_fast_h",
            settings.fast_close_hours,
            lambda v: update_url_review(fast_h=f"{float(v):g}"),
        ),
    )


def areas_table(areas: pd.DataFrame, lang: str, *, icons: bool = True) -> pd.DataFrame:
    if areas.empty:
        return pd.DataFrame({i18n.t("hotspots", lang): []})
    suffix = "en" if lang == "en" else "th"
    return pd.DataFrame(
        {
            "#": areas["rank"],
            i18n.t("district", lang): areas[f"district_{suffix}"],
            i18n.t("subdistrict", lang): areas[f"subdistrict_{suffix}"],
            i18n.t("open", lang): areas["open"],
            i18n.t("categories", lang): areas["top_categories"].map(
                lambda cs: ", ".join(i18n.category_label(c, lang) for c in cs)
            ),
            i18n.t("median_open_age", lang): areas["median_open_age_days"],
            i18n.t("trend", lang): areas["trend"].map(
                lambda v: f"{TREND_LABELS.get(v, '')} {v}" if icons else v
            ),
            "cells": areas["cells"],
        }
    )


def league_display(table: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[str]]:
    name = table["name_en"] if lang == "en" else table["name_th"]
    ranked = table[table["eligible"]]
    shown = pd.DataFrame(
        {
            "#": ranked["rank"],
            i18n.t("district", lang): name[table["eligible"]],
            i18n.t("tickets", lang): ranked["tickets"],
            i18n.t("open", lang): ranked["open"],
            i18n.metric_label("open_per_10k", lang): [
                f"{v:.1f} ({lo:.1f}–{hi:.1f})"
                for v, lo, hi in zip(
                    ranked["open_per_10k"],
                    ranked["open_per_10k_low"],
                    ranked["open_per_10k_high"],
                    strict=True,
                )
            ],
            i18n.t("change", lang): ranked["change_open_per_10k"].map(lambda v: f"{v:+.1f}"),
            i18n.metric_label("median_days_to_finish", lang): [
                _median_text(m, lo, hi)
                for m, lo, hi in zip(
                    ranked["median_days_to_finish"],
                    ranked["median_days_low"],
                    ranked["median_days_high"],
                    strict=True,
                )
            ],
        }
    )
    return shown, list(name[~table["eligible"]])


def _median_text(median: float, low: float, high: float) -> str:
    if pd.isna(median):
        return "–"
    return f"{median:.1f}" + ("" if pd.isna(low) else f" ({low:.1f}–{high:.1f})")


def audit_display(per_district: pd.DataFrame, lang: str) -> pd.DataFrame:
    name = per_district["name_en"] if lang == "en" else per_district["name_th"]
    percent = lambda s: s.map(lambda v: "–" if pd.isna(v) else f"{v:.0%}")  # noqa: E731
    return pd.DataFrame(
        {
            i18n.t("district", lang): name,
            i18n.t("finished", lang): per_district["finished"],
            i18n.t("no_after_photo", lang): percent(per_district["no_after_photo_share"]),
            i18n.t("fast_close", lang): percent(per_district["fast_close_share"]),
            i18n.t("reopened", lang): percent(per_district["reopened_share"]),
            i18n.t("low_star", lang): percent(per_district["low_star_share"]),
        }
    )


def flagged_display(flagged: pd.DataFrame) -> pd.DataFrame:
    def http(series: pd.Series) -> pd.Series:
        return series.where(series.fillna("").str.match(r"^https?://"), None)

    return pd.DataFrame(
        {
            "ticket_id": flagged["ticket_id"],
            "district": flagged["district_code"],
            "flags": [
                ", ".join(review.flag_labels(row)) for row in flagged.to_dict(orient="records")
            ],
            "hours_to_finish": flagged["hours_to_finish"].round(2),
            "photo": http(flagged["photo"]),
            "photo_after": http(flagged["photo_after"]),
            "public_page": flagged["ticket_id"].map(
                lambda i: (
                    None
                    if str(i).startswith("noid-")
                    else maps.PUBLIC_TICKET_URL.format(ticket_id=i)
                )
            ),
        }
    )


run_page("review", render, review_keys=REVIEW_KEYS)
