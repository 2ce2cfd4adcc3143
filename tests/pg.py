"""A throwaway PostgreSQL + PostGIS cluster for the tests: initdb in a temp folder, a free
local port, stopped at the end. PostgreSQL refuses to run as root, so as root the cluster
runs as the `postgres` user."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def postgis_installed() -> bool:
    return any(Path("/usr/share/postgresql").glob("*/extension/postgis.control"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Cluster:
    """A running test cluster: its URL, and how to stop it and start it again (same port)."""

    url: str
    stop: Callable[[], None]
    start: Callable[[], None]


@contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster in a new temp folder; yield its URL (user and database khetmap)."""
    with restartable_cluster() as running:
        yield running.url


@contextmanager
def restartable_cluster() -> Iterator[Cluster]:
    """Start a cluster in a new temp folder; yield it (user and database khetmap).

    The folder is made outside pytest's (root-only) temp tree, so the `postgres` user can
    reach it, and removed at the end.
    """
    bin_dir = binaries()
    assert bin_dir is not None, "PostgreSQL is not installed"
    folder = Path(tempfile.mkdtemp(prefix="khetmap-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, user="postgres")
    data, sockets = folder / "data", folder / "sockets"
    for path in (data, sockets):
        path.mkdir(parents=True, exist_ok=True)
        if as_user:
            shutil.chown(path, user="postgres")
    port = _free_port()

    def run(*command: str) -> None:
        done = subprocess.run([*as_user, *command], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")

    run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        "khetmap",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C",
    )
    # one cluster serves the whole run: every test database keeps its own small pool of
    # connections open (as an app server would), so allow more than the default 100
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c max_connections=400 -c shared_buffers=64MB"
    )

    up: list[bool] = []  # one entry while the server runs

    def start() -> None:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")  # fmt: skip
        up.append(True)

    def stop() -> None:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        up.clear()

    start()
    try:
        run(
            str(bin_dir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "khetmap",
            "khetmap",
        )
        yield Cluster(f"postgresql://khetmap@127.0.0.1:{port}/khetmap", stop=stop, start=start)
    finally:
        try:
            if up:  # a test may have stopped it and failed before starting it again
                stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
