"""The district page on a district office's own data (issue 34), in Chromium, Thai and English:
the backlog per department (the not-yet-routed group first), a department's tickets on the
map, Traffy's own district figures, what the last import changed, and the report rounds.

No CityData export is public: the fixture is the real dump sample's tickets of Chatuchak
(1030) written in the CityData layout, with `org_response` and `hashtag` INVENTED in the
documented style ("เขตจตุจักร, ฝ่ายโยธา เขตจตุจักร, การไฟฟ้านครหลวง"); every other value is
the sample's. A second import two weeks on finishes some tickets and passes others to ฝ่ายโยธา.
Screenshots land in artifacts/screenshots/ (look at them).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import store
from dashboard.analysis import metrics
from dashboard.analysis.filters import Filters
from dashboard.cli import main
from dashboard.ingest.load import ingest_files
from dashboard.launcher import start_background
from tests.conftest import real_data_dir
from tests.test_browser import (  # noqa: F401
    CHROMIUM,
    SHOTS,
    browser,
    free_port,
    local_only,
)
from tests.test_browser_realdata import assert_clean, settle
from tests.test_citydata import CITYDATA, write_rows

pytestmark = pytest.mark.browser
DISTRICT, LABEL, OFFICE = "1030", "จตุจักร", "เขตจตุจักร"
ORG_STYLES = (
    "{o}",
    "{o}, ฝ่ายโยธา {o}",
    "{o}, ฝ่ายรักษาความสะอาดและสวนสาธารณะ {o}",
    "{o}, ฝ่ายโยธา {o}, ฝ่ายเทศกิจ {o}",
    "{o}, ฝ่ายเทศกิจ {o}, การไฟฟ้านครหลวง",
)
"""Invented org_response, by the ticket's place in the file: none named, one department,
another, two departments, a department and an outside agency."""
LATER = "2023-06-20 03:00:00+00"
TITLES = {"th": f"เขต {LABEL}", "en": "District Chatuchak"}
TEXTS = {
    "th": ("เรื่องค้างแยกตามฝ่าย", "ส่งหลักฐานแล้ว 1 จาก 3 หน่วยงาน", "ตั้งแต่นำเข้าข้อมูลครั้งล่าสุด: ",
           "ส่งต่อให้ฝ่ายโยธา", "รอบที่ 1", "ส่งแล้ว", "ตัวเลขของเขตแบบหน้าจอของ Traffy",
           "แผนที่แสดงเฉพาะเรื่องของฝ่ายโยธา"),
    "en": ("Open tickets per department", "evidence back from 1 of 3 units", "Since the last import: ",
           "passed to ฝ่ายโยธา", "Round 1", "Returned", "The district as Traffy's screen counts it",
           "The map shows only the tickets of ฝ่ายโยธา"),
}  # fmt: skip


def citydata_rows(sample: Path) -> list[dict[str, str]]:
    """The sample's Chatuchak tickets in the CityData layout, org_response invented."""
    with sample.open(encoding="utf-8-sig", newline="") as handle:
        found = [row for row in csv.DictReader(handle) if row["district"] == LABEL]
    rows = []
    for number, row in enumerate(found):
        categories = row["type"].strip("{}").split(",")
        rows.append(
            {
                **{name: row.get(name, "") for name in CITYDATA},
                "org_response": ORG_STYLES[number % len(ORG_STYLES)].format(o=OFFICE),
                "hashtag": f"#{categories[0]}" if categories[0] else "",
            }
        )
    return rows


