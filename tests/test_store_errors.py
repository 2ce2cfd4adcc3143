"""A store that cannot be written or read: one line and exit 2 on the command line, nothing
written; one line in the page's language on a page (no path, host or user), fast, and the
next run works once the database is back."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n, store
from dashboard.cli import main
from dashboard.errors import StoreError
from dashboard.ingest.load import ingest_files
from dashboard.store import postgres
from tests.apptest import open_page, serving
from tests.fixtures import ticket, write_csv
from tests.pg import Cluster, restartable_cluster

PHRASES = {
    "ถนน": ["ถนนเป็นหลุมบ่อ", "ถนนชำรุดเป็นหลุม", "หลุมบนถนนลึกมาก"],
    "แสงสว่าง": ["ไฟดับทั้งซอย", "เสาไฟฟ้าไม่ติด", "ไฟทางดับมืดมาก"],
}


def typed_rows(categories: tuple[str, ...] = ("ถนน", "แสงสว่าง")) -> list[dict[str, str]]:
    """24 typed tickets of `categories` and one untyped, over 24 days of June 2022."""
    rows = [
        ticket(
            f"T{i:03}",
            type_="{" + categories[i % len(categories)] + "}",
            comment=PHRASES[categories[i % len(categories)]][i % 3] + f" {i}",
            timestamp=f"2022-06-{1 + i:02d} 03:00:00+00",
        )
        for i in range(24)
    ]
    return [*rows, ticket("U1", type_="{}", comment="ถนนพังเป็นหลุมใหญ่")]


def counts(location: str) -> tuple[int, int, int]:
    """Tickets, ingests and predictions in the store."""
    with store.at(location).reader() as con:
        found = con.execute(
            "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM ingests), "
            "(SELECT count(*) FROM predictions)"
        ).fetchall()[0]
    return int(found[0]), int(found[1]), int(found[2])


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory: nothing may be written into it."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("KHETMAP_MODEL", raising=False)
    return folder


@pytest.fixture
def reader_url(tmp_path: Path, data_dir: Path, pg_url: str) -> str:
    """The URL of a role made by grant-reader on a store of 25 tickets."""
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", typed_rows())], store_path=pg_url, data_dir=data_dir
    )
    role = f"r{uuid.uuid4().hex[:10]}"
    assert main(["grant-reader", role, "--store", pg_url]) == 0
    return pg_url.replace("//khetmap@", f"//{role}@")


@pytest.mark.parametrize("command", ["ingest", "classify", "grant-reader"])
def test_a_read_only_role_gets_one_line_and_exit_2_and_nothing_is_written(
    command: str,
    tmp_path: Path,
    reader_url: str,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    arguments = {
        "ingest": [str(write_csv(tmp_path / "new.csv", [ticket("NEW")]))],
        "classify": [],
        "grant-reader": ["another"],
    }[command]
    assert main([command, *arguments, "--store", reader_url]) == 2
    assert capsys.readouterr().err == (
        f"khetmap: error: cannot prepare {store.at(reader_url).describe()} for writing: "
        f"permission denied for schema public; {postgres.OWNER_HINT}\n"
    )
    assert counts(reader_url) == (25, 1, 0)
    assert list(workdir.iterdir()) == []  # no model file, no data folder


def test_grant_reader_without_createrole_gets_one_line_and_exit_2(
    pg_url: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owner = f"o{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        admin.execute(f"CREATE ROLE {owner} LOGIN")  # may own the schema, not create roles
        admin.execute(f"ALTER SCHEMA public OWNER TO {owner}")
    as_owner = pg_url.replace("//khetmap@", f"//{owner}@")
    wanted = f"w{uuid.uuid4().hex[:10]}"
    assert main(["grant-reader", wanted, "--store", as_owner]) == 2
    assert capsys.readouterr().err == (
        f"khetmap: error: cannot make {wanted} a reader of {store.at(as_owner).describe()}: "
        f"permission denied to create role; {postgres.GRANT_HINT}\n"
    )
    with psycopg.connect(pg_url) as admin:
        assert admin.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname = %s", [wanted]
        ).fetchone() == (0,)


def test_classify_on_typed_tickets_of_one_category_is_one_line_and_writes_nothing(
    tmp_path: Path,
    data_dir: Path,
    store_location: str,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_csv(tmp_path / "t.csv", typed_rows(("ถนน",)))
    ingest_files(paths=[path], store_path=store_location, data_dir=data_dir)
    assert main(["classify", "--store", store_location]) == 2
    assert capsys.readouterr().err == (
        "khetmap: error: all 24 typed tickets with a comment have the same category ('ถนน'): "
        "nothing to tell apart; classify needs typed tickets of at least two categories.\n"
    )
    assert counts(store_location) == (25, 1, 0)
    assert list(workdir.iterdir()) == []
    assert not list(tmp_path.glob("*.pkl"))  # none next to a DuckDB store either


def test_classify_keeps_no_model_in_the_working_directory_for_a_postgresql_store(
    tmp_path: Path,
    data_dir: Path,
    pg_url: str,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_csv(tmp_path / "t.csv", typed_rows())
    ingest_files(paths=[path], store_path=pg_url, data_dir=data_dir)
    assert main(["classify", "--store", pg_url]) == 0
    out = capsys.readouterr().out
    assert "\nmodel: not kept (a PostgreSQL store: pass --model FILE or set KHETMAP_MODEL)" in out
    assert "predicted: 1 of 1 untyped tickets" in out
    assert counts(pg_url) == (25, 1, 1)
    assert list(workdir.iterdir()) == []


def page_texts(at: AppTest) -> list[str]:
    """Every text the page shows."""
    kinds = (at.error, at.warning, at.info, at.markdown, at.caption, at.code, at.title)
    return [str(element.value) for kind in kinds for element in kind]


def test_a_corrupt_store_file_is_one_thai_line_without_its_path(
    tmp_path: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    corrupt = tmp_path / "secret-folder" / "khetmap.duckdb"
    corrupt.parent.mkdir()
    corrupt.write_bytes(b"DUCK" * 4096)
    with serving(corrupt, monkeypatch), caplog.at_level(logging.ERROR, logger="khetmap"):
        for page, lang in (("city", "th"), ("district", "th"), ("city", "en")):
            at = open_page(page, district="1001", lang=lang)
            assert [element.value for element in at.error] == [i18n.t("store_why_unreadable", lang)]
            assert not [text for text in page_texts(at) if "secret-folder" in text]
    assert str(corrupt) in caplog.text  # the details are in the server's log


def test_no_store_yet_is_one_thai_line_without_a_command_or_a_path(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(tmp_path / "none" / "khetmap.duckdb", monkeypatch):
        at = open_page("city")
    assert [element.value for element in at.error] == [i18n.t("store_why_missing", "th")]


def test_a_page_query_over_its_time_limit_is_a_store_error_saying_so(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "STATEMENT_TIMEOUT_MS", 50)  # a new database: a new pool
    with pytest.raises(StoreError) as raised, store.at(pg_url).reader() as con:
        con.execute("SELECT pg_sleep(2)")
    assert raised.value.reason == "slow"
    assert str(raised.value).startswith("the query was cancelled: canceling statement due to")


@pytest.fixture
def database(tmp_path: Path, data_dir: Path) -> Iterator[Cluster]:
    """A cluster of its own (it is stopped and started) with 25 tickets."""
    with restartable_cluster() as running:
        path = write_csv(tmp_path / "t.csv", typed_rows())
        ingest_files(paths=[path], store_path=running.url, data_dir=data_dir)
        yield running


def timed_page() -> tuple[float, list[str]]:
    started = time.monotonic()
    at = open_page("city")
    return time.monotonic() - started, [element.value for element in at.error]


def test_a_stopped_database_is_one_thai_line_within_seconds_and_the_next_run_works_again(
    database: Cluster, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with serving(Path(database.url), monkeypatch):
        monkeypatch.setenv("KHETMAP_STORE", database.url)
        assert timed_page()[1] == []
        database.stop()
        with caplog.at_level(logging.ERROR, logger="khetmap"):
            for _ in range(2):  # the first run finds the pool's connection dead, the next none
                seconds, shown = timed_page()
                assert shown == [i18n.t("store_why_unreachable", "th")]
                assert seconds < 8
        assert "127.0.0.1" in caplog.text  # the host is in the server's log, not on the page
        database.start()
        assert timed_page()[1] == []


def test_a_database_restarted_between_two_runs_is_not_noticed(
    database: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(Path(database.url), monkeypatch):
        monkeypatch.setenv("KHETMAP_STORE", database.url)
        readers = [store.at(database.url).reader() for _ in range(3)]
        for reader in readers:  # three connections in the pool, all idle when it restarts
            reader.__enter__()
        for reader in readers:
            reader.__exit__(None, None, None)
        database.stop()
        database.start()
        assert timed_page()[1] == []
