"""10,000 subscriptions over the real 185k tickets: `khetmap alerts run` end to end, next to a
naive baseline that works out each subscription's figures on its own.

In one run, on 127.0.0.1 only:
1. naive: for a sample of subscriptions, ask the store and judge the tickets per
   subscription (`alerts.context` each time), then plan its messages; the time per
   subscription × 10,000 is what a loop over subscriptions would take;
2. khetmap: `delivery.run` over all 10,000 (the city judged once, each area's figures once
   per language and period), sending every mail to a local aiosmtpd server, every webhook to
   a local HTTP receiver and every feed into a folder; then a second run (nothing new);
3. the store's writes: how many copies of the DuckDB store a run makes.

    KHETMAP_DATA_DIR=/work/shared/data python bench/bench_alerts.py --subscriptions 10000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import boundaries, config, store  # noqa: E402
from dashboard.analysis import metrics, targets  # noqa: E402
from dashboard.ingest.load import ingest_files  # noqa: E402
from dashboard.notify import alerts, delivery  # noqa: E402
from dashboard.notify.subscriptions import Known, load  # noqa: E402
from tests.alert_receivers import (  # noqa: E402
    MailBox,
    Posts,
    http_receiver,
    smtp_server,
    subscriptions_toml,
)


def entries(count: int, *, http_port: int, known: Known) -> list[dict[str, object]]:
    """`count` subscriptions over every district and subdistrict: all by mail, a third also
    by webhook, a fifth also a feed; both languages and periods, all rules on a tenth."""
    rng = random.Random(35)
    areas = [("district", c) for c in known.districts.codes] + [
        ("subdistrict", c) for c in known.subdistricts.codes
    ]
    found: list[dict[str, object]] = []
    for i in range(count):
        level, code = areas[i % len(areas)]
        entry: dict[str, object] = {
            "name": f"sub-{i:05d}",
            level: code,
            "lang": "en" if rng.random() < 0.2 else "th",
            "every": "week" if rng.random() < 0.3 else "day",
            "email": f"user{i}@khet.example",
        }
        if i % 3 == 0:
            entry["webhook"] = f"http://127.0.0.1:{http_port}/hook"
        if i % 5 == 0:
            entry["feed"] = True
        if i % 10 == 0:
            entry["rules"] = ["digest", "spike", "recurrence", "overdue", "hotspot"]
        found.append(entry)
    return found


def naive_seconds_per_subscription(location: str, path: Path, known: Known, sample: int) -> float:
    """The figures of `sample` subscriptions, each worked out on its own."""
    subs = load(path, known=known).subscriptions[:sample]
    with store.at(location).reader() as con:
        now = (metrics.store_as_of(con) or datetime.now(UTC)) + timedelta(hours=3)
        started = time.perf_counter()
        for sub in subs:
            ctx = alerts.context(
                con, now=now, districts=known.districts, targets=targets.load(), public_url=None
            )
            assert ctx is not None
            alerts.plan(ctx, sub, already=set())
        return (time.perf_counter() - started) / len(subs)


def serve() -> None:
    """The receivers in a process of their own (they would share the sender's interpreter
    lock otherwise): print the ports, count until stdin closes, print the counts."""
    box, posts = MailBox(), Posts()
    with smtp_server(box) as smtp_port, http_receiver(posts) as http_port:
        print(json.dumps([smtp_port, http_port]), flush=True)
        sys.stdin.read()
        print(json.dumps([len(box.mails), len(posts.received)]), flush=True)


@contextmanager
def receivers() -> Iterator[tuple[int, int, subprocess.Popen[str]]]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert child.stdout is not None and child.stdin is not None
    smtp_port, http_port = json.loads(child.stdout.readline())
    try:
        yield smtp_port, http_port, child
    finally:
        child.kill()


def main() -> None:
    if "--serve" in sys.argv:
        serve()
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument("--store", help="an ingested store (default: ingest the real sample)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_alerts_"))
    data = config.data_dir()
    location = args.store or str(work / "store.duckdb")
    if not args.store:
        started = time.perf_counter()
        ingest_files(paths=[data / "traffy_sample.csv.gz"], store_path=location, data_dir=data)
        print(f"ingest of the real sample: {time.perf_counter() - started:.1f} s")
    known = Known(boundaries.load_districts(), boundaries.load_subdistricts())
    feeds = work / "feeds"
    feeds.mkdir()
    with receivers() as (smtp_port, http_port, child):
        os.environ.update(
            KHETMAP_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
            KHETMAP_MAIL_FROM="alerts@khet.example",
            KHETMAP_WEBHOOK_HOSTS=f"127.0.0.1:{http_port}",
            KHETMAP_FEED_DIR=str(feeds),
            KHETMAP_PUBLIC_URL="https://khet.example/",
        )
        path = work / "subscriptions.toml"
        text = subscriptions_toml(entries(args.subscriptions, http_port=http_port, known=known))
        path.write_text(text, encoding="utf-8")
        print(f"subscriptions file: {path.stat().st_size / 1e6:.1f} MB")
        naive = naive_seconds_per_subscription(location, path, known, args.naive_sample)
        with store.at(location).reader() as con:
            now = (metrics.store_as_of(con) or datetime.now(UTC)) + timedelta(hours=3)
        runs = []
        for label in ("first run", "second run"):
            started = time.perf_counter()
            cpu = time.process_time()
            summary = delivery.run(location=location, subscriptions_path=path, now=now)
            runs.append((label, time.perf_counter() - started, time.process_time() - cpu, summary))
        assert child.stdin is not None and child.stdout is not None
        child.stdin.close()
        mails, webhook_posts = json.loads(child.stdout.readline())
    print(f"store {Path(location).stat().st_size / 1e6:.0f} MB, as of {now - timedelta(hours=3)}")
    print("| run | subscriptions | wall s | CPU s | result |\n|---|---|---|---|---|")
    print(
        f"| naive (each subscription on its own; {args.naive_sample} timed) | "
        f"{args.subscriptions:,} | {naive * args.subscriptions:,.0f} (est.) | | "
        f"{naive:.2f} s per subscription |"
    )
    for label, wall, cpu, summary in runs:
        print(
            f"| khetmap, {label} | {args.subscriptions:,} | {wall:.1f} | {cpu:.1f} | {summary.line()} |"
        )
    print(f"received: {mails:,} mails, {webhook_posts:,} webhook posts, "
          f"{len(list(feeds.glob('*.atom'))):,} feeds")  # fmt: skip


if __name__ == "__main__":
    main()
