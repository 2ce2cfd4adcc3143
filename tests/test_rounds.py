"""Report rounds (issue 34): each unit's open tickets handed out at one moment, kept in the
store on both backends and never changed by a later import; evidence checked by its bytes.

The CityData files are built in code as in tests/test_citydata.py: `org_response` and
`hashtag` are invented in the documented style, every other value is a fixture ticket's.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zlib
from pathlib import Path

import openpyxl
import pytest

from dashboard import store
from dashboard.analysis.filters import Filters
from dashboard.cli import main
from dashboard.ingest.load import ingest_files
from dashboard.render import rounds
from tests.fixtures import centre
from tests.test_citydata import CITYDATA, citydata_row, write_rows

OFFICE = "เขตเขต1001"
"""The office of the fixture's district 1001, whose name is "เขต1001" (a real one: เขตบางกะปิ)."""
FOUR_KINDS = [
    citydata_row("ONE", f"{OFFICE}, ฝ่ายโยธา {OFFICE}"),
    citydata_row("TWO", f"{OFFICE},ฝ่ายโยธา {OFFICE}, ฝ่ายเทศกิจ {OFFICE}", state="กำลังดำเนินการ"),
    citydata_row("NONE", OFFICE, state="เสร็จสิ้น"),
    citydata_row("AGENCY", f"{OFFICE}, การไฟฟ้านครหลวง"),
    citydata_row("DONE", f"{OFFICE}, ฝ่ายโยธา {OFFICE}", state="เสร็จสิ้น"),
]
"""One department, two, none, an outside agency only, and a finished one."""
EARLY = "2022-04-01 03:00:00+00"
NOBODY = citydata_row("NOBODY", OFFICE, type_="{}", timestamp=EARLY)
"""No department, agency or category; reported two months before the others: overdue."""
FIRST_ROUND = {
    "": ["NOBODY"],
    "ฝ่ายโยธา": ["ONE", "TWO"],
    "การไฟฟ้านครหลวง": ["AGENCY"],
    "ฝ่ายเทศกิจ": ["TWO"],
}
"""Open tickets per unit of FOUR_KINDS + NOBODY, in the round's order: the no-department
group first, then most tickets first (NONE and DONE are finished: in no workbook)."""
LATER = "2022-07-20 03:00:00+00"


def later_import() -> list[dict[str, str]]:
    """The same office two weeks on: ONE finished, TWO passed to ฝ่ายเทศกิจ only, NOBODY
    given to ฝ่ายโยธา, and a new ticket for ฝ่ายโยธา."""
    return [
        citydata_row("ONE", f"{OFFICE}, ฝ่ายโยธา {OFFICE}", state="เสร็จสิ้น", last_activity=LATER),
        citydata_row("TWO", f"{OFFICE}, ฝ่ายเทศกิจ {OFFICE}", last_activity=LATER),
        citydata_row(
            "NOBODY",
            f"{OFFICE}, ฝ่ายโยธา {OFFICE}",
            type_="{}",
            timestamp=EARLY,
            last_activity=LATER,
        ),
        citydata_row("FRESH", f"{OFFICE}, ฝ่ายโยธา {OFFICE}", timestamp=LATER, last_activity=LATER),
    ]


def workbook_tickets(folder: Path, round_id: int) -> dict[str, list[str]]:
    """Sheet title → the ticket ids listed on it, for each workbook of the round in `folder`."""
    found = {}
    for path in sorted(folder.glob(f"round{round_id}_*.xlsx")):
        sheet = openpyxl.load_workbook(path).worksheets[0]
        ids = [str(row[1]) for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]]
        found[sheet.title] = ids
    return found


