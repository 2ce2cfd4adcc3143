"""The weekly action sheet as staff get it: one sheet per department with exact routing
(named in the data, outside agency, category rule, predicted category, not yet routed),
most urgent first, real date cells, a filter row, frozen headers and print setup, read
back with openpyxl; the printable PDF read back with pdfinfo and pdftotext."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard import actions, boundaries, cli, departments, director, metrics, store, targets
from dashboard.ingest import ingest_files
from dashboard.routing import Routing
from tests.conftest import real_data_dir
from tests.fixtures import ticket, write_csv

AS_OF = metrics.local_midnight(date(2022, 7, 1))  # the week is 25 Jun – 1 Jul 2022
TARGETS = targets.parse(
    '[default]\ndays = 30\n[categories]\n"ถนน" = 15\n"น้ำท่วม" = 3\n', source="test"
)
TABLE = Routing(
    by_category={
        "ถนน": "โยธา",
        "น้ำท่วม": "โยธา",
        "แสงสว่าง": "โยธา",
        "ความสะอาด": "รักษาความสะอาดและสวนสาธารณะ",
    }
)
OFFICE = "เขตเขต1001"  # the fixture district is named เขต1001
TICKETS = [
    # named department; ถนน 15 days, age 29: 14 overdue, urgency 0.93
    ticket("N1", organization=f"{OFFICE},ฝ่ายเทศกิจ {OFFICE}", timestamp="2022-06-01 12:00:00+00"),
    # outside agency named; แสงสว่าง (default 30 days), age 10: not overdue
    ticket("A1", organization=f"{OFFICE},การไฟฟ้านครหลวง MEA", type_="{แสงสว่าง}",
           timestamp="2022-06-20 12:00:00+00"),
    # by category: ถนน, age 29 (urgency 0.93); น้ำท่วม 3 days, age 10 (urgency 2.33)
    ticket("C1", organization="กรุงเทพมหานคร", timestamp="2022-06-01 13:00:00+00"),
    ticket("C2", organization="กรุงเทพมหานคร", type_="{น้ำท่วม}",
           timestamp="2022-06-20 12:00:00+00"),
    # two departments named: on both sheets
    ticket("D2", organization=f"ฝ่ายโยธา {OFFICE},ฝ่ายเทศกิจ {OFFICE}",
           timestamp="2022-06-27 12:00:00+00"),
    # untyped: one with a prediction, one without
    ticket("P1", type_="{}", organization="กรุงเทพมหานคร", timestamp="2022-06-26 12:00:00+00"),
    ticket("U1", type_="{}", organization="กรุงเทพมหานคร", timestamp="2022-06-28 12:00:00+00",
           comment='=HYPERLINK("https://evil.example","x")'),
    # finished: on no sheet
    ticket("F1", state="เสร็จสิ้น", timestamp="2022-06-02 12:00:00+00"),
]  # fmt: skip


@pytest.fixture
def sheet(tmp_path: Path, data_dir: Path, store_location: str) -> actions.SheetData:
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", TICKETS)], store_path=store_location, data_dir=data_dir
    )
    with store.at(store_location).reader() as con:
        judged = director.week_tickets(
            con, filters=metrics.Filters(district="1001"), as_of=AS_OF, targets=TARGETS
        )
    names = boundaries.area_names(
        (boundaries.load_districts(), boundaries.load_subdistricts()), "th"
    )
    return actions.sheet_data(
        judged,
        district_code="1001",
        names=names,
        district_name_th="เขต1001",
        lang="th",
        as_of=AS_OF,
        table=TABLE,
        predicted={"P1": ["ความสะอาด"]},
        print_rows=1,
    )


def _ids(data: actions.SheetData) -> dict[str, list[str]]:
    return {unit: rows["ticket_id"].tolist() for unit, rows in data.units.items()}


def test_each_ticket_goes_to_the_department_its_route_names_on_both_backends(
    sheet: actions.SheetData,
) -> None:
    assert _ids(sheet) == {
        "": ["U1"],  # not yet routed: first
        "ฝ่ายโยธา": ["C2", "C1", "D2"],  # most urgent first: 2.33, 0.93, then not yet due
        "ฝ่ายเทศกิจ": ["N1", "D2"],
        "การไฟฟ้านครหลวง MEA": ["A1"],
        "ฝ่ายรักษาความสะอาดและสวนสาธารณะ": ["P1"],
    }
    routes = {
        str(t): str(r)
        for rows in sheet.units.values()
        for t, r in zip(rows["ticket_id"], rows["routed"], strict=True)
    }
    assert routes == {
        "U1": "unrouted", "C2": "category", "C1": "category", "D2": "named", "N1": "named",
        "A1": "agency", "P1": "predicted",
    }  # fmt: skip
    urgency = sheet.units["ฝ่ายโยธา"]["urgency"].round(2).tolist()
    assert urgency == [2.33, 0.93, -0.8]  # D2: age 3 of 15 days


def test_the_week_table_counts_a_ticket_of_two_departments_in_each(
    sheet: actions.SheetData,
) -> None:
    table = sheet.week_table.set_index("unit")
    assert table.loc["ฝ่ายโยธา", ["open", "overdue", "new_this", "new_last"]].tolist() == [
        3, 2, 1, 1,
    ]  # fmt: skip
    assert table.loc["ฝ่ายเทศกิจ", ["open", "overdue", "new_this"]].tolist() == [2, 1, 1]
    assert table.loc["", "routed"] == "unrouted"
    assert int(table["open"].sum()) == 8  # seven open tickets, D2 counted twice


def test_the_workbook_has_a_sheet_per_department_with_date_cells_filter_and_print_setup(
    sheet: actions.SheetData,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(actions.workbook(sheet)))
    titles = actions.sheet_titles(list(sheet.units), "th")
    assert book.sheetnames == ["สรุป", *titles.values()]
    assert titles[""] == "ยังไม่ได้ส่งต่อ"
    works = book[titles["ฝ่ายโยธา"]]
    header = [c.value for c in works[4]]
    assert header[:3] == ["#", "เลขเรื่อง", "แขวง"]
    assert header[-4:] == ["การดำเนินการ", "ผู้ดำเนินการ", "วันที่ดำเนินการ", "ลงชื่อ"]
    first = dict(zip(header, works[5], strict=True))
    assert first["เลขเรื่อง"].value == "C2"
    assert first["เลขเรื่อง"].hyperlink.target == "https://share.traffy.in.th/teamchadchart/C2"
    reported = first["วันที่แจ้ง"]
    assert reported.is_date and reported.value == datetime(2022, 6, 20)
    assert reported.number_format == "[$-107041E]d mmm yyyy"  # Buddhist era, Thai months
    assert first["ครบกำหนด"].value == datetime(2022, 6, 23)
    assert first["ที่มาของการส่งต่อ"].value == "ตามประเภท"
    # the fixture's photos are on example.invalid, not Traffy's bucket: no link to them
    assert first["ภาพ"].hyperlink is None and first["ภาพ"].value is None
    assert works.auto_filter.ref == "A4:Q7"
    assert works.freeze_panes == "C5"
    setup = works.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape", 9, 1, 0,
    )  # fmt: skip
    assert works.sheet_properties.pageSetUpPr.fitToPage is True
    assert works.print_title_rows == "$4:$4"
    assert works.oddFooter.right.text == "หน้า &P จาก &N"
    assert "เขต1001" in works.oddFooter.left.text


def test_the_summary_lists_each_department_and_text_from_the_data_stays_text(
    sheet: actions.SheetData,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(actions.workbook(sheet)))
    summary = [c for row in book["สรุป"].iter_rows(values_only=True) for c in row if c]
    assert "แจ้งใหม่" in summary and "ค้างทั้งหมดตอนนี้" in summary
    assert "ฝ่ายโยธา" in summary and "ยังไม่ได้ส่งต่อ" in summary
    unrouted = book["ยังไม่ได้ส่งต่อ"]
    header = [c.value for c in unrouted[4]]
    comment = unrouted.cell(row=5, column=header.index("ข้อความผู้แจ้ง") + 1).value
    assert comment.startswith("'=")  # a formula in the data stays text


def test_the_printable_sheet_has_a_cover_and_a_page_per_department_with_thai_dates(
    sheet: actions.SheetData, tmp_path: Path
) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    out = tmp_path / "week.pdf"
    out.write_bytes(actions.print_pdf(sheet))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "Pages:           6" in info.stdout  # the cover, then five departments
    assert "841.89 x 595.2" in info.stdout  # A4 landscape
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "C2" in text and "C1" not in text  # one row per department (print_rows=1)
    assert "2565" in text and "2022" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO date in a Thai document


@pytest.mark.realdata
def test_khetmap_actions_routes_the_real_bang_kapi_backlog_over_department_sheets(
    tmp_path: Path, real_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHETMAP_DATA_DIR", str(real_data_dir()))
    out = tmp_path / "bk.xlsx"
    assert (
        cli.main(["actions", "--district", "1006", "--out", str(out), "--store", str(real_store)])
        == 0
    )
    book = openpyxl.load_workbook(out, read_only=True)
    sizes = {name: book[name].max_row - 4 for name in book.sheetnames[1:]}
    total = sum(sizes.values())
    assert "กรุงเทพมหานคร" not in sizes  # the city is nobody's department
    assert {"ฝ่ายโยธา", "ฝ่ายเทศกิจ", "ยังไม่ได้ส่งต่อ"} <= set(sizes)
    assert len(sizes) >= 8
    assert max(sizes.values()) < 0.7 * total
    pdf = tmp_path / "bk.pdf"
    assert (
        cli.main(["actions", "--district", "1006", "--out", str(pdf), "--store", str(real_store)])
        == 0
    )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages <= 20


def test_department_rows_put_a_ticket_of_no_unit_in_the_unrouted_group() -> None:
    frame = pd.DataFrame(
        {
            "ticket_id": ["x"],
            "units": [()],
            "routed": ["unrouted"],
            "is_open": [True],
            "overdue": [False],
            "days_overdue": [-3.0],
            "target_days": [15],
            "reported_day": [date(2022, 6, 1)],
            "reported_at": [pd.Timestamp("2022-06-01", tz="UTC")],
        }
    )
    rows = departments.department_rows(frame)
    assert list(rows) == [departments.UNROUTED]
    assert rows[""]["urgency"].tolist() == [-0.2]


def test_where_the_data_names_departments_the_backlog_shows_only_those_and_no_department_yet(
    sheet: actions.SheetData,
) -> None:
    routed = pd.concat(list(sheet.units.values()), ignore_index=True).drop_duplicates("ticket_id")
    backlog = departments.department_backlog(departments.as_the_data_names(routed))
    assert backlog["unit"].tolist() == ["", "ฝ่ายเทศกิจ", "ฝ่ายโยธา"]  # no one's first
    assert backlog["open"].tolist() == [5, 2, 1]  # C1, C2, A1, P1, U1; N1, D2; D2
