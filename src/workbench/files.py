"""Writing output files safely: atomically, and never with a live spreadsheet formula.

Every output of the workbench goes through these functions:

- :func:`write_atomic` / :func:`write_via` write to a temporary name in the target's folder and
  rename it over the target (``os.replace``), so a reader never sees a half-written file and a
  failure leaves the previous file untouched.
- :func:`safe_cells` makes text cells that begin with ``=``, ``+``, ``-`` or ``@`` inert in a
  CSV (a leading apostrophe, as OWASP advises against CSV injection): a title copied from a
  spreadsheet never runs as a formula when the CSV is opened.
- :func:`write_xlsx` writes tables to a workbook in which every text cell is stored as text.
"""
from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@")


def write_via(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it to ``path``.

    The folder is created if needed; on any error the temporary file is removed and ``path``
    keeps its previous content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_atomic(path: str | Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text in ``encoding``) to ``path`` atomically."""
    blob = data.encode(encoding) if isinstance(data, str) else bytes(data)
    return write_via(path, lambda p: p.write_bytes(blob))


def safe_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells beginning with ``= + - @`` get a leading apostrophe (CSV only)."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            out[c] = col.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def write_csv(path: str | Path, df: pd.DataFrame) -> Path:
    """A table as UTF-8 CSV without index, formula-like text made inert, written atomically."""
    return write_via(path, lambda p: safe_cells(df).to_csv(p, index=False, encoding="utf-8"))


def _cell(v: object) -> object:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (int, float, str)):
        return v
    return str(v)


def write_xlsx(path: str | Path, tables: Mapping[str, pd.DataFrame]) -> Path:
    """An XLSX workbook, one sheet per table (name cut to 31 characters), written atomically.

    Every text cell is stored as text (``data_type = "s"``): a cell beginning with ``= + - @``
    keeps its characters and never becomes a live formula.
    """
    from openpyxl import Workbook

    def write(tmp: Path) -> None:
        wb = Workbook()
        wb.remove(wb.active)
        for name, df in tables.items():
            ws = wb.create_sheet(title=str(name)[:31])
            ws.append([str(c) for c in df.columns])
            for rec in df.itertuples(index=False):
                ws.append([_cell(v) for v in rec])
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        cell.data_type = "s"
        wb.save(tmp)

    return write_via(path, write)
