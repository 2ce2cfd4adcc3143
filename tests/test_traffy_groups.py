"""Traffy's own status groups and district figures on the real files (issue 34), and a
CityData export built from the real dump sample.

The CityData file is made in code from `traffy_dump_format_sample.csv`: its `org_response`
is INVENTED (the office, then by row number one department, two, none or an outside
agency, in the documented style "เขตบางกะปิ, ฝ่ายโยธา เขตบางกะปิ, การไฟฟ้านครหลวง"), and
so is `hashtag`; every other column is the real row's.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from dashboard import boundaries, store
from dashboard.analysis import departments, metrics, routing
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from tests.conftest import real_data_dir
from tests.test_citydata import CITYDATA

pytestmark = pytest.mark.realdata

GROUP_OF_LABEL = {
    "รอรับเรื่อง": "start",
    "รับเรื่อง": "in_progress",
    "กำลังดำเนินการ": "in_progress",
    "ศึกษาปัญหา": "in_progress",
    "จัดทำนโยบาย": "in_progress",
    "ของบประมาณ": "in_progress",
    "จัดซื้อจัดจ้าง": "in_progress",
    "ขั้นตอนทางกฎหมาย": "in_progress",
    "เสร็จสิ้น": "finish",
    "ส่งต่อ(ใหม่)": "forward",
    "ส่งเรื่องแล้ว": "forward",
    "ไม่เกี่ยวข้อง": "irrelevant",
    "ติดตามเรื่อง": "irrelevant",
}
"""Traffy's groups as its documentation gives them, written out here independently of vocab."""


def check_invariant(location: Path | str) -> dict[str, int]:
    """Traffy's invariant per district and city-wide; the groups counted from the raw labels."""
    with store.at(location).reader() as con:
        by_district = metrics.traffy_figures_by_district(con, filters=Filters())
        whole = metrics.traffy_figures(con, filters=Filters())
        labels = con.execute("SELECT state_label, count(*) FROM tickets GROUP BY 1").fetchall()
        stored = con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    for figures in by_district.values():
        assert figures.total == (
            figures.start + figures.in_progress + figures.finish + figures.forward
            + figures.irrelevant
        )  # fmt: skip
        assert figures.managed == figures.total - figures.start
    expected = dict.fromkeys(("start", "in_progress", "finish", "forward", "irrelevant"), 0)
    outside = 0
    for label, count in labels:
        if (label or "") in GROUP_OF_LABEL:
            expected[GROUP_OF_LABEL[label]] += count
        else:
            outside += count
    assert {name: getattr(whole, name) for name in expected} == expected
    assert whole.outside == outside
    assert whole.total + whole.outside == stored
    return {**expected, "total": whole.total, "outside": outside, "managed": whole.managed}


def test_traffy_invariant_holds_on_the_185k_file(real_store: Path) -> None:
    found = check_invariant(real_store)
    # 49 tickets with no state at all are in none of Traffy's groups, said apart
    assert found == {
        "start": 13_399, "in_progress": 40_850, "finish": 130_363, "forward": 98,
        "irrelevant": 400, "total": 185_110, "outside": 49, "managed": 171_711,
    }  # fmt: skip


def test_traffy_invariant_holds_on_the_dump_sample(tmp_path: Path) -> None:
    folder = real_data_dir()
    location = tmp_path / "dump.duckdb"
    ingest_files(
        paths=[folder / "traffy_dump_format_sample.csv"], store_path=location, data_dir=folder
    )
    found = check_invariant(location)
    assert (found["start"], found["in_progress"], found["finish"], found["total"]) == (
        429, 473, 98, 1000,
    )  # fmt: skip


def invented_org_response(row_number: int, district: str) -> str:
    office = f"เขต{district}"
    return [
        f"{office}, ฝ่ายโยธา {office}",
        f"{office}, ฝ่ายโยธา {office}, ฝ่ายเทศกิจ {office}",
        office,
        f"{office}, การไฟฟ้านครหลวง",
    ][row_number % 4]


def test_a_citydata_export_built_from_the_real_dump_sample_counts_per_department(
    tmp_path: Path,
) -> None:
    folder = real_data_dir()
    with (folder / "traffy_dump_format_sample.csv").open(encoding="utf-8-sig") as handle:
        real = list(csv.DictReader(handle))
    path = tmp_path / "citydata.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CITYDATA, extrasaction="ignore")
        writer.writeheader()
        for number, row in enumerate(real):
            row["org_response"] = invented_org_response(number, row["district"])
            row["hashtag"] = ""
            writer.writerow(row)
    location = tmp_path / "citydata.duckdb"
    result = ingest_files(paths=[path], store_path=location, data_dir=folder)
    assert (result.layouts[str(path)], result.accounted) == ("citydata", 1000)
    districts = boundaries.load_districts(data_dir=folder)
    with store.at(location).reader() as con:
        found = departments.department_summary(
            con,
            filters=Filters(),
            district_names_th=dict(zip(districts.codes, districts.names_th, strict=True)),
            routing=routing.shipped(),
        )
    with duckdb.connect(str(location), read_only=True) as con:
        stored = con.execute("SELECT source_record, is_open FROM tickets").df()
    # independently: row k (source_record k + 1) names departments by k % 4
    kind = (stored["source_record"] - 1) % 4
    is_open = stored["is_open"].astype(bool)
    expected = [
        {
            "department": None,
            "total": int((kind >= 2).sum()),
            "open": int(is_open[kind >= 2].sum()),
        },
        {
            "department": "ฝ่ายโยธา",
            "total": int((kind <= 1).sum()),
            "open": int(is_open[kind <= 1].sum()),
        },
        {
            "department": "ฝ่ายเทศกิจ",
            "total": int((kind == 1).sum()),
            "open": int(is_open[kind == 1].sum()),
        },
    ]
    assert found.rows[["department", "total", "open"]].to_dict("records") == expected
    assert found.in_several == int((kind == 1).sum()) == 250
