"""Every Streamlit cache in one place.

Boundary layers and simplified geometries are loaded once per process
(`st.cache_resource`, shared by all sessions), as are a district view's judged tickets
(`week_tickets`, handed out as copies). Other query results are `st.cache_data`, keyed on
the store's version token and the filters, so a new ingest shows on the next rerun. A
run opens one read-only connection on its first cache miss and closes it when the page
(or fragment) is done: none is held between reruns, so `khetmap ingest` can write while
the app runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, TypeVar

import h3
import pandas as pd
import streamlit as st

from dashboard import boundaries, config, store
from dashboard.access import privacy, roles
from dashboard.access.privacy import Disclosure
from dashboard.access.roles import Roles
from dashboard.analysis import departments, director, imports, metrics, review, routing, targets
from dashboard.analysis.change import Period
from dashboard.analysis.coverage import Coverage
from dashboard.analysis.filters import Filters, replace_filters
from dashboard.analysis.routing import Routing
from dashboard.analysis.targets import Targets
from dashboard.boundaries import AreaLayer
from dashboard.errors import RolesError, RoutingError, TargetsError, TargetsProblem
from dashboard.i18n import Lang
from dashboard.notify import own_subscriptions
from dashboard.render import brief, lod, maps, rounds
from dashboard.render.action_sheet import print_pdf, sheet_data, workbook
from dashboard.store import Reader, queries

LOG = logging.getLogger(__name__)

T = TypeVar("T")
QUERY_TTL_SECONDS = 3600


@dataclass(frozen=True)
class Geography:
    """Boundary layers and what is derived from them once per process."""

    districts: AreaLayer
    subdistricts: AreaLayer
    population: dict[str, int]
    district_shapes: list[dict[str, Any]]
    subdistrict_shapes: list[dict[str, Any]]


@st.cache_resource(show_spinner=False)
def geography() -> Geography:
    districts = boundaries.load_districts()
    subdistricts = boundaries.load_subdistricts()
    return Geography(
        districts=districts,
        subdistricts=subdistricts,
        population=boundaries.load_population(),
        district_shapes=maps.simplified(districts),
        subdistrict_shapes=maps.simplified(subdistricts, tolerance=maps.SIMPLIFY_DEGREES / 2),
    )


def version() -> str:
    """Return the data's version token: the store's (file times and sizes) and the targets
    file's, so a new ingest or a changed targets file shows on the next run. Cheap, not cached."""
    return f"{store.configured().version()}|targets={targets.stamp()}|routing={routing.stamp()}"


@st.cache_resource(show_spinner=False)
def _targets(stamp: str) -> tuple[Targets, TargetsProblem | None]:
    try:
        return targets.load(), None
    except TargetsError as exc:
        return targets.shipped(), exc.reason


def targets_in_force() -> tuple[Targets, TargetsProblem | None]:
    """The targets (days to finish per category), and why the city's file was not used (a
    word the page translates: i18n `targets_why_*`)."""
    return _targets(targets.stamp())


@st.cache_resource(show_spinner=False)
def _routing(stamp: str) -> tuple[Routing, bool]:
    try:
        return routing.load(), True
    except RoutingError:
        LOG.warning("the routing file named by KHETMAP_ROUTING is not used", exc_info=True)
        return routing.shipped(), False


def routing_in_force() -> tuple[Routing, bool]:
    """The routing table (department per category), and whether the city's file (if any)
    could be used; if not, the shipped table (the server's log says why)."""
    return _routing(routing.stamp())


@st.cache_resource(show_spinner=False)
def _roles(stamp: str) -> tuple[Roles | None, bool]:
    try:
        return roles.load(known_districts=frozenset(geography().districts.codes)), True
    except RolesError as exc:
        LOG.error("the roles file is not used, everyone gets the public view: %s", exc)
        return None, False


