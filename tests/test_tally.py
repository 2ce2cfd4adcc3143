"""One count behind the area summary, the totals and the coverage (`metrics.tally`).

Every figure of the three is checked against the same figure counted in pandas from every
ticket's own fields, on random filters, on DuckDB and on a throwaway PostgreSQL + PostGIS.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import boundaries, store, vocab
from dashboard.analysis import metrics
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.vocab import local_midnight
from tests.fixtures import ticket, write_csv

AS_OF = datetime(2022, 9, 1, 5, 0, tzinfo=UTC)
RAW_STATES = ["รอรับเรื่อง", "ส่งต่อ(ใหม่)", "กำลังดำเนินการ", "เสร็จสิ้น", "ไม่เกี่ยวข้อง", "", "แปลก"]
CATEGORIES = ["{ถนน}", "{น้ำท่วม}", "{ถนน,ทางเท้า}", "{}", "{แสงสว่าง}"]


def _rows(seed: int, n: int) -> list[dict[str, str]]:
    """Tickets with every kind of value a count distinguishes, drawn at random."""
    pick = random.Random(seed)
    rows = []
    for i in range(n):
        reported = datetime(2022, 5, 1, tzinfo=UTC) + timedelta(hours=pick.randrange(0, 24 * 125))
        finished = reported + timedelta(minutes=pick.randrange(1, 60 * 24 * 40))
        column, row = pick.randrange(3), pick.randrange(2)
        coords = pick.choice([None, None, None, None, "", "0,0"])
        rows.append(
            ticket(
                f"T{i:03d}",
                code=str(1001 + row * 10 + column),
                half=pick.randrange(2),
                state=pick.choice(RAW_STATES),
                type_=pick.choice(CATEGORIES),
                timestamp=reported.strftime("%Y-%m-%d %H:%M:%S+00"),
                last_activity=pick.choice(["", finished.strftime("%Y-%m-%d %H:%M:%S+00")]),
                coords=coords,
                star=pick.choice(["", "", "1", "4", "5"]),
                count_reopen=pick.choice(["", "0", "0", "2"]),
                photo_after=pick.choice(["", "  ", "https://x.invalid/a.jpg"]),
            )
        )
    return rows


def _filters(seed: int) -> list[Filters]:
    pick = random.Random(seed)
    found = [Filters(), Filters(district="1002")]
    for _ in range(8):
        since = date(2022, 5, 1) + timedelta(days=pick.randrange(0, 90))
        found.append(
            Filters(
                since=pick.choice([None, since]),
                until=pick.choice([None, since + timedelta(days=pick.randrange(5, 60))]),
                categories=pick.choice([(), ("ถนน",), ("ทางเท้า", vocab.UNSPECIFIED)]),
                state_group=pick.choice(["all", "open", "finished"]),
                district=pick.choice([None, None, "1001", "1012"]),
            )
        )
    return found


def _chosen(tickets: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The tickets a filter keeps, chosen in pandas."""
    keep = pd.Series(True, index=tickets.index)
    if filters.since:
        keep &= tickets["reported_at"] >= local_midnight(filters.since)
    if filters.until:
        keep &= tickets["reported_at"] < local_midnight(filters.until + timedelta(1))
    if filters.categories:
        named = set(filters.categories) - {vocab.UNSPECIFIED}
        unspecified = vocab.UNSPECIFIED in filters.categories
        keep &= tickets["categories"].map(
            lambda c: bool(set(c) & named) or (unspecified and len(c) == 0)
        )
    if filters.state_group == "open":
        keep &= tickets["state"].isin(vocab.OPEN_STATES)
    elif filters.state_group == "finished":
        keep &= tickets["state"] == vocab.FINISHED
    if filters.district:
        keep &= tickets["district_code"] == filters.district
    return tickets[keep]


