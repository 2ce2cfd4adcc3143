"""What of citizens' own text a viewer may see whole, and the one way to show it.

A citizen's comment and address (and what is quoted from them) reach a viewer only through
`citizen_text` (one text) or `protect_tickets` (a frame of tickets): whole where the viewer's
`Disclosure` covers the ticket's district, else with personal data replaced by a marker
(`redact.redact`). Both run on the server, before anything is sent or written.

A `Disclosure` is what a role may see (its districts, or every one), never a person: it is
safe as part of a cache key shared by every session.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.access.redact import redact
from dashboard.i18n import Lang

CITIZEN_COLUMNS = ("comment", "address")
"""The columns of a ticket written by the citizen who reported it."""


@dataclass(frozen=True)
class Disclosure:
    """Whose text is shown whole: every district's, or only these districts' (none: the
    public view)."""

    everywhere: bool = False
    districts: frozenset[str] = frozenset()

    def whole(self, district: object) -> bool:
        """True when a ticket of `district` (a code, or missing) is shown whole."""
        if self.everywhere:
            return True
        return isinstance(district, str) and district in self.districts

    @property
    def public(self) -> bool:
        return not self.everywhere and not self.districts


PUBLIC = Disclosure()
"""The public view: everyone's text redacted."""
EVERYTHING = Disclosure(everywhere=True)
"""Every text whole (the governor's office, an admin, or redaction switched off)."""


def citizen_text(value: object, *, lang: Lang, whole: bool) -> str:
    """A citizen's text as a viewer may see it: `value` itself when `whole`, else with personal
    data replaced by markers ("[เบอร์โทร]"). Anything that is not a string gives ""."""
    if not isinstance(value, str):
        return ""
    return value if whole else redact(value, lang=lang)


def protect_tickets(
    frame: pd.DataFrame,
    *,
    disclosure: Disclosure,
    lang: Lang,
    columns: Sequence[str] = CITIZEN_COLUMNS,
    district_column: str = "district_code",
) -> pd.DataFrame:
    """A copy of `frame` whose citizen columns are redacted in every row `disclosure` does not
    cover (by the row's `district_column`); missing values stay missing. A frame without a
    district column is redacted whole unless the disclosure covers every district."""
    present = [column for column in columns if column in frame.columns]
    if disclosure.everywhere or not present or frame.empty:
        return frame
    out = frame.copy()
    if district_column in out.columns:
        hidden = ~out[district_column].map(disclosure.whole).astype(bool)
    else:
        hidden = pd.Series(True, index=out.index)
    if not hidden.any():
        return out
    for column in present:
        values = out[column].astype(object)
        values.loc[hidden] = values.loc[hidden].map(lambda v: _redacted(v, lang))
        out[column] = values
    return out


def still_found(
    shown: pd.DataFrame,
    found: pd.DataFrame,
    *,
    q: str,
    scope: str,
    disclosure: Disclosure,
    district_column: str = "district_code",
) -> pd.Series:
    """Which rows of a search's answer `found` (as `shown` after `protect_tickets`) still match
    `q` in what the viewer sees: a redacted row that matched only inside the redacted data is
    not kept, so a search cannot tell a stranger whose phone number is in which complaint.
    The match is the store's (`metrics.tickets_page`): case-insensitive, in the comment, or
    in comment, address and ticket number (scope 'all')."""
    keep = pd.Series(True, index=shown.index)
    if not q or disclosure.everywhere or shown.empty:
        return keep
    needle = q.lower()
    columns = ["comment"] if scope == "comment" else ["comment", "address", "ticket_id"]
    matches = pd.Series(False, index=shown.index)
    for column in columns:
        if column in shown.columns:
            text = shown[column].map(lambda v: v.lower() if isinstance(v, str) else "")
            matches |= text.map(lambda v: needle in v)
    whole = found[district_column].map(disclosure.whole).astype(bool)
    return whole | matches


def _redacted(value: object, lang: Lang) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return value
    return redact(value if isinstance(value, str) else str(value), lang=lang)
