"""A right-to-left override (or any direction control) from a link or the data never reaches
the page: it would reverse the app's own words around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from dashboard.ingest.load import ingest_files
from tests.apptest import grid_with, notice_lines, open_page, serving
from tests.fixtures import ticket, write_csv

RLO = "\u202e"


@pytest.fixture
def store(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A pothole reported, finished and reported again on one spot, its texts overridden."""
    rows = [
        ticket("R1", code="1001", state="เสร็จสิ้น", comment=f"หลุม{RLO}ลึก",
               timestamp="2022-06-01 03:00:00+00", last_activity="2022-06-02 03:00:00+00"),
        ticket("R2", code="1001", comment=f"หลุม{RLO}อีก", timestamp="2022-06-10 03:00:00+00",
               last_activity="2022-06-10 03:00:00+00"),
    ]  # fmt: skip
    for row in rows:
        row["address"] = f"ซอย{RLO}ลาดพร้าว 1"
    path = tmp_path / "store.duckdb"
    ingest_files(paths=[write_csv(tmp_path / "t.csv", rows)], store_path=path, data_dir=data_dir)
    with serving(path, monkeypatch):
        yield path


def test_an_override_in_a_parameter_name_is_not_in_the_notice(store: Path) -> None:
    at = open_page(None, lang="en", **{f"x{RLO}abc": "1"})
    assert notice_lines(at) == ["Ignored xabc=1 from the link: unknown parameter"]


def test_an_override_in_a_comment_is_not_in_the_ticket_list(store: Path) -> None:
    at = open_page("tickets", lang="en")
    grid = grid_with(at, "comment")
    assert isinstance(grid, pd.DataFrame)
    assert sorted(grid["comment"]) == ["หลุมลึก", "หลุมอีก"]


def test_an_override_in_an_address_is_not_in_the_recurrence_register(store: Path) -> None:
    at = open_page("district", lang="en", district="1001", section="week")
    assert not at.exception and not at.error
    grid = grid_with(at, "Place")
    assert isinstance(grid, pd.DataFrame)
    assert list(grid["Place"]) == ["Khwaeng 1001-1 · ซอยลาดพร้าว 1"]
