"""Tiny data built in code: a 10 x 5 grid of square districts, each split in two khwaeng."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from dashboard.ingest.sources import RAW_COLUMNS

ORIGIN_LON, ORIGIN_LAT, SIZE = 100.40, 13.60, 0.05
HEADER = list(RAW_COLUMNS)


def district_code(column: int, row: int) -> str:
    return str(1001 + row * 10 + column)


def centre(code: str, *, half: int = 0) -> tuple[float, float]:
    """Return a point inside district `code` (in its west half 0 or east half 1)."""
    index = int(code) - 1001
    row, column = divmod(index, 10)
    lon = ORIGIN_LON + column * SIZE + SIZE * (0.25 if half == 0 else 0.75)
    lat = ORIGIN_LAT + row * SIZE + SIZE / 2
    return round(lon, 6), round(lat, 6)


def _square(x0: float, y0: float, width: float, height: float) -> dict[str, object]:
    ring = [[x0, y0], [x0 + width, y0], [x0 + width, y0 + height], [x0, y0 + height], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def write_boundaries(folder: Path) -> Path:
    """Write district, subdistrict and population files into `folder` and return it."""
    districts, subdistricts, population = [], [], []
    for row in range(5):
        for column in range(10):
            code = district_code(column, row)
            x0, y0 = ORIGIN_LON + column * SIZE, ORIGIN_LAT + row * SIZE
            districts.append(
                {
                    "type": "Feature",
                    "properties": {
                        "dcode": code,
                        "name_th": f"เขต{code}",
                        "name_en": f"District {code}",
                    },
                    "geometry": _square(x0, y0, SIZE, SIZE),
                }
            )
            for half in (0, 1):
                subdistricts.append(
                    {
                        "type": "Feature",
                        "properties": {
                            "scode": f"{code}0{half + 1}",
                            "dcode": code,
                            "name_th": f"แขวง{code}{half + 1}",
                            "name_en": f"Khwaeng {code}-{half + 1}",
                        },
                        "geometry": _square(x0 + half * SIZE / 2, y0, SIZE / 2, SIZE),
                    }
                )
            population.append((code, 10_000 * (1 + int(code) % 3)))
    folder.mkdir(parents=True, exist_ok=True)
    for name, features in (
        ("bangkok_districts.geojson", districts),
        ("bangkok_subdistricts.geojson", subdistricts),
    ):
        (folder / name).write_text(
            json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
            encoding="utf-8",
        )
    lines = ["dcode,name_th,name_en,population"] + [
        f"{code},เขต{code},District {code},{people}" for code, people in population
    ]
    (folder / "population_by_district.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def ticket(
    ticket_id: str,
    *,
    code: str = "1001",
    half: int = 0,
    state: str = "รอรับเรื่อง",
    type_: str = "{ถนน}",
    timestamp: str = "2022-06-01 03:00:00+00",
    last_activity: str = "2022-06-02 03:00:00+00",
    coords: str | None = None,
    comment: str = "หลุมบ่อ",
    star: str = "",
    count_reopen: str = "0",
    photo: str = "",
    photo_after: str = "",
    district: str = "",
    subdistrict: str = "",
    organization: str = "เขต",
) -> dict[str, str]:
    """Return one raw ticket row in the dump layout."""
    if coords is None:
        lon, lat = centre(code, half=half)
        coords = f"{lon},{lat}"
    return {
        "ticket_id": ticket_id,
        "type": type_,
        "organization": organization,
        "comment": comment,
        "coords": coords,
        "photo": photo or f"https://example.invalid/{ticket_id or timestamp}.jpg",
        "photo_after": photo_after,
        "address": "",
        "subdistrict": subdistrict,
        "district": district,
        "province": "กรุงเทพมหานคร",
        "timestamp": timestamp,
        "state": state,
        "star": star,
        "count_reopen": count_reopen,
        "last_activity": last_activity,
    }


def csv_text(
    rows: list[dict[str, str]], *, header: list[str] | None = None, bom: bool = False
) -> str:
    """Return rows as dump-format CSV text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=header or HEADER, lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + buffer.getvalue()


def write_csv(path: Path, rows: list[dict[str, str]], **kwargs: object) -> Path:
    path.write_text(csv_text(rows, **kwargs), encoding="utf-8")  # type: ignore[arg-type]
    return path
