"""The dashboard's cached stages and background jobs: a small thread-safe LRU cache, the keys stages
are cached on, and the :class:`Controller` that owns the caches, the stages' computations (the
candidates of a call, the effective scenario, the selection and its frontier, the envelope
simulation, the robustness, a project's explanation, the comparison of two files), the worker
threads and the debounce."""
from __future__ import annotations

import copy
import sys
import time
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from ..errors import InputError
from ..scenario import Scenario
from ..sources import load_candidates


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

    # ---- the stages ------------------------------------------------------------------------------
    # Each stage is cached on the inputs it depends on, so a slider change recomputes only what it
    # changes.  Keys of the stages kept on disk (workbench.cache.DISK_STAGES) follow the layout
    # workbench.cache._portable_key expects.

    def candidates(self, scenario: Scenario) -> pd.DataFrame:
        """The candidates ``scenario`` names (:func:`workbench.sources.load_candidates`), cached on
        its content hash."""
        return self.caches["cands"].get(("scenario", scenario.hash()), lambda: load_candidates(scenario))

    def call_candidates(self, cands: pd.DataFrame, cands_key: str, call: str) -> pd.DataFrame:
        """The candidates of ``call`` (all when ``call`` is ``""`` or the list has no ``call``
        column), cached on the list's content hash ``cands_key``."""
        if not call or "call" not in cands.columns:
            return cands
        return self.caches["cands"].get((cands_key, call), lambda: call_subset(cands, call))

    def call_budget_eur(self, scenario: Scenario, cands: pd.DataFrame, cands_key: str, call: str) -> float | None:
        """What the committee of ``call`` may commit [EUR] when the earlier calls have decided as
        the scenario's committees would (:func:`workbench.decisions.decide_calls`: the credits left
        at its date and its allotment); ``None`` for every call at once (``""``), a list without
        calls, or an allotment under 1 euro."""
        if not call or "call" not in cands.columns:
            return None
        from ..decisions import decide_calls

        def allotments() -> dict:
            try:
                by = decide_calls(scenario, cands).by_call
            except InputError:
                return {}
            return dict(zip(by["call"], by["allotment_eur"]))

        got = self.caches["cands"].get(("allotments", cands_key, scenario.hash()), allotments)
        v = got.get(call)
        return float(v) if v is not None and v >= 1.0 else None

    def effective(self, base: Scenario, eligibility_overrides: dict) -> Scenario:
        """``base`` with the committee's eligibility settings (``{}``: ``base`` itself)."""
        el_ov = eligibility_overrides
        return self.caches["eff"].get((base.hash(), json.dumps(el_ov, sort_keys=True, default=str)),
                                      lambda: base.with_overrides(el_ov) if el_ov else base)

    def select(self, scenario: Scenario, cands: pd.DataFrame, cands_key: tuple, budget_eur: float | None,
               weights: dict, force_in: tuple, force_out: tuple, engine: str, frontier_levels: int) -> "Selected":
        """The ranking of ``cands`` under the committee's settings (:func:`workbench.selection.rank`)
        and, when the Pareto enumeration applies, the exact frontier
        (:func:`workbench.selection.frontier`, ``frontier_levels`` budget levels), computed in the
        ``frontier-now`` thread while this one solves the selection (HiGHS releases the GIL).

        ``cands_key``: the candidates' content hash and the call under review.  The times [ms]
        of the ranking and of the wait for the frontier are in the result's ``timings``.
        """
        from .. import selection as portfolio

        args = dict(budget_eur=budget_eur, weights=weights, forced_in=force_in, forced_out=force_out)
        key = (id(scenario), scenario.hash(), cands_key, json.dumps(args, sort_keys=True, default=str))
        # the exact frontier at once when the Pareto enumeration applies (tens of ms for a call
        # of 200 candidates); otherwise one MILP per budget level, later (Selected.exact_frontier)
        sel_s = portfolio.settings(scenario, None, budget_eur)
        budget = sel_s.get("budget_eur") or sum(f.envelope_eur for f in scenario.funds.values())
        fargs = dict(n=frontier_levels, weights=weights, forced_in=force_in, forced_out=force_out,
                     rules={"budget_eur": budget}, engine=engine)
        fkey = (id(scenario), scenario.hash(), cands_key, json.dumps([weights, force_in, force_out], default=str))
        exact = self.caches["frontier"].peek(fkey)
        quick = None if exact is not None else self.executor("frontier-now").submit(
            portfolio.frontier, scenario, cands, solve=False, **fargs)
        t1 = time.perf_counter()
        ranking = self.caches["rank"].get(key, lambda: portfolio.rank(scenario, cands, engine=engine, **args))
        timings = {"rank_ms": (time.perf_counter() - t1) * 1e3}
        t1 = time.perf_counter()
        if quick is not None:
            exact = quick.result()
            if exact is not None:
                self.caches["frontier"].get(fkey, lambda: exact)
        timings["frontier_wait_ms"] = (time.perf_counter() - t1) * 1e3

        def exact_frontier() -> pd.DataFrame:
            return self.caches["frontier"].get(fkey, lambda: portfolio.frontier(scenario, cands, workers=2, **fargs))

        return Selected(key, ranking, budget, exact, exact_frontier, timings)

    def simulate(self, scenario: Scenario, cands: pd.DataFrame, cands_key: str, call: str, chosen: list[str],
                 draws: int, lang: str) -> dict:
        """The envelope simulation of the selected portfolio and its fan chart as PNG bytes
        (``{"result", "png"}``), or why the scenario cannot be simulated (``{"message"}``).

        The simulation funds the ``chosen`` projects, in rank order, call after call
        (:func:`workbench.envelope.simulate` with ``selection=`` their ids, ``draws`` draws); it
        is cached on the scenario's settings other than criteria, selection and robustness, the
        candidates and the selected ids, so a change that keeps the portfolio never re-runs it.
        """
        from ..cache import deferred_modules  # imported only when not served from the cache
        from .views import figure_png
        charts, envelope = deferred_modules("reporting.charts", "envelope")

        sim_key = (hash_without(scenario, ("criteria", "robustness", "selection")), cands_key, call,
                   tuple(chosen), draws)
        try:
            res = self.caches["sim"].get(sim_key, lambda: envelope.simulate(
                scenario, candidates=cands, draws=draws, seed=scenario.seed, selection=chosen))
        except InputError as exc:  # the scenario cannot be simulated (e.g. no call): say why, there
            return {"message": exc.message()}
        png = self.caches["fan_png"].get((sim_key, lang), lambda: figure_png(charts.fan_chart(res, lang=lang)))
        return {"result": res, "png": png}

    def robustness(self, scenario: Scenario, cands: pd.DataFrame, cands_key: str, call: str, budget_eur: float,
                   force_in: tuple, force_out: tuple, chosen: list[str], samples: int, engine: str,
                   lang: str) -> dict:
        """How often each project is selected when the weights vary (SMAA on the scenario's weight
        information, :func:`workbench.analysis.robustness.selection_frequency`, ``samples`` weight draws)
        and its bar chart as PNG bytes (``{"frequency", "png"}``).  Cached on everything but the
        weights, which the draws replace."""
        from ..cache import deferred_modules  # imported only when not served from the cache
        from .views import figure_png
        charts, robustness = deferred_modules("reporting.charts", "analysis.robustness")

        key = (id(scenario), scenario.hash(), cands_key, call, budget_eur, force_in, force_out, samples)
        fr = self.caches["robust"].get(key, lambda: robustness.selection_frequency(
            scenario, cands, samples, scenario.seed, budget_eur=budget_eur,
            forced_in=force_in, forced_out=force_out, engine=engine))
        png = self.caches["robust_png"].get((key, tuple(chosen), lang), lambda: figure_png(
            charts.selection_frequency_chart(fr, lang=lang, top=30, selected=chosen)))
        return {"frequency": fr, "png": png}

    def explain(self, rank_key: Any, ranking: Any, project_id: str) -> dict:
        """Why a project is in or out of ``ranking`` and what would change that
        (:func:`workbench.selection.explain`), cached per ranking (``rank_key``: :attr:`Selected.key`)."""
        import workbench.selection as pf

        return self.caches["explain"].get((rank_key, project_id), lambda: pf.explain(ranking, project_id))

    def compare(self, scenarios: tuple[Scenario, Scenario], names: tuple[str, str], call: str,
                engine: str) -> pd.DataFrame:
        """Two scenario files (variants) side by side
        (:func:`workbench.analysis.compare.portfolios_side_by_side`).

        Each is ranked with its own settings and candidates (its weights, budget and forced
        projects come from the file), on the candidates of ``call`` when its list has some.
        """
        import workbench.selection as pf
        from ..analysis.compare import portfolios_side_by_side

        rankings = []
        for scn in scenarios:
            cands = self.candidates(scn)
            if call and "call" in cands.columns and (cands["call"].astype(str) == call).any():
                cands = call_subset(cands, call)
            rankings.append(self.caches["rank"].get(("file", scn.hash(), candidates_key(cands)),
                                                    lambda: pf.rank(scn, cands, engine=engine)))
        return portfolios_side_by_side(rankings[0], rankings[1], *names)


def call_subset(cands: pd.DataFrame, call: str) -> pd.DataFrame:
    """The candidates of ``call`` (a copy, with the list's ``attrs``)."""
    df = cands[cands["call"].astype(str) == call].copy()
    df.attrs.update(cands.attrs)
    return df


@dataclass
class Selected:
    """A refresh's selection (:meth:`Controller.select`).

    ``key``: the ranking's cache key; ``ranking``: :class:`workbench.selection.RankResult`;
    ``budget_eur``: the budget the frontier and the robustness work to [EUR]; ``frontier``: the
    exact frontier when it came at once, else ``None`` (then ``exact_frontier()`` solves it,
    level by level, cached); ``timings``: ``rank_ms``, ``frontier_wait_ms``.
    """

    key: Any
    ranking: Any
    budget_eur: float
    frontier: pd.DataFrame | None
    exact_frontier: Callable[[], pd.DataFrame]
    timings: dict[str, float]
