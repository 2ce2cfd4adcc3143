"""Where the city is failing, on H3 cells: two questions, two maps, and areas to act on.

- demand: where complaints concentrate. Getis-Ord Gi* on the count of tickets reported in
  the period per cell, over every cell of Bangkok (empty cells count as 0). It follows
  where people live and report; it says nothing about service.
- rate: where complaints stay unresolved more than elsewhere. Per cell, the share of the
  period's reports still open, smoothed by empirical Bayes (Marshall 1991; PySAL
  `esda.smoothing.Empirical_Bayes`) so that a cell with few tickets is pulled towards the
  city's rate, then Gi* on the smoothed rate. Cells with fewer than `MIN_CELL_TICKETS`
  reports are "too few to judge", never cold.
- emerging (see `dashboard.analysis.emerging`): what is getting worse, week by week.

Weights are binary over each cell and its first ring of neighbours, the cell itself
included (Gi*). z-scores are analytical (Ord & Getis 1995) with two-sided normal p-values, and
the false discovery rate across cells is controlled with Benjamini–Hochberg (`esda.fdr`) at
each confidence level. Pure: no streamlit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import h3
import numpy as np
import pandas as pd
import shapely

from dashboard import i18n
from dashboard.analysis import emerging
from dashboard.analysis.emerging import WORSENING, Emerging, Measure
from dashboard.analysis.filters import Filters, replace_filters
from dashboard.analysis.gistar import gi_star
from dashboard.boundaries import AreaLayer
from dashboard.i18n import Lang
from dashboard.store import Reader, queries

RESOLUTIONS = (8, 9)
TOO_FEW = "too few"
KINDS = ("demand", "rate", "emerging")
MIN_CELL_TICKETS = 10
"""the rate map judges a cell only with at least this many reports in the period"""


@cache
def _cells_in(
    geometries_key: tuple[str, ...], geometries: tuple[object, ...], resolution: int
) -> tuple[int, ...]:
    found: set[int] = set()
    for geometry in geometries:
        found.update(h3.str_to_int(cell) for cell in h3.geo_to_cells(geometry, resolution))
    return tuple(sorted(found))


def bangkok_cells(layer: AreaLayer, *, resolution: int) -> list[int]:
    """Return every H3 cell (as int) whose centre lies in one of the layer's polygons."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {RESOLUTIONS}, got {resolution}")
    return list(_cells_in(layer.codes, tuple(layer.geometries), resolution))


def counts_on_grid(
    cells: Sequence[int], counted: pd.DataFrame, columns: Sequence[str] = ("open",)
) -> pd.DataFrame:
    """Return `cell` and the counted `columns` for the whole grid: zeros where nothing is.

    `counted` has columns `cell` (uint64) and `columns`; counted cells outside the grid
    (border cells whose centre is just outside Bangkok) are added rather than dropped.
    """
    grid = pd.DataFrame({"cell": np.asarray(cells, dtype=np.uint64)})
    extra = counted.loc[~counted["cell"].isin(grid["cell"]), ["cell"]]
    grid = pd.concat([grid, extra], ignore_index=True).drop_duplicates("cell")
    grid = grid.merge(counted[["cell", *columns]], on="cell", how="left")
    for column in columns:
        grid[column] = grid[column].fillna(0).astype("int64")
    return grid.sort_values("cell", ignore_index=True)


def _centres(cells: Iterable[int]) -> tuple[list[str], list[float], list[float]]:
    names = [h3.int_to_str(int(c)) for c in cells]
    centres = [h3.cell_to_latlng(name) for name in names]
    return names, [round(c[0], 6) for c in centres], [round(c[1], 6) for c in centres]


def demand_cells(
    grid: pd.DataFrame,
) -> pd.DataFrame:
    """Gi* on reports per cell. `grid`: cell, reports, open for every cell of the grid."""
    result = gi_star(grid["reports"].to_numpy(), grid["cell"].tolist())
    names, lats, lons = _centres(grid["cell"])
    return pd.DataFrame(
        {
            "h3": names,
            "reports": grid["reports"].to_numpy(),
            "open": grid["open"].to_numpy(),
            "gi_z": np.round(result.z, 4),
            "p_value": np.round(result.p, 4),
            "class": result.classes,
            "lat": lats,
            "lon": lons,
        }
    )


