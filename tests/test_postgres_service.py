"""The city-wide shape on 127.0.0.1: two `khetmap run` processes on one PostgreSQL + PostGIS
database, a browser loading the district page on both every second while 1,000,000
synthetic tickets are ingested. No page error, no load much longer than a quiet one, and
both show the new data once the ingest commits. Bounded in time."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from dashboard import store
from dashboard.analysis import metrics
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.launcher import start_background
from tests.conftest import real_data_dir
from tests.test_browser import CHROMIUM, browser, free_port, local_only  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.realdata]
PAGE = "/district?district=1006&lang=en"
ROWS = 1_000_000
TIME_LIMIT = 420


def total_on(tab: object) -> str:
    """The headline "Total" card's figure, read with its label in one step: read one after
    the other, a rerun could swap the card in between (a "Total" label with the per-10k
    card's 1.2 once failed this test)."""
    cards = tab.eval_on_selector_all(  # type: ignore[attr-defined]
        '[data-testid="stMetric"]',
        """els => els.map(e => [
            (e.querySelector('[data-testid="stMetricLabel"]') || {}).innerText || '',
            (e.querySelector('[data-testid="stMetricValue"]') || {}).innerText || ''])""",
    )
    return next((str(value) for label, value in cards if label.strip() == "Total"), "")


def load(tab: object, url: str, deadline: float) -> tuple[float, str, list[str]]:
    """Open the page; return seconds until its figures show, the total, and any error."""
    started = time.monotonic()
    tab.goto(url)  # type: ignore[attr-defined]
    total = ""
    while not total and time.monotonic() < deadline:
        tab.wait_for_timeout(100)  # type: ignore[attr-defined]
        total = total_on(tab)
    errors = tab.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')  # type: ignore[attr-defined]
    return time.monotonic() - started, total, errors.all_inner_texts()


def test_two_app_processes_serve_while_a_million_tickets_are_ingested(
    postgres_server: str,
    browser: object,  # noqa: F811
    tmp_path: Path,
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    deadline = time.monotonic() + TIME_LIMIT
    data = real_data_dir()
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute("CREATE DATABASE service")
    url = postgres_server.rsplit("/", 1)[0] + "/service"
    ingest_files(paths=[data / "traffy_dump_format_sample.csv"], store_path=url, data_dir=data)
    synthetic = tmp_path / "million.csv"
    env = dict(os.environ, KHETMAP_DATA_DIR=str(data))
    subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "synth", "--rows", str(ROWS), "--out", str(synthetic), "--seed", "3"],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    servers = [
        start_background(
            store_path=url,
            port=free_port(),
            env={"KHETMAP_DATA_DIR": str(data), "KHETMAP_TILES": "none"},
        )
        for _ in range(2)
    ]
    ports = [int(s.args[s.args.index("--server.port") + 1]) for s in servers]  # type: ignore[index, union-attr]
    try:
        with local_only(browser) as (tab_a, _), local_only(browser) as (tab_b, _):
            tabs = list(
                zip((tab_a, tab_b), (f"http://127.0.0.1:{p}{PAGE}" for p in ports), strict=True)
            )
            quiet = [load(tab, page, deadline) for tab, page in tabs]
            before = {total for _, total, _ in quiet}
            assert len(before) == 1 and before != {""}, quiet

            writer_done = threading.Event()
            outcome: list[object] = []

            def write() -> None:
                try:
                    outcome.append(ingest_files(paths=[synthetic], store_path=url, data_dir=data))
                except Exception as exc:  # reported below
                    outcome.append(exc)
                finally:
                    writer_done.set()

            writer = threading.Thread(target=write)
            started = time.monotonic()
            writer.start()
            busy: list[tuple[float, str, list[str]]] = []
            while not writer_done.is_set() and time.monotonic() < deadline:
                for tab, page in tabs:
                    busy.append(load(tab, page, deadline))
                tab_a.wait_for_timeout(1000)  # type: ignore[attr-defined]
            writer.join(timeout=max(deadline - time.monotonic(), 1))
            ingest_seconds = time.monotonic() - started
            assert outcome and not isinstance(outcome[0], Exception), outcome

            with store.at(url).reader() as reader:
                expected = metrics.totals(reader, filters=Filters(district="1006")).total
            after = [load(tab, page, deadline) for tab, page in tabs]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)

    quiet_slowest = max(seconds for seconds, _, _ in quiet)
    busy_slowest = max(seconds for seconds, _, _ in busy)
    print(
        f"\ningest of {ROWS:,} rows into PostgreSQL: {ingest_seconds:.1f} s; "
        f"{len(busy)} page loads meanwhile, slowest {busy_slowest:.1f} s "
        f"(quiet: {quiet_slowest:.1f} s)"
    )
    assert len(busy) >= 4  # the pages were loading the whole time
    assert [e for _, _, errors in [*quiet, *busy, *after] for e in errors] == []
    whole = before | {f"{expected:,}"}  # the old data, or all of the new: never half an ingest
    assert all(total in whole for _, total, _ in busy), busy
    assert busy_slowest < max(4 * quiet_slowest, 15.0)  # the database never made a page wait
    assert {total for _, total, _ in after} == {f"{expected:,}"} != before  # new data, both apps
