"""The dashboard's cached stages and background jobs: a small thread-safe LRU cache, the keys stages
are cached on, and the :class:`Controller` that owns the caches, the stages' computations (the
scenario's decisions call by call, a call view with the committee's settings, the whole fund's
decided portfolio and its envelope simulation, the frontier, the robustness, a project's
explanation, the comparison of two files), the worker threads and the debounce.

Every figure goes through :mod:`workbench.pipeline`, the evaluation the report, ``simulate``,
``rank``, ``compare`` and the sweep share: the same laureates and the same risk for the same
scenario and seed.
"""
from __future__ import annotations

import copy
import json
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..errors import InputError
from ..scenario import Scenario
from ..sources import load_candidates


class LRU:
    """A small least-recently-used cache: ``get(key, make)`` computes on a miss."""

    def __init__(self, size: int = 16):
        import threading

        self.size, self.hits, self.misses = size, 0, 0
        self.data: OrderedDict[Any, Any] = OrderedDict()
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
        node: Any = data   # a dict, until a key path leaves the mappings (None)
        for p in parts[:-1]:
            node = node.get(p) if isinstance(node, dict) else None
            if node is None:
                break
        if isinstance(node, dict):
            node.pop(parts[-1], None)
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


#: Keys of a scenario that name or document it, or hold a committee's settings for named calls
#: (passed to the decisions as ``call_settings``): the scenario's decisions of every call
#: without them are shared by the variants that differ only there (:meth:`Controller.decisions`).
NOT_DECISIONS = ("name", "title", "description", "extends", "call", "selection.call_settings",
                 "selection.override_reasons")


def candidates_key(cands: pd.DataFrame) -> str:
    """A content hash of a candidate table (same rows and values -> same key)."""
    import hashlib

    h = hashlib.sha256(pd.util.hash_pandas_object(cands.astype(str), index=True).to_numpy().tobytes())
    return h.hexdigest()[:16]


#: The dashboard's cached stages: the effective scenario, the scenario's decisions of every call
#: (``decide``, with the state before each call), a call view (``rank``: the rows shown and their
#: totals), the whole portfolio decided under a view's settings (``full``), the frontier, the
#: simulation and its fan chart, the robustness (and its chart), the candidates, a project's
#: explanation, a compared file's evaluation.
STAGES = ("eff", "decide", "rank", "full", "frontier", "sim", "fan_png", "robust", "cands", "robust_png",
          "explain", "compare")


@dataclass
class View:
    """What the page shows of one call (``call``) or of the whole fund (``call == ""``).

    ``table``: the rows shown (the call's applications, with the next phases of earlier
    first-phase laureates, or every row of the fund), with the decisions' columns; ``totals``:
    their figures (``candidates``, ``applications``, ``next_phases``, ``eligible``, ``selected``,
    ``budget_eur`` — the call's budget in a call view, the fund's in the whole view —,
    ``committed_eur``, ``value``, ``credits_left_eur``, ``weights``) and, when the whole
    portfolio is known at once, ``fund`` (laureates and euros of every call) and
    ``funding_order`` (the ids the simulation funds).  ``conflicts``, ``weights`` as a
    :class:`~workbench.selection.RankResult`'s.  ``result``: the decisions the rows come from
    (for explanations; loaded on first use when read from the disk cache); ``full``: the whole
    portfolio decided, or ``None`` until :meth:`Controller.full` decides the later calls.
    """

    call: str
    table: pd.DataFrame
    totals: dict
    conflicts: list | None
    weights: dict
    result: Any = field(repr=False, default=None)
    full: Any = field(repr=False, default=None)
    key: Any = None
    #: the candidates of the rows shown (with the next phases the call examines): what the
    #: frontier and the robustness of the view are computed on
    cands: pd.DataFrame | None = field(repr=False, default=None)


