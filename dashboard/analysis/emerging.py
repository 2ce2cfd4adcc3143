"""What is getting worse: emerging hot spots on H3 cells, week by week. Pure: no streamlit.

In the manner of space-time hot spot analysis (ArcGIS Pro, "How Emerging Hot Spot Analysis
works"): the period is cut into whole weeks counted back from its last day; each week's
counts per cell get a Getis-Ord Gi* z-score (binary weights over the cell and its first H3
ring, the analytical z of Getis & Ord 1992/Ord & Getis 1995, Benjamini–Hochberg FDR at 90%
confidence within each week); each cell's z-series gets a Mann-Kendall trend test (Kendall's
tau against time, two-sided p < 0.05); and the pattern of significant weeks plus the trend
gives the category, with ArcGIS's definitions:

- new: hot in the last week, never before;
- consecutive: an unbroken run of hot weeks at the end (at least two), none before it,
  under 90% of all weeks;
- intensifying / persistent / diminishing: hot in at least 90% of weeks including the last,
  with a significant rise / no significant trend / a significant fall of its z-score;
- sporadic: hot in the last week, on and off before, under 90% of weeks, never cold;
- oscillating: hot in the last week, cold in some earlier week, under 90% of weeks;
- historical: hot in at least 90% of weeks but not the last.

The same names with "cold" describe the opposite side. Two measures: reports (demand: how
many complaints arrive) and, only where finish times exist, the open backlog at the end of
each week reconstructed from report and finish times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

import esda
import h3
import numpy as np
import pandas as pd
from scipy import stats

from dashboard.analysis.filters import Filters, replace_filters
from dashboard.analysis.gistar import binary_weights, gi_star_z
from dashboard.store import Reader, queries
from dashboard.vocab import BANGKOK_TZ

MIN_WEEKS = 10
"""Mann-Kendall needs a series: ArcGIS asks for at least ten time steps."""
SIGNIFICANCE = 0.10
"""a week counts as hot or cold for a cell at 90% confidence (after BH-FDR in that week)"""
TREND_P = 0.05
SHARE_FOR_PERSISTENT = 0.9
NO_PATTERN = "no pattern"
PATTERNS = (
    "new",
    "consecutive",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "oscillating",
    "historical",
)
CATEGORIES = (
    *(f"{p} hot" for p in PATTERNS),
    *(f"{p} cold" for p in PATTERNS),
    NO_PATTERN,
)
WORSENING = ("new hot", "consecutive hot", "intensifying hot")
"""the categories a weekly meeting asks about: hot spots that appeared or are growing"""
IMPROVING = ("diminishing hot", "historical hot")

Measure = Literal["reports", "backlog"]
MEASURES: tuple[Measure, ...] = ("reports", "backlog")


@dataclass(frozen=True)
class Weeks:
    """Whole weeks ending on the period's last day (Bangkok time); week 0 is the earliest."""

    end: datetime
    count: int

    @classmethod
    def ending(cls, since: date, until: date) -> Weeks:
        end = datetime.combine(until + timedelta(days=1), time(), tzinfo=BANGKOK_TZ)
        return cls(end=end, count=((until - since).days + 1) // 7)

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=7 * self.count)

    def first_days(self) -> list[date]:
        return [(self.start + timedelta(days=7 * i)).date() for i in range(self.count)]


def significant_sides(
    z: np.ndarray, *, alpha: float = SIGNIFICANCE
) -> tuple[np.ndarray, np.ndarray]:
    """Hot and cold flags (cells × steps): two-sided normal p, BH-FDR within each step."""
    p = 2 * stats.norm.sf(np.abs(z))
    hot = np.zeros(z.shape, dtype=bool)
    cold = np.zeros(z.shape, dtype=bool)
    for step in range(z.shape[1]):
        cutoff = float(esda.fdr(p[:, step], alpha))
        significant = p[:, step] <= cutoff
        hot[:, step] = significant & (z[:, step] > 0)
        cold[:, step] = significant & (z[:, step] < 0)
    return hot, cold


def mann_kendall(series: np.ndarray) -> tuple[float, float]:
    """Kendall's tau of a series against time and its two-sided p-value (1.0 if flat)."""
    y = np.asarray(series, dtype=float)
    if len(y) < 3 or np.all(y == y[0]):
        return 0.0, 1.0
    result = stats.kendalltau(np.arange(len(y)), y)
    tau, p = float(result.statistic), float(result.pvalue)
    return (0.0, 1.0) if np.isnan(tau) else (tau, p)


def pattern(side: np.ndarray, other: np.ndarray, tau: float, p: float) -> str | None:
    """The ArcGIS pattern of one side (hot or cold flags over time), or None."""
    steps = len(side)
    share = side.sum() / steps
    trending = p < TREND_P
    if share >= SHARE_FOR_PERSISTENT:
        if not side[-1]:
            return "historical"
        if trending:
            return "intensifying" if tau > 0 else "diminishing"
        return "persistent"
    if not side[-1]:
        return None
    if not side[:-1].any():
        return "new"
    run = int(np.argmin(side[::-1])) if not side.all() else steps  # hot weeks at the end
    if run >= 2 and not side[: steps - run].any():
        return "consecutive"
    if other[:-1].any():
        return "oscillating"
    return "sporadic"


