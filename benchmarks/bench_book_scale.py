"""Benchmark of the follow-up at scale: a synthetic 200,000-row laureate book imported into a
snapshot store, then ``workbench status --draws 1000`` on it (prints figures; not a test).

The book is the shipped synthetic whole-fund book (``ftap_fund_synthetic_2021-12-31.csv``, 150
projects, no real project) repeated to ``--rows`` rows with new ids, every amount scaled by
150 / rows (rounded to the cent), so that the fund still holds its 660 M€ of grants: a fund of
many small projects.  Each command runs as its own process (``python -m workbench.cli``), as a
user runs it; its wall time, CPU time and peak resident memory (``wait4``'s ``ru_maxrss``) are
measured.  The machine is shared: CPU time says how much of the wall time was the command's.
``--src`` runs another checkout's sources (e.g. ``/work/main/src``, the code before issue 23; its
``status`` on such a book needed 7 GB, so use ``--no-status`` with it).

Usage::

    python benchmarks/bench_book_scale.py [--rows 200000] [--draws 1000] [--repeat 3] [--no-status] [--src DIR]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2021-12-31"
SCENARIO = ROOT / "parameters" / "ftap_2018_2022.yaml"


def scaled_book(rows: int) -> pd.DataFrame:
    """The shipped 150-project synthetic book repeated to ``rows`` rows, amounts scaled by 150 / rows."""
    from workbench.followup.examples import example_path

    base = pd.read_csv(example_path(f"ftap_fund_synthetic_{AS_OF}.csv"), dtype=object, keep_default_na=False)
    reps = -(-rows // len(base))
    out = pd.concat([base] * reps, ignore_index=True).iloc[:rows].copy()
    out["id"] = [f"S{i + 1:06d}" for i in range(rows)]
    out["title"] = [f"Projet synthétique {i + 1}" for i in range(rows)]
    k = len(base) / rows
    money = [c for c in out.columns if c.endswith("_eur")]
    for c in money:
        x = pd.to_numeric(out[c].replace("", np.nan), errors="coerce")
        # grants to the cent; payments rounded down so that they never exceed the scaled grant
        scaled = np.floor(x * k * 100) / 100 if c.startswith("paid_") else (x * k).round(2)
        out[c] = np.where(x.isna(), "", scaled.map(lambda v: f"{v:.2f}"))
    return out


SRC = ROOT / "src"


def run(argv: list[str]) -> tuple[float, float, float, int]:
    """Run ``python -m workbench.cli ARGV``: (wall s, CPU s, peak RSS MiB, exit status)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "workbench.cli", *argv], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        print(err[-2000:], file=sys.stderr)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode


def line(name: str, runs: list[tuple]) -> str:
    wall = [r[0] for r in runs]
    cpu = [r[1] for r in runs]
    rss = [r[2] for r in runs]
    return (f"  {name:<24} wall median {statistics.median(wall):7.2f} s (runs: {', '.join(f'{w:.2f}' for w in wall)}), "
            f"CPU median {statistics.median(cpu):7.2f} s, peak RSS median {statistics.median(rss):6.0f} MiB "
            f"(worst {max(rss):.0f})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-status", action="store_true", help="import only")
    ap.add_argument("--src", default=str(ROOT / "src"), help="the workbench sources to run (default: this checkout)")
    a = ap.parse_args(argv)
    global SRC
    SRC = Path(a.src)
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="bench_book_") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        book = tmp / "book.csv"
        scaled_book(a.rows).to_csv(book, index=False)
        print(f"synthetic book: {a.rows:,} rows, {book.stat().st_size / 2**20:.1f} MiB, built in "
              f"{time.perf_counter() - t0:.1f} s; sources {SRC}; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}")
        imports, statuses = [], []
        for r in range(a.repeat):
            db = tmp / f"books{r}.sqlite"
            imports.append(run(["book", "import", str(book), "--as-of", AS_OF, "--db", str(db),
                                "--scenario", str(SCENARIO)]))
            assert imports[-1][3] == 0, "import failed"
            if not a.no_status:
                statuses.append(run(["status", str(SCENARIO), "--book", str(db), "--as-of", AS_OF, "--draws",
                                     str(a.draws), "--out", str(tmp / f"status{r}")]))
                assert statuses[-1][3] == 0, "status failed"
        print(f"store: {(tmp / 'books0.sqlite').stat().st_size / 2**20:.0f} MiB for one snapshot")
        print(line("book import", imports))
        if statuses:
            print(line(f"status --draws {a.draws}", statuses))
            sizes = {p.name: p.stat().st_size for p in (tmp / "status0").iterdir()}
            print("  status files: " + ", ".join(f"{k} {v / 2**20:.1f} MiB" for k, v in sorted(sizes.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
