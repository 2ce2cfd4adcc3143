"""Subscriptions a signed-in user manages in the app: their own, for a district their role
covers, by e-mail to their own signed-in address. Pure: no streamlit.

A user asks to add one (a district, every day or week, the rules) or remove one; the server
checks it, not the page: the address must be the viewer's own (an address typed or forged
into the request is refused), the entry must pass the subscriptions file's own validation
(`subscriptions.parse_entries`), and the write goes through `writes.checked_write` (the
role must cover the district; the write is logged). Both backends keep them in the store's
`subscriptions` table, one per user, district and period (adding again replaces it).

`khetmap alerts run` sends them with the file's (`entries`): each stored one is checked
again, its owner's role must still cover its district in the roles file in force, and a
name taken by the file is refused, one line each.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dashboard import access, i18n
from dashboard.access import Viewer, writes
from dashboard.access.roles import Roles
from dashboard.errors import SubscriptionsError, WriteRefusedError
from dashboard.i18n import Lang, pick_lang
from dashboard.notify.subscriptions import Every, Known, Loaded, Rule, parse_entries
from dashboard.store import Reader, has_table, queries

LOG = logging.getLogger(__name__)
MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class Request:
    """What a page sends to add a subscription. `email` is where it would go: the server
    takes only the signed-in user's own address."""

    district: str
    every: Every
    rules: tuple[Rule, ...]
    lang: Lang
    email: str


@dataclass(frozen=True)
class Stored:
    """A subscription kept in the store."""

    owner: str
    district: str
    every: str
    name: str
    lang: Lang
    rules: tuple[str, ...]
    email: str
    added_at: datetime

    def entry(self) -> dict[str, object]:
        """The entry as the subscriptions file would hold it (checked the same way)."""
        return {
            "name": self.name, "district": self.district, "lang": self.lang,
            "every": self.every, "rules": list(self.rules), "email": self.email,
        }  # fmt: skip


def name_for(*, area_name: str, every: str, email: str, lang: Lang) -> str:
    """The subscription's name (mail footers, feeds, the outbox): the district, the period
    and the owner's address (a short digest of it when the name would be too long)."""
    label = i18n.t(f"own_sub_every_{every}", lang)
    name = i18n.t("own_sub_name", lang, every=label, area=area_name, who=email)
    if len(name) <= MAX_NAME_CHARS:
        return name
    digest = hashlib.sha256(email.casefold().encode()).hexdigest()[:12]
    return i18n.t("own_sub_name", lang, every=label, area=area_name, who=digest)


def _district_name(known: Known, code: str, lang: Lang) -> str:
    layer = known.districts
    if code not in layer.codes:
        return code  # refused by the validation below
    names = layer.names_en if lang == "en" else layer.names_th
    return names[layer.index_of(code)]


def add(
    location: Path | str, *, viewer: Viewer, request: Request, known: Known, now: datetime
) -> Stored:
    """Store `request` as `viewer`'s subscription, or raise WriteRefusedError (not their
    address, or a district their role does not cover) or SubscriptionsError (an entry the
    subscriptions file would refuse). Nothing is stored when it raises."""
    own = viewer.email
    if own is None or request.email.strip().casefold() != own.casefold():
        LOG.warning(
            "refused: %s asked for a subscription to another address (%.60r)",
            viewer.who, request.email,
        )  # fmt: skip
        raise WriteRefusedError(
            f"{viewer.who} may subscribe only their own signed-in address, not "
            f"{request.email!r:.80}"
        )
    area_name = _district_name(known, request.district, request.lang)
    stored = Stored(
        owner=own, district=request.district, every=request.every,
        name=name_for(area_name=area_name, every=request.every, email=own, lang=request.lang),
        lang=request.lang, rules=tuple(request.rules), email=own, added_at=now,
    )  # fmt: skip
    checked = parse_entries([stored.entry()], known=known, hosts=(), folder=Path())
    if checked.refused:
        raise SubscriptionsError(checked.refused[0])

    def change(con: Reader) -> None:
        _delete(con, owner=own, district=stored.district, every=stored.every)
        con.execute(
            "INSERT INTO subscriptions (owner, district_code, every, name, lang, rules, email, "
            "added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [own, stored.district, stored.every, stored.name, stored.lang,
             ",".join(stored.rules), stored.email, now],
        )  # fmt: skip

    writes.checked_write(
        location,
        viewer=viewer,
        write=writes.Write(
            action="manage_subscriptions", district=request.district, target=stored.name,
            detail=f"add: every {stored.every}, rules {','.join(stored.rules)}, to {own}",
        ),
        change=change,
        now=now,
    )  # fmt: skip
    return stored


def remove(
    location: Path | str, *, viewer: Viewer, district: str, every: str, now: datetime
) -> None:
    """Remove `viewer`'s own subscription for `district` and `every` (checked and logged
    as an add is; another user's subscription is never touched)."""
    own = viewer.email or ""

    def change(con: Reader) -> None:
        _delete(con, owner=own, district=district, every=every)

    writes.checked_write(
        location,
        viewer=viewer,
        write=writes.Write(
            action="manage_subscriptions", district=district, target=f"{every}", detail="remove"
        ),
        change=change,
        now=now,
    )


def _delete(con: Reader, *, owner: str, district: str, every: str) -> None:
    con.execute(
        "DELETE FROM subscriptions WHERE lower(owner) = lower(?) AND district_code = ? "
        "AND every = ?",
        [owner, district, every],
    )


def listed(con: Reader, *, owner: str | None) -> list[Stored]:
    """The stored subscriptions of `owner` (None: everyone's), in district and period order."""
    if not has_table(con, "subscriptions"):
        return []
    rows = con.execute(queries.STORED_SUBSCRIPTIONS, [owner, owner]).fetchall()
    return [
        Stored(owner=str(o), district=str(d), every=str(e), name=str(n), lang=pick_lang(lang),
               rules=tuple(r for r in str(rules).split(",") if r), email=str(email), added_at=at)
        for o, d, e, n, lang, rules, email, at in rows
    ]  # fmt: skip


def entries(
    found: Sequence[Stored],
    *,
    known: Known,
    roles: Roles | None,
    taken: set[str],
) -> Loaded:
    """The stored subscriptions `khetmap alerts run` sends: checked as the file's entries
    are, refused (one line each) when the owner's role in `roles` no longer covers the
    district or the file already has the name."""
    kept: list[Stored] = []
    refused: list[str] = []
    for item in found:
        role = roles.role_for(item.owner) if roles is not None else None
        owner = Viewer(signed_in=True, email=item.owner, role=role)
        if not access.may(owner, action="manage_subscriptions", district=item.district):
            refused.append(
                f"stored subscription {item.name!r:.160}: its owner's role no longer covers "
                f"district {item.district!r:.12} in the roles file: nothing is sent for it."
            )
        elif item.name in taken:
            refused.append(
                f"stored subscription {item.name!r:.160} has the name of a subscription in "
                "the file: nothing is sent for it."
            )
        else:
            kept.append(item)
    checked = parse_entries([s.entry() for s in kept], known=known, hosts=(), folder=Path())
    checked.refused = refused + [f"stored {line}" for line in checked.refused]
    return checked
