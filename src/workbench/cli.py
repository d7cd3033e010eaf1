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

from . import __version__
from .errors import InputError, Problem
from .files import project_relative, write_csv, write_folder, write_via
from .messages import LANGS, Message, msg, render_text
from .reporting.labels import label, problems_message
from .reporting.summaries import (answer_summary, candidates_summary, ranking_summary, scenario_summary,
                                  simulation_summary)
from .units import number, pct

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
    from .candidates import read_candidates
    from .sources import load_candidates
    from .scenario import load_scenario

    path = Path(args.file)
    if path.suffix.lower() in (".yaml", ".yml"):
        scn = load_scenario(path)
        cands = load_candidates(scn)
        if args.show:
            # the resolved scenario (every dated value as written), then each fund's credits at
            # their dates as comment lines (the output stays YAML)
            from .reporting.summaries import credit_lines

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
    from .dashboard.serve import DEFAULT_PORT, DEFAULT_PORT_RETRIES, serve_command

    problems = []
    if args.port is not None and not 1 <= args.port <= 65535:
        problems.append(Problem("<option>", "--port", args.port, msg("E_PORT")))
    if args.scenario:
        from .scenario import load_scenario

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
    p.add_argument("--time-limit-s", type=float, help="solver time limit [s] (default: scenario, else 60)")
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
        help="compare the scenario with the fund's published history (laureates, grants, payments)",
        description="Replay the scenario's calls on many synthetic pipelines, decide them call by call, and "
                    "compare the mean and P10-P90 with every published figure of the fund's history "
                    "(laureates and grants per call, 2018 and end-2019 totals, projects and amounts by 2022, "
                    "payments by year), each with its tolerance and a PASS/FAIL mark. Writes DIR/backtest.csv.",
    )
    p.add_argument("scenario", help="scenario .yaml")
    p.add_argument("--replicates", type=int, default=30, help="synthetic pipelines replayed (default 30)")
    p.add_argument("--draws", type=int, default=200, help="envelope-simulation draws for the payments (default 200)")
    p.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    p.add_argument("--out", help="folder for backtest.csv (default: print only)")
    p.add_argument("--lang", help="language of the table: fr or en (default: $WORKBENCH_LANG, else fr)")


def _cmd_backtest(args) -> int:
    from .analysis.backtest import format_table, run_backtest
    from .files import write_csv
    from .scenario import load_scenario

    problems: list = []
    reps = _int_option("--replicates", args.replicates, 1, problems)
    draws = _int_option("--draws", args.draws, 1, problems)
    if problems:
        raise InputError(problems)
    scn = load_scenario(args.scenario)
    res = run_backtest(scn, replicates=reps, draws=draws, seed=args.seed)
    from .reporting.labels import label

    if not len(res.table):
        print(label("backtest_none", args.lang))
        return 0
    print(label("backtest_head", args.lang, name=scn.name, replicates=res.replicates, draws=res.draws, seed=res.seed,
                ok=int(res.table["passed"].sum()), n=len(res.table)))
    print(format_table(res, args.lang))
    if args.out:
        from pathlib import Path

        path = Path(args.out) / "backtest.csv"
        write_csv(path, res.table)
        print(label("sum_written", args.lang, files=path))
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
    from . import selection as portfolio
    from .candidates import read_candidates
    from .sources import load_candidates
    from .scenario import load_scenario

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
    if args.candidates:
        cands = read_candidates(args.candidates, scale=scn.criteria_scale, envelope_codes=scn.envelope_codes)
    else:
        cands = load_candidates(scn)
    unknown = [x for x in args.explain if x not in set(cands["id"].astype(str))]
    if unknown:
        raise InputError([Problem("<option>", "--explain", x, msg("E_UNKNOWN_CANDIDATE")) for x in unknown])
    # one evaluation (workbench.pipeline): the decisions, then the simulation of that portfolio,
    # so that rank prints the same risk as simulate, the report and the dashboard
    from .pipeline import assemble, decide, headline, simulate_portfolio

    res = decide(scn, cands, seed=args.seed, robustness_samples=args.robustness_samples,
                 perfect_foresight=args.perfect_foresight, budget_eur=args.budget_eur, weights=weights,
                 forced_in=args.force_in, forced_out=args.force_out, time_limit_s=args.time_limit_s)
    paths = portfolio.write_result(res, args.out)
    print(ranking_summary(res, args.lang))
    if res.conflicts is None and scn.calls:
        sim = simulate_portfolio(scn, res, seed=args.seed, draws=args.draws)
        print(answer_summary(headline(assemble(res, sim, cands)), args.lang))
    for pid in args.explain:
        print("  " + render_text(portfolio.explain(res, pid)["text"], args.lang))
    print(label("sum_written", args.lang, files=f"{paths['csv']}, {paths['xlsx']}, {paths['json']}"))
    return 0


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
    from .reporting.batch import main_run

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
    from .analysis.compare import main_compare

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
    from .sweep import main_sweep

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
    from . import envelope
    from .reporting import charts
    from .candidates import read_candidates
    from .scenario import load_scenario

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
    from .pipeline import assemble, decide, headline, resolve_draws, simulate_portfolio

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
    print(answer_summary(headline(assemble(decided, res, cands)), args.lang))
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
# book (laureate book snapshots) and status (follow-up of funded projects)
# --------------------------------------------------------------------------------------------
def _add_book(sub) -> None:
    p = sub.add_parser(
        "book",
        help="store dated snapshots of a laureate book (funded projects) in a SQLite database",
        description="`workbench book import FILE --as-of DATE` validates a laureate book (CSV/XLSX, one row per "
                    "funded project: grants, convention dates, payments by year, latest cost and end date, "
                    "status, savings) and stores it as a dated snapshot. Nothing is overwritten; a snapshot "
                    "older than the book's latest one is refused; a bad book stores nothing (exit status 2). "
                    "`workbench book list` lists the snapshots.",
    )
    bsub = p.add_subparsers(dest="book_command", metavar="ACTION", required=True)
    imp = bsub.add_parser("import", help="validate a book and store it as a dated snapshot")
    imp.add_argument("file", help="laureate book (.csv or .xlsx)")
    imp.add_argument("--as-of", required=True, help="the date the book describes (YYYY-MM-DD)")
    imp.add_argument("--db", default="books.sqlite", help="snapshot database (default books.sqlite)")
    imp.add_argument("--name", default=None, help="the book's name in the database (default: its fund codes)")
    imp.add_argument("--scenario", default=None, help="check fund and envelope codes against this scenario")
    imp.add_argument("--lang", help="language of messages: fr or en (default: $WORKBENCH_LANG, else fr)")
    ls = bsub.add_parser("list", help="list the snapshots of a database")
    ls.add_argument("--db", default="books.sqlite", help="snapshot database (default books.sqlite)")
    ls.add_argument("--name", default=None, help="only this book")
    ls.add_argument("--lang", help=LANG_HELP)


