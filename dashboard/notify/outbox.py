"""The outbox: which message is due for which subscription and channel, and whether it went.

A table in the store (`outbox`, both backends). A run first adds what is due (one write,
`add`), then sends every row still due, then records what happened (`record`). A row is
keyed by subscription, channel and message (`digest:day:2026-12-05`, `alerts:<hash>`), so
the same digest or alert is never added twice; `events` lists the event keys a message
settles, so an event already told is not told again.

Between sending and recording, each outcome is kept as it happens: in a journal file next
to a DuckDB store (a line per outcome, written at once; a write of the DuckDB store copies
the whole file, too slow per message), or straight in the table on PostgreSQL. A run killed
mid-send leaves its outcomes there; the next run records them before anything else, so
what was sent is not sent again. Only a message whose sending was cut off between the
server's "accepted" and that line can go twice, with the same Message-ID / idempotency key.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from dashboard.errors import StoreError
from dashboard.store import Reader, Store, has_table

RECENT_DAYS = 120
"""event keys older than this are forgotten (a hot spot may be told again after it)"""
RETRY_DAYS = 7
"""a message still due after this many days is given up"""
KEEP_DAYS = 400
State = Literal["due", "sent", "refused"]


@dataclass(frozen=True)
class Row:
    subscription: str
    channel: str
    message: str
    events: tuple[str, ...]
    payload: str
    due_at: datetime


@dataclass(frozen=True)
class Outcome:
    subscription: str
    channel: str
    message: str
    state: State
    at: datetime
    error: str | None = None

    def to_line(self) -> str:
        record = [self.subscription, self.channel, self.message, self.state,
                  self.at.isoformat(), self.error]  # fmt: skip
        return json.dumps(record, ensure_ascii=False) + "\n"

    @classmethod
    def from_line(cls, line: str) -> Outcome | None:
        """An outcome from a journal line; None for a line cut short by a kill."""
        try:
            sub, channel, message, state, at, error = json.loads(line)
            return cls(sub, channel, message, state, datetime.fromisoformat(at), error)
        except (ValueError, TypeError):
            return None


def recent_events(con: Reader, *, now: datetime) -> dict[str, set[str]]:
    """Per subscription: the event keys of its messages due in the last `RECENT_DAYS`."""
    if not has_table(con, "outbox"):
        return {}
    rows = con.execute(
        "SELECT DISTINCT subscription, events FROM outbox WHERE due_at >= ?",
        [now - timedelta(days=RECENT_DAYS)],
    ).fetchall()
    found: dict[str, set[str]] = {}
    for subscription, events in rows:
        found.setdefault(str(subscription), set()).update(str(events).split("\n"))
    return found


def add(con: Reader, rows: Sequence[Row], *, now: datetime) -> None:
    """Add the due rows (those already there are kept as they are); forget rows older than
    `KEEP_DAYS`. Inside the caller's write."""
    con.execute("DELETE FROM outbox WHERE due_at < ?", [now - timedelta(days=KEEP_DAYS)])
    if not rows:
        return
    con.execute(
        """
        INSERT INTO outbox (subscription, channel, message, events, payload, due_at, state,
                            sent_at, attempts, last_error)
        SELECT s, c, m, e, p, d, 'due', NULL, 0, NULL FROM (
            SELECT unnest(?::VARCHAR[]) AS s, unnest(?::VARCHAR[]) AS c,
                   unnest(?::VARCHAR[]) AS m, unnest(?::VARCHAR[]) AS e,
                   unnest(?::VARCHAR[]) AS p, unnest(?::TIMESTAMPTZ[]) AS d
        ) AS new
        ON CONFLICT DO NOTHING
        """,
        [
            [r.subscription for r in rows],
            [r.channel for r in rows],
            [r.message for r in rows],
            ["\n".join(r.events) for r in rows],
            [r.payload for r in rows],
            [r.due_at for r in rows],
        ],
    )


