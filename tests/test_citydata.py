"""A district office's own data (issue 34): the CityData export, Traffy's web export, .xlsx
of either, departments per ticket, Traffy's status groups, and bad input.

The CityData layout has no public sample: the files here are built in code. Their
`org_response` and `hashtag` columns are invented in the documented style ("เขตX, ฝ่ายโยธา
เขตX, การไฟฟ้านครหลวง"); every other value comes from `tests.fixtures.ticket`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dashboard import boundaries, store
from dashboard.analysis import departments, metrics, routing
from dashboard.analysis.filters import Filters
from dashboard.cli import main
from dashboard.errors import InputFileError
from dashboard.ingest.load import ingest_files
from dashboard.ingest.sources import open_source
from tests.fixtures import centre, ticket

CITYDATA = [
    "ticket_id", "type", "comment", "photo", "address", "subdistrict", "district", "province",
    "timestamp", "last_activity", "state", "org_response", "star", "hashtag", "coords",
]  # fmt: skip
EXPORT = [
    "ticket_id", "type", "organization", "organization_action", "comment", "Latitute",
    "Longitude", "photo", "photo_after", "address", "subdistrict", "district", "province",
    "timestamp", "state", "star", "count_reopen", "last_activity", "duration_minutes_inprogress",
    "duration_minutes_finished", "duration_minutes_total", "timestamp_inprogress",
    "timestamp_finished",
]  # fmt: skip


def citydata_row(ticket_id: str, org_response: str, **fields: str) -> dict[str, str]:
    """One CityData row: the fixture ticket's values, with an invented org_response and hashtag."""
    row = ticket(ticket_id, **fields)  # type: ignore[arg-type]
    row["org_response"] = org_response
    row["hashtag"] = "#ถนน"
    return row


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("ข้อมูล")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


OFFICE = "เขต1001"
FOUR_KINDS = [
    # one department, open
    citydata_row("ONE", f"{OFFICE}, ฝ่ายโยธา {OFFICE}"),
    # two departments, open: counts in each
    citydata_row("TWO", f"{OFFICE},ฝ่ายโยธา {OFFICE}, ฝ่ายเทศกิจ {OFFICE}", state="กำลังดำเนินการ"),
    # none, finished
    citydata_row("NONE", OFFICE, state="เสร็จสิ้น"),
    # an outside agency only, open: names no department
    citydata_row("AGENCY", f"{OFFICE}, การไฟฟ้านครหลวง"),
    # one department, finished
    citydata_row("DONE", f"{OFFICE}, ฝ่ายโยธา {OFFICE}", state="เสร็จสิ้น"),
]


def summary_of(location: str, data_dir: Path, **filters: object) -> departments.DepartmentSummary:
    districts = boundaries.load_districts(data_dir=data_dir)
    with store.at(location).reader() as con:
        return departments.department_summary(
            con,
            filters=Filters(**filters),  # type: ignore[arg-type]
            district_names_th=dict(zip(districts.codes, districts.names_th, strict=True)),
            routing=routing.shipped(),
        )


def test_a_citydata_export_gives_exact_totals_and_open_per_department(
    tmp_path: Path, data_dir: Path, store_location: str
) -> None:
    path = write_rows(tmp_path / "citydata.csv", CITYDATA, FOUR_KINDS)
    result = ingest_files(paths=[path], store_path=store_location, data_dir=data_dir)
    assert (result.accounted, result.stored_new) == (5, 5)
    assert result.layouts == {str(path): "citydata"}
    found = summary_of(store_location, data_dir, district="1001")
    assert found.basis == "named"
    assert found.rows.to_dict("records") == [
        {"department": None, "total": 2, "open": 1, "in_several": 0, "basis": "named"},
        {"department": "ฝ่ายโยธา", "total": 3, "open": 2, "in_several": 1, "basis": "named"},
        {"department": "ฝ่ายเทศกิจ", "total": 1, "open": 1, "in_several": 1, "basis": "named"},
    ]
    assert (found.tickets, found.open, found.in_several) == (5, 3, 1)
    with store.at(store_location).reader() as con:
        kept = con.execute(
            "SELECT ticket_id, organization, hashtags FROM tickets ORDER BY ticket_id"
        ).fetchall()
    assert kept[0] == ("AGENCY", f"{OFFICE}, การไฟฟ้านครหลวง", "#ถนน")


