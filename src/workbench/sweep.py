"""Scenario sweeps: many scenarios at once, computed by the package's functions as tasks.

A notebook run costs seconds of kernel start where one scenario's computation costs a fraction of
a second, so a sweep does not run notebooks: each scenario is one call of :func:`evaluate`
(candidates -> portfolio ranking -> envelope simulation -> one row of figures), and the sweep
writes one side-by-side summary (``summary.csv`` and ``summary.html``) plus the list of failures.

Scenarios come from a list of files, or from a grid spec (YAML) over parameters of a base
scenario::

    name: weights_budget
    base: ../ftap_2018_2022.yaml        # relative to the spec file
    seed: 2018                          # the sweep's seed (default: the base scenario's)
    draws: 200                          # simulation draws per scenario (default: the base scenario's)
    grid:                               # every combination (cartesian product)
      criteria.weights.savings: [0.1, 0.25, 0.5]
      selection.budget_eur: [500000000, 700000000]

Each key is a dotted path in the scenario (as in the scenario files), each value a list.  Scenario
``k`` of the sweep draws from child ``k`` of ``SeedSequence(seed).spawn(n)``, so its results do
not depend on which executor ran it nor on how many workers there were: :class:`Sequential`,
:class:`Processes` and :class:`Dask` give identical tables.  Candidates stay those of each
scenario (synthetic pipelines from the scenario's own ``seed``), so a grid over weights or
budgets ranks the same projects everywhere.

Executors share one interface (like the EMA workbench's evaluators): ``with executor as ex:
ex.map(function, chunks)`` yields results as they complete.  :class:`Dask` starts a
``LocalCluster`` (workers = cores, one thread each) or connects to ``--scheduler tcp://HOST:PORT``
(or Dask's ``DASK_SCHEDULER_ADDRESS``).  One failing scenario never stops the others: its error
is recorded and the sweep ends with a non-zero status.
"""
from __future__ import annotations

import copy
import itertools
import json
import math
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from . import limits as LIMITS
from .errors import Collector, InputError, Problem
from .messages import msg as coded

EXECUTORS = ("dask", "processes", "sequential")
#: Default time one scenario of a sweep may take [s] before it is recorded as failed.
DEFAULT_TASK_TIMEOUT_S = 600.0
#: Time allowed to reach an existing Dask scheduler [s].
SCHEDULER_CONNECT_TIMEOUT_S = 20

_GRID_KEYS = {"name", "title", "description", "base", "seed", "draws", "grid", "cases"}


# --------------------------------------------------------------------------------------------
# tasks
# --------------------------------------------------------------------------------------------
@dataclass
class Task:
    """One scenario to compute.

    Attributes
    ----------
    index : int
        Position in the sweep (and child of the sweep's ``SeedSequence``).
    name : str
        The scenario's name in the summary.
    scenario : Scenario or None
        ``None`` when it could not be built; ``error`` then says why.
    seed : int
        The scenario's seed for its draws (from the sweep's ``SeedSequence``).
    draws : int
        Simulation draws.
    params : dict
        The varying parameters (grid) or the file (list), shown in the summary.
    error : str
        Why the scenario could not be built (empty when it was).
    """

    index: int
    name: str
    scenario: Any
    seed: int
    draws: int
    params: dict = field(default_factory=dict)
    error: str = ""
    timeout_s: float | None = None


@dataclass
class Outcome:
    """What one task gave: ``status`` ``"ok"`` with ``metrics``, or ``"failed"`` with ``error``."""

    index: int
    name: str
    status: str
    metrics: dict
    error: str = ""
    detail: str = ""
    duration_s: float = 0.0
    cpu_s: float = 0.0


def spawn_seeds(sweep_seed: int, n: int) -> list[int]:
    """``n`` independent seeds [int, 0 ≤ s < 2**63] from ``SeedSequence(sweep_seed).spawn(n)``."""
    children = np.random.SeedSequence(int(sweep_seed)).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


_CANDIDATES_CACHE: dict[str, pd.DataFrame] = {}
_CACHE_MAX = 8


def candidates_key(scenario) -> str:
    """What the candidate table depends on: its source settings, calls, funds, eligibility,
    scale and seed (not weights, budgets or uncertainty, which a grid usually varies; nor a
    committee's call settings: the dashboard's variants share their scenario's list)."""
    return scenario.candidates_hash()


_candidates_key = candidates_key   # the earlier name


