"""A busy dashboard and the daily ingest: the ingest never waits on readers.

Measured in one run, on 127.0.0.1 only and bounded in time:
1. `khetmap ingest` of N synthetic rows into a copy of the store, no dashboard running (idle);
2. the same ingest into the store a dashboard serves while S browser sessions (real
   Chromium, one websocket each) keep re-running the district page (busy).
Then every session must show the new data, and no session may have shown an error.

    python bench/bench_concurrency.py --store data/khetmap.duckdb --sessions 15 --rows 100000
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGE = "/district?district=1006&lang=en"
TIME_LIMIT_SECONDS = 240


@dataclass
class Figures:
    sessions: int
    rows: int
    idle_ingest_seconds: float = 0.0
    busy_ingest_seconds: float = 0.0
    reruns_requested: int = 0
    page_errors: list[str] = field(default_factory=list)
    sessions_showing_new_data: int = 0
    seconds_until_all_show_new_data: float = 0.0

    def report(self) -> str:
        return "\n".join(
            [
                f"ingest of {self.rows:,} rows, dashboard idle:            {self.idle_ingest_seconds:6.1f} s",
                f"ingest of {self.rows:,} rows, {self.sessions} sessions re-running: {self.busy_ingest_seconds:6.1f} s",
                f"reruns requested while it ran:                   {self.reruns_requested:6d}",
                f"page errors:                                     {len(self.page_errors):6d}",
                f"sessions showing the new data afterwards:        {self.sessions_showing_new_data:3d} / {self.sessions}"
                f" (all within {self.seconds_until_all_show_new_data:.1f} s)",
            ]
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ingest(store: Path, source: Path, data_dir: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "ingest", str(source), "--store", str(store)],
        check=True,
        env=dict(os.environ, KHETMAP_DATA_DIR=str(data_dir)),
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def kpi(tab: object, label: str) -> str:
    for metric in tab.locator('[data-testid="stMetric"]').all():  # type: ignore[attr-defined]
        if metric.locator('[data-testid="stMetricLabel"]').inner_text().strip() == label:
            return str(metric.locator('[data-testid="stMetricValue"]').inner_text())
    return ""


def errors_on(tab: object) -> list[str]:
    found = tab.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')  # type: ignore[attr-defined]
    return list(found.all_inner_texts())


def run(*, store: Path, data_dir: Path, sessions: int, rows: int) -> Figures:
    """Measure idle and busy ingest of `rows` synthetic tickets into (a copy of) `store`."""
    from playwright.sync_api import sync_playwright

    from dashboard.launcher import start_background

    figures = Figures(sessions=sessions, rows=rows)
    deadline = time.monotonic() + TIME_LIMIT_SECONDS
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "more.csv"
        subprocess.run(
            [sys.executable, "-m", "dashboard.cli", "synth", "--rows", str(rows), "--out", str(source), "--seed", "9"],
            check=True,
            env=dict(os.environ, KHETMAP_DATA_DIR=str(data_dir)),
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        idle_store = work / "idle.duckdb"
        shutil.copyfile(store, idle_store)
        figures.idle_ingest_seconds = ingest(idle_store, source, data_dir)

        busy_store = work / "busy.duckdb"
        shutil.copyfile(store, busy_store)
        port = free_port()
        server = start_background(
            store_path=busy_store,
            port=port,
            env={"KHETMAP_DATA_DIR": str(data_dir), "KHETMAP_TILES": "none"},
        )
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                context = browser.new_context(viewport={"width": 1200, "height": 900})
                context.route(
                    "**/*",
                    lambda route: route.continue_()
                    if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                    else route.abort(),
                )  # fmt: skip
                tabs = [context.new_page() for _ in range(sessions)]
                for tab in tabs:
                    tab.goto(f"http://127.0.0.1:{port}{PAGE}")
                before = ""
                while not before and time.monotonic() < deadline:
                    tabs[-1].wait_for_timeout(500)
                    before = kpi(tabs[-1], "Total")
                for tab in tabs:
                    while not kpi(tab, "Total") and time.monotonic() < deadline:
                        tab.wait_for_timeout(300)

                writer = subprocess.Popen(
                    [sys.executable, "-m", "dashboard.cli", "ingest", str(source), "--store", str(busy_store)],
                    env=dict(os.environ, KHETMAP_DATA_DIR=str(data_dir)),
                    stdout=subprocess.DEVNULL,
                )  # fmt: skip
                started = time.monotonic()
                while writer.poll() is None and time.monotonic() < deadline:
                    for tab in tabs:  # each keypress asks its session to re-run the page
                        tab.locator("body").press("r")
                        figures.reruns_requested += 1
                    tabs[0].wait_for_timeout(200)
                if writer.poll() is None:
                    writer.kill()
                    raise AssertionError("the ingest did not finish in the time limit")
                figures.busy_ingest_seconds = time.monotonic() - started
                assert writer.returncode == 0, f"ingest failed with exit {writer.returncode}"

                waited = time.monotonic()
                fresh: set[int] = set()
                while len(fresh) < sessions and time.monotonic() < deadline:
                    for index, tab in enumerate(tabs):
                        if index not in fresh and kpi(tab, "Total") not in ("", before):
                            fresh.add(index)
                    tabs[0].wait_for_timeout(500)
                figures.sessions_showing_new_data = len(fresh)
                figures.seconds_until_all_show_new_data = time.monotonic() - waited
                for tab in tabs:
                    figures.page_errors += errors_on(tab)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True, help="a store to copy (not changed)")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("KHETMAP_DATA_DIR", "data"))
    )
    parser.add_argument("--sessions", type=int, default=15)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    print(
        run(
            store=args.store, data_dir=args.data_dir, sessions=args.sessions, rows=args.rows
        ).report()
    )


if __name__ == "__main__":
    main()
