"""Targets: how many days a ticket of each category should take to finish.

The shipped defaults live in `dashboard/analysis/targets.toml` (placeholders, said so there); a city
overrides them with a file of its own named by `KHETMAP_TARGETS`. A file is read in full
and checked before anything uses it: a bad one raises `TargetsError` with one line that
names the file, the key and the value, and says why in a word a page can translate
(`TargetsError.reason`). Only a regular file of at most `MAX_FILE_BYTES` is read. Pure: no
streamlit.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard import config, files
from dashboard.errors import TargetsError, UnreadableFileError
from dashboard.files import read_bounded
from dashboard.vocab import UNSPECIFIED

SHIPPED = Path(__file__).with_name("targets.toml")
DAYS_RANGE = (1, 3650)
MAX_CATEGORY_CHARS = 100
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Targets:
    """Days to finish per category, and the default for untyped or unlisted ones."""

    default_days: int
    by_category: Mapping[str, int] = field(default_factory=dict)
    source: str = "shipped"
    """'shipped' (khetmap's placeholders) or the path of the city's file"""

    def days_for(self, categories: Iterable[str]) -> int:
        """The ticket's target: the shortest of its categories' (the default when none listed)."""
        found = [self.by_category[c] for c in categories if c in self.by_category]
        return min(found) if found else self.default_days

    def category_days(self, category: str) -> int:
        """One category's target (an untyped ticket's category is `unspecified`: the default)."""
        if category == UNSPECIFIED:
            return self.default_days
        return self.by_category.get(category, self.default_days)

    @property
    def shipped(self) -> bool:
        return self.source == "shipped"

    def sql_groups(self) -> list[tuple[int, int]]:
        """(days, number of categories) per distinct target length, shortest first (see
        `queries.target_days`)."""
        return [(days, len(names)) for days, names in self._groups()]

    def sql_params(self) -> list[str]:
        """The categories of `sql_groups`, group after group (the query's parameters)."""
        return [name for _, names in self._groups() for name in names]

    def _groups(self) -> list[tuple[int, list[str]]]:
        return [
            (days, sorted(c for c, d in self.by_category.items() if d == days))
            for days in sorted(set(self.by_category.values()))
        ]


def load(path: Path | None = None) -> Targets:
    """Read targets from `path`, else `KHETMAP_TARGETS`, else the shipped file."""
    path = path or config.targets_file()
    if path is None:
        return shipped()
    try:
        text = read_bounded(path, limit=MAX_FILE_BYTES).decode("utf-8")
    except UnreadableFileError as exc:
        raise TargetsError(
            f"targets file {exc}; fix KHETMAP_TARGETS or unset it to use the shipped defaults",
            reason=exc.reason,
        ) from exc
    except UnicodeDecodeError as exc:
        raise TargetsError(f"targets file {path} is not UTF-8 text") from exc
    return parse(text, source=str(path))


def shipped() -> Targets:
    """khetmap's own defaults (placeholders)."""
    return parse(SHIPPED.read_text(encoding="utf-8"), source="shipped")


def parse(text: str, *, source: str) -> Targets:
    """Parse and check a targets file's text."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError(f"targets file {source}: not valid TOML ({exc})") from exc
    except RecursionError:  # arrays or tables nested thousands deep: tomllib recurses
        raise TargetsError(
            f"targets file {source}: values nested too deeply (a targets file needs two "
            "levels: [default] days = N and [categories] name = days)",
            reason="too_deep",
        ) from None
    unknown = sorted(set(document) - {"default", "categories"})
    if unknown:
        raise TargetsError(
            f"targets file {source}: unknown section {unknown[0]!r:.60} "
            "(expected [default] and [categories])"
        )
    default = document.get("default")
    if not isinstance(default, dict) or set(default) != {"days"}:
        raise TargetsError(f"targets file {source}: needs a [default] section with days = N")
    categories = document.get("categories", {})
    if not isinstance(categories, dict):
        raise TargetsError(f"targets file {source}: [categories] must be a table of name = days")
    by_category: dict[str, int] = {}
    for name, value in categories.items():
        label = name.strip()
        if not label or len(label) > MAX_CATEGORY_CHARS:
            raise TargetsError(f"targets file {source}: category name {name!r:.60} is not usable")
        by_category[label] = _days(value, f"{source} [categories] {label!r:.60}")
    return Targets(
        default_days=_days(default["days"], f"{source} [default] days"),
        by_category=by_category,
        source=source,
    )


def _days(value: Any, where: str) -> int:
    low, high = DAYS_RANGE
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TargetsError(f"targets file {where}: {value!r:.40} is not a number of days")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise TargetsError(f"targets file {where}: {value!r} is not a whole number of days")
    days = int(value)
    if not low <= days <= high:
        raise TargetsError(f"targets file {where}: {days} is outside {low}–{high} days")
    return days


def stamp() -> str:
    """What the targets in force depend on (for cache keys): `KHETMAP_TARGETS`'s file, time and size."""
    return files.stamp(config.targets_file())
