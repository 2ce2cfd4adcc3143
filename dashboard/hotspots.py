"""Statistically significant clusters of open complaints: Getis-Ord Gi* on H3 cells.

Open tickets are counted per H3 cell over every cell of Bangkok (empty cells count as 0).
Weights are binary over each cell and its first ring of neighbours, the cell itself
included (Gi*, `star=True`). Inference is by permutation with a fixed seed (esda), and the
false discovery rate across cells is controlled with Benjamini–Hochberg (`esda.fdr`) at
each confidence level. Pure: no streamlit.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import esda
import h3
import numpy as np
import pandas as pd
from libpysal.weights import W

from dashboard import queries
from dashboard.boundaries import AreaLayer
from dashboard.store import Reader

RESOLUTIONS = (8, 9)
CONFIDENCE_LEVELS = ((0.99, 0.01), (0.95, 0.05), (0.90, 0.10))
PERMUTATIONS = 999
SEED = 20220529
FDR_METHOD = "Benjamini–Hochberg false discovery rate (esda.fdr), applied at each confidence level"
NOT_SIGNIFICANT = "not significant"


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


def counts_on_grid(cells: Sequence[int], counted: pd.DataFrame) -> pd.DataFrame:
    """Return `cell`, `open` for the whole grid: counted cells plus zeros for the rest.

    `counted` has columns `cell` (uint64) and `open`; counted cells outside the grid (border
    cells whose centre is just outside Bangkok) are added to it rather than dropped.
    """
    grid = pd.DataFrame({"cell": np.asarray(cells, dtype=np.uint64)})
    extra = counted.loc[~counted["cell"].isin(grid["cell"]), ["cell"]]
    grid = pd.concat([grid, extra], ignore_index=True).drop_duplicates("cell")
    grid = grid.merge(counted[["cell", "open"]], on="cell", how="left")
    grid["open"] = grid["open"].fillna(0).astype("int64")
    return grid.sort_values("cell", ignore_index=True)


def ring_weights(cells: Sequence[int]) -> W:
    """Binary weights: each cell's first-ring neighbours that are in `cells`."""
    index = {int(cell): i for i, cell in enumerate(cells)}
    neighbours: dict[int, list[int]] = {}
    for cell, i in index.items():
        ring = h3.grid_ring(h3.int_to_str(cell), 1)
        neighbours[i] = [index[h3.str_to_int(n)] for n in ring if h3.str_to_int(n) in index]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands (cells with no neighbour) are allowed
        return W(neighbours, id_order=list(range(len(cells))), silence_warnings=True)


@dataclass(frozen=True)
class GiStar:
    """Per-cell Gi* results, in the order of the cells given."""

    z: np.ndarray
    p: np.ndarray
    classes: list[str]


