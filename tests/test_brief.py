"""The meeting brief as a document (A4 PDF and HTML), and the hotspot command line.

The PDF is written by `khetmap brief`, then read back as a user's tools read it: pdfinfo for
the page size, pdftotext for the words, pdftoppm for the page images (artifacts/brief/ on the
real data; the copies in docs/brief/ that the README shows are taken from there).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from dashboard import boundaries, store
from dashboard.analysis import hotspots, review
from dashboard.analysis.filters import Filters
from dashboard.cli import main
from dashboard.ingest.load import ingest_files
from dashboard.render import brief
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
    assert "ไม่มีภาพหลัง:ใช้ตรวจได้กับการปิดเรื่องทุกเรื่อง" in judged and "100%" not in judged

    english = tmp_path / "brief.html"
    assert main(["brief", "--store", str(small_store), "--lang", "en", "--out", str(english),
                 "--min-tickets", "5"]) == 0  # fmt: skip
    document = english.read_text(encoding="utf-8")
    assert "Summary in five lines" in document and "Fair district league table" in document
    assert re.search(r"[ก-๙]", document) is None  # English throughout
    assert "src='http" not in document and 'src="http' not in document  # nothing remote


def composed(location: Path, lang: str, **filters: object) -> brief.BriefData:
    """The brief's content as `khetmap brief` composes it (minimum 4 tickets to rank)."""
    districts, subdistricts = boundaries.load_districts(), boundaries.load_subdistricts()
    with store.at(str(location)).reader() as con:
        return brief.compose(
            con,
            lang=lang,
            filters=Filters(**filters),  # type: ignore[arg-type]
            settings=review.ReviewSettings(min_tickets=4),
            districts=districts,
            names=boundaries.area_names((districts, subdistricts), lang),
            population=boundaries.load_population(),
        )


JUNE = {"since": date(2022, 6, 1), "until": date(2022, 6, 30)}
"""The moves store's review period; the previous one is 2 to 31 May."""


@pytest.fixture
def moves_store(tmp_path: Path, data_dir: Path) -> Path:
    """Five districts over May and June 2022. The city's open share goes 50% → 60%;
    1001 goes 10% → 90% and 1004 90% → 10% (beyond noise); 1002 and 1003 50% → 70%;
    1005's reports fall from 120 to 40 while its share follows the city's (50% → 60%).
    Of June's closures, 1002 and 1003 each close 6 of 12 without an after-photo (a tie at
    50%), and 16 of 1004's are rated; no ticket has a finish time."""
    plan = {  # code: (May: tickets, open), (June: tickets, open, without photo, rated)
        "1001": ((40, 4), (40, 36, 1, 0)),
        "1002": ((40, 20), (40, 28, 6, 0)),
        "1003": ((40, 20), (40, 28, 6, 0)),
        "1004": ((40, 36), (40, 4, 9, 16)),
        "1005": ((120, 60), (40, 24, 4, 0)),
    }
    rows = []
    for code, ((n_may, open_may), (n_june, open_june, no_photo, rated)) in plan.items():
        for i in range(n_may):
            rows.append(ticket(f"M{code}{i:03d}", code=code, half=i % 2, last_activity="",
                               timestamp=f"2022-05-{10 + i % 20:02d} 03:00:00+00",
                               state="รอรับเรื่อง" if i < open_may else "เสร็จสิ้น",
                               photo_after="https://example.invalid/a.jpg"))  # fmt: skip
        for i in range(n_june):
            closure = i - open_june  # 0, 1, … for the finished ones
            rows.append(ticket(f"J{code}{i:03d}", code=code, half=i % 2, last_activity="",
                               timestamp=f"2022-06-{1 + i % 28:02d} 03:00:00+00",
                               state="รอรับเรื่อง" if closure < 0 else "เสร็จสิ้น",
                               photo_after="" if 0 <= closure < no_photo else "https://example.invalid/a.jpg",
                               star="2" if 0 <= closure < rated else ""))  # fmt: skip
    location = tmp_path / "moves.duckdb"
    ingest_files(
        paths=[write_csv(tmp_path / "m.csv", rows)], store_path=location, data_dir=data_dir
    )
    return location


