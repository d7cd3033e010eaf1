"""The optimal portfolio under every rule, checked: :func:`select`, the fast path behind the ranking.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .check import SolverCheckError, check_portfolio
from .engines import Solve, find_conflicts, solve_model
from .heuristic import greedy
from .model import Model, check_forced_ids, _with_budget, get_model
from .inputs import DEFAULT_TIME_LIMIT_S, MIN_SOLVE_S, POST_SOLVE_S, POST_SOLVE_S_PER_CANDIDATE, check_weights, project_values, settings


def choice_table(model: Model, x: np.ndarray | None, n: int) -> pd.DataFrame:
    """Per candidate (positional): ``selected``, ``funding``, ``paying_envelope``, ``value_rate``."""
    sel = np.zeros(n, bool)
    funding = np.full(n, "", dtype=object)
    payer = np.full(n, "", dtype=object)
    rate = np.zeros(n)
    if x is not None:
        for j in np.flatnonzero(x > 0.5):
            i = model.item[j]
            sel[i] = True
            funding[i] = model.mode[j]
            payer[i] = model.envelope[j]
            rate[i] = model.value_rate[j]
    return pd.DataFrame({"selected": sel, "funding": funding, "paying_envelope": payer, "value_rate": rate})


# --------------------------------------------------------------------------------------------
# fast re-selection (dashboard) with a model cache
# --------------------------------------------------------------------------------------------
@dataclass
class Selection:
    """A checked selection: the choice per candidate and the solver's report."""

    choice: pd.DataFrame
    values: pd.Series
    objective: float
    solve: Solve
    conflicts: list | None
    model: Model
    settings: dict
    weights: dict
    forced_in: tuple
    forced_out: tuple
    #: ``"greedy"`` when the time ran out before the solver found a portfolio and the value-per-euro
    #: (merit-order) portfolio is the answer (not proven optimal); ``None`` otherwise
    fallback: str | None = None
    #: the greedy portfolio (0/1 per option) when it was computed here (reused by the ranking)
    greedy_x: np.ndarray | None = None

    @property
    def selected_ids(self) -> list[str]:
        return list(self.model.ids[self.choice["selected"].to_numpy(bool)])


def select(scenario, candidates: pd.DataFrame, budget_eur: float | None = None,
           weights: Mapping[str, float] | None = None, forced_in: Iterable[str] = (),
           forced_out: Iterable[str] = (), rules: Mapping[str, Any] | None = None,
           time_limit_s: float | None = None, values: pd.Series | None = None,
           engine: str = "scipy", deadline: float | None = None) -> Selection:
    """The optimal portfolio, checked rule by rule; the fast path behind :func:`rank`.

    The constraint system is cached per (scenario, candidates, rules, forced projects): a new
    budget or new weights only change one bound or the objective.

    Parameters
    ----------
    budget_eur : float, optional
        The envelope for this selection [EUR]; default ``selection.budget_eur``, else the sum of
        the funds' envelopes.
    weights : mapping, optional
        Criteria weights (normalised); default the scenario's.
    forced_in, forced_out : iterable of str
        Candidate ids that must / must not be selected.
    rules : mapping, optional
        Overrides of the scenario's ``selection`` settings (see :data:`RULE_KEYS`).
    time_limit_s : float, optional
        Solver time limit [s]; the gap reached is reported when it stops early.
    engine : {"scipy", "highspy"}
        How HiGHS is called (see :func:`solve_model`); ``"highspy"`` starts from the greedy
        portfolio.
    deadline : float, optional
        A ``time.perf_counter()`` instant by which the whole selection must be done: the solver
        gets what model building left (less the time the checks will take), so a time limit holds
        on the wall clock (see :func:`rank`).  When less than :data:`MIN_SOLVE_S` is left, the
        solver is not started; when it is, or when it stops at the deadline without a portfolio,
        the answer is the greedy portfolio by value per euro (:func:`greedy`, the committee's
        merit order) if it breaks no rule, with ``fallback="greedy"``: a portfolio, not proven
        optimal.

    Raises
    ------
    InputError
        Bad weights, budget, rule names or ids.
    SolverCheckError
        The solver's answer breaks a rule (never returned as a result).
    """
    s = settings(scenario, rules, budget_eur)
    w = check_weights(weights, scenario)
    fi, fo = check_forced_ids(candidates, forced_in, forced_out)
    fo = tuple(x for x in fo)
    mdl = get_model(scenario, candidates, s, fi, fo, weights)
    vals = values if values is not None else project_values(scenario, candidates, w, rules)
    budget = s.get("budget_eur")
    if budget is None:
        budget = sum(f.envelope_eur for f in scenario.funds.values())
    tl = time_limit_s if time_limit_s is not None else s["time_limit_s"]
    gap_target = float(s["mip_rel_gap"])
    fallback, gx = None, None
    if mdl.pre_conflicts:
        sol = Solve(None, float("nan"), "infeasible", float("nan"), float("nan"), 0.0,
                    float(tl or DEFAULT_TIME_LIMIT_S), gap_target)
    else:
        v = vals.to_numpy(float)
        # the merit order first when the time is limited: the fallback is then ready at once (and
        # the ranking's greedy comparison needs it anyway)
        gx = greedy(mdl, v, budget, fi) if engine == "highspy" or deadline is not None else None
        start = gx if engine == "highspy" else None
        post = POST_SOLVE_S + POST_SOLVE_S_PER_CANDIDATE * len(candidates)
        left = None if deadline is None else deadline - time.perf_counter() - post
        if left is not None and left < MIN_SOLVE_S:   # the time is gone before the solve: none started
            sol = Solve(None, float("nan"), "time limit", float("nan"), float("nan"), 0.0, 0.0, gap_target,
                        "the time limit was reached before the solve")
        else:
            if left is not None:
                tl = min(float(tl or DEFAULT_TIME_LIMIT_S), left)
            sol = solve_model(mdl, v, budget_eur=budget, time_limit_s=tl, mip_rel_gap=s["mip_rel_gap"],
                              **({"engine": engine, "start": start} if engine != "scipy" else
                                 {"deadline": None if deadline is None else deadline - post}))
        if sol.x is None and sol.status == "time limit" and deadline is not None:
            gch = choice_table(mdl, gx, len(candidates))
            gch.index = candidates.index
            if not check_portfolio(scenario, candidates, gch, {**s, "budget_eur": budget}, fi, fo,
                                   eligible=mdl.eligible["eligible"].to_numpy(bool)):
                obj = float(v[mdl.item] * mdl.value_rate @ gx)
                bound = sol.dual_bound
                gap = (bound - obj) / max(abs(bound), 1e-9) if np.isfinite(bound) else float("nan")
                sol = Solve(gx, obj, "time limit", gap, bound, sol.time_s, sol.time_limit_s, gap_target,
                            "greedy portfolio (value per euro): the time limit was reached before a solution")
                fallback = "greedy"
    conflicts = None
    if sol.x is None:
        conflicts = find_conflicts(_with_budget(mdl, budget)) if sol.status == "infeasible" else None
    ch = choice_table(mdl, sol.x, len(candidates))
    ch.index = candidates.index
    if sol.x is not None and fallback is None:
        broken = check_portfolio(scenario, candidates, ch, {**s, "budget_eur": budget}, fi, fo,
                                 eligible=mdl.eligible["eligible"].to_numpy(bool))
        if broken:
            raise SolverCheckError(broken)
    return Selection(ch, vals, sol.objective, sol, conflicts, mdl, {**s, "budget_eur": budget}, w, fi, fo,
                     fallback=fallback, greedy_x=gx)
