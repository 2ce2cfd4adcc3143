from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard import store
from dashboard.errors import InputFileError, StoreError, TruncatedFileError
from dashboard.ingest import load as ingest_module
from dashboard.ingest import sources
from dashboard.ingest.load import Reconciliation, ingest_files
from dashboard.store import duck
from tests.fixtures import csv_text, ticket, write_csv


def run(paths: list[Path], store: Path, data_dir: Path) -> Reconciliation:
    return ingest_files(paths=paths, store_path=store, data_dir=data_dir)


def rows(store: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(store), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql).fetchall()


def snapshot(store: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: rows(store, f"SELECT * FROM {table} ORDER BY ALL")
        for table in ("tickets", "quarantine", "ingests")
    }


def test_every_row_is_accounted_for(tmp_path: Path, data_dir: Path, store_path: Path) -> None:
    text_rows = [
        ticket("A"),
        ticket("B", timestamp="yesterday"),
        ticket("C", timestamp=""),
        ticket("D", star="7"),
        ticket("E", last_activity="soon"),
        ticket("F", count_reopen="-1"),
        ticket("G", coords=""),
        ticket("A", last_activity="2022-06-03 03:00:00+00"),
    ]
    path = write_csv(tmp_path / "t.csv", text_rows)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("x,y\n")
    result = run([path], store_path, data_dir)
    assert result.rows_read == 9
    assert (result.stored_new, result.stored_updated, result.stored_unchanged) == (2, 0, 0)
    assert result.merged_duplicates == 1
    assert result.quarantined == {
        "unparseable timestamp": 1,
        "missing timestamp": 1,
        "invalid star": 1,
        "unparseable last_activity": 1,
        "invalid count_reopen": 1,
        "broken row": 1,
    }
    assert result.accounted == result.rows_read
    assert "reconciliation                                    OK" in result.report()
    quarantine = rows(
        store_path, "SELECT source_line, reason, detail FROM quarantine ORDER BY source_line"
    )
    assert quarantine == [
        (3, "unparseable timestamp", "timestamp='yesterday'"),
        (4, "missing timestamp", "timestamp=''"),
        (5, "invalid star", "star='7'"),
        (6, "unparseable last_activity", "last_activity='soon'"),
        (7, "invalid count_reopen", "count_reopen='-1'"),
        (10, "broken row", "broken row: 2 fields, expected 16"),
    ]
    raw_text = rows(store_path, "SELECT raw_text FROM quarantine WHERE source_line = 3")[0][0]
    assert raw_text.startswith("B,{ถนน},") and "yesterday" in raw_text
    kept = rows(store_path, "SELECT ticket_id, last_activity::VARCHAR FROM tickets ORDER BY 1")
    assert kept == [("A", "2022-06-03 03:00:00+00"), ("G", "2022-06-02 03:00:00+00")]


