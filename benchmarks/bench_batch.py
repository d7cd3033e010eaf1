"""Benchmark of batch reports: the overhead of a report (kernel start, notebook execution,
HTML and PDF conversion) against the computation it shows.

For each scenario: the computation the report notebook makes, timed in this process (load,
portfolio ranking with robustness, frontier, envelope simulation, figures rendered to PNG); then
``workbench.reporting.batch.run_report`` end to end, with its phases from ``run.json``; and an empty
parameterized notebook through papermill (kernel start and shutdown alone).  Prints medians.

    python benchmarks/bench_batch.py [--repeats 3] [--full]

``--full`` adds the default FTAP scenario (what ``make run`` does, about a minute and a half).
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from workbench.reporting import batch, charts
from workbench import load_candidates, load_scenario, pipeline, selection as portfolio

#: The notebook's defaults (notebooks/report.ipynb parameters cell).
ROBUSTNESS, FRONTIER = 50, 20


def computation(path: Path) -> float:
    """The report's computation in this process [s]."""
    t = time.perf_counter()
    scn = load_scenario(path)
    cands = load_candidates(scn)
    ev = pipeline.evaluate(scn, cands, robustness_samples=ROBUSTNESS)
    rk, sim = ev.ranking, ev.simulation
    order = pipeline.funding_order(rk.table)
    fr = portfolio.frontier(scn, cands, n=FRONTIER)
    figs = [charts.frontier_chart(fr), charts.selection_frequency_chart(rk.table, selected=order),
            charts.committed_vs_paid(sim)] + [charts.fan_chart(sim, fund=f) for f in scn.funds]
    for f in figs:
        f.savefig(io.BytesIO(), dpi=150, format="png", bbox_inches="tight")
    return time.perf_counter() - t


def empty_notebook_s(tmp: Path) -> float:
    import papermill as pm

    nb = nbformat.v4.new_notebook()
    c = nbformat.v4.new_code_cell("x = 1")
    c.metadata["tags"] = ["parameters"]
    nb.cells = [c]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp / "empty.ipynb"))
    t = time.perf_counter()
    pm.execute_notebook(str(tmp / "empty.ipynb"), str(tmp / "empty.out.ipynb"), parameters={"x": 2},
                        progress_bar=False, execution_timeout=60)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="also the default FTAP scenario (make run)")
    args = ap.parse_args()
    scenarios = [ROOT / "tests" / "data" / "small_report.yaml", ROOT / "parameters" / "fitn_2021_2022.yaml"]
    if args.full:
        scenarios.append(ROOT / "parameters" / "ftap_2018_2022.yaml")
    print(f"bench_batch: report notebook, the scenarios' draws, {ROBUSTNESS} robustness samples, {FRONTIER} frontier points; "
          f"median of {args.repeats} (1 for FITN/FTAP)")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        empties = [empty_notebook_s(tmp) for _ in range(args.repeats)]
        print(f"  empty parameterized notebook through papermill (kernel start + stop): "
              f"{statistics.median(empties):.2f} s")
        print(f"  {'scenario':<18} {'compute':>8} {'execute':>8} {'html':>6} {'pdf':>6} {'total':>7} "
              f"{'overhead':>9} {'overhead/compute':>17}")
        for path in scenarios:
            n = args.repeats if "small" in path.name else 1
            comp, rows = [], []
            for _ in range(n):
                comp.append(computation(path))
                res = batch.run_report(path, out=tmp / "out")
                ex = json.loads((res.folder / "run.json").read_text())["execution"]
                rows.append((ex["execute_s"], ex["html_s"], ex.get("pdf_s", 0.0), res.run_info["duration_s"]))
            c = statistics.median(comp)
            e, h, p, tot = (statistics.median(r[i] for r in rows) for i in range(4))
            over = tot - c
            print(f"  {load_scenario(path).name:<18} {c:8.2f} {e:8.2f} {h:6.2f} {p:6.2f} {tot:7.2f} {over:9.2f} "
                  f"{over / c:17.2f}")
    print("  (seconds; overhead = total - compute: kernel start, notebook machinery, HTML and PDF)")


if __name__ == "__main__":
    main()
