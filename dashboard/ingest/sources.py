"""Read raw Traffy CSV dumps, a district office's CityData export, Traffy's web export (CSV
or .xlsx), Traffy search-API pages and Open311 GeoReport v2 JSON into string tables.

A reader returns every input record either as a row of the `RawTable` (all values kept as
text, with the physical line where the record starts) or as a `BrokenRecord` that the
ingest quarantines. Nothing is dropped here.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import gzip
import io
import json
import re
import stat
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from dashboard.errors import InputFileError, TruncatedFileError, first_line
from dashboard.text import plain

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
EXTRA_COLUMNS = ("hashtags", "finished_at")
"""What other layouts add to the dump's columns: a CityData export's `hashtag` and the web
export's `timestamp_finished` (a real finish time)."""
READ_COLUMNS = (*RAW_COLUMNS, *EXTRA_COLUMNS)
"""The columns of every `RawTable` a reader hands the ingest."""
REQUIRED_COLUMNS = ("ticket_id", "timestamp", "state")
"""Besides a location: `coords`, or a latitude and a longitude column."""
LATITUDE, LONGITUDE = "latitude", "longitude"
HEADER_ALIASES = {
    "org_response": "organization",
    "hashtag": "hashtags",
    "timestamp_finished": "finished_at",
    "latitute": LATITUDE,  # sic: Traffy's export spells it so
    "latitude": LATITUDE,
    "lat": LATITUDE,
    "longitude": LONGITUDE,
    "lon": LONGITUDE,
}
"""Column names of other layouts (matched without regard to case) → the dump's names."""
LAYOUT_NAMES = {
    "dump": "Traffy dump (bangkok_traffy.csv)",
    "citydata": "CityData export of a district office (org_response)",
    "export": "Traffy web export (Latitute, Longitude)",
    "json": "JSON (Traffy search API or Open311)",
}
SNIFF_BYTES = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"
BLOCK_BYTES = 1 << 24
"""CSV parse block: the largest single value khetmap reads (16 MiB)."""
FORMAT_HINT = (
    "khetmap reads the Traffy Fondue CSV dump (bangkok_traffy.csv layout, plain or .gz), a "
    "district office's CityData export (org_response), Traffy's web export (Latitute, "
    "Longitude), any of these as .xlsx, pages of Traffy's search API (status, total, results) "
    "and Open311 GeoReport v2 requests.json"
)
XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_BYTES = 200 << 20
"""The largest .xlsx read (a 185k-ticket export is about 40 MB)."""
MAX_XLSX_UNPACKED = 2 << 30
"""The most an .xlsx may unpack to: a small file that unpacks to more is refused unread."""


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
    warnings: list[str] = field(default_factory=list)
    replaced: int = 0
    """characters no store can hold replaced by U+FFFD (JSON: `storable_text`)"""


@dataclass
class RawSource:
    """An input file whose format, encoding and header have been checked."""

    path: Path
    kind: str
    encoding: str
    header: list[str] = field(default_factory=list)
    allow_truncated: bool = False
    warnings: list[str] = field(default_factory=list)
    replaced: int = 0
    """characters no store can hold replaced by U+FFFD (`storable_bytes`), once read"""
    layout: str = "json"
    """which layout the header is (`LAYOUT_NAMES`)"""
    sheet: str = ""
    """.xlsx: the worksheet read"""

    def chunks(self, *, rows: int = 1 << 62) -> Iterator[RawTable]:
        """Yield the records in tables of about `rows` records (CSV and .xlsx stream; JSON is
        one chunk)."""
        if self.kind == "xlsx":
            yield from _xlsx_chunks(self, rows=rows)
            return
        if self.kind == "json":
            raw = read_open311(self.path, encoding=self.encoding)
            raw.encoding = self.encoding
            self.replaced += raw.replaced
            yield raw
            return
        yield from _csv_chunks(self, rows=rows)