def test_reingest_changes_nothing_and_newer_activity_updates(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    first = write_csv(tmp_path / "day1.csv", [ticket("A"), ticket("B")])
    run([first], store_path, data_dir)
    before = snapshot(store_path)["tickets"]
    again = run([first], store_path, data_dir)
    assert (again.stored_new, again.stored_updated, again.stored_unchanged) == (0, 0, 2)
    assert snapshot(store_path)["tickets"] == before

    newer = write_csv(
        tmp_path / "day2.csv",
        [
            ticket("A", state="เสร็จสิ้น", last_activity="2022-06-09 03:00:00+00"),
            ticket("B", state="เสร็จสิ้น", last_activity="2022-06-01 03:00:00+00"),  # stale
            ticket("C"),
        ],
    )
    result = run([newer], store_path, data_dir)
    assert (result.stored_new, result.stored_updated, result.stored_unchanged) == (1, 1, 1)
    states = rows(store_path, "SELECT ticket_id, state FROM tickets ORDER BY 1")
    assert states == [("A", "finished"), ("B", "waiting"), ("C", "waiting")]


def test_missing_ticket_id_gets_stable_surrogate_later_replaced(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    no_id = ticket("", timestamp="2022-06-05 01:02:03.456+00", photo="https://x/p1.jpg")
    path = write_csv(tmp_path / "a.csv", [no_id, ticket("B")])
    first = run([path], store_path, data_dir)
    assert first.surrogate_ids == 1
    (surrogate,) = rows(store_path, "SELECT ticket_id FROM tickets WHERE id_is_surrogate")[0]
    assert surrogate.startswith("noid-") and len(surrogate) == 21
    again = run([path], store_path, data_dir)
    assert again.stored_unchanged == 2
    assert rows(store_path, "SELECT count(*) FROM tickets")[0][0] == 2

    with_id = dict(no_id, ticket_id="2022-REAL1", last_activity="2022-06-07 00:00:00+00")
    later = run([write_csv(tmp_path / "b.csv", [with_id])], store_path, data_dir)
    assert (later.stored_new, later.stored_updated) == (0, 1)
    assert rows(store_path, "SELECT ticket_id, id_is_surrogate FROM tickets ORDER BY 1") == [
        ("2022-REAL1", False),
        ("B", False),
    ]


def test_failed_ingest_leaves_store_exactly_as_it_was(
    tmp_path: Path, data_dir: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run([write_csv(tmp_path / "a.csv", [ticket("A")])], store_path, data_dir)
    before = snapshot(store_path)
    good = write_csv(tmp_path / "b.csv", [ticket("B")])
    bad = tmp_path / "c.csv"
    bad.write_text("name,value\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a Traffy CSV dump"):
        run([good, bad], store_path, data_dir)
    assert snapshot(store_path) == before

    def explode(*_args: object) -> None:
        raise duckdb.ConversionException("disk went away")

    monkeypatch.setattr(ingest_module, "_log_ingest", explode)
    with pytest.raises(StoreError, match="the ingest was rolled back, the store is unchanged"):
        run([good], store_path, data_dir)
    assert snapshot(store_path) == before


def test_untrusted_and_huge_text_is_stored_verbatim(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    script = '<img src=x onerror=alert(1)><script>alert("x")</script>'
    huge = "ก" * (1 << 20)
    path = write_csv(tmp_path / "x.csv", [ticket("A", comment=script), ticket("B", comment=huge)])
    result = run([path], store_path, data_dir)
    assert result.stored_new == 2
    stored = dict(rows(store_path, "SELECT ticket_id, comment FROM tickets"))
    assert stored == {"A": script, "B": huge}


def test_locations_flags_and_labels(tmp_path: Path, data_dir: Path, store_path: Path) -> None:
    from tests.fixtures import centre

    lon, lat = centre("1012", half=1)
    path = write_csv(
        tmp_path / "loc.csv",
        [
            ticket("OK", code="1012", half=1, district="เขต1012", subdistrict="แขวง101202"),
            ticket("SWAP", coords=f"{lat},{lon}", district="1001"),
            ticket("ZERO", coords="0,0"),
            ticket("JUNK", coords="east,north"),
            ticket("NONE", coords=""),
            ticket("FAR", coords="98.98,18.79"),
            ticket("EDGE", coords="100.45,13.625"),  # on the border between 1001 and 1002
        ],
    )
    result = run([path], store_path, data_dir)
    assert result.coords_swapped == 1
    assert result.location_issues == {
        "zero coordinates (0,0)": 1,
        "unparseable coordinates": 1,
        "missing coordinates": 1,
        "outside Bangkok": 1,
    }
    found = {
        r[0]: r[1:]
        for r in rows(
            store_path,
            "SELECT ticket_id, district_code, subdistrict_code, location_issue, coords_swapped,"
            " district_label_mismatch, lon IS NULL, h3_r9 IS NOT NULL AND h3_r9 > 0 FROM tickets",
        )
    }
    assert found["OK"] == ("1012", "101202", None, False, False, False, True)
    assert found["SWAP"] == ("1012", "101202", None, True, True, False, True)
    assert found["ZERO"] == (None, None, "zero coordinates (0,0)", False, False, True, False)
    assert found["JUNK"] == (None, None, "unparseable coordinates", False, False, True, False)
    assert found["NONE"] == (None, None, "missing coordinates", False, False, True, False)
    assert found["FAR"] == (None, None, "outside Bangkok", False, False, False, False)
    assert found["EDGE"][0] == "1001"


def test_ingest_cli_prints_reconciliation(
    tmp_path: Path, data_dir: Path, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dashboard.cli import main

    path = write_csv(tmp_path / "t.csv", [ticket("A"), ticket("A"), ticket("B", timestamp="x")])
    assert main(["ingest", str(path), "--store", str(store_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_read"] == 3
    assert (
        report["stored_new"] + report["merged_duplicates"] + sum(report["quarantined"].values())
        == 3
    )


def test_streaming_in_small_chunks_gives_the_same_result(tmp_path: Path, data_dir: Path) -> None:
    rows = [ticket(f"T{i}", comment="สอง\nบรรทัด" if i % 3 == 0 else "x") for i in range(9)]
    rows.insert(4, ticket("T1", last_activity="2022-06-09 00:00:00+00"))  # duplicate across chunks
    rows.insert(7, ticket("BAD", timestamp="nope"))
    path = write_csv(tmp_path / "s.csv", rows)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("broken,row\n")
        handle.write(csv_row(ticket("T9")))
    results = {}
    for chunk_rows in (1, 3, 1_000_000):
        store = tmp_path / f"s{chunk_rows}.duckdb"
        result = ingest_files(
            paths=[path], store_path=store, data_dir=data_dir, chunk_rows=chunk_rows
        )
        results[chunk_rows] = (
            result.as_dict(),
            rows_of(
                store,
                "SELECT ticket_id, last_activity::VARCHAR, source_record FROM tickets ORDER BY 1",
            ),
            rows_of(store, "SELECT source_line, reason FROM quarantine ORDER BY 1"),
        )
    assert results[1][0]["rows_read"] == 13
    assert results[1][0]["merged_duplicates"] == 1
    assert results[1][2] == [(11, "unparseable timestamp"), (16, "broken row")]
    assert results[1] == results[3] == results[1_000_000]


def csv_row(row: dict[str, str]) -> str:
    return csv_text([row]).split("\n", 1)[1]


def rows_of(store: Path, sql: str) -> list[tuple[Any, ...]]:
    return rows(store, sql)


def test_readers_share_one_database_per_store_version_and_the_old_one_closes_after_its_last_reader(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    ingest_files(
        paths=[write_csv(tmp_path / "a.csv", [ticket("A")])],
        store_path=store_path,
        data_dir=data_dir,
    )
    location = store.at(store_path)
    with location.reader() as first:
        old = duck._SHARED[store_path]
        with location.reader() as again:  # the same database, a cursor of its own
            assert duck._SHARED[store_path] is old and old.users == 2
            assert again.execute("SELECT current_setting('TimeZone')").fetchall() == [("UTC",)]
        more = write_csv(tmp_path / "b.csv", [ticket("B")])
        ingest_files(paths=[more], store_path=store_path, data_dir=data_dir)
        with location.reader() as after:  # a new file: a new database, never the old one
            assert after.execute("SELECT count(*) FROM tickets").fetchall() == [(2,)]
            assert duck._SHARED[store_path] is not old
        # a run that started before the ingest keeps reading the version it started on
        assert first.execute("SELECT count(*) FROM tickets").fetchall() == [(1,)]
    with pytest.raises(duckdb.ConnectionException):  # its last reader is done: closed
        old.database.execute("SELECT 1")
    with pytest.raises(StoreError, match="no khetmap store"), store.at(tmp_path / "x").reader():
        pass
    (tmp_path / "not.duckdb").write_text("ticket_id\nA\n")
    not_a_store = store.at(tmp_path / "not.duckdb")
    with pytest.raises(StoreError, match="not a khetmap DuckDB store"), not_a_store.reader():
        pass


def test_a_stage_run_ahead_in_a_thread_yields_its_items_in_order_then_raises_its_error() -> None:
    def numbers() -> Iterator[int]:
        yield from range(5)
        raise InputFileError("cut short at record 6")

    seen: list[int] = []
    with pytest.raises(InputFileError, match="cut short at record 6"):
        for number in ingest_module._ahead(numbers()):
            seen.append(number)
    assert seen == [0, 1, 2, 3, 4]


def test_leaving_a_stage_run_ahead_early_stops_and_closes_its_producer() -> None:
    produced: list[int] = []
    closed = threading.Event()

    def numbers() -> Iterator[int]:
        try:
            for number in range(1_000):
                produced.append(number)
                yield number
        finally:
            closed.set()

    for number in ingest_module._ahead(numbers()):
        if number == 2:
            break
    assert closed.is_set()
    assert len(produced) <= 5  # one item ahead, at most one in hand: never the whole range


def test_a_file_cut_short_after_many_chunks_stores_nothing(
    tmp_path: Path, data_dir: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "BLOCK_BYTES", 1 << 10)  # a few records per parse block
    run([write_csv(tmp_path / "a.csv", [ticket("A")])], store_path, data_dir)
    before = snapshot(store_path)
    text = csv_text([ticket(f"T{i}") for i in range(7)])
    path = tmp_path / "cut.csv"
    path.write_text(text[: len(text) - 40], encoding="utf-8")  # inside the last record
    with pytest.raises(TruncatedFileError, match="the file is truncated"):
        ingest_files(paths=[path], store_path=store_path, data_dir=data_dir, chunk_rows=2)
    assert snapshot(store_path) == before


def test_a_chunk_that_fails_to_store_stops_the_reading_thread_and_leaves_the_store_as_it_was(
    tmp_path: Path, data_dir: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run([write_csv(tmp_path / "a.csv", [ticket("A")])], store_path, data_dir)
    before = snapshot(store_path)
    path = write_csv(tmp_path / "many.csv", [ticket(f"T{i}") for i in range(9)])
    prepare = ingest_module._prepare
    calls: list[int] = []

    def fail_on_the_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise duckdb.ConversionException("disk went away")
        return prepare(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "_prepare", fail_on_the_second)
    monkeypatch.setattr(sources, "BLOCK_BYTES", 1 << 10)  # a few records per parse block
    with pytest.raises(StoreError, match="rolled back"):
        ingest_files(paths=[path], store_path=store_path, data_dir=data_dir, chunk_rows=2)
    assert len(calls) == 2
    assert not [t for t in threading.enumerate() if t.name == "khetmap-ingest-stage"]
    assert snapshot(store_path) == before
