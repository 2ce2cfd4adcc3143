"""`khetmap sync`: keep the store current from Traffy's public search API or its CSV dump.

The API (newest tickets first, about 1,000 a page, by offset) has three measured hazards
(see the data's SOURCES.md): pages overlap, one page can hold a ticket twice, and new
reports arriving during a crawl shift every offset. So the crawl steps by less than a
page, checks that each page overlaps the one before (re-reading closer when it does not),
and keeps every result in the order it was fetched: the ingest merges duplicates, the
later-fetched copy winning. Each accepted page is written to a journal first, so a killed
sync resumes where it stopped. Only when the crawl is done does the ingest run, through
the same path as `khetmap ingest` (reconciliation, quarantine, one transaction), with the
day's backlog snapshot and the sync's log line in that same transaction.

The API has no finish time (`last_activity`) and no way to ask what changed, so a sync
re-reads everything back to the oldest ticket still open in the store (to see old
tickets change state) and to the newest ticket of the last sync. The dump has finish
times; `--source dump` downloads it (conditionally, resuming) and ingests it whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from dashboard import history, metrics, pgstore, queries
from dashboard import store as stores
from dashboard.errors import StoreError, SyncError
from dashboard.ingest import Reconciliation, ingest_files, writing
from dashboard.readers import json_text
from dashboard.store import Reader, has_table
from dashboard.webclient import Client, TransientError

DEFAULT_API_URL = "https://publicapi.traffy.in.th/share/teamchadchart/search"
PAGE_OVERLAP = 50
"""Results each page should share with the one before (the API's own crawlers step 950)."""
DEFAULT_MAX_PAGES = 2000
DEFAULT_MAX_PAGE_BYTES = 8 << 20
"""A real page of 1,000 results is about 2.5 MB of JSON; 8 MiB leaves room, 10 MB is refused."""
CUTOFF_MARGIN = timedelta(hours=1)
JOURNAL = "journal.json"
Progress = Callable[[str, float], None]


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    """Where to sync from and how much to read; each has a KHETMAP_* setting."""

    api_url: str = DEFAULT_API_URL
    """KHETMAP_API_URL: the search endpoint (or a mirror / internal proxy of it)"""
    dump_url: str | None = None
    """KHETMAP_DUMP_URL: the bangkok_traffy.csv dump (plain or .gz)"""
    dump_sha256: str | None = None
    """KHETMAP_DUMP_SHA256: the dump's expected checksum, when the publisher gives one"""
    max_pages: int = DEFAULT_MAX_PAGES
    """KHETMAP_SYNC_MAX_PAGES: the page budget of one sync"""
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES
    """KHETMAP_SYNC_MAX_PAGE_BYTES: the largest API page accepted"""
    backfill_days: int = history.DEFAULT_BACKFILL_DAYS
    """KHETMAP_BACKFILL_DAYS: how far back snapshots are backfilled (when the data allows)"""

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            api_url=_env("KHETMAP_API_URL") or DEFAULT_API_URL,
            dump_url=_env("KHETMAP_DUMP_URL"),
            dump_sha256=(_env("KHETMAP_DUMP_SHA256") or "").lower() or None,
            max_pages=max(1, int(_env_number("KHETMAP_SYNC_MAX_PAGES", DEFAULT_MAX_PAGES))),
            max_page_bytes=max(
                1024, int(_env_number("KHETMAP_SYNC_MAX_PAGE_BYTES", DEFAULT_MAX_PAGE_BYTES))
            ),
            backfill_days=max(
                0, int(_env_number("KHETMAP_BACKFILL_DAYS", history.DEFAULT_BACKFILL_DAYS))
            ),
        )


def state_dir(location: str | Path) -> Path:
    """Where a sync keeps its journal and downloads: KHETMAP_SYNC_DIR, else beside the store."""
    explicit = _env("KHETMAP_SYNC_DIR")
    if explicit:
        return Path(explicit).expanduser()
    if pgstore.is_url(location):
        digest = hashlib.sha256(str(location).encode()).hexdigest()[:12]
        return Path("data") / f"sync-{digest}"
    path = Path(location).expanduser()
    return path.with_name(f".{path.name}.sync")