def open_source(path: Path) -> RawSource:
    """Check that `path` is a Traffy CSV (plain or gzipped), an .xlsx of one, or JSON, by content."""
    _check_regular_file(path)
    head = _sniff(path)
    if head.startswith(XLSX_MAGIC):
        return _open_xlsx(path)
    if _looks_binary(head):
        raise InputFileError(f"{path}: this is a binary file, not text. {FORMAT_HINT}.")
    encoding = _guess_encoding(path, head)
    first = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")[:1]
    if not first:
        raise InputFileError(f"{path}: the file is empty. {FORMAT_HINT}.")
    if first in "[{":
        return RawSource(path=path, kind="json", encoding=encoding)
    header = _header(path, head, encoding)
    layout = layout_of(path, header)
    return RawSource(path=path, kind="csv", encoding=encoding, header=header, layout=layout)


def canonical_name(name: str) -> str:
    """A header's column name as the dump calls it (`HEADER_ALIASES`)."""
    tidy = name.strip()
    return HEADER_ALIASES.get(tidy.lower(), tidy)


def layout_of(path: Path, header: Sequence[str]) -> str:
    """Which layout `header` is (`LAYOUT_NAMES`); a header without the columns khetmap needs
    is one line saying which are missing."""
    names = {canonical_name(name) for name in header}
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if "coords" not in names and not {LATITUDE, LONGITUDE} <= names:
        missing.append("coords (or Latitute and Longitude)")
    if missing:
        shown = ",".join(name[:40] for name in header[:6]) + ("…" if len(header) > 6 else "")
        raise InputFileError(
            f"{path}: not a Traffy CSV dump or export: no {', '.join(missing)} column "
            f"(header starts '{text_preview(shown)}'). {FORMAT_HINT}."
        )
    lowered = {name.strip().lower() for name in header}
    if "org_response" in lowered:
        return "citydata"
    return "dump" if "coords" in names else "export"


def text_preview(value: str) -> str:
    """`value` for a one-line message: control characters and line ends shown as spaces."""
    return re.sub(r"[\x00-\x1f\x7f]", " ", plain(value))[:240]


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


def _check_regular_file(path: Path) -> None:
    """Refuse what is not a regular file before opening it (a FIFO would block for ever)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputFileError(_unreadable(path, exc)) from exc
    if stat.S_ISDIR(mode):
        raise InputFileError(f"{path}: this is a folder; give the path of a file.")
    if not stat.S_ISREG(mode):
        raise InputFileError(
            f"{path}: not a regular file (a pipe, socket or device); save the data to a "
            "file (plain or .gz) and give its path."
        )


def _unreadable(path: Path, exc: OSError) -> str:
    """One line saying why a path cannot be read and what to do."""
    if isinstance(exc, FileNotFoundError):
        return f"{path}: no such file; check the path."
    if isinstance(exc, PermissionError):
        return f"{path}: permission denied; make the file readable (chmod +r) and try again."
    if exc.errno == errno.ELOOP:
        return f"{path}: a loop of symbolic links; point the path at the real file."
    return f"{path}: cannot be read ({exc.strerror})."


def _open_binary(path: Path) -> io.BufferedIOBase:
    _check_regular_file(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputFileError(_unreadable(path, exc)) from exc
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


CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
BINARY_CONTROL_SHARE = 0.01
"""A file whose first bytes are more than this share of control bytes is binary; a text
file may hold a stray NUL in a comment (stored with U+FFFD in its place)."""


def _looks_binary(head: bytes) -> bool:
    return len(CONTROL_BYTES.findall(head)) > BINARY_CONTROL_SHARE * len(head)


def _guess_encoding(path: Path, head: bytes) -> str:
    """Return 'utf-8' or 'cp874' (TIS-620) for the file's first bytes.

    UTF-8 with a few sequences that are not UTF-8 (a lone UTF-16 surrogate written out as
    bytes, a stray byte) is still UTF-8: those sequences are replaced on reading.
    """
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return "utf-8"  # a multi-byte character cut by the sniff window
        bad_offset = exc.start
    if _mostly_utf8(head[: len(head) - 3]):
        return "utf-8"
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


REPLACEMENT = "\ufffd"
REPLACEMENT_BYTES = REPLACEMENT.encode()
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""Characters no store can hold: NUL (PostgreSQL refuses it in text) and a lone UTF-16
surrogate (not encodable as UTF-8; JSON can escape one, `"\\ud800"`)."""
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
LONE_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
THAI = re.compile("[\u0e00-\u0e7f]")


