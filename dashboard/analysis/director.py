"""The district director's week: targets and overdue, what changed, who is responsible,
recurring problems. Pure: no streamlit; the page, the action sheet and the CLI read it.

Terms, defined once here:
- A ticket's **target** is the shortest of its categories' targets (`targets.Targets`);
  it is **due** that many days after its report, and **overdue** while it is open past
  that (`days_overdue` > 0, in whole days of age against the store's as-of instant).
- **On time**: finished within the target. It needs a finish time (`queries.FINISH_TIME`:
  Traffy's own where the data has it, else the last change standing in); a figure that
  rests on it says "not available" without any.
- **Ratio** (CityScore-style): days to finish ÷ target, median over tickets. 1.0 = on
  target; below 1 is faster than the target (better), above 1 slower.
- The **responsible unit** is the last organisation listed on the ticket (the dump lists
  the district office first, then the section or agency the ticket was passed to).
- A **recurrence** is a place where the same category was reported again after an
  earlier report there was finished (see `recurrences`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from dashboard.analysis.change import Change, Period, count_change, share_change
from dashboard.analysis.filters import Filters, replace_filters
from dashboard.analysis.metrics import category_tuples, per_10k
from dashboard.analysis.routing import own_office
from dashboard.analysis.targets import Targets
from dashboard.config import RECURRENCE_METERS
from dashboard.store import Reader, queries
from dashboard.vocab import BANGKOK_TZ, FINISHED, TOP_LEVEL_ORGANISATIONS, UNSPECIFIED

WEEK_DAYS = 7
DEFAULT_COMPARE_DAYS = 28


# --- targets and overdue -------------------------------------------------------------------


def _categories(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    return tuple(str(c) for c in value)


def judge(frame: pd.DataFrame) -> pd.DataFrame:
    """Add `overdue`, `days_overdue`, `timed`, `on_time` and `finish_days` to tickets.

    Rows carry `target_days` (from the query: `queries.target_days`), `is_open`,
    `age_days` (whole days to the as-of instant) and `finish_hours` (finished with a
    finish time, whole hours rounded up); a row may stand for `tickets` tickets.
    """
    out = frame.copy()
    if "tickets" not in out:
        out["tickets"] = 1
    out["target_days"] = out["target_days"].astype("int64")
    age = pd.to_numeric(out["age_days"], errors="coerce")
    is_open = out["is_open"].astype(bool)
    out["days_overdue"] = (age - out["target_days"]).where(is_open)
    out["overdue"] = is_open & (out["days_overdue"] > 0)
    hours = pd.to_numeric(out["finish_hours"], errors="coerce")
    out["timed"] = hours.notna() & ~is_open
    out["on_time"] = out["timed"] & (hours <= out["target_days"] * 24)
    out["finish_days"] = hours / 24
    return out


@dataclass(frozen=True)
class DueFigures:
    """Targets judged over a set of tickets."""

    open: int
    overdue: int
    timed: int
    """finished tickets with a finish time (what on-time rests on)"""
    on_time: int
    ratio: float | None
    """median (days to finish ÷ target); None without finish times"""

    @property
    def overdue_share(self) -> float | None:
        return self.overdue / self.open if self.open else None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.timed if self.timed else None


def due_figures(judged: pd.DataFrame) -> DueFigures:
    weights = judged["tickets"].astype("int64")
    timed = judged[judged["timed"]]
    return DueFigures(
        open=int(weights[judged["is_open"].astype(bool)].sum()),
        overdue=int(weights[judged["overdue"]].sum()),
        timed=int(timed["tickets"].sum()),
        on_time=int(weights[judged["on_time"]].sum()),
        ratio=_weighted_median(timed["finish_days"] / timed["target_days"], timed["tickets"]),
    )


def _weighted_median(values: pd.Series, weights: pd.Series) -> float | None:
    if values.empty:
        return None
    order = np.argsort(values.to_numpy(dtype=float), kind="stable")
    ordered = values.to_numpy(dtype=float)[order]
    cumulative = np.cumsum(weights.to_numpy(dtype=float)[order])
    total = cumulative[-1]
    low = ordered[np.searchsorted(cumulative, total / 2)]
    high = ordered[np.searchsorted(cumulative, total / 2, side="right")] if total % 2 == 0 else low
    return float((low + high) / 2)


def by_category(judged: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Per category: its target, open, overdue, finished with a time, on time, ratio.

    A ticket with two categories counts in each, judged against that category's target
    (so a category's overdue count can differ from the ticket-level count, which uses the
    shortest target).
    """
    columns = ["categories", "is_open", "age_days", "finish_hours"]
    listed = judged[columns].assign(
        category=judged["categories"].map(lambda cs: list(_categories(cs)) or [UNSPECIFIED])
    )
    listed = listed.explode("category", ignore_index=True)
    listed["target_days"] = listed["category"].map(
        {c: targets.category_days(str(c)) for c in listed["category"].unique()}
    )
    again = judge(listed)
    again["ratio"] = again["finish_days"] / again["target_days"]
    grouped = again.groupby("category", sort=False)
    frame = pd.DataFrame(
        {
            "target_days": grouped["target_days"].first(),
            "open": grouped["is_open"].sum().astype("int64"),
            "overdue": grouped["overdue"].sum().astype("int64"),
            "timed": grouped["timed"].sum().astype("int64"),
            "on_time": grouped["on_time"].sum().astype("int64"),
            "ratio": grouped["ratio"].median(),
        }
    ).reset_index()
    frame["on_time_share"] = (frame["on_time"] / frame["timed"]).where(frame["timed"] > 0)
    frame["category"] = frame["category"].astype(str)
    frame = frame[["category", "target_days", "open", "overdue", "timed", "on_time",
                   "on_time_share", "ratio"]]  # fmt: skip
    return frame.sort_values(
        ["overdue", "open", "category"], ascending=[False, False, True], ignore_index=True
    )


