"""Benchmark of the XLSX writer (:func:`workbench.files.write_xlsx`): tables of 20,000 and
200,000 rows of 40 columns (20 of numbers, 20 of text, a formula-like text among them), written
to a temporary file.

Prints, for each size, the median wall and CPU time of ``--repeat`` runs, the time per million
cells, the file's size and the peak memory traced by ``tracemalloc`` (the table itself is built
before tracing starts: what is shown is the writer's own).  ``--openpyxl`` also times openpyxl's
write-only mode on the 20,000-row table, the writer used before issue 23 (13.5 s in the review).

Usage::

    python benchmarks/bench_xlsx_writer.py [--rows 20000,200000] [--repeat 3] [--openpyxl]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from workbench.files import write_xlsx  # noqa: E402


def table(rows: int, cols: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    data = {f"n{j}": rng.normal(1e6, 1e5, rows) for j in range(cols // 2)}
    for j in range(cols - cols // 2):
        data[f"t{j}"] = [f"Projet {i} — réseau {j}" for i in range(rows)]
    df = pd.DataFrame(data)
    df.loc[0, "t0"] = "=HYPERLINK(\"http://x\")"   # stays text
    return df


def openpyxl_write_only(path: Path, df: pd.DataFrame) -> None:
    """The writer before issue 23: openpyxl's write-only workbook, one WriteOnlyCell per text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    ws.append(list(df.columns))
    for rec in df.itertuples(index=False, name=None):
        row = []
        for v in rec:
            if isinstance(v, str):
                c = WriteOnlyCell(ws, value=None)
                c.value, c.data_type = v, "s"
                row.append(c)
            else:
                row.append(float(v))
        ws.append(row)
    wb.save(path)


def measure(fn, path: Path, df: pd.DataFrame, repeat: int) -> dict:
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn(path, df)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    tracemalloc.start()
    fn(path, df)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "size": path.stat().st_size,
            "peak": peak}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", default="20000,200000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--openpyxl", action="store_true", help="also time openpyxl's write-only mode (20,000 rows)")
    args = ap.parse_args()
    print("| writer | rows x columns | median wall s | median CPU s | CPU s per million cells | file MB | "
          "peak traced MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as tmp:
        runs = [("workbench", int(n)) for n in args.rows.split(",")]
        if args.openpyxl:
            runs.append(("openpyxl write-only", 20_000))
        for who, n in runs:
            df = table(n)
            fn = (lambda p, d: write_xlsx(p, {"t": d})) if who == "workbench" else openpyxl_write_only
            r = measure(fn, Path(tmp) / "t.xlsx", df, args.repeat if who == "workbench" else 1)
            cells = df.size / 1e6
            print(f"| {who} | {n:,} x {df.shape[1]} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['cpu'] / cells:.2f} | "
                  f"{r['size'] / 1e6:.1f} | {r['peak'] / 1e6:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
