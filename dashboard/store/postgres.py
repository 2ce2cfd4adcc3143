"""The PostgreSQL + PostGIS store, for a city-wide service: the same app, another engine.

Readers are never blocked (MVCC): an ingest writes in one transaction while pages read.
The read queries are the ones in `queries` (written in the SQL both engines share); this
module runs them, with `?` placeholders passed as parameters, never interpolated. Tickets
carry a `geometry(Point, 4326)` with a GiST index and the district and subdistrict
polygons are tables, so a GIS user can open them in QGIS.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import shapely

from dashboard.errors import StoreError, first_line
from dashboard.store.queries import DERIVED, POSTGRESQL, Dialect, derived_view
from dashboard.store.reader import Reader
from dashboard.store.schema import (
    DERIVED_COLUMNS,
    QUARANTINE_TABLE,
    ROUND_TABLES,
    STORED_COLUMNS,
    TICKET_COLUMNS,
    Areas,
    add_derived,
    missing_derived,
)
from dashboard.store.schema import SCHEMA as DUCKDB_SCHEMA
from dashboard.text import mask_credentials

# psycopg and its pool (~0.15 s to import) are imported where a PostgreSQL store is used:
# every page and command imports this module, most of them for a DuckDB store.

STATEMENT_TIMEOUT_MS = 60_000
"""A page query that runs longer than this is cancelled (the page says so)."""
WRITE_STATEMENT_TIMEOUT_MS = 30 * 60_000
"""A writer's statement (an ingest's upsert of a million rows while the dashboard is busy
takes minutes) is cancelled only past this; waiting for a lock is bounded separately."""
WRITE_LOCK_TIMEOUT_MS = 5 * 60_000
CONNECT_TIMEOUT_SECONDS = 3
"""How long a page waits for the database, to connect or for a pooled connection: a stopped
server is reported at once, a host that does not answer after this."""
OWNER_HINT = "run it as the role that owns the store (a role made by grant-reader can only read)"


def _pg_type(line: str) -> str:
    """A DuckDB column definition in PostgreSQL's words."""
    name = line.strip().split()[0]
    line = line.replace("DOUBLE", "DOUBLE PRECISION")
    if name == "row_hash":
        return line.replace("UBIGINT", "NUMERIC(20, 0)")
    return line.replace("UBIGINT", "BIGINT")


PG_TICKET_COLUMNS = ",\n".join(
    _pg_type(line)
    for line in (TICKET_COLUMNS.strip().rstrip(",") + ",\n" + DERIVED_COLUMNS).split(",\n")
)
PG_DERIVED_TYPES = {
    name: _pg_type(f"{name} {kind}").split(maxsplit=1)[1] for name, (kind, _sql) in DERIVED.items()
}

SCHEMA = f"""
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE IF NOT EXISTS tickets (
    {PG_TICKET_COLUMNS},
    geom geometry(Point, 4326) GENERATED ALWAYS AS (
        CASE WHEN location_issue IS NULL AND lon IS NOT NULL
             THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED,
    PRIMARY KEY (ticket_id)
);
CREATE INDEX IF NOT EXISTS tickets_geom ON tickets USING gist (geom);
CREATE INDEX IF NOT EXISTS tickets_district ON tickets (district_code, reported_at);
CREATE INDEX IF NOT EXISTS tickets_subdistrict ON tickets (subdistrict_code);
CREATE INDEX IF NOT EXISTS tickets_reported ON tickets (reported_at);
CREATE INDEX IF NOT EXISTS tickets_content_key ON tickets (content_key);
{QUARANTINE_TABLE}
{ROUND_TABLES.format(blob="BYTEA")}
CREATE INDEX IF NOT EXISTS ticket_changes_district ON ticket_changes (district_code, ingest_id);
CREATE TABLE IF NOT EXISTS districts (
    code VARCHAR PRIMARY KEY, name_th VARCHAR NOT NULL, name_en VARCHAR NOT NULL,
    geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX IF NOT EXISTS districts_geom ON districts USING gist (geom);
CREATE TABLE IF NOT EXISTS subdistricts (
    code VARCHAR PRIMARY KEY, district_code VARCHAR NOT NULL, name_th VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL, geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX IF NOT EXISTS subdistricts_geom ON subdistricts USING gist (geom);
"""


