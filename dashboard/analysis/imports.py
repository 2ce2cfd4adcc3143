"""What each import changed: per ticket, as the ingest recorded it, and as figures ("since the
last import: 30 new, 12 finished, 5 passed to ฝ่ายโยธา"). Pure: no streamlit.

Every ingest and sync records, per ticket it writes, what changed against the stored copy
(`ingest.CHANGES_SQL`, table `ticket_changes`): `new` (its state after); `state`
(canonical states before and after); `organisations` (the comma-separated list, before and
after: a department newly named is the ticket passed to it); `last_activity` (the time of
the ticket's last change); `star`. Each row carries the import's id (`ingests.ingest_id`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from dashboard import i18n
from dashboard.analysis.director import organisations
from dashboard.analysis.routing import named_departments
from dashboard.i18n import Lang
from dashboard.store import Reader, has_table, queries
from dashboard.vocab import FINISHED, OPEN_STATES

CHANGE_COLUMNS = (
    "ingest_id", "ticket_id", "district_code", "change", "value_before", "value_after",
)  # fmt: skip


@dataclass(frozen=True)
class Changes:
    """The changes recorded by the imports after `since_import` (in one district, or all)."""

    rows: pd.DataFrame
    """one row per ticket and kind of change (`CHANGE_COLUMNS`), import by import"""
    since_import: int
    last_import: int
    """the newest import that recorded changes (0: none yet)"""

    @property
    def imports(self) -> tuple[int, ...]:
        return tuple(range(self.since_import + 1, self.last_import + 1))

    @property
    def comparable(self) -> bool:
        """Whether an import before these holds the tickets they are compared with: the
        store's first import finds every ticket new and none finished, which says nothing."""
        return self.since_import > 0


@dataclass(frozen=True)
class ChangeFigures:
    """What the imports changed, counted per ticket."""

    tickets: int
    """tickets with any change"""
    new: int
    new_open: int
    """new tickets that arrived open"""
    finished: int
    """known tickets that became finished"""
    reopened: int
    """tickets that were finished and are open again"""
    state_changes: int
    passed_to: dict[str, int] = field(default_factory=dict)
    """per department (ฝ่าย…), tickets that newly name it (new tickets naming it included)"""
    rated: int = 0
    """tickets whose star was given or changed"""
    last_activity: int = 0
    """tickets whose last change time moved"""


def changes(
    con: Reader, *, district: str | None, since_import: int | None = None
) -> Changes | None:
    """The changes of the imports after `since_import` (None: the last import's only), in
    `district` (None: all). None when the store keeps no change log (written before it
    existed: it starts with the next import)."""
    if not has_table(con, "ticket_changes"):
        return None
    newest = con.execute(queries.LAST_INGEST_WITH_CHANGES).fetchall()[0][0]
    last = int(newest or 0)
    since = max(last - 1, 0) if since_import is None else int(since_import)
    frame = con.execute(queries.TICKET_CHANGES, [since, district, district]).df()
    frame = frame.reindex(columns=list(CHANGE_COLUMNS))
    return Changes(rows=frame, since_import=since, last_import=last)


def figures(found: Changes) -> ChangeFigures:
    """Count the changes per ticket: a ticket changed twice over several imports counts once
    per figure."""
    rows = found.rows
    kind = rows["change"]
    states = rows[kind.eq("state")]
    new = rows[kind.eq("new")]
    became_finished = states["value_after"].eq(FINISHED)
    reopened = states["value_before"].eq(FINISHED) & states["value_after"].isin(OPEN_STATES)
    return ChangeFigures(
        tickets=rows["ticket_id"].nunique(),
        new=new["ticket_id"].nunique(),
        new_open=new.loc[new["value_after"].isin(OPEN_STATES), "ticket_id"].nunique(),
        finished=states.loc[became_finished, "ticket_id"].nunique(),
        reopened=states.loc[reopened, "ticket_id"].nunique(),
        state_changes=states["ticket_id"].nunique(),
        passed_to=passed_to(rows[kind.eq("organisations")]),
        rated=rows.loc[kind.eq("star") & rows["value_after"].notna(), "ticket_id"].nunique(),
        last_activity=rows.loc[kind.eq("last_activity"), "ticket_id"].nunique(),
    )


def passed_to(organisation_changes: pd.DataFrame) -> dict[str, int]:
    """Per department, the tickets whose list of organisations newly names it; most first."""
    seen: dict[str, set[str]] = {}
    for ticket_id, before, after in zip(
        organisation_changes["ticket_id"],
        organisation_changes["value_before"],
        organisation_changes["value_after"],
        strict=True,
    ):
        earlier = set(named_departments(organisations(before)))
        for department in named_departments(organisations(after)):
            if department not in earlier:
                seen.setdefault(department, set()).add(str(ticket_id))
    counts = Counter({department: len(ids) for department, ids in seen.items()})
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


PASSED_SHOWN = 3
"""The departments a since-the-last-import line names (most tickets passed first)."""


def since_import_text(counted: ChangeFigures, lang: Lang) -> str:
    """'Since the last import: 30 new, 12 finished, 5 passed to ฝ่ายโยธา' (the page's panel
    and the weekly sheet's summary say the same). Department names come from the data:
    the caller shows the line as inert text."""
    parts = [i18n.t("since_import_new", lang, n=counted.new)]
    parts.append(i18n.t("since_import_finished", lang, n=counted.finished))
    if counted.reopened:
        parts.append(i18n.t("since_import_reopened", lang, n=counted.reopened))
    for department, n in list(counted.passed_to.items())[:PASSED_SHOWN]:
        parts.append(i18n.t("since_import_passed", lang, n=n, unit=department))
    return i18n.t("since_import", lang, parts=", ".join(parts))
