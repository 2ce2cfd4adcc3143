"""The URL is the state: typed parse and serialise of the query string.

`parse` turns query params into a `ViewState` plus notices for every value it ignored;
`to_params` turns a state back into the shortest readable params (defaults left out).
Pure Python: the Streamlit shell reads and writes `st.query_params` with these.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal
from urllib.parse import urlencode

from dashboard import i18n
from dashboard.analysis import mapmetrics
from dashboard.analysis.filters import STATE_GROUPS, StateGroup
from dashboard.i18n import Lang

FILTER_FIELDS = {
    "dates": ("since", "until"),
    "categories": ("categories",),
    "predicted": ("predicted",),
    "state": ("state",),
}
"""The sidebar's filters, in the order it draws them, and the view fields each one sets."""
FILTERS = tuple(FILTER_FIELDS)


@dataclass(frozen=True)
class Page:
    """One page of the dashboard: the navigation, the sidebar's links and every link read it."""

    name: str
    path: str
    """its URL path (the city overview is the root, "")"""
    filters: tuple[str, ...]
    """the sidebar filters it applies: the sidebar draws only these, and the page's figures
    ignore the others (a link keeps them for the pages that use them)"""
    as_of: Literal["snapshot", "live", "none"]
    """with a past date asked: shown from the daily snapshots, shown live with a note that
    it is, or nothing dated on it"""

    @property
    def file(self) -> str:
        """The page's script, relative to `dashboard/app.py`."""
        return f"ui/pages/{self.name}.py"

    @property
    def title_key(self) -> str:
        """Its name in `i18n`."""
        return f"page_{self.name}"


PAGES = {
    page.name: page
    for page in (
        Page("city", "", FILTERS, as_of="snapshot"),
        Page("district", "district", FILTERS, as_of="snapshot"),
        Page("tickets", "tickets", FILTERS, as_of="live"),
        # the league, the audit and the hotspots judge tickets of every state in the period
        Page("review", "review", ("dates", "categories", "predicted"), as_of="live"),
        # about the whole data: its sources, coverage and last update
        Page("about", "about", (), as_of="none"),
    )
}
"""The dashboard's pages by name, in the order the sidebar links them: registered here only."""


METRICS = mapmetrics.NAMES
LANGS = i18n.LANGS
SORTS = ("newest", "oldest", "district", "state")
DISTRICT_SECTIONS = ("overview", "week")
"""The district page's two views: the district at a glance, and the director's week."""
POINT_ORDERS = ("oldest", "newest")
"""Which tickets a capped district point map draws first: the oldest open, or the newest."""
SEARCH_SCOPES = ("comment", "all")
"""Where the ticket search looks: the citizen's comment only, or comment, address and id."""
RESOLUTIONS = (8, 9)
HOTSPOT_KINDS = ("rate", "demand", "emerging")
"""review page maps: unresolved rate (the default), demand, what is getting worse"""
EMERGING_MEASURES = ("reports", "backlog")
MIN_N_RANGE = (1, 100_000)
FAST_H_RANGE = (0.25, 168.0)
DATE_RANGE = (date(2015, 1, 1), date(2100, 12, 31))
"""Dates a link may carry: no Traffy ticket is older, and later ones are typos."""
MAX_VALUE_LENGTH = 200
MAX_CATEGORIES = 30
MAP_BOUNDS = (99.8, 13.0, 101.5, 14.5)
"""lon/lat box that a shared map view may be centred in."""
ZOOM_RANGE = (8, 19)
NOTICE_VALUE_CHARS = 40
NOTICES_SHOWN = 5
"""A link's ignored values listed in its one notice; the rest are counted ("and 295 more")."""
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DEGREES = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,12})?")
WHOLE = re.compile(r"[0-9]{1,3}")


@dataclass(frozen=True)
class MapView:
    """Centre and zoom of a map the user has moved."""

    lat: float
    lon: float
    zoom: int


