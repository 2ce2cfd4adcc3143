"""The store: where tickets live, behind one small interface.

A `Store` owns connecting, the schema, the version token the caches key on, and the one
way writes happen. Everything that reads takes a `Reader` (a connection that runs one SQL
statement with parameters), never a particular database's connection class. DuckDB, the
embedded default, is `DuckDBStore`.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd

from dashboard.errors import StoreError, first_line
from dashboard.store import queries

SCHEMA_VERSION = 1

TICKET_COLUMNS = """
    ticket_id VARCHAR NOT NULL,
    id_is_surrogate BOOLEAN NOT NULL,
    content_key VARCHAR NOT NULL,
    row_hash UBIGINT NOT NULL,
    categories VARCHAR[] NOT NULL,
    type_raw VARCHAR,
    organization VARCHAR,
    comment VARCHAR,
    photo VARCHAR,
    photo_after VARCHAR,
    address VARCHAR,
    subdistrict_label VARCHAR,
    district_label VARCHAR,
    province VARCHAR,
    reported_at TIMESTAMPTZ NOT NULL,
    last_activity TIMESTAMPTZ,
    state VARCHAR NOT NULL,
    state_label VARCHAR,
    star INTEGER,
    count_reopen INTEGER,
    coords_raw VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    coords_swapped BOOLEAN NOT NULL,
    location_issue VARCHAR,
    district_code VARCHAR,
    subdistrict_code VARCHAR,
    h3_r9 UBIGINT,
    district_label_mismatch BOOLEAN NOT NULL,
    subdistrict_label_mismatch BOOLEAN NOT NULL,
    source_file VARCHAR NOT NULL,
    source_record BIGINT NOT NULL,
    hashtags VARCHAR,
    finished_at TIMESTAMPTZ,
    ingest_id INTEGER NOT NULL
