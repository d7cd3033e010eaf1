"""Robustness of the selected portfolio: to disagreement on weights, to cost overruns, together.

* **Weight uncertainty** (stochastic multicriteria acceptability analysis, SMAA; Lahdelma &
  Salminen): the committee gives intervals for the weights, or only an order of importance of the
  criteria, or nothing.  Weights are drawn uniformly from the weights allowed (on the simplex),
  the optimal portfolio is solved for each draw, and each project gets its **selection
  frequency** (a core index: ``always`` / ``sometimes`` / ``never`` selected) and its **rank
  acceptability** (how often it takes each rank by value).  Or the weights are drawn in the
  convex hull of the committee members' own weights (:func:`sample_member_weights`): the
  frequency then says which projects survive the room's disagreement (:mod:`workbench.committee`).
* **Joint index**: the same frequency when weights and costs vary together, costs drawn from the
  envelope simulation's overrun model (:class:`workbench.uncertainty.OverrunModel`): how often a
  project belongs to the best portfolio once its true cost is known.
* **Cost uncertainty**: the probability that a portfolio stays within the envelope, and the
  portfolio of highest value that stays within it with a chosen probability (a contingency
  reserve found by bisection), or with a given reserve.
* **Sensitivity**: for each weight, the range over which the selected portfolio stays the same.

The fund's final cost of a grant is ``grant * (1 + paid * (ratio - 1))`` with ``ratio`` the
overrun draw and ``paid`` the share of an overrun the fund pays
(``uncertainty.overrun_paid_by_fund_rate``; when the scenario is silent, the simulation's
default :data:`workbench.scenario.DEFAULT_OVERRUN_PAID_BY_FUND_RATE`, 0: the contract fixes the grant).
"""
from __future__ import annotations

import time

from dataclasses import dataclass
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import selection as pf
from ..errors import InputError, Problem, closest
from ..messages import msg
from ..selection.scoring import CRITERIA

CORE_LABELS = ("always", "sometimes", "never")


# --------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------
def check_weight_info(weight_intervals: Mapping[str, Sequence[float]] | None = None,
                      weight_order: Sequence[str] | None = None) -> tuple[dict, list]:
    """Validated intervals (``{criterion: (low, high)}`` on weights that sum to 1) and order.

    Raises
    ------
    InputError
        Unknown criteria, intervals not ``[low, high]`` within [0, 1], intervals that no set of
        weights summing to 1 can meet, or an order naming a criterion twice.
    """
    probs = []
    iv = {}
    for c, pair in (weight_intervals or {}).items():
        if c not in CRITERIA:
            probs.append(Problem("<option>", f"weight_intervals.{c}", c,
                                 msg("E_UNKNOWN_CRITERION", suggestion=closest(c, CRITERIA))))
            continue
        try:
            lo, hi = (float(x) for x in pair)
        except (TypeError, ValueError):
            probs.append(Problem("<option>", f"weight_intervals.{c}", pair, msg("E_PAIR")))
            continue
        if not 0 <= lo <= hi <= 1:
            probs.append(Problem("<option>", f"weight_intervals.{c}", pair, msg("E_WEIGHT_INTERVAL")))
            continue
        iv[c] = (lo, hi)
    full = {c: iv.get(c, (0.0, 1.0)) for c in CRITERIA}
    if not probs and (sum(v[0] for v in full.values()) > 1 + 1e-12 or sum(v[1] for v in full.values()) < 1 - 1e-12):
        probs.append(Problem("<option>", "weight_intervals", weight_intervals,
                             msg("E_WEIGHT_INTERVALS_INFEASIBLE")))
    order = list(weight_order or [])
    for c in order:
        if c not in CRITERIA:
            probs.append(Problem("<option>", "weight_order", c,
                                 msg("E_UNKNOWN_CRITERION", suggestion=closest(c, CRITERIA))))
    if len(set(order)) != len(order):
        probs.append(Problem("<option>", "weight_order", order, msg("E_CRITERION_TWICE")))
    if probs:
        raise InputError(probs)
    return full, order


def sample_weights(rng: np.random.Generator, size: int,
                   weight_intervals: Mapping[str, Sequence[float]] | None = None,
                   weight_order: Sequence[str] | None = None) -> pd.DataFrame:
    """Weights drawn uniformly from those the committee allows, one row per draw [fraction].

    Without information: uniform on the simplex (Dirichlet(1, …, 1)).  With an order of
    importance ``[a, b, …]``: uniform on ``w_a >= w_b >= …`` (draws on the simplex, the listed
    ones sorted).  With intervals: uniform on the simplex within the box, by rejection (from the
    simplex, or from the box of the first three weights, whichever accepts more).
    """
    box, order = check_weight_info(weight_intervals, weight_order)
    k = len(CRITERIA)
    lo = np.array([box[c][0] for c in CRITERIA])
    hi = np.array([box[c][1] for c in CRITERIA])
    boxed = bool(weight_intervals)
    idx = [CRITERIA.index(c) for c in order]
    out = np.empty((0, k))
    tries = 0

    def simplex(m):
        return rng.dirichlet(np.ones(k), m)

    def from_box(m):
        head = lo[:-1] + (hi[:-1] - lo[:-1]) * rng.random((m, k - 1))
        return np.column_stack([head, 1.0 - head.sum(axis=1)])

    method = simplex
    if boxed:
        probe = 2000
        a = simplex(probe)
        a1 = np.mean(np.all((a >= lo - 1e-12) & (a <= hi + 1e-12), axis=1))
        b = from_box(probe)
        a2 = np.mean(np.all((b >= lo - 1e-12) & (b <= hi + 1e-12), axis=1))
        method = simplex if a1 >= a2 else from_box
    while len(out) < size:
        tries += 1
        if tries > 1000:
            raise InputError([Problem("<option>", "weight_intervals", weight_intervals,
                                      msg("E_WEIGHTS_TOO_NARROW"))])
        w = method(max(2 * (size - len(out)), 64))
        if idx and not boxed:
            w[:, idx] = -np.sort(-w[:, idx], axis=1)
        keep = np.all((w >= lo - 1e-12) & (w <= hi + 1e-12), axis=1)
        if idx and boxed:
            keep &= np.all(np.diff(w[:, idx], axis=1) <= 1e-12, axis=1)
        out = np.vstack([out, w[keep]])
    return pd.DataFrame(out[:size], columns=list(CRITERIA))


