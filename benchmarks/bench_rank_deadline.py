"""Benchmark of ``workbench rank --time-limit-s`` on 200,000 candidates: the command's wall time
against its limit (prints figures; not a test).

The candidates are a synthetic pipeline (``workbench.generator.generate_pipeline``, seed 1: one
FITN call over two sub-envelopes, 10 % of candidates eligible to both, 20 % with a first phase)
written once to a CSV file; the scenario is the tests' small FITN scenario (100 M€, one call).
Each run is its own process (``python -m workbench.cli rank``), as a user runs it; its wall time,
CPU time and peak resident memory (``wait4``'s ``ru_maxrss``) are measured, and its stages are
read back from ``portfolio.json`` (``command.stages_s``: reading, selection; writing is the rest).
The machine is shared: the load average and the CPU time say how much of the wall time was the
command's.  ``--src`` runs another checkout's sources (e.g. ``/work/main/src``, the code before
the whole-command deadline) for comparison.

Usage::

    python benchmarks/bench_rank_deadline.py [--rows 200000] [--limits 5 20] [--repeat 3] [--src DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = """# the tests' small FITN scenario (tests/data/broken/base_small.yaml)
name: small
horizon: {start_year: 2021, end_year: 2022}
funds:
  FITN:
    envelope_eur: 100000000
    sub_envelopes:
      ITN1: {amount_eur: 60000000}
      ITN2: {amount_eur: 40000000}
calls:
  - {id: C1, fund: FITN, decision: 2021-06-01, envelopes: [ITN1, ITN2]}
criteria:
  weights: {strategic: 1, service: 1, savings: 1, governance: 1}
"""


def candidates(rows: int, path: Path) -> None:
    from workbench.generator import generate_pipeline

    scale = rows / 324   # FITN's synthetic pipeline size, about three times oversubscribed
    c = generate_pipeline(rows, 1.1e9 * scale, 0.8e9 * scale, np.random.default_rng(1), call_id="C1",
                          envelopes=["ITN1", "ITN2"], envelope_weights=[0.6, 0.4], fund_share_cap=0.75,
                          multi_envelope_rate=0.1, dependency_rate=0.0, phase1_rate=0.2)
    c.to_csv(path, index=False)


def run(src: Path, argv: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src), "WORKBENCH_LANG": "en"}
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "workbench.cli", *argv], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss / 1024,
            "rc": os.waitstatus_to_exitcode(status), "err": err}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--limits", type=float, nargs="+", default=[5.0, 20.0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--src", default=str(ROOT / "src"), help="the workbench sources to run (default: this checkout)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="bench_rank_") as tmp:
        tmp = Path(tmp)
        scn = tmp / "small.yaml"
        scn.write_text(SCENARIO, encoding="utf-8")
        cand = tmp / "candidates.csv"
        t0 = time.perf_counter()
        candidates(a.rows, cand)
        print(f"{a.rows:,} synthetic candidates, {cand.stat().st_size / 2**20:.0f} MiB, generated in "
              f"{time.perf_counter() - t0:.0f} s; sources {a.src}; Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs")
        for limit in a.limits:
            runs = []
            for r in range(a.repeat):
                out = tmp / f"out_{limit:g}_{r}"
                load = os.getloadavg()[0]
                res = run(Path(a.src), ["rank", str(scn), "--candidates", str(cand), "--time-limit-s", f"{limit:g}",
                                        "--out", str(out)])
                res["load"] = load
                meta = json.loads((out / "portfolio.json").read_text()) if (out / "portfolio.json").exists() else {}
                res["stages"] = (meta.get("command") or {}).get("stages_s", {})
                res["solver"] = meta.get("solver", {})
                res["outputs"] = meta.get("outputs", {})
                runs.append(res)
                sv = res["solver"]
                st = res["stages"]
                rest = res["wall"] - sum(st.values()) if st else float("nan")
                print(f"  limit {limit:4g} s, run {r + 1}: wall {res['wall']:6.1f} s (x{res['wall'] / limit:.1f} the "
                      f"limit), CPU {res['cpu']:5.1f} s, peak RSS {res['rss']:5.0f} MiB, load {load:.1f}; "
                      + (f"read {st.get('read', float('nan')):.1f} s, select {st.get('select', float('nan')):.1f} s, "
                         f"write and exit {rest:.1f} s; " if st else "")
                      + f"status {sv.get('status')}, fallback {sv.get('fallback')}, selected "
                        f"{(meta.get('totals') or {}).get('selected')}, xlsx rows {res['outputs'].get('xlsx_rows', 'all')}, "
                        f"exit {res['rc']}")
            wall = [x["wall"] for x in runs]
            print(f"limit {limit:g} s: wall median {statistics.median(wall):.1f} s, worst {max(wall):.1f} s; CPU median "
                  f"{statistics.median(x['cpu'] for x in runs):.1f} s; peak RSS median "
                  f"{statistics.median(x['rss'] for x in runs):.0f} MiB, worst {max(x['rss'] for x in runs):.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
