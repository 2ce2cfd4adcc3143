"""Report rounds: the open tickets handed to each department at one moment, and the evidence
each department returns. Pure: no streamlit.

A district office hands out its backlog in rounds: at a moment it chooses, each department
(and the group no department has yet) gets a workbook of its open tickets in the office's
form (`actions.unit_workbook`: the action sheet's columns plus empty action, signature and
note columns). `make` stores the round in the store, both backends, in one write: the
round (`rounds`), which tickets each unit had and in what order (`round_tickets`), and the
workbooks as handed out (`round_workbooks`). These rows are written once and never changed:
a later import that finishes or passes on a ticket changes the tickets, not the round.

A unit returns its evidence (a photo or a PDF of the signed sheet) with `add_evidence`:
the file's type is told from its bytes (never its name), its size is limited, and it is
stored with the round and the time (`round_evidence`). `lock` closes a round: a locked
round refuses evidence.

Writes: the command line is the store's owner (`owner_write`). The district page's writes
for a signed-in viewer (`return_evidence`, `lock_as`) run the same change functions inside
`writes.checked_write`: the viewer's role is checked for the district, the round must be
that district's, and each write adds its row to the write log in the same transaction.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pandas as pd

from dashboard import files, i18n, store, text
from dashboard.access import Viewer, writes
from dashboard.errors import EvidenceError, RoundError, UnreadableFileError, WriteRefusedError
from dashboard.i18n import Lang, pick_lang
from dashboard.render import action_sheet
from dashboard.store import Reader, has_table, queries

LOG = logging.getLogger(__name__)
T = TypeVar("T")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
"""The largest evidence file a round keeps (a phone photo or a scanned sheet)."""
NAME_CHARS = 120
FILE_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u200e\u200f\u202a-\u202e\u2066-\u2069]')
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
}
ROUND_COLUMNS = (
    "round_id", "district_code", "made_at", "as_of", "last_import", "lang", "tickets",
    "locked_at", "units", "returned",
)  # fmt: skip
UNIT_COLUMNS = (
    "unit", "tickets", "overdue", "routed", "file_name", "returned_at", "evidence_name",
    "evidence_type", "evidence_size", "returns",
)  # fmt: skip


@dataclass(frozen=True)
class Made:
    """A round as `make` stored it."""

    round_id: int
    workbooks: dict[str, tuple[str, bytes]]
    """unit → (file name, the workbook's bytes), in the order of the action sheet"""
    tickets: int


@dataclass(frozen=True)
class Round:
    """One stored round and, per unit, its tickets and the evidence returned."""

    round_id: int
    district_code: str
    made_at: datetime
    as_of: datetime
    last_import: int | None
    lang: Lang
    tickets: int
    locked_at: datetime | None
    units: pd.DataFrame
    """`UNIT_COLUMNS`, one row per unit in the round's order; the latest evidence's time,
    name, type and size (empty: none has come back) and how many files it returned"""

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


def label(round_id: int, made_at: datetime, lang: Lang) -> str:
    """'รอบที่ 3 · 6 ธ.ค. 2569 14:05': the round in its workbooks' titles and footers."""
    return i18n.t("round_label", lang, id=round_id, at=i18n.date_time(made_at, lang))


def file_names(units: list[str], *, round_id: int, lang: Lang) -> dict[str, str]:
    """Unit → its workbook's file name: 'round3_01_ฝ่ายโยธา.xlsx' (no character a file
    system or a shell trips on, no direction control)."""
    names = {}
    for number, (unit, title) in enumerate(action_sheet.sheet_titles(units, lang).items(), start=1):
        safe = FILE_UNSAFE.sub("_", text.plain(title)).strip(" .") or "-"
        names[unit] = f"round{round_id}_{number:02d}_{safe[:60]}.xlsx"
    return names


def make(
    con: Reader,
    *,
    data: action_sheet.SheetData,
    district_code: str,
    made_at: datetime,
    last_import: int | None,
) -> Made:
    """Store a new round of `data`'s units (inside the caller's write): its id is the next
    one; each unit's open tickets and its workbook are kept as they are now."""
    if not data.units:
        raise RoundError(f"district {district_code} has no open tickets: no round was made.")
    round_id = int(con.execute(queries.NEXT_ROUND_ID).fetchall()[0][0])
    heading = label(round_id, made_at, data.lang)
    names = file_names(list(data.units), round_id=round_id, lang=data.lang)
    workbooks = {
        unit: (names[unit], action_sheet.unit_workbook(unit, rows, data, label=heading))
        for unit, rows in data.units.items()
    }
    tickets = sum(len(rows) for rows in data.units.values())
    con.execute(
        "INSERT INTO rounds (round_id, district_code, made_at, as_of, last_import, lang, "
        "tickets, locked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
        [round_id, district_code, made_at, data.as_of, last_import, data.lang, tickets],
    )
    for unit, rows in data.units.items():
        _insert_tickets(con, round_id=round_id, unit=unit, rows=rows)
        file_name, content = workbooks[unit]
        con.execute(
            "INSERT INTO round_workbooks (round_id, unit, file_name, content) VALUES (?, ?, ?, ?)",
            [round_id, unit, file_name, content],
        )
    return Made(round_id=round_id, workbooks=workbooks, tickets=tickets)


def _insert_tickets(con: Reader, *, round_id: int, unit: str, rows: pd.DataFrame) -> None:
    if rows.empty:
        return
    con.execute(
        queries.ROUND_TICKETS_INSERT,
        [
            round_id,
            unit,
            list(range(1, len(rows) + 1)),
            [str(v) for v in rows["ticket_id"]],
            [str(v) for v in rows["state"]],
            [bool(v) for v in rows["overdue"]],
            [str(v) for v in rows["routed"]],
        ],
    )


def listing(con: Reader, *, district: str | None = None) -> pd.DataFrame:
    """The rounds, newest first (`ROUND_COLUMNS`), of one district or all: how many units,
    and how many of them have returned evidence."""
    if not has_table(con, "rounds"):
        return pd.DataFrame(columns=list(ROUND_COLUMNS))
    return con.execute(
        queries.ROUNDS,
        [district, district],
    ).df()


def find(con: Reader, *, round_id: int) -> Round:
    """The stored round `round_id` with its units (RoundError when there is none)."""
    found = listing(con)
    found = found[found["round_id"] == round_id]
    if found.empty:
        raise RoundError(f"there is no round {round_id}: `khetmap round list` lists them.")
    row = found.iloc[0]
    return Round(
        round_id=int(row["round_id"]),
        district_code=str(row["district_code"]),
        made_at=row["made_at"].to_pydatetime(),
        as_of=row["as_of"].to_pydatetime(),
        last_import=None if pd.isna(row["last_import"]) else int(row["last_import"]),
        lang=pick_lang(row["lang"]),
        tickets=int(row["tickets"]),
        locked_at=None if pd.isna(row["locked_at"]) else row["locked_at"].to_pydatetime(),
        units=_units(con, round_id),
    )


def _units(con: Reader, round_id: int) -> pd.DataFrame:
    frame = con.execute(
        queries.ROUND_UNITS,
        [round_id, round_id, round_id],
    ).df()
    return frame.reindex(columns=list(UNIT_COLUMNS))


def tickets_of(con: Reader, *, round_id: int) -> dict[str, list[str]]:
    """Unit → the ticket ids the round handed it, in the workbook's order."""
    rows = con.execute(queries.ROUND_TICKETS, [round_id]).fetchall()
    found: dict[str, list[str]] = {}
    for unit, ticket_id in rows:
        found.setdefault(str(unit), []).append(str(ticket_id))
    return found


def workbooks_of(con: Reader, *, round_id: int) -> dict[str, tuple[str, bytes]]:
    """Unit → (file name, bytes) of the workbooks the round handed out, as handed out."""
    rows = con.execute(queries.ROUND_WORKBOOKS, [round_id]).fetchall()
    return {str(unit): (str(name), bytes(content)) for unit, name, content in rows}


def evidence_file(con: Reader, *, round_id: int, unit: str) -> tuple[str, str, bytes] | None:
    """The latest evidence of `unit` in the round: (a file name to save it as, its type,
    its bytes); None when none has come back. The name is made here, not the sender's."""
    rows = con.execute(queries.ROUND_EVIDENCE_LATEST, [round_id, unit]).fetchall()
    if not rows:
        return None
    media_type, content = str(rows[0][0]), bytes(rows[0][1])
    return f"round{round_id}_evidence{EXTENSIONS.get(media_type, '')}", media_type, content


# --- evidence ------------------------------------------------------------------------------


def media_type(content: bytes) -> str | None:
    """What `content` is by its bytes: a PDF (with its end marker: not cut short), a PNG,
    a JPEG or a WebP image; None for anything else."""
    if content.startswith(b"%PDF-"):
        return "application/pdf" if b"%%EOF" in content[-2048:] else None
    if content.startswith(b"\x89PNG\r\n\x1a\n") and content[12:16] == b"IHDR":
        return "image/png"
    if content.startswith(b"\xff\xd8\xff") and len(content) > 4:
        return "image/jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def read_evidence(path: Path, *, limit: int = EVIDENCE_MAX_BYTES) -> tuple[bytes, str]:
    """The bytes of an evidence file and its type; EvidenceError (one line) for a file that
    is too large, not a regular file, or neither an image nor a PDF by its bytes."""
    try:
        content = files.read_bounded(path, limit=limit)
    except UnreadableFileError as exc:
        if exc.reason == "too_large":
            raise EvidenceError(
                f"{path} is larger than {limit:,} bytes, the most a round keeps: send a smaller "
                "photo or scan; nothing was stored.",
                reason="too_large",
            ) from exc
        raise EvidenceError(f"{exc}; nothing was stored.", reason="unreadable") from exc
    return content, evidence_kind(content, name=str(path), limit=limit)


def evidence_kind(content: bytes, *, name: str, limit: int = EVIDENCE_MAX_BYTES) -> str:
    """The type of evidence `content` (sent as `name`) by its bytes; EvidenceError when it is
    larger than `limit` or neither an image nor a PDF (its name and stated type count for
    nothing)."""
    if len(content) > limit:
        raise EvidenceError(
            f"{text.plain(name)[:NAME_CHARS]} is larger than {limit:,} bytes, the most a round "
            "keeps: send a smaller photo or scan; nothing was stored.",
            reason="too_large",
        )
    kind = media_type(content)
    if kind is None:
        raise EvidenceError(
            f"{text.plain(name)[:NAME_CHARS]} is not a PDF, PNG, JPEG or WebP file by its "
            "content (whatever its name says): nothing was stored.",
            reason="not_evidence",
        )
    return kind


def unit_of(found: Round, *, department: str | None) -> str:
    """The round's unit named `department` (None: the group no department has yet)."""
    wanted = department.strip() if department is not None else ""
    units = [str(u) for u in found.units["unit"]]
    if wanted in units:
        return wanted
    shown = ", ".join(u or "(no department: --unrouted)" for u in units[:12])
    raise RoundError(
        f"round {found.round_id} has no unit {text.plain(wanted)[:60]!r}; its units: {shown}"
    )


def add_evidence(
    con: Reader,
    *,
    round_id: int,
    unit: str,
    name: str,
    content: bytes,
    kind: str,
    at: datetime,
) -> None:
    """Keep a unit's evidence with the round (inside the caller's write); a locked round
    refuses it. `name` (the sender's file name) is kept as plain text, cut short."""
    found = find(con, round_id=round_id)
    if found.locked:
        raise RoundError(f"round {round_id} is locked: it takes no more evidence; nothing stored.")
    unit_of(found, department=unit)
    con.execute(
        "INSERT INTO round_evidence (round_id, unit, returned_at, file_name, media_type, size, "
        "sha256, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            round_id,
            unit,
            at,
            text.plain(name)[:NAME_CHARS],
            kind,
            len(content),
            hashlib.sha256(content).hexdigest(),
            content,
        ],
    )


