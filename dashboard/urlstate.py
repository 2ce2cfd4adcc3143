"""The URL is the state: typed parse and serialise of the query string.

`parse` turns query params into a `ViewState` plus notices for every value it ignored;
`to_params` turns a state back into the shortest readable params (defaults left out).
Pure Python: the Streamlit shell reads and writes `st.query_params` with these.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal
from urllib.parse import urlencode

PAGES = {
    "city": "",
    "district": "district",
    "tickets": "tickets",
    "review": "review",
    "about": "about",
}
"""Page name → URL path (the city overview is the root)."""

STATE_GROUPS = ("all", "open", "finished")
METRICS = ("open", "total", "open_share", "open_per_10k", "median_days_to_finish", "open_over_30")
LANGS = ("th", "en")
SORTS = ("newest", "oldest", "district", "state")
MAX_VALUE_LENGTH = 200
MAX_CATEGORIES = 30
MAP_BOUNDS = (99.8, 13.0, 101.5, 14.5)
"""lon/lat box that a shared map view may be centred in."""
ZOOM_RANGE = (8, 19)
NOTICE_VALUE_CHARS = 40

StateGroup = Literal["all", "open", "finished"]


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
    lang: str = "th"
    view: MapView | None = None
    q: str = ""
    sort: str = "newest"
    review: Mapping[str, str] = field(default_factory=dict)

    def with_(self, **changes: object) -> ViewState:
        """Return a copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Known:
    """The valid values the parser checks against (from the boundary files and the store)."""

    districts: frozenset[str]
    subdistricts: Mapping[str, str]
    """subdistrict code → its district code"""
    categories: frozenset[str] = frozenset()
    review_keys: Mapping[str, Callable[[str], bool]] = field(default_factory=dict)
    """extra params of the review page: name → validator"""


class _Notices(list[str]):
    def ignore(self, name: str, value: str, why: str) -> None:
        shown = value if len(value) <= NOTICE_VALUE_CHARS else value[:NOTICE_VALUE_CHARS] + "…"
        self.append(f"Ignored {name}={shown!r}: {why}.")


def parse(params: Mapping[str, Sequence[str]], *, known: Known) -> tuple[ViewState, list[str]]:
    """Return the view state for query params and a notice for each value ignored."""
    notices = _Notices()
    values = {name: list(vs) for name, vs in params.items()}
    for name in sorted(set(values) - _KNOWN_NAMES - set(known.review_keys)):
        notices.ignore(name, ",".join(values[name]), "unknown parameter")
    for name, items in values.items():
        too_long = [v for v in items if len(v) > MAX_VALUE_LENGTH]
        for value in too_long:
            notices.ignore(name, value, f"longer than {MAX_VALUE_LENGTH} characters")
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
        lang=_choice(one("lang"), "lang", LANGS, "th", notices),
        view=_view(one("lat"), one("lon"), one("zoom"), notices),
        q=(one("q") or "").strip(),
        sort=_choice(one("sort"), "sort", SORTS, "newest", notices),
        review=_review(values, known, notices),
    )
    state = _with_subdistrict(state, one("subdistrict"), known, notices)
    if state.since and state.until and state.since > state.until:
        notices.ignore(
            "until", state.until.isoformat(), f"it is before since={state.since.isoformat()}"
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
    "lang",
    "lat",
    "lon",
    "zoom",
    "q",
    "sort",
}


def _district(value: str | None, known: Known, notices: _Notices) -> str | None:
    if value is None or value == "":
        return None
    if value not in known.districts:
        notices.ignore("district", value, "not a Bangkok district code (1001–1050)")
        return None
    return value


def _with_subdistrict(
    state: ViewState, value: str | None, known: Known, notices: _Notices
) -> ViewState:
    if value is None or value == "":
        return state
    parent = known.subdistricts.get(value)
    if parent is None:
        notices.ignore("subdistrict", value, "not a Bangkok subdistrict code")
        return state
    if state.district and state.district != parent:
        notices.ignore("subdistrict", value, f"it is in district {parent}, not {state.district}")
        return state
    return state.with_(district=parent, subdistrict=value)


