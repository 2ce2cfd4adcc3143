"""The thin Streamlit shell shared by every page: URL state, sidebar, notices, errors.

Each run: the query string is parsed into a `ViewState` (bad values → notices); widgets
are set from that state; a widget's `on_change` writes the changed state back to the URL.
Navigation links carry the state, because Streamlit clears query params between pages.
"""

from __future__ import annotations

import functools
import html
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ParamSpec
from urllib.parse import urlsplit

import streamlit as st
from streamlit.runtime.secrets import secrets_singleton

from dashboard import access, config, i18n
from dashboard.access import Viewer
from dashboard.access.privacy import EVERYTHING, Disclosure
from dashboard.analysis import metrics
from dashboard.analysis.filters import STATE_GROUPS, Filters, replace_filters
from dashboard.errors import KhetmapError, StoreError
from dashboard.i18n import Lang
from dashboard.render import urlstate
from dashboard.render.urlstate import ViewState
from dashboard.text import inert
from dashboard.ui import cache
from dashboard.vocab import BANGKOK_TZ

LOG = logging.getLogger("khetmap")
P = ParamSpec("P")
STATE_KEY = "khetmap_view_state"
LINK_SLOT = "khetmap_link_slot"
"""The sidebar's place for the link to the view (the page, and the `st.empty` to fill)."""
NO_REFERRER = '<meta name="referrer" content="no-referrer">'
"""The page's referrer policy: a photo or link a page shows tells no host which dashboard
it was seen on. The data grid loads thumbnails with a plain `Image()` (no attribute of its
own to set), which follows the policy of the document; the sidebar sets it before the page's
body is drawn."""
PRINT_HIDDEN = ", ".join(
    f'[data-testid="{name}"]'
    for name in (
        "stSidebar", "stSidebarCollapsedControl", "stHeader", "stToolbar", "stDecoration",
        "stStatusWidget", "stSelectbox", "stMultiSelect", "stRadio", "stSlider", "stDateInput",
        "stTextInput", "stToggle", "stCheckbox", "stButton", "stDownloadButton", "stPageLink",
        "stPopover", "stSegmentedControl", "stPills", "stNumberInput", "stButtonGroup",
        "stTextArea", "stFileUploader", "stLinkButton",
    )
)  # fmt: skip
PRINT_RULES = (
    f"{PRINT_HIDDEN} {{ display: none !important; }} "
    '[data-testid="stMain"] { margin-left: 0 !important; } '
    '[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0 1rem !important; } '
    'iframe, [data-testid="stVegaLiteChart"], [data-testid="stMetric"] { break-inside: avoid; } '
    "thead { display: table-header-group; } tr { break-inside: avoid; } "
    "table.khetmap-print { border-collapse: collapse; width: 100%; font-size: 0.8rem; } "
    "table.khetmap-print th, table.khetmap-print td { border: 1px solid #ccc; padding: 2px 4px; "
    "text-align: left; vertical-align: top; } "
    "table.khetmap-print th { background: #f0f2f6; } table.khetmap-print td.nw { white-space: nowrap; } "
    '[data-testid="stElementContainer"]:has([data-testid="stHeading"]) { break-after: avoid; } '
    '[data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"]) { break-after: avoid; }'
)
"""What a printed page leaves out (sidebar, controls, the app's own bars) and keeps whole."""
PRINT_STYLE = (
    "<style>@media print { @page { size: A4 landscape; margin: 10mm; } "
    + PRINT_RULES
    + " }</style>"
)
"""Every page prints without sidebar or controls (Ctrl+P); a fixed string, no data in it."""
PRINT_VIEW_STYLE = PRINT_STYLE + "<style>" + PRINT_RULES + "</style>"
"""The print view (`print=1`) looks on screen as it prints."""
KPI_STYLE = (
    "<style>@media (max-width: 640px) { "
    '[class*="st-key-kpis"] [data-testid="stHorizontalBlock"] { flex-flow: row wrap !important; } '
    '[class*="st-key-kpis"] [data-testid="stColumn"] { min-width: calc(50% - 0.5rem) !important; '
    "flex: 1 1 calc(50% - 0.5rem) !important; } "
    # no bare "*" here: the style goes through Markdown, which would read it as emphasis
    '[class*="st-key-kpis"] .stMarkdownEllipsis, [class*="st-key-kpis"] .stMarkdownEllipsis p '
    "{ white-space: normal !important; "
    "overflow: visible !important; text-overflow: clip !important; } }</style>"
)
"""Headline figures sit two to a row on a phone (Streamlit would stack them one a row), and
a card's label and second line wrap there rather than end in "…"."""
NBSP = "\u00a0"
DATE_SEGMENTS = ("year", "month", "day")
"""The date input's parts in the order of its format (YYYY-MM-DD) and of `date_mask`."""


