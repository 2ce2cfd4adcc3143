"""Issue 32 in real Chromium, on fixture data built in code: what the shell shows a user.

The same label gives the same number on every page for the same filters; no Thai page
names an operator's or a method's word outside the bodies of "how it is computed"; the
sidebar draws only the filters its page applies; Streamlit's own words are Thai on a Thai
page; every layer a map draws has a legend, folded to a button on a phone.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.ingest.load import ingest_files
from dashboard.launcher import start_background
from tests.fixtures import ticket, write_boundaries, write_csv
from tests.test_browser import (  # noqa: F401
    CHROMIUM,
    SHOTS,
    browser,
    free_port,
    local_only,
    map_frame,
    wait_idle,
)

pytestmark = pytest.mark.browser

PERIOD = "since=2022-05-01&until=2022-06-30"
"""Every page of the same-number test shows the same filters: this period, all states."""
CROWDED = "1040"
"""A district with more tickets than a map draws as points: its map draws cells."""
CROWD = 2100


def _rows() -> list[dict[str, str]]:
    """District 1001: 5 tickets in the period (3 open, 2 of them past the roads' 15-day
    target; 2 finished, A5 reported after A4 was finished at the same place: a recurrence);
    1030 and 1002 a few; 1040 a crowd."""
    rows = [
        ticket("A1", timestamp="2022-05-02 03:00:00+00", last_activity="2022-05-03 03:00:00+00"),
        ticket("A2", half=1, state="กำลังดำเนินการ", timestamp="2022-05-10 03:00:00+00",
               last_activity="2022-05-12 03:00:00+00"),
        ticket("A3", timestamp="2022-06-20 03:00:00+00", last_activity="2022-06-21 03:00:00+00",
               type_="{น้ำท่วม}"),
        ticket("A4", state="เสร็จสิ้น", timestamp="2022-05-05 03:00:00+00",
               last_activity="2022-05-09 03:00:00+00"),
        ticket("A5", state="เสร็จสิ้น", timestamp="2022-06-01 03:00:00+00",
               last_activity="2022-06-03 03:00:00+00"),
        ticket("B1", code="1030", timestamp="2022-06-10 03:00:00+00",
               last_activity="2022-06-11 03:00:00+00"),
        ticket("B2", code="1030", state="เสร็จสิ้น", timestamp="2022-06-11 03:00:00+00",
               last_activity="2022-06-12 03:00:00+00"),
        ticket("C1", code="1002", state="เสร็จสิ้น", timestamp="2022-06-15 03:00:00+00",
               last_activity="2022-06-16 03:00:00+00"),
    ]  # fmt: skip
    lon, lat = 100.40 + 9 * 0.05 + 0.005, 13.60 + 3 * 0.05 + 0.005  # south-west of 1040
    rows += [
        ticket(f"D{i}", code=CROWDED, timestamp="2022-04-01 03:00:00+00",
               coords=f"{lon + (i % 40) * 0.001:.6f},{lat + (i // 40) * 0.0007:.6f}")
        for i in range(CROWD)
    ]  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian chromium for the browser tests")
        pytest.skip("chromium is not installed")
    folder = tmp_path_factory.mktemp("shell")
    data = write_boundaries(folder / "data")
    store = folder / "store.duckdb"
    ingest_files(paths=[write_csv(folder / "t.csv", _rows())], store_path=store, data_dir=data)
    port = free_port()
    process = start_background(
        store_path=store,
        port=port,
        env={
            "KHETMAP_DATA_DIR": str(data),
            "KHETMAP_TILES": "none",
            "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        },
    )
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, list[str]]]:  # noqa: F811
    with local_only(browser, height=2400) as opened:
        yield opened


def opened(tab: object, url: str, *, wait_for: str = "stMain") -> None:
    """Open `url` and wait for its title, an element of `wait_for`, and the run's end."""
    tab.goto(url)  # type: ignore[attr-defined]
    tab.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
    tab.locator(f'[data-testid="{wait_for}"]').first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
    wait_idle(tab, timeout=90)


# --- the same label, the same number ------------------------------------------------------

NUMBER = re.compile(r"-?[\d,]+(?:\.\d+)?")


def number(text: str) -> float:
    found = NUMBER.search(text)
    assert found, text
    return float(found.group().replace(",", ""))


def cards(tab: object) -> dict[str, float]:
    """The page's figure cards: label → the number the card shows first."""
    labels = tab.locator('[data-testid="stMetricLabel"]').all_inner_texts()  # type: ignore[attr-defined]
    values = tab.locator('[data-testid="stMetricValue"]').all_inner_texts()  # type: ignore[attr-defined]
    return {
        label.strip(): number(value)
        for label, value in zip(labels, values, strict=True)
        if NUMBER.search(value)
    }


