"""Settings read from the environment: where the data and the store live."""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.store import Store, at

DISTRICTS_FILE = "bangkok_districts.geojson"
SUBDISTRICTS_FILE = "bangkok_subdistricts.geojson"
POPULATION_FILE = "population_by_district.csv"
DEFAULT_TRAFFY_FILE = "traffy_sample.csv.gz"
DUMP_SAMPLE_FILE = "traffy_dump_format_sample.csv"
STORE_FILE = "khetmap.duckdb"


def data_dir() -> Path:
    """Return the data directory: `KHETMAP_DATA_DIR`, else `data/` in the working directory."""
    return Path(os.environ.get("KHETMAP_DATA_DIR", "data")).expanduser()


def store_path() -> Path:
    """Return the DuckDB store path: `KHETMAP_STORE`, else `khetmap.duckdb` in `data/`.

    The store defaults to the local `data/` folder, not the data directory, so that a
    read-only shared data directory (as in CI) still works.
    """
    explicit = os.environ.get("KHETMAP_STORE")
    if explicit:
        return Path(explicit).expanduser()
    return Path("data") / STORE_FILE


def store_location() -> str:
    """`KHETMAP_STORE` as given: a postgresql:// URL or a DuckDB file path."""
    explicit = os.environ.get("KHETMAP_STORE")
    return explicit if explicit else str(Path("data") / STORE_FILE)


def write_location() -> str:
    """Where a page's writes go (a round's evidence and lock, with the write log):
    `KHETMAP_WRITE_STORE`, a PostgreSQL URL of a role that may write the store, when the
    dashboard reads through a role that may only read; else the store itself."""
    explicit = os.environ.get("KHETMAP_WRITE_STORE", "").strip()
    return explicit if explicit else store_location()


def store() -> Store:
    """Return the configured store (`KHETMAP_STORE`, else `data/khetmap.duckdb`)."""
    return at(store_location())


def model_path(location: str) -> Path | None:
    """Where the category classifier is kept: `KHETMAP_MODEL`, else next to a DuckDB store
    (`khetmap.classifier.pkl`). A PostgreSQL store has no folder of its own (its predictions
    and scores are in the database): None, the model is kept only where it is asked for."""
    explicit = os.environ.get("KHETMAP_MODEL")
    if explicit:
        return Path(explicit).expanduser()
    if location.startswith(("postgresql://", "postgres://")):
        return None
    store_file = Path(location).expanduser()
    return store_file.with_name(store_file.stem + ".classifier.pkl")


DEFAULT_STALE_HOURS = 24.0


def stale_hours() -> float:
    """KHETMAP_STALE_HOURS: the dashboard warns when the last sync is older (default 24)."""
    try:
        return max(0.0, float(os.environ.get("KHETMAP_STALE_HOURS", DEFAULT_STALE_HOURS)))
    except ValueError:
        return DEFAULT_STALE_HOURS


def recurrence_meters() -> float:
    """`KHETMAP_RECURRENCE_METERS`: reports of one category this close are one place (5–500,
    default 40); a value that is not a number in range is ignored."""
    from dashboard.analysis.director import RECURRENCE_METERS, RECURRENCE_RANGE

    text = os.environ.get("KHETMAP_RECURRENCE_METERS", "").strip()
    try:
        value = float(text)
    except ValueError:
        return RECURRENCE_METERS
    low, high = RECURRENCE_RANGE
    return value if low <= value <= high else RECURRENCE_METERS


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
    text = os.environ.get("KHETMAP_RUN_SLOTS", "").strip()
    if not text.isdigit():
        return default
    low, high = RUN_SLOTS_RANGE
    value = int(text)
    return value if low <= value <= high else default


TRAFFY_PHOTO_HOSTS = ("storage.googleapis.com/traffy_public_bucket",)
"""Where every photo of the real data is: Traffy's public bucket (not the whole shared host,
where anyone can have a bucket)."""


def photo_hosts() -> tuple[str, ...]:
    """`KHETMAP_PHOTO_HOSTS`: where a ticket's photo may be shown from, comma-separated
    `host` or `host/path` (default Traffy's public bucket); empty: nowhere. A photo
    elsewhere is neither loaded nor linked (`photos.shown`)."""
    text = os.environ.get("KHETMAP_PHOTO_HOSTS")
    if text is None:
        return TRAFFY_PHOTO_HOSTS
    return tuple(entry.strip().strip("/") for entry in text.split(",") if entry.strip("/ "))


def redaction_on() -> bool:
    """`KHETMAP_REDACT`: `0` shows citizens' text whole to everyone (a closed intranet; the
    server logs it at start). Anything else, or unset: personal data is redacted for anyone
    not signed in with a role covering the ticket's district."""
    return os.environ.get("KHETMAP_REDACT", "").strip() != "0"


DEFAULT_SESSION_HOURS = 12.0
SESSION_HOURS_RANGE = (0.0, 24.0 * 30)


def session_hours() -> float:
    """`KHETMAP_SESSION_HOURS`: a sign-in older than this gives the public view until the user
    signs in again (default 12; at most 30 days, the sign-in cookie's own life). A value that
    is not a number in range is ignored."""
    text = os.environ.get("KHETMAP_SESSION_HOURS", "").strip()
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_SESSION_HOURS
    low, high = SESSION_HOURS_RANGE
    return value if low < value <= high else DEFAULT_SESSION_HOURS
