"""Ticket metrics over the store: one place for every number the CLI and dashboard show.

Pure Python and SQL; never imports streamlit. Dates in filters are Bangkok local dates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from dashboard.analysis.coverage import Coverage
from dashboard.analysis.filters import Filters, replace_filters
from dashboard.analysis.targets import Targets
from dashboard.analysis.targets import load as load_targets
from dashboard.boundaries import AreaLayer
from dashboard.store import Reader, has_table, queries
from dashboard.vocab import FINISHED, TRAFFY_GROUPS, UNSPECIFIED

AreaLevel = Literal["district", "subdistrict"]
NO_LOCATION_CODE = "none"
NO_LOCATION_NAME_TH = "ไม่มีตำแหน่งที่ใช้ได้"
NO_LOCATION_NAME_EN = "No usable location"

SUMMARY_COLUMNS = (
    "code",
    "name_th",
    "name_en",
    "total",
    "open",
    "finished",
    "irrelevant",
    "unknown",
    "open_share",
    "open_per_10k",
    "median_days_to_finish",
    "open_age_0_7",
    "open_age_8_30",
    "open_age_31_90",
    "open_age_over_90",
    "open_over_30",
    "reopened",
    "mean_star",
    "overdue",
    "timed",
    "on_time",
    "on_time_share",
)


JUDGED_COLUMNS = ("overdue", "timed", "on_time", "on_time_share")
"""The summary's columns that judge tickets against the targets (`area_summary(judged=)`)."""


def store_as_of(con: Reader) -> datetime | None:
    """Return the newest `reported_at` or `last_activity` in the store (UTC), or None if empty."""
    rows = con.execute(queries.AS_OF).fetchall()
    value = rows[0][0] if rows else None
    return value if isinstance(value, datetime) else None


def tally(con: Reader, *, by: AreaLevel, filters: Filters, as_of: datetime | None) -> pd.DataFrame:
    """The filtered tickets counted per area and per combination of what the figures ask of
    a ticket (`queries.tally`): the one count behind `area_summary`, `totals` and
    `data_coverage`, so a page showing all three scans its tickets once. `as_of` None
    leaves the open-age buckets out (`age` -1)."""
    where, params = filters.where()
    sql = queries.tally(
        code_column=_code_column(by),
        where=where,
        no_location_code=NO_LOCATION_CODE,
        aged=as_of is not None,
    )
    edges = queries.age_edges(as_of) if as_of is not None else []
    return con.execute(sql, [*edges, *params]).df()


def judged_counts(
    con: Reader, *, by: AreaLevel, filters: Filters, as_of: datetime, targets: Targets | None
) -> pd.DataFrame:
    """Per area code: `overdue` and `on_time` against `targets` (default: those in force)."""
    targets = targets or load_targets()
    where, params = filters.where()
    sql = queries.judged(
        code_column=_code_column(by),
        where=where,
        no_location_code=NO_LOCATION_CODE,
        target=queries.target_days(targets.sql_groups(), targets.default_days),
    )
    return con.execute(sql, [as_of, *targets.sql_params(), *params]).df()


def _code_column(by: AreaLevel) -> str:
    return "district_code" if by == "district" else "subdistrict_code"


def finish_medians(con: Reader, *, by: AreaLevel | None, filters: Filters) -> dict[str, float]:
    """Median days to finish per area code (`by` None: the one city-wide value, code ''),
    over the filtered tickets with a finish time; an area without any is left out."""
    where, params = filters.where()
    sql = queries.finish_medians(
        code_column=None if by is None else _code_column(by),
        where=where,
        no_location_code=NO_LOCATION_CODE,
    )
    return {str(code): float(value) for code, value in con.execute(sql, params).fetchall()}


def has_finish_times(tally: pd.DataFrame) -> bool:
    """True when a tallied ticket has a finish time: only then is a median of days to
    finish asked of the store (`finish_medians`)."""
    return bool(tally["timed"].any())


