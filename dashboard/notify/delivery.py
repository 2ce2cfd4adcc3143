"""`khetmap alerts run`: work out what is due, keep it in the outbox, send it, say how it went.

1. Read the subscriptions file and the subscriptions users added in the app
   (`own_subscriptions`); each refused entry is one line on stderr, the rest go on.
2. Judge the city's tickets once (`alerts.Context`) and plan every subscription's messages
   (a digest whose data has not reached the end of its period is skipped, said as such).
3. One write: record what a killed run had sent (`outbox.Journal`), add what is due.
4. Send every row still due: mail and webhooks each on their own pool of threads (a dead
   SMTP server does not hold up the webhooks), retried with backoff (tenacity) on what is
   worth another try; after `BREAKER` messages in a row fail to reach one server, the rest
   for that server fail at once. Feeds are rewritten whole.
5. One write: record every outcome. One summary line.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock

import tenacity

from dashboard import boundaries, config, store
from dashboard.access import roles
from dashboard.analysis import targets
from dashboard.errors import KhetmapError, RolesError, StoreError
from dashboard.ingest.webclient import host_of
from dashboard.notify import alerts, feed, mail, outbox, own_subscriptions, webhook
from dashboard.notify.subscriptions import Known, Loaded, Subscription, load, webhook_hosts

BREAKER = 5
"""messages in a row that could not reach a server before the rest for it fail at once"""
MAX_WAIT = 60.0


@dataclass
class Summary:
    """What a run did: messages sent, skipped (already sent, or data not yet there), failed."""

    subscriptions: int = 0
    refused: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    stale: int = 0
    planned: list[str] = field(default_factory=list)

    def line(self, *, dry_run: bool = False) -> str:
        verb = "would send" if dry_run else "sent"
        stale = f", {self.stale} digests waiting for data" if self.stale else ""
        return (
            f"alerts: {self.sent:,} {verb}, {self.skipped:,} skipped, {self.failed:,} failed "
            f"({self.subscriptions:,} subscriptions, {self.refused:,} refused{stale})"
        )


def run(
    *,
    location: str,
    subscriptions_path: Path | None,
    dry_run: bool = False,
    now: datetime | None = None,
    data_dir: Path | None = None,
    warn: Callable[[str], None] | None = None,
) -> Summary:
    """One run over every subscription; see the module's docstring."""
    now = now or datetime.now(UTC)
    warn = warn or (lambda line: print(f"khetmap: {line}", file=sys.stderr))
    known = Known(
        districts=boundaries.load_districts(data_dir=data_dir),
        subdistricts=boundaries.load_subdistricts(data_dir=data_dir),
    )
    loaded = load(subscriptions_path, known=known) if subscriptions_path else Loaded()
    target = store.at(location)
    if not target.exists():
        raise StoreError(f"no khetmap store at {target.describe()}: run `khetmap sync` first.")
    kept = _stored(target, known=known, taken={s.name for s in loaded.subscriptions})
    loaded.subscriptions += kept.subscriptions
    loaded.refused += kept.refused
    for line in loaded.refused:
        warn(line)
    summary = Summary(subscriptions=len(loaded.subscriptions), refused=len(loaded.refused))
    _check_settings(loaded.subscriptions)
    with outbox.run_lock(target):
        rows = _plan(target, loaded.subscriptions, known=known, now=now, summary=summary)
        if dry_run:
            summary.sent = len(rows)
            summary.planned = [f"{r.subscription}\t{r.channel}\t{r.message}" for r in rows]
            return summary
        journal = outbox.Journal(target)
        with target.writing() as con:
            outbox.record(con, journal.left())
            outbox.add(con, rows, now=now)
        journal.clear()
        try:
            _send_due(target, journal, loaded.subscriptions, now=now, summary=summary)
        finally:
            journal.close()
        with target.writing() as con:
            outbox.record(con, journal.left())
        journal.clear()
    return summary


def _stored(target: store.Store, *, known: Known, taken: set[str]) -> Loaded:
    """The subscriptions users added in the app, checked again (`own_subscriptions.entries`)
    against the roles file in force (one that cannot be used sends none of them)."""
    with target.reader() as con:
        found = own_subscriptions.listed(con, owner=None)
    if not found:
        return Loaded()
    try:
        in_force = roles.load(known_districts=frozenset(known.districts.codes))
    except RolesError as exc:
        return Loaded(
            refused=[f"stored subscription {s.name!r:.160}: {exc}: nothing is sent for it."
                     for s in found]
        )  # fmt: skip
    return own_subscriptions.entries(found, known=known, roles=in_force, taken=taken)


def _check_settings(subs: Sequence[Subscription]) -> None:
    if any(s.email for s in subs):
        mail.smtp_settings()
    folder = feed.folder()
    if any(s.feed for s in subs) and (folder is None or not folder.is_dir()):
        raise KhetmapError(
            "feeds need KHETMAP_FEED_DIR, an existing folder the dashboard or nginx serves "
            f"(now: {folder or 'not set'})."
        )


