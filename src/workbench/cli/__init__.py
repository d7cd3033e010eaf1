"""The ``workbench`` console command and its sub-commands.

Each sub-command is a pair of functions: ``_add_<name>(subparsers)`` declares its options and
``_cmd_<name>(args) -> int`` runs it.  A user's mistake (:class:`~workbench.errors.InputError`)
is printed as a readable message on stderr with exit status 2 and no traceback.
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from ..version import __version__
from ..errors import InputError, Problem
from ..files import project_relative, write_csv, write_folder, write_via
from ..messages import LANGS, Message, msg, render_text
from ..errors import problems_message
from ..messages import label
from ..reporting.summaries import (answer_box, candidates_summary, ranking_summary, scenario_summary,
                                  simulation_summary)
from ..units import number, pct

#: The environment variable that sets the language of every command without ``--lang``.
ENV_LANG = "WORKBENCH_LANG"
LANG_HELP = "language of what the command prints: fr or en (default: $WORKBENCH_LANG, else fr)"

EXIT_INPUT = 2
#: File errors that come from the user's choice of folder (exit status 2, like bad input).
_USER_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST,
                errno.ENAMETOOLONG}


def _fail_option(name: str, value: object, rule: Message) -> InputError:
    return InputError([Problem("<option>", name, value, rule)])


# --------------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------------
def _add_validate(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check a scenario (YAML) or a candidate file (CSV/XLSX) and summarise it",
        description="Check a scenario file (.yaml) or a candidate file (.csv, .xlsx). Every problem is "
                    "reported with its file, place, value and rule; exit status 2 if any. A scenario's "
                    "candidate file is checked too. Prints a summary and the scenario's warnings.",
    )
    p.add_argument("file", help="scenario .yaml, or candidate .csv / .xlsx")
    p.add_argument("--scenario", help="for a candidate file: the scenario whose envelopes and scale apply")
    p.add_argument("--show", action="store_true", help="print the resolved scenario (extends applied) as YAML")
    p.add_argument("--lang", help=LANG_HELP)


def _cmd_validate(args) -> int:
    from ..candidates import read_candidates
    from ..sources import load_candidates
    from ..scenario import load_scenario

    path = Path(args.file)
    if path.suffix.lower() in (".yaml", ".yml"):
        scn = load_scenario(path)
        hist = scn.history_path()
        if hist is not None and hist.is_file():   # the fund's published history, checked too
            from ..history import load_history

            load_history(hist)
        cands = load_candidates(scn)
        if args.show:
            # the resolved scenario (every dated value as written), then each fund's credits at
            # their dates as comment lines (the output stays YAML)
            from ..reporting.summaries import credit_lines

            print(scn.to_yaml())
            for line in credit_lines(scn, args.lang):
                print("#" + line)
            return 0
        print(scenario_summary(scn, cands, args.lang))
        return 0
    if args.scenario:
        scn = load_scenario(args.scenario)
        cands = read_candidates(path, scale=scn.criteria_scale, envelope_codes=scn.envelope_codes)
    else:
        cands = read_candidates(path)
    print(label("sum_valid_candidates", args.lang, path=path))
    print(candidates_summary(cands, args.lang))
    return 0


# --------------------------------------------------------------------------------------------
# dashboard
# --------------------------------------------------------------------------------------------
def _add_dashboard(sub) -> None:
    p = sub.add_parser(
        "dashboard",
        help="serve the committee dashboard (Voila) on 127.0.0.1",
        description="Start Voila on notebooks/dashboard.ipynb with the settings of voila.json (pre-heated "
                    "kernels, execution timeout, idle kernels culled, tracebacks hidden). Listens on "
                    "127.0.0.1 unless --ip says otherwise; pages need the token of the printed address "
                    "unless --no-token. The address is printed on stdout once the page answers; the "
                    "server's log (stderr) never shows the token. Stop it with Ctrl-C. "
                    "See docs/operations/serving-the-dashboard.md.",
    )
    p.add_argument("--scenario", help="scenario file the dashboard opens first "
                                      "(default: the first of parameters/*.yaml)")
    p.add_argument("--port", type=int, default=None,
                   help="port to listen on, refused if taken (default: 8866, else the first free one of the "
                        "next 20)")
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--no-token", action="store_true",
                   help="serve without a token (only with a loopback --ip; any local user or program can then "
                        "open the dashboard)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="also accept this name in the Host header (the name a reverse proxy forwards); repeatable")
    p.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDR",
                   help="a reverse proxy's address (or network) whose X-Forwarded-For names the client the "
                        "page caps count (default none: all pages behind a proxy are one client); repeatable")


def _cmd_dashboard(args) -> int:
    from ..dashboard.serve import DEFAULT_PORT, DEFAULT_PORT_RETRIES, serve_command

    problems = []
    if args.port is not None and not 1 <= args.port <= 65535:
        problems.append(Problem("<option>", "--port", args.port, msg("E_PORT")))
    if args.scenario:
        from ..scenario import load_scenario

        try:
            load_scenario(args.scenario)  # a broken scenario fails here, before the server starts
        except InputError as exc:
            problems.extend(exc.problems)
    import ipaddress

    for addr in args.trusted_proxy:
        try:
            ipaddress.ip_network(addr, strict=False)
        except ValueError:
            problems.append(Problem("<option>", "--trusted-proxy", addr, msg("E_IP_ADDRESS")))
    if problems:
        raise InputError(problems)
    # an explicit --port is that port or none (a proxy or a bookmark points to it); the default
    # moves to the next free port.  The server prints the address once it holds the port and
    # answers: printing the asked port here sent the token to whoever held it (issue 23)
    explicit = args.port is not None
    cmd, env, cwd = serve_command(scenario=args.scenario, port=args.port if explicit else DEFAULT_PORT, ip=args.ip,
                                  token="" if args.no_token else None, allow_hosts=tuple(args.allow_host),
                                  port_retries=0 if explicit else DEFAULT_PORT_RETRIES,
                                  trusted_proxies=tuple(args.trusted_proxy), lang=args.lang)
    os.chdir(cwd)
    os.execve(cmd[0], cmd, env)  # Voila replaces this process: Ctrl-C and SIGTERM reach it directly


# --------------------------------------------------------------------------------------------
# rank
# --------------------------------------------------------------------------------------------
def _add_rank(sub) -> None:
    p = sub.add_parser(
        "rank",
        help="rank candidates and select the optimal portfolio under every budget rule",
        description="Score the candidates, apply the eligibility rules, and select the portfolio of highest "
                    "value under the envelope, sub-envelopes, yearly payment limits, forced projects, "
                    "requires/excludes and share rules (exact MILP, HiGHS), checked rule by rule. Writes "
                    "DIR/portfolio.csv, DIR/portfolio.xlsx and DIR/portfolio.json (totals, solver, "
                    "provenance) and prints the totals. Rules that cannot all hold are reported by name.",
    )
    p.add_argument("scenario", help="scenario .yaml")
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
    p.add_argument("--seed", type=int, help="seed of the robustness and simulation draws (default: the scenario's)")
    p.add_argument("--draws", type=int, default=None,
                   help="envelope-simulation draws of the payment-credit risk (default: the scenario's)")
    p.add_argument("--explain", action="append", default=[], metavar="ID",
                   help="explain why a project is (not) selected and what would bring it in")
    p.add_argument("--perfect-foresight", action="store_true",
                   help="select among every call's candidates at once (a benchmark); by default a scenario with "
                        "several calls is decided call by call, each call among its own applications with the "
                        "credits left and its allotment")
    p.add_argument("--out", default="outputs/rank", help="output folder (default outputs/rank)")
    p.add_argument("--lang", help=LANG_HELP)


def _add_backtest(sub) -> None:
    p = sub.add_parser(
        "backtest",
        help="judge the scenario against the fund's published history (in and out of sample)",
        description="Run the model many times (posterior parameter sets when the scenario is calibrated, synthetic "
                    "pipelines, call-by-call decisions, one simulation draw each) and judge every published figure "
                    "of the scenario's history file against its P5-P95 posterior predictive interval; with "
                    "--calibrate-until, figures are marked in or out of sample and the score (coverage, CRPS) is "
                    "over the figures out of sample. Writes DIR/backtest.csv (and DIR/power.csv with --power).",
    )
    p.add_argument("scenario", help="scenario .yaml")
    p.add_argument("--replicates", type=int, default=30, help="runs of the model (default 30)")
    p.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    p.add_argument("--calibrate-until", metavar="DATE",
                   help="calibration window's end (YYYY-MM-DD): figures dated by then are in sample; without "
                        "--posterior (or the scenario's calibration.posterior) the calibration runs first")
    p.add_argument("--posterior", metavar="CSV", help="a posterior sample (workbench calibrate's posterior.csv)")
    p.add_argument("--power", action="store_true",
                   help="also back-test the scenario's models clearly wrong (calibration.wrong_models) and say which "
                        "out-of-sample figures reject each")
    p.add_argument("--out", help="folder for backtest.csv (default: print only)")
    p.add_argument("--lang", help="language of the table: fr or en (default: $WORKBENCH_LANG, else fr)")


def _date_option(name: str, raw, problems: list):
    import datetime as dt

    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        problems.append(Problem("<option>", name, raw, msg("E_NOT_DATE")))
        return None


def _cmd_backtest(args) -> int:
    from pathlib import Path

    from ..analysis.backtest import format_table, power_table, run_backtest
    from ..analysis.calibrate import load_posterior, posterior_status, posterior_until
    from ..files import write_csv
    from ..reporting.labels import backtest_score_line, label
    from ..scenario import load_scenario

    problems: list = []
    reps = _int_option("--replicates", args.replicates, 2, problems)
    until = _date_option("--calibrate-until", args.calibrate_until, problems)
    if problems:
        raise InputError(problems)
    scn = load_scenario(args.scenario)
    post_path = Path(args.posterior) if args.posterior else scn.posterior_path()
    posterior = load_posterior(post_path, scn) if post_path is not None else None
    if posterior is not None and until is None:
        until = posterior_until(post_path)
    if posterior is not None and posterior_status(post_path) == "none_below_cutoff":
        print(label("backtest_posterior_not_compatible", args.lang))
    if posterior is None and until is not None:   # calibrate first, then judge out of sample
        res_cal = _calibrate_and_write(scn, until, args, Path(args.out) / "calibration" if args.out else None)
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
        print(_power_text(pw, args.lang))
        if args.out:
            written.append(write_csv(Path(args.out) / "power.csv", pw))
    if written:
        print(label("sum_written", args.lang, files=", ".join(str(w) for w in written)))
    return 0


def _power_text(pw, lang: str) -> str:
    from ..messages import label

    rows = [(str(r["model"]), label("yes" if r["rejected"] else "no", lang), str(r["failed"]) or "–",
             str(r["beyond_reference"]) or "–") for r in pw.to_dict("records")]
    head = (label("power_model", lang), label("power_rejected", lang), label("power_failed", lang),
            label("power_beyond", lang))
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    return "\n".join("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in [head, *rows])


def _add_calibrate(sub) -> None:
    p = sub.add_parser(
        "calibrate",
        help="fit the scenario's assumed parameters to the published figures dated up to a date",
        description="History matching (implausibility cut-off, waves) of the parameters the scenario lists in "
                    "calibration.parameters, on the figures of its history file dated up to --until. Writes "
                    "posterior.csv (one row per parameter set, columns = key paths), points.csv and "
                    "calibration.json (provenance) to --out, all or nothing. A scenario uses the sample with "
                    "calibration.posterior: <path>, or workbench backtest --posterior.",
    )
    p.add_argument("scenario", help="scenario .yaml")
    p.add_argument("--until", required=True, metavar="DATE", help="last date of the figures to fit (YYYY-MM-DD)")
    p.add_argument("--out", help="output folder (default outputs/<scenario>/calibration)")
    p.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    p.add_argument("--points", type=int, help="parameter sets per wave (default: calibration.points, else 40)")
    p.add_argument("--replicates", type=int, help="runs per parameter set (default: calibration.replicates, else 6)")
    p.add_argument("--waves", type=int, help="waves (default: calibration.waves, else 3)")
    p.add_argument("--executor", choices=["processes", "sequential", "dask"], default="processes",
                   help="where the runs go (default: processes)")
    p.add_argument("--workers", type=int, help="processes (default: 2, or 1 on one core)")
    p.add_argument("--scheduler", help="a Dask scheduler address (tcp://HOST:PORT) for --executor dask")
    p.add_argument("--lang", help=LANG_HELP)


def _calibrate_and_write(scn, until, args, out):
    import os
    from pathlib import Path

    from ..analysis.calibrate import calibrate, calibration_figures, settings, write_calibration
    from ..messages import label
    from ..sweep import make_executor

    st = settings(scn)
    pts = getattr(args, "points", None) or st["points"]
    reps = getattr(args, "calib_replicates", None) or st["replicates"]
    print(label("cal_head", args.lang, name=scn.name, n=len(calibration_figures(scn, until)), until=until.isoformat(),
                points=pts, replicates=reps, cutoff=st["cutoff"]), flush=True)
    kind = getattr(args, "executor", None) or "processes"
    workers = getattr(args, "workers", None) or min(2, os.cpu_count() or 1)
    ex = make_executor(kind, workers, getattr(args, "scheduler", None))
    res = calibrate(scn, until, seed=args.seed, points=pts, replicates=reps, waves=getattr(args, "waves", None),
                    executor=ex, progress=lambda m: print("  " + m.render(args.lang), flush=True))
    out = Path(out) if out is not None else Path("outputs") / scn.name / "calibration"
    write_calibration(res, out)
    prov = res.provenance
    if res.status != "ok":
        worst = ", ".join(f"{k} ({v})" for k, v in list(prov["worst_figures"].items())[:4])
        print(label("cal_none_kept", args.lang, cutoff=prov["cutoff"], worst=worst, kept=prov["kept"]))
    print(label("cal_done", args.lang, kept=prov["kept"], total=prov["waves"] * prov["points_per_wave"],
                evaluations=prov["evaluations"], wall_s=prov["wall_s"]))
    print(_posterior_text(res.posterior, args.lang))
    print(label("sum_written", args.lang, files=", ".join(str(out / f) for f in
                                                           ("posterior.csv", "points.csv", "calibration.json"))))
    return res


def _posterior_text(posterior, lang: str) -> str:
    from ..analysis.calibrate import summary
    from ..messages import label
    from ..units import number, pct

    rows = []
    for r in summary(posterior).to_dict("records"):
        if r["mode"]:
            rows.append((r["parameter"], "–", "–", f"{r['mode']} ({pct(r['mode_share'], lang, 0)})"))
        else:
            big = abs(r["median"]) >= 1e5
            fmt = (lambda v: number(v / 1e6, lang, 1) + " M") if big else (lambda v: number(v, lang, 2))
            rows.append((r["parameter"], fmt(r["median"]), f"{fmt(r['p10'])}–{fmt(r['p90'])}", "–"))
    head = (label("cal_parameter", lang), label("cal_median", lang), label("cal_p10_p90", lang), label("cal_mode", lang))
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    return "\n".join("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in [head, *rows])


def _cmd_calibrate(args) -> int:
    from ..scenario import load_scenario

    problems: list = []
    until = _date_option("--until", args.until, problems)
    for name in ("points", "replicates", "waves", "workers"):
        _int_option(f"--{name}", getattr(args, name), 2 if name in ("points", "replicates") else 1, problems)
    if problems:
        raise InputError(problems)
    scn = load_scenario(args.scenario)
    args.calib_replicates = args.replicates
    _calibrate_and_write(scn, until, args, args.out)
    return 0


def _parse_weights(text: str) -> dict:
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


def _cmd_rank(args) -> int:
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
    from ..sources import load_candidates
    from ..scenario import load_scenario

    t0 = time.perf_counter()
    problems = []
    if args.budget_eur is not None and not args.budget_eur > 0:
        problems.append(Problem("<option>", "--budget-eur", args.budget_eur, msg("E_BUDGET")))
    if args.robustness_samples < 0:
        problems.append(Problem("<option>", "--robustness-samples", args.robustness_samples, msg("E_BOUNDS", bounds=[(">=", 0)])))
    if args.time_limit_s is not None and not args.time_limit_s > 0:
        problems.append(Problem("<option>", "--time-limit-s", args.time_limit_s, msg("E_BOUNDS", bounds=[(">", 0)])))
    if args.draws is not None and args.draws < 1:
        problems.append(Problem("<option>", "--draws", args.draws, msg("E_WHOLE_NUMBER_MIN", minimum=1)))
    weights = None
    if args.weights is not None:
        try:
            weights = _parse_weights(args.weights)
            portfolio.check_weights(weights)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
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
    return _rank_time_warnings(res, paths, limit_s, wall, stages, len(cands), args.lang)


def _rank_time_warnings(res, paths: dict, limit_s: float, wall_s: float, stages: dict, n: int, lang: str) -> int:
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


# --------------------------------------------------------------------------------------------
# run (batch report of one scenario)
# --------------------------------------------------------------------------------------------
def _add_run(sub) -> None:
    p = sub.add_parser(
        "run",
        help="execute the report notebook for a scenario and write outputs/<scenario>/",
        description="Execute notebooks/report.ipynb for SCENARIO through papermill (every cell under an "
                    "execution timeout, one retry if the kernel fails to start) and write OUT/<scenario>/: "
                    "report.html (no code, self-contained), report.pdf (printed by Chromium when installed), "
                    "report.ipynb, the tables (CSV, portfolio.xlsx), figures (PNG) and run.json (version, "
                    "parameters and their hash, input files and their hashes, seed, timing). The folder is "
                    "replaced only by a complete run: a failed run leaves the previous outputs untouched, keeps "
                    "the executed notebook as OUT/<scenario>.failed.ipynb and exits with status 1.",
    )
    p.add_argument("scenario", help="scenario file (.yaml)")
    p.add_argument("--out", default="outputs", help="parent output folder (default: outputs)")
    p.add_argument("--draws", type=int, default=None,
                   help="simulation draws (default: the scenario's simulation.draws, the same as simulate and rank)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's seed)")
    p.add_argument("--lang", help="report language: fr or en (default: $WORKBENCH_LANG, else fr)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="execution timeout of each notebook cell, in seconds (default 600)")
    p.add_argument("--notebook", default=None, help="another parameterized notebook (default notebooks/report.ipynb)")
    p.add_argument("--no-pdf", action="store_true", help="do not print report.pdf")
    p.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                   help="another notebook parameter, e.g. -p robustness_samples=0 -p frontier_points=10 "
                        "(values read as YAML; repeatable)")


def _cmd_run(args) -> int:
    from ..reporting.batch import main_run

    return main_run(args)


# --------------------------------------------------------------------------------------------
# compare (two scenarios side by side)
# --------------------------------------------------------------------------------------------
def _add_compare(sub) -> None:
    p = sub.add_parser(
        "compare",
        help="compare two scenarios: parameters, projects in and out, value, envelope risk",
        description="Compute scenarios A and B with the same seed and draws and write a side-by-side "
                    "report to OUT/compare_<A>_vs_<B>/: comparison.html (self-contained), parameters.csv "
                    "(what differs), projects.csv (projects in and out of the portfolio), metrics.csv "
                    "(value, amounts, envelope risk). A summary is printed.",
    )
    p.add_argument("a", help="scenario A (.yaml)")
    p.add_argument("b", help="scenario B (.yaml)")
    p.add_argument("--out", default="outputs", help="parent output folder (default: outputs)")
    p.add_argument("--draws", type=int, default=None, help="simulation draws for both (default: A's simulation.draws)")
    p.add_argument("--seed", type=int, default=None, help="seed for both (default: scenario A's seed)")
    p.add_argument("--lang", help="report language: fr or en (default: $WORKBENCH_LANG, else fr)")


def _cmd_compare(args) -> int:
    from ..analysis.compare import main_compare

    return main_compare(args)


# --------------------------------------------------------------------------------------------
# sweep (many scenarios as package tasks, sequential / processes / Dask)
# --------------------------------------------------------------------------------------------
def _add_sweep(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="compute many scenarios (files or a grid spec) in parallel and summarise them side by side",
        description="Compute many scenarios with the package's functions (not notebooks): a list of scenario "
                    "files, or --grid SPEC (a YAML grid over parameters of a base scenario, see "
                    "parameters/sweeps/). Scenario k draws from SeedSequence(seed).spawn(n)[k], so results "
                    "are identical whichever executor runs them. Default executor: Dask, on a LocalCluster "
                    "(workers = cores) or on --scheduler tcp://HOST:PORT (or DASK_SCHEDULER_ADDRESS). Writes "
                    "OUT/summary.csv, summary.html and failures.csv; summary.csv is rewritten as results "
                    "arrive. A failing scenario, or one that exceeds --timeout, does not stop the others "
                    "but the exit status is 1.",
    )
    p.add_argument("scenarios", nargs="*", help="scenario files (.yaml)")
    p.add_argument("--grid", help="grid spec (.yaml) instead of scenario files")
    p.add_argument("--executor", choices=["dask", "processes", "sequential"], default=None,
                   help="where scenarios run (default: dask)")
    p.add_argument("--scheduler", default=None,
                   help="address of a running Dask scheduler, e.g. tcp://127.0.0.1:8786 "
                        "(default: DASK_SCHEDULER_ADDRESS, else a LocalCluster)")
    p.add_argument("--workers", type=int, default=None, help="LocalCluster / process workers (default: cores)")
    p.add_argument("--out", default=None, help="output folder (default: outputs/sweep_<name>)")
    p.add_argument("--draws", type=int, default=None, help="simulation draws per scenario (default: the spec's, else each scenario's simulation.draws)")
    p.add_argument("--seed", type=int, default=None, help="the sweep's seed (default: spec's, else first scenario's)")
    p.add_argument("--lang", help="summary language: fr or en (default: $WORKBENCH_LANG, else fr)")
    p.add_argument("--reports", action="store_true",
                   help="also run the full report (notebook) of every scenario that succeeded")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds one scenario may take before it is recorded as failed (default 600)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _cmd_sweep(args) -> int:
    from ..sweep import main_sweep

    return main_sweep(args)


# --------------------------------------------------------------------------------------------
# simulate
# --------------------------------------------------------------------------------------------
def _add_simulate(sub) -> None:
    p = sub.add_parser(
        "simulate",
        help="Monte Carlo of the envelope: commitments and payments by year, call after call",
        description="Simulate how the scenario's envelope(s) are committed (AE) and paid (CP) call after "
                    "call under cost overruns, delays and attrition, for the portfolio the committees decide "
                    "call by call (the same evaluation as the report, rank and the dashboard). Writes CSV "
                    "tables, PNG figures and provenance.json into OUT (atomically: nothing is written if an "
                    "input is wrong) and prints a short summary.",
    )
    p.add_argument("scenario", help="scenario .yaml")
    p.add_argument("--draws", default=None, help="number of Monte Carlo draws (> 0; default: the scenario's "
                                                 "simulation.draws, 2000 unless it says otherwise)")
    p.add_argument("--seed", default=None, help="random seed (>= 0; default: the scenario's seed)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--chunk-size", default=None, help="draws computed at once (memory); results do not depend on it")
    p.add_argument("--candidates", default=None, help="candidate file (CSV/XLSX) instead of the scenario's")
    p.add_argument("--policies", action="store_true", help="also compare the scenario's allocation policies")
    p.add_argument("--lang", help="language of the figures and the summary: fr or en (default: $WORKBENCH_LANG, else fr)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _collect(problems: list, fn, *args, **kwargs):
    """``fn(*args)``, or ``None`` with its input problems added to ``problems`` (so that every
    problem of a command line is reported at once)."""
    try:
        return fn(*args, **kwargs)
    except InputError as exc:
        problems.extend(exc.problems)
        return None


def _int_option(name: str, raw, minimum: int, problems: list) -> int | None:
    if raw is None:
        return None
    try:
        v = int(str(raw).strip())
    except ValueError:
        problems.append(Problem("<option>", name, raw, msg("E_NOT_WHOLE_NUMBER")))
        return None
    if v < minimum:
        problems.append(Problem("<option>", name, v, msg("E_WHOLE_NUMBER_MIN", minimum=minimum)))
    return v


def _cmd_simulate(args) -> int:
    from .. import envelope
    from ..reporting import charts
    from ..candidates import read_candidates
    from ..scenario import load_scenario

    probs: list = []
    draws = _int_option("--draws", args.draws, 1, probs)
    seed = _int_option("--seed", args.seed, 0, probs)
    chunk = _int_option("--chunk-size", args.chunk_size, 1, probs)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        probs.append(Problem("<option>", "--out", str(out), msg("E_OUT_NOT_FOLDER")))
    scn = _collect(probs, load_scenario, args.scenario)
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
            write_via(tmp / name, lambda p, fig=fig: fig.savefig(p, dpi=110, format="png"))

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


# --------------------------------------------------------------------------------------------
# sensitivity (what drives the risk)
# --------------------------------------------------------------------------------------------
def _add_sensitivity(sub) -> None:
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
    p.add_argument("scenario", help="scenario .yaml")
    p.add_argument("--samples", default=None, help="Saltelli's base samples, a power of 2 (default: the scenario's "
                                                   "sensitivity.samples, else 256)")
    p.add_argument("--draws-per-set", default=None, help="simulation draws per parameter set (default: the "
                                                         "scenario's sensitivity.draws_per_set, else 32)")
    p.add_argument("--seed", default=None, help="random seed (>= 0; default: the scenario's seed)")
    p.add_argument("--out", default=None, help="output folder (default: print only)")
    p.add_argument("--lang", help=LANG_HELP)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _cmd_sensitivity(args) -> int:
    from ..analysis import sensitivity as S
    from ..pipeline import decide
    from ..reporting import charts
    from ..reporting.labels import sensitivity_table
    from ..scenario import load_scenario

    probs: list = []
    samples = _int_option("--samples", args.samples, 2, probs)
    per_set = _int_option("--draws-per-set", args.draws_per_set, 1, probs)
    seed = _int_option("--seed", args.seed, 0, probs)
    if samples is not None and samples & (samples - 1):
        probs.append(Problem("<option>", "--samples", samples, msg("E_POWER_OF_TWO")))
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not out.is_dir():
        probs.append(Problem("<option>", "--out", str(out), msg("E_OUT_NOT_FOLDER")))
    scn = _collect(probs, load_scenario, args.scenario)
    if scn is not None:
        _collect(probs, S.factors, scn)
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


# --------------------------------------------------------------------------------------------
# book (laureate book snapshots) and status (follow-up of funded projects)
# --------------------------------------------------------------------------------------------
def _add_book(sub) -> None:
    p = sub.add_parser(
        "book",
        help="store dated snapshots of a laureate book (funded projects) in a SQLite database",
        description="`workbench book import FILE --as-of DATE` validates a laureate book (CSV/XLSX, one row per "
                    "funded project: grants, convention dates, payments by year, latest cost and end date, "
                    "status, savings) and stores it as a dated snapshot. Nothing is overwritten; a snapshot "
                    "older than the book's latest one is refused; dates, payment years and amounts outside the "
                    "scenario's horizon and envelopes (sanity bounds without --scenario) are refused; a bad book "
                    "stores nothing (exit status 2). `workbench book list` lists the snapshots and the audit "
                    "trail; `workbench book drop --as-of DATE --reason TEXT` withdraws a snapshot (recorded in "
                    "the audit trail with who, when and why).",
    )
    bsub = p.add_subparsers(dest="book_command", metavar="ACTION", required=True)
    imp = bsub.add_parser("import", help="validate a book and store it as a dated snapshot")
    imp.add_argument("file", help="laureate book (.csv or .xlsx)")
    imp.add_argument("--as-of", required=True, help="the date the book describes (YYYY-MM-DD)")
    imp.add_argument("--db", default="books.sqlite", help="snapshot database (default books.sqlite)")
    imp.add_argument("--name", default=None, help="the book's name in the database (default: its fund codes)")
    imp.add_argument("--scenario", default=None,
                     help="check fund and envelope codes, dates and amounts against this scenario's funds")
    imp.add_argument("--lang", help="language of messages: fr or en (default: $WORKBENCH_LANG, else fr)")
    ls = bsub.add_parser("list", help="list the snapshots of a database and its audit trail")
    ls.add_argument("--db", default="books.sqlite", help="snapshot database (default books.sqlite)")
    ls.add_argument("--name", default=None, help="only this book")
    ls.add_argument("--lang", help=LANG_HELP)
    dr = bsub.add_parser("drop", help="withdraw a snapshot stored by mistake (recorded in the audit trail)")
    dr.add_argument("--as-of", required=True, help="the date of the snapshot to withdraw (YYYY-MM-DD)")
    dr.add_argument("--db", default="books.sqlite", help="snapshot database (default books.sqlite)")
    dr.add_argument("--name", default=None, help="the book (required when the database holds several)")
    dr.add_argument("--reason", required=True, help="why the snapshot is withdrawn (kept in the audit trail)")
    dr.add_argument("--lang", help=LANG_HELP)


def _followup_errors(command: str, lang: str, run) -> int:
    """Run ``run()``; an InputError is printed in ``lang`` with exit status 2."""
    from ..errors import problems_message

    try:
        return run()
    except InputError as exc:
        print(f"workbench {command}: {problems_message(exc.problems, lang)}", file=sys.stderr)
        return EXIT_INPUT


def _cmd_book(args) -> int:
    def run() -> int:
        from ..followup import status as FS
        from ..followup import store
        from ..followup.bounds import book_bounds
        from ..messages import label

        if args.book_command == "list":
            snaps = store.snapshots(args.db, args.name)
            trail = store.audit_trail(args.db, args.name)
            print(label("fu_list_snapshots", args.lang, db=args.db))
            print(snaps.to_string(index=False) if len(snaps) else label("fu_list_none", args.lang))
            print(label("fu_list_audit", args.lang))
            print(trail.fillna("").to_string(index=False) if len(trail) else label("fu_list_none", args.lang))
            return 0
        as_of = FS.parse_as_of(args.as_of)
        if args.book_command == "drop":
            res = store.drop_snapshot(args.db, as_of, args.reason, name=args.name)
            print(label("fu_dropped", args.lang, db=res["db"], book=res["book"], as_of=res["as_of"],
                        n=res["n_projects"], sid=res["snapshot_id"], reason=res["reason"]))
            return 0
        codes = cands = scn = None
        if args.scenario:
            from ..scenario import load_scenario

            scn = load_scenario(args.scenario)
            codes, cands = scn.envelope_codes, FS.candidate_ids(scn)
        res = store.import_book(args.file, as_of, db=args.db, name=args.name, fund_codes=codes, candidate_ids=cands,
                                bounds=book_bounds(scn))
        key = "fu_imported" if res["stored"] else "fu_already_stored"
        print(label(key, args.lang, db=res["db"], book=res["book"], as_of=res["as_of"], n=res["n_projects"],
                    sid=res["snapshot_id"]))
        return 0

    return _followup_errors("book", args.lang, run)


def _add_status(sub) -> None:
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
    p.add_argument("scenario", help="scenario .yaml (envelopes, voted CP, uncertainty models)")
    p.add_argument("--book", required=True, help="laureate book (.csv/.xlsx) or snapshot database (.sqlite/.db)")
    p.add_argument("--as-of", required=True, help="the date of the position (YYYY-MM-DD)")
    p.add_argument("--name", default=None, help="the book's name when the database holds several")
    p.add_argument("--out", default="outputs/status", help="output folder (default outputs/status)")
    p.add_argument("--draws", default="10000", help="Monte Carlo draws (> 0; default 10000)")
    p.add_argument("--seed", default=None, help="random seed (>= 0; default: the scenario's)")
    p.add_argument("--no-uncertainty", action="store_true", help="the remaining schedule without uncertainty")
    p.add_argument("--report", action="store_true",
                   help="also run notebooks/followup.ipynb (papermill) into OUT/followup.ipynb and followup.html")
    p.add_argument("--no-capacity", action="store_true",
                   help="leave out the next call's capacity (how much it can grant at a 10 %% risk of running short "
                        "of CP, see `workbench capacity`; written as capacity.csv and capacity_by_year.csv)")
    p.add_argument("--lang", help="language of messages and figures: fr or en (default: $WORKBENCH_LANG, else fr)")


def _cmd_status(args) -> int:
    def run() -> int:
        from ..followup import status as FS
        from ..followup import store
        from ..messages import label
        from ..scenario import load_scenario

        probs: list = []
        draws = _int_option("--draws", args.draws, 1, probs)
        seed = _int_option("--seed", args.seed, 0, probs)
        as_of = _collect(probs, FS.parse_as_of, args.as_of)
        scn = _collect(probs, load_scenario, args.scenario)
        if probs:
            raise InputError(probs)
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

    return _followup_errors("status", args.lang, run)


# --------------------------------------------------------------------------------------------
# capacity (how much the next call may grant without running short of CP)
# --------------------------------------------------------------------------------------------
def _add_capacity(sub) -> None:
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
    p.add_argument("scenario", help="scenario .yaml (or a shipped scenario's name)")
    p.add_argument("--book", default=None,
                   help="laureate book (.csv/.xlsx), snapshot database (.sqlite/.db), or a shipped example book's name "
                        "(e.g. ftap2_2024-06-30.csv); without it the fund is taken at its start or at --as-of with the "
                        "scenario's own decisions")
    p.add_argument("--name", default=None, help="the book's name when the database holds several")
    p.add_argument("--as-of", default=None,
                   help="the date of the question (YYYY-MM-DD): the next call is the first decided after it "
                        "(required with --book; default: the fund's first call)")
    p.add_argument("--risk", default="0.10",
                   help="the risk accepted of running short of CP in at least one year: a fraction strictly between "
                        "0 and 1 (default 0.10)")
    p.add_argument("--draws", default=None, help="Monte Carlo draws (> 0; default: the scenario's simulation.draws)")
    p.add_argument("--seed", default=None, help="random seed (>= 0; default: the scenario's)")
    p.add_argument("--parameter-sets", default=None, metavar="CSV",
                   help="parameter sets varied draw by draw (a calibration's posterior sample: one row per set, "
                        "columns scenario key paths such as disbursement.commitment_lag.median_months)")
    p.add_argument("--out", default=None, help="folder for capacity.csv, capacity_by_year.csv and provenance.json "
                                               "(default: print only)")
    p.add_argument("--lang", help=LANG_HELP)


def _fraction_option(name: str, raw, problems: list) -> float | None:
    """A fraction strictly between 0 and 1 from an option (a decimal comma accepted)."""
    try:
        v = float(str(raw).strip().replace(",", "."))
    except ValueError:
        problems.append(Problem("<option>", name, raw, msg("E_NOT_NUMBER")))
        return None
    if not 0 < v < 1:
        problems.append(Problem("<option>", name, raw, msg("E_BOUNDS", bounds=[(">", 0), ("<", 1)])))
        return None
    return v


def _cmd_capacity(args) -> int:
    from ..analysis import capacity as C
    from ..followup import status as FS
    from ..scenario import load_scenario

    probs: list = []
    draws = _int_option("--draws", args.draws, 1, probs)
    seed = _int_option("--seed", args.seed, 0, probs)
    risk = _fraction_option("--risk", args.risk, probs)
    as_of = _collect(probs, FS.parse_as_of, args.as_of) if args.as_of is not None else None
    if args.book is not None and args.as_of is None:
        probs.append(Problem("<option>", "--as-of", None, msg("E_CAPACITY_BOOK_NEEDS_AS_OF")))
    if args.out is not None and Path(args.out).exists() and not Path(args.out).is_dir():
        probs.append(Problem("<option>", "--out", args.out, msg("E_OUT_NOT_FOLDER")))
    sets = None
    if args.parameter_sets is not None:
        sets = _collect(probs, C.read_parameter_sets, args.parameter_sets)
    scn = _collect(probs, load_scenario, args.scenario)
    if probs:
        raise InputError(probs)
    book = None
    if args.book is not None:
        book = FS.load_book(args.book, as_of, scenario=scn, name=args.name)
    res = C.next_call_capacity(scn, as_of=as_of, book=book, risk_rate=risk, draws=draws, seed=seed,
                               parameter_sets=sets)
    if args.out is not None:
        C.write_capacity(res, args.out)
    print(C.summary_text(res, args.lang))
    if args.out is not None:
        print(label("cap_written", args.lang, out=args.out, files=", ".join(C.FILES)))
    return 0


# --------------------------------------------------------------------------------------------
# committee (the sessions of a committee: members' weights, decisions, minutes)
# --------------------------------------------------------------------------------------------
#: The committee store's option: the dashboard's store unless named.
DB_HELP = ("committee store (default: $WORKBENCH_COMMITTEE_DB, else the dashboard's: committee.sqlite in "
           "parameters/variants/)")


def _add_committee(sub) -> None:
    p = sub.add_parser(
        "committee",
        help="the committee's sessions: list them, write a session's minutes (PDF, CSV, DOCX)",
        description="A committee session (opened from the dashboard's committee panel) stores each member's "
                    "weights, the decisions call by call with their justification and overrides, and an "
                    "audit trail in a SQLite file (the dashboard's: committee.sqlite beside its variants). "
                    "`workbench committee list` lists "
                    "the sessions; `workbench committee minutes --session ID --out DIR` writes the session's "
                    "minutes (minutes.pdf, minutes.html, minutes.docx and minutes_*.csv), all or nothing, and "
                    "notes the export in the audit trail.",
    )
    csub = p.add_subparsers(dest="committee_command", metavar="ACTION", required=True)
    ls = csub.add_parser("list", help="list the sessions of a committee store")
    ls.add_argument("--db", default=None, help=DB_HELP)
    ls.add_argument("--lang", help=LANG_HELP)
    mn = csub.add_parser("minutes", help="write a session's minutes")
    mn.add_argument("--session", required=True, help="the session's number (see `workbench committee list`)")
    mn.add_argument("--out", required=True, help="output folder")
    mn.add_argument("--db", default=None, help=DB_HELP)
    mn.add_argument("--no-pdf", action="store_true", help="leave the PDF out (it needs Chromium)")
    mn.add_argument("--no-docx", action="store_true", help="leave the Word document out")
    mn.add_argument("--lang", help="language of the minutes: fr or en (default: $WORKBENCH_LANG, else fr)")


def _cmd_committee(args) -> int:
    def run() -> int:
        from ..committee import store
        from ..messages import label

        args.db = args.db or str(store.default_path())
        if args.committee_command == "list":
            t = store.sessions(args.db)
            print(t.to_string(index=False) if len(t) else label("cm_list_empty", args.lang, db=args.db))
            return 0
        from ..committee.minutes import write_minutes

        w = write_minutes(args.db, args.session, args.out, lang=args.lang, pdf=not args.no_pdf,
                          docx=not args.no_docx)
        for note in w.notes:
            print(note, file=sys.stderr)
        print(label("cm_minutes_written", args.lang, id=args.session, out=w.folder, files=", ".join(sorted(w.files))))
        return 0

    return _followup_errors("committee", args.lang, run)


# --------------------------------------------------------------------------------------------
# scenarios (the shipped scenarios and sweep specifications)
# --------------------------------------------------------------------------------------------
def _add_scenarios(sub) -> None:
    sub.add_parser(
        "scenarios",
        help="list the shipped scenarios and sweep specifications (name, title, file)",
        description="List the scenarios shipped with the workbench (parameters/*.yaml of the checkout, or "
                    "their copy inside an installed package) and the sweep specifications "
                    "(parameters/sweeps/*.yaml). Every command that takes a scenario file also takes a "
                    "shipped scenario's name when no file of that name exists, e.g. "
                    "'workbench run ftap_2018_2022' from any folder.",
    )


def _cmd_scenarios(args) -> int:
    from .. import resources
    from ..scenario import load_scenario

    for name, path in resources.shipped_scenarios().items():
        try:
            title = load_scenario(path).title
        except InputError as exc:  # a shipped file broken by hand: shown, the others still listed
            title = exc.message()
        print(f"{name}\t{title}\n\t{path}")
    for name, path in resources.shipped_sweeps().items():
        print(f"sweeps/{name}\t\n\t{path}")
    return 0


def _shipped_arguments(args) -> None:
    """Scenario arguments that name no existing file but a shipped scenario (or sweep spec) by
    name are replaced by its path (:func:`workbench.resources.scenario_path`)."""
    from .. import resources

    for key in ("scenario", "file", "a", "b"):
        value = getattr(args, key, None)
        if isinstance(value, str):
            setattr(args, key, str(resources.scenario_path(value)))
    if isinstance(getattr(args, "scenarios", None), list):
        args.scenarios = [str(resources.scenario_path(v)) for v in args.scenarios]
    if isinstance(getattr(args, "grid", None), str):
        args.grid = str(resources.sweep_path(args.grid))
    if isinstance(getattr(args, "book", None), str):   # a shipped example book by its name (status, capacity)
        args.book = str(resources.book_path(args.book))


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------
COMMANDS = {
    "simulate": (_add_simulate, _cmd_simulate),
    "run": (_add_run, _cmd_run),
    "compare": (_add_compare, _cmd_compare),
    "sweep": (_add_sweep, _cmd_sweep),
    "dashboard": (_add_dashboard, _cmd_dashboard),
    "validate": (_add_validate, _cmd_validate),
    "rank": (_add_rank, _cmd_rank),
    "backtest": (_add_backtest, _cmd_backtest),
    "calibrate": (_add_calibrate, _cmd_calibrate),
    "sensitivity": (_add_sensitivity, _cmd_sensitivity),
    "book": (_add_book, _cmd_book),
    "status": (_add_status, _cmd_status),
    "capacity": (_add_capacity, _cmd_capacity),
    "committee": (_add_committee, _cmd_committee),
    "scenarios": (_add_scenarios, _cmd_scenarios),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Decision support for France's public transformation funds (FTAP, FITN): scenario "
                    "files, envelope simulation, portfolio ranking, reports and dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add, _ in COMMANDS.values():
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_INPUT
    lang = "fr"
    try:
        option = getattr(args, "lang", None)
        lang = resolve_lang(None)   # $WORKBENCH_LANG, else French: checked first
        if option in LANGS:
            lang = option
        elif option is not None and args.command not in _CHECK_THEIR_OPTIONS:
            resolve_lang(option)    # raises: an unknown --lang
        # a command that checks all its options together reports a bad --lang among the others
        args.lang = option if option is not None else lang
        _shipped_arguments(args)
        return COMMANDS[args.command][1](args)
    except InputError as exc:
        print(f"workbench {args.command}: {problems_message(exc.problems, lang)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(label("cli_interrupted", lang), file=sys.stderr)
        return 130
    except OSError as exc:
        # a folder the user cannot write, a full disk: a message, never a traceback
        code = EXIT_INPUT if exc.errno in _USER_ERRNOS else 1
        print(f"workbench {args.command}: {describe_os_error(exc, lang)}", file=sys.stderr)
        return code
    except MemoryError:
        print(f"workbench {args.command}: {label('cli_no_memory', lang)}", file=sys.stderr)
        return 1


#: Commands that check every option together (a bad ``--lang`` is reported with the others).
_CHECK_THEIR_OPTIONS = ("run", "compare", "sweep")


def resolve_lang(option: str | None) -> str:
    """The language of everything a command prints: its ``--lang``, else ``$WORKBENCH_LANG``, else
    French (the directorate's language)."""
    value = option if option is not None else os.environ.get(ENV_LANG) or "fr"
    if value not in LANGS:
        name = "--lang" if option is not None else f"${ENV_LANG}"
        raise InputError([Problem("<option>", name, value, msg("E_LANG", choices=list(LANGS)))])
    return value


#: The label of each file error the command line explains (others: the system's own words).
_OS_ERRORS = {errno.ENOTDIR: "os_not_folder", errno.EACCES: "os_permission",
              errno.EPERM: "os_not_permitted", errno.EROFS: "os_read_only", errno.ENOSPC: "os_no_space",
              errno.EDQUOT: "os_quota"}


def describe_os_error(exc: OSError, lang: str = "fr") -> str:
    """One line on a failed file operation: what failed, on which path; nothing was half-written."""
    key = _OS_ERRORS.get(exc.errno)
    if exc.errno == errno.EEXIST:
        what = msg("E_OUT_NOT_FOLDER").render(lang)
    else:
        what = label(key, lang) if key else (exc.strerror or type(exc).__name__)
    where = exc.filename if exc.filename is not None else ""
    text = label("os_cannot", lang, where=where, what=what) if where else label("os_failed", lang, what=what)
    return text + label("os_untouched", lang)

