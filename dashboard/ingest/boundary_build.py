"""Rebuild the boundary GeoJSON files from their upstream shapefile zips (for `khetmap fetch`).

District polygons: OCHA HDX COD-AB (via prasertcbs/thailand_gis, `ADM2_PCODE` "TH1001"…).
Subdistrict polygons: BangkokGIS (same repository). Names come from the GeoThai tables
(PyPI `geothai`), joined by DOPA code, as SOURCES.md describes. The code field is found by
its content, the old code 104701 becomes DOPA 104702, and the result is checked (every
DOPA code once, valid geometries inside Bangkok) before it is written.
"""

from __future__ import annotations

import json
import re
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import shapely
from pyproj import CRS, Transformer

from dashboard.errors import FetchError

BANGKOK_BOUNDS = (100.2, 13.3, 101.1, 14.1)
RECODED = {"104701": "104702"}
"""DOPA has no 104701 any more: แขวงบางนา was split into 104702 and 104703."""


def _geothai(name: str) -> list[list[str]]:
    data: list[list[str]] = json.loads(
        (resources.files("geothai") / "_data" / name).read_text(encoding="utf-8")
    )
    return data


def _read_zip(data: bytes, label: str) -> tuple[dict[str, list[str]], np.ndarray]:
    """Return the attribute columns (as text) and the geometries (lon/lat) of a zipped shapefile."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "source.zip"
        path.write_bytes(data)
        try:
            meta, _fids, wkb, fields = pyogrio.raw.read(f"/vsizip/{path}")
        except Exception as exc:  # pyogrio raises its own DataSourceError family
            raise FetchError(
                f"{label}: the downloaded zip holds no readable shapefile ({exc})."
            ) from exc
    geometries = shapely.from_wkb(wkb)
    crs = meta.get("crs")
    if not crs:
        raise FetchError(
            f"{label}: the shapefile has no coordinate reference system (.prj); cannot place it."
        )
    if CRS.from_user_input(crs).to_epsg() != 4326:
        transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        geometries = shapely.transform(
            geometries, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
        )
    columns = {
        name: ["" if v is None else str(v).strip() for v in values]
        for name, values in zip(meta["fields"], fields, strict=True)
    }
    return columns, np.asarray(geometries, dtype=object)


def _code_column(columns: dict[str, list[str]], pattern: str, label: str) -> list[str]:
    for values in columns.values():
        if values and all(re.fullmatch(pattern, v) for v in values):
            return values
    raise FetchError(
        f"{label}: no attribute column holds codes like {pattern!r}; the upstream file has changed."
    )


def _feature_collection(features: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode("utf-8")


def _geometry(geometry: Any) -> dict[str, Any]:
    fixed = geometry if shapely.is_valid(geometry) else shapely.make_valid(geometry)
    parsed: dict[str, Any] = json.loads(shapely.to_geojson(shapely.set_precision(fixed, 1e-7)))
    return parsed


def _check_bounds(geometries: np.ndarray, label: str) -> None:
    minx, miny, maxx, maxy = shapely.total_bounds(geometries)
    lo_x, lo_y, hi_x, hi_y = BANGKOK_BOUNDS
    if not (lo_x <= minx and maxx <= hi_x and lo_y <= miny and maxy <= hi_y):
        raise FetchError(
            f"{label}: the polygons span {minx:.3f},{miny:.3f} – {maxx:.3f},{maxy:.3f}, not Bangkok."
        )


def build_districts(data: bytes) -> bytes:
    """Return `bangkok_districts.geojson` built from the HDX district shapefile zip."""
    label = "bangkok_districts.geojson"
    columns, geometries = _read_zip(data, label)
    codes = [c.removeprefix("TH") for c in _code_column(columns, r"(TH)?10\d\d", label)]
    names = {row[0]: row for row in _geothai("districts.json") if row[0].startswith("10")}
    expected = sorted(names)
    if sorted(codes) != expected:
        raise FetchError(
            f"{label}: expected the {len(expected)} Bangkok district codes once each, got {len(codes)} features."
        )
    _check_bounds(geometries, label)
    features = [
        {
            "type": "Feature",
            "properties": {
                "dcode": code,
                "name_th": names[code][1].removeprefix("เขต"),
                "name_th_full": names[code][1],
                "name_en": names[code][2],
            },
            "geometry": _geometry(geometry),
        }
        for code, geometry in sorted(zip(codes, geometries, strict=True), key=lambda pair: pair[0])
    ]
    return _feature_collection(features)


def build_subdistricts(data: bytes) -> bytes:
    """Return `bangkok_subdistricts.geojson` built from the BangkokGIS khwaeng shapefile zip."""
    label = "bangkok_subdistricts.geojson"
    columns, geometries = _read_zip(data, label)
    codes = [RECODED.get(c, c) for c in _code_column(columns, r"10\d{4}", label)]
    names = {row[0]: row for row in _geothai("subdistricts.json") if row[0].startswith("10")}
    districts = {row[0]: row for row in _geothai("districts.json") if row[0].startswith("10")}
    if sorted(codes) != sorted(names):
        missing = sorted(set(names) - set(codes))[:5]
        raise FetchError(
            f"{label}: the khwaeng codes do not match DOPA's {len(names)} (missing e.g. {missing})."
        )
    _check_bounds(geometries, label)
    features = []
    for code, geometry in sorted(zip(codes, geometries, strict=True), key=lambda pair: pair[0]):
        district = districts[code[:4]]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "scode": code,
                    "dcode": code[:4],
                    "name_th": names[code][1],
                    "name_en": names[code][2],
                    "postal_code": names[code][3],
                    "district_name_th": district[1].removeprefix("เขต"),
                    "district_name_en": district[2],
                },
                "geometry": _geometry(geometry),
            }
        )
    return _feature_collection(features)
