"""Why a project is in or out of the optimal portfolio, and what would bring it in (or take it out).
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from ..errors import InputError, Problem, closest
from ..messages import msg
from .optimal import select
from .ranking import RankResult, _rules_of


# --------------------------------------------------------------------------------------------
# explanation
# --------------------------------------------------------------------------------------------
def explain(result: RankResult, project_id: str, tol_eur: float = 1000.0) -> dict:
    """Why a project is (not) selected, its value per euro, and what would bring it in.

    For an eligible project left out, two answers by re-solving: the **score increase** (the
    value points it lacks: the optimum without it minus the best portfolio forced to hold it,
    also given as points on every criterion) and the **cost reduction** of its request that would
    make it part of an optimal portfolio (bisection to ``tol_eur``).  For a selected project, the
    value lost if it were removed.

    Returns
    -------
    dict
        ``id``, ``selected``, ``eligible``, ``funding``, ``value``, ``value_per_meur``,
        ``rank_value_per_eur``, ``reason``, and ``score_increase_points``,
        ``score_increase_per_criterion``, ``cost_reduction_eur``, ``text`` as they apply.
    """
    t = result.table
    if result.calls and "call" in t:
        hit = t.index[t["id"] == str(project_id)]
        if len(hit) and str(t.loc[hit[0], "call"]) in result.calls:
            return explain(result.calls[str(t.loc[hit[0], "call"])], project_id, tol_eur)
    hit = t.index[t["id"] == str(project_id)]
    if not len(hit):
        raise InputError([Problem("<option>", "project", project_id, msg("E_UNKNOWN_CANDIDATE_SUGGEST",
                                                                       suggestion=closest(project_id, t["id"])))])
    row = t.loc[hit[0]]
    i = int(np.flatnonzero(t["id"].to_numpy() == str(project_id))[0])
    sel = result.selection
    out = {"id": str(project_id), "selected": bool(row["selected"]), "eligible": bool(row["eligible"]),
           "funding": row["funding"], "value": float(row["value"]), "value_per_meur": float(row["value_per_meur"]),
           "rank_value_per_eur": None if pd.isna(row["rank_value_per_eur"]) else int(row["rank_value_per_eur"]),
           "reason": row["reason"]}
    if not row["eligible"] or sel.conflicts is not None:
        out["text"] = f"{project_id}: {row['reason']}."
        return out
    scn, cands = result.scenario, result.candidates
    out["gap"] = sel.solve.gap
    note = (f" (values compared within the solver's proven gap of {sel.solve.gap:.2%})"
            if sel.solve.gap > 1e-6 else "")
    vals = sel.values.copy()
    common = dict(budget_eur=sel.settings["budget_eur"], weights=sel.weights, rules=_rules_of(sel),
                  time_limit_s=sel.solve.time_limit_s)
    scale = scn.criteria_scale
    if row["selected"]:
        if project_id in sel.forced_in:
            out["text"] = f"{project_id} is selected because it is forced in."
            return out
        without = select(scn, cands, forced_in=sel.forced_in, forced_out=sel.forced_out + (str(project_id),),
                         values=vals, **common)
        loss = sel.objective - without.objective if without.solve.x is not None else float("nan")
        out["value_lost_if_removed"] = loss
        out["text"] = (f"{project_id} is selected ({row['funding']}, paid by {row['paying_envelope']}); "
                       f"value {row['value']:.1f} points, {row['value_per_meur']:.2f} points per M€ "
                       f"(rank {out['rank_value_per_eur']} by value per euro); without it the best portfolio "
                       f"is worth {loss:.2f} points less{note}.")
        return out
    if project_id in sel.forced_out:
        out["text"] = f"{project_id} is not selected because it is forced out."
        return out
    with_it = select(scn, cands, forced_in=sel.forced_in + (str(project_id),), forced_out=sel.forced_out,
                     values=vals, **common)
    if with_it.solve.x is None:
        out["score_increase_points"] = None
        out["cost_reduction_eur"] = None
        out["text"] = (f"{project_id} cannot be selected with the other rules: forcing it in conflicts with "
                       + "; ".join(with_it.conflicts or ["the rules"]) + ".")
        return out
    lack = max(sel.objective - with_it.objective, 0.0)
    out["score_increase_points"] = lack
    rate = float(with_it.choice["value_rate"].iloc[i]) or 1.0
    per_crit = lack / rate / 100.0 * (scale[1] - scale[0])  # the same increase on every criterion
    out["score_increase_per_criterion"] = per_crit
    room = (scale[1] - scale[0]) * (1 - (float(row["value"]) / 100.0))
    # cost reduction: the largest request at which the project belongs to an optimal portfolio
    req = float(row["requested_eur"])
    base_without = sel.objective

    def in_at(cost: float) -> bool:
        c2 = cands.copy()
        c2.loc[c2.index[i], "requested_eur"] = cost
        p1 = c2["phase1_cost_eur"].iloc[i]
        if not pd.isna(p1) and p1 >= cost:
            c2.loc[c2.index[i], "phase1_cost_eur"] = np.nan
        try:
            r = select(scn, c2, forced_in=sel.forced_in + (str(project_id),), forced_out=sel.forced_out,
                       values=vals, **common)
        except InputError:
            return False
        return r.solve.x is not None and r.objective >= base_without - 1e-6 * max(abs(base_without), 1)

    red = None
    if in_at(tol_eur):
        lo, hi = tol_eur, req  # in at lo, out at hi
        while hi - lo > tol_eur:
            mid = 0.5 * (lo + hi)
            if in_at(mid):
                lo = mid
            else:
                hi = mid
        red = req - lo
    out["cost_reduction_eur"] = red
    parts = [f"{project_id} is not selected: {row['reason'].removeprefix('not selected: ')}",
             f"value {row['value']:.1f} points, {row['value_per_meur']:.2f} points per M€ (rank "
             f"{out['rank_value_per_eur']} by value per euro)"]
    if lack <= 1e-9:
        parts.append("a portfolio of equal value includes it (a tie)")
    elif per_crit <= room + 1e-9:
        parts.append(f"it would come in with {lack:.2f} more value points (+{per_crit:.2f} on every criterion "
                     f"of the {scale[0]:g}-{scale[1]:g} scale)")
    else:
        parts.append(f"no score increase within the scale brings it in (it lacks {lack:.2f} points)")
    if red is not None:
        parts.append(f"or with its request cut by {red / 1e6:.2f} M€ (to {(req - red) / 1e6:.2f} M€)")
    else:
        parts.append("no cost reduction alone brings it in")
    out["text"] = "; ".join(parts) + note + "."
    return out
