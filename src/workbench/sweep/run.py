"""Running a sweep: its tasks in chunks on an executor, with a progress bar, the results put back
in sweep order (:func:`run_sweep`)."""
from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence

from .base import Executor, Lost
from .sequential import Sequential
from .summary import SweepResult, _summary
from .tasks import Outcome, Task, run_chunk


def _chunks(tasks: list[Task], workers: int, chunk_size: int | None) -> list[list[Task]]:
    if chunk_size is None:
        # a few chunks per worker: enough to balance the load, few enough to keep scheduling
        # overhead small next to milliseconds of computation per scenario
        chunk_size = max(1, min(50, math.ceil(len(tasks) / (max(workers, 1) * 8))))
    return [tasks[i:i + chunk_size] for i in range(0, len(tasks), chunk_size)]


def run_sweep(tasks: Sequence[Task], executor: Executor | None = None, name: str = "sweep", seed: int = 0,
              progress: bool = True, chunk_size: int | None = None, fn: Callable | None = None,
              on_results: Callable[[SweepResult], object] | None = None) -> SweepResult:
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
