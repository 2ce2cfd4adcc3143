"""Hostile values and hostile files: one bad value never aborts a file, a bad file gets one line."""

from __future__ import annotations

import errno
import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.cli import main
from dashboard.ingest import load as ingest_module
from dashboard.ingest import sources
from dashboard.ingest.load import ingest_files
from dashboard.store import duck
from tests.fixtures import csv_text, ticket, write_csv


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql).fetchall()


def quarantine(path: Path) -> list[tuple[Any, ...]]:
    return rows(path, "SELECT source_line, reason, detail FROM quarantine ORDER BY source_line")


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-inf", "1e400", "2147483648", "1e30"])
def test_a_non_numeric_star_or_reopen_count_is_quarantined_and_the_rest_stored(
    tmp_path: Path, data_dir: Path, store_path: Path, value: str
) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        [ticket("OK1"), ticket("S", star=value), ticket("R", count_reopen=value), ticket("OK2")],
    )
    result = ingest_files(paths=[path], store_path=store_path, data_dir=data_dir)
    assert result.stored_new == 2
    assert result.quarantined == {"invalid star": 1, "invalid count_reopen": 1}
    assert [(line, reason) for line, reason, _ in quarantine(store_path)] == [
        (3, "invalid star"),
        (4, "invalid count_reopen"),
    ]
    assert quarantine(store_path)[0][2] == f"star={value!r}"


def test_implausible_dates_are_quarantined_with_the_value_and_the_window(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        [
            ticket("OK", timestamp="2022-06-01 03:00:00+00"),
            ticket("INF", timestamp="infinity"),
            ticket("FAR", timestamp="294247-01-01 00:00:00+00"),
            ticket("BE", timestamp="2566-05-12 03:00:00+00"),
            ticket("OLD", timestamp="2001-01-01 00:00:00+00"),
            ticket("LA", last_activity="9999-12-31"),
        ],
    )
    result = ingest_files(paths=[path], store_path=store_path, data_dir=data_dir)
    assert result.stored_new == 1
    assert result.quarantined == {"implausible timestamp": 4, "implausible last_activity": 1}
    details = {line: detail for line, _, detail in quarantine(store_path)}
    assert details[3].startswith("timestamp='infinity' is outside the plausible window 2015-01-01")
    assert details[5].endswith("it looks like a Buddhist-era year in a file of CE years")
    assert details[7].startswith("last_activity='9999-12-31' is outside")
    # the as-of date is not moved to 9999 by the bad row
    assert (
        rows(store_path, "SELECT max(coalesce(last_activity, reported_at)) FROM tickets")[0][0].year
        == 2022
    )


