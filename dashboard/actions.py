"""The weekly action sheet: an Excel workbook a district takes into its weekly meeting.

One summary sheet (this week against last week, and each unit's open and overdue
tickets), then one sheet per responsible unit with the tickets of `director.action_rows`:
location, category, age, due day, days overdue, the public ticket page and the photo, and
empty columns for what was done, by whom and when. Thai (or English) throughout, Bangkok
dates. Every text from the data is written as text: a value that starts like a formula is
prefixed (OWASP), control characters Excel refuses are dropped, and only https links from
the data become hyperlinks. Pure: no streamlit.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dashboard import director, i18n, vocab
from dashboard.change import Change
from dashboard.director import Week
from dashboard.text import neutralise_cell

SHEET_NAME_CHARS = 31
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F4")
ACTION_FILL = PatternFill("solid", fgColor="FFF6D5")
MAX_CELL_CHARS = 32_000


@dataclass(frozen=True)
class SheetData:
    """What the workbook needs, already computed by `director`."""

    district_name: str
    lang: str
    as_of: datetime
    week: Week
    units: Mapping[str, pd.DataFrame]
    """responsible unit → its action rows (`director.action_rows`)"""
    unit_figures: pd.DataFrame
    """`director.responsibility(...).units`"""
    names: Mapping[str, str]
    """area code → name in `lang`"""


def sheet_data(
    judged: pd.DataFrame,
    *,
    district_code: str,
    names: Mapping[str, str],
    district_name_th: str,
    lang: str,
    as_of: datetime,
) -> SheetData:
    """Everything the workbook shows, from a district's judged tickets (`director.week_tickets`)."""
    return SheetData(
        district_name=names.get(district_code, district_code),
        lang=lang,
        as_of=as_of,
        week=director.since_last_week(judged, as_of_day=as_of.astimezone(vocab.BANGKOK_TZ).date()),
        units=director.action_rows(judged),
        unit_figures=director.responsibility(judged, district_name_th=district_name_th).units,
        names=names,
    )


def unit_label(unit: str, lang: str) -> str:
    return unit or i18n.t("unit_unnamed", lang)


