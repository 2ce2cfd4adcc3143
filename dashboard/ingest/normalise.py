"""Turn raw text records into typed tickets: states, categories, times, coordinates.

The text work runs as one DuckDB query over the Arrow table (fast and vectorised); the
location work (swaps, point-in-polygon, H3) runs in numpy and shapely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.boundaries import AreaLayer
from dashboard.ingest import spatial
from dashboard.ingest.sources import READ_COLUMNS
from dashboard.vocab import RAW_STATE_LABELS


def _state_case() -> str:
    whens = " ".join(
        f"WHEN '{label.lower()}' THEN '{state}'" for label, state in RAW_STATE_LABELS.items()
    )
    return f"CASE lower(trim(state)) WHEN '' THEN 'unknown' {whens} ELSE 'other' END"


PLAUSIBLE_FROM = date(2015, 1, 1)
"""No Traffy ticket is older than this (the platform launched in 2018; 2015 leaves room)."""
PLAUSIBLE_AHEAD = timedelta(days=1)
"""A time may lie this far past the moment of ingest (clock skew), no further."""
BUDDHIST_ERA_OFFSET = 543
"""Thai Buddhist-era year = Common-era year + 543 (2566 BE = 2023 CE)."""
ERA_COLUMNS = ("timestamp", "last_activity", "finished_at")
DAY_FIRST_FORMATS = "['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y']"
"""Traffy's web export writes times day first, in Bangkok time: `28/11/2023 21:01`."""


@dataclass(frozen=True)
class Window:
    """The plausible time window, and which time columns of a file are in Buddhist-era years."""

    earliest: datetime
    latest: datetime
    buddhist: frozenset[str] = frozenset()

    @classmethod
    def now(cls, *, buddhist: frozenset[str] = frozenset()) -> Window:
        return cls(
            earliest=datetime.combine(PLAUSIBLE_FROM, datetime.min.time(), tzinfo=UTC),
            latest=datetime.now(UTC) + PLAUSIBLE_AHEAD,
            buddhist=buddhist,
        )

    def describe(self) -> str:
        return f"{self.earliest:%Y-%m-%d} … {self.latest:%Y-%m-%d}"


def _read_time_sql(column: str) -> str:
    """A non-failing parse of a time's text: ISO 8601 (no zone: UTC, as the dump), else day
    first in Bangkok time (the web export)."""
    given = f"nullif(trim({column}), '')"
    return (
        f"coalesce(TRY_CAST({given} AS TIMESTAMPTZ), "
        f"timezone('Asia/Bangkok', try_strptime({given}, {DAY_FIRST_FORMATS})))"
    )


def _time_sql(column: str, window: Window) -> str:
    """A non-failing parse of a time column, shifted back 543 years when the file is BE."""
    parsed = _read_time_sql(column)
    if column.strip('"') in window.buddhist:
        return f"TRY_CAST({parsed} - INTERVAL {BUDDHIST_ERA_OFFSET} YEAR AS TIMESTAMPTZ)"
    return parsed


def _plausible(column: str) -> str:
    return f"(isfinite({column}) AND {column} BETWEEN $earliest AND $latest)"


def _quarantine_reason_sql() -> str:
    """Why a parsed record is quarantined (NULL: it is not), the first reason that applies."""
    return f"""
CASE
    WHEN trim("timestamp") = '' THEN 'missing timestamp'
    WHEN reported_at IS NULL THEN 'unparseable timestamp'
    WHEN NOT {_plausible("reported_at")} THEN 'implausible timestamp'
    WHEN trim(last_activity) <> '' AND last_activity_at IS NULL
        THEN 'unparseable last_activity'
    WHEN last_activity_at IS NOT NULL AND NOT {_plausible("last_activity_at")}
        THEN 'implausible last_activity'
    WHEN trim(finished_at) <> '' AND finished_at_at IS NULL
        THEN 'unparseable timestamp_finished'
    WHEN finished_at_at IS NOT NULL AND NOT {_plausible("finished_at_at")}
        THEN 'implausible timestamp_finished'
    WHEN trim(star) <> ''
     AND (star_value IS NULL OR NOT isfinite(star_value) OR star_value NOT IN (1, 2, 3, 4, 5))
        THEN 'invalid star'
    WHEN trim(count_reopen) <> ''
     AND (reopen_value IS NULL OR NOT isfinite(reopen_value) OR reopen_value < 0
          OR reopen_value <> floor(reopen_value) OR reopen_value > 1e6)
        THEN 'invalid count_reopen'
END"""