def test_better_and_worse_say_the_citys_change_once_in_each_line(moves_store: Path) -> None:
    worse, better, *_ = brief.summary_lines(composed(moves_store, "th", **JUNE))
    assert worse.count("ทั้งเมือง 50% → 60%") == 1 and better.count("ทั้งเมือง 50% → 60%") == 1
    assert worse.endswith(": เขต1001 (10% → 90%, +70 จุดเมื่อเทียบกับทั้งเมือง)")
    assert better.endswith(": เขต1004 (90% → 10%, -90 จุดเมื่อเทียบกับทั้งเมือง)")
    worse, better, *_ = brief.summary_lines(composed(moves_store, "en", **JUNE))
    assert "(city 50% → 60%; previous → this period): District 1001 (10% → 90%, +70" in worse
    assert "(city 50% → 60%; previous → this period): District 1004 (90% → 10%, -90" in better


def test_districts_tied_for_most_closures_without_an_after_photo_are_named_together(
    moves_store: Path,
) -> None:
    closures = brief.summary_lines(composed(moves_store, "th", **JUNE))[4]
    assert "มากที่สุดที่ เขต1002 และเขต1003 เขตละ 50%" in closures
    closures = brief.summary_lines(composed(moves_store, "en", **JUNE))[4]
    assert "most in District 1002 and District 1003, 50% each" in closures


def test_the_league_change_is_each_districts_open_share_against_the_citys_not_report_volume(
    moves_store: Path,
) -> None:
    data = composed(moves_store, "th", **JUNE)
    shown, _ = review.league_display(data.league, "th", data.coverage, period=data.period)
    column = "สัดส่วนเรื่องค้างเปลี่ยนจากช่วงก่อน เทียบกับทั้งเมือง (จุด ยิ่งน้อยยิ่งดี)"
    change = dict(zip(shown["เขต"], shown[column], strict=True))
    # 1005's reports fell by two thirds, its share moved as the city's: no change, not a fall
    # (each marked †: five of fifty districts have tickets, many times the city's per resident)
    assert change == {"เขต1001 †": "+70*", "เขต1002 †": "+10", "เขต1003 †": "+10",
                      "เขต1004 †": "-90*", "เขต1005 †": "0"}  # fmt: skip
    # the rate says whose reports it counts: the period's, not all dates' as on the dashboard
    assert "เรื่องค้างต่อประชากร 10,000 คน (เรื่องที่แจ้ง 1 มิ.ย. 2565 – 30 มิ.ย. 2565)" in shown
    notes = review.league_notes(data.league, "th")
    mark, drivers = notes[0], notes[-1]
    assert sorted(n.split(":")[0] for n in notes[1:-1]) == [f"† เขต100{i}" for i in range(1, 6)]
    assert mark == "* เปลี่ยนต่างจากทั้งเมืองเกินความผันผวนปกติ"
    # located tickets, said so, apart from the caveats' count of all tickets
    assert drivers.startswith("ทั้งเมืองมีเรื่องแจ้งที่ระบุเขตได้ 200 เรื่อง ช่วงก่อน 280 เรื่อง")
    english = composed(moves_store, "en", **JUNE)
    shown, _ = review.league_display(english.league, "en", english.coverage, period=english.period)
    assert "Open per 10k residents (reports of 1 Jun 2022 – 30 Jun 2022)" in shown


