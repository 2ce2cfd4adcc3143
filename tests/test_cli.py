from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.analysis.metrics import SUMMARY_COLUMNS
from dashboard.cli import main
from tests.fixtures import ticket, write_csv


def test_summary_json_has_every_key(
    tmp_path: Path, data_dir: Path, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        tmp_path / "t.csv", [ticket("A", code="1005"), ticket("B", code="1005", state="เสร็จสิ้น")]
    )
    assert main(["ingest", str(path), "--store", str(store_path)]) == 0
    capsys.readouterr()
    assert main(["summary", "--store", str(store_path), "--format", "json"]) == 0
    out = capsys.readouterr()
    rows = json.loads(out.out)
    assert "as of 2022-06-02T03:00:00+00:00" in out.err
    assert [list(row) for row in rows[:1]] == [list(SUMMARY_COLUMNS)]
    by_code = {row["code"]: row for row in rows}
    assert (by_code["1005"]["total"], by_code["1005"]["open"], by_code["1005"]["finished"]) == (
        2,
        1,
        1,
    )
    assert (
        main(["summary", "--store", str(store_path), "--by", "subdistrict", "--format", "csv"]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ",".join(SUMMARY_COLUMNS)
    assert len(lines) == 1 + 100 + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "MISSING.csv"], "khetmap: error: MISSING.csv: no such file; check the path.\n"),
        (
            ["summary", "--store", "nowhere.duckdb"],
            "khetmap: error: no khetmap store at nowhere.duckdb: run `khetmap ingest FILE` first (or set KHETMAP_STORE to an existing store).\n",
        ),
        (
            ["summary", "--since", "2022-02-02", "--until", "2022-01-01", "--store", "x"],
            "khetmap: error: --since 2022-02-02 is after --until 2022-01-01; swap them.\n",
        ),
    ],
)
def test_errors_are_one_line_exit_2(
    data_dir: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert capsys.readouterr().err == message


def test_missing_boundary_file_names_it_and_the_fix(
    tmp_path: Path, data_dir: Path, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "bangkok_districts.geojson").unlink()
    path = write_csv(tmp_path / "t.csv", [ticket("A")])
    assert main(["ingest", str(path), "--store", str(store_path)]) == 2
    assert capsys.readouterr().err == (
        f"khetmap: error: bangkok_districts.geojson is missing from {data_dir}/: run `khetmap fetch` "
        "to download it, or set KHETMAP_DATA_DIR to the folder that has it.\n"
    )
    assert not store_path.exists()


def test_corrupt_boundary_file(
    tmp_path: Path, data_dir: Path, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "bangkok_subdistricts.geojson").write_text(
        '{"type": "FeatureCollection", "feat', encoding="utf-8"
    )
    path = write_csv(tmp_path / "t.csv", [ticket("A")])
    assert main(["ingest", str(path), "--store", str(store_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"khetmap: error: {data_dir}/bangkok_subdistricts.geojson is not a valid GeoJSON FeatureCollection"
    )
    assert err.endswith(
        "delete it and run `khetmap fetch` to download it, or set KHETMAP_DATA_DIR to the folder that has it.\n"
    )


def test_synth_is_deterministic_and_inside_bangkok(
    tmp_path: Path, data_dir: Path, store_path: Path
) -> None:
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    assert main(["synth", "--rows", "500", "--out", str(a), "--seed", "7"]) == 0
    assert main(["synth", "--rows", "500", "--out", str(b), "--seed", "7"]) == 0
    assert main(["synth", "--rows", "500", "--out", str(c), "--seed", "8"]) == 0
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    from dashboard.ingest.load import ingest_files

    result = ingest_files(paths=[a], store_path=store_path, data_dir=data_dir)
    assert result.stored_new == 500 and result.location_issues == {}


def test_the_dashboard_server_gets_two_malloc_arenas_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dashboard import launcher

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    env = launcher.server_env("/tmp/store.duckdb", {"KHETMAP_TILES": "none"})
    assert env["MALLOC_ARENA_MAX"] == "2"
    assert env["KHETMAP_STORE"] == "/tmp/store.duckdb" and env["KHETMAP_TILES"] == "none"
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")  # an operator's own setting is kept
    assert launcher.server_env("postgresql://x/y")["MALLOC_ARENA_MAX"] == "4"