def scenario_candidates(scenario) -> pd.DataFrame:
    """The scenario's candidates, generated or read once per process for identical sources."""
    from .sources import load_candidates

    key = candidates_key(scenario)
    df = _CANDIDATES_CACHE.get(key)
    if df is None:
        df = load_candidates(scenario)
        if len(_CANDIDATES_CACHE) >= _CACHE_MAX:
            _CANDIDATES_CACHE.pop(next(iter(_CANDIDATES_CACHE)))
        _CANDIDATES_CACHE[key] = df
    out = df.copy()
    out.attrs = dict(df.attrs)
    return out



from .pipeline import Evaluation  # noqa: E402 - one evaluation for every front end


def evaluate_full(scenario, seed: int, draws: int | None = None,
                  candidates: pd.DataFrame | None = None) -> Evaluation:
    """:func:`workbench.pipeline.evaluate` on the scenario's candidates, read or generated once
    per process (:func:`scenario_candidates`); ``draws`` default to the scenario's."""
    from .pipeline import evaluate as _evaluate

    cands = scenario_candidates(scenario) if candidates is None else candidates
    return _evaluate(scenario, cands, seed=seed, draws=draws)


def evaluate(scenario, seed: int, draws: int | None = None, candidates: pd.DataFrame | None = None) -> dict:
    """The headline figures of :func:`evaluate_full` (what a sweep task returns)."""
    return evaluate_full(scenario, seed, draws, candidates).metrics


def run_task(task: Task, fn: Callable | None = None) -> Outcome:
    """Compute one task, never raising: an error becomes a ``failed`` outcome with its message.

    ``duration_s`` is the task's wall time and ``cpu_s`` its processor time in the worker.  With
    ``task.timeout_s``, the computation runs in a helper thread and a task still running after
    that many seconds is recorded as failed ("timed out"); the sweep goes on with the next one
    while the abandoned computation ends in the background (it stops with the worker process).
    """
    t0, c0 = time.perf_counter(), time.process_time()

    def done(status: str, metrics: dict, error: str = "", detail: str = "") -> Outcome:
        return Outcome(task.index, task.name, status, metrics, error, detail, time.perf_counter() - t0,
                       time.process_time() - c0)

    if task.scenario is None:
        return done("failed", {}, task.error or "scenario could not be built")

    def compute() -> Outcome:
        try:
            return done("ok", (fn or evaluate)(task.scenario, task.seed, task.draws))
        except InputError as exc:
            return done("failed", {}, "InputError: " + " | ".join(str(p) for p in exc.problems))
        except Exception as exc:  # noqa: BLE001 - one failure must not stop the sweep
            return done("failed", {}, " ".join(f"{type(exc).__name__}: {exc}".split()),
                        traceback.format_exc(limit=6))

    if not task.timeout_s:
        return compute()
    import threading

    box: list[Outcome] = []
    worker = threading.Thread(target=lambda: box.append(compute()), name=f"sweep-task-{task.index}", daemon=True)
    worker.start()
    worker.join(task.timeout_s)
    if box:
        return box[0]
    return done("failed", {}, f"timed out after {task.timeout_s:g} s (the scenario was abandoned; "
                              f"raise --timeout to give it more time)")


def run_chunk(tasks: Sequence[Task], fn: Callable | None = None) -> list[Outcome]:
    """Compute several tasks in one go (one executor call: less scheduling per scenario)."""
    return [run_task(t, fn) for t in tasks]


# --------------------------------------------------------------------------------------------
# executors
# --------------------------------------------------------------------------------------------
class Executor:
    """Runs ``function(item)`` over items; ``map`` yields results as they complete.

    Use as a context manager: ``with Sequential() as ex: for r in ex.map(f, items): ...``.
    """

    name = "executor"
    workers = 1
    _depth = 0

    def __enter__(self) -> "Executor":
        # re-entrant: an executor started by the caller is reused (and closed by the caller)
        if self._depth == 0:
            self.start()
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.close()

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def map(self, function: Callable, items: Sequence) -> Iterator:
        """Yield ``function(item)`` for every item, in completion order; an item whose call could
        not complete (a worker died) yields a :class:`Lost` instead, and the others go on."""
        raise NotImplementedError

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"


@dataclass
class Lost:
    """An item an executor could not compute (its worker died or the call could not be sent)."""

    item: Any
    error: str


