"""The governor's review: fair district rankings and the closure audit. Pure: no streamlit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from dashboard import metrics, queries
from dashboard.boundaries import AreaLayer
from dashboard.metrics import Filters
from dashboard.store import Reader

DEFAULT_PERIOD_DAYS = 90
CONFIDENCE = 0.95


@dataclass(frozen=True)
class ReviewSettings:
    """Settings of the review page (all in the URL)."""

    min_tickets: int = 30
    """a district needs at least this many tickets in the period to be ranked"""
    fast_close_hours: float = 1.0
    """a ticket finished sooner than this after it was reported is flagged"""
    resolution: int = 8


@dataclass(frozen=True)
class Period:
    """The reviewed period and the previous period of equal length (Bangkok days)."""

    since: date
    until: date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def previous(self) -> Period:
        end = self.since - timedelta(days=1)
        return Period(since=end - timedelta(days=self.days - 1), until=end)


def review_period(filters: Filters, newest_report: datetime) -> Period:
    """The filters' dates, or the 90 days up to the newest report.

    Not up to the as-of date: activity can run months past the last report, and a period
    with no reports in it reviews nothing.
    """
    until = filters.until or newest_report.astimezone(metrics.BANGKOK).date()
    since = filters.since or until - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    return Period(since=since, until=until)


def poisson_interval(count: int, *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count."""
    alpha = 1 - confidence
    low = 0.0 if count == 0 else float(stats.chi2.ppf(alpha / 2, 2 * count) / 2)
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2)
    return low, high


def median_interval(values: np.ndarray, *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Distribution-free interval for a median from order statistics (NaN below 6 values)."""
    ordered = np.sort(np.asarray(values, dtype=float))
    n = len(ordered)
    if n < 6:
        return float("nan"), float("nan")
    j = int(stats.binom.ppf((1 - confidence) / 2, n, 0.5))
    j = max(j, 1)
    k = n - j + 1
    return float(ordered[j - 1]), float(ordered[k - 1])


def _district_figures(con: Reader, filters: Filters) -> pd.DataFrame:
    where, params = filters.where()
    return con.execute(queries.district_figures(where), params).df()


def _finish_days(con: Reader, filters: Filters) -> pd.DataFrame:
    where, params = filters.where()
    return con.execute(queries.finish_days(where), params).df()


def league_table(
    con: Reader,
    *,
    filters: Filters,
    period: Period,
    layer: AreaLayer,
    population: dict[str, int],
    settings: ReviewSettings,
) -> pd.DataFrame:
    """Districts ranked by open per 10k residents (worst first), only those with enough tickets.

    Each figure has a 95% interval: exact Poisson for the rate, order statistics for the
    median days to finish. `change_open_per_10k` compares with the previous period.
    """
    now = metrics.replace_filters(
        filters, since=period.since, until=period.until, district=None, subdistrict=None
    )
    before = metrics.replace_filters(
        now, since=period.previous().since, until=period.previous().until
    )
    frame = pd.DataFrame(
        {"code": layer.codes, "name_th": layer.names_th, "name_en": layer.names_en}
    )
    frame["population"] = frame["code"].map(population).astype("float64")
    current = _district_figures(con, now).set_index("code")
    previous = _district_figures(con, before).set_index("code")
    frame["tickets"] = frame["code"].map(current["tickets"]).fillna(0).astype("int64")
    frame["open"] = frame["code"].map(current["open"]).fillna(0).astype("int64")
    per_10k = 10_000 / frame["population"]
    intervals = [poisson_interval(int(n)) for n in frame["open"]]
    frame["open_per_10k"] = frame["open"] * per_10k
    frame["open_per_10k_low"] = [low for low, _ in intervals] * per_10k
    frame["open_per_10k_high"] = [high for _, high in intervals] * per_10k
    previous_open = frame["code"].map(previous["open"]).fillna(0)
    frame["change_open_per_10k"] = frame["open_per_10k"] - previous_open * per_10k
    days = _finish_days(con, now)
    grouped = {code: group["days"].to_numpy() for code, group in days.groupby("code")}
    medians = [_median_with_interval(grouped.get(code)) for code in frame["code"]]
    frame["median_days_to_finish"] = [m[0] for m in medians]
    frame["median_days_low"] = [m[1] for m in medians]
    frame["median_days_high"] = [m[2] for m in medians]
    frame["finished_with_dates"] = [len(grouped.get(code, ())) for code in frame["code"]]
    frame["eligible"] = frame["tickets"] >= settings.min_tickets
    ranked = frame[frame["eligible"]].sort_values(["open_per_10k", "code"], ascending=[False, True])
    frame["rank"] = (
        frame["code"].map({code: i + 1 for i, code in enumerate(ranked["code"])}).astype("Int64")
    )
    return frame.sort_values(["rank", "code"], na_position="last", ignore_index=True)


def _median_with_interval(values: np.ndarray | None) -> tuple[float, float, float]:
    if values is None or len(values) == 0:
        return float("nan"), float("nan"), float("nan")
    low, high = median_interval(values)
    return float(np.median(values)), low, high


AUDIT_FLAGS = ("no_after_photo", "fast_close", "reopened", "low_star")


def _flags_sql(settings: ReviewSettings) -> dict[str, str]:
    return queries.audit_flags(settings.fast_close_hours)


def closure_audit(
    con: Reader, *, filters: Filters, layer: AreaLayer, settings: ReviewSettings
) -> pd.DataFrame:
    """Per district: finished tickets and the share of them with each warning sign."""
    where, params = metrics.replace_filters(
        filters, district=None, subdistrict=None, state_group="all"
    ).where()
    sql = queries.closure_audit(where, _flags_sql(settings))
    audited = con.execute(sql, params).df().set_index("code")
    frame = pd.DataFrame(
        {"code": layer.codes, "name_th": layer.names_th, "name_en": layer.names_en}
    )
    for column in ("finished", "rated", "with_reopen_count", *AUDIT_FLAGS):
        frame[column] = frame["code"].map(audited[column]).fillna(0).astype("int64")
    finished = frame["finished"].where(frame["finished"] > 0)
    for name in ("no_after_photo", "fast_close"):
        frame[f"{name}_share"] = frame[name] / finished
    # shares over the tickets that carry the field, not over all finished ones
    counted = frame["with_reopen_count"]
    frame["reopened_share"] = frame["reopened"] / counted.where(counted > 0)
    frame["low_star_share"] = frame["low_star"] / frame["rated"].where(frame["rated"] > 0)
    return frame.sort_values(
        "no_after_photo_share", ascending=False, na_position="last", ignore_index=True
    )


def flagged_tickets(
    con: Reader, *, filters: Filters, settings: ReviewSettings, limit: int = 200
) -> pd.DataFrame:
    """Finished tickets with at least one warning sign, most signs first, then newest."""
    where, params = metrics.replace_filters(filters, state_group="all").where()
    sql = queries.flagged_tickets(where, _flags_sql(settings))
    return con.execute(sql, [*params, limit]).df()


def flag_labels(row: Mapping[Any, Any]) -> list[str]:
    """Names of the warning signs a flagged ticket has."""
    return [name for name in AUDIT_FLAGS if bool(row.get(name))]