def test_each_check_says_it_applies_to_every_closure_or_to_what_share_never_100(
    moves_store: Path,
) -> None:
    assert brief.judged_lines(composed(moves_store, "th", **JUNE)) == [
        "ไม่มีภาพหลัง: ใช้ตรวจได้กับการปิดเรื่องทุกเรื่อง",
        "ปิดเร็วผิดปกติ: ตรวจไม่ได้ เพราะไม่มีเรื่องที่เสร็จสิ้นเรื่องใดมีเวลาปิดเรื่อง ข้อมูลสาธารณะของ Traffy ไม่ได้ให้ค่านี้",
        "ถูกเปิดซ้ำ: ใช้ตรวจได้กับการปิดเรื่องทุกเรื่อง",
        "1–2 ดาว: ใช้ตรวจได้กับ 20% ของการปิดเรื่อง",  # 16 of 80 closures are rated
    ]
    english = brief.judged_lines(composed(moves_store, "en", **JUNE))
    assert english[2:] == ["reopened: can be applied to every closure",
                           "1–2 stars: can be applied to 20% of closures"]  # fmt: skip


def test_the_english_brief_ends_its_sentences_and_keeps_field_names_to_the_last_page(
    moves_store: Path, small_store: Path
) -> None:
    document = html.unescape(brief.render_html(composed(small_store, "en")))
    body, _, methods = document.partition("How it is computed")
    assert "not cold. Each area" in body
    # the closure audit names only the checks its table shows (no finish times: no 1 h, no
    # stars: no 1-2 stars); closures from 3 Jul to 30 Sep: 7 districts x 88 days, two days
    # in three finished = 410
    assert (
        "Shares of finished tickets: no after-photo, reopened. In all, 410 tickets were "
        "finished in the period (those placed in a district)."
    ) in body
    assert "no finished ticket has a finish time; Traffy's public data does not give it" in body
    for name in ("last_activity", "count_reopen", "photo_after"):
        assert name not in body and name in methods, name
    assert "API" not in body
    thai = brief.render_html(composed(moves_store, "th", **JUNE))
    caption = "สัดส่วนของเรื่องที่เสร็จสิ้น: ไม่มีภาพหลัง, ถูกเปิดซ้ำ, ได้ 1–2 ดาว (ในเรื่องที่ให้ดาว) "
    assert caption in thai and "ปิดภายใน" not in thai.partition("วิธีคำนวณ")[0]


def test_the_areas_to_ask_about_say_which_name_is_the_district_and_the_excess_in_tickets(
    small_store: Path,
) -> None:
    data = composed(small_store, "th")
    assert brief.summary_lines(data)[2] == (
        "ควรถามเขต: เขต1023 แขวง10232 มีเรื่องค้าง 44 จาก 44 เรื่อง (ค้างเกินอัตราของเมือง 26 เรื่อง)"
    )
    shown = review.areas_display(data.rate, data.names, "th")
    assert list(shown["ค้างเกินอัตราของเมือง (เรื่อง)"]) == ["26", "26"]
    english = brief.summary_lines(composed(small_store, "en"))[2]
    assert english == (
        "Districts to ask about: District 1023, Khwaeng 1023-2 subdistrict: 44 of 44 still "
        "open (26 tickets above the city rate)"
    )


def test_the_summary_keeps_each_area_name_on_one_line() -> None:
    # Pango breaks Thai by its dictionary, which knows words, not place names ('บาง|รัก')
    line = "อันดับแย่สุด: 1. ปทุมวัน 148.6, 2. บางรัก 96.2 <b>"
    assert brief.unbroken(line, ["บางรัก", "ปทุมวัน", "บาง"]) == (
        "อันดับแย่สุด: 1. <span class='nw'>ปทุมวัน</span> 148.6, "
        "2. <span class='nw'>บางรัก</span> 96.2 &lt;b&gt;"
    )


