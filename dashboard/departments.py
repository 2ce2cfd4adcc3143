"""The week per department: who has each ticket (`routing`), each department's open tickets
most urgent first, and the week table (this week against last, per department). Built once
here; the workbook, the printable sheet and the district page render it. Pure: no streamlit.

Terms:
- A ticket's **units** are the departments the data names, else the outside agency it
  names, else the department its category belongs to (`routing.route`); none: not yet
  routed (the group `UNROUTED`). A ticket with two departments counts in each.
- **Urgency** is how far past its target an open ticket is, relative to the target:
  days overdue ÷ target days (2.0: overdue by twice its target). It ranks a 3-day flooding
  ticket 6 days overdue (2.0) above a 30-day canal ticket 20 days overdue (0.67), where
  raw age would not. Below 0: not yet due.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from dashboard import metrics
from dashboard.change import Period
from dashboard.director import Week, open_due, organisations
from dashboard.routing import HOWS, Routing, route
from dashboard.store import Reader
from dashboard.vocab import FINISHED

UNROUTED = ""
"""The group of open tickets no department or agency has yet."""
WEEK_COLUMNS = (
    "unit", "routed", "open", "overdue", "new_this", "new_last", "finished_this",
    "finished_last",
)  # fmt: skip


def routed(
    judged: pd.DataFrame,
    *,
    district_name_th: str,
    routing: Routing,
    predicted: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """`judged` (from `director.week_tickets`) with each ticket's `units` (a tuple) and how it
    was routed (`routed`: named, agency, category, predicted, unrouted). `predicted`: the
    classifier's categories of untyped tickets, by ticket id."""
    guesses = predicted or {}
    routes = [
        route(
            organisations=organisations(organisation),
            categories=_categories(categories),
            predicted=guesses.get(str(ticket_id), ()),
            district_name_th=district_name_th,
            routing=routing,
        )
        for ticket_id, organisation, categories in zip(
            judged["ticket_id"], judged["organization"], judged["categories"], strict=True
        )
    ]
    out = judged.copy()
    out["units"] = pd.Series([r.units for r in routes], index=judged.index, dtype=object)
    out["routed"] = [r.how for r in routes]
    return out


def predicted_categories(con: Reader, judged: pd.DataFrame) -> dict[str, list[str]]:
    """The classifier's categories of the open untyped tickets in `judged`, by ticket id
    (empty when no classifier has run)."""
    if not metrics.prediction_count(con):
        return {}
    untyped = judged["is_open"].astype(bool) & judged["categories"].map(
        lambda c: not _categories(c)
    )
    ids = [str(i) for i in judged.loc[untyped, "ticket_id"]]
    found = metrics.predictions_for(con, ticket_ids=ids)
    return {ticket_id: [name for name, _ in pairs] for ticket_id, pairs in found.items()}


def _categories(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [str(c) for c in value]


def _by_unit(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per ticket and unit (a ticket with two departments is in both)."""
    units = frame["units"].map(lambda units: list(units) or [UNROUTED])
    return frame.assign(unit=units).explode("unit", ignore_index=True)


def department_rows(routed_tickets: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per unit, its open tickets most urgent first (then oldest): the not-yet-routed group
    first, then the units with the most open tickets."""
    due = open_due(routed_tickets)
    due["urgency"] = due["days_overdue"] / due["target_days"]
    per_unit = _by_unit(due)
    groups: dict[str, pd.DataFrame] = {}
    for unit, group in per_unit.groupby("unit", sort=False):
        groups[str(unit)] = group.sort_values(
            ["urgency", "reported_at", "ticket_id"],
            ascending=[False, True, True],
            ignore_index=True,
        )
    return dict(sorted(groups.items(), key=lambda item: _order(item[0], len(item[1]))))


def _order(unit: str, size: int) -> tuple[int, int, str]:
    return (0 if unit == UNROUTED else 1, -size, unit)


def department_week(routed_tickets: pd.DataFrame, *, week: Week) -> pd.DataFrame:
    """The week table: per unit, open and overdue now, reported this week and last, finished
    this week and last (NA without finish times), and how most of its tickets were routed.
    Rows in the order of `department_rows`; units with nothing open this week still listed
    when they had reports or closures in either week."""
    per_unit = _by_unit(routed_tickets)
    reported = per_unit["reported_day"]
    done = per_unit["finished_day"].where(per_unit["state"].eq(FINISHED))
    flags = pd.DataFrame(
        {
            "unit": per_unit["unit"],
            "open": per_unit["is_open"].astype(bool),
            "overdue": per_unit["overdue"].astype(bool),
            "new_this": _within(reported, week.this),
            "new_last": _within(reported, week.last),
            "finished_this": _within(done, week.this),
            "finished_last": _within(done, week.last),
        }
    )
    table = flags.groupby("unit", sort=False).sum().astype("int64")
    table = table[table.sum(axis=1) > 0]
    if week.finished is None:  # no finish times: a zero would be a false figure
        table[["finished_this", "finished_last"]] = pd.NA
    how = per_unit.groupby("unit", sort=False)["routed"].agg(_most_common)
    table.insert(0, "routed", how.reindex(table.index))
    table = table.reset_index()
    table = table.assign(_later=table["unit"].ne(UNROUTED)).sort_values(
        ["_later", "open", "unit"], ascending=[True, False, True]
    )
    return table[list(WEEK_COLUMNS)].reset_index(drop=True)


def _within(days: pd.Series, period: Period) -> pd.Series:
    return days.map(lambda d: d is not None and not pd.isna(d) and period.contains(d)).astype(bool)


def _most_common(values: pd.Series) -> str:
    counts = values.value_counts()
    top = counts[counts == counts.max()].index
    return str(min(top, key=HOWS.index))
