"""The pages' smaller things (issue 32): a closed ticket's age, cut downloads, thousands
separators in every grid, the district's subdistricts, method words out of the week's body
and the recurrence register's map.

One hand-built store (Bang Kapi's stand-in 1006, its two subdistricts, one ticket in 1030),
with finish times or without, opened in AppTest as a link would open it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from dashboard.analysis import director, metrics
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.render import exports
from dashboard.ui.widgets import figure_columns, supported_part, ticket_table
from tests.apptest import grid_with, open_page, plain, serving
from tests.fixtures import ticket, write_csv

AS_OF = pd.Timestamp("2022-06-25 03:00:00+00").to_pydatetime()
"""The store's newest report (R2): the app counts ages to it."""


def _rows(*, finish_times: bool) -> list[dict[str, str]]:
    def done(day: str) -> str:
        return f"{day} 03:00:00+00" if finish_times else ""

    return [
        # west half (100601): three reports of one road, one finished, one after it
        ticket("O1", code="1006", timestamp="2022-05-01 03:00:00+00", last_activity=""),
        ticket("O2", code="1006", timestamp="2022-06-20 03:00:00+00", last_activity=""),
        ticket("F1", code="1006", state="เสร็จสิ้น", timestamp="2022-05-10 03:00:00+00",
               last_activity=done("2022-05-12")),
        # east half (100602): one open, one finished, one not relevant
        ticket("R2", code="1006", half=1, timestamp="2022-06-25 03:00:00+00", last_activity=""),
        ticket("F2", code="1006", half=1, state="เสร็จสิ้น", type_="{น้ำท่วม}",
               timestamp="2022-06-01 03:00:00+00", last_activity=done("2022-06-05")),
        ticket("I1", code="1006", half=1, state="ไม่เกี่ยวข้อง",
               timestamp="2022-05-03 03:00:00+00", last_activity=""),
        ticket("C1", code="1030", timestamp="2022-06-10 03:00:00+00", last_activity=""),
    ]  # fmt: skip


def _store(tmp_path: Path, data_dir: Path, *, finish_times: bool) -> Path:
    path = tmp_path / f"store_{finish_times}.duckdb"
    rows = _rows(finish_times=finish_times)
    ingest_files(paths=[write_csv(tmp_path / "t.csv", rows)], store_path=path, data_dir=data_dir)
    return path


@pytest.fixture
def no_finish(tmp_path: Path, data_dir: Path) -> Path:
    return _store(tmp_path, data_dir, finish_times=False)


@pytest.fixture
def with_finish(tmp_path: Path, data_dir: Path) -> Path:
    return _store(tmp_path, data_dir, finish_times=True)


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def use(store: Path, page: str | None = None, **params: str) -> AppTest:
        with serving(store, monkeypatch):
            return open_page(page, **params)

    yield use


def _listed(store: Path) -> pd.DataFrame:
    with duckdb.connect(str(store), read_only=True) as con:
        frame, _ = metrics.tickets_page(
            con, filters=Filters(district="1006"), as_of=AS_OF, sort="oldest"
        )
    return frame


def _by_id(table: pd.DataFrame, column: str) -> dict[str, object]:
    return {
        str(i): (None if pd.isna(v) else v)
        for i, v in zip(table["ticket_id"], table[column], strict=True)
    }


# --- 1. a finished ticket shows its days to finish, never an age --------------------------


def test_a_finished_ticket_shows_its_days_to_finish_and_only_an_open_one_an_age(
    with_finish: Path,
) -> None:
    table = ticket_table(_listed(with_finish), "en", {}, with_finish_times=True)
    assert _by_id(table, "age_days") == {
        "O1": 55, "I1": None, "F1": None, "F2": None, "O2": 5, "R2": 0,
    }  # fmt: skip
    assert _by_id(table, "finish_days") == {
        "O1": None, "I1": None, "F1": 2.0, "F2": 4.0, "O2": None, "R2": None,
    }  # fmt: skip


