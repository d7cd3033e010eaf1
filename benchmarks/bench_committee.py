"""Benchmark of the committee room: the robustness under the members' weights (SMAA in their convex
hull), the sensitivity per criterion, and the minutes (HTML, CSV, DOCX; PDF when Chromium is there).

On the first call of the default FTAP scenario (92 candidates): three members (two swing, one
AHP), ``--samples`` draws for several seeds (the first run builds the selection model: reported
apart), then the sensitivity around the room's weights, then a session's minutes written to a
temporary folder.  Prints the median and worst of each.

    python benchmarks/bench_committee.py [--samples 300] [--seeds 5] [--no-pdf]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from workbench import load_candidates, load_scenario, selection  # noqa: E402
from workbench.committee import elicitation as el  # noqa: E402
from workbench.committee import store as S  # noqa: E402
from workbench.committee.minutes import write_minutes  # noqa: E402
from workbench.committee.room import room_robustness, room_sensitivity  # noqa: E402

MEMBERS = {
    "A": el.swing({"strategic": 100, "service": 30, "savings": 20, "governance": 10}),
    "B": el.ahp({"strategic|service": "1/5", "strategic|savings": "1/3", "strategic|governance": "1/3",
                 "service|savings": 1, "service|governance": 3, "savings|governance": 3}),
    "C": el.swing({"strategic": 40, "service": 60, "savings": 100, "governance": 50}),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args()
    scn = load_scenario(ROOT / "parameters" / "ftap_2018_2022.yaml")
    cands = load_candidates(scn)
    if "call" in cands.columns:
        first = sorted(cands["call"].astype(str).unique())[0]
        cands = cands[cands["call"].astype(str) == first].reset_index(drop=True)
    room = el.aggregate(list(MEMBERS.values()))
    print(f"{len(cands)} candidates, {len(MEMBERS)} members, rule {room.rule}, {args.samples} draws")
    times = []
    for seed in range(args.seeds + 1):
        t = time.perf_counter()
        rr = room_robustness(scn, cands, MEMBERS, room.weights, samples=args.samples, seed=seed)
        times.append(time.perf_counter() - t)
        a = rr.frequency.attrs
        print(f"  seed {seed}: {times[-1]:.2f} s ({a['draws_proven_by_bound']} draws proven by bound, "
              f"{a['draws_solved']} solved, {a['draws_not_proven']} not proven)")
    print(f"robustness: first run (model built) {times[0]:.2f} s; then median {statistics.median(times[1:]):.2f} s, "
          f"worst {max(times[1:]):.2f} s")
    t = time.perf_counter()
    room_sensitivity(scn, cands, room.weights, members=MEMBERS)
    print(f"sensitivity (4 criteria, to 0.005): {time.perf_counter() - t:.2f} s")
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "committee.sqlite"
        sid = S.create_session(db, "Benchmark", str(scn.path), scn.hash())
        for name, e in MEMBERS.items():
            S.record_weights(db, sid, name, e)
        table = selection.rank(scn, cands, weights=room.weights).table
        S.record_decision(db, sid, "", table, "Benchmark", room.weights, room.rule)
        mt = []
        for k in range(3):
            t = time.perf_counter()
            write_minutes(db, sid, Path(d) / f"pv{k}", pdf=not args.no_pdf)
            mt.append(time.perf_counter() - t)
        print(f"minutes ({'with' if not args.no_pdf else 'without'} PDF, {len(table)} projects): "
              f"median {statistics.median(mt):.2f} s, worst {max(mt):.2f} s")


if __name__ == "__main__":
    main()
