"""Why a project is in or out of the optimal portfolio, and what would bring it in (or take it out).
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from ..errors import InputError, Problem, closest
from ..messages import Text, msg
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
    if sel is None or not row["eligible"] or sel.conflicts is not None:   # None: no call was decided
        out["text"] = Text(msg("X_REASON", id=str(project_id), reason=row["reason"]))
        return out
    scn, cands = result.scenario, result.candidates
    out["gap"] = sel.solve.gap
    note = msg("X_GAP_NOTE", gap_pct=100 * sel.solve.gap) if sel.solve.gap > 1e-6 else ""
    vals = sel.values.copy()
    common = dict(budget_eur=sel.settings["budget_eur"], weights=sel.weights, rules=_rules_of(sel),
                  time_limit_s=sel.solve.time_limit_s)
    scale = scn.criteria_scale
    if row["selected"]:
        if project_id in sel.forced_in:
            out["text"] = Text(msg("X_FORCED_IN", id=str(project_id)))
            return out
        without = select(scn, cands, forced_in=sel.forced_in, forced_out=sel.forced_out + (str(project_id),),
                         values=vals, **common)
        loss = sel.objective - without.objective if without.solve.x is not None else float("nan")
        out["value_lost_if_removed"] = loss
        out["text"] = Text(msg("X_SELECTED", id=str(project_id), funding=row["funding"], payer=row["paying_envelope"],
                               value=float(row["value"]), per_meur=float(row["value_per_meur"]),
                               rank=out["rank_value_per_eur"], loss=loss, note=note))
        return out
    if project_id in sel.forced_out:
        out["text"] = Text(msg("X_FORCED_OUT", id=str(project_id)))
        return out
    with_it = select(scn, cands, forced_in=sel.forced_in + (str(project_id),), forced_out=sel.forced_out,
                     values=vals, **common)
    if with_it.solve.x is None:
        out["score_increase_points"] = None
        out["cost_reduction_eur"] = None
        out["text"] = Text(msg("X_CANNOT", id=str(project_id),
                               rules="; ".join(with_it.conflicts) if with_it.conflicts else msg("X_THE_RULES")))
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
    parts = []
    # a score increase is offered only when the scale allows it (never a fix the text then denies)
    out["score_reachable"] = bool(lack > 1e-9 and per_crit <= room + 1e-9)
    if lack <= 1e-9:
        parts.append(msg("X_TIE"))
    elif per_crit <= room + 1e-9:
        parts.append(msg("X_SCORE_IN", lack=lack, per_criterion=per_crit, low=scale[0], high=scale[1]))
    else:
        parts.append(msg("X_NO_SCORE", lack=lack))
    parts.append(msg("X_COST_CUT", cut_meur=red / 1e6, to_meur=(req - red) / 1e6) if red is not None
                 else msg("X_NO_COST_CUT"))
    out["text"] = Text(msg("X_NOT_SELECTED", id=str(project_id), reason=row["reason"], value=float(row["value"]),
                           per_meur=float(row["value_per_meur"]), rank=out["rank_value_per_eur"], parts=parts,
                           note=note))
    return out