def storable_text(text: str) -> tuple[str, int]:
    """`text` with each character no store can hold replaced by U+FFFD; how many were."""
    return UNSTORABLE.subn(REPLACEMENT, text)


def json_text(value: Any) -> str:
    """`value` as JSON text that always encodes as UTF-8: Thai stays readable, and a lone
    surrogate (a feed can send `"\\ud800"`) stays escaped as it came, for the reader to
    replace and count."""
    text = json.dumps(value, ensure_ascii=False)
    return LONE_SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def storable_bytes(data: bytes) -> tuple[bytes, int]:
    """UTF-8 bytes with a NUL and each sequence that is not UTF-8 replaced by U+FFFD (a lone
    surrogate written out as three bytes is one); how many were replaced."""
    replaced = data.count(b"\x00") if b"\x00" in data else 0
    if replaced:
        data = data.replace(b"\x00", REPLACEMENT_BYTES)
    if _valid_utf8(data):
        return data, replaced
    data, surrogates = LONE_SURROGATE_BYTES.subn(REPLACEMENT_BYTES, data)
    text = data.decode("utf-8", errors="replace")
    others = text.count(REPLACEMENT) - data.count(REPLACEMENT_BYTES)
    return text.encode("utf-8"), replaced + surrogates + others


def _valid_utf8(data: bytes) -> bool:
    """Checked by Arrow (twice as fast as decoding in Python: a CSV block is 16 MiB)."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    values = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        values.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _mostly_utf8(head: bytes) -> bool:
    """UTF-8 whose only flaws are lone surrogates, or a few bad bytes among many Thai
    characters (TIS-620 Thai read as UTF-8 is flawed all through)."""
    text = LONE_SURROGATE_BYTES.sub(b"", head).decode("utf-8", errors="replace")
    flaws = text.count(REPLACEMENT)
    return flaws == 0 or flaws * 100 <= len(THAI.findall(text))


class StorableStream:
    """A UTF-8 byte stream passed through `storable_bytes` block by block, so that one odd
    character never stops a CSV parse; `replaced` counts what was replaced.

    A read hands out views of the cleaned block (pyarrow takes any buffer): besides the
    check, the stream costs one copy of a block, where a character is cut at its end.
    """

    def __init__(self, source: Any) -> None:
        self._source = source
        self._carry = b""
        self._out = memoryview(b"")
        self.replaced = 0
        self.closed = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True

    def read(self, size: int | None = -1) -> bytes | memoryview:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(BLOCK_BYTES), b""))
        if len(self._out) < size:
            self._top_up(size)
        part, self._out = self._out[:size], self._out[size:]
        return part

    def _top_up(self, size: int) -> None:
        """Put the next cleaned block after what is left of the last one (a replacement
        can make a block longer than asked): no read hands pyarrow a sliver of a block."""
        rest = bytes(self._out)
        cleaned, more = self._next(size - len(rest))
        while more and not cleaned:
            cleaned, more = self._next(size - len(rest))
        self._out = memoryview(rest + cleaned if rest else cleaned)

    def _next(self, size: int) -> tuple[bytes, bool]:
        """The next block, cleaned; False once the source is done."""
        block = self._source.read(max(size - len(self._carry), 4))
        data = self._carry + block if self._carry else block
        cut = _whole_characters(data) if block else len(data)
        self._carry = data[cut:]
        cleaned, replaced = storable_bytes(data if cut == len(data) else data[:cut])
        self.replaced += replaced
        return cleaned, bool(block)


def _whole_characters(data: bytes) -> int:
    """The length of `data` without a last UTF-8 character cut short by the block's end."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:  # ASCII or the first byte of a character
            need = 1 if byte < 0xC0 else 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) - back if need > back else len(data)
    return len(data)


