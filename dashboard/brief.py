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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from dashboard import emerging, hotspots, i18n, metrics, review
from dashboard.boundaries import AreaLayer
from dashboard.coverage import Coverage
from dashboard.sources import SOURCES
from dashboard.store import Reader
from dashboard.vocab import BANGKOK_TZ

FONT_STACK = "'Garuda', 'Loma', 'Sarabun', 'Noto Sans Thai', 'DejaVu Sans', sans-serif"
STYLE = f"""
@page {{ size: A4; margin: 14mm 13mm 16mm;
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }} }}
body {{ font-family: {FONT_STACK}; font-size: 9.5pt; color: #222; line-height: 1.45; }}
h1 {{ font-size: 17pt; margin: 0 0 2pt; }}
h2 {{ font-size: 12pt; margin: 12pt 0 4pt; border-bottom: 1px solid #ccc; }}
.meta {{ color: #555; margin: 2pt 0; font-size: 8.5pt; }}
ol.summary li {{ margin-bottom: 3pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 8pt; }}
th, td {{ border: 1px solid #ccc; padding: 2pt 4pt; text-align: left; vertical-align: top; }}
th {{ background: #f1f1f1; }}
tr {{ page-break-inside: avoid; }}
.map {{ position: relative; width: 100%; margin: 4pt 0; }}
.map img {{ width: 100%; display: block; }}
.map span {{ position: absolute; transform: translate(-50%, -50%); font-size: 5.2pt;
  color: #333; white-space: nowrap; }}
.legend span {{ display: inline-block; width: 10pt; height: 7pt; margin: 0 3pt 0 8pt;
  vertical-align: middle; }}
.break {{ page-break-before: always; }}
"""

RATE_HOT = dict({
    "hot 99%": "#a50f15", "hot 95%": "#de2d26", "hot 90%": "#fc9272", "too few": "#d9d9d9",
}.items())  # fmt: skip
WORSENING_EDGE = "#6a3d9a"
TOP_AREAS = 10


@dataclass(frozen=True)
class BriefData:
    """Everything the brief shows, computed once from the store."""

    lang: str
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
    lang: str,
    filters: metrics.Filters,
    settings: review.ReviewSettings,
    districts: AreaLayer,
    names: dict[str, str],
    population: dict[str, int],
) -> BriefData:
    """Run every query and analysis the brief needs for the review period of `filters`."""
    filters = metrics.replace_filters(filters, district=None, subdistrict=None)
    newest = metrics.newest_report(con) or datetime.now(BANGKOK_TZ)
    as_of = metrics.store_as_of(con) or newest
    period = review.review_period(filters, newest)
    now = metrics.replace_filters(filters, since=period.since, until=period.until)

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

    previous = period.previous()
    filters_text = [
        i18n.t(
            "review_period",
            lang,
            since=period.since,
            until=period.until,
            psince=previous.since,
            puntil=previous.until,
        )
    ]
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


