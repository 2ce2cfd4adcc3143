"""Read raw Traffy CSV dumps and Open311 GeoReport v2 JSON into string tables.

A reader returns every input record either as a row of the `RawTable` (all values kept as
text, with the physical line where the record starts) or as a `BrokenRecord` that the
ingest quarantines. Nothing is dropped here.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from dashboard.errors import InputFileError

RAW_COLUMNS = (
    "ticket_id",
    "type",
    "organization",
    "comment",
    "coords",
    "photo",
    "photo_after",
    "address",
    "subdistrict",
    "district",
    "province",
    "timestamp",
    "state",
    "star",
    "count_reopen",
    "last_activity",
)
REQUIRED_COLUMNS = ("ticket_id", "coords", "timestamp", "state")
SNIFF_BYTES = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"
FORMAT_HINT = (
    "khetmap reads the Traffy Fondue CSV dump (bangkok_traffy.csv layout, plain or .gz) "
    "and Open311 GeoReport v2 requests.json"
)


@dataclass(frozen=True)
class BrokenRecord:
    """An input record that could not be split into fields."""

    line: int
    raw_text: str
    reason: str


@dataclass
class RawTable:
    """One file's records as text columns named like `RAW_COLUMNS`, plus `source_record`.

    `BrokenRecord.line` holds the record's position (first record = 1); `physical_lines`
    turns positions into line numbers.
    """

    path: Path
    table: pa.Table
    broken: list[BrokenRecord] = field(default_factory=list)
    encoding: str = "utf-8"
    records_read: int = 0
    kind: str = "json"


@dataclass
class RawSource:
    """An input file whose format, encoding and header have been checked."""

    path: Path
    kind: str
    encoding: str
    header: list[str] = field(default_factory=list)

    def chunks(self, *, rows: int = 1 << 62) -> Iterator[RawTable]:
        """Yield the records in tables of about `rows` records (CSV streams; JSON is one chunk)."""
        if self.kind == "json":
            raw = read_open311(self.path, encoding=self.encoding)
            raw.encoding = self.encoding
            yield raw
            return
        yield from _csv_chunks(self, rows=rows)


def open_source(path: Path) -> RawSource:
    """Check that `path` is a Traffy CSV (plain or gzipped) or Open311 JSON, by content."""
    head = _sniff(path)
    if b"\x00" in head:
        raise InputFileError(f"{path}: this is a binary file, not text. {FORMAT_HINT}.")
    encoding = _guess_encoding(path, head)
    first = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")[:1]
    if not first:
        raise InputFileError(f"{path}: the file is empty. {FORMAT_HINT}.")
    if first in "[{":
        return RawSource(path=path, kind="json", encoding=encoding)
    header = _header(path, encoding)
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        shown = ",".join(header[:6]) + ("…" if len(header) > 6 else "")
        raise InputFileError(
            f"{path}: not a Traffy CSV dump: no {', '.join(missing)} column "
            f"(header starts '{shown}'). {FORMAT_HINT}."
        )
    return RawSource(path=path, kind="csv", encoding=encoding, header=header)


def read_any(path: Path) -> RawTable:
    """Read a whole Traffy CSV (plain or gzipped) or Open311 JSON file into one table."""
    source = open_source(path)
    parts = list(source.chunks())
    if len(parts) == 1:
        return parts[0]
    return RawTable(
        path=path,
        table=pa.concat_tables([part.table for part in parts]),
        broken=[b for part in parts for b in part.broken],
        encoding=source.encoding,
        records_read=sum(part.records_read for part in parts),
        kind=source.kind,
    )


def _open_binary(path: Path) -> io.BufferedIOBase:
    try:
        handle = path.open("rb")
    except IsADirectoryError as exc:
        raise InputFileError(f"{path}: this is a folder; give the path of a file.") from exc
    except FileNotFoundError as exc:
        raise InputFileError(f"{path}: no such file; check the path.") from exc
    except PermissionError as exc:
        raise InputFileError(
            f"{path}: permission denied; make the file readable (chmod +r) and try again."
        ) from exc
    if handle.read(2) == GZIP_MAGIC:
        handle.seek(0)
        return gzip.GzipFile(fileobj=handle)  # type: ignore[return-value]
    handle.seek(0)
    return handle  # type: ignore[return-value]


def _read_all_bytes(path: Path) -> bytes:
    with _open_binary(path) as handle:
        try:
            return handle.read()
        except (OSError, EOFError) as exc:
            raise InputFileError(
                f"{path}: the gzip stream is broken ({exc}); download the file again."
            ) from exc


def _sniff(path: Path) -> bytes:
    with _open_binary(path) as handle:
        try:
            return handle.read(SNIFF_BYTES)
        except (OSError, EOFError) as exc:
            raise InputFileError(
                f"{path}: the gzip stream is broken ({exc}); download the file again."
            ) from exc


def _guess_encoding(path: Path, head: bytes) -> str:
    """Return 'utf-8' or 'cp874' (TIS-620) for the file's first bytes."""
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return "utf-8"  # a multi-byte character cut by the sniff window
        bad_offset = exc.start
    try:
        text = head.decode("cp874")
    except UnicodeDecodeError:
        text = ""
    if any("\u0e00" <= char <= "\u0e7f" for char in text):
        return "cp874"
    raise InputFileError(
        f"{path}: not UTF-8 text (byte 0x{head[bad_offset]:02x} at offset {bad_offset}) and "
        "not Thai TIS-620/cp874 either; save it as UTF-8 and try again."
    )


