"""Serve folium's JavaScript and CSS from the app itself, so maps render with no internet.

folium elements name CDN URLs in `default_js` / `default_css`. `localise` rewrites them,
element by element, to files under `dashboard/static/vendor/` (served by Streamlit's
static file serving at `/app/static/vendor/`). `install` copies those files from the
pinned npm packages (`package.json`) at setup; nothing is vendored into git.
"""

from __future__ import annotations

import argparse
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

STATIC_DIR = Path(__file__).parents[1] / "static"
"""Beside app.py: Streamlit serves the `static` folder next to the app script."""
VENDOR_DIR = STATIC_DIR / "vendor"
URL_PREFIX = "/app/static/vendor/"

FOLDERS_TO_COPY = (
    "leaflet/dist",
    "jquery/dist",
    "bootstrap/dist/js",
    "bootstrap/dist/css",
    "@fortawesome/fontawesome-free/css",
    "@fortawesome/fontawesome-free/webfonts",
    "leaflet.awesome-markers/dist",
    "leaflet.markercluster/dist",
    "leaflet.heat/dist",
)

LOCAL_FILES = {
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
    "jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",
    "leaflet.awesome-markers.js": "leaflet.awesome-markers/dist/leaflet.awesome-markers.js",
    "leaflet.awesome-markers.css": "leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
    "leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "leaflet_heat.min.js": "leaflet.heat/dist/leaflet-heat.js",
}
"""CDN file name (last URL segment) → file in the vendor folder."""

NOT_NEEDED = {"bootstrap-glyphicons.css", "leaflet.awesome.rotate.min.css"}
"""Bootstrap 3 glyphicons and marker rotation: unused by khetmap's maps, so dropped."""


class MissingAssetError(LookupError):
    """A folium element asks for a library khetmap does not serve."""


def local_url(remote: str, *, prefix: str = URL_PREFIX) -> str | None:
    """Return the local URL for a CDN URL, or None if the file is not needed."""
    name = remote.rsplit("/", 1)[-1]
    if name in NOT_NEEDED:
        return None
    if name not in LOCAL_FILES:
        raise MissingAssetError(
            f"no local copy of {remote}: add its npm package to package.json and "
            "LOCAL_FILES in dashboard/render/assets.py"
        )
    return prefix + LOCAL_FILES[name]


def _elements(root: Any) -> Iterator[Any]:
    yield root
    for child in getattr(root, "_children", {}).values():
        yield from _elements(child)


def localise(root: Any, *, prefix: str = URL_PREFIX) -> Any:
    """Point every folium element under `root` at local assets; return `root`."""
    for element in _elements(root):
        for attribute in ("default_js", "default_css"):
            links = getattr(element, attribute, None)
            if not links:
                continue
            rewritten = []
            for name, url in links:
                local = url if url.startswith(prefix) else local_url(url, prefix=prefix)
                if local is not None:
                    rewritten.append((name, local))
            setattr(element, attribute, rewritten)
    return root


def missing_files() -> list[str]:
    """Return the vendor files that are not installed yet."""
    return [path for path in LOCAL_FILES.values() if not (VENDOR_DIR / path).is_file()]


def install(node_modules: Path) -> None:
    """Copy the needed folders of the npm packages into the vendor folder."""
    for folder in FOLDERS_TO_COPY:
        source = node_modules / folder
        if not source.is_dir():
            raise SystemExit(f"{source} is missing: run `npm ci` in the project folder first.")
        shutil.copytree(source, VENDOR_DIR / folder, dirs_exist_ok=True)
    missing = missing_files()
    if missing:
        raise SystemExit(f"vendor files still missing after install: {', '.join(missing)}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Install the map assets from node_modules.")
    parser.add_argument("--install", type=Path, required=True, metavar="NODE_MODULES")
    install(parser.parse_args().install)
    print(f"map assets installed in {VENDOR_DIR}")


if __name__ == "__main__":
    main()


INLINE_SKIP = ("@fortawesome/",)
"""Icon fonts are not needed in a brief and their CSS points at font files by relative URL."""


def inline(page: str) -> str:
    """Return `page` with every local script and stylesheet inlined, so it works as a lone file."""

    def script(match: re.Match[str]) -> str:
        path = match.group(1)
        if path.startswith(INLINE_SKIP):
            return ""
        code = (VENDOR_DIR / path).read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def style(match: re.Match[str]) -> str:
        path = match.group(1)
        if path.startswith(INLINE_SKIP):
            return ""
        return f"<style>{(VENDOR_DIR / path).read_text(encoding='utf-8')}</style>"

    prefix = re.escape(URL_PREFIX)
    page = re.sub(rf'<script[^>]*\bsrc="{prefix}([^"]+)"[^>]*>\s*</script>', script, page)
    return re.sub(rf'<link[^>]*\bhref="{prefix}([^"]+)"[^>]*/?>', style, page)
