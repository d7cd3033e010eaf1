"""The dashboard's typography and styles: the French colon, HTML escaping, a short error
message and the page's CSS.

Its words (controls, headings, notices) are codes of the project's message catalog
(``D_...`` in :data:`workbench.messages.CATALOG`, rendered with :func:`workbench.messages.render`),
like the errors, reasons and warnings it shares with the reports and the command line.
"""
from __future__ import annotations

from typing import Any


def colon(lang: str) -> str:
    """The colon of the language: French puts a (no-break) space before it."""
    return "\u00a0: " if lang == "fr" else ": "


def esc(text: Any) -> str:
    import html

    return html.escape("" if text is None else str(text))


def short_error(exc: BaseException, limit: int = 80) -> str:
    """An exception's message cut to ``limit`` characters (what the page shows of an unexpected error)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


#: The page's styles (tables, badges, warning and error boxes, totals).
CSS = """<style>
.wb-table{border-collapse:collapse;font-size:12px;width:100%}
.wb-table th{position:sticky;top:0;background:#eef1f5;text-align:left;padding:3px 6px;border-bottom:1px solid #bbb}
.wb-table td{padding:2px 6px;border-bottom:1px solid #e3e3e3;vertical-align:top;line-height:1.3}
.wb-table td.id{white-space:nowrap}
.wb-table td.txt{max-width:190px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-table td.own{max-width:130px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-table td.num{text-align:right;white-space:nowrap}
.wb-table tr.wb-sel td{background:#e3f4e1}
.wb-rt td:nth-child(2){white-space:nowrap}
.wb-rt td:nth-child(3){max-width:190px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-rt td:nth-child(4){max-width:130px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-rt td:nth-child(1),.wb-rt td:nth-child(5),.wb-rt td:nth-child(6),.wb-rt td:nth-child(7){text-align:right;white-space:nowrap}
.wb-rt tr.wb-more td{font-style:italic;color:#555;text-align:left}
.wb-table tr.wb-inel td{color:#777}
.wb-badge{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;white-space:nowrap}
.wb-b-sel{background:#2e7d32;color:#fff}.wb-b-out{background:#ddd;color:#333}
.wb-b-fin{background:#1565c0;color:#fff}.wb-b-fout{background:#b71c1c;color:#fff}
.wb-warn{background:#fff4e5;border-left:4px solid #f0a020;padding:4px 8px;margin:2px 0;font-size:12px}
.wb-err{background:#fdecea;border-left:4px solid #d32f2f;padding:4px 8px;margin:2px 0;font-size:12px;white-space:pre-wrap}
.wb-ok{background:#edf7ed;border-left:4px solid #2e7d32;padding:4px 8px;margin:2px 0;font-size:12px}
.wb-kpi{display:inline-block;margin:0 18px 4px 0}.wb-kpi b{font-size:18px}
.wb-bar{display:inline-block;height:10px;background:#1565c0;vertical-align:middle}
</style>"""