def test_map_labels_that_would_overlap_one_already_placed_are_left_out() -> None:
    labels = [(50.0, 50.0, "ห้วยขวาง"), (51.0, 50.5, "ดินแดง"), (80.0, 80.0, "หนองจอก"),
              (50.0, 53.0, "วังทองหลาง")]  # fmt: skip
    # 500 pt wide and as high: 1 point of the map is 5 pt, a 5.2 pt label ~8 pt high
    kept = brief.fitting_labels(labels, width_pt=500, ratio=1.0)
    assert kept == [(50.0, 50.0, "ห้วยขวาง"), (80.0, 80.0, "หนองจอก"), (50.0, 53.0, "วังทองหลาง")]
    assert brief.label_width_pt("ห้วยขวาง") == pytest.approx(7 * 0.62 * 5.2)  # ้ takes no room


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
    from dashboard.analysis import review

    data = real_data_dir()
    monkeypatch.setenv("KHETMAP_DATA_DIR", str(data))
    districts = boundaries.load_districts(data_dir=data)
    names = boundaries.area_names((districts, boundaries.load_subdistricts(data_dir=data)), "th")
    with store.at(str(real_store)).reader() as con:
        for kind in hotspots.KINDS:
            found = review.hotspot_review(
                con, filters=Filters(), kind=kind, measure="reports",
                resolution=8, layer=districts,
            )  # fmt: skip
            areas = found.areas
            assert not areas.empty
            labels = hotspots.area_labels(areas, names=names, lang="th")
            assert len(set(labels)) == len(labels), labels
            for label, row in zip(labels, areas.to_dict("records"), strict=True):
                assert label.startswith("เขต" + names[row["district_code"]])
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
            # the rate map's first area: which name is the district, which the subdistrict
            # (Bang Kapi is also a district), and the excess with its unit
            assert (
                "ควรถามเขต: เขตห้วยขวาง แขวงบางกะปิ ถนนเพชรบุรีตัดใหม่ มีเรื่องค้าง 357 จาก 551 "
                "เรื่อง (ค้างเกินอัตราของเมือง 147 เรื่อง)"
            ) in re.sub(r"<[^>]+>", "", document)  # names are kept whole in spans
            assert "<th>ค้างเกินอัตราของเมือง (เรื่อง)</th>" in document
            # one quantity, one number: the closures the summary counts are the audit's
            summary = re.search(r"การปิดเรื่อง: เสร็จสิ้น ([\d,]+) เรื่อง", document)
            audit = re.search(r"รวมเรื่องที่เสร็จสิ้นในช่วงนี้ ([\d,]+) เรื่อง", document)
            assert summary and audit and summary.group(1) == audit.group(1) == "23,137"
            assert "ยิ่งน้อยยิ่งดี" in document  # the change column's unit and direction
            # the per-10k figure says whose reports it counts (the dashboard's counts all dates)
            assert (
                "<th>เรื่องค้างต่อประชากร 10,000 คน (เรื่องที่แจ้ง 20 ก.ย. 2565 – 18 ธ.ค. 2565)" in document
            )
            # reports fell 64%: Pathum Wan's open per 10k fell 114.9, its open share moved as
            # the city's; districts move both ways against the city, not nearly all down
            assert "<td>148.6 (136.7–161.3)</td><td>0</td>" in document
            moves = re.findall(r"<td>([+-]\d+)\*?</td></tr>", document)
            assert sum(m.startswith("+") for m in moves) >= 15
            assert sum(m.startswith("-") for m in moves) >= 15
            # page 1's district names: none overlaps another, and the ones left out are said
            placed = [
                (float(x), float(y), html.unescape(name))
                for x, y, name in re.findall(r"<span style='left:([\d.]+)%;top:([\d.]+)%'>([^<]+)<", document)
            ]  # fmt: skip
            _, ratio = brief.map_extent(boundaries.load_districts(data_dir=real_data_dir()))
            assert brief.fitting_labels(placed, width_pt=brief.MAP_WIDTH_PT, ratio=ratio) == placed
            assert f"ชื่อเขตที่จะซ้อนทับกันไม่ได้แสดง ({50 - len(placed)} เขต)" in document
        for old in DOCS.glob(f"brief_{lang}-*.png"):
            old.unlink()
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(out), str(DOCS / f"brief_{lang}")], check=True
        )
        pages = sorted(DOCS.glob(f"brief_{lang}-*.png"))
        assert len(pages) == int(pdf_info(out)["Pages"]) >= 3
