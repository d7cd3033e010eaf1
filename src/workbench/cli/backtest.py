"""``workbench backtest``: the scenario judged against the fund's published history, in and out
of sample, and the power of that test against models clearly wrong."""
from __future__ import annotations

from ..errors import InputError, Problem
from ..messages import msg
from . import options
from .calibrate import calibrate_and_write
from .common import date_option, int_option


def add(sub) -> None:
    """Declare ``workbench backtest`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "backtest",
        help="judge the scenario against the fund's published history (in and out of sample)",
        description="Run the model many times (posterior parameter sets when the scenario is calibrated, synthetic "
                    "pipelines, call-by-call decisions, one simulation draw each) and judge every published figure "
                    "of the scenario's history file against its P5-P95 posterior predictive interval; with "
                    "--calibrate-until, figures are marked in or out of sample and the score (coverage, CRPS) is "
                    "over the figures out of sample. Writes DIR/backtest.csv (and DIR/power.csv with --power).",
    )
    options.scenario(p)
    p.add_argument("--replicates", type=int, default=30, help="runs of the model (default 30)")
    options.seed(p, "seed", "the scenario's", as_text=False)
    p.add_argument("--calibrate-until", metavar="DATE",
                   help="calibration window's end (YYYY-MM-DD): figures dated by then are in sample; without "
                        "--posterior (or the scenario's calibration.posterior) the calibration runs first")
    p.add_argument("--posterior", metavar="CSV", help="a posterior sample (workbench calibrate's posterior.csv)")
    p.add_argument("--power", action="store_true",
                   help="also back-test the scenario's models clearly wrong (calibration.wrong_models) and say which "
                        "out-of-sample figures reject each")
    options.out(p, "folder for backtest.csv", default_help="default: print only")
    options.lang(p, "language of the table")


def execute(args) -> int:
    """Run ``workbench backtest``; its exit status."""
    from pathlib import Path

    from ..analysis.backtest import format_table, power_table, run_backtest
    from ..analysis.calibrate import load_posterior, posterior_status, posterior_until
    from ..files import write_csv
    from ..reporting.labels import backtest_score_line, label
    from ..scenario import load_scenario

    problems: list = []
    reps = int_option("--replicates", args.replicates, 2, problems)
    until = date_option("--calibrate-until", args.calibrate_until, problems)
    if problems:
        raise InputError(problems)
    assert reps is not None   # checked above, or a problem was raised
    scn = load_scenario(args.scenario)
    post_path = Path(args.posterior) if args.posterior else scn.posterior_path()
    posterior = load_posterior(post_path, scn) if post_path is not None else None
    if post_path is not None and posterior is not None and until is None:
        until = posterior_until(post_path)
    if post_path is not None and posterior is not None and posterior_status(post_path) == "none_below_cutoff":
        print(label("backtest_posterior_not_compatible", args.lang))
    if posterior is None and until is not None:   # calibrate first, then judge out of sample
        res_cal = calibrate_and_write(scn, until, args, Path(args.out) / "calibration" if args.out else None)
        posterior = res_cal.posterior
    res = run_backtest(scn, replicates=reps, seed=args.seed, calibrate_until=until, posterior=posterior)
    if not len(res.table):
        print(label("backtest_none", args.lang))
        return 0
    sets = label("backtest_sets", args.lang, n=res.parameter_sets, until=until.isoformat() if until else "–") \
        if res.parameter_sets else label("backtest_no_sets", args.lang)
    print(label("backtest_head", args.lang, name=scn.name, replicates=res.replicates, sets=sets, seed=res.seed,
                ok=int(res.table["passed"].sum()), n=len(res.table)))
    print(format_table(res, args.lang))
    print(backtest_score_line(res.score, args.lang))
    written = []
    if args.out:
        written.append(write_csv(Path(args.out) / "backtest.csv", res.table))
    if args.power:
        if until is None:
            raise InputError([Problem("<option>", "--power", None, msg("E_POWER_NEEDS_WINDOW"))])
        pw = power_table(scn, until, replicates=reps, seed=args.seed, posterior=posterior)
        print(label("power_head", args.lang, until=until.isoformat()))
        print(power_text(pw, args.lang))
        if args.out:
            written.append(write_csv(Path(args.out) / "power.csv", pw))
    if written:
        print(label("sum_written", args.lang, files=", ".join(str(w) for w in written)))
    return 0


def power_text(pw, lang: str) -> str:
    from ..messages import label

    rows = [(str(r["model"]), label("yes" if r["rejected"] else "no", lang), str(r["failed"]) or "–",
             str(r["beyond_reference"]) or "–") for r in pw.to_dict("records")]
    head = (label("power_model", lang), label("power_rejected", lang), label("power_failed", lang),
            label("power_beyond", lang))
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    return "\n".join("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in [head, *rows])