@dataclass(frozen=True)
class ViewState:
    """Everything a shared link reproduces, except the page (that is the URL path)."""

    district: str | None = None
    subdistrict: str | None = None
    since: date | None = None
    until: date | None = None
    categories: tuple[str, ...] = ()
    state: StateGroup = "all"
    metric: str = "open"
    heat: bool = False
    recur: bool = False
    section: str = "overview"
    """district page: the overview, or the director's week (`DISTRICT_SECTIONS`)"""
    """district page: draw the recurring problems as a layer of the map"""
    predicted: bool = False
    """count untyped tickets in the categories the classifier predicted (marked as such)"""
    lang: Lang = "th"
    view: MapView | None = None
    q: str = ""
    sort: str = "newest"
    search_in: str = "comment"
    points: str = "oldest"
    res: int = 8
    """review page: H3 resolution of the hotspot grid"""
    hot: str = "rate"
    """review page: which question the hotspot map answers (`HOTSPOT_KINDS`)"""
    measure: str = "reports"
    """review page, emerging map: weekly reports or the reconstructed open backlog"""
    min_n: int = 30
    """review page: a district needs this many tickets in the period to be ranked"""
    fast_h: float = 1.0
    """review page: a closure sooner than this many hours after the report is flagged"""
    as_of: date | None = None
    """view the backlog as the daily snapshot of this Bangkok day kept it (None: now)"""
    printing: bool = False
    """the print view: no sidebar or controls, whole tables, the live link at the bottom"""
    department: str | None = None
    """district page: the map shows only this unit's tickets (`NO_DEPARTMENT`: the group
    no department has yet); a unit the district does not have is said on the page"""

    def with_(self, **changes: object) -> ViewState:
        """Return a copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def filtered(page: str, state: ViewState) -> ViewState:
    """`state` with the filters `page` does not apply set to their defaults."""
    defaults = ViewState()
    unused = (
        f
        for name, fields in FILTER_FIELDS.items()
        if name not in PAGES[page].filters
        for f in fields
    )
    return state.with_(**{field_: getattr(defaults, field_) for field_ in unused})


@dataclass(frozen=True)
class Known:
    """The valid values the parser checks against (from the boundary files and the store)."""

    districts: frozenset[str]
    subdistricts: Mapping[str, str]
    """subdistrict code → its district code"""
    categories: frozenset[str] = frozenset()


def _shorten(text: str) -> str:
    return text if len(text) <= NOTICE_VALUE_CHARS else text[:NOTICE_VALUE_CHARS] + "…"


@dataclass(frozen=True)
class Notice:
    """A value from the link that was ignored: its name, the value, and why (an i18n key).

    Name and value come from whoever wrote the link: shown only as inert text, cut short.
    """

    name: str
    value: str
    why: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: Lang) -> str:
        reason = i18n.t(f"why_{self.why}", lang, **self.values)
        return i18n.t(
            "ignored", lang, name=_shorten(self.name), value=_shorten(self.value), why=reason
        )


def notice_lines(notices: Sequence[Notice], *, lang: Lang) -> list[str]:
    """The texts of a link's notices for its one message: the first `NOTICES_SHOWN`, then
    how many more values were ignored."""
    lines = [notice.text(lang) for notice in notices[:NOTICES_SHOWN]]
    if len(notices) > NOTICES_SHOWN:
        lines.append(i18n.t("notices_more", lang, n=len(notices) - NOTICES_SHOWN))
    return lines


class _Notices(list[Notice]):
    def ignore(self, name: str, value: str, why: str, **values: object) -> None:
        self.append(Notice(name=name, value=value, why=why, values=values))


def parse(params: Mapping[str, Sequence[str]], *, known: Known) -> tuple[ViewState, list[Notice]]:
    """Return the view state for query params and a notice for each value ignored."""
    notices = _Notices()
    values = {name: list(vs) for name, vs in params.items()}
    for name in sorted(set(values) - _KNOWN_NAMES):
        notices.ignore(name, ",".join(values[name]), "unknown")
    for name, items in values.items():
        too_long = [v for v in items if len(v) > MAX_VALUE_LENGTH]
        for value in too_long:
            notices.ignore(name, value, "too_long", n=MAX_VALUE_LENGTH)
        values[name] = [v for v in items if len(v) <= MAX_VALUE_LENGTH]

    def one(name: str) -> str | None:
        items = values.get(name) or []
        return items[-1] if items else None

    state = ViewState(
        district=_district(one("district"), known, notices),
        since=_date(one("since"), "since", notices),
        until=_date(one("until"), "until", notices),
        categories=_categories(values.get("category", []), known, notices),
        state=_choice(one("state"), "state", STATE_GROUPS, "all", notices),  # type: ignore[arg-type]
        metric=_choice(one("metric"), "metric", METRICS, "open", notices),
        heat=_flag(one("heat"), "heat", notices),
        recur=_flag(one("recur"), "recur", notices),
        section=_choice(one("section"), "section", DISTRICT_SECTIONS, "overview", notices),
        predicted=_flag(one("predicted"), "predicted", notices),
        lang=i18n.pick_lang(_choice(one("lang"), "lang", LANGS, "th", notices)),
        view=_view(one("lat"), one("lon"), one("zoom"), notices),
        q=(one("q") or "").strip(),
        sort=_choice(one("sort"), "sort", SORTS, "newest", notices),
        search_in=_choice(one("in"), "in", SEARCH_SCOPES, "comment", notices),
        points=_choice(one("points"), "points", POINT_ORDERS, "oldest", notices),
        res=int(_choice(one("res"), "res", [str(r) for r in RESOLUTIONS], "8", notices)),
        hot=_choice(one("hot"), "hot", HOTSPOT_KINDS, "rate", notices),
        measure=_choice(one("measure"), "measure", EMERGING_MEASURES, "reports", notices),
        min_n=int(_number(one("min_n"), "min_n", MIN_N_RANGE, 30, notices, whole=True)),
        fast_h=float(_number(one("fast_h"), "fast_h", FAST_H_RANGE, 1.0, notices, whole=False)),
        as_of=_date(one("as_of"), "as_of", notices),
        printing=_flag(one("print"), "print", notices),
        department=_department(one("dept"), notices),
    )
    state = _with_subdistrict(state, one("subdistrict"), known, notices)
    if state.since and state.until and state.since > state.until:
        notices.ignore(
            "until", state.until.isoformat(), "before_since", since=state.since.isoformat()
        )
        state = state.with_(until=None)
    return state, list(notices)


_KNOWN_NAMES = {
    "district",
    "subdistrict",
    "since",
    "until",
    "category",
    "state",
    "metric",
    "heat",
    "recur",
    "section",
    "predicted",
    "lang",
    "lat",
    "lon",
    "zoom",
    "q",
    "sort",
    "in",
    "points",
    "res",
    "hot",
    "measure",
    "min_n",
    "fast_h",
    "as_of",
    "print",
    "dept",
}


NO_DEPARTMENT = ","
"""`dept=` for the group of tickets no department has yet: a comma, which no unit's name
can hold (a ticket's list of organisations is split at commas)."""
DIRECTION_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _department(value: str | None, notices: _Notices) -> str | None:
    """A unit's name as the data writes it (checked against the district's units on the
    page); control and direction characters refused here."""
    if value is None or value == "":
        return None
    if DIRECTION_CONTROLS.search(value) or any(ord(c) < 32 or ord(c) == 127 for c in value):
        notices.ignore("dept", value, "dept_characters")
        return None
    return value


def _district(value: str | None, known: Known, notices: _Notices) -> str | None:
    if value is None or value == "":
        return None
    if value not in known.districts:
        notices.ignore("district", value, "district")
        return None
    return value


def _with_subdistrict(
    state: ViewState, value: str | None, known: Known, notices: _Notices
) -> ViewState:
    if value is None or value == "":
        return state
    parent = known.subdistricts.get(value)
    if parent is None:
        notices.ignore("subdistrict", value, "subdistrict")
        return state
    if state.district and state.district != parent:
        notices.ignore(
            "subdistrict", value, "other_district", parent=parent, district=state.district
        )
        return state
    return state.with_(district=parent, subdistrict=value)


def _date(value: str | None, name: str, notices: _Notices) -> date | None:
    """A day written YYYY-MM-DD in ASCII digits (`fromisoformat` alone also takes
    '20220601' and week dates such as '2022-W22-3')."""
    if value is None or value == "":
        return None
    try:
        day = date.fromisoformat(value) if ISO_DAY.fullmatch(value) else None
    except ValueError:  # 2022-02-30
        day = None
    if day is None:
        notices.ignore(name, value, "date")
        return None
    low, high = DATE_RANGE
    if not low <= day <= high:
        notices.ignore(name, value, "date_range", low=low.isoformat(), high=high.isoformat())
        return None
    return day


def _categories(values: list[str], known: Known, notices: _Notices) -> tuple[str, ...]:
    chosen: list[str] = []
    for value in values:
        if known.categories and value not in known.categories:
            notices.ignore("category", value, "category")
        elif value not in chosen:
            chosen.append(value)
    if len(chosen) > MAX_CATEGORIES:
        notices.ignore(
            "category", ",".join(chosen[MAX_CATEGORIES:]), "categories", n=MAX_CATEGORIES
        )
    return tuple(chosen[:MAX_CATEGORIES])


def _choice(
    value: str | None, name: str, choices: Sequence[str], default: str, notices: _Notices
) -> str:
    if value is None or value == "":
        return default
    if value not in choices:
        notices.ignore(name, value, "choice", choices=", ".join(choices))
        return default
    return value


def _number(
    value: str | None,
    name: str,
    bounds: tuple[float, float],
    default: float,
    notices: _Notices,
    *,
    whole: bool,
) -> float:
    """A number from ASCII digits only (`isdigit` would accept '²', which `int` refuses)."""
    if value is None or value == "":
        return default
    pattern = r"[0-9]{1,7}" if whole else r"[0-9]{1,7}(\.[0-9]{1,4})?"
    low, high = bounds
    if not re.fullmatch(pattern, value) or not low <= float(value) <= high:
        notices.ignore(name, value, "number", low=f"{low:g}", high=f"{high:g}")
        return default
    return float(value)


def _flag(value: str | None, name: str, notices: _Notices) -> bool:
    if value is None or value == "":
        return False
    if value not in ("0", "1"):
        notices.ignore(name, value, "flag")
        return False
    return value == "1"


def _view(lat: str | None, lon: str | None, zoom: str | None, notices: _Notices) -> MapView | None:
    """The map view from ASCII decimals (`float` and `int` would also take Thai digits,
    '1_3.75' and ' 13.7')."""
    if lat is None and lon is None and zoom is None:
        return None
    given = [(lat, DEGREES), (lon, DEGREES), (zoom, WHOLE)]
    if any(text and not pattern.fullmatch(text) for text, pattern in given):
        notices.ignore("lat/lon/zoom", f"{lat},{lon},{zoom}", "not_numbers")
        return None
    la, lo, zo = float(lat or "nan"), float(lon or "nan"), int(zoom or "-1")
    minx, miny, maxx, maxy = MAP_BOUNDS
    if not (math.isfinite(la) and math.isfinite(lo) and miny <= la <= maxy and minx <= lo <= maxx):
        notices.ignore("lat/lon", f"{lat},{lon}", "not_bangkok")
        return None
    if not ZOOM_RANGE[0] <= zo <= ZOOM_RANGE[1]:
        notices.ignore("zoom", str(zoom), "zoom", low=ZOOM_RANGE[0], high=ZOOM_RANGE[1])
        return None
    return MapView(lat=round(la, 5), lon=round(lo, 5), zoom=zo)


_PARAMS: tuple[tuple[str, str, Callable[[Any], str | list[str]]], ...] = (
    ("district", "district", str),
    ("subdistrict", "subdistrict", str),
    ("since", "since", date.isoformat),
    ("until", "until", date.isoformat),
    ("category", "categories", list),
    ("state", "state", str),
    ("metric", "metric", str),
    ("heat", "heat", lambda _: "1"),
    ("recur", "recur", lambda _: "1"),
    ("section", "section", str),
    ("predicted", "predicted", lambda _: "1"),
    ("lang", "lang", str),
    ("view", "view", lambda _: []),  # expanded into lat, lon, zoom
    ("q", "q", str),
    ("sort", "sort", str),
    ("in", "search_in", str),
    ("points", "points", str),
    ("res", "res", str),
    ("hot", "hot", str),
    ("measure", "measure", str),
    ("min_n", "min_n", str),
    ("fast_h", "fast_h", lambda v: f"{v:g}"),
    ("as_of", "as_of", date.isoformat),
    ("print", "printing", lambda _: "1"),
    ("dept", "department", str),
)
"""URL parameter, state field, and how a non-default value is written (in link order)."""


def to_params(state: ViewState) -> dict[str, str | list[str]]:
    """Return the query params for a state, leaving out defaults (stable key order)."""
    defaults = ViewState()
    params: dict[str, str | list[str]] = {}
    for name, attribute, write in _PARAMS:
        value = getattr(state, attribute)
        if value == getattr(defaults, attribute):
            continue
        if isinstance(value, MapView):
            params.update(lat=f"{value.lat:.5f}", lon=f"{value.lon:.5f}", zoom=str(value.zoom))
        else:
            params[name] = write(value)
    return params


def link(page: str, state: ViewState) -> str:
    """Return the relative URL of `page` showing `state`, e.g. '/district?district=1001'."""
    query = urlencode(to_params(state), doseq=True)
    return "/" + PAGES[page].path + (f"?{query}" if query else "")