class Sequential(Executor):
    """Everything in this process, one after the other."""

    name = "sequential"

    def map(self, function, items):
        for item in items:
            yield function(item)


class Processes(Executor):
    """A pool of local processes (``concurrent.futures``); ``workers`` default: the cores."""

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = workers

    def start(self):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        self.workers = self.workers or os.cpu_count() or 1
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("spawn"))

    def close(self):
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, function, items):
        from concurrent.futures import as_completed

        futures = {self._pool.submit(function, item): item for item in items}
        for fut in as_completed(futures):
            try:
                yield fut.result()
            except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool
                yield Lost(futures[fut], f"{type(exc).__name__}: {exc}")


class Dask(Executor):
    """Dask distributed: an existing scheduler (``tcp://HOST:PORT``, else
    ``DASK_SCHEDULER_ADDRESS``) or a ``LocalCluster`` of ``workers`` processes (default: cores),
    one thread each."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        self.scheduler = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
        self.workers = workers
        self._client = self._cluster = None

    def start(self):
        from distributed import Client, LocalCluster

        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout=f"{SCHEDULER_CONNECT_TIMEOUT_S}s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError([Problem("<option>", "--scheduler", self.scheduler,
                                          coded("E_DASK_NO_ANSWER", detail=type(exc).__name__))]) \
                    from None
            self.workers = max(len(self._client.scheduler_info().get("workers", {})), 1)
        else:
            self.workers = self.workers or os.cpu_count() or 1
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, host="127.0.0.1")
            self._client = Client(self._cluster)

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def describe(self) -> str:
        where = self.scheduler or "LocalCluster"
        return f"dask on {where} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def map(self, function, items):
        from distributed import as_completed

        items = list(items)
        futures = self._client.map(function, items, pure=False)
        item_of = {f.key: it for f, it in zip(futures, items)}
        for fut in as_completed(futures):
            try:
                yield fut.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker
                yield Lost(item_of[fut.key], f"{type(exc).__name__}: {exc}")


def make_executor(kind: str | None = None, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """An executor by name; a scheduler address (or ``DASK_SCHEDULER_ADDRESS``) implies Dask."""
    kind = kind or "dask"
    if kind not in EXECUTORS:
        raise InputError([Problem("<option>", "--executor", kind, coded("E_ONE_OF", choices=list(EXECUTORS), suggestion=None))])
    if scheduler and kind != "dask":
        raise InputError([Problem("<option>", "--scheduler", scheduler, coded("E_SCHEDULER_NEEDS_DASK"))])
    if workers is not None and (workers < 1):
        raise InputError([Problem("<option>", "--workers", workers, coded("E_BOUNDS", bounds=[(">=", 1)]))])
    if kind == "sequential":
        return Sequential()
    if kind == "processes":
        return Processes(workers)
    return Dask(scheduler, workers)


def _chunks(tasks: list[Task], workers: int, chunk_size: int | None) -> list[list[Task]]:
    if chunk_size is None:
        # a few chunks per worker: enough to balance the load, few enough to keep scheduling
        # overhead small next to milliseconds of computation per scenario
        chunk_size = max(1, min(50, math.ceil(len(tasks) / (max(workers, 1) * 8))))
    return [tasks[i:i + chunk_size] for i in range(0, len(tasks), chunk_size)]


# --------------------------------------------------------------------------------------------
# building the scenarios
# --------------------------------------------------------------------------------------------
def _dotted(keypath: str, value: Any) -> dict:
    out: Any = copy.deepcopy(value)
    for part in reversed(keypath.split(".")):
        out = {part: out}
    return out


def _merge(a: dict, b: dict) -> dict:
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            _merge(a[k], v)
        else:
            a[k] = v
    return a


def overrides_from(flat: Mapping[str, Any]) -> dict:
    """``{"a.b": 1, "a.c": 2}`` -> ``{"a": {"b": 1, "c": 2}}``."""
    out: dict = {}
    for k, v in flat.items():
        _merge(out, _dotted(k, v))
    return out


@dataclass
class GridSpec:
    """A validated grid spec: base scenario, sweep seed and draws, and the scenario list."""

    name: str
    path: Path
    base: Any
    seed: int
    draws: int
    cases: list[tuple[str, dict]]  # (name, flat parameters)


def load_grid(path: str | Path) -> GridSpec:
    """Read and check a grid spec (every problem at once, :class:`InputError`)."""
    from .scenario import load_scenario, read_yaml

    path = Path(path)
    data, probs = read_yaml(path)
    if probs:
        raise InputError(probs)
    col = Collector(str(path))
    for k in data:
        if k not in _GRID_KEYS:
            col.add(str(k), k, coded("E_GRID_UNKNOWN_KEY", choices=sorted(_GRID_KEYS)))
    if "base" not in data:
        col.add("base", None, coded("E_GRID_BASE_REQUIRED"))
    for k in ("seed", "draws"):
        if k in data and (not isinstance(data[k], int) or isinstance(data[k], bool) or data[k] < (1 if k == "draws" else 0)):
            col.add(k, data[k], coded("E_WHOLE_NUMBER_MIN", minimum=1 if k == 'draws' else 0))
    grid = data.get("grid") or {}
    if not isinstance(grid, dict):
        col.add("grid", grid, coded("E_GRID_NOT_MAPPING"))
        grid = {}
    for k, v in grid.items():
        if not isinstance(v, list) or not v:
            col.add(f"grid.{k}", v, coded("E_GRID_VALUES"))
    cases_in = data.get("cases") or []
    if not isinstance(cases_in, list) or not all(isinstance(c, dict) for c in cases_in):
        col.add("cases", cases_in, coded("E_GRID_CASES"))
        cases_in = []
    if not grid and not cases_in:
        col.add("grid", None, coded("E_GRID_EMPTY"))
    n_cases = math.prod(len(v) for v in grid.values() if isinstance(v, list)) + len(cases_in)
    if n_cases > LIMITS.MAX_SWEEP_SCENARIOS:  # counted before anything is expanded
        col.add("grid", f"{n_cases:,} scenarios", coded("E_SWEEP_TOO_LARGE", limit=LIMITS.MAX_SWEEP_SCENARIOS))
    base_path = path.parent / str(data.get("base", ""))
    dirs = LIMITS.allowed_dirs(path)
    if "base" in data and not LIMITS.is_allowed(base_path, dirs):
        col.add("base", data["base"], LIMITS.outside_rule(dirs))
    col.raise_if_any()
    base = load_scenario(base_path, allowed_dirs=[path.parent])
    name = str(data.get("name") or path.stem)
    flat_cases: list[dict] = []
    if grid:
        keys = list(grid)
        for combo in itertools.product(*(grid[k] for k in keys)):
            flat_cases.append(dict(zip(keys, combo)))
    for c in cases_in:
        flat_cases.append({k: v for k, v in c.items() if k != "name"})
    width = max(3, len(str(len(flat_cases))))
    named = []
    for i, flat in enumerate(flat_cases):
        label = (cases_in[i - (len(flat_cases) - len(cases_in))].get("name")
                 if i >= len(flat_cases) - len(cases_in) and cases_in else None)
        named.append((str(label) if label else f"{name}-{i + 1:0{width}d}", flat))
    return GridSpec(name=name, path=path, base=base, seed=int(data.get("seed", base.seed)),
                    draws=int(data.get("draws", base.draws)), cases=named)


def grid_tasks(spec: GridSpec, draws: int | None = None, seed: int | None = None) -> list[Task]:
    """One task per grid scenario; a combination the scenario rules refuse becomes a failed task."""
    seeds = spawn_seeds(spec.seed if seed is None else seed, len(spec.cases))
    n_draws = spec.draws if draws is None else draws
    tasks = []
    for i, (name, flat) in enumerate(spec.cases):
        try:
            scn = spec.base.with_overrides(overrides_from(flat), name=name)
            err = ""
        except InputError as exc:
            scn, err = None, "InputError: " + " | ".join(str(p) for p in exc.problems)
        tasks.append(Task(i, name, scn, seeds[i], n_draws, dict(flat), err))
    return tasks


def file_tasks(paths: Sequence[str | Path], draws: int | None = None, seed: int | None = None) -> tuple[list[Task], int]:
    """One task per scenario file; a file that does not load becomes a failed task.

    Returns the tasks and the sweep seed used (default: the first loadable scenario's seed).
    """
    from .scenario import load_scenario

    loaded = []
    for p in paths:
        try:
            loaded.append((p, load_scenario(p), ""))
        except InputError as exc:
            loaded.append((p, None, "InputError: " + " | ".join(str(q) for q in exc.problems)))
    if seed is None:
        seed = next((s.seed for _, s, _ in loaded if s is not None), 0)
    seeds = spawn_seeds(seed, len(loaded))
    names: dict[str, int] = {}
    tasks = []
    for i, (p, scn, err) in enumerate(loaded):
        base = scn.name if scn is not None else Path(p).stem
        names[base] = names.get(base, 0) + 1
        name = base if names[base] == 1 else f"{base}-{names[base]}"
        tasks.append(Task(i, name, scn, seeds[i], (scn.draws if scn is not None else 0) if draws is None else draws,
                          {"file": str(p)}, err))
    return tasks, seed


# --------------------------------------------------------------------------------------------
# running and reporting
# --------------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    """A finished sweep: ``summary`` (one row per scenario, in sweep order) and ``failures``."""

    name: str
    seed: int
    draws: int
    summary: pd.DataFrame
    executor: str
    wall_s: float
    param_columns: list[str]

    @property
    def failures(self) -> pd.DataFrame:
        return self.summary.loc[self.summary["status"] != "ok", ["scenario", "error"]]

    @property
    def n_failed(self) -> int:
        return int((self.summary["status"] != "ok").sum())


def run_sweep(tasks: Sequence[Task], executor: Executor | None = None, name: str = "sweep", seed: int = 0,
              progress: bool = True, chunk_size: int | None = None, fn: Callable | None = None,
              on_results: Callable[[SweepResult], None] | None = None) -> SweepResult:
    """Compute every task with ``executor`` (default sequential), in chunks, with a progress bar.

    Results come back in completion order and are put back in sweep order, so the summary is the
    same whichever executor ran it.  ``on_results`` is called after every chunk with the summary
    of the scenarios finished so far (to write them as they come: a scenario that hangs, or a
    sweep that is killed, never loses the others).
    """
    from functools import partial

    from tqdm.auto import tqdm

    tasks = list(tasks)
    executor = executor or Sequential()
    t0 = time.perf_counter()
    outcomes: dict[int, Outcome] = {}
    with executor as ex:
        chunks = _chunks(tasks, ex.workers or 1, chunk_size)
        call = partial(run_chunk, fn=fn) if fn is not None else run_chunk
        bar = tqdm(total=len(tasks), desc=f"{name} [{ex.describe()}]", unit="scenario", disable=not progress,
                   file=sys.stderr, dynamic_ncols=True)
        try:
            for chunk, results in _guarded(ex, call, chunks):
                for o in results:
                    outcomes[o.index] = o
                bar.update(len(chunk))
                if on_results is not None:
                    done = [t for t in tasks if t.index in outcomes]
                    on_results(_summary(done, outcomes, name, seed, ex.describe(), time.perf_counter() - t0))
                failed = sum(1 for o in outcomes.values() if o.status != "ok")
                if failed:
                    bar.set_postfix(failed=failed)
        finally:
            bar.close()
        described = ex.describe()
    wall = time.perf_counter() - t0
    return _summary(tasks, outcomes, name, seed, described, wall)


def _guarded(ex: Executor, call: Callable, chunks: list[list[Task]]):
    """Yield ``(chunk, outcomes)``; a chunk lost to a dead worker becomes failed outcomes."""
    by_first = {c[0].index: c for c in chunks}
    for results in ex.map(call, chunks):
        if isinstance(results, Lost):
            chunk = results.item
            yield chunk, [Outcome(t.index, t.name, "failed", {}, f"executor error: {results.error}") for t in chunk]
        else:
            yield by_first[results[0].index], results


def _summary(tasks, outcomes, name, seed, described, wall) -> SweepResult:
    param_cols: list[str] = []
    for t in tasks:
        for k in t.params:
            if k not in param_cols:
                param_cols.append(k)
    rows = []
    for t in tasks:
        o = outcomes.get(t.index) or Outcome(t.index, t.name, "failed", {}, "not computed")
        row = {"scenario": t.name, "status": o.status, "seed": t.seed, "draws": t.draws}
        for k in param_cols:
            v = t.params.get(k)
            row[k] = json.dumps(v) if isinstance(v, (list, dict)) else v
        row.update({k: v for k, v in o.metrics.items() if k != "selected_ids"})
        row["error"] = o.error
        row["duration_s"] = round(o.duration_s, 4)
        row["cpu_s"] = round(o.cpu_s, 4)
        row["_selected_ids"] = o.metrics.get("selected_ids", "")
        rows.append(row)
    df = pd.DataFrame(rows)
    return SweepResult(name, seed, tasks[0].draws if tasks else 0, df, described, wall, param_cols)


def write_summary(result: SweepResult, out_dir: str | Path, lang: str = "fr") -> list[Path]:
    """Write ``summary.csv``, ``summary.html`` and ``failures.csv`` into ``out_dir`` (atomically).

    The CSV keeps raw values (euros, fractions) and the per-scenario duration; the HTML is a
    static, self-contained page with labelled, formatted columns and the list of failures, its
    text from data escaped and the reports' Content-Security-Policy in its head
    (:mod:`workbench.reporting.escape`).
    """
    from .files import write_csv, write_folder, write_via
    from .reporting.escape import add_csp, plain_text
    from .reporting.labels import label, label_html, table_html

    out = Path(out_dir)
    summary = result.summary.drop(columns=["_selected_ids"])
    written = []
    pending: list[tuple[str, Callable[[Path], object]]] = []

    def put(path: Path, write) -> None:
        pending.append((path.name, write))
        written.append(path)

    put(out / "summary.csv", lambda p: write_csv(p, summary))
    put(out / "failures.csv", lambda p: write_csv(p, result.failures))
    shown = [c for c in summary.columns if c not in ("error", "duration_s", "cpu_s")]
    n, failed = len(summary), result.n_failed
    intro = label_html("sweep_intro", lang, n=n, ok=n - failed, failed=failed, seed=result.seed, draws=result.draws)
    fails = (table_html(result.failures, lang) if failed else f"<p>{label_html('sweep_no_failures', lang)}</p>")
    page = add_csp(f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{_esc(label('sweep_title', lang, name=plain_text(result.name)))}</title>
<style>{_CSS}</style></head><body>
<h1>{label_html('sweep_title', lang, name=result.name)}</h1>
<p>{intro}</p>
<p class="small">{_esc(result.executor)} — {result.wall_s:.1f} s</p>
{table_html(summary, lang, columns=shown)}
<h2>{label_html('sweep_failures_title', lang)}</h2>
{fails}
</body></html>
""")
    put(out / "summary.html", lambda p: write_via(p, lambda q: q.write_text(page, encoding="utf-8")))

    def build(tmp: Path) -> None:  # all or nothing: the three files move in together
        for fname, write in pending:
            write(tmp / fname)

    write_folder(out, build)
    return written


