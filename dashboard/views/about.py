"""About the data: sources, licences, as-of date and the last ingest's reconciliation."""

import json

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.shell import Context, run_page

SOURCES = [
    (
        "Traffy Fondue tickets",
        "Traffy Fondue (NECTEC) / Bangkok Metropolitan Administration public data",
        "not stated",
    ),
    (
        "District boundaries (50 khet)",
        "OCHA HDX COD-AB Thailand, Royal Thai Survey Department",
        "CC BY 3.0 IGO",
    ),
    (
        "Subdistrict boundaries (180 khwaeng)",
        "BangkokGIS, Bangkok Metropolitan Administration",
        "not stated",
    ),
    ("Thai/English area names", "GeoThai (DOPA administrative codes)", "CC BY 4.0"),
    (
        "Registered population 2025",
        "DOPA registration statistics (stat.bora.dopa.go.th)",
        "official statistics, not stated",
    ),
]


def render(context: Context) -> None:
    t = context.t
    st.title(t("page_about"))
    st.subheader(t("sources"))
    st.dataframe(
        pd.DataFrame(SOURCES, columns=["data", "source", "licence"]),
        hide_index=True,
        width="stretch",
    )
    st.write(f"{t('as_of')}: {context.as_of:%Y-%m-%d %H:%M} UTC")
    latest, reasons = cache.last_ingest(context.version)
    if latest is None:
        return
    st.subheader(
        f"{t('last_ingest')} #{latest['ingest_id']} · {latest['finished_at']:%Y-%m-%d %H:%M} UTC"
    )
    rows = [
        ("rows read", latest["rows_read"]),
        ("stored: new", latest["stored_new"]),
        ("stored: updated", latest["stored_updated"]),
        ("stored: unchanged", latest["stored_unchanged"]),
        ("merged duplicates", latest["merged_duplicates"]),
        ("quarantined", latest["quarantined"]),
    ]
    rows += [
        (f"  quarantined: {reason}", count)
        for reason, count in json.loads(latest["quarantine_reasons"]).items()
    ]
    st.dataframe(pd.DataFrame(rows, columns=[t("reconciliation"), "rows"]), hide_index=True)
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
        f"{accounted:,} / {latest['rows_read']:,} rows accounted for"
    )
    st.subheader(t("quarantine"))
    st.dataframe(reasons, hide_index=True)


run_page("about", render)
