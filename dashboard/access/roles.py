"""The roles file: who, once signed in, sees citizens' text whole, and where they may write.

A city-editable TOML file (`KHETMAP_ROLES`) of `[[grant]]` entries, each naming one e-mail
address or one mail domain and a role:

    [[grant]]
    email = "director.bangkapi@bangkok.go.th"
    role = "director"
    districts = ["1006"]

    [[grant]]
    domain = "governor-office.bangkok.go.th"
    role = "governor"

- `governor`: every district, read only;
- `director`, `staff`: the listed districts (codes of the boundary file), read and write;
- `admin`: every district, read and write.

An address's own entry wins over its domain's. The file is checked whole: an unknown role or
key, a district code that does not exist, an address or a domain listed twice with different
roles or districts, anything but a table of entries — any of these refuses the file (one
line saying where), and nobody gets more than the public view from it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from dashboard import config, files
from dashboard.errors import RolesError, UnreadableFileError

RoleName = Literal["governor", "director", "staff", "admin"]
ROLE_NAMES: tuple[RoleName, ...] = ("governor", "director", "staff", "admin")
EVERY_DISTRICT: frozenset[RoleName] = frozenset({"governor", "admin"})
MAX_FILE_BYTES = 1_000_000
MAX_GRANTS = 10_000
_KEYS = frozenset({"email", "domain", "role", "districts"})


@dataclass(frozen=True)
class Role:
    """A role and the districts it covers (empty for the roles that cover every district)."""

    name: RoleName
    districts: frozenset[str] = frozenset()

    @property
    def every_district(self) -> bool:
        return self.name in EVERY_DISTRICT

    def covers(self, district: str) -> bool:
        return self.every_district or district in self.districts


@dataclass(frozen=True)
class Roles:
    """The parsed file: roles by e-mail address and by mail domain (both lower case)."""

    people: Mapping[str, Role] = field(default_factory=dict)
    domains: Mapping[str, Role] = field(default_factory=dict)
    source: str = ""

    def role_for(self, email: str) -> Role | None:
        """The role of `email`: its own entry, else its domain's, else None."""
        address = email.strip().casefold()
        if address in self.people:
            return self.people[address]
        _, at, domain = address.rpartition("@")
        return self.domains.get(domain) if at else None


def load(*, known_districts: frozenset[str], path: Path | None = None) -> Roles | None:
    """Read `path`, else the file `KHETMAP_ROLES` names; None when no file is named."""
    path = path or config.roles_file()
    if path is None:
        return None
    try:
        data = files.read_bounded(path, limit=MAX_FILE_BYTES)
    except UnreadableFileError as exc:
        raise RolesError(f"roles file {exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RolesError(f"roles file {path} is not UTF-8 text") from exc
    return parse(text, known_districts=known_districts, source=str(path))


def stamp() -> str:
    """What the roles in force depend on (for cache keys): the named file, its time and size."""
    return files.stamp(config.roles_file())


def parse(text: str, *, known_districts: frozenset[str], source: str) -> Roles:
    """The roles in `text`, or RolesError naming the first thing wrong."""
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise RolesError(f"roles file {source}: not valid TOML ({exc})") from exc
    unknown = sorted(set(document) - {"grant"})
    if unknown:
        raise RolesError(
            f"roles file {source}: unknown section {unknown[0]!r:.60} (expected [[grant]] entries)"
        )
    grants = document.get("grant", [])
    if not isinstance(grants, list) or len(grants) > MAX_GRANTS:
        raise RolesError(
            f"roles file {source}: 'grant' must be [[grant]] entries (at most {MAX_GRANTS:,})"
        )
    people: dict[str, Role] = {}
    domains: dict[str, Role] = {}
    for number, entry in enumerate(grants, start=1):
        where = f"roles file {source}: grant {number}"
        kind, key, role = _grant(entry, where=where, known_districts=known_districts)
        table = people if kind == "email" else domains
        if key in table and table[key] != role:
            raise RolesError(
                f"{where}: {kind} {key!r:.80} is listed twice with different roles or districts"
            )
        table[key] = role
    return Roles(people=people, domains=domains, source=source)


def _grant(entry: object, *, where: str, known_districts: frozenset[str]) -> tuple[str, str, Role]:
    """(kind 'email' or 'domain', the lower-case key, the role) of one entry."""
    if not isinstance(entry, dict):
        raise RolesError(f"{where}: must be a table with email or domain, and role")
    extra = sorted(set(entry) - _KEYS)
    if extra:
        raise RolesError(
            f"{where}: unknown key {extra[0]!r:.60} (known: {', '.join(sorted(_KEYS))})"
        )
    kind, key = _who(entry, where=where)
    name = entry.get("role")
    if name not in ROLE_NAMES:
        raise RolesError(f"{where}: unknown role {name!r:.60} (known: {', '.join(ROLE_NAMES)})")
    role_name = cast(RoleName, name)
    return kind, key, Role(role_name, _districts(entry, role_name, where, known_districts))


def _who(entry: Mapping[str, object], *, where: str) -> tuple[str, str]:
    email, domain = entry.get("email"), entry.get("domain")
    if (email is None) == (domain is None):
        raise RolesError(f"{where}: give one of email or domain")
    if email is not None:
        if not isinstance(email, str) or not _is_address(email):
            raise RolesError(f"{where}: {email!r:.80} is not an e-mail address")
        return "email", email.strip().casefold()
    if not isinstance(domain, str) or not _is_domain(domain):
        raise RolesError(f"{where}: {domain!r:.80} is not a mail domain (e.g. bangkok.go.th)")
    return "domain", domain.strip().casefold()


def _is_address(text: str) -> bool:
    local, at, domain = text.strip().rpartition("@")
    return bool(at and local and _is_domain(domain)) and not any(c.isspace() for c in local)


def _is_domain(text: str) -> bool:
    labels = text.strip().split(".")
    return len(labels) >= 2 and all(
        label and len(label) <= 63 and all(c.isalnum() or c == "-" for c in label)
        for label in labels
    )


def _districts(
    entry: Mapping[str, object], role: RoleName, where: str, known: frozenset[str]
) -> frozenset[str]:
    listed = entry.get("districts")
    if role in EVERY_DISTRICT:
        if listed is not None:
            raise RolesError(f"{where}: role {role!r} covers every district: remove 'districts'")
        return frozenset()
    if not isinstance(listed, list) or not listed:
        raise RolesError(f'{where}: role {role!r} needs districts = ["1006", …] (district codes)')
    codes = [code.strip() if isinstance(code, str) else code for code in listed]
    for code in codes:
        if not isinstance(code, str) or code not in known:
            raise RolesError(f"{where}: no district has the code {code!r:.40}")
    return frozenset(cast(list[str], codes))
