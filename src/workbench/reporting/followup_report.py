"""The follow-up's folder: a status's tables, fan chart, XLSX export, provenance and, when asked,
its report notebook (``workbench status``, :func:`write_status`).

The folder is written atomically (built in a temporary sibling folder, then renamed; the group
can read it as the umask allows).  What is written is computed by :mod:`workbench.followup.status`.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import InputError, Problem
from ..files import write_csv, write_xlsx
from ..followup import position as Po
from ..followup.status import Status, tables
from ..messages import msg


def _mode_for_group() -> tuple[int, int]:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask, 0o666 & ~mask


REPORT_NOTEBOOK = "followup.ipynb"


def write_status(status: Status, out: str | Path, lang: str = "fr", report: dict | None = None) -> Path:
    """Write the status's tables, fan chart, XLSX export and provenance into ``out``.

    Built in a temporary folder beside ``out`` and moved into place: a failure leaves ``out`` as it
    was.  Folder and files get the modes the umask allows (group-readable under the usual 022/002).

    ``report``: the parameters of ``notebooks/followup.ipynb`` (``scenario_path``, ``book_path``,
    ``as_of``, ``draws``, ``seed``, ``lang``…); when given, the notebook is executed through
    papermill (:func:`workbench.reporting.batch.execute_notebook`) and exported as ``followup.html``
    (:func:`workbench.reporting.batch.export_html`, no code, self-contained, its text from data
    escaped and its Content-Security-Policy in its head) beside the tables; the executed notebook
    records no folder of the machine (:func:`workbench.reporting.batch.portable_notebook`).  A
    failing notebook raises :class:`workbench.reporting.batch.ReportError` and writes nothing.
    """
    from ..messages import label
    from .followup_charts import fan_chart

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError([Problem("<option>", "--out", str(out), msg("E_OUT_NOT_FOLDER"))])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    dmode, fmode = _mode_for_group()
    try:
        for name, df in tables(status).items():
            write_csv(tmp / name, df)
        fig = fan_chart(status.reforecast, lang=lang)
        fig.savefig(tmp / "fan_chart.png", dpi=110)
        write_xlsx(tmp / "position.xlsx", {
            label("fu_sheet_book", lang): Po.book_layout(status.book, status.position),
            label("fu_sheet_funds", lang): status.position.funds,
            label("fu_sheet_origin", lang): status.position.outstanding_by_origin,
        })
        if report is not None:
            from ..files import shown_path
            from .batch import execute_notebook, export_html, find_notebook, portable_notebook

            nb = find_notebook(REPORT_NOTEBOOK)
            execute_notebook(nb, tmp / REPORT_NOTEBOOK, report, cwd=nb.parent)
            # the executed notebook names no folder of this machine (paths as the report shows them)
            portable_notebook(tmp / REPORT_NOTEBOOK, {k: shown_path(v) if v else v for k, v in report.items()
                                                      if k in ("scenario_path", "book_path")})
            export_html(tmp / REPORT_NOTEBOOK, tmp / "followup.html",
                        title=label("followup_title", lang, as_of=status.as_of.isoformat()))
        (tmp / "provenance.json").write_text(json.dumps(status.provenance, indent=2, ensure_ascii=False, default=str),
                                             encoding="utf-8")
        for f in tmp.iterdir():
            os.chmod(f, fmode)
        os.chmod(tmp, dmode)
        if not out.exists():
            os.replace(tmp, out)
        else:
            for f in sorted(tmp.iterdir()):
                os.replace(f, out / f.name)
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