def test_a_buddhist_era_file_is_converted_and_a_later_update_is_not_frozen(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    thai = write_csv(
        tmp_path / "be.csv",
        [
            ticket(
                "T1", timestamp="2566-05-12 03:00:00+00", last_activity="2566-05-13 03:00:00+00"
            ),
            ticket(
                "T2", timestamp="2566-05-14 03:00:00+00", last_activity="2566-05-15 03:00:00+00"
            ),
        ],
    )
    first = ingest_files(paths=[thai], store_path=store_path, data_dir=data_dir)
    assert first.stored_new == 2 and first.quarantined == {}
    assert first.buddhist_era == [f"{thai}: last_activity", f"{thai}: timestamp"]
    assert "Buddhist-era years converted to CE (-543)" in first.report()
    stored = rows(store_path, "SELECT reported_at, last_activity FROM tickets WHERE ticket_id='T1'")
    assert (stored[0][0].year, stored[0][1].year) == (2023, 2023)
    update = write_csv(
        tmp_path / "ce.csv",
        [ticket("T1", timestamp="2023-05-12 03:00:00+00", last_activity="2023-05-20 03:00:00+00")],
    )
    second = ingest_files(paths=[update], store_path=store_path, data_dir=data_dir)
    assert second.stored_updated == 1


def test_a_field_over_128_kb_next_to_a_quarantined_row_is_stored(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    big = "ก" * 200_000
    path = write_csv(
        tmp_path / "t.csv", [ticket("BIG", comment=big), ticket("BAD", star="9"), ticket("C")]
    )
    result = ingest_files(paths=[path], store_path=store_path, data_dir=data_dir)
    assert result.stored_new == 2 and result.quarantined == {"invalid star": 1}
    assert quarantine(store_path)[0][:2] == (3, "invalid star")
    assert rows(store_path, "SELECT length(comment) FROM tickets WHERE ticket_id='BIG'") == [
        (200_000,)
    ]


def test_a_value_larger_than_a_parse_block_names_its_line(
    tmp_path: Path,
    data_dir: Path,
    store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the same code path as a 100 MB field against the 16 MiB block, at test size
    monkeypatch.setattr(sources, "BLOCK_BYTES", 1 << 20)
    path = write_csv(
        tmp_path / "t.csv", [ticket("A"), ticket("B"), ticket("HUGE", comment="x" * (3 << 20))]
    )
    assert main(["ingest", str(path), "--store", str(store_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"khetmap: error: {path}: line 4 holds a single value larger than 1 MiB, the most "
        "khetmap reads in one field; trim that record (or remove it) and ingest again\n"
    )
    assert not store_path.exists()


def test_an_unclosed_quote_is_reported_with_its_line_and_the_rows_it_swallowed(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    # no other quote follows (no coordinates to quote), so the quote runs to the end
    rows_ = [ticket(f"T{i:03}", coords="") for i in range(100)]
    lines = csv_text(rows_).splitlines(keepends=True)
    lines[11] = lines[11].replace(",หลุมบ่อ,", ',"หลุมบ่อ,', 1)
    assert lines[11].count('"') % 2 == 1  # the quote opened on line 12 is never closed
    path = tmp_path / "t.csv"
    path.write_text("".join(lines), encoding="utf-8")
    result = ingest_files(paths=[path], store_path=store_path, data_dir=data_dir)
    assert result.rows_read == 11 and result.stored_new == 10
    assert result.quarantined == {"unclosed quote": 1}
    assert result.accounted == result.rows_read
    line, reason, detail = quarantine(store_path)[0]
    assert (line, reason) == (12, "unclosed quote")
    assert "89 following lines (up to 89 records)" in detail
    assert result.warnings == [
        f"{path} line 12: {detail}; fix the quote and ingest the file again to store them"
    ]
    assert "WARNING: " + result.warnings[0] in result.report()


def test_a_file_cut_mid_record_is_refused_unless_allowed(
    tmp_path: Path, data_dir: Path, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = csv_text([ticket(f"T{i}") for i in range(50)])
    path = tmp_path / "cut.csv"
    path.write_text(text[: len(text) - 40], encoding="utf-8")  # inside the last record
    assert main(["ingest", str(path), "--store", str(store_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"khetmap: error: {path}: the file is truncated: ")
    assert err.count("\n") == 1
    assert not store_path.exists()
    assert main(["ingest", str(path), "--store", str(store_path), "--allow-truncated"]) == 0
    captured = capsys.readouterr()
    assert "khetmap: warning: " in captured.err and "--allow-truncated" in captured.err
    assert rows(store_path, "SELECT count(*) FROM tickets") == [(49,)]


def test_a_file_cut_inside_a_quoted_value_is_truncated_too(
    tmp_path: Path, data_dir: Path, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = csv_text([ticket(f"T{i}") for i in range(5)]).rstrip("\n")
    path = tmp_path / "cut.csv"
    path.write_text(text + '\nT9,{ถนน},เขต,"a comment cut sh', encoding="utf-8")
    assert main(["ingest", str(path), "--store", str(store_path)]) == 2
    assert "the file is truncated: " in capsys.readouterr().err


def test_a_file_with_cr_only_line_endings_is_read(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(csv_text([ticket("A"), ticket("B")]).replace("\n", "\r").encode())
    result = ingest_files(paths=[path], store_path=store_path, data_dir=data_dir)
    assert (result.rows_read, result.stored_new) == (2, 2)


def _deep_json(path: Path) -> Path:
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return path


def _symlink_loop(path: Path) -> Path:
    other = path.with_name("other.csv")
    path.symlink_to(other)
    other.symlink_to(path)
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_deep_json, "JSON nested too deeply to be a list of service requests."),
        (_symlink_loop, "a loop of symbolic links; point the path at the real file."),
        (_fifo, "not a regular file (a pipe, socket or device)"),
    ],
)
def test_a_bad_file_gets_one_line_and_exit_2_and_no_store(
    tmp_path: Path,
    data_dir: Path,
    store_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Any,
    message: str,
) -> None:
    path = make(tmp_path / "bad.csv")
    assert main(["ingest", str(path), "--store", str(store_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"khetmap: error: {path}: ") and message in err
    assert err.count("\n") == 1
    assert not store_path.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".store")] == []


def test_an_empty_open311_list_stores_nothing_and_says_so(
    tmp_path: Path, data_dir: Path, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "requests.json"
    path.write_text("[]", encoding="utf-8")
    assert main(["ingest", str(path), "--store", str(store_path)]) == 0
    captured = capsys.readouterr()
    assert f"{path}: an empty Open311 list: no service requests, none stored" in captured.err
    assert rows(store_path, "SELECT count(*) FROM tickets") == [(0,)]


def test_a_full_disk_while_copying_gives_one_line_and_leaves_the_store(
    tmp_path: Path,
    data_dir: Path,
    store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ingest_files(paths=[write_csv(tmp_path / "a.csv", [ticket("A")])], store_path=store_path)
    before = store_path.read_bytes()
    real_copy = shutil.copyfile

    def full(src: Path, dst: Path) -> None:
        real_copy(src, dst)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(duck.shutil, "copyfile", full)
    path = write_csv(tmp_path / "b.csv", [ticket("B")])
    assert main(["ingest", str(path), "--store", str(store_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("khetmap: error: no space left on the device of ")
    assert err.count("\n") == 1
    assert store_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "store" in p.name) == [
        "store.duckdb",
        "store.duckdb.lock",
    ]


def test_a_database_write_failure_is_one_line_and_a_new_store_is_not_left_behind(
    tmp_path: Path,
    data_dir: Path,
    store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise duckdb.OutOfMemoryException(
            "Out of Memory Error: could not write block: No space left on device\n"
            "Possible solutions:\n* Reducing the number of threads\n* Use a persistent database"
        )

    monkeypatch.setattr(ingest_module, "_write", disk_full)
    path = write_csv(tmp_path / "t.csv", [ticket("A")])
    assert main(["ingest", str(path), "--store", str(store_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("khetmap: error: the ingest was rolled back, the store is unchanged: ")
    assert "free some space" in err and err.count("\n") == 1
    assert not store_path.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".writing", ".wal")] == []


def test_a_gzipped_hostile_file_is_read_like_a_plain_one(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(csv_text([ticket("A"), ticket("B", star="inf")]).encode()))
    result = ingest_files(paths=[path], store_path=store_path, data_dir=data_dir)
    assert result.stored_new == 1 and result.quarantined == {"invalid star": 1}
    assert json.loads(json.dumps(result.as_dict()))["quarantined"] == {"invalid star": 1}


READER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM tickets").fetchall()[0][0], flush=True)
sys.stdin.readline()  # hold the connection until told
print(con.execute("SELECT count(*) FROM tickets").fetchall()[0][0], flush=True)
"""


def test_an_ingest_never_waits_for_a_reader_and_the_reader_keeps_its_view(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    import subprocess
    import sys
    import time

    ingest_files(paths=[write_csv(tmp_path / "a.csv", [ticket("A")])], store_path=store_path)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == "1"  # the other process holds a read lock
        started = time.monotonic()
        more = write_csv(tmp_path / "b.csv", [ticket("B"), ticket("C")])
        result = ingest_files(paths=[more], store_path=store_path)
        assert time.monotonic() - started < duck.LOCK_WAIT_SECONDS / 3  # no lock wait
        assert result.stored_new == 2
        assert rows(store_path, "SELECT count(*) FROM tickets") == [(3,)]  # a new reader
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"  # the old reader: its whole old store
    finally:
        reader.kill()
        reader.wait()


def test_a_copy_left_by_a_killed_ingest_is_removed_by_the_next_one(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    ingest_files(paths=[write_csv(tmp_path / "a.csv", [ticket("A")])], store_path=store_path)
    stale = tmp_path / f".{store_path.name}.99999.writing"
    stale.write_bytes(b"half a store")
    stale.with_name(stale.name + ".wal").write_bytes(b"x")
    ingest_files(paths=[write_csv(tmp_path / "b.csv", [ticket("B")])], store_path=store_path)
    assert sorted(p.name for p in tmp_path.iterdir() if "store" in p.name) == [
        "store.duckdb",
        "store.duckdb.lock",
    ]
    assert rows(store_path, "SELECT count(*) FROM tickets") == [(2,)]
