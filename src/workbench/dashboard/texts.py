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


#: The page's styles: tables, badges, warning and error boxes, totals, busy marks, a visible
#: keyboard focus (3 px), colours of at least 4.5:1 contrast on their background, and a layout that
#: keeps the status and reason columns on screen at 1280 px and stacks the panels below 1100 px.
CSS = """<style>
.wb-dashboard{gap:12px;align-items:flex-start;font-size:14px;color:#1a1a1a}
.wb-dashboard .wb-sidebar{flex:0 0 300px}
.wb-dashboard .wb-main{min-width:0}
.wb-h1{font-size:20px;margin:0 0 4px 0}
.wb-prov{font-size:13px}
.wb-table{border-collapse:collapse;font-size:12px;width:100%}
.wb-table th{position:sticky;top:0;background:#eef1f5;text-align:left;padding:3px 6px;border-bottom:1px solid #767676}
.wb-table td{padding:2px 6px;border-bottom:1px solid #e3e3e3;vertical-align:top;line-height:1.3}
.wb-table td.num{text-align:right;white-space:nowrap}
.wb-table tr.wb-sel td{background:#e3f4e1}
.wb-rt{table-layout:auto}
.wb-rt td:nth-child(2){white-space:nowrap}
.wb-rt td:nth-child(3){max-width:150px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-rt td:nth-child(4){max-width:100px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-rt td:nth-child(1),.wb-rt td:nth-child(5),.wb-rt td:nth-child(6),.wb-rt td:nth-child(7){text-align:right;white-space:nowrap}
.wb-rt td.wb-reason{min-width:200px;white-space:normal}
.wb-rt tr.wb-more td{font-style:italic;color:#4d4d4d;text-align:left}
.wb-table tr.wb-inel td{color:#4d4d4d}
.wb-table tr.wb-override td:first-child{box-shadow:inset 4px 0 0 #0b4f9c}
.wb-badge{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;white-space:nowrap}
.wb-b-sel{background:#1e6b22;color:#fff}.wb-b-out{background:#e0e0e0;color:#1a1a1a}
.wb-b-fin{background:#0b4f9c;color:#fff}.wb-b-fout{background:#a01818;color:#fff}
.wb-warn{background:#fff4e5;border-left:4px solid #b36b00;padding:4px 8px;margin:2px 0;font-size:12px}
.wb-err{background:#fdecea;border-left:4px solid #b3261e;padding:4px 8px;margin:2px 0;font-size:12px;white-space:pre-wrap}
.wb-ok{background:#edf7ed;border-left:4px solid #1e6b22;padding:4px 8px;margin:2px 0;font-size:12px}
.wb-problems{margin:2px 0;padding-left:18px}
.wb-kpi{display:inline-block;margin:0 18px 4px 0}.wb-kpi b{font-size:17px}
.wb-kpi small{font-size:12px;color:#3d3d3d}
.wb-fund{margin-top:4px;padding-top:4px;border-top:1px solid #d0d0d0}
.wb-note,.wb-small{font-size:12px;color:#333;margin:2px 0 6px 0}
.wb-busy{opacity:.45}
.wb-busy-text{font-style:italic;color:#1a1a1a}
.wb-chart{margin:0}
.wb-chart img{max-width:100%;height:auto}
.wb-chart-data summary{font-size:12px;cursor:pointer}
.wb-busy-line{min-height:18px;font-size:13px}
.wb-spinner{display:inline-block;width:10px;height:10px;margin-right:6px;border:2px solid #0b4f9c;border-right-color:transparent;border-radius:50%;animation:wb-spin 1s linear infinite}
@keyframes wb-spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion: reduce){.wb-spinner{animation:none}}
.wb-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.wb-scroll{overflow-x:auto}
.wb-table-scroll{max-height:460px;overflow:auto}
.wb-dashboard :focus-visible,.wb-dashboard .noUi-handle:focus,.wb-dashboard summary:focus{outline:3px solid #0b4f9c !important;outline-offset:2px}
.wb-dashboard button:focus,.wb-dashboard input:focus,.wb-dashboard select:focus,.wb-dashboard textarea:focus{outline:3px solid #0b4f9c !important;outline-offset:1px}
.wb-dashboard .widget-label,.wb-dashboard .widget-readout{color:#1a1a1a}
.wb-dashboard .widget-readout{border-color:#767676}
.wb-dashboard .jupyter-button{color:#1a1a1a;background-color:#e6e6e6}
.wb-dashboard .jupyter-button.mod-active{background-color:#0b4f9c;color:#fff}
.wb-dashboard .jupyter-button.mod-warning{background-color:#8a4b00;color:#fff}
.wb-dashboard input::placeholder,.wb-dashboard textarea::placeholder{color:#595959;opacity:1}
@media (max-width: 1100px){
 .wb-dashboard{flex-direction:column !important}
 .wb-dashboard .wb-sidebar{width:100% !important;min-width:0 !important;flex:1 1 auto}
 .wb-dashboard .wb-main{width:100% !important}
 .wb-dashboard .wb-charts{flex-direction:column !important}
 .wb-dashboard .wb-charts > .widget-box{width:100% !important}
}
</style>"""