def widget_words(lang: Lang) -> str:
    """Styles that write, on a Thai page, the Thai for what Streamlit's widgets write in
    English and no parameter changes: the date input's empty parts (yyyy-mm-dd) and a
    multiselect's "No results". Our own words from `i18n`, no data."""
    if lang == "en":
        return ""
    masks = zip(DATE_SEGMENTS, i18n.t("date_mask", lang).split("-"), strict=True)
    rules = [
        f'[data-testid="stDateInputField"] [data-placeholder="true"][data-type="{part}"]'
        f'{{ font-size: 0; }} [data-testid="stDateInputField"] '
        f'[data-placeholder="true"][data-type="{part}"]::before {{ content: "{mask}"; '
        "font-size: 13px; }"
        for part, mask in masks
    ]
    rules.append(
        '[data-testid="stMultiSelectDropdown"] [data-empty="true"] [role="option"] span '
        "{ font-size: 0; } "
        '[data-testid="stMultiSelectDropdown"] [data-empty="true"] [role="option"] span::after '
        f'{{ content: "{i18n.t("no_matches", lang)}"; font-size: 14px; }}'
    )
    return "<style>" + " ".join(rules) + "</style>"


PAGE_HEADS = {
    (printing, lang): NO_REFERRER
    + KPI_STYLE
    + (PRINT_VIEW_STYLE if printing else PRINT_STYLE)
    + widget_words(lang)
    for printing in (False, True)
    for lang in urlstate.LANGS
}
"""What every page adds at the end of its sidebar (no referrer, the phone and print
styles, Streamlit's own words in Thai), by whether it is the print view and the page's
language; constants only, no data."""
LINK_FILLED = "khetmap_link_filled"
"""Whether this run has filled the link (a map fragment does; else the page at its end)."""
VERSION_CHECK_SECONDS = 30


@dataclass(frozen=True)
class Context:
    """What a page needs: the parsed view, the data version and the shared geography."""

    page: str
    state: ViewState
    version: str
    as_of: datetime
    geo: cache.Geography
    predictions: int = 0
    """tickets with a predicted category in the store (0: no classifier has run)"""
    snapshot: metrics.Snapshot | None = None
    """the daily snapshot a past-date view (`as_of=`) shows; None: today's data"""
    freshness: metrics.Freshness | None = None
    viewer: Viewer = access.PUBLIC_VIEWER
    """who is looking (not signed in: the public view)"""
    disclosure: Disclosure = access.PUBLIC_VIEWER.disclosure
    """whose citizens' text this page shows whole (`privacy`); everyone's when redaction is off"""

    def whole(self, district: object) -> bool:
        """True when a ticket of `district` shows its citizen's text whole on this page."""
        return self.disclosure.whole(district)

    @property
    def with_predicted(self) -> bool:
        """True when this page counts the predicted categories (asked, applied, and any)."""
        return urlstate.filtered(self.page, self.state).predicted and self.predictions > 0

    @property
    def lang(self) -> Lang:
        return self.state.lang

    def t(self, key: str, **values: object) -> str:
        return i18n.t(key, self.state.lang, **values)

    def filters(self, **changes: Any) -> Filters:
        """Return the metrics filters for this view (optionally changed): only the sidebar
        filters this page applies (`urlstate.Page.filters`)."""
        state = urlstate.filtered(self.page, self.state)
        base = Filters(
            since=state.since,
            until=state.until,
            categories=state.categories,
            state_group=state.state,
            district=state.district,
            subdistrict=state.subdistrict,
            include_predicted=self.with_predicted,
        )
        return replace_filters(base, **changes) if changes else base

    def area_name(self, code: str) -> str:
        layer = self.geo.districts if len(code) == 4 else self.geo.subdistricts
        index = layer.index_of(code)
        return i18n.area_name(layer.names_th[index], layer.names_en[index], self.lang)