def copy_rows(connection: Any, *, table: str, columns: list[str], batches: Any) -> None:
    """Bulk-load Arrow record batches into `table` with COPY (row by row: small tables)."""
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for batch in batches:
            columns_ = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for row in zip(*columns_, strict=True):
                copy.write_row(row)


def copy_csv(connection: Any, *, table: str, columns: list[str], path: Path) -> None:
    """Bulk-load a CSV file (no header, empty unquoted = NULL) into `table` with COPY."""
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy,
        path.open("rb") as handle,
    ):
        while chunk := handle.read(1 << 20):
            copy.write(chunk)


def pg_array_sql(column: str) -> str:
    """DuckDB SQL writing a VARCHAR[] as PostgreSQL's array text: {"a","b"}."""
    quoted = f"list_transform({column}, lambda x: '\"' || replace(replace(x, '\\', '\\\\'), '\"', '\\\"') || '\"')"
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE '{{' || array_to_string({quoted}, ',') || '}}' END"


def load_boundaries(connection: Any, *, districts: Areas, subdistricts: Areas) -> None:
    """Put the district and subdistrict polygons in their tables (once), for maps and QGIS."""
    if connection.execute("SELECT count(*) FROM districts").fetchone()[0]:
        return
    insert = "ST_Multi(ST_GeomFromWKB(%s, 4326))"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO districts (code, name_th, name_en, geom) VALUES (%s, %s, %s, {insert})",
            [
                (code, th, en, shapely.to_wkb(geometry))
                for code, th, en, geometry in zip(
                    districts.codes,
                    districts.names_th,
                    districts.names_en,
                    districts.geometries,
                    strict=True,
                )
            ],
        )
        cursor.executemany(
            "INSERT INTO subdistricts (code, district_code, name_th, name_en, geom) "
            f"VALUES (%s, %s, %s, %s, {insert})",
            [
                (code, parent, th, en, shapely.to_wkb(geometry))
                for code, parent, th, en, geometry in zip(
                    subdistricts.codes,
                    subdistricts.parent_codes,
                    subdistricts.names_th,
                    subdistricts.names_en,
                    subdistricts.geometries,
                    strict=True,
                )
            ],
        )


def to_pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal `%` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def statements(sql: str) -> list[str]:
    """A script split into statements (psycopg runs one statement per call)."""
    return [part.strip() for part in re.split(r";\s*\n", sql) if part.strip()]


class PgResult:
    """One statement's answer, shaped like DuckDB's (`df`, `fetchall`)."""

    def __init__(
        self, columns: list[str], rows: list[tuple[Any, ...]], types: list[int] | None = None
    ) -> None:
        self.columns, self.rows = columns, rows
        self.types = types or [0] * len(columns)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows

    def df(self) -> pd.DataFrame:
        """The rows as a frame typed like DuckDB's: floats stay floats even when all NULL."""
        frame = pd.DataFrame.from_records(self.rows, columns=self.columns)
        for column, type_oid in zip(self.columns, self.types, strict=True):
            if type_oid in FLOAT_TYPES:
                frame[column] = frame[column].astype("float64")
            elif frame[column].dtype == object and _all_times(frame[column]):
                frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame


FLOAT_TYPES = {700, 701, 1700}
"""PostgreSQL type oids of real, double precision and numeric."""


def _all_times(series: pd.Series) -> bool:
    present = series.dropna()
    return bool(len(present)) and all(isinstance(v, dt.datetime) for v in present)