SUBDISTRICT_COLUMNS = ("code", "open", "open_per_10k", "overdue", "oldest_open_days")


def subdistrict_backlog(
    judged: pd.DataFrame, *, codes: Sequence[str], population: Mapping[str, int] | None
) -> pd.DataFrame:
    """Per subdistrict of `codes` (each once, zeros included): its open tickets, those per
    10,000 residents (NaN where `population` does not know it), those past their target,
    and the age in whole days of its oldest open ticket (missing without one); most open
    first. `judged`: a view's tickets (`week_tickets`, `reported_within`)."""
    open_ = judged[judged["is_open"].astype(bool)]
    weights = open_["tickets"].astype("int64")
    by_code = open_.assign(
        open=weights, overdue=weights.where(open_["overdue"].astype(bool), 0)
    ).groupby("subdistrict_code")
    frame = pd.DataFrame({"code": list(codes)})
    frame["open"] = frame["code"].map(by_code["open"].sum()).fillna(0).astype("int64")
    frame["open_per_10k"] = per_10k(frame, population)
    frame["overdue"] = frame["code"].map(by_code["overdue"].sum()).fillna(0).astype("int64")
    oldest = pd.to_numeric(open_["age_days"], errors="coerce").groupby(open_["subdistrict_code"])
    frame["oldest_open_days"] = frame["code"].map(oldest.max()).astype("Int64")
    frame = frame.sort_values(["open", "code"], ascending=[False, True], ignore_index=True)
    return frame[list(SUBDISTRICT_COLUMNS)]


# --- the week's tickets ------------------------------------------------------------------


def week_tickets(
    con: Reader, *, filters: Filters, as_of: datetime, targets: Targets, texts: bool = True
) -> pd.DataFrame:
    """Every ticket of the view (all dates and states: periods are chosen afterwards),
    judged against `targets` (see `judge`). Without `texts`, the long texts
    (`queries.TICKET_TEXTS`) are left out: a page keeps this frame in its cache and shows
    them for a few tickets only (`with_texts`)."""
    where, params = week_filters(filters).where()
    target = queries.target_days(targets.sql_groups(), targets.default_days)
    frame = con.execute(
        queries.week_tickets(where, target, texts=texts), [as_of, *targets.sql_params(), *params]
    ).df()
    frame["categories"] = category_tuples(frame["categories"])
    frame["reported_day"] = _bangkok_days(frame["reported_at"])
    finished = frame["state"].eq(FINISHED) & frame["finish_time"].notna()
    frame["finished_day"] = _bangkok_days(frame["finish_time"]).where(finished, None)
    organizations = frame["organization"]
    units = {value: responsible_unit(value) for value in organizations.dropna().unique()}
    frame["unit"] = [
        units.get(value) if isinstance(value, str) else None for value in organizations
    ]
    return judge(frame)


