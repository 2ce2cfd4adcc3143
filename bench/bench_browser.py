"""Browser-side figures at 1M tickets, against the naive build on the same data.

1. Bytes sent to the browser for each page (HTTP bodies + websocket frames), split into
   Streamlit's own static bundle (cached by the browser after the first visit) and the
   page's data (websocket messages, the map component, map libraries).
2. Time to first map paint in headless Chromium.
3. Server memory (RSS of the streamlit process) with 1 and with 10 concurrent sessions.
The naive build is one folium page with a HeatMap of every open point and a
FastMarkerCluster of every ticket (folium's MarkerCluster is ~45x slower still to build).

Usage: python bench/bench_browser.py [--store FILE]   (the 1M store from bench_dashboard.py)

With `--against REF` it measures instead the first paint of this checkout against the
code of an earlier commit REF, in one run on the same machine: each tree ingests the same
1M synthetic file into a store of its own (with its own code), both servers run at once,
and fresh browser contexts visit them in alternating order (`--repeats` each), so a slow
minute of the machine falls on both.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import threading
import time
import urllib.request
from pathlib import Path

from bench_ingest import synthetic

from dashboard.launcher import start_background, streamlit_command
from dashboard.render import assets

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = {
    "city": ("/?lang=en", 50),
    "district": ("/district?district=1030&lang=en", 1),
    "review": ("/review?lang=en", 1),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = start_background(store_path=store, port=port, env={"KHETMAP_TILES": "none"})
    return process, f"http://127.0.0.1:{port}"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(context: object, url: str, shapes: int) -> tuple[float, int, int]:
    """Return (seconds to first map paint, static bytes, page-data bytes)."""
    page = context.new_page()  # type: ignore[attr-defined]
    sizes = {"static": 0, "data": 0}

    def on_response(response: object) -> None:
        try:
            size = response.request.sizes()["responseBodySize"]  # type: ignore[attr-defined]
        except Exception:
            return
        kind = (
            "static"
            if "/static/" in response.url and "/app/static/" not in response.url
            else "data"
        )  # type: ignore[attr-defined]
        sizes[kind] += max(size, 0)

    def on_websocket(ws: object) -> None:
        ws.on(
            "framereceived", lambda payload: sizes.__setitem__("data", sizes["data"] + len(payload))
        )  # type: ignore[attr-defined]

    page.on("response", on_response)
    page.on("websocket", on_websocket)
    start = time.perf_counter()
    page.goto(url)
    painted = wait_for_map(page, shapes)
    seconds = painted - start
    page.wait_for_timeout(1500)  # let the remaining messages arrive
    return seconds, sizes["static"], sizes["data"]


def wait_for_map(page: object, shapes: int, *, timeout: float = 120) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for frame in page.frames:  # type: ignore[attr-defined]
            if frame.locator(".leaflet-container").count() and (
                frame.locator("path.leaflet-interactive").count() >= shapes
                or frame.locator(".marker-cluster, canvas.leaflet-heatmap-layer").count()
            ):
                return time.perf_counter()
        page.wait_for_timeout(50)  # type: ignore[attr-defined]
    raise RuntimeError("no map painted")


def naive_html(store: Path, folder: Path) -> Path:
    import duckdb
    import folium
    import folium.plugins

    with duckdb.connect(str(store), read_only=True) as con:
        frame = con.execute("SELECT lat, lon, state FROM tickets WHERE lat IS NOT NULL").df()
    open_points = frame[frame["state"].isin(["waiting", "forwarded", "in_progress", "other"])]
    fmap = folium.Map(location=(13.75, 100.6), zoom_start=10, tiles=None)
    fmap.options["maxZoom"] = 18
    folium.plugins.HeatMap(open_points[["lat", "lon"]].to_numpy().tolist()).add_to(fmap)
    folium.plugins.FastMarkerCluster(frame[["lat", "lon"]].to_numpy().tolist()).add_to(fmap)
    assets.localise(fmap)
    start = time.perf_counter()
    path = folder / "naive.html"
    fmap.save(str(path))
    print(
        f"naive build: {time.perf_counter() - start:.1f} s to render {path.stat().st_size / 2**20:.1f} MB",
        flush=True,
    )
    return path


def serve(folder: Path) -> str:
    vendor = folder / "app" / "static"
    vendor.parent.mkdir(parents=True, exist_ok=True)
    if not vendor.exists():
        vendor.symlink_to(assets.STATIC_DIR)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


REPO = Path(__file__).resolve().parents[1]


def tree_at(ref: str, workdir: Path) -> Path:
    """The project's files at commit `ref`, unpacked under `workdir` (once)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short=10", ref], cwd=REPO, check=True, capture_output=True,
        text=True,
    ).stdout.strip()  # fmt: skip
    tree = workdir / f"tree-{commit}"
    if not (tree / "dashboard" / "app.py").is_file():
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit], cwd=REPO, check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
    vendor = tree / "dashboard" / "static" / "vendor"  # the map's libraries, as setup installs them
    if not vendor.exists():
        shutil.copytree(assets.VENDOR_DIR, vendor)
    return tree


def tree_env(tree: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(tree), KHETMAP_TILES="none", **extra)