def report_changes(league: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Districts whose reports changed beyond noise between two periods of equal length.

    Conditional test for two Poisson counts: given n = now + before, now ~ Binomial(n, 1/2)
    under no change (exact two-sided binomial test). Returns code, now, before, change, p.
    """
    rows = []
    for code, now, before in zip(
        league["code"], league["tickets"], league["tickets_before"], strict=True
    ):
        n = int(now) + int(before)
        if n == 0:
            continue
        p = float(stats.binomtest(int(now), n, 0.5).pvalue)
        if p < alpha:
            change = (now - before) / before if before else float("inf")
            rows.append(
                {"code": code, "now": int(now), "before": int(before), "change": change, "p": p}
            )
    return pd.DataFrame(rows, columns=["code", "now", "before", "change", "p"])


def _top_area(
    found: review.HotspotReview, names: dict[str, str]
) -> tuple[str, dict[str, Any]] | None:
    if found.areas.empty:
        return None
    first = found.areas.to_dict(orient="records")[0]
    return hotspots.area_labels(found.areas.head(1), names=names)[0], {
        str(k): v for k, v in first.items()
    }


def summary_lines(data: BriefData) -> list[str]:
    """Five lines: worse, better, districts to ask about, the ranking, the closures."""
    lang, names = data.lang, data.names

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    def district_list(frame: pd.DataFrame) -> str:
        return ", ".join(
            f"{names.get(str(code), str(code))} ({int(before):,} → {int(now):,})"
            for code, before, now in zip(frame["code"], frame["before"], frame["now"], strict=True)
        )

    changes = report_changes(data.league)
    rising = (
        changes[changes["now"] > changes["before"]].sort_values("change", ascending=False).head(3)
    )
    falling = changes[changes["now"] < changes["before"]].sort_values("change").head(3)

    worsening_cells = data.worsening.analysis.cells
    if data.worsening.analysis.unavailable:
        worse = t("brief_worse_unavailable", why=data.worsening.unavailable_text(lang))
    else:
        counted = worsening_cells["category"].value_counts()
        n_worse = int(sum(counted.get(c, 0) for c in emerging.WORSENING))
        top = _top_area(data.worsening, names)
        worse = t(
            "brief_worse_cells", n=n_worse, weeks=data.worsening.analysis.space_time.weeks.count
        )
        if top:
            worse += t("brief_worse_top", label=top[0], reports=int(top[1]["reports"]))
    worse += (
        t("sentence_end")
        + " "
        + (
            t("brief_rising", districts=district_list(rising))
            if not rising.empty
            else t("brief_no_rising")
        )
    )

    if data.worsening.analysis.unavailable:
        better = ""
    else:
        counted = worsening_cells["category"].value_counts()
        n_better = int(sum(counted.get(c, 0) for c in emerging.IMPROVING))
        better = t("brief_better_cells", n=n_better) + t("sentence_end") + " "
    better += (
        t("brief_falling", districts=district_list(falling))
        if not falling.empty
        else t("brief_no_falling")
    )

    if data.rate.areas.empty:
        ask = t("brief_ask_none")
    else:
        areas = data.rate.areas
        labels = hotspots.area_labels(areas, names=names)
        seen: list[str] = []
        parts = []
        for label, row in zip(labels, areas.to_dict(orient="records"), strict=True):
            if row["district_code"] in seen:
                continue
            seen.append(row["district_code"])
            parts.append(
                t(
                    "brief_ask_area",
                    label=label,
                    open=row["open"],
                    reports=row["reports"],
                    excess=f"{row['excess_open']:+,.0f}",
                )
            )
            if len(seen) == 3:
                break
        ask = t("brief_ask", areas="; ".join(parts))

    ranked = data.league[data.league["eligible"]].head(3)
    name_column = "name_en" if lang == "en" else "name_th"
    ranking = t(
        "brief_ranking",
        districts=", ".join(
            f"{int(r['rank'])}. {r[name_column]} {r['open_per_10k']:.1f}"
            for r in ranked.to_dict(orient="records")
        ),
    )

    audit = data.audit
    finished = int(audit["finished"].sum())
    no_photo = int(audit["no_after_photo"].sum())
    if finished == 0:
        closures = t("brief_closures_none")
    else:
        judged = [
            f"{i18n.flag(flag, lang)} {_share(data.coverage, needs, lang)}"
            for flag, needs in review.AUDIT_NEEDS.items()
        ]
        worst = audit[audit["finished"] >= data.settings.min_tickets].sort_values(
            ["no_after_photo_share", "code"], ascending=[False, True]
        )
        worst_text = (
            f"{names.get(worst.iloc[0]['code'], worst.iloc[0]['code'])} "
            f"{worst.iloc[0]['no_after_photo_share']:.0%}"
            if not worst.empty
            else "–"
        )
        closures = t(
            "brief_closures",
            finished=finished,
            share=no_photo / finished,
            worst=worst_text,
            judged="; ".join(judged),
        )
    return [worse, better, ask, ranking, closures]


def _share(coverage: Coverage, field: Any, lang: str) -> str:
    """The share of closures a check can judge, or 'cannot be judged' (never a bare 0%).

    A missing after-photo is itself the finding, so that check judges every closure once
    the data carries after-photos at all; the others need their field on the ticket."""
    share = 1.0 if field == "after_photo" and coverage.supports(field) else coverage.share(field)
    if not share:
        return i18n.t("cannot_judge", lang)
    return f"{share:.0%}"


# --- the static map -----------------------------------------------------------------------


def static_map(data: BriefData) -> tuple[str, list[tuple[float, float, str]]]:
    """The map as SVG (no text inside) and the district labels as (left %, top %, name)."""
    import geopandas as gpd
    import h3
    from matplotlib.figure import Figure
    from shapely.geometry import Polygon

    layer = data.districts
    frame = gpd.GeoDataFrame({"code": list(layer.codes)}, geometry=list(layer.geometries), crs=4326)
    minx, miny, maxx, maxy = frame.total_bounds
    pad = 0.01
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    ratio = (maxy - miny) / ((maxx - minx) * np.cos(np.radians((miny + maxy) / 2)))
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
    frame.boundary.plot(ax=ax, color="#777777", linewidth=0.35)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    labels = []
    for code, point in zip(layer.codes, frame.geometry.representative_point(), strict=True):
        left = (point.x - minx) / (maxx - minx) * 100
        top = (maxy - point.y) / (maxy - miny) * 100
        labels.append((round(left, 2), round(top, 2), data.names.get(code, code)))
    return buffer.getvalue(), labels


# --- the document -------------------------------------------------------------------------


def _cell(value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return i18n.t("no_data", lang)
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def table_html(frame: pd.DataFrame, lang: str) -> str:
    """An escaped HTML table (every value from the data is text, never markup)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v, lang))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(data: BriefData) -> str:
    """The whole brief as one self-contained HTML file (A4 print layout; nothing remote)."""
    lang = data.lang

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    def e(text: object) -> str:
        return html.escape(str(text))

    svg, labels = static_map(data)
    image = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    local = data.as_of.astimezone(BANGKOK_TZ)
    meta = t(
        "brief_meta",
        as_of=f"{local:%Y-%m-%d %H:%M}",
        made=f"{datetime.now(BANGKOK_TZ):%Y-%m-%d %H:%M}",
    )
    legend = "".join(
        f"<span style='background:{colour}'></span>{e(i18n.hotspot_class(label, lang))}"
        for label, colour in RATE_HOT.items()
    ) + (
        f"<span style='border:1.5px solid {WORSENING_EDGE};background:none'></span>"
        f"{e(t('brief_worsening_legend'))}"
    )
    ranked, too_few = review.league_display(data.league, lang, data.coverage)
    audit = review.audit_display(data.audit, lang, data.coverage)
    notes = review.audit_notes(lang, data.coverage)
    caveats = [
        t("guide_open_now"),
        t("guide_hotspots"),
        data.rate.meaning_text(lang).replace(t("this_map"), t("the_rate_map"), 1),
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
        columns=[t("data"), t("source"), t("licence")],
    )
    parts = [
        f"<!doctype html><html lang='{e(lang)}'><head><meta charset='utf-8'>",
        f"<title>{e(t('brief_title'))}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(t('brief_title'))}</h1>",
        f"<p class='meta'>{e(meta)}</p>",
        "<p class='meta'>" + " · ".join(e(x) for x in data.filters_text) + "</p>",
        f"<h2>{e(t('brief_summary'))}</h2><ol class='summary'>",
        *(f"<li>{e(line)}</li>" for line in summary_lines(data)),
        "</ol>",
        f"<h2>{e(t('brief_map'))}</h2>",
        f"<div class='map'><img src='{image}' alt='{e(t('brief_map'))}'>",
        *(f"<span style='left:{x}%;top:{y}%'>{e(name)}</span>" for x, y, name in labels),
        "</div>",
        f"<p class='meta legend'>{legend}</p>",
        f"<p class='meta'>{e(data.rate.method_text(lang))}</p>",
        f"<p class='meta'>{e(data.worsening.method_text(lang))}</p>",
        f"<h2 class='break'>{e(t('areas_title'))}</h2>",
        f"<p class='meta'>{e(data.rate.meaning_text(lang))} {e(t('areas_rule_rate'))}</p>",
        table_html(review.areas_display(data.rate, data.names, lang, limit=TOP_AREAS), lang),
        f"<h2>{e(t('league'))}</h2>",
        f"<p class='meta'>{e(t('brief_league_unit'))} · {e(t('guide_rank'))} · "
        f"{e(t('league_note', n=data.settings.min_tickets))}</p>",
        table_html(ranked, lang),
    ]
    if too_few:
        parts.append(
            f"<p class='meta'>{e(t('too_few', n=data.settings.min_tickets))} {e(', '.join(too_few))}</p>"
        )
    parts += [
        f"<h2>{e(t('audit'))}</h2>",
        f"<p class='meta'>{e(t('audit_note', hours=f'{data.settings.fast_close_hours:g}'))}</p>",
        table_html(audit, lang),
        *(f"<p class='meta'>{e(note)}</p>" for note in notes),
        f"<h2>{e(t('brief_caveats'))}</h2><ul>",
        *(f"<li>{e(c)}</li>" for c in caveats),
        "</ul>",
        f"<h2>{e(t('sources'))}</h2>",
        table_html(sources, lang),
        f"<p class='meta'>{e(t('brief_as_of', as_of=f'{local:%Y-%m-%d %H:%M}'))}</p>",
        "</body></html>",
    ]
    return "".join(parts)


def to_pdf(document: str) -> bytes:
    """Lay the HTML brief out as an A4 PDF with WeasyPrint (Pango shapes the Thai text)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = HTML(string=document).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