def test_the_downloads_give_a_finished_ticket_days_to_finish_and_no_age(
    with_finish: Path,
) -> None:
    table = exports.export_frame(_listed(with_finish), names={}, lang="en", with_finish_times=True)
    read = pd.read_csv(io.BytesIO(exports.tickets_csv(table)), comment="#")
    assert _by_id(read, "age_days") == {
        "O1": 55, "I1": None, "F1": None, "F2": None, "O2": 5, "R2": 0,
    }  # fmt: skip
    assert _by_id(read, "days_to_finish") == {
        "O1": None, "I1": None, "F1": 2.0, "F2": 4.0, "O2": None, "R2": None,
    }  # fmt: skip
    features = json.loads(exports.tickets_geojson(table))["features"]
    finished = next(f["properties"] for f in features if f["properties"]["ticket_id"] == "F1")
    assert (finished["age_days"], finished["days_to_finish"]) == (None, 2.0)


def test_without_finish_times_the_tickets_page_shows_no_age_for_closed_tickets_and_says_why(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "tickets", district="1006", sort="oldest", lang="en")  # type: ignore[operator]
    grid = at.dataframe[0].value
    assert "finish_days" not in grid.columns
    assert _by_id(grid, "age_days") == {
        "O1": 55, "I1": None, "F1": None, "F2": None, "O2": 5, "R2": 0,
    }  # fmt: skip
    captions = [plain(c.value) for c in at.caption]
    assert (
        "A finished ticket shows no age and no days to finish: no finished ticket has a "
        "finish time; Traffy's public data does not give it"
    ) in captions


# --- 2. a cut download says so in the file -------------------------------------------------


def test_a_cut_csv_says_so_in_its_first_line_and_pandas_still_reads_every_row(
    no_finish: Path,
) -> None:
    listed = _listed(no_finish).head(2)
    listed.loc[0, "comment"] = "#ถนน หลุมบ่อ, ซอย 5 #2"  # a '#' in a citizen's text stays data
    note = exports.cut_note(shown=2, total=6, order="Sort by: Oldest", lang="en")
    table = exports.export_frame(listed, names={}, lang="en", with_finish_times=False)
    data = exports.tickets_csv(table, notes=[note or ""])
    first = data.decode("utf-8-sig").split("\r\n")[0]
    assert first == (
        "# This file holds only the first 2 of the view's 6 tickets (Sort by: Oldest); "
        "narrow the filters to get every one"
    )
    read = pd.read_csv(io.BytesIO(data), comment="#")
    assert list(read["ticket_id"]) == ["O1", "I1"]
    assert read.loc[0, "comment"] == "#ถนน หลุมบ่อ, ซอย 5 #2"
    assert read.loc[0, "reported_at_bangkok"] == "2022-05-01 10:00"  # ISO, Bangkok time
    name = exports.file_name("khetmap_tickets", shown=2, total=6, suffix="csv")
    assert name == "khetmap_tickets_2_of_6.csv"


def test_a_cut_note_is_one_spreadsheet_cell_and_a_whole_download_has_none() -> None:
    thai = exports.cut_note(shown=5_000, total=15_066, order="เรียงตาม: ใหม่สุด", lang="th")
    data = exports.tickets_csv(pd.DataFrame({"ticket_id": ["A"]}), notes=[thai or ""])
    first = data.decode("utf-8-sig").split("\r\n")[0]
    assert first.startswith("# ไฟล์นี้มีเพียง 5000 เรื่องแรกจาก 15066 เรื่องของมุมมองนี้")
    assert "," not in first  # a spreadsheet shows it in one cell, above the header
    assert exports.cut_note(shown=6, total=6, order="x", lang="th") is None
    assert exports.file_name("khetmap_tickets", shown=6, total=6, suffix="csv") == (
        "khetmap_tickets.csv"
    )


# --- 3. thousands separators in every grid -------------------------------------------------