def sheet_titles(units: list[str], lang: str) -> dict[str, str]:
    """Unit → a sheet title Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    titles: dict[str, str] = {}
    taken = {i18n.t("xl_summary", lang).casefold()}
    for number, unit in enumerate(units, start=1):
        base = SHEET_FORBIDDEN.sub(" ", unit_label(unit, lang)).strip().strip("'") or "-"
        title = base[:SHEET_NAME_CHARS]
        if title.casefold() in taken:
            suffix = f" ({number})"
            title = base[: SHEET_NAME_CHARS - len(suffix)] + suffix
        taken.add(title.casefold())
        titles[unit] = title
    return titles


def workbook(data: SheetData) -> bytes:
    """The action sheet as .xlsx bytes."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = i18n.t("xl_summary", data.lang)
    titles = sheet_titles(list(data.units), data.lang)
    _summary_sheet(summary, data, titles)
    for unit, rows in data.units.items():
        _unit_sheet(book.create_sheet(titles[unit]), unit, rows, data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> Any:
    """A cell value from the data, safe to write: text neutralised and cleaned."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]
        return neutralise_cell(cleaned)
    return value


def _link(cell: Any, url: object, text: str) -> None:
    """Make `cell` a hyperlink to `url` when it is a plain https address (else plain text)."""
    address = str(url or "")
    if address.startswith("https://") and not re.search(r"[\s\"<>]", address):
        cell.value = text
        cell.hyperlink = address
        cell.font = Font(color="1F4E9E", underline="single")
    else:
        cell.value = _text(address) or None


def _day(value: Any, lang: str) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(vocab.BANGKOK_TZ).date()
    return i18n.short_date(value, lang) if isinstance(value, date) else None


def _header(
    sheet: Worksheet, row: int, labels: list[str], *, fills: set[int] | None = None
) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = Font(bold=True)
        cell.fill = ACTION_FILL if fills and column in fills else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _summary_sheet(sheet: Worksheet, data: SheetData, titles: Mapping[str, str]) -> None:
    lang, week = data.lang, data.week

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    this = f"{_day(week.this.since, lang)} – {_day(week.this.until, lang)}"
    last = f"{_day(week.last.since, lang)} – {_day(week.last.until, lang)}"
    sheet["A1"] = _text(t("xl_title", district=data.district_name, week=this))
    sheet["A1"].font = Font(bold=True, size=14)
    stamp = data.as_of.astimezone(vocab.BANGKOK_TZ)
    sheet["A2"] = t("xl_made", as_of=f"{_day(stamp, lang)} {stamp:%H:%M}")
    _header(sheet, 4, [t("col_figure"), f"{t('xl_this_week')} ({this})", f"{t('xl_last_week')} ({last})",
                       t("col_change"), t("col_noise")])  # fmt: skip
    na = i18n.t("not_available", lang, why=i18n.t("why_missing_finish_time", lang))
    lines: list[tuple[str, Change | None, str | None]] = [
        (t("week_new"), week.new, None),
        (t("week_finished"), week.finished, None if week.finished else na),
        (t("week_newly_overdue"), week.newly_overdue, None),
    ]
    row = 5
    for label, change, missing in lines:
        sheet.cell(row=row, column=1, value=label)
        if change is None:
            sheet.cell(row=row, column=2, value=missing)
        else:
            sheet.cell(row=row, column=2, value=change.now)
            sheet.cell(row=row, column=3, value=change.before)
            sheet.cell(row=row, column=4, value=change_text(change, lang))
            sheet.cell(row=row, column=5, value=noise_text(change, lang))
        row += 1
    sheet.cell(row=row, column=1, value=t("week_still_open"))
    sheet.cell(row=row, column=2, value=week.still_open)
    sheet.cell(row=row + 1, column=1, value=t("week_open_now"))
    sheet.cell(row=row + 1, column=2, value=week.open_now)
    if week.unknown_overdue:
        sheet.cell(row=row + 2, column=1, value=t("week_unknown_overdue", n=week.unknown_overdue))
    row += 4
    _header(
        sheet, row, [t("col_unit"), t("open"), t("col_overdue"), t("xl_rows"), t("col_outside")]
    )
    figures: dict[str, dict[str, Any]] = {
        str(record["unit"]): {str(k): v for k, v in record.items()}
        for record in data.unit_figures.to_dict(orient="records")
    }
    for unit, rows in data.units.items():
        row += 1
        sheet.cell(row=row, column=1, value=_text(unit_label(unit, lang)))
        if unit in figures:
            sheet.cell(row=row, column=2, value=int(figures[unit]["open"]))
            sheet.cell(row=row, column=3, value=int(figures[unit]["overdue"]))
            sheet.cell(row=row, column=5, value=t("yes") if figures[unit]["outside"] else t("no"))
        link = sheet.cell(row=row, column=4, value=len(rows))
        link.hyperlink = f"#'{titles[unit]}'!A1"
    for column, width in zip("ABCDE", (42, 22, 22, 30, 22), strict=True):
        sheet.column_dimensions[column].width = width


UNIT_COLUMNS = (
    "#", "ticket_id", "xl_public", "subdistrict", "xl_address", "xl_location", "category",
    "xl_reported", "xl_age", "col_target_days", "col_due", "col_days_overdue", "xl_state",
    "xl_comment", "xl_photo", "xl_action", "xl_by", "xl_date",
)  # fmt: skip
WIDTHS = (5, 14, 12, 18, 40, 20, 20, 14, 9, 10, 14, 11, 14, 50, 10, 30, 18, 14)
ACTION_COLUMNS = {16, 17, 18}


def _unit_sheet(sheet: Worksheet, unit: str, rows: pd.DataFrame, data: SheetData) -> None:
    lang = data.lang
    sheet["A1"] = _text(f"{i18n.t('xl_unit', lang)}: {unit_label(unit, lang)}")
    sheet["A1"].font = Font(bold=True, size=13)
    labels = [i18n.t(key, lang) if key != "#" else "#" for key in UNIT_COLUMNS]
    _header(sheet, 3, labels, fills=ACTION_COLUMNS)
    sheet.freeze_panes = "C4"
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in record.items()} for record in rows.to_dict(orient="records")
    ]
    for number, ticket in enumerate(records, start=1):
        row = 3 + number
        cats = list(ticket["categories"]) if ticket["categories"] is not None else []
        values: list[Any] = [
            number,
            _text(str(ticket["ticket_id"])),
            None,
            _text(data.names.get(str(ticket["subdistrict_code"] or ""), None)),
            _text(ticket["address"]),
            _location(ticket),
            ", ".join(i18n.category_label(c, lang) for c in cats)
            or i18n.category_label(vocab.UNSPECIFIED, lang),
            _day(ticket["reported_day"], lang),
            int(ticket["age_days"]),
            int(ticket["target_days"]),
            _day(ticket["due_day"], lang),
            max(int(ticket["days_overdue"]), 0),
            i18n.state_label(str(ticket["state"]), lang),
            _text(ticket["comment"]),
            None,
        ]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
        page = vocab.public_page(ticket["ticket_id"])
        if page:
            _link(sheet.cell(row=row, column=3), page, i18n.t("xl_public", lang))
        _link(sheet.cell(row=row, column=15), ticket["photo"], i18n.t("xl_photo", lang))
        for column in ACTION_COLUMNS:
            sheet.cell(row=row, column=column).fill = ACTION_FILL
        sheet.cell(row=row, column=14).alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _location(ticket: Mapping[str, Any]) -> str | None:
    lat, lon = ticket.get("lat"), ticket.get("lon")
    if ticket.get("location_issue") is not None or lat is None or lon is None:
        return None
    if isinstance(lat, float) and math.isnan(lat):
        return None
    return f"{float(lat):.5f}, {float(lon):.5f}"


def change_text(change: Change, lang: str) -> str:
    """'+12% (−18% to +55%)' for a count, '+5.0 pts (…)' for a share; or 'cannot compare'."""
    if change.kind == "count" and change.before == 0 and change.now:
        return i18n.t("change_from_zero", lang)
    if change.change is None or change.low is None or change.high is None:
        return i18n.t("noise_na", lang)
    if change.kind == "count":

        def pct(value: float) -> str:
            return "∞" if math.isinf(value) else f"{value:+.0%}"

        return f"{pct(change.change)} ({pct(change.low)} … {pct(change.high)})"

    def pts(value: float) -> str:
        return f"{value * 100:+.1f}"

    unit = " จุด" if lang == "th" else " pts"
    return f"{pts(change.change or 0.0)}{unit} ({pts(change.low)} … {pts(change.high)})"


def noise_text(change: Change, lang: str) -> str:
    beyond = change.beyond_noise
    if beyond is None:
        return i18n.t("noise_na", lang)
    return i18n.t("noise_yes" if beyond else "noise_no", lang)


PRINT_STYLE = """
@page { size: A4 landscape; margin: 10mm 9mm 12mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 7pt; color: #666; } }
body { font-family: FONTS; font-size: 8pt; color: #222; line-height: 1.35; }
h1 { font-size: 14pt; margin: 0 0 2pt; }
h2 { font-size: 11pt; margin: 0 0 3pt; }
.meta { color: #555; font-size: 7.5pt; margin: 1pt 0 5pt; }
table { border-collapse: collapse; width: 100%; margin: 3pt 0 8pt; }
th, td { border: 1px solid #bbb; padding: 2pt 3pt; text-align: left; vertical-align: top; }
th { background: #dde6f4; }
td.act { background: #fff6d5; min-width: 22mm; }
tr { page-break-inside: avoid; }
.unit { page-break-before: always; }
"""
PRINT_COLUMNS = (
    "#", "ticket_id", "subdistrict", "category", "xl_reported", "xl_age", "col_target_days",
    "col_due", "col_days_overdue", "xl_state", "xl_address", "xl_action", "xl_by", "xl_date",
)  # fmt: skip


def print_html(data: SheetData) -> str:
    """The action sheet as an HTML document for printing (A4 landscape, one unit a page):
    the same rows as the workbook, every text escaped."""
    from html import escape

    from dashboard.brief import FONT_STACK

    lang, week = data.lang, data.week

    def t(key: str, **values: object) -> str:
        return escape(i18n.t(key, lang, **values))

    this = f"{_day(week.this.since, lang)} – {_day(week.this.until, lang)}"
    last = f"{_day(week.last.since, lang)} – {_day(week.last.until, lang)}"
    stamp = data.as_of.astimezone(vocab.BANGKOK_TZ)
    parts = [
        f"<h1>{t('xl_title', district=data.district_name, week=this)}</h1>",
        f"<p class='meta'>{t('xl_made', as_of=f'{_day(stamp, lang)} {stamp:%H:%M}')}</p>",
        "<table><tr>"
        + "".join(
            f"<th>{h}</th>"
            for h in (
                t("col_figure"),
                f"{t('xl_this_week')} ({escape(this)})",
                f"{t('xl_last_week')} ({escape(last)})",
                t("col_change"),
                t("col_noise"),
            )
        )
        + "</tr>",
    ]
    for key, change in (
        ("week_new", week.new),
        ("week_finished", week.finished),
        ("week_newly_overdue", week.newly_overdue),
    ):
        if change is None:
            cells = [t("na_short")] * 4
        else:
            cells = [
                f"{change.now:,.0f}",
                f"{change.before:,.0f}",
                escape(change_text(change, lang)),
                escape(noise_text(change, lang)),
            ]
        parts.append(f"<tr><td>{t(key)}</td>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    parts.append(
        "<table><tr>"
        + "".join(f"<th>{t(k)}</th>" for k in ("col_unit", "xl_rows"))
        + "</tr>"
        + "".join(
            f"<tr><td>{escape(unit_label(unit, lang))}</td><td>{len(rows):,}</td></tr>"
            for unit, rows in data.units.items()
        )
        + "</table>"
    )
    header = "".join(f"<th>{'#' if k == '#' else t(k)}</th>" for k in PRINT_COLUMNS)
    for unit, rows in data.units.items():
        parts.append(
            f"<section class='unit'><h2>{t('xl_unit')}: {escape(unit_label(unit, lang))}</h2>"
        )
        parts.append(f"<table><tr>{header}</tr>")
        for number, ticket in enumerate(rows.to_dict(orient="records"), start=1):
            cats = list(ticket["categories"]) if ticket["categories"] is not None else []
            cells = [
                str(number),
                escape(str(ticket["ticket_id"])),
                escape(data.names.get(str(ticket["subdistrict_code"] or ""), "")),
                escape(", ".join(i18n.category_label(c, lang) for c in cats)
                       or i18n.category_label(vocab.UNSPECIFIED, lang)),
                escape(_day(ticket["reported_day"], lang) or ""),
                f"{int(ticket['age_days']):,}",
                f"{int(ticket['target_days']):,}",
                escape(_day(ticket["due_day"], lang) or ""),
                f"{max(int(ticket['days_overdue']), 0):,}",
                escape(i18n.state_label(str(ticket["state"]), lang)),
                escape(str(ticket["address"] or "")[:160]),
            ]  # fmt: skip
            parts.append(
                "<tr>"
                + "".join(f"<td>{c}</td>" for c in cells)
                + "<td class='act'></td>" * 3
                + "</tr>"
            )
        parts.append("</table></section>")
    style = PRINT_STYLE.replace("FONTS", FONT_STACK)
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def print_pdf(data: SheetData) -> bytes:
    """The printable action sheet as an A4 landscape PDF (WeasyPrint, as the brief)."""
    from dashboard.brief import to_pdf

    return to_pdf(print_html(data))