def _by_hand(tickets: pd.DataFrame, as_of: datetime) -> dict[str, dict[str, float]]:
    """Per area code, the summary's counts worked out ticket by ticket."""
    found: dict[str, dict[str, float]] = {}
    for t in tickets.itertuples():
        located = pd.isna(t.location_issue) and not pd.isna(t.lon)
        code = t.district_code if located and t.district_code else metrics.NO_LOCATION_CODE
        row = found.setdefault(code, {"stars": [], "finish": []})  # type: ignore[dict-item]
        is_open = t.state in vocab.OPEN_STATES
        age = math.floor((as_of - t.reported_at).total_seconds() / 86400)
        counts = {
            "total": True,
            "open": is_open,
            "finished": t.state == vocab.FINISHED,
            "irrelevant": t.state == "irrelevant",
            "unknown": t.state == "unknown",
            "open_age_0_7": is_open and 0 <= age <= 7,
            "open_age_8_30": is_open and 8 <= age <= 30,
            "open_age_31_90": is_open and 31 <= age <= 90,
            "open_age_over_90": is_open and age >= 91,
            "reopened": not pd.isna(t.count_reopen) and t.count_reopen > 0,
        }
        for name, counted in counts.items():
            row[name] = row.get(name, 0) + int(counted)
        if not pd.isna(t.star):
            row["stars"].append(t.star)  # type: ignore[attr-defined]
        if t.state == vocab.FINISHED and not pd.isna(t.last_activity):
            days = (t.last_activity - t.reported_at).total_seconds() / 86400
            row["finish"].append(days)  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize("seed", [1, 2])
def test_the_summary_totals_and_coverage_from_one_tally_equal_counts_made_ticket_by_ticket(
    tmp_path: Path, data_dir: Path, store_location: str, seed: int
) -> None:
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", _rows(seed, 160))],
        store_path=store_location,
        data_dir=data_dir,
    )
    layer = boundaries.load_districts(data_dir=data_dir)
    with store.at(store_location).reader() as con:
        tickets = con.execute("SELECT * FROM tickets").df()
        assert len(tickets) == 160
        for filters in _filters(seed):
            chosen = _chosen(tickets, filters)
            summary = metrics.area_summary(
                con,
                by="district",
                layer=layer,
                population=None,
                filters=filters,
                as_of=AS_OF,
                judged=False,
            ).set_index("code")
            hand = _by_hand(chosen, AS_OF)
            for code, expected in hand.items():
                row = summary.loc[code]
                for name, value in expected.items():
                    if name == "stars":
                        stars = list(value)  # type: ignore[call-overload]
                        mean = sum(stars) / len(stars) if stars else math.nan
                        assert row["mean_star"] == pytest.approx(mean, nan_ok=True), code
                    elif name == "finish":
                        days = pd.Series(value, dtype="float64")
                        median = days.median() if len(days) else math.nan
                        got = row["median_days_to_finish"]
                        assert got == pytest.approx(median, nan_ok=True), (filters, code)
                    else:
                        assert row[name] == value, (filters, code, name)
            untouched = summary.drop(index=list(hand))
            assert (untouched["total"] == 0).all(), filters

            totals = metrics.totals(con, filters=filters)
            coverage = metrics.data_coverage(con, filters=filters)
            located = chosen["location_issue"].isna() & chosen["lon"].notna()
            finished = chosen["state"] == vocab.FINISHED
            timed = finished & chosen["last_activity"].notna()
            after = chosen["photo_after"].fillna("").str.strip() != ""
            every_finish = (
                (chosen["last_activity"] - chosen["reported_at"]).dt.total_seconds() / 86400
            )[timed]
            assert (totals.total, totals.open, totals.finished, totals.no_location) == (
                len(chosen),
                int(chosen["state"].isin(vocab.OPEN_STATES).sum()),
                int(finished.sum()),
                int((~located).sum()),
            ), filters
            expected_median = every_finish.median() if timed.any() else None
            assert totals.median_days_to_finish == pytest.approx(expected_median), filters
            assert (
                coverage.tickets,
                coverage.finished,
                coverage.finish_time,
                coverage.star,
                coverage.after_photo,
                coverage.reopen_count,
                coverage.location,
                coverage.category,
            ) == (
                len(chosen),
                int(finished.sum()),
                int(timed.sum()),
                int(chosen["star"].notna().sum()),
                int((finished & after).sum()),
                int(chosen["count_reopen"].notna().sum()),
                int(located.sum()),
                int(chosen["categories"].map(len).gt(0).sum()),
            ), filters
