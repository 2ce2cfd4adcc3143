"""Ticket photos load and link only from Traffy's own photo hosts (`KHETMAP_PHOTO_HOSTS`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from dashboard import config
from dashboard.ingest.load import ingest_files
from dashboard.render import photos, style
from dashboard.ui.shell import PAGE_HEADS
from tests.apptest import grid_with, open_page, serving
from tests.fixtures import ticket, write_csv

TRAFFY = "https://storage.googleapis.com/traffy_public_bucket/attachment/2023-05/684af9ee.jpg"
HOSTS = config.TRAFFY_PHOTO_HOSTS


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/x.png",
        "http://storage.googleapis.com/traffy_public_bucket/attachment/a.jpg",
        "https://storage.googleapis.com/another_bucket/pixel.png",
        "https://storage.googleapis.com/traffy_public_bucket_evil/pixel.png",
        "https://storage.googleapis.com/traffy_public_bucket/",
        "https://storage.googleapis.com/traffy_public_bucket/../another_bucket/pixel.png",
        "https://storage.googleapis.com/traffy_public_bucket/%2e%2e/another_bucket/pixel.png",
        "https://storage.googleapis.com/traffy_public_bucket/.%2E/another_bucket/pixel.png",
        "https://storage.googleapis.com@evil.example/traffy_public_bucket/a.jpg",
        "https://evil.example\\@storage.googleapis.com/traffy_public_bucket/a.jpg",
        "https://storage.googleapis.com:8443/traffy_public_bucket/a.jpg",
        "https://storage.googleapis.com.evil.example/traffy_public_bucket/a.jpg",
        "https://storage.googleapis.com/traffy_public_bucket/a b.jpg",
        "https://storage.googleapis.com/traffy_\tpublic_bucket/a.jpg",
        "//storage.googleapis.com/traffy_public_bucket/a.jpg",
        "javascript:alert(1)",
        "",
    ],
)
def test_a_photo_anywhere_but_traffys_bucket_is_not_shown(url: str) -> None:
    assert photos.shown(url, hosts=HOSTS) is None


@pytest.mark.parametrize(
    "url",
    [
        TRAFFY,
        "https://storage.googleapis.com/traffy_public_bucket/attachment/2022-05/369864c05fc2.jpg",
        "https://STORAGE.googleapis.com/traffy_public_bucket/a.jpg?w=200",
    ],
)
def test_a_photo_in_traffys_bucket_is_shown_as_it_is(url: str) -> None:
    assert photos.shown(url, hosts=HOSTS) == url


def test_non_text_photo_values_are_not_shown() -> None:
    assert [photos.shown(v, hosts=HOSTS) for v in (None, float("nan"), 3)] == [None, None, None]


def test_the_photo_hosts_come_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KHETMAP_PHOTO_HOSTS", raising=False)
    assert config.photo_hosts() == ("storage.googleapis.com/traffy_public_bucket",)
    monkeypatch.setenv("KHETMAP_PHOTO_HOSTS", " photos.city.example , cdn.example/open311/ ,")
    assert config.photo_hosts() == ("photos.city.example", "cdn.example/open311")
    hosts = config.photo_hosts()
    assert photos.shown("https://photos.city.example/1.jpg", hosts=hosts)
    assert photos.shown("https://cdn.example/open311/1.jpg", hosts=hosts)
    assert photos.shown("https://cdn.example/other/1.jpg", hosts=hosts) is None
    assert photos.shown(TRAFFY, hosts=hosts) is None
    monkeypatch.setenv("KHETMAP_PHOTO_HOSTS", "")
    assert config.photo_hosts() == ()
    assert photos.shown(TRAFFY, hosts=config.photo_hosts()) is None


def test_a_photo_column_keeps_only_the_shown_urls() -> None:
    column = pd.Series([TRAFFY, "https://evil.example/x.png", None, ""])
    assert list(photos.shown_column(column, hosts=HOSTS)) == [TRAFFY, "", "", ""]


def test_a_popup_links_traffys_photo_without_referrer_and_leaves_a_foreign_one_out() -> None:
    popup = style.ticket_popup_html(
        {
            "ticket_id": "2023-ABCDEF",
            "categories": ["ถนน"],
            "state": "finished",
            "age_days": 1,
            "comment": "ดู https://evil.example/a",
            "photo": "https://evil.example/pixel.png",
            "photo_after": TRAFFY,
        },
        lang="en",
        photo_hosts=HOSTS,
    )
    assert "evil.example/pixel" not in popup
    assert (
        f'<a href="{TRAFFY}" target="_blank" rel="noopener noreferrer" '
        'referrerpolicy="no-referrer">After</a>'
    ) in popup
    assert ">Photo</a>" not in popup


FOREIGN = "https://evil.example/pixel.png"


@pytest.fixture
def store(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Two fast closures in district 1030: one with its photo elsewhere, one in the bucket."""
    finished = {"state": "เสร็จสิ้น", "code": "1030", "timestamp": "2022-06-01 03:00:00+00"}
    rows = [
        ticket("F-EVIL", **finished, last_activity="2022-06-01 03:20:00+00", photo=FOREIGN,
               photo_after=TRAFFY),
        ticket("F-GOOD", **finished, last_activity="2022-06-01 03:10:00+00", photo=TRAFFY,
               photo_after="https://evil.example/after.png"),
    ]  # fmt: skip
    monkeypatch.delenv("KHETMAP_PHOTO_HOSTS", raising=False)
    path = tmp_path / "store.duckdb"
    ingest_files(paths=[write_csv(tmp_path / "t.csv", rows)], store_path=path, data_dir=data_dir)
    with serving(path, monkeypatch):
        yield path


def photo_cells(grid: object, *columns: str) -> dict[str, list[tuple[str, str]]]:
    assert isinstance(grid, pd.DataFrame)
    ids = list(grid["ticket_id"])
    return {c: sorted(zip(ids, grid[c], strict=True)) for c in columns}


def test_the_review_pages_flagged_tickets_show_no_foreign_photo(store: Path) -> None:
    at = open_page("review", lang="en", min_n="1")
    assert not at.exception and not at.error
    grid = grid_with(at, "public_page")  # one pair of photos (thumbnails or links), not two
    assert "photo_link" not in grid.columns and "photo_after_link" not in grid.columns
    assert photo_cells(grid, "photo", "photo_after") == {
        "photo": [("F-EVIL", ""), ("F-GOOD", TRAFFY)],
        "photo_after": [("F-EVIL", TRAFFY), ("F-GOOD", "")],
    }


def test_the_ticket_list_links_no_foreign_photo(store: Path) -> None:
    at = open_page("tickets", lang="en")
    assert not at.exception and not at.error
    grid = grid_with(at, "photo_after")
    assert photo_cells(grid, "photo", "photo_after") == {
        "photo": [("F-EVIL", ""), ("F-GOOD", TRAFFY)],
        "photo_after": [("F-EVIL", TRAFFY), ("F-GOOD", "")],
    }


def test_every_page_asks_the_browser_to_send_no_referrer(store: Path) -> None:
    at = open_page("about", lang="en")
    heads = [m.value for m in at.sidebar.markdown if m.value in PAGE_HEADS.values()]
    assert heads == [PAGE_HEADS[False, "en"]]
    assert heads[0].startswith('<meta name="referrer" content="no-referrer">')
