"""The closure audit's flags, one entry each: a warning sign that a finished ticket may not
be fixed. Each names the audit's columns (its count under its name, its share under
`<name>_share`), the column its share is of, and its two labels in i18n; the optional field
it rests on is `coverage.RESTS_ON`'s, and its condition on a finished ticket is SQL in
`queries.audit_flags` under the same name (the store owns its SQL). The review (audit table,
flagged tickets, notes), the brief and the review page read this one list, in its order.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.analysis.coverage import RESTS_ON, Field


@dataclass(frozen=True)
class AuditFlag:
    name: str
    label: str
    """i18n key of its name where it heads a column, lists a ticket's flags or opens a note"""
    check: str
    """i18n key of the check as the audit's caption says it (may hold `{hours}`)"""
    denominator: str = "finished"
    """the audit column its share is of: every finished ticket, or those carrying its field"""

    @property
    def field(self) -> Field:
        """the optional field the flag rests on (it cannot be judged without it)"""
        return RESTS_ON[self.name]


AUDIT_FLAGS = (
    AuditFlag("no_after_photo", "flag_no_after_photo", "audit_check_no_after_photo"),
    AuditFlag("fast_close", "flag_fast_close", "audit_check_fast_close"),
    AuditFlag("reopened", "flag_reopened", "audit_check_reopened", "with_reopen_count"),
    AuditFlag("low_star", "flag_low_star", "audit_check_low_star", "rated"),
)
