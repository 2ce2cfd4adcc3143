"""Assign points to districts, subdistricts and H3 cells."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from h3ronpy.vector import coordinates_to_cells
from numpy.typing import NDArray

from dashboard.boundaries import AreaLayer

H3_RESOLUTION = 9
BANGKOK_BBOX = (100.25, 13.40, 101.00, 14.05)
"""A generous lon/lat box around Bangkok, used to recognise swapped coordinates."""

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


def locate_points(*, lon: Floats, lat: Floats, layer: AreaLayer) -> Ints:
    """Return, for each point, the index of the polygon holding it, or -1.

    Interior points are found first with a bbox prefilter and `shapely.contains_xy`;
    points left over that lie exactly on a boundary go to the first polygon (in code
    order) that touches them, so a point on a shared border lands in exactly one area.
    """
    result = np.full(len(lon), -1, dtype=np.int64)
    candidates = np.isfinite(lon) & np.isfinite(lat)
    bounds = layer.bounds
    for predicate in (shapely.contains_xy, shapely.intersects_xy):
        for index, geometry in enumerate(layer.geometries):
            _assign(result, candidates, index, geometry, bounds[index], lon, lat, predicate)
    return result


def _assign(
    result: Ints,
    candidates: NDArray[np.bool_],
    index: int,
    geometry: Any,
    box: Floats,
    lon: Floats,
    lat: Floats,
    predicate: Any,
) -> None:
    minx, miny, maxx, maxy = box
    picked = np.flatnonzero(
        candidates & (result == -1) & (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
    )
    if picked.size:
        inside = predicate(geometry, lon[picked], lat[picked])
        result[picked[inside]] = index


def locate_subdistricts(
    *,
    lon: Floats,
    lat: Floats,
    district_index: Ints,
    districts: AreaLayer,
    subdistricts: AreaLayer,
) -> Ints:
    """Return the subdistrict index for each point, chosen among its own district's khwaeng.

    The subdistrict layer comes from another source than the district layer, so their
    borders differ by slivers. A point placed in a district but in none of that district's
    khwaeng polygons goes to the nearest khwaeng of that district; the hierarchy stays
    consistent. Points with no district get -1.
    """
    result = np.full(len(lon), -1, dtype=np.int64)
    parents = np.asarray(subdistricts.parent_codes)
    order = np.argsort(district_index, kind="stable")
    starts = np.searchsorted(district_index[order], np.arange(len(districts) + 1))
    for index, code in enumerate(districts.codes):
        members = np.flatnonzero(parents == code)
        points = order[starts[index] : starts[index + 1]]
        if members.size == 0 or points.size == 0:
            continue
        sub_layer = subdistricts.subset(members)
        found = locate_points(lon=lon[points], lat=lat[points], layer=sub_layer)
        missing = found == -1
        if missing.any():
            found[missing] = _nearest(sub_layer, lon[points[missing]], lat[points[missing]])
        result[points] = members[found]
    return result


def _nearest(layer: AreaLayer, lon: Floats, lat: Floats) -> Ints:
    points = shapely.points(lon, lat)
    distances = np.stack([shapely.distance(geometry, points) for geometry in layer.geometries])
    return np.asarray(distances.argmin(axis=0), dtype=np.int64)


def h3_cells(*, lon: Floats, lat: Floats, resolution: int = H3_RESOLUTION) -> NDArray[np.uint64]:
    """Return the H3 cell (as uint64) of each point; 0 where the point is missing."""
    cells = np.zeros(len(lon), dtype=np.uint64)
    valid = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if valid.size:
        found = coordinates_to_cells(lat[valid], lon[valid], resolution)
        cells[valid] = np.asarray(found.to_numpy(), dtype=np.uint64)
    return cells


def in_bbox(lon: Floats, lat: Floats) -> NDArray[np.bool_]:
    """Return True where a point lies in the generous Bangkok box."""
    minx, miny, maxx, maxy = BANGKOK_BBOX
    return (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