RUN_SLOTS = threading.BoundedSemaphore(config.run_slots())
"""Page runs computing at once in this server (`config.run_slots`)."""


def run_page(page: str, render: Callable[[Context], None]) -> None:
    """Set up the page from the URL, render it, and turn any error into a message.

    The run waits for one of the server's `RUN_SLOTS` first.
    """
    with RUN_SLOTS, errors_shown(page):
        context = _start(page)
        render(context)
        if not st.session_state.get(LINK_FILLED, True):
            show_link()
        if context.state.printing:
            live = absolute(urlstate.link(page, context.state.with_(printing=False)))
            label = html.escape(i18n.t("print_live_link", context.lang))
            # our own link, built from the parsed view (every value in it is checked)
            st.markdown(
                f'<p>{label}<br><a href="{html.escape(live)}">{html.escape(live)}</a></p>',
                unsafe_allow_html=True,
            )


def page_lang() -> Lang:
    """The page's language, straight from the link (usable before the state is parsed)."""
    return i18n.pick_lang(st.query_params.get("lang"))


@contextmanager
def errors_shown(where: str) -> Iterator[None]:
    """Turn domain errors into their message and anything else into a generic one (logged);
    a store's error is one line in the page's language, its details go to the server log.

    Also closes the run's store connection when the outermost page or fragment is done.
    """
    cache.enter_run()
    try:
        yield
    except StoreError as exc:  # its message names a path or a host: for the server log only
        LOG.error("%s: the store did not answer: %s", where, exc)
        st.error(i18n.t(f"store_why_{exc.reason}", page_lang()))
    except KhetmapError as exc:
        st.error(inert(str(exc)))
    except Exception as exc:  # never a traceback on the page; the server log has it
        if type(exc).__module__.startswith("streamlit"):
            raise  # rerun / switch-page / stop signals are control flow, not errors
        LOG.exception("%s failed", where)
        st.error(i18n.t("internal_error", page_lang()))
    finally:
        cache.leave_run()


def safe_fragment(function: Callable[P, None]) -> Callable[P, None]:
    """`st.fragment` whose errors are shown like the page's (Streamlit would show a traceback)."""

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
        with errors_shown(function.__name__):
            function(*args, **kwargs)

    fragment: Callable[P, None] = st.fragment(guarded)
    return fragment


def _start(page: str) -> Context:
    geo = cache.geography()
    version = cache.version()
    as_of = cache.as_of(version)
    if as_of is None:
        raise KhetmapError(i18n.t("empty_store", page_lang()))
    known = urlstate.Known(
        districts=frozenset(geo.districts.codes),
        subdistricts=dict(zip(geo.subdistricts.codes, geo.subdistricts.parent_codes, strict=True)),
        categories=frozenset(cache.categories(version)),
    )
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    state, notices = urlstate.parse(params, known=known)
    viewer = current_viewer()
    state = _own_district(page, state, viewer, params)
    snapshot = cache.snapshot_for(version, state.as_of) if state.as_of else None
    lang = state.lang
    if state.as_of and snapshot is None:
        asked = i18n.short_date(state.as_of, lang)
        st.warning(i18n.t("as_of_none", lang, asked=asked), icon="⚠️")
        state = state.with_(as_of=None)
    st.session_state[STATE_KEY] = state
    _write_url(state)
    _notice(urlstate.notice_lines(notices, lang=state.lang))
    freshness = cache.freshness(version)
    _freshness_warning(freshness, lang)
    as_of_shown = urlstate.PAGES[page].as_of
    if snapshot is not None and as_of_shown == "snapshot":
        _snapshot_banner(snapshot, state)
    elif snapshot is not None and as_of_shown == "live":
        day = i18n.short_date(snapshot.day, lang)
        st.info(i18n.t("as_of_page_live", lang, day=day), icon="🗓️")
    context = Context(
        page=page,
        state=state,
        version=version,
        as_of=as_of,
        geo=geo,
        predictions=cache.prediction_count(version),
        snapshot=snapshot,
        freshness=freshness,
        viewer=viewer,
        disclosure=viewer.disclosure if cache.redaction_announced() else EVERYTHING,
    )
    _sign_in_notice(viewer, lang)
    _sidebar(context, cache.categories(version))  # most common first, 'unspecified' last
    _watch_version(version)
    return context


