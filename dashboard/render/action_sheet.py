"""The weekly action sheet: an Excel workbook a district takes into its weekly meeting, and
the same as a PDF to print.

The workbook: a summary sheet (this week against last, for the district and per
department), then one sheet per department (`departments.department_rows`: the open
tickets, most urgent first) with real date cells, a filter row, frozen headers, A4
landscape print setup with the header repeated on every page (narrow columns, long texts
wrapped, each row as high as its text), and empty columns for the action taken, by whom,
when (a Buddhist-era date cell) and a signature. The PDF: a cover page with the week per
department, then each department's `print_rows` most urgent tickets, the start of each
citizen's text under its row and the same four columns to fill in by hand. Thai (or English)
throughout, Buddhist-era dates in Thai. Every text from the data is written as text: a
value that starts like a formula is prefixed (OWASP), control characters Excel refuses are
dropped, and only https links from the data become hyperlinks. Pure: no streamlit.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dashboard import config, i18n, vocab
from dashboard.analysis import departments, director, imports, metrics, routing
from dashboard.analysis.director import Week
from dashboard.analysis.week import UNIT_HEADERS, WEEK_HEADERS, WeekRow, unit_figures, week_rows
from dashboard.i18n import Lang
from dashboard.render import photos
from dashboard.render.brief import FONT_STACK, to_pdf
from dashboard.text import neutralise_cell, plain

SHEET_NAME_CHARS = 31
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_ABBREVIATIONS = {
    "กรุงเทพมหานคร": "กทม.",
    "การไฟฟ้านครหลวง": "กฟน.",
    "การประปานครหลวง": "กปน.",
}
"""Long words of agencies' names and their usual abbreviations, used when a sheet title
would be longer than Excel allows."""
HEADER_FILL = PatternFill("solid", fgColor="DDE6F4")
ACTION_FILL = PatternFill("solid", fgColor="FFF6D5")
MAX_CELL_CHARS = 32_000
PRINT_ROWS = 25
"""The printable sheet lists this many of each department's most urgent tickets."""
PRINT_MARGINS = PageMargins(left=0.25, right=0.25, top=0.4, bottom=0.5, header=0.2, footer=0.2)
"""Inches: a printed sheet gives its width to the columns (openpyxl's default is 0.75)."""
DATE_FORMATS = {"th": "[$-107041E]d mmm yyyy", "en": "d mmm yyyy"}
"""Excel date formats: Thai with the Buddhist-era year (calendar 07, locale 041E)."""


@dataclass(frozen=True)
class SheetData:
    """What the workbook and the printable sheet show, computed by `departments`."""

    district_name: str
    lang: Lang
    as_of: datetime
    week: Week
    units: Mapping[str, pd.DataFrame]
    """unit (department or agency; "" not yet routed) → its open tickets, most urgent first"""
    week_table: pd.DataFrame
    """`departments.department_week`: the week per unit, in the order of `units`"""
    names: Mapping[str, str]
    """area code → name in `lang`"""
    routing_source: str = "shipped"
    print_rows: int = PRINT_ROWS
    photo_hosts: tuple[str, ...] = ()
    """where a photo may be linked from (`config.photo_hosts`); elsewhere: no link"""
    changes: imports.ChangeFigures | None = None
    """what the last import changed in the district (`imports.figures`); None: not recorded"""
    finish_basis: metrics.FinishTimeBasis | None = None
    """what the finish times rest on (the summary says where the last change stands in)"""


def sheet_data(
    judged: pd.DataFrame,
    *,
    district_code: str,
    names: Mapping[str, str],
    district_name_th: str,
    lang: Lang,
    as_of: datetime,
    table: routing.Routing | None = None,
    predicted: Mapping[str, Sequence[str]] | None = None,
    print_rows: int = PRINT_ROWS,
    changes: imports.ChangeFigures | None = None,
    finish_basis: metrics.FinishTimeBasis | None = None,
) -> SheetData:
    """Everything the sheets show, from a district's judged tickets (`director.week_tickets`),
    routed by `table` (else `routing.load()`) and the classifier's categories `predicted`."""
    table = table or routing.load()
    routed = departments.routed(
        judged, district_name_th=district_name_th, routing=table, predicted=predicted
    )
    week = director.since_last_week(judged, as_of_day=as_of.astimezone(vocab.BANGKOK_TZ).date())
    return SheetData(
        district_name=names.get(district_code, district_code),
        lang=lang,
        as_of=as_of,
        week=week,
        units=departments.department_rows(routed),
        week_table=departments.department_week(routed, week=week),
        names=names,
        routing_source=table.source,
        print_rows=print_rows,
        photo_hosts=config.photo_hosts(),
        changes=changes,
        finish_basis=finish_basis,
    )


