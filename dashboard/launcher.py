"""`khetmap run`: make sure the store has data, then start the Streamlit dashboard."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from dashboard import boundaries, config, store
from dashboard.access import roles
from dashboard.errors import KhetmapError
from dashboard.ingest.load import ingest_files

APP = Path(__file__).with_name("app.py")


def ensure_store(*, store_path: Path | str, data_dir: Path | None = None) -> None:
    """Ingest the default Traffy file into a new store on first run."""
    if store.at(store_path).exists():
        return
    folder = data_dir or config.data_dir()
    candidates = [folder / config.DEFAULT_TRAFFY_FILE, folder / config.DUMP_SAMPLE_FILE]
    source = next((path for path in candidates if path.is_file()), None)
    if source is None:
        raise KhetmapError(
            f"no store at {store_path} and no {config.DEFAULT_TRAFFY_FILE} in {folder}/ to build "
            "it from: run `khetmap fetch` (or set KHETMAP_DATA_DIR), then `khetmap run` again."
        )
    print(f"first run: ingesting {source} into {store_path} …", file=sys.stderr)
    result = ingest_files(paths=[source], store_path=store_path, data_dir=folder)
    print(result.report(), file=sys.stderr)


def streamlit_command(*, port: int, address: str) -> list[str]:
    """Return the `streamlit run` command line with the settings khetmap depends on."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--server.enableStaticServing", "true",  # serves the map assets at /app/static/
        "--client.showErrorDetails", "none",  # never a traceback on the page
        "--client.toolbarMode", "viewer",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


MALLOC_ARENAS = "2"
"""glibc gives threads that allocate at once arenas of their own (up to 8 per core), and
memory freed in one stays there. A Streamlit server runs each session's script in a
thread of its own: with two arenas, 50 sessions changing filters on 10M tickets peaked at
1.43 GB instead of 1.68 GB (and finished 1.13 changes a second instead of 1.05)."""


def server_env(store_location: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The dashboard server's environment: ours, the store, and two malloc arenas unless
    `MALLOC_ARENA_MAX` is set already (glibc reads it; other C libraries ignore it)."""
    env = dict(os.environ, KHETMAP_STORE=store_location, **(extra or {}))
    env.setdefault("MALLOC_ARENA_MAX", MALLOC_ARENAS)
    return env


def run(*, store_path: Path | str, port: int, address: str) -> int:
    """Start the dashboard against `store_path`; return streamlit's exit code.

    A roles file (`KHETMAP_ROLES`) that cannot be used stops it here, in one line (a page
    would only give everyone the public view); redaction switched off is said at start."""
    ensure_store(store_path=store_path)
    roles.load(known_districts=frozenset(boundaries.load_districts().codes))
    if not config.redaction_on():
        print(
            "khetmap dashboard: KHETMAP_REDACT=0: citizens' text is shown whole to everyone",
            file=sys.stderr,
        )
    env = server_env(store.at(store_path).address())
    print(f"khetmap dashboard: http://{address}:{port}/", file=sys.stderr)
    return subprocess.call(streamlit_command(port=port, address=address), env=env)


def start_background(
    *, store_path: Path | str, port: int, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.Popen[bytes]:
    """Start the dashboard on 127.0.0.1:`port` in the background and wait until it is healthy."""

    full_env = server_env(str(store_path), env)
    process = subprocess.Popen(
        streamlit_command(port=port, address="127.0.0.1"),
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
            return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                raise KhetmapError(
                    f"the dashboard did not start on port {port}: {output[-500:]}"
                ) from None
            time.sleep(0.5)
