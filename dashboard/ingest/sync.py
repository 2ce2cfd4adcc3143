"""`khetmap sync`: keep the store current from Traffy's public search API or its CSV dump.

The API (newest tickets first, about 1,000 a page, by offset) has four measured hazards
(see the data's SOURCES.md): pages overlap, one page can hold a ticket twice, new reports
arriving during a crawl shift every offset, and its `total` disagrees with its list. So
the crawl steps by less than a page, checks that each page overlaps the one before
(re-reading closer when it does not), takes an empty or short page as the list's end
whatever `total` says (`total` is a hint, reported when it disagrees), re-reads the head
at the end until it meets tickets already seen (reports that arrived meanwhile), and keeps
every result in the order it was fetched: the ingest merges duplicates, the later-fetched
copy winning. Each accepted page is written to a journal first, so a killed sync resumes
where it stopped (for `KHETMAP_SYNC_RESUME_HOURS`); a resumed crawl never overwrites a
ticket that an ingest after the crawl's start wrote. Only when the crawl is done does the
ingest run, through the same path as `khetmap ingest` (reconciliation, quarantine, one
transaction), with the day's backlog snapshot and the sync's log line in that same
transaction. No URL's password or token is stored, logged or printed.

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
import math
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from dashboard import config
from dashboard import store as stores
from dashboard.errors import OutputFileError, StoreError, SyncError
from dashboard.files import disk_error, write_atomically
from dashboard.ingest.load import Reconciliation, ingest_files
from dashboard.ingest.sources import json_text
from dashboard.ingest.webclient import (
    UNCAPPED,
    Cap,
    Client,
    TransientError,
    checked_url,
    host_of,
    shown,
)
from dashboard.store import Reader, has_table, history, queries
from dashboard.text import mask_credentials
from dashboard.vocab import local_midnight

PAGE_OVERLAP = 50
"""Results each page should share with the one before (the API's own crawlers step 950)."""
CUTOFF_MARGIN = timedelta(hours=1)
JOURNAL = "journal.json"
JOURNAL_VERSION = 2
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Settings:
    """Where to sync from and how much to read; each has a KHETMAP_* setting."""

    api_url: str = config.API_URL
    """KHETMAP_API_URL: the search endpoint (or a mirror / internal proxy of it)"""
    dump_url: str | None = None
    """KHETMAP_DUMP_URL: the bangkok_traffy.csv dump (plain or .gz)"""
    dump_sha256: str | None = None
    """KHETMAP_DUMP_SHA256: the dump's expected checksum, when the publisher gives one"""
    max_pages: int = config.SYNC_MAX_PAGES
    """KHETMAP_SYNC_MAX_PAGES: the page budget of one sync"""
    max_page_bytes: int = config.SYNC_MAX_PAGE_BYTES
    """KHETMAP_SYNC_MAX_PAGE_BYTES: the largest API page accepted"""
    backfill_days: int = config.BACKFILL_DAYS
    """KHETMAP_BACKFILL_DAYS: how far back snapshots are backfilled (when the data allows)"""
    resume_hours: float = config.SYNC_RESUME_HOURS
    """KHETMAP_SYNC_RESUME_HOURS: how long an unfinished crawl may be resumed"""
    dump_deadline: float = config.DUMP_DEADLINE
    """KHETMAP_DUMP_DEADLINE: seconds one dump download request may take in all"""

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            api_url=config.api_url(),
            dump_url=config.dump_url(),
            dump_sha256=config.dump_sha256(),
            max_pages=config.sync_max_pages(),
            max_page_bytes=config.sync_max_page_bytes(),
            backfill_days=config.backfill_days(),
            resume_hours=config.sync_resume_hours(),
            dump_deadline=config.dump_deadline(),
        )


