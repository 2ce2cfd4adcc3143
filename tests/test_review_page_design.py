"""Issue 32's acceptance findings on the real 185k file, on hand-built data: the per-10k
mark where a district's register is a poor denominator, league labels that carry their
period, the review's first screen, a map menu of what the data supports, the backlog
history's one line and one pair of photo columns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis import review
from dashboard.analysis.coverage import Coverage
from dashboard.ingest.load import ingest_files
from tests.apptest import notice_lines, open_page, plain, serving
from tests.fixtures import ticket, write_csv

PERIOD = review.Period(since=date(2022, 9, 20), until=date(2022, 12, 18))
NO_FINISH = Coverage(
    tickets=600, finished=0, finish_time=0, star=0, after_photo=0, reopen_count=0,
    location=600, category=600,
)  # fmt: skip
WITH_FINISH = Coverage(
    tickets=600, finished=10, finish_time=10, star=0, after_photo=0, reopen_count=0,
    location=600, category=600,
)  # fmt: skip


def _league() -> pd.DataFrame:
    """Three districts as `review.league_table` returns them: 1001 has a hundred times the
    city's reports per registered resident (300 of 1,000 people against 600 of 201,000)."""
    rows = [
        # code, population, tickets, open, tickets before, open before, rank
        ("1001", 1_000, 300, 100, 300, 90, 1),
        ("1002", 100_000, 200, 50, 100, 20, 2),
        ("1003", 100_000, 100, 20, 100, 20, 3),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["code", "population", "tickets", "open", "tickets_before", "open_before", "rank"],
    )
    frame["name_th"] = ["เขตหนึ่ง", "เขตสอง", "เขตสาม"]
    frame["name_en"] = ["One", "Two", "Three"]
    frame["population"] = frame["population"].astype("float64")
    frame["open_per_10k"] = frame["open"] / frame["population"] * 10_000
    frame["open_per_10k_low"] = frame["open_per_10k"] * 0.9
    frame["open_per_10k_high"] = frame["open_per_10k"] * 1.1
    frame["median_days_to_finish"] = [3.0, 4.0, 5.0]
    frame["median_days_low"] = [2.0, 3.0, 4.0]
    frame["median_days_high"] = [4.0, 5.0, 6.0]
    frame["eligible"] = True
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


POOR_TH = (
    "† เขตหนึ่ง: มีเรื่องแจ้งต่อประชากรตามทะเบียนราษฎรสูงกว่าทั้งเมือง 100.5 เท่า "
    "คนที่อยู่ในเขตช่วงกลางวันมากกว่าตามทะเบียนมาก ตัวเลขต่อประชากรจึงสูงเกินจริง"
)


# --- 1. the poor denominator's mark on the review's league -------------------------------


def test_the_leagues_district_with_a_poor_denominator_carries_the_city_rankings_mark() -> None:
    shown, _ = review.league_display(_league(), "th", NO_FINISH, period=PERIOD)
    assert list(shown["เขต"]) == ["เขตหนึ่ง †", "เขตสอง", "เขตสาม"]
    notes = review.league_notes(_league(), "th")
    assert POOR_TH in notes


# --- 2. every league column that counts the period's reports says so ---------------------


def test_every_league_column_resting_on_the_period_names_it_in_thai_and_english() -> None:
    thai, _ = review.league_display(_league(), "th", WITH_FINISH, period=PERIOD)
    dates = "(เรื่องที่แจ้ง 20 ก.ย. 2565 – 18 ธ.ค. 2565)"
    assert list(thai.columns) == [
        "อันดับ",
        "เขต",
        f"จำนวนเรื่อง {dates}",
        f"ยังไม่เสร็จ {dates}",
        f"เรื่องค้างต่อประชากร 10,000 คน {dates}",
        "สัดส่วนเรื่องค้างเปลี่ยนจากช่วงก่อน เทียบกับทั้งเมือง (จุด ยิ่งน้อยยิ่งดี)",
        f"มัธยฐานวันจนเสร็จ {dates}",
    ]
    english, _ = review.league_display(_league(), "en", WITH_FINISH, period=PERIOD)
    assert "Open (reports of 20 Sep 2022 – 18 Dec 2022)" in english.columns
    assert "Tickets (reports of 20 Sep 2022 – 18 Dec 2022)" in english.columns


# --- 3. the review's headline figures ----------------------------------------------------


def test_the_reviews_headline_cards_are_the_leagues_top_line() -> None:
    assert review.league_headline(_league(), "th") == [
        ("เรื่องที่แจ้งในช่วงนี้", "600", "ช่วงก่อน 500"),
        ("ในจำนวนนี้ยังไม่เสร็จ", "170", "28% ของเรื่องที่แจ้ง"),
        ("เขตที่จัดอันดับ", "3", "จาก 3 เขต"),
        ("อันดับ 1 (ค้างต่อ 10,000 คน)", "1,000.0 †", "เขตหนึ่ง"),
    ]


# --- on the pages --------------------------------------------------------------------------


