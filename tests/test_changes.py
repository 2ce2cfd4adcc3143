"""What changed per import (issue 34): each ingest records per ticket what changed (new,
state, organisations, last change, star) with its import's id; `khetmap changes` lists it.

The CityData files are built in code: `org_response` and `hashtag` are invented in the
documented style, the rest comes from `tests.fixtures.ticket`.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from dashboard import store
from dashboard.analysis import imports, metrics
from dashboard.analysis.filters import Filters
from dashboard.cli import main
from dashboard.ingest.load import ingest_files
from tests.apptest import open_page, plain, serving
from tests.test_citydata import CITYDATA, citydata_row, write_rows

OFFICE = "เขต1001"
FIRST = [
    citydata_row("KEEP", OFFICE),
    citydata_row("CLOSE", f"{OFFICE}, ฝ่ายโยธา {OFFICE}", state="กำลังดำเนินการ"),
    citydata_row("PASS", OFFICE),
    citydata_row("RATE", OFFICE, state="เสร็จสิ้น"),
    citydata_row("OTHER", OFFICE, code="1002"),
]
LATER = "2022-06-09 03:00:00+00"
SECOND = [
    FIRST[0],
    citydata_row("CLOSE", f"{OFFICE}, ฝ่ายโยธา {OFFICE}", state="เสร็จสิ้น", last_activity=LATER),
    citydata_row("PASS", f"{OFFICE}, ฝ่ายโยธา {OFFICE}", last_activity=LATER),
    citydata_row("RATE", OFFICE, state="เสร็จสิ้น", star="4", last_activity=LATER),
    FIRST[4],
    citydata_row("NEW", f"{OFFICE}, ฝ่ายเทศกิจ {OFFICE}"),
]


def two_imports(tmp_path: Path, data_dir: Path, location: str) -> None:
    for number, rows in enumerate((FIRST, SECOND), start=1):
        path = write_rows(tmp_path / f"export{number}.csv", CITYDATA, rows)
        result = ingest_files(paths=[path], store_path=location, data_dir=data_dir)
        assert result.ingest_id == number


def test_each_import_records_what_changed_per_ticket(
    tmp_path: Path, data_dir: Path, store_location: str
) -> None:
    two_imports(tmp_path, data_dir, store_location)
    with store.at(store_location).reader() as con:
        last = imports.changes(con, district="1001")
        every = imports.changes(con, district=None, since_import=0)
    assert last is not None and every is not None
    assert (last.since_import, last.last_import, last.imports) == (1, 2, (2,))
    rows = [
        (r["ticket_id"], r["change"], r["value_before"], r["value_after"])
        for r in metrics.records(last.rows)
    ]
    assert rows == [
        ("CLOSE", "last_activity", "2022-06-02 03:00:00+00", LATER),
        ("CLOSE", "state", "in_progress", "finished"),
        ("NEW", "new", None, "waiting"),
        ("NEW", "organisations", None, f"{OFFICE}, ฝ่ายเทศกิจ {OFFICE}"),
        ("PASS", "last_activity", "2022-06-02 03:00:00+00", LATER),
        ("PASS", "organisations", OFFICE, f"{OFFICE}, ฝ่ายโยธา {OFFICE}"),
        ("RATE", "last_activity", "2022-06-02 03:00:00+00", LATER),
        ("RATE", "star", None, "4"),
    ]
    counted = imports.figures(last)
    assert (counted.tickets, counted.new, counted.new_open, counted.finished) == (4, 1, 1, 1)
    assert (counted.reopened, counted.rated, counted.last_activity) == (0, 1, 3)
    assert counted.passed_to == {"ฝ่ายเทศกิจ": 1, "ฝ่ายโยธา": 1}
    # since import 0: the first import's five new tickets (one in 1002) and the second's
    assert imports.figures(every).new == 6
    assert set(every.rows["ingest_id"]) == {1, 2}


def test_the_changes_command_lists_a_district_since_an_import(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = str(tmp_path / "s.duckdb")
    two_imports(tmp_path, data_dir, location)
    assert main(["changes", "--district", "1001", "--store", location]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "import 2: 1 new (1 open), 1 finished, 0 reopened, 1 changed state, 1 rated, "
        "1 passed to ฝ่ายเทศกิจ, 1 passed to ฝ่ายโยธา"
    )
    assert len(captured.out.splitlines()) == 1 + 8
    assert main(["changes", "--district", "1002", "--since-import", "0", "--format", "json",
                 "--store", location]) == 0  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert document["imports"] == [1, 2]
    assert [(c["ticket_id"], c["change"]) for c in document["changes"]] == [("OTHER", "new")]
    assert main(["changes", "--district", "1001", "--since-import", "7", "--store", location]) == 2
    assert "after the store's last import (2)" in capsys.readouterr().err


def test_a_store_written_before_the_change_log_is_read_and_gains_it(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = tmp_path / "old.duckdb"
    ingest_files(
        paths=[write_rows(tmp_path / "a.csv", CITYDATA, FIRST)], store_path=location,
        data_dir=data_dir,
    )  # fmt: skip
    with duckdb.connect(str(location)) as con:  # as an older khetmap wrote it
        con.execute("DROP TABLE ticket_changes")
        con.execute("ALTER TABLE tickets DROP COLUMN hashtags")
        con.execute("ALTER TABLE tickets DROP COLUMN finished_at")
    with store.at(location).reader() as con:
        assert imports.changes(con, district="1001") is None
        figures = metrics.traffy_figures(con, filters=Filters(district="1001"))
        basis = metrics.finish_time_basis(con, filters=Filters())
    assert (figures.total, figures.start, figures.in_progress, figures.finish) == (4, 2, 1, 1)
    assert (basis.finish_time, basis.last_activity) == (0, 1)
    assert main(["changes", "--district", "1001", "--store", str(location)]) == 2
    assert "keeps no record of changes yet" in capsys.readouterr().err
    ingest_files(
        paths=[write_rows(tmp_path / "b.csv", CITYDATA, SECOND)], store_path=location,
        data_dir=data_dir,
    )  # fmt: skip
    with store.at(location).reader() as con:
        found = imports.changes(con, district="1001")
        assert found is not None and imports.figures(found).new == 1
        hashtags = con.execute("SELECT count(hashtags) FROM tickets").fetchall()[0][0]
    assert hashtags == 4  # the tickets the second import wrote (new or updated)


def test_the_week_view_says_a_first_import_has_nothing_to_compare_and_counts_from_the_second(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the store's first import finds every ticket new and none finished: not a change
    location = tmp_path / "s.duckdb"
    path = write_rows(tmp_path / "export1.csv", CITYDATA, FIRST)
    ingest_files(paths=[path], store_path=location, data_dir=data_dir)
    with store.at(str(location)).reader() as con:
        first = imports.changes(con, district="1001")
    assert first is not None and not first.comparable
    with serving(location, monkeypatch):
        at = open_page("district", district="1001", section="week", lang="en")
        text = plain(" ".join([*(c.value for c in at.caption), *(m.value for m in at.markdown)]))
    assert "This is the first import of the data: there is no earlier one to compare" in text
    assert "Since the last import" not in text
    path = write_rows(tmp_path / "export2.csv", CITYDATA, SECOND)
    ingest_files(paths=[path], store_path=location, data_dir=data_dir)
    with serving(location, monkeypatch):
        at = open_page("district", district="1001", section="week", lang="en")
        text = plain(" ".join(m.value for m in at.markdown))
    assert "Since the last import: 1 new, 1 finished, 1 passed to ฝ่ายเทศกิจ" in text
