"""What a subscription is told: the digest of a period and the alerts of its rules.

Pure: the figures come from the director's week (`director.since_last_week`, the same
counts the district page shows, with `change`'s noise intervals), the recurrence register
(`director.recurrences`) and the emerging hot spots (`emerging.analyse`); this module only
cuts them to a subscription's area and period and writes them as a message document
(`MessageDoc`, the JSON a webhook receives). Every ticket is judged once per run for the
whole city (`Context`); each area's figures are computed once and shared by all the
subscriptions of that area, language and period.

- **digest**: open now; new, finished and newly overdue tickets in the period, each against
  the period before with its 95% interval; the oldest open tickets; the top categories.
  A figure the data cannot give (finish times) is listed in `not_in_data`, never a zero.
- **spike**: reports in the period beyond noise above the area's own baseline (the
  `BASELINE_DAYS` before the period, per day).
- **hotspot**: an H3 cell inside the area became a new, consecutive or intensifying hot
  spot of reports (`emerging.WORSENING`), once per cell.
- **recurrence**: a place of the recurrence register was reported again in the period.
- **overdue**: an open ticket passed `overdue_times` × its target, once per ticket.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, TypedDict

import h3
import numpy as np
import pandas as pd
import shapely

from dashboard.access.redact import redact
from dashboard.analysis import director, emerging, hotspots, metrics
from dashboard.analysis.change import Change, Period, count_change
from dashboard.analysis.filters import Filters
from dashboard.analysis.targets import Targets
from dashboard.boundaries import AreaLayer
from dashboard.i18n import Lang
from dashboard.notify.subscriptions import Area, Rule, Subscription
from dashboard.render import urlstate
from dashboard.store import Reader
from dashboard.text import plain
from dashboard.vocab import BANGKOK_TZ, UNSPECIFIED, local_midnight

SCHEMA = "khetmap.alert/1"
BASELINE_DAYS = 28
OLDEST_SHOWN = 5
TOP_CATEGORIES = 3
EVENTS_SHOWN = 30
"""events listed in one alert message (the rest are counted)"""
TEXT_CHARS = 200
HOTSPOT_RESOLUTION = 8
HOTSPOT_WEEKS = 12


class ChangeDoc(TypedDict):
    now: float | None
    before: float | None
    change: float | None
    low: float | None
    high: float | None
    beyond_noise: bool | None


class TicketDoc(TypedDict):
    id: str
    category: str
    reported: str
    days_open: int
    target_days: int
    address: str
    comment: str
    link: str | None


class CategoryDoc(TypedDict):
    category: str
    change: ChangeDoc


class DigestDoc(TypedDict):
    every: str
    since: str
    until: str
    earlier_since: str
    earlier_until: str
    open_now: int
    new: ChangeDoc
    finished: ChangeDoc | None
    newly_overdue: ChangeDoc
    overdue_unknown: int
    oldest: list[TicketDoc]
    top_categories: list[CategoryDoc]
    not_in_data: list[str]


class EventDoc(TypedDict, total=False):
    rule: str
    key: str
    since: str
    until: str
    reports: int
    baseline_reports: int
    baseline_days: int
    change: ChangeDoc
    cell: str
    pattern: str
    category: str
    address: str
    last_report: str
    times: float
    ticket: TicketDoc
    link: str | None


class AreaDoc(TypedDict):
    key: str
    name: str


class MessageDoc(TypedDict):
    schema: str
    subscription: str
    message: str
    kind: Literal["digest", "alerts"]
    lang: Lang
    area: AreaDoc
    as_of: str
    link: str | None
    digest: DigestDoc | None
    events: list[EventDoc]
    more_events: int


@dataclass
class Context:
    """What every subscription of a run reads: the city's judged tickets, once."""

    now: datetime
    as_of: datetime
    judged: pd.DataFrame
    districts: AreaLayer
    public_url: str | None
    con: Reader
    """open while the run plans (the hotspot rule asks the store)"""
    first_day: date | None = None
    _hot: pd.DataFrame | None = None
    _cells: dict[int, np.ndarray] = field(default_factory=dict)
    _memo: dict[tuple[object, ...], object] = field(default_factory=dict)


