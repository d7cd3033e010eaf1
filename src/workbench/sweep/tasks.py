"""A sweep's tasks: one scenario to compute (:class:`Task`), what it gave (:class:`Outcome`), its
seed from the sweep's ``SeedSequence`` (:func:`spawn_seeds`), and the one evaluation it runs
(:func:`evaluate`: :func:`workbench.pipeline.evaluate` on the scenario's candidates, read or
generated once per process).  :func:`run_chunk` is what an executor sends to its workers (Dask
pickles it by its module path, ``workbench.sweep.tasks.run_chunk``)."""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..pipeline import Evaluation  # one evaluation for every front end


#: Default time one scenario of a sweep may take [s] before it is recorded as failed.
DEFAULT_TASK_TIMEOUT_S = 600.0


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
    from ..sources import load_candidates

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


def evaluate_full(scenario, seed: int, draws: int | None = None,
                  candidates: pd.DataFrame | None = None) -> Evaluation:
    """:func:`workbench.pipeline.evaluate` on the scenario's candidates, read or generated once
    per process (:func:`scenario_candidates`); ``draws`` default to the scenario's."""
    from ..pipeline import evaluate as _evaluate

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
