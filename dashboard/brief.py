"""A self-contained HTML brief of the current review, for the governor's meeting."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from dashboard import assets, i18n
from dashboard.vocab import BANGKOK_TZ

STYLE = """
body{font-family:system-ui,'Sarabun','Noto Sans Thai',sans-serif;margin:24px;color:#222}
h1{margin-bottom:0} .meta{color:#555;margin-top:4px}
table{border-collapse:collapse;margin:8px 0 24px;font-size:13px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top} th{background:#f3f3f3}
iframe{border:1px solid #ccc;width:100%;height:560px}
"""


def table_html(frame: pd.DataFrame, lang: str) -> str:
    """An escaped HTML table."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_text(v, lang))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _text(value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return i18n.t("no_data", lang)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def build_brief(
    *,
    lang: str,
    title: str,
    as_of: datetime,
    filters_text: Sequence[str],
    guide: Sequence[str],
    method_text: str,
    map_html: str,
    sections: Sequence[tuple[str, pd.DataFrame, Sequence[str]]],
) -> str:
    """Return one HTML file in `lang`: reading guide, map (assets inlined, in an iframe), and
    tables with their notes (what each rests on, what the data cannot tell); nothing remote."""
    framed = html.escape(assets.inline(map_html), quote=True)
    local = as_of.astimezone(BANGKOK_TZ)
    meta = i18n.t(
        "brief_meta",
        lang,
        as_of=f"{local:%Y-%m-%d %H:%M}",
        made=f"{datetime.now(BANGKOK_TZ):%Y-%m-%d %H:%M}",
    )
    parts = [
        f"<!doctype html><html lang='{html.escape(lang)}'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='meta'>{html.escape(meta)}</p>",
        "<p class='meta'>" + " · ".join(html.escape(t) for t in filters_text) + "</p>",
        f"<h2>{html.escape(i18n.t('reading_guide', lang))}</h2><ul>",
        *(f"<li>{html.escape(line)}</li>" for line in guide),
        "</ul>",
        f"<h2>{html.escape(i18n.t('map_title', lang))}</h2><p class='meta'>{html.escape(method_text)}</p>",
        f"<iframe srcdoc=\"{framed}\" title='{html.escape(i18n.t('map_title', lang))}'></iframe>",
    ]
    for heading, frame, notes in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>{table_html(frame, lang)}")
        parts += [f"<p class='meta'>{html.escape(note)}</p>" for note in notes]
    parts.append("</body></html>")
    return "".join(parts)