def with_texts(con: Reader, tickets: pd.DataFrame, *, filters: Filters) -> pd.DataFrame:
    """`tickets` of the view `filters` (from `week_tickets` without texts) with their long
    texts, in their order."""
    ids = [str(i) for i in tickets["ticket_id"]]
    where, params = week_filters(filters).where()
    texts = con.execute(queries.ticket_texts_of(where), [ids, *params]).df().set_index("ticket_id")
    out = tickets.drop(columns=[c for c in queries.TICKET_TEXTS if c in tickets])
    for column in queries.TICKET_TEXTS:
        out[column] = out["ticket_id"].map(texts[column])
    return out


def week_filters(filters: Filters) -> Filters:
    """What the week's tickets depend on: the area and categories (all dates and states)."""
    return replace_filters(filters, since=None, until=None, state_group="all")


def reported_within(judged: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The tickets reported within the filter's dates (Bangkok days)."""
    days = judged["reported_day"]
    keep = pd.Series(True, index=judged.index)
    if filters.since:
        keep &= days >= filters.since
    if filters.until:
        keep &= days <= filters.until
    return judged[keep]


def first_report_day(con: Reader) -> date | None:
    value = con.execute(queries.FIRST_REPORT).fetchall()[0][0]
    return value.astimezone(BANGKOK_TZ).date() if isinstance(value, datetime) else None


def _bangkok_days(series: pd.Series) -> pd.Series:
    """Bangkok calendar days as `date` objects (None where there is no time)."""
    stamps = pd.to_datetime(series, utc=True)
    days = stamps.dt.tz_convert(BANGKOK_TZ).dt.date.astype(object)
    return days.where(stamps.notna(), None)


def open_due(judged: pd.DataFrame) -> pd.DataFrame:
    """The open tickets with due date, most overdue first (then oldest)."""
    open_ = judged[judged["is_open"].astype(bool)].copy()
    due = pd.to_datetime(open_["reported_day"]) + pd.to_timedelta(open_["target_days"], unit="D")
    open_["due_day"] = due.dt.date
    return open_.sort_values(
        ["days_overdue", "reported_at", "ticket_id"],
        ascending=[False, True, True],
        ignore_index=True,
    )


# --- what changed -------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """The same figures in the current period and an earlier one (or why not)."""

    period: Period
    earlier: Period
    reaches: bool
    """the data reaches back to the start of the earlier period"""
    rows: dict[str, Change]


def compare_period(
    tickets: pd.DataFrame, *, period: Period, earlier: Period, first_day: date | None
) -> Comparison:
    """Reported (a count, per day), open share of those reported, on-time share."""
    reaches = first_day is not None and first_day <= earlier.since
    now = _in(tickets, period)
    before = _in(tickets, earlier)
    rows = {
        "reported": count_change(
            len(now), len(before), now_days=period.days, before_days=earlier.days
        ),
        "open_share": share_change(
            int(now["is_open"].sum()), len(now), int(before["is_open"].sum()), len(before)
        ),
    }
    if "on_time" in tickets:
        rows["on_time_share"] = share_change(
            int(now["on_time"].sum()),
            int(now["timed"].sum()),
            int(before["on_time"].sum()),
            int(before["timed"].sum()),
        )
    return Comparison(period=period, earlier=earlier, reaches=reaches, rows=rows)


def compare_counts(
    tickets: pd.DataFrame, *, key: str, period: Period, earlier: Period
) -> list[tuple[str, Change]]:
    """Reports per `key` value (a column of codes, or `categories`) now and before, most
    reported now first."""

    def counts(part: pd.DataFrame) -> dict[str, int]:
        column = part[key]
        if key == "categories":
            column = column.map(lambda cs: list(_categories(cs)) or [UNSPECIFIED]).explode()
        return {str(k): int(v) for k, v in column.dropna().value_counts().items()}

    now, before = counts(_in(tickets, period)), counts(_in(tickets, earlier))
    keys = sorted(set(now) | set(before), key=lambda k: (-now.get(k, 0), k))
    return [
        (
            value,
            count_change(
                now.get(value, 0),
                before.get(value, 0),
                now_days=period.days,
                before_days=earlier.days,
            ),
        )
        for value in keys
    ]


def _in(tickets: pd.DataFrame, period: Period) -> pd.DataFrame:
    days = tickets["reported_day"]
    return tickets[(days >= period.since) & (days <= period.until)]


def compare_period_for(filters: Filters, newest_report: datetime) -> Period:
    """The filter's dates, or the last four weeks up to the newest report."""
    until = filters.until or newest_report.astimezone(BANGKOK_TZ).date()
    since = filters.since or until - timedelta(days=DEFAULT_COMPARE_DAYS - 1)
    return Period(since=since, until=until)


@dataclass(frozen=True)
class Week:
    """Since last week: the seven Bangkok days up to the as-of day against the seven before."""

    this: Period
    last: Period
    new: Change
    finished: Change | None
    """None: the data has no finish times"""
    still_open: int
    """of this week's new reports, still open"""
    open_now: int
    newly_overdue: Change
    unknown_overdue: int
    """finished tickets whose due day fell in either week but whose finish time is unknown"""


def since_last_week(judged: pd.DataFrame, *, as_of_day: date, days: int = WEEK_DAYS) -> Week:
    """The `days` Bangkok days up to `as_of_day` against the `days` before (a week; an
    alert's daily digest asks for one day)."""
    this = Period(since=as_of_day - timedelta(days=days - 1), until=as_of_day)
    last = this.previous()
    new_this, new_last = _in(judged, this), _in(judged, last)
    finished_now = judged["state"].eq(FINISHED)
    # a zero is real when nothing is finished; unknown when finished tickets have no time
    has_times = bool(judged["finished_day"].notna().any()) or not bool(finished_now.any())
    finished = None
    if has_times:
        done = judged["finished_day"]
        finished = count_change(
            int(done.map(lambda d: d is not None and not pd.isna(d) and this.contains(d)).sum()),
            int(done.map(lambda d: d is not None and not pd.isna(d) and last.contains(d)).sum()),
            now_days=days,
            before_days=days,
        )
    due = [
        day + timedelta(days=int(target)) + timedelta(days=1)
        for day, target in zip(judged["reported_day"], judged["target_days"], strict=True)
    ]  # overdue from the day after the due day
    judged = judged.assign(overdue_from=due)
    newly = {}
    unknown = 0
    for name, week in (("this", this), ("last", last)):
        inside = judged[judged["overdue_from"].map(week.contains).astype(bool)]
        finished_later = inside["finished_day"].map(lambda d: d is not None and not pd.isna(d)) & (
            inside["finished_day"].map(
                lambda d: d if d is not None and not pd.isna(d) else date.min
            )
            >= inside["overdue_from"]
        )
        counted = inside["is_open"].astype(bool) | finished_later
        unknown += int((inside["state"].eq(FINISHED) & inside["finished_day"].isna()).sum())
        newly[name] = int(counted.sum())
    return Week(
        this=this,
        last=last,
        new=count_change(len(new_this), len(new_last), now_days=days, before_days=days),
        finished=finished,
        still_open=int(new_this["is_open"].sum()),
        open_now=int(judged["is_open"].sum()),
        newly_overdue=count_change(newly["this"], newly["last"], now_days=days, before_days=days),
        unknown_overdue=unknown,
    )


# --- who is responsible --------------------------------------------------------------------


def organisations(value: Any) -> list[str]:
    """The organisations listed on a ticket, in order, spaces tidied."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [" ".join(part.split()) for part in str(value).split(",") if part.strip()]


def responsible_unit(value: Any) -> str | None:
    listed = organisations(value)
    return listed[-1] if listed else None


@dataclass(frozen=True)
class Responsibility:
    units: pd.DataFrame
    """per responsible unit: open, overdue, median age of open (days), finished with a time
    and their median days to finish, and whether the unit is outside the district office"""
    below_top: int
    """tickets naming an organisation below the city (what this rests on)"""
    tickets: int
    forwarded_outside: int
    """tickets passed to an organisation outside the district office"""

    @property
    def only_top_level(self) -> bool:
        return self.below_top == 0

    @property
    def forwarded_share(self) -> float | None:
        return self.forwarded_outside / self.below_top if self.below_top else None


def responsibility(judged: pd.DataFrame, *, district_name_th: str) -> Responsibility:
    listed = judged["organization"].map(organisations)
    below_top = listed.map(lambda units: any(u not in TOP_LEVEL_ORGANISATIONS for u in units))
    outside = listed.map(
        lambda units: any(
            u not in TOP_LEVEL_ORGANISATIONS and not own_office(u, district_name_th) for u in units
        )
    )
    rows = []
    for unit, group in judged.groupby(judged["unit"].fillna(""), sort=False):
        open_ = group[group["is_open"].astype(bool)]
        timed = group[group["timed"]]
        rows.append(
            {
                "unit": unit,
                "outside": bool(unit)
                and unit not in TOP_LEVEL_ORGANISATIONS
                and not own_office(unit, district_name_th),
                "tickets": len(group),
                "open": len(open_),
                "overdue": int(open_["overdue"].sum()),
                "median_open_age": float(open_["age_days"].median()) if len(open_) else None,
                "timed": len(timed),
                "median_days_to_finish": float(timed["finish_days"].median())
                if len(timed)
                else None,
            }
        )
    columns = [
        "unit",
        "outside",
        "tickets",
        "open",
        "overdue",
        "median_open_age",
        "timed",
        "median_days_to_finish",
    ]
    units = pd.DataFrame(rows, columns=columns).sort_values(
        ["overdue", "open", "unit"], ascending=[False, False, True], ignore_index=True
    )
    return Responsibility(
        units=units,
        below_top=int(below_top.sum()),
        tickets=len(judged),
        forwarded_outside=int(outside.sum()),
    )


# --- recurring problems ---------------------------------------------------------------------

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON_EQUATOR = 111_320.0


@dataclass(frozen=True)
class Recurrences:
    register: pd.DataFrame
    """one row per recurring place, worst first"""
    radius_m: float
    with_finish_times: bool
    """False: the rule used 'finished now' for the earlier report (its finish time unknown)"""


REGISTER_COLUMNS = [
    "category", "lat", "lon", "subdistrict_code", "address", "reports", "finished", "open",
    "first_report", "last_report", "ticket_ids",
]  # fmt: skip


def recurrences(tickets: pd.DataFrame, *, radius_m: float = RECURRENCE_METERS) -> Recurrences:
    """Places where one category was reported again after an earlier report was finished.

    Per category, tickets within `radius_m` of each other are linked (a KD-tree on local
    metres, not a double loop) and each connected group is one place. A place recurs when
    a report came after an earlier report of the place was finished: by its finish time
    where the data has one; without finish times, after a report that is finished now
    (said on the page: a weaker rule). Untyped tickets are left out (two untyped reports
    need not be the same problem); so are tickets without a usable location.
    """
    located = tickets[
        tickets["location_issue"].isna() & tickets["lon"].notna() & tickets["lat"].notna()
    ]
    with_times = bool(located["finished_day"].notna().any()) if len(located) else False
    listed = located.assign(
        category=located["categories"].map(lambda cs: list(_categories(cs)))
    ).explode("category")
    listed = listed[listed["category"].notna()]
    parts = []
    for category, group in listed.groupby("category", sort=True):
        labels = _place_labels(group, radius_m)
        if labels is not None:
            parts.append(group.assign(place=[f"{category}#{label}" for label in labels]))
    if not parts:
        return Recurrences(pd.DataFrame(columns=REGISTER_COLUMNS), radius_m, with_times)
    placed = pd.concat(parts, ignore_index=True)
    placed = placed[placed["place"].map(placed["place"].value_counts()) > 1]
    placed = placed.sort_values(["place", "reported_at", "ticket_id"], ignore_index=True)
    register = _register(placed, with_times)
    register = register.sort_values(
        ["reports", "finished", "last_report", "category"],
        ascending=[False, False, False, True],
        ignore_index=True,
    )
    return Recurrences(register=register, radius_m=radius_m, with_finish_times=with_times)


def _place_labels(group: pd.DataFrame, radius_m: float) -> np.ndarray | None:
    """Each ticket's place number (connected within `radius_m`), or None: no two are close."""
    if len(group) < 2:
        return None
    lat0 = float(group["lat"].mean())
    x = (
        group["lon"].to_numpy(dtype=float)
        * METRES_PER_DEGREE_LON_EQUATOR
        * math.cos(math.radians(lat0))
    )
    y = group["lat"].to_numpy(dtype=float) * METRES_PER_DEGREE_LAT
    pairs = cKDTree(np.column_stack([x, y])).query_pairs(radius_m, output_type="ndarray")
    if len(pairs) == 0:
        return None
    n = len(group)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels)


