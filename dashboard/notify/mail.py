"""A message in words: subject, plain text and HTML in the subscriber's language, and the
mail that carries them over SMTP (`KHETMAP_SMTP_URL`, `KHETMAP_MAIL_FROM`).

The words are i18n's, dates Thai offices' (Buddhist-era year) in Thai; every text from the
data is escaped in the HTML (jinja2's autoescape) and has already been redacted and
stripped of direction controls by `alerts`. The LINE push message and the Atom feed use
the same plain text and HTML.

`KHETMAP_SMTP_URL`: `smtp://host:25` (no encryption: a relay on this machine),
`smtp+starttls://user:password@host:587` (STARTTLS, required) or
`smtps://user:password@host:465` (TLS from the start); user and password percent-encoded.
The server's certificate is always verified, against the system's authorities, or only
against those in `KHETMAP_SMTP_CA_FILE` (a PEM file: an office's own mail relay with a
certificate from its own authority).
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment

from dashboard import config, i18n
from dashboard.errors import KhetmapError
from dashboard.i18n import Lang
from dashboard.notify.alerts import ChangeDoc, EventDoc, MessageDoc, TicketDoc

SMTP_TIMEOUT_SECONDS = 30.0


class MailSettingsError(KhetmapError):
    """KHETMAP_SMTP_URL or KHETMAP_MAIL_FROM is missing or not usable."""


# --- words ---------------------------------------------------------------------------------


def _day(iso: str, lang: Lang) -> str:
    return i18n.short_date(date.fromisoformat(iso), lang)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0%}"


def _count(value: float | None) -> str:
    return "—" if value is None else f"{int(value):,}"


def change_words(change: ChangeDoc, lang: Lang) -> str:
    """'up +40%, beyond noise (95% interval …)' in the subscriber's language."""
    if change["low"] is None or change["change"] is None:
        return i18n.t("alert_no_compare", lang)
    values = {
        "change": _percent(change["change"]),
        "low": _percent(change["low"]),
        "high": _percent(change["high"]) if change["high"] is not None else "∞",
    }
    if change["beyond_noise"]:
        key = "alert_beyond_up" if change["change"] > 0 else "alert_beyond_down"
        return i18n.t(key, lang, **values)
    return i18n.t("alert_within_noise", lang, **values)


def figure_line(label: str, change: ChangeDoc, lang: Lang) -> str:
    counts = i18n.t(
        "alert_figure", lang, now=_count(change["now"]), before=_count(change["before"])
    )
    return f"{label}: {counts} · {change_words(change, lang)}"


def ticket_line(ticket: TicketDoc, lang: Lang) -> str:
    line = i18n.t(
        "alert_ticket_line", lang, id=ticket["id"],
        category=i18n.category_label(ticket["category"], lang),
        reported=_day(ticket["reported"], lang), days=ticket["days_open"],
        target=ticket["target_days"],
    )  # fmt: skip
    place = ticket["address"] or i18n.t("alert_no_address", lang)
    return f"{line} · {place}" + (f" · {ticket['comment']}" if ticket["comment"] else "")


def subject(doc: MessageDoc) -> str:
    lang, area = doc["lang"], doc["area"]["name"]
    body = doc["digest"]
    if body is not None:
        since, until = date.fromisoformat(body["since"]), date.fromisoformat(body["until"])
        when = (
            i18n.short_date(until, lang) if since == until else i18n.date_range(since, until, lang)
        )
        return i18n.t(f"alert_subject_digest_{body['every']}", lang, area=area, when=when)
    count = len(doc["events"]) + doc["more_events"]
    return i18n.t("alert_subject_events", lang, area=area, count=f"{count:,}")


@dataclass(frozen=True)
class Section:
    """A heading, its lines (each with an optional link) and quiet notes."""

    title: str
    lines: list[tuple[str, str | None]]
    notes: list[str]


