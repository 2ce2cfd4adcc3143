"""The category classifier on hand-built Thai comments: what it learns and what it never does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import store
from dashboard.analysis import classify
from dashboard.analysis.filters import Filters
from dashboard.cli import main
from dashboard.ingest.load import ingest_files
from tests.apptest import grid_with, open_page, plain, serving
from tests.fixtures import ticket, write_csv

PHRASES = {
    "ถนน": ["ถนนเป็นหลุมบ่อ", "ถนนชำรุดเป็นหลุม", "หลุมบนถนนลึกมาก", "ผิวถนนแตกเป็นหลุม"],
    "แสงสว่าง": ["ไฟดับทั้งซอย", "เสาไฟฟ้าไม่ติด", "ไฟทางดับมืดมาก", "หลอดไฟถนนดับ"],
    "น้ำท่วม": ["น้ำท่วมขังหน้าบ้าน", "ฝนตกน้ำท่วมซอย", "น้ำท่วมสูงรถผ่านไม่ได้", "น้ำขังท่วมทางเดิน"],
}


def training_frame(copies: int = 12) -> pd.DataFrame:
    start = datetime(2022, 6, 1, tzinfo=UTC)
    rows = []
    for n in range(copies):
        for category, phrases in PHRASES.items():
            for phrase in phrases:
                rows.append({"comment": f"{phrase} ครั้งที่ {n}", "categories": [category]})
    frame = pd.DataFrame(rows)
    frame["reported_at"] = [start + timedelta(hours=i) for i in range(len(frame))]
    return frame


def test_it_learns_the_obvious_categories_from_short_thai_comments() -> None:
    model, evaluation = classify.train(training_frame(), data_version="t")
    assert evaluation.model.macro_f1 > 0.9
    assert sorted(model.predicts) == sorted(PHRASES)
    untyped = pd.DataFrame(
        {
            "ticket_id": ["U1", "U2", "U3", "U4"],
            "comment": ["ถนนหน้าบ้านเป็นหลุม", "ไฟดับมืดทั้งซอย", "น้ำท่วมขังทั้งคืน", ""],
        }
    )
    predicted = classify.predict(model, untyped).set_index("ticket_id")
    assert predicted.loc["U1", "categories"][0] == "ถนน"
    assert predicted.loc["U2", "categories"][0] == "แสงสว่าง"
    assert predicted.loc["U3", "categories"][0] == "น้ำท่วม"
    assert "U4" not in predicted.index  # an empty comment gets no prediction
    assert all(0.5 <= c <= 1 for cs in predicted["confidence"] for c in cs)


def test_the_same_data_and_seed_give_the_same_predictions() -> None:
    frame = training_frame()
    untyped = pd.DataFrame({"ticket_id": ["A", "B"], "comment": ["หลุมบนถนน", "ไฟถนนดับ"]})
    first = classify.predict(classify.train(frame, data_version="t")[0], untyped)
    second = classify.predict(classify.train(frame, data_version="t")[0], untyped)
    pd.testing.assert_frame_equal(first, second)


def test_the_evaluation_splits_by_time_and_reports_baselines() -> None:
    frame = training_frame()
    evaluation = classify.evaluate(frame)
    assert (evaluation.trained_on, evaluation.tested_on) == (115, 29)
    assert evaluation.test_from == frame["reported_at"].iloc[115]
    assert evaluation.majority.macro_f1 < evaluation.keyword.macro_f1 < evaluation.model.macro_f1
    text = classify.report(evaluation)
    lines = text.splitlines()
    assert [line.split()[0] for line in lines[3:6]] == ["model", "keyword", "majority"]


def test_a_category_below_the_f1_threshold_is_never_predicted() -> None:
    model, _ = classify.train(training_frame(), data_version="t", min_f1=1.01)
    assert model.predicts == []
    untyped = pd.DataFrame({"ticket_id": ["A"], "comment": ["ถนนเป็นหลุม"]})
    assert classify.predict(model, untyped).empty


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_classify_writes_predictions_and_never_touches_a_citizens_type(
    tmp_path: Path,
    data_dir: Path,
    backend: str,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    location = (
        str(tmp_path / "s.duckdb") if backend == "duckdb" else request.getfixturevalue("pg_url")
    )
    rows = [
        ticket(f"T{i:03}", type_="{" + category + "}", comment=phrase + f" {i}",
               timestamp=f"2022-06-{1 + i % 28:02d} 03:00:00+00")
        for i, (category, phrase) in enumerate(
            (c, p) for _ in range(10) for c, ps in PHRASES.items() for p in ps
        )
    ]  # fmt: skip
    rows += [
        ticket("U1", type_="{}", comment="ถนนพังเป็นหลุมใหญ่"),
        ticket("U2", type_="{}", comment=""),
    ]
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", rows)], store_path=location, data_dir=data_dir
    )
    before = _types(location)
    model_file = tmp_path / "model.pkl"
    assert main(["classify", "--store", location, "--model", str(model_file)]) == 0
    out = capsys.readouterr().out
    assert "predicted: 1 of 2 untyped tickets" in out
    assert _types(location) == before  # the citizens' own categories are unchanged
    with store.at(location).reader() as reader:
        predictions = reader.execute("SELECT ticket_id, categories FROM predictions").fetchall()
    assert [(p[0], list(p[1])) for p in predictions] == [("U1", ["ถนน"])]
    assert classify.Model.load(model_file).trained_on == 120


def _types(location: str) -> list[tuple[str, list[str]]]:
    with store.at(location).reader() as reader:
        rows = reader.execute("SELECT ticket_id, categories FROM tickets ORDER BY ticket_id")
        return [(r[0], list(r[1])) for r in rows.fetchall()]


@pytest.fixture
def classified(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A store whose untyped tickets were classified, served to AppTest."""
    rows = [
        ticket(f"T{i:03}", code="1006", type_="{" + category + "}", comment=phrase + f" {i}",
               timestamp=f"2022-06-{1 + i % 28:02d} 03:00:00+00")
        for i, (category, phrase) in enumerate(
            (c, p) for _ in range(10) for c, ps in PHRASES.items() for p in ps
        )
    ]  # fmt: skip
    rows += [
        ticket("U1", code="1006", type_="{}", comment="ถนนพังเป็นหลุมใหญ่"),
        ticket("U2", code="1006", type_="{}", comment="อยากให้มาดูหน่อย"),
    ]
    path = tmp_path / "c.duckdb"
    ingest_files(paths=[write_csv(tmp_path / "t.csv", rows)], store_path=path, data_dir=data_dir)
    assert main(["classify", "--store", str(path), "--model", str(tmp_path / "m.pkl")]) == 0
    with serving(path, monkeypatch):
        yield path


