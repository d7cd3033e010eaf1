"""Benchmark of the Sobol sensitivity analysis (``workbench.analysis.sensitivity.analyze``).

Decides the scenario's portfolio once (not timed), then, for each ``samples x draws-per-set``
setting, runs the analysis ``--repeat`` times and prints the median and worst time of its three
steps: Saltelli's sampling (SALib), the one envelope simulation of every parameter set, and the
indices with their bootstrap intervals; then the largest half-width of the total indices of each
output (how far the intervals are from separating the factors).  The first sampling of a process
compiles SALib's code (about 1 s): a warm-up run is made first and not counted.

Usage::

    python benchmarks/bench_sensitivity.py [--scenario parameters/ftap_2018_2022.yaml]
                                           [--settings 32x64,256x32] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    from workbench import load_scenario, pipeline
    from workbench.analysis import sensitivity as S

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "parameters" / "ftap_2018_2022.yaml"))
    ap.add_argument("--settings", default="32x64,256x32", help="samples x draws per set, comma-separated")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    scn = load_scenario(args.scenario)
    decided = pipeline.decide(scn)
    S.analyze(scn, decided, samples=8, draws_per_set=2)          # warm-up: SALib and the kernel compiled
    print(f"{scn.name}: {len(S.factors(scn)[0])} factors; python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'setting':>10} {'sets':>6} {'draws':>8} {'sample':>8} {'simulate':>9} {'indices':>8} "
          f"{'total (median, worst)':>22}  max ST half-width: risk, money left")
    for spec in args.settings.split(","):
        n, d = (int(x) for x in spec.lower().split("x"))
        runs = [S.analyze(scn, decided, samples=n, draws_per_set=d) for _ in range(args.repeat)]
        sec = {k: [r.seconds[k] for r in runs] for k in runs[0].seconds}
        r = runs[0]
        conf = [r.table(o)["ST_conf"].max() for o in S.OUTPUTS]
        print(f"{spec:>10} {r.n_sets:>6} {r.draws:>8} {statistics.median(sec['sample_s']):>7.2f}s "
              f"{statistics.median(sec['simulate_s']):>8.2f}s {statistics.median(sec['indices_s']):>7.2f}s "
              f"{statistics.median(sec['total_s']):>10.2f}s, {max(sec['total_s']):>6.2f}s        "
              f"{conf[0]:.2f}, {conf[1]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