def _date(value: str | None, name: str, notices: _Notices) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        notices.ignore(name, value, "not a date; use YYYY-MM-DD")
        return None


def _categories(values: list[str], known: Known, notices: _Notices) -> tuple[str, ...]:
    chosen: list[str] = []
    for value in values:
        if known.categories and value not in known.categories:
            notices.ignore("category", value, "no such category in the data")
        elif value not in chosen:
            chosen.append(value)
    if len(chosen) > MAX_CATEGORIES:
        notices.ignore(
            "category", ",".join(chosen[MAX_CATEGORIES:]), f"more than {MAX_CATEGORIES} categories"
        )
    return tuple(chosen[:MAX_CATEGORIES])


def _choice(
    value: str | None, name: str, choices: Sequence[str], default: str, notices: _Notices
) -> str:
    if value is None or value == "":
        return default
    if value not in choices:
        notices.ignore(name, value, "use one of " + ", ".join(choices))
        return default
    return value


def _flag(value: str | None, name: str, notices: _Notices) -> bool:
    if value is None or value == "":
        return False
    if value not in ("0", "1"):
        notices.ignore(name, value, "use 1 (on) or 0 (off)")
        return False
    return value == "1"


def _view(lat: str | None, lon: str | None, zoom: str | None, notices: _Notices) -> MapView | None:
    if lat is None and lon is None and zoom is None:
        return None
    try:
        la, lo, zo = float(lat or "nan"), float(lon or "nan"), int(zoom or "-1")
    except ValueError:
        notices.ignore("lat/lon/zoom", f"{lat},{lon},{zoom}", "not numbers")
        return None
    minx, miny, maxx, maxy = MAP_BOUNDS
    if not (math.isfinite(la) and math.isfinite(lo) and miny <= la <= maxy and minx <= lo <= maxx):
        notices.ignore("lat/lon", f"{lat},{lon}", "not a point in or near Bangkok")
        return None
    if not ZOOM_RANGE[0] <= zo <= ZOOM_RANGE[1]:
        notices.ignore("zoom", str(zoom), f"use a zoom from {ZOOM_RANGE[0]} to {ZOOM_RANGE[1]}")
        return None
    return MapView(lat=round(la, 5), lon=round(lo, 5), zoom=zo)


def _review(values: Mapping[str, list[str]], known: Known, notices: _Notices) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for name, valid in known.review_keys.items():
        items = values.get(name) or []
        if not items:
            continue
        if valid(items[-1]):
            chosen[name] = items[-1]
        else:
            notices.ignore(name, items[-1], "not a valid value")
    return chosen


def to_params(state: ViewState) -> dict[str, str | list[str]]:
    """Return the query params for a state, leaving out defaults (stable key order)."""
    params: dict[str, str | list[str]] = {}
    if state.district:
        params["district"] = state.district
    if state.subdistrict:
        params["subdistrict"] = state.subdistrict
    if state.since:
        params["since"] = state.since.isoformat()
    if state.until:
        params["until"] = state.until.isoformat()
    if state.categories:
        params["category"] = list(state.categories)
    if state.state != "all":
        params["state"] = state.state
    if state.metric != "open":
        params["metric"] = state.metric
    if state.heat:
        params["heat"] = "1"
    if state.lang != "th":
        params["lang"] = state.lang
    if state.view:
        params.update(
            lat=f"{state.view.lat:.5f}", lon=f"{state.view.lon:.5f}", zoom=str(state.view.zoom)
        )
    if state.q:
        params["q"] = state.q
    if state.sort != "newest":
        params["sort"] = state.sort
    params.update(dict(sorted(state.review.items())))
    return params


def link(page: str, state: ViewState) -> str:
    """Return the relative URL of `page` showing `state`, e.g. '/district?district=1001'."""
    query = urlencode(to_params(state), doseq=True)
    return "/" + PAGES[page] + (f"?{query}" if query else "")
