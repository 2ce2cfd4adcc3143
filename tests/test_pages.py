"""AppTest for every page: URL → view state, notices for bad params, KPIs = metrics module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis import metrics
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from tests.apptest import grid_with, notice_lines, open_page, plain, serving
from tests.fixtures import ticket, write_csv

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
SCRIPT = '<img src=x onerror="window.__xss=1">'


@pytest.fixture
def store(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    rows = [
        ticket("A1", code="1001", timestamp="2022-06-01 03:00:00+00"),
        ticket(
            "A2",
            code="1001",
            half=1,
            state="เสร็จสิ้น",
            last_activity="2022-06-05 03:00:00+00",
            type_="{น้ำท่วม}",
        ),
        ticket(
            "A3",
            code="1001",
            state="กำลังดำเนินการ",
            comment=SCRIPT,
            timestamp="2022-05-01 03:00:00+00",
        ),
        ticket("B1", code="1030", state="เสร็จสิ้น", last_activity="2022-06-03 03:00:00+00"),
        ticket("B2", code="1030", timestamp="2022-06-20 03:00:00+00"),
        ticket("N1", coords=""),
    ]
    path = tmp_path / "store.duckdb"
    ingest_files(paths=[write_csv(tmp_path / "t.csv", rows)], store_path=path, data_dir=data_dir)
    with serving(path, monkeypatch):
        yield path


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_totals(store: Path, **filters: object) -> metrics.Totals:
    with duckdb.connect(str(store), read_only=True) as con:
        return metrics.totals(con, filters=Filters(**filters))  # type: ignore[arg-type]


def test_city_page_kpis_equal_the_metrics_module(store: Path) -> None:
    at = open_page(None, lang="en")
    assert not at.exception and not at.error
    assert at.title[0].value == "City overview"
    expected = expected_totals(store)
    values = metric_values(at)
    assert values["Total"] == f"{expected.total:,}" == "6"
    assert values["Open"] == f"{expected.open:,}" == "4"
    assert values["Finished share"] == "33.3%"
    assert "No usable location" not in values  # said in words under the figures
    assert any("1 tickets have no usable location" in c.value for c in at.caption)
    # the as-of day is the sidebar's line, not a card
    fresh = [c.value.replace("\u00a0", " ") for c in at.sidebar.caption]
    assert any(line.startswith("Data up to 20 Jun 2022 · updated ") for line in fresh)
    ranking = at.dataframe[0].value
    # ranked fairly, per 10,000 residents; with fewer than 30 tickets none gets a rank, and
    # both districts hold far more reports per registered resident than the city (†)
    assert list(ranking["district"][:2]) == ["District 1001 †", "District 1030 †"]
    assert list(ranking["#"][:2]) == ["", ""]
    assert at.query_params["lang"] == "en"


def test_filters_from_the_url_reach_the_numbers(store: Path) -> None:
    at = open_page(None, lang="en", state="open", since="2022-06-01")
    expected = expected_totals(store, state_group="open", since=metrics.date(2022, 6, 1))
    values = metric_values(at)
    assert values["Open"] == f"{expected.open:,}" == "3"
    assert "Total" not in values and "Finished share" not in values  # would only repeat "Open"
    assert at.radio(key="w_state").value == "open"
    assert at.date_input(key="w_dates").value == (metrics.date(2022, 6, 1),)


def test_bad_params_show_notices_and_fall_back(store: Path) -> None:
    at = open_page(None, district="9999", since="yesterday", metric="x" * 10_000)
    warnings = notice_lines(at)
    assert "ไม่ได้ใช้ค่า district=9999 จากลิงก์: ไม่ใช่รหัสเขตของกรุงเทพฯ (1001–1050)" in warnings
    assert "ไม่ได้ใช้ค่า since=yesterday จากลิงก์: ไม่ใช่วันที่ ใช้รูปแบบ ปปปป-ดด-วว (ค.ศ.)" in warnings
    assert any(
        w.startswith("ไม่ได้ใช้ค่า metric=xxxx") and w.endswith("ยาวเกิน 200 ตัวอักษร") for w in warnings
    )
    assert not at.exception and not at.error
    assert metric_values(at)["เรื่องทั้งหมด"] == "6"
    assert dict(at.query_params) == {}  # the bad values are dropped from the URL


def test_district_page_shows_the_district_and_its_numbers(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHETMAP_PHOTO_HOSTS", "example.invalid")  # the fixture's photo host
    at = open_page("district", district="1001", lang="en")
    assert not at.exception and not at.error
    assert at.title[0].value == "District District 1001"
    expected = expected_totals(store, district="1001")
    values = metric_values(at)
    assert (
        (values["Total"], values["Open"])
        == (f"{expected.total:,}", f"{expected.open:,}")
        == ("3", "2")
    )
    # 2 open / 30,000 residents; marked † as under the city ranking: the fixture's tickets
    # sit in a few of fifty districts, each with many times the city's reports per resident
    assert values["Open per 10k residents"] == "0.7 †"
    oldest = grid_with(at, "days_overdue")  # the open tickets, most overdue first
    assert list(oldest["ticket_id"]) == ["A3", "A1"]
    assert oldest["comment"].iloc[0] == SCRIPT  # shown as text in a data grid, never as HTML
    # the cached week leaves the long texts out; the listed tickets get theirs back
    assert list(oldest["photo"]) == [
        "https://example.invalid/A3.jpg",
        "https://example.invalid/A1.jpg",
    ]
    assert at.query_params["district"] == "1001"


def test_district_page_without_a_district_asks_for_one(store: Path) -> None:
    at = open_page("district", lang="en")
    assert at.title[0].value == "District"
    assert at.selectbox(key="w_district").value is None


def test_choosing_a_district_writes_the_url(store: Path) -> None:
    at = open_page("district", lang="en")
    at.selectbox(key="w_district").set_value("1030").run()
    assert at.query_params["district"] == "1030"
    assert at.title[0].value == "District District 1030"


def test_tickets_page_search_and_downloads(store: Path) -> None:
    at = open_page("tickets", lang="en", q="onerror")
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table["ticket_id"]) == ["A3"]
    assert plain(at.caption[0].value) == (
        "Searching the citizen's comment only (almost every address contains “ถนน”, road, "
        "so addresses are not searched by default) · Showing 1 of 1 tickets"
    )
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download GeoJSON"]


def test_about_page_shows_the_reconciliation(store: Path) -> None:
    at = open_page("about", lang="en")
    assert not at.exception and not at.error
    assert at.success[0].value == "6 / 6 rows accounted for"


def test_new_ingest_shows_without_restart(store: Path, tmp_path: Path, data_dir: Path) -> None:
    at = open_page(None, lang="en")
    assert metric_values(at)["Total"] == "6"
    more = write_csv(tmp_path / "more.csv", [ticket("C1", code="1002"), ticket("C2", code="1002")])
    ingest_files(paths=[more], store_path=store, data_dir=data_dir)
    at.run()  # the next rerun (the page also checks every 30 s) sees the new store version
    assert metric_values(at)["Total"] == "8"


def test_district_page_draws_every_ticket_of_a_small_district_as_a_point(
    store: Path, tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.render import lod, maps

    many = [ticket(f"P{i}", code="1001", comment="ก" * 1000) for i in range(60)]
    ingest_files(
        paths=[write_csv(tmp_path / "many.csv", many)], store_path=store, data_dir=data_dir
    )
    sent: list[lod.TicketLayer] = []
    original = maps.ticket_feature_group

    def spy(layer: lod.TicketLayer, *, lang: str) -> object:
        sent.append(layer)
        return original(layer, lang=lang)

    monkeypatch.setattr(maps, "ticket_feature_group", spy)
    at = open_page("district", district="1001", lang="en")
    assert not at.exception
    assert [(s.kind, s.in_view, s.drawn) for s in sent] == [("points", 63, 63)]
    assert lod.wire_size(sent[0].points) < lod.BYTE_CAP
    assert any(c.value.startswith("All 63 tickets in view, each a point") for c in at.caption), [
        c.value for c in at.caption
    ]


def test_review_page_settings_come_from_the_url(store: Path) -> None:
    at = open_page("review", lang="en", min_n="2", res="9", fast_h="x")
    assert not at.exception and not at.error
    assert at.title[0].value == "City review"
    assert "Ignored fast_h=x from the link: use a number from 0.25 to 168" in [
        plain(w.value) for w in at.warning
    ]
    assert at.number_input(key="w_min_n").value == 2
    assert at.radio(key="w_res").value == 9
    league = at.dataframe[-3].value  # then the audit and the flagged tickets
    assert list(league["District"]) == [
        "District 1001 †",
        "District 1030 †",
    ]  # 2+ tickets in the last 90 days (†: few of fifty districts have tickets here)
    assert at.query_params["min_n"] == "2" and at.query_params["res"] == "9"
    assert [b.label for b in at.get("download_button")] == [
        "Download the meeting brief (PDF)",
        "Download the meeting brief (HTML)",
    ]


HOSTILE_NAME = "![x](https://evil.example/x.png)"
HOSTILE_VALUE = "[Official notice: re-login here](https://evil.example/login)"


@pytest.mark.parametrize("page", [None, "district", "tickets", "review", "about"])
def test_a_crafted_link_shows_inert_text_and_no_value_raises(store: Path, page: str | None) -> None:
    from markdown_it import MarkdownIt

    at = open_page(
        page,
        **{HOSTILE_NAME: "1"},
        district=HOSTILE_VALUE,
        until="9999-12-31",
        since="0001-01-01",
        min_n="²",
        fast_h="²",
    )
    assert not at.exception and not at.error
    warnings = [w.value for w in at.warning if plain(w.value).startswith("- ไม่ได้ใช้ค่า ")]
    assert len(warnings) == 1, warnings  # one notice for the link, five of its six values
    lines = [line for line in notice_lines(at) if line.startswith("ไม่ได้ใช้ค่า")]
    assert len(lines) == 5 and "และไม่ได้ใช้ค่าอื่นจากลิงก์อีก 1 ค่า" in notice_lines(at), lines
    rendered = MarkdownIt("gfm-like").render(warnings[0])
    assert "<a " not in rendered and "<img" not in rendered, rendered
    assert any(HOSTILE_NAME[:40] in line for line in lines)


def test_how_many_page_runs_compute_at_once_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dashboard import config

    default = max(2, os.cpu_count() or 2)
    monkeypatch.delenv("KHETMAP_RUN_SLOTS", raising=False)
    assert config.run_slots() == default
    for text, expected in (("3", 3), (" 1 ", 1), ("64", 64)):
        monkeypatch.setenv("KHETMAP_RUN_SLOTS", text)
        assert config.run_slots() == expected
    for bad in ("0", "65", "-2", "2.5", "two", "=1+1", ""):
        monkeypatch.setenv("KHETMAP_RUN_SLOTS", bad)
        assert config.run_slots() == default


def test_a_page_run_holds_one_of_the_servers_run_slots_and_gives_it_back(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.ui import shell

    class Slots:
        held = 0
        most = 0
        given_back = 0

        def __enter__(self) -> None:
            self.held += 1
            self.most = max(self.most, self.held)

        def __exit__(self, *exc: object) -> None:
            self.held -= 1
            self.given_back += 1

    slots = Slots()
    monkeypatch.setattr(shell, "RUN_SLOTS", slots)
    at = open_page("district", district="1001", lang="en")
    assert not at.exception and not at.error
    assert (slots.most, slots.held, slots.given_back) == (1, 0, 1)
    at = open_page("district", district="9999", lang="en")  # a bad link still gives it back
    assert (slots.held, slots.given_back) == (0, 2)