def context(
    con: Reader,
    *,
    now: datetime,
    districts: AreaLayer,
    targets: Targets,
    public_url: str | None,
) -> Context | None:
    """Judge every ticket once (None: the store has no tickets)."""
    as_of = metrics.store_as_of(con)
    if as_of is None:
        return None
    judged = director.week_tickets(con, filters=Filters(), as_of=as_of, targets=targets)
    return Context(
        now=now, as_of=as_of, judged=judged, districts=districts, public_url=public_url,
        con=con, first_day=director.first_report_day(con),
    )  # fmt: skip


def period_for(every: str, now: datetime) -> Period:
    """The last whole period before `now` (Bangkok): yesterday, or last Monday–Sunday."""
    today = now.astimezone(BANGKOK_TZ).date()
    if every == "day":
        return Period(since=today - timedelta(days=1), until=today - timedelta(days=1))
    until = today - timedelta(days=today.weekday() + 1)
    return Period(since=until - timedelta(days=6), until=until)


def data_reaches(ctx: Context, period: Period) -> bool:
    """True when the store has data from the period's last day on (a sync ran since)."""
    return ctx.as_of >= local_midnight(period.until)


# --- areas -------------------------------------------------------------------------------


def area_tickets(ctx: Context, area: Area) -> pd.DataFrame:
    """The judged tickets of the area (by code, H3 cell or polygon)."""
    key = ("tickets", area.key)
    if key not in ctx._memo:
        ctx._memo[key] = ctx.judged[_mask(ctx, area)]
    found = ctx._memo[key]
    assert isinstance(found, pd.DataFrame)
    return found


def _mask(ctx: Context, area: Area) -> np.ndarray:
    frame = ctx.judged
    if area.subdistrict:
        return (frame["subdistrict_code"] == area.subdistrict).to_numpy()
    if area.district:
        return (frame["district_code"] == area.district).to_numpy()
    located = np.asarray(frame["location_issue"].isna() & frame["lon"].notna(), dtype=bool)
    lon = frame["lon"].to_numpy(dtype=float)
    lat = frame["lat"].to_numpy(dtype=float)
    if area.polygon is not None:
        placed = shapely.contains_xy(area.polygon, np.nan_to_num(lon), np.nan_to_num(lat))
        within: np.ndarray = np.logical_and(located, np.asarray(placed, dtype=bool))
        return within
    wanted = {h3.str_to_int(c) for c in area.cells}
    inside: np.ndarray = np.zeros(len(frame), dtype=bool)
    for resolution in {h3.get_resolution(c) for c in area.cells}:
        cells = _ticket_cells(ctx, resolution)
        inside |= np.isin(cells, np.fromiter(wanted, dtype=np.uint64))
    found: np.ndarray = np.logical_and(located, inside)
    return found


def _ticket_cells(ctx: Context, resolution: int) -> np.ndarray:
    if resolution not in ctx._cells:
        frame = ctx.judged
        ok = frame["location_issue"].isna() & frame["lon"].notna()
        ctx._cells[resolution] = np.array(
            [
                h3.str_to_int(h3.latlng_to_cell(lat, lon, resolution)) if good else 0
                for lat, lon, good in zip(frame["lat"], frame["lon"], ok, strict=True)
            ],
            dtype=np.uint64,
        )
    return ctx._cells[resolution]


def _contains_points(area: Area, lats: Sequence[float], lons: Sequence[float]) -> list[bool]:
    """Which points lie in the area (a hot spot's cell centre)."""
    if area.outline is not None:
        return [
            bool(v) for v in shapely.contains_xy(area.outline, np.asarray(lons), np.asarray(lats))
        ]
    levels = {h3.get_resolution(c) for c in area.cells}
    return [
        any(h3.latlng_to_cell(lat, lon, level) in area.cells for level in levels)
        for lat, lon in zip(lats, lons, strict=True)
    ]


# --- links -------------------------------------------------------------------------------


