"""Who wants to hear about which area: the subscriptions file (`KHETMAP_SUBSCRIPTIONS`).

A TOML file of `[[subscription]]` entries. Each names an area (a district or subdistrict
code, the H3 cells of a hotspot area, or a GeoJSON polygon file), a language, its channels
(`email`, `webhook`, `feed`), how often (`every = "day" | "week"`) and its `rules`
(default: the digest). A bad entry is refused with one line that says why and the others
go ahead; a file that is not TOML at all is a `SubscriptionsError` with the line number.

Nothing in the file is trusted: a webhook may only point at an allowed host
(`KHETMAP_WEBHOOK_HOSTS`), tokens come only from settings, and a name with markup or
control characters is refused (it goes into mail subjects and feed titles).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import h3
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from dashboard import config, text
from dashboard.boundaries import AreaLayer
from dashboard.errors import SubscriptionsError, UnreadableFileError
from dashboard.files import read_bounded
from dashboard.i18n import LANGS, Lang, pick_lang

Rule = Literal["digest", "spike", "hotspot", "recurrence", "overdue"]
RULES: tuple[Rule, ...] = ("digest", "spike", "hotspot", "recurrence", "overdue")
Every = Literal["day", "week"]
Channel = Literal["email", "webhook", "feed"]
CHANNELS: tuple[Channel, ...] = ("email", "webhook", "feed")
WebhookFormat = Literal["json", "line"]

MAX_FILE_BYTES = 32 << 20
MAX_POLYGON_BYTES = 5 << 20
MAX_CELLS = 2_000
MAX_NAME_CHARS = 120
OVERDUE_TIMES_RANGE = (1.0, 20.0)
LINE_HOST = "api.line.me"
LINE_PUSH_URL = "https://api.line.me/v2/bot/message/push"
DEFAULT_WEBHOOK_HOSTS = (LINE_HOST,)

_KEYS = {
    "name", "district", "subdistrict", "cells", "polygon", "lang", "email", "webhook",
    "webhook_format", "line_to", "feed", "every", "rules", "overdue_times",
}  # fmt: skip
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,24}"
)
_LINE_TO = re.compile(r"[UCR][0-9a-f]{32}")
_NAME_REFUSED = re.compile(r"[<>&\"`\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Area:
    """Where a subscription looks. `key` names it for grouping: subscriptions of one area
    share its figures."""

    key: str
    name_th: str
    name_en: str
    district: str | None = None
    subdistrict: str | None = None
    cells: frozenset[str] = frozenset()
    polygon: BaseGeometry | None = None
    outline: BaseGeometry | None = None
    """the area's shape (a district's, a subdistrict's or the polygon; None for cells)"""

    def name(self, lang: Lang) -> str:
        return self.name_en if lang == "en" else self.name_th


@dataclass(frozen=True)
class Webhook:
    url: str
    format: WebhookFormat
    line_to: str | None = None


@dataclass(frozen=True)
class Subscription:
    name: str
    area: Area
    lang: Lang
    every: Every
    rules: tuple[Rule, ...]
    email: str | None = None
    webhook: Webhook | None = None
    feed: bool = False
    overdue_times: float = 2.0

    @property
    def channels(self) -> tuple[Channel, ...]:
        wanted = {"email": self.email is not None, "webhook": self.webhook is not None}
        return tuple(c for c in CHANNELS if wanted.get(c, self.feed))

    @property
    def feed_name(self) -> str:
        """The Atom file's name in the feed folder (the same for the same subscription name)."""
        return hashlib.sha256(self.name.encode()).hexdigest()[:16] + ".atom"


@dataclass(frozen=True)
class Known:
    """The areas an entry may name (from the boundary files)."""

    districts: AreaLayer
    subdistricts: AreaLayer


@dataclass
class Loaded:
    subscriptions: list[Subscription] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """one line per refused entry, saying which and why"""


class _RefusedError(ValueError):
    """One entry is refused (the message says why)."""


def webhook_hosts() -> tuple[str, ...]:
    """The hosts a webhook may call (`KHETMAP_WEBHOOK_HOSTS`, comma-separated `host` or
    `host:port`), LINE's API host always among them."""
    return (*DEFAULT_WEBHOOK_HOSTS, *config.webhook_hosts())