@dataclass
class PgReader:
    """A PostgreSQL connection with the `Reader` interface."""

    connection: Any
    dialect: Dialect = field(default=POSTGRESQL)

    def execute(self, query: str, parameters: Sequence[Any] | None = None, /) -> PgResult:
        """Run one statement; a cancelled one (over its time limit) or a lost connection is a
        StoreError saying so."""
        # lazy: psycopg (libpq) is imported only when a PostgreSQL store is used
        import psycopg

        try:
            return self._run(query, parameters)
        except psycopg.errors.QueryCanceled as exc:
            raise StoreError(f"the query was cancelled: {first_line(exc)}", reason="slow") from exc
        except psycopg.OperationalError as exc:
            if not self.connection.broken:
                raise
            raise StoreError(
                f"the database stopped answering: {first_line(exc)}", reason="unreachable"
            ) from exc

    def _run(self, query: str, parameters: Sequence[Any] | None) -> PgResult:
        with self.connection.cursor() as cursor:
            cursor.execute(to_pyformat(query), list(parameters or []))
            if cursor.description is None:
                return PgResult([], [])
            columns = [column.name for column in cursor.description]
            types = [column.type_code for column in cursor.description]
            return PgResult(columns, cursor.fetchall(), types)


@dataclass(frozen=True)
class PostgresStore:
    """Tickets in PostgreSQL + PostGIS at `url` (postgresql://user@host:port/db)."""

    url: str
    kind: str = "postgresql"

    def connect(self, *, read_only: bool) -> Any:
        # lazy: psycopg (libpq) is imported only when a PostgreSQL store is used
        import psycopg

        try:
            connection = psycopg.connect(self.url, autocommit=read_only, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to {self.describe()}: {first_line(exc)}", reason="unreachable"
            ) from exc
        connection.execute("SET TimeZone = 'UTC'")
        if read_only:
            _configure_reader(connection)
        else:
            connection.execute(f"SET statement_timeout = {WRITE_STATEMENT_TIMEOUT_MS}")
            connection.execute(f"SET lock_timeout = {WRITE_LOCK_TIMEOUT_MS}")
            connection.commit()  # the settings stay; the next block starts its own transaction
        return connection

    def exists(self) -> bool:
        try:
            with self.reader() as con:
                found = con.execute("SELECT to_regclass('public.tickets') IS NOT NULL").fetchall()
                return bool(found[0][0])
        except StoreError:
            return False

    def version(self) -> str:
        """The newest ingest: every write ends by logging one, in its transaction."""
        try:
            with self.reader() as con:
                row = con.execute(
                    "SELECT coalesce(max(ingest_id), 0), max(finished_at) FROM ingests"
                ).fetchall()[0]
        except StoreError:
            return "missing"
        return f"{row[0]}-{row[1]}"

    @contextmanager
    def _reading(self) -> Iterator[PgReader]:
        """A pooled read-only connection (one pool per process and URL).

        A pool that cannot hand one out within `CONNECT_TIMEOUT_SECONDS` is dropped: the
        next run builds a new one, which says at once if the database is still down and
        connects as soon as it is back.
        """
        # lazy: psycopg (libpq) is imported only when a PostgreSQL store is used
        import psycopg

        pool = None
        try:
            pool = _pool(self.url)
            with pool.connection(timeout=CONNECT_TIMEOUT_SECONDS) as connection:
                yield PgReader(connection)
        except psycopg.OperationalError as exc:
            _drop_pool(self.url, pool)
            raise StoreError(
                f"cannot read {self.describe()}: {first_line(exc)}", reason="unreachable"
            ) from exc

    def reader(self) -> AbstractContextManager[PgReader]:
        return self._reading()

    def create_schema(self) -> None:
        """Create what is missing of the schema; every write starts here, so a role that
        may only read is told so before any work is done."""
        connection = self.connect(read_only=False)
        try:
            with (
                _write_errors(f"cannot prepare {self.describe()} for writing"),
                connection.transaction(),
            ):
                for statement in statements(SCHEMA):
                    connection.execute(statement)
                add_derived(PgReader(connection), schema="public", types=PG_DERIVED_TYPES)
        finally:
            connection.close()

    def replace_predictions(
        self, predictions: pd.DataFrame, *, scores: pd.DataFrame, trained_at: datetime
    ) -> None:
        """Swap in a new set of predicted categories and the model's scores in one transaction."""
        self.create_schema()
        connection = self.connect(read_only=False)
        try:
            with (
                _write_errors(f"cannot store the predictions in {self.describe()}"),
                connection.transaction(),
            ):
                connection.execute("DELETE FROM predictions")
                connection.execute("DELETE FROM classifier_scores")
                copy_rows(
                    connection,
                    table="classifier_scores",
                    columns=["category", "held_out_f1", "predicted"],
                    batches=pa.Table.from_pandas(
                        scores[["category", "held_out_f1", "predicted"]], preserve_index=False
                    ).to_batches(),
                )
                table = pa.Table.from_pandas(predictions, preserve_index=False)
                table = table.append_column(
                    "trained_at", pa.array([trained_at] * table.num_rows, pa.timestamp("us", "UTC"))
                )
                copy_rows(
                    connection,
                    table="predictions",
                    columns=["ticket_id", "categories", "confidence", "trained_at"],
                    batches=table.to_batches(),
                )
        finally:
            connection.close()

    def describe(self) -> str:
        return mask_credentials(self.url)

    def prepare_write(self) -> None:
        """Fail now, before minutes of work, if this role cannot write the store."""
        self.create_schema()

    def address(self) -> str:
        return self.url

    def beside(self, name: str, *, visible: bool = False) -> Path | None:
        """A server's store has no folder of its own to keep files next to."""
        del name, visible
        return None

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """A session-level advisory lock on `khetmap <name> run`, released with the session."""
        connection = self.connect(read_only=True)
        try:
            key = "SELECT pg_try_advisory_lock(hashtext(%s))"
            yield bool(connection.execute(key, (f"khetmap {name} run",)).fetchone()[0])
        finally:
            connection.close()

    @contextmanager
    def autocommit(self) -> Iterator[Reader | None]:
        """A writing connection in autocommit mode, closed at the end of the block."""
        connection = self.connect(read_only=False)
        connection.autocommit = True
        try:
            yield PgReader(connection)
        finally:
            with contextlib.suppress(Exception):
                connection.close()

    @contextmanager
    def writing(self) -> Iterator[Reader]:
        """One write transaction; writers queue on the ingest log's lock, readers go on."""
        self.create_schema()
        connection = self.connect(read_only=False)
        try:
            with connection.transaction():
                connection.execute("LOCK TABLE ingests IN EXCLUSIVE MODE")
                yield PgReader(connection)
        finally:
            connection.close()

    @contextmanager
    def ingesting(self, *, districts: Areas, subdistricts: Areas) -> Iterator[PgIngest]:
        """An ingest stages its rows in a DuckDB of its own (parsing and locating are
        DuckDB's work), spilling to a temporary folder, then writes them here."""
        with (
            tempfile.TemporaryDirectory() as spill,
            duckdb.connect() as scratch,
        ):
            scratch.execute("SET TimeZone = 'UTC'")
            scratch.execute(f"SET temp_directory = '{spill}'")
            scratch.execute(DUCKDB_SCHEMA)
            yield PgIngest(self, scratch, districts=districts, subdistricts=subdistricts)

    def grant_reader(self, role: str, *, password: str | None = None) -> None:
        """Create (or update) a login role that can only read khetmap's tables (`grant_reader`)."""
        self.create_schema()
        _grant_reader_role(self, role, password=password)


