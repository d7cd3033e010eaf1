"""The portfolio the dashboard shows, exported as CSV or XLSX with its provenance, in the page's
language: headers and words from the catalog (:mod:`workbench.messages`), amounts in euros."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..files import csv_bytes, xlsx_bytes
from ..messages import render, render_text

#: The columns exported, in order, each with its header's label (:data:`workbench.messages.LABELS`).
EXPORT_COLUMNS = ("id", "title", "owner", "call", "envelope", "eligible", "selected", "funding", "paying_envelope",
                  "requested_eur", "funded_eur", "total_cost_eur", "value", "value_per_meur", "override",
                  "override_reason", "reason", "flag", "selection_frequency")


def export_table(table: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """The view's rows for a file: :data:`EXPORT_COLUMNS` present in ``table``, headers in
    ``lang``, yes/no, funding modes, overrides and reasons in words of ``lang``; amounts stay
    numbers in euros, rates fractions (a spreadsheet computes with them)."""
    from ..messages import header, label

    cols = [c for c in EXPORT_COLUMNS if c in table.columns]
    out = {}
    for c in cols:
        v = table[c]
        if c in ("eligible", "selected"):
            v = [label("yes" if bool(x) else "no", lang) for x in v]
        elif c == "funding":
            words = {"full": "D_FUNDING_FULL", "phase1": "D_FUNDING_PHASE1"}
            v = [render(words[x], lang) if x in words else str(x or "") for x in v]
        elif c == "override":
            v = [render("D_FORCED_IN" if x == "force_in" else "D_FORCED_OUT", lang) if x else "" for x in v]
        elif c in ("reason", "flag"):
            v = [render_text(x, lang) if x is not None and x == x else "" for x in v]
        out[header(c, lang)] = list(v)
    return pd.DataFrame(out)


def export_portfolio(table: pd.DataFrame, fmt: str, provenance: Mapping[str, Any], lang: str = "fr") -> bytes:
    """The table as CSV (UTF-8 with BOM, ``;``) or XLSX bytes, with its provenance.

    Written by the same writer as the command line's tables (:mod:`workbench.files`): text
    beginning with ``= + - @``, tab or CR is never a live formula (XLSX cells typed as text, CSV
    cells with a leading ``'``) and characters XLSX cannot hold (NUL…) are removed.  The XLSX
    file holds a second sheet (its name and headers in ``lang``); the CSV file ends with
    ``# key: value`` lines.
    """
    if fmt == "csv":
        return csv_bytes(table, sep=";", bom=True, trailer=provenance)
    if fmt == "xlsx":
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        t = table.copy()
        for col in t.columns:
            if t[col].dtype == object or pd.api.types.is_string_dtype(t[col]):
                t[col] = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in t[col]]
        prov = pd.DataFrame([(str(k), str(v)) for k, v in provenance.items()],
                            columns=[render("D_EXPORT_KEY", lang), render("D_EXPORT_VALUE", lang)])
        return xlsx_bytes({render("D_EXPORT_SHEET", lang): t, render("D_EXPORT_PROVENANCE", lang): prov},
                          bold_header=True, no_header=(render("D_EXPORT_PROVENANCE", lang),))
    raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")
