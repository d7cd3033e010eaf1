"""``workbench simulate``: the Monte Carlo of the envelope for the portfolio the committees
decide call by call (the same evaluation as the report, ``rank`` and the dashboard)."""
from __future__ import annotations

from functools import partial
from pathlib import Path

from ..errors import InputError, Problem
from ..files import project_relative, write_csv, write_folder, write_via
from ..messages import label, msg
from ..reporting.summaries import answer_box, simulation_summary
from ..units import number, pct
from . import options
from .common import collect, int_option


def add(sub) -> None:
    """Declare ``workbench simulate`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "simulate",
        help="Monte Carlo of the envelope: commitments and payments by year, call after call",
        description="Simulate how the scenario's envelope(s) are committed (AE) and paid (CP) call after "
                    "call under cost overruns, delays and attrition, for the portfolio the committees decide "
                    "call by call (the same evaluation as the report, rank and the dashboard). Writes CSV "
                    "tables, PNG figures and provenance.json into OUT (atomically: nothing is written if an "
                    "input is wrong) and prints a short summary.",
    )
    options.scenario(p)
    options.draws(p, "number of Monte Carlo draws",
                  "default: the scenario's simulation.draws, 2000 unless it says otherwise", as_text=True)
    options.seed(p, as_text=True)
    options.out(p, required=True)
    p.add_argument("--chunk-size", default=None, help="draws computed at once (memory); results do not depend on it")
    p.add_argument("--candidates", default=None, help="candidate file (CSV/XLSX) instead of the scenario's")
    p.add_argument("--policies", action="store_true", help="also compare the scenario's allocation policies")
    options.lang(p, "language of the figures and the summary")
    options.no_progress(p)


def execute(args) -> int:
    """Run ``workbench simulate``; its exit status."""
    from .. import envelope
    from ..candidates import read_candidates
    from ..reporting import charts
    from ..scenario import load_scenario

    probs: list = []
    draws = int_option("--draws", args.draws, 1, probs)
    seed = int_option("--seed", args.seed, 0, probs)
    chunk = int_option("--chunk-size", args.chunk_size, 1, probs)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        probs.append(Problem("<option>", "--out", str(out), msg("E_OUT_NOT_FOLDER")))
    scn = collect(probs, load_scenario, args.scenario)
    if probs:
        raise InputError(probs)
    cands = None
    if args.candidates:
        cands = read_candidates(args.candidates, scale=scn.criteria_scale, envelope_codes=scn.envelope_codes)
    # one evaluation (workbench.pipeline): the committees' decisions, then the simulation of that portfolio
    from ..pipeline import assemble, decide, resolve_draws, simulate_portfolio

    draws = resolve_draws(scn, draws)
    decided = decide(scn, cands, seed=seed)
    res = simulate_portfolio(scn, decided, seed=seed, draws=draws, progress=not args.no_progress, chunk_size=chunk)
    if args.candidates:
        res.provenance["input_files"].append(project_relative(args.candidates))
    pol = envelope.compare_policies(scn, draws=draws, seed=seed) if args.policies else None
    # everything is computed: written into a temporary folder beside OUT, then moved into place
    figs = {"fan_chart.png": charts.fan_chart(res, lang=args.lang),
            "committed_vs_paid.png": charts.committed_vs_paid(res, lang=args.lang),
            "calibration.png": charts.calibration_figure(lang=args.lang)}

    def build(tmp: Path) -> None:
        res.to_csv(tmp)
        if pol is not None:
            write_csv(tmp / "policies.csv", pol)
        for name, fig in figs.items():
            write_via(tmp / name, partial(_save_png, fig))

    write_folder(out, build)
    print(answer_box(assemble(decided, res, cands), args.lang).text())
    print(simulation_summary(res, args.lang))
    if pol is not None:
        print(label("sum_policies", args.lang, items="; ".join(
            label("sum_policy", args.lang, policy=r.policy, value=number(r.value_delivered_mean, args.lang, 0),
                  short=pct(r.shortfall_probability, args.lang, 0)) for r in pol.itertuples())))
    files = ["yearly.csv", "summary.csv", "shortfall.csv", "calls.csv", "selected.csv", "restes_a_payer.csv",
             "provenance.json", *figs] + (["policies.csv"] if pol is not None else [])
    print(label("sum_written_to", args.lang, out=out, files=", ".join(files)))
    return 0


def _save_png(fig, path) -> None:
    """A figure written as PNG at the reports' resolution."""
    fig.savefig(path, dpi=110, format="png")
