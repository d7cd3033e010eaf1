"""Benchmark of the SMAA on many instances of one family (prints its figures; not a test).

The fast method (``workbench.selection.robustness.smaa``, method ``"bound"``: draws proven by a
bound, the others re-optimised; :mod:`workbench.selection.draws`) on 2,000 weight draws of
``instance(200, seed)`` (``benchmarks/bench_portfolio.py``: 200 synthetic FITN candidates, yearly
payment limits, phase-1 options, requires/excludes rules; budget 60 M€) for each generator seed,
against the naive loop (method ``"resolve"``: every draw re-solved from scratch by
``scipy.optimize.milp``).  The naive loop takes 0.1-0.3 s a draw, 3-8 minutes for 2,000 draws
on one seed: it runs on ``--naive-draws`` draws (default 100) and its time is extrapolated per
draw to the fast method's number of draws (draws are independent and identically distributed,
so the time per draw is the same in expectation).  On those draws the fast method runs too and
its frequencies are compared with the naive loop's (``same``).

The machine is shared: each line prints wall and CPU time (process time: both threads of the
fast method counted), both ratios, and the load average when the seed started
(``os.getloadavg()``, 1 minute).  ``--repeat N`` runs the fast method of the N slowest seeds
again at the end (when the load may be lower) and prints the best of the runs.

Usage: ``python benchmarks/bench_smaa_seeds.py [--seeds 1-12] [--draws 2000] [--naive-draws 100]
[--repeat 3] [--workers 2]``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_portfolio import instance

from workbench.selection import branch_bound as bb
from workbench.selection import draws as dr
from workbench.selection import robustness as rb

BUDGET_EUR = 60e6
SMAA_SEED = 3


def seeds_arg(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def timed(fn, *a, **k):
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t0, time.process_time() - c0


def fast(scn, cands, draws: int, workers: int | None):
    return timed(rb.smaa, scn, cands, draws, seed=SMAA_SEED, budget_eur=BUDGET_EUR, workers=workers)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=seeds_arg, default=seeds_arg("1-12"))
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--naive-draws", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3, help="run the fast method of the N slowest seeds again")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    workers = args.workers or dr.default_workers()
    t0 = time.perf_counter()
    bb.solve_binary(np.ones((1, 2)), np.ones(1), np.ones(2), np.zeros(2), 1e-9)
    print(f"SMAA on {len(args.seeds)} seeds of instance(200, seed): {args.draws} weight draws, budget "
          f"{BUDGET_EUR / 1e6:.0f} M€, {workers} threads, {os.cpu_count()} cores; compiled search loaded in "
          f"{time.perf_counter() - t0:.2f} s (once per process, compiled once per install)")
    print("columns: load = 1-minute load average at the seed's start; bound / solved / n.p. = draws proven by a "
          "bound / solved / not proven; naive = the naive loop's time per draw")
    print(f"naive loop on {args.naive_draws} draws per seed, its time extrapolated per draw to {args.draws}")
    head = (f"{'seed':>4} {'load':>5} | {'wall s':>6} {'CPU s':>6} | {'bound':>5} {'solved':>6} {'n.p.':>4} | "
            f"{'naive ms/draw':>13} {'CPU':>5} | {'ratio wall':>10} {'CPU':>6} | same")
    print(head)
    print("-" * len(head))
    rows = []
    for seed in args.seeds:
        scn, cands = instance(200, seed)
        load = os.getloadavg()[0]
        res, wall, cpu = fast(scn, cands, args.draws, workers)
        a = res.frequency.attrs
        naive, nwall, ncpu = timed(rb.smaa, scn, cands, args.naive_draws, seed=SMAA_SEED, budget_eur=BUDGET_EUR,
                                   method="resolve")
        small = rb.smaa(scn, cands, args.naive_draws, seed=SMAA_SEED, budget_eur=BUDGET_EUR, workers=workers)
        same = all(small.frequency[c].equals(naive.frequency[c]) for c in ("selection_frequency", "phase1_frequency"))
        per_wall, per_cpu = nwall / args.naive_draws, ncpu / args.naive_draws
        r = {"seed": seed, "load": load, "wall": wall, "cpu": cpu, "bound": a["draws_proven_by_bound"],
             "solved": a["draws_solved"], "not_proven": a["draws_not_proven"], "naive_wall": per_wall * args.draws,
             "naive_cpu": per_cpu * args.draws, "same": same}
        r["ratio_wall"], r["ratio_cpu"] = r["naive_wall"] / wall, r["naive_cpu"] / cpu
        rows.append(r)
        print(f"{seed:>4} {load:>5.1f} | {wall:>6.2f} {cpu:>6.2f} | {r['bound']:>5} {r['solved']:>6} "
              f"{r['not_proven']:>4} | {per_wall * 1e3:>13.0f} {per_cpu * 1e3:>5.0f} | "
              f"{r['ratio_wall']:>9.1f}x {r['ratio_cpu']:>5.1f}x | {same}", flush=True)
    if args.repeat:
        slow = sorted(rows, key=lambda r: -r["wall"])[: args.repeat]
        print(f"\nthe {len(slow)} slowest seeds again (best of the two runs kept):")
        for r in slow:
            scn, cands = instance(200, r["seed"])
            load = os.getloadavg()[0]
            _, wall, cpu = fast(scn, cands, args.draws, workers)
            print(f"   seed {r['seed']}: load {load:.1f}, wall {wall:.2f} s, CPU {cpu:.2f} s (first run: wall "
                  f"{r['wall']:.2f} s, CPU {r['cpu']:.2f} s, load {r['load']:.1f})")
            if wall < r["wall"]:
                r.update(wall=wall, cpu=cpu, load=load, ratio_wall=r["naive_wall"] / wall, ratio_cpu=r["naive_cpu"] / cpu)
    print()
    for key, label in (("wall", "wall [s]"), ("cpu", "CPU [s]"), ("ratio_wall", "ratio, wall"), ("ratio_cpu", "ratio, CPU")):
        vals = [r[key] for r in rows]
        worst = max(vals) if key in ("wall", "cpu") else min(vals)
        seed = rows[vals.index(worst)]["seed"]
        print(f"   {label:<12} median {statistics.median(vals):7.2f}   worst {worst:7.2f} (seed {seed})")
    ok = all(r["same"] for r in rows) and all(r["not_proven"] == 0 for r in rows)
    print(f"   targets: worst wall <= 10 s: {max(r['wall'] for r in rows) <= 10}; worst wall ratio >= 15x: "
          f"{min(r['ratio_wall'] for r in rows) >= 15}; answers equal to the naive loop's and every draw proven: {ok}")


if __name__ == "__main__":
    main()