OPENED_KEY = "khetmap_opened"
"""Set on a session's first page run (a director is sent to their district only then)."""


def signin_configured() -> bool:
    """True when the server's secrets hold an `[auth]` section: sign-in is set up."""

    try:
        return bool(secrets_singleton.load_if_toml_exists() and secrets_singleton.get("auth"))
    except Exception:  # a secrets file that cannot be read: no sign-in (the log says why)
        LOG.exception("the secrets file cannot be read: sign-in is off")
        return False


def current_viewer() -> Viewer:
    """Who is looking: the public viewer unless sign-in is set up and the user signed in
    (`access.viewer_from_claims` judges the provider's claims against the roles file)."""
    if not signin_configured():
        return access.PUBLIC_VIEWER
    roles, usable = cache.roles_in_force()
    return access.viewer_from_claims(
        st.user.to_dict(),
        roles=roles,
        roles_usable=usable,
        now=datetime.now(UTC),
        session_hours=config.session_hours(),
    )


def _own_district(
    page: str, state: ViewState, viewer: Viewer, params: dict[str, list[str]]
) -> ViewState:
    """A district's director or staff opens on their own district: the district page when the
    link names no district, and the first page of a session when the link names nothing."""
    first_run = not st.session_state.get(OPENED_KEY)
    st.session_state[OPENED_KEY] = True
    own = viewer.own_districts
    if not own or state.district:
        return state
    if page == "district":
        return state.with_(district=own[0], subdistrict=None, view=None)
    if first_run and page == "city" and set(params) <= {"lang"}:
        st.switch_page(
            urlstate.PAGES["district"].file,
            query_params=urlstate.to_params(state.with_(district=own[0])),
        )
    return state


def _sign_in_notice(viewer: Viewer, lang: Lang) -> None:
    """Why a signed-in user sees the public view (no e-mail, expired, no role …)."""
    if viewer.problem is not None:
        st.warning(i18n.t(f"signin_{viewer.problem}", lang), icon="🔒")


def _account(context: Context) -> None:
    """The sidebar's sign-in or sign-out control, who is signed in and what they see whole."""
    viewer, lang = context.viewer, context.lang
    if signin_configured():
        if viewer.signed_in:
            who = viewer.email or viewer.name or ""
            st.caption(inert(i18n.t("signed_in_as", lang, who=who)))
            if viewer.role is not None:
                districts = ", ".join(context.area_name(c) for c in viewer.own_districts)
                st.caption(inert(i18n.t(f"role_{viewer.role.name}", lang, districts=districts)))
            if viewer.problem == "expired":
                st.button(i18n.t("sign_in_again", lang), on_click=st.login, key="w_sign_in")
            st.button(i18n.t("sign_out", lang), on_click=st.logout, key="w_sign_out")
        else:
            st.button(i18n.t("sign_in", lang), on_click=st.login, key="w_sign_in", type="primary")
    if context.disclosure.everywhere and viewer.role is None:
        st.caption(i18n.t("redaction_off", lang))
    elif context.disclosure.public:
        st.caption(i18n.t("public_view", lang))
    elif not context.disclosure.everywhere:
        st.caption(i18n.t("own_districts_whole", lang))


def link_notice(notices: Sequence[urlstate.Notice], *, lang: Lang) -> None:
    """A page's own notice for a link value it cannot use (known only once the page has
    read the data), shown as the shell shows the values it ignored."""
    _notice(urlstate.notice_lines(notices, lang=lang))