def sheet_titles(units: list[str], lang: Lang) -> dict[str, str]:
    """Unit → a sheet title Excel accepts: at most 31 characters, none of []:*?/\\, unique.
    A longer name has its known long words shortened ("กรุงเทพมหานคร" → "กทม.") and is then
    cut at its last space within the limit, not mid-word."""
    titles: dict[str, str] = {}
    taken = {i18n.t("xl_summary", lang).casefold()}
    for number, unit in enumerate(units, start=1):
        base = (
            SHEET_FORBIDDEN.sub(" ", departments.unit_label(unit, lang)).strip().strip("'") or "-"
        )
        title = _fit_title(base, SHEET_NAME_CHARS)
        if title.casefold() in taken:
            suffix = f" ({number})"
            title = _fit_title(base, SHEET_NAME_CHARS - len(suffix)) + suffix
        taken.add(title.casefold())
        titles[unit] = title
    return titles


def _fit_title(name: str, limit: int) -> str:
    """`name` within `limit` characters: known words shortened, then cut at a space (mid-word
    only for a name with no space in the second half of the limit)."""
    if len(name) <= limit:
        return name
    for word, short in SHEET_ABBREVIATIONS.items():
        name = name.replace(word, short)
    if len(name) <= limit:
        return name
    space = name.rfind(" ", 0, limit + 1)
    cut = name[:space] if space >= limit // 2 else name[:limit]
    return cut.rstrip(" ,-·").strip("'") or "-"


def week_label(data: SheetData) -> str:
    """'12 ธ.ค. 2565 – 18 ธ.ค. 2565': the sheet's week."""
    return i18n.date_range(data.week.this.since, data.week.this.until, data.lang)


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
        cell.font = Font(name="Calibri", size=11, color="1F4E9E", underline="single")
    else:
        cell.value = _text(address) or None