def state_dir(location: str | Path) -> Path:
    """Where a sync keeps its journal, downloads and lock: KHETMAP_SYNC_DIR, else beside a
    DuckDB store (`.<store>.sync/`), else, for a PostgreSQL store, a folder of the user's
    state directory keyed by the store's URL without its password
    (`$XDG_STATE_HOME/khetmap/sync-<hash>`, by default `~/.local/state/khetmap/`): the
    same store always gets the same folder and lock, whatever the working directory."""
    explicit = config.sync_dir()
    if explicit is not None:
        return explicit.absolute()
    target = stores.at(location)
    beside = target.beside("sync")
    if beside is not None:
        return beside
    digest = hashlib.sha256(target.describe().encode()).hexdigest()[:16]
    return _user_state_dir() / f"sync-{digest}"


def _user_state_dir() -> Path:
    named = config.user_state_home()
    if named is not None:
        return named / "khetmap"
    try:
        return Path.home() / ".local" / "state" / "khetmap"
    except RuntimeError as exc:  # no HOME and no password entry
        raise SyncError(
            "no home folder to keep the sync's journal in: set KHETMAP_SYNC_DIR to a folder."
        ) from exc


@dataclass
class Outcome:
    """What a sync did: the one summary line, and the parts tests and the dashboard read."""

    source: str
    url: str
    """the address read, as `webclient.shown` gives it (no password or token)"""
    started_at: datetime
    pages: int = 0
    results: int = 0
    rereads: int = 0
    head_rereads: int = 0
    """pages read again at the head at the end, for reports that arrived during the crawl"""
    retries: int = 0
    resumed_from: int | None = None
    """the offset a resumed crawl went on from (None: a fresh crawl)"""
    complete: bool = True
    stop_reason: str = ""
    head: datetime | None = None
    reached_back_to: datetime | None = None
    cutoff: datetime | None = None
    gaps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """what the reader should know but lost nothing (total and list disagree, a fresh start)"""
    reconciliation: Reconciliation | None = None
    snapshot: history.Taken | None = None
    downloaded: bool = False

    def line(self) -> str:
        """One line for the log (no password or token: `url` is masked, and so is the line)."""
        parts = [f"sync {self.source} from {host_of(self.url)}"]
        if self.source == "api":
            parts += self._crawl_parts()
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
            if rec.kept_newer:
                parts.append(
                    f"{rec.kept_newer:,} kept as stored (an ingest after this crawl began "
                    "wrote a newer copy)"
                )
        if self.snapshot is not None:
            parts.append(self.snapshot.describe())
        parts += self.notes
        parts += [f"WARNING {gap}" for gap in self.gaps]
        return mask_credentials("; ".join(part for part in parts if part))

    def _crawl_parts(self) -> list[str]:
        extra = [f"{self.rereads} re-read"] if self.rereads else []
        extra += [f"{self.head_rereads} head re-read"] if self.head_rereads else []
        extra += [f"{self.retries} retried"] if self.retries else []
        if self.resumed_from is not None:
            extra.append(f"resumed at offset {self.resumed_from:,}")
        more = f" ({', '.join(extra)})" if extra else ""
        parts = [f"{self.pages} pages{more}, {self.results:,} results"]
        if self.reached_back_to:
            parts.append(f"back to {_minute(self.reached_back_to)}")
        return [*parts, self.stop_reason]


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
    url = _source_url(source, base_url, settings)
    folder = state_dir(location)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SyncError(
            f"cannot make the sync's folder {folder} ({exc.strerror or exc}): set "
            "KHETMAP_SYNC_DIR to a writable folder."
        ) from exc
    with _only_sync(folder):
        if source == "dump":
            return _sync_dump(location, url, folder, settings, client, report, clock)
        return _sync_api(location, url, folder, settings, client, report, clock, since, pages)


def _source_url(source: str, base_url: str | None, settings: Settings) -> str:
    """The address to read, checked (a port out of range is one line, not a crash)."""
    if source == "dump":
        url = base_url or settings.dump_url
        if not url:
            raise SyncError(
                "no dump URL: set KHETMAP_DUMP_URL (or --base-url) to the address of "
                "bangkok_traffy.csv, or sync from the API (--source api)."
            )
        return checked_url(url, setting="--base-url" if base_url else "KHETMAP_DUMP_URL")
    url = base_url or settings.api_url
    return checked_url(url, setting="--base-url" if base_url else "KHETMAP_API_URL")


