"""The embedded store: one DuckDB file, replaced whole by each write (`replacing`).

Readers share one database per version of the file (`shared_reader`); a writer works on a
copy and renames it into place, so it never waits on readers and they never see half a write.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from dashboard.errors import StoreError, first_line
from dashboard.store.queries import DERIVED, derived_view
from dashboard.store.reader import Reader
from dashboard.store.schema import SCHEMA, Areas, add_derived, missing_derived

LOCK_WAIT_SECONDS = 30.0


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

    def describe(self) -> str:
        return str(self.path)

    def address(self) -> str:
        """The file's absolute path: another process finds the same store from any folder."""
        return str(self.path.resolve())

    def beside(self, name: str, *, visible: bool = False) -> Path | None:
        """`.<store>.<name>` next to the store's file (a sync's folder, the outbox's journal),
        or `<store stem>.<name>` when `visible` (the classifier's model)."""
        if visible:
            return self.path.with_name(f"{self.path.stem}.{name}")
        path = self.path.absolute()
        return path.with_name(f".{path.name}.{name}")

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

    @contextmanager
    def writing(self) -> Iterator[Reader]:
        """One write transaction on a copy of the file, renamed into place when it commits."""
        try:
            with replacing(self.path) as con:
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
        except duckdb.Error as exc:
            raise StoreError(rollback_message(exc)) from exc

    @contextmanager
    def ingesting(self, *, districts: Areas, subdistricts: Areas) -> Iterator[DuckIngest]:
        """An ingest stages its rows in the writable copy itself (the polygons stay in files)."""
        del districts, subdistricts
        with replacing(self.path) as con:
            yield DuckIngest(con)

    def replace_predictions(
        self, predictions: pd.DataFrame, *, scores: pd.DataFrame, trained_at: datetime
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

    def grant_reader(self, role: str, *, password: str | None = None) -> None:
        """A file has no roles: only a PostgreSQL store can have a read-only one."""
        del role, password
        raise StoreError("grant-reader is for a PostgreSQL store: pass --store postgresql://…")

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """An advisory lock on `<store>.<name>.lock` next to the file."""
        lock_path = self.path.with_name(f"{self.path.name}.{name}.lock")
        with lock_path.open("a") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True

    @contextmanager
    def autocommit(self) -> Iterator[Reader | None]:
        """None: a DuckDB store is written by whole copies, renamed into place."""
        yield None


@dataclass
class DuckIngest:
    """An ingest into a DuckDB store: staged and written on the same writable copy."""

    staging: duckdb.DuckDBPyConnection

    @contextmanager
    def transaction(self) -> Iterator[Reader]:
        """The write transaction, with the staged rows as `incoming` (the table renamed)."""
        con = self.staging
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("ALTER TABLE staged RENAME TO incoming")
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def append(self, table: str, rows: pa.Table) -> None:
        """Add `rows` (columns named as `table`'s) in the open transaction."""
        self.staging.register("new_rows", rows)
        self.staging.execute(f"INSERT INTO {table} BY NAME SELECT * FROM new_rows")
        self.staging.unregister("new_rows")


def rollback_message(exc: duckdb.Error) -> str:
    """One line for a failed write to a DuckDB store (or an ingest's staging), saying what to do."""
    text = str(exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if "No space left" in text or "Out of Memory" in text or "could not write" in text.lower():
        return (
            "the ingest was rolled back, the store is unchanged: the disk (or the memory "
            f"DuckDB may use) ran out ({first[:160]}); free some space and try again."
        )
    return f"the ingest was rolled back, the store is unchanged: {first[:300]}"


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
        add_derived(con, schema="main", types={n: k for n, (k, _s) in DERIVED.items()})
    return con


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
            view = derived_view("store.main.tickets", shared.missing)
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
