"""Benchmark of scenario sweeps on Dask: 1,000 scenarios with 1 and with 2 workers.

A grid of 10 x 10 x 10 scenarios over the small FTAP test scenario (tests/data/small_report.yaml,
one call of 30 candidates): the savings weight, the budget, and the share of cost overruns the
fund pays.  Each scenario ranks the portfolio (HiGHS) and simulates the envelope.  Prints the
wall time of each run (cluster start excluded, shown apart), the speed-up ratio (target >= 1.7
on 2 cores) and the overhead per scenario against the scenario's own computation (measured
inside the workers).  The results of both runs are checked identical.

    python benchmarks/bench_sweep.py [--n 1000] [--draws 100]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from workbench import sweep  # noqa: E402


def grid_spec(tmp: Path, n: int, draws: int) -> Path:
    k = max(1, round(n ** (1 / 3)))
    w = np.round(np.linspace(0.05, 1.0, k), 4).tolist()
    b = [int(x) for x in np.linspace(30e6, 75e6, k)]
    o = np.round(np.linspace(0.0, 1.0, k), 4).tolist()
    spec = tmp / "bench_grid.yaml"
    spec.write_text(f"""name: bench
base: {ROOT / 'tests' / 'data' / 'small_report.yaml'}
seed: 1
draws: {draws}
grid:
  criteria.weights.savings: {w}
  selection.budget_eur: {b}
  uncertainty.overrun_paid_by_fund_rate: {o}
""", encoding="utf-8")
    return spec


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--draws", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        spec = sweep.load_grid(grid_spec(Path(d), args.n, args.draws))
        tasks = sweep.grid_tasks(spec)
    n = len(tasks)
    print(f"bench_sweep: {n} scenarios (grid over savings weight x budget x overrun share paid), "
          f"{args.draws} draws each, machine cores: {os.cpu_count()}")
    walls, results = {}, {}
    for workers in (1, 2):
        t = time.perf_counter()
        with sweep.Dask(workers=workers) as ex:
            start = time.perf_counter() - t
            # warm-up: imports and the candidate cache in every worker, not timed
            sweep.run_sweep(tasks[: 4 * workers], ex, name="warm-up", seed=spec.seed, progress=False, chunk_size=1)
            res = sweep.run_sweep(tasks, ex, name=f"bench-{workers}", seed=spec.seed, progress=False)
        walls[workers], results[workers] = res.wall_s, res
        compute = float(res.summary["duration_s"].sum())
        cpu = float(res.summary["cpu_s"].sum())
        over = (res.wall_s * workers - compute) / n
        print(f"  {workers} worker(s): cluster start {start:5.1f} s, sweep {res.wall_s:6.1f} s, "
              f"{n / res.wall_s:6.1f} scenarios/s; computation {1000 * compute / n:6.1f} ms/scenario "
              f"(CPU {1000 * cpu / n:5.1f} ms), overhead {1000 * over:5.1f} ms/scenario ({over / (compute / n):.1%}); "
              f"CPU obtained {cpu / res.wall_s:.2f} of {workers} core(s); failed {res.n_failed}")
    a = results[1].summary.drop(columns=["duration_s", "cpu_s"])
    b = results[2].summary.drop(columns=["duration_s", "cpu_s"])
    same = a.equals(b)
    print(f"  speed-up 2 workers vs 1: {walls[1] / walls[2]:.2f} (target >= 1.7); identical results: {same}")
    print(f"  load average of the machine (1, 5, 15 min): {os.getloadavg()}")


if __name__ == "__main__":
    main()
