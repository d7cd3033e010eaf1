"""Exporting an executed report: self-contained HTML readable offline (:func:`export_html`, checked
by :func:`external_loads` and :func:`active_content`) and a PDF printed from it by headless
Chromium with no network (:func:`print_pdf`)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..files import write_atomic, write_via
from .notebooks import ReportError


#: Time allowed for Chromium to print the PDF [s].
PDF_TIMEOUT_S = 120.0
CHROMIUM = "/usr/bin/chromium"


# nbconvert's "lab" template loads require.js, MathJax and Mermaid from a CDN: a report must be
# readable offline, so these blocks are emptied (reports hold no widget, formula or diagram).
_OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style>
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10pt; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
  table, table th, table td { font-size: 7pt !important; padding: 1px 3px !important; }
  table { max-width: 100% !important; }
  .jp-OutputArea-output img { max-width: 100% !important; height: auto !important; break-inside: avoid; }
  tr { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
</style>
{%- endblock extra_css -%}
"""


_LOAD_PATTERNS = [
    # elements that load what their src / href names
    re.compile(r"<(?:script|img|iframe|embed|source|audio|video|input)\b[^>]*?\bsrc\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]+)",
               re.I),
    re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]+)", re.I),
    re.compile(r"<object\b[^>]*?\bdata\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]+)", re.I),
    # CSS
    re.compile(r"@import\s+(?:url\()?\s*[\"']?((?:https?:)?//[^\"')\s;]+)", re.I),
    re.compile(r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.I),
    # JavaScript modules and loaders
    re.compile(r"\bimport\b[^;\n]*?\bfrom\s*[\"']((?:https?:)?//[^\"']+)", re.I),
    re.compile(r"\bimport\s*\(\s*[\"']((?:https?:)?//[^\"']+)", re.I),
]


def external_loads(html_text: str) -> list[str]:
    """Every resource an HTML page would fetch from the network (scripts, style sheets, images,
    frames, CSS imports, JS imports).  Plain links (``<a href>``) are not loads.  Empty for a
    self-contained report."""
    found: list[str] = []
    for pat in _LOAD_PATTERNS:
        for m in pat.finditer(html_text):
            if m.group(1) not in found:
                found.append(m.group(1))
    return found


#: Elements and attributes a report never holds (its tables and texts are escaped, its figures
#: are ``<img>`` of ``data:`` PNG): one of them in an exported page means text from data was not
#: escaped somewhere, and the export fails rather than write it.
_ACTIVE_CONTENT = re.compile(
    r"<(?:script|iframe|frame|frameset|object|embed|applet|base|form|svg|math|link|portal|template)\b"
    r"|<meta\s+http-equiv\s*=\s*[\"']?refresh"
    r"|<[a-z][^<>]*\son[a-z]+\s*=", re.I)


def active_content(html_text: str) -> list[str]:
    """Every script, frame, object, form, ``<base>``, SVG, ``<link>``, refresh or event-handler
    attribute (``onerror=``…) in an HTML page: what no report of the workbench holds (empty for a
    report whose data is escaped)."""
    return sorted({m.group(0)[:60] for m in _ACTIVE_CONTENT.finditer(html_text)})


def export_html(notebook: str | Path, html_path: str | Path, title: str) -> Path:
    """The executed notebook as self-contained HTML without code cells; ``title`` is the page's
    title (plain text: the caller isolates the data in it, :func:`workbench.reporting.escape.plain_text`).

    Cells tagged ``remove_cell`` are dropped (notes for developers), inputs and prompts hidden,
    figures embedded as PNG data; nothing is loaded from the internet.  The page carries the
    reports' Content-Security-Policy (:func:`workbench.reporting.escape.add_csp`: no script, frame
    or object; images only embedded, styles only inline; nothing from the network or ``file:``).

    Raises
    ------
    ReportError
        If the page would still load something from the network, or holds a script, frame,
        object, form or event handler (:func:`active_content`: text from data left unescaped).
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    cfg = Config()
    cfg.TagRemovePreprocessor.remove_cell_tags = ("remove_cell",)
    cfg.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=cfg, template_name="lab",
                            extra_loaders=[jinja2.DictLoader({"workbench_report.html.j2": _OFFLINE_TEMPLATE})],
                            template_file="workbench_report.html.j2", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True)
    exporter.register_preprocessor(TagRemovePreprocessor(config=cfg), enabled=True)
    from .escape import add_csp, balance_bidi

    nb = nbformat.read(str(notebook), as_version=4)
    # the page's <title> (nbconvert escapes it): plain text, its bidi controls balanced
    name = balance_bidi(" ".join(str(title).split()))
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    loads = external_loads(body)
    if loads:
        raise ReportError("the HTML report would load resources from the internet: " + ", ".join(loads))
    active = active_content(body)
    if active:
        raise ReportError("the HTML report would hold active content (text from data left unescaped): "
                          + ", ".join(active))
    return write_atomic(html_path, add_csp(body))


def find_chromium() -> str | None:
    """Debian's Chromium (``/usr/bin/chromium``), or ``chromium`` on the PATH, else ``None``."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


#: Chromium's options for printing a report: headless, a throw-away profile (``--user-data-dir``
#: added per run), no background service, and no network at all: every request goes to a proxy
#: that does not exist (``127.0.0.1:9``; loopback addresses included, ``<-loopback>``) and no host
#: name resolves.  File access is left at Chromium's default for a ``file:`` page (no
#: ``--allow-file-access-from-files``); what a page may load is forbidden by its
#: Content-Security-Policy, and the page is printed from a copy alone in a fresh folder.
CHROMIUM_PRINT_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-extensions", "--disable-sync", "--no-first-run", "--no-default-browser-check",
    "--disable-component-update", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--no-pings", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-pdf-header-footer",
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def print_pdf(html_path: str | Path, pdf_path: str | Path, chromium: str | None = None,
              timeout_s: float = PDF_TIMEOUT_S) -> Path:
    """Print an HTML file to PDF with headless Chromium (no network, throw-away profile).

    The page printed is a copy of ``html_path`` alone in a fresh temporary folder (a relative
    path in it names nothing), with :data:`CHROMIUM_PRINT_ARGS`; the page's own
    Content-Security-Policy (:func:`export_html`) keeps it from running a script or loading any
    file or URL.

    Raises
    ------
    ReportError
        If Chromium fails, times out or writes no PDF.
    """
    chromium = chromium or find_chromium()
    if not chromium:
        raise ReportError("Chromium is not installed: no PDF")
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    return write_via(pdf_path, lambda tmp: _chromium_print(chromium, html_path, tmp, timeout_s))


def _chromium_print(chromium: str, html_path: Path, tmp: Path, timeout_s: float) -> None:
    with tempfile.TemporaryDirectory(prefix="wb-chromium-") as profile, \
            tempfile.TemporaryDirectory(prefix="wb-print-") as alone:
        page = Path(alone) / "report.html"
        shutil.copyfile(html_path, page)
        cmd = [chromium, *CHROMIUM_PRINT_ARGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", page.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not print the PDF within {timeout_s:g} s") from None
    if proc.returncode != 0 or not tmp.exists() or tmp.read_bytes()[:5] != b"%PDF-":
        err = " ".join((proc.stderr or "").split())[-400:]
        raise ReportError(f"Chromium failed to print the PDF (exit {proc.returncode}): {err}")