@dataclass
class Outcome:
    """What a sync did: the one summary line, and the parts tests and the dashboard read."""

    source: str
    url: str
    started_at: datetime
    pages: int = 0
    results: int = 0
    rereads: int = 0
    retries: int = 0
    resumed_from: int | None = None
    """the offset a resumed crawl went on from (None: a fresh crawl)"""
    complete: bool = True
    stop_reason: str = ""
    head: datetime | None = None
    reached_back_to: datetime | None = None
    cutoff: datetime | None = None
    gaps: list[str] = field(default_factory=list)
    reconciliation: Reconciliation | None = None
    snapshot: history.Taken | None = None
    downloaded: bool = False

    def line(self) -> str:
        """One line for the log."""
        parts = [f"sync {self.source} from {_host(self.url)}"]
        if self.source == "api":
            extra = [f"{self.rereads} re-read"] if self.rereads else []
            extra += [f"{self.retries} retried"] if self.retries else []
            if self.resumed_from is not None:
                extra.append(f"resumed at offset {self.resumed_from:,}")
            more = f" ({', '.join(extra)})" if extra else ""
            parts.append(f"{self.pages} pages{more}, {self.results:,} results")
            if self.reached_back_to:
                parts.append(f"back to {_minute(self.reached_back_to)}")
            parts.append(self.stop_reason)
        else:
            parts.append("dump downloaded" if self.downloaded else self.stop_reason)
        rec = self.reconciliation
        if rec is not None:
            verdict = "OK" if rec.accounted == rec.rows_read else "MISMATCH"
            parts.append(
                f"{rec.stored_new:,} new, {rec.stored_updated:,} updated, "
                f"{rec.stored_unchanged:,} unchanged, {rec.merged_duplicates:,} merged, "
                f"{rec.quarantined_total:,} quarantined (reconciliation {verdict})"
            )
        if self.snapshot is not None:
            taken = "taken" if self.snapshot.taken else "already taken today"
            backfill = (
                f", {self.snapshot.backfilled_days} earlier days backfilled"
                if self.snapshot.backfilled_days
                else ""
            )
            parts.append(f"snapshot {self.snapshot.day} {taken}{backfill}")
        parts += [f"WARNING {gap}" for gap in self.gaps]
        return "; ".join(part for part in parts if part)


def sync(
    *,
    location: str | Path,
    source: str = "api",
    since: date | None = None,
    pages: int | None = None,
    base_url: str | None = None,
    settings: Settings | None = None,
    client: Client | None = None,
    progress: Progress | None = None,
    now: Callable[[], datetime] | None = None,
) -> Outcome:
    """Run one sync into the store at `location`. Raises SyncError (store unchanged)."""
    settings = settings or Settings.from_env()
    client = client or Client()
    clock = now or (lambda: datetime.now(UTC))
    report = progress or (lambda _stage, _fraction: None)
    folder = state_dir(location)
    folder.mkdir(parents=True, exist_ok=True)
    with _only_sync(folder):
        if source == "dump":
            url = base_url or settings.dump_url
            if not url:
                raise SyncError(
                    "no dump URL: set KHETMAP_DUMP_URL (or --base-url) to the address of "
                    "bangkok_traffy.csv, or sync from the API (--source api)."
                )
            return _sync_dump(location, url, folder, settings, client, report, clock)
        url = base_url or settings.api_url
        return _sync_api(location, url, folder, settings, client, report, clock, since, pages)


# --- the search API ------------------------------------------------------------------


@dataclass
class Page:
    offset: int
    total: int
    results: list[Any]

    @property
    def keys(self) -> set[str]:
        return {_identity(item) for item in self.results}

    def times(self) -> list[datetime]:
        found = []
        for item in self.results:
            if isinstance(item, dict):
                moment = _parse_time(item.get("timestamp"))
                if moment is not None:
                    found.append(moment)
        return found


