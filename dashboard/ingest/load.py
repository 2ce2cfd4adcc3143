"""Ingest raw files into the store in one transaction, accounting for every input row."""

from __future__ import annotations

import csv
import io
import json
import queue
import threading
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import boundaries, store
from dashboard.errors import StoreError
from dashboard.ingest.normalise import Window, buddhist_columns, locate, parse_records
from dashboard.ingest.sources import (
    LAYOUT_NAMES,
    RAW_COLUMNS,
    RawSource,
    RawTable,
    open_source,
    physical_lines,
)
from dashboard.store import Ingest, Reader, queries
from dashboard.store.duck import rollback_message
from dashboard.store.schema import STORED_COLUMNS
from dashboard.vocab import DEPARTMENT_PREFIX

Progress = Callable[[str, float], None]
AfterWrite = Callable[[Reader, "Reconciliation"], None]
"""Run inside the ingest's transaction once the tickets are written (a sync's snapshot and log)."""
INGEST_MEMORY_LIMIT = "400MB"
"""DuckDB's cap while chunks are read, parsed and staged (the chunks in flight are Arrow's)."""
WRITE_MEMORY_LIMIT = "1200MB"
"""DuckDB's cap once staging is done, for the sorted insert into the store: the chunks are
gone by then, and at 10M tickets the sort spilled under 600 MB (104 s against 59 s)."""


@dataclass
class Reconciliation:
    """Where every row read went. `rows_read` equals the sum of the other counts."""

    files: list[str]
    rows_read: int = 0
    stored_new: int = 0
    stored_updated: int = 0
    stored_unchanged: int = 0
    merged_duplicates: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    surrogate_ids: int = 0
    kept_newer: int = 0
    """rows not written (counted as unchanged) because an ingest after the data was read
    wrote the ticket: a resumed sync's older pages (`ingest_files(read_at_ingest=…)`)"""
    location_issues: dict[str, int] = field(default_factory=dict)
    coords_swapped: int = 0
    replaced_characters: int = 0
    """NUL, lone UTF-16 surrogates and bytes that are not UTF-8 stored as U+FFFD"""
    encodings: dict[str, str] = field(default_factory=dict)
    buddhist_era: list[str] = field(default_factory=list)
    """'file: column' of time columns read as Buddhist-era years and converted"""
    warnings: list[str] = field(default_factory=list)
    """loud, one line each: what a reader of the reconciliation must not miss"""
    ingest_id: int = 0
    changes: dict[str, int] = field(default_factory=dict)
    """per `CHANGE_KINDS`, the tickets this ingest changed so (`ticket_changes`)"""
    layouts: dict[str, str] = field(default_factory=dict)
    """file: which layout it was read as (`sources.LAYOUT_NAMES`)"""

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    @property
    def accounted(self) -> int:
        """Rows accounted for: stored (new, updated, unchanged) + merged + quarantined."""
        return (
            self.stored_new
            + self.stored_updated
            + self.stored_unchanged
            + self.merged_duplicates
            + self.quarantined_total
        )

    def report(self) -> str:
        """Return the reconciliation as aligned text lines."""
        rows = [
            ("rows read", self.rows_read),
            ("  stored: new", self.stored_new),
            ("  stored: updated", self.stored_updated),
            ("  stored: unchanged", self.stored_unchanged),
            ("  merged duplicates (same ticket_id)", self.merged_duplicates),
            ("  quarantined", self.quarantined_total),
        ]
        rows += [(f"    {reason}", count) for reason, count in sorted(self.quarantined.items())]
        rows.append(("  accounted for", self.accounted))
        lines = [f"{label:<40}{count:>12,}" for label, count in rows]
        verdict = "OK" if self.accounted == self.rows_read else "MISMATCH"
        lines.append(f"{'reconciliation':<40}{verdict:>12}")
        lines.append(f"{'tickets with a surrogate id (no ticket_id)':<40}{self.surrogate_ids:>12,}")
        lines.append(f"{'coordinates swapped back (lat,lon)':<40}{self.coords_swapped:>12,}")
        lines.append(f"{'characters replaced by U+FFFD':<40}{self.replaced_characters:>12,}")
        lines += [
            f"{'no usable location: ' + issue:<40}{count:>12,}"
            for issue, count in sorted(self.location_issues.items())
        ]
        lines += [
            f"{'changes recorded: ' + kind:<40}{count:>12,}" for kind, count in self.changes.items()
        ]
        lines += [f"read as {LAYOUT_NAMES[kind]}: {path}" for path, kind in self.layouts.items()]
        lines += [
            f"Buddhist-era years converted to CE (-543): {item}" for item in self.buddhist_era
        ]
        lines += [f"WARNING: {warning}" for warning in self.warnings]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "rows_read": self.rows_read,
            "stored_new": self.stored_new,
            "stored_updated": self.stored_updated,
            "stored_unchanged": self.stored_unchanged,
            "merged_duplicates": self.merged_duplicates,
            "quarantined": self.quarantined,
            "surrogate_ids": self.surrogate_ids,
            "kept_newer": self.kept_newer,
            "location_issues": self.location_issues,
            "coords_swapped": self.coords_swapped,
            "replaced_characters": self.replaced_characters,
            "buddhist_era": self.buddhist_era,
            "changes": self.changes,
            "layouts": self.layouts,
            "warnings": self.warnings,
        }


