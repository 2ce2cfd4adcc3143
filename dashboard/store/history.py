"""The backlog's history: one snapshot per Bangkok day, kept in the store.

A snapshot counts tickets per district × subdistrict × category × state, with the age
buckets of the day (days since the report). Category '*' counts every ticket once; each
named category (and 'unspecified') counts the tickets filed under it, so a ticket of two
types is in two category rows. Tickets with no usable location are under district 'none'.

Live snapshots are taken by `khetmap sync` (the first sync of a Bangkok day takes it, and
it is never rewritten). Days before the first sync are backfilled from report and finish
times, only where the data has them (`last_activity`): a ticket's state on day D is its
present state if its last change came by then, else "open, state that day not recorded".
Backfilled rows say so (`backfilled`).

A day more than `SNAPSHOT_MARGIN` past the newest report gets no snapshot: the clock is
wrong (or the feed has stopped), and a snapshot, never rewritten, would stay on the charts
and answer `as_of=` for good. Backfill then stops before the newest report's day. Snapshots
a wrong clock left are removed with `khetmap history remove --after DATE` (`remove_after`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dashboard import config
from dashboard.store import Reader, queries
from dashboard.vocab import BANGKOK_TZ, OPEN_UNRECORDED

ALL_CATEGORIES = "*"
SNAPSHOT_MARGIN = timedelta(days=7)
"""How far past the newest report's day a snapshot may be taken (a feed quiet for a few
days); a later day means the clock is wrong."""

_AGES = (
    "count(*) FILTER (WHERE age_days <= 7) AS age_0_7, "
    "count(*) FILTER (WHERE age_days BETWEEN 8 AND 30) AS age_8_30, "
    "count(*) FILTER (WHERE age_days BETWEEN 31 AND 90) AS age_31_90, "
    "count(*) FILTER (WHERE age_days > 90) AS age_over_90"
)


def _snapshot_sql(state: str, only: str) -> str:
    dated = f"""
        SELECT coalesce(t.district_code, 'none') AS district_code,
               coalesce(t.subdistrict_code, 'none') AS subdistrict_code,
               {state} AS state,
               floor(({queries.epoch("p.instant")} - {queries.epoch("t.reported_at")}) / 86400.0)
                   AS age_days,
               {queries.CATEGORIES_OR_UNSPECIFIED.replace("categories", "t.categories")} AS cats,
               p.day, p.backfilled, p.taken_at
        FROM tickets t CROSS JOIN (
            SELECT ?::TIMESTAMPTZ AS instant, ?::DATE AS day, ?::BOOLEAN AS backfilled,
                   ?::TIMESTAMPTZ AS taken_at
        ) AS p
        WHERE t.reported_at < p.instant {only}
    """
    return f"""
INSERT INTO backlog_snapshots (as_of, district_code, subdistrict_code, category, state,
    tickets, age_0_7, age_8_30, age_31_90, age_over_90, backfilled, taken_at)
SELECT day, district_code, subdistrict_code, category, state, count(*) AS tickets, {_AGES},
       backfilled, taken_at
FROM (
    SELECT day, backfilled, taken_at, district_code, subdistrict_code, state, age_days,
           unnest(array_prepend('{ALL_CATEGORIES}', cats)) AS category
    FROM ({dated}) AS dated
) AS counted
GROUP BY day, backfilled, taken_at, district_code, subdistrict_code, category, state
"""


LIVE_SQL = _snapshot_sql("t.state", "")
BACKFILL_SQL = _snapshot_sql(
    f"CASE WHEN t.last_activity <= p.instant THEN t.state ELSE '{OPEN_UNRECORDED}' END",
    "AND t.last_activity IS NOT NULL",
)


@dataclass(frozen=True)
class Taken:
    """What one sync did to the history."""

    day: date
    taken: bool
    """False: the day already had its snapshot (one per Bangkok day, never rewritten)"""
    backfilled_days: int = 0
    backfill_share: float | None = None
    """share of tickets with a finish/last-change time, on which backfilled days rest"""
    refused: str | None = None
    """why the day got no snapshot (a clock beyond the data), for the sync's line"""

    def describe(self) -> str:
        """The snapshot's part of the sync's line."""
        backfill = (
            f", {self.backfilled_days} earlier days backfilled" if self.backfilled_days else ""
        )
        if self.refused:
            return f"no snapshot for {self.day}: {self.refused}{backfill}"
        taken = "taken" if self.taken else "already taken today"
        return f"snapshot {self.day} {taken}{backfill}"


def bangkok_day(instant: datetime) -> date:
    return instant.astimezone(BANGKOK_TZ).date()


def day_end(day: date) -> datetime:
    """The instant a Bangkok day ends (the next day's midnight)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BANGKOK_TZ)


def record(con: Reader, *, now: datetime, backfill_days: int = config.BACKFILL_DAYS) -> Taken:
    """Take today's snapshot (if the day has none yet) and backfill earlier days the data allows.

    Runs inside the caller's write transaction. A day beyond the newest report's day plus
    `SNAPSHOT_MARGIN` is refused (`Taken.refused`), and only days before the newest
    report's day are backfilled then.
    """
    today = bangkok_day(now)
    days = {row[0] for row in con.execute(queries.SNAPSHOT_DAYS).fetchall()}
    newest = con.execute(queries.NEWEST_REPORT).fetchall()[0][0]
    if isinstance(newest, datetime) and today > bangkok_day(newest) + SNAPSHOT_MARGIN:
        newest_day = bangkok_day(newest)
        filled, share = backfill(con, before=newest_day, have=days, now=now, limit=backfill_days)
        why = (
            f"the clock says {today} but the newest report is of {newest_day}, more than "
            f"{SNAPSHOT_MARGIN.days} days before (check the system clock; a snapshot is "
            "never rewritten)"
        )
        return Taken(today, False, filled, share, refused=why)
    taken = today not in days
    if taken:
        con.execute(LIVE_SQL, [now, today, False, now])
    filled, share = backfill(con, before=today, have=days | {today}, now=now, limit=backfill_days)
    return Taken(day=today, taken=taken, backfilled_days=filled, backfill_share=share)


def backfill(
    con: Reader, *, before: date, have: set[date], now: datetime, limit: int
) -> tuple[int, float | None]:
    """Fill the days before `before` that have no snapshot, from report and change times.

    Returns the days filled and the share of tickets the backfill rests on (None when no
    ticket has a `last_activity`, so nothing can be backfilled).
    """
    total, timed, first = con.execute(queries.BACKFILL_BASIS).fetchall()[0]
    if not timed or first is None:
        return 0, None
    share = float(timed) / float(total)
    filled = 0
    day = max(bangkok_day(first), before - timedelta(days=limit))
    while day < before:  # a day no sync ran on (before the first, or a missed one)
        if day not in have:
            con.execute(BACKFILL_SQL, [day_end(day), day, True, now])
            filled += 1
        day += timedelta(days=1)
    return filled, share


def remove_after(con: Reader, *, after: date) -> int:
    """Delete every snapshot of a day after `after` (left by a wrong clock); return how many
    days had one. Runs inside the caller's write transaction."""
    found = con.execute(
        "SELECT count(DISTINCT as_of) FROM backlog_snapshots WHERE as_of > ?", [after]
    ).fetchall()
    con.execute("DELETE FROM backlog_snapshots WHERE as_of > ?", [after])
    return int(found[0][0])