def categorise(z: np.ndarray, hot: np.ndarray, cold: np.ndarray) -> tuple[list[str], np.ndarray]:
    """One category per cell (row) and its Mann-Kendall tau."""
    categories, taus = [], np.zeros(z.shape[0])
    for i in range(z.shape[0]):
        tau, p = mann_kendall(z[i])
        taus[i] = tau
        # a rising z is intensifying for a hot spot; for a cold spot the fall is what deepens it
        found = pattern(hot[i], cold[i], tau, p)
        if found is not None:
            categories.append(f"{found} hot")
            continue
        found = pattern(cold[i], hot[i], -tau, p)
        categories.append(f"{found} cold" if found is not None else NO_PATTERN)
    return categories, taus


def weekly_matrix(grid: Sequence[int], counted: pd.DataFrame, weeks: Weeks) -> np.ndarray:
    """cells × weeks from rows of (cell, week, value): grid cells in order, zeros elsewhere."""
    index = {int(c): i for i, c in enumerate(grid)}
    matrix = np.zeros((len(grid), weeks.count))
    for cell, week, value in counted[["cell", "week", "value"]].itertuples(index=False):
        if int(cell) in index and 0 <= int(week) < weeks.count:
            matrix[index[int(cell)], int(week)] += float(value)
    return matrix


def backlog_matrix(grid: Sequence[int], spans: pd.DataFrame, weeks: Weeks) -> np.ndarray:
    """Open backlog at the end of each week per cell, from (cell, report_back, close_back, n)."""
    index = {int(c): i for i, c in enumerate(grid)}
    matrix = np.zeros((len(grid), weeks.count))
    week_numbers = np.arange(weeks.count)
    for cell, report_back, close_back, n in spans[
        ["cell", "report_back", "close_back", "tickets"]
    ].itertuples(index=False):
        if int(cell) not in index:
            continue
        reported = weeks.count - 1 - int(report_back)  # earlier than week 0: before the period
        closed = weeks.count if pd.isna(close_back) else weeks.count - 1 - int(close_back)
        # in the backlog at the end of week w if reported by then and not yet closed
        matrix[index[int(cell)]] += n * ((week_numbers >= reported) & (week_numbers < closed))
    return matrix


def emerging_cells(grid: Sequence[int], matrix: np.ndarray) -> pd.DataFrame:
    """Per cell: category, Mann-Kendall tau, z of the last week, weeks hot, weeks cold, total."""

    weights = binary_weights(grid)
    z = gi_star_z(matrix, weights)
    hot, cold = significant_sides(z)
    categories, taus = categorise(z, hot, cold)
    centres = [h3.cell_to_latlng(h3.int_to_str(int(c))) for c in grid]
    return pd.DataFrame(
        {
            "h3": [h3.int_to_str(int(c)) for c in grid],
            "value": matrix.sum(axis=1),
            "last_week": matrix[:, -1] if matrix.shape[1] else 0.0,
            "category": categories,
            "trend_tau": np.round(taus, 4),
            "last_z": np.round(z[:, -1], 4) if z.shape[1] else 0.0,
            "weeks_hot": hot.sum(axis=1),
            "weeks_cold": cold.sum(axis=1),
            "lat": np.round([c[0] for c in centres], 6),
            "lon": np.round([c[1] for c in centres], 6),
        }
    )


@dataclass(frozen=True)
class Emerging:
    """An emerging hot spot analysis, or why there is none (`unavailable`: an i18n key)."""

    measure: Measure
    weeks: Weeks
    cells: pd.DataFrame
    unavailable: str | None = None
    left_out: int = 0
    """closed tickets without a finish time, left out of a reconstructed backlog"""


def analyse(
    con: Reader,
    *,
    grid: Sequence[int],
    filters: Filters,
    since: date,
    until: date,
    resolution: int,
    measure: Measure = "reports",
) -> Emerging:
    """Emerging hot spots of `measure` over the whole weeks of since…until on `grid`."""
    weeks = Weeks.ending(since, until)
    empty = pd.DataFrame(columns=["h3", "category"])
    if weeks.count < MIN_WEEKS:
        return Emerging(measure, weeks, empty, unavailable="emerging_too_short")
    dialect = queries.dialect_of(con)
    if measure == "reports":
        period = replace_filters(
            filters, since=weeks.start.date(), until=until, district=None, subdistrict=None
        )
        where, params = period.where()
        counted = con.execute(
            queries.weekly_reports_by_cell(where, resolution, dialect), [weeks.end, *params]
        ).df()
        counted["week"] = weeks.count - 1 - counted["weeks_back"].astype("int64")
        counted = counted.rename(columns={"reports": "value"})
        matrix = weekly_matrix(grid, counted, weeks)
        return Emerging(measure, weeks, emerging_cells(grid, matrix))
    everything = replace_filters(filters, since=None, until=None, district=None, subdistrict=None)
    where, params = everything.where()
    closed, left_out = (
        int(v or 0) for v in con.execute(queries.closed_without_time(where), params).fetchall()[0]
    )
    if closed and left_out / closed > 0.05:
        return Emerging(measure, weeks, empty, unavailable="emerging_no_finish", left_out=left_out)
    spans = con.execute(
        queries.backlog_spans_by_cell(where, resolution, dialect),
        [weeks.end, weeks.end, *params, weeks.end, weeks.start],
    ).df()
    matrix = backlog_matrix(grid, spans, weeks)
    return Emerging(measure, weeks, emerging_cells(grid, matrix), left_out=left_out)