CHUNK_ROWS = 250_000
"""Records parsed and located at a time: bounds memory whatever the file size."""


def ingest_files(
    *,
    paths: Sequence[Path],
    store_path: Path | str,
    data_dir: Path | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    allow_truncated: bool = False,
    after: AfterWrite | None = None,
    read_at_ingest: int | None = None,
) -> Reconciliation:
    """Read, validate, locate and upsert `paths` into the store at `store_path`.

    Every file's format is checked before the store is opened. Files are streamed in
    chunks into a staging table inside one transaction, so a failure leaves the store as
    it was and memory stays bounded. `after` runs in that same transaction.
    `read_at_ingest`: the data was read from its source when the store's last ingest was
    this one (a sync's journal); a ticket a later ingest wrote is kept as stored, never
    replaced by this older copy (`Reconciliation.kept_newer`). None: the files are new.
    """
    report = _report(progress)
    districts = boundaries.load_districts(data_dir=data_dir)
    subdistricts = boundaries.load_subdistricts(data_dir=data_dir)
    sources = [open_source(path) for path in paths]
    for source in sources:
        source.allow_truncated = allow_truncated
    target = store.at(store_path)
    target.prepare_write()  # a role that may only read is told before the work
    result = Reconciliation(files=[str(path) for path in paths])
    try:
        with target.ingesting(districts=districts, subdistricts=subdistricts) as ingest:
            staged, quarantined = _stage_all(
                ingest.staging, sources, result, districts, subdistricts, report, chunk_rows
            )
            report("writing the store", 0.95)
            with ingest.transaction() as con:
                _write(con, ingest, staged, quarantined, result, read_at_ingest=read_at_ingest)
                if after is not None:
                    after(con, result)
    except duckdb.Error as exc:
        raise StoreError(rollback_message(exc)) from exc
    for source in sources:
        result.warnings += source.warnings
    report("done", 1.0)
    return result


def _stage_all(
    con: duckdb.DuckDBPyConnection,
    sources: list[RawSource],
    result: Reconciliation,
    districts: boundaries.AreaLayer,
    subdistricts: boundaries.AreaLayer,
    report: Progress,
    chunk_rows: int,
) -> tuple[int, pa.Table]:
    """Stage every file (`_stage`), then drop the duplicates: `staged` holds one row per ticket."""
    # Bulk-load settings: row order in the store does not matter, and a cap makes
    # DuckDB spill to disk instead of holding the whole load in memory.
    con.execute(f"SET memory_limit = '{INGEST_MEMORY_LIMIT}'")
    con.execute("SET preserve_insertion_order = false")
    # Staging goes to a temp table (never part of the store) outside the transaction:
    # inside one, DuckDB keeps every scanned Arrow chunk alive until commit.
    staged, quarantined = _stage(con, sources, result, districts, subdistricts, report, chunk_rows)
    con.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
    if not _has_staging(con):
        con.execute(f"CREATE TEMP TABLE staged AS SELECT * FROM ({STAGING_SHAPE}) WHERE FALSE")
    run_script(con, DROP_DUPLICATES_SQL)
    return staged, quarantined