def row_of(tab: object, name: str) -> dict[str, float]:
    """The first print-view table that lists area `name`: header → the number in its row."""
    rows: dict[str, float] = {}
    for table in tab.locator("table.khetmap-print").all():  # type: ignore[attr-defined]
        heads = table.locator("thead th").all_inner_texts()
        for line in table.locator("tbody tr").all():
            cells = line.locator("td").all_inner_texts()
            if name in {cell.replace(" †", "").strip() for cell in cells} and not rows:
                rows.update(
                    {
                        h.strip(): number(c)
                        for h, c in zip(heads, cells, strict=True)
                        if NUMBER.fullmatch(c.split(" ")[0].strip())
                    }
                )
    return rows


def test_the_same_label_gives_the_same_number_for_a_district_on_every_page(
    server: str, page: tuple[object, list[str]]
) -> None:
    tab, outside = page
    seen: dict[str, dict[str, float]] = {}
    for name, path in (
        ("district", f"/district?district=1001&{PERIOD}&print=1"),
        ("week", f"/district?district=1001&section=week&{PERIOD}&print=1"),
    ):
        opened(tab, server + path, wait_for="stMetric")
        seen[name] = cards(tab)
    for name, path in (
        ("city", f"/?{PERIOD}&print=1&min_n=1&metric=overdue"),
        ("review", f"/review?{PERIOD}&print=1&min_n=1"),
    ):
        opened(tab, server + path, wait_for="stMain")
        tab.locator("table.khetmap-print").first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
        seen[name] = row_of(tab, "เขต1001")
    figures: dict[str, dict[str, float]] = {}
    for where, found in seen.items():
        for label, value in found.items():
            figures.setdefault(label, {})[where] = value
    for label, values in figures.items():
        assert len(set(values.values())) == 1, (label, values)
    per_10k, overdue = i18n.metric_label("open_per_10k", "th"), i18n.metric_label("overdue", "th")
    assert figures[per_10k] == {"district": 1.0, "week": 1.0, "city": 1.0}  # 3 / 30,000 people
    assert figures[overdue] == {"district": 2.0, "week": 2.0, "city": 2.0}
    assert figures[i18n.t("total", "th")] == {"district": 5.0, "week": 5.0, "city": 5.0}
    assert figures[i18n.t("open", "th")] == {"district": 3.0, "week": 3.0}
    assert figures[i18n.t("median_days", "th")] == {"district": 3.0, "week": 3.0}
    # the review's league counts the reports of its period, and each such label says so
    dated = {label: found for label, found in figures.items() if "(เรื่องที่แจ้ง " in label}
    period = "(เรื่องที่แจ้ง 1 พ.ค. 2565 – 30 มิ.ย. 2565)"
    assert dated == {
        f"จำนวนเรื่อง {period}": {"review": 5.0},
        f"ยังไม่เสร็จ {period}": {"review": 3.0},
        f"{per_10k} {period}": {"review": 1.0},
        f"มัธยฐานวันจนเสร็จ {period}": {"review": 3.0},
    }, dated
    assert outside == []


def test_a_link_with_a_state_filter_shows_the_review_as_without_it(
    server: str, page: tuple[object, list[str]]
) -> None:
    """The review judges tickets of every state: it applies no state filter, and a link
    that carries one (for the pages that use it) shows the same league."""
    tab, _ = page
    leagues = []
    for state in ("", "&state=open"):
        opened(tab, f"{server}/review?{PERIOD}&print=1&min_n=1{state}")
        tab.locator("table.khetmap-print").first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
        leagues.append(row_of(tab, "เขต1001"))
    assert leagues[0] == leagues[1]
    assert leagues[1]["จำนวนเรื่อง (เรื่องที่แจ้ง 1 พ.ค. 2565 – 30 มิ.ย. 2565)"] == 5.0


# --- the sidebar: only the page's filters --------------------------------------------------

SIDEBAR_FILTERS = {
    "city": ("/", 1, 1, 1),
    "district": ("/district?district=1001", 1, 1, 1),
    "tickets": ("/tickets", 1, 1, 1),
    "review": ("/review", 1, 1, 0),
    "about": ("/about", 0, 0, 0),
}
"""Page → its path and how many date inputs, multiselects and state switches it draws."""