@dataclass
class PgIngest:
    """An ingest into PostgreSQL: staged in DuckDB, then copied and upserted in one transaction.

    Readers keep reading meanwhile (MVCC) and see the ingest whole when it commits.
    """

    store: PostgresStore
    staging: duckdb.DuckDBPyConnection
    districts: Areas
    subdistricts: Areas
    connection: Any = None

    @contextmanager
    def transaction(self) -> Iterator[Reader]:
        """The write transaction, with the staged rows copied into a temp table `incoming`."""
        self.store.create_schema()
        connection = self.store.connect(read_only=False)
        try:
            with connection.transaction():
                load_boundaries(
                    connection, districts=self.districts, subdistricts=self.subdistricts
                )
                connection.execute("LOCK TABLE ingests IN EXCLUSIVE MODE")  # writers queue here
                self._copy_incoming(connection)
                self.connection = connection
                yield PgReader(connection)
        except Exception as exc:
            if isinstance(exc, StoreError) or type(exc).__module__.startswith("psycopg"):
                raise StoreError(
                    f"the ingest was rolled back, the store is unchanged: {str(exc).splitlines()[0][:300]}"
                ) from exc
            raise
        finally:
            self.connection = None
            connection.close()

    def _copy_incoming(self, connection: Any) -> None:
        stored = STORED_COLUMNS
        connection.execute(
            f"CREATE TEMP TABLE incoming ON COMMIT DROP AS SELECT {', '.join(stored)} FROM tickets WHERE FALSE"
        )
        with tempfile.TemporaryDirectory() as folder:  # DuckDB writes CSV fast; COPY reads it
            exported = Path(folder) / "incoming.csv"
            selected = ", ".join(pg_array_sql(c) if c == "categories" else c for c in stored)
            self.staging.execute(
                f"COPY (SELECT {selected} FROM staged) TO '{exported}' (HEADER false)"
            )
            copy_csv(connection, table="incoming", columns=stored, path=exported)

    def append(self, table: str, rows: pa.Table) -> None:
        """Add `rows` (columns named as `table`'s) in the open transaction."""
        copy_rows(
            self.connection, table=table, columns=rows.column_names, batches=rows.to_batches()
        )