def roles_in_force() -> tuple[Roles | None, bool]:
    """The roles file (None when none is named), and whether a named file could be used: if
    not, nobody gets more than the public view (the server's log says why, once)."""
    return _roles(roles.stamp())


@st.cache_resource(show_spinner=False)
def redaction_announced() -> bool:
    """Log once per server whether citizens' text is redacted; return whether it is."""
    if config.redaction_on():
        LOG.info("personal data in citizens' text is redacted outside a signed-in role's districts")
        return True
    LOG.warning("KHETMAP_REDACT=0: citizens' text is shown whole to everyone, signed in or not")
    return False


_RUN = threading.local()


def _query(function: Callable[..., T], **kwargs: Any) -> T:
    """Run a query on this script run's read-only connection (opened on first use)."""
    if getattr(_RUN, "opened", None) is None:
        reader = store.configured().reader()
        _RUN.connection = reader.__enter__()  # a store that cannot be read raises here
        _RUN.opened = reader  # only a reader that opened is closed at the end of the run
    return function(_RUN.connection, **kwargs)


def enter_run() -> None:
    """Mark the start of a page or fragment run (they nest: a page draws its fragments)."""
    _RUN.depth = getattr(_RUN, "depth", 0) + 1


def leave_run() -> None:
    """At the end of the outermost run, close its connection: none is held between reruns."""
    _RUN.depth = max(getattr(_RUN, "depth", 1) - 1, 0)
    opened = getattr(_RUN, "opened", None)
    if _RUN.depth == 0 and opened is not None:
        _RUN.opened = _RUN.connection = None
        opened.__exit__(None, None, None)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS)
def as_of(version: str) -> datetime | None:
    return _query(metrics.store_as_of)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS)
def categories(version: str) -> list[str]:
    return _query(metrics.known_categories)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=512)
def tally(
    version: str, by: metrics.AreaLevel, filters: Filters, as_of: datetime | None
) -> pd.DataFrame:
    """The count behind a view's summary, totals and coverage (`metrics.tally`)."""
    return _query(metrics.tally, by=by, filters=filters, as_of=as_of)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def judged_counts(
    version: str, by: metrics.AreaLevel, filters: Filters, as_of: datetime
) -> pd.DataFrame:
    return _query(
        metrics.judged_counts, by=by, filters=filters, as_of=as_of, targets=targets_in_force()[0]
    )


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=512)
def finish_medians(
    version: str, by: metrics.AreaLevel | None, filters: Filters
) -> dict[str, float]:
    return _query(metrics.finish_medians, by=by, filters=filters)


def _plain_tally(version: str, filters: Filters) -> pd.DataFrame:
    """The tally the totals and the coverage of `filters` sum: the one the same view's area
    summary reads (a district's by subdistrict, the city's by district)."""
    by: metrics.AreaLevel = "subdistrict" if filters.district else "district"
    return tally(version, by, filters, as_of(version))


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=512)
def summary(
    version: str,
    by: metrics.AreaLevel,
    filters: Filters,
    as_of: datetime,
    judged: bool = False,
) -> pd.DataFrame:
    """Per-area figures; the targets' columns (`metrics.JUDGED_COLUMNS`) only when `judged`."""
    geo = geography()
    counted = tally(version, by, filters, as_of)
    return metrics.summarise(
        counted,
        finish_medians(version, by, filters) if metrics.has_finish_times(counted) else {},
        judged_counts(version, by, filters, as_of) if judged else None,
        by=by,
        layer=geo.districts if by == "district" else geo.subdistricts,
        population=geo.population if by == "district" else None,
        filters=filters,
    )


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def open_per_10k(version: str, filters: Filters) -> pd.DataFrame:
    geo = geography()
    return _query(
        metrics.open_per_10k, layer=geo.districts, population=geo.population, filters=filters
    )


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=512)
def totals(version: str, filters: Filters) -> metrics.Totals:
    counted = _plain_tally(version, filters)
    median = finish_medians(version, None, filters) if metrics.has_finish_times(counted) else {}
    return metrics.totals_of(counted, median.get(""))


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def heat_cells(version: str, filters: Filters, resolution: int) -> pd.DataFrame:
    cells = _query(metrics.open_by_cell, filters=filters, resolution=resolution)
    centres = [h3.cell_to_latlng(h3.int_to_str(int(cell))) for cell in cells["cell"]]
    cells["lat"] = [c[0] for c in centres]
    cells["lon"] = [c[1] for c in centres]
    return cells


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def weekly(version: str, filters: Filters) -> pd.DataFrame:
    return _query(metrics.weekly_trend, filters=filters)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def category_counts(version: str, filters: Filters) -> pd.DataFrame:
    return _query(metrics.category_counts, filters=filters)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def oldest_open(version: str, filters: Filters, as_of: datetime, limit: int) -> pd.DataFrame:
    return _query(metrics.oldest_open, filters=filters, as_of=as_of, limit=limit)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=512)
