"""Benchmark of the refusals of hostile input files (issue 23): time and peak memory of
``workbench validate FILE`` refusing each "bomb", each in its own process.

The files are built in a temporary folder with the builders the tests use (``tests/helpers.py``),
at the sizes of the hostile review:

==================  ==============================================================================
wide_row.xlsx       one row of 5.3 million cells (80 MB of XML unpacked, about 80 kB zipped)
shared_strings      a table of 4 million shared strings (80 MB unpacked, a few hundred kB zipped)
rows_200002         200,002 candidate rows, with the sheet's ``<dimension>``
rows_200002_nodim   the same without ``<dimension>`` (the rows must be counted)
styles.xlsx         a styles part of 60,000 cell formats (about 4 MB)
commas.csv          99 MB of commas on one line
long_line.csv       a header, then one line of 99 MB
newlines.csv        a header, then 99 MB of line breaks
==================  ==============================================================================

For each, it prints the exit status, the wall and CPU time, the child's peak resident memory
(``os.wait4``'s ``ru_maxrss``: the whole process, Python and the imported packages included) and
the first line of the message; the first row is a valid small CSV, the cost of starting the
command itself.  ``--src`` runs another source tree (e.g. ``/work/main/src`` for the figures
before the fix) and ``--timeout`` stops a run that takes longer (shown as ``>N``).

Usage::

    python benchmarks/bench_refusals.py [--only wide_row,commas] [--src PATH] [--timeout 120]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import helpers as H  # noqa: E402  (tests/helpers.py: the builders the tests use)


def _styles(path: Path, formats: int) -> None:
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" applyAlignment="1"><alignment wrapText="1"/></xf>'
    styles = (b"<?xml version='1.0'?><styleSheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
              b"<fonts count='1'><font/></fonts><fills count='1'><fill/></fills><borders count='1'><border/></borders>"
              + f"<cellXfs count='{formats}'>".encode() + xf * formats + b"</cellXfs></styleSheet>")
    H.xlsx_package(path, H.sheet_xml(H.candidate_row(i) for i in range(3)), parts={"xl/styles.xml": styles})


def _newlines(path: Path, nbytes: int) -> None:
    with open(path, "wb") as fh:
        fh.write(";".join(H.CANDIDATE_COLUMNS).encode() + b"\n")
        for _ in range(nbytes // (1 << 20)):
            fh.write(b"\n" * (1 << 20))


def _small(path: Path) -> None:
    path.write_text(";".join(H.CANDIDATE_COLUMNS) + "\n"
                    + "\n".join(";".join(str(v) for v in H.candidate_row(i)) for i in range(20)) + "\n",
                    encoding="utf-8")


#: name -> (file name, builder)
BOMBS = {
    "baseline": ("small.csv", _small),
    "wide_row": ("wide_row.xlsx", lambda p: H.wide_row_xlsx(p, 80_000_000 // 15)),
    "shared_strings": ("shared_strings.xlsx", lambda p: H.shared_strings_xlsx(p, 4_000_000)),
    "rows_200002": ("rows_200002.xlsx", lambda p: H.many_rows_xlsx(p, 200_001)),
    "rows_200002_nodim": ("rows_200002_nodim.xlsx", lambda p: H.many_rows_xlsx(p, 200_001, dimension=False)),
    "styles": ("styles.xlsx", lambda p: _styles(p, 60_000)),
    "commas": ("commas.csv", lambda p: H.commas_csv(p, 99_000_000)),
    "long_line": ("long_line.csv", lambda p: H.long_line_csv(p, 99_000_000)),
    "newlines": ("newlines.csv", lambda p: _newlines(p, 99_000_000)),
}


def unpacked(path: Path) -> int:
    import zipfile

    if path.suffix != ".xlsx":
        return path.stat().st_size
    with zipfile.ZipFile(path) as z:
        return sum(i.file_size for i in z.infolist())


def run(path: Path, src: Path, timeout_s: float) -> dict:
    """``workbench validate path`` in a child process: status, times, peak memory, message."""
    env = dict(os.environ, PYTHONPATH=str(src), WORKBENCH_LANG="en")
    code = "import sys; from workbench.cli import main; sys.exit(main(sys.argv[1:]))"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, "validate", str(path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=path.parent)
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - t0 > timeout_s:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            timed_out = True
            break
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    lines = [x.strip() for x in err.splitlines() if x.strip().startswith("- ")]
    return {"status": "killed" if timed_out else os.waitstatus_to_exitcode(status), "wall_s": wall,
            "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024, "timed_out": timed_out,
            "message": (lines[0][2:] if lines else err.strip().splitlines()[-1] if err.strip() else "")
            .replace(str(path), path.name)[:160]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated names among " + ", ".join(BOMBS))
    ap.add_argument("--src", default=str(ROOT / "src"), help="the source tree to run (default this checkout's)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds before a run is stopped")
    args = ap.parse_args()
    names = [n for n in args.only.split(",") if n] or list(BOMBS)
    print(f"workbench validate from {args.src}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print("| file | zipped / on disk | unpacked | exit | wall s | CPU s | peak RSS MB | message |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="bench-refusals-") as tmp:
        for name in names:
            fname, build = BOMBS[name]
            path = Path(tmp) / fname
            build(path)
            r = run(path, Path(args.src), args.timeout)
            wall = f">{args.timeout:.0f}" if r["timed_out"] else f"{r['wall_s']:.2f}"
            print(f"| {fname} | {path.stat().st_size / 1e6:.2f} MB | {unpacked(path) / 1e6:.1f} MB | {r['status']} | "
                  f"{wall} | {r['cpu_s']:.2f} | {r['peak_mb']:.0f} | {r['message']} |", flush=True)
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
