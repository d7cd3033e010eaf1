"""The efficient frontier: the best value at each budget level (exact, Pareto-merged or warm-started).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..messages import msg
from .engines import Solve, _QUIET_LOCK, solve_model
from .heuristic import greedy, greedy_levels
from .model import Model, check_forced_ids, build_model, get_model
from .inputs import _TOL_EUR, check_weights, project_values, quality_bar_settings, settings


# --------------------------------------------------------------------------------------------
# frontier
# --------------------------------------------------------------------------------------------
def frontier(scenario, candidates: pd.DataFrame, budgets_eur: Sequence[float] | None = None, n: int = 50,
             weights: Mapping[str, float] | None = None, rules: Mapping[str, Any] | None = None,
             forced_in: Iterable[str] = (), forced_out: Iterable[str] = (),
             time_limit_s: float | None = None, reuse: bool = True, engine: str = "scipy",
             workers: int = 1, solve: bool = True) -> pd.DataFrame | None:
    """The efficient frontier: optimal value at each budget level, and the greedy value.

    Parameters
    ----------
    budgets_eur : sequence of float, optional
        Budget levels [EUR]; default ``n`` levels from the smallest eligible request to the cost
        of the best portfolio without an envelope (beyond it the other rules bind and the value
        stays flat), plus the sum of all eligible requests and the current budget.
    reuse : bool
        Build the constraint system once and change only the envelope bound (default); ``False``
        rebuilds it at each level (kept for the benchmark's comparison).
    engine : {"scipy", "highspy"}
        How HiGHS is called (:func:`solve_model`).  With ``"highspy"`` each level starts from the
        better of the greedy portfolio and the optimum of the level below (feasible there), and
        ``workers`` > 1 threads share the levels (HiGHS releases the GIL while it solves).  It
        first tries :func:`pareto_frontier`, which gives every level at once, exactly.
    solve : bool
        ``False``: return ``None`` instead of solving the levels one by one when
        :func:`pareto_frontier` does not apply (the dashboard then solves them in the background).

    Returns
    -------
    DataFrame
        ``budget_eur``, ``value`` [points], ``greedy_value``, ``selected`` (count),
        ``committed_eur``, ``gap``, ``status``, ``current`` (True on the current budget),
        ``solved`` (False where the level lies on the plateau: at or above the cost of the
        optimum without an envelope, which is then the optimum, so no solve is needed).
    """
    s = settings(scenario, rules)
    w = check_weights(weights, scenario)
    s0 = s
    fi = tuple(s0.get("force_in") or ()) + tuple(forced_in)
    fo = tuple(s0.get("force_out") or ()) + tuple(forced_out)
    fi, fo = check_forced_ids(candidates, fi, fo)
    mdl = get_model(scenario, candidates, s, fi, fo, weights)
    vals = project_values(scenario, candidates, w, rules).to_numpy(float)
    current = s.get("budget_eur") or sum(f.envelope_eur for f in scenario.funds.values())
    tl = time_limit_s or s["time_limit_s"]
    # the optimum without the envelope row is the optimum of every budget at or above its cost:
    # one solve answers the whole plateau of the frontier (the other rules bind there)
    free, free_cost = None, float("inf")
    fast = engine == "highspy" and reuse
    # the dashboard's engine: the whole frontier at once, exactly, when the rules allow it
    pareto = pareto_frontier(mdl, vals) if fast and not mdl.pre_conflicts else None
    if pareto is not None:
        free_cost = float(pareto[0][-1])
    elif not solve:
        return None
    elif reuse or budgets_eur is None:
        free = solve_model(mdl, vals, budget_eur=float("inf"), time_limit_s=tl, mip_rel_gap=s["mip_rel_gap"],
                           engine=engine)
        if free.status == "optimal" and free.x is not None:
            free_cost = float(mdl.cost_eur @ free.x)
    if budgets_eur is None:
        costs = mdl.cost_eur[mdl.mode == "full"]
        top = float(pd.Series(costs, index=mdl.item[mdl.mode == "full"]).groupby(level=0).max().sum()) \
            if len(costs) else current
        lo = float(costs.min()) if len(costs) else current / n
        hi = min(top, free_cost) if np.isfinite(free_cost) and free_cost > lo else top
        budgets = list(np.linspace(lo, max(hi, lo), n)) + [top, float(current)]
    else:
        budgets = [float(b) for b in budgets_eur]
        bad = [b for b in budgets if not b > 0]
        if bad:
            raise InputError([Problem("<option>", "budgets_eur", b, msg("E_BUDGET")) for b in bad])
    if not reuse:
        free_cost = float("inf")
    levels = sorted(set(budgets))
    solved: dict[float, tuple[Model, Solve]] = {}
    obj = vals[mdl.item] * mdl.value_rate
    if pareto is not None:
        return _frontier_from_pareto(pareto, mdl, vals, levels, current, fi)

    def solve_levels(group: list[float]) -> None:
        prev = None
        for b in group:
            m_ = mdl if reuse else build_model(scenario, candidates, quality_bar_settings(
                scenario, {**s, "budget_eur": b}, weights, fi), fi, fo)
            if not fast:
                solved[b] = (m_, solve_model(m_, vals, budget_eur=b, time_limit_s=tl, mip_rel_gap=s["mip_rel_gap"]))
                continue
            start = greedy(m_, vals, b, fi)
            if prev is not None and obj @ prev > obj @ start:
                start = prev
            sol = solve_model(m_, vals, budget_eur=b, time_limit_s=tl, mip_rel_gap=s["mip_rel_gap"],
                              engine=engine, start=start)
            solved[b] = (m_, sol)
            prev = sol.x if sol.x is not None else prev

    todo = [b for b in levels if not b >= free_cost]
    if fast and workers > 1 and len(todo) > 1:
        groups = [todo[k::workers] for k in range(workers)]  # each thread from its lowest budget up
        list(_level_pool(workers).map(solve_levels, groups))
    else:
        solve_levels(todo)
    rows = []
    for b in levels:
        plateau = b >= free_cost
        if plateau:
            assert free is not None, "free_cost is finite only once the portfolio without budget is solved"
            m_, sol = mdl, free
        else:
            m_, sol = solved[b]
        gx = greedy(m_, vals, b, fi) if sol.x is not None else None
        rows.append({
            "budget_eur": b,
            "value": sol.objective,
            "greedy_value": float(vals[m_.item] @ (gx * m_.value_rate)) if gx is not None else float("nan"),
            "selected": int(sol.x.sum()) if sol.x is not None else 0,
            "committed_eur": float(m_.cost_eur @ sol.x) if sol.x is not None else float("nan"),
            "gap": sol.gap,
            "status": sol.status,
            "current": bool(abs(b - current) < 0.5),
            "solved": not plateau,
        })
    return pd.DataFrame(rows)


def greedy_frontier(scenario, candidates: pd.DataFrame, values: Sequence[float], budget_eur: float | None = None,
                    forced_in: Iterable[str] = (), forced_out: Iterable[str] = (), n: int = 12,
                    weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The greedy portfolio's value by budget: a quick curve to show while :func:`frontier` solves.

    :func:`greedy` (value per euro, forced projects first) at ``n`` budgets evenly spaced from the
    cheapest full request to the sum of each project's dearest full request [EUR], under the
    scenario's rules with ``budget_eur`` as budget (:func:`settings`; a quality bar judged under
    ``weights``, default the scenario's).  ``values``: each
    candidate's value [points], in the candidates' order (:attr:`RankResult.selection`'s).

    Returns
    -------
    DataFrame
        ``budget_eur``, ``value`` (NaN: not solved), ``greedy_value`` [points], ``current``
        (False); no rows when no project can be funded in full.
    """
    s = settings(scenario, None, budget_eur)
    fi = tuple(dict.fromkeys(forced_in))
    fo = tuple(dict.fromkeys(forced_out))
    mdl = get_model(scenario, candidates, s, fi, fo, weights)
    vals = np.asarray(values, float)
    full = mdl.mode == "full"
    if not full.any():
        return pd.DataFrame(columns=["budget_eur", "value", "greedy_value", "current"])
    top = float(pd.Series(mdl.cost_eur[full], index=mdl.item[full]).groupby(level=0).max().sum())
    budgets = np.linspace(float(mdl.cost_eur[full].min()), max(top, 1.0), n)
    rows = []
    for b in budgets:
        gx = greedy(mdl, vals, float(b), fi)
        rows.append({"budget_eur": float(b), "value": float("nan"),
                     "greedy_value": float(vals[mdl.item] @ (gx * mdl.value_rate)), "current": False})
    return pd.DataFrame(rows)


def _frontier_from_pareto(pareto, mdl: Model, vals: np.ndarray, levels: list[float], current: float,
                          fi: tuple) -> pd.DataFrame:
    """The rows of :func:`frontier` read from the Pareto set (exact: gap 0)."""
    C, V, N = pareto
    gvals = greedy_levels(mdl, vals, levels, fi) @ (vals[mdl.item] * mdl.value_rate)
    rows = []
    for b, gv in zip(levels, gvals):
        k = int(np.searchsorted(C, b + _TOL_EUR, side="right")) - 1
        rows.append({
            "budget_eur": b,
            "value": float(V[k]) if k >= 0 else float("nan"),
            "greedy_value": float(gv) if k >= 0 else float("nan"),
            "selected": int(N[k]) if k >= 0 else 0,
            "committed_eur": float(C[k]) if k >= 0 else float("nan"),
            "gap": 0.0 if k >= 0 else float("nan"),
            "status": "optimal" if k >= 0 else "infeasible",
            "current": bool(abs(b - current) < 0.5),
            "solved": bool(b < C[-1]),
        })
    return pd.DataFrame(rows)


#: Largest group of funding options the exact enumeration of :func:`pareto_frontier` accepts.
PARETO_MAX_GROUP = 12


def pareto_frontier(model: Model, values: np.ndarray,
                    max_points: int = 200_000) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Every Pareto-optimal (money committed, value) pair of the model, or ``None``.

    Exact (no solver, no gap) when the envelope row is the only rule that ties many funding
    options together, as in a call's selection: every other row (one funding per project,
    forced projects, requires, excludes) involves a few options only.  The options then fall
    into small independent groups; each group's feasible choices are enumerated, and the
    Pareto sets of the groups are merged one after the other (Nemhauser and Ullmann's method).
    The optimum at budget ``b`` is the value of the last pair whose cost is <= ``b``.

    Returns ``None`` when another row spans many options (fund, sub-envelope, payment or share
    rules), when a group has more than :data:`PARETO_MAX_GROUP` options, or when the Pareto set
    grows beyond ``max_points``: the caller solves each budget with HiGHS instead.

    Returns
    -------
    (ndarray, ndarray, ndarray) or None
        Costs [EUR] ascending, values [points] strictly ascending, and the number of projects
        of each pair's portfolio.
    """
    m = len(model.item)
    obj = np.asarray(values, float)[model.item] * model.value_rate
    if m == 0:
        return np.zeros(1), np.zeros(1), np.zeros(1, int)
    if model.pre_conflicts:
        return None
    A = model.A.tocsr()
    rows = [r for r in range(A.shape[0]) if r != model.envelope_row]
    env = A.getrow(model.envelope_row).toarray().ravel()
    if not np.allclose(env, model.cost_eur) or not np.isneginf(model.lb[model.envelope_row]):
        return None
    # groups: options tied by a row (union-find over each row's options)
    parent = np.arange(m)

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in rows:
        cols = A.indices[A.indptr[r]:A.indptr[r + 1]]
        if len(cols) > PARETO_MAX_GROUP:
            return None
        for c in cols[1:]:
            ra, rb = find(int(cols[0])), find(int(c))
            if ra != rb:
                parent[rb] = ra
    roots = np.array([find(j) for j in range(m)])
    members: dict[int, list[int]] = {}
    for j, r in enumerate(roots):
        members.setdefault(int(r), []).append(j)
    rows_of: dict[int, list[int]] = {}
    for r in rows:
        cols = A.indices[A.indptr[r]:A.indptr[r + 1]]
        if len(cols):
            rows_of.setdefault(int(roots[cols[0]]), []).append(r)
    dense = {r: dict(zip(A.indices[A.indptr[r]:A.indptr[r + 1]].tolist(), A.data[A.indptr[r]:A.indptr[r + 1]]))
             for r in rows}
    C, V, N = np.zeros(1), np.zeros(1), np.zeros(1, int)
    tol = 1e-9 * max(1.0, float(np.abs(obj).sum()))
    for root, cols in members.items():
        k = len(cols)
        if k > PARETO_MAX_GROUP:
            return None
        own = rows_of.get(root, [])
        if k == 1 and not own:
            gc, gv, gn = np.array([0.0, model.cost_eur[cols[0]]]), np.array([0.0, obj[cols[0]]]), np.array([0, 1])
        else:
            X = ((np.arange(2 ** k)[:, None] >> np.arange(k)) & 1).astype(float)  # every 0/1 choice
            ok = np.ones(len(X), bool)
            for r in own:
                act = X @ np.array([dense[r].get(c, 0.0) for c in cols])
                ok &= (act >= model.lb[r] - 1e-9) & (act <= model.ub[r] + 1e-9)
            if not ok.any():
                return None  # no feasible choice (conflicting rules): the solver says which
            gc, gv = X[ok] @ model.cost_eur[cols], X[ok] @ obj[cols]
            gn = np.array([len(set(model.item[np.array(cols)[x > 0]])) for x in X[ok]])
        # the merged list, by cost (each shifted copy is sorted: a stable sort merges runs)
        cc = (C[None, :] + gc[:, None]).ravel()
        vv = (V[None, :] + gv[:, None]).ravel()
        nn = (N[None, :] + gn[:, None]).ravel()
        order = np.argsort(cc, kind="stable")
        cc, vv, nn = cc[order], vv[order], nn[order]
        best = np.maximum.accumulate(vv)
        keep = np.empty(len(vv), bool)
        keep[0] = True
        keep[1:] = vv[1:] > best[:-1] + tol
        C, V, N = cc[keep], vv[keep], nn[keep]
        if len(C) > max_points:
            return None
    return C, V, N


_LEVEL_POOLS: dict = {}


def _level_pool(workers: int):
    """Threads that solve frontier levels (kept: each keeps its HiGHS models, see :func:`_persistent`)."""
    with _QUIET_LOCK:
        pool = _LEVEL_POOLS.get(workers)
        if pool is None:
            from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

            pool = _LEVEL_POOLS[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="frontier")
        return pool
