"""Load the district and subdistrict boundaries and the population table."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from dashboard import config
from dashboard.errors import BoundaryFileError
from dashboard.i18n import Lang

FETCH_HINT = "run `khetmap fetch` to download it, or set KHETMAP_DATA_DIR to the folder that has it"


@dataclass(frozen=True)
class AreaLayer:
    """A set of named polygons: districts (4-digit codes) or subdistricts (6-digit codes)."""

    codes: tuple[str, ...]
    names_th: tuple[str, ...]
    names_en: tuple[str, ...]
    parent_codes: tuple[str, ...]
    geometries: NDArray[Any]

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def bounds(self) -> NDArray[np.float64]:
        """Return an (n, 4) array of minx, miny, maxx, maxy."""
        return np.asarray(shapely.bounds(self.geometries), dtype=np.float64)

    def subset(self, indices: Sequence[int] | NDArray[np.int64]) -> AreaLayer:
        """Return the areas at `indices`, in that order."""
        return AreaLayer(
            codes=tuple(self.codes[i] for i in indices),
            names_th=tuple(self.names_th[i] for i in indices),
            names_en=tuple(self.names_en[i] for i in indices),
            parent_codes=tuple(self.parent_codes[i] for i in indices),
            geometries=self.geometries[list(indices)],
        )

    def index_of(self, code: str) -> int:
        """Return the position of an area code, or raise KeyError."""
        return self.codes.index(code)


def _read_geojson(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise BoundaryFileError(f"{path.name} is missing from {path.parent}/: {FETCH_HINT}.")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        features = document["features"]
        if not isinstance(features, list) or not features:
            raise ValueError("no features")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise BoundaryFileError(
            f"{path} is not a valid GeoJSON FeatureCollection ({exc}): delete it and {FETCH_HINT}."
        ) from exc
    return features


def _layer_from_features(
    features: list[dict[str, Any]], *, path: Path, code_key: str, parent_key: str | None
) -> AreaLayer:
    try:
        rows = sorted(
            (
                str(f["properties"][code_key]),
                str(f["properties"]["name_th"]),
                str(f["properties"]["name_en"]),
                str(f["properties"][parent_key]) if parent_key else "",
                shapely.geometry.shape(f["geometry"]),
            )
            for f in features
        )
    except (KeyError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
        raise BoundaryFileError(
            f"{path} has a feature without a usable '{code_key}', name or geometry ({exc!r}): "
            f"delete it and {FETCH_HINT}."
        ) from exc
    geometries = np.array([row[4] for row in rows], dtype=object)
    shapely.prepare(geometries)
    return AreaLayer(
        codes=tuple(row[0] for row in rows),
        names_th=tuple(row[1] for row in rows),
        names_en=tuple(row[2] for row in rows),
        parent_codes=tuple(row[3] for row in rows),
        geometries=geometries,
    )


def load_districts(*, data_dir: Path | None = None) -> AreaLayer:
    """Load the 50 khet polygons from `bangkok_districts.geojson`."""
    path = (data_dir or config.data_dir()) / config.DISTRICTS_FILE
    layer = _load_layer(path, "dcode", None)
    if len(layer) != 50:
        raise BoundaryFileError(
            f"{path} has {len(layer)} districts, expected the 50 Bangkok khet: "
            f"delete it and {FETCH_HINT}."
        )
    return layer


def load_subdistricts(*, data_dir: Path | None = None) -> AreaLayer:
    """Load the khwaeng polygons from `bangkok_subdistricts.geojson`."""
    path = (data_dir or config.data_dir()) / config.SUBDISTRICTS_FILE
    return _load_layer(path, "scode", "dcode")


@cache
def _load_layer(path: Path, code_key: str, parent_key: str | None) -> AreaLayer:
    features = _read_geojson(path)
    return _layer_from_features(features, path=path, code_key=code_key, parent_key=parent_key)


def load_population(*, data_dir: Path | None = None) -> dict[str, int]:
    """Return registered population by district code from `population_by_district.csv`."""
    path = (data_dir or config.data_dir()) / config.POPULATION_FILE
    if not path.is_file():
        raise BoundaryFileError(f"{path.name} is missing from {path.parent}/: {FETCH_HINT}.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return {row["dcode"]: int(row["population"]) for row in csv.DictReader(handle)}
    except (KeyError, ValueError, UnicodeDecodeError) as exc:
        raise BoundaryFileError(
            f"{path} is not the population table (columns dcode, population) ({exc!r}): "
            f"delete it and {FETCH_HINT}."
        ) from exc


def area_names(layers: Sequence[AreaLayer], lang: Lang) -> dict[str, str]:
    """Every area code of `layers` → its name in `lang` (Thai unless 'en')."""
    names: dict[str, str] = {}
    for layer in layers:
        for code, thai, english in zip(layer.codes, layer.names_th, layer.names_en, strict=True):
            names[code] = english if lang == "en" else thai
    return names