def sections(doc: MessageDoc) -> list[Section]:
    """The message's content, in order: what both the text and the HTML show."""
    lang = doc["lang"]
    body = doc["digest"]
    if body is None:
        return _event_sections(doc["events"], doc["more_events"], lang)
    figures: list[tuple[str, str | None]] = [
        (f"{i18n.t('alert_open_now', lang)}: {body['open_now']:,}", None),
        (figure_line(i18n.t("alert_new", lang), body["new"], lang), None),
    ]
    if body["finished"] is not None:
        figures.append((figure_line(i18n.t("alert_finished", lang), body["finished"], lang), None))
    figures.append(
        (figure_line(i18n.t("alert_newly_overdue", lang), body["newly_overdue"], lang), None)
    )
    notes = [
        f"{i18n.t('alert_not_in_data', lang)}: {i18n.t(f'alert_missing_{field}', lang)}"
        for field in body["not_in_data"]
    ]
    if body["overdue_unknown"]:
        notes.append(i18n.t("alert_overdue_unknown", lang, count=f"{body['overdue_unknown']:,}"))
    period = i18n.t(
        "alert_period", lang,
        period=_range(body["since"], body["until"], lang),
        earlier=_range(body["earlier_since"], body["earlier_until"], lang),
    )  # fmt: skip
    categories: list[tuple[str, str | None]] = [
        (i18n.t("alert_category_line", lang, category=i18n.category_label(c["category"], lang),
                now=_count(c["change"]["now"]), before=_count(c["change"]["before"])), None)
        for c in body["top_categories"]
    ]  # fmt: skip
    return [
        Section(period, figures, notes),
        Section(
            i18n.t("alert_oldest", lang),
            [(ticket_line(t, lang), t["link"]) for t in body["oldest"]],
            [],
        ),
        Section(i18n.t("alert_top_categories", lang), categories, []),
    ]


def _range(since: str, until: str, lang: Lang) -> str:
    if since == until:
        return _day(since, lang)
    return i18n.date_range(date.fromisoformat(since), date.fromisoformat(until), lang)


def _event_sections(found: list[EventDoc], more: int, lang: Lang) -> list[Section]:
    grouped: dict[str, Section] = {}
    for event in found:
        rule = event["rule"]
        if rule not in grouped:
            title = i18n.t(f"alert_rule_{rule}", lang, times=f"{event.get('times', 0):g}")
            grouped[rule] = Section(title, [], [])
        grouped[rule].lines.append((event_line(event, lang), event.get("link")))
    listed = list(grouped.values())
    if more and listed:
        listed[-1].notes.append(i18n.t("alert_more_events", lang, count=f"{more:,}"))
    return listed


def event_line(event: EventDoc, lang: Lang) -> str:
    rule = event["rule"]
    if rule == "overdue":
        return ticket_line(event["ticket"], lang)
    if rule == "spike":
        change = event["change"]
        return i18n.t(
            "alert_spike_line", lang, period=_range(event["since"], event["until"], lang),
            reports=f"{event['reports']:,}", baseline=f"{event['baseline_reports']:,}",
            days=event["baseline_days"], change=_percent(change["change"]),
            low=_percent(change["low"]), high=_percent(change["high"]),
        )  # fmt: skip
    if rule == "hotspot":
        pattern = i18n.t(f"alert_pattern_{event['pattern']}", lang)
        return i18n.t("alert_hotspot_line", lang, cell=event["cell"], pattern=pattern)
    return i18n.t(
        "alert_recurrence_line", lang, category=i18n.category_label(event["category"], lang),
        address=event["address"] or i18n.t("alert_no_address", lang),
        reports=event["reports"], last=_day(event["last_report"], lang),
    )  # fmt: skip


def heading(doc: MessageDoc) -> str:
    key = "alert_heading_digest" if doc["digest"] is not None else "alert_heading_events"
    return i18n.t(key, doc["lang"], area=doc["area"]["name"])


def as_of_line(doc: MessageDoc) -> str:
    moment = datetime.fromisoformat(doc["as_of"])
    return i18n.t("alert_as_of", doc["lang"], when=i18n.date_time(moment, doc["lang"]))


def text_body(doc: MessageDoc) -> str:
    """The plain-text message (mail, LINE)."""
    lang = doc["lang"]
    out = [heading(doc), as_of_line(doc), ""]
    for section in sections(doc):
        out.append(section.title)
        for line, link in section.lines:
            out.append(f"- {line}" + (f"\n  {link}" if link else ""))
        out += [f"  ({note})" for note in section.notes]
        out.append("")
    if doc["link"]:
        out.append(f"{i18n.t('alert_open_view', lang)}: {doc['link']}")
    out.append(i18n.t("alert_footer", lang, name=doc["subscription"]))
    return "\n".join(out) + "\n"


