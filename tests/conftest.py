from __future__ import annotations

import os
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