def ticket_layer(
    version: str,
    filters: Filters,
    as_of: datetime,
    viewport: lod.Viewport,
    lang: Lang,
    order: metrics.PointOrder = "oldest",
    disclosure: Disclosure = privacy.PUBLIC,
) -> lod.TicketLayer:
    """Keyed on what the viewer's role may see whole (`Disclosure`), never on a person."""
    return _query(
        lod.ticket_layer,
        filters=filters,
        as_of=as_of,
        viewport=viewport,
        lang=lang,
        order=order,
        disclosure=disclosure,
    )


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def unlocated(version: str, filters: Filters) -> int:
    return _query(lod.unlocated, filters=filters)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=128)
def tickets_page(
    version: str,
    filters: Filters,
    as_of: datetime,
    q: str,
    sort: str,
    limit: int,
    scope: str = "comment",
    disclosure: Disclosure = privacy.PUBLIC,
    lang: Lang = "th",
) -> tuple[pd.DataFrame, int]:
    """The ticket list of a search, its citizens' text as `disclosure` allows (`lang`: the
    markers' language); a redacted row that matched only inside what was redacted is left
    out (a search for a phone number finds nothing in the public view)."""
    frame, total = _query(
        metrics.tickets_page, filters=filters, as_of=as_of, q=q, sort=sort, limit=limit, scope=scope
    )
    shown = privacy.protect_tickets(frame, disclosure=disclosure, lang=lang)
    kept = privacy.still_found(shown, frame, q=q, scope=scope, disclosure=disclosure)
    return shown[kept].reset_index(drop=True), total - int((~kept).sum())


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=128)
def oldest_open_counted(
    version: str,
    filters: Filters,
    as_of: datetime,
    limit: int,
    disclosure: Disclosure = privacy.PUBLIC,
    lang: Lang = "th",
) -> tuple[pd.DataFrame, int]:
    frame, total = _query(metrics.oldest_open_counted, filters=filters, as_of=as_of, limit=limit)
    return privacy.protect_tickets(frame, disclosure=disclosure, lang=lang), total


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS)
def prediction_count(version: str) -> int:
    return _query(metrics.prediction_count)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS)
def classifier_scores(version: str) -> dict[str, float]:
    return _query(metrics.classifier_scores)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def predicted_category_counts(version: str, filters: Filters) -> pd.DataFrame:
    return _query(metrics.predicted_category_counts, filters=filters)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def predictions_for(
    version: str, ticket_ids: tuple[str, ...]
) -> dict[str, list[tuple[str, float]]]:
    return _query(metrics.predictions_for, ticket_ids=ticket_ids)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=256)
def data_coverage(version: str, filters: Filters) -> Coverage:
    return metrics.coverage_of(_plain_tally(version, filters))


def area_names(lang: Lang) -> dict[str, str]:
    """Every district and subdistrict code → its name in `lang`."""
    geo = geography()
    return boundaries.area_names((geo.districts, geo.subdistricts), lang)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS)
