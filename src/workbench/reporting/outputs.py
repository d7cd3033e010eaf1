"""What the report notebook calls to write into its output folder (atomically): its tables as CSV
and XLSX (:func:`write_tables`), its figures as PNG (:func:`save_figure`, :func:`figure`) and its
answer box (:func:`write_answer`).  The notebook reaches them as ``batch.write_tables`` etc."""
from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Mapping

import pandas as pd

from ..files import write_atomic, write_csv, write_via, write_xlsx


def write_tables(folder: str | Path | None, tables: Mapping[str, pd.DataFrame],
                 xlsx: str | None = None) -> list[Path]:
    """Write tables as ``<name>.csv`` (UTF-8, raw euros) and optionally all of them in one XLSX.

    Each file is written to a temporary name in the same folder, then renamed.  In the XLSX every
    text cell is written as text: a cell beginning with ``= + - @`` (a project title copied from
    a spreadsheet, say) never becomes a live formula.

    Parameters
    ----------
    folder : path or None
        The output folder; ``None`` writes nothing (a notebook run interactively).
    tables : mapping of str to DataFrame
        File stem -> table.
    xlsx : str, optional
        Stem of an XLSX workbook holding every table, one sheet each.
    """
    if folder is None:
        return []
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        written.append(write_csv(folder / f"{name}.csv", df))
    if xlsx:
        written.append(write_xlsx(folder / f"{xlsx}.xlsx", tables))
    return written


def save_figure(fig, folder: str | Path | None, name: str, dpi: int = 150) -> Path | None:
    """Save a matplotlib figure as ``<folder>/<name>.png`` (atomically); ``None`` folder: no-op."""
    if folder is None:
        return None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return write_via(folder / f"{name}.png", lambda p: fig.savefig(p, dpi=dpi, bbox_inches="tight", format="png"))


def figure(fig, folder: str | Path | None = None, name: str | None = None, dpi: int = 150, width_px: int = 680):
    """A figure for a report: saved as ``<folder>/<name>.png`` when a folder is given, returned as
    a static PNG image to display (no interactive backend, nothing fetched when the HTML opens)."""
    import io

    from IPython.display import Image

    if folder is not None and name:
        save_figure(fig, folder, name, dpi)
    buf = io.BytesIO()
    fig.savefig(buf, dpi=dpi, bbox_inches="tight", format="png")
    return Image(data=buf.getvalue(), format="png", width=width_px)


def write_answer(folder: str | Path | None, box) -> Path | None:
    """The report's answer box (:func:`workbench.reporting.summaries.answer_box`) as
    ``answer.json``: its figures and its text, which ``workbench run`` prints after the run."""
    if folder is None:
        return None
    data = {"figures": box.figures, "text": box.text(), "lang": box.lang}
    return write_atomic(Path(folder) / "answer.json",
                        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
