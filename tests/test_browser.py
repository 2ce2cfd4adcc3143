"""Real headless Chromium against `streamlit run`: what only a browser shows.

Every request that does not go to 127.0.0.1 is aborted and recorded; the test fails if any
was attempted. Screenshots land in artifacts/screenshots/ (look at them).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import duckdb
import pytest
from playwright.sync_api import Error as PlaywrightError

from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.launcher import start_background
from tests.conftest import real_data_dir
from tests.fixtures import ticket, write_csv

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
SCRIPT = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
CHATUCHAK = "100.55360,13.82830"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                "CI needs Debian chromium for the browser tests (scripts/setup.sh --test installs it)"
            )
        pytest.skip("chromium is not installed")
    data = real_data_dir()
    folder = tmp_path_factory.mktemp("browser")
    store = folder / "store.duckdb"
    hostile = write_csv(
        folder / "hostile.csv",
        [
            ticket(
                "XSS-TEST-1",
                coords=CHATUCHAK,
                comment=SCRIPT,
                timestamp="2023-05-12 00:00:00+00",
                last_activity="2023-05-12 01:00:00+00",
            ),
        ],
    )
    ingest_files(
        paths=[data / "traffy_dump_format_sample.csv", hostile], store_path=store, data_dir=data
    )
    port = free_port()
    process = start_background(
        store_path=store,
        port=port,
        env={
            "KHETMAP_DATA_DIR": str(data),
            "KHETMAP_TILES": "none",
            # no reruns when files change under a running server (tests run from a work tree)
            "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        },
    )
    base = f"http://127.0.0.1:{port}"
    yield base, store
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@contextmanager
def local_only(browser: object, *, height: int = 1100) -> Iterator[tuple[object, list[str]]]:
    """A fresh browser tab that may reach 127.0.0.1 only; what it tried elsewhere is listed."""
    context = browser.new_context(viewport={"width": 1400, "height": height})  # type: ignore[attr-defined]
    outside: list[str] = []

    def only_local(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            kind = route.request.resource_type  # type: ignore[attr-defined]
            outside.append(url if kind != "image" else f"image:{url}")
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", only_local)
    try:
        yield context.new_page(), outside
    finally:
        context.close()


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, list[str]]]:
    with local_only(browser) as opened:
        yield opened


def map_frame(page: object, *, shapes: int) -> object:
    """Wait for the st_folium iframe to have a real height and `shapes` polygons; return it."""
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        for frame in page.frames:  # type: ignore[attr-defined]
            try:
                if (
                    "st_folium" in frame.url
                    and frame.locator("path.leaflet-interactive").count() >= shapes
                ):
                    box = frame.frame_element().bounding_box()
                    if box and box["height"] > 300:
                        return frame
            except PlaywrightError:  # a rerun replaced the frame meanwhile: look again
                continue
        page.wait_for_timeout(500)  # type: ignore[attr-defined]  # time.sleep would stall Playwright's event loop
    page.screenshot(path=str(SHOTS / "failure.png"), full_page=True)  # type: ignore[attr-defined]
    raise AssertionError(
        f"no map iframe with {shapes} shapes and a visible height (see failure.png)"
    )


def wait_idle(page: object, *, timeout: float = 60) -> None:
    """Wait until Streamlit has finished the current run (no running status, no skeleton)."""
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count()  # type: ignore[attr-defined]
        skeletons = page.locator('[data-testid="stSkeleton"]').count()  # type: ignore[attr-defined]
        if not running and not skeletons:
            break
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]


def url_contains(page: object, text: str, *, timeout: float = 30) -> None:
    """Wait until the URL holds `text` (query params change by replaceState, not navigation)."""
    deadline = time.monotonic() + timeout
    while text not in page.url:  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared in {page.url}")  # type: ignore[attr-defined]
        page.wait_for_timeout(250)  # type: ignore[attr-defined]


def no_script_ran(page: object) -> None:
    for frame in page.frames:  # type: ignore[attr-defined]
        assert frame.evaluate("() => window.__xss === undefined"), f"script ran in {frame.url}"


def test_city_map_draws_50_districts_offline_and_opens_a_district(
    server: tuple[str, Path], page: tuple[object, list[str]]
) -> None:
    base, _ = server
    tab, outside = page
    tab.goto(f"{base}/?lang=en")  # type: ignore[attr-defined]
    frame = map_frame(tab, shapes=50)
    assert frame.locator("path.leaflet-interactive").count() == 50  # type: ignore[attr-defined]
    assert frame.locator(".khetmap-legend").count() == 1  # type: ignore[attr-defined]
    tab.screenshot(path=str(SHOTS / "city.png"), full_page=True)  # type: ignore[attr-defined]
    assert outside == []
    no_script_ran(tab)
    frame.locator("path.leaflet-interactive").nth(20).click(force=True)  # type: ignore[attr-defined]
    tab.wait_for_url("**/district?district=*", timeout=30_000)  # type: ignore[attr-defined]
    assert "district=" in tab.url  # type: ignore[attr-defined]


def test_shared_district_link_shows_name_numbers_and_runs_no_script(
    server: tuple[str, Path], page: tuple[object, list[str]]
) -> None:
    base, store = server
    tab, outside = page
    tab.goto(f"{base}/district?district=1030&lang=en&state=open")  # type: ignore[attr-defined]
    tab.get_by_text("District Chatuchak").first.wait_for(timeout=45_000)  # type: ignore[attr-defined]
    with duckdb.connect(str(store), read_only=True) as con:
        total = con.execute(
            "SELECT count(*) FROM tickets WHERE district_code = '1030' AND state IN ('waiting','forwarded','in_progress','other')"
        ).fetchall()[0][0]
    metrics = tab.locator('[data-testid="stMetric"]')  # type: ignore[attr-defined]
    values: dict[str, str] = {}
    deadline = time.monotonic() + 45
    while "Open" not in values and time.monotonic() < deadline:
        tab.wait_for_timeout(300)  # type: ignore[attr-defined]
        values = {
            m.locator('[data-testid="stMetricLabel"]').inner_text().strip(): m.locator(
                '[data-testid="stMetricValue"]'
            ).inner_text()
            for m in metrics.all()
        }
    assert values["Open"] == f"{total:,}", values
    frame = map_frame(tab, shapes=5)  # Chatuchak has 5 khwaeng
    frame.locator(".marker-cluster, path.leaflet-interactive").first.wait_for()  # type: ignore[attr-defined]
    tab.screenshot(path=str(SHOTS / "district.png"), full_page=True)  # type: ignore[attr-defined]
    no_script_ran(tab)
    assert outside == []


def test_hostile_comment_is_text_on_the_tickets_page(
    server: tuple[str, Path], page: tuple[object, list[str]]
) -> None:
    base, _ = server
    tab, outside = page
    tab.goto(f"{base}/tickets?lang=en&q=onerror")  # type: ignore[attr-defined]
    tab.get_by_text("Showing 1 of 1 tickets").wait_for(timeout=45_000)  # type: ignore[attr-defined]
    tab.wait_for_timeout(1000)  # type: ignore[attr-defined]
    tab.screenshot(path=str(SHOTS / "tickets.png"), full_page=True)  # type: ignore[attr-defined]
    no_script_ran(tab)
    assert outside == []


def test_about_page(server: tuple[str, Path], page: tuple[object, list[str]]) -> None:
    base, _ = server
    tab, _outside = page
    tab.goto(f"{base}/about?lang=en")  # type: ignore[attr-defined]
    message = tab.get_by_text("rows accounted for").first  # type: ignore[attr-defined]
    message.wait_for(timeout=45_000)
    tab.screenshot(path=str(SHOTS / "about.png"), full_page=True)  # type: ignore[attr-defined]
    assert message.inner_text() == "1,001 / 1,001 rows accounted for"


@pytest.fixture(scope="module", autouse=True)
def _screenshot_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


def test_review_page_and_brief_open_offline(
    server: tuple[str, Path], page: tuple[object, list[str]], browser: object, tmp_path: Path
) -> None:
    base, _ = server
    tab, outside = page
    tab.goto(f"{base}/review?lang=en&min_n=5&hot=demand")  # type: ignore[attr-defined]
    map_frame(tab, shapes=0)
    tab.screenshot(path=str(SHOTS / "review.png"), full_page=True)  # type: ignore[attr-defined]
    with tab.expect_download() as download_info:  # type: ignore[attr-defined]
        tab.get_by_text("Download the meeting brief (HTML)").click()  # type: ignore[attr-defined]
    brief = tmp_path / "brief.html"
    download_info.value.save_as(str(brief))
    # only the flagged tickets' photos (Traffy's public bucket) come from outside; no code
    assert all(
        u.startswith("image:https://storage.googleapis.com/traffy_public_bucket/") for u in outside
    ), outside

    offline = browser.new_context(viewport={"width": 1200, "height": 1000})  # type: ignore[attr-defined]
    requests: list[str] = []
    offline.route(
        lambda url: not url.startswith(("file:", "data:", "about:", "blob:")),
        lambda route: (requests.append(route.request.url), route.abort()),
    )
    reader = offline.new_page()
    reader.goto(brief.as_uri())
    reader.wait_for_timeout(1000)
    # the static map: an image drawn by matplotlib, with the 50 district names over it
    image = reader.locator(".map img")
    assert image.count() == 1
    assert image.evaluate("i => i.naturalWidth") > 300
    # a name that would overlap one already placed is left out, and the legend says how many
    placed = reader.locator(".map span").count()
    said = re.search(
        r"(\d+) district names that would overlap", reader.locator("body").inner_text()
    )
    assert 30 <= placed <= 50 and placed + (int(said.group(1)) if said else 0) == 50
    assert reader.get_by_text("Summary in five lines").count() == 1
    assert reader.get_by_text("Fair district league table").count() == 1
    reader.screenshot(path=str(SHOTS / "brief.png"), full_page=True)
    assert requests == [], requests
    offline.close()


def test_subdistrict_click_and_map_view_go_into_the_link(
    server: tuple[str, Path], page: tuple[object, list[str]], browser: object
) -> None:
    base, _ = server
    tab, outside = page
    tab.goto(f"{base}/district?district=1030&lang=en")  # type: ignore[attr-defined]
    frame = map_frame(tab, shapes=5)
    frame.locator("path.leaflet-interactive").first.dispatch_event("click")  # type: ignore[attr-defined]
    url_contains(tab, "subdistrict=")
    assert "district=1030" in tab.url  # type: ignore[attr-defined]
    wait_idle(tab)  # the rerun replaces the map's frame: take the new one
    frame = map_frame(tab, shapes=5)
    frame.locator(".leaflet-control-zoom-in").click()  # type: ignore[attr-defined]
    url_contains(tab, "zoom=")
    shared = tab.url  # type: ignore[attr-defined]
    assert "lat=" in shared and "lon=" in shared
    fresh = browser.new_context(viewport={"width": 1400, "height": 1100})  # type: ignore[attr-defined]
    other = fresh.new_page()
    other.goto(shared)
    map_frame(other, shapes=5)
    other.wait_for_timeout(1500)
    assert other.url == shared  # the same view: nothing in the link was dropped or rewritten
    fresh.close()
    assert outside == []


WEEK_TEXTS = {
    "th": ("เขต บางกะปิ", "ตั้งแต่สัปดาห์ก่อน", "ส่งต่อออกนอกสำนักงานเขต: 10 จาก 17 เรื่อง",
           r"([\d,]+) เรื่องค้างใน (\d+) แผ่นงาน", "ดาวน์โหลดใบงาน (Excel)", "สรุป"),
    "en": ("District Bang Kapi", "Since last week",
           "Passed outside the district office: 10 of 17 tickets",
           r"([\d,]+) open tickets on (\d+) sheets", "Download the action sheet (Excel)", "Summary"),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_dump_samples_district_week_and_its_action_sheet(
    server: tuple[str, Path], page: tuple[object, list[str]], tmp_path: Path, lang: str
) -> None:
    """The dump sample names units (เขต, ฝ่าย, สำนัก, MEA): one sheet each, counted as shown."""
    import re

    import openpyxl

    from tests.test_browser_realdata import assert_clean, settle

    title, panel, forwarded, sheets, button, summary = WEEK_TEXTS[lang]
    base, _ = server
    tab, _ = page
    tab.goto(f"{base}/district?district=1006&section=week" + ("&lang=en" if lang == "en" else ""))  # type: ignore[attr-defined]
    settle(tab, title)
    assert_clean(tab, lang)
    body = tab.locator("body").inner_text()  # type: ignore[attr-defined]
    assert panel in body and forwarded in body
    found = re.search(sheets, body)
    assert found, body[:2000]
    with tab.expect_download() as download:  # type: ignore[attr-defined]
        tab.get_by_text(button).click()  # type: ignore[attr-defined]
    path = tmp_path / "week.xlsx"
    download.value.save_as(str(path))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == summary and len(book.sheetnames) - 1 == int(found.group(2))
    listed = sum(
        1
        for sheet in book.worksheets[1:]
        for row in sheet.iter_rows(min_row=5, values_only=True)  # under the header row
        if row[0]
    )
    assert listed == int(found.group(1).replace(",", ""))
    tab.screenshot(path=str(SHOTS / f"dump_district_week_{lang}.png"), full_page=True)  # type: ignore[attr-defined]


def test_the_ticket_layer_draws_cells_and_writes_compact_popups_as_text(
    server: tuple[str, Path], page: tuple[object, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layer's own JavaScript, run by Chromium: cells with their tooltip, and compact
    points whose popups the browser writes from the shared labels (nothing as HTML)."""
    import folium

    from dashboard import i18n
    from dashboard.analysis import metrics
    from dashboard.render import assets, lod, maps, style

    base, store = server
    tab, outside = page
    lon, lat = (float(v) for v in CHATUCHAK.split(","))
    monkeypatch.setattr(lod, "POINT_LIMIT", 10)  # the dump sample is small: force cells
    with duckdb.connect(str(store), read_only=True) as con:
        as_of = metrics.store_as_of(con)
        assert as_of is not None
        cells = lod.ticket_layer(
            con,
            filters=Filters(),
            as_of=as_of,
            viewport=lod.Viewport.around(13.76, 100.55, 11),
            lang="th",
        )
        compact = lod.ticket_layer(
            con,
            filters=Filters(),
            as_of=as_of,
            viewport=lod.Viewport.around(lat, lon, 16),
            lang="th",
            cap=lod.SCRIPT_ALLOWANCE + 2_000,
        )
    assert cells.kind == "cells" and len(cells.cells["features"]) > 5
    assert compact.short_popups and "XSS-TEST-1" in compact.ids
    shown = {}
    for name, layer in (("cells", cells), ("points", compact)):
        fmap = folium.Map(
            location=(lat, lon), zoom_start=16 if name == "points" else 11, tiles=None
        )
        fmap.options["maxZoom"] = style.MAX_ZOOM
        fmap.add_child(maps.ClusterAssets())
        fmap.add_child(maps.ticket_feature_group(layer, lang="th"))
        html = assets.localise(fmap).get_root().render()
        tab.goto(f"{base}/app/static/vendor/leaflet/dist/leaflet.css")  # type: ignore[attr-defined]
        tab.set_content(html)  # type: ignore[attr-defined]
        tab.wait_for_timeout(1500)  # type: ignore[attr-defined]
        shown[name] = tab.evaluate(  # type: ignore[attr-defined]
            """() => {
              const out = {paths: document.querySelectorAll('path.leaflet-interactive').length,
                           popups: [], tooltip: null};
              for (const name in window) {
                const layer = window[name];
                if (!layer || typeof layer.eachLayer !== 'function' || !layer._map) continue;
                layer.eachLayer(group => {
                  if (group.getLayers && group.zoomToShowLayer) {  // the marker cluster
                    group.getLayers().forEach(m => {
                      const c = m.getPopup().getContent();
                      out.popups.push((typeof c === 'function' ? c(m) : c).innerText);
                    });
                  } else if (group.eachLayer) {
                    group.eachLayer(cell => {
                      if (!out.tooltip && cell.getTooltip()) out.tooltip = cell.getTooltip().getContent();
                    });
                  }
                });
              }
              return out;
            }"""
        )
    assert shown["cells"]["paths"] == len(cells.cells["features"])
    assert shown["cells"]["tooltip"].startswith(i18n.t("total", "th") + ": ")
    assert i18n.t("lod_cell_click", "th") in shown["cells"]["tooltip"]
    popups = shown["points"]["popups"]
    assert len(popups) == compact.drawn
    hostile = next(p for p in popups if p.startswith("XSS-TEST-1"))
    assert "หน้าเรื่องสาธารณะ" in hostile and "อายุ (วัน)" in hostile
    no_script_ran(tab)
    assert outside == []


