from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard import boundaries, store
from dashboard.analysis import metrics
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.store import Reader
from dashboard.vocab import local_midnight
from tests.fixtures import ticket, write_csv

AS_OF = local_midnight(date(2022, 7, 1))


@pytest.fixture
def con(tmp_path: Path, data_dir: Path, store_location: str) -> Iterator[Reader]:
    """The hand-built tickets in a store of each backend (DuckDB and PostgreSQL)."""
    tickets = [
        # district 1001: 2 open (ages 30 and 95 days), 1 finished in 2 days, 1 irrelevant
        ticket("O1", code="1001", timestamp="2022-06-01 05:00:00+00", count_reopen="2"),
        ticket(
            "O2",
            code="1001",
            half=1,
            state="กำลังดำเนินการ",
            timestamp="2022-03-28 05:00:00+00",
            type_="{}",
        ),
        ticket(
            "F1",
            code="1001",
            state="เสร็จสิ้น",
            timestamp="2022-06-01 00:00:00+00",
            last_activity="2022-06-03 00:00:00+00",
            star="4",
            type_="{น้ำท่วม}",
        ),
        ticket("I1", code="1001", state="ไม่เกี่ยวข้อง", timestamp="2022-05-31 18:00:00+00"),
        # district 1002: 1 finished in 4 days, 1 'other' label (open), 1 unknown state
        # (X1 was "ของบประมาณ", now one of Traffy's in-progress statuses: issue 34)
        ticket(
            "F2",
            code="1002",
            state="เสร็จสิ้น",
            timestamp="2022-06-01 00:00:00+00",
            last_activity="2022-06-05 00:00:00+00",
            star="2",
        ),
        ticket("X1", code="1002", state="รอตรวจสอบ", timestamp="2022-06-28 00:00:00+00"),
        ticket("U1", code="1002", state=""),
        # no usable location
        ticket("N1", coords="0,0"),
    ]
    ingest_files(
        paths=[write_csv(tmp_path / "m.csv", tickets)], store_path=store_location, data_dir=data_dir
    )
    with store.at(store_location).reader() as reader:
        reader.execute("SET TimeZone = 'UTC'")
        yield reader


def summary(con: Reader, data_dir: Path, **filters: object) -> dict[str, dict[str, object]]:
    frame = metrics.area_summary(
        con,
        by="district",
        layer=boundaries.load_districts(data_dir=data_dir),
        population=boundaries.load_population(data_dir=data_dir),
        filters=Filters(**filters),  # type: ignore[arg-type]
        as_of=AS_OF,
    )
    return {str(row["code"]): row for row in metrics.records(frame)}


def test_district_summary_exact_numbers(con: Reader, data_dir: Path) -> None:
    rows = summary(con, data_dir)
    assert len(rows) == 51  # 50 districts, zeros included, + no usable location
    d1 = rows["1001"]
    assert (d1["total"], d1["open"], d1["finished"], d1["irrelevant"], d1["unknown"]) == (
        4,
        2,
        1,
        1,
        0,
    )
    assert d1["open_share"] == pytest.approx(0.5)
    assert d1["open_per_10k"] == pytest.approx(2 / 30_000 * 10_000)  # 1001 % 3 = 2 → 30,000 people
    assert d1["median_days_to_finish"] == pytest.approx(2.0)
    assert (
        d1["open_age_0_7"],
        d1["open_age_8_30"],
        d1["open_age_31_90"],
        d1["open_age_over_90"],
    ) == (0, 1, 0, 1)
    assert d1["reopened"] == 1
    assert d1["mean_star"] == pytest.approx(4.0)
    d2 = rows["1002"]
    assert (d2["total"], d2["open"], d2["finished"], d2["unknown"]) == (3, 1, 1, 1)
    assert d2["open_age_0_7"] == 1
    assert d2["median_days_to_finish"] == pytest.approx(4.0)
    assert rows["1003"]["total"] == 0 and rows["1003"]["open_share"] is None
    none = rows["none"]
    assert (none["name_en"], none["total"], none["open"]) == ("No usable location", 1, 1)
    assert sum(int(r["total"]) for r in rows.values()) == 8