POOL_SIZE = 8
_POOLS: dict[str, Any] = {}
_POOLS_LOCK = threading.Lock()


def _configure_reader(connection: Any) -> None:
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
    missing = missing_derived(PgReader(connection), "public")
    if missing:
        # written before some stored facts: this session reads `tickets` through a view
        # (pg_temp comes first by name) until a writer adds them
        view = derived_view("public.tickets", missing)
        connection.execute(f"CREATE TEMP VIEW tickets AS {view}")
    connection.execute("SET default_transaction_read_only = on")


def _pool(url: str) -> Any:
    """The process's pool of read connections to `url` (psycopg_pool).

    A new pool first connects once itself: a pool keeps retrying in the background and its
    clients wait out their timeout, where a direct connection to a stopped server fails at
    once. Each connection is checked as it is handed out, so one the server closed (it
    restarted) is replaced, never given to a page.
    """
    # lazy: psycopg (libpq) is imported only when a PostgreSQL store is used
    import psycopg
    from psycopg_pool import ConnectionPool

    with _POOLS_LOCK:
        if url not in _POOLS:
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS).close()
            _POOLS[url] = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
                configure=_configure_reader,
                check=ConnectionPool.check_connection,
                open=True,
            )
        return _POOLS[url]


def _drop_pool(url: str, pool: Any) -> None:
    """Forget `pool` (the next reader builds a new one) and close it; None: no pool was made."""
    with _POOLS_LOCK:
        dropped = pool is not None and _POOLS.get(url) is pool
        if dropped:
            del _POOLS[url]
    if dropped:
        pool.close(timeout=1.0)


@contextmanager
def _write_errors(action: str, *, hint: str = OWNER_HINT) -> Iterator[None]:
    """A write's database error as one line, `action: the server's words`; a role without
    the privilege is told what to do (`hint`)."""
    # lazy: psycopg (libpq) is imported only when a PostgreSQL store is used
    import psycopg

    try:
        yield
    except psycopg.errors.InsufficientPrivilege as exc:
        raise StoreError(f"{action}: {first_line(exc)}; {hint}") from exc
    except psycopg.Error as exc:
        raise StoreError(f"{action}: {first_line(exc)}") from exc


GRANT_HINT = "run grant-reader as the store's owner with the CREATEROLE right (or a superuser)"


def _grant_reader_role(store: PostgresStore, role: str, *, password: str | None = None) -> None:
    """Create (or update) a login role that can only read khetmap's tables: the dashboard's.

    `password` (from KHETMAP_READER_PASSWORD on the command line) is set when given.
    """
    # lazy: psycopg (libpq) is imported only when a PostgreSQL store is used
    from psycopg import sql

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise StoreError(f"{role!r} is not a plain role name; use lowercase letters, digits, _.")
    connection = store.connect(read_only=False)
    try:
        with (
            _write_errors(f"cannot make {role} a reader of {store.describe()}", hint=GRANT_HINT),
            connection.transaction(),
        ):
            name = sql.Identifier(role)
            exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if not exists.fetchone():
                connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name))
            if password:
                connection.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password))
                )
            connection.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name))
            connection.execute(
                sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(name)
            )
            connection.execute(
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {}"
                ).format(name)
            )
    finally:
        connection.close()