def test_every_figure_column_gets_thousands_separators_and_text_columns_none() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["กรุงเทพมหานคร"],
            "code": ["1006"],  # codes and ids are text
            "tickets": [6180],
            "per_10k": [164.4],
            "median": [148.0],
            "outside": [True],
            "age": pd.array([None], dtype="Int64"),
        }
    )
    config = figure_columns(frame, {"unit": {"label": "Unit"}})
    formats = {name: (c or {}).get("type_config", {}).get("format") for name, c in config.items()}
    assert formats == {
        "unit": None, "tickets": "%,d", "per_10k": "%,.1f", "median": "%,d", "age": "%,d",
    }  # fmt: skip


def _numeric_formats(at: AppTest) -> list[tuple[str, str | None]]:
    """(column, format) of every numeric column of every grid on the page."""
    found = []
    for grid in at.dataframe:
        config = json.loads(grid.proto.columns or "{}")
        for column in grid.value.columns:
            values = grid.value[column]
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                given = (config.get(str(column)) or {}).get("type_config", {})
                found.append((str(column), given.get("format")))
    return found


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("district", {"district": "1006", "section": "week"}),
        ("district", {"district": "1006"}),
        ("tickets", {"district": "1006"}),
        (None, {}),
    ],
)
def test_every_number_in_a_grid_has_thousands_separators(
    no_finish: Path, app_on: object, page: str | None, params: dict[str, str]
) -> None:
    at = app_on(no_finish, page, lang="en", **params)  # type: ignore[operator]
    formats = _numeric_formats(at)
    assert formats, "the page shows numbers in a grid"
    assert {f for _, f in formats} <= {"%,d", "%,.1f"}, formats


# --- 4. the district's subdistricts ----------------------------------------------------------


def test_the_subdistrict_backlog_counts_open_overdue_and_the_oldest_per_subdistrict(
    no_finish: Path,
) -> None:
    targets = metrics.load_targets()
    with duckdb.connect(str(no_finish), read_only=True) as con:
        judged = director.week_tickets(
            con, filters=Filters(district="1006"), as_of=AS_OF, targets=targets
        )
    found = director.subdistrict_backlog(
        judged, codes=["100601", "100602"], population={"100601": 20_000}
    )
    assert found.drop(columns="open_per_10k").to_dict(orient="list") == {
        "code": ["100601", "100602"],
        "open": [2, 1],  # O1, O2; R2 (F, I closed)
        "overdue": [1, 0],  # O1: 55 days against the road's 15
        "oldest_open_days": [55, 0],
    }
    per_10k = found["open_per_10k"]
    assert per_10k[0] == 1.0 and pd.isna(per_10k[1])  # no population known: no figure


def test_the_district_overview_lists_its_subdistricts_after_the_map(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "district", district="1006", lang="en")  # type: ignore[operator]
    headings = [h.value for h in at.subheader]
    assert headings.index("Open tickets by subdistrict") > headings.index(
        "Age of open tickets (days)"
    )
    grid = next(g.value for g in at.dataframe if "Subdistrict" in g.value.columns)
    assert grid.to_dict(orient="list") == {
        "Subdistrict": ["Khwaeng 1006-1", "Khwaeng 1006-2"],
        "Open": [2, 1],
        "Overdue": [1, 0],
        "Oldest open (days)": [55, 0],
    }
    captions = [plain(c.value) for c in at.caption]
    assert (
        "“Open per 10k residents” not shown: not applicable to a subdistrict (population is "
        "known per district only)"
    ) in captions


# --- 5. method words only under "how it is computed" -----------------------------------------

METHOD_WORDS = ("Newcombe", "Wilson", "Poisson", "binomial")


def _body_and_methods(at: AppTest) -> tuple[str, str]:
    inside = [plain(c.value) for e in at.expander for c in e.caption]
    body = [plain(c.value) for c in at.caption if plain(c.value) not in inside]
    body += [m.value for m in at.markdown] + [i.value for i in at.info]
    return " ".join(body), " ".join(inside)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_week_view_names_its_methods_only_under_how_it_is_computed(
    no_finish: Path, app_on: object, lang: str
) -> None:
    at = app_on(no_finish, "district", district="1006", section="week", lang=lang)  # type: ignore[operator]
    body, methods = _body_and_methods(at)
    assert [w for w in METHOD_WORDS if w in body] == []
    assert "Newcombe" in methods and "Wilson" in methods
    titles = {"th": "วิธีคำนวณ", "en": "How it is computed"}[lang]
    assert [e.label for e in at.expander].count(titles) >= 3  # the week, comparisons, targets


