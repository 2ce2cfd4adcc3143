from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import write_boundaries

SHARED = Path(os.environ.get("KHETMAP_DATA_DIR", Path(__file__).resolve().parents[1] / "data"))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory with the in-code grid boundaries, set as KHETMAP_DATA_DIR."""
    folder = write_boundaries(tmp_path / "data")
    monkeypatch.setenv("KHETMAP_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


def real_data_dir() -> Path:
    """The real data directory (CI: ../shared/data); tests using it skip when it is absent."""
    if not (SHARED / "traffy_sample.csv.gz").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the real data in {SHARED} (KHETMAP_DATA_DIR)")
        pytest.skip(f"real data not found in {SHARED}: set KHETMAP_DATA_DIR or run khetmap fetch")
    return SHARED


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real 185k file ingested once per run into a DuckDB store."""
    from dashboard.ingest.load import ingest_files

    data = real_data_dir()
    location = tmp_path_factory.mktemp("real") / "store.duckdb"
    ingest_files(paths=[data / "traffy_sample.csv.gz"], store_path=location, data_dir=data)
    return location


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL + PostGIS cluster for the whole run (its admin URL)."""
    from tests.pg import binaries, cluster, postgis_installed

    if binaries() is None or not postgis_installed():
        if os.environ.get("CI"):
            pytest.fail("CI needs PostgreSQL + PostGIS (scripts/setup.sh --test installs them)")
        pytest.skip("PostgreSQL + PostGIS are not installed")
    with cluster() as url:
        yield url


@pytest.fixture(params=["duckdb", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store on each backend: a DuckDB file, or a fresh PostgreSQL database."""
    if request.param == "duckdb":
        return str(tmp_path / "store.duckdb")
    return fresh_database(request.getfixturevalue("postgres_server"))


def fresh_database(server: str) -> str:
    """A new, empty database on the test cluster; its URL."""
    import psycopg

    name = f"t{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def pg_url(postgres_server: str) -> str:
    """A fresh PostgreSQL + PostGIS database for one test."""
    return fresh_database(postgres_server)
