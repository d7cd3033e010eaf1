"""Before/after check of a refactoring through the command line: every table of a fixed set of runs.

Issue 11 asks that a layout change leave every table of "a simulation on each shipped scenario,
a ranking with and without robustness, a report and a sweep" unchanged.  This script runs that
set through the ``workbench`` command (so it does not depend on where functions live inside the
package) and either saves the files written or compares them with the saved ones:

- CSV files: compared cell for cell as text (so to the last digit), without the columns of elapsed
  times (``duration_s``, ``cpu_s``…);
- JSON files: compared as data, without the keys that change from run to run by nature
  (timestamps, elapsed times, paths of the output folder, the package's version string);
- other files (HTML, PNG, XLSX, notebooks): listed, not compared (they embed dates and paths).

Usage::

    PYTHONPATH=<old>/src python benchmarks/compare_cli_outputs.py save /tmp/cli_ref
    PYTHONPATH=<new>/src python benchmarks/compare_cli_outputs.py check /tmp/cli_ref

Exit status 1 and the differing files when anything changed.  ``--quick`` leaves out the report.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
P = ROOT / "parameters"
SCENARIOS = ("ftap_2018_2022", "fitn_2021_2022", "ftap_fitn_2021_2022", "ftap2_2023_2025", "ftap_2018_backtest")
VOLATILE = {"created", "created_utc", "timestamp", "started", "finished", "elapsed_s", "time_s", "seconds",
            "timing", "timings", "phases_s", "out", "output", "out_dir", "version", "workbench_version",
            "python", "platform", "host", "user", "duration_s", "wall_s", "cpu_s", "path", "paths",
            "wall_time_s", "solver_time_limit_s", "stages_s"}


def runs(quick: bool) -> list[tuple[str, list[str]]]:
    """(name, arguments of ``workbench``) of the fixed set; ``{out}`` is the run's folder."""
    out = [(f"simulate-{s}", ["simulate", str(P / f"{s}.yaml"), "--draws", "5000", "--seed", "1",
                              "--out", "{out}"]) for s in SCENARIOS]
    out += [
        ("rank-ftap", ["rank", str(P / "ftap_2018_2022.yaml"), "--out", "{out}"]),
        ("rank-ftap-robust", ["rank", str(P / "ftap_2018_2022.yaml"), "--robustness-samples", "100",
                              "--seed", "3", "--out", "{out}"]),
        ("rank-ftap-foresight", ["rank", str(P / "ftap_2018_2022.yaml"), "--perfect-foresight", "--out", "{out}"]),
        ("rank-fitn-robust", ["rank", str(P / "fitn_2021_2022.yaml"), "--robustness-samples", "50",
                              "--out", "{out}"]),
        ("sweep-grid", ["sweep", "--grid", str(P / "sweeps" / "weights_budget.yaml"), "--executor",
                        "sequential", "--draws", "500", "--no-progress", "--out", "{out}"]),
    ]
    if not quick:
        out.append(("report-ftap", ["run", str(P / "ftap_2018_2022.yaml"), "--draws", "500", "--no-pdf",
                                    "--out", "{out}"]))
    return out


def _strip(v):
    if isinstance(v, dict):
        if not str(v.get("file", ".csv")).endswith(".csv"):   # hashes of files not compared here
            v = {k: x for k, x in v.items() if k not in ("sha256", "bytes")}
        return {k: _strip(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [_strip(x) for x in v]
    return v


def _csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    keep = [i for i, c in enumerate(rows[0] if rows else []) if c not in VOLATILE]
    return [[r[i] for i in keep if i < len(r)] for r in rows]


def execute(folder: Path, quick: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_root.txt").write_text(str(ROOT))   # the checkout's path, replaced by <root> when comparing
    env = {**os.environ, "WORKBENCH_LANG": "fr"}
    for name, args in runs(quick):
        out = folder / name
        shutil.rmtree(out, ignore_errors=True)
        cmd = [sys.executable, "-c", "import sys; from workbench.cli import main; sys.exit(main())", *(a.replace("{out}", str(out)) for a in args)]
        r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        (folder / f"{name}.stdout").write_text(r.stdout)
        (folder / f"{name}.stderr").write_text(r.stderr)
        print(f"{name}: exit {r.returncode}", flush=True)


def compare(ref: Path, new: Path) -> list[str]:
    diffs = []
    for f in sorted(p for p in ref.rglob("*") if p.is_file()):
        rel = f.relative_to(ref)
        g = new / rel
        if not g.exists():
            diffs.append(f"missing: {rel}")
        elif f.suffix == ".csv":
            if _csv(f) != _csv(g):
                diffs.append(f"differs: {rel}")
        elif f.suffix == ".json":
            ta = f.read_text().replace((ref / "_root.txt").read_text(), "<root>")
            tb = g.read_text().replace((new / "_root.txt").read_text(), "<root>")
            try:
                a, b = _strip(json.loads(ta)), _strip(json.loads(tb))
            except ValueError:
                a, b = ta, tb
            if json.dumps(a, sort_keys=True, default=str) != json.dumps(b, sort_keys=True, default=str):
                diffs.append(f"differs: {rel}")
    for g in sorted(p for p in new.rglob("*") if p.is_file()):
        if not (ref / g.relative_to(new)).exists():
            diffs.append(f"new: {g.relative_to(new)}")
    return diffs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("save", "check"))
    ap.add_argument("folder", type=Path)
    ap.add_argument("--quick", action="store_true", help="without the report")
    a = ap.parse_args(argv)
    if a.action == "save":
        execute(a.folder, a.quick)
        return 0
    new = a.folder.with_name(a.folder.name + ".new")
    execute(new, a.quick)
    diffs = compare(a.folder, new)
    n = sum(1 for p in a.folder.rglob("*") if p.suffix in (".csv", ".json"))
    print(f"{n - len([d for d in diffs if not d.startswith('new')])} of {n} tables identical")
    for d in diffs:
        print(d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
