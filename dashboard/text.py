"""Text from a file, the feed or a link, made inert for display.

Streamlit renders Markdown (links, images, emphasis, LaTeX with `$`) in titles, captions,
notices and `st.write`; `inert` escapes every character that Markdown or HTML would act
on, so such text always shows as the characters it is. Escaping does not stop GitHub's
autolinks: Streamlit's renderer turns a bare `https://…`, `www.…` or `name@host.tld` in the
text it has already unescaped into a link, so `inert` also puts an invisible zero-width
joiner inside each of them. `plain` drops the characters that change the direction of the
text around them (a right-to-left override in a link would reverse the app's own words);
`inert` does too. `neutralise_cell` does the same for spreadsheets: a cell that starts like
a formula is prefixed so it stays text (OWASP CSV injection guidance).
"""

from __future__ import annotations

import html
import re

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
"""Embeddings, overrides, isolates and the direction marks (left-to-right, right-to-left,
Arabic letter mark)."""
ZERO_WIDTH_JOINER = "\u200d"
AUTOLINK_STARTS = re.compile(r"(?<=:)(?=//)|(?i:(?<=www)(?=\.))|(?<=@)")
"""Where an autolink is recognised: `://` after a scheme, `www.`, the `@` of an address.
A zero-width joiner there breaks the pattern and shows nothing."""


def plain(text: object) -> str:
    """Return `text` without bidirectional control characters (for tables, popups, tooltips)."""
    return BIDI_CONTROLS.sub("", str(text))


def inert(text: object) -> str:
    """Return `text` escaped so that Markdown and HTML show it literally and nothing in it
    becomes a link."""
    value = plain(html.unescape(str(text)))  # entities would be decoded by the renderer
    value = AUTOLINK_STARTS.sub(ZERO_WIDTH_JOINER, value)
    value = MARKDOWN_SPECIALS.sub(r"\\\1", value)
    return value.replace("\n", " ")


def html_cell(text: object) -> str:
    """Return `text` for a cell of an HTML table the page writes itself: escaped, without
    direction controls, and with no bare address left to be made a link."""
    value = AUTOLINK_STARTS.sub(ZERO_WIDTH_JOINER, plain(str(text)))
    return html.escape(value)


def neutralise_cell(value: object) -> object:
    """Return a spreadsheet cell value that cannot start a formula (text only; others as is)."""
    if not isinstance(value, str) or not value:
        return value
    if value.lstrip(" ").startswith(FORMULA_START) or value.startswith(FORMULA_START):
        return "'" + value
    return value


CREDENTIALS_IN_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/?#\s]*)@")
SECRET_PARAMETER = re.compile(
    r"(?P<name>[?&;][^=&#\s]*(?:key|token|secret|passw|pwd|sig|auth)[^=&#\s]*=)[^&#\s]*",
    re.IGNORECASE,
)


def mask_credentials(text: str) -> str:
    """Return `text` with every URL's password (or lone user token) and secret-looking
    query values shown as `***`: for logs, stored summaries and error lines.

    `postgresql://app:s3cret@db/k` → `postgresql://app:***@db/k`; `https://TOKEN@host` →
    `https://***@host`; `?api_key=abc` → `?api_key=***`.
    """

    def userinfo(found: re.Match[str]) -> str:
        user, has_password, _password = found["userinfo"].partition(":")
        shown = f"{user}:***" if has_password else "***"
        return f"{found['scheme']}{shown}@"

    return SECRET_PARAMETER.sub(r"\g<name>***", CREDENTIALS_IN_URL.sub(userinfo, text))
