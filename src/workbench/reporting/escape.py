"""Text from data shown as text in the reports, and the reports' Content-Security-Policy.

Every text a report shows that comes from a file (a project's title, owner or id, a scenario's
name or title, a fund code, a file name, a laureate book's column) is *data*: it is shown
literally, never read as HTML or Markdown.  The helpers here are the one place that turns such
a text into markup:

- :func:`html_text` for HTML (element content, table cells and headers): ``& < > " '`` become
  entities;
- :func:`markdown_text` for Markdown (the report notebooks' ``display(Markdown(...))``): the
  same entities, a backslash before the punctuation Markdown reads within a line (``*`` ``_``
  ````` ``[`` ``(`` ``|`` ``~`` ``$`` ``:`` …) and before a heading, list or quote marker at
  its start, line breaks turned into spaces, so that no emphasis, link, autolink, code span,
  table cell, heading, list or raw HTML can start in the data; :func:`markdown_code` shows a
  text in the code font the same way;
- :func:`plain_text` for places that hold text only (an HTML ``<title>``, an attribute), with
  the bidi handling below.

**Bidirectional controls.**  A text holding right-to-left characters or the Unicode bidi
controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/U+200F/U+061C
marks) is *isolated*: wrapped in ``<bdi>…</bdi>`` in HTML and Markdown (between U+2068 FSI and
U+2069 PDI in plain text), so that it cannot reorder the report's text around it.  Its controls
are first *balanced* (:func:`balance_bidi`): a terminator without an opener (a U+2069 PDI or a
U+202C PDF that would close the report's own isolate) is dropped, and an isolate or embedding
left open is closed at the end of the text.  Otherwise the text is kept as it is, controls
included: within itself it reads as the data says.

**Content-Security-Policy.**  :data:`REPORT_CSP` forbids every script, frame, object, form,
``<base>``, font or connection, allows images only as ``data:`` URLs (figures are embedded PNG)
and styles only inline (the report's own style sheet).  :func:`add_csp` puts it as a ``<meta>``
at the top of ``<head>`` of every HTML report (``report.html``, ``followup.html``,
``comparison.html``, the sweep's ``summary.html``): whatever escaped the escaping could neither
run nor load anything, from the network or from ``file:``.  See
``docs/operations/report-security.md``.
"""
from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

#: Explicit bidi controls: embeddings and overrides (LRE, RLE, PDF, LRO, RLO), isolates (LRI, RLI,
#: FSI, PDI) and marks (LRM, RLM, ALM).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_EMBED_OPEN, _EMBED_CLOSE = frozenset("\u202a\u202b\u202d\u202e"), "\u202c"
_ISOLATE_OPEN, _ISOLATE_CLOSE = frozenset("\u2066\u2067\u2068"), "\u2069"
#: Bidi classes that may reorder the text around them (right-to-left letters, Arabic numbers,
#: and the explicit controls).
_RTL_CLASSES = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
#: Line breaks of every kind (a Markdown text must stay on its line: no heading, list or table row).
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
#: ASCII punctuation that Markdown may read anywhere in a line: emphasis, code spans, links and
#: images, GFM tables and strikethrough, nbconvert's ``$`` maths, ``scheme:`` autolinks.
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()!|~$:])")
#: What Markdown reads only at the start of a line: a heading's ``#`` (nbconvert's Markdown
#: needs no space after it), a list's ``-`` ``+`` or ``1.`` followed by a space (or the end), a
#: setext underline or rule (``===``, ``---``); a block quote's ``>`` is an entity already and
#: ``*`` is escaped everywhere.
_MD_LINE_START = re.compile(r"^(\s*)(?:(#|[+=\-](?=[\s+=\-]|$))|(\d{1,9})(?=[.)](?:\s|$)))")


def needs_isolation(text: str) -> bool:
    """Whether ``text`` holds a right-to-left character or a bidi control (it may then reorder
    the text around it unless isolated)."""
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES or ch in BIDI_CONTROLS for ch in text)