def _register(placed: pd.DataFrame, with_times: bool) -> pd.DataFrame:
    """One row per recurring place (of tickets sorted by place and report time)."""
    reported = pd.to_datetime(placed["reported_at"], utc=True)
    finished = placed["state"].eq(FINISHED)
    if with_times:
        # the earliest finish of the place, before its latest report
        done = pd.to_datetime(placed["finish_time"], utc=True).where(
            finished & placed["finished_day"].notna()
        )
    else:
        # finish time unknown: a finished report's own report time stands for it
        done = reported.where(finished)
    frame = placed.assign(
        _reported=reported, _done=done, _finished=finished, _open=placed["is_open"].astype(bool)
    )
    grouped = frame.groupby("place", sort=False)
    summary = grouped.agg(
        category=("category", "first"),
        lat=("lat", "mean"),
        lon=("lon", "mean"),
        subdistrict_code=("subdistrict_code", "last"),
        address=("address", "last"),
        reports=("ticket_id", "size"),
        finished=("_finished", "sum"),
        open=("_open", "sum"),
        first_report=("reported_day", "first"),
        last_report=("reported_day", "last"),
        latest=("_reported", "max"),
        first_done=("_done", "min"),
    )
    summary["ticket_ids"] = grouped["ticket_id"].agg(list)
    recurs = summary["first_done"].notna() & (summary["latest"] > summary["first_done"])
    return summary[recurs][REGISTER_COLUMNS].reset_index(drop=True)


