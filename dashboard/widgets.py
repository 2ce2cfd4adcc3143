"""Small Streamlit building blocks the pages share: KPI rows and map event handling."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import i18n, maps
from dashboard.metrics import Totals
from dashboard.shell import Context, update_url
from dashboard.urlstate import MapView

VIEW_TOLERANCE = 1e-4


def kpi_row(
    context: Context, totals: Totals, *, extra: list[tuple[str, str, str | None]] | None = None
) -> None:
    """Show total, open, finished share, median days, as-of date and no-location count."""
    t = context.t
    items: list[tuple[str, str, str | None]] = [
        (t("total"), f"{totals.total:,}", None),
        (t("open"), f"{totals.open:,}", None),
        (
            t("finished_share"),
            "–" if totals.finished_share is None else f"{totals.finished_share:.1%}",
            None,
        ),
        (
            t("median_days"),
            "–" if totals.median_days_to_finish is None else f"{totals.median_days_to_finish:.1f}",
            None,
        ),
        (t("as_of"), f"{context.as_of:%Y-%m-%d}", None),
        (t("no_location"), f"{totals.no_location:,}", None),
    ]
    items += extra or []
    per_row = 3
    for start in range(0, len(items), per_row):
        row = items[start : start + per_row]
        for column, (label, value, delta) in zip(st.columns(per_row), row, strict=False):
            column.metric(label, value, delta=delta, delta_color="off", border=True)


def clicked_code(result: dict[str, Any] | None, *, memory_key: str) -> str | None:
    """Return the area code of a new click on a choropleth (each click is handled once)."""
    drawing = (result or {}).get("last_active_drawing")
    previous = st.session_state.get(memory_key)
    st.session_state[memory_key] = drawing
    if not drawing or drawing == previous:
        return None
    code = (drawing.get("properties") or {}).get("code")
    return str(code) if code else None


def remember_view(context: Context, result: dict[str, Any] | None, *, map_key: str) -> None:
    """Write a moved map view (centre, zoom) to the URL so a shared link reproduces it.

    The first view a map reports is where it opened (fitted, or from the link): not a move.
    """
    if not result or not result.get("center") or result.get("zoom") is None:
        return
    centre = result["center"]
    view = MapView(
        lat=round(float(centre["lat"]), 5),
        lon=round(float(centre["lng"]), 5),
        zoom=int(result["zoom"]),
    )
    first_key = f"{map_key}_first_view"
    if first_key not in st.session_state:
        st.session_state[first_key] = view
        return
    if not _moved(context.state.view or st.session_state[first_key], view):
        return
    update_url(view=view)


def _moved(before: MapView, after: MapView) -> bool:
    return (
        abs(before.lat - after.lat) >= VIEW_TOLERANCE
        or abs(before.lon - after.lon) >= VIEW_TOLERANCE
        or before.zoom != after.zoom
    )


def ticket_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Tickets as display columns (text only; links as URL columns)."""
    return pd.DataFrame(
        {
            "ticket_id": frame["ticket_id"],
            "reported": frame["reported_at"].dt.strftime("%Y-%m-%d"),
            "age_days": frame["age_days"],
            "state": frame["state"].map(lambda s: i18n.state_label(s, lang)),
            "categories": frame["categories"].map(
                lambda cs: (
                    ", ".join(i18n.category_label(c, lang) for c in cs)
                    or i18n.category_label("unspecified", lang)
                )
            ),
            "comment": frame["comment"].fillna("").str.slice(0, 200),
            "photo": frame["photo"].where(frame["photo"].fillna("").str.match(r"^https?://"), None),
            "photo_after": frame["photo_after"].where(
                frame["photo_after"].fillna("").str.match(r"^https?://"), None
            ),
            "public_page": frame["ticket_id"].map(
                lambda i: (
                    None
                    if str(i).startswith("noid-")
                    else maps.PUBLIC_TICKET_URL.format(ticket_id=i)
                )
            ),
        }
    )


def link_columns(lang: str) -> dict[str, Any]:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    return {
        "ticket_id": st.column_config.TextColumn(t("ticket_id")),
        "reported": st.column_config.TextColumn(t("reported")),
        "age_days": st.column_config.NumberColumn(t("age_days")),
        "state": st.column_config.TextColumn(t("state")),
        "categories": st.column_config.TextColumn(t("categories")),
        "comment": st.column_config.TextColumn(t("comment"), width="large"),
        "photo": st.column_config.LinkColumn(t("photo"), display_text="📷"),
        "photo_after": st.column_config.LinkColumn(t("photo_after"), display_text="📷"),
        "public_page": st.column_config.LinkColumn(t("public_page"), display_text="↗"),
    }
