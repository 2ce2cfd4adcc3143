"""Small Streamlit building blocks the pages share: KPI rows and map event handling."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import access, config, i18n, vocab
from dashboard.analysis.coverage import Coverage
from dashboard.analysis.filters import Filters
from dashboard.analysis.metrics import Totals
from dashboard.errors import KhetmapError, SubscriptionsError, WriteRefusedError
from dashboard.i18n import Lang
from dashboard.notify import own_subscriptions
from dashboard.notify.subscriptions import RULES, Known
from dashboard.render import assets, charts, exports, lod, mapimage, maps, photos
from dashboard.render.urlstate import MapView
from dashboard.text import html_cell, inert, plain
from dashboard.ui import cache, shell
from dashboard.ui.shell import Context, update_url
from dashboard.vocab import BANGKOK_TZ

VIEW_TOLERANCE = 1e-4


KPIS_PER_ROW = 4


def kpi_row(
    context: Context,
    totals: Totals,
    coverage: Coverage,
    *,
    extra: list[tuple[str, str, str | None]] | None = None,
    notes: list[str] | None = None,
) -> None:
    """The headline figures that apply to this view, in one row (two to a row on a phone).

    A figure the data cannot support is not a card: one quiet line names it with the reason.
    One that does not apply to the view (finished share when only open tickets are
    selected) is left out.
    """
    t, state = context.t, context.state
    notes = list(notes or [])
    items: list[tuple[str, str, str | None]] = []
    if state.state == "all":  # with a state filter, "total" would repeat the one count
        items.append((t("total"), f"{totals.total:,}", None))
    if state.state != "finished":
        items.append((t("open"), f"{totals.open:,}", None))
    if state.state == "finished":
        items.append((t("finished"), f"{totals.finished:,}", None))
    if state.state == "all":
        share = totals.finished_share
        items.append((t("finished_share"), t("no_data") if share is None else f"{share:.1%}", None))
    if coverage.supports("finish_time"):
        median = totals.median_days_to_finish
        items.append((t("median_days"), t("no_data") if median is None else f"{median:,.1f}", None))
        notes.append(coverage.rests_on("finish_time", context.lang))
    elif state.state != "open":
        notes.append(
            coverage.unavailable("finish_time", context.lang).replace(
                ": ", f": {t('median_days')} — ", 1
            )
        )
    items += extra or []
    if totals.no_location:
        notes.append(t("no_location_note", n=totals.no_location))
    metric_cards(items)
    for note in filter(None, notes):
        st.caption(inert(note))


def metric_cards(
    items: list[tuple[str, str, str | None]], *, key: str = "kpis", per_row: int = KPIS_PER_ROW
) -> None:
    """Figures as cards, `per_row` to a row (`key` starts with "kpis": two to a row on a
    phone, see `shell.KPI_STYLE`; one key per row of cards on a page). A card's third item
    is a grey second line under its figure (a share, a comparison), with no arrow: it is
    not a change."""
    with st.container(key=key):
        for start in range(0, len(items), per_row):
            row = items[start : start + per_row]
            for column, (label, value, delta) in zip(st.columns(per_row), row, strict=False):
                column.metric(
                    label,
                    value,
                    delta=delta,
                    delta_color="off",
                    delta_arrow="off",
                    border=True,
                    height="stretch",
                )


def how_computed(context: Context, notes: list[str]) -> None:
    """A section's "how it is computed": its methods, rules and sources, out of the body."""
    with st.expander(context.t("how_computed")):
        for note in notes:
            st.caption(inert(note))


def predictions_shown(context: Context, frame: pd.DataFrame) -> dict[str, list[tuple[str, float]]]:
    """The predictions of the listed tickets, when the view includes predicted categories."""
    if not context.with_predicted or frame.empty:
        return {}
    return cache.predictions_for(context.version, tuple(str(i) for i in frame["ticket_id"]))


PRINT_TABLE_ROWS = 300
"""The print view prints a table whole up to this many rows (the downloads have them all)."""