def last_ingest(version: str) -> tuple[dict[str, Any] | None, pd.DataFrame]:
    def both(con: Any) -> tuple[dict[str, Any] | None, pd.DataFrame]:
        latest = metrics.last_ingest(con)
        reasons = con.execute(queries.QUARANTINE_REASONS).df()
        return latest, reasons

    return _query(both)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def hotspot_review(
    version: str, filters: Filters, kind: str, measure: str, resolution: int
) -> review.HotspotReview:
    """The review period's `kind` hotspot map and its areas."""
    return _query(
        review.hotspot_review,
        filters=filters,
        kind=kind,
        measure=measure,
        resolution=resolution,
        layer=geography().districts,
    )


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def league(
    version: str, filters: Filters, period: Period, settings: review.ReviewSettings
) -> pd.DataFrame:
    geo = geography()
    return _query(
        review.league_table,
        filters=filters,
        period=period,
        layer=geo.districts,
        population=geo.population,
        settings=settings,
    )


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def audit(
    version: str, filters: Filters, settings: review.ReviewSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    def both(con: Reader) -> tuple[pd.DataFrame, pd.DataFrame]:
        per_district = review.closure_audit(
            con, filters=filters, layer=geography().districts, settings=settings
        )
        flagged = review.flagged_tickets(con, filters=filters, settings=settings)
        return per_district, flagged

    return _query(both)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=8)
def brief_document(
    version: str, filters: Filters, settings: review.ReviewSettings, lang: Lang, fmt: str
) -> bytes:
    """The meeting brief (PDF or HTML) for the review of `filters`. Made when a user asks
    for it (a download's callable, outside the page's run), so it opens its own reader."""
    geo = geography()
    with store.configured().reader() as con:
        data = brief.compose(
            con,
            lang=lang,
            filters=filters,
            settings=settings,
            districts=geo.districts,
            names=area_names(lang),
            population=geo.population,
        )
    document = brief.render_html(data)
    return brief.to_pdf(document) if fmt == "pdf" else document.encode("utf-8")


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS)
def newest_report(version: str) -> datetime | None:
    return _query(metrics.newest_report)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS)
def freshness(version: str) -> metrics.Freshness:
    return _query(metrics.freshness)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def snapshot_for(version: str, asked: date) -> metrics.Snapshot | None:
    return _query(metrics.snapshot_for, asked=asked)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=128)
def backlog_history(version: str, filters: Filters) -> pd.DataFrame:
    return _query(metrics.backlog_history, filters=filters)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=128)
def snapshot_summary(
    version: str, day: date, by: metrics.AreaLevel, filters: Filters
) -> pd.DataFrame:
    geo = geography()
    layer = geo.districts if by == "district" else geo.subdistricts
    population = geo.population if by == "district" else None
    return _query(
        metrics.snapshot_summary,
        day=day,
        by=by,
        layer=layer,
        population=population,
        filters=filters,
    )


def week_tickets(version: str, filters: Filters, as_of: datetime) -> pd.DataFrame:
    """Every ticket of a district view, judged against the targets in force (all dates),
    without the long texts (the page shows texts for 20 tickets only).

    At 10M tickets a district is up to 280k of them. `st.cache_data` pickled the frame into
    the cache and unpickled a copy for every use (~0.2 s of a district filter change); the
    frame is kept once instead, shared by every session, and each caller gets a shallow
    copy: with pandas' copy-on-write, nothing a caller does to its copy reaches the shared
    frame (`tests/test_cache.py`)."""
    return _judged_tickets(version, filters, as_of).copy(deep=False)