def lock(con: Reader, *, round_id: int, at: datetime) -> bool:
    """Lock the round (inside the caller's write); False when it already was."""
    found = find(con, round_id=round_id)
    if found.locked:
        return False
    con.execute("UPDATE rounds SET locked_at = ? WHERE round_id = ?", [at, round_id])
    return True


# --- a page's writes, for a signed-in viewer: checked on the server and logged -------------


def return_evidence(
    location: Path | str,
    *,
    viewer: Viewer,
    district: str,
    round_id: int,
    unit: str,
    name: str,
    content: bytes,
    now: datetime,
) -> str:
    """Keep `content` as `unit`'s evidence in round `round_id` of `district`, as `viewer` asks
    from a page; its type by its bytes (EvidenceError), the viewer's right to return evidence
    for the district (WriteRefusedError), and the round being that district's (checked in
    the write itself, WriteRefusedError) come first; nothing is stored or logged when any
    fails. The file's type."""
    kind = evidence_kind(content, name=name)
    detail = f"{unit or '-'}: {text.plain(name)[:NAME_CHARS]} ({kind}, {len(content):,} bytes)"

    def change(con: Reader) -> None:
        _round_of(con, round_id=round_id, district=district)
        add_evidence(con, round_id=round_id, unit=unit, name=name, content=content, kind=kind,
                     at=now)  # fmt: skip

    write = writes.Write(
        action="return_evidence", district=district, target=str(round_id), detail=detail
    )
    writes.checked_write(location, viewer=viewer, write=write, change=change, now=now)
    return kind


