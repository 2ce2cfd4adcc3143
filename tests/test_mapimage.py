"""The map as a picture, on tickets built in code: print resolution, the area shading in the
map's own colours with its legend, and under a ticket layer the areas as outlines only with
the tickets in their state colours."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dashboard import boundaries, i18n, store
from dashboard.analysis import metrics
from dashboard.analysis.filters import Filters
from dashboard.ingest.load import ingest_files
from dashboard.render import lod, mapimage, maps, style
from dashboard.store import Reader
from dashboard.vocab import local_midnight
from tests.fixtures import ORIGIN_LAT, ORIGIN_LON, SIZE, ticket, write_csv

AS_OF = local_midnight(date(2022, 7, 1))


@pytest.fixture
def con(tmp_path: Path, data_dir: Path, store_path: Path) -> Iterator[Reader]:
    rows = []
    for i in range(60):
        lon = ORIGIN_LON + 0.002 + (i % 10) * 0.002
        lat = ORIGIN_LAT + 0.002 + (i // 10) * 0.002
        state = "เสร็จสิ้น" if i % 3 == 0 else "รอรับเรื่อง"
        rows.append(ticket(f"T{i:03d}", coords=f"{lon:.6f},{lat:.6f}", state=state))
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", rows)], store_path=store_path, data_dir=data_dir
    )
    with store.at(str(store_path)).reader() as reader:
        yield reader


def _picture(
    con: Reader, view: lod.Viewport, tickets: lod.TicketLayer | None
) -> tuple[Image.Image, str]:
    """The picture, and the fill the map gives district 1001 (every ticket is in it)."""
    layer = boundaries.load_districts()
    summary = metrics.area_summary(
        con, by="district", layer=layer, population=None, filters=Filters(), as_of=AS_OF
    )
    areas, bins = maps.choropleth_features(
        layer=layer, geometries=maps.simplified(layer), summary=summary, metric="open", lang="th"
    )
    picture = mapimage.Picture(
        areas=areas,
        bins=bins,
        metric="open",
        legend_title=i18n.metric_label("open", "th"),
        view=view,
        title="เขต1001",
        subtitle="ทุกประเภท · ข้อมูล ณ 1 ก.ค. 2565",
        credits="ข้อมูล: Traffy Fondue",
        lang="th",
        tickets=tickets,
    )
    fill = next(
        f["properties"]["fill"] for f in areas["features"] if f["properties"]["code"] == "1001"
    )
    return Image.open(io.BytesIO(mapimage.png(picture))).convert("RGB"), fill


def _has(image: Image.Image, colour: str, at_least: int = 50) -> bool:
    """At least `at_least` pixels of exactly `colour` (the inside of a shape, not its edge)."""
    pixels = np.asarray(image).reshape(-1, 3)
    wanted = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((pixels == wanted).all(axis=1).sum()) >= at_least


def test_the_picture_is_at_print_resolution_and_shades_areas_in_the_maps_colours(
    con: Reader,
) -> None:
    view = lod.Viewport(ORIGIN_LAT - 0.01, ORIGIN_LON - 0.01, ORIGIN_LAT + SIZE + 0.01,
                        ORIGIN_LON + 2 * SIZE + 0.01, 12)  # fmt: skip
    image, fill = _picture(con, view, None)
    assert image.width == mapimage.DPI * mapimage.WIDTH_INCHES == 2500
    assert fill != maps.NO_DATA_COLOUR and _has(image, fill, at_least=10_000)
    assert _has(image, maps.NO_DATA_COLOUR, at_least=20)  # its legend swatch at least


def test_under_ticket_points_the_areas_are_outlines_and_points_take_their_state_colour(
    con: Reader,
) -> None:
    view = lod.Viewport(ORIGIN_LAT, ORIGIN_LON, ORIGIN_LAT + 0.014, ORIGIN_LON + 0.022, 16)
    layer = lod.ticket_layer(con, filters=Filters(), as_of=AS_OF, viewport=view, lang="th")
    assert layer.kind == "points" and layer.drawn == 60
    image, fill = _picture(con, view, layer)
    assert not _has(image, fill, at_least=200)  # no shading under the points (the legend's
    # swatch is not drawn either: the picture's legend is the points')
    assert _has(image, style.OPEN_COLOUR, at_least=20)
    assert _has(image, style.state_colour("finished"), at_least=20)