"""

TICKET_NAMES = [line.strip().split()[0] for line in TICKET_COLUMNS.strip().split(",\n")]
"""A ticket's own fields, as read and written; the stored facts worked out from them are
`queries.DERIVED` (written with each ticket, never read from a file)."""
DERIVED_COLUMNS = ",\n".join(f"    {name} {kind}" for name, (kind, _sql) in queries.DERIVED.items())

# The quarantine and the ingest log, in the column types both backends share.
QUARANTINE_TABLE = """
CREATE TABLE IF NOT EXISTS quarantine (
    ingest_id INTEGER NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    raw_text VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ingests (
    ingest_id INTEGER NOT NULL PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    files VARCHAR[] NOT NULL,
    rows_read BIGINT NOT NULL,
    stored_new BIGINT NOT NULL,
    stored_updated BIGINT NOT NULL,
    stored_unchanged BIGINT NOT NULL,
    merged_duplicates BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    quarantine_reasons VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ticket_changes (
    ingest_id INTEGER NOT NULL,
    ticket_id VARCHAR NOT NULL,
    district_code VARCHAR,
    change VARCHAR NOT NULL,
    value_before VARCHAR,
    value_after VARCHAR
);
CREATE TABLE IF NOT EXISTS predictions (
    ticket_id VARCHAR NOT NULL PRIMARY KEY,
    categories VARCHAR[] NOT NULL,
    confidence DOUBLE PRECISION[] NOT NULL,
    trained_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS classifier_scores (
    category VARCHAR NOT NULL PRIMARY KEY,
    held_out_f1 DOUBLE PRECISION NOT NULL,
    predicted BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS backlog_snapshots (
    as_of DATE NOT NULL,
    district_code VARCHAR NOT NULL,
    subdistrict_code VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    tickets BIGINT NOT NULL,
    age_0_7 BIGINT NOT NULL,
    age_8_30 BIGINT NOT NULL,
    age_31_90 BIGINT NOT NULL,
    age_over_90 BIGINT NOT NULL,
    backfilled BOOLEAN NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS syncs (
    sync_id INTEGER NOT NULL PRIMARY KEY,
    source VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    pages INTEGER NOT NULL,
    results BIGINT NOT NULL,
    head TIMESTAMPTZ,
    reached_back_to TIMESTAMPTZ,
    complete BOOLEAN NOT NULL,
    ingest_id INTEGER,
    summary VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    subscription VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    events VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    due_at TIMESTAMPTZ NOT NULL,
    state VARCHAR NOT NULL,
    sent_at TIMESTAMPTZ,
    attempts INTEGER NOT NULL,
    last_error VARCHAR,
    PRIMARY KEY (subscription, channel, message)
);
CREATE TABLE IF NOT EXISTS write_log (
    written_at TIMESTAMPTZ NOT NULL,
    who VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    detail VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
    owner VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    every VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    rules VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (owner, district_code, every)
);
"""
"""Predicted categories of untyped tickets live in their own table: a citizen's own type
in `tickets` is never overwritten. `ticket_changes` holds what each ingest (or sync) changed
per ticket (`ingest.CHANGES_SQL`); `write_log` every write a signed-in user made from a page
(`writes.checked_write`); `subscriptions` the alerts a signed-in user asked for in the app
(`own_subscriptions`), sent by `khetmap alerts run` with the file's."""

ROUND_TABLES = """
CREATE TABLE IF NOT EXISTS rounds (
    round_id INTEGER NOT NULL PRIMARY KEY,
    district_code VARCHAR NOT NULL,
    made_at TIMESTAMPTZ NOT NULL,
    as_of TIMESTAMPTZ NOT NULL,
    last_import INTEGER,
    lang VARCHAR NOT NULL,
    tickets INTEGER NOT NULL,
    locked_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS round_tickets (
    round_id INTEGER NOT NULL,
    unit VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    ticket_id VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    overdue BOOLEAN NOT NULL,
    routed VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS round_workbooks (
    round_id INTEGER NOT NULL,
    unit VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    content {blob} NOT NULL
);
CREATE TABLE IF NOT EXISTS round_evidence (
    round_id INTEGER NOT NULL,
    unit VARCHAR NOT NULL,
    returned_at TIMESTAMPTZ NOT NULL,
    file_name VARCHAR NOT NULL,
    media_type VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    sha256 VARCHAR NOT NULL,
    content {blob} NOT NULL
);
"""
"""Report rounds (`rounds`): each round's snapshot of open tickets per unit and the
workbooks it handed out, written once and never changed (a lock only sets `locked_at`),
and the evidence each unit returned. `{blob}` is the backend's byte type."""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS tickets ({TICKET_COLUMNS},
{DERIVED_COLUMNS});
{QUARANTINE_TABLE}
{ROUND_TABLES.format(blob="BLOB")}
CREATE TABLE IF NOT EXISTS meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL);
"""

LOCK_WAIT_SECONDS = 30.0


class Result(Protocol):
    """The answer to one statement."""

    def df(self) -> pd.DataFrame: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class Reader(Protocol):
    """A read connection: runs one SQL statement with `?` parameters."""

    def execute(self, query: str, parameters: Sequence[Any] | None = ..., /) -> Result: ...


def has_table(con: Reader, name: str) -> bool:
    """True when the store has a table called `name` (one a newer version adds, such as
    `syncs` or `backlog_snapshots`, may be missing from an older store)."""
    return bool(con.execute(queries.HAS_TABLE, [name]).fetchall()[0][0])


class Store(Protocol):
    """Where the tickets live."""

    @property
    def kind(self) -> str: ...

    def exists(self) -> bool: ...

    def version(self) -> str:
        """A token that changes whenever the data changes (cache keys)."""
        ...

    def reader(self) -> AbstractContextManager[Reader]:
        """A read-only connection for the length of a `with` block."""
        ...

    def describe(self) -> str: ...

    def replace_predictions(
        self, predictions: pd.DataFrame, *, scores: pd.DataFrame, trained_at: Any
    ) -> None: ...

    def prepare_write(self) -> None:
        """Raise StoreError now if a write could not go ahead (before minutes of work)."""
        ...


@dataclass(frozen=True)
class DuckDBStore:
    """The embedded store: one DuckDB file, replaced whole by each write (`replacing`)."""

    path: Path
    kind: str = "duckdb"

    def exists(self) -> bool:
        return self.path.is_file()

    def version(self) -> str:
        return store_version(self.path)

    def reader(self) -> AbstractContextManager[Reader]:
        return shared_reader(self.path)

    def writer(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return replacing(self.path)

    def describe(self) -> str:
        return str(self.path)

    def prepare_write(self) -> None:
        """A write puts a new file and a lock file next to the store: its folder (or the
        nearest that exists, to be made in) must be a folder this user can write."""
        folder = self.path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            raise StoreError(
                f"cannot write the store {self.path}: {folder} is not a folder this user can "
                "write in; point --store or KHETMAP_STORE at a writable place."
            )

    def replace_predictions(
        self, predictions: pd.DataFrame, *, scores: pd.DataFrame, trained_at: Any
    ) -> None:
        """Swap in a new set of predicted categories and the model's held-out scores."""
        with replacing(self.path) as con:
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM predictions")
            con.execute("DELETE FROM classifier_scores")
            con.register("new_predictions", predictions)
            con.register("new_scores", scores)
            con.execute(
                "INSERT INTO predictions SELECT ticket_id, categories, confidence, ? "
                "FROM new_predictions",
                [trained_at],
            )
            con.execute(
                "INSERT INTO classifier_scores SELECT category, held_out_f1, predicted "
                "FROM new_scores"
            )
            con.unregister("new_predictions")
            con.unregister("new_scores")
            con.execute("COMMIT")


def at(location: str | Path) -> Store:
    """The store at `location`: a postgresql:// URL, or a file path (DuckDB)."""
    from dashboard.store import postgres

    if postgres.is_url(location):
        return postgres.PostgresStore(str(location))
    return DuckDBStore(Path(location).expanduser())


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store; create its tables when writable. Wait a while if another writer holds it."""
    if read_only and not path.is_file():
        raise StoreError(
            f"no khetmap store at {path}: run `khetmap ingest FILE` first "
            "(or set KHETMAP_STORE to an existing store).",
            reason="missing",
        )
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise StoreError(f"cannot open the store {path}: {first_line(exc)}") from exc
            time.sleep(0.2)
        except duckdb.Error as exc:
            raise StoreError(
                f"{path} is not a khetmap DuckDB store ({first_line(exc)}): "
                "point KHETMAP_STORE or --store at another file."
            ) from exc
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        con.execute(SCHEMA)
        add_derived(con, schema="main", types={n: k for n, (k, _s) in queries.DERIVED.items()})
    return con


def add_derived(con: Reader, *, schema: str, types: dict[str, str]) -> None:
    """Bring a ticket table written before some of `queries.ADDED_FIELDS` and
    `queries.DERIVED` up to date (in the open write): add the missing fields (empty) and
    facts (filled from each ticket's fields); a table that has them all is left alone."""
    missing = missing_derived(con, schema)
    if not missing:
        return
    for name in missing:
        kind = queries.ADDED_FIELDS[name] if name in queries.ADDED_FIELDS else types[name]
        con.execute(f"ALTER TABLE tickets ADD COLUMN {name} {kind}")
    derived = [name for name in missing if name in queries.DERIVED]
    if derived:
        values = ", ".join(f"{name} = {queries.DERIVED[name][1]}" for name in derived)
        con.execute(f"UPDATE tickets SET {values}")


def missing_derived(con: Reader, schema: str) -> tuple[str, ...]:
    """The added fields (`queries.ADDED_FIELDS`, first) and stored facts (`queries.DERIVED`)
    the store's ticket table was written without."""
    present = {row[0] for row in con.execute(queries.DERIVED_PRESENT, [schema]).fetchall()}
    has_tickets = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = 'tickets' AND table_schema = ? AND table_catalog = current_database()",
        [schema],
    ).fetchall()[0][0]
    wanted = (*queries.ADDED_FIELDS, *queries.DERIVED)
    return tuple(name for name in wanted if has_tickets and name not in present)


@contextmanager
def open_store(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the store for the length of a `with` block."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@dataclass
class _Shared:
    """One read-only database per version of a store file, shared by the process's readers."""

    version: str
    database: duckdb.DuckDBPyConnection
    users: int = 0
    missing: tuple[str, ...] = ()
    """stored facts (`queries.DERIVED`) the tickets were written without: each reader sees
    `tickets` through a view adding them"""


_SHARED: dict[Path, _Shared] = {}
_SHARED_LOCK = threading.Lock()


@contextmanager
def shared_reader(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read connection (a cursor) on the process's database for the store's current version.

    Opening the file for every page run cost ~30 ms and started each run with an empty
    buffer cache: a city filter change at 1M spent ~100 ms more in its queries than on a
    database kept open. The database is an in-memory one with the file attached, so each
    version (a new file renamed into place by `replacing`) gets a database of its own:
    DuckDB hands a second `connect` of the same path the instance already open, which
    would be the old file. An old version's database closes when its last reader is done.
    """
    shared = _acquire(path)
    cursor = shared.database.cursor()
    try:
        cursor.execute("USE store")
        cursor.execute("SET TimeZone = 'UTC'")
        if shared.missing:  # a temp view is the cursor's own and comes first by name
            view = queries.derived_view("store.main.tickets", shared.missing)
            cursor.execute(f"CREATE TEMP VIEW tickets AS {view}")
        yield cursor
    finally:
        cursor.close()
        _release(path, shared)


def _acquire(path: Path) -> _Shared:
    version = store_version(path)
    with _SHARED_LOCK:
        shared = _SHARED.get(path)
        if shared is None or shared.version != version:
            if version == "missing":
                connect(path, read_only=True)  # raises the store error a user understands
            database = duckdb.connect(":memory:")
            quoted = str(path).replace("'", "''")
            try:
                database.execute(f"ATTACH '{quoted}' AS store (READ_ONLY)")
            except duckdb.Error as exc:
                database.close()
                raise StoreError(
                    f"{path} is not a khetmap DuckDB store ({first_line(exc)}): "
                    "point KHETMAP_STORE or --store at another file."
                ) from exc
            missing = _missing_derived_attached(database)
            if shared is not None and shared.users == 0:
                shared.database.close()
            shared = _SHARED[path] = _Shared(version, database, missing=missing)
        shared.users += 1
        return shared


def _missing_derived_attached(database: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    cursor = database.cursor()
    try:
        cursor.execute("USE store")
        return missing_derived(cursor, "main")
    finally:
        cursor.close()


def _release(path: Path, shared: _Shared) -> None:
    with _SHARED_LOCK:
        shared.users -= 1
        if shared.users == 0 and _SHARED.get(path) is not shared:
            shared.database.close()


def store_version(path: Path) -> str:
    """Return a token that changes whenever the store file changes (for cache keys).

    A new store is renamed into place, so its inode number changes too.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    wal = _wal(path)
    wal_part = wal.stat().st_mtime_ns if wal.exists() else 0
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}-{wal_part}"


@contextmanager
def replacing(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a writable copy of the store; rename it over `path` when the block succeeds.

    This is how every write reaches the store, so a writer never waits on readers and
    readers never see a half-written store: DuckDB lets one process write a file *or* any
    number read it, and the copy is a different file. Open read connections keep the file
    they opened (the old inode lives until its last reader closes it, then the space is
    freed); the next connection opens the new file. Writers queue on a lock file, so two
    ingests never copy the same base and lose each other's rows. On any failure the copy
    is removed and the store is exactly as it was (a new path is not even created).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(path):
        for stale in path.parent.glob(f".{path.name}.*.writing"):
            _remove(stale)  # left by a writer that was killed: we hold the lock, none is live
        scratch = path.with_name(f".{path.name}.{os.getpid()}.writing")
        try:
            if path.is_file():
                _settle(path)
                shutil.copyfile(path, scratch)
            con = connect(scratch)
            try:
                yield con
                con.execute("CHECKPOINT")
            finally:
                con.close()
            scratch.replace(path)
            _sync_folder(path.parent)
        except OSError as exc:
            _remove(scratch)
            if exc.errno == errno.ENOSPC:
                raise StoreError(
                    f"no space left on the device of {path.parent}: the store is unchanged; "
                    "free some space (a store update needs room for a copy of the store)."
                ) from exc
            raise
        except BaseException:
            _remove(scratch)
            raise


@contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _settle(path: Path) -> None:
    """Fold a write-ahead log left by an older khetmap into the file before copying it."""
    if _wal(path).exists():
        connect(path).close()


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    _wal(path).unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
