"""A self-contained HTML brief of the current review, for the governor's meeting."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from dashboard import assets

STYLE = """
body{font-family:system-ui,'Sarabun','Noto Sans Thai',sans-serif;margin:24px;color:#222}
h1{margin-bottom:0} .meta{color:#555;margin-top:4px}
table{border-collapse:collapse;margin:8px 0 24px;font-size:13px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top} th{background:#f3f3f3}
iframe{border:1px solid #ccc;width:100%;height:560px}
"""


def table_html(frame: pd.DataFrame) -> str:
    """An escaped HTML table."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_text(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def build_brief(
    *,
    title: str,
    as_of: datetime,
    filters_text: Sequence[str],
    method_text: str,
    map_html: str,
    sections: Sequence[tuple[str, pd.DataFrame]],
) -> str:
    """Return one HTML file: map (assets inlined, in an iframe) and tables, nothing remote."""
    framed = html.escape(assets.inline(map_html), quote=True)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='meta'>Data as of {as_of:%Y-%m-%d %H:%M} UTC · generated {datetime.now():%Y-%m-%d %H:%M}</p>",
        "<p class='meta'>" + " · ".join(html.escape(t) for t in filters_text) + "</p>",
        f"<h2>Hotspots</h2><p class='meta'>{html.escape(method_text)}</p>",
        f"<iframe srcdoc=\"{framed}\" title='hotspot map'></iframe>",
    ]
    for heading, frame in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>{table_html(frame)}")
    parts.append("</body></html>")
    return "".join(parts)