def _identity(item: Any) -> str:
    if isinstance(item, dict):
        ticket = str(item.get("ticket_id") or "").strip()
        if ticket:
            return ticket
        return f"{item.get('timestamp')}|{item.get('coords')}"
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def parse_page(body: bytes, *, offset: int, content_type: str = "") -> Page:
    """A search-API answer as a `Page`, or TransientError saying what was wrong with it."""
    head = body[:200].lstrip().lower()
    if "html" in content_type.lower() or head.startswith((b"<!doctype", b"<html", b"<")):
        raise TransientError("the answer is an HTML page, not JSON (a proxy or error page?)")
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise TransientError(f"the answer is not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise TransientError(
            f"the JSON is cut short or broken ({exc.msg} at byte {exc.pos:,} of {len(body):,})"
        ) from exc
    except RecursionError as exc:
        raise TransientError("the JSON is nested too deeply to be a search page") from exc
    if not isinstance(document, dict):
        raise TransientError("the JSON is not a search answer (no status/total/results object)")
    if document.get("status") is not True:
        raise TransientError(f"the API answered status={json.dumps(document.get('status'))}")
    results = document.get("results")
    if not isinstance(results, list):
        raise TransientError("the answer has no list of results")
    total = document.get("total")
    total = int(total) if isinstance(total, int | float) and total >= 0 else 0
    if not results and offset < total:
        raise TransientError(
            f"an empty page at offset {offset:,} although the API counts {total:,} tickets"
        )
    return Page(offset=offset, total=total, results=results)


