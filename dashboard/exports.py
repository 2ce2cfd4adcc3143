"""Downloads of the shown tickets: CSV and GeoJSON. Pure: no streamlit.

Times are Bangkok local time to the minute, as the pages show them; every area code comes
with its name, every ticket with its public page. In CSV, a text cell that starts like a
spreadsheet formula is prefixed with an apostrophe (OWASP CSV injection guidance), so
a hostile comment opened in Excel or LibreOffice stays text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard import i18n, vocab
from dashboard.text import neutralise_cell

TIME_FORMAT = "%Y-%m-%d %H:%M"
TEXT_COLUMNS = (
    "ticket_id",
    "public_page",
    "state",
    "state_name",
    "categories",
    "district_code",
    "district_name",
    "subdistrict_code",
    "subdistrict_name",
    "comment",
    "address",
    "photo",
    "photo_after",
    "location_issue",
)


def export_frame(
    frame: pd.DataFrame, *, names: Mapping[str, str], lang: str, with_finish_times: bool
) -> pd.DataFrame:
    """The tickets as export columns (`names`: area code → name in `lang`)."""
    columns: dict[str, Any] = {
        "ticket_id": frame["ticket_id"],
        "public_page": frame["ticket_id"].map(vocab.public_page),
        "reported_at_bangkok": _local(frame["reported_at"]),
    }
    if with_finish_times:
        columns["last_activity_bangkok"] = _local(frame["last_activity"])
    columns |= {
        "state": frame["state"],
        "state_name": frame["state"].map(lambda s: i18n.state_label(s, lang)),
        "categories": frame["categories"].map(lambda cs: ";".join(cs)),
        "district_code": frame["district_code"],
        "district_name": frame["district_code"].map(lambda c: names.get(c) if c else None),
        "subdistrict_code": frame["subdistrict_code"],
        "subdistrict_name": frame["subdistrict_code"].map(lambda c: names.get(c) if c else None),
        "age_days": frame["age_days"],
        "comment": frame["comment"],
        "address": frame["address"],
        "photo": frame["photo"],
        "photo_after": frame["photo_after"],
        "lon": frame["lon"],
        "lat": frame["lat"],
        "location_issue": frame["location_issue"],
    }
    return pd.DataFrame(columns)


def _local(series: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(series, utc=True).dt.tz_convert(vocab.BANGKOK_TZ)
    return stamps.dt.strftime(TIME_FORMAT).where(stamps.notna(), None)


def tickets_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so spreadsheet apps read Thai), formulas neutralised."""
    safe = table.copy()
    for column in safe.columns:
        if column in TEXT_COLUMNS or safe[column].dtype == object:
            safe[column] = safe[column].map(neutralise_cell)
    # RFC 4180 line ends: a value holding a lone CR or LF is then quoted, never a new row
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def tickets_geojson(table: pd.DataFrame, *, notes: list[str] | None = None) -> bytes:
    """GeoJSON points; a ticket with no usable location has a null geometry.

    `notes` (e.g. which fields this data lacks) go into a top-level `khetmap_notes` member.
    """
    features = []
    for row in table.to_dict(orient="records"):
        record = {str(key): _plain(value) for key, value in row.items()}
        lon, lat = record.pop("lon"), record.pop("lat")
        located = record.get("location_issue") is None and lon is not None and lat is not None
        geometry = {"type": "Point", "coordinates": [lon, lat]} if located else None
        features.append({"type": "Feature", "geometry": geometry, "properties": record})
    document: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if notes:
        document["khetmap_notes"] = notes
    return json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _plain(value: Any) -> Any:
    """A JSON value: missing values (None, NaN, NaT) become null, numpy scalars Python ones."""
    if value is None or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item() if getattr(value, "ndim", 0) == 0 else value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value
