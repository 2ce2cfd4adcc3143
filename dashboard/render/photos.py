"""Ticket photos, shown only from Traffy's own photo hosts.

A ticket's photo URL names whatever host its author chose: an `<img>` of it makes every
visitor's browser fetch it there (a tracking pixel), and a link to it sends the reader
elsewhere. `shown` keeps a URL only when it is an https address on one of the allowed
hosts and paths (`config.photo_hosts`); the pages load and link that and nothing else (a
photo elsewhere is not shown at all). The URL is read strictly (a plain host: no user, port
or backslash; no dot segments), so the host a browser would ask is the host checked here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

PHOTO_URL = re.compile(
    r"https://(?P<host>[A-Za-z0-9.-]+)(?P<path>/[A-Za-z0-9._~%+/-]*)(?:\?[A-Za-z0-9._~%&=+/-]*)?"
)
DOT_SEGMENT = re.compile(r"(?:^|/)(?:\.|%2e){1,2}(?:/|$)|%2e|%2f|%5c", re.IGNORECASE)
"""`.`/`..` segments (also percent-encoded), which a browser resolves before asking."""


def _allowed(host: str, path: str, entry: str) -> bool:
    allowed_host, _, prefix = entry.partition("/")
    if host.lower() != allowed_host.lower():
        return False
    if not prefix:
        return len(path) > 1
    return path.startswith(f"/{prefix}/") and len(path) > len(prefix) + 2


def shown(url: object, *, hosts: Sequence[str]) -> str | None:
    """`url` when it is a photo on an allowed host (`host` or `host/path` entries), else None."""
    if not isinstance(url, str):
        return None
    found = PHOTO_URL.fullmatch(url.strip())
    if found is None or DOT_SEGMENT.search(found["path"]):
        return None
    if not any(_allowed(found["host"], found["path"], entry) for entry in hosts):
        return None
    return url.strip()


def shown_column(values: pd.Series, *, hosts: Sequence[str]) -> pd.Series:
    """A column of photo URLs for a table's link or image column: the shown ones, else ''."""
    return values.map(lambda url: shown(url, hosts=hosts) or "").astype(str)
