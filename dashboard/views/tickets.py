"""Tickets: the filtered tickets as a searchable, sortable table, downloadable as shown."""

import json

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import cache, urlstate
from dashboard.shell import Context, bound, run_page
from dashboard.widgets import link_columns, ticket_table

ROW_CAP = 5_000


def render(context: Context) -> None:
    state, t = context.state, context.t
    title = t("page_tickets")
    if state.district:
        title += f" · {context.area_name(state.subdistrict or state.district)}"
    st.title(title)
    search, sort = st.columns([3, 1])
    search.text_input(
        t("search"),
        max_chars=urlstate.MAX_VALUE_LENGTH,
        **bound("w_q", state.q, lambda v: {"q": (v or "").strip()}),
    )
    sort.selectbox(
        t("sort"),
        list(urlstate.SORTS),
        format_func=lambda s: t(f"sort_{s}"),
        **bound("w_sort", state.sort, lambda v: {"sort": v}),
    )
    frame, total = cache.tickets_page(
        context.version, context.filters(), context.as_of, state.q, state.sort, ROW_CAP
    )
    st.caption(t("rows_shown", shown=len(frame), total=total))
    if frame.empty:
        st.info(t("no_tickets"))
        return
    shown = ticket_table(frame, state.lang)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=link_columns(state.lang),
        height=560,
    )
    left, right = st.columns(2)
    left.download_button(
        t("download_csv"), data=csv_bytes(frame), file_name="khetmap_tickets.csv", mime="text/csv"
    )
    right.download_button(
        t("download_geojson"),
        data=geojson_bytes(frame),
        file_name="khetmap_tickets.geojson",
        mime="application/geo+json",
    )


EXPORT_COLUMNS = [
    "ticket_id",
    "reported_at",
    "last_activity",
    "state",
    "state_label",
    "categories",
    "district_code",
    "subdistrict_code",
    "age_days",
    "comment",
    "address",
    "photo",
    "photo_after",
    "lon",
    "lat",
    "location_issue",
]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The shown tickets as UTF-8 CSV (with BOM, so spreadsheet apps read Thai correctly)."""
    export = frame[EXPORT_COLUMNS].copy()
    export["categories"] = export["categories"].map(lambda cs: ";".join(cs))
    return export.to_csv(index=False).encode("utf-8-sig")


def geojson_bytes(frame: pd.DataFrame) -> bytes:
    """The shown tickets as GeoJSON points; tickets with no usable location get a null geometry."""
    features = []
    for row in frame[EXPORT_COLUMNS].to_dict(orient="records"):
        record = {str(key): value for key, value in row.items()}
        lon, lat = record.pop("lon"), record.pop("lat")
        located = record["location_issue"] is None and pd.notna(lon) and pd.notna(lat)
        geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]} if located else None
        record = {k: _plain(v) for k, v in record.items()}
        features.append({"type": "Feature", "geometry": geometry, "properties": record})
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode("utf-8")


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    if isinstance(value, float) and pd.isna(value):
        return None
    return value


run_page("tickets", render)