# --- 6. the recurrence register and its map ----------------------------------------------------


def test_the_recurrence_register_links_to_the_map_that_draws_it(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "district", district="1006", section="week", lang="en")  # type: ignore[operator]
    assert "Recurring problems" in [h.value for h in at.subheader]
    assert [t.label for t in at.toggle if "Recurring" in t.label] == []  # no layer switch here
    captions = [plain(c.value) for c in at.caption]
    assert (
        "The map of recurring problems is on the “District overview” view: the link below "
        "opens it with the first 1 drawn as purple rings"
    ) in captions
    link = next(
        p.proto for p in at.get("page_link") if p.proto.label.startswith("Open the map of rec")
    )
    assert parse_qs(link.query_string) == {
        "district": ["1006"], "lang": ["en"], "recur": ["1"], "section": ["overview"],
    }  # fmt: skip
    params = {key: values[0] for key, values in parse_qs(link.query_string).items()}
    overview = app_on(no_finish, "district", **params)  # type: ignore[operator]
    layer = [t.value for t in overview.toggle if t.label == "Recurring problems on the map"]
    assert layer == [True]  # the link opens the overview with the register's layer on


# --- 7. a column or row no one can fill is left out, and said once -----------------------------

NO_FINISH_TH = "ไม่มีเรื่องที่เสร็จสิ้นเรื่องใดมีเวลาปิดเรื่อง ข้อมูลสาธารณะของ Traffy ไม่ได้ให้ค่านี้"


def test_a_table_leaves_out_the_columns_and_rows_no_one_can_fill_with_one_line_per_reason() -> None:
    frame = pd.DataFrame(
        {
            "figure": ["New", "Finished", "Open now"],
            "now": ["2", None, "3"],
            "before": ["0", None, ""],  # an empty text is a cell left blank on purpose
            "median": [None, float("nan"), None],
            "spare": [pd.NA, pd.NA, pd.NA],
        }
    )
    kept, notes = supported_part(
        frame,
        why={"median": "no finish times", "Finished": "no finish times"},
        rows_named_by="figure",
        labels={"median": "Median days"},
        lang="en",
    )
    assert kept.to_dict(orient="list") == {
        "figure": ["New", "Open now"],
        "now": ["2", "3"],
        "before": ["0", ""],
    }
    assert notes == [
        "“Median days”, “Finished” not shown: no finish times",
        "“spare” not shown: no row of this table has a value",
    ]
    whole, none = supported_part(frame.head(1), why={}, rows_named_by=None, labels={}, lang="th")
    assert list(whole.columns) == ["figure", "now", "before"]
    assert none == ["ไม่แสดง “median”, “spare”: ไม่มีแถวใดในตารางนี้มีค่า"]


def _cells(at: AppTest) -> list[str]:
    return [str(v) for grid in at.dataframe for v in grid.value.to_numpy().ravel()]