_HTML = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
    """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: 'Sarabun', 'Noto Sans Thai', Tahoma, sans-serif; color: #1f2933;
 max-width: 40em; margin: 0 auto; padding: 1em; line-height: 1.5">
<h1 style="font-size: 1.3em; margin-bottom: 0.2em">{{ heading }}</h1>
<p style="color: #52606d; margin-top: 0">{{ as_of }}</p>
{% for section in sections %}
<h2 style="font-size: 1.05em; border-bottom: 1px solid #cbd2d9">{{ section.title }}</h2>
<ul style="padding-left: 1.2em">
{% for line, link in section.lines %}
<li>{{ line }}{% if link %} · <a href="{{ link }}">{{ open_ticket }}</a>{% endif %}</li>
{% endfor %}
</ul>
{% for note in section.notes %}<p style="color: #52606d; font-size: 0.9em">{{ note }}</p>{% endfor %}
{% endfor %}
{% if link %}<p><a href="{{ link }}" style="background: #0b6e4f; color: #fff; padding: 0.5em 1em;
 text-decoration: none; border-radius: 4px">{{ open_view }}</a></p>{% endif %}
<p style="color: #7b8794; font-size: 0.85em">{{ footer }}</p>
</body></html>
"""
)


def html_body(doc: MessageDoc) -> str:
    """The HTML message (mail, feed entry); every value escaped."""
    lang = doc["lang"]
    return _HTML.render(
        lang=lang, subject=subject(doc), heading=heading(doc), as_of=as_of_line(doc),
        sections=sections(doc), link=doc["link"], open_view=i18n.t("alert_open_view", lang),
        open_ticket=i18n.t("alert_open_ticket", lang),
        footer=i18n.t("alert_footer", lang, name=doc["subscription"]),
    )  # fmt: skip


# --- sending -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Smtp:
    """Where and how to send mail (from `KHETMAP_SMTP_URL`)."""

    host: str
    port: int
    security: str
    """'none', 'starttls' or 'tls'"""
    user: str | None
    password: str | None
    sender: str
    ca_file: Path | None = None
    """the authorities that vouch for the server's certificate (None: the system's)"""


def smtp_settings() -> Smtp:
    """The SMTP server from settings, or MailSettingsError in one line."""
    url = config.smtp_url()
    sender = config.mail_from()
    if not url or not sender or "@" not in sender or "\n" in sender or "\r" in sender:
        raise MailSettingsError(
            "mail needs KHETMAP_SMTP_URL (smtp://, smtp+starttls:// or smtps://) and "
            "KHETMAP_MAIL_FROM (the sender's address)."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = urlsplit(""), None
    schemes = {"smtp": ("none", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
    if parts.scheme not in schemes or not parts.hostname:
        raise MailSettingsError(
            "KHETMAP_SMTP_URL is not an smtp://, smtp+starttls:// or smtps:// address with a host."
        )
    security, default_port = schemes[parts.scheme]
    ca_file = config.smtp_ca_file()
    if ca_file and not Path(ca_file).is_file():
        raise MailSettingsError(
            f"KHETMAP_SMTP_CA_FILE {ca_file!r:.200} is not a file: name a PEM file of the "
            "authorities that vouch for the mail server's certificate, or leave it unset."
        )
    return Smtp(
        host=parts.hostname, port=port or default_port, security=security,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None, sender=sender,
        ca_file=Path(ca_file) if ca_file else None,
    )  # fmt: skip


def message_id(doc: MessageDoc, sender: str) -> str:
    """The same Message-ID for the same message to the same subscription: a copy sent again
    after a crash is recognised as the same mail."""
    seed = f"{doc['subscription']}\n{doc['message']}".encode()
    return f"<{hashlib.sha256(seed).hexdigest()[:32]}@{sender.rpartition('@')[2]}>"


def build(doc: MessageDoc, *, to: str, smtp: Smtp, now: datetime) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = subject(doc)
    mail["From"] = smtp.sender
    mail["To"] = to
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id(doc, smtp.sender)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(text_body(doc))
    mail.add_alternative(html_body(doc), subtype="html")
    return mail


def send(mail: EmailMessage, *, smtp: Smtp) -> None:
    """Hand one mail to the server (raises smtplib / OSError; the caller retries). Over
    STARTTLS or TLS the server's certificate and name are verified (`Smtp.ca_file`)."""
    context = ssl.create_default_context(cafile=smtp.ca_file)
    client: smtplib.SMTP
    if smtp.security == "tls":
        client = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=context)
        if smtp.user is not None:
            client.login(smtp.user, smtp.password or "")
        client.send_message(mail)


def permanent(exc: BaseException) -> bool:
    """True for an SMTP refusal that another try will not change (a 5xx answer)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500
