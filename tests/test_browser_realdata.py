"""The real 185k-ticket file in real Chromium, started as Streamlit users start apps.

`streamlit run dashboard/app.py` from the repo root (settings from .streamlit/config.toml),
nothing reachable beyond 127.0.0.1. Every page in Thai and in English: no error box, no
traceback, the map drawn, no English word on a Thai page; the tickets page's CSV and
GeoJSON downloads opened and counted; the review brief opened offline. Screenshots land in
artifacts/screenshots/real_*.png.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from dashboard.ingest.load import ingest_files
from tests.conftest import real_data_dir
from tests.test_browser import (  # noqa: F401
    CHROMIUM,
    SHOTS,
    browser,
    free_port,
    local_only,
    map_frame,
    wait_idle,
)
from tests.test_thai_pages import english_words

pytestmark = [pytest.mark.browser, pytest.mark.realdata]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, list[str]]]:  # noqa: F811
    """A tall window, so a screenshot shows the whole page; nothing beyond 127.0.0.1."""
    with local_only(browser, height=2600) as opened:
        yield opened


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian chromium for the browser tests")
        pytest.skip("chromium is not installed")
    data = real_data_dir()
    store = tmp_path_factory.mktemp("real") / "store.duckdb"
    ingest_files(paths=[data / "traffy_sample.csv.gz"], store_path=store, data_dir=data)
    port = free_port()
    env = dict(
        os.environ, KHETMAP_STORE=str(store), KHETMAP_DATA_DIR=str(data), KHETMAP_TILES="none"
    )
    # exactly how Streamlit users start an app: no khetmap flags, settings from the repo root
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("streamlit run did not start") from None
            time.sleep(0.5)
    yield base
    process.terminate()
    process.wait(timeout=20)


def settle(tab: object, title: str) -> None:
    """Wait for the page's title and for Streamlit to finish running."""
    tab.get_by_role("heading", name=title).first.wait_for(timeout=90_000)  # type: ignore[attr-defined]
    wait_idle(tab, timeout=90)


def page_texts(tab: object) -> list[str]:
    # Streamlit's own screen-reader link, the one English string of its chrome
    body = tab.locator("body").inner_text().replace("Skip to main content", "")  # type: ignore[attr-defined]
    placeholders = tab.eval_on_selector_all(  # type: ignore[attr-defined]
        "[placeholder], [aria-placeholder]",
        "els => els.map(e => e.getAttribute('placeholder') || e.getAttribute('aria-placeholder'))",
    )
    texts = [body, *(p for p in placeholders if p)]
    for frame in tab.frames:  # type: ignore[attr-defined]
        if frame != tab.main_frame and "st_folium" in frame.url:  # type: ignore[attr-defined]
            texts.append(frame.locator("body").inner_text())
    return texts


def assert_clean(tab: object, lang: str) -> None:
    errors = tab.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')  # type: ignore[attr-defined]
    assert errors.count() == 0, errors.all_inner_texts()
    texts = page_texts(tab)
    assert not any("Traceback" in text for text in texts)
    if lang == "th":
        assert english_words(texts) == set(), texts


PAGES = [
    ("city", "/", {"th": "ภาพรวมเมือง", "en": "City overview"}, 50),
    ("district", "/district?district=1006", {"th": "เขต บางกะปิ", "en": "District Bang Kapi"}, 2),
    ("district_week", "/district?district=1006&section=week", {"th": "เขต บางกะปิ", "en": "District Bang Kapi"}, 0),
    ("tickets", "/tickets?district=1006", {"th": "รายการเรื่อง · บางกะปิ", "en": "Tickets · Bang Kapi"}, 0),
    ("review", "/review", {"th": "ทบทวนระดับเมือง", "en": "City review"}, 1),
    ("about", "/about", {"th": "เกี่ยวกับข้อมูล", "en": "About the data"}, 0),
]  # fmt: skip


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize(("name", "path", "titles", "shapes"), PAGES)
def test_every_page_on_the_real_file_is_clean_in_both_languages(
    real_server: str,
    page: tuple[object, list[str]],
    name: str,
    path: str,
    titles: dict[str, str],
    shapes: int,
    lang: str,
) -> None:
    tab, outside = page
    joiner = "&" if "?" in path else "?"
    tab.goto(real_server + path + (f"{joiner}lang=en" if lang == "en" else ""))  # type: ignore[attr-defined]
    settle(tab, titles[lang])
    if shapes:
        map_frame(tab, shapes=shapes)
        tab.wait_for_timeout(1000)  # type: ignore[attr-defined]
    tab.screenshot(path=str(SHOTS / f"real_{name}_{lang}.png"), full_page=True)  # type: ignore[attr-defined]
    assert_clean(tab, lang)
    code = [u for u in outside if not u.startswith("image:")]
    assert code == [], code


