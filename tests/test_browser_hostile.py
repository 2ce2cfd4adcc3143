"""Crafted links and hostile data in real Chromium: no foreign link, no foreign request.

Every page opens with crafted parameters over a store whose tickets hold photos on a foreign
host and URLs in their comments. Every request the tab makes (the map's frame included) is
recorded; Traffy's photo bucket is answered by a local stub, everything else outside
127.0.0.1 is refused and fails the test. Screenshots land in artifacts/screenshots/.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from PIL import Image

from dashboard.ingest.load import ingest_files
from dashboard.launcher import start_background
from tests.conftest import real_data_dir
from tests.fixtures import ticket, write_csv
from tests.test_browser import CHATUCHAK, SHOTS, browser, free_port, map_frame, wait_idle

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the shared Chromium fixture

BUCKET = "https://storage.googleapis.com/traffy_public_bucket/"
TRAFFY_PHOTO = BUCKET + "attachment/2023-05/khetmap-test-{}.jpg"
COMMENT = (
    "ดูรูปที่ https://evil.example/a หรือ www.evil.example "
    "![x](https://evil.example/x.png) ถามได้ที่ a@evil.example"
)
CRAFTED = {
    "u": "https://evil.example/a",
    "www.evil.example": "1",
    "mail": "a@evil.example",
    "x\u202eabc": "1",
}


def stub_photo() -> bytes:
    """A small orange square: what the stub of Traffy's bucket answers (seen in screenshots)."""
    buffer = io.BytesIO()
    Image.new("RGB", (48, 48), (230, 120, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PHOTO = stub_photo()


def fast_closure(ticket_id: str, minute: int, *, photo: str, photo_after: str) -> dict[str, str]:
    """A closure ten minutes after the report in Chatuchak, reopened and rated 1 (flagged)."""
    return ticket(
        ticket_id,
        coords=CHATUCHAK,
        state="เสร็จสิ้น",
        star="1",
        count_reopen="2",
        comment=COMMENT,
        timestamp=f"2023-05-12 13:{minute:02d}:00+00",
        last_activity=f"2023-05-12 13:{minute + 10:02d}:00+00",
        photo=photo,
        photo_after=photo_after,
    )


def query(params: dict[str, str]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dump sample and three fast closures in Chatuchak with foreign photos."""
    data = real_data_dir()
    SHOTS.mkdir(parents=True, exist_ok=True)
    folder = tmp_path_factory.mktemp("hostile")
    store = folder / "store.duckdb"
    rows = [
        fast_closure("EVIL-1", 30, photo="https://evil.example/pixel.png",
                     photo_after="https://www.evil.example/after.png"),
        fast_closure("EVIL-2", 31, photo=TRAFFY_PHOTO.format(1),
                     photo_after=BUCKET + "../evil_bucket/after.png"),
        fast_closure("EVIL-3", 32, photo="https://storage.googleapis.com/evil_bucket/pixel.png",
                     photo_after=TRAFFY_PHOTO.format(2)),
    ]  # fmt: skip
    hostile = write_csv(folder / "hostile.csv", rows)
    ingest_files(
        paths=[data / "traffy_dump_format_sample.csv", hostile], store_path=store, data_dir=data
    )
    port = free_port()
    process = start_background(
        store_path=store, port=port, env={"KHETMAP_DATA_DIR": str(data), "KHETMAP_TILES": "none"}
    )
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


class Watched:
    """A tab whose every request is recorded; Traffy's bucket answers from a local stub."""

    def __init__(self, browser: object) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1100})  # type: ignore[attr-defined]
        self.requests: list[str] = []
        self.photos: list[tuple[str, str | None]] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", self._route)
        self.tab = self.context.new_page()

    def _route(self, route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        if request.url.startswith(BUCKET):
            self.photos.append((request.url, request.headers.get("referer")))
            route.fulfill(status=200, content_type="image/png", body=PHOTO)  # type: ignore[attr-defined]
        elif local(request.url):
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not local(u) and not u.startswith(BUCKET)]

    def links(self) -> list[str]:
        """Every link's target in the page and its frames, map popups and tooltips included."""
        found: list[str] = []
        for frame in self.tab.frames:  # type: ignore[attr-defined]
            if "st_folium" in frame.url:
                frame.evaluate(OPEN_POPUPS)
            found += frame.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        return found

    def popup_text(self) -> str:
        return " ".join(
            frame.locator("#khetmap-popups").inner_text()
            for frame in self.tab.frames  # type: ignore[attr-defined]
            if "st_folium" in frame.url and frame.locator("#khetmap-popups").count()
        )

    def texts(self) -> str:
        return " ".join(
            frame.locator("body").inner_text()
            for frame in self.tab.frames  # type: ignore[attr-defined]
        )


OPEN_POPUPS = """() => {
  const box = document.getElementById('khetmap-popups') || document.createElement('div');
  box.id = 'khetmap-popups';
  const add = (c, layer) => {
    const shown = typeof c === 'function' ? c(layer) : c;
    if (typeof shown === 'string') box.insertAdjacentHTML('beforeend', shown + '<hr>');
    else if (shown) box.appendChild(shown.cloneNode(true));
  };
  const visit = (layer, group) => {  // a group's popup or tooltip is written for each member
    if (layer.getLayers) { layer.getLayers().forEach(member => visit(member, layer)); return; }
    for (const owner of [layer, group]) {
      if (!owner) continue;
      if (owner.getPopup && owner.getPopup()) add(owner.getPopup().getContent(), layer);
      if (owner.getTooltip && owner.getTooltip()) add(owner.getTooltip().getContent(), layer);
    }
  };
  for (const name in window) {
    const map = window[name];
    if (name.startsWith('map_') && map && typeof map.eachLayer === 'function') {
      map.eachLayer(layer => visit(layer, null));
    }
  }
  document.body.appendChild(box);
}"""
"""Write every popup and tooltip of the map into the page, as Leaflet would on a click."""


def local(url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlsplit(url).hostname == "127.0.0.1"


@pytest.fixture
def watched(browser: object) -> Iterator[Watched]:
    opened = Watched(browser)
    try:
        yield opened
    finally:
        opened.context.close()


def settle(tab: object, title: str) -> None:
    tab.get_by_role("heading", name=title).first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
    wait_idle(tab)


def warnings(tab: object) -> list[str]:
    """The text of each warning on the page (its icon aside)."""
    shown = '[data-testid="stAlertContentWarning"] [data-testid="stMarkdownContainer"]'
    return tab.locator(shown).all_inner_texts()  # type: ignore[attr-defined, no-any-return]


PAGES = [
    ("", "City overview"),
    ("district", "District"),
    ("tickets", "Tickets"),
    ("review", "City review"),
    ("about", "About the data"),
]


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_a_crafted_link_makes_no_foreign_link_or_request_on_any_page(
    server: str, watched: Watched, path: str, title: str
) -> None:
    params = {"lang": "en", "district": "![x](https://evil.example/x.png)", **CRAFTED}
    if path == "review":
        params |= {"min_n": "5"}
    watched.tab.goto(f"{server}/{path}?{query(params)}")  # type: ignore[attr-defined]
    settle(watched.tab, title)
    shown = warnings(watched.tab)
    assert len(shown) == 1, shown
    assert shown[0].replace("\u200d", "").splitlines() == [
        "Ignored mail=a@evil.example from the link: unknown parameter",
        "Ignored u=https://evil.example/a from the link: unknown parameter",
        "Ignored www.evil.example=1 from the link: unknown parameter",
        "Ignored xabc=1 from the link: unknown parameter",
        "Ignored district=![x](https://evil.example/x.png) from the link: "
        "not a Bangkok district code (1001–1050)",
    ]
    if path == "review":  # the flagged tickets' thumbnails: only the bucket's, no Referer
        deadline = time.monotonic() + 30
        while len({u for u, _ in watched.photos}) < 2 and time.monotonic() < deadline:
            watched.tab.wait_for_timeout(300)  # type: ignore[attr-defined]
        asked = dict(watched.photos)
        assert {TRAFFY_PHOTO.format(1), TRAFFY_PHOTO.format(2)} <= set(asked), asked
        assert set(asked.values()) == {None}, asked
        flagged = watched.tab.locator('[data-testid="stDataFrame"]').last  # type: ignore[attr-defined]
        flagged.scroll_into_view_if_needed()
        watched.tab.wait_for_timeout(1000)  # type: ignore[attr-defined]
        flagged.screenshot(path=str(SHOTS / "hostile_review_flagged.png"))
    if path == "":
        watched.tab.screenshot(path=str(SHOTS / "hostile_notice.png"))  # type: ignore[attr-defined]
    assert [u for u in watched.links() if "evil" in u] == []
    assert "\u202e" not in watched.texts()
    assert watched.foreign() == []


def test_the_district_map_of_hostile_tickets_links_and_loads_nothing_foreign(
    server: str, watched: Watched
) -> None:
    watched.tab.goto(f"{server}/district?district=1030&lang=en&{query(CRAFTED)}")  # type: ignore[attr-defined]
    map_frame(watched.tab, shapes=5)
    wait_idle(watched.tab)
    links = watched.links()
    popups = watched.popup_text()
    assert all(f"EVIL-{n}" in popups for n in (1, 2, 3)), popups[:500]
    assert "https://evil.example/a" in popups.replace("\u200d", "")  # the comment, as text
    assert [u for u in links if "evil" in u] == []
    assert TRAFFY_PHOTO.format(1) in links and TRAFFY_PHOTO.format(2) in links
    assert len(warnings(watched.tab)) == 1
    assert "\u202e" not in watched.texts()
    assert watched.foreign() == []


def test_three_hundred_unknown_parameters_make_one_notice(server: str, watched: Watched) -> None:
    params = {"lang": "en"} | {f"p{i:03d}": "1" for i in range(300)}
    watched.tab.goto(f"{server}/about?{query(params)}")  # type: ignore[attr-defined]
    settle(watched.tab, "About the data")
    shown = warnings(watched.tab)
    assert len(shown) == 1, len(shown)
    assert shown[0].splitlines() == [
        *(f"Ignored p{i:03d}=1 from the link: unknown parameter" for i in range(5)),
        "and 295 more values from the link were ignored",
    ]
    watched.tab.screenshot(path=str(SHOTS / "notice_300.png"))  # type: ignore[attr-defined]
    assert watched.foreign() == []


@pytest.mark.parametrize(
    ("lat", "lon", "zoom"),
    [("๑๓.๘", "100.55", "12"), ("1_3.8", "100.55", "12"), ("13.8", "100.55", "1_2")],
)
def test_a_map_view_in_thai_digits_or_with_underscores_gives_a_notice_and_the_default(
    server: str, watched: Watched, lat: str, lon: str, zoom: str
) -> None:
    watched.tab.goto(f"{server}/?{query({'lang': 'en', 'lat': lat, 'lon': lon, 'zoom': zoom})}")  # type: ignore[attr-defined]
    settle(watched.tab, "City overview")
    assert warnings(watched.tab) == [
        f"Ignored lat/lon/zoom={lat},{lon},{zoom} from the link: not numbers"
    ]
    map_frame(watched.tab, shapes=50)
    assert "lat=" not in watched.tab.url and "zoom=" not in watched.tab.url  # type: ignore[attr-defined]