def _csv_source(path: Path, encoding: str) -> StorableStream:
    """The file's bytes as clean UTF-8 (a TIS-620 file is decoded first)."""
    if encoding == "utf-8":
        with _open_binary(path) as probe:
            gzipped = isinstance(probe, gzip.GzipFile)
        return StorableStream(pa.input_stream(str(path), compression="gzip" if gzipped else None))
    data = _read_all_bytes(path)
    try:
        return StorableStream(io.BytesIO(data.decode(encoding).encode("utf-8")))
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}: looked like TIS-620/cp874 but byte offset {exc.start} is not valid in it; "
            "save the file as UTF-8 and try again."
        ) from exc


def _header(path: Path, head: bytes, encoding: str) -> list[str]:
    """The first line's column names; a line ends at LF, CRLF or a lone CR (old Mac files)."""
    start = head
    if not re.search(rb"[\r\n]", head) and len(head) == SNIFF_BYTES:
        with _open_binary(path) as handle:
            try:
                start = handle.read(1 << 20)
            except (OSError, EOFError):
                start = head
    line = re.split(rb"\r\n|\r|\n", start, maxsplit=1)[0]
    text = line.decode(encoding, errors="replace").lstrip("\ufeff").strip()
    return [name.strip() for name in next(csv.reader([text]), [])]


def _csv_chunks(source: RawSource, *, rows: int) -> Iterator[RawTable]:
    """Stream a CSV: tables of about `rows` records, with record numbers and broken records.

    Single-threaded parsing, so pyarrow reports each broken record's number (header = 1).
    """
    broken: list[BrokenRecord] = []
    expected = len(source.header)
    last_broken: list[tuple[BrokenRecord, int]] = []

    def on_invalid(row: Any) -> str:
        text = row.text or ""
        swallowed = text.count("\n") + text.count("\r") - text.count("\r\n")
        if swallowed:
            reason = (
                f"unclosed quote: a quote opened in this record is never closed, so "
                f"{swallowed:,} following lines (up to {swallowed:,} records) were read into "
                f"it ({row.actual_columns} fields, expected {expected})"
            )
        else:
            reason = f"broken row: {row.actual_columns} fields, expected {expected}"
        record = BrokenRecord(line=int(row.number or 0) - 1, raw_text=text, reason=reason)
        broken.append(record)
        last_broken[:] = [(record, int(row.actual_columns))]
        return "skip"

    names = _unique_names(source.header)
    stream = _csv_source(source.path, source.encoding)
    try:
        reader = _open_csv(stream, names, on_invalid)
        numbering = _Numbering()
        pending: list[pa.RecordBatch] = []
        pending_rows = 0
        for batch in reader:
            pending.append(batch)
            pending_rows += batch.num_rows
            if pending_rows >= rows:
                yield _chunk(source, pending, _take_all(broken), numbering)
                pending, pending_rows = [], 0
        if pending or broken or numbering.next == 1:
            yield _chunk(source, pending, _take_all(broken), numbering, schema=reader.schema)
        source.replaced += stream.replaced
        # checked last: the ingest is one transaction, so raising now still stores nothing
        truncated = _truncation(source, last_broken, numbering, expected)
        if truncated and not source.allow_truncated:
            raise TruncatedFileError(truncated)
        if truncated:
            source.warnings.append(truncated + " (stored as a partial file: --allow-truncated)")
    except (pa.ArrowInvalid, OSError) as exc:
        if "straddl" in str(exc):  # one value larger than a whole parse block
            raise InputFileError(_oversized_field(source)) from exc
        raise InputFileError(
            f"{source.path}: cannot be parsed as CSV ({first_line(exc)}); check that it is a "
            "complete UTF-8 CSV file, and download the file again if it was cut short."
        ) from exc


def _open_csv(
    stream: StorableStream, names: list[str], on_invalid: Callable[[Any], str]
) -> pacsv.CSVStreamingReader:
    """pyarrow's streaming reader of every field as text, one thread, after the header."""
    return pacsv.open_csv(
        stream,
        read_options=pacsv.ReadOptions(
            use_threads=False, column_names=names, skip_rows=1, block_size=BLOCK_BYTES
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,  # the stream is valid UTF-8: checked block by block
        ),
    )


