"""Load test on 127.0.0.1, bounded in time: a busy dashboard never locks out the ingest.

15 real browser sessions keep re-running the district page (each keypress is a rerun over
its websocket) while `khetmap ingest` upserts 100,000 synthetic rows into the store they
read. The ingest must finish (it writes a copy and renames it into place, so it never
waits on the readers' locks), no session may show an error, and every session must show
the new data afterwards. The figures are printed next to the idle-dashboard ingest.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dashboard.ingest.load import ingest_files
from tests.conftest import real_data_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from bench_concurrency import CHROMIUM, run

pytestmark = [pytest.mark.browser, pytest.mark.realdata]


def test_fifteen_busy_sessions_never_lock_out_an_ingest_of_100k_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    data = real_data_dir()
    store = tmp_path / "store.duckdb"
    ingest_files(paths=[data / "traffy_sample.csv.gz"], store_path=store, data_dir=data)
    figures = run(store=store, data_dir=data, sessions=15, rows=100_000)
    with capsys.disabled():
        print("\n" + figures.report())
    assert figures.busy_ingest_seconds > 0 and figures.reruns_requested >= 15
    assert figures.page_errors == []
    assert figures.sessions_showing_new_data == 15