def gi_star(
    values: np.ndarray, weights: W, *, permutations: int = PERMUTATIONS, seed: int = SEED
) -> GiStar:
    """Run local Gi* (binary weights, self included) and classify each cell with FDR control."""
    y = np.asarray(values, dtype=float)
    if y.sum() == 0 or len(y) < 3:
        return GiStar(z=np.zeros(len(y)), p=np.ones(len(y)), classes=[NOT_SIGNIFICANT] * len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = esda.G_Local(
            y, weights, transform="B", permutations=permutations, star=True, seed=seed, n_jobs=1
        )
    z = np.nan_to_num(np.asarray(result.Zs, dtype=float))
    p = np.nan_to_num(np.asarray(result.p_sim, dtype=float), nan=1.0)
    return GiStar(z=z, p=p, classes=classify(z, p))


def classify(z: np.ndarray, p: np.ndarray) -> list[str]:
    """Return 'hot 99%', 'cold 95%', … or 'not significant' for each cell (BH-FDR per level)."""
    classes = np.full(len(z), NOT_SIGNIFICANT, dtype=object)
    for confidence, alpha in reversed(CONFIDENCE_LEVELS):  # strictest level written last wins
        cutoff = float(esda.fdr(p, alpha))
        significant = p <= cutoff
        label = f"{confidence:.0%}"
        classes[significant & (z > 0)] = f"hot {label}"
        classes[significant & (z < 0)] = f"cold {label}"
    return [str(c) for c in classes]


def cell_table(grid: pd.DataFrame, result: GiStar) -> pd.DataFrame:
    """Return one record per cell: h3, open, gi_z, p_value, class, lat, lon."""
    centres = [h3.cell_to_latlng(h3.int_to_str(int(c))) for c in grid["cell"]]
    return pd.DataFrame(
        {
            "h3": [h3.int_to_str(int(c)) for c in grid["cell"]],
            "open": grid["open"].to_numpy(),
            "gi_z": np.round(result.z, 4),
            "p_value": np.round(result.p, 4),
            "class": result.classes,
            "lat": np.round([c[0] for c in centres], 6),
            "lon": np.round([c[1] for c in centres], 6),
        }
    )


def hotspot_cells(
    *,
    layer: AreaLayer,
    counted: pd.DataFrame,
    resolution: int,
    seed: int = SEED,
    permutations: int = PERMUTATIONS,
) -> pd.DataFrame:
    """Count, weight, test and classify: the per-cell table for one period."""
    grid = counts_on_grid(bangkok_cells(layer, resolution=resolution), counted)
    weights = ring_weights(grid["cell"].tolist())
    result = gi_star(grid["open"].to_numpy(), weights, permutations=permutations, seed=seed)
    return cell_table(grid, result)


def hot_areas(cells: pd.DataFrame) -> list[list[str]]:
    """Group touching significant hot cells into areas (largest open count first)."""
    hot = set(cells.loc[cells["class"].str.startswith("hot"), "h3"])
    open_by_cell = dict(zip(cells["h3"], cells["open"], strict=True))
    areas: list[list[str]] = []
    seen: set[str] = set()
    for start in sorted(hot):
        if start in seen:
            continue
        stack, area = [start], []
        seen.add(start)
        while stack:
            cell = stack.pop()
            area.append(cell)
            for neighbour in h3.grid_ring(cell, 1):
                if neighbour in hot and neighbour not in seen:
                    seen.add(neighbour)
                    stack.append(neighbour)
        areas.append(sorted(area))
    return sorted(areas, key=lambda a: (-sum(open_by_cell[c] for c in a), a[0]))


def trend(area: Iterable[str], *, now: pd.DataFrame, before: pd.DataFrame) -> str:
    """Compare an area with the previous period: new, intensifying, persistent or diminishing."""
    cells = list(area)
    earlier = before[before["h3"].isin(cells)]
    was_hot = bool(earlier["class"].str.startswith("hot").any())
    if not was_hot:
        return "new"
    open_now = int(now.loc[now["h3"].isin(cells), "open"].sum())
    open_before = int(earlier["open"].sum())
    if open_now > open_before * 1.1:
        return "intensifying"
    if open_now < open_before * 0.9:
        return "diminishing"
    return "persistent"


def analyse(
    con: Reader, *, layer: AreaLayer, filters: Any, resolution: int, seed: int = SEED
) -> pd.DataFrame:
    """Per-cell Gi* table for the open tickets matching `filters` (a metrics.Filters)."""
    from dashboard import metrics

    open_filters = metrics.replace_filters(
        filters, state_group="open", district=None, subdistrict=None
    )
    counted = metrics.open_by_cell(con, filters=open_filters, resolution=resolution)
    return hotspot_cells(layer=layer, counted=counted, resolution=resolution, seed=seed)


def area_summaries(
    con: Reader,
    *,
    areas: list[list[str]],
    now: pd.DataFrame,
    before: pd.DataFrame | None,
    filters: Any,
    resolution: int,
    as_of: Any,
    districts: AreaLayer,
    subdistricts: AreaLayer,
    limit: int = 20,
) -> pd.DataFrame:
    """One row per hot area (largest first): where it is, open count, top categories, age, trend.

    `district_counts` and `subdistrict_counts` list (code, open tickets) in the area, most
    first, so that a label can say truthfully how many districts an area spans.
    """
    from dashboard import metrics

    where, params = metrics.replace_filters(
        filters, state_group="open", district=None, subdistrict=None
    ).where()
    sql = queries.hot_area(where, resolution, queries.dialect_of(con))
    rows: list[dict[str, Any]] = []
    for area in areas:
        if len(rows) >= limit:
            break
        ids = [h3.str_to_int(c) for c in area]
        found = con.execute(sql, [as_of, *[*params, ids] * 6]).fetchall()[0]
        open_count, median_age, districts_, district_n, subdistricts_, subdistrict_n, top = found
        by_district = list(zip(districts_ or [], district_n or [], strict=True))
        by_subdistrict = list(zip(subdistricts_ or [], subdistrict_n or [], strict=True))
        if not open_count:
            continue  # a significant cell can be empty itself; an area with no ticket is not listed
        rows.append(
            {
                "rank": len(rows) + 1,
                "cells": len(area),
                "district_counts": [(str(c), int(n)) for c, n in by_district or [] if c],
                "subdistrict_counts": [(str(c), int(n)) for c, n in by_subdistrict or [] if c],
                "open": int(open_count),
                "top_categories": list(top or []),
                "median_open_age_days": None if median_age is None else round(float(median_age), 1),
                "trend": trend(area, now=now, before=before) if before is not None else "–",
                "h3_cells": area,
            }
        )
    return pd.DataFrame(rows)


def area_labels(areas: pd.DataFrame, *, names: Mapping[str, str], lang: str) -> list[str]:
    """A true, distinct label per hot area.

    One district: "district / main subdistrict". Several: "N districts, mostly A, B, C"
    (the three with most open tickets in the area). Two areas never share a label: a
    repeated one gets the area's main subdistrict (if not already in it), then its rank.
    """
    from dashboard import i18n

    labels: list[str] = []
    for row in areas.to_dict(orient="records"):
        district_codes = [code for code, _ in row["district_counts"]]
        main_sub = row["subdistrict_counts"][0][0] if row["subdistrict_counts"] else ""
        if len(district_codes) == 1:
            label = f"{names.get(district_codes[0], district_codes[0])} / {names.get(main_sub, main_sub)}"
        else:
            label = i18n.t(
                "area_districts",
                lang,
                n=len(district_codes),
                names=", ".join(names.get(c, c) for c in district_codes[:3]),
            )
        sub_name = names.get(main_sub, main_sub)
        if label in labels and sub_name not in label:
            label = f"{label} ({sub_name})"
        if label in labels:
            label = f"{label} · #{row['rank']}"
        labels.append(label)
    return labels
