"""About the data: sources, licences, as-of date, what the data can support, last ingest."""

import json

import pandas as pd
import streamlit as st

from dashboard import config, i18n
from dashboard.analysis import coverage
from dashboard.provenance import SOURCES
from dashboard.text import inert
from dashboard.ui import cache
from dashboard.ui.shell import Context, freshness_line, run_page
from dashboard.ui.widgets import show_table


def render(context: Context) -> None:
    t, lang = context.t, context.lang
    st.title(t("page_about"))
    st.subheader(t("sources"))
    pick = (lambda pair: pair[1]) if lang == "en" else (lambda pair: pair[0])
    show_table(
        context,
        pd.DataFrame(
            [[pick(d), pick(s), pick(li)] for d, s, li in SOURCES],
            columns=[t("data"), t("source"), t("licence")],
        ),
    )
    updates_section(context)
    coverage_table(context)
    latest, reasons = cache.last_ingest(context.version)
    if latest is None:
        return
    finished = i18n.date_time(latest["finished_at"], context.lang)
    st.subheader(f"{t('last_ingest')} #{latest['ingest_id']} · {finished}")
    rows = [
        (t(key), f"{int(latest[key]):,}")
        for key in (
            "rows_read",
            "stored_new",
            "stored_updated",
            "stored_unchanged",
            "merged_duplicates",
            "quarantined",
        )
    ]
    rows += [
        (t("quarantined_reason", reason=reason), f"{int(count):,}")
        for reason, count in json.loads(latest["quarantine_reasons"]).items()
    ]
    show_table(context, pd.DataFrame(rows, columns=[t("reconciliation"), t("rows")]))
    accounted = sum(
        int(latest[k])
        for k in (
            "stored_new",
            "stored_updated",
            "stored_unchanged",
            "merged_duplicates",
            "quarantined",
        )
    )
    (st.success if accounted == latest["rows_read"] else st.error)(
        t("accounted", accounted=accounted, read=int(latest["rows_read"]))
    )
    st.subheader(t("quarantine"))
    if reasons.empty:  # an empty table would say "empty" in English
        st.caption(t("no_quarantine"))
        return
    show_table(context, reasons.rename(columns={"reason": t("reason"), "rows": t("rows")}))


def updates_section(context: Context) -> None:
    """How fresh the data is, where it came from, and (under how it is computed) how it is
    kept up to date; the other pages say only the sidebar's one line."""
    t, lang, fresh = context.t, context.lang, context.freshness
    st.subheader(t("updates_title"))
    lines = [freshness_line(context)]
    if fresh is not None and fresh.synced_at is not None:
        source = t(f"source_{fresh.source}")
        lines.append(
            t("updates_from_traffy", source=source, when=i18n.date_time(fresh.synced_at, lang))
        )
        if not fresh.complete:
            lines.append(t("updates_partial"))
    elif fresh is not None and fresh.ingested_at is not None:
        lines.append(t("updates_from_file", when=i18n.date_time(fresh.ingested_at, lang)))
    st.markdown("\n\n".join(inert(line) for line in lines))
    with st.expander(t("how_computed")):
        st.caption(inert(t("updates_how", hours=f"{config.DEFAULT_STALE_HOURS:g}")))


def coverage_table(context: Context) -> None:
    """Per optional field: how many tickets have it, the share, and which figures use it."""
    t = context.t
    st.subheader(t("coverage"))
    found = cache.data_coverage(context.version, context.filters(district=None, subdistrict=None))
    rows = []
    for field in coverage.FIELDS:
        share = found.share(field)
        rows.append(
            {
                t("coverage_field"): t(f"field_{field}"),
                t("coverage_count"): f"{found.count(field):,}",
                t("coverage_of"): f"{found.base(field):,}",
                t("coverage_share"): i18n.t("no_data", context.lang)
                if share is None
                else f"{share:.1%}",
                t("coverage_uses"): t(f"uses_{field}"),
            }
        )
    show_table(context, pd.DataFrame(rows))
    for field in coverage.FIELDS:
        if not found.supports(field):
            st.warning(inert(t(f"uses_{field}") + ": " + found.unavailable(field, context.lang)))


run_page("about", render)
