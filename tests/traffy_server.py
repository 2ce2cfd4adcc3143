"""A local stand-in for Traffy's public search API and CSV dump, with scripted faults.

It listens on 127.0.0.1 only. The API pages its tickets newest first by `offset`, like
the real one (`{"status": true, "total": T, "results": [...]}`), and can replay real
answers verbatim for given offsets. Faults are queued per request number or per offset;
`on_request` hooks change the data between requests (new reports at the head, a ticket
finished, tickets withdrawn). `total` can over-count (`total_extra`, as the real API's
does by a few) or be any JSON text (`total_json`: a string, NaN, `1e400`...). A "drip"
fault sends the answer a byte at a time. It also serves files by name under `/files/`
(a mirror for `khetmap fetch`), with the faults "drip" and "endless" (a body without
end, no Content-Length).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd

API_PATH = "/share/teamchadchart/search"
DUMP_PATH = "/dump/bangkok_traffy.csv"
FILES_PATH = "/files/"
ENDLESS_LIMIT = 64 << 20
"""An "endless" body stops here all the same (a client without a cap must not eat the RAM)."""


@dataclass
class Seen:
    """One request as the server saw it."""

    at: float
    path: str
    offset: int | None
    headers: dict[str, str]
    status: int = 0


@dataclass
class FakeTraffy:
    tickets: list[dict[str, Any]] = field(default_factory=list)
    """newest first, in the API's result format"""
    page_size: int = 1000
    replay: dict[int, bytes] = field(default_factory=dict)
    """offset → an answer body served verbatim (real pages)"""
    faults: dict[int, str] = field(default_factory=dict)
    """request number (1 = first API request) → fault name"""
    offset_faults: dict[int, list[str]] = field(default_factory=dict)
    """offset → faults served (one per request) the first times that offset is asked for"""
    on_request: list[Callable[[FakeTraffy, int], None]] = field(default_factory=list)
    """called before each API answer with the request number"""
    response_delay: float = 0.0
    dump: bytes = b""
    dump_etag: str = ""
    dump_cut_once: bool = False
    """cut the first dump download half way (the client must resume with Range)"""
    total_extra: int = 0
    """added to `total` (the real API's count runs a few ahead of its list)"""
    total_json: str | None = None
    """`total` as this raw JSON text instead of a count (e.g. '"2880"', 'NaN', '1e400')"""
    drip_interval: float = 0.01
    drip_seconds: float = 3.0
    """a "drip" answer sends a byte every `drip_interval` for `drip_seconds`, then the rest"""
    files: dict[str, bytes] = field(default_factory=dict)
    """name → bytes served under /files/ (a mirror)"""
    file_faults: dict[str, str] = field(default_factory=dict)
    """name → a fault: 'drip' or 'endless'"""
    seen: list[Seen] = field(default_factory=list)
    api_requests: int = 0

    # --- data ---------------------------------------------------------------------------

    def ids(self) -> list[str]:
        return [str(t["ticket_id"]) for t in self.tickets]

    def set_dump(self, data: bytes) -> None:
        self.dump = data
        self.dump_etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'

    def page(self, offset: int) -> dict[str, Any]:
        return {
            "status": True,
            "total": len(self.tickets) + self.total_extra,
            "results": self.tickets[offset : offset + self.page_size],
        }

    def page_body(self, offset: int) -> bytes:
        """The answer for `offset`, with `total` as `total_json` when that is set."""
        page = self.page(offset)
        if self.total_json is None:
            return json.dumps(page, ensure_ascii=False).encode()
        results = json.dumps(page["results"], ensure_ascii=False)
        return f'{{"status": true, "total": {self.total_json}, "results": {results}}}'.encode()

    # --- serving ------------------------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator[str]:
        """Serve on a free port of 127.0.0.1; yield the base URL of the search endpoint."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                # the client may have given up (a timeout fault): nothing to answer then
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer()

            def _answer(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == DUMP_PATH:
                    fake._dump(self)
                    return
                if parts.path.startswith(FILES_PATH):
                    fake._file(self, parts.path.removeprefix(FILES_PATH))
                    return
                if parts.path != API_PATH:
                    self._send(404, b"not found", "text/plain")
                    return
                query = parse_qs(parts.query)
                try:
                    offset = int(query.get("offset", ["0"])[0])
                except ValueError:
                    offset = 0
                fake._api(self, offset)

            def _send(
                self,
                status: int,
                body: bytes,
                kind: str,
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}{API_PATH}"
        finally:
            server.shutdown()
            server.server_close()

    def dump_url(self, api_url: str) -> str:
        return api_url.replace(API_PATH, DUMP_PATH)

    def files_url(self, api_url: str) -> str:
        """The base URL of the files served under /files/ (a mirror)."""
        return api_url.replace(API_PATH, FILES_PATH.rstrip("/"))

    def _api(self, handler: Any, offset: int) -> None:
        self.api_requests += 1
        number = self.api_requests
        seen = Seen(time.monotonic(), handler.path, offset, dict(handler.headers.items()))
        self.seen.append(seen)
        for hook in self.on_request:
            hook(self, number)
        fault = self.faults.get(number)
        queued = self.offset_faults.get(offset)
        if fault is None and queued:
            fault = queued.pop(0)
        if self.response_delay:
            time.sleep(self.response_delay)
        if offset in self.replay and fault is None:
            seen.status = 200
            handler._send(200, self.replay[offset], "application/json")
            return
        body = self.page_body(offset)
        seen.status = 200
        if fault is None:
            handler._send(200, body, "application/json")
        else:
            self._fault(handler, fault, body, seen)

    def _fault(self, handler: Any, fault: str, body: bytes, seen: Seen) -> None:
        if fault == "429":
            seen.status = 429
            handler._send(429, b"slow down", "text/plain", {"Retry-After": "1"})
        elif fault == "503":
            seen.status = 503
            handler._send(503, b"unavailable", "text/plain")
        elif fault == "timeout":
            time.sleep(1.5)  # longer than the tests' client timeout
            handler._send(200, body, "application/json")
        elif fault == "html":
            handler._send(200, b"<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html")
        elif fault == "truncated":
            handler._send(200, body[: len(body) // 2], "application/json")
        elif fault == "status_false":
            handler._send(200, b'{"status": false, "message": "error"}', "application/json")
        elif fault == "empty":
            empty = {"status": True, "total": len(self.tickets), "results": []}
            handler._send(200, json.dumps(empty).encode(), "application/json")
        elif fault == "huge":
            filler = {"status": True, "total": 1, "results": [{"comment": "x" * (10 << 20)}]}
            handler._send(200, json.dumps(filler).encode(), "application/json")
        elif fault == "drip":
            self._drip(handler, body, "application/json")
        else:
            raise AssertionError(f"unknown fault {fault}")

    def _drip(self, handler: Any, body: bytes, kind: str) -> None:
        """Headers at once, then a byte every `drip_interval` for `drip_seconds`, then the rest."""
        handler.send_response(200)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.flush()
        sent, until = 0, time.monotonic() + self.drip_seconds
        while sent < len(body) and time.monotonic() < until:
            handler.wfile.write(body[sent : sent + 1])
            handler.wfile.flush()
            sent += 1
            time.sleep(self.drip_interval)
        handler.wfile.write(body[sent:])

    def _file(self, handler: Any, name: str) -> None:
        seen = Seen(time.monotonic(), handler.path, None, dict(handler.headers.items()))
        self.seen.append(seen)
        fault = self.file_faults.get(name)
        if name not in self.files and fault is None:
            seen.status = 404
            handler._send(404, b"not found", "text/plain")
            return
        seen.status = 200
        data = self.files.get(name, b"")
        if fault == "drip":
            self._drip(handler, data, "application/octet-stream")
        elif fault == "endless":  # no Content-Length: the body ends when the connection does
            handler.send_response(200)
            handler.send_header("Content-Type", "application/octet-stream")
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.close_connection = True
            block = b"x" * (1 << 16)
            for _ in range(ENDLESS_LIMIT // len(block)):
                handler.wfile.write(block)
        else:
            handler._send(200, data, "application/octet-stream")

    def _dump(self, handler: Any) -> None:
        seen = Seen(time.monotonic(), handler.path, None, dict(handler.headers.items()))
        self.seen.append(seen)
        data, etag = self.dump, self.dump_etag
        if handler.headers.get("If-None-Match") == etag:
            seen.status = 304
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        wanted = handler.headers.get("Range", "")
        if wanted.startswith("bytes=") and handler.headers.get("If-Range") in (etag, None):
            start = int(wanted[6:].split("-")[0])
            seen.status = 206
            handler.send_response(206)
            handler.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            handler.send_header("Content-Length", str(len(data) - start))
            handler.send_header("ETag", etag)
            handler.end_headers()
            handler.wfile.write(data[start:])
            return
        seen.status = 200
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("ETag", etag)
        handler.end_headers()
        if self.dump_cut_once:
            self.dump_cut_once = False
            handler.wfile.write(data[: len(data) // 2])
            handler.wfile.flush()
            handler.connection.shutdown(socket.SHUT_RDWR)
            handler.close_connection = True
            return
        handler.wfile.write(data)


def api_result(row: dict[str, Any]) -> dict[str, Any]:
    """A dump-layout row (as strings) in the search API's result format."""
    lon, _, lat = str(row.get("coords") or "").partition(",")
    return {
        "message_id": str(row.get("message_id") or ""),
        "type": "",
        "type_id": str(row.get("type_id") or ""),
        "org": row.get("organization") or "",
        "comment": row.get("comment") or "",
        "ticket_id": row.get("ticket_id") or "",
        "coords": [lon, lat],
        "photo": row.get("photo") or "",
        "after_photo": row.get("photo_after") or "",
        "address": row.get("address") or "",
        "district": row.get("district") or "",
        "subdistrict": row.get("subdistrict") or "",
        "province": row.get("province") or "",
        "timestamp": row.get("timestamp") or "",
        "problem_type_abdul": row.get("type") or "{}",
        "status": row.get("status") or "",
        "star": row.get("star") or None,
        "count_reopen": row.get("count_reopen") or None,
        "state": row.get("state") or "",
    }


def sample_tickets(path: Path, count: int) -> list[dict[str, Any]]:
    """The newest `count` real tickets of traffy_sample.csv.gz with an id, newest first."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame["ticket_id"] != ""].tail(count).iloc[::-1]
    return [api_result({str(k): v for k, v in row.items()}) for row in frame.to_dict("records")]


def real_page(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