LEAFLET_VIEW = """() => {
  for (const name of Object.keys(window)) {
    try {
      const value = window[name];
      if (value instanceof L.Map) {
        const centre = value.getCenter();
        return [centre.lat, centre.lng, value.getZoom()];
      }
    } catch (e) { /* a property that cannot be read */ }
  }
  return null;
}"""


def sidebar_link(page: object) -> str:
    """The link the sidebar shows (and its copy button copies)."""
    code = page.locator('[data-testid="stSidebar"] [data-testid="stCode"] code')  # type: ignore[attr-defined]
    return str(code.inner_text()).strip()


def map_view(page: object, *, shapes: int) -> tuple[float, float, int]:
    """Where the page's Leaflet map is: centre and zoom, read from the map itself."""
    frame = map_frame(page, shapes=shapes)
    found = frame.evaluate(LEAFLET_VIEW)  # type: ignore[attr-defined]
    assert found is not None, "no Leaflet map in the frame"
    return float(found[0]), float(found[1]), int(found[2])


@pytest.mark.parametrize(
    ("path", "shapes"),
    [("/district?district=1006&state=open&lang=en", 2), ("/?state=open", 50)],
)
def test_the_sidebars_link_is_the_view_after_panning_and_zooming(
    server: tuple[str, Path], page: tuple[object, list[str]], browser: object, path: str,
    shapes: int,
) -> None:  # fmt: skip
    base, _ = server
    tab, outside = page
    tab.goto(base + path)  # type: ignore[attr-defined]
    frame = map_frame(tab, shapes=shapes)
    wait_idle(tab)
    frame.locator(".leaflet-control-zoom-in").click()  # type: ignore[attr-defined]
    url_contains(tab, "zoom=")
    tab.wait_for_timeout(1500)  # type: ignore[attr-defined]
    frame = map_frame(tab, shapes=1)
    box = frame.frame_element().bounding_box()  # type: ignore[attr-defined]
    tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # type: ignore[attr-defined]
    tab.mouse.down()  # type: ignore[attr-defined]
    tab.mouse.move(box["x"] + box["width"] / 2 - 120, box["y"] + box["height"] / 2 + 60, steps=8)  # type: ignore[attr-defined]
    tab.mouse.up()  # type: ignore[attr-defined]
    frame.locator(".leaflet-control-zoom-in").click()  # type: ignore[attr-defined]
    # wait until the map has reported where it ended up, and the sidebar has caught up
    deadline = time.monotonic() + 45
    while True:
        lat, lon, zoom = map_view(tab, shapes=1)
        params = parse_qs(urlsplit(tab.url).query)  # type: ignore[attr-defined]
        settled = params.get("zoom") == [str(zoom)] and (
            abs(float(params["lat"][0]) - lat) <= 1e-4
            and abs(float(params["lon"][0]) - lon) <= 1e-4
        )
        if (settled and sidebar_link(tab) == tab.url) or time.monotonic() > deadline:  # type: ignore[attr-defined]
            break
        tab.wait_for_timeout(400)  # type: ignore[attr-defined]
    shared = sidebar_link(tab)
    assert settled and shared == tab.url  # type: ignore[attr-defined]
    tab.screenshot(
        path=str(SHOTS / f"share_link_{'city' if path.startswith('/?') else 'district'}.png")
    )  # type: ignore[attr-defined]
    fresh = browser.new_context(viewport={"width": 1400, "height": 1100})  # type: ignore[attr-defined]
    other = fresh.new_page()
    other.goto(shared)
    wait_idle(other)
    again = map_view(other, shapes=1)
    assert abs(again[0] - lat) <= 1e-4 and abs(again[1] - lon) <= 1e-4 and again[2] == zoom
    assert other.url == shared  # filters and language came back as they were
    assert sidebar_link(other) == shared
    fresh.close()
    assert outside == []