@pytest.mark.parametrize("name", list(SIDEBAR_FILTERS))
def test_the_sidebar_draws_only_the_filters_its_page_applies(
    server: str, page: tuple[object, list[str]], name: str
) -> None:
    tab, _ = page
    path, dates, categories, states = SIDEBAR_FILTERS[name]
    joiner = "&" if "?" in path else "?"
    opened(tab, f"{server}{path}{joiner}state=open&since=2022-05-01")
    sidebar = tab.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
    assert sidebar.locator('[data-testid="stDateInput"]').count() == dates
    assert sidebar.locator('[data-testid="stMultiSelect"]').count() == categories
    state_label = i18n.t("state_group", "th")
    assert sidebar.get_by_text(state_label, exact=True).count() == states
    filters_heading = sidebar.get_by_text(i18n.t("filters", "th"), exact=True).count()
    assert filters_heading == (1 if dates else 0)
    # the link keeps the filters for the pages that use them
    link = sidebar.locator('[data-testid="stCode"]').inner_text()
    assert "state=open" in link and "since=2022-05-01" in link
    city = sidebar.get_by_role("link", name=i18n.t("page_city", "th")).get_attribute("href")
    assert "state=open" in city and "since=2022-05-01" in city


# --- no operator's or method's word on a Thai page -----------------------------------------

FORBIDDEN = (
    "khetmap", "sync", "ซิงก์", "last_activity", "KHETMAP_", "H3", "Gi*", "Getis", "PySAL",
    "Benjamini", "Hochberg", "Mann-Kendall", "Kendall", "Newcombe", "Wilson", "ArcGIS",
    "Marshall", "DuckDB", "PostGIS", "PostgreSQL", "Streamlit", "folium", "Select all",
    "Choose options", "No results", "yyyy", "Browse files", "Drag and drop", "README",
    "timestamp", "count_reopen", "photo_after",
)  # fmt: skip
SHOWN_TEXT = """(skip) => {
  // what a reader sees: text outside the bodies of the "how it is computed" expanders,
  // in any other expander too (open or not), with what styles write in place of a text
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (["STYLE", "SCRIPT", "NOSCRIPT"].includes(node.tagName)) continue;
    const details = node.closest("details");
    const summary = details && details.querySelector("summary");
    if (summary && !summary.contains(node) && summary.innerText.includes(skip)) continue;
    const style = getComputedStyle(node);
    for (const child of node.childNodes) {
      if (child.nodeType === 3 && style.fontSize !== "0px") out.push(child.textContent);
    }
    for (const pseudo of ["::before", "::after"]) {
      const content = getComputedStyle(node, pseudo).content;
      if (content && content.startsWith('"')) out.push(JSON.parse(content));
    }
    for (const name of ["placeholder", "aria-placeholder", "title"]) {
      // (a frame's title names it for a screen reader; nothing shows it)
      if (node.getAttribute(name) && node.tagName !== "IFRAME") out.push(node.getAttribute(name));
    }
  }
  return out.join(" ");
}"""
THAI_PAGES = [
    ("city", "/", "stMain"),
    ("city_heat", "/?heat=1", "stMain"),
    ("district_none", "/district", "stMain"),
    ("district", "/district?district=1001", "stMetric"),
    ("district_recur", "/district?district=1001&recur=1", "stMetric"),
    ("district_week", "/district?district=1001&section=week", "stMetric"),
    ("tickets", "/tickets", "stMain"),
    ("review", "/review", "stMain"),
    ("review_demand", "/review?hot=demand", "stMain"),
    ("review_emerging", "/review?hot=emerging", "stMain"),
    ("about", "/about", "stMain"),
]


@pytest.mark.parametrize(("name", "path", "wait_for"), THAI_PAGES)
def test_no_thai_page_names_an_operators_or_a_methods_word(
    server: str, page: tuple[object, list[str]], name: str, path: str, wait_for: str
) -> None:
    tab, outside = page
    opened(tab, server + path, wait_for=wait_for)
    skip = i18n.t("how_computed", "th")
    texts = [tab.evaluate(SHOWN_TEXT, skip)]  # type: ignore[attr-defined]
    multiselect = tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"] input')  # type: ignore[attr-defined]
    if multiselect.count():  # the open list of categories, and one that finds nothing
        multiselect.first.click()
        tab.wait_for_timeout(500)  # type: ignore[attr-defined]
        texts.append(tab.evaluate(SHOWN_TEXT, skip))  # type: ignore[attr-defined]
        multiselect.first.fill("qqq")
        tab.wait_for_timeout(500)  # type: ignore[attr-defined]
        texts.append(tab.evaluate(SHOWN_TEXT, skip))  # type: ignore[attr-defined]
        tab.keyboard.press("Escape")  # type: ignore[attr-defined]
    for frame in tab.frames:  # type: ignore[attr-defined]
        if frame != tab.main_frame and "st_folium" in frame.url:  # type: ignore[attr-defined]
            texts.append(frame.evaluate(SHOWN_TEXT, skip))
    text = " ".join(texts)
    heading = tab.locator('[data-testid="stMain"] h1').first.inner_text()  # type: ignore[attr-defined]
    assert heading and heading in text  # the page was read
    found = {word for word in FORBIDDEN if word.lower() in text.lower()}
    assert found == set(), [text[max(0, text.lower().find(w.lower()) - 80) :][:160] for w in found]
    assert outside == []