def _take_all(broken: list[BrokenRecord]) -> list[BrokenRecord]:
    """Move the broken records reported so far out of `broken`, atomically.

    pyarrow reads ahead and may report a broken record from its own thread while this
    generator waits at a `yield`: clearing the list after the yield lost such a record (it
    was neither quarantined nor seen as the file's last record cut short).
    """
    count = len(broken)
    taken = broken[:count]
    del broken[:count]
    return taken


def _truncation(
    source: RawSource,
    last_broken: list[tuple[BrokenRecord, int]],
    numbering: _Numbering,
    expected: int,
) -> str:
    """Say how the file's last record was cut short, or '' if it is whole.

    Cut short: a plain file that does not end with a line end, whose final record has
    fewer fields than the header or stops inside a quoted value. (A cut gzip stream is
    reported by gzip itself.)
    """
    if not _ends_without_line_end(source):
        return ""
    cut = ""
    if last_broken:
        record, fields = last_broken[0]
        if record.line == numbering.next - 1 and fields < expected:
            cut = f"its last record has {fields} of {expected} fields"
    if not cut and _ends_inside_quote(source):
        cut = "it ends inside a quoted value"
    if not cut:
        return ""
    return (
        f"{source.path}: the file is truncated: {cut} and no line end (was it still being "
        "written or downloaded?); download it again, or pass --allow-truncated to store the "
        "rest with a warning"
    )


def _ends_without_line_end(source: RawSource) -> bool:
    with _open_binary(source.path) as handle:
        if isinstance(handle, gzip.GzipFile):
            return False
        handle.seek(0, io.SEEK_END)
        if handle.tell() == 0:
            return False
        handle.seek(-1, io.SEEK_END)
        return handle.read(1) not in (b"\n", b"\r")


def _ends_inside_quote(source: RawSource) -> bool:
    """True when the file's last record opens a quote that is never closed."""
    with _open_binary(source.path) as handle, _no_field_limit():
        text = _as_text(handle, source)
        try:
            for _ in csv.reader(text, strict=True):
                pass
        except csv.Error:
            return True
    return False


def _oversized_field(source: RawSource) -> str:
    """Say which line holds a value larger than one parse block."""
    limit = BLOCK_BYTES
    line = 0
    with _open_binary(source.path) as handle, _no_field_limit():
        text = _as_text(handle, source)
        reader = csv.reader(text)
        start = 1
        for row in reader:
            if any(len(value) > limit // 4 for value in row) and any(
                len(value.encode("utf-8")) >= limit for value in row
            ):
                line = start
                break
            start = reader.line_num + 1
    where = f"line {line}" if line else "one record"
    return (
        f"{source.path}: {where} holds a single value larger than {limit >> 20} MiB, the most "
        "khetmap reads in one field; trim that record (or remove it) and ingest again"
    )


@contextmanager
def _no_field_limit() -> Iterator[None]:
    """Let Python's csv read any field length (its default stops at 128 kB)."""
    previous = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _as_text(handle: io.BufferedIOBase, source: RawSource) -> io.TextIOWrapper:
    """The file as text for Python's csv module (a second look at a few records); a byte
    that is not UTF-8 reads as U+FFFD, as in the parse."""
    encoding = "utf-8-sig" if source.encoding == "utf-8" else source.encoding
    return io.TextIOWrapper(cast(BinaryIO, handle), encoding=encoding, errors="replace", newline="")


class _Numbering:
    """Hands out record positions (first record = 1) to good rows, skipping broken ones.

    pyarrow's reader parses blocks ahead of the batches it hands out, so a broken record
    can be reported while an earlier chunk is assembled: every broken position is kept
    until the numbering has passed it. (Before, in a file of more than one chunk, e.g.
    600k records with a broken one at 270,001, every record after it was numbered one too
    low, and a last record cut short could go unnoticed.)
    """

    def __init__(self) -> None:
        self.next = 1
        self.broken: set[int] = set()

    def take(self, count: int, broken_positions: list[int]) -> NDArray[np.int64]:
        self.broken.update(broken_positions)
        skip = sorted(p for p in self.broken if p >= self.next)
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
        self.broken = {p for p in self.broken if p >= self.next}
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
        return {r: r for r in wanted}  # JSON: the position; .xlsx: the record (header apart)
    found: dict[int, int] = {}
    with _open_binary(source.path) as handle, _no_field_limit():
        text = _as_text(handle, source)
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


