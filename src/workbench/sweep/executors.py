"""The executors by name (``--executor``): :class:`~.sequential.Sequential`,
:class:`~.processes.Processes`, :class:`~.dask.Dask`."""
from __future__ import annotations

from ..errors import InputError, Problem
from ..messages import msg as coded
from .base import Executor
from .dask import Dask
from .processes import Processes
from .sequential import Sequential


EXECUTORS = ("dask", "processes", "sequential")


def make_executor(kind: str | None = None, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """An executor by name; a scheduler address (or ``DASK_SCHEDULER_ADDRESS``) implies Dask."""
    kind = kind or "dask"
    if kind not in EXECUTORS:
        raise InputError([Problem("<option>", "--executor", kind,
                                  coded("E_ONE_OF", choices=list(EXECUTORS), suggestion=None))])
    if scheduler and kind != "dask":
        raise InputError([Problem("<option>", "--scheduler", scheduler, coded("E_SCHEDULER_NEEDS_DASK"))])
    if workers is not None and (workers < 1):
        raise InputError([Problem("<option>", "--workers", workers, coded("E_BOUNDS", bounds=[(">=", 1)]))])
    if kind == "sequential":
        return Sequential()
    if kind == "processes":
        return Processes(workers)
    return Dask(scheduler, workers)
