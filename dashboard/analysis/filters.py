"""Which tickets a figure counts: the `Filters` every page, document and command passes
down, and the state groups the state filter offers. Dates are Bangkok days
(`vocab.local_midnight`). Pure: the condition is SQL text and its parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal, get_args

from dashboard.store import queries
from dashboard.vocab import UNSPECIFIED, local_midnight

StateGroup = Literal["all", "open", "finished"]
STATE_GROUPS: tuple[StateGroup, ...] = get_args(StateGroup)
"""What the state filter offers, in its order."""


@dataclass(frozen=True)
class Filters:
    """Which tickets to count. Empty fields mean no restriction."""

    since: date | None = None
    until: date | None = None
    categories: tuple[str, ...] = ()
    state_group: StateGroup = "all"
    district: str | None = None
    subdistrict: str | None = None
    include_predicted: bool = False
    """count untyped tickets in the categories the classifier predicted for them"""
    ticket_ids: tuple[str, ...] | None = None
    """only these tickets (a department's on the district map: `departments.routed`)"""

    def where(self) -> tuple[str, list[Any]]:
        """Return a SQL condition on `tickets` and its parameters."""
        clauses: list[str] = ["TRUE"]
        params: list[Any] = []
        if self.since:
            clauses.append("reported_at >= ?")
            params.append(local_midnight(self.since))
        if self.until:
            clauses.append("reported_at < ?")
            params.append(local_midnight(self.until + timedelta(days=1)))
        if self.categories:
            named = [c for c in self.categories if c != UNSPECIFIED]
            parts = [queries.any_category(len(named))] if named else []
            params += named
            if named and self.include_predicted:
                parts.append(queries.PREDICTED_ANY_CATEGORY)
                params.append(named)
            if UNSPECIFIED in self.categories:
                unplaced = f" AND {queries.NOT_PREDICTED}" if self.include_predicted else ""
                parts.append(f"({queries.NO_CATEGORY}{unplaced})")
            clauses.append("(" + " OR ".join(parts) + ")")
        if self.state_group == "open":
            clauses.append(queries.OPEN)
        elif self.state_group == "finished":
            clauses.append("state = 'finished'")
        if self.district:
            clauses.append("district_code = ?")
            params.append(self.district)
        if self.subdistrict:
            clauses.append("subdistrict_code = ?")
            params.append(self.subdistrict)
        if self.ticket_ids is not None:
            clauses.append(queries.AMONG_TICKETS)
            params.append(list(self.ticket_ids))
        return " AND ".join(clauses), params


def replace_filters(filters: Filters, **changes: Any) -> Filters:
    """Return a copy of `filters` with some fields changed."""
    return replace(filters, **changes)
