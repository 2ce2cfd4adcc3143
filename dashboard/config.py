"""Every setting khetmap reads from the environment (`KHETMAP_*`), in one place.

Each setting is a function read when asked (so a changed environment, or a test's, shows at
once), built from a few parsers below: text, a number, a whole number, a path, a comma list.
A value that cannot be used falls back to the setting's default, as its docstring says; no
other module of the package reads the environment. Every name here is in the README's
settings table (tests/test_layout.py checks it).
"""

from __future__ import annotations

import os
from pathlib import Path

DISTRICTS_FILE = "bangkok_districts.geojson"
SUBDISTRICTS_FILE = "bangkok_subdistricts.geojson"
POPULATION_FILE = "population_by_district.csv"
DEFAULT_TRAFFY_FILE = "traffy_sample.csv.gz"
DUMP_SAMPLE_FILE = "traffy_dump_format_sample.csv"
STORE_FILE = "khetmap.duckdb"


# --- parsers -------------------------------------------------------------------------------


def _raw(name: str) -> str | None:
    """The setting exactly as given; None when unset."""
    return os.environ.get(name)


def _text(name: str) -> str | None:
    """The setting without surrounding blanks; None when unset or blank."""
    return (os.environ.get(name) or "").strip() or None


def _number(name: str) -> float | None:
    """The setting as a number; None when unset or not a number."""
    try:
        return float(os.environ.get(name, ""))
    except ValueError:
        return None


def _whole(name: str) -> int | None:
    """The setting as a whole number (`int` syntax); None when unset or not one."""
    try:
        return int(os.environ.get(name, ""))
    except ValueError:
        return None


def _number_or(name: str, default: float) -> float:
    value = _number(name)
    return default if value is None else value


def _within(value: float, low: float, high: float) -> bool:
    return low <= value <= high


def _path(text: str | None) -> Path | None:
    return Path(text).expanduser() if text else None


def _listed(text: str) -> list[str]:
    """The entries of a comma-separated setting, blanks around them removed, empty ones
    dropped."""
    return [entry.strip() for entry in text.split(",") if entry.strip()]


# --- data and store ------------------------------------------------------------------------


def data_dir() -> Path:
    """`KHETMAP_DATA_DIR`, else `data/` in the working directory."""
    return Path(os.environ.get("KHETMAP_DATA_DIR", "data")).expanduser()


def store_location() -> str:
    """`KHETMAP_STORE` as given: a postgresql:// URL or a DuckDB file path; else
    `data/khetmap.duckdb`. The store defaults to the local `data/` folder, not the data
    directory, so that a read-only shared data directory (as in CI) still works."""
    return _raw("KHETMAP_STORE") or str(Path("data") / STORE_FILE)


def write_location() -> str:
    """Where a page's writes go (a round's evidence and lock, with the write log):
    `KHETMAP_WRITE_STORE`, a PostgreSQL URL of a role that may write the store, when the
    dashboard reads through a role that may only read; else the store itself."""
    return _text("KHETMAP_WRITE_STORE") or store_location()


def model_file() -> Path | None:
    """`KHETMAP_MODEL`: where `khetmap classify` keeps the category classifier; None: beside
    a store that has a folder (`khetmap.classifier.pkl`), else only where it is asked for."""
    return _path(_raw("KHETMAP_MODEL"))


def targets_file() -> Path | None:
    """`KHETMAP_TARGETS`: the city's own targets file; None: the shipped one."""
    return _path(_text("KHETMAP_TARGETS"))


def routing_file() -> Path | None:
    """`KHETMAP_ROUTING`: the city's own routing file; None: the shipped one."""
    return _path(_text("KHETMAP_ROUTING"))


def roles_file() -> Path | None:
    """`KHETMAP_ROLES`: the roles file; None: signed-in users get the public view."""
    return _path(_text("KHETMAP_ROLES"))


def reader_password() -> str | None:
    """`KHETMAP_READER_PASSWORD`: the password `khetmap grant-reader` gives the role."""
    return _raw("KHETMAP_READER_PASSWORD") or None


def debug() -> bool:
    """`KHETMAP_DEBUG`: any value lets an internal error's traceback through."""
    return bool(_raw("KHETMAP_DEBUG"))


# --- the dashboard -------------------------------------------------------------------------

DEFAULT_STALE_HOURS = 24.0


