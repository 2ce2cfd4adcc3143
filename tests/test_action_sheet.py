"""The weekly action sheet as staff get it: one sheet per department with exact routing
(named in the data, outside agency, category rule, predicted category, not yet routed),
most urgent first, real date cells, a filter row, frozen headers and print setup, read
back with openpyxl; the printable PDF read back with pdfinfo and pdftotext."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from dashboard import boundaries, cli, store
from dashboard.analysis import departments, director, targets
from dashboard.analysis.filters import Filters
from dashboard.analysis.routing import Routing
from dashboard.ingest.load import ingest_files
from dashboard.render import action_sheet
from dashboard.vocab import local_midnight
from tests.conftest import real_data_dir
from tests.fixtures import ticket, write_csv

AS_OF = local_midnight(date(2022, 7, 1))  # the week is 25 Jun – 1 Jul 2022
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
LONG_COMMENT = "หลุมบ่อ " * 30  # 240 characters; the 121st starts a word
TICKETS = [
    # named department; ถนน 15 days, age 29: 14 overdue, urgency 0.93
    ticket("N1", organization=f"{OFFICE},ฝ่ายเทศกิจ {OFFICE}", timestamp="2022-06-01 12:00:00+00"),
    # outside agency named; แสงสว่าง (default 30 days), age 10: not overdue
    ticket("A1", organization=f"{OFFICE},การไฟฟ้านครหลวง MEA", type_="{แสงสว่าง}",
           timestamp="2022-06-20 12:00:00+00"),
    # by category: ถนน, age 29 (urgency 0.93); น้ำท่วม 3 days, age 10 (urgency 2.33)
    {**ticket("C1", organization="กรุงเทพมหานคร", timestamp="2022-06-01 13:00:00+00",
              comment=LONG_COMMENT),
     "address": "12 ซอยลาดพร้าว 101 เขตเขต1001 กรุงเทพมหานคร 10240 ประเทศไทย"},
    {**ticket("C2", organization="กรุงเทพมหานคร", type_="{น้ำท่วม}",
              timestamp="2022-06-20 12:00:00+00"),
     "address": "1 ถนนพระราม 1 แขวง วังใหม่ เขตปทุมวัน กรุงเทพมหานคร 10330 ประเทศไทย"},
    # two departments named: on both sheets
    ticket("D2", organization=f"ฝ่ายโยธา {OFFICE},ฝ่ายเทศกิจ {OFFICE}",
           timestamp="2022-06-27 12:00:00+00", comment=""),
    # untyped: one with a prediction, one without
    ticket("P1", type_="{}", organization="กรุงเทพมหานคร", timestamp="2022-06-26 12:00:00+00"),
    ticket("U1", type_="{}", organization="กรุงเทพมหานคร", timestamp="2022-06-28 12:00:00+00",
           comment='=HYPERLINK("https://evil.example","x")'),
    # finished: on no sheet
    ticket("F1", state="เสร็จสิ้น", timestamp="2022-06-02 12:00:00+00"),
]  # fmt: skip


@pytest.fixture
def sheet(tmp_path: Path, data_dir: Path, store_location: str) -> action_sheet.SheetData:
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", TICKETS)], store_path=store_location, data_dir=data_dir
    )
    with store.at(store_location).reader() as con:
        judged = director.week_tickets(
            con, filters=Filters(district="1001"), as_of=AS_OF, targets=TARGETS
        )
    names = boundaries.area_names(
        (boundaries.load_districts(), boundaries.load_subdistricts()), "th"
    )
    return action_sheet.sheet_data(
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


def _ids(data: action_sheet.SheetData) -> dict[str, list[str]]:
    return {unit: rows["ticket_id"].tolist() for unit, rows in data.units.items()}


def test_each_ticket_goes_to_the_department_its_route_names_on_both_backends(
    sheet: action_sheet.SheetData,
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
    sheet: action_sheet.SheetData,
) -> None:
    table = sheet.week_table.set_index("unit")
    assert table.loc["ฝ่ายโยธา", ["open", "overdue", "new_this", "new_last"]].tolist() == [
        3, 2, 1, 1,
    ]  # fmt: skip
    assert table.loc["ฝ่ายเทศกิจ", ["open", "overdue", "new_this"]].tolist() == [2, 1, 1]
    assert table.loc["", "routed"] == "unrouted"
    assert int(table["open"].sum()) == 8  # seven open tickets, D2 counted twice


def test_the_workbook_has_a_sheet_per_department_with_date_cells_filter_and_print_setup(
    sheet: action_sheet.SheetData,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(action_sheet.workbook(sheet)))
    titles = action_sheet.sheet_titles(list(sheet.units), "th")
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
    sheet: action_sheet.SheetData,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(action_sheet.workbook(sheet)))
    summary = [c for row in book["สรุป"].iter_rows(values_only=True) for c in row if c]
    assert "แจ้งใหม่" in summary and "ค้างทั้งหมดตอนนี้" in summary
    assert "ฝ่ายโยธา" in summary and "ยังไม่ได้ส่งต่อ" in summary
    unrouted = book["ยังไม่ได้ส่งต่อ"]
    header = [c.value for c in unrouted[4]]
    comment = unrouted.cell(row=5, column=header.index("ข้อความผู้แจ้ง") + 1).value
    assert comment.startswith("'=")  # a formula in the data stays text


def test_the_printable_sheet_has_a_cover_and_a_page_per_department_with_thai_dates(
    sheet: action_sheet.SheetData, tmp_path: Path
) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    out = tmp_path / "week.pdf"
    out.write_bytes(action_sheet.print_pdf(sheet))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "Pages:           6" in info.stdout  # the cover, then five departments
    assert "841.89 x 595.2" in info.stdout  # A4 landscape
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "C2" in text and "C1" not in text  # one row per department (print_rows=1)
    assert "2565" in text and "2022" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO date in a Thai document


def _printed(html: str, unit: str) -> dict[str, tuple[list[str], list[str], str | None]]:
    """A department's printed tickets: id → (the row's cells, their classes, the line of
    the citizen's text under it or None)."""
    section = html.split(f"<h2>{unit}</h2>")[1].split("</section>")[0]
    tickets = {}
    for body in re.findall(r"<tbody class='t'>(.*?)</tbody>", section):
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body)
        cells = re.findall(r"<td class='([^']*)'[^>]*>(.*?)</td>", rows[0])
        said = re.findall(r"<td colspan='9'>(.*?)</td>", rows[1]) if len(rows) > 1 else [None]
        tickets[cells[1][1]] = ([c for _, c in cells], [k for k, _ in cells], said[0])
    return tickets


