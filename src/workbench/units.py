"""Display of amounts and rates: euros in code and files, M€ on screen and in reports.

French format by default (the users are a French directorate): ``12,8 M€``, ``27,5 %``, with a
narrow no-break space as thousands separator; ``lang="en"`` gives ``12.8 M€``, ``27.5 %``.
"""
from __future__ import annotations

import math

NNBSP = "\u202f"  # narrow no-break space, French thousands separator


def _group(text: str, lang: str) -> str:
    if lang == "fr":
        return text.replace(",", NNBSP).replace(".", ",")
    return text


def meur(amount_eur: float, lang: str = "fr", digits: int = 1) -> str:
    """An amount in euros shown in millions of euros: ``meur(12_800_000) == '12,8 M€'``."""
    if amount_eur is None or (isinstance(amount_eur, float) and math.isnan(amount_eur)):
        return "–"
    return _group(f"{amount_eur / 1e6:,.{digits}f}", lang) + "\u00a0M€"


def pct(rate: float | None, lang: str = "fr", digits: int = 1) -> str:
    """A fraction shown as a percentage: ``pct(0.275) == '27,5 %'``."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "–"
    return _group(f"{rate * 100:,.{digits}f}", lang) + "\u00a0%"


def number(x: float, lang: str = "fr", digits: int = 0) -> str:
    """A plain number with the language's separators."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return _group(f"{x:,.{digits}f}", lang)