def test_data_naming_no_department_is_routed_by_category_and_marked_so(
    tmp_path: Path, data_dir: Path
) -> None:
    city = "กรุงเทพมหานคร"  # the dump's usual organisation: the city, no unit within it
    rows = [
        ticket("R1", type_="{ถนน}", organization=city),
        ticket("R2", type_="{ความสะอาด}", state="เสร็จสิ้น", organization=city),
        ticket("R3", type_="{}", organization=city),
        ticket("R4", type_="{ถนน}", organization=f"{city},การไฟฟ้านครหลวง"),
    ]
    path = write_rows(tmp_path / "dump.csv", list(rows[0]), rows)
    location = str(tmp_path / "s.duckdb")
    ingest_files(paths=[path], store_path=location, data_dir=data_dir)
    found = summary_of(location, data_dir)
    assert found.basis == "routed"
    assert found.rows.to_dict("records") == [
        {"department": None, "total": 2, "open": 2, "in_several": 0, "basis": "routed"},
        {"department": "ฝ่ายโยธา", "total": 1, "open": 1, "in_several": 0, "basis": "routed"},
        {
            "department": "ฝ่ายรักษาความสะอาดและสวนสาธารณะ",
            "total": 1,
            "open": 0,
            "in_several": 0,
            "basis": "routed",
        },
    ]


