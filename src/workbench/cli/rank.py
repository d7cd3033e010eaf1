"""``workbench rank``: the optimal portfolio under every budget rule, within a time limit."""
from __future__ import annotations

import sys

from ..errors import InputError, Problem
from ..messages import label, msg, render_text
from ..reporting.summaries import answer_box, ranking_summary
from ..units import number
from . import options


def add(sub) -> None:
    """Declare ``workbench rank`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "rank",
        help="rank candidates and select the optimal portfolio under every budget rule",
        description="Score the candidates, apply the eligibility rules, and select the portfolio of highest "
                    "value under the envelope, sub-envelopes, yearly payment limits, forced projects, "
                    "requires/excludes and share rules (exact MILP, HiGHS), checked rule by rule. Writes "
                    "DIR/portfolio.csv, DIR/portfolio.xlsx and DIR/portfolio.json (totals, solver, "
                    "provenance) and prints the totals. Rules that cannot all hold are reported by name.",
    )
    options.scenario(p)
    p.add_argument("--candidates", help="candidate file (.csv/.xlsx); default: the scenario's candidates")
    p.add_argument("--budget-eur", type=float, help="the envelope for this selection [EUR] (default: the "
                                                    "scenario's selection.budget_eur, else the funds' envelopes)")
    p.add_argument("--weights", help="criteria weights, e.g. strategic=0.4,service=0.3,savings=0.2,governance=0.1 "
                                     "(criteria not named weigh 0; normalised to sum 1)")
    p.add_argument("--robustness-samples", type=int, default=0,
                   help="SMAA weight draws for the selection_frequency column (default 0: none)")
    p.add_argument("--force-in", action="append", default=[], metavar="ID", help="a project that must be selected")
    p.add_argument("--force-out", action="append", default=[], metavar="ID", help="a project that must not be selected")
    p.add_argument("--time-limit-s", type=float,
                   help="wall-clock limit of the whole command [s]: reading, model, solve, writing (default: "
                        "scenario, else 60); when it runs out, the best portfolio found (or the merit-order one) "
                        "is written, marked as not proven optimal")
    options.seed(p, "seed of the robustness and simulation draws", "the scenario's", as_text=False)
    options.draws(p, "envelope-simulation draws of the payment-credit risk", "default: the scenario's", as_text=False)
    p.add_argument("--explain", action="append", default=[], metavar="ID",
                   help="explain why a project is (not) selected and what would bring it in")
    p.add_argument("--perfect-foresight", action="store_true",
                   help="select among every call's candidates at once (a benchmark); by default a scenario with "
                        "several calls is decided call by call, each call among its own applications with the "
                        "credits left and its allotment")
    options.out(p, default="outputs/rank", default_help="default outputs/rank")
    options.lang(p)


def execute(args) -> int:
    """``workbench rank``: the time limit is a wall-clock promise for the whole command, set at its
    start (reading the candidates, building the model, solving, writing the files): each stage
    gets what the earlier ones left, the solver what remains once the writing is reserved.  When
    the time runs out first, the command writes what it has: the best portfolio the solver found,
    or the merit-order (greedy) portfolio if no solution came in time, marked as not proven
    optimal; exit status 0 with a warning on stderr when that portfolio breaks no rule, 1 when no
    portfolio could be written."""
    import time

    from .. import selection as portfolio
    from ..candidates import read_candidates
    from ..scenario import load_scenario
    from ..sources import load_candidates

    t0 = time.perf_counter()
    weights = _checked_options(args, portfolio)
    scn = load_scenario(args.scenario)
    limit_s = float(args.time_limit_s if args.time_limit_s is not None
                    else portfolio.settings(scn).get("time_limit_s") or portfolio.DEFAULT_TIME_LIMIT_S)
    deadline = t0 + limit_s
    stages = {}
    if args.candidates:
        cands = read_candidates(args.candidates, scale=scn.criteria_scale, envelope_codes=scn.envelope_codes)
    else:
        cands = load_candidates(scn)
    stages["read"] = time.perf_counter() - t0
    # the files' writing is reserved before the selection (every row in CSV, the selected ones in XLSX)
    reserve = portfolio.write_time_s(len(cands), cands.shape[1] + portfolio.RANK_COLUMNS,
                                     xlsx_rows=min(len(cands), 2000))
    unknown = [x for x in args.explain if x not in set(cands["id"].astype(str))]
    if unknown:
        raise InputError([Problem("<option>", "--explain", x, msg("E_UNKNOWN_CANDIDATE")) for x in unknown])
    # one evaluation (workbench.pipeline): the decisions, then the simulation of that portfolio,
    # so that rank prints the same risk as simulate, the report and the dashboard
    from ..pipeline import assemble, decide, simulate_portfolio

    t1 = time.perf_counter()
    res = decide(scn, cands, seed=args.seed, robustness_samples=args.robustness_samples,
                 perfect_foresight=args.perfect_foresight, budget_eur=args.budget_eur, weights=weights,
                 forced_in=args.force_in, forced_out=args.force_out, time_limit_s=args.time_limit_s,
                 deadline=deadline - reserve)
    stages["select"] = time.perf_counter() - t1
    res.command = {"time_limit_s": limit_s, "stages_s": dict(stages), "deadline_passed_before_writing":
                   time.perf_counter() > deadline}
    t2 = time.perf_counter()
    paths = portfolio.write_result(res, args.out, deadline=deadline)
    stages["write"] = time.perf_counter() - t2
    print(ranking_summary(res, args.lang))
    if res.conflicts is None and scn.calls:
        if time.perf_counter() < deadline:   # the risk of the portfolio, within the time promised
            t3 = time.perf_counter()
            sim = simulate_portfolio(scn, res, seed=args.seed, draws=args.draws)
            stages["simulate"] = time.perf_counter() - t3
            # the report's first page: funded, granted, the risk, the money left, the fragile choices
            print(answer_box(assemble(res, sim, cands), args.lang).text())
        else:
            print(label("sum_answer_no_time", args.lang))
    wall = time.perf_counter() - t0
    for pid in args.explain:
        print("  " + render_text(portfolio.explain(res, pid)["text"], args.lang))
    print(label("sum_written", args.lang, files=f"{paths['csv']}, {paths['xlsx']}, {paths['json']}"))
    return rank_time_warnings(res, paths, limit_s, wall, stages, len(cands), args.lang)


def _checked_options(args, portfolio) -> dict | None:
    """The criteria weights of ``--weights`` (``None`` when absent), once every option is checked:
    all the problems of the command line in one :class:`~workbench.errors.InputError`."""
    problems = []
    if args.budget_eur is not None and not args.budget_eur > 0:
        problems.append(Problem("<option>", "--budget-eur", args.budget_eur, msg("E_BUDGET")))
    if args.robustness_samples < 0:
        problems.append(Problem("<option>", "--robustness-samples", args.robustness_samples,
                                msg("E_BOUNDS", bounds=[(">=", 0)])))
    if args.time_limit_s is not None and not args.time_limit_s > 0:
        problems.append(Problem("<option>", "--time-limit-s", args.time_limit_s, msg("E_BOUNDS", bounds=[(">", 0)])))
    if args.draws is not None and args.draws < 1:
        problems.append(Problem("<option>", "--draws", args.draws, msg("E_WHOLE_NUMBER_MIN", minimum=1)))
    weights = None
    if args.weights is not None:
        try:
            weights = parse_weights(args.weights)
            portfolio.check_weights(weights)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return weights


def parse_weights(text: str) -> dict:
    problems, out = [], {}
    for part in [x for x in text.split(",") if x.strip()]:
        if "=" not in part:
            problems.append(Problem("<option>", "--weights", part, msg("E_WEIGHTS_SYNTAX")))
            continue
        k, v = (x.strip() for x in part.split("=", 1))
        try:
            out[k] = float(v.replace(",", "."))
        except ValueError:
            problems.append(Problem("<option>", f"--weights {k}", v, msg("E_WEIGHT_NOT_NUMBER")))
    if not out and not problems:
        problems.append(Problem("<option>", "--weights", text, msg("E_NO_WEIGHT")))
    if problems:
        raise InputError(problems)
    return out


def rank_time_warnings(res, paths: dict, limit_s: float, wall_s: float, stages: dict, n: int, lang: str) -> int:
    """What the time limit did to ``workbench rank``'s result, said on stderr; the exit status."""
    sv = res.solver
    selected = int(res.totals.get("selected") or 0)
    warn = []
    limit = f"{limit_s:g}".replace(".", "," if lang == "fr" else ".")
    no_portfolio = res.conflicts is None and not sv.get("checked", True) and sv.get("status") == "time limit"
    if no_portfolio:
        warn.append(label("rank_no_portfolio_time", lang, limit=limit))
    elif sv.get("fallback") == "greedy":
        warn.append(label("rank_not_proven_greedy", lang, limit=limit))
    elif sv.get("status") == "time limit":
        warn.append(label("rank_not_proven_best", lang, limit=limit, gap=f"{sv.get('gap', float('nan')):.2g}"))
    if res.totals.get("robustness_skipped"):
        warn.append(label("rank_robustness_skipped", lang))
    if paths.get("xlsx_rows", n) < n:
        warn.append(label("rank_xlsx_selected_only", lang, k=selected, n=number(n, lang)))
    if wall_s > limit_s:
        parts = ", ".join(f"{label('rank_stage_' + k, lang)} {number(v, lang, 1)} s" for k, v in stages.items())
        warn.append(label("rank_over_time", lang, wall=number(wall_s, lang, 1), limit=limit,
                          stages=parts))
    for w in warn:
        print(f"workbench rank: {w}", file=sys.stderr)
    return 1 if no_portfolio else 0
