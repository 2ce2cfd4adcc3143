from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import fetch
from dashboard.errors import FetchError
from tests.conftest import real_data_dir


@pytest.fixture
def mirror() -> Iterator[str]:
    """Serve the real data directory on 127.0.0.1, like a public mirror would."""
    folder = real_data_dir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


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
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    target = tmp_path / "data"
    try:
        with pytest.raises(
            FetchError,
            match=r"sha256 .* does not match the pinned b9b8580559fa6e7d…; the download is corrupt or the source changed. Nothing was written.",
        ):
            list(fetch.fetch_all(data_dir=target, mirror=f"http://127.0.0.1:{server.server_port}"))
    finally:
        server.shutdown()
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