def lock_as(
    location: Path | str, *, viewer: Viewer, district: str, round_id: int, now: datetime
) -> None:
    """Lock round `round_id` of `district` as `viewer` asks from a page (checked and logged as
    `return_evidence` is); RoundError, nothing logged, when it already is locked."""

    def change(con: Reader) -> None:
        _round_of(con, round_id=round_id, district=district)
        if not lock(con, round_id=round_id, at=now):
            raise RoundError(f"round {round_id} is already locked: nothing changed.")

    write = writes.Write(action="lock_round", district=district, target=str(round_id))
    writes.checked_write(location, viewer=viewer, write=write, change=change, now=now)


def _round_of(con: Reader, *, round_id: int, district: str) -> Round:
    """The round, refused (WriteRefusedError) unless it is one of `district`'s: the role was
    checked for `district`, so a round id of another district must not slip through it."""
    found = find(con, round_id=round_id)
    if found.district_code != district:
        LOG.warning("refused: round %s is of district %s, not %s", round_id,
                    found.district_code, district[:12])  # fmt: skip
        raise WriteRefusedError(
            f"round {round_id} is not a round of district {district!r:.12}: nothing was stored"
        )
    return found


def owner_write(location: Path | str, change: Callable[[Reader], T]) -> T:
    """Run a round's write for the store's owner (the command line) in one transaction.

    This is where a write's permission check goes: the command line runs as whoever may
    write the store (its file, or the database role that owns it), so nothing more is
    asked here; a page's write goes through the access layer's checked, logged write."""
    with store.at(location).writing() as con:
        return change(con)