def test_the_printed_table_has_the_workbooks_four_action_columns_wide_enough_to_write_in(
    sheet: action_sheet.SheetData,
) -> None:
    table = action_sheet.print_html(sheet).split("<table class='tickets'>")[1].split("</thead>")[0]
    heads = re.findall(r"<th>(.*?)</th>", table)
    widths = [int(w) for w in re.findall(r"<col style='width:(\d+)mm'>", table)]
    assert len(heads) == len(widths) == 14
    assert dict(zip(heads[-4:], widths[-4:], strict=True)) == {
        "การดำเนินการ": 28, "ผู้ดำเนินการ": 18, "วันที่ดำเนินการ": 20, "ลงชื่อ": 19,
    }  # fmt: skip
    assert sum(widths) == 279  # A4 landscape inside the margins


def test_a_printed_ticket_shows_the_start_of_the_citizens_text_and_urgency_only_when_overdue(
    sheet: action_sheet.SheetData,
) -> None:
    html = action_sheet.print_html(replace(sheet, print_rows=25))
    works = _printed(html, "ฝ่ายโยธา")
    c2, c2_kinds, c2_said = works["C2"]
    c1, _, c1_said = works["C1"]
    d2, _, d2_said = works["D2"]
    # days overdue and urgency: 7 days over a 3-day target; 14 over 15; D2 not yet due
    assert (c2[6], c2[7]) == ("7", "2.3") and (c1[6], c1[7]) == ("14", "0.9")
    assert (d2[6], d2[7]) == ("0", "")
    assert c2[8] == "รอรับเรื่อง" and c2_kinds[8] == "nw"  # a state is never wrapped
    assert c2_kinds[4:6] == ["nw", "nw"]  # nor a date
    assert c2_said == "<b>ข้อความผู้แจ้ง:</b> หลุมบ่อ"
    assert c1_said == "<b>ข้อความผู้แจ้ง:</b> " + ("หลุมบ่อ " * 15).rstrip() + "…"
    assert d2_said is None  # no text: no line under the row
    # the province, postcode and country, and the sheet's own district, are left out;
    # another district named in the address stays
    assert c1[9] == "12 ซอยลาดพร้าว 101"
    assert c2[9] == "1 ถนนพระราม 1 แขวง วังใหม่ เขตปทุมวัน"
    unrouted = _printed(html, "ยังไม่ได้ส่งต่อ")["U1"]
    assert (
        unrouted[2]
        == "<b>ข้อความผู้แจ้ง:</b> =HYPERLINK(&quot;https://evil.example&quot;,&quot;x&quot;)"
    )


