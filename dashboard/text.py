"""Text from a file, the feed or a link, made inert for display.

Streamlit renders Markdown (links, images, emphasis, LaTeX with `$`) in titles, captions,
notices and `st.write`; `inert` escapes every character that Markdown or HTML would act
on, so such text always shows as the characters it is. `neutralise_cell` does the same
for spreadsheets: a cell that starts like a formula is prefixed so it stays text (OWASP
CSV injection guidance).
"""

from __future__ import annotations

import html
import re

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def inert(text: object) -> str:
    """Return `text` escaped so that Markdown and HTML show it literally."""
    value = html.unescape(str(text))  # entities would be decoded by the renderer
    value = MARKDOWN_SPECIALS.sub(r"\\\1", value)
    return value.replace("\n", " ")


def neutralise_cell(value: object) -> object:
    """Return a spreadsheet cell value that cannot start a formula (text only; others as is)."""
    if not isinstance(value, str) or not value:
        return value
    if value.lstrip(" ").startswith(FORMULA_START) or value.startswith(FORMULA_START):
        return "'" + value
    return value
