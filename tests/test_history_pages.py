"""The backlog's history on the pages: as_of= views, the backlog-over-time chart, freshness."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n, store
from dashboard.ingest.load import Reconciliation, ingest_files
from dashboard.store import Reader, history
from tests.apptest import open_page, serving
from tests.fixtures import ticket, write_csv
from tests.test_thai_pages import english_words, visible_texts

DAY1 = datetime(2022, 6, 10, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok
DAY2 = datetime(2022, 6, 11, 3, 0, tzinfo=UTC)


def _rows(*, a1_finished: bool) -> list[dict[str, str]]:
    return [
        ticket(
            "A1",
            state="เสร็จสิ้น" if a1_finished else "รอรับเรื่อง",
            timestamp="2022-06-01 03:00:00+00",
            last_activity="2022-06-10 05:00:00+00" if a1_finished else "2022-06-02 03:00:00+00",
        ),
        ticket("A2", half=1, state="เสร็จสิ้น", last_activity="2022-06-05 03:00:00+00"),
        ticket(
            "A3",
            state="กำลังดำเนินการ",
            timestamp="2022-05-01 03:00:00+00",
            last_activity="2022-05-02 03:00:00+00",
        ),
        ticket("B1", code="1030", state="เสร็จสิ้น", last_activity="2022-06-05 03:00:00+00"),
        ticket(
            "B2",
            code="1030",
            timestamp="2022-06-08 03:00:00+00",
            last_activity="2022-06-08 03:00:00+00",
        ),
    ]


def _snapshot_at(moment: datetime) -> object:
    def after(con: Reader, _result: Reconciliation) -> None:
        history.record(con, now=moment)

    return after


@pytest.fixture
def history_store(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Day 1: A1, A3, B2 open (and 40 backfilled days before); day 2: A1 finished."""
    path = tmp_path / "store.duckdb"
    for day, finished in ((DAY1, False), (DAY2, True)):
        csv = write_csv(tmp_path / f"{day:%d}.csv", _rows(a1_finished=finished))
        ingest_files(paths=[csv], store_path=path, after=_snapshot_at(day))  # type: ignore[arg-type]
    with serving(path, monkeypatch):
        yield path


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_city_page_as_of_a_past_day_shows_that_days_backlog(history_store: Path) -> None:
    at = open_page("city", as_of="2022-06-10")
    assert not at.exception
    values = metric_values(at)
    assert values[i18n.t("open", "th")] == "3"  # A1, A3, B2
    assert values[i18n.t("total", "th")] == "5"
    banner = " ".join(str(i.value) for i in at.info)
    assert "10 มิ.ย." in banner and "ย้อนสร้าง" not in banner
    assert english_words(visible_texts(at)) == set()
    later = open_page("city", as_of="2022-06-11")
    assert metric_values(later)[i18n.t("open", "th")] == "2"  # A1 finished on day 2


def test_a_backfilled_day_is_rebuilt_from_finish_times_and_says_so(history_store: Path) -> None:
    at = open_page("city", as_of="2022-06-03", lang="en")
    values = metric_values(at)
    assert values["Open"] == "4"  # A1 waiting; A3 in progress; A2, B1 finished only on 5 June
    assert values["Total"] == "4"
    assert any("backfilled" in str(i.value) for i in at.info)


def test_a_date_with_no_snapshot_uses_the_nearest_earlier_and_says_so(history_store: Path) -> None:
    at = open_page("district", district="1001", as_of="2022-07-01", lang="en")
    assert not at.exception
    banner = " ".join(str(i.value) for i in at.info)
    assert "no snapshot for 1 Jul 2022" in banner and "11 Jun 2022" in banner
    assert metric_values(at)["Open"] == "1"  # A3 (A1 finished on day 2; B2 is in 1030)


def test_a_date_before_the_history_says_so_and_shows_today(history_store: Path) -> None:
    at = open_page("city", as_of="2021-01-01", lang="en")
    assert any("No daily snapshot on or before 1 Jan 2021" in str(w.value) for w in at.warning)
    assert "as_of" not in at.query_params


def test_a_page_that_needs_tickets_says_it_shows_today(history_store: Path) -> None:
    at = open_page("tickets", as_of="2022-06-10", lang="en")
    assert any("shows today's data, not 10 Jun 2022" in str(i.value) for i in at.info)


def test_the_backlog_history_chart_has_a_line_per_open_state_in_thai(history_store: Path) -> None:
    at = open_page("district", district="1001")
    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    assert i18n.t("backlog_history", "th") in subheaders
    texts = visible_texts(at)
    for state in ("waiting", "in_progress", "open_unrecorded"):
        assert i18n.state_label(state, "th") in texts
    assert any(i18n.t("kind_backfilled", "th") == text for text in texts)
    assert english_words(texts) == set()


def test_a_store_never_synced_says_so_and_why_it_has_no_history(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.duckdb"
    csv = write_csv(tmp_path / "t.csv", [ticket("A1", last_activity="")])
    ingest_files(paths=[csv], store_path=path)
    with serving(path, monkeypatch):
        at = open_page("city", lang="en")
        about = open_page("about", lang="en")
    with duckdb.connect(str(path), read_only=True) as con:
        loaded = con.execute("SELECT max(finished_at) FROM ingests").fetchall()[0][0]
    line = f"Data up to 1 Jun 2022 · updated {i18n.date_time(loaded, 'en')}"
    fresh = [c.value.replace("\u00a0", " ") for c in at.sidebar.caption]
    assert line in fresh  # one line, the ingest's time: no word of syncing
    assert not any("sync" in text for text in fresh)
    assert any("No backlog history yet" in str(c.value) for c in at.caption)  # one quiet line
    updates = " ".join(m.value.replace("\\", "") for m in about.markdown)
    assert "The data comes from a file loaded" in updates
    assert "never been updated from Traffy directly" in updates


def test_a_sync_older_than_a_day_is_warned_about(history_store: Path) -> None:
    with store.at(history_store).writing() as con:
        con.execute(
            "INSERT INTO syncs VALUES (1, 'api', 'http://127.0.0.1/x', ?, ?, 3, 3000, NULL, "
            "NULL, TRUE, NULL, 'sync api')",
            [DAY1, DAY1],
        )
    at = open_page("city", lang="en")
    assert any("the daily sync may have stopped" in str(w.value) for w in at.warning)
    about = open_page("about", lang="en")
    updates = " ".join(m.value.replace("\\", "") for m in about.markdown)
    assert "Last updated from Traffy (public API) 10 Jun 2022 10:00 (Bangkok time)" in updates


def test_the_district_page_as_of_a_day_is_thai_throughout(history_store: Path) -> None:
    at = open_page("district", district="1001", as_of="2022-06-10")
    assert not at.exception
    texts = visible_texts(at)
    assert i18n.t("as_of_needs_tickets", "th") in texts
    assert english_words(texts) == set()