def test_an_excerpt_is_cut_on_one_line_and_never_between_a_letter_and_its_mark() -> None:
    assert action_sheet.excerpt("ถนน\n\nพัง   มาก", 120) == "ถนน พัง มาก"
    assert action_sheet.excerpt("ก" * 119 + "ก้" + "ข" * 10, 120) == "ก" * 119 + "…"
    assert action_sheet.excerpt("ab cd", 3) == "ab…"
    assert action_sheet.excerpt(None, 120) == ""


def test_the_workbook_shows_urgency_only_for_overdue_tickets_and_dates_typed_later_in_thai(
    sheet: action_sheet.SheetData,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(action_sheet.workbook(sheet)))
    works = book[action_sheet.sheet_titles(list(sheet.units), "th")["ฝ่ายโยธา"]]
    header = [c.value for c in works[4]]
    rows = [dict(zip(header, row, strict=True)) for row in works.iter_rows(min_row=5)]
    urgency = "ความเร่งด่วน (เท่าของเป้าหมาย)"
    assert [(r["เลขเรื่อง"].value, r["เกินกำหนด (วัน)"].value, r[urgency].value) for r in rows] == [
        ("C2", 7, 2.3), ("C1", 14, 0.9), ("D2", 0, None),
    ]  # fmt: skip
    assert [r["วันที่ดำเนินการ"].number_format for r in rows] == ["[$-107041E]d mmm yyyy"] * 3


def test_a_long_unit_name_becomes_a_sheet_title_cut_at_a_word_or_shortened() -> None:
    titles = action_sheet.sheet_titles(
        [
            "สำนักการจราจรและขนส่ง กรุงเทพมหานคร (สจส.)",
            "สำนักการจราจรและขนส่ง กรุงเทพมหานคร ฝ่ายวิศวกรรมจราจร",
            "Department of Public Works and Town and Country Planning",
            "ก" * 40,
        ],
        "th",
    )
    assert list(titles.values()) == [
        "สำนักการจราจรและขนส่ง กทม.",  # 33 characters shortened, then cut before "(สจส.)"
        "สำนักการจราจรและขนส่ง กทม. (2)",  # the same cut: made unique
        "Department of Public Works and",
        "ก" * 31,  # no space to cut at
    ]
    assert all(len(title) <= 31 for title in titles.values())


def test_a_department_sheet_prints_on_a4_landscape_at_a_legible_scale_with_wrapped_text(
    sheet: action_sheet.SheetData,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(action_sheet.workbook(sheet)))
    works = book[action_sheet.sheet_titles(list(sheet.units), "th")["ฝ่ายโยธา"]]
    margins = works.page_margins
    # Excel's fit to one page wide: a column of width w is int(7w + 5) pixels at 96 dpi
    pixels = sum(int(works.column_dimensions[get_column_letter(c)].width * 7 + 5)
                 for c in range(1, 18))  # fmt: skip
    scale = (11.69 - margins.left - margins.right) * 96 / pixels
    assert round(scale, 2) == 0.71  # was 0.45 with 318 characters of columns
    header = [c.value for c in works[4]]
    wrapped = {header[c.column - 1] for c in works[5] if c.alignment.wrap_text}
    assert wrapped == {
        "แขวง", "ที่อยู่", "ประเภท", "ที่มาของการส่งต่อ", "ข้อความผู้แจ้ง", "การดำเนินการ",
        "ผู้ดำเนินการ",
    }  # fmt: skip
    # LibreOffice keeps a row one line high unless told: each row has the height of its
    # longest wrapped text, 15 points a line: the urgency header in 5 lines, C2's address
    # in 4, C1's text (30 times a word 5 Thai letters wide, 4 to a line) in 8, D2's
    # routing ("ระบุในข้อมูล") in 2
    assert [works.row_dimensions[r].height for r in (4, 5, 6, 7)] == [75.0, 60.0, 120.0, 30.0]


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
    assert "สำนักการจราจรและขนส่ง กทม." in sizes  # not cut mid-word at 31 characters
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