@st.cache_resource(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def _judged_tickets(version: str, filters: Filters, as_of: datetime) -> pd.DataFrame:
    return _query(
        director.week_tickets,
        filters=filters,
        as_of=as_of,
        targets=targets_in_force()[0],
        texts=False,
    )


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=128)
def due_overview(
    version: str,
    filters: Filters,
    as_of: datetime,
    disclosure: Disclosure = privacy.PUBLIC,
    lang: Lang = "th",
) -> director.DueOverview:
    """Overdue, on time and the most overdue tickets (with their texts, as `disclosure`
    allows) of a district view."""
    judged = week_tickets(version, director.week_filters(filters), as_of)
    overview = director.due_overview(judged, filters)
    listed = _query(director.with_texts, tickets=overview.most_overdue, filters=filters)
    shown = privacy.protect_tickets(listed, disclosure=disclosure, lang=lang)
    return replace(overview, most_overdue=shown)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=128)
def subdistrict_backlog(version: str, filters: Filters, as_of: datetime) -> pd.DataFrame:
    """Every subdistrict of the view's district (`director.subdistrict_backlog`), over the
    view's tickets whatever subdistrict it has chosen."""
    district = filters.district
    geo = geography()
    codes = [
        code
        for code, parent in zip(geo.subdistricts.codes, geo.subdistricts.parent_codes, strict=True)
        if parent == district
    ]
    whole = replace_filters(filters, subdistrict=None)
    judged = director.reported_within(
        week_tickets(version, director.week_filters(whole), as_of), whole
    )
    # registered population is known per district only (`boundaries.load_population`)
    return director.subdistrict_backlog(judged, codes=codes, population=None)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def week_report(
    version: str, filters: Filters, as_of: datetime, radius_m: float
) -> director.WeekReport | None:
    """The director's week of a district view (None: the store has no report to date from)."""
    newest = newest_report(version)
    district = filters.district
    if newest is None or district is None:
        return None
    geo = geography()
    judged = week_tickets(version, director.week_filters(filters), as_of)
    return director.week_report(
        judged,
        filters=filters,
        targets=targets_in_force()[0],
        as_of=as_of,
        newest_report=newest,
        first_day=first_report_day(version),
        district_name_th=geo.districts.names_th[geo.districts.index_of(district)],
        radius_m=radius_m,
    )


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS)
def first_report_day(version: str) -> date | None:
    return _query(director.first_report_day)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=16)
def action_sheet(
    version: str,
    filters: Filters,
    as_of: datetime,
    district: str,
    lang: Lang,
    fmt: str = "xlsx",
    whole: bool = False,
) -> bytes:
    """The weekly action sheet of a district view, as .xlsx or a PDF for printing, with the
    citizens' text whole only when `whole` (the viewer's role covers the district). Made when
    a user asks for it (a download's callable, outside the page's run): its own reader."""
    inputs = _sheet_inputs(filters, as_of, district, lang)
    disclosure = Disclosure(districts=frozenset({district})) if whole else privacy.PUBLIC
    inputs["judged"] = privacy.protect_tickets(inputs["judged"], disclosure=disclosure, lang=lang)
    data = sheet_data(**inputs)
    return print_pdf(data) if fmt == "pdf" else workbook(data)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def action_sheet_sizes(
    version: str, filters: Filters, as_of: datetime, district: str
) -> dict[str, int]:
    """Unit → its open tickets on the action sheet (the page lists what the download holds)."""
    data = sheet_data(**_sheet_inputs(filters, as_of, district, "th"))
    return {unit: len(rows) for unit, rows in data.units.items()}


def _sheet_inputs(filters: Filters, as_of: datetime, district: str, lang: Lang) -> dict[str, Any]:
    """The action sheet's inputs for a district view: judged tickets, predictions, routing."""
    geo = geography()
    with store.configured().reader() as con:
        judged = director.week_tickets(
            con, filters=filters, as_of=as_of, targets=targets_in_force()[0]
        )
        predicted = departments.predicted_categories(con, judged=judged)
        changed = imports.changes(con, district=district)
        basis = metrics.finish_time_basis(con, filters=filters)
    return {
        "changes": imports.figures(changed) if changed and changed.last_import else None,
        "finish_basis": basis,
        "judged": judged,
        "district_code": district,
        "names": area_names(lang),
        "district_name_th": geo.districts.names_th[geo.districts.index_of(district)],
        "lang": lang,
        "as_of": as_of,
        "table": routing_in_force()[0],
        "predicted": predicted,
    }