def tree_store(tree: Path, source: Path, store: Path) -> Path:
    """`source` ingested by the code in `tree` (each version reads a store it wrote)."""
    if not store.is_file():
        command = [sys.executable, "-m", "dashboard.cli", "ingest", str(source)]
        subprocess.run([*command, "--store", str(store)], cwd=tree, env=tree_env(tree), check=True)
    return store


def start_tree_server(tree: Path, store: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The dashboard of `tree` on a free port, started as `khetmap run` starts it."""
    port = free_port()
    command = streamlit_command(port=port, address="127.0.0.1")
    command[command.index("run") + 1] = str(tree / "dashboard" / "app.py")
    env = tree_env(
        tree, KHETMAP_STORE=str(store), STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
        MALLOC_ARENA_MAX="2",
    )  # fmt: skip
    process = subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"the dashboard of {tree} did not start")


def first_paints(
    browser: object, bases: dict[str, str], repeats: int
) -> dict[str, dict[str, list[float]]]:
    """Seconds to the map drawn, per page and per tree, fresh contexts in alternating order."""
    times: dict[str, dict[str, list[float]]] = {page: {n: [] for n in bases} for page in PAGES}
    for page, (path, shapes) in PAGES.items():
        for base in bases.values():  # warm the server's caches, as a running app has
            context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
            measure(context, base + path, shapes)
            context.close()
        for round_ in range(repeats):
            order = list(bases.items())
            for name, base in order if round_ % 2 == 0 else order[::-1]:
                context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
                times[page][name].append(measure(context, base + path, shapes)[0])
                context.close()
        print(f"  {page}: " + ", ".join(
            f"{n} {' '.join(f'{t:.2f}' for t in ts)}" for n, ts in times[page].items()
        ), flush=True)  # fmt: skip
    return times


def against(args: argparse.Namespace) -> None:
    """First paint of this checkout against commit `args.against`, in one run."""
    from playwright.sync_api import sync_playwright

    data = Path(os.environ.get("KHETMAP_DATA_DIR", "data"))
    source = synthetic(1_000_000, args.workdir, data / "traffy_sample.csv.gz")
    trees = {"before": tree_at(args.against, args.workdir), "now": REPO}
    stores = {  # the earlier tree's store is kept (named by its commit); this tree's is new
        "before": tree_store(trees["before"], source, trees["before"].with_suffix(".duckdb")),
        "now": tree_store(REPO, source, args.workdir / f"paint_now_{os.getpid()}.duckdb"),
    }
    servers = {name: start_tree_server(tree, stores[name]) for name, tree in trees.items()}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            bases = {name: base for name, (_process, base) in servers.items()}
            times = first_paints(browser, bases, args.repeats)
            browser.close()
    finally:
        for process, _base in servers.values():
            process.terminate()
            process.wait(timeout=20)
        stores["now"].unlink(missing_ok=True)
    print(f"first paint at 1M, median of {args.repeats} fresh contexts (before = {args.against})")
    print(f"{'page':<10}{'before':>10}{'now':>10}{'now/before':>12}  target <= 0.6x and <= 3 s")
    for page, by_tree in times.items():
        before, now = (statistics.median(by_tree[n]) for n in ("before", "now"))
        print(f"{page:<10}{before:>8.2f} s{now:>8.2f} s{now / before:>11.2f}x")


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/khetmap-bench"))
    parser.add_argument("--store", type=Path)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--against", metavar="REF", help="first paint of this tree vs commit REF")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.against:
        against(args)
        return
    store = args.store or args.workdir / "dash_1m.duckdb"
    process, base = start_server(store)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            naive_path = naive_html(store, args.workdir)
            naive_base = serve(args.workdir)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            seconds, static, data = measure(context, f"{naive_base}/{naive_path.name}", 1)
            naive_bytes = static + data
            print(
                f"{'page':<10}{'first paint':>12}{'page data':>12}{'+ streamlit bundle':>20}  vs naive ({naive_bytes / 2**20:.1f} MB, {seconds:.1f} s)"
            )
            for name, (path, shapes) in PAGES.items():
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                measure(
                    context, base + path, shapes
                )  # warm the server's caches, as a running app has
                context.close()
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                paint, static, data = measure(context, base + path, shapes)
                again, _static, _data = measure(context, base + path, shapes)  # bundle now cached
                print(
                    f"{name:<10}{paint:>10.2f} s{data / 2**20:>10.2f} MB{static / 2**20:>18.2f} MB  "
                    f"{naive_bytes / data:.0f}x less page data; first paint {seconds / paint:.1f}x faster; "
                    f"return visit {again:.2f} s",
                    flush=True,
                )
                context.close()
            idle = rss_mb(process.pid)
            contexts = []
            for i in range(args.sessions):
                context = browser.new_context(viewport={"width": 1200, "height": 900})
                page = context.new_page()
                path, shapes = list(PAGES.values())[i % 2]
                page.goto(base + path + f"&state={'open' if i % 3 == 0 else 'all'}")
                contexts.append((context, page, shapes))
            for _context, page, shapes in contexts:
                wait_for_map(page, shapes)
            busy = rss_mb(process.pid)
            print(
                f"server RSS: {idle:.0f} MB after the page runs above, {busy:.0f} MB with {args.sessions} live sessions "
                f"(target <= 2048 MB); +{(busy - idle) / args.sessions:.0f} MB per session"
            )
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=20)


if __name__ == "__main__":
    main()
