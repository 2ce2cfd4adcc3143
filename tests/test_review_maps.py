"""The review's two questions (demand, rate), what is getting worse, and areas to act on."""

from __future__ import annotations

from pathlib import Path

import esda
import h3
import numpy as np
import pandas as pd
import pytest

from dashboard import boundaries, store
from dashboard.analysis import emerging, gistar, hotspots, metrics
from dashboard.analysis.filters import Filters
from dashboard.ingest import load
from dashboard.vocab import BANGKOK_TZ, UNSPECIFIED, local_midnight
from tests.fixtures import centre, ticket, write_csv

CENTRE = h3.latlng_to_cell(13.75, 100.55, 8)
DENSE = h3.grid_ring(CENTRE, 4)[0]
SPARSE = h3.grid_ring(CENTRE, 4)[9]


def grid(reports: dict[str, int], opened: dict[str, int]) -> pd.DataFrame:
    """A disk of radius 8 cells: 40 reports a cell, each cell's share open drawn around 30%
    (Beta(6, 14), as districts differ), except where `reports`/`opened` say otherwise."""
    rng = np.random.default_rng(7)
    cells = sorted(h3.grid_disk(CENTRE, 8))
    n = np.array([reports.get(c, 40) for c in cells])
    k = np.array([opened.get(c, int(rng.binomial(40, rng.beta(6, 14)))) for c in cells])
    return pd.DataFrame(
        {
            "cell": np.array([h3.str_to_int(c) for c in cells], dtype=np.uint64),
            "reports": n,
            "open": k,
        }
    )


def dense_and_sparse() -> pd.DataFrame:
    dense = dict.fromkeys(h3.grid_disk(DENSE, 1), 300)
    dense_open = dict.fromkeys(dense, 90)  # 30%: the city's rate
    sparse = dict.fromkeys(h3.grid_disk(SPARSE, 1), 15)
    sparse_open = dict.fromkeys(sparse, 12)  # 80% still open
    return grid({**dense, **sparse, CENTRE: 2}, {**dense_open, **sparse_open, CENTRE: 2})


def classes(table: pd.DataFrame) -> dict[str, str]:
    return dict(zip(table["h3"], table["class"], strict=True))


def test_a_dense_area_with_the_city_rate_is_hot_for_demand_but_not_for_rate() -> None:
    cells = dense_and_sparse()
    demand = classes(hotspots.demand_cells(cells))
    rate = classes(hotspots.rate_cells(cells))
    assert demand[DENSE].startswith("hot")
    assert all(demand[c].startswith("hot") for c in h3.grid_ring(DENSE, 1))
    assert not any(rate[c].startswith("hot") for c in h3.grid_disk(DENSE, 1))


def test_a_sparse_area_with_a_high_unresolved_rate_is_hot_on_the_rate_map_only() -> None:
    cells = dense_and_sparse()
    demand = classes(hotspots.demand_cells(cells))
    table = hotspots.rate_cells(cells)
    rate = classes(table)
    assert rate[SPARSE].startswith("hot")
    assert not demand[SPARSE].startswith("hot")
    smoothed = dict(zip(table["h3"], table["eb_open_share"], strict=True))
    raw = dict(zip(table["h3"], table["open_share"], strict=True))
    # empirical Bayes pulls the 15-ticket cells towards the city's rate, not past it
    assert 0.3 < smoothed[SPARSE] < raw[SPARSE]


def test_a_cell_with_two_tickets_is_too_few_to_judge_not_cold() -> None:
    rate = classes(hotspots.rate_cells(dense_and_sparse()))
    assert rate[CENTRE] == hotspots.TOO_FEW
    assert sum(v == hotspots.TOO_FEW for v in rate.values()) == 1


def test_rate_and_demand_results_are_the_same_on_every_run() -> None:
    cells = dense_and_sparse()
    assert hotspots.rate_cells(cells).equals(hotspots.rate_cells(cells))
    assert hotspots.demand_cells(cells).equals(hotspots.demand_cells(cells))


def test_the_analytical_gi_star_z_equals_esda() -> None:
    cells = dense_and_sparse()
    ids = cells["cell"].tolist()
    values = cells["reports"].to_numpy(dtype=float)
    ours = gistar.gi_star_z(values[:, None], gistar.binary_weights(ids))[:, 0]
    theirs = esda.G_Local(
        values, gistar.ring_weights(ids), transform="B", star=True, permutations=0
    ).Zs
    assert np.allclose(ours, theirs)