def _tickets_counted(tally: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per tally row: how many of its tickets each count of the summary, the totals and the
    coverage takes (numpy, not pandas: a page sums a tally up to three times per run)."""
    n = tally["tickets"].to_numpy("int64")
    state = tally["state"].astype(str).to_numpy()
    age = tally["age"].to_numpy("int64")
    reopened = tally["reopened"].to_numpy("int64")

    def flag(name: str) -> np.ndarray:
        return tally[name].to_numpy(bool)

    finished = state == FINISHED
    return {
        "total": n,
        "open": n * flag("is_open"),
        "finished": n * finished,
        "irrelevant": n * (state == "irrelevant"),
        "unknown": n * (state == "unknown"),
        **{
            name: n * (age == index)
            for index, (name, _low, _high) in enumerate(queries.AGE_BUCKETS)
        },
        "open_age_over_90": n * (age == len(queries.AGE_BUCKETS)),
        "reopened": n * (reopened == 1),
        "reopen_known": n * (reopened >= 0),
        "timed": n * flag("timed"),
        "finished_after_photo": n * (finished & flag("after_photo")),
        "located": n * flag("located"),
        "typed": n * flag("typed"),
        "stars": tally["stars"].to_numpy("int64"),
        "star_sum": tally["star_sum"].to_numpy("float64"),
    }


def _counted(tally: pd.DataFrame) -> pd.DataFrame:
    """Per area code: every count the summary takes from a tally."""
    codes, row_code = np.unique(tally["code"].astype(str).to_numpy(), return_inverse=True)
    return pd.DataFrame(
        {
            name: np.bincount(row_code, weights=values, minlength=len(codes)).astype(values.dtype)
            for name, values in _tickets_counted(tally).items()
        },
        index=pd.Index(codes, name="code"),
    )


def _summed(tally: pd.DataFrame) -> dict[str, int]:
    """Every count the totals and the coverage take from a tally, over all of it."""
    return {name: int(values.sum()) for name, values in _tickets_counted(tally).items()}


def summarise(
    tally: pd.DataFrame,
    medians: dict[str, float],
    judged: pd.DataFrame | None,
    *,
    by: AreaLevel,
    layer: AreaLayer,
    population: dict[str, int] | None,
    filters: Filters,
) -> pd.DataFrame:
    """`area_summary`'s frame from a tally (by the same areas and filters, with ages), the
    areas' median days to finish (`finish_medians`) and their `judged_counts` (None leaves
    the `JUDGED_COLUMNS` out, as NaN)."""
    counted = _counted(tally)
    counted["median_days_to_finish"] = pd.Series(medians, dtype="float64")
    counted["mean_star"] = (counted["star_sum"] / counted["stars"]).where(counted["stars"] > 0)
    if judged is not None:
        counted = counted.join(judged.set_index("code")[["overdue", "on_time"]])
    frame = _every_area(layer, by, filters).join(counted, on="code")
    count_columns = [
        c
        for c in SUMMARY_COLUMNS
        if c not in _NOT_COUNTS and (judged is not None or c not in JUDGED_COLUMNS)
    ]
    frame[count_columns] = frame[count_columns].fillna(0).astype("int64")
    if judged is None:
        frame[list(JUDGED_COLUMNS)] = float("nan")
    _open_figures(frame, population if by == "district" else None)
    frame["on_time_share"] = (frame["on_time"] / frame["timed"]).where(frame["timed"] > 0)
    return frame[list(SUMMARY_COLUMNS)]


def area_summary(
    con: Reader,
    *,
    by: AreaLevel,
    layer: AreaLayer,
    population: dict[str, int] | None,
    filters: Filters,
    as_of: datetime,
    targets: Targets | None = None,
    judged: bool = True,
) -> pd.DataFrame:
    """Return one row per area (all of them, zeros included) plus a 'no usable location' row.

    `overdue` and `on_time_share` judge tickets against `targets` (default: those in
    force, `targets.load()`); `on_time_share` is NaN where no finished ticket has a time.
    `judged=False` leaves the `JUDGED_COLUMNS` out (NaN): a view that shows none of them
    does not pay for the targets' category overlaps (most of the query at 10M tickets).
    """
    tallied = tally(con, by=by, filters=filters, as_of=as_of)
    medians = finish_medians(con, by=by, filters=filters) if has_finish_times(tallied) else {}
    counts = (
        judged_counts(con, by=by, filters=filters, as_of=as_of, targets=targets) if judged else None
    )
    return summarise(
        tallied, medians, counts, by=by, layer=layer, population=population, filters=filters
    )


def open_per_10k(
    con: Reader, *, layer: AreaLayer, population: dict[str, int] | None, filters: Filters
) -> pd.DataFrame:
    """Every district's open tickets per 10,000 residents (code, open, total, open_per_10k):
    the same figures as `area_summary`'s, from one count per district (a district page
    compares its own with the city's median without the whole city summary, and asks
    `poor_denominators` of its totals)."""
    where, params = filters.where()
    counted = con.execute(queries.open_by_district(where), params).df().set_index("code")
    frame = pd.DataFrame({"code": layer.codes})
    frame["open"] = frame["code"].map(counted["open"]).fillna(0).astype("int64")
    frame["total"] = frame["code"].map(counted["total"]).fillna(0).astype("int64")
    frame["open_per_10k"] = per_10k(frame, population)
    return frame


def _every_area(layer: AreaLayer, by: AreaLevel, filters: Filters) -> pd.DataFrame:
    """Every area of the view (zeros included, a district's own subdistricts) and 'no location'."""
    areas = pd.DataFrame(
        {"code": layer.codes, "name_th": layer.names_th, "name_en": layer.names_en}
    )
    if filters.district and by == "subdistrict":
        areas = areas[[p == filters.district for p in layer.parent_codes]]
    no_location = pd.DataFrame(
        {
            "code": [NO_LOCATION_CODE],
            "name_th": [NO_LOCATION_NAME_TH],
            "name_en": [NO_LOCATION_NAME_EN],
        }
    )
    return pd.concat([areas, no_location], ignore_index=True)


_NOT_COUNTS = {
    "open_over_30",
    "code",
    "name_th",
    "name_en",
    "open_share",
    "open_per_10k",
    "median_days_to_finish",
    "mean_star",
    "on_time_share",
}


def _open_figures(frame: pd.DataFrame, population: Mapping[str, int] | None) -> None:
    """Add what a summary (of tickets or of a snapshot) derives from its counts: the open
    share, open per 10,000 residents (`population` None: unknown) and open over 30 days."""
    frame["open_share"] = (frame["open"] / frame["total"]).where(frame["total"] > 0)
    frame["open_per_10k"] = per_10k(frame, population)
    frame["open_over_30"] = frame["open_age_31_90"] + frame["open_age_over_90"]


def per_10k(frame: pd.DataFrame, population: Mapping[str, int] | None) -> pd.Series:
    """Open tickets (`open`) per 10,000 residents of each area (`code`); NaN where the
    population is not known."""
    if not population:
        return pd.Series([math.nan] * len(frame), index=frame.index, dtype="float64")
    people = frame["code"].map(population).astype("float64")
    return frame["open"] / people * 10_000


DAYTIME_FACTOR = 3.0
"""A district with this many times the city's tickets per registered resident has far more
people by day than on its register (a central business district)."""


def poor_denominators(summary: pd.DataFrame, population: dict[str, int]) -> dict[str, float]:
    """Districts whose registered population is a poor denominator for per-10k figures:
    code → their tickets per registered resident as a multiple of the city's (flagged from
    the data, at `DAYTIME_FACTOR` or more)."""
    frame = summary[summary["code"].isin(list(population))]
    people = frame["code"].map(population).astype("float64")
    if frame.empty or people.sum() == 0 or frame["total"].sum() == 0:
        return {}
    city = frame["total"].sum() / people.sum()
    ratio = (frame["total"] / people / city).to_numpy()
    return {
        str(code): round(float(times), 1)
        for code, times in zip(frame["code"], ratio, strict=True)
        if times >= DAYTIME_FACTOR
    }


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return rows as plain dicts with NaN turned into None (for JSON)."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return [{str(k): python_value(v) for k, v in row.items()} for row in rows]


def python_value(value: Any) -> Any:
    """A numpy scalar or array as the Python value or list (what JSON can write); any other
    value as it is."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass(frozen=True)
class Totals:
    """City- or area-wide headline numbers."""

    total: int
    open: int
    finished: int
    no_location: int
    median_days_to_finish: float | None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def finished_share(self) -> float | None:
        return self.finished / self.total if self.total else None


def totals_of(tally: pd.DataFrame, median_days_to_finish: float | None) -> Totals:
    """Headline counts from a tally of the filtered tickets (by any area) and their median
    days to finish (`finish_medians(by=None)`; None when no ticket has a finish time)."""
    counted = _summed(tally)
    return Totals(
        int(counted["total"]),
        int(counted["open"]),
        int(counted["finished"]),
        int(counted["total"] - counted["located"]),
        median_days_to_finish,
    )


def totals(con: Reader, *, filters: Filters) -> Totals:
    """Return headline counts for the filtered tickets."""
    counted = tally(con, by="district", filters=filters, as_of=None)
    median = finish_medians(con, by=None, filters=filters) if has_finish_times(counted) else {}
    return totals_of(counted, median.get(""))


def known_categories(con: Reader) -> list[str]:
    """Return every category in the store, most common first, with 'unspecified' last."""
    rows = con.execute(queries.KNOWN_CATEGORIES).fetchall()
    return [str(r[0]) for r in rows] + [UNSPECIFIED]


def parse_categories(values: Sequence[str]) -> tuple[str, ...]:
    """Return category names as a tuple, stripped and without empties."""
    return tuple(v.strip() for v in values if v and v.strip())


def weekly_trend(con: Reader, *, filters: Filters) -> pd.DataFrame:
    """Return tickets opened and finished per week (weeks start Monday, Bangkok time).

    A ticket counts as finished in the week of its `last_activity`; finished tickets without
    one (the 2022 API data) cannot be placed and are left out of the finished line.
    """
    where, params = filters.where()
    return con.execute(queries.weekly(where), params).df()


def category_counts(con: Reader, *, filters: Filters) -> pd.DataFrame:
    """Return total and open tickets per category ('unspecified' for none), largest first.

    A ticket with two categories counts once in each.
    """
    where, params = filters.where()
    sql = queries.category_counts(where, predicted_apart=filters.include_predicted)
    return con.execute(sql, params).df()


def predicted_category_counts(con: Reader, *, filters: Filters) -> pd.DataFrame:
    """Untyped tickets per category the classifier predicted (total, open), largest first."""
    where, params = filters.where()
    return con.execute(queries.predicted_category_counts(where), params).df()


def prediction_count(con: Reader) -> int:
    """How many tickets have a predicted category (0 when the store has no classifier)."""
    if not con.execute(queries.HAS_PREDICTIONS).fetchall()[0][0]:
        return 0
    return int(con.execute(queries.PREDICTION_COUNT).fetchall()[0][0])


def classifier_scores(con: Reader) -> dict[str, float]:
    """Held-out F1 of each category the classifier predicts."""
    rows = con.execute(queries.CLASSIFIER_SCORES).fetchall()
    return {str(c): float(f1) for c, f1, predicted in rows if predicted}


def predictions_for(
    con: Reader, *, ticket_ids: Sequence[str]
) -> dict[str, list[tuple[str, float]]]:
    """The predicted categories (with probability) of some tickets."""
    if not ticket_ids:
        return {}
    rows = con.execute(queries.PREDICTIONS_OF, [list(ticket_ids)]).fetchall()
    return {str(t): list(zip(cs, ps, strict=True)) for t, cs, ps in rows}


SearchScope = Literal["comment", "all"]


def _search(q: str, scope: SearchScope) -> tuple[str, list[Any]]:
    """The text search: the citizen's comment, or (scope 'all') comment, address and id.

    Addresses are left out by default: nearly every Bangkok address holds "ถนน" (road),
    so a search for a road problem would match almost everything.
    """
    if not q:
        return "TRUE", []
    if scope == "comment":
        return queries.SEARCH_COMMENT, [q]
    return queries.SEARCH_ALL, [q, q, q]


def tickets_page(
    con: Reader,
    *,
    filters: Filters,
    as_of: datetime,
    q: str = "",
    sort: str = "newest",
    limit: int = 5_000,
    scope: SearchScope = "comment",
) -> tuple[pd.DataFrame, int]:
    """Return up to `limit` filtered tickets matching the text `q`, and how many match in all."""
    where, params = filters.where()
    search, search_params = _search(q, scope)
    order = queries.SORTS.get(sort, queries.SORTS["newest"])
    matching = f"{where} AND {search}"
    total = con.execute(queries.count(matching), [*params, *search_params]).fetchall()[0][0]
    frame = con.execute(
        queries.ticket_list(matching, order), [as_of, *params, *search_params, limit]
    ).df()
    frame["categories"] = category_tuples(frame["categories"])
    return frame, int(total)


def category_tuples(column: pd.Series) -> list[tuple[str, ...]]:
    """A list column as tuples, not the driver's arrays: the dashboard caches frames that
    carry it, and a column of numpy arrays pickles ~20× slower (a district of 152k tickets:
    2.6 s against 0.1 s), on every cache hit and miss."""
    return [() if c is None else tuple(c) for c in column]


def oldest_open(con: Reader, *, filters: Filters, as_of: datetime, limit: int = 20) -> pd.DataFrame:
    """Return the oldest open tickets."""
    frame, _ = oldest_open_counted(con, filters=filters, as_of=as_of, limit=limit)
    return frame


def oldest_open_counted(
    con: Reader, *, filters: Filters, as_of: datetime, limit: int = 20
) -> tuple[pd.DataFrame, int]:
    """Return the oldest open tickets and how many are open in all."""
    return tickets_page(
        con,
        filters=replace_filters(filters, state_group="open"),
        as_of=as_of,
        sort="oldest",
        limit=limit,
    )


PointOrder = Literal["oldest", "newest"]


def coverage_of(tally: pd.DataFrame) -> Coverage:
    """What the tallied tickets carry (a tally of the filtered tickets, by any area)."""
    counted = _summed(tally)
    return Coverage(
        tickets=int(counted["total"]),
        finished=int(counted["finished"]),
        finish_time=int(counted["timed"]),
        star=int(counted["stars"]),
        after_photo=int(counted["finished_after_photo"]),
        reopen_count=int(counted["reopen_known"]),
        location=int(counted["located"]),
        category=int(counted["typed"]),
    )


def data_coverage(con: Reader, *, filters: Filters) -> Coverage:
    """What the filtered tickets carry (finish times, stars, after-photos, …)."""
    return coverage_of(tally(con, by="district", filters=filters, as_of=None))


def open_by_cell(con: Reader, *, filters: Filters, resolution: int) -> pd.DataFrame:
    """Return open tickets per H3 cell (as uint64 `cell`) at `resolution`, for located tickets."""
    where, params = filters.where()
    sql = queries.open_by_cell(where, resolution, queries.dialect_of(con))
    frame = con.execute(sql, params).df()
    # H3 cells are unsigned 64-bit (PostgreSQL hands them over signed): never let them
    # become floats when joined with the grid, which rounds them to other cells
    frame["cell"] = frame["cell"].astype("uint64")
    return frame


def last_ingest(con: Reader) -> dict[str, Any] | None:
    """Return the newest ingest's reconciliation, or None."""
    frame = con.execute(queries.LAST_INGEST).df()
    if frame.empty:
        return None
    return records(frame)[0]


def newest_report(con: Reader) -> datetime | None:
    """Return the newest `reported_at` in the store (the end of default review periods)."""
    value = con.execute(queries.NEWEST_REPORT).fetchall()[0][0]
    return value if isinstance(value, datetime) else None


# --- the backlog's history (daily snapshots) -------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The snapshot a past-date view shows: its day, and whether it was backfilled."""

    asked: date
    day: date
    backfilled: bool


@dataclass(frozen=True)
class Freshness:
    """When the store was last brought up to date, and how."""

    synced_at: datetime | None
    """the last `khetmap sync` (None: never synced; the data came from `khetmap ingest`)"""
    source: str | None
    complete: bool
    ingested_at: datetime | None
    last_change_share: float = 0.0
    """share of tickets with a last-change time (what backfilled history rests on)"""

    def stale(self, now: datetime, hours: float) -> bool:
        """True when synced before but not within `hours` (a stopped sync)."""
        return self.synced_at is not None and (now - self.synced_at).total_seconds() > hours * 3600


def freshness(con: Reader) -> Freshness:
    """The last sync and the last ingest of the store."""
    ingested = con.execute(queries.LAST_INGEST_AT).fetchall()[0][0]
    total, timed, _first = con.execute(queries.BACKFILL_BASIS).fetchall()[0]
    share = float(timed) / float(total) if total else 0.0
    rows = con.execute(queries.LAST_SYNC).fetchall() if has_table(con, "syncs") else []
    if not rows:
        return Freshness(None, None, False, ingested, share)
    source, _url, _started, finished, *_rest = rows[0]
    return Freshness(finished, str(source), bool(rows[0][8]), ingested, share)


def snapshot_for(con: Reader, asked: date) -> Snapshot | None:
    """The newest snapshot on or before `asked` (None: the history starts later, or is empty)."""
    if not has_table(con, "backlog_snapshots"):
        return None
    day = con.execute(queries.SNAPSHOT_ON_OR_BEFORE, [asked]).fetchall()[0][0]
    if day is None:
        return None
    day = day.date() if isinstance(day, datetime) else day
    backfilled = con.execute(queries.SNAPSHOT_KIND, [day]).fetchall()[0][0]
    return Snapshot(asked=asked, day=day, backfilled=bool(backfilled))


def _snapshot_filter(filters: Filters) -> tuple[str, list[Any]]:
    named = list(filters.categories)
    where = queries.snapshot_where(
        categories=bool(named),
        district=bool(filters.district),
        subdistrict=bool(filters.subdistrict),
    )
    params: list[Any] = [named] if named else []
    params += [c for c in (filters.district, filters.subdistrict) if c]
    return where, params


def backlog_history(con: Reader, *, filters: Filters) -> pd.DataFrame:
    """Open backlog per snapshot day and state: as_of, state, tickets, backfilled.

    With several categories chosen, a ticket filed under two of them counts in each.
    """
    columns = ["as_of", "state", "tickets", "backfilled"]
    if not has_table(con, "backlog_snapshots"):
        return pd.DataFrame(columns=columns)
    where, params = _snapshot_filter(filters)
    frame = con.execute(queries.backlog_history(where), params).df()
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    frame["tickets"] = frame["tickets"].astype("int64")
    frame["backfilled"] = frame["backfilled"].astype(bool)
    return frame[columns]


def snapshot_summary(
    con: Reader,
    *,
    day: date,
    by: AreaLevel,
    layer: AreaLayer,
    population: dict[str, int] | None,
    filters: Filters,
) -> pd.DataFrame:
    """`area_summary`'s frame for one snapshot day: counts and open ages as kept that day.

    Figures a snapshot does not keep (days to finish, reopened, stars) are NaN.
    """
    code_column = "district_code" if by == "district" else "subdistrict_code"
    where, params = _snapshot_filter(replace(filters, subdistrict=None))
    counted = con.execute(
        queries.snapshot_summary(code_column=code_column, where=where), [day, *params]
    ).df()
    frame = _every_area(layer, by, filters).join(counted.set_index("code"), on="code")
    kept = [
        "total",
        "open",
        "finished",
        "irrelevant",
        "unknown",
        *(a for a, _, _ in queries.AGE_BUCKETS),
    ]
    kept.append("open_age_over_90")
    frame[kept] = frame[kept].fillna(0).astype("int64")
    if filters.state_group == "open":
        frame["total"] = frame["open"]
    elif filters.state_group == "finished":
        frame["total"] = frame["finished"]
    _open_figures(frame, population if by == "district" else None)
    for missing in ("median_days_to_finish", "reopened", "mean_star", "overdue", "timed"):
        frame[missing] = math.nan
    for missing in ("on_time", "on_time_share"):
        frame[missing] = math.nan
    return frame[list(SUMMARY_COLUMNS)]


# --- Traffy's own district figures ------------------------------------------------------


@dataclass(frozen=True)
class TraffyFigures:
    """A district's (or any view's) tickets in Traffy's own status groups, as Traffy's
    district dashboard counts them (`vocab.TRAFFY_GROUPS`): total = start + in progress +
    finish + forward + irrelevant, managed = total − start."""

    start: int
    in_progress: int
    finish: int
    forward: int
    irrelevant: int
    outside: int = 0
    """tickets in none of Traffy's groups (a status khetmap does not know, or none): not
    in `total`, said apart"""
    held_by_system: int = 0
    """in progress, waiting on budget, procurement or a legal process (ติดขัดตามระบบ)"""

    @property
    def total(self) -> int:
        return self.start + self.in_progress + self.finish + self.forward + self.irrelevant

    @property
    def managed(self) -> int:
        return self.total - self.start

    def share(self, group: str) -> float | None:
        """`group` ('finish', 'forward', 'irrelevant', 'managed', …) as a share of `total`;
        None when there are no tickets."""
        count = self.managed if group == "managed" else int(getattr(self, group))
        return count / self.total if self.total else None

    def as_dict(self) -> dict[str, int | float | None]:
        counts = {name: getattr(self, name) for name in (*TRAFFY_GROUPS, "total", "managed")}
        shares = {
            f"{name}_share": self.share(name)
            for name in ("finish", "forward", "irrelevant", "managed")
        }
        apart = {"outside": self.outside, "held_by_system": self.held_by_system}
        return {**counts, **shares, **apart}


def traffy_figures_by_district(con: Reader, *, filters: Filters) -> dict[str | None, TraffyFigures]:
    """Traffy's figures per district code (None: tickets with no district)."""
    where, params = filters.where()
    frame = con.execute(queries.traffy_groups(where), params).df()
    return {
        (None if pd.isna(row["code"]) else str(row["code"])): TraffyFigures(
            **{name: int(row[name]) for name in (*TRAFFY_GROUPS, "outside", "held_by_system")}
        )
        for row in frame.to_dict("records")
    }


def traffy_figures(con: Reader, *, filters: Filters) -> TraffyFigures:
    """Traffy's figures over the filtered tickets (a district: `Filters(district=…)`)."""
    found = traffy_figures_by_district(con, filters=filters).values()
    fields = (*TRAFFY_GROUPS, "outside", "held_by_system")
    return TraffyFigures(**{name: sum(getattr(f, name) for f in found) for name in fields})


@dataclass(frozen=True)
class FinishTimeBasis:
    """What the finished tickets' finish times rest on."""

    finish_time: int
    """Traffy's own finish time (`timestamp_finished`, the web export)"""
    last_activity: int
    """only the last change (`last_activity`): a later rating or comment moves it"""
    none: int

    @property
    def standing_in(self) -> bool:
        """Some finish times are last changes standing in: pages and documents say so."""
        return self.last_activity > 0


def finish_time_basis(con: Reader, *, filters: Filters) -> FinishTimeBasis:
    where, params = filters.where()
    row = con.execute(queries.finish_time_basis(where), params).fetchall()[0]
    return FinishTimeBasis(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))
