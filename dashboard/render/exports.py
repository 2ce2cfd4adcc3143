"""Downloads of the shown tickets: CSV and GeoJSON. Pure: no streamlit.

Times are Bangkok local time to the minute, as the pages show them; every area code comes
with its name, every ticket with its public page. An open ticket has its age in days, a
finished one its days to finish (where the data has finish times), and no other an age.
In CSV, a text cell that starts like a spreadsheet formula is prefixed with an apostrophe
(OWASP CSV injection guidance), so a hostile comment opened in Excel or LibreOffice stays
text. What a file's reader must know (the rows were cut, a field is missing) is in the
file: in CSV as lines starting with "#" before the header (every text cell is quoted, so
`pandas.read_csv(path, comment="#")` reads the rows), in GeoJSON as `khetmap_notes`.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard import i18n, vocab
from dashboard.analysis.metrics import python_value
from dashboard.i18n import Lang
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
    frame: pd.DataFrame, *, names: Mapping[str, str], lang: Lang, with_finish_times: bool
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
        "age_days": open_ages(frame),
    }
    if with_finish_times:
        columns["days_to_finish"] = days_to_finish(frame)
    columns |= {
        "comment": frame["comment"],
        "address": frame["address"],
        "photo": frame["photo"],
        "photo_after": frame["photo_after"],
        "lon": frame["lon"],
        "lat": frame["lat"],
        "location_issue": frame["location_issue"],
    }
    return pd.DataFrame(columns)


def open_ages(frame: pd.DataFrame) -> pd.Series:
    """Whole days since the report for an open ticket; none for any other (a finished
    ticket's age is not how long it took)."""
    is_open = frame["state"].isin(vocab.OPEN_STATES)
    return pd.to_numeric(frame["age_days"], errors="coerce").astype("Int64").where(is_open)


def days_to_finish(frame: pd.DataFrame) -> pd.Series:
    """Days from report to finish (one decimal) for a finished ticket with a finish time."""
    finished = frame["state"].eq(vocab.FINISHED)
    return pd.to_numeric(frame["finish_days"], errors="coerce").round(1).where(finished)


def cut_note(*, shown: int, total: int, order: str, lang: Lang) -> str | None:
    """What a download of the first `shown` of `total` rows says about it (None: all there).
    `order` names the rows' order in `lang` ("newest first")."""
    if shown >= total:
        return None
    return i18n.t("export_cut", lang, shown=shown, total=total, order=order)


def file_name(stem: str, *, shown: int, total: int, suffix: str) -> str:
    """A download's name; a cut one says so: 'khetmap_tickets_5000_of_15066.csv'."""
    cut = f"_{shown}_of_{total}" if shown < total else ""
    return f"{stem}{cut}.{suffix}"


def _local(series: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(series, utc=True).dt.tz_convert(vocab.BANGKOK_TZ)
    return stamps.dt.strftime(TIME_FORMAT).where(stamps.notna(), None)


def tickets_csv(table: pd.DataFrame, *, notes: list[str] | None = None) -> bytes:
    """UTF-8 CSV with a BOM (so spreadsheet apps read Thai), formulas neutralised, each of
    `notes` a line "# …" before the header (one cell in a spreadsheet: no comma in it).

    Every text cell is quoted, so a "#" in a citizen's text never reads as a note."""
    safe = table.copy()
    for column in safe.columns:
        if column in TEXT_COLUMNS or safe[column].dtype == object:
            safe[column] = safe[column].map(neutralise_cell)
    # RFC 4180 line ends: a value holding a lone CR or LF is then quoted, never a new row
    rows = safe.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    head = "".join(f"# {_note_line(note)}\r\n" for note in notes or [])
    return (head + rows).encode("utf-8-sig")


def _note_line(note: str) -> str:
    """A note on one line with no comma (a spreadsheet would split the line at one): a
    thousands separator is dropped, any other comma becomes a semicolon."""
    flat = " ".join(note.split())
    return re.sub(r"(?<=\d),(?=\d{3})", "", flat).replace(",", ";")


def tickets_geojson(table: pd.DataFrame, *, notes: list[str] | None = None) -> bytes:
    """GeoJSON points; a ticket with no usable location has a null geometry.

    `notes` (e.g. which fields this data lacks) go into a top-level `khetmap_notes` member.
    """
    features = []
    for row in table.to_dict(orient="records"):
        record = {str(key): _json_value(value) for key, value in row.items()}
        lon, lat = record.pop("lon"), record.pop("lat")
        located = record.get("location_issue") is None and lon is not None and lat is not None
        geometry = {"type": "Point", "coordinates": [lon, lat]} if located else None
        features.append({"type": "Feature", "geometry": geometry, "properties": record})
    document: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if notes:
        document["khetmap_notes"] = notes
    return json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _json_value(value: Any) -> Any:
    """A JSON value: missing values (None, NaN, NaT) become null, numpy scalars Python ones."""
    if value is None or value is pd.NaT:
        return None
    value = python_value(value)
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