def balance_bidi(text: str) -> str:
    """``text`` with its bidi controls balanced: a PDF (U+202C) or PDI (U+2069) that closes
    nothing opened in ``text`` is dropped; embeddings, overrides and isolates left open are closed
    at the end.  Nothing else changes."""
    if not any(ch in BIDI_CONTROLS for ch in text):
        return text
    out: list[str] = []
    stack: list[str] = []   # "e" (embedding / override) or "i" (isolate), innermost last
    for ch in text:
        if ch in _EMBED_OPEN:
            stack.append("e")
        elif ch in _ISOLATE_OPEN:
            stack.append("i")
        elif ch == _EMBED_CLOSE:
            if not stack or stack[-1] != "e":    # closes nothing of this text (or crosses an isolate)
                continue
            stack.pop()
        elif ch == _ISOLATE_CLOSE:
            if "i" not in stack:                 # would close the report's own isolate
                continue
            while stack.pop() != "i":            # a PDI also closes the embeddings inside its isolate
                pass
        out.append(ch)
    out.extend(_EMBED_CLOSE if kind == "e" else _ISOLATE_CLOSE for kind in reversed(stack))
    return "".join(out)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def html_text(value: Any) -> str:
    """``value`` as HTML text: entities for ``& < > " '``; isolated in ``<bdi>`` when it holds
    right-to-left text or bidi controls (balanced first)."""
    text = _text(value)
    if needs_isolation(text):
        return "<bdi>" + html.escape(balance_bidi(text), quote=True) + "</bdi>"
    return html.escape(text, quote=True)


def plain_text(value: Any) -> str:
    """``value`` for a place that holds plain text only (an HTML ``<title>``, a PDF's metadata,
    before that place's own escaping): isolated between U+2068 FSI and U+2069 PDI when it holds
    right-to-left text or bidi controls (balanced first); line breaks turned into spaces."""
    text = _LINE_BREAKS.sub(" ", _text(value))
    return "\u2068" + balance_bidi(text) + "\u2069" if needs_isolation(text) else text


class MarkdownText(str):
    """A text already made safe for Markdown (by :func:`markdown_text`, :func:`markdown_code` or
    from the catalog's own templates): :func:`workbench.reporting.labels.label_md` inserts it as
    it is instead of escaping it again."""


def markdown_text(value: Any) -> MarkdownText:
    """``value`` shown literally in Markdown: ``& < > " '`` as entities, a backslash before the
    other ASCII punctuation, line breaks as spaces; isolated in ``<bdi>`` when it holds
    right-to-left text or bidi controls (balanced first).  A :class:`MarkdownText` is returned
    unchanged."""
    if isinstance(value, MarkdownText):
        return value
    text = _LINE_BREAKS.sub(" ", _text(value))
    isolate = needs_isolation(text)
    if isolate:
        text = balance_bidi(text)
    text = _MD_PUNCT.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\"),
                              text)
    text = html.escape(text, quote=True)     # & < > " ' as entities (no backslash before them)
    return MarkdownText(f"<bdi>{text}</bdi>" if isolate else text)


def markdown_code(value: Any) -> MarkdownText:
    """``value`` shown literally in the code font in Markdown (``<code>`` around
    :func:`markdown_text`: a backtick in the data cannot end a code span)."""
    return MarkdownText(f"<code>{markdown_text(value)}</code>")


# --------------------------------------------------------------------------------------------
# the reports' Content-Security-Policy
# --------------------------------------------------------------------------------------------
#: What an HTML report may load or run: nothing but its own inline styles and embedded images.
#: ``default-src 'none'`` covers what is not named (connections, fonts, media, workers, manifests,
#: prefetches); frames, objects, ``<base>`` and form submissions are forbidden by name because
#: they do not all fall back to ``default-src``.
REPORT_CSP = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "font-src 'none'; connect-src 'none'; media-src 'none'; frame-src 'none'; child-src 'none'; "
              "worker-src 'none'; object-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'")

#: The ``<meta>`` elements :func:`add_csp` puts at the top of ``<head>``: the policy, and no
#: ``Referer`` sent should a link be followed.
CSP_META = (f'<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}">'
            '<meta name="referrer" content="no-referrer">')

_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)


def add_csp(page: str) -> str:
    """``page`` (a whole HTML document) with :data:`CSP_META` right after its ``<head>`` tag,
    before anything else of the page (a CSP ``<meta>`` only governs what follows it).

    Raises ``ValueError`` for a page without ``<head>`` (a report is always a whole document).
    """
    m = _HEAD.search(page)
    if m is None:
        raise ValueError("an HTML report without <head>: the Content-Security-Policy has no place")
    return page[:m.end()] + CSP_META + page[m.end():]


def has_csp(page: str) -> bool:
    """Whether ``page`` carries :data:`REPORT_CSP` in ``<head>`` before any other element but
    ``<meta charset>``."""
    m = _HEAD.search(page)
    return m is not None and page[m.end():].lstrip().startswith(CSP_META)