PRINTED = [
    ("city", "/?print=1", 50),
    ("district", "/district?district=1006&print=1", 2),
    ("week", "/district?district=1006&section=week&print=1", 0),
    ("review", "/review?print=1&lang=en", 0),
    ("tickets", "/tickets?print=1&district=1030", 0),
]


@pytest.mark.parametrize(("name", "path", "shapes"), PRINTED)
def test_the_print_view_prints_on_a4_landscape_without_sidebar_or_controls(
    server: tuple[str, Path], browser: object, tmp_path: Path, name: str, path: str,
    shapes: int,
) -> None:  # fmt: skip
    import subprocess

    base, _ = server
    with local_only(browser, height=900) as (tab, outside):
        tab.goto(base + path)  # type: ignore[attr-defined]
        if shapes:
            map_frame(tab, shapes=shapes)
        route, _, query = path.partition("?")
        kept = urlencode([(k, v) for k, v in parse_qsl(query) if k != "print"])
        live = base + route + (f"?{kept}" if kept else "")
        tab.get_by_text(live, exact=True).wait_for(timeout=60_000)  # type: ignore[attr-defined]  # the run's last element
        wait_idle(tab)
        assert tab.locator('[data-testid="stSidebar"]').is_hidden()  # type: ignore[attr-defined]
        out = tmp_path / f"print_{name}.pdf"
        tab.emulate_media(media="print")  # type: ignore[attr-defined]
        tab.pdf(path=str(out), prefer_css_page_size=True, print_background=True)  # type: ignore[attr-defined]
        assert outside == []
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info.stdout)
    assert (
        size and abs(float(size[1]) - 841.9) < 1 and abs(float(size[2]) - 595.3) < 1
    )  # A4 landscape
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert live in text.replace("\n", "")  # the live view's link, printed
    for control in ("ภาษา / Language", "มุมมองสำหรับพิมพ์", "Print view"):
        assert control not in text  # the sidebar and its links are left out
    for field in ("ticket_id", "days_overdue", "target_days", "https://share.traffy"):
        assert field not in text  # tables print with the page's own column labels
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(out),
                    str(SHOTS / f"print_{name}")], check=True)  # fmt: skip