def _parse_sql(window: Window) -> str:
    return f"""
WITH parsed AS (
    SELECT
        *,
        {_time_sql('"timestamp"', window)} AS reported_at,
        {_time_sql("last_activity", window)} AS last_activity_at,
        {_time_sql("finished_at", window)} AS finished_at_at,
        TRY_CAST(nullif(trim(star), '') AS DOUBLE) AS star_value,
        TRY_CAST(nullif(trim(count_reopen), '') AS DOUBLE) AS reopen_value,
        string_split(trim(coords), ',') AS coord_parts
    FROM raw
), checked AS (
    SELECT *,
    {_quarantine_reason_sql()} AS quarantine_reason
    FROM parsed
)
SELECT
    nullif(trim(ticket_id), '') AS given_id,
    list_filter(
        list_transform(string_split(trim(trim(type), '{{}}'), ','), lambda x: trim(x)),
        lambda x: x <> ''
    ) AS categories,
    type AS type_raw, organization, comment, photo, photo_after, address,
    subdistrict AS subdistrict_label, district AS district_label, province,
    CASE WHEN quarantine_reason IS NULL THEN reported_at END AS reported_at,
    CASE WHEN quarantine_reason IS NULL THEN last_activity_at END AS last_activity,
    CASE WHEN quarantine_reason IS NULL THEN finished_at_at END AS finished_at,
    nullif(trim(hashtags), '') AS hashtags,
    {_state_case()} AS state,
    trim(state) AS state_label,
    CASE WHEN quarantine_reason IS NULL THEN TRY_CAST(star_value AS INTEGER) END AS star,
    CASE WHEN quarantine_reason IS NULL THEN TRY_CAST(reopen_value AS INTEGER) END AS count_reopen,
    coords AS coords_raw,
    CASE WHEN len(coord_parts) = 2 THEN TRY_CAST(trim(coord_parts[1]) AS DOUBLE) END AS lon,
    CASE WHEN len(coord_parts) = 2 THEN TRY_CAST(trim(coord_parts[2]) AS DOUBLE) END AS lat,
    CASE
        WHEN trim(coords) = '' THEN 'missing coordinates'
        WHEN len(coord_parts) <> 2
          OR TRY_CAST(trim(coord_parts[1]) AS DOUBLE) IS NULL
          OR TRY_CAST(trim(coord_parts[2]) AS DOUBLE) IS NULL THEN 'unparseable coordinates'
    END AS coords_problem,
    md5(concat_ws('|', CAST(TRY_CAST(epoch_us(reported_at) AS BIGINT) AS VARCHAR), trim(coords),
        trim(photo))) AS content_key,
    hash(ticket_id, type, organization, comment, coords, photo, photo_after, address,
         subdistrict, district, province, "timestamp", state, star, count_reopen,
         last_activity, hashtags, finished_at) AS row_hash,
    quarantine_reason,
    source_record
FROM checked
"""


ERA_SQL = """
SELECT count(*) FILTER (y IS NOT NULL), count(*) FILTER (y BETWEEN $low AND $high)
FROM (SELECT year({parsed}) AS y FROM raw)
"""


def buddhist_columns(con: duckdb.DuckDBPyConnection, raw: pa.Table) -> frozenset[str]:
    """Return the time columns whose every parsed year is a plausible Buddhist-era year.

    A file (decided on its first chunk) whose whole `timestamp`, `last_activity` or
    `finished_at` column is in BE years is converted; a BE value among CE values is
    quarantined as implausible.
    """
    low = PLAUSIBLE_FROM.year + BUDDHIST_ERA_OFFSET
    high = datetime.now(UTC).year + 1 + BUDDHIST_ERA_OFFSET
    found = set()
    con.register("raw", with_read_columns(raw))
    try:
        for column in ERA_COLUMNS:
            sql = ERA_SQL.format(parsed=_read_time_sql(f'"{column}"'))
            parsed, buddhist = con.execute(sql, {"low": low, "high": high}).fetchall()[0]
            if parsed and parsed == buddhist:
                found.add(column)
    finally:
        con.unregister("raw")
    return frozenset(found)


