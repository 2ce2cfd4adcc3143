"""Altair charts whose every visible word is in the page's language. Pure: no streamlit.

Vega formats dates with English month names whatever the page says, so date axes and
tooltips carry labels made here (`i18n.short_date`) instead.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from dashboard import i18n
from dashboard.i18n import Lang


class _Unchecked:
    """Turns an Altair chart into its Vega-Lite spec without checking it against the schema:
    `st.altair_chart` does so on every page run, and Altair's check took ~17 ms a chart (a
    district page draws three). The specs are fixed by this code, not by the data;
    `tests/test_thai_pages.py` checks every chart the district page sends against the schema."""

    def to_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("validate", False)
        return super().to_dict(*args, **kwargs)  # type: ignore[misc,no-any-return]


class Chart(_Unchecked, alt.Chart):  # type: ignore[misc]
    """`alt.Chart`, spec'd without the schema check."""


class LayerChart(_Unchecked, alt.LayerChart):  # type: ignore[misc]
    """`alt.LayerChart`, spec'd without the schema check."""


def date_axis(dates: pd.Series, lang: Lang) -> alt.Axis:
    """A time axis in the page's language: days ("12 May") over a short span, where month
    ticks would leave the axis without a label, else months ("May 2022")."""
    months, offset = list(i18n.months(lang)), i18n.year_offset(lang)
    span = (pd.Timestamp(dates.max()) - pd.Timestamp(dates.min())).days if len(dates) else 0
    if span <= 62:
        return alt.Axis(
            labelExpr=f"date(datum.value) + ' ' + {months}[month(datum.value)]",
            tickCount={"interval": "day", "step": max(1, span // 8)},
        )
    return alt.Axis(
        labelExpr=f"{months}[month(datum.value)] + ' ' + (year(datum.value) + {offset})",
        tickCount="month",
    )


def weekly_lines(weekly: pd.DataFrame, *, series: dict[str, str], lang: Lang) -> Chart:
    """One line per column named in `series` (column → label), by week, Thai or English dates."""
    frame = weekly.copy()
    frame["week_label"] = [i18n.short_date(pd.Timestamp(w).date(), lang) for w in frame["week"]]
    long = frame.melt(
        id_vars=["week", "week_label"], value_vars=list(series), var_name="series", value_name="n"
    )
    long["series"] = long["series"].map(series)
    return (
        Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title=i18n.t("week", lang), axis=date_axis(frame["week"], lang)),
            y=alt.Y("n:Q", title=i18n.t("tickets", lang)),
            color=alt.Color("series:N", title=None),
            tooltip=[
                alt.Tooltip("week_label:N", title=i18n.t("week", lang)),
                alt.Tooltip("series:N", title=i18n.t("state", lang)),
                alt.Tooltip("n:Q", title=i18n.t("tickets", lang), format=","),
            ],
        )
        .properties(height=220)
    )


def backlog_lines(history: pd.DataFrame, *, lang: Lang) -> LayerChart:
    """Open backlog per day, a line per state; backfilled days are hollow points."""
    frame = history.copy()
    frame["day_label"] = [i18n.short_date(pd.Timestamp(d).date(), lang) for d in frame["as_of"]]
    frame["series"] = [i18n.state_label(s, lang) for s in frame["state"]]
    frame["kind"] = [
        i18n.t("kind_backfilled" if b else "kind_recorded", lang) for b in frame["backfilled"]
    ]
    frame = frame.drop(columns=["state"])  # the codes: the chart shows `series`, translated
    x = alt.X("as_of:T", title=i18n.t("snapshot_day", lang), axis=date_axis(frame["as_of"], lang))
    y = alt.Y("tickets:Q", title=i18n.t("tickets", lang))
    color = alt.Color("series:N", title=i18n.t("state", lang))
    base = Chart(frame)
    lines = base.mark_line().encode(x=x, y=y, color=color)
    points = base.mark_point(size=40).encode(
        x=x,
        y=y,
        color=color,
        fill=alt.condition("datum.backfilled", alt.value("white"), color),
        tooltip=[
            alt.Tooltip("day_label:N", title=i18n.t("snapshot_day", lang)),
            alt.Tooltip("series:N", title=i18n.t("state", lang)),
            alt.Tooltip("tickets:Q", title=i18n.t("tickets", lang), format=","),
            alt.Tooltip("kind:N", title=i18n.t("snapshot_kind", lang)),
        ],
    )
    return LayerChart(layer=[lines, points])
