"""``workbench sensitivity``: what drives the CP risk and the money left (Sobol indices with
their bootstrap intervals, :mod:`workbench.analysis.sensitivity`)."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ..files import write_csv, write_folder, write_via
from ..messages import label, msg
from ..units import number, pct
from . import options
from .common import collect, int_option


def add(sub) -> None:
    """Declare ``workbench sensitivity`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "sensitivity",
        help="what drives the CP risk: Sobol indices of the risk and of the money left to the uncertain parameters",
        description="Decide the scenario's portfolio call by call, then simulate it on Saltelli's parameter sets "
                    "(the factors and ranges of the scenario's sensitivity.factors section, each set with the same "
                    "draws: common random numbers) and print the first-order and total Sobol indices of the risk "
                    "of running short of payment credits and of the money left at the horizon's end, with their "
                    "bootstrap confidence intervals (SALib). With --out, writes sensitivity.csv, "
                    "sensitivity_sets.csv and sensitivity.png (the tornado chart).",
    )
    options.scenario(p)
    p.add_argument("--samples", default=None, help="Saltelli's base samples, a power of 2 (default: the scenario's "
                                                   "sensitivity.samples, else 256)")
    p.add_argument("--draws-per-set", default=None, help="simulation draws per parameter set (default: the "
                                                         "scenario's sensitivity.draws_per_set, else 32)")
    options.seed(p, as_text=True)
    options.out(p, default_help="default: print only")
    options.lang(p)
    options.no_progress(p)


def execute(args) -> int:
    """Run ``workbench sensitivity``; its exit status."""
    from ..analysis import sensitivity as S
    from ..pipeline import decide
    from ..reporting import charts
    from ..reporting.labels import sensitivity_table
    from ..scenario import load_scenario

    probs: list = []
    samples = int_option("--samples", args.samples, 2, probs)
    per_set = int_option("--draws-per-set", args.draws_per_set, 1, probs)
    seed = int_option("--seed", args.seed, 0, probs)
    if samples is not None and samples & (samples - 1):
        probs.append(Problem("<option>", "--samples", samples, msg("E_POWER_OF_TWO")))
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not out.is_dir():
        probs.append(Problem("<option>", "--out", str(out), msg("E_OUT_NOT_FOLDER")))
    scn = collect(probs, load_scenario, args.scenario)
    if scn is not None:
        collect(probs, S.factors, scn)
    if probs:
        raise InputError(probs)
    decided = decide(scn, seed=seed)
    res = S.analyze(scn, decided, samples=samples, draws_per_set=per_set, seed=seed, progress=not args.no_progress)
    lang = args.lang
    print(label("sens_cli_head", lang, name=scn.name, sets=number(res.n_sets, lang), per_set=res.draws_per_set,
                draws=number(res.draws, lang), seed=res.seed, seconds=number(res.seconds["total_s"], lang, 1),
                conf=pct(res.conf_level, lang, 0), resamples=res.num_resamples))
    print(sensitivity_table(res, lang).to_string(index=False))
    if len(res.left_out):
        print(label("sensitivity_left_out", lang, items=", ".join(
            f"{r.factor} ({label('sens_reason_' + r.reason, lang)})" for r in res.left_out.itertuples())))
    if out is not None:
        fig = charts.sensitivity_chart(res, lang)

        def build(tmp: Path) -> None:
            write_csv(tmp / "sensitivity.csv", res.indices)
            write_csv(tmp / "sensitivity_sets.csv", res.sets)
            write_via(tmp / "sensitivity.png", lambda p: fig.savefig(p, dpi=110, format="png"))

        write_folder(out, build)
        print(label("sum_written_to", lang, out=out, files="sensitivity.csv, sensitivity_sets.csv, sensitivity.png"))
    return 0
