"""Every page in Thai speaks Thai: no English word a user sees, outside codes and proper names.

Each page is rendered (AppTest) on a store with finish times and on one without, and every
string a user sees is collected: titles, captions, notices, KPI labels and values, widget
labels and options, table headers and the words in translated cells, chart titles, legends
and series. An ASCII word that is not on the allow-list fails the test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema
from jsonschema import ValidationError
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.ingest.load import ingest_files
from dashboard.render import charts
from dashboard.ui.shell import PAGE_HEADS
from tests.apptest import open_page, serving
from tests.fixtures import ticket, write_csv

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")

ALLOWED = {
    # proper names and the names of sources, standards and file formats
    "khetmap", "Traffy", "Fondue", "NECTEC", "OCHA", "HDX", "COD", "AB", "CC", "BY", "IGO",
    "BangkokGIS", "GeoThai", "DOPA", "stat", "bora", "dopa", "go", "th", "Gi", "H3", "API",
    "Benjamini", "Hochberg", "Marshall", "PySAL", "ArcGIS", "Mann", "Kendall", "Getis", "Ord",
    "CSV", "GeoJSON", "HTML", "PDF", "PNG", "Excel", "Newcombe", "Wilson",
    # an agency as the data names it ("การไฟฟ้านครหลวง MEA"): the data's text, not the page's
    "MEA",
    # units and the date-format mask Streamlit's date input shows
    "km", "yyyy", "mm", "dd", "Leaflet",
    # the language switch names both languages, so a reader of either can find it
    "English", "Language",
    # Streamlit's expander draws its arrow as an icon font's ligature (no text shows)
    "keyboard_arrow_right", "keyboard_arrow_down",
}  # fmt: skip
# No field, setting or command name is allowed in a Thai page's text (they are in the README).
CITIZEN_TEXT = {"comment", "address", "ticket_id", "public_page", "photo", "photo_after"}
"""Table columns that hold what citizens wrote or links: not the page's words."""
WORD = re.compile(r"[A-Za-z][A-Za-z_]+")


def english_words(texts: list[str]) -> set[str]:
    words = set()
    for text in texts:
        unescaped = re.sub(r"\\(.)", r"\1", text)
        unescaped = re.sub(r"https?://\S+", "", unescaped)
        unescaped = re.sub(r"\S*=\S*", "", unescaped)  # name=value quoted from a link: codes
        words |= {w for w in WORD.findall(unescaped) if w not in ALLOWED}
    return words


def _chart_texts(spec_json: str) -> list[str]:
    spec = json.loads(spec_json)
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("title", "labelExpr") and isinstance(value, str):
                    texts.append(re.sub(r"datum\.value|month|year|date|\[.*?\]", "", value))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec.get("encoding", spec))
    return texts


METHOD_KINDS = ("caption", "markdown", "info", "dataframe")


def method_bodies(at: AppTest) -> set[int]:
    """The elements inside the "how it is computed" expanders: their bodies may name a
    method, a field, a command or a setting (every other text may not)."""
    titles = {i18n.t("how_computed", lang) for lang in ("th", "en")}
    return {
        id(element.proto)
        for expander in at.expander
        if expander.label in titles
        for kind in METHOD_KINDS
        for element in expander.get(kind)
    }


def visible_texts(at: AppTest) -> list[str]:
    """Every string the page shows, as far as AppTest can see it, outside the bodies of
    the "how it is computed" expanders."""
    texts: list[str] = []
    skipped = method_bodies(at)
    for kind in ("title", "header", "subheader", "caption", "markdown"):
        # the referrer tag and the page's styles show nothing
        texts += [
            e.value
            for e in at.get(kind)
            if e.value not in PAGE_HEADS.values() and id(e.proto) not in skipped
        ]
    for kind in ("info", "warning", "error", "success", "exception"):
        texts += [str(e.value) for e in at.get(kind) if id(e.proto) not in skipped]
    for metric in at.metric:
        texts += [metric.label, metric.value]
    for kind in ("selectbox", "radio", "multiselect"):
        for widget in at.get(kind):
            texts.append(widget.label)
            texts += [str(o) for o in widget.options]
            texts.append(getattr(widget.proto, "placeholder", "") or "")
    for kind in ("button", "download_button", "toggle", "number_input", "text_input"):
        texts += [w.label for w in at.get(kind)]
    texts += [w.label for w in at.date_input]
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        labels = {name: (c or {}).get("label") for name, c in config.items()}
        for column in frame.value.columns:
            texts.append(labels.get(str(column)) or str(column))
            if str(column) in CITIZEN_TEXT:
                continue
            texts += [str(v) for v in frame.value[column] if isinstance(v, str)]
    for chart in at.get("vega_lite_chart"):
        texts += _chart_texts(chart.proto.spec)
        for dataset in chart.proto.datasets:  # series names, category labels, week labels
            table = pa.ipc.open_stream(dataset.data.data).read_all()
            for column in table.column_names:
                texts += [v for v in table.column(column).to_pylist() if isinstance(v, str)]
    return texts