def new_round(location: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> int:
    folder.mkdir(exist_ok=True)
    code = main(["round", "new", "--district", "1001", "--out", str(folder), "--store", location])
    assert code == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    match = re.match(r"round (\d+): district 1001, (\d+) open tickets", out)
    assert match, out
    return int(match.group(1))


def test_a_rounds_workbooks_hold_each_units_open_tickets_and_keep_them_after_a_later_import(
    tmp_path: Path, data_dir: Path, store_location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_rows(tmp_path / "citydata.csv", CITYDATA, [*FOUR_KINDS, NOBODY])
    ingest_files(paths=[first], store_path=store_location, data_dir=data_dir)
    round_id = new_round(store_location, tmp_path / "r1", capsys)
    assert round_id == 1
    handed = workbook_tickets(tmp_path / "r1", 1)
    assert handed == {"ยังไม่ได้ส่งต่อ": ["NOBODY"], "ฝ่ายโยธา": ["ONE", "TWO"],
                      "การไฟฟ้านครหลวง": ["AGENCY"], "ฝ่ายเทศกิจ": ["TWO"]}  # fmt: skip
    with store.at(store_location).reader() as con:
        assert rounds.tickets_of(con, round_id=1) == {
            unit: sorted(ids, key=FIRST_ROUND[unit].index) for unit, ids in FIRST_ROUND.items()
        }
        kept = rounds.workbooks_of(con, round_id=1)
    assert list(kept) == list(FIRST_ROUND)

    later = write_rows(tmp_path / "citydata_later.csv", CITYDATA, later_import())
    ingest_files(paths=[later], store_path=store_location, data_dir=data_dir)
    again = tmp_path / "again"
    again.mkdir()
    assert main(["round", "show", "1", "--out", str(again), "--store", store_location]) == 0
    assert workbook_tickets(again, 1) == handed
    for name, content in kept.values():
        assert (again / name).read_bytes() == content == (tmp_path / "r1" / name).read_bytes()
    with store.at(store_location).reader() as con:
        assert rounds.tickets_of(con, round_id=1) == FIRST_ROUND
        assert rounds.find(con, round_id=1).units[["unit", "tickets", "overdue"]].to_dict(
            "records"
        ) == [
            {"unit": "", "tickets": 1, "overdue": 1},
            {"unit": "ฝ่ายโยธา", "tickets": 2, "overdue": 0},
            {"unit": "การไฟฟ้านครหลวง", "tickets": 1, "overdue": 0},
            {"unit": "ฝ่ายเทศกิจ", "tickets": 1, "overdue": 0},
        ]
    capsys.readouterr()
    assert new_round(store_location, tmp_path / "r2", capsys) == 2  # the import did change
    assert workbook_tickets(tmp_path / "r2", 2) == {
        "ฝ่ายโยธา": ["NOBODY", "FRESH"],
        "ฝ่ายเทศกิจ": ["TWO"],
        "การไฟฟ้านครหลวง": ["AGENCY"],
    }


def test_a_rounds_workbook_is_in_the_offices_form_with_empty_action_signature_and_note(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = str(tmp_path / "s.duckdb")
    rows = [*FOUR_KINDS, citydata_row("FORMULA", f'{OFFICE}, =HYPERLINK("x") ฝ่าย<b>x</b>')]
    ingest_files(paths=[write_rows(tmp_path / "c.csv", CITYDATA, rows)], store_path=location,
                 data_dir=data_dir)  # fmt: skip
    new_round(location, tmp_path / "r", capsys)
    paths = sorted((tmp_path / "r").glob("round1_*.xlsx"))
    assert [p.name for p in paths] == [
        "round1_01_ฝ่ายโยธา.xlsx",
        "round1_02_=HYPERLINK(_x_) ฝ่าย_b_x_ b_.xlsx",
        "round1_03_การไฟฟ้านครหลวง.xlsx",
        "round1_04_ฝ่ายเทศกิจ.xlsx",
    ]
    book = openpyxl.load_workbook(paths[0])
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[4]]
    assert header[-5:] == ["การดำเนินการ", "ผู้ดำเนินการ", "วันที่ดำเนินการ", "ลงชื่อ", "หมายเหตุ"]
    assert [[c.value for c in row[-5:]] for row in sheet.iter_rows(min_row=5)] == [[None] * 5] * 2
    assert str(sheet["A1"].value).startswith("ฝ่ายโยธา · เขต1001 · รอบที่ 1 · ")
    assert sheet.auto_filter.ref == "A4:R6"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet["G5"].is_date and sheet["G5"].number_format.startswith("[$-107041E]")
    formula = openpyxl.load_workbook(paths[1]).worksheets[0]
    assert formula["A1"].data_type == "s" and str(formula["A1"].value).startswith("'=")


def png_bytes() -> bytes:
    """A real 1 × 1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))  # fmt: skip


def evidence_rows(location: str) -> list[tuple[object, ...]]:
    with store.at(location).reader() as con:
        return con.execute(
            "SELECT round_id, unit, file_name, media_type, size FROM round_evidence "
            "ORDER BY returned_at"
        ).fetchall()


def test_evidence_is_typed_by_its_bytes_kept_with_the_time_and_a_locked_round_refuses_it(
    tmp_path: Path, data_dir: Path, store_location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_rows(tmp_path / "citydata.csv", CITYDATA, [*FOUR_KINDS, NOBODY])
    ingest_files(paths=[path], store_path=store_location, data_dir=data_dir)
    new_round(store_location, tmp_path / "r", capsys)
    photo = tmp_path / "signed sheet.png"
    photo.write_bytes(png_bytes())
    not_a_pdf = tmp_path / "report.pdf"
    not_a_pdf.write_text("<html>not a pdf</html>")
    too_large = tmp_path / "scan.pdf"
    too_large.write_bytes(b"%PDF-1.7\n" + b"0" * rounds.EVIDENCE_MAX_BYTES + b"%%EOF")
    cut_short = tmp_path / "cut.pdf"
    cut_short.write_bytes(b"%PDF-1.7\n1 0 obj")
    refused = [
        (not_a_pdf, ["--department", "ฝ่ายโยธา"], "is not a PDF, PNG, JPEG or WebP file"),
        (too_large, ["--department", "ฝ่ายโยธา"], "is larger than 10,485,760 bytes"),
        (cut_short, ["--department", "ฝ่ายโยธา"], "is not a PDF, PNG, JPEG or WebP file"),
        (photo, ["--department", "ฝ่ายคลัง"], "round 1 has no unit 'ฝ่ายคลัง'"),
        (tmp_path, ["--unrouted"], "is not a regular file"),
    ]
    for file, unit, said in refused:
        args = ["round", "return", "1", str(file), *unit, "--store", store_location]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1, err
    assert evidence_rows(store_location) == []

    store_args = ["--store", store_location]
    assert main(["round", "return", "1", str(photo), "--department", "ฝ่ายโยธา", *store_args]) == 0
    assert main(["round", "return", "1", str(photo), "--unrouted", *store_args]) == 0
    assert evidence_rows(store_location) == [
        (1, "ฝ่ายโยธา", "signed sheet.png", "image/png", len(png_bytes())),
        (1, "", "signed sheet.png", "image/png", len(png_bytes())),
    ]
    with store.at(store_location).reader() as con:
        units = rounds.find(con, round_id=1).units.set_index("unit")
        assert units["returned_at"].notna().to_dict() == {
            "": True, "ฝ่ายโยธา": True, "การไฟฟ้านครหลวง": False, "ฝ่ายเทศกิจ": False
        }  # fmt: skip
        assert rounds.evidence_file(con, round_id=1, unit="ฝ่ายโยธา") == (
            "round1_evidence.png", "image/png", png_bytes()
        )  # fmt: skip
    capsys.readouterr()
    assert main(["round", "lock", "1", *store_args]) == 0
    assert main(["round", "return", "1", str(photo), "--department", "ฝ่ายเทศกิจ", *store_args]) == 2
    assert "round 1 is locked" in capsys.readouterr().err
    assert len(evidence_rows(store_location)) == 2


def test_a_round_of_a_district_with_nothing_open_or_into_a_missing_folder_is_one_line(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = str(tmp_path / "s.duckdb")
    path = write_rows(tmp_path / "c.csv", CITYDATA, FOUR_KINDS)
    ingest_files(paths=[path], store_path=location, data_dir=data_dir)
    (tmp_path / "out").mkdir()
    cases = [
        (["--district", "1002", "--out", str(tmp_path / "out")], "has no open tickets"),
        (["--district", "1001", "--out", str(tmp_path / "nowhere")], "is not an existing folder"),
        (["--district", "9999", "--out", str(tmp_path / "out")], "is not a Bangkok district"),
    ]
    for args, said in cases:
        assert main(["round", "new", *args, "--store", location]) == 2
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1, err
    assert main(["round", "show", "7", "--store", location]) == 2
    assert "there is no round 7" in capsys.readouterr().err
    with store.at(location).reader() as con:
        assert rounds.listing(con).empty


def test_the_weeks_finished_figures_use_traffys_finish_time_and_the_sheet_says_what_stands_in(
    tmp_path: Path, data_dir: Path
) -> None:
    from dashboard.analysis import director, imports, metrics, targets
    from dashboard.render import action_sheet
    from tests.test_citydata import EXPORT

    lon, lat = centre("1001")

    def exported(ticket_id: str, finished: str) -> dict[str, str]:
        return {**dict.fromkeys(EXPORT, ""), "ticket_id": ticket_id, "type": "{ถนน}",
                "organization": f"{OFFICE}, ฝ่ายโยธา {OFFICE}", "Latitute": str(lat),
                "Longitude": str(lon), "timestamp": "20/11/2023 09:00", "state": "finish",
                "last_activity": "05/12/2023 10:00", "timestamp_finished": finished}  # fmt: skip

    # finished on 25 Nov (Traffy's own time: last week) and rated on 5 Dec (this week); the
    # other has no own time: its last change stands in
    rows = [exported("E1", "25/11/2023 09:01"), exported("E2", "")]
    location = str(tmp_path / "s.duckdb")
    ingest_files(paths=[write_rows(tmp_path / "e.csv", EXPORT, rows)], store_path=location,
                 data_dir=data_dir)  # fmt: skip
    filters = Filters(district="1001")
    as_of = dt.datetime(2023, 12, 5, 12, tzinfo=dt.UTC)
    with store.at(location).reader() as con:
        judged = director.week_tickets(con, filters=filters, as_of=as_of, targets=targets.shipped())
        basis = metrics.finish_time_basis(con, filters=filters)
        changed = imports.figures(imports.changes(con, district="1001"))  # type: ignore[arg-type]
    assert dict(zip(judged["ticket_id"], judged["finished_day"], strict=True)) == {
        "E1": dt.date(2023, 11, 25), "E2": dt.date(2023, 12, 5)
    }  # fmt: skip
    data = action_sheet.sheet_data(
        judged, district_code="1001", names={"1001": "เขต1001"}, district_name_th="เขต1001",
        lang="th", as_of=as_of, changes=changed, finish_basis=basis,
    )  # fmt: skip
    assert (data.week.finished.now, data.week.finished.before) == (1, 1)  # type: ignore[union-attr]
    assert action_sheet.summary_notes(data) == [
        "ตั้งแต่นำเข้าข้อมูลครั้งล่าสุด: เรื่องใหม่ 2 เรื่อง, เสร็จสิ้น 0 เรื่อง, ส่งต่อให้ฝ่ายโยธา 2 เรื่อง",
        "เวลาเสร็จสิ้นของ 1 จาก 2 เรื่องที่เสร็จสิ้น คือเวลาที่เรื่องมีความเคลื่อนไหวครั้งล่าสุด "
        "ซึ่งอาจช้ากว่าวันที่เสร็จจริง (เช่น มีการให้คะแนนหรือแสดงความเห็นภายหลัง)",
    ]
    summary = openpyxl.load_workbook(io.BytesIO(action_sheet.workbook(data))).worksheets[0]
    cells = [c.value for row in summary.iter_rows(max_col=1) for c in row]
    assert (
        action_sheet.summary_notes(data)[0] in cells
        and action_sheet.summary_notes(data)[1] in cells
    )
