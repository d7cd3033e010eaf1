"""The portfolio the dashboard shows, exported as CSV or XLSX with its provenance."""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..files import csv_bytes, xlsx_bytes


def export_portfolio(table: pd.DataFrame, fmt: str, provenance: Mapping[str, Any]) -> bytes:
    """The ranked table as CSV (UTF-8 with BOM, ``;``) or XLSX bytes, with its provenance.

    Written by the same writer as the command line's tables (:mod:`workbench.files`): text
    beginning with ``= + - @``, tab or CR is never a live formula (XLSX cells typed as text, CSV
    cells with a leading ``'``) and characters XLSX cannot hold (NUL…) are removed.  The XLSX
    file holds a second sheet ``provenance``; the CSV file ends with ``# key: value`` lines.
    """
    if fmt == "csv":
        return csv_bytes(table, sep=";", bom=True, trailer=provenance)
    if fmt == "xlsx":
        prov = pd.DataFrame([(str(k), str(v)) for k, v in provenance.items()], columns=["key", "value"])
        return xlsx_bytes({"portfolio": table, "provenance": prov}, bold_header=True, no_header=("provenance",))
    raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")