def show_table(
    context: Context,
    frame: pd.DataFrame,
    *,
    why: Mapping[str, str] | None = None,
    rows_named_by: str | None = None,
    **options: Any,
) -> None:
    """A table, or a line saying there is nothing (an empty grid says "empty" in English).

    A column no row can fill is left out, and so, with `rows_named_by` (the column that
    names each row), is a row no column can fill; one quiet line under the table names them
    with the reason (`why`, by column or row name; `supported_part`). The print view draws
    the table as a plain table, so it prints whole (a data grid scrolls and prints only what
    is in view)."""
    labels = column_labels(options.get("column_config"))
    frame, notes = supported_part(
        frame, why=why or {}, rows_named_by=rows_named_by, labels=labels, lang=context.lang
    )
    _draw_table(context, frame, options)
    for note in notes:
        st.caption(inert(note))


def _draw_table(context: Context, frame: pd.DataFrame, options: dict[str, Any]) -> None:
    if frame.empty:
        st.caption(context.t("no_rows"))
        return
    config = options.get("column_config")
    if config:  # the labels of columns left out would name nothing
        options["column_config"] = {k: v for k, v in config.items() if k in frame.columns}
    if context.state.printing:
        shown = frame.head(PRINT_TABLE_ROWS)
        st.markdown(print_table(shown, options.get("column_config")), unsafe_allow_html=True)
        if len(frame) > PRINT_TABLE_ROWS:
            st.caption(context.t("print_rows_cut", shown=PRINT_TABLE_ROWS, total=len(frame)))
        return
    options["column_config"] = figure_columns(frame, options.get("column_config"))
    options.setdefault("placeholder", "")  # a missing value is an empty cell, not "None"
    st.dataframe(frame, hide_index=True, width="stretch", **options)


def supported_part(
    frame: pd.DataFrame,
    *,
    why: Mapping[str, str],
    rows_named_by: str | None,
    labels: Mapping[str, str],
    lang: Lang,
) -> tuple[pd.DataFrame, list[str]]:
    """`frame` without the columns that have no value in any row and (with `rows_named_by`)
    the rows that have none in any other column, and a line per reason naming them: "Not
    shown: “Median days to finish”: no finished ticket has a finish time…". `why` gives the
    reason by column or row name (else: no row has a value); `labels` the columns' shown
    names. An empty text is a value (a cell left blank on purpose); a missing one is not."""
    missing = frame.isna()
    empty = [c for c in frame.columns if c != rows_named_by and bool(missing[c].all())]
    kept = frame.drop(columns=empty)
    left_out = [(str(c), labels.get(str(c), str(c))) for c in empty]
    figures = [c for c in kept.columns if c != rows_named_by]
    if rows_named_by is not None and figures:
        blank = kept[figures].isna().all(axis=1)
        left_out += [(str(n), str(n)) for n in kept.loc[blank, rows_named_by]]
        kept = kept.loc[~blank].reset_index(drop=True)
    named: dict[str, list[str]] = {}
    for key, shown in left_out:
        reason = why.get(key) or i18n.t("why_no_value", lang)
        named.setdefault(reason, []).append(f"“{shown}”")
    notes = [i18n.t("not_shown", lang, what=", ".join(n), why=r) for r, n in named.items()]
    return kept, notes


def column_labels(config: Mapping[str, Any] | None) -> dict[str, str]:
    """The shown name of each column `config` labels (a column config's "label")."""
    return {
        str(name): str(value["label"])
        for name, value in (config or {}).items()
        if isinstance(value, dict) and value.get("label")
    }


COUNT_FORMAT = "%,d"
"""Whole numbers in a table: thousands separators, as the cards write them (6,180)."""
DECIMAL_FORMAT = "%,.1f"
"""Other figures in a table: one decimal, thousands separators (1,234.5)."""


def figure_column(label: str, *, decimals: int = 0, **options: Any) -> Any:
    """A table column of figures with thousands separators (`decimals` after the point).
    Ids, codes and years are text columns, never figures: they get no separator."""
    style = COUNT_FORMAT if decimals == 0 else f"%,.{decimals}f"
    return st.column_config.NumberColumn(label, format=style, **options)


