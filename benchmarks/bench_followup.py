"""Benchmark of the follow-up re-forecast: a 150-project book at 100,000 draws.

Prints the re-forecast's time (median of ``--repeat`` runs), its peak memory (``tracemalloc``: every
NumPy buffer is traced) and the ratio to the envelope benchmark's floor — the time NumPy takes to
draw 3 float32 uniforms and 1 float32 standard normal per project and draw, in blocks, on one
thread (:func:`bench_envelope.floor_draw`): no simulation can be faster than drawing its random
numbers.  The re-forecast draws 3 float32 uniforms per project and draw (cost, delay, abandonment)
for the *live* projects only (fully paid, completed and abandoned ones add no risk), in blocks of
:data:`workbench.followup.reforecast.BLOCK` draws.

Usage::

    python benchmarks/bench_followup.py [--draws 100000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import sys
import time
import tracemalloc

from workbench import load_scenario
from workbench.followup import book as B
from workbench.followup import reforecast as RF
from workbench.followup.examples import example_path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = dt.date(2021, 12, 31)


def _envelope_floor():
    """``floor_draw`` of benchmarks/bench_envelope.py (the envelope benchmark's floor)."""
    spec = importlib.util.spec_from_file_location("bench_envelope", os.path.join(ROOT, "benchmarks", "bench_envelope.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.floor_draw


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    scn = load_scenario(os.path.join(ROOT, "parameters", "ftap_2018_2022.yaml"))
    book = B.read_book(example_path("ftap_fund_synthetic_2021-12-31.csv"), as_of=AS_OF)
    floor_draw = _envelope_floor()
    RF.reforecast(book, AS_OF, scn, draws=1000, seed=1)          # quantile tables built once
    times, floors = [], []
    for r in range(a.repeat):
        t0 = time.perf_counter()
        res = RF.reforecast(book, AS_OF, scn, draws=a.draws, seed=r + 1)
        times.append(time.perf_counter() - t0)
        floors.append(floor_draw(len(book), a.draws, seed=r + 1))
    live = int(res.summary["n_live_projects"].sum())
    tracemalloc.start()
    t0 = time.perf_counter()
    RF.reforecast(book, AS_OF, scn, draws=a.draws, seed=99)
    t_traced = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    tm, fm = statistics.median(times), statistics.median(floors)
    print(f"re-forecast of a {len(book)}-project book ({live} live) at {a.draws:,} draws, "
          f"Python {sys.version.split()[0]}")
    print(f"  re-forecast  median {tm:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")
    print(f"  numpy floor  median {fm:6.2f} s  (envelope benchmark's floor for {len(book)} projects)")
    print(f"  ratio re-forecast / floor: {tm / fm:.2f}")
    print(f"  peak memory (tracemalloc): {peak / 2**20:.0f} MiB  (run under tracemalloc: {t_traced:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