def two_weeks_on(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The next export: the first three open tickets finished, every other one that named no
    department passed to ฝ่ายโยธา (the rest still name none)."""
    open_rows = [r for r in rows if r["state"] not in ("เสร็จสิ้น", "ไม่เกี่ยวข้อง", "ส่งต่อ(ใหม่)")]
    changed = [{**r, "state": "เสร็จสิ้น", "last_activity": LATER} for r in open_rows[:3]]
    unnamed = [r for r in open_rows[3:] if r["org_response"] == OFFICE]
    passed = [
        {**r, "org_response": f"{OFFICE}, ฝ่ายโยธา {OFFICE}", "last_activity": LATER}
        for r in unnamed[::2]
    ]
    return changed + passed


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian chromium for the browser tests")
        pytest.skip("chromium is not installed")
    data = real_data_dir()
    folder = tmp_path_factory.mktemp("office")
    location = folder / "store.duckdb"
    rows = citydata_rows(data / "traffy_dump_format_sample.csv")
    first = write_rows(folder / "citydata.csv", CITYDATA, rows)
    ingest_files(paths=[first], store_path=location, data_dir=data)
    later = write_rows(folder / "citydata_later.csv", CITYDATA, two_weeks_on(rows))
    ingest_files(paths=[later], store_path=location, data_dir=data)
    (folder / "round").mkdir()
    store_args = ["--store", str(location)]
    assert main(["round", "new", "--district", DISTRICT, "--out", str(folder / "round"),
                 *store_args]) == 0  # fmt: skip
    evidence = folder / "ใบงานลงนาม.PDF"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    assert main(["round", "return", "1", str(evidence), "--department", "ฝ่ายโยธา",
                 *store_args]) == 0  # fmt: skip
    port = free_port()
    process = start_background(
        store_path=location,
        port=port,
        env={"KHETMAP_DATA_DIR": str(data), "KHETMAP_TILES": "none"},
    )
    yield f"http://127.0.0.1:{port}", location
    process.terminate()
    process.wait(timeout=20)


def backlog_units(location: Path, lang: str) -> list[str]:
    """The units of the district's backlog as the page names them, in its order."""
    from dashboard.analysis import departments, director, routing, targets

    with store.at(location).reader() as con:
        as_of = metrics.store_as_of(con)
        assert as_of is not None
        judged = director.week_tickets(
            con, filters=Filters(district=DISTRICT), as_of=as_of, targets=targets.load()
        )
    routed = departments.routed(judged, district_name_th=LABEL, routing=routing.load())
    backlog = departments.department_backlog(routed)
    return [departments.unit_label(unit, lang) for unit in backlog["unit"]]


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, list[str]]]:  # noqa: F811
    with local_only(browser, height=2400) as opened:
        yield opened


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_district_week_shows_departments_changes_and_rounds(
    office: tuple[str, Path], page: tuple[object, list[str]], lang: str
) -> None:
    base, location = office
    tab, outside = page
    department, back, since, passed, round_one, returned, _, _ = TEXTS[lang]
    suffix = "&lang=en" if lang == "en" else ""
    tab.goto(f"{base}/district?district={DISTRICT}&section=week{suffix}")  # type: ignore[attr-defined]
    settle(tab, TITLES[lang])
    assert_clean(tab, lang)
    body = tab.locator("body").inner_text()  # type: ignore[attr-defined]
    for text in (department, since, passed, round_one, back):
        assert text in body, text
    tab.screenshot(path=str(SHOTS / f"district_office_week_{lang}.png"), full_page=True)  # type: ignore[attr-defined]
    # the print view draws the tables as text: the units in the backlog's order, the round
    tab.goto(f"{base}/district?district={DISTRICT}&section=week&print=1{suffix}")  # type: ignore[attr-defined]
    settle(tab, TITLES[lang])  # (its text holds ticket ids: not checked for English words)
    body = tab.locator("body").inner_text()  # type: ignore[attr-defined]
    panel = body[body.index(department) :]
    units = backlog_units(location, lang)
    positions = [panel.find(f"\n{unit}\t") for unit in units]  # a row's first cell
    assert -1 not in positions and positions == sorted(positions), (units, panel[:900])
    rounds_part = body[body.index(round_one) :]
    assert returned in rounds_part and "ใบงานลงนาม.PDF" in rounds_part
    assert outside == []


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_departments_tickets_on_the_map_and_traffys_district_figures(
    office: tuple[str, Path], page: tuple[object, list[str]], lang: str
) -> None:
    base, location = office
    tab, outside = page
    *_, traffy, only = TEXTS[lang]
    with store.at(location).reader() as con:
        figures = metrics.traffy_figures(con, filters=Filters(district=DISTRICT))
    suffix = "&lang=en" if lang == "en" else ""
    tab.goto(f"{base}/district?district={DISTRICT}&dept=ฝ่ายโยธา{suffix}")  # type: ignore[attr-defined]
    settle(tab, TITLES[lang])
    assert_clean(tab, lang)
    body = tab.locator("body").inner_text()  # type: ignore[attr-defined]
    assert traffy in body and only in body
    assert f"{figures.total:,}" in body and f"{figures.share('managed'):.1%}" in body
    assert "dept=" in tab.url  # type: ignore[attr-defined]
    tab.screenshot(path=str(SHOTS / f"district_office_map_{lang}.png"), full_page=True)  # type: ignore[attr-defined]
    assert outside == []
