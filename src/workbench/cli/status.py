"""``workbench status``: a fund's position at a date from its laureate book, the re-forecast of
what is still due, and the next call's capacity beside it (:mod:`workbench.followup.status`)."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError
from . import options
from .common import collect, input_errors_in, int_option


def add(sub) -> None:
    """Declare ``workbench status`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "status",
        help="a fund's position at a date from its laureate book, and the re-forecast from actuals",
        description="From a laureate book (a .csv/.xlsx file, or the latest snapshot on or before DATE in a "
                    "snapshot database), compute the fund's position at DATE (committed, paid, outstanding by year "
                    "of origin, de-committed, available for the next calls), the re-forecast of the payments "
                    "still due (Monte Carlo on the remaining part of each project, from the reference classes), "
                    "drift and flags per project, and savings by cohort. Writes OUT (atomically): position*.csv, "
                    "reforecast*.csv, drift*.csv, flags.csv, savings.csv, fan_chart.png, position.xlsx (the book's "
                    "layout with the position) and provenance.json.",
    )
    options.scenario(p, "scenario .yaml (envelopes, voted CP, uncertainty models)")
    p.add_argument("--book", required=True, help="laureate book (.csv/.xlsx) or snapshot database (.sqlite/.db)")
    options.as_of(p, "the date of the position (YYYY-MM-DD)", required=True)
    p.add_argument("--name", default=None, help="the book's name when the database holds several")
    options.out(p, default="outputs/status", default_help="default outputs/status")
    options.draws(p, "Monte Carlo draws", "default 10000", as_text=True, default="10000")
    options.seed(p, default="the scenario's", as_text=True)
    p.add_argument("--no-uncertainty", action="store_true", help="the remaining schedule without uncertainty")
    p.add_argument("--report", action="store_true",
                   help="also run notebooks/followup.ipynb (papermill) into OUT/followup.ipynb and followup.html")
    p.add_argument("--no-capacity", action="store_true",
                   help="leave out the next call's capacity (how much it can grant at a 10 %% risk of running short "
                        "of CP, see `workbench capacity`; written as capacity.csv and capacity_by_year.csv)")
    options.lang(p, "language of messages and figures")


def execute(args) -> int:
    """Run ``workbench status``; its exit status."""
    def run() -> int:
        from ..followup import status as FS
        from ..followup import store
        from ..messages import label
        from ..scenario import load_scenario

        probs: list = []
        draws = int_option("--draws", args.draws, 1, probs)
        seed = int_option("--seed", args.seed, 0, probs)
        as_of = collect(probs, FS.parse_as_of, args.as_of)
        scn = collect(probs, load_scenario, args.scenario)
        if probs:
            raise InputError(probs)
        assert draws is not None   # --draws defaults to 10000 and was checked above, or a problem was raised
        book = FS.load_book(args.book, as_of, scenario=scn, name=args.name)
        db = args.book if store.is_database(args.book) else None
        st = FS.compute_status(scn, book, as_of, draws=draws, seed=seed,
                               uncertainty=False if args.no_uncertainty else None, db=db)
        if not args.no_capacity:
            # the next call's capacity at 10 %, beside the position (workbench.analysis.capacity)
            from ..analysis.capacity import next_call_capacity, next_call_of

            st.capacity_checked = True
            if next_call_of(scn, as_of) is not None:
                st.capacity = next_call_capacity(scn, as_of=as_of, book=book, risk_rate=0.10, draws=draws, seed=seed)
        report = None
        if args.report:
            report = {"scenario_path": str(Path(args.scenario).resolve()), "book_path": str(Path(args.book).resolve()),
                      "book_name": args.name or "", "as_of": as_of.isoformat(), "draws": draws, "seed": seed,
                      "lang": args.lang, "out_dir": None}
        from ..reporting.batch import ReportError
        from ..reporting.followup_report import write_status

        try:
            out = write_status(st, args.out, lang=args.lang, report=report)
        except ReportError as exc:
            print(f"workbench status: {exc}", file=sys.stderr)
            return 1
        print(FS.summary_text(st, args.lang))
        print(label("fu_written", args.lang, out=out))
        return 0

    return input_errors_in("status", args.lang, run)
