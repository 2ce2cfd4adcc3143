"""Realistic synthetic Traffy tickets in the dump layout, for scale tests and offline demos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from dashboard.boundaries import AreaLayer
from dashboard.ingest import spatial
from dashboard.ingest.sources import RAW_COLUMNS, read_any

DEFAULT_TYPES = {
    "{ถนน}": 0.20,
    "{}": 0.28,
    "{ทางเท้า}": 0.08,
    "{น้ำท่วม}": 0.08,
    "{แสงสว่าง}": 0.07,
    "{ความปลอดภัย}": 0.06,
    "{ความสะอาด}": 0.06,
    "{ท่อระบายน้ำ}": 0.05,
    "{จราจร}": 0.04,
    "{ถนน,ทางเท้า}": 0.03,
    "{กีดขวาง}": 0.03,
    "{ต้นไม้}": 0.02,
}
DEFAULT_STATES = {
    "เสร็จสิ้น": 0.70,
    "กำลังดำเนินการ": 0.20,
    "รอรับเรื่อง": 0.08,
    "ไม่เกี่ยวข้อง": 0.01,
    "ส่งต่อ(ใหม่)": 0.01,
}
COMMENTS = (
    "ถนนชำรุดเป็นหลุมบ่อ",
    "น้ำท่วมขังหลังฝนตก",
    "ไฟฟ้าส่องสว่างดับ",
    "ขยะไม่มีการจัดเก็บ",
    "ทางเท้าแตกร้าว",
    "รถจอดกีดขวางทางเท้า",
    "ท่อระบายน้ำอุดตัน",
    "กิ่งไม้ใกล้สายไฟ",
)
CLUSTERS = 3000
CLUSTER_SPREAD_DEG = 0.004


@dataclass(frozen=True)
class Mix:
    """Frequencies and time range to imitate."""

    types: dict[str, float]
    states: dict[str, float]
    start: datetime
    end: datetime


def learn_mix(path: Path) -> Mix:
    """Learn category, state and time mix from a real Traffy file."""
    table = read_any(path).table
    types = _frequencies(table["type"].to_pylist(), keep=200)
    states = _frequencies(table["state"].to_pylist(), keep=20)
    times = sorted(
        t for t in table["timestamp"].to_pylist()[:: max(1, table.num_rows // 5000)] if t
    )
    start = (
        datetime.fromisoformat(times[0].replace("+00", "+00:00"))
        if times
        else datetime(2022, 6, 1, tzinfo=UTC)
    )
    end = (
        datetime.fromisoformat(times[-1].replace("+00", "+00:00"))
        if times
        else start + timedelta(days=200)
    )
    return Mix(types=types, states=states, start=start, end=end)


def _frequencies(values: list[str], *, keep: int) -> dict[str, float]:
    unique, counts = np.unique(
        np.array([v or "" for v in values], dtype=object), return_counts=True
    )
    order = np.argsort(-counts)[:keep]
    total = counts[order].sum()
    return {str(unique[i]): float(counts[i] / total) for i in order}


def default_mix() -> Mix:
    return Mix(
        DEFAULT_TYPES,
        DEFAULT_STATES,
        datetime(2022, 6, 1, tzinfo=UTC),
        datetime(2022, 12, 18, tzinfo=UTC),
    )


def _choose(rng: np.random.Generator, weights: dict[str, float], size: int) -> NDArray[np.object_]:
    labels = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=np.float64)
    return labels[rng.choice(len(labels), size=size, p=p / p.sum())]


def _points_in(
    rng: np.random.Generator, layer: AreaLayer, count: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Uniform random points inside the layer's polygons (rejection sampling on the union bbox)."""
    minx, miny = layer.bounds[:, 0].min(), layer.bounds[:, 1].min()
    maxx, maxy = layer.bounds[:, 2].max(), layer.bounds[:, 3].max()
    lon_out, lat_out = np.empty(0), np.empty(0)
    while lon_out.size < count:
        lon = rng.uniform(minx, maxx, count * 3)
        lat = rng.uniform(miny, maxy, count * 3)
        inside = spatial.locate_points(lon=lon, lat=lat, layer=layer) >= 0
        lon_out = np.concatenate([lon_out, lon[inside]])
        lat_out = np.concatenate([lat_out, lat[inside]])
    return lon_out[:count], lat_out[:count]