def weekly(rising: bool, weeks: int = 13) -> tuple[list[int], np.ndarray, str, str]:
    """Weekly reports on a disk: background 10 ± noise; one area rising from 25 to 85 (or,
    if not `rising`, a steady 40)."""
    rng = np.random.default_rng(11)
    cells = sorted(h3.grid_disk(CENTRE, 7))
    area = set(h3.grid_disk(DENSE, 1))
    matrix = rng.poisson(10, size=(len(cells), weeks)).astype(float)
    for i, cell in enumerate(cells):
        if cell in area:
            matrix[i] = np.linspace(25, 85, weeks) if rising else 40
    return [h3.str_to_int(c) for c in cells], matrix, DENSE, h3.grid_ring(CENTRE, 2)[3]


def categories(ids: list[int], matrix: np.ndarray) -> dict[str, str]:
    table = emerging.emerging_cells(ids, matrix)
    return dict(zip(table["h3"], table["category"], strict=True))


def test_a_cell_whose_weekly_counts_rise_steadily_is_intensifying_and_a_flat_one_is_not() -> None:
    ids, matrix, hot_cell, background = weekly(rising=True)
    found = categories(ids, matrix)
    assert found[hot_cell] in ("intensifying hot", "new hot", "consecutive hot")
    assert found[hot_cell] == "intensifying hot"
    ids, flat, hot_cell, _ = weekly(rising=False)
    steady = categories(ids, flat)
    assert steady[hot_cell] == "persistent hot"
    assert steady[background] == emerging.NO_PATTERN


def test_a_hot_spot_that_appears_in_the_last_week_only_is_new() -> None:
    ids, matrix, hot_cell, _ = weekly(rising=False)
    matrix = np.where(matrix == 40, 10.0, matrix)
    index = ids.index(h3.str_to_int(hot_cell))
    matrix[index, -1] = 120
    assert categories(ids, matrix)[hot_cell] == "new hot"


@pytest.mark.parametrize(
    ("hot_weeks", "cold_weeks", "tau", "p", "expected"),
    [
        ("0000000000011", "", 0.5, 0.01, "consecutive"),
        ("1111111111110", "", 0.0, 0.5, "historical"),
        ("1111111111111", "", -0.6, 0.001, "diminishing"),
        ("0101000100101", "", 0.0, 0.5, "sporadic"),
        ("0001000010001", "0100000000000", 0.0, 0.5, "oscillating"),
        ("0000000000000", "", 0.0, 0.5, None),
    ],
)
def test_each_emerging_pattern_follows_the_arcgis_definition(
    hot_weeks: str, cold_weeks: str, tau: float, p: float, expected: str | None
) -> None:
    side = np.array([c == "1" for c in hot_weeks])
    other = np.array([c == "1" for c in (cold_weeks or "0" * len(hot_weeks))])
    assert emerging.pattern(side, other, tau, p) == expected


def test_the_backlog_at_each_week_end_counts_tickets_reported_and_not_yet_closed() -> None:
    weeks = emerging.Weeks(end=pd.Timestamp("2022-07-01", tz="UTC").to_pydatetime(), count=4)
    spans = pd.DataFrame(
        {
            "cell": [1, 1, 1, 2],
            "report_back": [3, 5, 1, 0],  # week 0, before the period, week 2, week 3
            "close_back": [1.0, np.nan, np.nan, -1.0],  # closed in week 2; open; open; after
            "tickets": [2, 1, 3, 4],
        }
    )
    matrix = emerging.backlog_matrix([1, 2], spans, weeks)
    assert matrix.tolist() == [[3, 3, 4, 4], [0, 0, 0, 4]]


def test_main_streets_come_from_the_addresses_roads_before_lanes() -> None:
    addresses = [
        "29/9 ถ. เพชรเกษม แขวง บางแคเหนือ เขตบางแค กรุงเทพมหานคร",
        "12 ถนน เพชรเกษม แขวง บางแค",
        "7 ซอย พึ่งมี แขวง บางจาก",
        "1 ถนน กัลปพฤกษ์ แขวง บางแค",
        None,
        "QC8G+4MJ แขวง บางระมาด",
    ]
    assert hotspots.main_streets(addresses) == ["ถนนเพชรเกษม", "ถนนกัลปพฤกษ์"]
    assert hotspots.main_streets(["7 ซอย พึ่งมี แขวง บางจาก"]) == ["ซอยพึ่งมี"]


