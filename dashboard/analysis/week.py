"""The week table: the district's week (`director.Week`) as rows a reader sees, built once
here; the district page, the action sheet's workbook and its printable sheet only render
it. Each row names its label's key and carries its figures and the texts of its change
and of whether that change is beyond noise. The week per department
(`departments.department_week`) takes its columns and their labels from here too. Pure: no
streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboard import i18n
from dashboard.analysis.change import Change
from dashboard.analysis.director import Week
from dashboard.i18n import Lang

WEEK_HEADERS = ("col_figure", "xl_this_week", "xl_last_week", "col_change", "col_noise")
"""The table's column label keys, in order (the sheets add each week's dates to the second
and third)."""
UNIT_HEADERS = {
    "open": "open",
    "overdue": "col_overdue",
    "new_this": "xl_new_this",
    "new_last": "xl_new_last",
    "finished_this": "xl_finished_this",
    "finished_last": "xl_finished_last",
}
"""The week per department's figure columns → their label keys."""


@dataclass(frozen=True)
class WeekRow:
    """One figure of the week: this week against last, or a count now."""

    key: str
    """the figure's label key"""
    now: float | None
    """None: the data cannot support the figure (finished, without finish times)"""
    before: float | None = None
    """None: a count now, with nothing to compare it with"""
    change: str = ""
    """'+12% (−18% … +55%)', or 'cannot compare' (`change_text`); '' for a count now"""
    noise: str = ""
    """whether the change is beyond noise (`noise_text`); '' for a count now"""
    on_sheet: bool = True
    """the action sheet shows it too (the page alone says how many new ones are still open)"""

    @property
    def missing(self) -> bool:
        return self.now is None

    @property
    def compared(self) -> bool:
        return self.before is not None


def week_rows(week: Week, lang: Lang) -> tuple[WeekRow, ...]:
    """The week table: new, finished, newly overdue (each against last week), still open
    of this week's new ones, open now."""

    def compared(key: str, change: Change | None) -> WeekRow:
        if change is None:
            return WeekRow(key, None)
        texts = change_text(change, lang), noise_text(change, lang)
        return WeekRow(key, change.now, change.before, *texts)

    return (
        compared("week_new", week.new),
        compared("week_finished", week.finished),
        compared("week_newly_overdue", week.newly_overdue),
        WeekRow("week_still_open", week.still_open, on_sheet=False),
        WeekRow("week_open_now", week.open_now),
    )


def unit_figures(week: Week) -> tuple[str, ...]:
    """The week per department's figure columns the data supports (no finished counts
    without finish times)."""
    if week.finished is None:
        return tuple(k for k in UNIT_HEADERS if not k.startswith("finished_"))
    return tuple(UNIT_HEADERS)


def change_text(change: Change, lang: Lang) -> str:
    """'+12% (−18% to +55%)' for a count, '+5.0 pts (…)' for a share; or 'cannot compare'."""
    if change.kind == "count" and change.before == 0 and change.now:
        return i18n.t("change_from_zero", lang)
    if change.change is None or change.low is None or change.high is None:
        return i18n.t("noise_na", lang)
    if change.kind == "count":

        def pct(value: float) -> str:
            return "∞" if math.isinf(value) else f"{value:+.0%}"

        return f"{pct(change.change)} ({pct(change.low)} … {pct(change.high)})"

    def pts(value: float) -> str:
        return f"{value * 100:+.1f}"

    unit = " จุด" if lang == "th" else " pts"
    return f"{pts(change.change or 0.0)}{unit} ({pts(change.low)} … {pts(change.high)})"


def noise_text(change: Change, lang: Lang) -> str:
    """'beyond noise', 'within noise' or 'cannot compare'."""
    beyond = change.beyond_noise
    if beyond is None:
        return i18n.t("noise_na", lang)
    return i18n.t("noise_yes" if beyond else "noise_no", lang)