# --- the search API ------------------------------------------------------------------


@dataclass
class Page:
    offset: int
    total: int | None
    """the API's count of tickets when it is one: a hint, the list's own end decides"""
    results: list[Any]
    total_text: str = ""
    """`total` as the API sent it (said in the line when it is not a count)"""

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


Fetch = Callable[[int, bool], Page]
"""Read the page at an offset; True: results are expected there (an empty page is retried)."""


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
    shown_total = json.dumps(total, ensure_ascii=False)
    return Page(offset=offset, total=_count(total), results=results, total_text=shown_total[:40])


def _count(value: Any) -> int | None:
    """`total` as a count of tickets, or None when it is not one: text, a boolean, an
    object, a negative or fractional number, NaN or infinity (`1e400` reads as infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    return int(value) if value >= 0 else None


class _Crawl:
    """The journal of one crawl: accepted pages on disk, and where to go on from.

    A crawl walks back from the head (phase "walk"), then reads the head again (phase
    "head"). It notes the store's last ingest at its start (`store_ingest`): tickets a
    later ingest wrote are never overwritten by its (older) pages.
    """

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
        if (
            not isinstance(state, dict)
            or state.get("version") != JOURNAL_VERSION
            or state.get("url_key") != _url_key(url)
        ):
            return False
        self.state = state
        return True

    def start(
        self,
        *,
        url: str,
        started: datetime,
        cutoff: datetime | None,
        budget: int,
        store_ingest: int,
    ) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        try:
            self.folder.mkdir(parents=True)
        except OSError as exc:
            raise disk_error(self.folder, exc) from exc
        self.state = {
            "version": JOURNAL_VERSION,
            "url_key": _url_key(url),  # the URL itself may hold a password: not on disk
            "started_at": started.isoformat(),
            "cutoff": cutoff.isoformat() if cutoff else None,
            "budget": budget,
            "store_ingest": store_ingest,
            "phase": "walk",
            "next_offset": 0,
            "head_next": 0,
            "page_size": 0,
            "pages": [],
            "rereads": 0,
            "head_rereads": 0,
            "retries": 0,
            "gaps": [],
            "notes": [],
            "head": None,
            "stop_reason": "",
            "complete": True,
        }
        self._save()

    def accept(self, page: Page, *, step: int, phase: str = "walk") -> None:
        name = f"page-{len(self.state['pages']) + 1:05d}.json"
        body = {"status": True, "total": page.total, "results": page.results}
        write_atomically(self.folder / name, json_text(body).encode())
        times = page.times()
        head = _parse_time(self.state["head"])
        if times and (head is None or max(times) > head):
            self.state["head"] = max(times).isoformat()
        self.state["pages"].append(
            {
                "file": name,
                "phase": phase,
                "offset": page.offset,
                "total": page.total,
                "total_text": page.total_text,
                "results": len(page.results),
                "oldest": min(times).isoformat() if times else None,
            }
        )
        self.state["page_size"] = max(int(self.state["page_size"]), len(page.results))
        self.state["next_offset" if phase == "walk" else "head_next"] = page.offset + step
        self._save()

    def end_walk(self, *, reason: str, complete: bool, note: str | None = None) -> None:
        self.state.update(phase="head", stop_reason=reason, complete=complete)
        if note:
            self.state["notes"].append(note)
        self._save()

    def walked(self) -> list[dict[str, Any]]:
        return [entry for entry in self.state["pages"] if entry["phase"] == "walk"]

    def page(self, entry: dict[str, Any]) -> Page:
        body = json.loads((self.folder / entry["file"]).read_text(encoding="utf-8"))
        return Page(offset=entry["offset"], total=entry["total"], results=body["results"])

    def last_page(self) -> Page | None:
        walked = self.walked()
        return self.page(walked[-1]) if walked else None

    def walked_keys(self) -> set[str]:
        keys: set[str] = set()
        for entry in self.walked():
            keys |= self.page(entry).keys
        return keys

    def list_end(self) -> int:
        """The furthest position of the list the walk saw."""
        return max((int(e["offset"]) + int(e["results"]) for e in self.walked()), default=0)

    def merged(self, started: datetime) -> Path:
        """Every accepted page's results, in fetch order, as one search-API document."""
        target = self.folder / f"traffy-api-{started:%Y%m%dT%H%M%SZ}.json"
        try:
            with target.open("w", encoding="utf-8") as out:
                out.write('{"status": true, "results": [')
                first = True
                for entry in self.state["pages"]:
                    for item in self.page(entry).results:
                        out.write(("" if first else ",\n") + json_text(item))
                        first = False
                out.write("]}\n")
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise disk_error(target, exc) from exc
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
        write_atomically(self.path, json.dumps(self.state, indent=1).encode())


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
    resumed_from, notes = _open_crawl(crawl, location, url, settings, clock, since, pages)
    started = datetime.fromisoformat(crawl.state["started_at"])
    cutoff = _parse_time(crawl.state["cutoff"])
    outcome = Outcome(source="api", url=shown(url), started_at=started, cutoff=cutoff)
    outcome.resumed_from, outcome.notes = resumed_from, notes
    retries_before = client.retries_done
    fetch = _fetcher(url, settings, client, crawl)
    if crawl.state["phase"] == "walk":
        _walk(crawl, fetch, report)
    _reread_head(crawl, fetch)
    _summarise(crawl, outcome, retries=client.retries_done - retries_before)
    merged = crawl.merged(started)
    report("writing the store", 0.95)
    _ingest_with_log(
        location,
        [merged],
        outcome,
        settings,
        clock,
        read_at_ingest=int(crawl.state["store_ingest"]),
    )
    crawl.finish()
    report("done", 1.0)
    return outcome