def _followup_errors(command: str, lang: str, run) -> int:
    """Run ``run()``; an InputError is printed in ``lang`` with exit status 2."""
    from .reporting.labels import problems_message

    try:
        return run()
    except InputError as exc:
        print(f"workbench {command}: {problems_message(exc.problems, lang)}", file=sys.stderr)
        return EXIT_INPUT


def _cmd_book(args) -> int:
    def run() -> int:
        from .followup import status as FS
        from .followup import store
        from .reporting.labels import label

        if args.book_command == "list":
            print(store.snapshots(args.db, args.name).to_string(index=False))
            return 0
        as_of = FS.parse_as_of(args.as_of)
        codes = cands = None
        if args.scenario:
            from .scenario import load_scenario

            scn = load_scenario(args.scenario)
            codes, cands = scn.envelope_codes, FS.candidate_ids(scn)
        res = store.import_book(args.file, as_of, db=args.db, name=args.name, fund_codes=codes, candidate_ids=cands)
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
        from .followup import status as FS
        from .followup import store
        from .reporting.labels import label
        from .scenario import load_scenario

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
            from .analysis.capacity import next_call_capacity, next_call_of

            st.capacity_checked = True
            if next_call_of(scn, as_of) is not None:
                st.capacity = next_call_capacity(scn, as_of=as_of, book=book, risk_rate=0.10, draws=draws, seed=seed)
        report = None
        if args.report:
            report = {"scenario_path": str(Path(args.scenario).resolve()), "book_path": str(Path(args.book).resolve()),
                      "book_name": args.name or "", "as_of": as_of.isoformat(), "draws": draws, "seed": seed,
                      "lang": args.lang, "out_dir": None}
        from .reporting.batch import ReportError

        try:
            out = FS.write_status(st, args.out, lang=args.lang, report=report)
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
    from .analysis import capacity as C
    from .followup import status as FS
    from .scenario import load_scenario

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
        from .committee import store
        from .reporting.labels import label

        args.db = args.db or str(store.default_path())
        if args.committee_command == "list":
            t = store.sessions(args.db)
            print(t.to_string(index=False) if len(t) else label("cm_list_empty", args.lang, db=args.db))
            return 0
        from .committee.minutes import write_minutes

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
    from . import resources
    from .scenario import load_scenario

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
    from . import resources

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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