def test_hot_cells_are_split_at_district_boundaries_and_each_area_says_what_it_shares(
    data_dir: Path, store_path: Path
) -> None:
    # districts 1001 and 1002 meet at lon 100.45; a hot block straddles the line
    west_lon, lat = centre("1001", half=1)
    east_lon, _ = centre("1002", half=0)
    rows = []
    for i in range(40):
        for code, lon in (("1001", west_lon + 0.012), ("1002", east_lon - 0.012)):
            rows.append(
                ticket(
                    f"2022-{code}{i:03d}",
                    code=code,
                    coords=f"{lon + (i % 5) * 0.0004},{lat + (i % 7) * 0.0004}",
                    timestamp=f"2022-06-{1 + i % 28:02d} 03:00:00+00",
                )
            )
    # one ticket of 1002 filed from a point just inside 1001's side
    rows.append(
        ticket("2022-X", code="1002", coords=f"{west_lon + 0.0125},{lat}", district="เขต1002")
    )
    csv = write_csv(data_dir / "t.csv", rows)
    load.ingest_files(paths=[csv], store_path=store_path, data_dir=data_dir)
    layer = boundaries.load_districts(data_dir=data_dir)
    filters = Filters(
        since=pd.Timestamp("2022-06-01").date(), until=pd.Timestamp("2022-06-30").date()
    )
    with store.at(str(store_path)).reader() as con:
        found = hotspots.analyse(con, kind="demand", layer=layer, filters=filters, resolution=9)
        # make the straddling block hot whatever the tiny fixture's statistics say
        tickets_cells = set(found.cells.loc[found.cells["reports"] > 0, "h3"])
        cells = found.cells.assign(
            **{
                "class": [
                    "hot 99%" if c in tickets_cells else "not significant"
                    for c in found.cells["h3"]
                ]
            }
        )
        analysis = hotspots.Analysis("demand", cells, found.city_open_share)
        areas = hotspots.actionable_areas(
            con,
            analysis=analysis,
            filters=filters,
            resolution=9,
            as_of=metrics.newest_report(con),
            districts=layer,
        )
    assert set(areas["district_code"]) == {"1001", "1002"}
    for row in areas.to_dict("records"):
        assert row["district_code"] in ("1001", "1002")
    assert sum(areas["reports"]) + sum(n for s in areas["shared_with"] for _, n in s) == len(rows)
    labels = hotspots.area_labels(areas, names={"1001": "เขตหนึ่ง", "1002": "เขตสอง"}, lang="th")
    assert len(set(labels)) == len(labels)
    assert list(areas["rank"]) == list(range(1, len(areas) + 1))
    assert areas["reports"].is_monotonic_decreasing


@pytest.mark.realdata
def test_on_the_dump_sample_with_finish_times_the_backlog_trend_is_drawn(tmp_path: Path) -> None:
    from tests.conftest import real_data_dir

    data = real_data_dir()
    location = tmp_path / "dump.duckdb"
    load.ingest_files(
        paths=[data / "traffy_dump_format_sample.csv"], store_path=location, data_dir=data
    )
    layer = boundaries.load_districts(data_dir=data)
    with store.at(str(location)).reader() as con:
        newest = metrics.newest_report(con)
        assert newest is not None
        until = newest.astimezone(BANGKOK_TZ).date()
        filters = Filters(since=until - pd.Timedelta(days=89), until=until)
        found = hotspots.analyse(
            con, kind="emerging", layer=layer, filters=filters, resolution=8, measure="backlog"
        )
    assert found.unavailable is None and found.space_time is not None
    assert (found.cells["category"] != emerging.NO_PATTERN).any()
    # the backlog at the last week's end counts every ticket still open then, no more
    assert found.cells["last_week"].sum() > 0