def check_member_weights(member_weights: Any) -> np.ndarray:
    """The committee members' weight vectors as rows of shape ``(members, criteria)`` in
    :data:`CRITERIA` order, each normalised to sum 1 [fraction].

    ``member_weights``: a sequence of ``{criterion: weight}`` mappings, a DataFrame with the
    criteria as columns (one row per member), or an array already in :data:`CRITERIA` order.

    Raises
    ------
    InputError
        No member, an unknown or missing criterion, a negative or non-finite weight, or a member
        whose weights are all zero.
    """
    probs = []
    if isinstance(member_weights, pd.DataFrame):
        rows = member_weights.to_dict("records")
    elif isinstance(member_weights, np.ndarray):
        rows = [dict(zip(CRITERIA, r)) for r in np.atleast_2d(member_weights)] \
            if member_weights.ndim in (1, 2) and member_weights.shape[-1] == len(CRITERIA) else None
    else:
        rows = [dict(r) for r in member_weights] if member_weights is not None else None
    if not rows:
        raise InputError([Problem("<option>", "member_weights", member_weights, msg("E_MEMBER_WEIGHTS_NONE"))])
    M = np.zeros((len(rows), len(CRITERIA)))
    for i, r in enumerate(rows):
        for c in r:
            if c not in CRITERIA:
                probs.append(Problem("<option>", f"member_weights[{i}].{c}", c,
                                     msg("E_UNKNOWN_CRITERION", suggestion=closest(c, CRITERIA))))
        for j, c in enumerate(CRITERIA):
            try:
                v = float(r.get(c))
            except (TypeError, ValueError):
                v = float("nan")
            if not (np.isfinite(v) and v >= 0):
                probs.append(Problem("<option>", f"member_weights[{i}].{c}", r.get(c), msg("E_WEIGHT_NOT_NUMBER_GE0")))
                continue
            M[i, j] = v
        if not probs and M[i].sum() <= 0:
            probs.append(Problem("<option>", f"member_weights[{i}]", r, msg("E_WEIGHTS_ALL_ZERO")))
    if probs:
        raise InputError(probs)
    return M / M.sum(axis=1, keepdims=True)


def sample_member_weights(rng: np.random.Generator, size: int, member_weights: Any) -> pd.DataFrame:
    """Weights drawn in the convex hull of the committee members' weights, one row per draw
    [fraction]: ``w = sum_i l_i m_i`` with ``l ~ Dirichlet(1, …, 1)`` over the members (uniform
    on the simplex of the members' shares: every mix of the members' views is as likely as any
    other).  With one member, or members who all agree, every draw is their weights.

    This is not uniform on the hull itself (a mix is drawn, not a point of the hull): draws are
    denser where several members' views overlap, which is the reading of "the room's
    disagreement" the committee page states.
    """
    M = check_member_weights(member_weights)
    lam = rng.dirichlet(np.ones(len(M)), int(size))
    W = lam @ M
    return pd.DataFrame(W / W.sum(axis=1, keepdims=True), columns=list(CRITERIA))


# --------------------------------------------------------------------------------------------
# SMAA selection frequency and rank acceptability
# --------------------------------------------------------------------------------------------
@dataclass
class SmaaResult:
    """Selection frequency per project, rank acceptability, and the draws behind them.

    Attributes
    ----------
    frequency : DataFrame
        One row per candidate: ``id``, ``eligible``, ``selection_frequency`` [fraction],
        ``phase1_frequency``, ``core`` (``always``/``sometimes``/``never``), ``mean_rank``,
        ``rank_p05``, ``rank_p95`` (rank by value among eligible candidates, 1 = best).
    rank_acceptability : DataFrame
        Eligible ids × ranks 1..k: the share of draws in which the project takes that rank.
    weights : DataFrame
        The weight draws.
    statuses : dict
        Solver statuses over the draws.
    proof : Series
        Per draw, how its portfolio was proven optimal within the gap (:mod:`workbench.selection.draws`).
    """

    frequency: pd.DataFrame
    rank_acceptability: pd.DataFrame
    weights: pd.DataFrame
    statuses: dict
    seed: int
    with_costs: bool
    #: how each draw's portfolio was proven optimal: ``bound``, ``solve`` or ``not proven``
    proof: pd.Series | None = None


def _paid_rate(scenario, paid_by_fund_rate):
    if paid_by_fund_rate is not None:
        return float(paid_by_fund_rate)
    return scenario.overrun_paid_by_fund_rate  # the simulation's default (one home)