def stale_hours() -> float:
    """`KHETMAP_STALE_HOURS`: the dashboard warns when the last sync is older (default 24;
    a value that is not a number is ignored, a negative one is 0)."""
    return max(0.0, _number_or("KHETMAP_STALE_HOURS", DEFAULT_STALE_HOURS))


RECURRENCE_METERS = 40.0
"""Reports of one category within this distance are one place (the recurrence register)."""
RECURRENCE_RANGE = (5.0, 500.0)


def recurrence_meters() -> float:
    """`KHETMAP_RECURRENCE_METERS`: reports of one category this close are one place (5–500,
    default 40); a value that is not a number in range is ignored."""
    value = _number("KHETMAP_RECURRENCE_METERS")
    return value if value is not None and _within(value, *RECURRENCE_RANGE) else RECURRENCE_METERS


RUN_SLOTS_RANGE = (1, 64)


def run_slots() -> int:
    """`KHETMAP_RUN_SLOTS`: how many page runs of one server compute at once (1–64; default
    the number of CPUs, at least 2); the others wait their turn. A value
    that is not a whole number in range is ignored.

    Streamlit runs every session's script in its own thread. Fifty sessions changing filters
    together on two cores all progress slowly at once, each holding its own copy of the
    figures it took out of the cache (10M tickets: 2.85 GB); taking turns finishes as many
    runs a second while only a few hold memory.
    """
    default = max(2, os.cpu_count() or 2)
    text = _text("KHETMAP_RUN_SLOTS") or ""
    value = int(text) if text.isdigit() else None
    return value if value is not None and _within(value, *RUN_SLOTS_RANGE) else default


TRAFFY_PHOTO_HOSTS = ("storage.googleapis.com/traffy_public_bucket",)
"""Where every photo of the real data is: Traffy's public bucket (not the whole shared host,
where anyone can have a bucket)."""


def photo_hosts() -> tuple[str, ...]:
    """`KHETMAP_PHOTO_HOSTS`: where a ticket's photo may be shown from, comma-separated
    `host` or `host/path` (default Traffy's public bucket); empty: nowhere. A photo
    elsewhere is neither loaded nor linked (`photos.shown`)."""
    text = _raw("KHETMAP_PHOTO_HOSTS")
    if text is None:
        return TRAFFY_PHOTO_HOSTS
    return tuple(entry.strip("/") for entry in _listed(text) if entry.strip("/ "))


def photo_thumbnails() -> bool:
    """`KHETMAP_PHOTO_THUMBNAILS`: `0` (an intranet that cannot reach Traffy's photo bucket)
    shows the review page's photos as links instead of thumbnails."""
    return _raw("KHETMAP_PHOTO_THUMBNAILS") != "0"


def redaction_on() -> bool:
    """`KHETMAP_REDACT`: `0` shows citizens' text whole to everyone (a closed intranet; the
    server logs it at start). Anything else, or unset: personal data is redacted for anyone
    not signed in with a role covering the ticket's district."""
    return _text("KHETMAP_REDACT") != "0"


DEFAULT_SESSION_HOURS = 12.0
SESSION_HOURS_RANGE = (0.0, 24.0 * 30)


def session_hours() -> float:
    """`KHETMAP_SESSION_HOURS`: a sign-in older than this gives the public view until the user
    signs in again (default 12; at most 30 days, the sign-in cookie's own life). A value that
    is not a number in range is ignored."""
    value = _number("KHETMAP_SESSION_HOURS")
    low, high = SESSION_HOURS_RANGE
    return value if value is not None and low < value <= high else DEFAULT_SESSION_HOURS


def tiles() -> str:
    """`KHETMAP_TILES`: 'osm' (default), 'carto', 'none', or a tile URL template."""
    return os.environ.get("KHETMAP_TILES", "osm").strip()


def tiles_attribution() -> str:
    """`KHETMAP_TILES_ATTRIBUTION`: the credit of a custom `KHETMAP_TILES` template."""
    return os.environ.get("KHETMAP_TILES_ATTRIBUTION", "basemap")


def public_url() -> str | None:
    """`KHETMAP_PUBLIC_URL`: the dashboard's public address; alerts link to views under it."""
    return _raw("KHETMAP_PUBLIC_URL") or None


# --- alerts --------------------------------------------------------------------------------


