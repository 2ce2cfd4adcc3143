"""The PostgreSQL + PostGIS store against a real throwaway cluster: what only it has to show."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from dashboard import boundaries, store
from dashboard.analysis import hotspots, metrics
from dashboard.analysis.filters import Filters
from dashboard.cli import main
from dashboard.errors import StoreError
from dashboard.ingest.load import ingest_files
from dashboard.store import postgres
from dashboard.vocab import local_midnight
from tests.fixtures import ticket, write_csv


def _tickets(n: int = 20) -> list[dict[str, str]]:
    return [
        ticket(f"T{i:03}", code=str(1001 + i % 5), half=i % 2, type_="{ถนน}" if i % 3 else "{}")
        for i in range(n)
    ]


def test_tickets_get_a_point_geometry_and_the_polygons_are_tables(
    tmp_path: Path, data_dir: Path, pg_url: str
) -> None:
    rows = [*_tickets(), ticket("NOWHERE", coords="")]
    ingest_files(paths=[write_csv(tmp_path / "t.csv", rows)], store_path=pg_url, data_dir=data_dir)
    with psycopg.connect(pg_url) as con:
        located, placed = con.execute(
            "SELECT count(t.geom), count(*) FILTER (WHERE ST_Within(t.geom, d.geom)) "
            "FROM tickets t LEFT JOIN districts d ON d.code = t.district_code"
        ).fetchone()  # type: ignore[misc]
        assert (located, placed) == (20, 20)  # every located ticket lies in its district polygon
        assert con.execute("SELECT count(*) FROM subdistricts").fetchone() == (100,)
        indexes = {r[0] for r in con.execute("SELECT indexname FROM pg_indexes").fetchall()}
        assert {"tickets_geom", "districts_geom", "tickets_district"} <= indexes
        geometry_type = con.execute(
            "SELECT type, srid FROM geometry_columns WHERE f_table_name = 'tickets'"
        ).fetchone()
        assert geometry_type == ("POINT", 4326)


def test_the_dashboards_connection_cannot_write(
    tmp_path: Path, data_dir: Path, pg_url: str
) -> None:
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", _tickets())], store_path=pg_url, data_dir=data_dir
    )
    with store.at(pg_url).reader() as reader, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        reader.execute("DELETE FROM tickets")


def test_a_reader_role_can_read_and_nothing_else(
    tmp_path: Path,
    data_dir: Path,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", _tickets())], store_path=pg_url, data_dir=data_dir
    )
    monkeypatch.setenv("KHETMAP_READER_PASSWORD", "from-the-environment")
    assert main(["grant-reader", "dashboard", "--store", pg_url]) == 0
    assert "role dashboard can read" in capsys.readouterr().out
    with psycopg.connect(pg_url) as admin:
        assert admin.execute(
            "SELECT rolpassword IS NOT NULL, rolsuper FROM pg_authid WHERE rolname = 'dashboard'"
        ).fetchone() == (True, False)
    as_reader = pg_url.replace("//khetmap@", "//dashboard@")
    with psycopg.connect(as_reader, autocommit=True) as con:
        assert con.execute("SELECT count(*) FROM tickets").fetchone() == (20,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("DELETE FROM tickets")
    with store.at(as_reader).reader() as reader:  # the app as that role: same numbers
        assert metrics.totals(reader, filters=Filters()).total == 20


def test_values_are_parameters_never_sql(tmp_path: Path, data_dir: Path, pg_url: str) -> None:
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", _tickets())], store_path=pg_url, data_dir=data_dir
    )
    hostile = "x'); DROP TABLE tickets; --"
    with store.at(pg_url).reader() as reader:
        frame, total = metrics.tickets_page(
            reader,
            filters=Filters(categories=(hostile,)),
            as_of=local_midnight(metrics.date(2022, 7, 1)),
            q=hostile + "%_?",
            scope="all",
        )
        assert (len(frame), total) == (0, 0)
        assert metrics.totals(reader, filters=Filters()).total == 20


def test_a_failed_ingest_leaves_the_database_as_it_was(
    tmp_path: Path, data_dir: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.ingest import load as ingest_module

    ingest_files(
        paths=[write_csv(tmp_path / "a.csv", _tickets(5))], store_path=pg_url, data_dir=data_dir
    )
    real_count = ingest_module._count

    def fail_after_apply(*args: object, **kwargs: object) -> None:
        real_count(*args, **kwargs)  # type: ignore[arg-type]
        raise psycopg.errors.DiskFull("could not extend file: No space left on device")

    monkeypatch.setattr(ingest_module, "_count", fail_after_apply)
    more = write_csv(tmp_path / "b.csv", _tickets(30))
    with pytest.raises(StoreError, match="rolled back, the store is unchanged"):
        ingest_files(paths=[more], store_path=pg_url, data_dir=data_dir)
    with store.at(pg_url).reader() as reader:
        assert metrics.totals(reader, filters=Filters()).total == 5
        assert reader.execute("SELECT count(*) FROM ingests").fetchall() == [(1,)]


def test_readers_are_never_blocked_by_an_ingest_and_see_it_whole(
    tmp_path: Path, data_dir: Path, pg_url: str
) -> None:
    ingest_files(
        paths=[write_csv(tmp_path / "a.csv", _tickets(5))], store_path=pg_url, data_dir=data_dir
    )
    seen: list[int] = []
    slowest = [0.0]
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            started = time.monotonic()
            with store.at(pg_url).reader() as reader:
                seen.append(metrics.totals(reader, filters=Filters()).total)
            slowest[0] = max(slowest[0], time.monotonic() - started)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        rows = [ticket(f"N{i:05}", code=str(1001 + i % 50)) for i in range(5_000)]
        ingest_files(
            paths=[write_csv(tmp_path / "b.csv", rows)], store_path=pg_url, data_dir=data_dir
        )
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
    assert set(seen) <= {5, 5_005} and seen[0] == 5 and seen[-1] == 5_005  # never half an ingest
    assert slowest[0] < 5  # a read never waited for the writer


def test_hotspots_and_their_areas_are_the_same_on_both_backends(
    tmp_path: Path, data_dir: Path, pg_url: str
) -> None:
    rows = [
        ticket(
            f"H{i:03}", code="1023", half=i % 2, timestamp=f"2022-06-{1 + i % 28:02d} 03:00:00+00"
        )
        for i in range(60)
    ] + [ticket(f"S{i:03}", code=str(1001 + i % 50)) for i in range(50)]
    path = write_csv(tmp_path / "h.csv", rows)
    duck = tmp_path / "h.duckdb"
    ingest_files(paths=[path], store_path=duck, data_dir=data_dir)
    ingest_files(paths=[path], store_path=pg_url, data_dir=data_dir)
    layer = boundaries.load_districts(data_dir=data_dir)
    as_of = local_midnight(metrics.date(2022, 7, 1))
    filters = Filters(since=metrics.date(2022, 4, 1), until=metrics.date(2022, 6, 30))
    for kind in hotspots.KINDS:
        results = []
        for location in (str(duck), pg_url):
            with store.at(location).reader() as reader:
                found = hotspots.analyse(
                    reader, kind=kind, layer=layer, filters=filters, resolution=8
                )
                areas = hotspots.actionable_areas(
                    reader, analysis=found, filters=filters, resolution=8, as_of=as_of,
                    districts=layer,
                )  # fmt: skip
                results.append((found.cells, areas))
        pd.testing.assert_frame_equal(results[0][0], results[1][0])
        pd.testing.assert_frame_equal(results[0][1], results[1][1])
        if kind == "demand":
            assert not results[0][1].empty


def test_the_command_line_works_on_a_postgresql_store(
    tmp_path: Path, data_dir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "t.csv", _tickets())
    assert main(["ingest", str(path), "--store", pg_url]) == 0
    out = capsys.readouterr().out
    assert f"store: {postgres.PostgresStore(pg_url).describe()}" in out and "OK" in out
    assert main(["summary", "--store", pg_url, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("1001,") and lines[1].split(",")[3] == "4"  # 4 tickets in 1001
    assert main(["hotspots", "--store", pg_url, "--format", "json"]) == 0


def test_a_password_never_shows_in_what_the_store_says() -> None:
    assert postgres.PostgresStore("postgresql://app:s3cret@db:5432/khetmap").describe() == (
        "postgresql://app:***@db:5432/khetmap"
    )


def test_the_district_pages_queries_can_use_the_district_index(
    tmp_path: Path, data_dir: Path, pg_url: str
) -> None:
    from dashboard.store import queries

    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", _tickets())], store_path=pg_url, data_dir=data_dir
    )
    where, params = Filters(district="1006").where()
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("SET enable_seqscan = off")  # 20 rows: the planner would scan anyway
        plan = "\n".join(
            row[0]
            for row in con.execute(
                "EXPLAIN "
                + postgres.to_pyformat(
                    queries.tally(
                        code_column="subdistrict_code",
                        where=where,
                        no_location_code="none",
                        aged=False,
                    )
                ),
                params,
            ).fetchall()
        )
    assert "tickets_district" in plan, plan
