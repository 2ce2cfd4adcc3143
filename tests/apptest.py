"""Shared AppTest plumbing: point the app at a store, open a page from a link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.render import urlstate

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


@contextmanager
def serving(store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The app reads `store` (no basemap), with every cache empty before and after."""
    monkeypatch.setenv("KHETMAP_STORE", str(store))
    monkeypatch.setenv("KHETMAP_TILES", "none")
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield store
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def open_page(page: str | None, **params: str | list[str]) -> AppTest:
    """Run the app as a link `/{page}?{params}` would open it."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    if page and page != "city":
        at.switch_page(urlstate.PAGES[page].file)
    return at.run()


def plain(markdown: str) -> str:
    """Markdown-escaped text as a reader sees it (without the joiners that break autolinks)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200d", "")


def notice_lines(at: object) -> list[str]:
    """The lines of the page's warnings as a reader sees them (one per item of a list)."""
    return [
        plain(re.sub(r"^- ", "", line))
        for warning in at.warning  # type: ignore[attr-defined]
        for line in warning.value.split("\n")
    ]


def grid_with(at: object, column: str) -> object:
    """The first data grid on the page that has `column` (pages show several)."""
    for grid in at.dataframe:  # type: ignore[attr-defined]
        if column in grid.value.columns:
            return grid.value
    raise AssertionError(f"no table with a {column!r} column")
