"""Getis–Ord Gi*: which H3 cells stand out from their neighbours, and how surely.

The maths the hot-spot maps (`hotspots`) and the emerging analysis (`emerging`) share:
first-ring binary weights (self included), analytical z-scores, and classes with
Benjamini–Hochberg FDR control.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import esda
import h3
import numpy as np
from libpysal.weights import W
from scipy import sparse, stats

CONFIDENCE_LEVELS = ((0.99, 0.01), (0.95, 0.05), (0.90, 0.10))
NOT_SIGNIFICANT = "not significant"


def ring_weights(cells: Sequence[int]) -> W:
    """Binary weights: each cell's first-ring neighbours that are in `cells`."""
    index = {int(cell): i for i, cell in enumerate(cells)}
    neighbours: dict[int, list[int]] = {}
    for cell, i in index.items():
        ring = h3.grid_ring(h3.int_to_str(cell), 1)
        neighbours[i] = [index[h3.str_to_int(n)] for n in ring if h3.str_to_int(n) in index]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands (cells with no neighbour) are allowed
        return W(neighbours, id_order=list(range(len(cells))), silence_warnings=True)


@dataclass(frozen=True)
class GiStar:
    """Per-cell Gi* results, in the order of the cells given."""

    z: np.ndarray
    p: np.ndarray
    classes: list[str]


def binary_weights(cells: Sequence[int]) -> sparse.csr_matrix:
    """Each cell and its first-ring neighbours among `cells` (Gi*: self included)."""
    w = ring_weights(cells)
    rows, cols = [], []
    for i, neighbours in w.neighbors.items():
        for j in [i, *neighbours]:
            rows.append(i)
            cols.append(j)
    n = len(cells)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def gi_star_z(values: np.ndarray, weights: sparse.csr_matrix) -> np.ndarray:
    """Analytical Gi* z-scores (Ord & Getis 1995; binary weights, self included) for each
    column of `values` (cells × steps). A column where every cell is equal gets z = 0.
    The same z as esda's `G_Local(..., star=True).Zs`, for many columns at once."""
    x = np.asarray(values, dtype=float)
    n = x.shape[0]
    k = np.asarray(weights.sum(axis=1)).ravel()[:, None]
    mean = x.mean(axis=0, keepdims=True)
    sd = x.std(axis=0, keepdims=True)
    lag = weights @ x
    spread = np.sqrt(np.maximum(n * k - k**2, 0) / max(n - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (lag - mean * k) / (sd * spread)
    return np.asarray(np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0), dtype=float)


def gi_star(values: np.ndarray, cells: Sequence[int]) -> GiStar:
    """Local Gi* on `cells` (first-ring binary weights, self included), two-sided normal
    p-values, each cell classified with Benjamini–Hochberg FDR control.

    Analytical, not permutation, p-values: with thousands of cells a permutation p-value
    cannot go below 1/(permutations + 1), which FDR control over so many cells never
    accepts unless a large share of the city is extreme. ArcGIS's Hot Spot Analysis uses
    the same analytical z. Deterministic: the same input gives the same output.
    """
    y = np.asarray(values, dtype=float)
    if len(y) < 3 or np.all(y == y[0]):
        return GiStar(z=np.zeros(len(y)), p=np.ones(len(y)), classes=[NOT_SIGNIFICANT] * len(y))
    z = gi_star_z(y[:, None], binary_weights(cells))[:, 0]
    p = 2 * stats.norm.sf(np.abs(z))
    return GiStar(z=z, p=p, classes=classify(z, p))


def classify(z: np.ndarray, p: np.ndarray) -> list[str]:
    """Return 'hot 99%', 'cold 95%', … or 'not significant' for each cell (BH-FDR per level)."""
    classes = np.full(len(z), NOT_SIGNIFICANT, dtype=object)
    for confidence, alpha in reversed(CONFIDENCE_LEVELS):  # strictest level written last wins
        cutoff = float(esda.fdr(p, alpha))
        significant = p <= cutoff
        label = f"{confidence:.0%}"
        classes[significant & (z > 0)] = f"hot {label}"
        classes[significant & (z < 0)] = f"cold {label}"
    return [str(c) for c in classes]