def smoothed_rates(open_: np.ndarray, reports: np.ndarray) -> np.ndarray:
    """Empirical Bayes open shares (Marshall 1991): few reports pull a cell towards the mean.

    The estimator of PySAL's `esda.smoothing.Empirical_Bayes`, with Marshall's rule that a
    negative estimate of the between-cell variance is taken as zero (esda leaves it
    negative, which would push a small cell past the mean to the other side).
    """
    e = np.asarray(open_, dtype=float)
    b = np.asarray(reports, dtype=float)
    mean = e.sum() / b.sum()
    rate = e / b
    variance = max(float((b * (rate - mean) ** 2).sum() / b.sum() - mean / b.mean()), 0.0)
    weight = variance / (variance + mean / b)
    return np.asarray(weight * rate + (1 - weight) * mean, dtype=float)


def rate_cells(
    grid: pd.DataFrame,
    *,
    min_tickets: int = MIN_CELL_TICKETS,
) -> pd.DataFrame:
    """Gi* on empirical-Bayes open shares of the cells with at least `min_tickets` reports.

    Cells with fewer are "too few" (not cold); cells with none are left out.
    """
    grid = grid[grid["reports"] > 0].reset_index(drop=True)
    judged = (grid["reports"] >= min_tickets).to_numpy()
    eb = np.full(len(grid), np.nan)
    z = np.zeros(len(grid))
    p = np.ones(len(grid))
    classes = np.full(len(grid), TOO_FEW, dtype=object)
    if judged.sum() >= 3:
        eb[judged] = smoothed_rates(
            grid["open"].to_numpy()[judged], grid["reports"].to_numpy()[judged]
        )
        result = gi_star(eb[judged], grid.loc[judged, "cell"].tolist())
        z[judged], p[judged] = result.z, result.p
        classes[judged] = result.classes
    names, lats, lons = _centres(grid["cell"])
    reports = grid["reports"].to_numpy()
    return pd.DataFrame(
        {
            "h3": names,
            "reports": reports,
            "open": grid["open"].to_numpy(),
            "open_share": np.round(grid["open"].to_numpy() / np.maximum(reports, 1), 4),
            "eb_open_share": np.round(eb, 4),
            "gi_z": np.round(z, 4),
            "p_value": np.round(p, 4),
            "class": [str(c) for c in classes],
            "lat": lats,
            "lon": lons,
        }
    )


@dataclass(frozen=True)
class Analysis:
    """One map's cells (`kind` demand, rate or emerging) and what it rests on."""

    kind: str
    cells: pd.DataFrame
    city_open_share: float
    """open tickets ÷ tickets reported in the period, city-wide (located tickets)"""
    space_time: Emerging | None = None
    """the emerging analysis (kind emerging)"""

    @property
    def unavailable(self) -> str | None:
        return self.space_time.unavailable if self.space_time is not None else None