def test_hot_areas_counted_in_the_database_match_a_description_of_every_ticket(
    tmp_path: Path, data_dir: Path
) -> None:
    rng = np.random.default_rng(3)
    roads = ["ถนนพหลโยธิน", "ถนนวิภาวดี", "ซอยอารีย์ 1", "ถ.ราชวิถี"]
    types = ["{ถนน}", "{ทางเท้า,ถนน}", "{}", "{น้ำท่วม}", "{แสงสว่าง,ทางเท้า}"]
    states = ["รอรับเรื่อง", "กำลังดำเนินการ", "เสร็จสิ้น"]
    # clumps apart from each other (areas), one of them astride the two districts' border
    # (lon 100.45; the fixture's districts are 0.05° squares)
    clumps = {
        "1001": [(100.410, 13.610), (100.425, 13.640), (100.440, 13.615), (100.4492, 13.625)],
        "1002": [(100.465, 13.610), (100.480, 13.640), (100.4508, 13.625)],
    }
    rows = []
    for i in range(700):
        code = "1001" if i % 2 else "1002"
        lon, lat = clumps[code][i % len(clumps[code])]
        row = ticket(
            f"2022-{i:05d}",
            code=code,
            coords=f"{lon + rng.uniform(-1, 1) * 1e-3:.6f},{lat + rng.uniform(-1, 1) * 1e-3:.6f}",
            state=str(rng.choice(states)),
            type_=str(rng.choice(types)),
            timestamp=f"2022-06-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00+00",
        )
        row["address"] = f"{rng.choice(roads)} แขวงหนึ่ง เขตหนึ่ง"
        rows.append(row)
    path = write_csv(tmp_path / "t.csv", rows)
    store_path = tmp_path / "s.duckdb"
    load.ingest_files(paths=[path], store_path=store_path, data_dir=data_dir)
    layer = boundaries.load_districts(data_dir=data_dir)
    filters = Filters(
        since=pd.Timestamp("2022-06-01").date(), until=pd.Timestamp("2022-06-30").date()
    )
    as_of = local_midnight(pd.Timestamp("2022-07-01").date())
    with store.at(str(store_path)).reader() as con:
        found = hotspots.analyse(con, kind="demand", layer=layer, filters=filters, resolution=9)
        every = con.execute(
            f"SELECT *, {hotspots.queries.OPEN} AS is_open FROM tickets WHERE h3_r9 IS NOT NULL"
        ).df()
        # every cell with tickets is hot, so areas meet, split by district, and share cells
        with_tickets = set(found.cells.loc[found.cells["reports"] > 0, "h3"])
        hot = ["hot 99%" if c in with_tickets else "not significant" for c in found.cells["h3"]]
        analysis = hotspots.Analysis("demand", found.cells.assign(**{"class": hot}), 0.5)
        areas = hotspots.actionable_areas(
            con, analysis=analysis, filters=filters, resolution=9, as_of=as_of,
            districts=layer, limit=4,
        )  # fmt: skip
    every["h3"] = [h3.cell_to_parent(h3.int_to_str(int(c)), 9) for c in every["h3_r9"]]
    every["age"] = (as_of - every["reported_at"]).dt.total_seconds() / 86400
    # five areas, the four shown ranked by reports; the border clump is shared
    assert len(areas) == 4 and areas["reports"].is_monotonic_decreasing
    assert any(areas["shared_with"].map(len))
    for area in areas.to_dict("records"):
        inside = every[every["h3"].isin(area["h3_cells"])]
        own = inside[inside["district_code"] == area["district_code"]]
        opened = own[own["is_open"]].sort_values(["age", "ticket_id"], ascending=[False, True])
        named = pd.Series([c for cs in own["categories"] for c in (list(cs) or [UNSPECIFIED])])
        counts = named.value_counts()
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        others = inside[inside["district_code"] != area["district_code"]]
        assert area["reports"] == len(own) and area["open"] == len(opened)
        assert area["top_categories"] == [c for c, _ in top]
        assert area["median_open_age_days"] == round(float(opened["age"].median()), 1)
        assert area["oldest_open"] == [
            (i, int(a)) for i, a in zip(opened["ticket_id"][:3], opened["age"][:3], strict=True)
        ]
        assert area["subdistrict_counts"] == sorted(
            own["subdistrict_code"].value_counts().items(), key=lambda kv: (-kv[1], kv[0])
        )
        assert area["shared_with"] == sorted(
            others["district_code"].value_counts().items(), key=lambda kv: (-kv[1], kv[0])
        )
        assert area["streets"] == hotspots.main_streets(own.sort_values("ticket_id")["address"])