def test_the_summary_command_by_department_in_json_csv_and_table(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_rows(tmp_path / "citydata.csv", CITYDATA, FOUR_KINDS)
    location = str(tmp_path / "s.duckdb")
    ingest_files(paths=[path], store_path=location, data_dir=data_dir)
    base = ["summary", "--by", "department", "--district", "1001", "--store", location]
    assert main([*base, "--format", "json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["basis"] == "named" and document["in_several"] == 1
    assert "counts in each" in document["note"]
    assert [(d["department"], d["total"], d["open"]) for d in document["departments"]] == [
        (None, 2, 1),
        ("ฝ่ายโยธา", 3, 2),
        ("ฝ่ายเทศกิจ", 1, 1),
    ]
    assert "1 in two or more departments" in captured.err
    assert main([*base, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "department,total,open,in_several,basis",
        ",2,1,0,named",
        "ฝ่ายโยธา,3,2,1,named",
        "ฝ่ายเทศกิจ,1,1,1,named",
    ]
    assert main([*base, "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "(no department)" in table and "counts in each of them" in table
    assert main(["summary", "--by", "department", "--district", "9999", "--store", location]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_traffy_web_export_csv_and_xlsx_read_alike_with_the_real_finish_time(
    tmp_path: Path, data_dir: Path
) -> None:
    lon, lat = centre("1001")
    rows = [
        {
            **dict.fromkeys(EXPORT, ""),
            "ticket_id": "E1",
            "type": "{ถนน}",
            "organization": f"{OFFICE},ฝ่ายโยธา {OFFICE}",
            "Latitute": str(lat),
            "Longitude": str(lon),
            "timestamp": "28/11/2023 21:01",
            "state": "finish",
            "star": "5",
            "count_reopen": "0",
            "last_activity": "05/12/2023 10:00",
            "timestamp_finished": "30/11/2023 09:01",
        },
        {
            **dict.fromkeys(EXPORT, ""),
            "ticket_id": "E2",
            "type": "{}",
            "organization": OFFICE,
            "Latitute": str(lat),
            "Longitude": str(lon),
            "timestamp": "28/11/2023 21:05",
            "state": "follow",
            "last_activity": "29/11/2023 10:00",
        },
    ]
    csv_path = write_rows(tmp_path / "export.csv", EXPORT, rows)
    excel_rows = []
    for row in rows:
        cells: list[object] = [row[name] or None for name in EXPORT]
        cells[EXPORT.index("Latitute")] = lat  # numbers and dates as Excel holds them
        cells[EXPORT.index("Longitude")] = lon
        day, month_year = row["timestamp"].split("/", 1)
        month, rest = month_year.split("/", 1)
        year, clock = rest.split(" ")
        hour, minute = clock.split(":")
        cells[EXPORT.index("timestamp")] = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute)
        )
        excel_rows.append(cells)
    xlsx_path = write_xlsx(tmp_path / "export.xlsx", EXPORT, excel_rows)
    assert open_source(xlsx_path).kind == "xlsx"
    stored = []
    for path in (csv_path, xlsx_path):
        location = str(tmp_path / f"{path.suffix[1:]}.duckdb")
        result = ingest_files(paths=[path], store_path=location, data_dir=data_dir)
        assert (result.accounted, result.quarantined, result.layouts) == (
            2,
            {},
            {str(path): "export"},
        )
        with duckdb.connect(location, read_only=True) as con:
            stored.append(
                con.execute(
                    "SELECT ticket_id, state, district_code, reported_at, finished_at, "
                    "finish_days FROM tickets ORDER BY ticket_id"
                ).fetchall()
            )
        with store.at(location).reader() as con:
            basis = metrics.finish_time_basis(con, filters=Filters())
            assert (basis.finish_time, basis.last_activity, basis.standing_in) == (1, 0, False)
    assert stored[0] == stored[1]
    first, second = stored[0]
    # Bangkok 21:01 is 14:01 UTC; finished 30/11 09:01 (1.5 days), not the last change (6.5)
    assert first[3] == dt.datetime(2023, 11, 28, 14, 1, tzinfo=dt.UTC)
    assert first[1:3] == ("finished", "1001") and first[5] == 1.5
    assert second[1] == "irrelevant"  # 'follow' (ติดตามเรื่อง): Traffy counts it irrelevant


def test_a_file_whose_rows_appear_twice_stores_each_ticket_once(
    tmp_path: Path, data_dir: Path
) -> None:
    path = write_rows(tmp_path / "twice.csv", CITYDATA, FOUR_KINDS + FOUR_KINDS)
    location = str(tmp_path / "s.duckdb")
    result = ingest_files(paths=[path], store_path=location, data_dir=data_dir)
    assert (result.rows_read, result.stored_new, result.merged_duplicates) == (10, 5, 5)
    assert summary_of(location, data_dir).tickets == 5


def test_a_citydata_xlsx_is_read_like_its_csv(tmp_path: Path, data_dir: Path) -> None:
    csv_path = write_rows(tmp_path / "citydata.csv", CITYDATA, FOUR_KINDS)
    xlsx_path = write_xlsx(
        tmp_path / "citydata.xlsx", CITYDATA, [[row[n] for n in CITYDATA] for row in FOUR_KINDS]
    )
    found = []
    for path in (csv_path, xlsx_path):
        location = str(tmp_path / f"{path.suffix[1:]}.duckdb")
        ingest_files(paths=[path], store_path=location, data_dir=data_dir)
        found.append(summary_of(location, data_dir).rows.to_dict("records"))
    assert found[0] == found[1] and len(found[0]) == 3


def test_bad_department_lists_give_a_sensible_result_and_inert_output(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = ", ".join(f"ฝ่ายงาน{i} {OFFICE}" for i in range(300))
    rows = [
        citydata_row("EMPTY", ""),
        citydata_row("GAPS", f" , ,{OFFICE},, ฝ่ายโยธา {OFFICE},ฝ่ายโยธา {OFFICE}, ,"),
        citydata_row("MANY", many),
        citydata_row("HTML", f'{OFFICE}, ฝ่าย<script>alert(1)</script>, =HYPERLINK("x")'),
        citydata_row("FORMULA", "=ฝ่ายโยธา,ฝ่าย=1+1"),
        citydata_row("HUGE", "ฝ่าย" + "ก" * 10_000),
    ]
    path = write_rows(tmp_path / "bad.csv", CITYDATA, rows)
    location = str(tmp_path / "s.duckdb")
    result = ingest_files(paths=[path], store_path=location, data_dir=data_dir)
    assert (result.stored_new, result.quarantined) == (6, {})
    found = summary_of(location, data_dir)
    by_name = {row["department"]: row["total"] for row in found.rows.to_dict("records")}
    assert by_name[None] == 1  # EMPTY
    assert by_name["ฝ่าย=1+1"] == 1  # FORMULA: '=ฝ่ายโยธา' does not begin with ฝ่าย
    assert by_name["ฝ่ายโยธา"] == 1  # GAPS: named twice, counted once
    assert sum(1 for name in by_name if name and name.startswith("ฝ่ายงาน")) == 300
    assert max(len(str(name)) for name in by_name) == routing.MAX_NAME_CHARS
    assert main(["summary", "--by", "department", "--format", "csv", "--store", location]) == 0
    out = capsys.readouterr().out
    assert not [line for line in out.splitlines() if line.startswith(("=", "+", "-", "@"))]
    assert "ฝ่าย<script>alert(1)</script>" in out  # the text as it is, never run


def test_a_file_that_mixes_layouts_quarantines_what_does_not_fit(
    tmp_path: Path, data_dir: Path
) -> None:
    first = write_rows(tmp_path / "a.csv", CITYDATA, FOUR_KINDS[:2])
    second = write_rows(tmp_path / "b.csv", list(ticket("X")), [ticket("X1"), ticket("X2")])
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(first.read_text() + second.read_text(), encoding="utf-8")
    result = ingest_files(paths=[mixed], store_path=str(tmp_path / "s.duckdb"), data_dir=data_dir)
    assert result.accounted == result.rows_read == 5
    assert result.stored_new == 2
    assert result.quarantined == {"broken row": 3}  # the second header and its two rows


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04not a zip at all", "not a readable Excel workbook"),
        (None, "a ZIP archive, not an Excel workbook"),
    ],
)
def test_a_damaged_or_foreign_xlsx_is_one_line(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "office.xlsx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", "<w/>")
    else:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as caught:
        open_source(path)
    assert "\n" not in str(caught.value)


def test_an_xlsx_without_a_known_header_says_what_it_lacks(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", ["name", "value"], [["a", 1]])
    with pytest.raises(InputFileError, match="no ticket_id, timestamp, state, coords"):
        open_source(path)


def test_the_department_backlog_puts_no_department_first_with_overdue_and_oldest(
    tmp_path: Path, data_dir: Path
) -> None:
    from dashboard.analysis import director, targets

    waiting = citydata_row("NOBODY", OFFICE, type_="{}")  # no department, agency or category
    path = write_rows(tmp_path / "citydata.csv", CITYDATA, [*FOUR_KINDS, waiting])
    location = str(tmp_path / "s.duckdb")
    ingest_files(paths=[path], store_path=location, data_dir=data_dir)
    as_of = dt.datetime(2022, 8, 1, tzinfo=dt.UTC)  # every fixture ticket is 60 days old
    in_force = targets.Targets(default_days=30)
    with store.at(location).reader() as con:
        judged = director.week_tickets(
            con, filters=Filters(district="1001"), as_of=as_of, targets=in_force
        )
    routed = departments.routed(judged, district_name_th="1001", routing=routing.shipped())
    backlog = departments.department_backlog(routed)
    assert backlog.to_dict("records") == [
        {"unit": "", "routed": "unrouted", "open": 1, "overdue": 1,
         "oldest_ticket": "NOBODY", "oldest_days": 60},
        {"unit": "ฝ่ายโยธา", "routed": "named", "open": 2, "overdue": 2,
         "oldest_ticket": "ONE", "oldest_days": 60},
        {"unit": "การไฟฟ้านครหลวง", "routed": "agency", "open": 1, "overdue": 1,
         "oldest_ticket": "AGENCY", "oldest_days": 60},
        {"unit": "ฝ่ายเทศกิจ", "routed": "named", "open": 1, "overdue": 1,
         "oldest_ticket": "TWO", "oldest_days": 60},
    ]  # fmt: skip
