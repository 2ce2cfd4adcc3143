"""What changed: a figure now against the same figure in an earlier period, and whether the
difference is larger than noise. Pure: numbers in, numbers out.

- A count (tickets reported) is compared as a rate per day. Given both counts, the share
  that fell in the current period is binomial under "no change"; its exact
  (Clopper–Pearson) 95% interval, turned back into a rate ratio, is the interval of the
  change. The change is beyond noise when that interval leaves out "no change".
- A share (open share, on-time share) is compared as a difference of two proportions with
  Newcombe's hybrid score interval (method 10, from two Wilson intervals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Period:
    """A run of Bangkok days, inclusive; the previous run of equal length; the same days a
    year earlier."""

    since: date
    until: date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def previous(self) -> Period:
        end = self.since - timedelta(days=1)
        return Period(since=end - timedelta(days=self.days - 1), until=end)

    def last_year(self) -> Period:
        return Period(since=_year_before(self.since), until=_year_before(self.until))

    def contains(self, day: date) -> bool:
        return self.since <= day <= self.until


def _year_before(day: date) -> date:
    """The same day a year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


Kind = Literal["count", "share"]


@dataclass(frozen=True)
class Change:
    """A figure now and before, its change and the change's 95% interval.

    For a count, `change`, `low` and `high` are relative (+0.25 = a quarter more per day);
    for a share, they are differences in share (+0.05 = five points more). `None` where
    the data gives nothing to compare (no tickets in either period).
    """

    kind: Kind
    now: float | None
    before: float | None
    change: float | None
    low: float | None
    high: float | None

    @property
    def beyond_noise(self) -> bool | None:
        """True when the interval leaves out 'no change'; None when nothing can be judged."""
        if self.low is None or self.high is None:
            return None
        return self.low > 0 or self.high < 0


def count_change(now: int, before: int, *, now_days: int, before_days: int) -> Change:
    """Tickets now against before, as a change in the rate per day."""
    if now_days <= 0 or before_days <= 0:
        raise ValueError("periods must have days")
    if before == 0:
        # no rate to be relative to; with reports now, the interval is open upwards
        if now == 0:
            return Change("count", now, before, None, None, None)
        return Change(
            "count", now, before, None, _ratio_low(now, before, now_days, before_days) - 1, math.inf
        )
    ratio = (now / now_days) / (before / before_days)
    low = _ratio_low(now, before, now_days, before_days) - 1 if now > 0 else -1.0
    high = _ratio_high(now, before, now_days, before_days) - 1
    return Change("count", now, before, ratio - 1, low, high)


def _ratio_low(now: int, before: int, now_days: int, before_days: int) -> float:
    alpha = 1 - CONFIDENCE
    share = float(stats.beta.ppf(alpha / 2, now, before + 1))
    return _to_ratio(share, now_days, before_days)


def _ratio_high(now: int, before: int, now_days: int, before_days: int) -> float:
    alpha = 1 - CONFIDENCE
    share = float(stats.beta.ppf(1 - alpha / 2, now + 1, before))
    return _to_ratio(share, now_days, before_days)


def _to_ratio(share: float, now_days: int, before_days: int) -> float:
    """The rate ratio (now ÷ before, per day) that puts `share` of the tickets in 'now'."""
    if share >= 1:
        return math.inf
    return share / (1 - share) * before_days / now_days


def share_change(hits_now: int, n_now: int, hits_before: int, n_before: int) -> Change:
    """A share now (hits_now of n_now) against before, as a difference with Newcombe's interval."""
    now = hits_now / n_now if n_now else None
    before = hits_before / n_before if n_before else None
    if now is None or before is None:
        return Change("share", now, before, None, None, None)
    low_now, high_now = wilson(hits_now, n_now)
    low_before, high_before = wilson(hits_before, n_before)
    difference = now - before
    low = difference - math.sqrt((now - low_now) ** 2 + (high_before - before) ** 2)
    high = difference + math.sqrt((high_now - now) ** 2 + (before - low_before) ** 2)
    return Change("share", now, before, difference, low, high)


def wilson(hits: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval for a proportion."""
    z = float(stats.norm.ppf(1 - (1 - CONFIDENCE) / 2))
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
