from __future__ import annotations

import h3
import numpy as np
import pandas as pd

from dashboard.analysis import gistar, hotspots

CENTRE = h3.latlng_to_cell(13.75, 100.55, 8)


def grid_with(hot: str, cold_region: list[str]) -> tuple[list[int], np.ndarray]:
    """A disk of radius 6 cells: 30 tickets on a hot cell and its ring, 12 elsewhere, 0 in cold."""
    cells = sorted(h3.grid_disk(CENTRE, 6))
    hot_block = set(h3.grid_disk(hot, 1))
    values = np.array(
        [30 if c in hot_block else 0 if c in cold_region else 12 for c in cells], dtype=float
    )
    return [h3.str_to_int(c) for c in cells], values


def test_known_hot_and_cold_spots_are_classified() -> None:
    far = h3.grid_ring(CENTRE, 5)[0]
    cold = sorted(h3.grid_disk(far, 2))
    cells, values = grid_with(CENTRE, cold)
    result = gistar.gi_star(values, cells)
    by_cell = dict(zip((h3.int_to_str(c) for c in cells), result.classes, strict=True))
    assert by_cell[CENTRE] == "hot 99%"
    assert all(by_cell[c].startswith("hot") for c in h3.grid_ring(CENTRE, 1))
    assert by_cell[far].startswith("cold")
    ordinary = h3.grid_ring(CENTRE, 3)
    assert sum(by_cell[c] == gistar.NOT_SIGNIFICANT for c in ordinary) >= len(ordinary) - 2
    again = gistar.gi_star(values, cells)
    assert again.classes == result.classes and np.array_equal(again.p, result.p)


def test_uniform_counts_have_no_hotspots() -> None:
    cells = [h3.str_to_int(c) for c in sorted(h3.grid_disk(CENTRE, 5))]
    result = gistar.gi_star(np.full(len(cells), 5.0), cells)
    assert set(result.classes) == {gistar.NOT_SIGNIFICANT}


def test_fdr_is_stricter_than_raw_p_values() -> None:
    p = np.array([0.001, 0.02, 0.04, 0.045, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
    z = np.ones_like(p)
    classes = gistar.classify(z, p)
    assert classes[0] == "hot 99%"
    assert classes[3] == gistar.NOT_SIGNIFICANT  # p = 0.045 < 0.05 raw, but not after BH
    assert classes.count(gistar.NOT_SIGNIFICANT) >= 8


def test_empty_cells_count_as_zero_and_border_cells_are_kept() -> None:
    grid = hotspots.counts_on_grid(
        [1, 2, 3], pd.DataFrame({"cell": np.array([2, 9], dtype=np.uint64), "open": [5, 1]})
    )
    assert grid.to_dict("list") == {"cell": [1, 2, 3, 9], "open": [0, 5, 0, 1]}
