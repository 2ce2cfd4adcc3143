"""The words of the domain, defined once: ticket states, which count as open, categories.

Parsing raw labels into these words is `RAW_STATE_LABELS` (used by ingest); translating
them for display is `i18n.STATE_NAMES`. Everything else imports the words from here.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

CANONICAL_STATES = (
    "waiting",
    "forwarded",
    "in_progress",
    "finished",
    "irrelevant",
    "other",
    "unknown",
)
"""Every state a stored ticket can have."""

OPEN_STATES = ("waiting", "forwarded", "in_progress", "other")
"""States that count as open (unresolved): the one definition of "open"."""

FINISHED = "finished"

OPEN_UNRECORDED = "open_unrecorded"
"""A backfilled snapshot's state for a ticket that was open that day in an unknown state:
its last change (`last_activity`) came later, so only "not yet in its present state" is known."""

BACKLOG_STATES = (*OPEN_STATES, OPEN_UNRECORDED)
"""States that count as open backlog in a daily snapshot."""

TRAFFY_STATUSES = {
    "รอรับเรื่อง": "waiting",
    "รับเรื่อง": "in_progress",
    "กำลังดำเนินการ": "in_progress",
    "ศึกษาปัญหา": "in_progress",
    "จัดทำนโยบาย": "in_progress",
    "ของบประมาณ": "in_progress",
    "จัดซื้อจัดจ้าง": "in_progress",
    "ขั้นตอนทางกฎหมาย": "in_progress",
    "เสร็จสิ้น": "finished",
    "ส่งต่อ(ใหม่)": "forwarded",
    "ไม่เกี่ยวข้อง": "irrelevant",
    "ติดตามเรื่อง": "irrelevant",
}
"""Traffy's twelve Thai statuses → canonical state, each in the group Traffy's own district
dashboard counts it in (start, in progress, finish, forward, irrelevant). Traffy counts
"ติดตามเรื่อง" (follow-up) as irrelevant: it is not open."""

SYSTEM_HELD_LABELS = ("ของบประมาณ", "จัดซื้อจัดจ้าง", "ขั้นตอนทางกฎหมาย")
"""In progress, waiting on budget, procurement or a legal process ("ติดขัดตามระบบ"): no
department can clear these this week. Only a Thai status label says so (the export's
English codes do not)."""

RAW_STATE_LABELS = {
    **TRAFFY_STATUSES,
    "ส่งเรื่องแล้ว": "forwarded",  # an older label for forwarded (3 tickets in the 2022 crawl)
    # Traffy API and export status codes
    "start": "waiting",
    "forward": "forwarded",
    "follow": "irrelevant",  # ติดตามเรื่อง, as Traffy counts it
    "inprogress": "in_progress",
    "finish": "finished",
    "irrelevant": "irrelevant",
    # Open311 GeoReport v2 statuses
    "open": "waiting",
    "closed": "finished",
}
"""Source state labels → canonical state. Empty → unknown; any other label → other (open:
a status khetmap does not know is not taken for settled)."""

TRAFFY_GROUPS = {
    "start": ("waiting",),
    "in_progress": ("in_progress",),
    "finish": ("finished",),
    "forward": ("forwarded",),
    "irrelevant": ("irrelevant",),
}
"""Traffy's own status groups, as canonical states: total = the sum of the five; "managed"
(ดำเนินการแล้ว) = total − start. A ticket in "other" or "unknown" is in none of them."""


def held_by_system_sql(column: str = "state_label") -> str:
    """SQL condition: the ticket waits on budget, procurement or a legal process."""
    return f"{column} IN (" + ", ".join(f"'{s}'" for s in SYSTEM_HELD_LABELS) + ")"


UNSPECIFIED = "unspecified"
"""The category of a ticket filed with no type ("{}")."""

SURROGATE_PREFIX = "noid-"
"""Ids khetmap gives tickets that came without one (they have no public page)."""

PUBLIC_TICKET_URL = "https://share.traffy.in.th/teamchadchart/{ticket_id}"

BANGKOK_TZ = ZoneInfo("Asia/Bangkok")
DEPARTMENT_PREFIX = "ฝ่าย"
"""How a district office's departments are named (ฝ่ายโยธา): the ingest counts the tickets
that name one, the routing builds and reads the names."""


def local_midnight(day: date) -> datetime:
    """Return the instant a Bangkok calendar day starts."""
    return datetime.combine(day, time(0), tzinfo=BANGKOK_TZ)


def open_sql(column: str = "state") -> str:
    """SQL condition: the ticket is open."""
    return f"{column} IN (" + ", ".join(f"'{s}'" for s in OPEN_STATES) + ")"


def public_page(ticket_id: object) -> str | None:
    """The ticket's public Traffy page, or None for a surrogate id."""
    text = str(ticket_id or "")
    if not text or text.startswith(SURROGATE_PREFIX):
        return None
    return PUBLIC_TICKET_URL.format(ticket_id=text)


TOP_LEVEL_ORGANISATIONS = frozenset({"กรุงเทพมหานคร"})
"""An `organization` that names only the city (the API's usual `org`), no unit within it."""
