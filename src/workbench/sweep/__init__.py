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

One job a module, as the EMA workbench keeps one module per back-end:

- :mod:`.tasks`: a task, its outcome, its seed, the evaluation it runs (:func:`run_chunk`);
- :mod:`.base`: the executors' interface (:class:`Executor`, :class:`Lost`), then one module per
  back-end: :mod:`.sequential`, :mod:`.processes`, :mod:`.dask`; :mod:`.executors` names them
  (:func:`make_executor`);
- :mod:`.grid`: the scenarios of a grid spec or a list of files;
- :mod:`.run`: :func:`run_sweep`; :mod:`.summary`: :class:`SweepResult` and what a sweep writes;
- :mod:`.command`: the ``workbench sweep`` command body.

Every name below stays importable from ``workbench.sweep``.
"""
from .tasks import (DEFAULT_TASK_TIMEOUT_S, Outcome, Task, candidates_key, evaluate, evaluate_full, run_chunk,
                    run_task, scenario_candidates, spawn_seeds)
from .base import Executor, Lost
from .sequential import Sequential
from .processes import Processes
from .dask import SCHEDULER_CONNECT_TIMEOUT_S, Dask
from .executors import EXECUTORS, make_executor
from .grid import GridSpec, file_tasks, grid_tasks, load_grid, overrides_from
from .summary import SweepResult, write_partial_summary, write_summary
from .run import run_sweep
from .command import main_sweep, write_scenario_file

__all__ = ["DEFAULT_TASK_TIMEOUT_S", "EXECUTORS", "SCHEDULER_CONNECT_TIMEOUT_S", "Dask", "Executor", "GridSpec", "Lost",
           "Outcome", "Processes", "Sequential", "SweepResult", "Task", "candidates_key", "evaluate", "evaluate_full",
           "file_tasks", "grid_tasks", "load_grid", "main_sweep", "make_executor", "overrides_from", "run_chunk",
           "run_sweep", "run_task", "scenario_candidates", "spawn_seeds", "write_partial_summary",
           "write_scenario_file", "write_summary"]