def _open_crawl(
    crawl: _Crawl,
    location: str | Path,
    url: str,
    settings: Settings,
    clock: Callable[[], datetime],
    since: date | None,
    pages: int | None,
) -> tuple[int | None, list[str]]:
    """Resume the unfinished crawl of `url` when it is recent, else start one. Returns the
    offset a resumed crawl goes on from (None: a fresh crawl) and what to say about it."""
    notes: list[str] = []
    if crawl.load(url):
        begun = _parse_time(crawl.state["started_at"])
        age = clock() - begun if begun else None
        if age is not None and timedelta(0) <= age <= timedelta(hours=settings.resume_hours):
            phase_next = "next_offset" if crawl.state["phase"] == "walk" else "head_next"
            return int(crawl.state[phase_next]), notes
        notes.append(
            f"an unfinished crawl begun {_minute(begun)} was not resumed (older than "
            f"KHETMAP_SYNC_RESUME_HOURS={settings.resume_hours:g}, or begun later than now): "
            "started afresh"
        )
    crawl.start(
        url=url,
        started=clock(),
        cutoff=local_midnight(since) if since else _cutoff(location),
        budget=pages or settings.max_pages,
        store_ingest=_last_ingest(location),
    )
    return None, notes


def _fetcher(url: str, settings: Settings, client: Client, crawl: _Crawl) -> Fetch:
    """Read one page, retried; an empty page where results are expected is retried too,
    and taken as it is on the last try (the list may really have ended there)."""
    cap = Cap(limit=settings.max_page_bytes)

    def fetch(offset: int, expect_results: bool) -> Page:
        page_url = _with_offset(url, offset)
        tries = 0

        def attempt() -> Page:
            nonlocal tries
            tries += 1
            answer = client.get(page_url, cap=cap)
            page = parse_page(
                answer.body, offset=offset, content_type=answer.headers.get("content-type", "")
            )
            if not page.results and expect_results and tries < client.politeness.attempts:
                raise TransientError(
                    f"an empty page at offset {offset:,} right after a full one (the API "
                    f"counts {page.total_text} tickets)"
                )
            return page

        if crawl.state["pages"] or offset:
            client.pause()
        return client.retrying(attempt, what=f"page at offset {offset:,} of {shown(page_url)}")

    return fetch