def test_predicted_categories_are_off_by_default_and_marked_when_on(classified: Path) -> None:
    off = open_page("district", district="1006", lang="en")
    assert not off.exception and not off.error
    assert off.toggle(key="w_predicted").value is False
    assert chart_series(off, "kind") == {"Total", "Open"}
    # reported on 1 June, so the two untyped tickets are among the 20 most overdue shown
    on = open_page(
        "district", district="1006", lang="en", predicted="1", since="2022-06-01",
        until="2022-06-01",
    )  # fmt: skip
    assert not on.exception and not on.error
    assert chart_series(on, "kind") == {"Total", "Open", "Predicted"}
    notes = [plain(c.value) for c in on.caption]
    assert any(
        n.startswith("“Predicted”: untyped tickets placed by a model") and "Roads 1.00" in n
        for n in notes
    ), notes
    table = grid_with(on, "days_overdue").set_index("ticket_id")
    assert table.loc["U1", "categories"].startswith("predicted: Roads (")
    assert table.loc["U2", "categories"] == "Unspecified"  # nothing good enough: no guess


def test_a_category_filter_takes_in_predicted_tickets_only_when_asked(classified: Path) -> None:
    from dashboard.analysis import metrics

    with store.at(classified).reader() as reader:
        roads = Filters(categories=("ถนน",))
        with_predicted = Filters(categories=("ถนน",), include_predicted=True)
        unspecified = Filters(categories=("unspecified",), include_predicted=True)
        assert metrics.totals(reader, filters=roads).total == 40
        assert metrics.totals(reader, filters=with_predicted).total == 41
        assert metrics.totals(reader, filters=unspecified).total == 1  # U2 only


def chart_series(at: object, column: str) -> set[str]:
    import pyarrow as pa

    data = at.get("vega_lite_chart")[-1].proto.datasets[0].data.data  # type: ignore[attr-defined]
    return set(pa.ipc.open_stream(data).read_all().column(column).to_pylist())


def test_the_predicted_view_in_thai_has_no_english_word(classified: Path) -> None:
    from tests.test_thai_pages import english_words, visible_texts

    at = open_page("district", district="1006", predicted="1")
    assert not at.exception and not at.error
    assert english_words(visible_texts(at)) == set()
    assert "คาดจากข้อความ" in chart_series(at, "kind")


def test_a_category_new_in_the_test_period_is_predicted_by_its_name() -> None:
    frame = training_frame()
    late = pd.DataFrame(
        {
            "comment": [f"ห้องน้ำสาธารณะสกปรก {i}" for i in range(30)],
            "categories": [["ห้องน้ำ"]] * 30,
            "reported_at": [
                frame["reported_at"].iloc[-1] + timedelta(hours=i + 1) for i in range(30)
            ],
        }
    )
    both = pd.concat([frame, late], ignore_index=True)
    model, evaluation = classify.train(both, data_version="t")
    f1 = evaluation.model.per_category.set_index("category")["f1"]
    assert f1["ห้องน้ำ"] == 1.0  # no training ticket had it: the name rule scored, not a zero
    assert model.by_keyword == {"ห้องน้ำ": 1.0} and "ห้องน้ำ" in model.predicts
    predicted = classify.predict(model, pd.DataFrame({"ticket_id": ["X"], "comment": ["ห้องน้ำเสีย"]}))
    assert predicted.loc[0, "categories"] == ["ห้องน้ำ"]