def analyse(
    con: Reader,
    *,
    kind: str,
    layer: AreaLayer,
    filters: Filters,
    resolution: int,
    measure: Measure = "reports",
) -> Analysis:
    """The `kind` map for the tickets reported in the filters' period (whole city)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    period = replace_filters(filters, state_group="all", district=None, subdistrict=None)
    where, params = period.where()
    counted = con.execute(
        queries.reports_by_cell(where, resolution, queries.dialect_of(con)), params
    ).df()
    counted["cell"] = counted["cell"].astype("uint64")  # PostgreSQL hands them over signed
    grid = counts_on_grid(
        bangkok_cells(layer, resolution=resolution), counted, columns=("reports", "open")
    )
    reports = int(grid["reports"].sum())
    city_share = float(grid["open"].sum() / reports) if reports else float("nan")
    if kind == "demand":
        return Analysis(kind, demand_cells(grid), city_share)
    if kind == "rate":
        return Analysis(kind, rate_cells(grid), city_share)
    if filters.since is None or filters.until is None:
        raise ValueError("the emerging analysis needs a period (since and until)")
    found = emerging.analyse(
        con,
        grid=grid["cell"].tolist(),
        filters=filters,
        since=filters.since,
        until=filters.until,
        resolution=resolution,
        measure=measure,
    )
    return Analysis(kind, found.cells, city_share, space_time=found)


def is_hot(kind: str, cls: str) -> bool:
    """A cell that belongs in an area to act on: hot for demand or rate; getting worse."""
    if kind == "emerging":
        return cls in WORSENING
    return cls.startswith("hot")


# --- areas a director can act on ---------------------------------------------------------

ROAD = re.compile(r"(?:ถนน|ถ\.)\s*([ก-๙][ก-๙.]*(?:\s?\d+)?)")
SOI = re.compile(r"(?:ซอย|ซ\.)\s*([ก-๙][ก-๙.]*(?:\s?\d+)?)")


STREET_SAMPLE = 5_000
"""An area's main streets are read from at most this many of its tickets' addresses (by
ticket number): the same roads come first, without a regex over millions of addresses."""


def main_streets(addresses: Iterable[object], *, limit: int = 2) -> list[str]:
    """The most named roads (ถนน) in some tickets' addresses, then lanes (ซอย) if no road."""
    roads: dict[str, int] = {}
    lanes: dict[str, int] = {}
    for address in addresses:
        if not isinstance(address, str):
            continue
        for found, counts, prefix in ((ROAD, roads, "ถนน"), (SOI, lanes, "ซอย")):
            for name in {m.strip() for m in found.findall(address)}:
                if name in ("แขวง", "เขต"):
                    continue
                counts[prefix + name] = counts.get(prefix + name, 0) + 1
    ranked = sorted(roads.items(), key=lambda kv: (-kv[1], kv[0]))
    ranked += sorted(lanes.items(), key=lambda kv: (-kv[1], kv[0]))
    return [name for name, _ in ranked[:limit]]


def _district_of_cells(
    cells: Sequence[str], counts: pd.DataFrame, layer: AreaLayer
) -> dict[str, str]:
    """Each cell's district: the one most of its tickets belong to (`counts`: h3,
    district_code, reports), else the one holding its centre (a cell with no ticket in view)."""

    owner: dict[str, str] = {}
    counted = counts.dropna(subset=["district_code"]).sort_values(
        ["h3", "reports", "district_code"], ascending=[True, False, True]
    )
    for cell, district in zip(counted["h3"], counted["district_code"], strict=True):
        owner.setdefault(str(cell), str(district))
    tree = shapely.STRtree(layer.geometries)
    for cell in cells:
        if cell in owner:
            continue
        lat, lon = h3.cell_to_latlng(cell)
        hits = tree.query(shapely.Point(lon, lat), predicate="within")
        owner[cell] = layer.codes[int(hits[0])] if len(hits) else ""
    return owner