class _Crawl:
    """The journal of one crawl: accepted pages on disk, and where to go on from."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "api"
        self.path = self.folder / JOURNAL
        self.state: dict[str, Any] = {}

    def load(self, url: str) -> bool:
        """Load an unfinished crawl of `url`; False (and start afresh) if there is none."""
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(state, dict) or state.get("url") != url or state.get("version") != 1:
            return False
        self.state = state
        return True

    def start(self, *, url: str, started: datetime, cutoff: datetime | None, budget: int) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.state = {
            "version": 1,
            "url": url,
            "started_at": started.isoformat(),
            "cutoff": cutoff.isoformat() if cutoff else None,
            "budget": budget,
            "next_offset": 0,
            "pages": [],
            "rereads": 0,
            "retries": 0,
            "gaps": [],
            "head": None,
        }
        self._save()

    def accept(self, page: Page, *, step: int) -> None:
        name = f"page-{len(self.state['pages']) + 1:05d}.json"
        body = {"status": True, "total": page.total, "results": page.results}
        _write_atomically(self.folder / name, json_text(body).encode())
        times = page.times()
        if self.state["head"] is None and times:
            self.state["head"] = max(times).isoformat()
        self.state["pages"].append(
            {
                "file": name,
                "offset": page.offset,
                "total": page.total,
                "results": len(page.results),
                "oldest": min(times).isoformat() if times else None,
            }
        )
        self.state["next_offset"] = page.offset + step
        self._save()

    def last_page(self) -> Page | None:
        if not self.state["pages"]:
            return None
        entry = self.state["pages"][-1]
        body = json.loads((self.folder / entry["file"]).read_text(encoding="utf-8"))
        return Page(offset=entry["offset"], total=entry["total"], results=body["results"])

    def merged(self, started: datetime) -> Path:
        """Every accepted page's results, in fetch order, as one search-API document."""
        target = self.folder / f"traffy-api-{started:%Y%m%dT%H%M%SZ}.json"
        with target.open("w", encoding="utf-8") as out:
            out.write('{"status": true, "results": [')
            first = True
            for entry in self.state["pages"]:
                body = json.loads((self.folder / entry["file"]).read_text(encoding="utf-8"))
                for item in body["results"]:
                    out.write(("" if first else ",\n") + json_text(item))
                    first = False
            out.write("]}\n")
        return target

    def note(self, key: str, value: Any) -> None:
        if isinstance(self.state.get(key), list):
            self.state[key].append(value)
        else:
            self.state[key] = value
        self._save()

    def finish(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _save(self) -> None:
        _write_atomically(self.path, json.dumps(self.state, indent=1).encode())


def _sync_api(
    location: str | Path,
    url: str,
    folder: Path,
    settings: Settings,
    client: Client,
    report: Progress,
    clock: Callable[[], datetime],
    since: date | None,
    pages: int | None,
) -> Outcome:
    crawl = _Crawl(folder)
    resumed = crawl.load(url)
    if resumed:
        started = datetime.fromisoformat(crawl.state["started_at"])
        cutoff = _parse_time(crawl.state["cutoff"])
        budget = int(crawl.state["budget"])
    else:
        started = clock()
        cutoff = metrics.local_midnight(since) if since else _cutoff(location)
        budget = pages or settings.max_pages
        crawl.start(url=url, started=started, cutoff=cutoff, budget=budget)
    outcome = Outcome(source="api", url=url, started_at=started, cutoff=cutoff)
    if resumed:
        outcome.resumed_from = int(crawl.state["next_offset"])
    retries_before = client.retries_done

    def fetch(offset: int) -> Page:
        page_url = _with_offset(url, offset)

        def attempt() -> Page:
            answer = client.get(page_url, max_bytes=settings.max_page_bytes)
            return parse_page(
                answer.body, offset=offset, content_type=answer.headers.get("content-type", "")
            )

        if crawl.state["pages"] or offset:
            client.pause()
        return client.retrying(attempt, what=f"page at offset {offset:,} of {page_url}")

    while True:
        done = len(crawl.state["pages"])
        if done >= budget:
            outcome.complete = False
            outcome.stop_reason = (
                f"stopped at the page budget ({budget:,} pages) before "
                + (f"reaching {_minute(cutoff)}" if cutoff else "the end of the list")
                + ": older tickets were not checked (raise --pages or KHETMAP_SYNC_MAX_PAGES)"
            )
            break
        offset = int(crawl.state["next_offset"])
        previous = crawl.last_page()
        page = fetch(offset)
        if previous is not None and page.results and not (page.keys & previous.keys):
            page = _reread_closer(fetch, page, previous, crawl)
        step = max(1, len(page.results) - PAGE_OVERLAP)
        crawl.accept(page, step=step)
        times = page.times()
        oldest = min(times) if times else None
        _progress(report, crawl, cutoff, page, oldest)
        if not page.results or page.offset + len(page.results) >= page.total:
            outcome.stop_reason = "reached the end of the list"
            break
        if cutoff is not None and oldest is not None and oldest < cutoff:
            outcome.stop_reason = f"covered back to {_minute(cutoff)}"
            break
    outcome.retries = int(crawl.state["retries"]) + client.retries_done - retries_before
    crawl.note("retries", outcome.retries)
    entries = crawl.state["pages"]
    outcome.pages = len(entries)
    outcome.results = sum(int(e["results"]) for e in entries)
    outcome.rereads = int(crawl.state["rereads"])
    outcome.gaps = list(crawl.state["gaps"])
    outcome.head = _parse_time(crawl.state["head"])
    oldest_all = [t for t in (_parse_time(e["oldest"]) for e in entries) if t is not None]
    outcome.reached_back_to = min(oldest_all) if oldest_all else None
    merged = crawl.merged(started)
    report("writing the store", 0.95)
    _ingest_with_log(location, [merged], outcome, settings, clock)
    crawl.finish()
    report("done", 1.0)
    return outcome


def _reread_closer(fetch: Callable[[int], Page], page: Page, previous: Page, crawl: _Crawl) -> Page:
    """The page shares nothing with the one before: the list moved. Read closer to it."""
    gap = page.offset - previous.offset
    for offset in (previous.offset + gap // 2, previous.offset + 1):
        if offset <= previous.offset or offset >= page.offset:
            continue
        crawl.note("rereads", int(crawl.state["rereads"]) + 1)
        closer = fetch(offset)
        if not closer.results or closer.keys & previous.keys:
            return closer
        page = closer
    crawl.note(
        "gaps",
        f"the list moved by more than a page between offsets {previous.offset:,} and "
        f"{page.offset:,}: tickets there may be missed until the next sync",
    )
    return page


def _progress(
    report: Progress, crawl: _Crawl, cutoff: datetime | None, page: Page, oldest: datetime | None
) -> None:
    head = _parse_time(crawl.state["head"])
    pages = len(crawl.state["pages"])
    if cutoff is not None and head is not None and oldest is not None and head > cutoff:
        fraction = (head - oldest) / (head - cutoff)
    else:
        fraction = (page.offset + len(page.results)) / max(1, page.total)
    budget_share = pages / max(1, int(crawl.state["budget"]))
    report(f"page {pages:,} (offset {page.offset:,})", 0.9 * min(1.0, max(fraction, budget_share)))


def _cutoff(location: str | Path) -> datetime | None:
    """How far back this sync must read: the last sync's newest ticket or the oldest open one."""
    target = stores.at(location)
    if not target.exists():
        return None
    try:
        with target.reader() as con:
            marks = [_one(con, queries.OLDEST_OPEN_REPORT)]
            head = None
            if has_table(con, "syncs"):
                head = _one(con, queries.LAST_COMPLETE_SYNC_HEAD, ["api"])
            marks.append(head if head is not None else _one(con, queries.NEWEST_REPORT))
    except StoreError:
        return None
    found = [mark for mark in marks if isinstance(mark, datetime)]
    return min(found) - CUTOFF_MARGIN if found else None


# --- the CSV dump ----------------------------------------------------------------------


class _Download:
    """A resumable, conditional download of the dump into `place` (a `.part` until whole)."""

    def __init__(self, url: str, place: Path, report: Progress) -> None:
        self.url, self.place, self.report = url, place, report
        name = Path(urlsplit(url).path).name or "bangkok_traffy.csv"
        self.target, self.part = place / name, place / (name + ".part")
        self.meta_path, self.part_meta_path = place / "dump.json", place / "part.json"
        self.meta = _read_json(self.meta_path)
        self.partial = _read_json(self.part_meta_path)
        if self.partial.get("url") != url:
            self.part.unlink(missing_ok=True)
            self.partial = {}

    def headers(self) -> dict[str, str]:
        wanted = {"Accept-Encoding": "identity"}
        if self.part.exists() and self.part.stat().st_size and self.partial:
            wanted["Range"] = f"bytes={self.part.stat().st_size}-"
            validator = self.partial.get("etag") or self.partial.get("last_modified")
            if validator:
                wanted["If-Range"] = validator
        elif self.meta.get("url") == self.url and self.target.exists():
            if self.meta.get("etag"):
                wanted["If-None-Match"] = self.meta["etag"]
            if self.meta.get("last_modified"):
                wanted["If-Modified-Since"] = self.meta["last_modified"]
        return wanted

    def sink(self, status: int, found: Mapping[str, str], chunks: Iterator[bytes]) -> None:
        if status == 304:
            return
        start = 0
        if status == 206:
            start = _range_start(found.get("content-range"))
            if not self.part.exists() or start != self.part.stat().st_size:
                self.part.unlink(missing_ok=True)
                raise TransientError("the server resumed at the wrong byte; starting over")
        else:
            self.partial.clear()
        self.partial.update(
            url=self.url, etag=found.get("etag"), last_modified=found.get("last-modified")
        )
        declared = _declared_size(status, found)
        self.partial["size"] = declared
        _write_atomically(self.part_meta_path, json.dumps(self.partial).encode())
        with self.part.open("ab" if status == 206 else "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                if declared:
                    self.report("downloading the dump", 0.5 * out.tell() / declared)
        if declared is not None and self.part.stat().st_size < declared:
            raise TransientError(
                f"the download stopped at {self.part.stat().st_size:,} of {declared:,} bytes"
            )

    def verified(self, expected_sha256: str | None) -> dict[str, Any]:
        """Check the whole `.part` (size, sha256), move it into place; return its metadata."""
        size = self.part.stat().st_size
        declared = self.partial.get("size")
        if declared is not None and size != declared:
            self.part.unlink(missing_ok=True)
            raise SyncError(
                f"the dump is {size:,} bytes but the server announced {declared:,}: "
                "the download is damaged; nothing was ingested, run the sync again."
            )
        digest = _sha256(self.part)
        if expected_sha256 and digest != expected_sha256:
            self.part.unlink(missing_ok=True)
            raise SyncError(
                f"the dump's sha256 {digest[:16]}… is not KHETMAP_DUMP_SHA256 "
                f"{expected_sha256[:16]}…: nothing was ingested."
            )
        self.part.replace(self.target)
        self.part_meta_path.unlink(missing_ok=True)
        return {
            "url": self.url,
            "etag": self.partial.get("etag"),
            "last_modified": self.partial.get("last_modified"),
            "size": size,
            "sha256": digest,
        }


def _sync_dump(
    location: str | Path,
    url: str,
    folder: Path,
    settings: Settings,
    client: Client,
    report: Progress,
    clock: Callable[[], datetime],
) -> Outcome:
    outcome = Outcome(source="dump", url=url, started_at=clock())
    place = folder / "dump"
    place.mkdir(parents=True, exist_ok=True)
    download = _Download(url, place, report)

    def attempt() -> int:
        answer = client.get(
            url,
            headers=download.headers(),
            max_bytes=1 << 62,
            accept=(200, 206, 304),
            sink=download.sink,
        )
        return answer.status

    status = client.retrying(attempt, what=f"the dump at {url}")
    outcome.retries = client.retries_done
    if status == 304:
        outcome.stop_reason = "the dump has not changed since the last sync (HTTP 304)"
        _record_only(location, outcome, settings, clock)
        return outcome
    meta = download.verified(settings.dump_sha256)
    previous = download.meta
    if previous.get("sha256") == meta["sha256"] and previous.get("url") == url:
        outcome.stop_reason = "the dump's content is the same as last time (same sha256)"
        _record_only(location, outcome, settings, clock)
    else:
        outcome.downloaded = True
        _ingest_with_log(location, [download.target], outcome, settings, clock)
    _write_atomically(download.meta_path, json.dumps(meta).encode())
    return outcome


def _declared_size(status: int, found: Mapping[str, str]) -> int | None:
    if status == 206:
        total = (found.get("content-range") or "").rpartition("/")[2]
        return int(total) if total.isdigit() else None
    length = found.get("content-length")
    return int(length) if length and length.isdigit() else None


def _range_start(value: str | None) -> int:
    try:
        return int((value or "").split()[1].split("-")[0])
    except (IndexError, ValueError):
        return -1


# --- writing ---------------------------------------------------------------------------


def _ingest_with_log(
    location: str | Path,
    paths: list[Path],
    outcome: Outcome,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    def after(con: Reader, result: Reconciliation) -> None:
        outcome.reconciliation = result
        _log(con, outcome, settings, clock, ingest_id=result.ingest_id)

    try:
        ingest_files(paths=paths, store_path=location, after=after)
    except Exception:
        outcome.reconciliation = None
        outcome.snapshot = None
        raise


def _record_only(
    location: str | Path, outcome: Outcome, settings: Settings, clock: Callable[[], datetime]
) -> None:
    with writing(location) as con:
        _log(con, outcome, settings, clock, ingest_id=None)


def _log(
    con: Reader,
    outcome: Outcome,
    settings: Settings,
    clock: Callable[[], datetime],
    *,
    ingest_id: int | None,
) -> None:
    """Inside the write: the day's snapshot (and backfill), then the sync's row."""
    finished = clock()
    outcome.snapshot = history.record(con, now=finished, backfill_days=settings.backfill_days)
    sync_id = int(_one(con, queries.NEXT_SYNC_ID))
    con.execute(
        "INSERT INTO syncs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sync_id,
            outcome.source,
            outcome.url,
            outcome.started_at,
            finished,
            outcome.pages,
            outcome.results,
            outcome.head,
            outcome.reached_back_to,
            outcome.complete,
            ingest_id,
            outcome.line(),
        ],
    )


# --- small helpers ---------------------------------------------------------------------


@contextlib.contextmanager
def _only_sync(folder: Path) -> Iterator[None]:
    """One sync at a time per store: a second one exits at once with a clear line."""
    lock_path = folder / "sync.lock"
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SyncError(
                f"another khetmap sync of this store is running ({holder}); this one did "
                "nothing. Cron or the timer will try again at the next run."
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _one(con: Reader, sql: str, parameters: list[Any] | None = None) -> Any:
    rows = con.execute(sql, parameters or []).fetchall()
    return rows[0][0] if rows else None


def _with_offset(url: str, offset: int) -> str:
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}{urlencode({'offset': offset})}"


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("+00", "-00")) or (
        len(text) > 3 and text[-3] in "+-" and text[-2:].isdigit()
    ):
        text += ":00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _minute(moment: datetime | None) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else "?"


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _read_json(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _write_atomically(target: Path, data: bytes) -> None:
    partial = target.with_name(target.name + ".tmp")
    partial.write_bytes(data)
    partial.replace(target)


def is_terminal() -> bool:
    return sys.stderr.isatty()