def test_streamlits_own_words_are_thai_on_a_thai_page(
    server: str, page: tuple[object, list[str]]
) -> None:
    tab, _ = page
    opened(tab, server + "/tickets")
    sidebar = tab.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
    parts = sidebar.locator('[data-testid="stDateInputField"] [data-placeholder="true"]')
    shown = [
        json.loads(p.evaluate("e => getComputedStyle(e, '::before').content"))
        for p in parts.all()[:3]
    ]
    assert shown == i18n.t("date_mask", "th").split("-")
    assert parts.first.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    field = sidebar.locator('[data-testid="stMultiSelect"] input').first
    field.click()
    dropdown = tab.locator('[data-testid="stMultiSelectDropdown"]')  # type: ignore[attr-defined]
    dropdown.wait_for()
    assert "Select all" not in dropdown.inner_text()
    assert "ถนน" in dropdown.inner_text()  # the categories are listed
    field.fill("qqq")
    empty = dropdown.locator('[data-empty="true"] [role="option"] span').first
    empty.wait_for()
    assert empty.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    after = empty.evaluate("e => getComputedStyle(e, '::after').content")
    assert json.loads(after) == i18n.t("no_matches", "th")
    tab.screenshot(path=str(SHOTS / "shell_no_matches.png"))  # type: ignore[attr-defined]


# --- a legend for every layer, readable on a phone -----------------------------------------

LAYERS = [
    ("areas", "/", i18n.metric_label("open", "th")),
    ("heat", "/?heat=1", i18n.t("heat_legend", "th")),
    ("cells", f"/district?district={CROWDED}", i18n.t("legend_cells", "th")),
    ("points", "/district?district=1001", i18n.t("legend_points", "th")),
    ("recurrences", "/district?district=1001&recur=1", i18n.t("legend_recurrence", "th")),
]


def legends(tab: object, *, shapes: int) -> tuple[object, object]:
    """The map's frame and its legends, once drawn (the ticket layer's comes a moment later)."""
    frame = map_frame(tab, shapes=shapes)
    frame.locator(".khetmap-legend").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
    tab.wait_for_timeout(1500)  # type: ignore[attr-defined]
    return frame, frame.locator(".khetmap-legend")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("layer", "path", "title"), LAYERS)
def test_every_layer_a_map_draws_has_a_legend_that_a_phone_folds(
    server: str,
    browser: object,  # noqa: F811
    layer: str,
    path: str,
    title: str,
) -> None:
    shapes = 50 if path.startswith("/?") or path == "/" else 2
    with local_only(browser) as (tab, outside):
        tab.goto(server + path)  # type: ignore[attr-defined]
        _, found = legends(tab, shapes=shapes)
        texts = found.all_inner_texts()  # type: ignore[attr-defined]
        assert any(title in text for text in texts), texts
        assert i18n.t("legend_toggle", "th") not in " ".join(texts)  # wide: open, no button
        assert outside == []
    phone = browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    tab = phone.new_page()
    tab.goto(server + path)
    frame, found = legends(tab, shapes=shapes)
    mine = [i for i, text in enumerate(found.all_inner_texts()) if text.strip()]  # type: ignore[attr-defined]
    assert [found.nth(i).evaluate("d => d.open") for i in mine] == [False] * len(mine)
    assert all(found.nth(i).inner_text().strip() == i18n.t("legend_toggle", "th") for i in mine)
    legend = next(
        found.nth(i) for i in mine if title in found.nth(i).evaluate("d => d.textContent")
    )
    legend.locator("summary").click()
    assert legend.evaluate("d => d.open") and title in legend.inner_text()
    box, frame_box = legend.bounding_box(), frame.frame_element().bounding_box()  # type: ignore[attr-defined]
    assert box["width"] <= 0.6 * frame_box["width"] + 1, (box, frame_box)
    assert legend.evaluate("d => getComputedStyle(d).fontSize") == "11px"
    tab.screenshot(path=str(SHOTS / f"legend_phone_{layer}.png"))
    phone.close()
