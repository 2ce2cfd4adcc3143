"""Many sessions changing filters at once: a bounded load test on 127.0.0.1.

The dashboard runs as users run it (`streamlit run`, one server process). Each simulated
session is one websocket speaking Streamlit's own protocol (the `BackMsg`/`ForwardMsg`
protobufs the browser sends and receives), without a browser: a browser per session would
take the 2 cores the server is measured on. Every session first opens the district page
(spread over 10 s; "open s"). Once all have, each changes a filter every `--every` seconds,
its start spread over one period (a link with filters it has not used before, so every
filter-dependent query misses the cache), waiting for a run to finish before the next, as
a user does. Changes are offered for `--seconds`; the runs in flight then finish.

Printed per store: reruns offered and completed, rerun time median / p95 / max (from the
message sent to Streamlit's `script_finished`), errors (exceptions or error boxes drawn,
runs that did not finish), and the server's peak RSS.

Usage: python bench/bench_load.py --store 1M=/tmp/s_1m.duckdb --store 10M=/tmp/s_10m.duckdb
       [--sessions 50] [--every 10] [--seconds 60]
Needs KHETMAP_DATA_DIR.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE = "district"
DISTRICTS = ("1030", "1006", "1012", "1033", "1043")
STATES = ("all", "open", "finished")
CATEGORIES = ("", "ถนน", "น้ำท่วม", "ทางเท้า", "แสงสว่าง", "ความสะอาด")
RUN_TIMEOUT_SECONDS = 300.0
OPEN_TIMEOUT_SECONDS = 60.0
OPENING_SPREAD_SECONDS = 10.0
"""sessions open the page spread over this long, before the measured filter changes"""
"""a browser keeps trying to connect; this long, the page counts as not opening"""


@dataclass
class Figures:
    sessions: int
    every: float
    seconds: float
    offered: int = 0
    runs: list[float] = field(default_factory=list)
    first_runs: list[float] = field(default_factory=list)
    late: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    wall_seconds: float = 0.0
    begin: float = 0.0
    """when every session had opened the page: the filter changes start"""

    def row(self, label: str) -> str:
        runs = sorted(self.runs)
        p95 = runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))] if runs else float("nan")
        median = statistics.median(runs) if runs else float("nan")
        first = statistics.median(self.first_runs) if self.first_runs else float("nan")
        rate = len(runs) / self.wall_seconds if self.wall_seconds else 0.0
        return (
            f"{label:<6}{self.sessions:>9}{self.offered:>9}{len(runs):>10}{self.wall_seconds:>8.0f}"
            f"{rate:>9.2f}"
            f"{first:>10.2f}{median:>9.2f}{p95:>9.2f}{(runs[-1] if runs else float('nan')):>9.2f}"
            f"{len(self.errors):>8}{self.peak_rss_mb:>10.0f}"
        )


HEADER = (
    f"{'store':<6}{'sessions':>9}{'changes':>9}{'completed':>10}{'wall s':>8}{'runs/s':>9}"
    f"{'open s':>10}{'p50 s':>9}{'p95 s':>9}{'max s':>9}{'errors':>8}{'RSS MB':>10}"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def filters_for(session: int, step: int) -> str:
    """A link to the district page with a filter set this session has not used before."""
    rng = random.Random(session * 1000 + step)
    district = DISTRICTS[session % len(DISTRICTS)]
    since = f"2022-{1 + (session + step) % 12:02d}-{1 + (session * 7 + step) % 28:02d}"
    parts = [f"district={district}", "lang=th", f"since={since}"]
    state = rng.choice(STATES)
    if state != "all":
        parts.append(f"state={state}")
    category = rng.choice(CATEGORIES)
    if category:
        parts.append(f"category={category}")
    return "&".join(parts)


async def one_run(ws: object, query: str, errors: list[str]) -> float:
    """Ask for a run of the page with `query`; its seconds until Streamlit says it finished."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = PAGE
    started = time.perf_counter()
    await ws.send(message.SerializeToString())  # type: ignore[attr-defined]
    while True:
        received = ForwardMsg()
        received.ParseFromString(
            await asyncio.wait_for(ws.recv(), RUN_TIMEOUT_SECONDS)  # type: ignore[attr-defined]
        )
        kind = received.WhichOneof("type")
        if kind == "delta" and received.delta.WhichOneof("type") == "new_element":
            element = received.delta.new_element
            if element.WhichOneof("type") == "exception":
                errors.append(f"{query}: {element.exception.type}: {element.exception.message}")
            elif element.WhichOneof("type") == "alert" and element.alert.format == 1:  # ERROR
                errors.append(f"{query}: {element.alert.body[:200]}")
        if kind == "script_finished":
            if received.script_finished not in (0, 3):  # finished, or a fragment's run
                errors.append(f"{query}: run ended with status {received.script_finished}")
            return time.perf_counter() - started


