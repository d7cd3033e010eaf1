"""The dashboard's cached stages and background jobs: a small thread-safe LRU cache, the keys stages
are cached on, and the :class:`Controller` that owns the caches, the worker threads and the debounce."""
from __future__ import annotations

import copy
import sys
import time
import json
from collections import OrderedDict
from typing import Any, Callable

import pandas as pd

from ..errors import InputError
from ..scenario import Scenario


class LRU:
    """A small least-recently-used cache: ``get(key, make)`` computes on a miss."""

    def __init__(self, size: int = 16):
        import threading

        self.size, self.data, self.hits, self.misses = size, OrderedDict(), 0, 0
        self.lock = threading.Lock()  # the dashboard's worker threads share the caches

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                self.hits += 1
                return self.data[key]
            self.misses += 1
        val = make()
        with self.lock:
            self.data[key] = val
            if len(self.data) > self.size:
                self.data.popitem(last=False)
        return val

    def peek(self, key: Any) -> Any:
        """The cached value for ``key``, or ``None`` (no computation)."""
        with self.lock:
            return self.data.get(key)


def hash_without(scenario: Scenario, drop: tuple[str, ...]) -> str:
    """Hash of a scenario's resolved data without the dotted key paths in ``drop``."""
    import hashlib

    data = copy.deepcopy(scenario.resolved())
    for keypath in drop:
        parts = keypath.split(".")
        node = data
        for p in parts[:-1]:
            node = node.get(p) if isinstance(node, dict) else None
            if node is None:
                break
        if isinstance(node, dict):
            node.pop(parts[-1], None)
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def candidates_key(cands: pd.DataFrame) -> str:
    """A content hash of a candidate table (same rows and values -> same key)."""
    import hashlib

    h = hashlib.sha256(pd.util.hash_pandas_object(cands.astype(str), index=True).to_numpy().tobytes())
    return h.hexdigest()[:16]


#: The dashboard's cached stages: effective scenario, ranking, frontier, simulation, fan chart,
#: robustness (and its chart), a call's candidates, a project's explanation.
STAGES = ("eff", "rank", "frontier", "sim", "fan_png", "robust", "cands", "robust_png", "explain")


class Controller:
    """Owns the dashboard's cached stages, its worker threads and its refresh generations.

    A refresh starts a new generation (:meth:`new_generation`); work handed to
    :meth:`background` or :meth:`soon` for an older generation is skipped or its result dropped.
    With ``debounce_s > 0`` and a running event loop (a Voilà kernel), :meth:`schedule` waits
    ``debounce_s`` [s] of rest before refreshing and :meth:`background` runs its computation in a
    worker thread; otherwise (scripts, tests) everything runs at once, in order.

    Parameters
    ----------
    cache_size : int
        Entries kept per stage (least recently used dropped).
    debounce_s : float
        Rest [s] the settings must keep before a refresh; 0 refreshes at once.
    on_error : callable
        Shows a message on the page (the dashboard's error box).
    """

    def __init__(self, cache_size: int = 16, debounce_s: float = 0.0,
                 on_error: Callable[[str], None] = lambda message: None):
        self.caches: dict[str, LRU] = {k: LRU(cache_size) for k in STAGES}
        self.debounce_s = debounce_s
        self.on_error = on_error
        self.generation = 0
        self.pending: Any = None
        self.workers: dict[str, Any] = {}
        self.timings: dict[str, float] = {}
        self.defer_mode = ""  # set by the first background job: "inline" or "event loop"

    def _loop(self):
        """The running event loop when work may be deferred, else ``None``."""
        import asyncio

        if self.debounce_s <= 0:
            return None
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            return None

    def schedule(self, refresh: Callable[[], None]) -> None:
        """``refresh()`` after ``debounce_s`` of rest (a newer call cancels the waiting one),
        at once without an event loop."""
        loop = self._loop()
        if loop is None:
            return refresh()
        if self.pending is not None:
            self.pending.cancel()
        self.pending = loop.call_later(self.debounce_s, refresh)

    def new_generation(self) -> int:
        """Start a refresh: older background work becomes stale."""
        self.generation += 1
        return self.generation

    def soon(self, gen: int, fn: Callable[[], None]) -> None:
        """``fn()`` on the kernel's event loop once the current messages are out (at once
        without an event loop); skipped when a newer refresh came meanwhile."""
        loop = self._loop()
        if loop is None:
            return fn()
        loop.call_soon(lambda: fn() if gen == self.generation else None)

    def background(self, gen: int, name: str, compute: Callable[[], Any], show: Callable[[Any], None],
                   delay_s: float = 0.0, worker: str = "views") -> None:
        """``compute()`` in a worker thread, then ``show(result)`` on the kernel's event loop;
        the time to the shown result [ms] goes to ``timings[name]``.

        The kernel keeps reading the committee's changes meanwhile: a slider moved while the
        simulation or the robustness runs is answered at once, and the work of a stale refresh
        is skipped (or its result dropped).  Errors are shown with ``on_error`` (an
        :class:`~workbench.errors.InputError` by its message, anything else by its type and
        text, logged on stderr).
        """
        loop = self._loop()
        t0 = time.perf_counter()

        def finish(result: Any, error: BaseException | None) -> None:
            if gen != self.generation:
                return
            try:
                if isinstance(error, InputError):
                    self.on_error(error.message())
                elif error is not None:
                    print(f"workbench dashboard: {type(error).__name__}: {error}", file=sys.stderr)
                    self.on_error(f"{type(error).__name__}: {error}")
                else:
                    show(result)
            except InputError as exc:
                self.on_error(exc.message())
            except Exception as exc:  # pragma: no cover - shown, logged, page kept alive
                import traceback

                traceback.print_exc(file=sys.stderr)
                self.on_error(f"{type(exc).__name__}: {exc}")
            self.timings[name] = (time.perf_counter() - t0) * 1e3

        if loop is None:
            self.defer_mode = "inline"
            try:
                result, error = compute(), None
            except Exception as exc:  # noqa: BLE001 - handed to finish
                result, error = None, exc
            finish(result, error)
            return
        self.defer_mode = "event loop"

        def job() -> None:
            if delay_s:
                time.sleep(delay_s)
            if gen != self.generation:
                return  # stale: a newer refresh has its own job
            try:
                result, error = compute(), None
            except Exception as exc:  # noqa: BLE001 - handed to finish
                result, error = None, exc
            loop.call_soon_threadsafe(finish, result, error)

        self.executor(worker).submit(job)

    def executor(self, name: str):
        """The worker thread ``name`` (one thread each: ``frontier-now``, ``views``,
        ``robustness``), started on first use."""
        if name not in self.workers:
            from concurrent.futures import ThreadPoolExecutor

            self.workers[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"dashboard-{name}")
        return self.workers[name]