def test_tickets_downloads_open_and_count_on_the_real_file(
    real_server: str,
    page: tuple[object, list[str]],
    tmp_path: Path,
) -> None:
    tab, _ = page
    tab.goto(f"{real_server}/tickets?district=1006&lang=en")  # type: ignore[attr-defined]
    settle(tab, "Tickets · Bang Kapi")
    shown = tab.get_by_text("Showing 5,000 of 6,244 tickets")  # type: ignore[attr-defined]
    assert shown.count() == 1
    with tab.expect_download() as csv_download:  # type: ignore[attr-defined]
        tab.get_by_text("Download CSV").click()  # type: ignore[attr-defined]
    # the file says it is cut, in its name and in its first line (one spreadsheet cell)
    assert csv_download.value.suggested_filename == "khetmap_tickets_5000_of_6244.csv"
    path = tmp_path / "t.csv"
    csv_download.value.save_as(str(path))
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "# This file holds only the first 5000 of the view's 6244 tickets (Sort by: Newest); "
        "narrow the filters to get every one"
    )
    assert lines[1].startswith("# A finished ticket shows no age and no days to finish")
    rows = list(csv.DictReader(io.StringIO("\r\n".join(lines[2:]))))
    assert len(rows) == 5_000
    assert len(pd.read_csv(path, comment="#")) == 5_000
    assert "last_activity_bangkok" not in rows[0]  # no ticket in this data has one
    assert "days_to_finish" not in rows[0]
    finished = [r for r in rows if r["state"] == "finished"]
    assert finished and {r["age_days"] for r in finished} == {""}  # no age once finished
    assert rows[0]["district_name"] == "Bang Kapi" and rows[0]["public_page"].startswith("https://")
    assert len(rows[0]["reported_at_bangkok"]) == 16  # YYYY-MM-DD HH:MM, Bangkok time
    with tab.expect_download() as geo_download:  # type: ignore[attr-defined]
        tab.get_by_text("Download GeoJSON").click()  # type: ignore[attr-defined]
    path = tmp_path / "t.geojson"
    geo_download.value.save_as(str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["features"]) == 5_000
    assert document["khetmap_notes"][0].startswith("This file holds only the first 5000 of")
    assert document["khetmap_notes"][1].startswith("A finished ticket shows no age")
    located = [f for f in document["features"] if f["geometry"]]
    assert len(located) == 5_000  # every Bang Kapi ticket is placed by its point


def test_the_review_brief_in_thai_opens_offline_with_no_english_word(
    real_server: str,
    page: tuple[object, list[str]],
    browser: object,  # noqa: F811
    tmp_path: Path,
) -> None:
    tab, _ = page
    tab.goto(f"{real_server}/review")  # type: ignore[attr-defined]
    settle(tab, "ทบทวนระดับเมือง")
    with tab.expect_download() as download:  # type: ignore[attr-defined]
        tab.get_by_text("ดาวน์โหลดสรุปสำหรับการประชุม (HTML)").click()  # type: ignore[attr-defined]
    brief = tmp_path / "brief.html"
    download.value.save_as(str(brief))
    offline = browser.new_context(viewport={"width": 1200, "height": 1000})  # type: ignore[attr-defined]
    offline.route(
        lambda url: not url.startswith(("file:", "data:", "about:", "blob:")), lambda r: r.abort()
    )
    reader = offline.new_page()
    reader.goto(brief.as_uri())
    reader.wait_for_timeout(1500)
    reader.screenshot(path=str(SHOTS / "real_brief_th.png"), full_page=True)
    texts = [reader.locator("body").inner_text()]
    offline.close()
    # methods, citations and field names are on the last part only, "how it is computed"
    body = texts[0][: texts[0].rindex("วิธีคำนวณ")]
    words = english_words([re.sub(r"\b\d{4}-[0-9A-Z]{4,8}\b", "", body)])
    assert words == set(), words  # ticket ids are codes, not words
    assert "อันดับ 1 คือแย่ที่สุด" in texts[0]
    assert "สรุปห้าบรรทัด" in texts[0]