def _notice(lines: list[str]) -> None:
    """The link's ignored values as one message (a list when there are several)."""
    if len(lines) == 1:
        st.warning(inert(lines[0]), icon="⚠️")
    elif lines:
        st.warning("\n".join(f"- {inert(line)}" for line in lines), icon="⚠️")


def _freshness_warning(freshness: metrics.Freshness, lang: Lang) -> None:
    hours = config.stale_hours()
    if freshness.synced_at is not None and freshness.stale(datetime.now(UTC), hours):
        when = i18n.date_time(freshness.synced_at, lang)
        st.warning(i18n.t("sync_stale", lang, when=when, hours=f"{hours:g}"), icon="⏰")


def _snapshot_banner(snapshot: metrics.Snapshot, state: ViewState) -> None:
    lang = state.lang
    kind = i18n.t("as_of_backfilled", lang) if snapshot.backfilled else ""
    lines = [i18n.t("as_of_view", lang, day=i18n.short_date(snapshot.day, lang), kind=kind)]
    if snapshot.day != snapshot.asked:
        lines.append(
            i18n.t(
                "as_of_nearest",
                lang,
                asked=i18n.short_date(snapshot.asked, lang),
                day=i18n.short_date(snapshot.day, lang),
            )
        )
    if state.since or state.until:
        lines.append(i18n.t("as_of_dates_ignored", lang))
    st.info("\n\n".join(lines), icon="🗓️")


def freshness_line(context: Context) -> str:
    """The data's freshness in one plain line: the newest day in the data and when the store
    was last brought up to date ('ข้อมูลล่าสุด 18 ธ.ค. 2565 · ปรับปรุงเมื่อ 19 ธ.ค. 2565 06:00');
    how it is brought up to date is said on the about page."""
    lang = context.lang
    newest = i18n.short_date(context.as_of.astimezone(BANGKOK_TZ).date(), lang)
    parts = [i18n.t("fresh_newest", lang, day=newest)]
    updated = updated_at(context.freshness)
    if updated is not None:
        parts.append(i18n.t("fresh_updated", lang, when=i18n.date_time(updated, lang)))
    return " · ".join(part.replace(" ", NBSP) for part in parts)  # each part on one line


def updated_at(fresh: metrics.Freshness | None) -> datetime | None:
    """When the store was last brought up to date: its last sync, else its last ingest."""
    if fresh is None:
        return None
    return fresh.synced_at or fresh.ingested_at


def _write_url(state: ViewState) -> None:
    wanted = urlstate.to_params(state)
    current = {name: st.query_params.get_all(name) for name in st.query_params}
    normalised = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != normalised:
        st.query_params.from_dict(wanted)


def update_url(**changes: Any) -> None:
    """Change some fields of the current view state and write it to the URL."""
    state: ViewState = st.session_state.get(STATE_KEY, ViewState())
    state = state.with_(**changes)
    st.session_state[STATE_KEY] = state
    st.query_params.from_dict(urlstate.to_params(state))