@dataclass
class Summary:
    """The scenario's decisions in brief (``table``: one row per call, the decisions' ``by_call``),
    small enough to be read from the disk cache at once by a cold kernel."""

    table: pd.DataFrame
    totals: dict
    conflicts: list | None = None
    weights: dict = field(default_factory=dict)


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
        Shows an unexpected error on the page (the dashboard's error box).
    on_busy : callable
        ``on_busy(name, busy)`` when a background job starts (``True``) and when its result is
        shown or dropped (``False``): the page's "calcul en cours…" marks.
    """

    def __init__(self, cache_size: int = 16, debounce_s: float = 0.0,
                 on_error: Callable[[Any], None] = lambda message: None,
                 on_busy: Callable[[str, bool], None] = lambda name, busy: None):
        self.caches: dict[str, LRU] = {k: LRU(cache_size) for k in STAGES}
        self.debounce_s = debounce_s
        self.on_error = on_error
        self.on_busy = on_busy
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

    def background(self, gen: int | None, name: str, compute: Callable[[], Any], show: Callable[[Any], None],
                   delay_s: float = 0.0, worker: str = "views") -> None:
        """``compute()`` in a worker thread, then ``show(result)`` on the kernel's event loop;
        the time to the shown result [ms] goes to ``timings[name]``.

        The kernel keeps reading the committee's changes meanwhile: a slider moved while the
        simulation or the robustness runs is answered at once, and the work of a stale refresh
        is skipped (or its result dropped).  ``gen=None``: a job of its own (a comparison),
        never stale.  Errors are shown with ``on_error`` (an :class:`~workbench.errors.InputError`
        as it is, anything else by its type and text, logged on stderr).
        """
        loop = self._loop()
        t0 = time.perf_counter()
        self.on_busy(name, True)

        def stale() -> bool:
            return gen is not None and gen != self.generation

        def finish(result: Any, error: BaseException | None) -> None:
            if stale():
                self.on_busy(name, False)
                return
            try:
                if isinstance(error, InputError):
                    self.on_error(error)
                elif error is not None:
                    print(f"workbench dashboard: {type(error).__name__}: {error}", file=sys.stderr)
                    self.on_error(error)
                else:
                    show(result)
            except InputError as exc:
                self.on_error(exc)
            except Exception as exc:  # noqa: BLE001 - pragma: no cover - shown, logged, page kept alive
                import traceback

                traceback.print_exc(file=sys.stderr)
                self.on_error(exc)
            finally:
                self.on_busy(name, False)
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
            if stale():
                loop.call_soon_threadsafe(self.on_busy, name, False)
                return  # stale: a newer refresh has its own job
            try:
                result, error = compute(), None
            except Exception as exc:  # noqa: BLE001 - handed to finish
                result, error = None, exc
            loop.call_soon_threadsafe(finish, result, error)

        self.executor(worker).submit(job)

    def executor(self, name: str):
        """The worker thread ``name`` (one thread each: ``frontier-now``, ``views``,
        ``robustness``, ``compare``, ``prefix``), started on first use."""
        if name not in self.workers:
            from concurrent.futures import ThreadPoolExecutor

            self.workers[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"dashboard-{name}")
        return self.workers[name]

    # ---- the stages ------------------------------------------------------------------------------
    # Each stage is cached on the inputs it depends on, so a slider change recomputes only what it
    # changes.  Keys of the stages kept on disk (workbench.dashboard.disk_cache.DISK_STAGES) follow the layout
    # workbench.dashboard.disk_cache._portable_key expects.

    def candidates(self, scenario: Scenario) -> pd.DataFrame:
        """The candidates ``scenario`` names (:func:`workbench.sources.load_candidates`), cached on
        what they depend on (:func:`workbench.sweep.candidates_key`: their source, the calls, the
        funds, the rules, the scale and the seed): a variant that changes only weights, budgets
        or overrides shares its scenario's list."""
        from ..sweep import candidates_key as source_key

        return self.caches["cands"].get(("scenario", source_key(scenario)), lambda: load_candidates(scenario))

    def effective(self, base: Scenario, eligibility_overrides: dict) -> Scenario:
        """``base`` with the committee's rule settings (``{}``: ``base`` itself)."""
        el_ov = eligibility_overrides
        return self.caches["eff"].get((base.hash(), json.dumps(el_ov, sort_keys=True, default=str)),
                                      lambda: base.with_overrides(el_ov) if el_ov else base)

    def decisions(self, scenario: Scenario, cands: pd.DataFrame, cands_key: str) -> tuple[Scenario, Any]:
        """The decisions of every call as the scenario's committees take them
        (:func:`workbench.pipeline.decide`, with the state before each call), and the scenario
        they were computed with.

        Cached on the scenario without its names and committee call settings
        (:data:`NOT_DECISIONS`): a variant that only sets one call's settings resumes from these
        (:meth:`file_decisions`)."""
        from .. import pipeline

        key = (hash_without(scenario, NOT_DECISIONS), cands_key)

        def make():
            own = scenario.without_call_settings()
            return own, pipeline.decide(own, cands, keep_states=True)

        return self.caches["decide"].get(key, make)

    def summary(self, scenario: Scenario, cands: pd.DataFrame, cands_key: str) -> Summary:
        """The scenario's decisions in brief (:class:`Summary`: each call's applications, next
        phases, allotment, laureates), kept on disk: a cold kernel builds the call picker and the
        budget slider without deciding."""
        key = (id(scenario), scenario.hash(), cands_key, "by_call")

        def make() -> Summary:
            _, dec = self.decisions(scenario, cands, cands_key)
            by = dec.by_call if dec.by_call is not None else pd.DataFrame()
            return Summary(by.copy(), {"candidates": int(dec.totals["candidates"]),
                                       "budget_eur": float(dec.totals["budget_eur"])})

        return self.caches["rank"].get(key, make)

    def view(self, scenario: Scenario, cands: pd.DataFrame, cands_key: str, call: str, own: dict,
             reasons: dict) -> View:
        """What the page shows of ``call`` (``""``: the whole fund) under the committee's settings.

        ``own``: the committee's settings of the view (``weights``, ``budget_eur``,
        ``force_in``, ``force_out``; only those it changed); ``reasons``: why it forced projects,
        by id.  In a call view the earlier calls decide as the scenario's committees would (the
        cached :meth:`decisions`, resumed before ``call``), the call under review with ``own``
        (:func:`workbench.decisions.decide_calls` with ``call_settings``); the later calls are
        decided by :meth:`full`.  In the whole view ``own`` applies to every call (the budget is
        then the fund's cap).  Untouched settings give the scenario's decisions themselves: the
        report's laureates.

        Raises
        ------
        InputError
            A project forced in that the call cannot fund (a rule of the fund, the budget).
        """
        from ..decisions import decide_calls
        from .. import pipeline

        key = (id(scenario), scenario.hash(), cands_key, call, json.dumps(own, sort_keys=True, default=str),
               json.dumps(reasons, sort_keys=True, default=str))

        def make() -> View:
            used, dec = self.decisions(scenario, cands, cands_key)
            multi = dec.states is not None and call in (dec.states or {})
            if not call or not multi:     # the whole fund (or a scenario of one call)
                if own or reasons:
                    opts: dict[str, Any] = {"override_reasons": reasons}
                    if own.get("weights") is not None:
                        opts["weights"] = own["weights"]
                    if own.get("budget_eur") is not None:
                        opts["rules"] = {"budget_eur": float(own["budget_eur"])}
                    opts["forced_in"] = tuple(own.get("force_in") or ())
                    opts["forced_out"] = tuple(own.get("force_out") or ())
                    if len(used.calls) <= 1 and own.get("budget_eur") is not None:
                        opts.pop("rules")
                        opts["budget_eur"] = float(own["budget_eur"])
                    dec = pipeline.decide(used, cands, **opts)
                return _whole_view(dec, key)
            mine = {k: v for k, v in reasons.items()}
            if not own and not mine:
                return _call_view(call, dec, dec, key)
            quick = decide_calls(used, cands, call_settings={call: own}, override_reasons=mine,
                                 resume=dec.states[call], calls=[call], keep_states=True)
            return _call_view(call, quick, None, key, prefix=dec)

        return self.caches["rank"].get(key, make)

    def full(self, scenario: Scenario, cands: pd.DataFrame, cands_key: str, view: View, own: dict,
             reasons: dict) -> Any:
        """The whole portfolio decided under ``view``'s settings: its own when it had it at once,
        else the later calls decided by the model given the credits left (resumed after the call
        under review: :func:`workbench.decisions.decide_calls`)."""
        from ..decisions import decide_calls

        if view.full is not None:
            return view.full

        def make():
            used, dec = self.decisions(scenario, cands, cands_key)
            quick = view.result
            nxt = next((c for c in (quick.states or {}) if c != view.call), None)
            if nxt is None:   # the last call: nothing after it
                return decide_calls(used, cands, call_settings={view.call: own}, override_reasons=reasons,
                                    resume=dec.states[view.call])
            return decide_calls(used, cands, call_settings={view.call: own}, override_reasons=reasons,
                                resume=quick.states[nxt])

        return self.caches["full"].get(view.key, make)

    def frontier(self, scenario: Scenario, cands: pd.DataFrame, cands_key: Any, budget_eur: float, weights: dict,
                 force_in: tuple, force_out: tuple, engine: str, levels: int, quick: bool) -> pd.DataFrame | None:
        """The exact efficient frontier of ``cands`` (:func:`workbench.selection.frontier`,
        ``levels`` budget levels up to ``budget_eur``); with ``quick``, only when the Pareto
        enumeration gives it at once (else ``None``: the page shows the greedy curve meanwhile)."""
        from .. import selection as portfolio

        def run(solve: bool = True, workers: int = 1) -> pd.DataFrame | None:
            return portfolio.frontier(scenario, cands, n=levels, weights=weights, forced_in=force_in,
                                      forced_out=force_out, rules={"budget_eur": budget_eur}, engine=engine,
                                      solve=solve, workers=workers)

        fkey = (id(scenario), scenario.hash(), cands_key, json.dumps([weights, force_in, force_out, budget_eur],
                                                                      default=str))
        got = self.caches["frontier"].peek(fkey)
        if got is not None:
            return got
        if quick:
            fr = run(solve=False)
            return None if fr is None else self.caches["frontier"].get(fkey, lambda: fr)
        return self.caches["frontier"].get(fkey, lambda: run(workers=2))

    def simulate(self, scenario: Scenario, decided: Any, cands_key: str, lang: str,
                 order: list[str] | None = None) -> dict:
        """The envelope simulation of the whole decided portfolio
        (:func:`workbench.pipeline.simulate_portfolio`: the scenario's draws and seed, the
        laureates funded call after call) and its fan chart as PNG bytes (``{"result", "png",
        "draws", "seed"}``), or why the scenario cannot be simulated (``{"message"}``).

        Cached on the scenario's settings other than criteria, selection and robustness, the
        candidates and the laureates in funding order: a change that keeps the portfolio never
        re-runs it.  ``decided`` may be a function giving the decisions, called only when the
        simulation is not cached and ``order`` (:func:`workbench.pipeline.funding_order` of
        them) is given: a cold kernel then shows the first view's risk without loading them."""
        from .disk_cache import deferred_modules  # imported only when not served from the cache
        from .views import figure_png
        from .. import pipeline
        charts, = deferred_modules("reporting.charts")

        get = decided if callable(decided) else (lambda: decided)
        funding = tuple(order) if order is not None else tuple(pipeline.funding_order(get().table))
        draws, seed = int(scenario.draws), int(scenario.seed)
        sim_key = (hash_without(scenario, ("criteria", "robustness", "selection", "name", "title", "description",
                                           "extends", "call")),
                   cands_key, funding, draws, seed, str(scenario.selection.next_phase_after_months))
        try:
            res = self.caches["sim"].get(sim_key, lambda: pipeline.simulate_portfolio(scenario, get(), seed=seed,
                                                                                      draws=draws))
        except InputError as exc:  # the scenario cannot be simulated (e.g. no call): say why, there
            return {"message": exc}
        png = self.caches["fan_png"].get((sim_key, lang), lambda: figure_png(charts.fan_chart(res, lang=lang)))
        return {"result": res, "png": png, "draws": draws, "seed": seed, "key": sim_key}

    def robustness(self, scenario: Scenario, cands: pd.DataFrame, cands_key: Any, budget_eur: float,
                   weights: dict, force_in: tuple, force_out: tuple, chosen: list[str], samples: int, engine: str,
                   lang: str) -> dict:
        """How often each project is selected when the weights vary (SMAA on the scenario's weight
        information, :func:`workbench.selection.robustness.selection_frequency`, ``samples`` weight
        draws, the quality bar held at the weights in force) and its bar chart as PNG bytes
        (``{"frequency", "png"}``).  Cached on everything but the weights the draws replace."""
        from .disk_cache import deferred_modules  # imported only when not served from the cache
        from .views import figure_png
        charts, robustness = deferred_modules("reporting.charts", "selection.robustness")

        rules = {"eligibility": {"quality_weights": dict(weights)}} if weights else None
        key = (id(scenario), scenario.hash(), cands_key, budget_eur, tuple(force_in), tuple(force_out), samples,
               json.dumps(weights, sort_keys=True))
        fr = self.caches["robust"].get(key, lambda: robustness.selection_frequency(
            scenario, cands, samples, scenario.seed, budget_eur=budget_eur, rules=rules,
            forced_in=force_in, forced_out=force_out, engine=engine))
        png = self.caches["robust_png"].get((key, tuple(chosen), lang), lambda: figure_png(
            charts.selection_frequency_chart(fr, lang=lang, top=30, selected=chosen)))
        return {"frequency": fr, "png": png}

    def explain(self, view: View, project_id: str) -> dict:
        """Why a project is in or out of the view's decisions and what would change that
        (:func:`workbench.decisions.explain_decision`), cached per view."""
        from ..decisions import explain_decision

        return self.caches["explain"].get((view.key, project_id), lambda: explain_decision(view.result, project_id))

    def file_decisions(self, scn: Scenario) -> Any:
        """A scenario file's decisions (a saved variant), the same as :func:`workbench.pipeline.decide`
        gives for it: a variant that differs from a scenario already decided only by one call's
        committee settings resumes from that scenario's decisions before its first such call."""
        from ..decisions import decide_calls

        cands = self.candidates(scn)
        ckey = candidates_key(cands)
        key = (scn.hash(), ckey)

        def make():
            used, dec = self.decisions(scn, cands, ckey)
            own = scn.call_settings
            if not own and not scn.override_reasons:
                return dec
            if dec.states:
                first = next((c.id for c in used.calls if c.id in own), None)
                if first is not None and first in dec.states:
                    return decide_calls(used, cands, call_settings=own, override_reasons=scn.override_reasons,
                                        resume=dec.states[first])
            from .. import pipeline

            return pipeline.decide(scn, cands)

        return self.caches["compare"].get(key, make), ckey

    def compare(self, scenarios: tuple[Scenario, Scenario], names: tuple[str, str], call: str, lang: str) -> dict:
        """Two scenario files (variants) side by side through the one evaluation: each file's
        decisions (:meth:`file_decisions`) and its envelope simulation (:meth:`simulate`), the
        view's call (``call``; ``""``: the whole fund) and the fund.

        Returns
        -------
        dict
            ``sides``: for A and B, ``name``, ``call`` (the call the variant was saved from, or
            ``None``), ``view`` (the call's figures: laureates, budget, committed, value) and
            ``fund`` (laureates, committed, budget, shortfall probability, seed, draws),
            ``weights`` (of the call, else the scenario's); ``only_a``, ``only_b``, ``both`` (the
            laureates of the view on one side or both); ``call`` (the view's).
        """
        from .views import shortfall_probabilities

        sides = []
        chosen = []
        for scn, name in zip(scenarios, names):
            dec, ckey = self.file_decisions(scn)
            sim = self.simulate(scn, dec, ckey, lang)
            t = dec.table
            rows = t[t["call"].astype(str) == call] if call and "call" in t.columns else t
            by = dec.by_call
            rec = by[by["call"] == call].iloc[0].to_dict() if call and by is not None and (by["call"] == call).any() \
                else None
            sel = rows[rows["selected"].astype(bool)]
            chosen.append(set(sel["id"].astype(str)))
            own = scn.call_settings.get(call) if call else None
            w = (own or {}).get("weights") or (scn.weights_at(next(c.decision for c in scn.calls if c.id == call))
                                               if call and any(c.id == call for c in scn.calls) else scn.weights)
            view = {"selected": int(len(sel)), "candidates": int(len(rows)),
                    "budget_eur": float(rec["allotment_eur"]) if rec is not None else float(dec.totals["budget_eur"]),
                    "committed_eur": float(sel["funded_eur"].sum()), "value": float(rows["contribution"].sum())}
            fund = {"selected": int(dec.totals["selected"]), "committed_eur": float(dec.totals["committed_eur"]),
                    "budget_eur": float(dec.totals["budget_eur"])}
            if "result" in sim:
                fund.update(shortfall_probabilities(sim["result"]), draws=sim["draws"], seed=sim["seed"])
            sides.append({"name": name, "call": scn.review_call, "view": view, "fund": fund, "weights": dict(w),
                          "overrides": int((rows.get("override", pd.Series(dtype=str)) != "").sum())})
        a, b = chosen
        return {"sides": sides, "only_a": sorted(a - b), "only_b": sorted(b - a), "both": sorted(a & b), "call": call}


def _call_view(call: str, result: Any, full: Any, key: Any, prefix: Any = None) -> View:
    """The :class:`View` of ``call`` from decisions that hold it (``result``): its rows, its
    by-call record as totals, the whole portfolio's figures when ``full`` is known."""
    from .. import pipeline

    t = result.table
    rows = t[t["call"].astype(str) == call]
    by = result.by_call
    rec = by[by["call"] == call].iloc[0].to_dict()
    totals = _totals(rows, rec, result)
    if full is not None:
        totals["fund"] = _fund(full)
        totals["funding_order"] = pipeline.funding_order(full.table)
    res_w = result.calls.get(call).weights if result.calls and call in result.calls else result.weights
    totals["weights"] = dict(res_w)
    return View(call, rows, totals, None, dict(res_w), result, full, key, _rows_cands(result, rows))


def _whole_view(dec: Any, key: Any) -> View:
    """The :class:`View` of the whole fund: every row of the decisions, the fund's totals."""
    from .. import pipeline

    t = dec.table
    tot = dec.totals
    n_next = int(t["phase_of"].notna().sum()) if "phase_of" in t.columns else 0
    totals = {"call": "", "candidates": int(len(t)), "applications": int(len(t)) - n_next, "next_phases": n_next,
              "eligible": int(tot["eligible"]), "selected": int(tot["selected"]),
              "budget_eur": float(tot["budget_eur"]), "committed_eur": float(tot["committed_eur"]),
              "value": float(tot["value"]), "credits_left_eur": float(tot["budget_eur"]),
              "total_cost_eur": float(t.loc[t["selected"].astype(bool), "total_cost_eur"].sum())
              if "total_cost_eur" in t.columns else float("nan"),
              "fund": _fund(dec), "funding_order": pipeline.funding_order(t), "weights": dict(dec.weights),
              "calls": int(len(dec.by_call)) if dec.by_call is not None else 1}
    return View("", t, totals, dec.conflicts, dict(dec.weights), dec, dec, key, _rows_cands(dec, t))


def _rows_cands(result: Any, rows: pd.DataFrame) -> pd.DataFrame | None:
    """The candidates behind ``rows`` of the decisions ``result`` (their index is the decisions'
    candidates', next phases included)."""
    pool = getattr(result, "candidates", None)
    if pool is None:
        return None
    return pool.loc[[i for i in rows.index if i in pool.index]]


def _totals(rows: pd.DataFrame, rec: dict, result: Any) -> dict:
    sel = rows[rows["selected"].astype(bool)]
    n_next = int(rec.get("next_phases") or 0) if rec.get("next_phases") == rec.get("next_phases") else 0
    return {"call": rec["call"], "candidates": int(len(rows)), "applications": int(len(rows)) - n_next,
            "next_phases": n_next, "eligible": int(rows["eligible"].sum()), "selected": int(len(sel)),
            "budget_eur": float(rec["allotment_eur"]), "committed_eur": float(sel["funded_eur"].sum()),
            "value": float(rows["contribution"].sum()), "credits_left_eur": float(rec["credits_left_eur"]),
            "total_cost_eur": float(sel["total_cost_eur"].sum()) if "total_cost_eur" in sel else float("nan"),
            "status": rec.get("status", ""), "decision": rec.get("decision", "")}


def _fund(dec: Any) -> dict:
    tot = dec.totals
    return {"selected": int(tot["selected"]), "committed_eur": float(tot["committed_eur"]),
            "budget_eur": float(tot["budget_eur"]), "calls": int(len(dec.by_call)) if dec.by_call is not None else 1}
