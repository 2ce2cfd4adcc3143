"""Real receivers on 127.0.0.1 for the alert tests: an SMTP server (aiosmtpd) that keeps every
mail it accepts, and an HTTP server that keeps every POST. Hand-built tickets dated from a
given Bangkok day, and a subscriptions file written in code."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from tests.fixtures import ticket, write_csv


@dataclass
class MailBox:
    """Every mail the server accepted, with its recipients. `refuse` answers 451 to all."""

    mails: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: bool = False
    hold: threading.Event | None = None
    """when set: the server waits on it before accepting each mail after the first `hold_after`"""
    hold_after: int = 0
    holding: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.refuse:
            return "451 4.3.0 try again later"
        parsed = email.message_from_bytes(
            envelope.original_content or b"", policy=email.policy.default
        )
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.mails.append((list(envelope.rcpt_tos), parsed))
            count = len(self.mails)
        if self.hold is not None and count > self.hold_after:
            self.holding.set()
            while not self.hold.is_set():  # the test kills the sender meanwhile
                import asyncio

                await asyncio.sleep(0.05)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.mails if address in rcpt]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _accepting(user: str, password: str) -> Callable[..., AuthResult]:
    def check(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        given = (getattr(data, "login", b""), getattr(data, "password", b""))
        ok = given == (user.encode(), password.encode())
        return AuthResult(success=ok, handled=False)  # the server answers 235 or 535

    return check


@contextmanager
def smtp_server(box: MailBox, *, login: tuple[str, str] | None = None) -> Iterator[int]:
    """An SMTP server on 127.0.0.1; with `login`, it asks for that user and password."""
    port = free_port()
    if login:
        controller = Controller(
            box, hostname="127.0.0.1", port=port, authenticator=_accepting(*login),
            auth_required=True, auth_require_tls=False,
        )  # fmt: skip
    else:
        controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@dataclass
class Posts:
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bodies(self) -> list[Any]:
        """The JSON bodies received, as parsed."""
        with self.lock:
            return [json.loads(body) for _path, _headers, body in self.received]


@contextmanager
def http_receiver(posts: Posts) -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with posts.lock:
                posts.received.append((self.path, dict(self.headers.items()), body))
            self.send_response(posts.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def stamp(day: date, hour_utc: int = 3) -> str:
    return f"{day.isoformat()} {hour_utc:02d}:00:00+00"


def tickets_for(yesterday: date) -> list[dict[str, str]]:
    """District 1001 around `yesterday` (a Bangkok day): what each figure should count."""
    before = yesterday - timedelta(days=1)
    return [
        # new yesterday: two open (roads, flooding), one finished the same day
        ticket("N1", timestamp=stamp(yesterday), last_activity=stamp(yesterday),
               comment="ถนนพัง โทร 081-234-5678"),
        ticket("N2", timestamp=stamp(yesterday), state="เสร็จสิ้น",
               last_activity=stamp(yesterday, 8)),
        ticket("N3", timestamp=stamp(yesterday), type_="{น้ำท่วม}",
               last_activity=stamp(yesterday), comment="<b>น้ำท่วม</b> <script>x()</script>"),
        # the day before: one open road
        ticket("P1", timestamp=stamp(before), last_activity=stamp(before)),
        # open for 40 days, roads (target 15): overdue long ago
        ticket("O1", timestamp=stamp(yesterday - timedelta(days=40)),
               last_activity=stamp(yesterday - timedelta(days=40)), comment="นายสมชาย ใจดี แจ้ง"),
        # reported 10 days ago, finished yesterday
        ticket("F1", timestamp=stamp(yesterday - timedelta(days=10)), state="เสร็จสิ้น",
               last_activity=stamp(yesterday, 9)),
        # open flooding (target 3) reported 4 days before yesterday: overdue from yesterday
        ticket("D1", timestamp=stamp(yesterday - timedelta(days=4)), type_="{น้ำท่วม}",
               last_activity=stamp(yesterday - timedelta(days=4))),
        # another district
        ticket("X1", code="1002", timestamp=stamp(yesterday), last_activity=stamp(yesterday)),
    ]  # fmt: skip


def write_tickets(folder: Path, yesterday: date) -> Path:
    return write_csv(folder / "tickets.csv", tickets_for(yesterday))


def subscriptions_toml(entries: list[dict[str, object]]) -> str:
    """A subscriptions file of `entries` (strings, numbers, booleans, lists)."""
    lines: list[str] = []
    for entry in entries:
        lines.append("[[subscription]]")
        lines += [
            f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items()
        ]
        lines.append("")
    return "\n".join(lines)
