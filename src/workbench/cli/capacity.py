"""``workbench capacity``: how much commitment authority (AE) the next call can grant without
running short of payment credits (CP) beyond a risk (:mod:`workbench.analysis.capacity`).
See ``docs/guide/capacite.md``."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ..messages import label, msg
from . import options
from .common import collect, fraction_option, int_option


def add(sub) -> None:
    """Declare ``workbench capacity`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "capacity",
        help="how much AE the next call can grant without running short of CP: the curve by risk, the binding year",
        description="The largest amount of commitment authority (AE) the next call of the scenario (the first "
                    "decided after --as-of) can grant so that the probability of running short of payment credits "
                    "(CP) in at least one year stays under --risk, given what is already owed (a laureate book's "
                    "re-forecast with --book, else the earlier calls as the scenario decides them), the later calls "
                    "(decided by the model with the credits left), the CP voted or forecast after the reserve, and "
                    "the parameter sets (--parameter-sets). Prints the capacity, the curve at 5, 10, 20 and 30 % "
                    "and the year that binds; with --out writes capacity.csv, capacity_by_year.csv and "
                    "provenance.json (all or nothing). See docs/guide/capacite.md.",
    )
    options.scenario(p, "scenario .yaml (or a shipped scenario's name)")
    p.add_argument("--book", default=None,
                   help="laureate book (.csv/.xlsx), snapshot database (.sqlite/.db), or a shipped example book's name "
                        "(e.g. ftap2_2024-06-30.csv); without it the fund is taken at its start or at --as-of with the "
                        "scenario's own decisions")
    p.add_argument("--name", default=None, help="the book's name when the database holds several")
    options.as_of(p, "the date of the question (YYYY-MM-DD): the next call is the first decided after it "
                     "(required with --book; default: the fund's first call)", required=False)
    p.add_argument("--risk", default="0.10",
                   help="the risk accepted of running short of CP in at least one year: a fraction strictly between "
                        "0 and 1 (default 0.10)")
    options.draws(p, "Monte Carlo draws", "default: the scenario's simulation.draws", as_text=True)
    options.seed(p, default="the scenario's", as_text=True)
    p.add_argument("--parameter-sets", default=None, metavar="CSV",
                   help="parameter sets varied draw by draw (a calibration's posterior sample: one row per set, "
                        "columns scenario key paths such as disbursement.commitment_lag.median_months)")
    options.out(p, "folder for capacity.csv, capacity_by_year.csv and provenance.json",
                default_help="default: print only")
    options.lang(p)


def execute(args) -> int:
    """Run ``workbench capacity``; its exit status."""
    from ..analysis import capacity as C
    from ..followup import status as FS
    from ..scenario import load_scenario

    probs: list = []
    draws = int_option("--draws", args.draws, 1, probs)
    seed = int_option("--seed", args.seed, 0, probs)
    risk = fraction_option("--risk", args.risk, probs)
    as_of = collect(probs, FS.parse_as_of, args.as_of) if args.as_of is not None else None
    if args.book is not None and args.as_of is None:
        probs.append(Problem("<option>", "--as-of", None, msg("E_CAPACITY_BOOK_NEEDS_AS_OF")))
    if args.out is not None and Path(args.out).exists() and not Path(args.out).is_dir():
        probs.append(Problem("<option>", "--out", args.out, msg("E_OUT_NOT_FOLDER")))
    sets = None
    if args.parameter_sets is not None:
        sets = collect(probs, C.read_parameter_sets, args.parameter_sets)
    scn = collect(probs, load_scenario, args.scenario)
    if probs:
        raise InputError(probs)
    assert risk is not None   # checked above, or a problem was raised
    book = None
    if args.book is not None:
        assert as_of is not None   # a book without --as-of was refused above (E_CAPACITY_BOOK_NEEDS_AS_OF)
        book = FS.load_book(args.book, as_of, scenario=scn, name=args.name)
    res = C.next_call_capacity(scn, as_of=as_of, book=book, risk_rate=risk, draws=draws, seed=seed,
                               parameter_sets=sets)
    if args.out is not None:
        C.write_capacity(res, args.out)
    print(C.summary_text(res, args.lang))
    if args.out is not None:
        print(label("cap_written", args.lang, out=args.out, files=", ".join(C.FILES)))
    return 0
