from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from dashboard import boundaries, store
from dashboard.analysis import review
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.store import Reader
from tests.fixtures import ticket, write_csv

PERIOD = review.Period(since=date(2022, 6, 1), until=date(2022, 6, 30))


@pytest.fixture
def con(tmp_path: Path, data_dir: Path, store_location: str) -> Iterator[Reader]:
    """The hand-built tickets in a store of each backend (DuckDB and PostgreSQL)."""
    june = "2022-06-10 03:00:00+00"
    rows = [
        # 1001 (30,000 people): 40 tickets, 10 open → 3.33 per 10k
        *[
            ticket(
                f"A{i}",
                code="1001",
                timestamp=june,
                state="รอรับเรื่อง" if i < 10 else "เสร็จสิ้น",
                last_activity="2022-06-12 03:00:00+00",
                photo_after="https://x/after.jpg",
            )
            for i in range(40)
        ],
        # 1002 (10,000 people): 3 tickets, all open → 3.0 per 10k but too few to rank
        *[ticket(f"B{i}", code="1002", timestamp=june) for i in range(3)],
        # 1003 (20,000 people): 35 tickets, 35 open → 17.5 per 10k, worst ranked
        *[ticket(f"C{i}", code="1003", timestamp=june) for i in range(35)],
        # 1003 in May (previous period): 5 open
        *[ticket(f"D{i}", code="1003", timestamp="2022-05-20 03:00:00+00") for i in range(5)],
        # audit cases in 1004, all finished
        ticket(
            "F-OK",
            code="1004",
            state="เสร็จสิ้น",
            timestamp=june,
            last_activity="2022-06-13 03:00:00+00",
            photo_after="https://x/a.jpg",
            star="5",
        ),
        ticket(
            "F-NOPHOTO",
            code="1004",
            state="เสร็จสิ้น",
            timestamp=june,
            last_activity="2022-06-13 03:00:00+00",
        ),
        ticket(
            "F-FAST",
            code="1004",
            state="เสร็จสิ้น",
            timestamp=june,
            last_activity="2022-06-10 03:20:00+00",
            photo_after="https://x/b.jpg",
        ),
        ticket(
            "F-REOPEN",
            code="1004",
            state="เสร็จสิ้น",
            timestamp=june,
            last_activity="2022-06-15 03:00:00+00",
            photo_after="https://x/c.jpg",
            count_reopen="2",
        ),
        ticket(
            "F-STAR",
            code="1004",
            state="เสร็จสิ้น",
            timestamp=june,
            last_activity="2022-06-15 03:00:00+00",
            photo_after="https://x/d.jpg",
            star="1",
        ),
    ]
    ingest_files(
        paths=[write_csv(tmp_path / "r.csv", rows)], store_path=store_location, data_dir=data_dir
    )
    with store.at(store_location).reader() as reader:
        reader.execute("SET TimeZone = 'UTC'")
        yield reader


def test_league_table_ranks_only_districts_with_enough_tickets(con: Reader, data_dir: Path) -> None:
    table = review.league_table(
        con,
        filters=Filters(),
        period=PERIOD,
        layer=boundaries.load_districts(data_dir=data_dir),
        population=boundaries.load_population(data_dir=data_dir),
        settings=review.ReviewSettings(min_tickets=30),
    ).set_index("code")
    assert table.loc["1003", "rank"] == 1 and table.loc["1001", "rank"] == 2
    assert table["rank"].notna().sum() == 2
    assert not table.loc["1002", "eligible"] and table.loc["1002", "tickets"] == 3
    assert table.loc["1003", "open_per_10k"] == pytest.approx(17.5)
    low, high = table.loc["1003", ["open_per_10k_low", "open_per_10k_high"]]
    assert low < 17.5 < high and (low, high) == pytest.approx((12.19, 24.34), abs=0.01)
    assert table.loc["1003", ["open_before", "tickets_before"]].tolist() == [5, 5]
    assert table.loc["1001", "median_days_to_finish"] == pytest.approx(2.0)
    loose = review.league_table(
        con,
        filters=Filters(),
        period=PERIOD,
        layer=boundaries.load_districts(data_dir=data_dir),
        population=boundaries.load_population(data_dir=data_dir),
        settings=review.ReviewSettings(min_tickets=3),
    ).set_index("code")
    assert loose["rank"].notna().sum() == 4  # 1004 has 5 tickets, 1002 has 3


def test_intervals() -> None:
    assert review.poisson_interval(0) == pytest.approx((0.0, 3.689), abs=1e-3)
    assert review.poisson_interval(10) == pytest.approx((4.795, 18.390), abs=1e-3)
    assert review.median_interval(np.arange(1, 6)) != review.median_interval(
        np.arange(1, 6)
    )  # NaN below 6
    assert review.median_interval(np.arange(1, 101)) == (40.0, 61.0)


def test_previous_period_has_equal_length() -> None:
    assert PERIOD.previous() == review.Period(since=date(2022, 5, 2), until=date(2022, 5, 31))


def test_closure_audit_flags(con: Reader, data_dir: Path) -> None:
    settings = review.ReviewSettings(fast_close_hours=1.0)
    audit = review.closure_audit(
        con,
        filters=Filters(),
        layer=boundaries.load_districts(data_dir=data_dir),
        settings=settings,
    ).set_index("code")
    row = audit.loc["1004"]
    assert (
        row["finished"],
        row["no_after_photo"],
        row["fast_close"],
        row["reopened"],
        row["low_star"],
        row["rated"],
    ) == (5, 1, 1, 1, 1, 2)
    assert row["no_after_photo_share"] == pytest.approx(0.2) and row[
        "low_star_share"
    ] == pytest.approx(0.5)
    flagged = review.flagged_tickets(con, filters=Filters(district="1004"), settings=settings)
    flags = {r["ticket_id"]: review.flag_labels(r) for r in flagged.to_dict(orient="records")}
    assert flags == {
        "F-NOPHOTO": ["no_after_photo"],
        "F-FAST": ["fast_close"],
        "F-REOPEN": ["reopened"],
        "F-STAR": ["low_star"],
    }


def test_hotspots_cli_on_real_data_is_deterministic_and_counts_every_located_ticket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import duckdb

    from dashboard.cli import main
    from dashboard.vocab import open_sql
    from tests.conftest import real_data_dir

    folder = real_data_dir()
    store = tmp_path / "real.duckdb"
    ingest_files(paths=[folder / "traffy_sample.csv.gz"], store_path=store, data_dir=folder)
    whole = ["--since", "2022-05-01", "--until", "2022-12-31"]
    outputs = []
    for _ in range(2):
        assert main(["hotspots", "--store", str(store), "--kind", "demand", *whole,
                     "--format", "json"]) == 0  # fmt: skip
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    cells = json.loads(outputs[0])["cells"]
    assert {"h3", "reports", "open", "gi_z", "p_value", "class"} <= set(cells[0])
    assert {"hot 99%", "not significant"} <= {c["class"] for c in cells}
    with duckdb.connect(str(store), read_only=True) as con:
        located, located_open = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {open_sql()}) FROM tickets "
            "WHERE h3_r9 IS NOT NULL"
        ).fetchall()[0]
    # every located ticket (and every located open one) is in some cell
    assert sum(c["reports"] for c in cells) == located
    assert sum(c["open"] for c in cells) == located_open == 53_660