def allowed(url: str, hosts: Sequence[str]) -> bool:
    """True when `url` is http(s) without a user part and its host (and port) is listed: a
    bare `host` allows the scheme's own port, `host:port` that port."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return False
    if "\\" in url or any(ord(c) < 33 for c in url):
        return False
    host = parts.hostname.lower()
    default = 443 if parts.scheme == "https" else 80
    return (port in (None, default) and host in hosts) or f"{host}:{port}" in hosts


def load(path: Path, *, known: Known, hosts: Sequence[str] | None = None) -> Loaded:
    """Read the subscriptions at `path`: the good entries, and a line for each refused one."""
    try:
        raw = read_bounded(path, limit=MAX_FILE_BYTES).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SubscriptionsError(f"{path} is not UTF-8 text ({exc.reason}).") from None
    except UnreadableFileError as exc:
        raise SubscriptionsError(str(exc)) from None
    try:
        document = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise SubscriptionsError(
            f"{path} is not a TOML file: {exc} (fix that line; nothing was sent)."
        ) from None
    entries = document.get("subscription", [])
    if not isinstance(entries, list) or set(document) - {"subscription"}:
        raise SubscriptionsError(
            f"{path}: write each subscription as a [[subscription]] table, and nothing else."
        )
    return parse_entries(entries, known=known, hosts=hosts or webhook_hosts(), folder=path.parent)


def parse_entries(
    entries: Sequence[object], *, known: Known, hosts: Sequence[str], folder: Path
) -> Loaded:
    loaded = Loaded()
    names: set[str] = set()
    polygons: dict[Path, BaseGeometry] = {}
    for number, entry in enumerate(entries, start=1):
        label = f"subscription {number}"
        try:
            if not isinstance(entry, Mapping):
                raise _RefusedError("is not a table of settings")
            label = f"subscription {number} ({_shown_name(entry.get('name'))})"
            parsed = _entry(entry, known=known, hosts=hosts, folder=folder, polygons=polygons)
            if parsed.name in names:
                raise _RefusedError("has the same name as an earlier subscription")
        except _RefusedError as why:
            loaded.refused.append(f"{label} {why}: nothing is sent for it.")
            continue
        names.add(parsed.name)
        loaded.subscriptions.append(parsed)
    return loaded


def _shown_name(value: object) -> str:
    shown = text.plain(value)[:40] if isinstance(value, str) else "no name"
    return json.dumps(shown, ensure_ascii=False)


def _entry(
    entry: Mapping[str, object],
    *,
    known: Known,
    hosts: Sequence[str],
    folder: Path,
    polygons: dict[Path, BaseGeometry],
) -> Subscription:
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        hint = (
            " (tokens come from settings, never from this file)"
            if any("token" in k.lower() or "secret" in k.lower() for k in unknown)
            else ""
        )
        raise _RefusedError(f"has unknown settings {', '.join(map(repr, unknown[:5]))}{hint}")
    name = _name(entry.get("name"))
    area = _area(entry, known=known, folder=folder, polygons=polygons)
    lang = pick_lang(_choice(entry.get("lang", "th"), LANGS, "lang"))
    every: Every = (
        "week" if _choice(entry.get("every", "day"), ("day", "week"), "every") == "week" else "day"
    )
    rules = _rules(entry.get("rules", ["digest"]))
    email = _email(entry.get("email"))
    hook = _webhook(entry, hosts=hosts)
    feed = entry.get("feed", False)
    if not isinstance(feed, bool):
        raise _RefusedError("has feed that is not true or false")
    if email is None and hook is None and not feed:
        raise _RefusedError("has no channel: give email, webhook or feed = true")
    return Subscription(
        name=name, area=area, lang=lang, every=every, rules=rules, email=email,
        webhook=hook, feed=feed, overdue_times=_times(entry.get("overdue_times", 2.0)),
    )  # fmt: skip


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _RefusedError("has no name")
    if len(value) > MAX_NAME_CHARS:
        raise _RefusedError(f"has a name longer than {MAX_NAME_CHARS} characters")
    if _NAME_REFUSED.search(value):
        raise _RefusedError('has markup or control characters (< > & " `) in its name')
    return value.strip()


def _choice(value: object, choices: tuple[str, ...], setting: str) -> str:
    if value not in choices:
        raise _RefusedError(f"has {setting} {_short(value)}, not one of {', '.join(choices)}")
    return str(value)


def _short(value: object) -> str:
    return json.dumps(text.plain(str(value))[:40], ensure_ascii=False)


def _rules(value: object) -> tuple[Rule, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _RefusedError("has rules that are not a list of rule names")
    rules: list[Rule] = []
    for item in value:
        if item not in RULES:
            raise _RefusedError(f"has the unknown rule {_short(item)} (rules: {', '.join(RULES)})")
        rule: Rule = item
        if rule not in rules:
            rules.append(rule)
    return tuple(rules)


def _times(value: object) -> float:
    low, high = OVERDUE_TIMES_RANGE
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _RefusedError(
            f"has overdue_times {_short(value)}, not a number from {low:g} to {high:g}"
        )
    return float(value)


def _email(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value):
        raise _RefusedError(f"has the e-mail address {_short(value)}, which is not one")
    return value


def _webhook(entry: Mapping[str, object], *, hosts: Sequence[str]) -> Webhook | None:
    url, line_to = entry.get("webhook"), entry.get("line_to")
    if url is None and line_to is None:
        return None
    url = LINE_PUSH_URL if url is None else url
    if not isinstance(url, str) or not allowed(url, hosts):
        raise _RefusedError(
            f"has the webhook {_short(url)}, whose host is not allowed (KHETMAP_WEBHOOK_HOSTS)"
        )
    host = (urlsplit(url).hostname or "").lower()
    chosen = entry.get("webhook_format", "line" if host == LINE_HOST else "json")
    form: WebhookFormat = (
        "line" if _choice(chosen, ("json", "line"), "webhook_format") == "line" else "json"
    )
    if form == "line" and (not isinstance(line_to, str) or not _LINE_TO.fullmatch(line_to)):
        raise _RefusedError("sends to LINE without line_to, a LINE user, group or room id")
    return Webhook(url=url, format=form, line_to=line_to if form == "line" else None)  # type: ignore[arg-type]


def _area(
    entry: Mapping[str, object],
    *,
    known: Known,
    folder: Path,
    polygons: dict[Path, BaseGeometry],
) -> Area:
    given = [k for k in ("district", "subdistrict", "cells", "polygon") if k in entry]
    if len(given) != 1:
        raise _RefusedError("must name one area: district, subdistrict, cells or polygon")
    value = entry[given[0]]
    if given[0] == "district":
        return _coded(value, known.districts, "district")
    if given[0] == "subdistrict":
        return _coded(value, known.subdistricts, "subdistrict")
    if given[0] == "cells":
        return _cells(value)
    return _polygon(value, folder=folder, polygons=polygons)


def district_area(code: str, *, layer: AreaLayer) -> Area:
    """The area of a district by its code (ValueError when there is none)."""
    return _coded(code, layer, "district")


def _coded(value: object, layer: AreaLayer, level: str) -> Area:
    code = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    if code is None or code not in layer.codes:
        raise _RefusedError(f"has the unknown {level} {_short(value)}")
    index = layer.index_of(code)
    if level == "district":
        return Area(
            key=f"district:{code}", name_th=layer.names_th[index], name_en=layer.names_en[index],
            district=code, outline=layer.geometries[index],
        )  # fmt: skip
    return Area(
        key=f"subdistrict:{code}", name_th=layer.names_th[index], name_en=layer.names_en[index],
        district=layer.parent_codes[index], subdistrict=code, outline=layer.geometries[index],
    )  # fmt: skip


def _cells(value: object) -> Area:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_CELLS:
        raise _RefusedError(f"has cells that are not a list of 1 to {MAX_CELLS:,} H3 cells")
    cells: set[str] = set()
    for cell in value:
        if not isinstance(cell, str) or not h3.is_valid_cell(cell):
            raise _RefusedError(f"has {_short(cell)} among its cells, which is not an H3 cell")
        if h3.get_resolution(cell) not in (8, 9):
            raise _RefusedError(f"has the cell {_short(cell)}, not of resolution 8 or 9")
        cells.add(cell)
    digest = hashlib.sha256(",".join(sorted(cells)).encode()).hexdigest()[:12]
    return Area(
        key=f"cells:{digest}", name_th=f"พื้นที่ {len(cells)} ช่องพื้นที่",
        name_en=f"an area of {len(cells)} cells", cells=frozenset(cells),
    )  # fmt: skip


def _polygon(value: object, *, folder: Path, polygons: dict[Path, BaseGeometry]) -> Area:
    if not isinstance(value, str) or not value:
        raise _RefusedError("has a polygon that is not a file name")
    path = (folder / value).resolve()
    if path not in polygons:
        polygons[path] = _read_polygon(path, shown=value)
    geometry = polygons[path]
    digest = hashlib.sha256(geometry.wkb).hexdigest()[:12]
    return Area(
        key=f"polygon:{digest}", name_th=f"พื้นที่ {path.stem}", name_en=f"the area {path.stem}",
        polygon=geometry, outline=geometry,
    )  # fmt: skip


def _read_polygon(path: Path, *, shown: str) -> BaseGeometry:
    try:
        document = json.loads(read_bounded(path, limit=MAX_POLYGON_BYTES))
        features = document.get("features", [document]) if isinstance(document, dict) else []
        parts = [shape(f.get("geometry", f)) for f in features if isinstance(f, dict)]
    except (UnreadableFileError, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise _RefusedError(
            f"has the polygon file {_short(shown)}, which cannot be read ({exc})"
        ) from None
    shapes = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon") and p.is_valid]
    if not shapes or len(shapes) != len(parts):
        raise _RefusedError(f"has the polygon file {_short(shown)} without valid polygons only")
    geometry = shapely.union_all(shapes)
    shapely.prepare(geometry)
    return geometry