def _sheet_rows(path: Path) -> dict[str, int]:
    """Tickets listed on each unit sheet of an action workbook (numbered rows under the
    header row 4)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {
        sheet.title: sum(1 for row in sheet.iter_rows(min_row=5, values_only=True) if row[0])
        for sheet in book.worksheets[1:]
    }


def test_the_action_sheet_downloaded_from_the_district_page_matches_the_page(
    real_server: str,
    page: tuple[object, list[str]],
    tmp_path: Path,
) -> None:
    tab, _ = page
    tab.goto(f"{real_server}/district?district=1006&lang=en&section=week")  # type: ignore[attr-defined]
    settle(tab, "District Bang Kapi")
    for heading in ("The district's week", "Since last week",
                    "Targets and overdue by category", "Compared with earlier periods",
                    "Who is responsible", "Recurring problems", "Weekly action sheet"):  # fmt: skip
        assert tab.get_by_role("heading", name=heading).count() == 1, heading  # type: ignore[attr-defined]
    body = tab.locator("body").inner_text()  # type: ignore[attr-defined]
    found = re.search(r"([\d,]+) open tickets on (\d+) sheets", body)
    assert found, body[:2000]
    shown_rows, shown_sheets = int(found.group(1).replace(",", "")), int(found.group(2))
    # the 185k file names only the city for 98.8% of tickets: said, not split
    assert "names only the top-level organisation" not in body  # 64 tickets do name a unit
    assert "Only 64 of 6,244 tickets (1.0%) name a unit" in body
    # no finish times in the 185k file: one quiet line, not a card saying so in large type
    assert "Finished within target: Not available in this data" in body
    cards = tab.locator("[data-testid='stMetricLabel']").all_inner_texts()  # type: ignore[attr-defined]
    assert "Finished within target" not in cards and "Open past target" in " ".join(cards)
    with tab.expect_download() as download:  # type: ignore[attr-defined]
        tab.get_by_text("Download the action sheet (Excel)").click()  # type: ignore[attr-defined]
    path = tmp_path / "week.xlsx"
    download.value.save_as(str(path))
    rows = _sheet_rows(path)
    assert len(rows) == shown_sheets and sum(rows.values()) == shown_rows
    # each department's count on the page is the count on its sheet (the city is nobody's)
    assert "กรุงเทพมหานคร" not in rows
    assert rows["ฝ่ายโยธา"] == int(
        re.search(r"ฝ่ายโยธา: ([\d,]+) tickets", body).group(1).replace(",", "")  # type: ignore[union-attr]
    )


CARD_BOXES = """els => els.map(card => {
  const value = card.querySelector("[data-testid='stMetricValue']");
  const cut = [...card.querySelectorAll("*")].some(e => e.scrollWidth > e.clientWidth + 1);
  const box = card.getBoundingClientRect();
  return {value: value.innerText, cut: cut, top: Math.round(box.top), width: box.width};
})"""
"""Each card's value, whether any of its text (label, value, the line under it) is cut off
(an ellipsis), and where it sits."""


def test_the_traffy_cards_show_whole_values_at_1400_px_and_sit_two_to_a_row_on_a_phone(
    real_server: str, page: tuple[object, list[str]]
) -> None:
    tab, _ = page
    cards = ".st-key-kpis_traffy [data-testid='stMetric']"
    boxes, every = {}, {}
    for width, height in ((1400, 900), (390, 844)):
        tab.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
        tab.goto(f"{real_server}/district?district=1006")  # type: ignore[attr-defined]
        settle(tab, "เขต บางกะปิ")
        tab.locator(cards).first.scroll_into_view_if_needed()  # type: ignore[attr-defined]
        boxes[width] = tab.eval_on_selector_all(cards, CARD_BOXES)  # type: ignore[attr-defined]
        every[width] = tab.eval_on_selector_all(  # type: ignore[attr-defined]
            "[class*='st-key-kpis'] [data-testid='stMetric']", CARD_BOXES
        )
    wide, phone = boxes[1400], boxes[390]
    # no card of the page cuts its text: the per-10k card's label and city median wrap
    assert len(every[390]) == 10 and [b for b in every[1400] + every[390] if b["cut"]] == []
    # Bang Kapi in the 185k file: 6,244 tickets, 3,923 finished, 5,753 managed
    assert [b["value"] for b in wide] == ["6,244", "3,923", "25", "4", "5,753"]
    assert [b for b in wide + phone if b["cut"]] == []
    assert len({b["top"] for b in wide}) == 1  # one row of five
    assert phone[0]["top"] == phone[1]["top"] and phone[2]["top"] == phone[3]["top"]
    assert phone[1]["top"] < phone[2]["top"] < phone[4]["top"]
    assert all(130 < b["width"] < 195 for b in phone[:4])  # half of a 390 px page, each