def write_partial_summary(result: SweepResult, out_dir: str | Path) -> Path:
    """``summary.csv`` of the scenarios finished so far, rewritten atomically as results come."""
    from .files import write_csv

    return write_csv(Path(out_dir) / "summary.csv", result.summary.drop(columns=["_selected_ids"]))


_CSS = """body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;color:#222}
table.wb-table{border-collapse:collapse;font-size:12px}
table.wb-table th,table.wb-table td{border:1px solid #ccc;padding:3px 6px;text-align:right}
table.wb-table th{background:#eef}
.small{color:#666;font-size:12px}"""


def _esc(text: str) -> str:
    import html

    return html.escape(str(text))


# --------------------------------------------------------------------------------------------
# per-scenario reports and the command
# --------------------------------------------------------------------------------------------
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
    from .files import write_atomic

    return write_atomic(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def main_sweep(args, err=None) -> int:
    """The ``workbench sweep`` command body."""
    err = err or sys.stderr

    probs = []
    if args.grid and args.scenarios:
        probs.append(Problem("<argument>", "SCENARIOS", " ".join(args.scenarios), coded("E_SCENARIOS_AND_GRID")))
    if not args.grid and not args.scenarios:
        probs.append(Problem("<argument>", "SCENARIOS", None, coded("E_SCENARIOS_OR_GRID")))
    from .reporting.batch import option_problems

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
        from .reporting.batch import ReportError, run_report

        ok = {t.index: t for t in tasks if t.scenario is not None}
        for _, row in result.summary.iterrows():
            t = next((x for x in ok.values() if x.name == row["scenario"]), None)
            if t is None or row["status"] != "ok":
                continue
            yml = write_scenario_file(t.scenario, out / "scenarios" / f"{t.name}.yaml")
            try:
                run_report(yml, out=out / "reports", draws=t.draws, seed=t.seed, lang=args.lang)
            except ReportError as exc:
                report_failures.append((t.name, str(exc)))
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
