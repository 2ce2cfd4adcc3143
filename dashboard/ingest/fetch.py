"""Download the data files into the data directory and verify their checksums.

Two kinds of source:
- a mirror (`--mirror URL` or KHETMAP_MIRROR): any web folder serving the files by their
  names (e.g. a copy of the project's shared data); every file is checked against the
  pinned sha256 below;
- the public upstream (default): every download is checked against its pinned sha256.
  The dump sample is used as is; the population table is rebuilt from the DOPA CSV and
  must come out byte for byte as pinned; the boundary files are rebuilt from shapefile
  zips (`boundary_build`) and checked by content. The 185k-ticket sample is a conversion
  of 197 API pages that needs a mirror for now.

Downloads go through the sync's HTTP client (`webclient`): each is capped in size
(KHETMAP_FETCH_MAX_BYTES, 128 MiB; the largest file is 35 MB) and must end within a
deadline (KHETMAP_FETCH_DEADLINE, 600 s), so an endless or trickling body fails in one
line instead of filling the memory or hanging.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dashboard import boundaries, config
from dashboard.errors import BoundaryFileError, FetchError, SyncError
from dashboard.files import write_atomically
from dashboard.ingest import boundary_build
from dashboard.ingest.webclient import Cap, Client, Politeness, TransientError

TIMEOUT_SECONDS = 60.0
"""the longest wait for the next bytes of a download"""
CHUNK = 1 << 20
RAW = "https://raw.githubusercontent.com"


@dataclass(frozen=True)
class DataFile:
    """A file of the data directory, its pinned checksum and where upstream has it."""

    name: str
    sha256: str
    upstream_url: str | None = None
    upstream_sha256: str | None = None
    build: str = "copy"
    """How the upstream bytes become the file: 'copy' or 'population'."""


FILES: tuple[DataFile, ...] = (
    DataFile(
        config.DISTRICTS_FILE,
        "b9b8580559fa6e7d319858531d2ddb2a37fc5ff050aa0d982236eb6bccdaee3f",
        upstream_url=f"{RAW}/prasertcbs/thailand_gis/a3cff99dee4c7c298037fc31e286fa572852d74f/"
        "amphoe/shapefiles_zip/Bangkok.zip",
        upstream_sha256="92c5bbdde14caf575730f435b43a2a8bf3b239fd01b7fad1b7f3b4b05c7efeb8",
        build="districts",
    ),
    DataFile(
        config.SUBDISTRICTS_FILE,
        "8d00406b93ba4c18c76f32b72a10d75c7902eb3edb92eeda91398c99242222a4",
        upstream_url=f"{RAW}/prasertcbs/thailand_gis/0816eab4c1043bcffeeff5a3f7a94335a414bd6d/"
        "bangkok/subdistrict/bkk_subdistrict.zip",
        upstream_sha256="11e493d4835fa159a10058193d2fd56cdbdcd6f34ee4b07621622ae01f0c346a",
        build="subdistricts",
    ),
    DataFile(
        config.POPULATION_FILE,
        "f2e90c77af736319bac066772c997050239e4130faae64b06a8c9dd0d6d0d794",
        upstream_url=f"{RAW}/pongwaraj/TH-EVI/c3e40e16520aafb7862e247db654931c8748e97f/"
        "data/evhub_dopa_population_2568.csv",
        upstream_sha256="0053119e684a375fd4a5c253bae27f21a9b680fa9413d45838db5822aca33105",
        build="population",
    ),
    DataFile(
        config.DUMP_SAMPLE_FILE,
        "dd9b4344326875295381bc7568e3aed32287a85eef312ae2831677e3de2b5ac0",
        upstream_url=f"{RAW}/Bhuribhat/Traffy-Clustering/cb4946f1dda11dbe0b19c6b6cc2fefce7876a645/"
        "data/teamchadchart.csv",
        upstream_sha256="dd9b4344326875295381bc7568e3aed32287a85eef312ae2831677e3de2b5ac0",
    ),
    DataFile(
        config.DEFAULT_TRAFFY_FILE,
        "c9e47ce3821ec51f835ff32c89401d6230e54efc28c3b41bb345e8dfcba2ef2e",
    ),
)


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def fetch_all(*, data_dir: Path, mirror: str | None = None, force: bool = False) -> Iterator[str]:
    """Fetch every file into `data_dir`, yielding one line per file. Raises FetchError."""
    mirror = mirror or config.mirror()
    data_dir.mkdir(parents=True, exist_ok=True)
    for item in FILES:
        target = data_dir / item.name
        if not force and target.is_file():
            if sha256_of(target) == item.sha256:
                yield f"{item.name}: present, sha256 OK"
                continue
            if item.build in REBUILT and _valid_rebuild(item, data_dir):
                yield f"{item.name}: present (rebuilt from upstream), checks OK"
                continue
        if mirror:
            data = _download(f"{mirror.rstrip('/')}/{item.name}")
            _check(item.name, data, item.sha256)
            note = "sha256 OK"
        elif item.upstream_url is None:
            yield (
                f"{item.name}: skipped: upstream publishes it only as 197 API pages; get it with "
                "--mirror URL (the dashboard runs on traffy_dump_format_sample.csv without it)"
            )
            continue
        else:
            data = _from_upstream(item, data_dir)
            if item.build in REBUILT:
                note = "rebuilt from upstream (source sha256 OK, every DOPA code present)"
            else:
                _check(item.name, data, item.sha256)
                note = "sha256 OK"
        write_atomically(target, data)
        yield f"{item.name}: downloaded, {note} ({len(data):,} bytes)"


def _from_upstream(item: DataFile, data_dir: Path) -> bytes:
    if item.upstream_url is None:
        raise FetchError(
            f"{item.name} has no byte-for-byte upstream copy (it is converted from the source "
            "named in SOURCES.md); fetch it from a mirror: khetmap fetch --mirror URL"
        )
    data = _download(item.upstream_url)
    if item.upstream_sha256:
        _check(item.upstream_url, data, item.upstream_sha256)
    builders: dict[str, Callable[[bytes, Path], bytes]] = {
        "copy": lambda raw, _dir: raw,
        "population": build_population,
        "districts": lambda raw, _dir: boundary_build.build_districts(raw),
        "subdistricts": lambda raw, _dir: boundary_build.build_subdistricts(raw),
    }
    return builders[item.build](data, data_dir)


REBUILT = ("districts", "subdistricts")
"""Files rebuilt from a different upstream format: checked by content, not by checksum."""


def _valid_rebuild(item: DataFile, data_dir: Path) -> bool:
    try:
        if item.build == "districts":
            boundaries.load_districts(data_dir=data_dir)
        else:
            boundaries.load_subdistricts(data_dir=data_dir)
    except BoundaryFileError:
        return False
    return True


def build_population(source: bytes, data_dir: Path) -> bytes:
    """Rebuild `population_by_district.csv` from the upstream DOPA table.

    Keeps Bangkok's district rows and adds the Thai/English names of the district file.
    """
    names = _district_names(data_dir)
    rows = csv.DictReader(io.StringIO(source.decode("utf-8-sig")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "dcode",
            "name_th",
            "name_en",
            "population",
            "male",
            "female",
            "households",
            "year_be",
            "year_ce",
            "src_area_name",
            "src_file",
        ]
    )
    for row in rows:
        if row["area_type"] != "district" or row["province_code"] != "10":
            continue
        code = row["area_code"]
        name_th, name_en = names.get(code, ("", ""))
        year_be = int(row["source_date_be"])
        writer.writerow(
            [
                code,
                name_th,
                name_en,
                row["population"],
                row["male"],
                row["female"],
                row["households"],
                year_be,
                year_be - 543,
                row["area_name"],
                row["source_file"],
            ]
        )
    return out.getvalue().encode("utf-8")


def _district_names(data_dir: Path) -> dict[str, tuple[str, str]]:
    path = data_dir / config.DISTRICTS_FILE
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        return {
            f["properties"]["dcode"]: (f["properties"]["name_th"], f["properties"]["name_en"])
            for f in features
        }
    except (OSError, ValueError, KeyError) as exc:
        raise FetchError(
            f"building {config.POPULATION_FILE} needs {path} for the district names ({exc}); "
            "fetch the district file first."
        ) from exc


def _download(url: str) -> bytes:
    """The body at `url`, capped and within the deadline, or FetchError in one line."""
    client = Client(politeness=Politeness(timeout=TIMEOUT_SECONDS, attempts=1))
    cap = Cap(
        limit=config.fetch_max_bytes(),
        of="a khetmap data file",
        setting="KHETMAP_FETCH_MAX_BYTES",
    )
    try:
        answer = client.get(
            url,
            headers={"Accept-Encoding": "identity"},  # the checksums are of the bytes served
            cap=cap,
            deadline=config.fetch_deadline(),
        )
    except TransientError as exc:
        raise FetchError(
            f"{exc}: check the internet connection, or use --mirror URL to fetch from a "
            "reachable copy."
        ) from exc
    except SyncError as exc:
        raise FetchError(str(exc)) from exc
    return answer.body


def _check(label: str, data: bytes, expected: str) -> None:
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise FetchError(
            f"{label}: sha256 {actual[:16]}… does not match the pinned {expected[:16]}…; "
            "the download is corrupt or the source changed. Nothing was written."
        )