def _date(value: Any) -> date | None:
    """A Bangkok calendar day for a date cell (None for a missing one)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.astimezone(vocab.BANGKOK_TZ).date()
    return value if isinstance(value, date) else None


def _header(
    sheet: Worksheet, row: int, labels: list[str], *, fills: set[int] | None = None
) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = Font(bold=True)
        cell.fill = ACTION_FILL if fills and column in fills else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _print_setup(
    sheet: Worksheet, *, header_row: int, data: SheetData, label: str | None = None
) -> None:
    """A4 landscape, one page wide within narrow margins, the header row on every page, a
    footer (the district and `label`, default the week)."""
    sheet.page_margins = PRINT_MARGINS
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.gridLines = True
    footer = f"{data.district_name} · {label or week_label(data)}".replace("&", "&&")
    footers = sheet.oddFooter
    assert footers is not None and footers.left is not None and footers.right is not None
    footers.left.text = footer
    footers.right.text = i18n.t("xl_page", data.lang, page="&P", pages="&N")


def _sheet_rows(data: SheetData) -> list[WeekRow]:
    """The week table's rows the sheets show: those the data supports, without how many of
    the new ones are still open (the page's alone)."""
    return [row for row in week_rows(data.week, data.lang) if row.on_sheet and not row.missing]


def _week_headers(data: SheetData) -> list[str]:
    """The week table's column labels, this week's and last week's with their dates."""
    lang = data.lang
    last = i18n.date_range(data.week.last.since, data.week.last.until, lang)
    dates = {"xl_this_week": week_label(data), "xl_last_week": last}
    return [
        f"{i18n.t(key, lang)} ({dates[key]})" if key in dates else i18n.t(key, lang)
        for key in WEEK_HEADERS
    ]


def missing_note(data: SheetData) -> str | None:
    """One line for the figures the data cannot support, with the reason, or None."""
    if data.week.finished is not None:
        return None
    what = i18n.t("xl_finished_weekly", data.lang)
    why = i18n.t("why_missing_finish_time", data.lang)
    return i18n.t("not_available", data.lang, why=f"{what} — {why}")


def summary_notes(data: SheetData) -> list[str]:
    """The summary's lines under the week: a figure the data cannot support, what the last
    import changed, and where a ticket's last change stands in for its finish time."""
    notes = [note for note in (missing_note(data),) if note]
    if data.changes is not None:
        notes.append(imports.since_import_text(data.changes, data.lang))
    basis = data.finish_basis
    if basis is not None and basis.standing_in:
        total = basis.finish_time + basis.last_activity + basis.none
        notes.append(i18n.t("finish_standing_in", data.lang, n=basis.last_activity, total=total))
    return notes


SUMMARY_WIDTHS = (40, 24, 12, 12, 14, 14, 14, 14, 12)


def _summary_sheet(sheet: Worksheet, data: SheetData, titles: Mapping[str, str]) -> None:
    lang = data.lang

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    sheet["A1"] = _text(t("xl_title", district=data.district_name, week=week_label(data)))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = t("xl_made", as_of=i18n.date_time(data.as_of, lang))
    _header(sheet, 4, _week_headers(data))
    row = 4
    for line in _sheet_rows(data):
        row += 1
        sheet.cell(row=row, column=1, value=t(line.key))
        sheet.cell(row=row, column=2, value=line.now).number_format = "#,##0"
        if line.compared:
            sheet.cell(row=row, column=3, value=line.before).number_format = "#,##0"
            sheet.cell(row=row, column=4, value=line.change)
            sheet.cell(row=row, column=5, value=line.noise)
    for note in summary_notes(data):
        row += 1
        sheet.cell(row=row, column=1, value=_text(note))
    _unit_table(sheet, row + 2, data, titles)
    for column, width in zip("ABCDEFGHI", SUMMARY_WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    _fit_row_heights(sheet, first=4, last=sheet.max_row, widths=SUMMARY_WIDTHS)
    _print_setup(sheet, header_row=row + 2, data=data)


def _unit_table(sheet: Worksheet, row: int, data: SheetData, titles: Mapping[str, str]) -> None:
    """The week per department, each row linking to the department's sheet."""
    lang = data.lang
    figures = unit_figures(data.week)
    labels = ["xl_unit", "xl_routed", *(UNIT_HEADERS[k] for k in figures), "xl_sheet"]
    _header(sheet, row, [i18n.t(k, lang) for k in labels])
    for record in data.week_table.to_dict(orient="records"):
        row += 1
        unit = str(record["unit"])
        sheet.cell(row=row, column=1, value=_text(departments.unit_label(unit, lang)))
        sheet.cell(row=row, column=2, value=i18n.t(f"route_{record['routed']}", lang))
        for column, key in enumerate(figures, start=3):
            sheet.cell(row=row, column=column, value=int(record[key])).number_format = "#,##0"
        if unit in titles:
            link = sheet.cell(row=row, column=len(labels), value=len(data.units[unit]))
            link.hyperlink = f"#'{titles[unit]}'!A1"
            link.number_format = "#,##0"
    notes = [i18n.t("xl_note_several", lang), i18n.t("xl_note_routing", lang)]
    for offset, note in enumerate(notes, start=2):
        sheet.cell(row=row + offset, column=1, value=note)


UNIT_COLUMNS = (
    "#", "ticket_id", "subdistrict", "xl_address", "category", "xl_routed", "xl_reported",
    "col_due", "col_days_overdue", "xl_urgency", "xl_state", "xl_comment", "xl_photo",
    "xl_action", "xl_by", "xl_date", "xl_signature",
)  # fmt: skip
WIDTHS = (4, 14, 9, 22, 9, 8, 12, 12, 7, 8, 14, 28, 5, 18, 11, 12, 10)
"""Narrow enough that a department's sheet prints on A4 landscape at about 70% of its size
(Excel's fit to one page wide; the long texts wrap); a date column holds '30 พ.ค. 2565',
the state column 'กำลังดำเนินการ'."""
ACTION_COLUMNS = {14, 15, 16, 17}
DATE_COLUMNS = {7, 8}
ACTION_DATE_COLUMN = 16
"""Empty until staff type the date in: formatted as the other dates (Buddhist era in Thai)."""
WRAP_COLUMNS = {3, 4, 5, 6, 12, 14, 15}
LINE_POINTS = 15.0
"""A wrapped line of an 11-point cell, as Excel fits it."""
THAI_WIDTH = 1.15
"""A Thai letter's width in characters of a column (Tahoma or Loma beside Calibri's digits)."""
MAX_ROW_LINES = 24
"""A row is at most this many lines high (Excel's limit is 409 points); a longer text is
whole in its cell and cut in print."""
HEADER_ROW = 4
NOTE_COLUMN = ("xl_note", 28)
"""A report round's sheets end with an empty note column (`unit_workbook`)."""


def unit_workbook(unit: str, rows: pd.DataFrame, data: SheetData, *, label: str) -> bytes:
    """One unit's open tickets as a workbook of one sheet in the office's form (a report
    round's): the action sheet's columns and rules, then an empty note column; `label`
    (the round) in the title and the footer instead of the week."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_titles([unit], data.lang)[unit]
    _unit_sheet(sheet, unit, rows, data, label=label, note=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _unit_sheet(
    sheet: Worksheet,
    unit: str,
    rows: pd.DataFrame,
    data: SheetData,
    *,
    label: str | None = None,
    note: bool = False,
) -> None:
    lang = data.lang
    overdue = int(rows["overdue"].sum())
    title = (
        f"{departments.unit_label(unit, lang)} · {data.district_name} · {label or week_label(data)}"
    )
    sheet["A1"] = _text(title)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = i18n.t("xl_unit_meta", lang, open=len(rows), overdue=overdue)
    keys = (*UNIT_COLUMNS, NOTE_COLUMN[0]) if note else UNIT_COLUMNS
    action = ACTION_COLUMNS | ({len(keys)} if note else set())
    labels = [i18n.t(key, lang) if key != "#" else "#" for key in keys]
    _header(sheet, HEADER_ROW, labels, fills=action)
    for number, ticket in enumerate(rows.to_dict(orient="records"), start=1):
        _ticket_row(
            sheet, HEADER_ROW + number, number, {str(k): v for k, v in ticket.items()}, data
        )
        if note:
            sheet.cell(row=HEADER_ROW + number, column=len(keys)).fill = ACTION_FILL
    last_row = HEADER_ROW + max(len(rows), 1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(keys))}{last_row}"
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    widths = (*WIDTHS, NOTE_COLUMN[1]) if note else WIDTHS
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _fit_row_heights(sheet, first=HEADER_ROW, last=last_row, widths=widths)
    _print_setup(sheet, header_row=HEADER_ROW, data=data, label=label)


def _fit_row_heights(sheet: Worksheet, *, first: int, last: int, widths: Sequence[float]) -> None:
    """Give each row from `first` to `last` the height its wrapped cells need (estimated from
    their text): LibreOffice does not fit rows to wrapped text when it opens a workbook."""
    for row in range(first, last + 1):
        lines = 1
        for column, width in enumerate(widths, start=1):
            cell = sheet.cell(row=row, column=column)
            alignment = cell.alignment
            if isinstance(cell.value, str) and alignment is not None and alignment.wrap_text:
                lines = max(lines, _wrapped_lines(cell.value, width))
        if lines > 1:
            sheet.row_dimensions[row].height = min(lines, MAX_ROW_LINES) * LINE_POINTS


def _wrapped_lines(text: str, width: float) -> int:
    """About how many lines `text` takes in a column `width` characters wide, wrapped at
    spaces (a longer run, as Thai is written, wherever it must): a Thai letter is about
    `THAI_WIDTH` characters wide, its vowel and tone marks take no width."""
    capacity = max(width - 1, 1)
    lines = 0
    for part in text.split("\n"):
        count, used = 1, 0.0
        for word in part.split():
            size = sum(
                THAI_WIDTH if "\u0e00" <= c <= "\u0e7f" else 1.0
                for c in word
                if unicodedata.category(c) != "Mn"
            )
            if used and used + 1 + size <= capacity:
                used += 1 + size
                continue
            count, used = count + (1 if used else 0), size
            while used > capacity:
                count, used = count + 1, used - capacity
        lines += count
    return lines


def _ticket_row(
    sheet: Worksheet, row: int, number: int, ticket: Mapping[str, Any], data: SheetData
) -> None:
    lang = data.lang
    date_format = DATE_FORMATS.get(lang, DATE_FORMATS["th"])
    values: list[Any] = [
        number,
        _text(str(ticket["ticket_id"])),
        _text(data.names.get(str(ticket["subdistrict_code"] or ""), None)),
        _text(ticket["address"]),
        categories_text(ticket["categories"], lang),
        i18n.t(f"route_{ticket['routed']}", lang),
        _date(ticket["reported_day"]),
        _date(ticket["due_day"]),
        max(int(ticket["days_overdue"]), 0),
        round(float(ticket["urgency"]), 1) if bool(ticket["overdue"]) else None,
        i18n.state_label(str(ticket["state"]), lang),
        _text(ticket["comment"]),
    ]
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.alignment = Alignment(wrap_text=column in WRAP_COLUMNS, vertical="top")
        if column in DATE_COLUMNS:
            cell.number_format = date_format
    sheet.cell(row=row, column=10).number_format = "0.0"
    page = vocab.public_page(ticket["ticket_id"])
    if page:
        _link(sheet.cell(row=row, column=2), page, str(ticket["ticket_id"]))
    photo = photos.shown(ticket["photo"], hosts=data.photo_hosts)
    if photo:
        _link(sheet.cell(row=row, column=13), photo, i18n.t("xl_photo", lang))
    for column in ACTION_COLUMNS:
        cell = sheet.cell(row=row, column=column)
        cell.fill = ACTION_FILL
        cell.alignment = Alignment(wrap_text=column in WRAP_COLUMNS, vertical="top")
    sheet.cell(row=row, column=ACTION_DATE_COLUMN).number_format = date_format


def categories_text(value: Any, lang: Lang) -> str:
    """A ticket's categories in `lang`, or 'unspecified'."""
    listed = list(value) if value is not None and not isinstance(value, float) else []
    return ", ".join(i18n.category_label(str(c), lang) for c in listed) or i18n.category_label(
        vocab.UNSPECIFIED, lang
    )


PRINT_STYLE = """
@page { size: A4 landscape; margin: 10mm 9mm 12mm;
  @bottom-left { content: "FOOTER"; font-size: 7pt; color: #666; }
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 7pt; color: #666; } }
body { font-family: FONTS; font-size: 8pt; color: #222; line-height: 1.35; }
h1 { font-size: 14pt; margin: 0 0 2pt; }
h2 { font-size: 11pt; margin: 0 0 3pt; break-after: avoid; }
.meta { color: #555; font-size: 7.5pt; margin: 1pt 0 5pt; }
table { border-collapse: collapse; width: 100%; margin: 3pt 0 8pt; }
table.tickets { table-layout: fixed; }
thead { display: table-header-group; }
th, td { border: 1px solid #bbb; padding: 2pt 3pt; text-align: left; vertical-align: top; }
th { background: #dde6f4; }
td.n, th.n { text-align: right; }
td.nw { white-space: nowrap; }
td.act { background: #fff6d5; }
tr, tbody.t { break-inside: avoid; }
table.tickets td { line-height: 1.25; padding: 1.5pt 2.5pt; }
table.tickets th { font-size: 7.5pt; line-height: 1.2; padding: 1.5pt 2.5pt; }
tr.main > td:not(.act) { border-bottom: none; }
tr.said > td { border-top: none; padding-top: 0; color: #444; font-size: 7pt; }
tr.said b { color: #222; }
.unit { break-before: page; }
"""
PRINT_WIDTHS_MM = (5, 22, 14, 24, 19, 19, 11, 12, 21, 47, 28, 18, 20, 19)
"""Column widths of a department's printed table (A4 landscape: 279 mm inside the margins):
a date or a state on one line, room to write the action, the date and a signature."""
PRINT_COLUMNS = (
    "#", "ticket_id", "subdistrict", "category", "xl_reported", "col_due", "col_days_overdue",
    "xl_urgency", "xl_state", "xl_address", "xl_action", "xl_by", "xl_date", "xl_signature",
)  # fmt: skip
PRINT_ACTIONS = 4
"""The last columns, left empty for staff to fill in by hand."""
EXCERPT_CHARS = 120
"""A ticket's text on paper: its first this many characters, on a line under the ticket."""
ADDRESS_TAIL = re.compile(
    r"[\s,]*(?:(?:กรุงเทพมหานคร|Bangkok)[\s,]*)?(?:\d{5}[\s,]*)?(?:ประเทศไทย|Thailand)?\s*$"
)
"""What every address of a district's sheet ends with (province, postcode, country)."""


COLGROUP = (
    "<colgroup>" + "".join(f"<col style='width:{w}mm'>" for w in PRINT_WIDTHS_MM) + "</colgroup>"
)


def print_html(data: SheetData) -> str:
    """The action sheet for printing: a cover page with the week per department, then each
    department's `print_rows` most urgent tickets (A4 landscape), every text escaped."""
    parts = [_cover_html(data)]
    header = "".join(f"<th>{'#' if k == '#' else escape(i18n.t(k, data.lang))}</th>"
                     for k in PRINT_COLUMNS)  # fmt: skip
    for unit, rows in data.units.items():
        parts.append(_unit_html(unit, rows, header, data))
    footer = f"{data.district_name} · {week_label(data)}".replace('"', "'").replace("\\", "")
    style = PRINT_STYLE.replace("FONTS", FONT_STACK).replace("FOOTER", footer)
    return (
        f"<!doctype html><html lang='{data.lang}'><head><meta charset='utf-8'>"
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def _cover_html(data: SheetData) -> str:
    lang = data.lang

    def t(key: str, **values: object) -> str:
        return escape(i18n.t(key, lang, **values))

    heads = [escape(head) for head in _week_headers(data)]
    rows = [
        [t(line.key), f"{line.now:,.0f}", f"{line.before:,.0f}", escape(line.change),
         escape(line.noise)]
        if line.compared
        else [t(line.key), f"{line.now:,.0f}", "", "", ""]
        for line in _sheet_rows(data)
    ]  # fmt: skip
    notes = "".join(f"<p class='meta'>{escape(note)}</p>" for note in summary_notes(data))
    since, until = data.week.this.since, data.week.this.until
    period = f"{i18n.long_date(since, lang)} – {i18n.long_date(until, lang)}"
    title = t("xl_title", district=data.district_name, week=period)
    return (
        f"<h1>{title}</h1>"
        f"<p class='meta'>{t('xl_made', as_of=i18n.date_time(data.as_of, lang))}</p>"
        + _table_html(heads, rows)
        + notes
        + _unit_table_html(data)
        + f"<p class='meta'>{t('xl_note_several')} {t('xl_note_routing')}</p>"
    )


def _table_html(heads: Sequence[str], rows: Sequence[Sequence[str]], *, text: int = 1) -> str:
    """A table of already-escaped cells, its header repeated on every page; the columns
    after the first `text` ones are figures (right-aligned)."""

    def kind(column: int) -> str:
        return " class='n'" if column >= text else ""

    head = "".join(f"<th{kind(i)}>{h}</th>" for i, h in enumerate(heads))
    body = "".join(
        "<tr>" + "".join(f"<td{kind(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead>{body}</table>"


def _unit_table_html(data: SheetData) -> str:
    lang = data.lang
    figures = unit_figures(data.week)
    labels = ["xl_unit", "xl_routed", *(UNIT_HEADERS[k] for k in figures)]
    rows = [
        [
            escape(departments.unit_label(str(record["unit"]), lang)),
            escape(i18n.t(f"route_{record['routed']}", lang)),
            *(f"{int(record[k]):,}" for k in figures),
        ]
        for record in data.week_table.to_dict(orient="records")
    ]
    return _table_html([escape(i18n.t(k, lang)) for k in labels], rows, text=2)


def _unit_html(unit: str, rows: pd.DataFrame, header: str, data: SheetData) -> str:
    lang = data.lang
    shown = rows.head(data.print_rows)
    body = [
        _ticket_html(number, {str(k): v for k, v in ticket.items()}, data)
        for number, ticket in enumerate(shown.to_dict(orient="records"), start=1)
    ]
    more = len(rows) - len(shown)
    heading = i18n.t("xl_unit_meta", lang, open=len(rows), overdue=int(rows["overdue"].sum()))
    if more > 0:  # said above the table: a note under it can be left alone on a page
        heading = f"{heading} · {i18n.t('xl_more', lang, n=more)}"
    return (
        f"<section class='unit'><h2>{escape(departments.unit_label(unit, lang))}</h2>"
        f"<p class='meta'>{escape(heading)}</p>"
        f"<table class='tickets'>{COLGROUP}<thead><tr>{header}</tr></thead>{''.join(body)}</table>"
        "</section>"
    )


def _ticket_html(number: int, ticket: Mapping[str, Any], data: SheetData) -> str:
    """One ticket on paper: its row, then a line with the start of the citizen's text under
    it (none for a ticket without text); the action cells span both."""
    lang = data.lang
    reported, due = _date(ticket["reported_day"]), _date(ticket["due_day"])
    urgency = f"{float(ticket['urgency']):.1f}" if bool(ticket["overdue"]) else ""
    subdistrict = data.names.get(str(ticket["subdistrict_code"] or ""), "")
    address = _short_address(
        ticket["address"], subdistrict=subdistrict, district=data.district_name
    )
    cells = [
        (str(number), "n"),
        (escape(str(ticket["ticket_id"])), "nw"),
        (escape(subdistrict), ""),
        (escape(categories_text(ticket["categories"], lang)), ""),
        (escape(i18n.short_date(reported, lang)) if reported else "", "nw"),
        (escape(i18n.short_date(due, lang)) if due else "", "nw"),
        (f"{max(int(ticket['days_overdue']), 0):,}", "n"),
        (urgency, "n"),
        (escape(i18n.state_label(str(ticket["state"]), lang)), "nw"),
        (escape(address), ""),
    ]
    said = excerpt(ticket["comment"], EXCERPT_CHARS)
    span = " rowspan='2'" if said else ""
    row = "".join(f"<td class='{c}'>{v}</td>" for v, c in cells)
    actions = f"<td class='act'{span}></td>" * PRINT_ACTIONS
    if not said:
        return f"<tbody class='t'><tr>{row}{actions}</tr></tbody>"
    label = escape(i18n.t("xl_comment", lang))
    return (
        f"<tbody class='t'><tr class='main'>{row}{actions}</tr><tr class='said'><td></td>"
        f"<td colspan='{len(cells) - 1}'><b>{label}:</b> {escape(said)}</td></tr></tbody>"
    )


def _short_address(value: Any, *, subdistrict: str, district: str) -> str:
    """An address without what the sheet and the row already say: the province, postcode and
    country, then the sheet's district and the ticket's own subdistrict when they end it (a
    different one stays); at most 160 characters."""
    address = plain(value) if isinstance(value, str) else ""
    shorter = ADDRESS_TAIL.sub("", address)
    for name, prefix in ((district, "เขต"), (subdistrict, "แขวง")):
        if name:
            shorter = re.sub(rf"[\s,]*{prefix}\s*{re.escape(name)}[\s,]*$", "", shorter)
    return (shorter or address)[:160]


def excerpt(value: Any, limit: int) -> str:
    """The first `limit` characters of a text on one line (runs of white space as one
    space), '…' where it was cut, never between a letter and its vowel or tone mark."""
    flat = " ".join(plain(value).split()) if isinstance(value, str) else ""
    if len(flat) <= limit:
        return flat
    cut = limit
    while cut > 0 and unicodedata.category(flat[cut]) == "Mn":
        cut -= 1
    return flat[:cut].rstrip() + "…"


def print_pdf(data: SheetData) -> bytes:
    """The printable action sheet as an A4 landscape PDF (WeasyPrint, as the brief)."""
    return to_pdf(print_html(data))