async def session(number: int, port: int, figures: Figures, opened: asyncio.Barrier) -> None:
    """Open the page, wait until every session has, then change a filter every period."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import WebSocketException
    from websockets.typing import Subprotocol

    await asyncio.sleep(OPENING_SPREAD_SECONDS * number / figures.sessions)
    step, connected, waited = 0, False, False
    try:
        async with connect(
            f"ws://127.0.0.1:{port}/_stcore/stream",
            subprotocols=[Subprotocol("streamlit")],
            max_size=None,
            open_timeout=OPEN_TIMEOUT_SECONDS,
            ping_interval=None,  # a browser sends no websocket pings either
        ) as ws:
            connected = True
            figures.first_runs.append(await one_run(ws, filters_for(number, 0), figures.errors))
            step = 1
            waited = True
            await opened.wait()
            begin = figures.begin
            due = begin + figures.every * number / figures.sessions  # spread over one period
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            while due < begin + figures.seconds:
                figures.offered += 1
                figures.late.append(max(0.0, time.monotonic() - due))
                figures.runs.append(await one_run(ws, filters_for(number, step), figures.errors))
                step += 1
                due += figures.every
                await asyncio.sleep(max(0.0, due - time.monotonic()))
    except (TimeoutError, OSError, WebSocketException) as problem:
        what = f"run {step}" if connected else "connecting"
        figures.errors.append(f"session {number}, {what}: {type(problem).__name__} {problem}")
        if not waited:
            await opened.wait()  # the others are not kept waiting for a session that failed


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(store: Path, *, sessions: int, every: float, seconds: float) -> Figures:
    from dashboard.launcher import start_background

    port = free_port()
    server = start_background(
        store_path=store,
        port=port,
        env={"KHETMAP_TILES": "none", "KHETMAP_DATA_DIR": os.environ.get("KHETMAP_DATA_DIR", "")},
        timeout=120,
    )
    # drain the server's output so that it never blocks on a full pipe
    threading.Thread(target=lambda: server.stdout and server.stdout.read(), daemon=True).start()
    figures = Figures(sessions=sessions, every=every, seconds=seconds)
    done = threading.Event()

    def watch_memory() -> None:
        while not done.is_set():
            figures.peak_rss_mb = max(figures.peak_rss_mb, rss_mb(server.pid))
            time.sleep(0.25)

    watcher = threading.Thread(target=watch_memory, daemon=True)
    watcher.start()
    try:
        asyncio.run(one_warm_up(port))  # the process-wide caches (boundaries), as in a running app

        async def everyone() -> None:
            opened = asyncio.Barrier(sessions + 1)
            running = [
                asyncio.create_task(session(n, port, figures, opened)) for n in range(sessions)
            ]
            await opened.wait()  # every session has opened the page (or failed to)
            figures.begin = time.monotonic()
            await asyncio.gather(*running)

        asyncio.run(everyone())
        figures.wall_seconds = time.monotonic() - figures.begin
    finally:
        done.set()
        watcher.join()
        server.terminate()
        server.wait(timeout=30)
    return figures


async def one_warm_up(port: int) -> None:
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    errors: list[str] = []
    async with connect(
        f"ws://127.0.0.1:{port}/_stcore/stream",
        subprotocols=[Subprotocol("streamlit")],
        max_size=None,
    ) as ws:
        await one_run(ws, "district=1030&lang=th", errors)
    if errors:
        raise RuntimeError(f"the page does not run: {errors[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", action="append", required=True, help="LABEL=PATH")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--every", type=float, default=10.0, help="seconds between changes")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long changes are made")
    args = parser.parse_args()
    results = []
    for item in args.store:
        label, _, path = item.partition("=")
        results.append(
            (
                label,
                measure(Path(path), sessions=args.sessions, every=args.every, seconds=args.seconds),
            )
        )
    print(
        f"{args.sessions} sessions, a filter change every {args.every:g} s each "
        f"({args.sessions / args.every:g} offered a second), changes made for {args.seconds:g} s"
    )
    print(HEADER)
    for label, figures in results:
        print(figures.row(label))
        for error in figures.errors[:5]:
            print(f"  error: {error}")
    print(
        "changes: filter changes asked for (each session waits for its last run, so a late "
        "one is asked for late); open s: a session's first run of the page (median); "
        "p50/p95/max: the filter changes' runs."
    )
    print("Target at 10M: no errors, p95 rerun <= 2 s, server RSS <= 2,048 MB.")


if __name__ == "__main__":
    main()