def _csv_source(path: Path, encoding: str) -> pa.NativeFile | io.BytesIO:
    if encoding == "utf-8":
        with _open_binary(path) as probe:
            gzipped = isinstance(probe, gzip.GzipFile)
        return pa.input_stream(str(path), compression="gzip" if gzipped else None)
    data = _read_all_bytes(path)
    try:
        return io.BytesIO(data.decode(encoding).encode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}: looked like TIS-620/cp874 but byte offset {exc.start} is not valid in it; "
            "save the file as UTF-8 and try again."
        ) from exc


def _header(path: Path, encoding: str) -> list[str]:
    with _open_binary(path) as handle:
        line = handle.readline(1 << 20)
    text = line.decode(encoding, errors="replace").lstrip("\ufeff").strip()
    return [name.strip() for name in next(csv.reader([text]), [])]


def _csv_chunks(source: RawSource, *, rows: int) -> Iterator[RawTable]:
    """Stream a CSV: tables of about `rows` records, with record numbers and broken records.

    Single-threaded parsing, so pyarrow reports each broken record's number (header = 1).
    """
    broken: list[BrokenRecord] = []
    expected = len(source.header)

    def on_invalid(row: Any) -> str:
        reason = f"broken row: {row.actual_columns} fields, expected {expected}"
        broken.append(BrokenRecord(line=int(row.number or 0) - 1, raw_text=row.text, reason=reason))
        return "skip"

    names = _unique_names(source.header)
    try:
        reader = pacsv.open_csv(
            _csv_source(source.path, source.encoding),
            read_options=pacsv.ReadOptions(
                use_threads=False, column_names=names, skip_rows=1, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        numbering = _Numbering()
        pending: list[pa.RecordBatch] = []
        pending_rows = 0
        for batch in reader:
            pending.append(batch)
            pending_rows += batch.num_rows
            if pending_rows >= rows:
                yield _chunk(source, pending, broken, numbering)
                pending, pending_rows, broken[:] = [], 0, []
        if pending or broken or numbering.next == 1:
            yield _chunk(source, pending, broken, numbering, schema=reader.schema)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputFileError(
            f"{source.path}: cannot be parsed as CSV ({_first_line(exc)}); check that it is a "
            "complete UTF-8 CSV file, and download the file again if it was cut short."
        ) from exc


class _Numbering:
    """Hands out record positions (first record = 1) to good rows, skipping broken ones."""

    def __init__(self) -> None:
        self.next = 1

    def take(self, count: int, broken_positions: list[int]) -> NDArray[np.int64]:
        skip = sorted(p for p in broken_positions if p >= self.next)
        positions = np.empty(count, dtype=np.int64)
        filled, candidate, skip_index = 0, self.next, 0
        while filled < count:
            upto = skip[skip_index] if skip_index < len(skip) else candidate + (count - filled)
            run = min(upto - candidate, count - filled)
            positions[filled : filled + run] = np.arange(candidate, candidate + run)
            filled += run
            candidate += run
            if filled < count:
                candidate += 1  # the broken record's position
                skip_index += 1
        while skip_index < len(skip) and skip[skip_index] == candidate:
            candidate += 1
            skip_index += 1
        self.next = candidate
        return positions


def _chunk(
    source: RawSource,
    batches: list[pa.RecordBatch],
    broken: list[BrokenRecord],
    numbering: _Numbering,
    *,
    schema: pa.Schema | None = None,
) -> RawTable:
    table = pa.Table.from_batches(batches, schema=schema or batches[0].schema)
    positions = numbering.take(table.num_rows, [b.line for b in broken])
    table = table.append_column("source_record", pa.array(positions, pa.int64()))
    return RawTable(
        path=source.path,
        table=_canonical_columns(table),
        broken=list(broken),
        encoding=source.encoding,
        records_read=table.num_rows + len(broken),
        kind="csv",
    )


def physical_lines(source: RawSource, records: Sequence[int]) -> dict[int, int]:
    """Return the physical line (header = line 1) where each given record starts.

    A record spans one line plus the newlines inside its quoted values. Found with a second
    pass of Python's csv module, only for the few records that were quarantined.
    """
    wanted = {int(r) for r in records}
    if source.kind != "csv" or not wanted:
        return {r: r for r in wanted}
    found: dict[int, int] = {}
    with _open_binary(source.path) as handle:
        text = io.TextIOWrapper(
            cast(BinaryIO, handle),
            encoding="utf-8-sig" if source.encoding == "utf-8" else source.encoding,
            newline="",
        )
        reader = csv.reader(text)
        next(reader, None)
        position, start = 0, reader.line_num + 1
        for row in reader:
            if row:
                position += 1
                if position in wanted:
                    found[position] = start
                    if len(found) == len(wanted):
                        break
            start = reader.line_num + 1
    return found


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(name if count == 0 else f"{name}__{count}")
    return names


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _canonical_columns(table: pa.Table) -> pa.Table:
    """Keep RAW_COLUMNS (empty where absent) and `source_record`, in that order."""
    length = table.num_rows
    columns = {
        name: table[name] if name in table.column_names else pa.array([""] * length, pa.string())
        for name in RAW_COLUMNS
    }
    columns["source_record"] = table["source_record"]
    return pa.table(columns)


OPEN311_FIELDS = {
    "ticket_id": "service_request_id",
    "state": "status",
    "timestamp": "requested_datetime",
    "last_activity": "updated_datetime",
    "address": "address",
    "photo": "media_url",
    "organization": "agency_responsible",
    "comment": "description",
}


def read_open311(path: Path, *, encoding: str = "utf-8") -> RawTable:
    """Read an Open311 GeoReport v2 `requests.json` (a list of service requests)."""
    try:
        document = json.loads(_read_all_bytes(path).decode(encoding).lstrip("\ufeff"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(
            f"{path}: looks like JSON but does not parse ({exc}); check that the file is complete."
        ) from exc
    if isinstance(document, dict) and isinstance(document.get("service_requests"), list):
        document = document["service_requests"]
    if not isinstance(document, list) or not any(
        isinstance(item, dict) and "service_request_id" in item for item in document
    ):
        raise InputFileError(
            f"{path}: JSON, but not an Open311 GeoReport v2 list of service requests "
            f"(no 'service_request_id'). {FORMAT_HINT}."
        )
    rows: dict[str, list[str]] = {name: [] for name in RAW_COLUMNS}
    lines: list[int] = []
    broken: list[BrokenRecord] = []
    for number, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            broken.append(
                BrokenRecord(
                    number, json.dumps(item, ensure_ascii=False), "broken record: not a JSON object"
                )
            )
            continue
        for name, value in _open311_row(item).items():
            rows[name].append(value)
        lines.append(number)
    columns = {name: pa.array(values, pa.string()) for name, values in rows.items()}
    columns["source_record"] = pa.array(lines, pa.int64())
    return RawTable(path=path, table=pa.table(columns), broken=broken, records_read=len(document))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _open311_row(item: dict[str, Any]) -> dict[str, str]:
    row = dict.fromkeys(RAW_COLUMNS, "")
    for column, key in OPEN311_FIELDS.items():
        row[column] = _text(item.get(key))
    service = _text(item.get("service_name")).replace(",", " /")
    row["type"] = "{" + service + "}"
    lon, lat = _text(item.get("long")), _text(item.get("lat"))
    row["coords"] = f"{lon},{lat}" if lon or lat else ""
    return row
