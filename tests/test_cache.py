"""The judged tickets of a district view are kept once and shared by every session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.ui import cache
from tests.fixtures import ticket, write_csv

AS_OF = datetime(2022, 7, 1, tzinfo=UTC)


@pytest.fixture
def served(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    rows = [
        ticket("A", timestamp="2022-06-01 03:00:00+00"),
        ticket("B", state="เสร็จสิ้น", timestamp="2022-06-02 03:00:00+00"),
        ticket("C", type_="{น้ำท่วม}", timestamp="2022-06-03 03:00:00+00"),
        ticket("D", code="1002", timestamp="2022-06-04 03:00:00+00"),
    ]
    store_path = tmp_path / "s.duckdb"
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", rows)], store_path=store_path, data_dir=data_dir
    )
    monkeypatch.setenv("KHETMAP_STORE", str(store_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield cache.version()
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_what_one_caller_does_to_its_judged_tickets_never_reaches_the_next_caller(
    served: str,
) -> None:
    filters = Filters(district="1001")
    first = cache.week_tickets(served, filters, AS_OF)
    pristine = first.copy(deep=True)
    assert sorted(first["ticket_id"]) == ["A", "B", "C"]

    # everything a page could do to the frame it was given
    first["days_overdue"] = -1
    first.loc[first["ticket_id"] == "A", "state"] = "changed"
    first.loc[first.index[-1], "target_days"] = 0
    del first["categories"]
    first.index = first.index[::-1]
    with pytest.raises(ValueError, match="read-only"):
        first["target_days"].to_numpy()[0] = 0

    second = cache.week_tickets(served, filters, AS_OF)
    pd.testing.assert_frame_equal(second, pristine)
    assert second is not first


def test_the_shared_judged_tickets_are_worked_out_once_per_view(
    served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Filters] = []
    query = cache._query

    def counted(function: object, **kwargs: object) -> object:
        calls.append(kwargs["filters"])  # type: ignore[arg-type]
        return query(function, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "_query", counted)
    one, other = Filters(district="1001"), Filters(district="1002")
    for _ in range(3):
        cache.week_tickets(served, one, AS_OF)
    assert list(cache.week_tickets(served, other, AS_OF)["ticket_id"]) == ["D"]
    assert calls == [one, other]
