"""Polite, bounded HTTP GETs for `khetmap sync`: one place for retries, limits and headers.

Retries are tenacity's (exponential backoff with jitter, a fixed number of attempts) on
what is worth trying again: a timeout, a dropped connection, HTTP 429 and 5xx, and an
answer the caller found broken (`TransientError`). A `Retry-After` header is honoured: the
wait is at least what the server asked for. Every answer is read with a byte cap, so a
runaway page cannot fill the memory, and within a deadline for the whole request, so a
server that trickles a byte a second cannot hold the caller: the connection is cut when
the deadline passes. No URL's password or token reaches a message or the log
(`text.mask_credentials`).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import tenacity
import urllib3
from urllib3.util import Retry

from dashboard import __version__, config
from dashboard.errors import SyncError, first_line
from dashboard.text import mask_credentials

LOG = logging.getLogger("khetmap.sync")
USER_AGENT = (
    f"khetmap/{__version__} (Bangkok complaints dashboard; daily sync; "
    "+https://github.com/khetmap/khetmap)"
)
BASE_HEADERS = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
T = TypeVar("T")


@dataclass(frozen=True)
class Politeness:
    """How hard khetmap may lean on a server. Each field has a KHETMAP_SYNC_* setting."""

    delay: float = config.SYNC_DELAY
    """seconds between two requests (KHETMAP_SYNC_DELAY)"""
    timeout: float = config.SYNC_TIMEOUT
    """seconds one page request may take in all, from connecting to its last byte; also
    the longest wait for the next bytes of a longer download (KHETMAP_SYNC_TIMEOUT)"""
    attempts: int = config.SYNC_ATTEMPTS
    """tries per request before the sync gives up (KHETMAP_SYNC_ATTEMPTS)"""
    backoff: float = config.SYNC_BACKOFF
    """first wait after a failure, doubled each time (KHETMAP_SYNC_BACKOFF)"""
    max_wait: float = config.SYNC_MAX_WAIT
    """longest single wait, also for a Retry-After (KHETMAP_SYNC_MAX_WAIT)"""

    @classmethod
    def from_env(cls) -> Politeness:
        return cls(
            delay=config.sync_delay(),
            timeout=config.sync_timeout(),
            attempts=config.sync_attempts(),
            backoff=config.sync_backoff(),
            max_wait=config.sync_max_wait(),
        )


class TransientError(Exception):
    """A failure worth another try: the server may answer properly next time."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Cap:
    """The most bytes an answer may have, what it is, and the setting that raises the cap."""

    limit: int
    of: str = "one Traffy search page"
    setting: str = "KHETMAP_SYNC_MAX_PAGE_BYTES"


UNCAPPED = Cap(limit=1 << 62, of="a download", setting="")
CHUNK_BYTES = 1 << 16


@dataclass
class Client:
    """A connection pool with khetmap's User-Agent, timeouts and retry policy."""

    politeness: Politeness = field(default_factory=Politeness.from_env)
    sleep: Callable[[float], None] = field(default=tenacity.nap.sleep)
    retries_done: int = 0
    """requests tried again (for the summary line)"""
    waited: float = 0.0
    """seconds spent waiting for retries"""

    def __post_init__(self) -> None:
        self.pool = urllib3.PoolManager(retries=False)  # tenacity decides, not urllib3

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        cap: Cap,
        deadline: float | None = None,
        accept: tuple[int, ...] = (200,),
        sink: Callable[[int, Mapping[str, str], Iterator[bytes]], None] | None = None,
    ) -> Answer:
        """GET `url` once: an `Answer`, or `TransientError` / `SyncError` (bad status, too big).

        The whole request, to the last byte, must end within `deadline` seconds (default:
        the politeness timeout). With `sink`, the body is streamed to it instead of being
        kept (large downloads).
        """
        seconds = self.politeness.timeout if deadline is None else deadline
        ends_at = time.monotonic() + seconds
        wait = min(self.politeness.timeout, seconds)
        try:
            response = self.pool.request(
                "GET",
                url,
                headers={**BASE_HEADERS, **(headers or {})},
                timeout=urllib3.Timeout(connect=wait, read=wait),
                preload_content=False,
            )
        except urllib3.exceptions.NewConnectionError as exc:  # urllib3 files it under timeouts
            raise TransientError(f"cannot reach {host_of(url)} ({_reason(exc)})") from exc
        except (urllib3.exceptions.TimeoutError, urllib3.exceptions.ProtocolError) as exc:
            raise TransientError(f"{host_of(url)} did not answer in time ({_reason(exc)})") from exc
        except urllib3.exceptions.HTTPError as exc:
            raise TransientError(f"cannot reach {host_of(url)} ({_reason(exc)})") from exc
        whole = False
        try:
            with _cut_at(ends_at, response) as cut:
                try:
                    answer = _receive(response, url, cap=cap, sink=sink, accept=accept, cut=cut)
                except (urllib3.exceptions.TimeoutError, urllib3.exceptions.ProtocolError) as exc:
                    if cut.is_set():
                        raise _too_slow(url, seconds) from exc
                    raise TransientError(
                        f"{host_of(url)} stopped sending ({_reason(exc)})"
                    ) from exc
                if cut.is_set():
                    raise _too_slow(url, seconds)
            whole = True
            return answer
        finally:
            if not whole:  # an unread body must not be left on a pooled connection
                response.close()
            response.release_conn()

    def retrying(self, attempt: Callable[[], T], *, what: str) -> T:
        """Run `attempt` until it does not raise `TransientError`, backing off between tries."""
        politeness = self.politeness
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(TransientError),
            stop=tenacity.stop_after_attempt(politeness.attempts),
            wait=_RetryAfterOrBackoff(politeness),
            sleep=self._sleep,
            before_sleep=lambda state: self._log_retry(state, what),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except TransientError as exc:
            raise SyncError(
                f"{mask_credentials(what)}: {exc}, still after {politeness.attempts} tries; nothing was "
                "changed in the store, and `khetmap sync` resumes from here next time."
            ) from exc

    def pause(self) -> None:
        """The delay between two requests."""
        if self.politeness.delay:
            self.sleep(self.politeness.delay)

    def _sleep(self, seconds: float) -> None:
        self.waited += seconds
        self.sleep(seconds)

    def _log_retry(self, state: tenacity.RetryCallState, what: str) -> None:
        self.retries_done += 1
        outcome = state.outcome
        error = outcome.exception() if outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        LOG.warning(
            "%s: %s; trying again in %.1f s",
            mask_credentials(what),
            mask_credentials(str(error)),
            wait,
        )


