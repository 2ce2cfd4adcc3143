"""Routing: which department (ฝ่าย) of a district office, or which outside agency, has a
ticket. Pure: no streamlit; the action sheet, the district page and the CLI read it.

Precedence, per ticket (`route`):
1. **named**: a department the data names (an `organization` entry that begins with
   "ฝ่าย", as a district office's own export lists them);
2. **agency**: else an outside agency the data names (MEA, MWA, a police station, a BMA
   department): the last organisation listed that is neither the city nor the district
   office itself;
3. **category**: else the department that normally owns the ticket's category, from the
   routing table (`routing.toml`, or a city's file named by `KHETMAP_ROUTING`);
4. **predicted**: an untyped ticket, by the category the classifier predicted for it (only
   predictions that passed the classifier's threshold are stored);
5. **unrouted**: else nobody yet.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dashboard import config, files
from dashboard.errors import RoutingError, UnreadableFileError
from dashboard.vocab import DEPARTMENT_PREFIX, TOP_LEVEL_ORGANISATIONS

SHIPPED = Path(__file__).with_name("routing.toml")
OFFICE_PREFIX = "เขต"
DEPARTMENTS = (
    "โยธา",
    "รักษาความสะอาดและสวนสาธารณะ",
    "เทศกิจ",
    "สิ่งแวดล้อมและสุขาภิบาล",
    "ปกครอง",
    "พัฒนาชุมชนและสวัสดิการสังคม",
    "ทะเบียน",
    "รายได้",
    "การคลัง",
    "การศึกษา",
)
"""The ten departments of a Bangkok district office, as written without "ฝ่าย"."""
MAX_NAME_CHARS = 100
"""A department or agency name from the data is cut to this many characters."""
MAX_FILE_BYTES = 1_000_000

How = Literal["named", "agency", "category", "predicted", "unrouted"]
HOWS: tuple[How, ...] = ("named", "agency", "category", "predicted", "unrouted")


@dataclass(frozen=True)
class Routing:
    """Category → the department that normally owns it (without "ฝ่าย")."""

    by_category: Mapping[str, str] = field(default_factory=dict)
    source: str = "shipped"
    """'shipped' (khetmap's reading of the departments' duties) or the city's file"""

    def department_for(self, categories: Iterable[str]) -> str | None:
        """The department of the first of `categories` in the table's order, if any."""
        wanted = set(categories)
        for category, department in self.by_category.items():
            if category in wanted:
                return department
        return None


@dataclass(frozen=True)
class Route:
    """Who has a ticket, and how khetmap knows."""

    units: tuple[str, ...]
    """departments (written "ฝ่าย…") or one outside agency; empty when unrouted"""
    how: How


def route(
    *,
    organisations: Sequence[str],
    categories: Sequence[str],
    predicted: Sequence[str] = (),
    district_name_th: str,
    routing: Routing,
) -> Route:
    """Route one ticket (see the module's docstring for the order)."""
    named = named_departments(organisations)
    if named:
        return Route(units=named, how="named")
    agency = outside_agency(organisations, district_name_th)
    if agency:
        return Route(units=(agency,), how="agency")
    by_category = routing.department_for(categories)
    if by_category:
        return Route(units=(DEPARTMENT_PREFIX + by_category,), how="category")
    by_prediction = routing.department_for(predicted) if not categories else None
    if by_prediction:
        return Route(units=(DEPARTMENT_PREFIX + by_prediction,), how="predicted")
    return Route(units=(), how="unrouted")


def named_departments(organisations: Sequence[str]) -> tuple[str, ...]:
    """The departments among a ticket's organisations, as "ฝ่าย<name>" without the office's
    name after it, once each, in order."""
    found: list[str] = []
    for entry in organisations:
        tidy = _tidy(entry)
        if not tidy.startswith(DEPARTMENT_PREFIX):
            continue
        words = tidy.split(" ")
        kept = [w for w in words[1:] if not w.startswith(OFFICE_PREFIX)]
        name = _canonical(" ".join([words[0], *kept]))[:MAX_NAME_CHARS]
        if name != DEPARTMENT_PREFIX and name not in found:
            found.append(name)
    return tuple(found)


def _canonical(name: str) -> str:
    """One of the ten departments' full names for a shortened one ("ฝ่ายรักษาความสะอาดฯ",
    "ฝ่ายรักษาความสะอาด" → "ฝ่ายรักษาความสะอาดและสวนสาธารณะ"); any other name as written."""
    stem = name.removeprefix(DEPARTMENT_PREFIX).rstrip("ฯ").strip()
    matches = [d for d in DEPARTMENTS if stem and d.startswith(stem)]
    return DEPARTMENT_PREFIX + matches[0] if len(matches) == 1 else name


def outside_agency(organisations: Sequence[str], district_name_th: str) -> str | None:
    """The last organisation listed that is not the city, the district office or one of its
    departments."""
    for entry in reversed(organisations):
        tidy = _tidy(entry)
        if not tidy or tidy in TOP_LEVEL_ORGANISATIONS or tidy.startswith(DEPARTMENT_PREFIX):
            continue
        if own_office(tidy, district_name_th):
            continue
        return tidy[:MAX_NAME_CHARS]
    return None


def own_office(unit: str, district_name_th: str) -> bool:
    """The district office itself (เขตX) or one of its sections (ฝ่ายโยธา เขตX)."""
    office = OFFICE_PREFIX + "".join(district_name_th.split())
    tidy = _tidy(unit)
    return tidy == office or tidy.endswith(" " + office)


def _tidy(text: str) -> str:
    return " ".join(str(text).split())


def load(path: Path | None = None) -> Routing:
    """Read the routing table from `path`, else `KHETMAP_ROUTING`, else the shipped file."""
    path = path or config.routing_file()
    if path is None:
        return shipped()
    return parse(_read(path), source=str(path))


def stamp() -> str:
    """What the routing table in force depends on (for cache keys): `KHETMAP_ROUTING`'s file, time and size."""
    return files.stamp(config.routing_file())


def shipped() -> Routing:
    """khetmap's own table (its reading of the departments' duties)."""
    return parse(SHIPPED.read_text(encoding="utf-8"), source="shipped")


def parse(text: str, *, source: str) -> Routing:
    """Parse and check a routing file's text: `[categories]`, category = department."""
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise RoutingError(f"routing file {source}: not valid TOML ({exc})") from exc
    unknown = sorted(set(document) - {"categories"})
    if unknown:
        raise RoutingError(
            f"routing file {source}: unknown section {unknown[0]!r:.60} (expected [categories])"
        )
    table = document.get("categories", {})
    if not isinstance(table, dict):
        raise RoutingError(f"routing file {source}: [categories] must be category = department")
    by_category: dict[str, str] = {}
    for name, department in table.items():
        label = name.strip()
        if not label or len(label) > MAX_NAME_CHARS:
            raise RoutingError(f"routing file {source}: category {name!r:.60} is not usable")
        if department not in DEPARTMENTS:
            raise RoutingError(
                f"routing file {source}: {label!r:.60} = {department!r:.60} is not one of the "
                f"ten departments ({', '.join(DEPARTMENTS)})"
            )
        by_category[label] = department
    return Routing(by_category=by_category, source=source)


def _read(path: Path) -> str:
    try:
        data = files.read_bounded(path, limit=MAX_FILE_BYTES)
    except UnreadableFileError as exc:
        raise RoutingError(f"routing file {exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RoutingError(f"routing file {path} is not UTF-8 text") from exc
