"""Who is looking, and what they may see and do. Pure: no streamlit.

`viewer_from_claims` turns what the identity provider said about a signed-in user (the ID
token's claims, as `st.user` holds them) and the roles file into a `Viewer`. Anything
doubtful gives the public view and says why (`Viewer.problem`, an i18n key `signin_*`):
no e-mail in the token, an e-mail the provider says it has not verified, a sign-in older
than the session's length (or with no time), no role for the address, a roles file that
cannot be used. Never more access.

`may` is the one rule for writes: a district's director or staff (and an admin) may write
for that district; the governor's office reads every district and writes none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from dashboard.access.privacy import EVERYTHING, PUBLIC, Disclosure
from dashboard.access.roles import Role, RoleName, Roles

Problem = Literal["no_email", "unverified", "expired", "no_role", "roles_unusable"]
Action = Literal["return_evidence", "lock_round", "manage_subscriptions"]
ACTIONS: tuple[Action, ...] = ("return_evidence", "lock_round", "manage_subscriptions")
WRITERS: dict[Action, frozenset[RoleName]] = {
    "return_evidence": frozenset({"director", "staff", "admin"}),
    "lock_round": frozenset({"director", "admin"}),
    "manage_subscriptions": frozenset({"governor", "director", "staff", "admin"}),
}
"""Which roles may do each write (always only for the districts the role covers)."""
CLOCK_SKEW_SECONDS = 300
"""A sign-in time this far in the future is still taken (the provider's clock runs ahead)."""


@dataclass(frozen=True)
class Viewer:
    """The person a page is for: not signed in (the public view), or signed in with a role,
    or signed in with a problem that leaves them the public view."""

    signed_in: bool = False
    email: str | None = None
    name: str | None = None
    role: Role | None = None
    problem: Problem | None = None

    @property
    def disclosure(self) -> Disclosure:
        """Whose citizens' text this viewer sees whole."""
        if self.role is None:
            return PUBLIC
        if self.role.every_district:
            return EVERYTHING
        return Disclosure(districts=self.role.districts)

    @property
    def own_districts(self) -> tuple[str, ...]:
        """The districts of a district role, in code order (none for the city-wide roles)."""
        if self.role is None or self.role.every_district:
            return ()
        return tuple(sorted(self.role.districts))

    @property
    def who(self) -> str:
        """How the audit log names this viewer."""
        return self.email or "(not signed in)"


PUBLIC_VIEWER = Viewer()


def viewer_from_claims(
    claims: Mapping[str, object] | None,
    *,
    roles: Roles | None,
    roles_usable: bool,
    now: datetime,
    session_hours: float,
) -> Viewer:
    """The viewer for a signed-in user's claims (None or not logged in: the public viewer).

    `roles` is the roles file in force (None: no file named); `roles_usable` is False when a
    named file could not be used."""
    if not claims or claims.get("is_logged_in") is not True:
        return PUBLIC_VIEWER
    name = claims.get("name")
    shown_name = name[:120] if isinstance(name, str) else None
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return Viewer(signed_in=True, name=shown_name, problem="no_email")
    email = email.strip()[:254]
    problem = _claims_problem(claims, now=now, session_hours=session_hours)
    if problem is None and not roles_usable:
        problem = "roles_unusable"
    role = roles.role_for(email) if roles is not None and problem is None else None
    if problem is None and role is None:
        problem = "no_role"
    return Viewer(signed_in=True, email=email, name=shown_name, role=role, problem=problem)


def _claims_problem(
    claims: Mapping[str, object], *, now: datetime, session_hours: float
) -> Problem | None:
    verified = claims.get("email_verified")
    if verified is False or (isinstance(verified, str) and verified.lower() == "false"):
        return "unverified"
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, int | float):
        return "expired"  # no time of sign-in: its age cannot be known
    age = now.timestamp() - float(issued)
    if age > session_hours * 3600 or age < -CLOCK_SKEW_SECONDS:
        return "expired"
    return None


def may(viewer: Viewer, *, action: Action, district: str) -> bool:
    """True when `viewer` may do `action` for `district` (the server asks before any write)."""
    role = viewer.role
    if not viewer.signed_in or viewer.problem is not None or role is None:
        return False
    return role.name in WRITERS.get(action, frozenset()) and role.covers(district)