def subscriptions_file() -> Path | None:
    """`KHETMAP_SUBSCRIPTIONS`: the subscriptions file of `khetmap alerts run`."""
    text = _raw("KHETMAP_SUBSCRIPTIONS")
    return Path(text) if text else None


def smtp_url() -> str:
    """`KHETMAP_SMTP_URL` as given ('' when unset); `mail.smtp_settings` checks it."""
    return _raw("KHETMAP_SMTP_URL") or ""


def mail_from() -> str:
    """`KHETMAP_MAIL_FROM` as given ('' when unset): the sender's address."""
    return _raw("KHETMAP_MAIL_FROM") or ""


def smtp_ca_file() -> str:
    """`KHETMAP_SMTP_CA_FILE` ('' when unset: the system's authorities)."""
    return _text("KHETMAP_SMTP_CA_FILE") or ""


def webhook_hosts() -> tuple[str, ...]:
    """`KHETMAP_WEBHOOK_HOSTS`: the hosts a webhook may call besides LINE's, comma-separated
    `host` or `host:port` (lower case)."""
    return tuple(host.lower() for host in _listed(_raw("KHETMAP_WEBHOOK_HOSTS") or ""))


def webhook_token() -> str:
    """`KHETMAP_WEBHOOK_TOKEN`: sent as `Authorization: Bearer …` with JSON webhooks."""
    return _raw("KHETMAP_WEBHOOK_TOKEN") or ""


def line_token() -> str:
    """`KHETMAP_LINE_TOKEN`: LINE's channel access token, for its push messages."""
    return _raw("KHETMAP_LINE_TOKEN") or ""


def feed_dir() -> Path | None:
    """`KHETMAP_FEED_DIR`: the folder the alerts' Atom feeds are written to."""
    return _path(_raw("KHETMAP_FEED_DIR"))


ALERTS_ATTEMPTS = 4
ALERTS_BACKOFF = 2.0
ALERTS_WORKERS = 8


def _alerts_number(name: str, default: float) -> float:
    value = _number(name)
    return default if value is None else max(0.0, value)


def alerts_attempts() -> int:
    """`KHETMAP_ALERTS_ATTEMPTS`: tries per message (default 4, at least 1)."""
    return max(1, int(_alerts_number("KHETMAP_ALERTS_ATTEMPTS", ALERTS_ATTEMPTS)))


def alerts_backoff() -> float:
    """`KHETMAP_ALERTS_BACKOFF`: the first wait between tries, in seconds (default 2)."""
    return _alerts_number("KHETMAP_ALERTS_BACKOFF", ALERTS_BACKOFF)


def alerts_workers() -> int:
    """`KHETMAP_ALERTS_WORKERS`: threads sending mail, and webhooks (default 8 each)."""
    return max(1, int(_alerts_number("KHETMAP_ALERTS_WORKERS", ALERTS_WORKERS)))


# --- fetch and sync ------------------------------------------------------------------------


def mirror() -> str | None:
    """`KHETMAP_MIRROR`: the base URL of a copy of the data files, for `khetmap fetch`."""
    return _raw("KHETMAP_MIRROR") or None


FETCH_MAX_BYTES = 128 << 20
"""The largest download `khetmap fetch` accepts (the largest file is 35 MB)."""
FETCH_DEADLINE = 600.0
"""The most one file's download may take in all, in seconds."""


def _positive(name: str, default: float) -> float:
    value = _number(name)
    return value if value is not None and value > 0 else default


def fetch_max_bytes() -> int:
    """`KHETMAP_FETCH_MAX_BYTES` (a positive number; else 128 MiB)."""
    return int(_positive("KHETMAP_FETCH_MAX_BYTES", FETCH_MAX_BYTES))


def fetch_deadline() -> float:
    """`KHETMAP_FETCH_DEADLINE` in seconds (a positive number; else 600)."""
    return _positive("KHETMAP_FETCH_DEADLINE", FETCH_DEADLINE)


API_URL = "https://publicapi.traffy.in.th/share/teamchadchart/search"
SYNC_MAX_PAGES = 2000
SYNC_MAX_PAGE_BYTES = 8 << 20
"""A real page of 1,000 results is about 2.5 MB of JSON; 8 MiB leaves room, 10 MB is refused."""
BACKFILL_DAYS = 400
"""How far back (days) snapshots are backfilled before the first sync, when the data allows."""
SYNC_RESUME_HOURS = 12.0
"""An unfinished crawl older than this is started afresh: its pages are stale by then."""
DUMP_DEADLINE = 3600.0
"""Seconds one dump download request may take in all (a cut one resumes with Range)."""