@pytest.mark.parametrize(("path", "shapes"), [("/?state=open", 50), ("/district?district=1006", 2)])
def test_the_map_saves_as_a_print_resolution_picture_of_the_view(
    server: tuple[str, Path], page: tuple[object, list[str]], path: str, shapes: int
) -> None:
    import io

    from PIL import Image

    base, _ = server
    tab, outside = page
    tab.goto(base + path)  # type: ignore[attr-defined]
    map_frame(tab, shapes=shapes)
    wait_idle(tab)
    with tab.expect_download(timeout=60_000) as caught:  # type: ignore[attr-defined]
        tab.get_by_role("button", name="บันทึกแผนที่เป็นภาพ (PNG)").first.click()  # type: ignore[attr-defined]
    download = caught.value
    name = "city" if path.startswith("/?") else "district"
    saved = SHOTS / f"map_picture_{name}.png"
    download.save_as(str(saved))
    image = Image.open(io.BytesIO(saved.read_bytes()))
    assert image.format == "PNG" and image.width == 2500  # 10 inches at 250 dpi
    assert download.suggested_filename.startswith("khetmap_")
    assert outside == []


def test_points_and_their_clusters_take_the_colours_of_their_states_and_have_a_legend(
    server: tuple[str, Path], page: tuple[object, list[str]]
) -> None:
    base, _ = server
    tab, outside = page
    tab.goto(f"{base}/district?district=1030&state=open&lang=en")  # type: ignore[attr-defined]
    frame = map_frame(tab, shapes=5)
    wait_idle(tab)
    frame = map_frame(tab, shapes=5)
    frame.locator(".khetmap-legend").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
    legend = frame.locator(".khetmap-legend").first.inner_text()  # type: ignore[attr-defined]
    assert "Complaints (a point each)" in legend and "open" in legend and "finished" in legend
    rings = frame.evaluate(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('.khetmap-cluster > div')]"
        ".map(d => d.getAttribute('style'))"
    )
    assert rings, "no cluster drawn"
    # only open tickets in this view: every ring is wholly the open colour, none green
    # (the browser writes the ring's stops as rgb: the open colour runs to 100%)
    assert all("rgb(201, 42, 42) 100%" in ring for ring in rings), rings[:3]
    assert frame.locator(".leaflet-interactive[fill='#2b8a3e']").count() == 0  # type: ignore[attr-defined]
    tab.screenshot(path=str(SHOTS / "clusters_by_state.png"))  # type: ignore[attr-defined]
    assert outside == []