def _report(progress: Progress | None) -> Progress:
    return progress or (lambda _stage, _fraction: None)


def _stage(
    con: duckdb.DuckDBPyConnection,
    sources: list[RawSource],
    result: Reconciliation,
    districts: boundaries.AreaLayer,
    subdistricts: boundaries.AreaLayer,
    report: Progress,
    chunk_rows: int,
) -> tuple[int, pa.Table]:
    """Parse and locate every chunk into the temp table `staged`; return its size and the quarantine.

    The next chunk is read from the file in a thread (`_ahead`) while this one is parsed,
    located and staged.
    """
    staged_rows = 0
    quarantined: list[pa.Table] = []
    for order, source in enumerate(sources):
        result.encodings[str(source.path)] = source.encoding
        result.layouts[str(source.path)] = source.layout
        bad_parts: list[pa.Table] = []
        window: Window | None = None
        # closed on the way out, so a failed chunk stops the reader too
        with closing(_ahead(source.chunks(rows=chunk_rows))) as chunks:
            for raw in chunks:
                if window is None:  # a file's era is decided on its first chunk, then kept
                    window = Window.now(buddhist=buddhist_columns(con, raw.table))
                    result.buddhist_era += [f"{source.path}: {c}" for c in sorted(window.buddhist)]
                report(
                    f"reading {source.path.name} ({result.rows_read:,} rows)",
                    0.9 * order / len(sources),
                )
                result.rows_read += raw.records_read
                result.warnings += raw.warnings
                good, bad = _prepare(con, raw, order, districts, subdistricts, window)
                del raw  # the raw text goes before the chunk is staged: one chunk less in memory
                good = good.append_column(
                    "row_pos", pa.array(np.arange(staged_rows, staged_rows + good.num_rows))
                )
                if staged_rows == 0 and not _has_staging(con):
                    con.register("chunk", good)
                    con.execute("CREATE TEMP TABLE staged AS SELECT * FROM chunk")
                    con.unregister("chunk")
                else:
                    con.from_arrow(good).insert_into("staged")
                staged_rows += good.num_rows
                bad_parts.append(bad)
                del good
        located = _with_physical_lines(source, pa.concat_tables(bad_parts))
        result.warnings += _unclosed_quote_warnings(source, located)
        result.warnings += _replaced_warnings(source)
        result.replaced_characters += source.replaced
        quarantined.append(located)
    return staged_rows, pa.concat_tables(quarantined)


_T = TypeVar("_T")
AHEAD_POLL_SECONDS = 0.1