def _store(tmp_path: Path, data_dir: Path, *, finish_times: bool) -> Path:
    done = "2022-06-05 03:00:00+00" if finish_times else ""
    rows = [
        ticket("A1", code="1001", timestamp="2022-06-01 03:00:00+00", last_activity=""),
        ticket("A2", code="1001", half=1, state="เสร็จสิ้น", last_activity=done, type_="{น้ำท่วม}"),
        ticket("A3", code="1001", state="กำลังดำเนินการ", timestamp="2022-05-01 03:00:00+00"),
        ticket("A4", code="1001", state="เสร็จสิ้น", last_activity=done, star="1", type_="{}"),
        ticket("B1", code="1030", state="เสร็จสิ้น", last_activity=done),
        ticket("B2", code="1030", timestamp="2022-06-20 03:00:00+00", last_activity=""),
        ticket("N1", coords=""),
    ]
    path = tmp_path / "store.duckdb"
    ingest_files(paths=[write_csv(tmp_path / "t.csv", rows)], store_path=path, data_dir=data_dir)
    return path


@pytest.fixture(params=["with_finish_times", "without_finish_times"])
def store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:
    path = _store(tmp_path, data_dir, finish_times=request.param == "with_finish_times")
    with serving(path, monkeypatch):
        yield path


PAGES = [
    ("city", {}),
    ("city", {"metric": "median_days_to_finish", "heat": "1"}),
    ("district", {}),
    ("district", {"district": "1001"}),
    ("district", {"district": "1001", "subdistrict": "100101", "state": "open"}),
    ("district", {"district": "1001", "section": "week"}),
    ("district", {"district": "1040", "section": "week"}),  # no ticket at all
    ("district", {"district": "1001", "recur": "1"}),
    ("city", {"metric": "overdue"}),
    ("city", {"metric": "on_time_share"}),
    ("tickets", {"q": "หลุม"}),
    ("review", {"min_n": "1", "since": "2022-05-01", "until": "2022-06-30"}),
    ("review", {"hot": "demand", "since": "2022-04-01", "until": "2022-06-30"}),
    ("review", {"hot": "emerging", "since": "2022-04-01", "until": "2022-06-30"}),
    ("review", {"hot": "emerging", "measure": "backlog"}),
    ("about", {}),
    ("city", {"district": "9999", "since": "yesterday", "fast_h": "²"}),
]


@pytest.mark.parametrize(("page", "params"), PAGES)
def test_a_thai_page_shows_no_english_word(store: Path, page: str, params: dict[str, str]) -> None:
    at = open_page(page, **params)
    assert not at.exception
    texts = visible_texts(at)
    assert len(texts) > 10
    assert english_words(texts) == set(), texts


CHARTED = [
    ("district", {"district": "1001"}),
    ("district", {"district": "1001", "section": "week"}),
    ("district", {"district": "1001", "subdistrict": "100101", "state": "open"}),
]


def test_every_chart_a_page_sends_is_a_valid_vega_lite_spec(store: Path) -> None:
    """The pages skip Altair's schema check when they draw (`charts.Chart`): check here."""
    schema = load_schema()
    checked = 0
    for page, params in CHARTED:
        at = open_page(page, **params)
        assert not at.exception
        for chart in at.get("vega_lite_chart"):
            validate_jsonschema(json.loads(chart.proto.spec), schema)
            checked += 1
    assert checked >= 6
    broken = charts.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q").to_dict()
    broken["mark"] = {"type": "no such mark"}
    with pytest.raises(ValidationError):
        validate_jsonschema(broken, schema)


def test_the_checker_catches_an_english_word() -> None:
    assert english_words(["ภาพรวมเมือง", "Finished share", "H3 Gi*"]) == {"Finished", "share"}


@pytest.mark.parametrize(
    ("weeks", "interval"), [(1, "day"), (6, "day"), (30, "month")], ids=["1", "6", "30"]
)
def test_a_weekly_chart_labels_its_axis_by_day_over_a_few_weeks_and_by_month_over_many(
    weeks: int, interval: str
) -> None:
    """Month ticks over one week leave the axis with no label at all (seen on the dump
    sample: two days of tickets)."""
    weekly = pd.DataFrame(
        {
            "week": pd.date_range("2023-05-08", periods=weeks, freq="7D"),
            "opened": range(weeks),
            "finished": range(weeks),
        }
    )
    spec = charts.weekly_lines(
        weekly, series={"opened": "แจ้งใหม่", "finished": "เสร็จสิ้น"}, lang="th"
    ).to_dict()
    axis = spec["encoding"]["x"]["axis"]
    ticks = axis["tickCount"]
    assert (ticks["interval"] if isinstance(ticks, dict) else ticks) == interval
    assert "พ.ค." in axis["labelExpr"] and "May" not in axis["labelExpr"]