def _receive(
    response: Any,
    url: str,
    *,
    cap: Cap,
    sink: Callable[[int, Mapping[str, str], Iterator[bytes]], None] | None,
    accept: tuple[int, ...],
    cut: threading.Event,
) -> Answer:
    """Check the status and read the body (capped, or streamed into `sink`)."""
    status = response.status
    found = {k.lower(): v for k, v in response.headers.items()}
    if status == 429 or status >= 500:
        raise TransientError(
            f"{host_of(url)} answered HTTP {status}",
            retry_after=_retry_after(found.get("retry-after")),
        )
    if status not in accept:
        raise SyncError(
            f"{shown(url)} answered HTTP {status}: check the URL setting (a mirror or proxy?)."
        )
    declared = _int(found.get("content-length"))
    if declared is not None and declared > cap.limit:
        raise SyncError(_too_big(url, declared, cap))
    chunks = _capped(response, url, cap, cut)
    if sink is not None:
        sink(status, found, chunks)
        return Answer(status, found, b"")
    return Answer(status, found, b"".join(chunks))


@contextlib.contextmanager
def _cut_at(ends_at: float, response: Any) -> Iterator[threading.Event]:
    """Shut the response's connection down when `ends_at` (monotonic) passes: a read
    blocked on a trickling server returns at once. The event says that it happened."""
    fired = threading.Event()
    sock = getattr(getattr(response, "connection", None), "sock", None)

    def cut() -> None:
        fired.set()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(0.0, ends_at - time.monotonic()), cut)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


class _RetryAfterOrBackoff(tenacity.wait.wait_base):
    """Exponential backoff with jitter, but never shorter than the server's Retry-After."""

    def __init__(self, politeness: Politeness) -> None:
        self.politeness = politeness
        self.backoff = tenacity.wait_exponential(
            multiplier=politeness.backoff, max=politeness.max_wait
        ) + tenacity.wait_random(0, politeness.backoff / 2)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        wait = float(self.backoff(retry_state))
        outcome = retry_state.outcome
        error = outcome.exception() if outcome else None
        asked = getattr(error, "retry_after", None)
        if asked is not None:
            if asked > self.politeness.max_wait:
                raise SyncError(
                    f"the server asked khetmap to wait {asked:.0f} s (Retry-After), longer than "
                    f"KHETMAP_SYNC_MAX_WAIT={self.politeness.max_wait:.0f} s; try again later."
                )
            wait = max(wait, asked)
        return min(wait, self.politeness.max_wait)


def _capped(response: Any, url: str, cap: Cap, cut: threading.Event) -> Iterator[bytes]:
    """The body in pieces as they arrive (`read1`: a trickle is seen byte by byte), until
    the end, the cap or the deadline's cut."""
    received = 0
    while not cut.is_set():
        chunk = response.read1(CHUNK_BYTES)
        if not chunk:
            return
        received += len(chunk)
        if received > cap.limit:
            raise SyncError(_too_big(url, received, cap))
        yield chunk


def _too_big(url: str, size: int, cap: Cap) -> str:
    raise_it = f" (raise {cap.setting} if it really is this large)" if cap.setting else ""
    return (
        f"{shown(url)} sent more than {cap.limit:,} bytes ({size:,} so far), more than "
        f"{cap.of} can be; nothing was stored{raise_it}."
    )


def _too_slow(url: str, seconds: float) -> TransientError:
    return TransientError(
        f"{host_of(url)} did not send the whole answer within {seconds:g} s (a server sending "
        "a trickle of bytes); the connection was cut"
    )


def shown(url: str) -> str:
    """`url` as it may be logged, stored or printed: no password, no token."""
    return mask_credentials(url)


def checked_url(url: str, *, setting: str) -> str:
    """`url` if it is an http(s) address with a host and a valid port, else SyncError in one
    line naming `setting` (where the address came from)."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port out of 0-65535 or not a number
    except ValueError as exc:
        raise SyncError(
            f"{setting} {shown(url)[:200]!r} is not a usable address ({exc})."
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise SyncError(
            f"{setting} {shown(url)[:200]!r} is not an http:// or https:// address with a "
            "host (and a port from 1 to 65535)."
        )
    return url


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = Retry().parse_retry_after(value)  # seconds or an HTTP date
    except Exception:  # an unparseable header is ignored, as browsers do
        return None
    return max(0.0, float(seconds))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def host_of(url: str) -> str:
    """The host (and port) of `url`, without any user or password."""
    try:
        parts = urlsplit(url)
        return parts.netloc.rpartition("@")[2] or shown(url)
    except ValueError:
        return shown(url)


def _reason(exc: BaseException) -> str:
    return mask_credentials(first_line(exc))[:160]