def _plan(
    target: store.Store,
    subs: Sequence[Subscription],
    *,
    known: Known,
    now: datetime,
    summary: Summary,
) -> list[outbox.Row]:
    public = config.public_url()
    rows: list[outbox.Row] = []
    with target.reader() as con:
        ctx = alerts.context(
            con, now=now, districts=known.districts, targets=targets.load(), public_url=public
        )
        if ctx is None:
            return rows
        already = outbox.recent_events(con, now=now)
        for sub in subs:
            told = already.get(sub.name, set())
            period = alerts.period_for(sub.every, now)
            if "digest" in sub.rules and f"digest:{sub.every}:{period.until}" in told:
                summary.skipped += len(sub.channels)
            if "digest" in sub.rules and not alerts.data_reaches(ctx, period):
                summary.stale += 1
                told = told | {f"digest:{sub.every}:{period.until}"}
            for planned in alerts.plan(ctx, sub, already=told):
                payload = json.dumps(planned.doc, ensure_ascii=False)
                rows += [
                    outbox.Row(sub.name, channel, planned.key, planned.events, payload, now)
                    for channel in sub.channels
                ]
    return rows


@dataclass
class _Breaker:
    """Counts messages in a row that could not reach a server."""

    lock: Lock = field(default_factory=Lock)
    failures: dict[str, int] = field(default_factory=dict)

    def open(self, server: str) -> bool:
        with self.lock:
            return self.failures.get(server, 0) >= BREAKER

    def note(self, server: str, *, reached: bool) -> None:
        with self.lock:
            self.failures[server] = 0 if reached else self.failures.get(server, 0) + 1


def _retrying(transient: Callable[[BaseException], bool]) -> tenacity.Retrying:
    backoff = config.alerts_backoff()
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(transient),
        stop=tenacity.stop_after_attempt(config.alerts_attempts()),
        wait=tenacity.wait_exponential_jitter(multiplier=backoff, max=MAX_WAIT, jitter=backoff / 2),
        reraise=True,
    )


def _send_due(
    target: store.Store,
    journal: outbox.Journal,
    subs: Sequence[Subscription],
    *,
    now: datetime,
    summary: Summary,
) -> None:
    by_name = {s.name: s for s in subs}
    with target.reader() as con:
        rows = [r for r in outbox.due(con, now=now) if r.subscription in by_name]
        feeds = sorted({r.subscription for r in rows if r.channel == "feed"})
        history = outbox.feed_history(con, subscriptions=feeds, limit=feed.ENTRIES)
    counter = Lock()

    def done(row: outbox.Row, state: outbox.State, error: str | None = None) -> None:
        journal.keep(outbox.Outcome(row.subscription, row.channel, row.message, state,
                                    datetime.now(UTC), error))  # fmt: skip
        with counter:
            if state == "sent":
                summary.sent += 1
            else:
                summary.failed += 1

    breaker = _Breaker()
    workers = config.alerts_workers()
    with ThreadPoolExecutor(workers) as mails, ThreadPoolExecutor(workers) as hooks:
        for row in rows:
            sub = by_name[row.subscription]
            if row.channel == "email":
                mails.submit(_send_mail, row, sub, breaker, done)
            elif row.channel == "webhook":
                hooks.submit(_send_webhook, row, sub, breaker, done)
        _write_feeds(rows, history, by_name, done)


def _send_mail(
    row: outbox.Row, sub: Subscription, breaker: _Breaker, done: Callable[..., None]
) -> None:
    smtp = mail.smtp_settings()
    server = f"{smtp.host}:{smtp.port}"
    if breaker.open(server):
        done(row, "due", f"{server} could not be reached for {BREAKER} messages in a row")
        return
    doc: alerts.MessageDoc = json.loads(row.payload)
    message = mail.build(doc, to=sub.email or "", smtp=smtp, now=datetime.now(UTC))
    try:
        _retrying(lambda exc: not mail.permanent(exc))(mail.send, message, smtp=smtp)
    except Exception as exc:
        refused = mail.permanent(exc)
        breaker.note(server, reached=refused)
        done(row, "refused" if refused else "due", f"{type(exc).__name__}: {str(exc)[:200]}")
        return
    breaker.note(server, reached=True)
    done(row, "sent")


def _send_webhook(
    row: outbox.Row, sub: Subscription, breaker: _Breaker, done: Callable[..., None]
) -> None:
    assert sub.webhook is not None
    request = webhook.request(json.loads(row.payload), sub.webhook)
    server = host_of(request.url)
    if breaker.open(server):
        done(row, "due", f"{server} could not be reached for {BREAKER} messages in a row")
        return
    try:
        _retrying(lambda exc: isinstance(exc, webhook.TransientError))(
            webhook.post, request, hosts=webhook_hosts()
        )
    except Exception as exc:
        refused = isinstance(exc, webhook.RefusedError)
        breaker.note(server, reached=refused)
        done(row, "refused" if refused else "due", str(exc)[:200])
        return
    breaker.note(server, reached=True)
    done(row, "sent")


def _write_feeds(
    rows: Sequence[outbox.Row],
    history: dict[str, list[outbox.Row]],
    by_name: dict[str, Subscription],
    done: Callable[..., None],
) -> None:
    folder = feed.folder()
    pending: dict[str, list[outbox.Row]] = {}
    for row in rows:
        if row.channel == "feed":
            pending.setdefault(row.subscription, []).append(row)
    for name, due in pending.items():
        sub = by_name[name]
        docs = [(r.due_at, json.loads(r.payload)) for r in history.get(name, [])]
        try:
            assert folder is not None
            data = feed.render(name=sub.name, docs=docs, feed_id=sub.feed_name)
            feed.write(folder / sub.feed_name, data)
        except (OSError, KhetmapError) as exc:
            for row in due:
                done(row, "due", f"feed not written: {str(exc)[:200]}")
            continue
        for row in due:
            done(row, "sent")


def elapsed(started: float) -> float:
    return time.monotonic() - started