def test_switching_language_or_a_filter_keeps_the_map_where_the_link_put_it(
    server: tuple[str, Path], page: tuple[object, list[str]]
) -> None:
    base, _ = server
    tab, outside = page
    tab.goto(f"{base}/district?district=1030&lat=13.82830&lon=100.55360&zoom=15")  # type: ignore[attr-defined]
    map_frame(tab, shapes=1)
    wait_idle(tab)
    for click in ("English", "Open"):
        tab.locator('[data-testid="stSidebar"]').get_by_text(click, exact=True).click()  # type: ignore[attr-defined]
        wait_idle(tab)
        lat, lon, zoom = map_view(tab, shapes=1)
        params = parse_qs(urlsplit(tab.url).query)  # type: ignore[attr-defined]
        assert params.get("zoom") == ["15"] and zoom == 15, (click, tab.url, zoom)  # type: ignore[attr-defined]
        assert abs(lat - 13.8283) <= 1e-4 and abs(lon - 100.5536) <= 1e-4, (click, lat, lon)
        assert sidebar_link(tab) == tab.url  # type: ignore[attr-defined]
    assert "lang=en" in tab.url and "state=open" in tab.url  # type: ignore[attr-defined]
    assert outside == []


def test_the_sidebars_print_link_opens_the_print_view_and_keeps_it_in_the_address(
    server: tuple[str, Path], page: tuple[object, list[str]]
) -> None:
    base, _ = server
    tab, outside = page
    tab.goto(f"{base}/district?district=1006&lang=en")  # type: ignore[attr-defined]
    wait_idle(tab)
    tab.locator('[data-testid="stSidebar"]').get_by_text("Print view").click()  # type: ignore[attr-defined]
    url_contains(tab, "print=1")
    # a whole page load: the print view hides the sidebar once it has drawn
    tab.locator('[data-testid="stSidebar"]').wait_for(state="hidden", timeout=60_000)  # type: ignore[attr-defined]
    assert "district=1006" in tab.url and "lang=en" in tab.url  # type: ignore[attr-defined]
    tab.reload()  # type: ignore[attr-defined]
    wait_idle(tab)
    assert "print=1" in tab.url  # type: ignore[attr-defined]
    assert outside == []