def _rows() -> list[dict[str, str]]:
    return [
        ticket("O1", code="1006", timestamp="2022-05-01 03:00:00+00", last_activity=""),
        ticket("O2", code="1006", timestamp="2022-05-20 03:00:00+00", last_activity=""),
        ticket("O3", code="1006", half=1, timestamp="2022-06-25 03:00:00+00", last_activity=""),
        ticket("F1", code="1006", state="เสร็จสิ้น", last_activity="", star="1",
               photo="https://example.invalid/before.jpg",
               photo_after="https://example.invalid/after.jpg"),
        ticket("C1", code="1030", timestamp="2022-06-10 03:00:00+00", last_activity=""),
    ]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path, data_dir: Path) -> Path:
    path = tmp_path / "store.duckdb"
    paths = [write_csv(tmp_path / "t.csv", _rows())]
    ingest_files(paths=paths, store_path=path, data_dir=data_dir)
    return path


@pytest.fixture
def page(store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def use(name: str | None, **params: str) -> AppTest:
        with serving(store, monkeypatch):
            return open_page(name, **params)

    yield use


def _flat(node: object) -> list[object]:
    """The page's elements in the order a reader meets them."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [e for child in children.values() for e in _flat(child)]


def test_the_review_opens_with_its_title_period_cards_and_map_and_its_settings_follow(
    page: object,
) -> None:
    at = page("review", lang="en", min_n="1", since="2022-05-01", until="2022-06-30")  # type: ignore[operator]
    assert not at.exception
    kinds = [type(e).__name__ for e in _flat(at.main)]
    first_input = kinds.index("NumberInput")
    headers = [plain(h.value) for h in at.header]
    assert headers[0] == "Fair district league table"
    assert kinds.index("Header") < first_input  # the minimum sits under the league's heading
    assert [m.label for m in at.metric][:4] == [
        "Reports in the period",
        "Of these, still open",
        "Districts ranked",
        "Rank 1 (open per 10k)",
    ]
    assert kinds.index("Metric") < kinds.index("Subheader") < first_input
    assert not at.info  # the reading guide is a quiet line, no blue box
    guide = [plain(c.value) for c in at.caption if "Open” is a ticket's state today" in c.value]
    assert len(guide) == 1


def test_the_city_map_menu_offers_only_what_the_data_supports_and_a_link_falls_back(
    page: object,
) -> None:
    at = page(None, lang="en", metric="median_days_to_finish")  # type: ignore[operator]
    menu = at.selectbox(key="w_metric")
    assert menu.options == [
        "Open tickets",
        "All tickets",
        "Open share",
        "Open per 10k residents",
        "Open > 30 days",
        "Open past target",
    ]
    assert menu.value == "open"
    assert notice_lines(at) == [
        "Ignored metric=median_days_to_finish from the link: no finished ticket has a finish "
        "time; Traffy's public data does not give it"
    ]


def test_with_no_backlog_history_the_city_and_district_say_so_in_one_quiet_line(
    page: object,
) -> None:
    line = (
        "No backlog history yet: daily snapshots start with the first sync from Traffy, and "
        "this data has no last-change times to backfill earlier days from."
    )
    for name, params in ((None, {}), ("district", {"district": "1006"})):
        at = page(name, lang="en", **params)  # type: ignore[operator]
        assert "Open backlog over time" not in [plain(s.value) for s in at.subheader]
        assert line in [plain(c.value) for c in at.caption]
        assert line not in [plain(i.value) for i in at.info]


def test_the_district_per_10k_card_carries_the_mark_and_the_city_rankings_note(
    page: object,
) -> None:
    at = page("district", lang="th", district="1006")  # type: ignore[operator]
    card = next(m for m in at.metric if m.label == "เรื่องค้างต่อประชากร 10,000 คน")
    assert card.value.endswith(" †")
    notes = [plain(c.value) for c in at.caption if c.value.startswith("† ")]
    city = page(None, lang="th")  # type: ignore[operator]
    city_notes = [plain(c.value) for c in city.caption if "† เขต1006:" in c.value]
    assert len(notes) == 1 and notes[0].startswith("† เขต1006: มีเรื่องแจ้งต่อประชากร")
    assert notes[0] in city_notes[0]  # the same words and times as under the city ranking


@pytest.mark.parametrize(
    ("thumbnails", "kind"), [("1", "image"), ("0", "link")], ids=["thumbnails", "links"]
)
def test_the_flagged_table_has_one_pair_of_photo_columns(
    page: object, monkeypatch: pytest.MonkeyPatch, thumbnails: str, kind: str
) -> None:
    monkeypatch.setenv("KHETMAP_PHOTO_HOSTS", "example.invalid")
    monkeypatch.setenv("KHETMAP_PHOTO_THUMBNAILS", thumbnails)
    at = page("review", lang="th", min_n="1", since="2022-05-01", until="2022-06-30")  # type: ignore[operator]
    flagged = at.dataframe[-1]
    config = json.loads(flagged.proto.columns)
    labels = [config[c].get("label") for c in flagged.value.columns if c in config]
    assert [label for label in labels if label.startswith("ภาพ")] == ["ภาพก่อน", "ภาพหลัง"]
    assert config["photo"]["type_config"]["type"] == kind
    assert list(flagged.value["photo_after"]) == ["https://example.invalid/after.jpg"]
