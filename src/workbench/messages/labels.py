"""The words of tables and reports (:data:`~workbench.messages.words.LABELS`), filled and shown.

:func:`label` (a text of the catalog with its ``{placeholders}`` filled), :func:`header` (a
column's header) and :func:`format_cell` (a value shown by the package's naming convention: a
column ending in ``_eur`` in M€, ``_rate`` and ``_probability`` in %) are the words every layer
may use: a module that needs a word imports it from :mod:`workbench.messages`, not from the
reporting layer (:mod:`workbench.reporting.labels` re-exports them beside its tables, Markdown
and HTML).
"""
from __future__ import annotations

import math
from typing import Any

from ..units import meur, number, pct
from .core import DEFAULT_LANG, Message
from .words import LABELS, VALUE_LABELS


def label(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The text of ``key`` in ``lang``, its ``{placeholders}`` filled from ``values``.

    Raises ``KeyError`` for an unknown key (a typo must not silently show a raw key in a report).
    """
    entry = LABELS[key]
    text = entry.get(lang, entry[DEFAULT_LANG])
    return text.format(**values) if values else text


def header(column: str, lang: str = DEFAULT_LANG) -> str:
    """A column's header: its label when one exists, else the column name itself."""
    entry = LABELS.get(str(column))
    return entry.get(lang, entry[DEFAULT_LANG]) if entry else str(column)


def _missing(value: Any) -> bool:
    """``None``, pandas' ``NA`` or a float NaN (pandas is not imported for it)."""
    return value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and math.isnan(value))


def format_cell(column: str, value: Any, lang: str = DEFAULT_LANG) -> str:
    """One value shown by the package's naming convention (``_eur`` in M€, rates in %)."""
    col = str(column)
    if _missing(value):
        return "–"
    if isinstance(getattr(value, "message", None), Message):   # a coded reason or warning
        return value.render(lang)
    if isinstance(value, str) and col in VALUE_LABELS and value in VALUE_LABELS[col]:
        entry = VALUE_LABELS[col][value]
        return entry.get(lang, entry[DEFAULT_LANG])
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return label("yes" if value else "no", lang)
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        try:
            x = float(value) + 0.0  # + 0.0: no "-0"
        except (TypeError, ValueError):
            return str(value)
        if x == 0:
            x = 0.0
        if col.endswith("_eur"):
            return meur(x, lang)
        if (col.endswith("_rate") or col.endswith("_probability") or col.startswith("p_")
                or col in ("selection_frequency",)):
            return pct(x, lang)
        if col in ("year", "seed", "draws", "candidates") or col.startswith("n_") or col.endswith("_year"):
            return str(int(x)) if float(x).is_integer() else number(x, lang, 2)
        if float(x).is_integer() and abs(x) < 1e15:
            return number(x, lang, 0)
        return number(x, lang, 2 if abs(x) < 1000 else 0)
    return str(value)
