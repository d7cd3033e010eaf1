"""Bit-for-bit check of the envelope simulation's tables before and after a refactoring.

Runs a fixed set of simulations (each shipped FTAP/FITN scenario at 20,000 draws, seed 1, on the
compiled engine and on the NumPy reference; one of them again on one thread and with small
chunks) and either saves every table of each :class:`workbench.envelope.SimulationResult`
(``yearly``, ``summary``, ``shortfall``, ``calls``, ``selected``) as pickles into a folder, or
compares them with the saved ones by ``pandas.testing.assert_frame_equal(check_exact=True)``.

Usage::

    # on the code before the change
    PYTHONPATH=<old>/src python benchmarks/compare_outputs.py save /tmp/envelope_ref
    # on the code after it: exit status 1 and the differing tables if anything changed
    PYTHONPATH=<new>/src python benchmarks/compare_outputs.py check /tmp/envelope_ref
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from workbench import envelope, load_scenario

ROOT = Path(__file__).resolve().parents[1]
DRAWS = 20_000
SEED = 1
SCENARIOS = ("ftap_2018_2022", "fitn_2021_2022", "ftap_fitn_2021_2022")


def runs():
    """(name, keyword arguments of :func:`workbench.envelope.simulate`) of the fixed set."""
    out = []
    for name in SCENARIOS:
        out.append((f"{name}-auto", name, {}))
        out.append((f"{name}-numpy", name, {"engine": "numpy"}))
    out.append(("ftap_2018_2022-threads1", "ftap_2018_2022", {"threads": 1}))
    out.append(("ftap_2018_2022-chunk512", "ftap_2018_2022", {"chunk_size": 512}))
    out.append(("fitn_2021_2022-numpy-chunk512", "fitn_2021_2022", {"engine": "numpy", "chunk_size": 512}))
    return out


def tables():
    """{run name: {table name: DataFrame}} of every run."""
    out = {}
    for run, name, kw in runs():
        scn = load_scenario(ROOT / "parameters" / f"{name}.yaml")
        res = envelope.simulate(scn, draws=DRAWS, seed=SEED, **kw)
        out[run] = res.tables()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("save", "check"))
    ap.add_argument("folder", help="folder of the saved tables (written by 'save', read by 'check')")
    a = ap.parse_args(argv)
    folder = Path(a.folder)
    print(f"workbench from {envelope.__file__}", file=sys.stderr)
    got = tables()
    if a.mode == "save":
        folder.mkdir(parents=True, exist_ok=True)
        for run, tabs in got.items():
            for t, df in tabs.items():
                df.to_pickle(folder / f"{run}.{t}.pkl")
        print(f"saved {sum(len(t) for t in got.values())} tables into {folder}")
        return 0
    bad = 0
    n = 0
    for run, tabs in got.items():
        for t, df in tabs.items():
            n += 1
            ref = pd.read_pickle(folder / f"{run}.{t}.pkl")
            try:
                pd.testing.assert_frame_equal(df, ref, check_exact=True)
            except AssertionError as e:
                bad += 1
                print(f"DIFFERS {run} {t}: {str(e).splitlines()[0:3]}")
    print(f"{n - bad}/{n} tables identical" + ("" if not bad else f", {bad} differ"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
