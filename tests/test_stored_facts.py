"""Facts stored with each ticket (`queries.DERIVED`): open or not, days to finish, after-photo,
a usable location, a category.

They are written by the ingest from the ticket's own fields and read as columns; a store
written before they existed reads the same through a view and gets them on its next write.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psycopg
import pytest

from dashboard import boundaries, store
from dashboard.analysis import metrics
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.store import queries
from dashboard.vocab import local_midnight
from tests.fixtures import ticket, write_csv

AS_OF = local_midnight(datetime(2022, 7, 1).date())
FINISHED_TH = "เสร็จสิ้น"

ROWS = [
    ticket("OPEN-BLANK-AFTER", photo_after="   "),
    ticket("OPEN-IN-PROGRESS", state="กำลังดำเนินการ", code="1002"),
    ticket(
        "DONE-SPACED-AFTER",
        state=FINISHED_TH,
        timestamp="2022-06-01 00:00:00+00",
        last_activity="2022-06-03 12:00:00+00",
        photo_after=" https://example.invalid/after.jpg",
    ),
    ticket(
        "DONE-NO-AFTER",
        state=FINISHED_TH,
        code="1003",
        timestamp="2022-06-01 00:00:00+00",
        last_activity="2022-06-01 06:00:00+00",
        photo_after="",
        type_="{}",
    ),
    ticket("DONE-NO-TIME", state=FINISHED_TH, last_activity="", photo_after="https://x/a.jpg"),
    ticket("IRRELEVANT", state="ไม่เกี่ยวข้อง", photo_after="https://x/b.jpg"),
    ticket("NOWHERE", state="ไม่เกี่ยวข้อง", coords=""),
    ticket("AT-ZERO", state="ไม่เกี่ยวข้อง", coords="0,0", type_="{}"),
]

EXPECTED = {  # worked out by hand from ROWS: open, days to finish, after-photo, located, typed
    "OPEN-BLANK-AFTER": (True, None, False, True, True),
    "OPEN-IN-PROGRESS": (True, None, False, True, True),
    "DONE-SPACED-AFTER": (False, 2.5, True, True, True),
    "DONE-NO-AFTER": (False, 0.25, False, True, False),
    "DONE-NO-TIME": (False, None, True, True, True),
    "IRRELEVANT": (False, None, True, True, True),
    "NOWHERE": (False, None, False, False, True),
    "AT-ZERO": (False, None, False, False, False),
}


def _ingest(tmp_path: Path, data_dir: Path, location: str, rows: list[dict[str, str]]) -> None:
    name = f"t{len(list(tmp_path.glob('*.csv')))}.csv"
    ingest_files(paths=[write_csv(tmp_path / name, rows)], store_path=location, data_dir=data_dir)


def _plain(location: str, *statements: str, write: bool = False) -> list[tuple[Any, ...]]:
    """Run statements on a plain connection (no view); the last one's rows."""
    rows: list[tuple[Any, ...]] = []
    if store.at(location).kind == "postgresql":
        with psycopg.connect(location) as connection:
            for sql in statements:
                cursor = connection.execute(sql)
                rows = cursor.fetchall() if cursor.description else []
    else:
        with duckdb.connect(location, read_only=not write) as connection:
            for sql in statements:
                rows = connection.execute(sql).fetchall()
    return rows


def _physical(location: str) -> dict[str, tuple[Any, ...]]:
    """The stored columns as the table holds them."""
    rows = _plain(
        location,
        "SELECT ticket_id, is_open, finish_days, after_photo, located, typed FROM tickets",
    )
    return {str(r[0]): (r[1], None if r[2] is None else float(r[2]), *r[3:]) for r in rows}


def _columns(location: str) -> set[str]:
    sql = "SELECT column_name FROM information_schema.columns WHERE table_name = 'tickets'"
    return {str(r[0]) for r in _plain(location, sql)}


