"""The Dask executor: an existing scheduler or a ``LocalCluster`` (Dask distributed).

(This module is ``workbench.sweep.dask``; it imports Dask's own package, ``distributed``, by its
absolute name, so the two never mix.)"""
from __future__ import annotations

import os

from ..errors import InputError, Problem
from ..messages import msg as coded
from .base import Executor, Lost


#: Time allowed to reach an existing Dask scheduler [s].
SCHEDULER_CONNECT_TIMEOUT_S = 20


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
