"""Coded messages (:class:`Message`, :class:`Text`) and their rendering in French or English.

The catalog's machinery, re-exported by :mod:`workbench.messages` (whose docstring describes the
templates and the parameters with a shape of their own).
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from collections.abc import Callable, Mapping
from typing import Any

from ..units import _group
from .codes import CATALOG

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"


@dataclass(frozen=True)
class Message:
    """A coded message: ``code`` in :data:`CATALOG` and its named parameters."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "fr", escape: Callable[[str], str] | None = None,
               words: Callable[[str], str] | None = None) -> str:
        """The message in ``lang``.  ``escape`` (HTML or Markdown escaping of data,
        :mod:`workbench.reporting.escape`) is applied to every parameter's text; ``words`` to the
        catalog's own words (e.g. ``html.escape`` for an HTML page; default: as they are)."""
        return _render(self.code, lang, self.params, escape, words)

    def __str__(self) -> str:  # the English wording (command line, logs, compatibility)
        return self.render("en")


def msg(code: str, **params: Any) -> Message:
    """A :class:`Message` (``code`` must be in :data:`CATALOG`)."""
    if code not in CATALOG:
        raise KeyError(f"unknown message code {code!r}")
    return Message(code, params)


class Text(str):
    """The English text of a coded message that keeps the message, so that it renders in another
    language (:meth:`render`) wherever it travels as a string: a table cell, a place in a file.

    Plain string operations (``+``, ``str()``, a CSV file) give plain English text: the message
    then only survives as the table's ``reason_code`` column where one is kept.
    """

    message: Message

    def __new__(cls, message: Message) -> Text:
        self = super().__new__(cls, message.render("en"))
        self.message = message
        return self

    def __reduce__(self):  # pickled with its message (the dashboard's cache)
        return (type(self), (self.message,))

    @property
    def code(self) -> str:
        return self.message.code

    def render(self, lang: str = "fr", escape: Callable[[str], str] | None = None,
               words: Callable[[str], str] | None = None) -> str:
        return self.message.render(lang, escape, words)


def code_of(text: Any) -> str:
    """The message code a :class:`Text` (or :class:`Message`) carries, ``""`` for plain text."""
    if isinstance(text, Message):
        return text.code
    m = getattr(text, "message", None)
    return m.code if isinstance(m, Message) else ""


def render_text(text: Any, lang: str = "fr", escape: Callable[[str], str] | None = None,
                words: Callable[[str], str] | None = None) -> str:
    """``text`` in ``lang`` when it carries a message (:class:`Text`, :class:`Message`); plain
    text (a third party's, or read back from a file) as it is, never re-parsed.

    ``escape`` (HTML or Markdown escaping, :mod:`workbench.reporting.escape`) is applied to a
    message's parameters and to plain text: what came from data is shown as text; ``words``
    to the catalog's own words."""
    if isinstance(text, Message):
        return text.render(lang, escape, words)
    m = getattr(text, "message", None)
    if isinstance(m, Message):
        return m.render(lang, escape, words)
    plain = "" if text is None else str(text)
    return escape(plain) if escape is not None else plain


_OPS = {"fr": {">": ">", ">=": "≥", "<": "<", "<=": "≤"}, "en": {">": ">", ">=": ">=", "<": "<", "<=": "<="}}
_AND = {"fr": " et ", "en": " and "}


def _number(value: Any, spec: str, lang: str) -> str:
    return _group(format(value, spec) if spec else str(value), lang)


def _param(name: str, value: Any, spec: str, lang: str, escape: Callable[[str], str] | None = None,
           words: Callable[[str], str] | None = None) -> str:
    esc = escape if escape is not None else (lambda text: text)
    wd = words if words is not None else (lambda text: text)
    if name == "suggestion":
        if not value:
            return ""
        return (wd(" (vouliez-vous dire « ") + esc(str(value)) + wd(" » ?)") if lang == "fr"
                else wd(" (did you mean '") + esc(str(value)) + wd("'?)"))
    if name == "choices":
        return ", ".join(esc(str(v)) for v in value)
    if name == "parts":
        return "; ".join(render_text(v, lang, escape, words) for v in value)
    if name == "bounds":
        return wd(_AND[lang]).join(wd(_OPS[lang][op] + " ") + esc(_number(x, 'g', lang)) for op, x in value)
    if isinstance(value, Message) or isinstance(getattr(value, "message", None), Message):
        return render_text(value, lang, escape, words)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return esc(_number(value, spec, lang))
    return esc(format(str(value), spec) if spec else str(value))


def render(code: str, lang: str = "fr", **params: Any) -> str:
    """The message ``code`` in ``lang`` with its parameters filled in.

    Raises ``KeyError`` for an unknown code or a missing parameter.
    """
    return _render(code, lang, params)


def _render(code: str, lang: str, params: Mapping[str, Any], escape: Callable[[str], str] | None = None,
            words: Callable[[str], str] | None = None) -> str:
    lang = lang if lang in LANGS else "en"
    template = CATALOG[code][lang]
    out = []
    for literal, name, spec, _conv in string.Formatter().parse(template):
        out.append(words(literal) if words is not None else literal)
        if name is not None:
            out.append(_param(name, params[name], spec or "", lang, escape, words))
    return "".join(out)


