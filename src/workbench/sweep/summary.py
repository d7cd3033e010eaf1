"""What a sweep gives and writes: its result (:class:`SweepResult`, one row per scenario in sweep
order), ``summary.csv``, ``summary.html`` and ``failures.csv`` (:func:`write_summary`, atomically),
and the partial summary rewritten as results come (:func:`write_partial_summary`)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

import pandas as pd

from .tasks import Outcome


@dataclass
class SweepResult:
    """A finished sweep: ``summary`` (one row per scenario, in sweep order) and ``failures``."""

    name: str
    seed: int
    draws: int
    summary: pd.DataFrame
    executor: str
    wall_s: float
    param_columns: list[str]

    @property
    def failures(self) -> pd.DataFrame:
        return self.summary.loc[self.summary["status"] != "ok", ["scenario", "error"]]

    @property
    def n_failed(self) -> int:
        return int((self.summary["status"] != "ok").sum())


def _summary(tasks, outcomes, name, seed, described, wall) -> SweepResult:
    param_cols: list[str] = []
    for t in tasks:
        for k in t.params:
            if k not in param_cols:
                param_cols.append(k)
    rows = []
    for t in tasks:
        o = outcomes.get(t.index) or Outcome(t.index, t.name, "failed", {}, "not computed")
        row = {"scenario": t.name, "status": o.status, "seed": t.seed, "draws": t.draws}
        for k in param_cols:
            v = t.params.get(k)
            row[k] = json.dumps(v) if isinstance(v, (list, dict)) else v
        row.update({k: v for k, v in o.metrics.items() if k != "selected_ids"})
        row["error"] = o.error
        row["duration_s"] = round(o.duration_s, 4)
        row["cpu_s"] = round(o.cpu_s, 4)
        row["_selected_ids"] = o.metrics.get("selected_ids", "")
        rows.append(row)
    df = pd.DataFrame(rows)
    return SweepResult(name, seed, tasks[0].draws if tasks else 0, df, described, wall, param_cols)


def write_summary(result: SweepResult, out_dir: str | Path, lang: str = "fr") -> list[Path]:
    """Write ``summary.csv``, ``summary.html`` and ``failures.csv`` into ``out_dir`` (atomically).

    The CSV keeps raw values (euros, fractions) and the per-scenario duration; the HTML is a
    static, self-contained page with labelled, formatted columns and the list of failures, its
    text from data escaped and the reports' Content-Security-Policy in its head
    (:mod:`workbench.reporting.escape`).
    """
    from ..files import write_csv, write_folder, write_via
    from ..reporting.escape import add_csp, plain_text
    from ..reporting.labels import label, label_html, table_html

    out = Path(out_dir)
    summary = result.summary.drop(columns=["_selected_ids"])
    written = []
    pending: list[tuple[str, Callable[[Path], object]]] = []

    def put(path: Path, write) -> None:
        pending.append((path.name, write))
        written.append(path)

    put(out / "summary.csv", lambda p: write_csv(p, summary))
    put(out / "failures.csv", lambda p: write_csv(p, result.failures))
    shown = [c for c in summary.columns if c not in ("error", "duration_s", "cpu_s")]
    n, failed = len(summary), result.n_failed
    intro = label_html("sweep_intro", lang, n=n, ok=n - failed, failed=failed, seed=result.seed, draws=result.draws)
    fails = (table_html(result.failures, lang) if failed else f"<p>{label_html('sweep_no_failures', lang)}</p>")
    title = _esc(label('sweep_title', lang, name=plain_text(result.name)))
    page = add_csp(f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>{_CSS}</style></head><body>
<h1>{label_html('sweep_title', lang, name=result.name)}</h1>
<p>{intro}</p>
<p class="small">{_esc(result.executor)} — {result.wall_s:.1f} s</p>
{table_html(summary, lang, columns=shown)}
<h2>{label_html('sweep_failures_title', lang)}</h2>
{fails}
</body></html>
""")
    put(out / "summary.html", lambda p: write_via(p, lambda q: q.write_text(page, encoding="utf-8")))

    def build(tmp: Path) -> None:  # all or nothing: the three files move in together
        for fname, write in pending:
            write(tmp / fname)

    write_folder(out, build)
    return written


def write_partial_summary(result: SweepResult, out_dir: str | Path) -> Path:
    """``summary.csv`` of the scenarios finished so far, rewritten atomically as results come."""
    from ..files import write_csv

    return write_csv(Path(out_dir) / "summary.csv", result.summary.drop(columns=["_selected_ids"]))


_CSS = """body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;color:#222}
table.wb-table{border-collapse:collapse;font-size:12px}
table.wb-table th,table.wb-table td{border:1px solid #ccc;padding:3px 6px;text-align:right}
table.wb-table th{background:#eef}
.small{color:#666;font-size:12px}"""


def _esc(text: str) -> str:
    import html

    return html.escape(str(text))