def figure_columns(frame: pd.DataFrame, config: dict[str, Any] | None) -> dict[str, Any]:
    """`config` with every numeric column it does not name shown as figures (whole numbers
    `COUNT_FORMAT`, others `DECIMAL_FORMAT`): the one place every grid gets its separators."""
    columns = dict(config or {})
    for name in frame.columns:
        values = frame[name]
        if name in columns or pd.api.types.is_bool_dtype(values):
            continue
        if not pd.api.types.is_numeric_dtype(values):
            continue
        numbers = values.dropna()
        whole = pd.api.types.is_integer_dtype(values) or bool((numbers % 1 == 0).all())
        columns[name] = figure_column(str(name), decimals=0 if whole else 1)
    return columns


def print_table(frame: pd.DataFrame, config: dict[str, Any] | None) -> str:
    """A table as the print view writes it: an HTML table of escaped text (its header
    repeated on every printed page), with the column labels the page gives it, figures with
    thousands separators, and a list of ticket pages as their numbers. No Markdown is run
    on a cell: the whole table is one HTML block."""
    labels = column_labels(config)
    hidden = {str(name) for name, value in (config or {}).items() if value is None}
    columns = [c for c in frame.columns if str(c) not in hidden]
    head = "".join(f"<th>{html_cell(labels.get(str(c), str(c)))}</th>" for c in columns)
    rows = "".join(
        "<tr>" + "".join(_print_cell(row[c]) for c in columns) + "</tr>"
        for row in frame[columns].to_dict(orient="records")
    )
    return (
        f'<table class="khetmap-print"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def _print_cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        text = ", ".join(str(v).rstrip("/").rsplit("/", 1)[-1] for v in value)
    elif value is None or (isinstance(value, float) and pd.isna(value)):
        text = ""
    elif isinstance(value, bool):
        text = str(value)
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    else:
        text = str(value)
    kind = ' class="nw"' if len(text) <= 24 else ""  # short cells (dates, states) never wrap
    return f"<td{kind}>{html_cell(text)}</td>"


def map_ready(context: Context) -> bool:
    """True when the map libraries can be served; otherwise say why instead of a blank map."""
    problems = []
    if not st.get_option("server.enableStaticServing"):
        problems.append(context.t("static_serving_off"))
    missing = assets.missing_files()
    if missing:
        problems.append(context.t("vendor_files_missing", files=", ".join(missing[:3])))
    if problems:
        st.error(inert(context.t("map_assets_missing", what="; ".join(problems))))
        return False
    return True


def clicked_code(result: dict[str, Any] | None, *, memory_key: str) -> str | None:
    """Return the area code of a new click on a choropleth (each click is handled once)."""
    drawing = (result or {}).get("last_active_drawing")
    previous = st.session_state.get(memory_key)
    st.session_state[memory_key] = drawing
    if not drawing or drawing == previous:
        return None
    code = (drawing.get("properties") or {}).get("code")
    return str(code) if code else None


def view_description(context: Context) -> str:
    """The view's filters and as-of day in words, for a picture's or a document's subtitle:
    'ถนน, ทางเท้า · ยังไม่เสร็จ · 1 ม.ค. 2565 – 18 ธ.ค. 2565 · ข้อมูล ณ 18 ธ.ค. 2565'."""
    state, lang = context.state, context.lang
    parts = [
        ", ".join(i18n.category_label(c, lang) for c in state.categories)
        if state.categories
        else context.t("all_categories"),
        f"{context.t('state_group')}: {i18n.t(f'state_{state.state}', lang)}",
    ]
    if state.since or state.until:
        since = i18n.short_date(state.since, lang) if state.since else "…"
        until = i18n.short_date(state.until, lang) if state.until else "…"
        parts.append(f"{since} – {until}")
    day = context.snapshot.day if context.snapshot else context.as_of.astimezone(BANGKOK_TZ).date()
    parts.append(context.t("picture_as_of", day=i18n.short_date(day, lang)))
    return " · ".join(parts)


def map_picture_button(
    context: Context,
    *,
    name: str,
    title: str,
    areas: dict[str, Any],
    bins: maps.Bins,
    metric: str,
    view: lod.Viewport,
    tickets: lod.TicketLayer | None = None,
    heat: pd.DataFrame | None = None,
) -> None:
    """'Save the map as a picture': the view on the screen, with its layers and legends, a
    title, the filters and the credits, as a print-resolution PNG drawn when clicked."""
    drawn = heat is not None or (tickets is not None and tickets.in_view > 0)
    if drawn:  # the areas are outlines: the picture shows the tickets, not the metric
        what = context.t("heat_legend") if heat is not None else context.t("legend_tickets")
        title = f"{title.split(':')[0]}: {what}"
    picture = mapimage.Picture(
        areas=areas,
        bins=bins,
        metric=metric,
        legend_title=i18n.metric_label(metric, context.lang),
        view=view,
        title=title,
        subtitle=view_description(context),
        credits=context.t("map_credits"),
        lang=context.lang,
        tickets=tickets,
        heat=heat,
    )
    st.download_button(
        context.t("save_map_png"),
        data=lambda: mapimage.png(picture),
        file_name=f"khetmap_{name}_{context.lang}.png",
        mime="image/png",
        help=context.t("save_map_png_help"),
    )


def map_key(name: str, context: Context) -> str:
    """The key of a page's map: its name and a digest of everything but the map's position.

    A change of language or filter changes the map's HTML, and the browser builds the map
    anew; under the same key that new map would open at its fitted view and report it as a
    move, so the link would lose the position it carries. A new key makes it a new map,
    opened where the link says."""
    shape = repr(context.state.with_(view=None, printing=False))
    return f"{name}_{hashlib.sha1(shape.encode()).hexdigest()[:10]}"


def map_viewport(map_key: str, view: MapView | None, opened: lod.Viewport) -> lod.Viewport:
    """What the map `map_key` shows: the viewport its browser last reported, else the link's
    view, else `opened` (where the map opens).

    `st_folium` stores what the browser sends under its key before the rerun, so the
    ticket layer for the view the user moved to is built before the map is drawn (the
    browser's value is parsed like any input). The map's centre and zoom still come from
    the link (`remember_view` keeps it current)."""
    reported = lod.Viewport.from_map(st.session_state.get(map_key))
    if reported is not None:
        return reported
    return lod.Viewport.around(view.lat, view.lon, view.zoom) if view else opened


def ticket_layer_caption(context: Context, layer: lod.TicketLayer, unlocated: int) -> str:
    """What the ticket layer draws in this view, and what no map can show."""
    caption = layer.caption(context.lang)
    if unlocated:
        caption += " · " + context.t("lod_unlocated", n=unlocated)
    return caption


def remember_view(context: Context, result: dict[str, Any] | None, *, map_key: str) -> None:
    """Write a moved map view (centre, zoom) to the URL so a shared link reproduces it.

    The first view a map reports is where it opened (fitted, or from the link): not a move.
    """
    if not result or not result.get("center") or result.get("zoom") is None:
        return
    centre = result["center"]
    view = MapView(
        lat=round(float(centre["lat"]), 5),
        lon=round(float(centre["lng"]), 5),
        zoom=int(result["zoom"]),
    )
    first_key = f"{map_key}_first_view"
    if first_key not in st.session_state:
        st.session_state[first_key] = view
        return
    if not _moved(context.state.view or st.session_state[first_key], view):
        return
    update_url(view=view)


def _moved(before: MapView, after: MapView) -> bool:
    return (
        abs(before.lat - after.lat) >= VIEW_TOLERANCE
        or abs(before.lon - after.lon) >= VIEW_TOLERANCE
        or before.zoom != after.zoom
    )


def ticket_table(
    frame: pd.DataFrame,
    lang: Lang,
    names: dict[str, str],
    predictions: dict[str, list[tuple[str, float]]] | None = None,
    *,
    with_finish_times: bool = False,
) -> pd.DataFrame:
    """Tickets as display columns (text only; links as URL columns, empty when absent; a
    photo only from the allowed photo hosts, `photos.shown`).

    An open ticket has its age; a finished one, `with_finish_times`, its days to finish
    (`exports.open_ages`, `exports.days_to_finish`); no ticket shows an age once closed.
    With `predictions`, an untyped ticket's category reads "predicted: Roads (0.82)".
    """
    predictions = predictions or {}
    hosts = config.photo_hosts()

    def categories(ticket_id: str, values: Any) -> str:
        own = ", ".join(i18n.category_label(c, lang) for c in values)
        if own or ticket_id not in predictions:
            return own or i18n.category_label(vocab.UNSPECIFIED, lang)
        items = ", ".join(
            f"{i18n.category_label(c, lang)} ({p:.2f})" for c, p in predictions[ticket_id]
        )
        return i18n.t("predicted_cell", lang, items=items)

    days = {"age_days": exports.open_ages(frame)}
    if with_finish_times:
        days["finish_days"] = exports.days_to_finish(frame)
    return pd.DataFrame(
        {
            "ticket_id": frame["ticket_id"],
            "reported": _local_dates(frame["reported_at"], lang),
            **days,
            "state": frame["state"].map(lambda s: i18n.state_label(s, lang)),
            "district": frame["district_code"].map(
                lambda c: names.get(c, "") if c else i18n.t("no_location", lang)
            ),
            "categories": [
                categories(str(i), cs)
                for i, cs in zip(frame["ticket_id"], frame["categories"], strict=True)
            ],
            "comment": frame["comment"].fillna("").map(plain).str.slice(0, 200),
            "photo": photos.shown_column(frame["photo"], hosts=hosts),
            "photo_after": photos.shown_column(frame["photo_after"], hosts=hosts),
            "public_page": frame["ticket_id"].map(lambda i: vocab.public_page(i) or ""),
        }
    )


def _local_dates(series: pd.Series, lang: Lang) -> pd.Series:
    """Bangkok days as the page's language writes them (Thai: the Buddhist-era year)."""
    stamps = pd.to_datetime(series, utc=True).dt.tz_convert(BANGKOK_TZ)
    return stamps.map(
        lambda moment: "" if pd.isna(moment) else i18n.short_date(moment.date(), lang)
    )


def link_columns(lang: Lang) -> dict[str, Any]:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    return {
        "ticket_id": st.column_config.TextColumn(t("ticket_id")),
        "reported": st.column_config.TextColumn(t("reported")),
        "age_days": figure_column(t("age_days")),
        "finish_days": figure_column(t("col_days_to_finish"), decimals=1),
        "state": st.column_config.TextColumn(t("state")),
        "district": st.column_config.TextColumn(t("district")),
        "categories": st.column_config.TextColumn(t("categories")),
        "comment": st.column_config.TextColumn(t("comment"), width="large"),
        "photo": st.column_config.LinkColumn(t("photo"), display_text=t("photo_link")),
        "photo_after": st.column_config.LinkColumn(t("photo_after"), display_text=t("photo_link")),
        "public_page": st.column_config.LinkColumn(t("public_page"), display_text=t("open_link")),
    }


def snapshot_kpis(context: Context, summary: pd.DataFrame) -> None:
    """The headline figures a daily snapshot keeps: tickets, open, open over 30 days."""
    t = context.t
    snapshot = context.snapshot
    if snapshot is None:
        return
    located = summary
    items = [
        (t("total"), f"{int(located['total'].sum()):,}"),
        (t("open"), f"{int(located['open'].sum()):,}"),
        (
            i18n.metric_label("open_over_30", context.lang),
            f"{int(located['open_over_30'].sum()):,}",
        ),
        (t("snapshot_day"), i18n.short_date(snapshot.day, context.lang)),
    ]
    for column, (label, value) in zip(st.columns(len(items)), items, strict=True):
        column.metric(label, value, border=True)


def backlog_history_panel(context: Context, filters: Filters) -> None:
    """Open backlog over time from the daily snapshots, a line per state, or why there is none."""
    t = context.t
    history = cache.backlog_history(context.version, filters)
    if history.empty:  # one quiet line with the reason, no heading over nothing
        st.caption(t("backlog_history_none"))
        return
    st.subheader(t("backlog_history"))
    st.altair_chart(charts.backlog_lines(history, lang=context.lang), width="stretch")
    if bool(history["backfilled"].any()) and context.freshness is not None:
        share = f"{context.freshness.last_change_share:.0%}"
        st.caption(t("backlog_history_backfilled", share=share))
    if len(filters.categories) > 1:
        st.caption(t("backlog_history_categories"))


OWN_SUBS_RESULT_KEY = "khetmap_own_subs_result"
LOG = logging.getLogger(__name__)


def own_subscriptions_panel(context: Context) -> None:
    """A signed-in user's own subscriptions (list, remove) and a form that adds one for the
    district in view, by e-mail to their signed-in address. Nothing for anyone else; the
    server checks every write again (`own_subscriptions`)."""
    viewer, district = context.viewer, context.state.district or ""
    if viewer.email is None or not access.may(
        viewer, action="manage_subscriptions", district=district
    ):
        return
    t, lang = context.t, context.lang
    with st.expander(t("own_subs_title")):
        st.caption(inert(t("own_subs_caption", email=viewer.email)))
        found = st.session_state.pop(OWN_SUBS_RESULT_KEY, None)
        if found is not None:
            done, line = found
            (st.success if done else st.error)(inert(line))
        mine = cache.own_subscriptions_of(viewer.email)
        if not mine:
            st.caption(t("own_subs_none"))
        for item in mine:
            rules = ", ".join(_rule_label(r, lang) for r in item.rules)
            line = t("own_subs_line", area=context.area_name(item.district), rules=rules,
                     every=t(f"own_sub_every_{item.every}"),
                     when=i18n.date_time(item.added_at, lang))  # fmt: skip
            words, button = st.columns([5, 1], vertical_alignment="center")
            words.markdown(inert(line))
            button.button(
                t("own_subs_remove"), key=f"w_unsub_{item.district}_{item.every}",
                on_click=_remove_own, args=(item.district, item.every, lang),
            )  # fmt: skip
        st.radio(t("own_subs_every"), ["week", "day"], key="w_sub_every", horizontal=True,
                 format_func=lambda v: t(f"own_sub_every_{v}"))  # fmt: skip
        st.multiselect(t("own_subs_rules"), list(RULES), default=["digest"], key="w_sub_rules",
                       format_func=lambda r: _rule_label(r, lang))  # fmt: skip
        known = Known(districts=context.geo.districts, subdistricts=context.geo.subdistricts)
        st.button(
            t("own_subs_add", area=context.area_name(district)), key="w_sub_add",
            on_click=_add_own, args=(district, lang, known),
        )  # fmt: skip


def _rule_label(rule: str, lang: Lang) -> str:
    if rule == "digest":
        return i18n.t("own_rule_digest", lang)
    return i18n.t(f"alert_rule_{rule}", lang, times="2")


def _add_own(district: str, lang: Lang, known: Known) -> None:
    """The add button's handler: the server's checked write, as the viewer signed in now,
    to their own address (never one typed on the page)."""
    viewer = shell.current_viewer()
    request = own_subscriptions.Request(
        district=district, every=st.session_state.get("w_sub_every", "week"),
        rules=tuple(st.session_state.get("w_sub_rules", ())), lang=lang,
        email=viewer.email or "",
    )  # fmt: skip
    try:
        stored = own_subscriptions.add(config.write_location(), viewer=viewer, request=request,
                                       known=known, now=datetime.now(UTC))  # fmt: skip
    except (KhetmapError, OSError) as exc:
        _own_result(lang, False, _own_problem(exc))
        return
    _own_result(lang, True, "own_subs_added", name=stored.name)


def _remove_own(district: str, every: str, lang: Lang) -> None:
    try:
        own_subscriptions.remove(config.write_location(), viewer=shell.current_viewer(),
                                 district=district, every=every, now=datetime.now(UTC))  # fmt: skip
    except (KhetmapError, OSError) as exc:
        _own_result(lang, False, _own_problem(exc))
        return
    _own_result(lang, True, "own_subs_removed")


def _own_problem(exc: BaseException) -> str:
    if isinstance(exc, WriteRefusedError):
        return "own_subs_refused"
    if isinstance(exc, SubscriptionsError):
        return "own_subs_invalid"
    LOG.warning("a subscription's write from the district page failed: %s", exc)
    return "own_subs_failed"


def _own_result(lang: Lang, done: bool, key: str, **values: object) -> None:
    st.session_state[OWN_SUBS_RESULT_KEY] = (done, i18n.t(key, lang, **values))
