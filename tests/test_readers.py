from __future__ import annotations

import gzip
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from dashboard.errors import InputFileError
from dashboard.ingest import sources
from dashboard.ingest.sources import open_source, physical_lines, read_any
from tests.fixtures import csv_text, ticket, write_csv


def test_bom_multiline_comments_and_line_numbers(tmp_path: Path) -> None:
    rows = [ticket("A"), ticket("B", comment="line one\nline two\nline three"), ticket("C")]
    path = write_csv(tmp_path / "dump.csv", rows, bom=True)
    raw = read_any(path)
    assert raw.table.column_names[0] == "ticket_id"
    assert raw.table["ticket_id"].to_pylist() == ["A", "B", "C"]
    assert raw.table["comment"][1].as_py() == "line one\nline two\nline three"
    records = raw.table["source_record"].to_pylist()
    assert records == [1, 2, 3]
    assert physical_lines(open_source(path), records) == {1: 2, 2: 3, 3: 6}


def test_gzipped_csv_is_read_by_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "dump.data"
    path.write_bytes(gzip.compress(csv_text([ticket("A"), ticket("B")]).encode()))
    assert read_any(path).table["ticket_id"].to_pylist() == ["A", "B"]


def test_broken_row_is_kept_with_its_physical_line(tmp_path: Path) -> None:
    text = csv_text([ticket("A", comment="two\nlines"), ticket("B")])
    text += "only,three,fields\n"
    path = tmp_path / "broken.csv"
    path.write_text(text, encoding="utf-8")
    raw = read_any(path)
    assert raw.records_read == 3
    assert raw.table["ticket_id"].to_pylist() == ["A", "B"]
    assert [(b.line, b.raw_text, b.reason) for b in raw.broken] == [
        (3, "only,three,fields", "broken row: 3 fields, expected 16")
    ]
    assert physical_lines(open_source(path), [3]) == {3: 5}


def test_tis620_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes(csv_text([ticket("A", comment="ถนนพัง")]).encode("cp874"))
    raw = read_any(path)
    assert raw.encoding == "cp874"
    assert raw.table["comment"][0].as_py() == "ถนนพัง"
    assert raw.table["state"][0].as_py() == "รอรับเรื่อง"


def test_open311_requests_are_mapped(tmp_path: Path) -> None:
    requests = [
        {
            "service_request_id": "638344",
            "status": "closed",
            "service_name": "Pothole",
            "requested_datetime": "2010-04-14T06:37:38-08:00",
            "updated_datetime": "2010-04-15T06:37:38-08:00",
            "lat": 13.75,
            "long": 100.5,
            "address": "8TH AVE",
            "media_url": "http://x/1.jpg",
            "agency_responsible": "DPW",
            "description": "hole",
        },
        "not an object",
    ]
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(requests), encoding="utf-8")
    raw = read_any(path)
    row = raw.table.to_pylist()[0]
    assert row["ticket_id"] == "638344"
    assert row["coords"] == "100.5,13.75"
    assert row["type"] == "{Pothole}"
    assert row["state"] == "closed"
    assert row["organization"] == "DPW"
    assert raw.records_read == 2
    assert [(b.line, b.reason) for b in raw.broken] == [(2, "broken record: not a JSON object")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary\xff\xfe", "this is a binary file, not text"),
        (
            b"name,value\nx,1\n",
            # a location is coords, or Latitute and Longitude (Traffy's web export, issue 34)
            "not a Traffy CSV dump or export: no ticket_id, timestamp, state, coords (or "
            "Latitute and Longitude) column (header starts 'name,value')",
        ),
        (b'{"hello": "world"}', "JSON, but not an Open311 GeoReport v2 list of service requests"),
        (b"[1, 2", "looks like JSON but does not parse"),
        (
            b"ticket_id,coords\n\x81\x82\x83\xfc\xfd",
            "not UTF-8 text (byte 0x81 at offset 17) and not Thai TIS-620/cp874 either",
        ),
    ],
)
def test_bad_files_give_one_clear_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as caught:
        read_any(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file; check the path"):
        read_any(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="this is a folder; give the path of a file"):
        read_any(tmp_path)


def test_truncated_gzip_is_reported(tmp_path: Path) -> None:
    data = gzip.compress(csv_text([ticket(str(i)) for i in range(2000)]).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match=r"cut\.csv\.gz: .*download the file again"):
        read_any(path)


@pytest.mark.parametrize("block", [1 << 10, 1 << 24], ids=["blocks of 1 KiB", "one block"])
def test_records_after_a_broken_one_keep_their_numbers_however_many_parse_blocks_the_file_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    # pyarrow parses blocks ahead of the batches it hands out: with many blocks the broken
    # record is reported while an earlier chunk is numbered (every file over 16 MiB)
    monkeypatch.setattr(sources, "BLOCK_BYTES", block)
    first = csv_text([ticket(f"T{i}") for i in range(1, 6)])
    rest = csv_text([ticket(f"T{i}") for i in range(7, 13)]).split("\n", 1)[1]
    path = tmp_path / "many_blocks.csv"
    path.write_text(first + "only,three,fields\n" + rest, encoding="utf-8")
    chunks = list(open_source(path).chunks(rows=2))
    if block == 1 << 10:
        assert len(chunks) > 2
    records = [r for chunk in chunks for r in chunk.table["source_record"].to_pylist()]
    ids = [i for chunk in chunks for i in chunk.table["ticket_id"].to_pylist()]
    assert dict(zip(ids, records, strict=True)) == {
        f"T{i}": i for i in (*range(1, 6), *range(7, 13))
    }
    assert [b.line for chunk in chunks for b in chunk.broken] == [6]
    assert sum(chunk.records_read for chunk in chunks) == 12


def test_a_broken_record_reported_while_a_chunk_is_being_stored_is_kept_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pyarrow reads ahead in a thread of its own, so it can report a broken record while
    # the chunk generator waits at a `yield` (seen in CI: a file cut short went unnoticed)
    handlers: list[Any] = []
    open_csv = sources.pacsv.open_csv

    def keep_handler(stream: Any, **kwargs: Any) -> Any:
        handlers.append(kwargs["parse_options"].invalid_row_handler)
        return open_csv(stream, **kwargs)

    monkeypatch.setattr(sources.pacsv, "open_csv", keep_handler)
    path = write_csv(tmp_path / "four.csv", [ticket(f"T{i}") for i in range(1, 5)])
    chunks = open_source(path).chunks(rows=2)
    first = next(chunks)
    late = SimpleNamespace(text="late,row", actual_columns=2, number=9)
    assert handlers[0](late) == "skip"  # reported while the first chunk is in use
    rest = list(chunks)
    assert first.broken == []
    assert [b.line for chunk in rest for b in chunk.broken] == [8]
    assert first.records_read + sum(chunk.records_read for chunk in rest) == 5