def cost_ratios(scenario, n_candidates: int, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Overrun ratios ``final / initial`` per draw and candidate, shape ``(samples, n)``."""
    from ..uncertainty import OverrunModel  # noqa: PLC0415 - the envelope simulation's model

    return np.asarray(OverrunModel.from_scenario(scenario).sample(rng, (samples, n_candidates)), float)


def smaa(scenario, candidates: pd.DataFrame, samples: int, seed: int | None = None,
         weight_intervals: Mapping[str, Sequence[float]] | None = None,
         weight_order: Sequence[str] | None = None, with_costs: bool = False,
         budget_eur: float | None = None, rules: Mapping[str, Any] | None = None,
         forced_in: Iterable[str] = (), forced_out: Iterable[str] = (),
         paid_by_fund_rate: float | None = None, time_limit_s: float | None = None,
         progress: bool = False, engine: str = "scipy", method: str = "bound",
         workers: int | None = None, decision: str = "optimal", member_weights: Any = None) -> SmaaResult:
    """Stochastic multicriteria acceptability analysis of the optimal portfolio.

    Parameters
    ----------
    samples : int
        Number of draws (> 0).
    seed : int, optional
        Default: the scenario's seed.  Weights and costs draw from two streams spawned from it.
    weight_intervals, weight_order
        The committee's information on weights (see :func:`sample_weights`); default the
        scenario's ``robustness`` block.
    with_costs : bool
        Draw each candidate's cost overrun too (joint weights-and-costs index).  When the fund
        pays no part of an overrun (``paid_by_fund_rate`` 0, the default), costs drawn change no
        grant and the draws are those of the weights alone.
    method : {"bound", "resolve"}
        ``"bound"`` (default): the draws of :mod:`workbench.selection.draws` — most weight draws proven
        optimal by a bound from the draws around them, the others solved by HiGHS from the best
        known portfolio, on ``workers`` threads.  ``"resolve"``: every draw re-solved from
        scratch through ``engine`` (the reference the fast method is checked against).
    engine : {"scipy", "highspy"}
        How HiGHS is called with ``method="resolve"`` (:func:`workbench.selection.solve_model`;
        draws of costs then always go through scipy, which scales the model's coefficients).
    workers : int, optional
        Threads for ``method="bound"`` (default :func:`workbench.selection.draws.default_workers`).
    decision : {"optimal", "merit_order"}
        How the portfolio of each draw is chosen: the optimum (default), or the committee's merit
        order as the call-by-call decisions choose it (:func:`workbench.selection.greedy` with the
        first-phase fallback: best value per euro first while the budget lasts), so that a
        project's frequency measures the robustness of the decision actually made.
    member_weights : optional
        The committee members' own weights (see :func:`check_member_weights`): the weights are
        then drawn in their convex hull (:func:`sample_member_weights`) instead of uniformly
        from the weights the scenario allows, and the selection frequency says which projects
        survive the committee's disagreement.  Not with ``weight_intervals`` / ``weight_order``.

    Returns
    -------
    SmaaResult
        ``frequency.attrs`` records ``method``, ``draws_proven_by_bound``, ``draws_solved`` and
        ``draws_not_proven`` (draws whose solve stopped before proving the gap, listed in
        ``not_proven_draws``).
    """
    from . import draws as dr  # noqa: PLC0415 - the fast solver of many draws

    if not isinstance(samples, (int, np.integer)) or samples <= 0:
        raise InputError([Problem("<option>", "samples", samples, msg("E_WHOLE_NUMBER_POSITIVE"))])
    if method not in ("bound", "resolve"):
        raise InputError([Problem("<option>", "method", method, msg("E_EITHER", first="bound", second="resolve"))])
    if decision not in ("optimal", "merit_order"):
        raise InputError([Problem("<option>", "decision", decision,
                                  msg("E_EITHER", first="optimal", second="merit_order"))])
    if member_weights is not None and (weight_intervals is not None or weight_order is not None):
        raise InputError([Problem("<option>", "member_weights/weight_intervals", None, msg("E_EXACTLY_ONE"))])
    rob = scenario.robustness
    if member_weights is not None:
        members = check_member_weights(member_weights)
    elif weight_intervals is None and weight_order is None:
        weight_intervals = rob.weight_intervals and {c: list(v) for c, v in rob.weight_intervals.items()}
        weight_order = rob.weight_order and list(rob.weight_order)
    seed = scenario.seed if seed is None else int(seed)
    s = pf.settings(scenario, rules, budget_eur)
    fi = tuple(s.get("force_in") or ()) + tuple(forced_in)
    fo = tuple(s.get("force_out") or ()) + tuple(forced_out)
    fi, fo = pf.check_forced_ids(candidates, fi, fo)
    mdl = pf.get_model(scenario, candidates, s, fi, fo)
    budget = s.get("budget_eur") or sum(f.envelope_eur for f in scenario.funds.values())
    gap = float(s.get("mip_rel_gap", pf.DEFAULT_MIP_REL_GAP))
    tl = float(time_limit_s if time_limit_s is not None else s.get("time_limit_s", pf.DEFAULT_TIME_LIMIT_S))
    w_ss, c_ss = np.random.SeedSequence(seed).spawn(2)
    K = int(samples)
    if member_weights is not None:
        W = sample_member_weights(np.random.default_rng(w_ss), K, members)
    else:
        W = sample_weights(np.random.default_rng(w_ss), K, weight_intervals, weight_order)
    n = len(candidates)
    scales = None
    if with_costs and _paid_rate(scenario, paid_by_fund_rate) != 0.0:   # else no grant changes
        ratios = cost_ratios(scenario, n, K, np.random.default_rng(c_ss))
        scales = 1.0 + _paid_rate(scenario, paid_by_fund_rate) * (ratios[:, mdl.item] - 1.0)
    values = pf.project_values_rows(scenario, candidates, [dict(zip(CRITERIA, w)) for w in W.to_numpy()], rules)
    elig = mdl.eligible["eligible"].to_numpy(bool) & np.isin(np.arange(n), mdl.item)
    e_idx = np.flatnonzero(elig)
    ke = len(e_idx)
    statuses: dict[str, int] = {}
    if decision == "merit_order" and scales is not None:
        decision = "optimal"    # grants that change with costs: the optimum of each draw (said in attrs)
    if decision == "merit_order" and len(mdl.item) and not mdl.pre_conflicts:
        # the committee's merit order under each draw's weights
        X = np.zeros((K, len(mdl.item)))
        for k in range(K):
            X[k] = pf.greedy(mdl, values[k], budget, fi, phase1_fallback=True)
        proof = np.full(K, dr.PROOF_NONE, dtype=object)
        statuses["merit order"] = K
    elif method == "resolve" or len(mdl.item) == 0 or mdl.pre_conflicts:
        X = np.full((K, len(mdl.item)), np.nan)
        proof = np.full(K, dr.PROOF_NONE, dtype=object)
        it = range(K)
        if progress:
            from tqdm.auto import tqdm  # noqa: PLC0415

            it = tqdm(it, desc="SMAA draws")
        for k in it:
            scale = None if scales is None else scales[k]
            if mdl.pre_conflicts:
                sol = pf.Solve(None, float("nan"), "infeasible", float("nan"), float("nan"), 0.0, tl, gap)
            else:
                sol = pf.solve_model(mdl, values[k], budget_eur=budget, col_scale=scale, time_limit_s=tl,
                                     mip_rel_gap=gap,
                                     engine=engine if scale is None else "scipy")  # scaled costs: scipy's HiGHS
            statuses[sol.status] = statuses.get(sol.status, 0) + 1
            if sol.x is not None:
                X[k] = sol.x
                if sol.status == "optimal" and sol.gap <= gap + dr.ROUNDING_RATE:
                    proof[k] = dr.PROOF_SOLVE
    else:
        if scales is None:
            res = dr.solve_weight_draws(mdl, values, W.to_numpy(), budget_eur=budget, mip_rel_gap=gap,
                                        time_limit_s=tl, workers=workers)
        else:
            res = dr.solve_cost_draws(mdl, values, scales, budget_eur=budget, mip_rel_gap=gap,
                                      time_limit_s=tl, workers=workers)
        X, proof = res.x, res.proof
        for st in res.status:
            statuses[st] = statuses.get(st, 0) + 1
    found = np.asarray(~np.isnan(X).any(axis=1)) if X.size else np.zeros(K, bool)
    on = np.where(found[:, None], X, 0.0) > 0.5 if X.size else np.zeros((K, 0), bool)
    sel_count = np.zeros(n)
    p1_count = np.zeros(n)
    np.add.at(sel_count, mdl.item, on.sum(axis=0).astype(float))
    np.add.at(p1_count, mdl.item, (on & (mdl.mode == "phase1")[None, :]).sum(axis=0).astype(float))
    rank_count = np.zeros((ke, ke), dtype=np.int64)
    ranks_all = np.zeros((K, ke), dtype=np.int32)
    if ke:
        # rank 'min' for ties: equal values share the best rank
        v = values[:, e_idx]
        order = np.argsort(-v, axis=1, kind="stable")
        sv = np.take_along_axis(v, order, axis=1)
        new_group = np.c_[np.ones((K, 1), bool), np.diff(sv, axis=1) != 0]
        pos = np.broadcast_to(np.arange(ke), (K, ke))
        first = np.maximum.accumulate(np.where(new_group, pos, 0), axis=1)
        np.put_along_axis(ranks_all, order, (first + 1).astype(np.int32), axis=1)
        for j in range(ke):
            rank_count[j] = np.bincount(ranks_all[:, j] - 1, minlength=ke)
    m = float(K)
    freq = sel_count / m
    core = np.where(freq >= 1.0, "always", np.where(freq <= 0.0, "never", "sometimes"))
    mean_rank = np.full(n, np.nan)
    p05 = np.full(n, np.nan)
    p95 = np.full(n, np.nan)
    if ke:
        mean_rank[e_idx] = ranks_all.sum(axis=0) / m
        p05[e_idx] = np.percentile(ranks_all, 5, axis=0, method="lower")
        p95[e_idx] = np.percentile(ranks_all, 95, axis=0, method="higher")
    ids = candidates["id"].astype(str).to_numpy()
    frame = pd.DataFrame({"id": ids, "eligible": elig, "selection_frequency": freq,
                          "phase1_frequency": p1_count / m, "core": np.where(elig, core, "never"),
                          "mean_rank": mean_rank, "rank_p05": p05, "rank_p95": p95}, index=candidates.index)
    proof = np.asarray(proof, dtype=object)
    frame.attrs.update({"samples": K, "seed": seed, "with_costs": bool(with_costs),
                        "method": "merit order" if decision == "merit_order" else method, "decision": decision,
                        **({"weight_source": "members", "members": int(len(members))}
                           if member_weights is not None else {}),
                        "draws_proven_by_bound": int(np.sum(proof == dr.PROOF_BOUND)),
                        "draws_solved": int(np.sum(proof == dr.PROOF_SOLVE)),
                        "draws_not_proven": int(np.sum(proof == dr.PROOF_NONE)),
                        "not_proven_draws": [int(k) for k in np.flatnonzero(proof == dr.PROOF_NONE)]})
    ra = pd.DataFrame(rank_count / m, index=pd.Index(ids[e_idx], name="id"),
                      columns=pd.Index(np.arange(1, ke + 1), name="rank"))
    return SmaaResult(frame, ra, W, statuses, seed, bool(with_costs), pd.Series(proof, name="proof"))


def selection_frequency(scenario, candidates: pd.DataFrame, samples: int, seed: int | None = None,
                        weight_intervals: Mapping[str, Sequence[float]] | None = None,
                        weight_order: Sequence[str] | None = None, with_costs: bool = False,
                        **kwargs) -> pd.DataFrame:
    """How often each project is in the optimal portfolio under weight (and cost) draws.

    The ``frequency`` table of :func:`smaa` (same parameters).
    """
    return smaa(scenario, candidates, samples, seed, weight_intervals, weight_order, with_costs,
                **kwargs).frequency


#: A choice is fragile when a selected project is chosen in less than this share of the weight
#: draws, or a project left out in more (an assumption: the even split of the draws).
FRAGILE_THRESHOLD_RATE = 0.5


def fragile_choices(table: pd.DataFrame, threshold_rate: float = FRAGILE_THRESHOLD_RATE) -> pd.DataFrame:
    """The decisions the weight draws do not support: every selected project whose
    ``selection_frequency`` is below ``threshold_rate`` (``kind`` ``"selected_rarely"``) and every
    project left out whose frequency is above it (``"left_out_often"``), the most fragile first
    (farthest from the decision taken).

    ``table`` is a rank or decisions table with ``selection_frequency`` (robustness drawn);
    without it the result is empty.  Columns: ``id``, ``call`` (when known), ``selected``,
    ``selection_frequency`` [fraction], ``kind``, ``requested_eur``.
    """
    cols = ["id", "call", "selected", "selection_frequency", "kind", "requested_eur"]
    if "selection_frequency" not in table.columns:
        return pd.DataFrame(columns=cols)
    sel = table["selected"].astype(bool)
    f = table["selection_frequency"].astype(float)
    rare = sel & (f < threshold_rate)
    often = ~sel & (f > threshold_rate)
    out = table.loc[rare | often].copy()
    out["kind"] = np.where(out["selected"].astype(bool), "selected_rarely", "left_out_often")
    out["distance"] = np.where(out["selected"].astype(bool), 1.0 - out["selection_frequency"],
                               out["selection_frequency"])
    if "call" not in out.columns:
        out["call"] = ""
    out = out.sort_values(["distance", "id"], ascending=[False, True])
    return out[cols].reset_index(drop=True)


def fragile_flags(table: pd.DataFrame, threshold_rate: float = FRAGILE_THRESHOLD_RATE) -> pd.Series:
    """The fragile flag of every row of a rank or decisions table, as a column for the report's
    and the dashboard's tables: ``"selected_rarely"``, ``"left_out_often"`` (see
    :func:`fragile_choices`) or ``""``; all ``""`` without robustness draws."""
    if "selection_frequency" not in table.columns:
        return pd.Series("", index=table.index, name="fragile", dtype=object)
    sel = table["selected"].astype(bool)
    f = table["selection_frequency"].astype(float)
    out = np.where(sel & (f < threshold_rate), "selected_rarely",
                   np.where(~sel & (f > threshold_rate), "left_out_often", ""))
    return pd.Series(out, index=table.index, name="fragile", dtype=object)


# --------------------------------------------------------------------------------------------
# cost uncertainty: staying within the envelope
# --------------------------------------------------------------------------------------------
def _grants(candidates: pd.DataFrame, portfolio) -> np.ndarray:
    """The fund's grant per candidate [EUR] for a portfolio given as a table or a list of ids."""
    n = len(candidates)
    if isinstance(portfolio, pd.DataFrame):
        t = portfolio.set_index(portfolio["id"].astype(str))
        t = t.reindex(candidates["id"].astype(str))
        sel = t["selected"].fillna(False).to_numpy(bool)
        fund = t["funding"].fillna("").to_numpy() if "funding" in t else np.full(n, "full")
    else:
        chosen = set(map(str, portfolio))
        sel = candidates["id"].astype(str).isin(chosen).to_numpy()
        fund = np.full(n, "full", dtype=object)
    p1 = candidates["phase1_cost_eur"].to_numpy(float) if "phase1_cost_eur" in candidates else np.full(n, np.nan)
    g = np.where(fund == "phase1", p1, candidates["requested_eur"].to_numpy(float))
    return np.where(sel, g, 0.0)


def within_envelope_probability(scenario, candidates: pd.DataFrame, portfolio, samples: int = 2000,
                                seed: int | None = None, budget_eur: float | None = None,
                                paid_by_fund_rate: float | None = None) -> dict:
    """Probability that a portfolio's final cost to the fund stays within the envelope.

    Parameters
    ----------
    portfolio : DataFrame or iterable of str
        A table with ``id``, ``selected`` and ``funding`` (e.g. ``RankResult.table``), or the
        ids funded in full.

    Returns
    -------
    dict
        ``probability`` [fraction], ``budget_eur``, ``committed_eur`` (grants), ``mean_final_eur``,
        ``p90_final_eur``, ``p95_final_eur``, ``samples``, ``seed``, ``paid_by_fund_rate``.
    """
    seed = scenario.seed if seed is None else int(seed)
    budget = float(budget_eur or pf.settings(scenario).get("budget_eur")
                   or sum(f.envelope_eur for f in scenario.funds.values()))
    g = _grants(candidates, portfolio)
    paid = _paid_rate(scenario, paid_by_fund_rate)
    _, c_ss = np.random.SeedSequence(seed).spawn(2)
    ratios = cost_ratios(scenario, len(candidates), int(samples), np.random.default_rng(c_ss))
    final = (g[None, :] * (1.0 + paid * (ratios - 1.0))).sum(axis=1)
    return {"probability": float(np.mean(final <= budget + 0.5)), "budget_eur": budget,
            "committed_eur": float(g.sum()), "mean_final_eur": float(final.mean()),
            "p90_final_eur": float(np.quantile(final, 0.9)), "p95_final_eur": float(np.quantile(final, 0.95)),
            "samples": int(samples), "seed": seed, "paid_by_fund_rate": paid}


def contingency_portfolio(scenario, candidates: pd.DataFrame, probability: float | None = None,
                          reserve_rate: float | None = None, samples: int = 1000, seed: int | None = None,
                          weights: Mapping[str, float] | None = None, budget_eur: float | None = None,
                          rules: Mapping[str, Any] | None = None, forced_in: Iterable[str] = (),
                          forced_out: Iterable[str] = (), paid_by_fund_rate: float | None = None,
                          tol_rate: float = 1e-3, method: str = "reserve") -> dict:
    """The best portfolio that stays within the envelope with a chosen probability.

    With ``probability`` p: the largest planning budget ``B'`` (bisection to ``tol_rate`` of the
    envelope) whose optimal portfolio's final cost stays within the envelope ``B`` in at least p
    of the cost draws (common draws for every trial); the reserve is ``B - B'``.  With
    ``reserve_rate`` r instead: the optimal portfolio under ``B (1 - r)`` and its probability.

    ``method="saa"`` (with ``probability``) solves the chance-constrained programme exactly on the
    draws instead (sample average approximation): one binary per draw allowed to exceed the
    envelope, at most ``floor((1 - p) * samples)`` of them.  Its value is at least the reserve
    method's on the same draws; keep ``samples`` to a few hundred (one row per draw).

    Returns
    -------
    dict
        ``selection`` (:class:`workbench.selection.Selection`), ``planning_budget_eur``,
        ``reserve_eur``, ``probability`` (reached), ``target_probability``, ``value``,
        ``value_without_reserve``, ``probability_without_reserve``.
    """
    probs = []
    if (probability is None) == (reserve_rate is None):
        probs.append(Problem("<option>", "probability/reserve_rate", None, msg("E_EXACTLY_ONE")))
    if probability is not None and not 0 < float(probability) < 1:
        probs.append(Problem("<option>", "probability", probability, msg("E_OPEN_FRACTION")))
    if reserve_rate is not None and not 0 <= float(reserve_rate) < 1:
        probs.append(Problem("<option>", "reserve_rate", reserve_rate, msg("E_HALF_OPEN_FRACTION")))
    if probs:
        raise InputError(probs)
    seed = scenario.seed if seed is None else int(seed)
    s = pf.settings(scenario, rules, budget_eur)
    budget = float(s.get("budget_eur") or sum(f.envelope_eur for f in scenario.funds.values()))
    fi = tuple(s.get("force_in") or ()) + tuple(forced_in)
    fo = tuple(s.get("force_out") or ()) + tuple(forced_out)
    paid = _paid_rate(scenario, paid_by_fund_rate)
    _, c_ss = np.random.SeedSequence(seed).spawn(2)
    ratios = cost_ratios(scenario, len(candidates), int(samples), np.random.default_rng(c_ss))
    factor = 1.0 + paid * (ratios - 1.0)

    def at(b):
        sel = pf.select(scenario, candidates, b, weights, fi, fo, rules)
        if sel.solve.x is None:
            return sel, 0.0
        g = _grants(candidates, pd.DataFrame({"id": candidates["id"].astype(str).to_numpy(),
                                              "selected": sel.choice["selected"].to_numpy(),
                                              "funding": sel.choice["funding"].to_numpy()}))
        return sel, float(np.mean((factor @ g) <= budget + 0.5))

    full_sel, full_p = at(budget)
    if method not in ("reserve", "saa"):
        raise InputError([Problem("<option>", "method", method, msg("E_EITHER", first="reserve", second="saa"))])
    if method == "saa":
        if probability is None:
            raise InputError([Problem("<option>", "method", method, msg("E_SAA_NEEDS_PROBABILITY"))])
        return _saa(scenario, candidates, float(probability), factor, budget, weights, rules, fi, fo, full_sel,
                    full_p, seed, int(samples), paid)
    if reserve_rate is not None:
        b = budget * (1 - float(reserve_rate))
        sel, p = at(b)
        target = None
    else:
        assert probability is not None, "exactly one of probability and reserve_rate (checked above)"
        target = float(probability)
        if full_p >= target:
            sel, p, b = full_sel, full_p, budget
        else:
            lo, hi = 0.0, budget   # ok at lo (nothing), not ok at hi
            sel, p = None, 1.0
            while hi - lo > tol_rate * budget:
                mid = 0.5 * (lo + hi)
                cand, pm = at(mid)
                if pm >= target:
                    lo, sel, p = mid, cand, pm
                else:
                    hi = mid
            b = lo
            if sel is None:
                sel, p = at(lo) if lo > 0 else (None, 1.0)
    return {"selection": sel, "planning_budget_eur": b, "reserve_eur": budget - b, "budget_eur": budget,
            "probability": p, "target_probability": target,
            "value": sel.objective if sel is not None else 0.0,
            "value_without_reserve": full_sel.objective, "probability_without_reserve": full_p,
            "samples": int(samples), "seed": seed, "paid_by_fund_rate": paid}


# --------------------------------------------------------------------------------------------
# weight stability ranges
# --------------------------------------------------------------------------------------------
def _tilt(w: dict, c: str, t: float) -> dict:
    rest = 1.0 - w[c]
    out = {}
    for k, v in w.items():
        if k == c:
            out[k] = t
        elif rest > 1e-12:
            out[k] = v / rest * (1.0 - t)
        else:
            out[k] = (1.0 - t) / (len(w) - 1)
    return out


def weight_stability(scenario, candidates: pd.DataFrame, weights: Mapping[str, float] | None = None,
                     budget_eur: float | None = None, rules: Mapping[str, Any] | None = None,
                     forced_in: Iterable[str] = (), forced_out: Iterable[str] = (), grid: int = 10,
                     tol: float = 0.005, decision: str = "optimal") -> pd.DataFrame:
    """For each weight, the range over which the selected portfolio stays the same.

    One weight moves from 0 to 1, the others keep their proportions (and the sum stays 1).  The
    weights under which a given portfolio is optimal form a convex set, so along that line it is
    an interval: a grid of ``grid`` steps finds the first change on each side, and bisection
    narrows it to ``tol``.  ``decision="merit_order"`` judges the portfolio the committee's merit
    order gives (best value per euro first while the budget lasts, :func:`workbench.selection.greedy`),
    as a call decided call by call is; under it the set of weights keeping the portfolio is not
    proven convex, so the interval is the one around the current weights found by the same search.

    Returns
    -------
    DataFrame
        ``criterion``, ``weight`` (current, normalised), ``low``, ``high`` [fraction].
    """
    base = pf.check_weights(weights, scenario)
    s = pf.settings(scenario, rules, budget_eur)
    fi = tuple(s.get("force_in") or ()) + tuple(forced_in)
    fo = tuple(s.get("force_out") or ()) + tuple(forced_out)

    if decision == "merit_order":
        s_b = pf.settings(scenario, rules, budget_eur)
        fi_c, fo_c = pf.check_forced_ids(candidates, fi, fo)
        mdl = pf.get_model(scenario, candidates, s_b, fi_c, fo_c)
        b_eur = s_b.get("budget_eur") or sum(f.envelope_eur for f in scenario.funds.values())

    def portfolio(w) -> tuple:
        if decision == "merit_order":
            vals = pf.project_values(scenario, candidates, w, rules).to_numpy(float)
            ch = pf.choice_table(mdl, pf.greedy(mdl, vals, b_eur, fi_c, phase1_fallback=True), len(candidates))
        else:
            ch = pf.select(scenario, candidates, budget_eur, w, fi, fo, rules).choice
        return tuple(zip(candidates["id"].astype(str)[ch["selected"].to_numpy(bool)],
                         ch["funding"][ch["selected"].to_numpy(bool)]))

    ref = portfolio(base)
    rows = []
    for c in CRITERIA:
        w0 = base[c]
        bounds = []
        for direction in (-1, 1):
            steps = np.linspace(w0, 0.0 if direction < 0 else 1.0, grid + 1)[1:]
            last_same, first_diff = w0, None
            for t in steps:
                if portfolio(_tilt(base, c, float(t))) == ref:
                    last_same = float(t)
                else:
                    first_diff = float(t)
                    break
            if first_diff is None:
                bounds.append(last_same)
                continue
            a, b = last_same, first_diff
            while abs(b - a) > tol:
                mid = 0.5 * (a + b)
                if portfolio(_tilt(base, c, mid)) == ref:
                    a = mid
                else:
                    b = mid
            bounds.append(a)
        rows.append({"criterion": c, "weight": w0, "low": bounds[0], "high": bounds[1]})
    return pd.DataFrame(rows)


def _saa(scenario, candidates, p, factor, budget, weights, rules, fi, fo, full_sel, full_p, seed, samples, paid):
    """Chance-constrained selection on the draws: max value s.t. at most (1 - p) K draws overrun."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    s = pf.settings(scenario, rules, budget)
    fi, fo = pf.check_forced_ids(candidates, fi, fo)
    mdl = pf.get_model(scenario, candidates, s, fi, fo, weights)
    vals = pf.project_values(scenario, candidates, weights, rules).to_numpy(float)
    m, K = len(mdl.item), factor.shape[0]
    cost_k = factor[:, mdl.item] * mdl.cost_eur[None, :]            # (K, m) final cost of each option
    big = cost_k.sum(axis=1) - budget                                 # enough to switch a draw's row off
    big = np.maximum(big, 0.0) + 1.0
    ub = mdl.ub.copy()
    ub[mdl.envelope_row] = budget
    A = sparse.vstack([
        sparse.hstack([mdl.A, sparse.csr_matrix((mdl.A.shape[0], K))]),
        sparse.hstack([sparse.csr_matrix(cost_k), sparse.diags(-big)]),
        sparse.hstack([sparse.csr_matrix((1, m)), sparse.csr_matrix(np.ones((1, K)))]),
    ]).tocsr()
    lb = np.r_[mdl.lb, np.full(K, -np.inf), -np.inf]
    ubs = np.r_[ub, np.full(K, budget + 0.5), np.floor((1 - p) * K + 1e-9)]
    c = np.r_[-vals[mdl.item] * mdl.value_rate, np.zeros(K)]
    gap = float(s.get("mip_rel_gap", pf.DEFAULT_MIP_REL_GAP))
    with pf.quiet():
        res = milp(c, integrality=np.ones(m + K), bounds=Bounds(0, 1), constraints=[LinearConstraint(A, lb, ubs)],
                   options={"disp": False, "time_limit": float(s.get("time_limit_s", pf.DEFAULT_TIME_LIMIT_S)),
                            "mip_rel_gap": gap})
    if res.x is None:
        return {"selection": None, "planning_budget_eur": None, "reserve_eur": None, "budget_eur": budget,
                "probability": None, "target_probability": p, "value": float("nan"), "status": res.message,
                "value_without_reserve": full_sel.objective, "probability_without_reserve": full_p,
                "samples": samples, "seed": seed, "paid_by_fund_rate": paid, "method": "saa"}
    x = (res.x[:m] > 0.5).astype(float)
    ch = pf.choice_table(mdl, x, len(candidates))
    ch.index = candidates.index
    broken = pf.check_portfolio(scenario, candidates, ch, {**s, "budget_eur": budget}, fi, fo,
                                eligible=mdl.eligible["eligible"].to_numpy(bool))
    if broken:
        raise pf.SolverCheckError(broken)
    g = _grants(candidates, pd.DataFrame({"id": candidates["id"].astype(str).to_numpy(),
                                          "selected": ch["selected"].to_numpy(), "funding": ch["funding"].to_numpy()}))
    prob = float(np.mean((factor @ g) <= budget + 0.5))
    value = float(vals[mdl.item] @ (x * mdl.value_rate))
    sol = pf.Solve(x, value, pf.STATUS_NAMES.get(res.status, "error"), float(getattr(res, "mip_gap", 0.0) or 0.0),
                   float("nan"), 0.0, float(s.get("time_limit_s", pf.DEFAULT_TIME_LIMIT_S)), gap)
    sel = pf.Selection(ch, pd.Series(vals, index=candidates.index, name="value"), value, sol, None, mdl,
                       {**s, "budget_eur": budget}, pf.check_weights(weights, scenario), fi, fo)
    committed = float(g.sum())
    return {"selection": sel, "planning_budget_eur": committed, "reserve_eur": budget - committed,
            "budget_eur": budget, "probability": prob, "target_probability": p, "value": value,
            "value_without_reserve": full_sel.objective, "probability_without_reserve": full_p,
            "samples": samples, "seed": seed, "paid_by_fund_rate": paid, "method": "saa"}


def rank(scenario, candidates: pd.DataFrame, robustness_samples: int = 0, seed: int | None = None,
         decision: str = "optimal", **kwargs: Any) -> pf.RankResult:
    """:func:`workbench.selection.rank`, then, with ``robustness_samples > 0``, how robust its
    choice is: each candidate's SMAA ``selection_frequency`` and ``core`` (always / sometimes /
    never) over that many weight draws (and cost draws when the scenario's
    ``robustness.with_cost_uncertainty``), and the probability that the portfolio's final cost
    stays within the budget under the overrun model (at least 2,000 draws).

    ``kwargs`` are :func:`workbench.selection.rank`'s (budget, weights, forced projects, rules,
    time limit, engine, deadline); ``seed`` seeds the robustness draws (default: the scenario's);
    ``decision`` is how each draw's portfolio is chosen (:func:`smaa`: ``"optimal"``, or
    ``"merit_order"`` for a call decided in merit order).  When a ``deadline`` has passed once the
    portfolio is chosen, the robustness draws are skipped and ``totals["robustness_skipped"]`` says why.
    """
    res = pf.rank(scenario, candidates, seed=seed, **kwargs)
    if not robustness_samples or robustness_samples <= 0 or res.conflicts is not None:
        return res
    deadline = kwargs.get("deadline")
    if deadline is not None and time.perf_counter() >= deadline:
        res.totals["robustness_skipped"] = "time limit"
        return res
    sel, table, totals = res.selection, res.table, res.totals
    assert sel is not None, "rank sets its selection (only decide_calls, deciding no call, leaves it None)"
    rseed = scenario.seed if seed is None else seed
    budget = sel.settings["budget_eur"]
    robust = selection_frequency(
        scenario, candidates, robustness_samples, rseed, with_costs=scenario.robustness.with_cost_uncertainty,
        budget_eur=budget, rules=kwargs.get("rules"), forced_in=sel.forced_in, forced_out=sel.forced_out,
        decision=decision)
    at = table.columns.get_loc("reason")  # beside the selection, as the report shows them
    table.insert(at, "selection_frequency", robust["selection_frequency"].to_numpy())
    table.insert(at + 1, "core", robust["core"].to_numpy())
    env = within_envelope_probability(scenario, candidates, table[["id", "selected", "funding"]],
                                      samples=max(int(robustness_samples), 2000), seed=rseed, budget_eur=budget)
    extra = {"within_envelope_probability": env["probability"], "p90_final_cost_eur": env["p90_final_eur"],
             "robustness": {"samples": int(robustness_samples), "with_costs": bool(robust.attrs["with_costs"]),
                            "cost_samples": env["samples"], "paid_by_fund_rate": env["paid_by_fund_rate"],
                            **{k: robust.attrs[k] for k in pf.PROOF_COUNTS}}}
    # the totals' keys in the order the portfolio module writes them (before the envelopes')
    keys = list(totals)
    at_t = keys.index("committed_by_envelope_eur") if "committed_by_envelope_eur" in keys else len(keys)
    res.totals = {**{k: totals[k] for k in keys[:at_t]}, **extra, **{k: totals[k] for k in keys[at_t:]}}
    res.robustness = robust
    return res
