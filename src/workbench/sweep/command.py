"""The ``workbench sweep`` command body (:func:`main_sweep`, called by :mod:`workbench.cli`) and
a sweep's scenario as a stand-alone file for its own report (:func:`write_scenario_file`)."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError, Problem
from ..messages import msg as coded
from .executors import make_executor
from .grid import file_tasks, grid_tasks, load_grid
from .run import run_sweep
from .summary import write_partial_summary, write_summary
from .tasks import DEFAULT_TASK_TIMEOUT_S


def write_scenario_file(scenario, path: str | Path) -> Path:
    """The resolved scenario as a stand-alone YAML file (a candidate file, a history file and a
    posterior sample named by absolute path), so that a sweep's scenario can be reported or re-run
    on its own."""
    import yaml

    data = scenario.resolved()
    data["name"] = scenario.name
    cpath = scenario.candidates_path()
    if cpath is not None:
        data["candidates"]["file"] = str(Path(cpath).resolve())
    # the history file and the posterior sample, named by absolute path too
    if scenario.history_path() is not None:
        data["history"] = str(scenario.history_path().resolve())
    if scenario.posterior_path() is not None:
        data["calibration"]["posterior"] = str(scenario.posterior_path().resolve())
    from ..files import write_atomic

    return write_atomic(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def main_sweep(args, err=None) -> int:
    """The ``workbench sweep`` command body."""
    err = err or sys.stderr

    probs = []
    if args.grid and args.scenarios:
        probs.append(Problem("<argument>", "SCENARIOS", " ".join(args.scenarios), coded("E_SCENARIOS_AND_GRID")))
    if not args.grid and not args.scenarios:
        probs.append(Problem("<argument>", "SCENARIOS", None, coded("E_SCENARIOS_OR_GRID")))
    from ..reporting.batch import option_problems

    probs += option_problems(args.draws, args.seed, args.lang)
    timeout_s = getattr(args, "timeout", DEFAULT_TASK_TIMEOUT_S)
    if timeout_s is not None and not timeout_s > 0:
        probs.append(Problem("<option>", "--timeout", timeout_s, coded("E_SECONDS")))
    if probs:
        raise InputError(probs)
    executor = make_executor(args.executor, args.workers, args.scheduler)
    if args.grid:
        spec = load_grid(args.grid)
        seed = spec.seed if args.seed is None else args.seed
        tasks, name = grid_tasks(spec, args.draws, seed), spec.name
    else:
        tasks, seed = file_tasks(args.scenarios, args.draws, args.seed)
        name = "scenarios"
    for t in tasks:
        t.timeout_s = timeout_s
    out = Path(args.out) if args.out else Path("outputs") / f"sweep_{name}"
    result = run_sweep(tasks, executor, name=name, seed=seed, progress=not args.no_progress,
                       on_results=lambda partial: write_partial_summary(partial, out))
    files = write_summary(result, out, args.lang)
    report_failures = []
    if args.reports:
        from ..reporting.batch import ReportError, run_report

        ok = {t.index: t for t in tasks if t.scenario is not None}
        for _, row in result.summary.iterrows():
            task = next((x for x in ok.values() if x.name == row["scenario"]), None)
            if task is None or row["status"] != "ok":
                continue
            yml = write_scenario_file(task.scenario, out / "scenarios" / f"{task.name}.yaml")
            try:
                run_report(yml, out=out / "reports", draws=task.draws, seed=task.seed, lang=args.lang)
            except ReportError as exc:
                report_failures.append((task.name, str(exc)))
    n, failed = len(result.summary), result.n_failed
    print(f"{out}: {n - failed} of {n} scenarios computed ({result.executor}, {result.wall_s:.1f} s); "
          + ", ".join(p.name for p in files))
    if failed:
        print(f"workbench sweep: {failed} scenario(s) failed:", file=err)
        for _, r in result.failures.iterrows():
            print(f"  - {r['scenario']}: {r['error']}", file=err)
    for nm, msg in report_failures:
        print(f"workbench sweep: report of {nm} failed: {msg}", file=err)
    return 1 if failed or report_failures else 0
