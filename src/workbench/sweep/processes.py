"""The local processes executor: a ``concurrent.futures`` pool of spawned processes."""
from __future__ import annotations

import os

from .base import Executor, Lost


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
