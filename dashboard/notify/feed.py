"""One Atom feed per subscription, written into the feed folder (`KHETMAP_FEED_DIR`) that
the dashboard's static files or nginx serve.

A feed holds the subscription's newest `ENTRIES` messages; an entry's id is the same for
the same message (a feed reader never shows it twice), its content the mail's HTML (as
escaped text inside the XML: `type="html"`). The file is replaced whole through
`files.write_atomically`, so a reader never fetches half a feed.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from dashboard import config, files
from dashboard.notify import mail
from dashboard.notify.alerts import MessageDoc

ENTRIES = 30
ATOM = "http://www.w3.org/2005/Atom"


def folder() -> Path | None:
    return config.feed_dir()


def entry_id(doc: MessageDoc) -> str:
    seed = f"{doc['subscription']}\n{doc['message']}".encode()
    return f"urn:khetmap:alert:{hashlib.sha256(seed).hexdigest()[:32]}"


def render(*, name: str, docs: list[tuple[datetime, MessageDoc]], feed_id: str) -> bytes:
    """The Atom document of `docs` (due time, message), newest first."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    ordered = sorted(docs, key=lambda item: (item[0], item[1]["message"]), reverse=True)[:ENTRIES]
    _text(root, "title", name)
    _text(root, "id", f"urn:khetmap:feed:{feed_id.removesuffix('.atom')}")
    updated = ordered[0][0] if ordered else datetime.fromtimestamp(0).astimezone()
    _text(root, "updated", updated.isoformat())
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", "khetmap")
    for due, doc in ordered:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "id", entry_id(doc))
        _text(entry, "title", mail.subject(doc))
        _text(entry, "updated", due.isoformat())
        if doc["link"]:
            ET.SubElement(entry, f"{{{ATOM}}}link", href=doc["link"], rel="alternate")
        content = _text(entry, "content", mail.html_body(doc))
        content.set("type", "html")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    child.text = value
    return child


def write(target: Path, data: bytes) -> None:
    files.write_atomically(target, data)