def clustered_points(
    *, rng: np.random.Generator, layer: AreaLayer, count: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Points around weighted cluster centres (a few busy streets, many quiet ones), all inside."""
    centre_lon, centre_lat = _points_in(rng, layer, CLUSTERS)
    weights = rng.pareto(1.2, CLUSTERS) + 0.05
    pick = rng.choice(CLUSTERS, size=count, p=weights / weights.sum())
    lon = centre_lon[pick] + rng.normal(0, CLUSTER_SPREAD_DEG, count)
    lat = centre_lat[pick] + rng.normal(0, CLUSTER_SPREAD_DEG, count)
    outside = spatial.locate_points(lon=lon, lat=lat, layer=layer) < 0
    lon[outside], lat[outside] = centre_lon[pick[outside]], centre_lat[pick[outside]]
    return lon, lat


def synth_table(*, rows: int, districts: AreaLayer, mix: Mix, seed: int) -> pa.Table:
    """Build `rows` synthetic tickets as a text table in the dump layout."""
    rng = np.random.default_rng(seed)
    lon, lat = clustered_points(rng=rng, layer=districts, count=rows)
    span = (mix.end - mix.start).total_seconds()
    offsets = np.sort(rng.uniform(0, span, rows))
    reported = np.datetime64(mix.start.replace(tzinfo=None), "us") + (offsets * 1e6).astype(
        "timedelta64[us]"
    )
    states = _choose(rng, mix.states, rows)
    activity_delay = rng.exponential(12 * 86400, rows) * 1e6
    last = reported + activity_delay.astype("timedelta64[us]")
    ids = np.char.add("SYN-", np.char.zfill(np.arange(rows).astype(str), 8))
    stars = rng.choice(np.array(["", "", "", "1", "2", "3", "4", "5"], dtype=object), rows)
    photos = np.char.add("https://example.invalid/photo/", np.arange(rows).astype(str))
    finished = states == "เสร็จสิ้น"
    columns = {
        "ticket_id": ids,
        "type": _choose(rng, mix.types, rows),
        "organization": np.full(rows, "กรุงเทพมหานคร", dtype=object),
        "comment": np.array(COMMENTS, dtype=object)[rng.integers(0, len(COMMENTS), rows)],
        "coords": np.char.add(
            np.char.add(np.round(lon, 5).astype(str), ","), np.round(lat, 5).astype(str)
        ),
        "photo": photos,
        "photo_after": np.where(
            finished & (rng.random(rows) < 0.9), np.char.add(photos, "-after"), ""
        ),
        "address": np.full(rows, "", dtype=object),
        "subdistrict": np.full(rows, "", dtype=object),
        "district": np.full(rows, "", dtype=object),
        "province": np.full(rows, "กรุงเทพมหานคร", dtype=object),
        "timestamp": np.char.add(np.datetime_as_string(reported, unit="us").astype(str), "+00"),
        "state": states,
        "star": np.where(finished, stars, ""),
        "count_reopen": rng.choice(
            np.array(["0", "0", "0", "0", "0", "0", "1", ""], dtype=object), rows
        ),
        "last_activity": np.char.add(np.datetime_as_string(last, unit="us").astype(str), "+00"),
    }
    return pa.table(
        {name: pa.array(columns[name].astype(str), pa.string()) for name in RAW_COLUMNS}
    )


def write_synth(
    *, rows: int, out: Path, districts: AreaLayer, like: Path | None, seed: int
) -> None:
    """Write synthetic tickets to `out` (CSV; gzipped when the name ends in .gz)."""
    mix = learn_mix(like) if like else default_mix()
    table = synth_table(rows=rows, districts=districts, mix=mix, seed=seed)
    table = table.set_column(
        table.column_names.index("timestamp"),
        "timestamp",
        pa.compute.replace_substring(table["timestamp"], "T", " "),
    )
    table = table.set_column(
        table.column_names.index("last_activity"),
        "last_activity",
        pa.compute.replace_substring(table["last_activity"], "T", " "),
    )
    options = pacsv.WriteOptions(quoting_style="needed")
    compression = "gzip" if out.suffix == ".gz" else None
    with pa.output_stream(str(out), compression=compression) as sink:
        pacsv.write_csv(table, sink, write_options=options)
