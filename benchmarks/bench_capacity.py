"""Benchmark of the next call's capacity (``workbench capacity``, issue 24): FTAP 2 with its shipped
book as of 30 June 2024, and FTAP 2018–2022 at 1 January 2020 without a book.

For each case: the wall time of the command in a fresh process (``workbench capacity``: imports,
the compiled kernels loaded from their cache, the decisions, the simulations, the search), then
the median wall time of ``--repeat`` runs of :func:`workbench.analysis.capacity.next_call_capacity`
in this process after an untimed warm-up (target: at most 30 s on 2 cores for FTAP 2 with its
book), their CPU time, and the capacity curve with the binding year.  Nothing is asserted: the
machine is shared and times move by tens of percent from run to run.

Usage::

    python benchmarks/bench_capacity.py [--draws N] [--repeat 3] [--seed S]

``--draws`` defaults to the scenarios' own (``simulation.draws``: 2,000).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time

from workbench import load_scenario
from workbench.analysis import capacity as C

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cases():
    ftap2 = load_scenario(os.path.join(ROOT, "parameters", "ftap2_2023_2025.yaml"))
    path, as_of = ftap2.example_book
    ftap = load_scenario(os.path.join(ROOT, "parameters", "ftap_2018_2022.yaml"))
    return [("FTAP 2 with its book (as of %s)" % as_of.isoformat(), ftap2, {"as_of": as_of, "book": path}),
            ("FTAP 2018-2022 at 2020-01-01, no book", ftap, {"as_of": dt.date(2020, 1, 1)})]


def timed(fn):
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args(argv)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}; load average {os.getloadavg()[0]:.2f}")
    for name, scn, kw in cases():
        cmd = [sys.executable, "-m", "workbench.cli", "capacity", str(scn.path), "--as-of", kw["as_of"].isoformat()]
        cmd += ["--book", str(kw["book"])] if "book" in kw else []
        cmd += ["--draws", str(a.draws)] if a.draws else []
        cmd += ["--seed", str(a.seed)] if a.seed is not None else []
        t0 = time.perf_counter()
        cold = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "WORKBENCH_LANG": "en"})
        cold_s = time.perf_counter() - t0
        C.next_call_capacity(scn, draws=a.draws or 200, seed=a.seed, **kw)   # warm-up (compiled kernels, imports)
        walls, cpus = [], []
        res = None
        for _ in range(a.repeat):
            w, c, res = timed(lambda: C.next_call_capacity(scn, draws=a.draws, seed=a.seed, **kw))
            walls.append(w)
            cpus.append(c)
        print(f"\n{name}: {res.draws:,} draws, seed {res.seed}; next call {res.next_call['id']} "
              f"({res.next_call['decision'].isoformat()})")
        print(f"  the command in a fresh process: {cold_s:6.2f} s (exit status {cold.returncode})")
        print(f"  wall median {statistics.median(walls):6.2f} s (runs: {', '.join(f'{w:.2f}' for w in walls)}); "
              f"CPU median {statistics.median(cpus):.2f} s; load average {os.getloadavg()[0]:.2f}")
        print(f"  AE available at the call {res.ae_available_eur / 1e6:,.1f} M€; risk with nothing granted "
              f"{res.risk_at_zero:.1%}; {res.pieces} pieces of {res.piece_eur / 1e6:,.1f} M€; the model's own "
              f"decision there {res.model_decision_eur / 1e6:,.1f} M€")
        for r in res.curve.itertuples():
            what = "AE" if r.binding == "ae" else f"CP {r.binding_year}"
            print(f"  risk {r.risk_rate:4.0%}: capacity {r.capacity_eur / 1e6:8.1f} M€, binding {what}, "
                  f"risk at the capacity {r.risk_at_capacity_rate:.1%}")
    print("\nnote: the machine is shared with other engineers' jobs; times vary from run to run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
