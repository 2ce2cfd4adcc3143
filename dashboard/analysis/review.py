"""The governor's review: fair district rankings and the closure audit. Pure: no streamlit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from dashboard import i18n
from dashboard.analysis import emerging, hotspots, metrics
from dashboard.analysis.audit import AUDIT_FLAGS
from dashboard.analysis.change import Change, share_change
from dashboard.analysis.change import Period as Period
from dashboard.analysis.coverage import Coverage
from dashboard.analysis.filters import Filters, replace_filters
from dashboard.boundaries import AreaLayer
from dashboard.i18n import Lang
from dashboard.store import Reader, queries
from dashboard.vocab import BANGKOK_TZ

DEFAULT_PERIOD_DAYS = 90
CONFIDENCE = 0.95


@dataclass(frozen=True)
class ReviewSettings:
    """Settings of the review page (all in the URL)."""

    min_tickets: int = 30
    """a district needs at least this many tickets in the period to be ranked"""
    fast_close_hours: float = 1.0
    """a ticket finished sooner than this after it was reported is flagged"""
    resolution: int = 8


def period_text(period: Period, lang: Lang) -> str:
    """'ช่วงที่ทบทวน 20 ก.ย. 2565 ถึง 18 ธ.ค. 2565 · เทียบกับ …': the review's period and the
    one it is compared with, as the page and the brief both say it."""
    previous = period.previous()
    return i18n.t(
        "review_period",
        lang,
        since=i18n.short_date(period.since, lang),
        until=i18n.short_date(period.until, lang),
        psince=i18n.short_date(previous.since, lang),
        puntil=i18n.short_date(previous.until, lang),
    )


def review_period(filters: Filters, newest_report: datetime) -> Period:
    """The filters' dates, or the 90 days up to the newest report.

    Not up to the as-of date: activity can run months past the last report, and a period
    with no reports in it reviews nothing.
    """
    until = filters.until or newest_report.astimezone(BANGKOK_TZ).date()
    since = filters.since or until - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    return Period(since=since, until=until)


def poisson_interval(count: int, *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count."""
    alpha = 1 - confidence
    low = 0.0 if count == 0 else float(stats.chi2.ppf(alpha / 2, 2 * count) / 2)
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2)
    return low, high