def split_areas(cells: Sequence[str], owner: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """Touching cells of the same district, as (district code, sorted cells)."""
    members = set(cells)
    seen: set[str] = set()
    areas: list[tuple[str, list[str]]] = []
    for start in sorted(members):
        if start in seen:
            continue
        district = owner.get(start, "")
        stack, area = [start], []
        seen.add(start)
        while stack:
            cell = stack.pop()
            area.append(cell)
            for neighbour in h3.grid_ring(cell, 1):
                if (
                    neighbour in members
                    and neighbour not in seen
                    and owner.get(neighbour, "") == district
                ):
                    seen.add(neighbour)
                    stack.append(neighbour)
        areas.append((district, sorted(area)))
    return areas


RANK_RULES = {
    "demand": "reports",
    "rate": "excess_open",
    "emerging": "reports",
}
"""What areas are ranked by (most first): demand and emerging by the tickets reported in the
area; rate by the open tickets above what the city's open share would give."""


def _zoom_for(cells: int) -> int:
    return 15 if cells <= 3 else 14 if cells <= 12 else 13


_Ranked = tuple[tuple[float, str, str], str, list[str], int, int, Counter[str]]
"""An area as ranked: (sort key, district, cells, reports, open, other districts' reports)."""


def actionable_areas(
    con: Reader,
    *,
    analysis: Analysis,
    filters: Filters,
    resolution: int,
    as_of: datetime,
    districts: AreaLayer,
    limit: int = 20,
) -> pd.DataFrame:
    """Hot cells split into areas that one district office owns, ranked by `RANK_RULES`.

    Per area: district, subdistricts and main streets (from the tickets' addresses), reports,
    open, excess open over the city rate, top categories, oldest open tickets, the tickets
    of other districts inside its cells (`shared_with`), a map centre and zoom.
    """
    column = "category" if analysis.kind == "emerging" else "class"
    by_cell_category = dict(zip(analysis.cells["h3"], analysis.cells[column], strict=True))
    hot = [str(c) for c, cls in by_cell_category.items() if is_hot(analysis.kind, str(cls))]
    if not hot:
        return pd.DataFrame()
    period = replace_filters(filters, state_group="all", district=None, subdistrict=None)
    where, params = period.where()
    dialect = queries.dialect_of(con)
    # Everything is counted in the database: at 10M tickets the hot cells hold millions.
    counts = con.execute(
        queries.hot_cell_counts(where, resolution, dialect),
        [*params, [h3.str_to_int(c) for c in hot]],
    ).df()
    counts["h3"] = [h3.int_to_str(int(c) & 0xFFFFFFFFFFFFFFFF) for c in counts["cell"]]
    counts["district_code"] = counts["district_code"].astype(object)
    owner = _district_of_cells(hot, counts, districts)
    shown = _ranked_areas(analysis, split_areas(hot, owner), _per_cell(counts))[:limit]
    if not shown:
        return pd.DataFrame()
    hot_lists = [
        [h3.str_to_int(c) for _, _, area, *_ in shown for c in area],
        [number for number, (_, _, area, *_) in enumerate(shown) for _ in area],
        [district for _, district, area, *_ in shown for _ in area],
    ]
    of_area = {
        part: _details_by_area(
            con.execute(
                queries.hot_area_details(part, where, resolution, dialect, addresses=STREET_SAMPLE),
                [*hot_lists, as_of, *params],
            ).fetchall(),
            len(shown),
        )
        for part in queries.HOT_AREA_DETAILS
    }
    rows = [
        _area_row(
            analysis, item, {part: of_area[part][number] for part in of_area}, by_cell_category
        )
        for number, item in enumerate(shown)
    ]
    frame = pd.DataFrame(rows)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def _details_by_area(found: list[tuple[Any, ...]], areas: int) -> dict[int, list[tuple[Any, ...]]]:
    """One part of the areas' details (rows led by the area's number) per area."""
    by_area: dict[int, list[tuple[Any, ...]]] = {number: [] for number in range(areas)}
    for number, *rest in found:
        by_area[int(number)].append(tuple(rest))
    return by_area


def _per_cell(counts: pd.DataFrame) -> dict[str, list[tuple[str, int, int]]]:
    """Per hot cell: (district, reports, open) of the tickets in it, per district."""
    per_cell: dict[str, list[tuple[str, int, int]]] = {}
    for cell, district, reports, opened in zip(
        counts["h3"], counts["district_code"], counts["reports"], counts["open"], strict=True
    ):
        code = "" if district is None or district != district else str(district)
        per_cell.setdefault(str(cell), []).append((code, int(reports), int(opened)))
    return per_cell


def _ranked_areas(
    analysis: Analysis,
    areas: list[tuple[str, list[str]]],
    per_cell: dict[str, list[tuple[str, int, int]]],
) -> list[_Ranked]:
    """The areas with reports of their own district, most first by the kind's `RANK_RULES`."""
    rule = RANK_RULES[analysis.kind]
    ranked: list[_Ranked] = []
    for district, area in areas:
        reports = opened = 0
        shared: Counter[str] = Counter()
        for cell in area:
            for code, n, o in per_cell.get(cell, []):
                if code == district:
                    reports, opened = reports + n, opened + o
                else:
                    shared[code] += n
        if not reports:
            continue
        measure = {
            "reports": reports,
            "excess_open": round(opened - reports * analysis.city_open_share, 1),
        }[rule]
        key = (-float(measure), str(district), str(area))
        ranked.append((key, district, area, reports, opened, shared))
    ranked.sort(key=lambda item: item[0])
    return ranked


def _area_row(
    analysis: Analysis,
    ranked: _Ranked,
    details: dict[str, list[tuple[Any, ...]]],
    by_cell_category: Mapping[str, object],
) -> dict[str, Any]:
    """One area's row of `actionable_areas`, from its ranking and its details' rows."""
    _, district, area, reports, opened, shared = ranked
    subdistricts = [(str(c), int(n)) for c, n in details["subdistricts"]]
    categories = [(str(c), int(n)) for c, n in details["categories"]]
    median_age = details["open_age"]
    centres = [h3.cell_to_latlng(c) for c in area]
    patterns = pd.Series([str(by_cell_category[c]) for c in area]).value_counts()
    return {
        "district_code": district,
        "subdistrict_counts": sorted(subdistricts, key=lambda kv: (-kv[1], kv[0])),
        "streets": main_streets(a for (a,) in details["addresses"]),
        "cells": len(area),
        "reports": reports,
        "open": opened,
        "open_share": round(opened / reports, 4),
        "excess_open": round(opened - reports * analysis.city_open_share, 1),
        "top_categories": [c for c, _ in sorted(categories, key=lambda kv: (-kv[1], kv[0]))[:3]],
        "median_open_age_days": (round(float(median_age[0][0]), 1) if median_age else None),
        "oldest_open": [(str(i), int(a)) for i, a in details["oldest_open"]],
        "shared_with": sorted(
            ((c, int(n)) for c, n in shared.items()), key=lambda kv: (-kv[1], kv[0])
        ),
        "pattern": str(patterns.index[0]),
        "lat": round(float(np.mean([c[0] for c in centres])), 5),
        "lon": round(float(np.mean([c[1] for c in centres])), 5),
        "zoom": _zoom_for(len(area)),
        "h3_cells": area,
    }


def area_labels(areas: pd.DataFrame, *, names: Mapping[str, str], lang: Lang) -> list[str]:
    """A true, distinct label per area that says which name is the district and which the
    subdistrict: "เขตห้วยขวาง แขวงบางกะปิ ถนนเพชรบุรีตัดใหม่" / "Huai Khwang district,
    Bang Kapi subdistrict, ถนนเพชรบุรีตัดใหม่" (a subdistrict may share a district's name).

    A repeated label gets the area's second street, then its rank.
    """
    joiner = ", " if lang == "en" else " "
    labels: list[str] = []
    for row in areas.to_dict(orient="records"):
        code = row["district_code"]
        parts = [_named("area_label_district", names.get(code, code), lang)]
        if row["subdistrict_counts"]:
            code = row["subdistrict_counts"][0][0]
            parts.append(_named("area_label_subdistrict", names.get(code, code), lang))
        streets = list(row["streets"])
        parts.extend(streets[:1])
        label = joiner.join(parts)
        if label in labels and len(streets) > 1:
            label = joiner.join([label, streets[1]])
        if label in labels:
            label = i18n.t("area_label_rank", lang, label=label, rank=row["rank"])
        labels.append(label)
    return labels


def _named(kind: str, name: str, lang: Lang) -> str:
    """'เขตห้วยขวาง' / 'Huai Khwang district', or the name as it is when it already says
    what it is (a city's own boundaries may name 'เขตห้วยขวาง')."""
    word = i18n.t(kind, lang, name="").strip()
    if name.startswith(word) or word.casefold() in name.casefold().split():
        return name
    return i18n.t(kind, lang, name=name)
