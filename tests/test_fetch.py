from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.errors import FetchError
from dashboard.ingest import fetch
from tests.conftest import real_data_dir


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1 (a stand-in for a mirror or upstream)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture
def mirror() -> Iterator[str]:
    """Serve the real data directory on 127.0.0.1, like a public mirror would."""
    with serving(real_data_dir()) as url:
        yield url


def test_fetch_from_mirror_verifies_and_skips_verified(tmp_path: Path, mirror: str) -> None:
    target = tmp_path / "data"
    lines = list(fetch.fetch_all(data_dir=target, mirror=mirror))
    assert len(lines) == len(fetch.FILES)
    assert all("downloaded, sha256 OK" in line for line in lines)
    for item in fetch.FILES:
        assert hashlib.sha256((target / item.name).read_bytes()).hexdigest() == item.sha256
    again = list(fetch.fetch_all(data_dir=target, mirror=mirror))
    assert all(line.endswith("present, sha256 OK") for line in again)


def test_corrupt_download_is_rejected_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = tmp_path / "served"
    served.mkdir()
    (served / fetch.FILES[0].name).write_bytes(b"not the real file")
    target = tmp_path / "data"
    with (
        serving(served) as url,
        pytest.raises(
            FetchError,
            match=r"sha256 .* does not match the pinned b9b8580559fa6e7d…; the download is corrupt or the source changed. Nothing was written.",
        ),
    ):
        list(fetch.fetch_all(data_dir=target, mirror=url))
    assert list(target.iterdir()) == []


def test_offline_fails_with_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(FetchError) as caught:
        list(fetch.fetch_all(data_dir=tmp_path, mirror="http://127.0.0.1:9"))
    message = str(caught.value)
    assert message.startswith("cannot reach 127.0.0.1:9 (")
    assert message.endswith(
        "check the internet connection, or use --mirror URL to fetch from a reachable copy."
    )
    assert "\n" not in message


def test_population_is_rebuilt_byte_for_byte_from_upstream_rows() -> None:
    folder = real_data_dir()
    staged = (folder / "population_by_district.csv").read_text(encoding="utf-8").splitlines()[1:]
    source = [
        "source_project,source_file,source_date_be,area_type,province_code,province,area_code,area_name,male,female,population,households",
        "EV Hub,x.txt,2568,province,10,กรุงเทพมหานคร,10,กรุงเทพมหานคร,1,1,2,1",
    ]
    for line in staged:
        code, _th, _en, pop, male, female, households, _be, _ce, area, src = line.split(",")
        source.append(
            f"EV Hub,{src},2568,district,10,กรุงเทพมหานคร,{code},{area},{male},{female},{pop},{households}"
        )
    source.append("EV Hub,x.txt,2568,district,11,สมุทรปราการ,1101,อำเภอเมืองสมุทรปราการ,1,1,2,1")
    built = fetch.build_population("\n".join(source).encode(), folder)
    assert hashlib.sha256(built).hexdigest() == fetch.FILES[2].sha256


def _shapefile_zip(frame: object, folder: Path, name: str) -> bytes:
    import zipfile

    target = folder / name
    target.mkdir()
    frame.to_file(target / f"{name}.shp")  # type: ignore[attr-defined]
    archive = folder / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in target.iterdir():
            zipped.write(part, part.name)
    return archive.read_bytes()