def test_without_finish_times_the_week_tables_leave_out_what_no_row_can_fill_and_say_it_once(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "district", district="1006", section="week")  # type: ignore[operator]
    assert not at.exception
    assert [c for c in _cells(at) if "ไม่มีในข้อมูลนี้" in c] == []
    week = grid_with(at, "สัปดาห์นี้")
    assert list(week["ตัวชี้วัด"]) == [
        "แจ้งใหม่", "เพิ่งเกินกำหนด", "เรื่องใหม่ที่ยังไม่เสร็จ", "ค้างทั้งหมดตอนนี้",
    ]  # fmt: skip
    targets = grid_with(at, "เป้าหมาย (วัน)")
    assert list(targets.columns) == ["ประเภท", "เป้าหมาย (วัน)", "ยังไม่เสร็จ", "เกินกำหนด"]
    compared = grid_with(at, "ช่วงนี้")
    assert list(compared["ตัวชี้วัด"]) == ["เรื่องที่แจ้ง", "สัดส่วนยังไม่เสร็จของเรื่องที่แจ้ง"]
    units = grid_with(at, "นอกสำนักงานเขต")
    assert "มัธยฐานวันจนเสร็จ" not in units.columns
    captions = [plain(c.value) for c in at.caption]
    for line in (
        f"ไม่แสดง “เสร็จสิ้น”: {NO_FINISH_TH}",
        f"ไม่แสดง “เสร็จที่มีเวลาเสร็จ”, “สัดส่วนทันกำหนด”, “เวลาจนเสร็จ ÷ เป้าหมาย”: {NO_FINISH_TH}",
        f"ไม่แสดง “สัดส่วนเสร็จทันกำหนด”: {NO_FINISH_TH}",
        f"ไม่แสดง “มัธยฐานวันจนเสร็จ”: {NO_FINISH_TH}",
    ):
        assert captions.count(line) == 1, line
    # said once: no second line on the week's finished figure or the units' median
    assert [c for c in captions if c.startswith(("เสร็จสิ้น: ", "มัธยฐานวันจนเสร็จ: "))] == []


def test_with_finish_times_the_week_tables_keep_their_finish_columns_and_rows(
    with_finish: Path, app_on: object
) -> None:
    at = app_on(with_finish, "district", district="1006", section="week", lang="en")  # type: ignore[operator]
    assert "Finished" in list(grid_with(at, "This week")["Figure"])
    targets = grid_with(at, "Target (days)")
    assert targets[["Finished with a finish time", "On time", "Time to finish ÷ target"]].to_dict(
        orient="list"
    ) == {
        "Finished with a finish time": [1, 1],
        "On time": ["100.0%", "0.0%"],  # F1 in 2 of 15 days; F2 in 4 of 3 (flooding)
        "Time to finish ÷ target": ["0.13", "1.33"],
    }
    assert list(grid_with(at, "Outside the district office")["Median days to finish"]) == ["3.0"]
    assert [c.value for c in at.caption if "not shown" in c.value] == []


def test_a_list_of_finished_tickets_only_leaves_out_the_age_column_and_says_why(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "tickets", state="finished", lang="en")  # type: ignore[operator]
    grid = at.dataframe[0].value
    assert list(grid["ticket_id"]) == ["F2", "F1"] and "age_days" not in grid.columns
    captions = [plain(c.value) for c in at.caption]
    assert "“Age (days)” not shown: an age is shown for open tickets only" in captions


# --- 8. Traffy's figures: whole values at 1400 px, two to a row on a phone ------------------


def _keyed_metrics(node: object, key: str = "") -> list[tuple[str, Metric]]:
    """Every metric under `node` with the key of the nearest keyed container above it."""
    found = []
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", "") == "metric":
            found.append((key, child.proto))
        else:
            found += _keyed_metrics(child, str(getattr(child, "key", None) or key))
    return found


def test_the_traffy_figures_are_cards_two_to_a_row_on_a_phone_with_the_share_under_the_count(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "district", district="1006")  # type: ignore[operator]
    cards = [
        (m.label, m.body, m.delta, m.direction)
        for key, m in _keyed_metrics(at.main)
        if key.endswith("kpis_traffy")  # `shell.KPI_STYLE`: keys starting "kpis", 2 a row
    ]
    none = Metric.MetricDirection.NONE  # a share is not a change: no arrow
    # 1006: 6 tickets; 2 finished, none forwarded, 1 not relevant, 3 waiting (managed 6 - 3)
    assert cards == [
        ("ทั้งหมด", "6", "", none),
        ("เสร็จสิ้น", "2", "33.3% ของทั้งหมด", none),
        ("ส่งต่อ", "0", "0.0% ของทั้งหมด", none),
        ("ไม่เกี่ยวข้อง", "1", "16.7% ของทั้งหมด", none),
        ("จัดการแล้ว", "3", "50.0% ของทั้งหมด", none),
    ]
