"""The map metrics, one entry each: what it needs from the data and how it is written.

The URL parser, the maps, the ranking and the KPI notes read this one list. Each metric
is a column of `metrics.area_summary` under the same name (that is where it is computed);
its label lives in `i18n.METRIC_LABELS` under the same name too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dashboard.analysis.coverage import Coverage, Field

Kind = Literal["count", "share", "rate", "days"]


@dataclass(frozen=True)
class MapMetric:
    name: str
    kind: Kind
    needs: Field | None = None
    """the optional field the metric rests on (it says 'not available' without it)"""
    district_only: bool = False
    """needs population, known per district only"""


MAP_METRICS: dict[str, MapMetric] = {
    m.name: m
    for m in (
        MapMetric("open", "count"),
        MapMetric("total", "count"),
        MapMetric("open_share", "share"),
        MapMetric("open_per_10k", "rate", district_only=True),
        MapMetric("median_days_to_finish", "days", needs="finish_time"),
        MapMetric("open_over_30", "count"),
        MapMetric("overdue", "count"),
        MapMetric("on_time_share", "share", needs="finish_time"),
    )
}
NAMES = tuple(MAP_METRICS)


def format_number(kind: Kind, value: float) -> str:
    if kind == "share":
        return f"{value:.1%}"
    if kind in ("rate", "days"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def offered(coverage: Coverage) -> list[str]:
    """The map metrics the data can colour a map by: those resting on no optional field,
    or on one that at least one ticket carries (`Coverage.supports`), in `NAMES` order."""
    return [
        name
        for name, metric in MAP_METRICS.items()
        if metric.needs is None or coverage.supports(metric.needs)
    ]