def _walk(crawl: _Crawl, fetch: Fetch, report: Progress) -> None:
    """Page back to the list's end (an empty or short page), the cutoff or the budget."""
    cutoff = _parse_time(crawl.state["cutoff"])
    budget = int(crawl.state["budget"])
    while True:
        if len(crawl.state["pages"]) >= budget:
            crawl.end_walk(
                reason=f"stopped at the page budget ({budget:,} pages) before "
                + (f"reaching {_minute(cutoff)}" if cutoff else "the end of the list")
                + ": older tickets were not checked (raise --pages or KHETMAP_SYNC_MAX_PAGES)",
                complete=False,
                note=_total_note(crawl, at_end=False),
            )
            return
        previous = crawl.last_page()
        inside = previous is not None and len(previous.results) >= int(crawl.state["page_size"])
        page = fetch(int(crawl.state["next_offset"]), inside)
        if previous is not None and page.results and not (page.keys & previous.keys):
            page = _reread_closer(fetch, page, previous, crawl)
        crawl.accept(page, step=_step(len(page.results)))
        _progress(report, crawl, cutoff, page)
        if _walk_ended(crawl, page, cutoff, inside=inside):
            return


def _walk_ended(crawl: _Crawl, page: Page, cutoff: datetime | None, *, inside: bool) -> bool:
    """End the walk when this page is the list's end or reaches back to the cutoff."""
    if not page.results and inside:
        crawl.note(
            "gaps",
            f"an empty page at offset {page.offset:,} right after a full one, still after "
            "every try: taken as the end of the list; tickets past it may be missed until "
            "the next sync",
        )
        crawl.end_walk(
            reason="reached an empty page", complete=False, note=_total_note(crawl, at_end=True)
        )
        return True
    if len(page.results) < int(crawl.state["page_size"]) or not page.results:
        crawl.end_walk(
            reason="reached the end of the list",
            complete=True,
            note=_total_note(crawl, at_end=True),
        )
        return True
    times = page.times()
    if cutoff is not None and times and min(times) < cutoff:
        crawl.end_walk(
            reason=f"covered back to {_minute(cutoff)}",
            complete=True,
            note=_total_note(crawl, at_end=False),
        )
        return True
    return False


def _total_note(crawl: _Crawl, *, at_end: bool) -> str | None:
    """A line when the API's `total` and its list disagree (`at_end`: the walk reached the
    list's end, so the two should be equal)."""
    walked = crawl.walked()
    if not walked:
        return None
    total, end = walked[-1]["total"], crawl.list_end()
    if total is None:
        return (
            f"total and list disagree: the API's total ({walked[-1]['total_text']}) is not a "
            f"count; the list was read to {end:,} results"
        )
    if (at_end and total != end) or total < end:
        ended = "ended at" if at_end else "goes on past"
        return (
            f"total and list disagree: the API counts {int(total):,} tickets but its list "
            f"{ended} {end:,}"
        )
    return None


def _reread_head(crawl: _Crawl, fetch: Fetch) -> None:
    """Read the head again until a page meets a ticket the walk saw: reports that arrived
    during the crawl went in at the head (and pushed the others along)."""
    seen = crawl.walked_keys()
    if not seen:
        return
    size = int(crawl.state["page_size"])
    for _ in range(len(crawl.walked())):
        page = fetch(int(crawl.state["head_next"]), False)
        crawl.accept(page, step=_step(len(page.results)), phase="head")
        crawl.note("head_rereads", int(crawl.state["head_rereads"]) + 1)
        if not page.results or page.keys & seen or len(page.results) < size:
            return
    crawl.note(
        "gaps",
        "more reports arrived during the crawl than it had read pages: the newest are "
        "stored, some between them and the crawl's head may wait for the next sync",
    )