def _ahead(items: Iterator[_T]) -> Generator[_T, None, None]:
    """Yield `items`, each produced in a thread of its own one item ahead of its use.

    pyarrow's CSV reader works outside the GIL, so on two cores the next chunk is read
    while DuckDB parses and stores this one (10M tickets: staging 84–101 s → 71–80 s).
    Memory grows by the item in the queue and the one being made. An exception in the
    producer is raised here, in order; leaving early stops the producer after its current
    item.
    """
    slot: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(entry: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                slot.put(entry, timeout=AHEAD_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                offered = offer(("item", item))
                del item  # held by the queue or the consumer now, not by this frame too
                if not offered:
                    return
            offer(("end", None))
        except BaseException as exc:  # handed over, raised by the consumer
            offer(("error", exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="khetmap-ingest-stage", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = slot.get()
            if kind == "error":
                raise value
            if kind == "end":
                return
            held = [value]
            del value  # so that the consumer's `del` frees the item
            yield held.pop()
    finally:
        stop.set()
        worker.join()


def _unclosed_quote_warnings(source: RawSource, quarantined: pa.Table) -> list[str]:
    """A loud line per unclosed quote: the count of rows read must not hide the rows it ate."""
    rows = quarantined.filter(pc.equal(quarantined["reason"], "unclosed quote")).to_pylist()
    return [
        f"{source.path} line {row['source_line']}: {row['detail']}; fix the quote and "
        "ingest the file again to store them"
        for row in rows
    ]


def _replaced_warnings(source: RawSource) -> list[str]:
    """A line when characters were replaced: the text stored is not exactly the file's."""
    if not source.replaced:
        return []
    return [
        f"{source.path}: {source.replaced:,} characters no store can hold (NUL, a lone UTF-16 "
        "surrogate, bytes that are not UTF-8) were replaced by U+FFFD; their tickets are stored"
    ]


def _has_staging(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'staged' AND temporary"
        ).fetchall()[0][0]
    )


def _with_physical_lines(source: RawSource, bad: pa.Table) -> pa.Table:
    """Turn quarantined records' positions into the physical lines they start on."""
    if bad.num_rows == 0:
        return bad
    positions = bad["source_line"].to_pylist()
    lines = physical_lines(source, positions)
    return bad.set_column(
        bad.column_names.index("source_line"),
        "source_line",
        pa.array([lines.get(p, p) for p in positions], pa.int64()),
    )


def _prepare(
    con: duckdb.DuckDBPyConnection,
    raw: RawTable,
    order: int,
    districts: boundaries.AreaLayer,
    subdistricts: boundaries.AreaLayer,
    window: Window,
) -> tuple[pa.Table, pa.Table]:
    parsed = parse_records(con, raw.table, window=window)
    is_bad = pc.is_valid(parsed["quarantine_reason"]).to_numpy(zero_copy_only=False)
    good = parsed.filter(pa.array(~is_bad)) if is_bad.any() else parsed
    location = locate(parsed=good, districts=districts, subdistricts=subdistricts)
    good = good.drop_columns(["quarantine_reason", "coords_problem"])
    for name, values in location.items():
        good = good.drop_columns([name]) if name in good.column_names else good
        mask = values == 0 if name == "h3_r9" else None  # 0 = no cell
        good = good.append_column(name, pa.array(values, mask=mask, from_pandas=True))
    good = good.append_column("source_file", pa.array([str(raw.path)] * good.num_rows, pa.string()))
    good = good.append_column("file_order", pa.array(np.full(good.num_rows, order)))
    good = _with_ticket_ids(good)
    return good, _quarantine_rows(raw, parsed, is_bad, window)


def _quarantine_rows(
    raw: RawTable, parsed: pa.Table, is_bad: np.ndarray, window: Window
) -> pa.Table:
    """Quarantined rows with their record position in `source_line` (made physical later)."""
    positions = np.flatnonzero(is_bad)
    reasons = parsed["quarantine_reason"].take(pa.array(positions)).to_pylist()
    records = raw.table.take(pa.array(positions)).to_pylist()
    rows = [
        {
            "source_file": str(raw.path),
            "source_line": int(record["source_record"]),
            "reason": reason,
            "detail": _detail(reason, record, window),
            "raw_text": _as_csv_line(record),
        }
        for reason, record in zip(reasons, records, strict=True)
    ]
    rows += [
        {
            "source_file": str(raw.path),
            "source_line": broken.line,
            "reason": broken.reason.split(":")[0],
            "detail": broken.reason,
            "raw_text": broken.raw_text,
        }
        for broken in raw.broken
    ]
    schema = pa.schema(
        [
            ("source_file", pa.string()),
            ("source_line", pa.int64()),
            ("reason", pa.string()),
            ("detail", pa.string()),
            ("raw_text", pa.string()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


REASON_COLUMNS = {
    "missing timestamp": "timestamp",
    "unparseable timestamp": "timestamp",
    "implausible timestamp": "timestamp",
    "unparseable last_activity": "last_activity",
    "implausible last_activity": "last_activity",
    "unparseable timestamp_finished": "finished_at",
    "implausible timestamp_finished": "finished_at",
    "invalid star": "star",
    "invalid count_reopen": "count_reopen",
}


def _detail(reason: str, record: dict[str, str], window: Window) -> str:
    """The bad value, quoted, and for an implausible time the window it missed."""
    column = REASON_COLUMNS.get(reason, "")
    if not column:
        return ""
    value = record.get(column, "")
    text = f"{column}={value[:200]!r}"
    if reason.startswith("implausible"):
        era = "Buddhist-era years converted" if column in window.buddhist else "CE years"
        text += f" is outside the plausible window {window.describe()} ({era})"
        if column not in window.buddhist and value.strip()[:2] == "25":
            text += "; it looks like a Buddhist-era year in a file of CE years"
    return text


def _as_csv_line(record: dict[str, str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([record.get(name, "") for name in RAW_COLUMNS])
    return buffer.getvalue()


DROP_DUPLICATES_SQL = """
DELETE FROM staged WHERE row_pos IN (
    SELECT row_pos FROM (
        SELECT row_pos, row_number() OVER (
            PARTITION BY ticket_id
            ORDER BY last_activity DESC NULLS LAST, file_order DESC, source_record DESC
        ) AS duplicate_rank
        FROM staged
    ) WHERE duplicate_rank > 1
);
DELETE FROM staged WHERE id_is_surrogate AND content_key IN (
    SELECT content_key FROM staged WHERE NOT id_is_surrogate AND content_key IN (
        SELECT content_key FROM staged WHERE id_is_surrogate
    )
)
"""
"""One row per ticket: the later copy of a ticket_id, and a copy without ticket_id (a
surrogate id) merged into the copy of the same ticket that has one (same report time,
coordinates and photo); both are counted as merged. The nested `IN` builds its hash on
the few id-less rows (5M rows: 0.15 s)."""
STAGING_SHAPE = (
    f"SELECT * EXCLUDE (ingest_id, {', '.join(queries.DERIVED)}), 0 AS file_order, "
    "0::BIGINT AS row_pos FROM tickets"
)


# The decide-and-apply statements, in the SQL DuckDB and PostgreSQL share.
DECIDE_SQL = """
DROP TABLE IF EXISTS replaced;
CREATE TEMP TABLE replaced AS
    SELECT t.ticket_id AS old_id, i.ticket_id AS new_id
    FROM tickets t JOIN incoming i ON t.content_key = i.content_key
    WHERE t.id_is_surrogate AND NOT i.id_is_surrogate;
DROP TABLE IF EXISTS decisions;
CREATE TEMP TABLE decisions AS
SELECT i.ticket_id,
    CASE
        WHEN i.id_is_surrogate AND EXISTS (
            SELECT 1 FROM tickets k
            WHERE k.content_key = i.content_key AND NOT k.id_is_surrogate
        ) THEN 'unchanged'
        WHEN t.ticket_id IS NULL AND i.ticket_id IN (SELECT new_id FROM replaced) THEN 'updated'
        WHEN t.ticket_id IS NULL THEN 'new'
        WHEN i.last_activity > t.last_activity THEN 'updated'
        WHEN t.ingest_id > {read_at_ingest} THEN 'kept'
        WHEN t.last_activity IS NULL AND i.last_activity IS NOT NULL THEN 'updated'
        WHEN t.last_activity IS NULL AND i.last_activity IS NULL AND i.row_hash <> t.row_hash
            THEN 'updated'
        ELSE 'unchanged'
    END AS decision
FROM incoming i LEFT JOIN tickets t USING (ticket_id);
"""
"""'kept': the store's copy was written by an ingest after the incoming data was read
(`decide_sql`), so the older copy never replaces it; counted as unchanged."""


def decide_sql(read_at_ingest: int | None) -> str:
    """DECIDE_SQL for data read when the store's last ingest was `read_at_ingest` (None:
    read now, no ticket is kept for being newer)."""
    bound = "NULL" if read_at_ingest is None else str(int(read_at_ingest))
    return DECIDE_SQL.replace("{read_at_ingest}", bound)


CHANGE_KINDS = ("new", "state", "organisations", "last_activity", "star")
"""What an ingest records per ticket it writes (`ticket_changes.change`)."""
CHANGED_TEXT_CHARS = 2000
"""A changed list of organisations is kept up to this many characters, before and after."""
CHANGES_SQL = f"""
DROP TABLE IF EXISTS earlier;
CREATE TEMP TABLE earlier AS
    SELECT d.ticket_id, t.state, t.organization, t.last_activity, t.star
    FROM decisions d JOIN tickets t ON t.ticket_id = d.ticket_id
    WHERE d.decision = 'updated'
    UNION ALL
    SELECT r.new_id, t.state, t.organization, t.last_activity, t.star
    FROM replaced r JOIN tickets t ON t.ticket_id = r.old_id
    LEFT JOIN tickets same ON same.ticket_id = r.new_id
    WHERE same.ticket_id IS NULL;
INSERT INTO ticket_changes (ingest_id, ticket_id, district_code, change, value_before, value_after)
SELECT ?::INTEGER, ticket_id, district_code, change, value_before, value_after FROM (
    SELECT i.ticket_id, i.district_code, 'new' AS change,
        CAST(NULL AS VARCHAR) AS value_before, i.state AS value_after
    FROM incoming i JOIN decisions d ON d.ticket_id = i.ticket_id WHERE d.decision = 'new'
    UNION ALL
    SELECT i.ticket_id, i.district_code, 'state', e.state, i.state
    FROM incoming i JOIN earlier e ON e.ticket_id = i.ticket_id
    WHERE i.state IS DISTINCT FROM e.state
    UNION ALL
    SELECT i.ticket_id, i.district_code, 'organisations',
        left(e.organization, {CHANGED_TEXT_CHARS}), left(i.organization, {CHANGED_TEXT_CHARS})
    FROM incoming i JOIN earlier e ON e.ticket_id = i.ticket_id
    WHERE coalesce(i.organization, '') <> coalesce(e.organization, '')
    UNION ALL
    SELECT i.ticket_id, i.district_code, 'organisations', CAST(NULL AS VARCHAR),
        left(i.organization, {CHANGED_TEXT_CHARS})
    FROM incoming i JOIN decisions d ON d.ticket_id = i.ticket_id
    WHERE d.decision = 'new' AND strpos(coalesce(i.organization, ''), '{DEPARTMENT_PREFIX}') > 0
    UNION ALL
    SELECT i.ticket_id, i.district_code, 'last_activity',
        CAST(e.last_activity AS VARCHAR), CAST(i.last_activity AS VARCHAR)
    FROM incoming i JOIN earlier e ON e.ticket_id = i.ticket_id
    WHERE i.last_activity IS DISTINCT FROM e.last_activity
    UNION ALL
    SELECT i.ticket_id, i.district_code, 'star', CAST(e.star AS VARCHAR), CAST(i.star AS VARCHAR)
    FROM incoming i JOIN earlier e ON e.ticket_id = i.ticket_id
    WHERE i.star IS DISTINCT FROM e.star
) AS changed
"""
"""Per ticket the ingest writes, what changed against the stored copy (`CHANGE_KINDS`),
with the ingest's id (the parameter): run after the decisions, before they are applied.
A ticket first stored is 'new' (its state after), and 'organisations' too when it already
names a department; one that came without an id and now has it is compared with its
stored copy. Canonical states, the organisations' text, the last
change time (UTC text) and the star, as they were and are."""
CHANGE_COUNTS = "SELECT change, count(*) FROM ticket_changes WHERE ingest_id = ? GROUP BY 1"


APPLY_SQL = f"""
DELETE FROM tickets
WHERE ticket_id IN (SELECT old_id FROM replaced)
   OR ticket_id IN (SELECT ticket_id FROM decisions WHERE decision = 'updated');
DELETE FROM incoming
WHERE ticket_id IN (SELECT ticket_id FROM decisions WHERE decision IN ('unchanged', 'kept'));
INSERT INTO tickets ({", ".join([*STORED_COLUMNS, *queries.DERIVED])}, ingest_id)
SELECT {", ".join("i." + c for c in STORED_COLUMNS)}, {queries.derived_values()}, ? AS ingest_id
FROM incoming i
ORDER BY i.district_code, i.reported_at;
"""
"""Unchanged tickets leave `incoming` (a narrow delete), then the rest goes in whole, with
no join: at 10M tickets, inserting the wide rows through a semi-join with `decisions` took
99 s, and 79 s without it. Every decision is new, updated or unchanged, so what is left is
exactly the new and the updated. Counts over `incoming` (`_count`) are taken before. The
stored facts (`queries.DERIVED`) are worked out here, from each ticket's own fields.

New and changed tickets go in sorted by district and report time: DuckDB keeps a min/max
per column and row group, so a district's (or a period's) queries skip the row groups that
cannot match. On 10M tickets a district page's filter change went from 6.8 s to 4.5 s, its
ticket queries 4–10x faster."""


def run_script(con: Reader, script: str, parameters: list[Any] | None = None) -> None:
    """Run each statement of `script` (the last one gets `parameters`)."""
    parts = [part.strip() for part in script.split(";\n") if part.strip()]
    for index, statement in enumerate(parts):
        con.execute(statement, parameters if index == len(parts) - 1 else None)


def _write(
    con: Reader,
    ingest: Ingest,
    staged_rows: int,
    quarantined: pa.Table,
    result: Reconciliation,
    *,
    read_at_ingest: int | None = None,
) -> None:
    """Inside the ingest's transaction (`incoming` holds the staged rows): decide, apply, log."""
    started = datetime.now(UTC)
    ingest_id = _scalar(con, "SELECT coalesce(max(ingest_id), 0) + 1 FROM ingests")
    run_script(con, decide_sql(read_at_ingest))
    _count(con, result, staged_rows, quarantined)
    _record_changes(con, result, ingest_id)
    run_script(con, APPLY_SQL, [ingest_id])
    ingest.append("quarantine", _with_ingest_id(quarantined, ingest_id))
    result.ingest_id = ingest_id
    _log_ingest(con, result, started)
    con.execute("DROP TABLE incoming")


def _with_ingest_id(quarantined: pa.Table, ingest_id: int) -> pa.Table:
    """The quarantined rows as the `quarantine` table holds them."""
    columns = ["source_file", "source_line", "reason", "detail", "raw_text"]
    ids = pa.array([ingest_id] * quarantined.num_rows, pa.int32())
    return (
        quarantined.select(columns).append_column("ingest_id", ids).select(["ingest_id", *columns])
    )


def _with_ticket_ids(table: pa.Table) -> pa.Table:
    """Add `ticket_id` (the given id, or a surrogate from the content key) and its flag."""
    given = table["given_id"]
    surrogate = pc.binary_join_element_wise(
        "noid-", pc.utf8_slice_codeunits(table["content_key"], 0, 16), ""
    )
    table = table.append_column("ticket_id", pc.coalesce(given, surrogate))
    table = table.append_column("id_is_surrogate", pc.is_null(given))
    return table.drop_columns(["given_id"])


def _count(con: Reader, result: Reconciliation, staged_rows: int, bad: pa.Table) -> None:
    decisions = dict(con.execute("SELECT decision, count(*) FROM decisions GROUP BY 1").fetchall())
    result.stored_new = int(decisions.get("new", 0))
    result.stored_updated = int(decisions.get("updated", 0))
    result.kept_newer = int(decisions.get("kept", 0))
    result.stored_unchanged = int(decisions.get("unchanged", 0)) + result.kept_newer
    kept = result.stored_new + result.stored_updated + result.stored_unchanged
    result.merged_duplicates = staged_rows - kept
    result.quarantined = dict(Counter(bad["reason"].to_pylist()))
    result.surrogate_ids = _scalar(con, "SELECT count(*) FROM incoming WHERE id_is_surrogate")
    result.coords_swapped = _scalar(con, "SELECT count(*) FROM incoming WHERE coords_swapped")
    result.location_issues = dict(
        con.execute(
            "SELECT location_issue, count(*) FROM incoming WHERE location_issue IS NOT NULL GROUP BY 1"
        ).fetchall()
    )


def _record_changes(con: Reader, result: Reconciliation, ingest_id: int) -> None:
    """Record what this ingest changes per ticket (`CHANGES_SQL`), and count it."""
    run_script(con, CHANGES_SQL, [ingest_id])
    found = dict(con.execute(CHANGE_COUNTS, [ingest_id]).fetchall())
    result.changes = {kind: int(found.get(kind, 0)) for kind in CHANGE_KINDS}


def _scalar(con: Reader, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


def _log_ingest(con: Reader, result: Reconciliation, started: datetime) -> None:
    con.execute(
        "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.ingest_id,
            started,
            datetime.now(UTC),
            result.files,
            result.rows_read,
            result.stored_new,
            result.stored_updated,
            result.stored_unchanged,
            result.merged_duplicates,
            result.quarantined_total,
            json.dumps(result.quarantined, ensure_ascii=False, sort_keys=True),
        ],
    )