def view_link(ctx: Context, page: str, state: urlstate.ViewState) -> str | None:
    """The absolute link of a dashboard view (`urlstate.link` under KHETMAP_PUBLIC_URL)."""
    if not ctx.public_url:
        return None
    return ctx.public_url.rstrip("/") + urlstate.link(page, state)


def _area_state(area: Area, lang: Lang) -> urlstate.ViewState:
    return urlstate.ViewState(district=area.district, subdistrict=area.subdistrict, lang=lang)


def area_link(ctx: Context, area: Area, lang: Lang, period: Period | None) -> str | None:
    state = _area_state(area, lang)
    if period is not None:
        state = state.with_(since=period.since, until=period.until)
    return view_link(ctx, "district" if area.district else "city", state)


def _ticket_link(ctx: Context, area: Area, lang: Lang, ticket_id: str) -> str | None:
    state = _area_state(area, lang).with_(q=ticket_id, search_in="all")
    return view_link(ctx, "tickets", state)


# --- documents -----------------------------------------------------------------------------


def change_doc(change: Change) -> ChangeDoc:
    def number(value: float | None) -> float | None:
        return None if value is None or math.isinf(value) else float(value)

    return ChangeDoc(
        now=number(change.now), before=number(change.before), change=number(change.change),
        low=number(change.low), high=number(change.high), beyond_noise=change.beyond_noise,
    )  # fmt: skip


def ticket_doc(ctx: Context, row: pd.Series, *, area: Area, lang: Lang) -> TicketDoc:
    """One ticket as a message lists it; its citizen's texts redacted (the public view's
    rule: alerts go to people who are not signed in)."""
    categories = tuple(row["categories"]) or (UNSPECIFIED,)
    return TicketDoc(
        id=str(row["ticket_id"]),
        category=str(categories[0]),
        reported=row["reported_day"].isoformat(),
        days_open=int(row["age_days"]),
        target_days=int(row["target_days"]),
        address=_citizen_text(row.get("address"), lang),
        comment=_citizen_text(row.get("comment"), lang),
        link=_ticket_link(ctx, area, lang, str(row["ticket_id"])),
    )


def _citizen_text(value: object, lang: Lang) -> str:
    if not isinstance(value, str):
        return ""
    shown = plain(redact(value, lang=lang))
    return shown if len(shown) <= TEXT_CHARS else shown[: TEXT_CHARS - 1] + "…"


def digest(ctx: Context, *, area: Area, period: Period, every: str, lang: Lang) -> DigestDoc:
    """The area's digest of `period` (computed once per area, period and language)."""
    key = ("digest", area.key, period, lang)
    if key not in ctx._memo:
        ctx._memo[key] = _digest(ctx, area=area, period=period, every=every, lang=lang)
    found = ctx._memo[key]
    return found  # type: ignore[return-value]


def _figures(
    ctx: Context, area: Area, period: Period
) -> tuple[director.Week, list[tuple[str, Change]], pd.DataFrame]:
    """The digest's figures of an area and period, in any language (computed once)."""
    key = ("figures", area.key, period)
    if key not in ctx._memo:
        tickets = area_tickets(ctx, area)
        week = director.since_last_week(tickets, as_of_day=period.until, days=period.days)
        categories = director.compare_counts(
            tickets, key="categories", period=period, earlier=period.previous()
        )
        open_ = tickets[tickets["is_open"].astype(bool)]
        oldest = open_.sort_values(["reported_at", "ticket_id"]).head(OLDEST_SHOWN)
        ctx._memo[key] = (week, categories, oldest)
    found = ctx._memo[key]
    return found  # type: ignore[return-value]