def _summarise(crawl: _Crawl, outcome: Outcome, *, retries: int) -> None:
    state = crawl.state
    outcome.retries = int(state["retries"]) + retries
    crawl.note("retries", outcome.retries)
    entries = state["pages"]
    outcome.pages = len(entries)
    outcome.results = sum(int(e["results"]) for e in entries)
    outcome.rereads = int(state["rereads"])
    outcome.head_rereads = int(state["head_rereads"])
    outcome.gaps = list(state["gaps"])
    outcome.notes += list(state["notes"])
    outcome.head = _parse_time(state["head"])
    outcome.stop_reason = str(state["stop_reason"])
    outcome.complete = bool(state["complete"])
    oldest_all = [t for t in (_parse_time(e["oldest"]) for e in entries) if t is not None]
    outcome.reached_back_to = min(oldest_all) if oldest_all else None


def _step(results: int) -> int:
    """How far the next page starts: a page less an overlap with this one."""
    return max(1, results - min(PAGE_OVERLAP, results // 2))


def _reread_closer(fetch: Fetch, page: Page, previous: Page, crawl: _Crawl) -> Page:
    """The page shares nothing with the one before: the list moved. Read closer to it."""
    gap = page.offset - previous.offset
    for offset in (previous.offset + gap // 2, previous.offset + 1):
        if offset <= previous.offset or offset >= page.offset:
            continue
        crawl.note("rereads", int(crawl.state["rereads"]) + 1)
        closer = fetch(offset, False)
        if not closer.results or closer.keys & previous.keys:
            return closer
        page = closer
    crawl.note(
        "gaps",
        f"the list moved by more than a page between offsets {previous.offset:,} and "
        f"{page.offset:,}: tickets there may be missed until the next sync",
    )
    return page


def _progress(report: Progress, crawl: _Crawl, cutoff: datetime | None, page: Page) -> None:
    head = _parse_time(crawl.state["head"])
    times = page.times()
    oldest = min(times) if times else None
    pages = len(crawl.state["pages"])
    fraction = 0.0
    if cutoff is not None and head is not None and oldest is not None and head > cutoff:
        fraction = (head - oldest) / (head - cutoff)
    elif page.total:
        fraction = (page.offset + len(page.results)) / page.total
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


def _last_ingest(location: str | Path) -> int:
    """The store's last ingest (0: none yet), noted when a crawl starts."""
    target = stores.at(location)
    if not target.exists():
        return 0
    try:
        with target.reader() as con:
            return int(_one(con, queries.LAST_INGEST_ID) or 0)
    except StoreError:
        return 0


def _url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


# --- the CSV dump ----------------------------------------------------------------------


class _Download:
    """A resumable, conditional download of the dump into `place` (a `.part` until whole).

    Its notes on disk name the URL by a hash (and as `shown`): never with a password.
    """

    def __init__(self, url: str, place: Path, report: Progress) -> None:
        self.url, self.place, self.report = url, place, report
        self.key = _url_key(url)
        name = Path(urlsplit(url).path).name or "bangkok_traffy.csv"
        self.target, self.part = place / name, place / (name + ".part")
        self.meta_path, self.part_meta_path = place / "dump.json", place / "part.json"
        self.meta = _read_json(self.meta_path)
        self.partial = _read_json(self.part_meta_path)
        if self.partial.get("url_key") != self.key:
            self.part.unlink(missing_ok=True)
            self.partial = {}

    def headers(self) -> dict[str, str]:
        wanted = {"Accept-Encoding": "identity"}
        if self.part.exists() and self.part.stat().st_size and self.partial:
            wanted["Range"] = f"bytes={self.part.stat().st_size}-"
            validator = self.partial.get("etag") or self.partial.get("last_modified")
            if validator:
                wanted["If-Range"] = validator
        elif self.meta.get("url_key") == self.key and self.target.exists():
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
            url_key=self.key, etag=found.get("etag"), last_modified=found.get("last-modified")
        )
        declared = _declared_size(status, found)
        self.partial["size"] = declared
        write_atomically(self.part_meta_path, json.dumps(self.partial).encode())
        self._save(chunks, append=status == 206, declared=declared)
        if declared is not None and self.part.stat().st_size < declared:
            raise TransientError(
                f"the download stopped at {self.part.stat().st_size:,} of {declared:,} bytes"
            )

    def _save(self, chunks: Iterator[bytes], *, append: bool, declared: int | None) -> None:
        """Write the body to the `.part`; a full disk is one line (`OutputFileError`): the
        previous dump and the store are as they were, and the next sync resumes here."""
        try:
            out = self.part.open("ab" if append else "wb")
        except OSError as exc:
            raise self._cannot_write(exc) from exc
        with out:
            for chunk in chunks:  # read outside the `try`: a socket's error is not the disk's
                try:
                    out.write(chunk)
                    out.flush()
                except OSError as exc:
                    raise self._cannot_write(exc) from exc
                if declared:
                    self.report("downloading the dump", 0.5 * out.tell() / declared)

    def _cannot_write(self, exc: OSError) -> OutputFileError:
        return OutputFileError(
            f"cannot write the dump's download {self.part} ({exc.strerror or exc}): the store "
            f"and the previous dump ({self.target.name}) are unchanged; free some space and "
            "run the sync again (it resumes the download)."
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
            "url": shown(self.url),
            "url_key": self.key,
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
    outcome = Outcome(source="dump", url=shown(url), started_at=clock())
    place = folder / "dump"
    try:
        place.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise disk_error(place, exc) from exc
    download = _Download(url, place, report)

    def attempt() -> int:
        answer = client.get(
            url,
            headers=download.headers(),
            cap=UNCAPPED,
            deadline=settings.dump_deadline,
            accept=(200, 206, 304),
            sink=download.sink,
        )
        return answer.status

    status = client.retrying(attempt, what=f"the dump at {shown(url)}")
    outcome.retries = client.retries_done
    if status == 304:
        outcome.stop_reason = "the dump has not changed since the last sync (HTTP 304)"
        _record_only(location, outcome, settings, clock)
        return outcome
    meta = download.verified(settings.dump_sha256)
    previous = download.meta
    if previous.get("sha256") == meta["sha256"] and previous.get("url_key") == download.key:
        outcome.stop_reason = "the dump's content is the same as last time (same sha256)"
        _record_only(location, outcome, settings, clock)
    else:
        outcome.downloaded = True
        _ingest_with_log(location, [download.target], outcome, settings, clock)
    write_atomically(download.meta_path, json.dumps(meta).encode())
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
    *,
    read_at_ingest: int | None = None,
) -> None:
    def after(con: Reader, result: Reconciliation) -> None:
        outcome.reconciliation = result
        _log(con, outcome, settings, clock, ingest_id=result.ingest_id)

    try:
        ingest_files(paths=paths, store_path=location, after=after, read_at_ingest=read_at_ingest)
    except Exception:
        outcome.reconciliation = None
        outcome.snapshot = None
        raise


def _record_only(
    location: str | Path, outcome: Outcome, settings: Settings, clock: Callable[[], datetime]
) -> None:
    with stores.at(location).writing() as con:
        _log(con, outcome, settings, clock, ingest_id=None)


def _log(
    con: Reader,
    outcome: Outcome,
    settings: Settings,
    clock: Callable[[], datetime],
    *,
    ingest_id: int | None,
) -> None:
    """Inside the write: the day's snapshot (and backfill), then the sync's row (its URL and
    summary without any password: `Outcome.url` is masked and so is `line()`)."""
    finished = clock()
    outcome.snapshot = history.record(con, now=finished, backfill_days=settings.backfill_days)
    sync_id = int(_one(con, queries.NEXT_SYNC_ID))
    con.execute(
        "INSERT INTO syncs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sync_id,
            outcome.source,
            mask_credentials(outcome.url),
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
    try:
        handle = lock_path.open("a+")
    except OSError as exc:
        raise SyncError(
            f"cannot open the sync's lock {lock_path} ({exc.strerror or exc}): set "
            "KHETMAP_SYNC_DIR to a writable folder."
        ) from exc
    with handle:
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
