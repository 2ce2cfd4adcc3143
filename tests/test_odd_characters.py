"""One odd character never blocks a file or a sync: a NUL (PostgreSQL refuses it in text)
or a lone UTF-16 surrogate (not encodable as UTF-8) is stored as U+FFFD, counted, and every
row is accounted for, on both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dashboard import store
from dashboard.cli import main
from dashboard.ingest import sources, sync
from dashboard.ingest.load import ingest_files
from tests.fixtures import centre, csv_text, ticket
from tests.traffy_server import FakeTraffy

SURROGATE, NUL, FFFD = "\ud800", "\x00", "\ufffd"


def odd_rows() -> list[dict[str, str]]:
    """Six tickets: two plain, three with odd characters (one of them a bad star)."""
    rows = [
        ticket("OK1"),
        ticket("SUR", comment=f"ถนน{SURROGATE}พัง"),
        ticket("NUL", comment=f"ฝา{NUL}ท่อ"),
        ticket("BAD", comment=f"ไฟ{NUL}ดับ", star="9"),
        ticket("OK2"),
    ]
    rows[2]["address"] = f"ซอย{NUL} 1"
    return rows


def odd_csv(path: Path) -> Path:
    """The dump with the odd tickets and a broken line (7 fields) holding both characters,
    written as the bytes a careless exporter writes (the surrogate as ED A0 80)."""
    text = csv_text(odd_rows()) + f"BROKEN,{{}},เขต,{SURROGATE}{NUL},,,\n"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def api_result(row: dict[str, str]) -> dict[str, Any]:
    lon, lat = row["coords"].split(",")
    return {
        "ticket_id": row["ticket_id"],
        "problem_type_abdul": ["ถนน"],
        "comment": row["comment"],
        "address": row["address"],
        "coords": [lon, lat],
        "timestamp": row["timestamp"],
        "state": row["state"],
        "star": row["star"] or None,
        "photo": row["photo"],
    }


def odd_page() -> bytes:
    """A search-API page as Traffy sends it: the characters escaped (`\\ud800`, `\\u0000`),
    and a result that is not an object (a string holding a surrogate)."""
    results: list[Any] = [api_result(row) for row in odd_rows()]
    results.insert(4, f"x{SURROGATE}")
    return json.dumps({"status": True, "total": len(results), "results": results}).encode()


def stored(location: str) -> dict[str, tuple[str, str]]:
    with store.at(location).reader() as con:
        found = con.execute("SELECT ticket_id, comment, address FROM tickets").fetchall()
    return {str(r[0]): (str(r[1]), str(r[2])) for r in found}


def quarantined(location: str) -> list[tuple[str, str]]:
    with store.at(location).reader() as con:
        found = con.execute("SELECT reason, raw_text FROM quarantine ORDER BY source_line")
        return [(str(r[0]), str(r[1])) for r in found.fetchall()]


def test_a_dump_with_a_nul_and_a_lone_surrogate_is_stored_to_the_last_row(
    tmp_path: Path, data_dir: Path, store_location: str
) -> None:
    path = odd_csv(tmp_path / "odd.csv")
    result = ingest_files(paths=[path], store_path=store_location, data_dir=data_dir)
    assert result.rows_read == 6
    assert result.stored_new == 4
    assert result.quarantined == {"invalid star": 1, "broken row": 1}
    assert result.accounted == result.rows_read
    assert result.replaced_characters == 6  # 1 + 2 stored, 1 in the bad star, 2 in the broken
    assert stored(store_location) == {
        "OK1": ("หลุมบ่อ", ""),
        "SUR": (f"ถนน{FFFD}พัง", ""),
        "NUL": (f"ฝา{FFFD}ท่อ", f"ซอย{FFFD} 1"),
        "OK2": ("หลุมบ่อ", ""),
    }
    reasons = quarantined(store_location)
    assert [reason for reason, _ in reasons] == ["invalid star", "broken row"]
    assert f"ไฟ{FFFD}ดับ" in reasons[0][1]
    assert reasons[1][1] == f"BROKEN,{{}},เขต,{FFFD}{FFFD},,,"
    assert result.warnings == [
        f"{path}: 6 characters no store can hold (NUL, a lone UTF-16 surrogate, bytes that "
        "are not UTF-8) were replaced by U+FFFD; their tickets are stored"
    ]


def test_an_api_page_with_escaped_odd_characters_is_stored_to_the_last_row(
    tmp_path: Path, data_dir: Path, store_location: str
) -> None:
    path = tmp_path / "page.json"
    path.write_bytes(odd_page())
    result = ingest_files(paths=[path], store_path=store_location, data_dir=data_dir)
    assert (result.rows_read, result.stored_new) == (6, 4)
    assert result.quarantined == {"invalid star": 1, "broken record": 1}
    assert result.accounted == result.rows_read
    assert result.replaced_characters == 5  # 1 + 2 stored, 1 in the bad star, 1 broken
    assert stored(store_location)["SUR"] == (f"ถนน{FFFD}พัง", "")
    assert stored(store_location)["NUL"] == (f"ฝา{FFFD}ท่อ", f"ซอย{FFFD} 1")
    assert quarantined(store_location)[1] == ("broken record", f'"x{FFFD}"')


def test_a_dump_with_odd_characters_past_the_first_block_is_read_whole(
    tmp_path: Path, data_dir: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the stream is cleaned block by block: a Thai character and the surrogate's three
    # bytes cut by a block's end must come out whole
    monkeypatch.setattr(sources, "BLOCK_BYTES", 4096)
    rows = [ticket(f"T{i:04}", comment=f"ถนน{i}{SURROGATE if i % 7 == 0 else ''}พัง{NUL}")
            for i in range(300)]  # fmt: skip
    path = tmp_path / "long.csv"
    path.write_bytes(csv_text(rows).encode("utf-8", "surrogatepass"))
    assert path.stat().st_size > 15 * 4096
    result = ingest_files(paths=[path], store_path=store_path, data_dir=data_dir)
    assert (result.rows_read, result.stored_new, result.replaced_characters) == (300, 300, 343)
    comments = {k: v[0] for k, v in stored(str(store_path)).items()}
    assert comments["T0007"] == f"ถนน7{FFFD}พัง{FFFD}"
    assert comments["T0008"] == f"ถนน8พัง{FFFD}"


def test_the_command_line_ingests_the_odd_file_and_says_what_was_replaced(
    tmp_path: Path, data_dir: Path, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = odd_csv(tmp_path / "odd.csv")
    assert main(["ingest", str(path), "--store", str(store_path)]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("khetmap: warning: ") == 1
    assert "6 characters no store can hold" in captured.err
    assert "characters replaced by U+FFFD                      6" in captured.out


def test_a_sync_of_a_page_with_odd_characters_stores_every_ticket(
    tmp_path: Path, data_dir: Path, store_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHETMAP_SYNC_DELAY", "0")
    monkeypatch.setenv("KHETMAP_SYNC_DIR", str(tmp_path / "sync"))
    results = json.loads(odd_page())["results"]
    answers = {  # in ASCII JSON, as a server holding a lone surrogate must answer
        offset: json.dumps({"status": True, "total": 6, "results": results[offset:]}).encode()
        for offset in range(7)
    }
    fake = FakeTraffy(tickets=results, replay=answers)
    with fake.running() as url:
        outcome = sync.sync(location=store_location, base_url=url)
    result = outcome.reconciliation
    assert result is not None
    # the sync reads overlapping pages: each copy of a result is accounted for
    assert result.stored_new == 4 and result.accounted == result.rows_read
    assert set(result.quarantined) == {"invalid star", "broken record"}
    assert result.replaced_characters > 0
    assert stored(store_location) == {
        "OK1": ("หลุมบ่อ", ""),
        "SUR": (f"ถนน{FFFD}พัง", ""),
        "NUL": (f"ฝา{FFFD}ท่อ", f"ซอย{FFFD} 1"),
        "OK2": ("หลุมบ่อ", ""),
    }


def test_a_text_file_with_a_stray_nul_is_text_and_a_binary_one_is_refused(
    tmp_path: Path, data_dir: Path, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lon, lat = centre("1001")
    text = csv_text([ticket("A", comment=f"a{NUL}b", coords=f"{lon},{lat}")])
    assert sources.open_source(_write(tmp_path / "nul.csv", text.encode())).kind == "csv"
    binary = _write(tmp_path / "utf16.csv", text.encode("utf-16-le"))
    assert main(["ingest", str(binary), "--store", str(store_path)]) == 2
    assert capsys.readouterr().err == (
        f"khetmap: error: {binary}: this is a binary file, not text. {sources.FORMAT_HINT}.\n"
    )


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
