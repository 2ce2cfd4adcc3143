"""How a ticket looks on a map, wherever it is drawn: its colour, its popup, the zoom limit.

The folium maps (`maps`), the level of detail that picks what a view draws (`lod`) and the
printed map image (`mapimage`) all read these.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd

from dashboard import i18n, vocab
from dashboard.i18n import Lang
from dashboard.render import photos
from dashboard.text import plain

MAX_ZOOM = 18
POPUP_COMMENT_CHARS = 300
STATE_COLOURS = {"finished": "#2b8a3e", "irrelevant": "#868e96", "unknown": "#868e96"}
OPEN_COLOUR = "#c92a2a"
GROUP_COLOURS = (OPEN_COLOUR, STATE_COLOURS["finished"], STATE_COLOURS["unknown"])
"""A point's colour by state group: open, finished, anything else."""
STATE_GROUP_OF_COLOUR = {colour: index for index, colour in enumerate(GROUP_COLOURS)}


def state_colour(state: str) -> str:
    """A ticket point's colour: red open, green finished, grey otherwise."""
    return STATE_COLOURS.get(state, OPEN_COLOUR)


def popup_days(ticket: dict[str, Any]) -> tuple[str, int | float] | None:
    """The days a ticket's popup shows, as (label key, value): its `age_days`, else its
    `finish_days` (one decimal), else none. `lod.shown_days` leaves each ticket only the
    one its state allows (the tickets page's rule)."""
    age, finish = ticket.get("age_days"), ticket.get("finish_days")
    if age is not None and pd.notna(age):
        return "age_days", int(age)
    if finish is not None and pd.notna(finish):
        return "col_days_to_finish", round(float(finish), 1)
    return None


def ticket_popup_html(ticket: dict[str, Any], *, lang: Lang, photo_hosts: Sequence[str]) -> str:
    """Return the popup HTML for one ticket; every public string is escaped (and `plain`).

    A photo is linked only from `photo_hosts` (`photos.shown`); one elsewhere is left out.
    The days line is `popup_days`: an open ticket's age, a finished one's days to finish.
    """
    ticket_id = str(ticket["ticket_id"])
    names = ticket.get("categories")
    categories = ", ".join(
        i18n.category_label(str(c), lang) for c in ([] if names is None else list(names))
    ) or i18n.category_label(vocab.UNSPECIFIED, lang)
    comment = plain(ticket.get("comment") or "")
    if len(comment) > POPUP_COMMENT_CHARS:
        comment = comment[:POPUP_COMMENT_CHARS] + "…"
    parts = [
        f"<b>{html.escape(plain(ticket_id))}</b>",
        f"{html.escape(i18n.t('category', lang))}: {html.escape(plain(categories))}",
        f"{html.escape(i18n.t('state', lang))}: {html.escape(i18n.state_label(str(ticket['state']), lang))}",
    ]
    days = popup_days(ticket)
    if days is not None:
        parts.append(f"{html.escape(i18n.t(days[0], lang))}: {days[1]:,}")
    parts.append(f"<div style='max-height:8em;overflow:auto'>{html.escape(comment)}</div>")
    links = []
    for key in ("photo", "photo_after"):
        url = photos.shown(ticket.get(key), hosts=photo_hosts)
        if url:
            href, label = html.escape(url, quote=True), html.escape(i18n.t(key, lang))
            links.append(
                f'<a href="{href}" target="_blank" rel="noopener noreferrer" '
                f'referrerpolicy="no-referrer">{label}</a>'
            )
    if links:
        parts.append(" · ".join(links))
    page = vocab.public_page(ticket_id)
    if page:
        public = html.escape(page, quote=True)
        parts.append(
            f'<a href="{public}" target="_blank" rel="noopener noreferrer">{html.escape(i18n.t("public_page", lang))}</a>'
        )
    return "<br>".join(parts)
