"""What the data can support: the share of tickets that carry each optional field.

Every figure that rests on an optional field asks `Coverage` before it is drawn. With no
ticket carrying the field, the figure says "not available in this data" and why (never a
zero, a blank or a dash); with some, it says on what share of tickets it rests. Pure: the
counts come from `metrics.data_coverage` (a sum over `metrics.tally`), the messages from i18n.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dashboard import i18n
from dashboard.i18n import Lang

Field = Literal["finish_time", "star", "after_photo", "reopen_count", "location", "category"]
FIELDS: tuple[Field, ...] = (
    "finish_time",
    "star",
    "after_photo",
    "reopen_count",
    "location",
    "category",
)

RESTS_ON: dict[str, Field] = {
    "median_days_to_finish": "finish_time",
    "on_time_share": "finish_time",
    "fast_close": "finish_time",
    "no_after_photo": "after_photo",
    "reopened": "reopen_count",
    "mean_star": "star",
    "low_star": "star",
}
"""Every figure that rests on an optional field, by its name (a summary column, a map metric
or a closure-audit flag): without the field it says 'not available', with part of it on
what share it rests. The summary's notes follow this order."""


def rests_on(figure: str) -> Field | None:
    """The optional field `figure` rests on (None: it rests on none)."""
    return RESTS_ON.get(figure)


@dataclass(frozen=True)
class Coverage:
    """How many tickets (of `tickets`) carry each optional field.

    `finish_time` and `after_photo` count finished tickets (of `finished`): only a finished
    ticket can have a finish time or an after-photo.
    """

    tickets: int
    finished: int
    finish_time: int
    star: int
    after_photo: int
    reopen_count: int
    location: int
    category: int

    def count(self, field: Field) -> int:
        value: int = getattr(self, field)
        return value

    def base(self, field: Field) -> int:
        """The tickets a field could be on: finished ones for finish time and after-photo."""
        return self.finished if field in ("finish_time", "after_photo") else self.tickets

    def share(self, field: Field) -> float | None:
        base = self.base(field)
        return self.count(field) / base if base else None

    def supports(self, field: Field) -> bool:
        """True when at least one ticket carries the field."""
        return self.count(field) > 0

    def complete(self, field: Field) -> bool:
        return self.count(field) == self.base(field)

    def unavailable(self, field: Field, lang: Lang) -> str:
        """'Not available in this data: why', in `lang`."""
        return i18n.t("not_available", lang, why=i18n.t(f"why_missing_{field}", lang))

    def why_none(self, field: Field, lang: Lang) -> str:
        """Why a figure resting on `field` has no value anywhere in a table: the data lacks
        the field (`unavailable`'s reason), or none of the table's rows carries it."""
        if self.supports(field):
            return i18n.t("why_no_value", lang)
        return i18n.t(f"why_missing_{field}", lang)

    def rests_on(self, field: Field, lang: Lang) -> str:
        """'Based on n of N tickets (x%) that have the field', or '' when all have it."""
        if self.complete(field) or not self.supports(field):
            return ""
        return i18n.t(
            f"rests_on_{field}",
            lang,
            n=self.count(field),
            total=self.base(field),
            share=self.share(field) or 0.0,
        )

    def note(self, field: Field, lang: Lang) -> str:
        """The one line a figure shows under it: not available, partial, or nothing."""
        return self.rests_on(field, lang) if self.supports(field) else self.unavailable(field, lang)