def with_read_columns(raw: pa.Table) -> pa.Table:
    """`raw` with every column a reader hands over (`READ_COLUMNS`), empty where absent (a
    table built in code with the dump's columns only)."""
    for name in READ_COLUMNS:
        if name not in raw.column_names:
            raw = raw.append_column(name, pa.array([""] * raw.num_rows, pa.string()))
    return raw


def parse_records(
    con: duckdb.DuckDBPyConnection, raw: pa.Table, *, window: Window | None = None
) -> pa.Table:
    """Parse one file's raw text table into typed columns with a `quarantine_reason`.

    Every cast is non-failing (`TRY_CAST`): a value that does not parse, or a time outside
    the plausible window, quarantines its row with a reason and never aborts the file.
    """
    window = window or Window.now()
    con.register("raw", with_read_columns(raw))
    try:
        return con.sql(
            _parse_sql(window), params={"earliest": window.earliest, "latest": window.latest}
        ).to_arrow_table()
    finally:
        con.unregister("raw")


def locate(
    *, parsed: pa.Table, districts: AreaLayer, subdistricts: AreaLayer
) -> dict[str, np.ndarray]:
    """Return the location columns for parsed tickets: swaps, issues, areas, H3 and flags."""
    lon = parsed["lon"].to_numpy(zero_copy_only=False).astype(np.float64)
    lat = parsed["lat"].to_numpy(zero_copy_only=False).astype(np.float64)
    issue = np.full(len(lon), None, dtype=object)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    issue[bad] = "unparseable coordinates"
    missing = pc.equal(parsed["coords_problem"], "missing coordinates")
    issue[pc.fill_null(missing, False).to_numpy(zero_copy_only=False)] = "missing coordinates"
    zero = ~bad & (lon == 0) & (lat == 0)
    issue[zero] = "zero coordinates (0,0)"
    lon[bad | zero] = np.nan
    lat[bad | zero] = np.nan
    swapped = ~spatial.in_bbox(lon, lat) & spatial.in_bbox(lat, lon)
    lon[swapped], lat[swapped] = lat[swapped].copy(), lon[swapped].copy()

    district_index = spatial.locate_points(lon=lon, lat=lat, layer=districts)
    outside = (district_index == -1) & np.isfinite(lon)
    issue[outside] = "outside Bangkok"
    codes = np.asarray(districts.codes, dtype=object)
    district_code = _codes_or_none(codes, district_index)
    sub_index = spatial.locate_subdistricts(
        lon=lon,
        lat=lat,
        district_index=district_index,
        districts=districts,
        subdistricts=subdistricts,
    )
    sub_codes = np.asarray(subdistricts.codes, dtype=object)
    subdistrict_code = _codes_or_none(sub_codes, sub_index)
    usable = district_index >= 0
    cells = spatial.h3_cells(lon=np.where(usable, lon, np.nan), lat=np.where(usable, lat, np.nan))
    return {
        "lon": lon,
        "lat": lat,
        "coords_swapped": swapped,
        "location_issue": issue,
        "district_code": district_code,
        "subdistrict_code": subdistrict_code,
        "h3_r9": cells,
        "district_label_mismatch": _mismatch(
            parsed["district_label"], district_index, districts, "เขต"
        ),
        "subdistrict_label_mismatch": _mismatch(
            parsed["subdistrict_label"], sub_index, subdistricts, "แขวง"
        ),
    }


def _codes_or_none(codes: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Return the code at each index, None where the index is -1."""
    found = np.full(len(index), None, dtype=object)
    placed = index >= 0
    found[placed] = codes[index[placed]]
    return found


def _mismatch(
    labels: pa.ChunkedArray, index: np.ndarray, layer: AreaLayer, prefix: str
) -> np.ndarray:
    """True where a non-empty text label names another area than the polygon holding the point."""
    names = np.asarray([name.removeprefix(prefix).strip() for name in layer.names_th], dtype=object)
    assigned = np.where(index >= 0, names[np.maximum(index, 0)], "")
    given = pc.utf8_trim_whitespace(
        pc.replace_substring_regex(pc.utf8_trim_whitespace(labels), f"^{prefix}", "")
    )
    given_values = np.asarray(given.to_numpy(zero_copy_only=False), dtype=object)
    return np.asarray((index >= 0) & (given_values != "") & (given_values != assigned))