def _canonical_columns(table: pa.Table) -> pa.Table:
    """Keep READ_COLUMNS (empty where absent) and `source_record`, in that order.

    Columns of other layouts take the dump's names (`canonical_name`); where two columns
    give the same one (a header mixing layouts: `organization` and `org_response`), the
    first non-empty value counts. Without `coords`, or where it is empty, a latitude and a
    longitude column make it ("lon,lat").
    """
    length = table.num_rows
    given: dict[str, list[Any]] = {}
    for name in table.column_names:
        if name != "source_record":
            given.setdefault(canonical_name(name.split("__")[0]), []).append(table[name])
    empty = pa.array([""] * length, pa.string())
    columns = {name: _first_given(given.get(name, []), empty) for name in READ_COLUMNS}
    if LATITUDE in given and LONGITUDE in given:
        columns["coords"] = _with_coords(
            columns["coords"],
            _first_given(given[LONGITUDE], empty),
            _first_given(given[LATITUDE], empty),
        )
    columns["source_record"] = table["source_record"]
    return pa.table(columns)


def _first_given(candidates: list[Any], empty: pa.Array) -> Any:
    """The first non-blank value of `candidates` (text columns of one table), row by row."""
    if not candidates:
        return empty
    found = candidates[0]
    for other in candidates[1:]:
        blank = pc.equal(pc.utf8_trim_whitespace(found), "")
        found = pc.if_else(blank, other, found)
    return found


def _with_coords(coords: Any, lon: Any, lat: Any) -> Any:
    """`coords`, and where it is blank "lon,lat" from the two columns when both are given."""
    lon, lat = pc.utf8_trim_whitespace(lon), pc.utf8_trim_whitespace(lat)
    both = pc.and_(pc.not_equal(lon, ""), pc.not_equal(lat, ""))
    pair = pc.if_else(both, pc.binary_join_element_wise(lon, lat, ","), "")
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(coords), ""), pair, coords)


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
    """Read an Open311 GeoReport v2 `requests.json` (a list of service requests), or a
    page of Traffy's search API."""
    data, replaced = _read_all_bytes(path), 0
    if encoding == "utf-8":
        data, replaced = storable_bytes(data)
    table = _json_table(path, _json_document(path, data, encoding))
    table.replaced += replaced
    return table