def _drop_stored_facts(location: str, names: tuple[str, ...]) -> None:
    """Make the store look written by a khetmap from before the stored facts `names`."""
    drops = [f"ALTER TABLE tickets DROP COLUMN {name}" for name in names]
    _plain(location, *drops, write=True)


def _figures(location: str, data_dir: Path) -> dict[str, Any]:
    with store.at(location).reader() as con:
        summary = metrics.area_summary(
            con,
            by="district",
            layer=boundaries.load_districts(data_dir=data_dir),
            population=boundaries.load_population(data_dir=data_dir),
            filters=Filters(),
            as_of=AS_OF,
        )
        return {
            "summary": summary.sort_values("code").reset_index(drop=True),
            "totals": metrics.totals(con, filters=Filters()),
            "coverage": metrics.data_coverage(con, filters=Filters()),
            "open only": metrics.totals(con, filters=Filters(state_group="open")),
            "weekly": metrics.weekly_trend(con, filters=Filters()),
        }


def test_each_ticket_stores_whether_it_is_open_its_days_to_finish_and_its_after_photo_on_both_backends(
    tmp_path: Path, data_dir: Path, store_location: str
) -> None:
    _ingest(tmp_path, data_dir, store_location, ROWS)
    assert _physical(store_location) == EXPECTED

    # a later file finishes the first ticket: its stored facts follow the new fields
    done = ticket(
        "OPEN-BLANK-AFTER",
        state=FINISHED_TH,
        timestamp="2022-06-01 03:00:00+00",
        last_activity="2022-06-05 03:00:00+00",
        photo_after="https://example.invalid/fixed.jpg",
    )
    _ingest(tmp_path, data_dir, store_location, [done])
    assert _physical(store_location)["OPEN-BLANK-AFTER"] == (False, 4.0, True, True, True)

    with store.at(store_location).reader() as con:
        figures = metrics.totals(con, filters=Filters())
        coverage = metrics.data_coverage(con, filters=Filters())
    assert (figures.total, figures.open, figures.finished, figures.no_location) == (8, 1, 4, 2)
    assert figures.median_days_to_finish == pytest.approx(2.5)  # of 0.25, 2.5 and 4.0
    assert (coverage.finished, coverage.finish_time, coverage.after_photo) == (4, 3, 3)
    assert (coverage.location, coverage.category) == (6, 6)


@pytest.mark.parametrize(
    "written_without",
    [tuple(queries.DERIVED), ("located", "typed")],
    ids=["before any stored fact", "before located and typed"],
)
def test_a_store_written_before_the_stored_facts_reads_the_same_and_gets_them_on_its_next_write(
    tmp_path: Path, data_dir: Path, store_location: str, written_without: tuple[str, ...]
) -> None:
    if store.at(store_location).kind == "postgresql":
        from tests.conftest import fresh_database

        server = store_location.rsplit("/", 1)[0] + "/postgres"
        current = fresh_database(server)
    else:
        current = str(tmp_path / "current.duckdb")
    _ingest(tmp_path, data_dir, current, ROWS)
    _ingest(tmp_path, data_dir, store_location, ROWS)
    _drop_stored_facts(store_location, written_without)
    assert not set(written_without) & _columns(store_location)
    assert set(queries.DERIVED) - set(written_without) <= _columns(store_location)

    old, new = _figures(store_location, data_dir), _figures(current, data_dir)
    pd.testing.assert_frame_equal(old.pop("summary"), new.pop("summary"))
    pd.testing.assert_frame_equal(old.pop("weekly"), new.pop("weekly"))
    assert old == new
    assert new["totals"].open == 2 and new["coverage"].after_photo == 2

    # the next write adds the columns and fills them from each ticket's fields
    _ingest(tmp_path, data_dir, store_location, [ticket("NEW", code="1004")])
    assert _physical(store_location) == {**EXPECTED, "NEW": (True, None, False, True, True)}