def _digest(ctx: Context, *, area: Area, period: Period, every: str, lang: Lang) -> DigestDoc:
    week, categories, oldest = _figures(ctx, area, period)
    earlier = period.previous()
    missing = [] if week.finished is not None else ["finish_time"]
    return DigestDoc(
        every=every,
        since=period.since.isoformat(),
        until=period.until.isoformat(),
        earlier_since=earlier.since.isoformat(),
        earlier_until=earlier.until.isoformat(),
        open_now=week.open_now,
        new=change_doc(week.new),
        finished=None if week.finished is None else change_doc(week.finished),
        newly_overdue=change_doc(week.newly_overdue),
        overdue_unknown=week.unknown_overdue,
        oldest=[ticket_doc(ctx, row, area=area, lang=lang) for _, row in oldest.iterrows()],
        top_categories=[
            CategoryDoc(category=name, change=change_doc(change))
            for name, change in categories[:TOP_CATEGORIES]
            if change.now
        ],
        not_in_data=missing,
    )


# --- alert rules ---------------------------------------------------------------------------


def events(ctx: Context, sub: Subscription, *, period: Period) -> list[EventDoc]:
    """Every event of the subscription's alert rules in (or up to the end of) `period`."""
    found: list[EventDoc] = []
    for rule in sub.rules:
        if rule == "digest":
            continue
        key = ("events", rule, sub.area.key, period, sub.lang, sub.overdue_times)
        if key not in ctx._memo:
            ctx._memo[key] = _RULES[rule](ctx, sub, period)
        found += ctx._memo[key]  # type: ignore[arg-type]
    return found


def spike(ctx: Context, sub: Subscription, period: Period) -> list[EventDoc]:
    """Reports in the period beyond noise above the area's own `BASELINE_DAYS`."""
    days = area_tickets(ctx, sub.area)["reported_day"]
    baseline = Period(
        since=period.since - timedelta(days=BASELINE_DAYS), until=period.since - timedelta(days=1)
    )
    now = int(days.map(period.contains).sum())
    before = int(days.map(baseline.contains).sum())
    change = count_change(now, before, now_days=period.days, before_days=BASELINE_DAYS)
    reaches = ctx.first_day is not None and ctx.first_day <= baseline.since
    if not reaches or not change.beyond_noise or (change.low or 0) <= 0:
        return []
    return [
        EventDoc(
            rule="spike", key=f"spike:{period.since}:{period.until}", since=period.since.isoformat(),
            until=period.until.isoformat(), reports=now, baseline_reports=before,
            baseline_days=BASELINE_DAYS, change=change_doc(change),
            link=area_link(ctx, sub.area, sub.lang, period),
        )
    ]  # fmt: skip


def overdue(ctx: Context, sub: Subscription, period: Period) -> list[EventDoc]:
    """Open tickets that passed `overdue_times` × their target from the period's start on."""
    tickets = area_tickets(ctx, sub.area)
    open_ = tickets[tickets["is_open"].astype(bool)]
    limit = np.ceil(open_["target_days"].to_numpy(dtype=float) * sub.overdue_times)
    passed_on = [
        day + timedelta(days=int(days) + 1)
        for day, days in zip(open_["reported_day"], limit, strict=True)
    ]
    as_of_day = ctx.as_of.astimezone(BANGKOK_TZ).date()
    keep = [period.since <= day <= as_of_day for day in passed_on]
    crossed = open_[keep].sort_values(["reported_at", "ticket_id"])
    return [
        EventDoc(
            rule="overdue", key=f"overdue:{sub.overdue_times:g}:{row['ticket_id']}",
            times=sub.overdue_times, ticket=ticket_doc(ctx, row, area=sub.area, lang=sub.lang),
            link=_ticket_link(ctx, sub.area, sub.lang, str(row["ticket_id"])),
        )
        for _, row in crossed.iterrows()
    ]  # fmt: skip


def recurrence(ctx: Context, sub: Subscription, period: Period) -> list[EventDoc]:
    """Places of the area's recurrence register with a report in the period."""
    register = director.recurrences(area_tickets(ctx, sub.area)).register
    again = register[register["last_report"].map(period.contains).astype(bool)]
    return [
        EventDoc(
            rule="recurrence", key=f"recurrence:{row['category']}:{row['ticket_ids'][-1]}",
            category=str(row["category"]), address=_citizen_text(row["address"], sub.lang),
            reports=int(row["reports"]), last_report=row["last_report"].isoformat(),
            link=_ticket_link(ctx, sub.area, sub.lang, str(row["ticket_ids"][-1])),
        )
        for _, row in again.iterrows()
    ]  # fmt: skip