def _json_document(path: Path, data: bytes, encoding: str) -> Any:
    try:
        return json.loads(data.decode(encoding).lstrip("\ufeff"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(
            f"{path}: looks like JSON but does not parse ({exc}); check that the file is complete."
        ) from exc
    except RecursionError as exc:
        raise InputFileError(
            f"{path}: JSON nested too deeply to be a list of service requests. {FORMAT_HINT}."
        ) from exc


def _json_table(path: Path, document: Any) -> RawTable:
    if isinstance(document, dict) and "results" in document and "service_requests" not in document:
        return read_traffy_api(path, document)
    if isinstance(document, dict) and isinstance(document.get("service_requests"), list):
        document = document["service_requests"]
    if document == []:
        empty = _empty_table(path)
        empty.warnings.append(f"{path}: an empty Open311 list: no service requests, none stored")
        return empty
    if not isinstance(document, list) or not any(
        isinstance(item, dict) and "service_request_id" in item for item in document
    ):
        raise InputFileError(
            f"{path}: JSON, but not an Open311 GeoReport v2 list of service requests "
            f"(no 'service_request_id'). {FORMAT_HINT}."
        )
    return _json_records(path, document, _open311_row)


def _json_records(
    path: Path, items: list[Any], to_row: Callable[[dict[str, Any]], dict[str, str]]
) -> RawTable:
    """JSON records as dump columns (`to_row`); a record that is not an object is broken."""
    rows: dict[str, list[str]] = {name: [] for name in READ_COLUMNS}
    lines: list[int] = []
    broken: list[BrokenRecord] = []
    replaced = 0
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            text, count = storable_text(json.dumps(item, ensure_ascii=False))
            broken.append(BrokenRecord(number, text, "broken record: not a JSON object"))
            replaced += count
            continue
        row = to_row(item)
        for name, values in rows.items():
            values.append(row.get(name, ""))
        lines.append(number)
    columns: dict[str, pa.Array] = {}
    for name, values in rows.items():
        columns[name], count = _storable_column(values)
        replaced += count
    columns["source_record"] = pa.array(lines, pa.int64())
    return RawTable(
        path=path,
        table=pa.table(columns),
        broken=broken,
        records_read=len(items),
        replaced=replaced,
    )


def _storable_column(values: list[str]) -> tuple[pa.Array, int]:
    """The values as an Arrow string column, characters no store can hold replaced (a lone
    surrogate cannot even become Arrow text); how many were."""
    try:
        column = pa.array(values, pa.string())
    except UnicodeEncodeError:
        cleaned = [storable_text(value) for value in values]
        return pa.array([text for text, _ in cleaned], pa.string()), sum(n for _, n in cleaned)
    found = pc.sum(pc.count_substring(column, "\x00")).as_py() or 0
    if found:
        column = pc.replace_substring(column, "\x00", REPLACEMENT)
    return column, int(found)


def _empty_table(path: Path) -> RawTable:
    columns = {name: pa.array([], pa.string()) for name in READ_COLUMNS}
    columns["source_record"] = pa.array([], pa.int64())
    return RawTable(path=path, table=pa.table(columns))


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


TRAFFY_API_FIELDS = {
    "ticket_id": "ticket_id",
    "type": "problem_type_abdul",
    "organization": "org",
    "comment": "comment",
    "photo": "photo",
    "photo_after": "after_photo",
    "address": "address",
    "subdistrict": "subdistrict",
    "district": "district",
    "province": "province",
    "timestamp": "timestamp",
    "state": "state",
    "star": "star",
    "count_reopen": "count_reopen",
    "last_activity": "last_activity",
}
"""Dump column → search-API field (the API has no `last_activity`; kept if a mirror adds it)."""


def read_traffy_api(path: Path, document: dict[str, Any]) -> RawTable:
    """Read a page (or a sync's merged pages) of Traffy's search API into dump columns.

    Each result keeps its position in `results` as its record number; a result that is
    not a JSON object is a broken record (quarantined), never dropped.
    """
    results = document.get("results")
    if document.get("status") is False or not isinstance(results, list):
        raise InputFileError(
            f"{path}: a Traffy search-API answer without a list of results "
            f"(status={json.dumps(document.get('status'))}). {FORMAT_HINT}."
        )
    table = _json_records(path, results, traffy_api_row)
    if not results:
        table.warnings.append(f"{path}: a search-API answer with no results: none stored")
    return table


def traffy_api_row(item: dict[str, Any]) -> dict[str, str]:
    """One search-API result as dump columns: coords [lon, lat] → "lon,lat"."""
    row = {column: _text(item.get(key)) for column, key in TRAFFY_API_FIELDS.items()}
    if not row["state"]:
        row["state"] = _text(item.get("status"))
    coords = item.get("coords")
    if isinstance(coords, list) and len(coords) == 2:
        row["coords"] = f"{_text(coords[0])},{_text(coords[1])}"
    else:
        row["coords"] = _text(coords)
    return row


# --- Excel workbooks (.xlsx) ------------------------------------------------------------


def _open_xlsx(path: Path) -> RawSource:
    """Check an .xlsx before reading it: its size, what it unpacks to, and a worksheet whose
    first row is a header khetmap knows (the first such sheet is read)."""
    size = path.stat().st_size
    if size > MAX_XLSX_BYTES:
        raise InputFileError(
            f"{path}: an Excel file of {size >> 20:,} MB, more than the {MAX_XLSX_BYTES >> 20} MB "
            "khetmap reads; export the data as CSV (plain or .gz) instead."
        )
    _check_unpacked(path)
    first: list[str] = []
    with _workbook(path) as book:
        for sheet in book.worksheets:
            header = _xlsx_header(sheet)
            first = first or header
            try:
                layout = layout_of(path, header)
            except InputFileError:
                continue
            return RawSource(
                path=path, kind="xlsx", encoding="xlsx", header=header, layout=layout,
                sheet=str(sheet.title),
            )  # fmt: skip
    layout_of(path, first)  # no sheet has a known header: say what the first one lacks
    raise InputFileError(f"{path}: an Excel workbook with no worksheet. {FORMAT_HINT}.")


def _check_unpacked(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputFileError(_not_a_workbook(path, exc)) from exc
    if "xl/workbook.xml" not in names:
        raise InputFileError(
            f"{path}: a ZIP archive, not an Excel workbook (.xlsx). {FORMAT_HINT}."
        )
    if unpacked > MAX_XLSX_UNPACKED:
        raise InputFileError(
            f"{path}: the workbook unpacks to {unpacked >> 20:,} MB, more than the "
            f"{MAX_XLSX_UNPACKED >> 20:,} MB khetmap unpacks; export the data as CSV instead."
        )


def _not_a_workbook(path: Path, exc: BaseException) -> str:
    return (
        f"{path}: not a readable Excel workbook ({first_line(exc)[:160]}); open it in Excel "
        "and save it again as .xlsx, or export CSV."
    )


@contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    """The workbook opened read-only (streamed, cached values instead of formulas)."""
    # lazy: openpyxl is imported only when an .xlsx file is read
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise InputFileError(_not_a_workbook(path, exc)) from exc
    try:
        yield book
    except (KeyError, ValueError, OSError, EOFError, TypeError) as exc:
        raise InputFileError(_not_a_workbook(path, exc)) from exc
    finally:
        book.close()


def _xlsx_header(sheet: Any) -> list[str]:
    for row in sheet.iter_rows(min_row=1, max_row=1, values_only=True):
        names = [_cell_text(value) for value in row]
        while names and not names[-1]:
            names.pop()
        return names
    return []


def _xlsx_chunks(source: RawSource, *, rows: int) -> Iterator[RawTable]:
    """Stream a worksheet as tables of about `rows` records; a row with values past the
    header's columns is a broken record; blank rows are skipped."""
    width = len(source.header)
    names = _unique_names(source.header)
    with _workbook(source.path) as book:
        sheet = book[source.sheet]
        pending: list[list[str]] = []
        positions: list[int] = []
        broken: list[BrokenRecord] = []
        record = 0
        for values in sheet.iter_rows(min_row=2, values_only=True):
            cells = [_cell_text(value) for value in values]
            if not any(cells):
                continue
            record += 1
            if any(cells[width:]):
                raw, count = storable_text(",".join(cells))
                source.replaced += count
                reason = f"broken row: {len(cells)} fields, expected {width}"
                broken.append(BrokenRecord(record, raw, reason))
                continue
            pending.append(cells[:width] + [""] * (width - len(cells)))
            positions.append(record)
            if len(pending) >= rows:
                yield _xlsx_table(source, names, pending, positions, broken)
                pending, positions, broken = [], [], []
        if pending or broken or record == 0:
            yield _xlsx_table(source, names, pending, positions, broken)


def _xlsx_table(
    source: RawSource,
    names: list[str],
    rows: list[list[str]],
    positions: list[int],
    broken: list[BrokenRecord],
) -> RawTable:
    columns: dict[str, Any] = {}
    for index, name in enumerate(names):
        column, count = _storable_column([row[index] for row in rows])
        source.replaced += count
        columns[name] = column
    columns["source_record"] = pa.array(positions, pa.int64())
    return RawTable(
        path=source.path,
        table=_canonical_columns(pa.table(columns)),
        broken=list(broken),
        encoding="xlsx",
        records_read=len(rows) + len(broken),
        kind="xlsx",
    )


def _cell_text(value: Any) -> str:
    """An Excel cell as the text a CSV export would hold. A date and time without a zone is
    Bangkok time (an office's Excel); a whole number has no ".0"."""

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return f"{value:%Y-%m-%d %H:%M:%S}+07:00"
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d} 00:00:00+07:00"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
