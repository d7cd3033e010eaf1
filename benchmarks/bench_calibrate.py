"""Benchmark of ``workbench calibrate``: FTAP calibrated on its figures dated up to 2019-12-31.

History matching of the parameters ``parameters/ftap_2018_2022.yaml`` lists in
``calibration.parameters`` (its settings: points per wave, replicates, waves, cut-off), on 2
processes.  Prints the wall time, the runs of the model (each: a synthetic pipeline, the
call-by-call decisions of the calls decided by 2019, one simulation draw), the time per run, the
sets kept per wave, and the posterior: median and P10-P90 of each numeric parameter, the most
frequent value of each choice.  Writes the calibration to ``outputs/ftap_2018_2022/calibration/``
(``--out``), which ``workbench backtest ftap_2018_2022 --posterior .../posterior.csv`` then uses.

    python benchmarks/bench_calibrate.py [--until 2019-12-31] [--points N] [--replicates N] [--waves N]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from workbench import load_scenario  # noqa: E402
from workbench.analysis.calibrate import calibrate, summary, write_calibration  # noqa: E402
from workbench.sweep import make_executor  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--until", default="2019-12-31")
    ap.add_argument("--points", type=int)
    ap.add_argument("--replicates", type=int)
    ap.add_argument("--waves", type=int)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "outputs" / "ftap_2018_2022" / "calibration"))
    a = ap.parse_args()
    scn = load_scenario(ROOT / "parameters" / "ftap_2018_2022.yaml")
    t0 = time.perf_counter()
    res = calibrate(scn, dt.date.fromisoformat(a.until), points=a.points, replicates=a.replicates, waves=a.waves,
                    executor=make_executor("processes", a.workers),
                    progress=lambda m: print("  " + m.render("en"), flush=True))
    wall = time.perf_counter() - t0
    write_calibration(res, a.out)
    p = res.provenance
    print(f"calibrate FTAP until {a.until}: {wall:.0f} s wall on {a.workers} processes, {p['evaluations']} runs, "
          f"{p['cpu_s']:.0f} s of CPU in the runs ({p['cpu_s'] / p['evaluations']:.2f} s per run; on {a.workers} free "
          f"cores the runs alone would take {p['cpu_s'] / a.workers:.0f} s), status {p['status']}, "
          f"{p['kept']} sets kept (per wave {p['kept_per_wave']}); figures {', '.join(p['figures'])}")
    print("posterior:")
    print(summary(res.posterior).to_string(index=False))
    print(f"written to {a.out}")


if __name__ == "__main__":
    main()