def test_boundaries_are_rebuilt_from_upstream_shapefiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Upstream publishes shapefile zips: fake them from the staged files and rebuild."""
    import dataclasses

    import geopandas as gpd

    from dashboard import boundaries

    real = real_data_dir()
    districts = gpd.read_file(real / "bangkok_districts.geojson")
    districts = gpd.GeoDataFrame(
        {"ADM2_PCODE": "TH" + districts["dcode"], "ADM2_EN": districts["name_en"]},
        geometry=districts.geometry,
        crs="EPSG:4326",
    )
    khwaeng = gpd.read_file(real / "bangkok_subdistricts.geojson")
    khwaeng = gpd.GeoDataFrame(
        {"SUB_CODE": khwaeng["scode"].replace({"104702": "104701"}), "AREA_BMA": 1.0},
        geometry=khwaeng.geometry,
        crs="EPSG:4326",
    ).to_crs("EPSG:32647")
    served = tmp_path / "served"
    served.mkdir()
    zips = {
        "districts.zip": _shapefile_zip(districts, tmp_path, "districts"),
        "khwaeng.zip": _shapefile_zip(khwaeng, tmp_path, "khwaeng"),
    }
    for name, data in zips.items():
        (served / name).write_bytes(data)
    stack = contextlib.ExitStack()
    base = stack.enter_context(serving(served))
    fake = (
        dataclasses.replace(
            fetch.FILES[0],
            upstream_url=f"{base}/districts.zip",
            upstream_sha256=hashlib.sha256(zips["districts.zip"]).hexdigest(),
        ),
        dataclasses.replace(
            fetch.FILES[1],
            upstream_url=f"{base}/khwaeng.zip",
            upstream_sha256=hashlib.sha256(zips["khwaeng.zip"]).hexdigest(),
        ),
    )
    monkeypatch.setattr(fetch, "FILES", fake)
    target = tmp_path / "data"
    with stack:
        lines = list(fetch.fetch_all(data_dir=target, mirror=None))
        again = list(fetch.fetch_all(data_dir=target, mirror=None))
    assert all("rebuilt from upstream" in line for line in lines), lines
    assert all(line.endswith("present (rebuilt from upstream), checks OK") for line in again)
    rebuilt, staged = (
        boundaries.load_districts(data_dir=target),
        boundaries.load_districts(data_dir=real),
    )
    assert (
        rebuilt.codes == staged.codes
        and rebuilt.names_en == staged.names_en
        and rebuilt.names_th == staged.names_th
    )
    assert (
        min(_overlaps(rebuilt.geometries, staged.geometries)) > 0.99999
    )  # rings run the other way
    sub_rebuilt, sub_staged = (
        boundaries.load_subdistricts(data_dir=target),
        boundaries.load_subdistricts(data_dir=real),
    )
    assert sub_rebuilt.codes == sub_staged.codes and sub_rebuilt.names_th == sub_staged.names_th
    assert (
        min(_overlaps(sub_rebuilt.geometries, sub_staged.geometries)) > 0.999
    )  # the UTM round trip moves vertices by millimetres


def _overlaps(left: object, right: object) -> list[float]:
    """Intersection over union of each pair of polygons."""
    import shapely

    return [
        float(shapely.area(shapely.intersection(a, b)) / shapely.area(shapely.union(a, b)))
        for a, b in zip(left, right, strict=True)  # type: ignore[call-overload]
    ]


def test_upstream_zip_with_wrong_checksum_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    served = tmp_path / "served"
    served.mkdir()
    (served / "x.zip").write_bytes(b"PK not really")
    with serving(served) as url:
        zip_file = dataclasses.replace(fetch.FILES[0], upstream_url=f"{url}/x.zip")
        monkeypatch.setattr(fetch, "FILES", (zip_file,))
        with pytest.raises(
            FetchError, match=r"x\.zip: sha256 .* does not match the pinned 92c5bbdde14caf57…"
        ):
            list(fetch.fetch_all(data_dir=tmp_path / "data", mirror=None))
    assert not (tmp_path / "data" / "bangkok_districts.geojson").exists()


def test_mirror_only_file_is_skipped_with_a_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "FILES", (fetch.FILES[-1],))
    assert list(fetch.fetch_all(data_dir=tmp_path, mirror=None)) == [
        "traffy_sample.csv.gz: skipped: upstream publishes it only as 197 API pages; get it with "
        "--mirror URL (the dashboard runs on traffy_dump_format_sample.csv without it)"
    ]
