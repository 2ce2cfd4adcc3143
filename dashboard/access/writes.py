"""Writes a signed-in user asks for from a page, checked on the server and logged.

Every such write goes through `checked_write`: the server asks `access.may` first (a button
a page hides is not the check), refuses with `WriteRefusedError` (and a line in the server's log,
nothing written), else runs the write and adds a row to the store's `write_log` (who,
their role, when, what, for which district and on what) in the same transaction, so a
write is never without its row. Both backends (`Store.writing`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pandas as pd

from dashboard import access, store
from dashboard.access import Action, Viewer
from dashboard.errors import WriteRefusedError
from dashboard.store import Reader, has_table, queries

LOG = logging.getLogger(__name__)
T = TypeVar("T")
DETAIL_CHARS = 500


@dataclass(frozen=True)
class Write:
    """What a user asks to change: an action for a district, on a target (a round's id)."""

    action: Action
    district: str
    target: str
    detail: str = ""


def checked_write(
    location: Path | str,
    *,
    viewer: Viewer,
    write: Write,
    change: Callable[[Reader], T],
    now: datetime,
) -> T:
    """Run `change` in one write transaction on the store at `location` if `viewer` may do
    `write`, logging it in `write_log`; else raise WriteRefusedError (nothing is written)."""
    if not access.may(viewer, action=write.action, district=write.district):
        LOG.warning(
            "refused: %s (role %s) may not %s for district %s (%s)",
            viewer.who,
            viewer.role.name if viewer.role else "none",
            write.action,
            write.district,
            write.target[:80],
        )
        raise WriteRefusedError(
            f"{viewer.who} may not {write.action.replace('_', ' ')} for district "
            f"{write.district!r:.12}: their role does not cover it"
        )
    with store.at(location).writing() as con:
        result = change(con)
        record(con, viewer=viewer, write=write, at=now)
    return result


def record(con: Reader, *, viewer: Viewer, write: Write, at: datetime) -> None:
    """Add the log row of an allowed write (inside the caller's write transaction)."""
    con.execute(
        "INSERT INTO write_log (written_at, who, role, action, district_code, target, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            at,
            viewer.who,
            viewer.role.name if viewer.role else "",
            write.action,
            write.district,
            write.target[:200],
            write.detail[:DETAIL_CHARS],
        ],
    )


def log_entries(con: Reader, *, limit: int = 1000) -> pd.DataFrame:
    """The newest logged writes first (empty for a store written before the log existed)."""
    if not has_table(con, "write_log"):
        return pd.DataFrame(
            columns=["written_at", "who", "role", "action", "district_code", "target", "detail"]
        )
    return con.execute(queries.WRITE_LOG_ENTRIES, [limit]).df()