# --- a district office's own data: departments, Traffy's figures, changes, rounds ------------


@st.cache_resource(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def _routed_tickets(version: str, filters: Filters, as_of: datetime) -> pd.DataFrame:
    """A district view's tickets, each with its units (`departments.routed`, as the action
    sheet routes them), kept once per process like `week_tickets` (read-only)."""
    judged = week_tickets(version, filters, as_of)
    geo = geography()
    district = filters.district or ""
    return departments.routed(
        judged,
        district_name_th=geo.districts.names_th[geo.districts.index_of(district)],
        routing=routing_in_force()[0],
        predicted=_query(departments.predicted_categories, judged=judged),
    )


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def department_backlog(
    version: str, filters: Filters, as_of: datetime
) -> tuple[pd.DataFrame, bool]:
    """Per unit of a district view (`departments.department_backlog`: the not-yet-routed
    group first), and whether the data names departments itself (else routed)."""
    routed = _routed_tickets(version, director.week_filters(filters), as_of)
    return departments.department_backlog(routed), bool(routed["routed"].eq("named").any())


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=64)
def unit_ticket_ids(
    version: str, filters: Filters, as_of: datetime, unit: str
) -> tuple[str, ...] | None:
    """Every ticket of a district view that `unit` has ("": the not-yet-routed group);
    None when the view has no such unit."""
    routed = _routed_tickets(version, director.week_filters(filters), as_of)
    held = routed["units"].map(lambda units: unit in units if unit else not units)
    if not held.any():
        return None
    return tuple(str(i) for i in routed.loc[held, "ticket_id"])


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=128)
def traffy_figures(version: str, district: str) -> metrics.TraffyFigures:
    """A district's tickets in Traffy's own groups, as Traffy's district screen counts them
    (all dates and states: that screen has no filters)."""
    return _query(metrics.traffy_figures, filters=Filters(district=district))


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=128)
def finish_time_basis(version: str, filters: Filters) -> metrics.FinishTimeBasis:
    return _query(metrics.finish_time_basis, filters=filters)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=128)
def import_changes(version: str, district: str) -> tuple[imports.ChangeFigures | None, int] | None:
    """What the last import changed in a district, counted (None after the store's first
    import: nothing before it to compare with), and that import's number; None when the
    store keeps no change log yet."""
    found = _query(imports.changes, district=district)
    if found is None or not found.last_import:
        return None
    return (imports.figures(found) if found.comparable else None), found.last_import


def district_rounds(district: str) -> list[rounds.Round]:
    """The district's report rounds, newest first (`rounds.Round`), read on every run, not
    cached: a round or its evidence is written without an import, and PostgreSQL's version
    token is the last import, so a cached answer would miss it."""
    listed = _query(rounds.listing, district=district)
    return [_query(rounds.find, round_id=int(i)) for i in listed["round_id"].head(ROUNDS_SHOWN)]


ROUNDS_SHOWN = 5


def own_subscriptions_of(owner: str) -> list[own_subscriptions.Stored]:
    """A signed-in user's own subscriptions, read on every run: one person's, never in a
    shared cache (and written without an import)."""
    return _query(own_subscriptions.listed, owner=owner)


def evidence_file(round_id: int, unit: str) -> bytes:
    """The latest evidence a unit returned in a round (a download's callable: its own reader)."""
    with store.configured().reader() as con:
        found = rounds.evidence_file(con, round_id=round_id, unit=unit)
    return found[2] if found else b""