def test_filters_by_category_date_and_state(con: Reader, data_dir: Path) -> None:
    flood = summary(con, data_dir, categories=("น้ำท่วม",))
    assert flood["1001"]["total"] == 1 and flood["1002"]["total"] == 0
    unspecified = summary(con, data_dir, categories=("unspecified",))
    assert unspecified["1001"]["total"] == 1
    late = summary(con, data_dir, since=date(2022, 6, 28))
    assert late["1002"]["total"] == 1 and late["1001"]["total"] == 0
    # Bangkok dates: I1 at 18:00 UTC on 31 May is 01:00 on 1 June in Bangkok
    first_june = summary(con, data_dir, since=date(2022, 6, 1), until=date(2022, 6, 1))
    assert first_june["1001"]["total"] == 3 and first_june["1002"]["total"] == 2
    may = summary(con, data_dir, until=date(2022, 5, 31))
    assert may["1001"]["total"] == 1  # only O2 (March)
    open_only = summary(con, data_dir, state_group="open")
    assert open_only["1001"]["total"] == 2


@pytest.mark.parametrize(
    "chosen", [("น้ำท่วม", "ถนน"), ("ถนน", "unspecified"), ("น้ำท่วม", "no such category")]
)
def test_a_ticket_is_in_a_category_filter_when_it_has_any_of_the_chosen_categories(
    con: Reader, data_dir: Path, chosen: tuple[str, ...]
) -> None:
    every = con.execute("SELECT district_code, location_issue, categories FROM tickets").fetchall()
    expected: dict[str, int] = {}
    for district, issue, categories in every:
        named = set(categories or [])
        if named & set(chosen) or (not named and "unspecified" in chosen):
            code = "none" if district is None or issue is not None else district
            expected[code] = expected.get(code, 0) + 1
    rows = summary(con, data_dir, categories=chosen)
    assert {c: r["total"] for c, r in rows.items() if r["total"]} == expected
    assert metrics.totals(con, filters=Filters(categories=chosen)).total == sum(expected.values())


@pytest.mark.parametrize("filters", [{}, {"state_group": "open"}, {"categories": ("ถนน",)}])
def test_open_per_10k_residents_alone_equals_the_summarys(
    con: Reader, data_dir: Path, filters: dict[str, object]
) -> None:
    layer = boundaries.load_districts(data_dir=data_dir)
    alone = metrics.open_per_10k(
        con,
        layer=layer,
        population=boundaries.load_population(data_dir=data_dir),
        filters=Filters(**filters),  # type: ignore[arg-type]
    ).set_index("code")
    rows = summary(con, data_dir, **filters)
    assert list(alone.index) == list(layer.codes) and alone.loc["1001", "open"] > 0
    for code in layer.codes:
        assert alone.loc[code, "open"] == rows[code]["open"]
        assert alone.loc[code, "total"] == rows[code]["total"]
        expected = rows[code]["open_per_10k"]
        assert alone.loc[code, "open_per_10k"] == pytest.approx(
            float("nan") if expected is None else expected, nan_ok=True
        )


def test_ticket_lists_carry_categories_as_tuples_which_the_cache_pickles_fast(
    con: Reader,
) -> None:
    from dashboard.analysis import director, targets

    frame, total = metrics.tickets_page(con, filters=Filters(), as_of=AS_OF)
    week = director.week_tickets(con, filters=Filters(), as_of=AS_OF, targets=targets.shipped())
    for categories in (frame["categories"], week["categories"]):
        assert len(categories) == total == 8
        assert all(isinstance(c, tuple) and all(isinstance(n, str) for n in c) for c in categories)
    by_id = dict(zip(frame["ticket_id"], frame["categories"], strict=True))
    assert by_id["F1"] == ("น้ำท่วม",) and by_id["O2"] == () and by_id["O1"] == ("ถนน",)


def test_totals_and_as_of(con: Reader) -> None:
    totals = metrics.totals(con, filters=Filters())
    assert (totals.total, totals.open, totals.finished, totals.no_location) == (8, 4, 2, 1)
    assert totals.median_days_to_finish == pytest.approx(3.0)
    as_of = metrics.store_as_of(con)
    assert as_of is not None and as_of.isoformat() == "2022-06-28T00:00:00+00:00"


def test_last_ingest_of_several_files(tmp_path: Path, data_dir: Path, store_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", [ticket("A")])
    second = write_csv(tmp_path / "b.csv", [ticket("B")])
    ingest_files(paths=[first, second], store_path=store_path, data_dir=data_dir)
    with duckdb.connect(str(store_path), read_only=True) as con:
        latest = metrics.last_ingest(con)
    assert latest is not None
    assert latest["files"] == [str(first), str(second)]
    assert (latest["rows_read"], latest["stored_new"]) == (2, 2)
