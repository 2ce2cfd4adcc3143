"""The meeting brief: an A4 document (PDF, or the same HTML) in Thai or English throughout.

Page 1: a five-line summary (what is worse, what is better, which districts to ask about,
the ranking, the closures), then a static map drawn with geopandas/matplotlib (district
outlines and names, the unresolved-rate hot spots and the cells getting worse), so the PDF
needs no browser. Then the areas to act on, the league table with its unit and reading
direction, the closure audit with the share of closures each check can judge, caveats, and
sources with the as-of date. Text is HTML laid out by WeasyPrint (Pango shapes Thai); the map
carries no text of its own: district names are HTML placed over it, so they shape correctly
too. Pure: no streamlit.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import h3
import numpy as np
import pandas as pd
from shapely.geometry import Polygon

from dashboard import i18n
from dashboard.analysis import emerging, hotspots, metrics, review
from dashboard.analysis.audit import AUDIT_FLAGS, AuditFlag
from dashboard.analysis.coverage import Coverage
from dashboard.analysis.filters import Filters, replace_filters
from dashboard.boundaries import AreaLayer
from dashboard.i18n import Lang
from dashboard.provenance import SOURCES
from dashboard.store import Reader
from dashboard.vocab import BANGKOK_TZ

if TYPE_CHECKING:
    # lazy: matplotlib is imported only when a brief draws its map
    from matplotlib.axes import Axes

FONT_STACK = "'Garuda', 'Loma', 'Sarabun', 'Noto Sans Thai', 'DejaVu Sans', sans-serif"
SIDE_MARGIN_MM = 13
MAP_SHARE = 0.9
MAP_WIDTH_PT = (210 - 2 * SIDE_MARGIN_MM) / 25.4 * 72 * MAP_SHARE
"""The map spans 90% of the A4 page between its side margins (page 1 keeps its legend)."""
MAP_LABEL_PT = 5.2
STYLE = f"""
@page {{ size: A4; margin: 14mm {SIDE_MARGIN_MM}mm 16mm;
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }} }}
body {{ font-family: {FONT_STACK}; font-size: 9.5pt; color: #222; line-height: 1.45; }}
h1 {{ font-size: 17pt; margin: 0 0 2pt; }}
h2 {{ font-size: 12pt; margin: 12pt 0 4pt; border-bottom: 1px solid #ccc; break-after: avoid; }}
h2 + p.meta {{ break-after: avoid; }}
.meta {{ color: #555; margin: 2pt 0; font-size: 8.5pt; }}
ol.summary li {{ margin-bottom: 3pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 8pt; }}
th, td {{ border: 1px solid #ccc; padding: 2pt 4pt; text-align: left; vertical-align: top; }}
th {{ background: #f1f1f1; }}
thead {{ display: table-header-group; break-after: avoid; }}
tr {{ break-inside: avoid; }}
.map {{ position: relative; width: {MAP_SHARE:.0%}; margin: 4pt auto; }}
.map img {{ width: 100%; display: block; }}
.map span {{ position: absolute; transform: translate(-50%, -50%); font-size: {MAP_LABEL_PT}pt;
  color: #333; white-space: nowrap; background: rgba(255, 255, 255, 0.7); line-height: 1.1; }}
.map + .legend {{ break-before: avoid; }}
.legend span {{ display: inline-block; width: 10pt; height: 7pt; margin: 0 3pt 0 8pt;
  vertical-align: middle; }}
.break {{ break-before: page; }}
.nw {{ white-space: nowrap; }}
"""

RATE_HOT = dict({
    "hot 99%": "#a50f15", "hot 95%": "#de2d26", "hot 90%": "#fc9272", "too few": "#d9d9d9",
}.items())  # fmt: skip
WORSENING_EDGE = "#6a3d9a"
TOP_AREAS = 10


@dataclass(frozen=True)
class BriefData:
    """Everything the brief shows, computed once from the store."""

    lang: Lang
    as_of: datetime
    period: review.Period
    filters_text: list[str]
    rate: review.HotspotReview
    worsening: review.HotspotReview
    demand: review.HotspotReview
    league: pd.DataFrame
    audit: pd.DataFrame
    coverage: Coverage
    districts: AreaLayer
    names: dict[str, str]
    settings: review.ReviewSettings


def compose(
    con: Reader,
    *,
    lang: Lang,
    filters: Filters,
    settings: review.ReviewSettings,
    districts: AreaLayer,
    names: dict[str, str],
    population: dict[str, int],
) -> BriefData:
    """Run every query and analysis the brief needs for the review period of `filters`."""
    filters = replace_filters(filters, district=None, subdistrict=None)
    newest = metrics.newest_report(con) or datetime.now(BANGKOK_TZ)
    as_of = metrics.store_as_of(con) or newest
    period = review.review_period(filters, newest)
    now = replace_filters(filters, since=period.since, until=period.until)

    def hot(kind: str) -> review.HotspotReview:
        return review.hotspot_review(
            con,
            filters=now,
            kind=kind,
            measure="reports",
            resolution=settings.resolution,
            layer=districts,
            as_of=as_of,
        )

    filters_text = [review.period_text(period, lang)]
    if filters.categories:
        filters_text.append(
            f"{i18n.t('categories', lang)}: "
            + ", ".join(i18n.category_label(c, lang) for c in filters.categories)
        )
    return BriefData(
        lang=lang,
        as_of=as_of,
        period=period,
        filters_text=filters_text,
        rate=hot("rate"),
        worsening=hot("emerging"),
        demand=hot("demand"),
        league=review.league_table(
            con,
            filters=filters,
            period=period,
            layer=districts,
            population=population,
            settings=settings,
        ),
        audit=review.closure_audit(con, filters=now, layer=districts, settings=settings),
        coverage=metrics.data_coverage(con, filters=now),
        districts=districts,
        names=names,
        settings=settings,
    )


# --- the five lines -----------------------------------------------------------------------


def summary_lines(data: BriefData) -> list[str]:
    """Five lines: worse, better (both by open share against the city's own change, never
    by report volume), districts to ask about, the ranking, the closures."""
    worse, better = _moves(data)
    return [worse, better, _ask(data), _ranking(data), _closures(data)]


def _moves(data: BriefData) -> tuple[str, str]:
    """'Worse' and 'better': districts whose open share moved beyond noise, against the
    city's own move (`review.share_moves`), which each line says once."""
    lang, names = data.lang, data.names
    moves = review.share_moves(data.league)
    drivers = review.Drivers.of(data.league)
    city = {
        "city_before": _share(drivers.open_share_before, lang),
        "city_now": _share(drivers.open_share, lang),
    }

    def listed(frame: pd.DataFrame) -> str:
        return ", ".join(
            i18n.t(
                "brief_move_item",
                lang,
                name=names.get(str(r["code"]), str(r["code"])),
                before=f"{r['share_before']:.0%}",
                now=f"{r['share_now']:.0%}",
                move=review.share_points(r["move"]),
            )
            for r in frame.head(3).to_dict(orient="records")
        )

    worse, better = moves[moves["move"] > 0], moves[moves["move"] < 0].iloc[::-1]
    return (
        i18n.t("brief_worse", lang, districts=listed(worse), **city)
        if not worse.empty
        else i18n.t("brief_no_worse", lang, **city),
        i18n.t("brief_better", lang, districts=listed(better), **city)
        if not better.empty
        else i18n.t("brief_no_better", lang, **city),
    )


def _share(share: float | None, lang: Lang) -> str:
    return i18n.t("no_data", lang) if share is None else f"{share:.0%}"


def _ask(data: BriefData) -> str:
    lang = data.lang
    if data.rate.areas.empty:
        return i18n.t("brief_ask_none", lang)
    areas = data.rate.areas
    labels = hotspots.area_labels(areas, names=data.names, lang=lang)
    seen: list[str] = []
    parts = []
    for label, row in zip(labels, areas.to_dict(orient="records"), strict=True):
        if row["district_code"] in seen:
            continue
        seen.append(row["district_code"])
        parts.append(
            i18n.t(
                "brief_ask_area",
                lang,
                label=label,
                open=row["open"],
                reports=row["reports"],
                excess=f"{row['excess_open']:,.0f}",
            )
        )
        if len(seen) == 3:
            break
    return i18n.t("brief_ask", lang, areas="; ".join(parts))


def _ranking(data: BriefData) -> str:
    ranked = data.league[data.league["eligible"]].head(3)
    name_column = "name_en" if data.lang == "en" else "name_th"
    return i18n.t(
        "brief_ranking",
        data.lang,
        period=i18n.date_range(data.period.since, data.period.until, data.lang),
        districts=", ".join(
            f"{int(r['rank'])}. {r[name_column]} {r['open_per_10k']:.1f}"
            for r in ranked.to_dict(orient="records")
        ),
    )


def closure_totals(data: BriefData) -> tuple[int, int]:
    """Finished tickets in the period and those closed without an after-photo: the one pair
    of numbers the summary and the audit both print (the audit's per-district rows)."""
    audit = data.audit
    return int(audit["finished"].sum()), int(audit["no_after_photo"].sum())


def _closures(data: BriefData) -> str:
    lang = data.lang
    finished, no_photo = closure_totals(data)
    if finished == 0:
        return i18n.t("brief_closures_none", lang)
    if not data.coverage.supports("after_photo"):
        return i18n.t("brief_closures_no_photos", lang, finished=finished)
    return i18n.t(
        "brief_closures",
        lang,
        finished=finished,
        share=f"{no_photo / finished:.0%}",
        worst=_most_without_photo(data),
    )


def _most_without_photo(data: BriefData) -> str:
    """The district with the largest share of closures without an after-photo, or all of
    those that tie with it as printed ('บางกอกใหญ่ และตลิ่งชัน เขตละ 47%')."""
    lang, audit = data.lang, data.audit
    counted = audit[(audit["finished"] >= data.settings.min_tickets) & (audit["finished"] > 0)]
    if counted.empty:
        return i18n.t("no_data", lang)
    printed = counted["no_after_photo_share"].map(lambda v: f"{v:.0%}")
    top = f"{float(counted['no_after_photo_share'].max()):.0%}"
    tied = sorted(data.names.get(c, c) for c in counted.loc[printed == top, "code"])
    if len(tied) == 1:
        return f"{tied[0]} {top}"
    names = i18n.t("list_and", lang, first=", ".join(tied[:-1]), last=tied[-1])
    return i18n.t("brief_worst_each", lang, names=names, share=top)


def judged_lines(data: BriefData) -> list[str]:
    """For each closure check, on what share of the closures it rests (or why it cannot be
    judged): said apart from the checks' findings, so no one reads it as a finding."""
    return [
        i18n.t(
            "brief_judged",
            data.lang,
            check=i18n.t(flag.label, data.lang),
            share=_judged(data, flag),
        )
        for flag in AUDIT_FLAGS
    ]


def _judged(data: BriefData, flag: AuditFlag) -> str:
    """The share of the period's closures a check can judge, or why it cannot."""
    lang, field = data.lang, flag.field
    if not data.coverage.supports(field):
        return i18n.t("cannot_judge_why", lang, why=i18n.t(f"why_missing_{field}", lang))
    finished, _ = closure_totals(data)
    if flag.denominator != "finished":  # the closures that carry the check's field
        share = int(data.audit[flag.denominator].sum()) / finished if finished else 0.0
    elif field == "after_photo":  # a missing after-photo is itself the finding
        share = 1.0
    else:
        share = data.coverage.share(field) or 0.0
    if share >= 1.0:  # never '100%', which a skimming reader takes for the finding
        return i18n.t("judged_all", lang)
    shown = f"{share:.0%}" if 0.005 <= share < 0.995 else f"{share:.1%}"
    return i18n.t("judged_share", lang, share=shown)


# --- the static map -----------------------------------------------------------------------


Label = tuple[float, float, str]
"""A district's name on the map: (left %, top %, name)."""


Extent = tuple[float, float, float, float]
"""A map's (west, south, east, north) in degrees."""


def map_extent(layer: AreaLayer) -> tuple[Extent, float]:
    """The map's extent (the districts and a 0.01° margin) and its height over its width."""
    bounds = np.array([geometry.bounds for geometry in layer.geometries])
    pad = 0.01
    minx, miny = bounds[:, 0].min() - pad, bounds[:, 1].min() - pad
    maxx, maxy = bounds[:, 2].max() + pad, bounds[:, 3].max() + pad
    ratio = (maxy - miny) / ((maxx - minx) * np.cos(np.radians((miny + maxy) / 2)))
    return (float(minx), float(miny), float(maxx), float(maxy)), float(ratio)


def static_map(data: BriefData) -> tuple[str, list[Label], int]:
    """The map as SVG (no text inside), the district labels that fit without overlapping
    another (larger districts first) and how many were left out."""
    # lazy: geopandas (and its GDAL stack) is imported only when a brief draws its map
    import geopandas as gpd
    from matplotlib.figure import Figure

    layer = data.districts
    frame = gpd.GeoDataFrame({"code": list(layer.codes)}, geometry=list(layer.geometries), crs=4326)
    (minx, miny, maxx, maxy), ratio = map_extent(layer)
    width = 7.0
    # a Figure of its own, not pyplot: the brief is made on a download's thread, and pyplot's
    # global state is not thread-safe
    fig = Figure(figsize=(width, width * ratio))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("auto")
    frame.plot(ax=ax, facecolor="#fafafa", edgecolor="#9a9a9a", linewidth=0.4)
    _draw_cells(data, ax)
    frame.boundary.plot(ax=ax, color="#777777", linewidth=0.35)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    labels = []
    sizes = frame.to_crs(32647).area  # UTM 47N: Bangkok's metres
    for code, point in zip(layer.codes, frame.geometry.representative_point(), strict=True):
        left = (point.x - minx) / (maxx - minx) * 100
        top = (maxy - point.y) / (maxy - miny) * 100
        labels.append((round(left, 2), round(top, 2), data.names.get(code, code)))
    order = sorted(range(len(labels)), key=lambda i: (-float(sizes.iloc[i]), labels[i][2]))
    kept = fitting_labels([labels[i] for i in order], width_pt=MAP_WIDTH_PT, ratio=ratio)
    return buffer.getvalue(), kept, len(labels) - len(kept)


def _draw_cells(data: BriefData, ax: Axes) -> None:
    """The rate map's hot cells filled, the getting-worse cells outlined, on `ax`."""
    # lazy: geopandas (and its GDAL stack) is imported only when a brief draws its map
    import geopandas as gpd

    def cells_frame(cells: Sequence[str], colours: Sequence[str]) -> gpd.GeoDataFrame:
        shapes = [Polygon([(lon, lat) for lat, lon in h3.cell_to_boundary(c)]) for c in cells]
        return gpd.GeoDataFrame({"colour": list(colours)}, geometry=shapes, crs=4326)

    rate = data.rate.analysis.cells
    shown = rate[rate["class"].isin(list(RATE_HOT))]
    if not shown.empty:
        cells_frame(list(shown["h3"]), [RATE_HOT[c] for c in shown["class"]]).plot(
            ax=ax, color=list(shown["class"].map(RATE_HOT)), linewidth=0
        )
    worse = data.worsening.analysis.cells
    if not data.worsening.analysis.unavailable and not worse.empty:
        getting_worse = worse[worse["category"].isin(emerging.WORSENING)]
        if not getting_worse.empty:
            cells_frame(list(getting_worse["h3"]), [WORSENING_EDGE] * len(getting_worse)).plot(
                ax=ax, facecolor="none", edgecolor=WORSENING_EDGE, linewidth=0.9
            )


def fitting_labels(labels: Sequence[Label], *, width_pt: float, ratio: float) -> list[Label]:
    """The labels, in the order given, that do not overlap one already kept, on a map
    `width_pt` wide and `ratio` times as high, in `MAP_LABEL_PT` type."""
    height_pt = width_pt * ratio
    boxes: list[tuple[float, float, float, float]] = []
    kept = []
    for left, top, name in labels:
        x, y = left / 100 * width_pt, top / 100 * height_pt
        half_w, half_h = label_width_pt(name) / 2 + 1, MAP_LABEL_PT * 0.8  # a 1 pt gap
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        kept.append((left, top, name))
    return kept


def label_width_pt(name: str) -> float:
    """A generous width of `name` in `MAP_LABEL_PT` type: 0.62 em per character that takes
    room (Thai vowel and tone marks above or below a consonant take none); measured on the
    district names in Garuda, the widest of the brief's fonts, at most 0.62 em."""
    taking_room = sum(1 for c in name if unicodedata.category(c) not in ("Mn", "Me"))
    return taking_room * 0.62 * MAP_LABEL_PT


# --- the document -------------------------------------------------------------------------


def _cell(value: object, lang: Lang) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return i18n.t("no_data", lang)
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def table_html(frame: pd.DataFrame, lang: Lang) -> str:
    """An escaped HTML table (every value from the data is text, never markup)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v, lang))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(data: BriefData) -> str:
    """The whole brief as one self-contained HTML file (A4 print layout; nothing remote):
    the findings in plain words, then a last page of how each is computed (methods,
    citations and field names go there only)."""
    return (
        f"<!doctype html><html lang='{_e(data.lang)}'><head><meta charset='utf-8'>"
        f"<title>{_e(i18n.t('brief_title', data.lang))}</title><style>{STYLE}</style></head>"
        f"<body>{_front(data)}{_tables(data)}{_audit(data)}{_closing(data)}{_methods(data)}"
        "</body></html>"
    )


def _e(text: object) -> str:
    return html.escape(str(text))


def unbroken(text: str, names: Iterable[str]) -> str:
    """`text` escaped, with each area name in it kept on one line: Thai line breaking
    knows words, not place names, and would print 'บาง' and 'รัก' on two lines."""
    escaped = sorted({_e(name) for name in names if name}, key=len, reverse=True)
    if not escaped:
        return _e(text)
    pattern = re.compile("|".join(re.escape(name) for name in escaped))
    return pattern.sub(lambda m: f"<span class='nw'>{m.group(0)}</span>", _e(text))


def _front(data: BriefData) -> str:
    """Page 1: title, dates, the five lines, the map and its legend."""
    lang = data.lang

    def t(key: str, **values: object) -> str:
        return _e(i18n.t(key, lang, **values))

    svg, labels, left_out = static_map(data)
    image = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    meta = t(
        "brief_meta",
        as_of=i18n.date_time(data.as_of, lang),
        made=i18n.date_time(datetime.now(BANGKOK_TZ), lang),
    )
    legend = "".join(
        f"<span style='background:{colour}'></span>{_e(i18n.hotspot_class(label, lang))}"
        for label, colour in RATE_HOT.items()
    ) + (
        f"<span style='border:1.5px solid {WORSENING_EDGE};background:none'></span>"
        f"{t('brief_worsening_legend')}"
    )
    if left_out:
        legend += f" · {t('brief_map_left_out', n=left_out)}"
    return "".join(
        [
            f"<h1>{t('brief_title')}</h1><p class='meta'>{meta}</p>",
            "<p class='meta'>" + " · ".join(_e(x) for x in data.filters_text) + "</p>",
            f"<h2>{t('brief_summary')}</h2><ol class='summary'>",
            *(f"<li>{unbroken(line, data.names.values())}</li>" for line in summary_lines(data)),
            f"</ol><h2>{t('brief_map')}</h2>",
            f"<div class='map'><img src='{image}' alt='{t('brief_map')}'>",
            *(f"<span style='left:{x}%;top:{y}%'>{_e(name)}</span>" for x, y, name in labels),
            f"</div><p class='meta legend'>{legend}</p>",
        ]
    )


def _tables(data: BriefData) -> str:
    """The areas to act on and the league table, with what drives its changes."""
    lang = data.lang

    def t(key: str, **values: object) -> str:
        return _e(i18n.t(key, lang, **values))

    ranked, too_few = review.league_display(data.league, lang, data.coverage, period=data.period)
    parts = [
        f"<section class='break'><h2>{t('areas_title')}</h2>",
        f"<p class='meta'>{_e(data.rate.meaning_text(lang))} {t('areas_rule_rate')}</p>",
        table_html(review.areas_display(data.rate, data.names, lang, limit=TOP_AREAS), lang),
        f"</section><section><h2>{t('league')}</h2>",
        f"<p class='meta'>{t('brief_league_unit')} · {t('guide_rank')} · "
        f"{t('league_note', n=data.settings.min_tickets)}</p>",
        table_html(ranked, lang),
        *(f"<p class='meta'>{_e(note)}</p>" for note in review.league_notes(data.league, lang)),
    ]
    if too_few:
        parts.append(
            f"<p class='meta'>{t('too_few', n=data.settings.min_tickets)} {_e(', '.join(too_few))}</p>"
        )
    return "".join(parts) + "</section>"


def _audit(data: BriefData) -> str:
    """The closure audit: the shares per district, then on what each check rests."""
    lang = data.lang

    def t(key: str, **values: object) -> str:
        return _e(i18n.t(key, lang, **values))

    audit = review.audit_display(data.audit, lang, data.coverage)
    caption = review.audit_caption(lang, data.coverage, hours=data.settings.fast_close_hours)
    finished, _ = closure_totals(data)
    return "".join(
        [
            f"<section><h2>{t('audit')}</h2>",
            f"<p class='meta'>{_e(caption)} {t('brief_audit_total', finished=finished)}</p>",
            table_html(audit, lang),
            f"<p class='meta'><b>{t('brief_judged_title')}</b></p><ul class='meta'>",
            *(f"<li>{_e(line)}</li>" for line in judged_lines(data)),
            "</ul></section>",
        ]
    )


def _closing(data: BriefData) -> str:
    """Caveats and sources."""
    lang = data.lang

    def t(key: str, **values: object) -> str:
        return _e(i18n.t(key, lang, **values))

    caveats = [
        i18n.t("guide_open_now", lang),
        i18n.t("guide_hotspots", lang),
        *(
            f"{i18n.t(f'field_{f}', lang)}: {data.coverage.note(f, lang)}"
            for f in ("finish_time", "star", "reopen_count", "category", "location")
            if data.coverage.note(f, lang)
        ),
    ]
    if data.worsening.analysis.unavailable:
        caveats.append(data.worsening.unavailable_text(lang))
    pick = 1 if lang == "en" else 0
    sources = pd.DataFrame(
        [[d[pick], s[pick], li[pick]] for d, s, li in SOURCES],
        columns=[i18n.t("data", lang), i18n.t("source", lang), i18n.t("licence", lang)],
    )
    return "".join(
        [
            f"<section><h2>{t('brief_caveats')}</h2><ul>",
            *(f"<li>{_e(c)}</li>" for c in caveats),
            f"</ul></section><section><h2>{t('sources')}</h2>",
            table_html(sources, lang),
            f"<p class='meta'>{t('brief_as_of', as_of=i18n.date_time(data.as_of, lang))}</p>",
            "</section>",
        ]
    )


def _methods(data: BriefData) -> str:
    """The last page: how each figure is computed, with citations and field names."""
    lang = data.lang
    lines = [
        data.rate.method_text(lang) + f" ({review.HOTSPOT_REFERENCES['rate']})",
        data.worsening.method_text(lang) + f" ({review.HOTSPOT_REFERENCES['emerging']})",
        i18n.t("method_moves", lang),
        i18n.t("method_league", lang),
        i18n.t("method_audit", lang, hours=f"{data.settings.fast_close_hours:g}"),
    ]
    return (
        f"<section class='break'><h2>{_e(i18n.t('brief_methods', lang))}</h2><ul class='meta'>"
        + "".join(f"<li>{_e(line)}</li>" for line in lines)
        + "</ul></section>"
    )


def to_pdf(document: str) -> bytes:
    """Lay the HTML brief out as an A4 PDF with WeasyPrint (Pango shapes the Thai text)."""

    # lazy: WeasyPrint loads Pango and is imported only when a PDF brief is made
    from weasyprint import HTML

    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = HTML(string=document).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
