"""Browser-side figures at 1M tickets, against the naive build on the same data.

1. Bytes sent to the browser for each page (HTTP bodies + websocket frames), split into
   Streamlit's own static bundle (cached by the browser after the first visit) and the
   page's data (websocket messages, the map component, map libraries).
2. Time to first map paint in headless Chromium.
3. Server memory (RSS of the streamlit process) with 1 and with 10 concurrent sessions.
The naive build is one folium page with a HeatMap of every open point and a
FastMarkerCluster of every ticket (folium's MarkerCluster is ~45x slower still to build).

Usage: python bench/bench_browser.py [--store FILE]   (the 1M store from bench_dashboard.py)
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from dashboard import assets
from dashboard.launcher import start_background

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


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/khetmap-bench"))
    parser.add_argument("--store", type=Path)
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
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