def hotspot(ctx: Context, sub: Subscription, period: Period) -> list[EventDoc]:
    """Cells inside the area that are new, consecutive or intensifying hot spots."""
    hot = _worsening_cells(ctx, period)
    if hot.empty:
        return []
    inside = _contains_points(sub.area, list(hot["lat"]), list(hot["lon"]))
    rows = hot[inside]
    return [
        EventDoc(
            rule="hotspot", key=f"hotspot:{row['h3']}", cell=str(row["h3"]),
            pattern=str(row["category"]),
            link=view_link(ctx, "review", urlstate.ViewState(
                lang=sub.lang, hot="emerging", view=urlstate.MapView(
                    lat=float(row["lat"]), lon=float(row["lon"]), zoom=14))),
        )
        for _, row in rows.iterrows()
    ]  # fmt: skip


def _worsening_cells(ctx: Context, period: Period) -> pd.DataFrame:
    if ctx._hot is None:
        since = period.until - timedelta(days=7 * HOTSPOT_WEEKS - 1)
        grid = hotspots.bangkok_cells(ctx.districts, resolution=HOTSPOT_RESOLUTION)
        found = emerging.analyse(
            ctx.con, grid=grid, filters=Filters(), since=since, until=period.until,
            resolution=HOTSPOT_RESOLUTION,
        ).cells  # fmt: skip
        hot = found[found["category"].isin(emerging.WORSENING)].copy()
        centres = [h3.cell_to_latlng(str(c)) for c in hot["h3"]]
        hot["lat"] = [c[0] for c in centres]
        hot["lon"] = [c[1] for c in centres]
        ctx._hot = hot.reset_index(drop=True)
    return ctx._hot


_RULES = {"spike": spike, "overdue": overdue, "recurrence": recurrence, "hotspot": hotspot}


# --- messages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One message for one subscription; `events` are the keys it settles."""

    key: str
    events: tuple[str, ...]
    doc: MessageDoc


def plan(ctx: Context, sub: Subscription, *, already: set[str]) -> list[Planned]:
    """The subscription's messages of this run: the digest of its last whole period, and one
    message of the events not in `already` (the event keys its outbox holds)."""
    period = period_for(sub.every, ctx.now)
    planned: list[Planned] = []
    if "digest" in sub.rules:
        key = f"digest:{sub.every}:{period.until}"
        if key not in already:
            body = digest(ctx, area=sub.area, period=period, every=sub.every, lang=sub.lang)
            link = area_link(ctx, sub.area, sub.lang, period)
            planned.append(Planned(key, (key,), _message(ctx, sub, key, "digest", link, body, [])))
    fresh = [e for e in events(ctx, sub, period=period) if e["key"] not in already]
    if fresh:
        keys = tuple(e["key"] for e in fresh)
        key = "alerts:" + hashlib.sha256("\n".join(keys).encode()).hexdigest()[:20]
        link = area_link(ctx, sub.area, sub.lang, None)
        planned.append(Planned(key, keys, _message(ctx, sub, key, "alerts", link, None, fresh)))
    return planned


def _message(
    ctx: Context,
    sub: Subscription,
    key: str,
    kind: Literal["digest", "alerts"],
    link: str | None,
    body: DigestDoc | None,
    found: list[EventDoc],
) -> MessageDoc:
    return MessageDoc(
        schema=SCHEMA, subscription=sub.name, message=key, kind=kind, lang=sub.lang,
        area=AreaDoc(key=sub.area.key, name=sub.area.name(sub.lang)),
        as_of=ctx.as_of.isoformat(), link=link, digest=body, events=found[:EVENTS_SHOWN],
        more_events=max(0, len(found) - EVENTS_SHOWN),
    )  # fmt: skip


def wanted_rules(subs: Sequence[Subscription]) -> set[Rule]:
    return {rule for sub in subs for rule in sub.rules}
