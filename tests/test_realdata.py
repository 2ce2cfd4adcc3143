"""The must-show checks on the real files in KHETMAP_DATA_DIR (CI: ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from dashboard.analysis.filters import Filters
from dashboard.ingest.load import Reconciliation, ingest_files
from dashboard.vocab import OPEN_STATES
from tests.conftest import real_data_dir

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Reconciliation]:
    folder = real_data_dir()
    store = tmp_path_factory.mktemp("real") / "store.duckdb"
    result = ingest_files(
        paths=[folder / "traffy_sample.csv.gz"], store_path=store, data_dir=folder
    )
    return store, result


def test_185k_reconciliation_adds_up(sample_store: tuple[Path, Reconciliation]) -> None:
    _, result = sample_store
    assert result.rows_read == 185_159
    assert result.accounted == 185_159
    assert result.quarantined == {}
    assert result.stored_new == 185_159
    assert result.surrogate_ids == 1


def test_district_counts_equal_an_independent_sjoin(
    sample_store: tuple[Path, Reconciliation],
) -> None:
    """geopandas.sjoin on the raw CSV must give the same per-district total and open counts."""
    store, _ = sample_store
    folder = real_data_dir()
    raw = pd.read_csv(
        folder / "traffy_sample.csv.gz",
        usecols=["coords", "state"],
        dtype=str,
        keep_default_na=False,
    )
    lonlat = raw["coords"].str.split(",", expand=True).astype(float)
    lon, lat = lonlat[0].to_numpy(), lonlat[1].to_numpy()
    # the same swap rule as ingest: a pair that only makes sense as (lat, lon) is swapped back
    swapped = ~((lon > 100.25) & (lon < 101) & (lat > 13.4) & (lat < 14.05)) & (
        (lat > 100.25) & (lat < 101) & (lon > 13.4) & (lon < 14.05)
    )
    lon, lat = np.where(swapped, lat, lon), np.where(swapped, lon, lat)
    points = gpd.GeoDataFrame(raw, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    districts = gpd.read_file(folder / "bangkok_districts.geojson")[["dcode", "geometry"]]
    joined = gpd.sjoin(points, districts, predicate="intersects", how="left")
    joined = joined[~joined.index.duplicated(keep="first")]  # a border point counts once
    joined["open"] = joined["state"].isin(
        ["รอรับเรื่อง", "ส่งต่อ(ใหม่)", "ส่งเรื่องแล้ว", "กำลังดำเนินการ", "ของบประมาณ"]
    )
    expected = (
        joined.dropna(subset=["dcode"])
        .groupby("dcode")
        .agg(total=("state", "size"), open=("open", "sum"))
    )

    with duckdb.connect(str(store), read_only=True) as con:
        states = ", ".join(f"'{s}'" for s in OPEN_STATES)
        actual = (
            con.execute(
                f"SELECT district_code AS dcode, count(*) AS total, count(*) FILTER (state IN ({states})) AS open "
                "FROM tickets WHERE district_code IS NOT NULL GROUP BY 1"
            )
            .df()
            .set_index("dcode")
            .sort_index()
        )
    assert len(actual) == 50
    pd.testing.assert_frame_equal(
        actual.astype("int64"), expected.sort_index().astype("int64"), check_names=False
    )


def test_dump_sample_1000_rows_twice(tmp_path: Path) -> None:
    folder = real_data_dir()
    store = tmp_path / "dump.duckdb"
    path = folder / "traffy_dump_format_sample.csv"
    first = ingest_files(paths=[path], store_path=store, data_dir=folder)
    assert (first.rows_read, first.stored_new, first.accounted) == (1000, 1000, 1000)
    with duckdb.connect(str(store), read_only=True) as con:
        counts = con.execute(
            "SELECT count(*) FILTER (NOT id_is_surrogate), count(*) FILTER (id_is_surrogate),"
            " count(last_activity), count(*) FROM tickets"
        ).fetchall()[0]
        before = con.execute("SELECT * FROM tickets ORDER BY ticket_id").fetchall()
    assert counts == (988, 12, 1000, 1000)
    second = ingest_files(paths=[path], store_path=store, data_dir=folder)
    assert (second.stored_new, second.stored_updated, second.stored_unchanged) == (0, 0, 1000)
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT * FROM tickets ORDER BY ticket_id").fetchall() == before


def test_the_185k_file_gives_the_same_summary_on_postgresql_and_duckdb(
    sample_store: tuple[Path, Reconciliation], postgres_server: str
) -> None:
    import psycopg

    from dashboard import boundaries, store
    from dashboard.analysis import metrics

    duck, _ = sample_store
    folder = real_data_dir()
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute("CREATE DATABASE real185k")
    url = postgres_server.rsplit("/", 1)[0] + "/real185k"
    result = ingest_files(paths=[folder / "traffy_sample.csv.gz"], store_path=url, data_dir=folder)
    assert (result.rows_read, result.stored_new, result.accounted) == (185_159,) * 3
    summaries = []
    for location in (str(duck), url):
        with store.at(location).reader() as reader:
            as_of = metrics.store_as_of(reader)
            assert as_of is not None
            for by, layer in (
                ("district", boundaries.load_districts(data_dir=folder)),
                ("subdistrict", boundaries.load_subdistricts(data_dir=folder)),
            ):
                summaries.append(
                    metrics.area_summary(
                        reader,
                        by=by,  # type: ignore[arg-type]
                        layer=layer,
                        population=boundaries.load_population(data_dir=folder),
                        filters=Filters(),
                        as_of=as_of,
                    )
                )
    pd.testing.assert_frame_equal(summaries[0], summaries[2])  # every district, every column
    pd.testing.assert_frame_equal(summaries[1], summaries[3])  # every subdistrict
    assert int(summaries[0]["total"].sum()) == 185_159