# --- everything the district page shows, computed once per view ------------------------------

MOST_OVERDUE_ROWS = 20


@dataclass(frozen=True)
class DueOverview:
    """Targets judged over a view: what the district overview shows."""

    figures: DueFigures
    finished: int
    """finished tickets in the view (what on-time share could rest on)"""
    most_overdue: pd.DataFrame
    """the first `MOST_OVERDUE_ROWS` open tickets, most overdue first (`open_due`)"""


def due_overview(judged: pd.DataFrame, filters: Filters) -> DueOverview:
    in_view = reported_within(judged, filters)
    return DueOverview(
        figures=due_figures(in_view),
        finished=int(in_view["state"].eq(FINISHED).sum()),
        most_overdue=open_due(in_view).head(MOST_OVERDUE_ROWS),
    )


@dataclass(frozen=True)
class WeekReport:
    """The director's week for one view, small enough to cache and send to every session."""

    by_category: pd.DataFrame
    week: Week
    period: Period
    first_day: date | None
    comparisons: dict[str, Comparison]
    """'previous' and 'last_year'"""
    category_changes: list[tuple[str, Change]]
    subdistrict_changes: list[tuple[str, Change]]
    responsibility: Responsibility
    recurrences: Recurrences


def week_report(
    judged: pd.DataFrame,
    *,
    filters: Filters,
    targets: Targets,
    as_of: datetime,
    newest_report: datetime,
    first_day: date | None,
    district_name_th: str,
    radius_m: float = RECURRENCE_METERS,
) -> WeekReport:
    """Every panel of the director's week from a view's judged tickets (all dates): the
    view's dates choose what is judged; the comparisons look beyond them."""
    in_view = reported_within(judged, filters)
    period = compare_period_for(filters, newest_report)
    previous = period.previous()
    comparisons = {
        "previous": compare_period(judged, period=period, earlier=previous, first_day=first_day),
        "last_year": compare_period(
            judged, period=period, earlier=period.last_year(), first_day=first_day
        ),
    }
    reaches = comparisons["previous"].reaches
    return WeekReport(
        by_category=by_category(in_view, targets),
        week=since_last_week(judged, as_of_day=as_of.astimezone(BANGKOK_TZ).date()),
        period=period,
        first_day=first_day,
        comparisons=comparisons,
        category_changes=compare_counts(judged, key="categories", period=period, earlier=previous)
        if reaches
        else [],
        subdistrict_changes=compare_counts(
            judged, key="subdistrict_code", period=period, earlier=previous
        )
        if reaches
        else [],
        responsibility=responsibility(in_view, district_name_th=district_name_th),
        recurrences=recurrences(in_view, radius_m=radius_m),
    )
