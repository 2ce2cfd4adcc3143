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
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from dashboard import i18n
from dashboard.analysis import metrics
from dashboard.analysis.change import Period
from dashboard.analysis.director import Week, open_due, organisations
from dashboard.analysis.filters import Filters
from dashboard.analysis.routing import HOWS, Routing, named_departments, route
from dashboard.analysis.week import UNIT_HEADERS
from dashboard.i18n import Lang
from dashboard.store import Reader, queries
from dashboard.vocab import FINISHED

UNROUTED = ""
"""The group of open tickets no department or agency has yet."""
WEEK_COLUMNS = ("unit", "routed", *UNIT_HEADERS)
"""The week per department's columns: the unit, how it was routed, the figures."""


def unit_label(unit: str, lang: Lang) -> str:
    """A unit's name, or "not yet routed" for the group no one has yet."""
    return unit or i18n.t("unit_unrouted", lang)


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


def predicted_categories(con: Reader, *, judged: pd.DataFrame) -> dict[str, list[str]]:
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


# --- per department: the CLI's summary and the district page's backlog ------------------


Basis = Literal["named", "routed"]
SUMMARY_COLUMNS = ("department", "total", "open", "in_several", "basis")
IN_EACH_NOTE = (
    "a ticket that names two or more departments counts in each of them "
    "(in_several: tickets of that department also counted in another)"
)


@dataclass(frozen=True)
class DepartmentSummary:
    """Each department's tickets and open tickets, and one row (department None) for the
    tickets that name no department."""

    rows: pd.DataFrame
    """`SUMMARY_COLUMNS`, the no-department row first, then most open first"""
    basis: Basis
    """'named': the data names departments (a CityData export's org_response); 'routed':
    it names none (the public dump), so each ticket has the department its category
    belongs to (`routing`), and a ticket with an outside agency or no routed category none"""
    tickets: int
    open: int
    in_several: int
    """tickets counted in two or more departments"""


def department_summary(
    con: Reader,
    *,
    filters: Filters,
    district_names_th: Mapping[str, str],
    routing: Routing,
) -> DepartmentSummary:
    """Count the filtered tickets per department (see `DepartmentSummary`)."""
    where, params = filters.where()
    counted = con.execute(queries.organisations_counted(where), params).df()
    listed = [organisations(value) for value in counted["organization"]]
    named = [named_departments(units) for units in listed]
    basis: Basis = "named" if any(named) else "routed"
    if basis == "routed":
        named = [
            _routed_departments(units, categories, district_names_th.get(str(code), ""), routing)
            for units, categories, code in zip(
                listed, counted["categories"], counted["district_code"], strict=True
            )
        ]
    totals: dict[str | None, list[int]] = {}
    several = 0
    for departments, total, open_ in zip(named, counted["total"], counted["open"], strict=True):
        for department in departments or (None,):
            entry = totals.setdefault(department, [0, 0, 0])
            entry[0] += int(total)
            entry[1] += int(open_)
            entry[2] += int(total) if len(departments) > 1 else 0
        several += int(total) if len(departments) > 1 else 0
    rows = pd.DataFrame(
        [(name, *values, basis) for name, values in totals.items()], columns=list(SUMMARY_COLUMNS)
    )
    rows = rows.assign(_later=rows["department"].notna()).sort_values(
        ["_later", "open", "total", "department"], ascending=[True, False, False, True]
    )
    rows = rows[list(SUMMARY_COLUMNS)].reset_index(drop=True)
    rows["department"] = rows["department"].astype(object).where(rows["department"].notna(), None)
    return DepartmentSummary(
        rows=rows,
        basis=basis,
        tickets=int(counted["total"].sum()),
        open=int(counted["open"].sum()),
        in_several=several,
    )


def _routed_departments(
    units: Sequence[str], categories: Any, district_name_th: str, routing: Routing
) -> tuple[str, ...]:
    """The department routing gives a ticket by its category; none when it is with an
    outside agency or its category has no department."""
    found = route(
        organisations=units,
        categories=_categories(categories),
        district_name_th=district_name_th,
        routing=routing,
    )
    return found.units if found.how == "category" else ()


BACKLOG_COLUMNS = ("unit", "routed", "open", "overdue", "oldest_ticket", "oldest_days")


def department_backlog(routed_tickets: pd.DataFrame) -> pd.DataFrame:
    """Per unit (`routed`), in `department_rows`' order (the not-yet-routed group first):
    its open tickets, those past their target, its oldest open ticket and that ticket's age
    in days, and how most of its tickets were routed. A ticket with two departments counts
    in each."""
    rows = []
    for unit, group in department_rows(routed_tickets).items():
        oldest = group.sort_values(["age_days", "ticket_id"], ascending=[False, True]).iloc[0]
        rows.append(
            (
                unit,
                _most_common(group["routed"]),
                len(group),
                int(group["overdue"].astype(bool).sum()),
                str(oldest["ticket_id"]),
                int(oldest["age_days"]),
            )
        )
    return pd.DataFrame(rows, columns=list(BACKLOG_COLUMNS))