def api_url() -> str:
    """`KHETMAP_API_URL`: the search endpoint (or a mirror / internal proxy of it)."""
    return _text("KHETMAP_API_URL") or API_URL


def dump_url() -> str | None:
    """`KHETMAP_DUMP_URL`: the bangkok_traffy.csv dump (plain or .gz)."""
    return _text("KHETMAP_DUMP_URL")


def dump_sha256() -> str | None:
    """`KHETMAP_DUMP_SHA256`: the dump's expected checksum (lower case), when given."""
    return (_text("KHETMAP_DUMP_SHA256") or "").lower() or None


def sync_max_pages() -> int:
    """`KHETMAP_SYNC_MAX_PAGES`: the page budget of one sync (default 2,000, at least 1)."""
    return max(1, int(_number_or("KHETMAP_SYNC_MAX_PAGES", SYNC_MAX_PAGES)))


def sync_max_page_bytes() -> int:
    """`KHETMAP_SYNC_MAX_PAGE_BYTES`: the largest API page accepted (default 8 MiB, at least
    1,024)."""
    return max(1024, int(_number_or("KHETMAP_SYNC_MAX_PAGE_BYTES", SYNC_MAX_PAGE_BYTES)))


def backfill_days() -> int:
    """`KHETMAP_BACKFILL_DAYS`: how far back snapshots are backfilled (default 400)."""
    return max(0, int(_number_or("KHETMAP_BACKFILL_DAYS", BACKFILL_DAYS)))


def sync_resume_hours() -> float:
    """`KHETMAP_SYNC_RESUME_HOURS`: how long an unfinished crawl may be resumed (default 12)."""
    return max(0.0, _number_or("KHETMAP_SYNC_RESUME_HOURS", SYNC_RESUME_HOURS))


def dump_deadline() -> float:
    """`KHETMAP_DUMP_DEADLINE`: seconds one dump download request may take (default 3,600,
    at least 1)."""
    return max(1.0, _number_or("KHETMAP_DUMP_DEADLINE", DUMP_DEADLINE))


def sync_dir() -> Path | None:
    """`KHETMAP_SYNC_DIR`: where a sync keeps its journal, downloads and lock (None: beside
    the store, `sync.state_dir`)."""
    return _path(_text("KHETMAP_SYNC_DIR"))


def user_state_home() -> Path | None:
    """`XDG_STATE_HOME` when it is an absolute path (the user's state folder)."""
    named = _text("XDG_STATE_HOME")
    return Path(named) if named and Path(named).is_absolute() else None


SYNC_DELAY = 1.0
SYNC_TIMEOUT = 60.0
SYNC_ATTEMPTS = 6
SYNC_BACKOFF = 2.0
SYNC_MAX_WAIT = 300.0


def sync_delay() -> float:
    """`KHETMAP_SYNC_DELAY`: seconds between two requests (default 1)."""
    return max(0.0, _number_or("KHETMAP_SYNC_DELAY", SYNC_DELAY))


def sync_timeout() -> float:
    """`KHETMAP_SYNC_TIMEOUT`: seconds one page request may take in all (default 60)."""
    return max(0.1, _number_or("KHETMAP_SYNC_TIMEOUT", SYNC_TIMEOUT))


def sync_attempts() -> int:
    """`KHETMAP_SYNC_ATTEMPTS`: tries per request (a whole number; default 6, at least 1)."""
    value = _whole("KHETMAP_SYNC_ATTEMPTS")
    return max(1, SYNC_ATTEMPTS if value is None else value)


def sync_backoff() -> float:
    """`KHETMAP_SYNC_BACKOFF`: the first wait after a failure, doubled each time (default 2)."""
    return max(0.0, _number_or("KHETMAP_SYNC_BACKOFF", SYNC_BACKOFF))


def sync_max_wait() -> float:
    """`KHETMAP_SYNC_MAX_WAIT`: the longest single wait, also for a Retry-After (default 300)."""
    return max(0.0, _number_or("KHETMAP_SYNC_MAX_WAIT", SYNC_MAX_WAIT))
