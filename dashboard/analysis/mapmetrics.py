"""The map metrics, one entry each: how it is written, which views can draw it, and (from
`coverage.RESTS_ON`) the optional field it rests on.

The URL parser, the maps, the ranking, the summaries and the KPI notes read this one list.
Each metric is a column of `metrics.area_summary` under the same name (that is where it is
computed); its label lives in `i18n.METRIC_LABELS` under the same name too. A new metric is
one entry here, its column and its label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dashboard.analysis.coverage import Coverage, Field, rests_on

Kind = Literal["count", "share", "rate", "days"]


@dataclass(frozen=True)
class MapMetric:
    name: str
    kind: Kind
    district_only: bool = False
    """needs population, known per district only"""
    judged: bool = False
    """judges tickets against the targets (`metrics.area_summary(judged=True)`)"""
    snapshot: bool = False
    """a daily snapshot keeps it (counts by state and open ages, not times)"""
    ranked: int | None = None
    """its column's place in the city ranking after the chosen metric (None: only when
    chosen)"""

    @property
    def needs(self) -> Field | None:
        """the optional field the metric rests on (it says 'not available' without it)"""
        return rests_on(self.name)


MAP_METRICS: dict[str, MapMetric] = {
    m.name: m
    for m in (
        MapMetric("open", "count", snapshot=True, ranked=2),
        MapMetric("total", "count", snapshot=True, ranked=1),
        MapMetric("open_share", "share", snapshot=True),
        MapMetric("open_per_10k", "rate", district_only=True, snapshot=True, ranked=3),
        MapMetric("median_days_to_finish", "days"),
        MapMetric("open_over_30", "count", snapshot=True, ranked=4),
        MapMetric("overdue", "count", judged=True),
        MapMetric("on_time_share", "share", judged=True),
    )
}
NAMES = tuple(MAP_METRICS)
JUDGED = tuple(name for name, metric in MAP_METRICS.items() if metric.judged)
"""Map metrics that need the summary's judged columns."""
SNAPSHOT = tuple(name for name, metric in MAP_METRICS.items() if metric.snapshot)
"""Map metrics a snapshot can draw."""
RANKED = tuple(
    name for _, name in sorted((m.ranked, m.name) for m in MAP_METRICS.values() if m.ranked)
)
"""The columns the city ranking always shows, in order (the chosen metric first, never twice)."""


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