def due(con: Reader, *, now: datetime) -> list[Row]:
    """Every row still to send, due in the last `RETRY_DAYS`, oldest first."""
    if not has_table(con, "outbox"):
        return []
    found = con.execute(
        "SELECT subscription, channel, message, events, payload, due_at FROM outbox "
        "WHERE state = 'due' AND due_at >= ? ORDER BY due_at, subscription, channel, message",
        [now - timedelta(days=RETRY_DAYS)],
    ).fetchall()
    return [Row(str(s), str(c), str(m), tuple(str(e).split("\n")), str(p), d)
            for s, c, m, e, p, d in found]  # fmt: skip


def feed_history(con: Reader, *, subscriptions: Sequence[str], limit: int) -> dict[str, list[Row]]:
    """Per subscription: its newest `limit` feed messages that are sent or due."""
    if not subscriptions:
        return {}
    found = con.execute(
        """
        SELECT subscription, channel, message, events, payload, due_at FROM (
            SELECT *, row_number() OVER (PARTITION BY subscription ORDER BY due_at DESC,
                                         message DESC) AS n
            FROM outbox
            WHERE channel = 'feed' AND state IN ('due', 'sent')
              AND subscription IN (SELECT unnest(?::VARCHAR[]))
        ) AS ranked WHERE n <= ?
        """,
        [list(subscriptions), limit],
    ).fetchall()
    history: dict[str, list[Row]] = {}
    for s, c, m, e, p, d in found:
        history.setdefault(str(s), []).append(Row(str(s), str(c), str(m), (str(e),), str(p), d))
    return history


def record(con: Reader, outcomes: Sequence[Outcome]) -> None:
    """Write what happened to each row (inside the caller's write)."""
    if not outcomes:
        return
    con.execute(
        """
        UPDATE outbox SET
            state = CASE WHEN outbox.state = 'sent' THEN 'sent' ELSE o.state END,
            sent_at = CASE WHEN o.state = 'sent' AND outbox.sent_at IS NULL THEN o.at
                           ELSE outbox.sent_at END,
            attempts = outbox.attempts + 1,
            last_error = o.error
        FROM (
            SELECT unnest(?::VARCHAR[]) AS s, unnest(?::VARCHAR[]) AS c,
                   unnest(?::VARCHAR[]) AS m, unnest(?::VARCHAR[]) AS state,
                   unnest(?::TIMESTAMPTZ[]) AS at, unnest(?::VARCHAR[]) AS error
        ) AS o
        WHERE outbox.subscription = o.s AND outbox.channel = o.c AND outbox.message = o.m
        """,
        [
            [o.subscription for o in outcomes],
            [o.channel for o in outcomes],
            [o.message for o in outcomes],
            [o.state for o in outcomes],
            [o.at for o in outcomes],
            [o.error for o in outcomes],
        ],
    )


class Journal:
    """Outcomes as they happen: a file beside the store, or straight into a store that commits
    statement by statement (PostgreSQL)."""

    def __init__(self, target: Store) -> None:
        self.target = target
        self.lock = threading.Lock()
        self.path = target.beside("outbox-journal")
        self.connections = contextlib.ExitStack()
        self.connection: Reader | None = None

    def left(self) -> list[Outcome]:
        """Outcomes a killed run kept in the journal file and did not record."""
        if self.path is None or not self.path.is_file():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [o for o in map(Outcome.from_line, lines) if o is not None]

    def clear(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def keep(self, outcome: Outcome) -> None:
        """Keep one outcome now: a kill after this does not lose it."""
        with self.lock:
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(outcome.to_line())
                return
            if self.connection is None:
                self.connection = self.connections.enter_context(self.target.autocommit())
            if self.connection is None:
                raise StoreError(f"{self.target.describe()} keeps no journal of what was sent")
            record(self.connection, [outcome])

    def close(self) -> None:
        self.connections.close()
        self.connection = None


@contextmanager
def run_lock(target: Store) -> Iterator[None]:
    """One alerts run at a time per store (a second one is refused in one line)."""
    with target.exclusive("alerts") as mine:
        if not mine:
            raise StoreError(
                f"another `khetmap alerts run` is working on {target.describe()}: "
                "wait for it to end."
            )
        yield
