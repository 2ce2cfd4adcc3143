"""The meeting brief as a document (A4 PDF and HTML), and the hotspot command line.

The PDF is written by `khetmap brief`, then read back as a user's tools read it: pdfinfo for
the page size, pdftotext for the words, pdftoppm for the page images (artifacts/brief/ on the
real data; the copies in docs/brief/ that the README shows are taken from there).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard import boundaries, hotspots, store
from dashboard.cli import main
from dashboard.ingest import ingest_files
from tests.conftest import real_data_dir
from tests.fixtures import ticket, write_csv
from tests.test_thai_pages import english_words

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "artifacts" / "brief"
TICKET_ID = re.compile(r"\b\d{4}-?[0-9A-Z]{4,8}\b")
"""Traffy ticket ids (codes, not words); pdftotext drops the dash where a cell wraps it."""

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not os.environ.get("CI"),
    reason="poppler-utils (pdftotext) is not installed (CI installs it and must run these)",
)


def pdf_text(path: Path) -> str:
    """The text in reading order (a table cell's lines follow each other)."""
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def squeezed(text: str) -> str:
    """Without white space: pdftotext puts spaces inside Thai words around combining marks."""
    return re.sub(r"\s+", "", text)


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return {
        k.strip(): v.strip()
        for k, _, v in (line.partition(":") for line in out.stdout.splitlines())
    }


def body_and_methods(path: Path) -> tuple[str, str]:
    """A brief's text before its last page, and the last page ("how it is computed")."""
    pages = pdf_text(path).split("\f")[:-1]  # the text ends with a form feed
    return "\f".join(pages[:-1]), pages[-1]


def words_outside_codes(text: str) -> set[str]:
    """English words, leaving out ticket ids (a table cell may break one after its dash)."""
    joined = re.sub(r"-\s*\n\s*", "-", text).replace("MannKendall", "Mann-Kendall")
    return english_words([TICKET_ID.sub("", joined)])


@pytest.fixture
def small_store(tmp_path: Path, data_dir: Path) -> Path:
    """120 days of tickets in eight districts (all open in 1023), no finish times, half
    of the finished with an after-photo."""
    rows = []
    for day in range(120):
        month, dom = divmod(day, 30)
        stamp = f"2022-{6 + month:02d}-{dom + 1:02d} 03:00:00+00"
        for k, code in enumerate(("1001", "1002", "1011", "1012", "1021", "1022", "1023", "1031")):
            state = "รอรับเรื่อง" if (code == "1023" or (day + k) % 3 == 0) else "เสร็จสิ้น"
            rows.append(ticket(f"2022-{code[2:]}{day:03d}", code=code, half=day % 2,
                               timestamp=stamp, state=state, last_activity="",
                               photo_after="https://example.invalid/a.jpg" if day % 2 else ""))  # fmt: skip
    path = write_csv(tmp_path / "t.csv", rows)
    location = tmp_path / "s.duckdb"
    ingest_files(paths=[path], store_path=location, data_dir=data_dir)
    return location


@needs_poppler
def test_the_brief_is_an_a4_pdf_with_a_five_line_summary_in_the_language_asked(
    small_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "brief.pdf"
    assert main(["brief", "--store", str(small_store), "--lang", "th", "--out", str(out),
                 "--min-tickets", "5"]) == 0  # fmt: skip
    assert "brief:" in capsys.readouterr().out
    info = pdf_info(out)
    assert "A4" in info["Page size"]
    body, methods = body_and_methods(out)
    flat = squeezed(body)
    for heading in ("สรุปห้าบรรทัด", "ตารางอันดับเขตอย่างเป็นธรรม", "แหล่งข้อมูลและสัญญาอนุญาต",
                    "ข้อควรระวัง", "ตรวจการปิดเรื่อง"):  # fmt: skip
        assert heading in flat, heading
    # methods, citations and field names only on the last page, "how it is computed"
    assert words_outside_codes(body) == set()
    assert "วิธีคานวณ" in squeezed(methods).replace("ำ", "า") and "photo_after" in methods
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body)  # Thai dates, not ISO
    summary = flat[flat.index("สรุปห้าบรรทัด") : flat.index("แผนที่:")].replace("ำ", "า")
    assert [n for n in "12345" if f"{n}." in summary] == list("12345")
    # the closures line says what a share is of, and nothing that reads as "100% reopened"
    assert "ปิดโดยไม่มีภาพหลัง50%ของการปิดเรื่อง" in summary and "100%" not in summary
    judged = flat[flat.index("แต่ละข้อตรวจใช้ได้กับการปิดเรื่องกี่ส่วน") :].replace("ำ", "า")
    assert "ปิดเร็วผิดปกติ:ตรวจไม่ได้" in judged  # no finish times: said, not 0%
    assert "ไม่มีภาพหลัง:ตรวจได้100%ของการปิดเรื่อง" in judged

    english = tmp_path / "brief.html"
    assert main(["brief", "--store", str(small_store), "--lang", "en", "--out", str(english),
                 "--min-tickets", "5"]) == 0  # fmt: skip
    document = english.read_text(encoding="utf-8")
    assert "Summary in five lines" in document and "Fair district league table" in document
    assert re.search(r"[ก-๙]", document) is None  # English throughout
    assert "src='http" not in document and 'src="http' not in document  # nothing remote


def test_a_brief_to_an_unknown_format_is_one_line_and_exit_2(
    small_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", "--store", str(small_store), "--out", str(tmp_path / "b.docx")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_hotspots_command_prints_each_kind_as_json(
    small_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in hotspots.KINDS:
        assert (
            main(["hotspots", "--store", str(small_store), "--kind", kind, "--format", "json"]) == 0
        )
        found = json.loads(capsys.readouterr().out)
        assert found["kind"] == kind and found["cells"]
        assert found["rank_rule"] == hotspots.RANK_RULES[kind]
    assert main(["hotspots", "--store", str(small_store), "--kind", "emerging",
                 "--measure", "backlog", "--format", "json"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    found = json.loads(captured.out)
    assert found["unavailable"] and "closing dates" in found["unavailable"]
    assert found["cells"] == [] and "closing dates" in captured.err


# --- the real data ------------------------------------------------------------------------


@pytest.mark.realdata
def test_rate_and_emerging_results_on_the_real_data_are_byte_identical_across_runs(
    real_store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHETMAP_DATA_DIR", str(real_data_dir()))
    for kind in ("rate", "emerging"):
        outputs = []
        for _ in range(2):
            assert (
                main(["hotspots", "--store", str(real_store), "--kind", kind, "--format", "json"])
                == 0
            )
            outputs.append(capsys.readouterr().out)
        assert outputs[0] == outputs[1]
        found = json.loads(outputs[0])
        assert found["areas"], f"no {kind} area on the real data"


@pytest.mark.realdata
def test_on_the_real_data_each_area_is_one_districts_and_no_two_share_a_label(
    real_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import metrics, review

    data = real_data_dir()
    monkeypatch.setenv("KHETMAP_DATA_DIR", str(data))
    districts = boundaries.load_districts(data_dir=data)
    names = boundaries.area_names((districts, boundaries.load_subdistricts(data_dir=data)), "th")
    with store.at(str(real_store)).reader() as con:
        for kind in hotspots.KINDS:
            found = review.hotspot_review(
                con, filters=metrics.Filters(), kind=kind, measure="reports",
                resolution=8, layer=districts,
            )  # fmt: skip
            areas = found.areas
            assert not areas.empty
            labels = hotspots.area_labels(areas, names=names)
            assert len(set(labels)) == len(labels), labels
            for label, row in zip(labels, areas.to_dict("records"), strict=True):
                assert label.startswith(names[row["district_code"]])
                # the tickets of other districts inside its cells are said, not merged in
                assert row["district_code"] not in [c for c, _ in row["shared_with"]]


@pytest.mark.realdata
@needs_poppler
def test_the_thai_pdf_brief_on_the_real_data_has_no_english_word_and_is_rendered_to_pages(
    real_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHETMAP_DATA_DIR", str(real_data_dir()))
    DOCS.mkdir(parents=True, exist_ok=True)
    for lang in ("th", "en"):
        out = tmp_path / f"brief_{lang}.pdf"
        assert main(["brief", "--store", str(real_store), "--lang", lang, "--out", str(out)]) == 0
        if lang == "th":
            # every word a reader sees is Thai, outside proper names, codes and the last page
            body, _ = body_and_methods(out)
            assert words_outside_codes(body) == set()
            assert not re.search(r"\d{4}-\d{2}-\d{2}", body)
            # the same document as HTML holds the exact text (the PDF's text layer maps some
            # Thai glyph clusters imprecisely: WeasyPrint gives each glyph one Unicode string)
            html_out = tmp_path / "brief_th.html"
            assert main(["brief", "--store", str(real_store), "--out", str(html_out)]) == 0
            document = html_out.read_text(encoding="utf-8")
            assert "ห้วยขวาง · บางกะปิ · ถนนเพชรบุรีตัดใหม่" in document  # the rate map's first area
            # one quantity, one number: the closures the summary counts are the audit's
            summary = re.search(r"การปิดเรื่อง: เสร็จสิ้น ([\d,]+) เรื่อง", document)
            audit = re.search(r"รวมเรื่องที่เสร็จสิ้นในช่วงนี้ ([\d,]+) เรื่อง", document)
            assert summary and audit and summary.group(1) == audit.group(1) == "23,137"
            assert "ยิ่งน้อยยิ่งดี" in document  # the change column's unit and direction
        for old in DOCS.glob(f"brief_{lang}-*.png"):
            old.unlink()
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(out), str(DOCS / f"brief_{lang}")], check=True
        )
        pages = sorted(DOCS.glob(f"brief_{lang}-*.png"))
        assert len(pages) == int(pdf_info(out)["Pages"]) >= 3