def median_interval(values: np.ndarray, *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Distribution-free interval for a median from order statistics (NaN below 6 values)."""
    ordered = np.sort(np.asarray(values, dtype=float))
    n = len(ordered)
    if n < 6:
        return float("nan"), float("nan")
    j = int(stats.binom.ppf((1 - confidence) / 2, n, 0.5))
    j = max(j, 1)
    k = n - j + 1
    return float(ordered[j - 1]), float(ordered[k - 1])


def _district_figures(con: Reader, filters: Filters) -> pd.DataFrame:
    where, params = filters.where()
    return con.execute(queries.district_figures(where), params).df()


def _finish_days(con: Reader, filters: Filters) -> pd.DataFrame:
    where, params = filters.where()
    return con.execute(queries.finish_days(where), params).df()


def league_table(
    con: Reader,
    *,
    filters: Filters,
    period: Period,
    layer: AreaLayer,
    population: dict[str, int],
    settings: ReviewSettings,
) -> pd.DataFrame:
    """Districts ranked by open per 10k residents (worst first), only those with enough tickets.

    Each figure has a 95% interval: exact Poisson for the rate, order statistics for the
    median days to finish. The previous period's reports and open tickets are kept for
    `open_share_moves`.
    """
    now = replace_filters(
        filters, since=period.since, until=period.until, district=None, subdistrict=None
    )
    before = replace_filters(now, since=period.previous().since, until=period.previous().until)
    frame = pd.DataFrame(
        {"code": layer.codes, "name_th": layer.names_th, "name_en": layer.names_en}
    )
    frame["population"] = frame["code"].map(population).astype("float64")
    current = _district_figures(con, now).set_index("code")
    previous = _district_figures(con, before).set_index("code")
    frame["tickets"] = frame["code"].map(current["tickets"]).fillna(0).astype("int64")
    frame["open"] = frame["code"].map(current["open"]).fillna(0).astype("int64")
    per_10k = 10_000 / frame["population"]
    intervals = [poisson_interval(int(n)) for n in frame["open"]]
    frame["open_per_10k"] = frame["open"] * per_10k
    frame["open_per_10k_low"] = [low for low, _ in intervals] * per_10k
    frame["open_per_10k_high"] = [high for _, high in intervals] * per_10k
    frame["tickets_before"] = frame["code"].map(previous["tickets"]).fillna(0).astype("int64")
    frame["open_before"] = frame["code"].map(previous["open"]).fillna(0).astype("int64")
    days = _finish_days(con, now)
    grouped = {code: group["days"].to_numpy() for code, group in days.groupby("code")}
    medians = [_median_with_interval(grouped.get(code)) for code in frame["code"]]
    frame["median_days_to_finish"] = [m[0] for m in medians]
    frame["median_days_low"] = [m[1] for m in medians]
    frame["median_days_high"] = [m[2] for m in medians]
    frame["finished_with_dates"] = [len(grouped.get(code, ())) for code in frame["code"]]
    frame["eligible"] = frame["tickets"] >= settings.min_tickets
    ranked = frame[frame["eligible"]].sort_values(["open_per_10k", "code"], ascending=[False, True])
    frame["rank"] = (
        frame["code"].map({code: i + 1 for i, code in enumerate(ranked["code"])}).astype("Int64")
    )
    return frame.sort_values(["rank", "code"], na_position="last", ignore_index=True)


SHARE_MOVE_COLUMNS = ("code", "share_now", "share_before", "move", "low", "high", "beyond_noise")


def open_share_moves(league: pd.DataFrame) -> pd.DataFrame:
    """How each ranked district's open share moved from the previous period to this one,
    beyond the city's own move, in share points (+0.05: five points more than the city);
    every ranked district with tickets in both periods, in the league's order.

    Both periods are judged by their tickets' state today, so the older one has had longer
    to close and shows fewer open everywhere: subtracting the city's move takes that common
    effect out, and what is left is the district against the city. The interval is
    Newcombe's for the district's difference, shifted by the city's (whose own
    uncertainty, over every district's tickets, is left out); `beyond_noise` when it leaves
    out zero. The league's change column and 'better' and 'worse' rest on this, never on
    report volume."""
    ranked = league[league["eligible"] & (league["tickets_before"] > 0)]
    city = _city_share_change(league)
    rows = []
    for record in ranked.to_dict(orient="records"):
        moved = share_change(
            int(record["open"]),
            int(record["tickets"]),
            int(record["open_before"]),
            int(record["tickets_before"]),
        )
        if None in (moved.change, moved.low, moved.high, city.change):
            continue
        shift = float(city.change or 0.0)
        low, high = float(moved.low or 0.0) - shift, float(moved.high or 0.0) - shift
        move = float(moved.change or 0.0) - shift
        rows.append((record["code"], moved.now, moved.before, move, low, high, low > 0 or high < 0))
    frame = pd.DataFrame(rows, columns=list(SHARE_MOVE_COLUMNS))
    return frame.astype({"beyond_noise": bool})


def _city_share_change(league: pd.DataFrame) -> Change:
    return share_change(
        int(league["open"].sum()),
        int(league["tickets"].sum()),
        int(league["open_before"].sum()),
        int(league["tickets_before"].sum()),
    )


def share_moves(league: pd.DataFrame) -> pd.DataFrame:
    """The districts whose open share moved beyond noise against the city's own move
    (`open_share_moves`), most worsened first: what 'better' and 'worse' name."""
    moves = open_share_moves(league)
    beyond = moves[moves["beyond_noise"]]
    return beyond.sort_values(["move", "code"], ascending=[False, True], ignore_index=True)


@dataclass(frozen=True)
class Drivers:
    """The city's reports and open share in both periods: what drives the league's changes."""

    tickets: int
    tickets_before: int
    open_share: float | None
    open_share_before: float | None

    @classmethod
    def of(cls, league: pd.DataFrame) -> Drivers:
        tickets, before = int(league["tickets"].sum()), int(league["tickets_before"].sum())
        opened, opened_before = int(league["open"].sum()), int(league["open_before"].sum())
        return cls(
            tickets=tickets,
            tickets_before=before,
            open_share=opened / tickets if tickets else None,
            open_share_before=opened_before / before if before else None,
        )

    def text(self, lang: Lang) -> str:
        """'Reports across the city: 24,310 against 38,411 before (−37%); share still open
        38% against 24%.' in the page's language."""
        if not self.tickets_before or self.open_share is None or self.open_share_before is None:
            return ""
        return i18n.t(
            "league_drivers",
            lang,
            now=self.tickets,
            before=self.tickets_before,
            change=f"{self.tickets / self.tickets_before - 1:+.0%}",
            share=f"{self.open_share:.0%}",
            share_before=f"{self.open_share_before:.0%}",
        )


def _median_with_interval(values: np.ndarray | None) -> tuple[float, float, float]:
    if values is None or len(values) == 0:
        return float("nan"), float("nan"), float("nan")
    low, high = median_interval(values)
    return float(np.median(values)), low, high


def _flags_sql(settings: ReviewSettings) -> dict[str, str]:
    """Each flag's condition, in the registry's order."""
    conditions = queries.audit_flags(settings.fast_close_hours)
    return {flag.name: conditions[flag.name] for flag in AUDIT_FLAGS}


def closure_audit(
    con: Reader, *, filters: Filters, layer: AreaLayer, settings: ReviewSettings
) -> pd.DataFrame:
    """Per district: finished tickets and the share of them with each warning sign."""
    where, params = replace_filters(
        filters, district=None, subdistrict=None, state_group="all"
    ).where()
    sql = queries.closure_audit(where, _flags_sql(settings))
    audited = con.execute(sql, params).df().set_index("code")
    frame = pd.DataFrame(
        {"code": layer.codes, "name_th": layer.names_th, "name_en": layer.names_en}
    )
    for column in ("finished", "rated", "with_reopen_count", *(f.name for f in AUDIT_FLAGS)):
        frame[column] = frame["code"].map(audited[column]).fillna(0).astype("int64")
    for flag in AUDIT_FLAGS:  # a share of the finished tickets, or of those carrying its field
        of = frame[flag.denominator]
        frame[f"{flag.name}_share"] = frame[flag.name] / of.where(of > 0)
    return frame.sort_values(
        "no_after_photo_share", ascending=False, na_position="last", ignore_index=True
    )


def flagged_tickets(
    con: Reader, *, filters: Filters, settings: ReviewSettings, limit: int = 200
) -> pd.DataFrame:
    """Finished tickets with at least one warning sign, most signs first, then newest."""
    where, params = replace_filters(filters, state_group="all").where()
    sql = queries.flagged_tickets(where, _flags_sql(settings))
    return con.execute(sql, [*params, limit]).df()


def flag_labels(row: Mapping[Any, Any]) -> list[str]:
    """Names of the warning signs a flagged ticket has."""
    return [flag.name for flag in AUDIT_FLAGS if bool(row.get(flag.name))]


# --- hotspots: the three maps and the areas to act on ------------------------------------


@dataclass(frozen=True)
class HotspotReview:
    """One hotspot map of the review period and its areas, ready for a page, brief or CLI."""

    period: Period
    kind: str
    measure: str
    resolution: int
    analysis: hotspots.Analysis
    areas: pd.DataFrame

    def method_text(self, lang: Lang) -> str:
        if self.kind == "emerging":
            weeks = self.analysis.space_time.weeks.count if self.analysis.space_time else 0
            until = i18n.short_date(self.period.until, lang)
            return i18n.t("method_emerging", lang, weeks=weeks, until=until)
        share = self.analysis.city_open_share
        return i18n.t(
            f"method_{self.kind}",
            lang,
            res=self.resolution,
            share="–" if pd.isna(share) else f"{share:.1%}",
        )

    def meaning_text(self, lang: Lang) -> str:
        return i18n.t(
            f"meaning_{self.kind}",
            lang,
            n=hotspots.MIN_CELL_TICKETS,
            measure=i18n.t(f"measure_{self.measure}", lang),
        )

    def method_line(self) -> str:
        """One English line for a log: what was computed, on how many cells."""
        return (
            f"{self.kind} hotspots, {self.period.since} to {self.period.until}, "
            f"{len(self.analysis.cells):,} H3 cells: {self.method_text('en')}"
        )

    def unavailable_text(self, lang: Lang) -> str:
        key = self.analysis.unavailable
        if key is None:
            return ""
        left_out = self.analysis.space_time.left_out if self.analysis.space_time else 0
        return i18n.t(key, lang, n=emerging.MIN_WEEKS if key == "emerging_too_short" else left_out)

    def as_json(self) -> dict[str, Any]:
        """Everything computed, for `khetmap hotspots --format json` (stable across runs)."""
        share = self.analysis.city_open_share
        return {
            "kind": self.kind,
            "measure": self.measure if self.kind == "emerging" else None,
            "since": self.period.since.isoformat(),
            "until": self.period.until.isoformat(),
            "resolution": self.resolution,
            "method": self.method_text("en"),
            "reference": HOTSPOT_REFERENCES[self.kind],
            "min_cell_tickets": hotspots.MIN_CELL_TICKETS if self.kind == "rate" else None,
            "city_open_share": None if pd.isna(share) else round(float(share), 6),
            "unavailable": self.unavailable_text("en") or None,
            "rank_rule": hotspots.RANK_RULES[self.kind],
            "cells": metrics.records(self.analysis.cells),
            "areas": metrics.records(self.areas),
        }


HOTSPOT_REFERENCES = {
    "demand": "Getis & Ord (1992); Ord & Getis (1995)",
    "rate": "Marshall (1991), Applied Statistics 40(2); PySAL esda.smoothing; Ord & Getis (1995)",
    "emerging": "ArcGIS Pro: How Emerging Hot Spot Analysis works; Mann (1945); Kendall (1975)",
}


def hotspot_review(
    con: Reader,
    *,
    filters: Filters,
    kind: str,
    measure: str,
    resolution: int,
    layer: AreaLayer,
    as_of: datetime | None = None,
) -> HotspotReview:
    """The `kind` map over the review period of `filters` (whole city) and its areas."""
    newest = metrics.newest_report(con) or datetime.now(BANGKOK_TZ)
    period = review_period(filters, newest)
    now = replace_filters(filters, since=period.since, until=period.until)
    analysis = hotspots.analyse(
        con,
        kind=kind,
        layer=layer,
        filters=now,
        resolution=resolution,
        measure=measure,  # type: ignore[arg-type]
    )
    areas = hotspots.actionable_areas(
        con,
        analysis=analysis,
        filters=now,
        resolution=resolution,
        as_of=as_of or metrics.store_as_of(con) or newest,
        districts=layer,
    )
    return HotspotReview(period, kind, measure, resolution, analysis, areas)


# --- the review's tables as shown (page and brief) ---------------------------------------

MOVE_MARK = "*"
"""Marks a change in the league that is beyond noise (`open_share_moves`)."""


def share_points(move: float) -> str:
    """A move in share as whole points with its sign: 0.25 → '+25', -0.151 → '-15', 0.001 → '0'."""
    points = round(move * 100)
    return f"{points:+d}" if points else "0"


def league_display(
    table: pd.DataFrame, lang: Lang, coverage: Coverage, *, period: Period
) -> tuple[pd.DataFrame, list[str]]:
    """The ranked districts as the page and the brief show them, and the unranked names.

    The rate says whose reports it counts (those of `period`); the change is the open
    share's move against the city's own (`open_share_moves`), marked where beyond noise."""

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    name = table["name_en"] if lang == "en" else table["name_th"]
    ranked = table[table["eligible"]]
    moves = open_share_moves(table)
    moved = dict(
        zip(moves["code"], zip(moves["move"], moves["beyond_noise"], strict=True), strict=True)
    )
    flagged = poor_denominators(table)
    marked = name + [" †" if code in flagged else "" for code in table["code"]]
    columns: dict[str, Any] = {
        t("rank"): ranked["rank"],
        t("district"): marked[table["eligible"]],
        of_period(t("tickets"), period, lang): ranked["tickets"].map(lambda v: f"{int(v):,}"),
        of_period(t("open"), period, lang): ranked["open"].map(lambda v: f"{int(v):,}"),
        of_period(i18n.metric_label("open_per_10k", lang), period, lang): [
            f"{v:.1f} ({lo:.1f}–{hi:.1f})"
            for v, lo, hi in zip(
                ranked["open_per_10k"],
                ranked["open_per_10k_low"],
                ranked["open_per_10k_high"],
                strict=True,
            )
        ],
        t("share_move_column"): [
            share_points(moved[code][0]) + (MOVE_MARK if moved[code][1] else "")
            if code in moved
            else t("no_data")
            for code in ranked["code"]
        ],
    }
    if coverage.supports("finish_time"):  # otherwise the column would be all blanks
        columns[of_period(i18n.metric_label("median_days_to_finish", lang), period, lang)] = [
            _median_text(m, lo, hi, lang)
            for m, lo, hi in zip(
                ranked["median_days_to_finish"],
                ranked["median_days_low"],
                ranked["median_days_high"],
                strict=True,
            )
        ]
    return pd.DataFrame(columns), list(name[~table["eligible"]])


def league_headline(table: pd.DataFrame, lang: Lang) -> list[tuple[str, str, str | None]]:
    """The league's top line as cards (label, figure, second line): the period's reports
    against the previous period's, how many are still open, the districts ranked and the
    worst of them: its rate (with the † of `poor_denominators`) and its name."""

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    drivers = Drivers.of(table)
    opened = int(table["open"].sum())
    share = (
        ""
        if drivers.open_share is None
        else t("headline_open_share", share=f"{drivers.open_share:.0%}")
    )
    ranked = table[table["eligible"]].sort_values("rank")
    cards: list[tuple[str, str, str | None]] = [
        (
            t("headline_reports"),
            f"{drivers.tickets:,}",
            t("headline_reports_before", n=drivers.tickets_before),
        ),
        (t("headline_open"), f"{opened:,}", share or None),
        (t("headline_ranked"), f"{len(ranked):,}", t("headline_ranked_of", n=len(table))),
    ]
    if not ranked.empty:
        worst = ranked.iloc[0]
        mark = " †" if worst["code"] in poor_denominators(table) else ""
        name = str(worst["name_en"] if lang == "en" else worst["name_th"])
        cards.append((t("headline_worst"), f"{worst['open_per_10k']:,.1f}{mark}", name))
    return cards


def of_period(label: str, period: Period, lang: Lang) -> str:
    """A league column's label with the period whose reports its figure counts:
    'ยังไม่เสร็จ (เรื่องที่แจ้ง 20 ก.ย. – 18 ธ.ค. 2565)' (the city and district pages count
    all reports under the bare label)."""
    dates = i18n.date_range(period.since, period.until, lang)
    return i18n.t("per_10k_of_period", lang, label=label, period=dates)


def poor_denominators(table: pd.DataFrame) -> dict[str, float]:
    """The league's districts whose registered population is a poor denominator
    (`metrics.poor_denominators` on the period's reports): code → times the city's rate."""
    known = table[table["population"].notna() & (table["population"] > 0)]
    population = {str(c): int(p) for c, p in zip(known["code"], known["population"], strict=True)}
    return metrics.poor_denominators(table.rename(columns={"tickets": "total"}), population)


def league_notes(table: pd.DataFrame, lang: Lang) -> list[str]:
    """The lines under the league, page and brief alike: what the change column's mark
    means (when a change carries it), which ranked district's per-10k figure overstates
    (the city ranking's † note) and what drives the changes (`Drivers`)."""
    notes = []
    if open_share_moves(table)["beyond_noise"].any():
        notes.append(i18n.t("move_mark_note", lang, mark=MOVE_MARK))
    name = table["name_en"] if lang == "en" else table["name_th"]
    names = dict(zip(table["code"], name, strict=True))
    for code, times in poor_denominators(table).items():
        notes.append(i18n.t("poor_denominator", lang, name=names[code], times=times))
    drivers = Drivers.of(table).text(lang)
    return [*notes, drivers] if drivers else notes


def _median_text(median: float, low: float, high: float, lang: Lang) -> str:
    if pd.isna(median):
        return i18n.t("no_data", lang)
    return f"{median:.1f}" + ("" if pd.isna(low) else f" ({low:.1f}–{high:.1f})")


def audit_display(per_district: pd.DataFrame, lang: Lang, coverage: Coverage) -> pd.DataFrame:
    """Per district: finished tickets and the share with each flag the data can support."""
    name = per_district["name_en"] if lang == "en" else per_district["name_th"]
    columns: dict[str, Any] = {
        i18n.t("district", lang): name,
        i18n.t("finished", lang): per_district["finished"].map(lambda v: f"{int(v):,}"),
    }
    for flag in AUDIT_FLAGS:
        if coverage.supports(flag.field):
            columns[i18n.t(flag.label, lang)] = per_district[f"{flag.name}_share"].map(
                lambda v: i18n.t("no_data", lang) if pd.isna(v) else f"{v:.0%}"
            )
    return pd.DataFrame(columns)


def audit_caption(lang: Lang, coverage: Coverage, *, hours: float) -> str:
    """'Shares of finished tickets: …' naming only the checks the audit's table shows
    (those whose field the data carries), in their order."""
    checks = [
        i18n.t(flag.check, lang, hours=f"{hours:g}")
        for flag in AUDIT_FLAGS
        if coverage.supports(flag.field)
    ]
    return i18n.t("audit_note", lang, checks=", ".join(checks))


def audit_notes(lang: Lang, coverage: Coverage) -> list[str]:
    """One line per flag that rests on part of the data or cannot be judged at all."""
    notes = []
    for flag in AUDIT_FLAGS:
        note = coverage.note(flag.field, lang)
        if note:
            notes.append(f"{i18n.t(flag.label, lang)}: {note}")
    return notes


def areas_display(
    found: HotspotReview, names: dict[str, str], lang: Lang, *, limit: int | None = None
) -> pd.DataFrame:
    """The areas to act on as the page and the brief show them (most first, `limit` rows)."""

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    areas = found.areas.head(limit) if limit else found.areas
    if areas.empty:
        return pd.DataFrame({t("hot_area"): [t("no_hot_areas")]})
    columns: dict[str, Any] = {
        t("rank"): areas["rank"],
        t("hot_area"): hotspots.area_labels(areas, names=names, lang=lang),
        t("reports"): areas["reports"].map(lambda v: f"{int(v):,}"),
        t("open"): [
            f"{int(o):,} ({s:.0%})" for o, s in zip(areas["open"], areas["open_share"], strict=True)
        ],
    }
    if found.kind == "rate":
        columns[t("excess_open")] = areas["excess_open"].map(lambda v: f"{v:,.0f}")
    columns[t("categories")] = areas["top_categories"].map(
        lambda cs: ", ".join(i18n.category_label(c, lang) for c in cs)
    )
    columns[t("median_open_age")] = areas["median_open_age_days"]
    columns[t("oldest_open_ids")] = areas["oldest_open"].map(
        lambda items: ", ".join(f"{i} ({t('days_short', n=a)})" for i, a in items)
    )
    columns[t("shared_with")] = areas["shared_with"].map(
        lambda items: ", ".join(f"{names.get(c, c)} {n:,}" for c, n in items) or "0"
    )
    columns[t("pattern")] = areas["pattern"].map(lambda v: i18n.hotspot_class(str(v), lang))
    return pd.DataFrame(columns)
