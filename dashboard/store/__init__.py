"""The store: where tickets live, behind one small interface.

A `Store` owns connecting, the schema, the version token the caches key on, and the one
way writes happen (`writing`, and an ingest's `ingesting`). Everything that reads takes a
`Reader` (a connection that runs one SQL statement with parameters), never a particular
database's connection class. DuckDB, the embedded default, is `duck.DuckDBStore`;
PostgreSQL + PostGIS is `postgres.PostgresStore`. A third backend is one module and one
line in `at()`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from dashboard import config
from dashboard.store.duck import DuckDBStore
from dashboard.store.postgres import PostgresStore
from dashboard.store.reader import Reader, Result, has_table
from dashboard.store.schema import Areas

__all__ = ["Areas", "Ingest", "Reader", "Result", "Store", "at", "has_table"]


class Ingest(Protocol):
    """An ingest's hold on the store: rows are parsed and staged in DuckDB (a temp table
    `staged` on `staging`), then written in one transaction."""

    @property
    def staging(self) -> duckdb.DuckDBPyConnection: ...

    def transaction(self) -> AbstractContextManager[Reader]:
        """The write transaction, with the staged rows in a table `incoming`; one writer at
        a time, and a failure leaves the store as it was."""
        ...

    def append(self, table: str, rows: pa.Table) -> None:
        """Add `rows` (columns named as `table`'s) in the open transaction."""
        ...


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

    def address(self) -> str:
        """Where another process finds this store (an absolute path, a URL)."""
        ...

    def beside(self, name: str, *, visible: bool = False) -> Path | None:
        """A path next to the store for its `name` files, hidden or (`visible`) named after
        the store for people to find (None: the store has no folder)."""
        ...

    def prepare_write(self) -> None:
        """Raise StoreError now if a write could not go ahead (before minutes of work)."""
        ...

    def writing(self) -> AbstractContextManager[Reader]:
        """One write transaction for the length of a `with` block (all of it or nothing)."""
        ...

    def ingesting(self, *, districts: Areas, subdistricts: Areas) -> AbstractContextManager[Ingest]:
        """An ingest's staging and write (`ingest.load.ingest_files`)."""
        ...

    def replace_predictions(
        self, predictions: pd.DataFrame, *, scores: pd.DataFrame, trained_at: datetime
    ) -> None: ...

    def grant_reader(self, role: str, *, password: str | None = None) -> None:
        """Create (or update) a login role that can only read the store."""
        ...

    def exclusive(self, name: str) -> AbstractContextManager[bool]:
        """Hold the store's `name` lock for a `with` block: True if this process got it, False
        if another holds it (it is not waited for)."""
        ...

    def autocommit(self) -> AbstractContextManager[Reader | None]:
        """A connection whose every statement commits at once (a journal that must outlive a
        kill), or None where writes only go by whole transactions: keep such records `beside`
        the store instead."""
        ...


def at(location: str | Path) -> Store:
    """The store at `location`: a postgresql:// URL, or a file path (DuckDB)."""
    if str(location).startswith(("postgresql://", "postgres://")):
        return PostgresStore(str(location))
    return DuckDBStore(Path(location).expanduser())


def configured() -> Store:
    """The configured store (`config.store_location`: `KHETMAP_STORE`, else
    `data/khetmap.duckdb`)."""
    return at(config.store_location())