def bound(key: str, value: Any, to_changes: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Set widget `key` from the URL state; return kwargs making its changes go to the URL."""
    st.session_state[key] = value

    def changed() -> None:
        update_url(**to_changes(st.session_state[key]))

    return {"key": key, "on_change": changed}


def _sidebar(context: Context, categories: list[str]) -> None:
    state, lang = context.state, context.lang
    with st.sidebar:
        st.radio(
            "ภาษา / Language",
            list(i18n.LANGS),
            horizontal=True,
            format_func=lambda v: "ไทย" if v == "th" else "English",
            **bound("w_lang", state.lang, lambda v: {"lang": v}),
        )
        _account(context)
        for page in urlstate.PAGES.values():
            st.page_link(
                page.file,
                label=i18n.t(page.title_key, lang),
                query_params=urlstate.to_params(_for_page(page.name, state)),
            )
        _filters(context, categories)
        st.caption(freshness_line(context))
        st.session_state[LINK_SLOT] = (context.page, st.empty())
        st.session_state[LINK_FILLED] = False
        # a plain link: the print view loads with print=1 in the address bar, so a reload or
        # a copied address stays the print view (our own link from the parsed view)
        printing = html.escape(urlstate.link(context.page, state.with_(printing=True)))
        label = html.escape(i18n.t("print_view", lang))
        st.markdown(f'<a href="{printing}" target="_self">{label}</a>', unsafe_allow_html=True)
        st.markdown(PAGE_HEADS[state.printing, lang], unsafe_allow_html=True)  # last: no gap shows


def _filters(context: Context, categories: list[str]) -> None:
    """The sidebar filters this page applies (`urlstate.Page.filters`), and only those."""
    state, lang = context.state, context.lang
    used = urlstate.PAGES[context.page].filters
    if not used:
        return
    st.subheader(i18n.t("filters", lang))
    if "dates" in used:
        dates = tuple(d for d in (state.since, state.until) if d)
        st.date_input(
            i18n.t("dates", lang),
            format="YYYY-MM-DD",
            help=i18n.t("dates_help", lang),
            **bound("w_dates", dates, _dates_changed),
        )
    if "categories" in used:
        st.multiselect(
            i18n.t("categories", lang),
            categories,
            placeholder=i18n.t("all_categories", lang),
            format_func=lambda c: i18n.category_label(c, lang),
            select_all=False,  # no category chosen is all of them; no "Select all" in English
            **bound("w_categories", list(state.categories), lambda v: {"categories": tuple(v)}),
        )
    if "predicted" in used and context.predictions:
        st.toggle(
            i18n.t("include_predicted", lang),
            help=i18n.t("include_predicted_help", lang),
            **bound("w_predicted", state.predicted, lambda v: {"predicted": bool(v)}),
        )
    if "state" in used:
        st.radio(
            i18n.t("state_group", lang),
            list(STATE_GROUPS),
            horizontal=True,
            format_func=lambda v: i18n.t(f"state_{v}", lang),
            **bound("w_state", state.state, lambda v: {"state": v}),
        )


def show_link() -> None:
    """Fill the sidebar's link with the view as it is now.

    A page with a map calls it at the end of the map's fragment, on every run of it: the
    map's position reaches the URL inside the fragment, after the sidebar was drawn, and
    the link must always equal the address bar. (A fragment may fill a container made
    outside it only if it fills it on every full run too, so exactly one writer fills the
    slot per run: the fragment, else the page at its end, `run_page`.)"""
    if LINK_SLOT not in st.session_state:
        return
    page, slot = st.session_state[LINK_SLOT]
    state: ViewState = st.session_state.get(STATE_KEY, ViewState())
    with slot.container():
        st.caption(i18n.t("link_help", state.lang))
        st.code(absolute(urlstate.link(page, state)), language=None)
    st.session_state[LINK_FILLED] = True


def absolute(relative: str) -> str:
    """Return `relative` (starting with '/') on this app's host, as the browser sees it."""
    parts = urlsplit(st.context.url or "")
    if not parts.scheme or not parts.netloc:
        return relative
    return f"{parts.scheme}://{parts.netloc}{relative}"


def _for_page(page: str, state: ViewState) -> ViewState:
    """The state a navigation link carries: the map view belongs to the page it was set on."""
    return state.with_(view=None)


def _dates_changed(value: Any) -> dict[str, Any]:
    chosen = [d for d in (value or ()) if isinstance(d, date)]
    if len(chosen) == 1:  # the user has picked a start and not yet an end
        return {"since": chosen[0], "until": None}
    if len(chosen) == 2:
        return {"since": min(chosen), "until": max(chosen)}
    return {"since": None, "until": None}


def _watch_version(version: str) -> None:
    """Rerun when a new ingest has changed the store, so open pages show new data."""

    @st.fragment(run_every=VERSION_CHECK_SECONDS)
    def check() -> None:
        if cache.version() != version:
            st.rerun()

    check()


def go(page: str, **changes: Any) -> None:
    """Switch to `page` with the current state changed, keeping everything in the URL."""
    state: ViewState = st.session_state.get(STATE_KEY, ViewState())
    st.switch_page(
        urlstate.PAGES[page].file,
        query_params=urlstate.to_params(state.with_(view=None, **changes)),
    )
