"""Screenshots of every page, in Thai and English, on a desktop and a 390 px phone.

The README's pictures come from here (`--readme` copies the Thai desktop ones into
docs/screenshots/), so they show the pages as they are. Runs the dashboard as its users
start it, on a store ingested from the real 185k file unless `--store` is given:

    KHETMAP_DATA_DIR=../shared/data .venv/bin/python scripts/screenshots.py --readme

Each page is taken once it has finished running and its map has drawn: its first screen
(what a reader sees on opening it) and the whole page (`*_full.png`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = {
    "city": "/",
    "district": "/district?district=1006",
    "district_week": "/district?district=1006&section=week",
    "tickets": "/tickets?district=1006",
    "review": "/review",
    "about": "/about",
}
DEVICES = {"desktop": (1400, 900), "phone": (390, 844)}
README_NAMES = ("city", "district", "district_week", "tickets", "review", "about")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def real_store(folder: Path) -> Path:
    """The real 185k file ingested once into `folder`."""
    store = folder / "real.duckdb"
    if not store.is_file():
        data = Path(os.environ.get("KHETMAP_DATA_DIR", "data"))
        command = [sys.executable, "-m", "dashboard.cli", "ingest"]
        source = str(data / "traffy_sample.csv.gz")
        subprocess.run([*command, source, "--store", str(store)], cwd=ROOT, check=True)
    return store


def start(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(
        os.environ, KHETMAP_STORE=str(store), KHETMAP_TILES="none",
        STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
    )  # fmt: skip
    command = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py"]
    process = subprocess.Popen(
        [*command, "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the dashboard did not start")


def settle(tab: object) -> None:
    """Wait until Streamlit has finished the run and the map (if any) has drawn."""
    tab.locator("h1").first.wait_for(timeout=120_000)  # type: ignore[attr-defined]
    tab.wait_for_timeout(800)  # type: ignore[attr-defined]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        busy = tab.locator('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')  # type: ignore[attr-defined]
        if not busy.count():
            break
        tab.wait_for_timeout(300)  # type: ignore[attr-defined]
    tab.wait_for_timeout(3000)  # type: ignore[attr-defined]  # the map's tiles and shapes


def whole_page(tab: object, path: Path, width: int, height: int) -> None:
    """The whole page: Streamlit scrolls inside its main area, not the document, so the
    window is made as tall as that area's content for the picture, then put back."""
    tall = tab.evaluate(  # type: ignore[attr-defined]
        "() => Math.max(document.body.scrollHeight, ...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stMainBlockContainer]'"
        ")].map(e => e.scrollHeight))"
    )
    tab.set_viewport_size({"width": width, "height": min(int(tall) + 40, 16_000)})  # type: ignore[attr-defined]
    tab.wait_for_timeout(1500)  # type: ignore[attr-defined]  # the map frames lay out again
    tab.screenshot(path=str(path))  # type: ignore[attr-defined]
    tab.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "screenshots" / "pages")
    parser.add_argument("--readme", action="store_true", help="copy the Thai desktop pictures")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    process, base = start(args.store or real_store(args.out))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for device, (width, height) in DEVICES.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                tab = context.new_page()
                for lang in ("th", "en"):
                    for name, path in PAGES.items():
                        joiner = "&" if "?" in path else "?"
                        tab.goto(f"{base}{path}{joiner}lang={lang}")
                        settle(tab)
                        shot = args.out / f"{name}_{lang}_{device}.png"
                        tab.screenshot(path=str(shot))  # the first screen, as it opens
                        whole_page(tab, shot.with_stem(shot.stem + "_full"), width, height)
                        print(shot, flush=True)
                context.close()
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=20)
    if args.readme:
        for name in README_NAMES:
            shutil.copyfile(
                args.out / f"{name}_th_desktop.png", ROOT / "docs/screenshots" / f"{name}.png"
            )


if __name__ == "__main__":
    main()
