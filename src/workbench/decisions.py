"""Call-by-call decisions: each committee decides among its own call's applications only.

A fund such as FTAP decides call after call "until the credits are exhausted": each committee
sees the applications of its own call and the credits left, and works to the call's allotment
(:mod:`workbench.selection.allotment`) and a quality bar (``selection.min_quality_points``).  This module
replays that sequence on a candidate table: for each call in decision order, the optimal
portfolio of the call's eligible applications (:func:`workbench.selection.rank`, the exact
HiGHS programme) under the call's budget, which is

    min(call's budget_eur, share x (commitment authority of the fund available at the call's
    decision date - what earlier calls of the fund committed))

where the commitment authority available at a date is :func:`workbench.credits.ae_available_eur`
(voted AE up to that year, less the year's reserve, with the freezes, unfreezes, cancellations
and transfers dated up to that date, within the envelope in force then)

and, for the sub-envelopes, what earlier calls left of them; a scenario's
``selection.budget_eur`` caps what all the calls together may commit.  No call ever sees a later call's
applications.  The whole-period optimum (:func:`workbench.selection.rank` on every candidate at
once) is the benchmark "with perfect foresight": :func:`foresight_gap` says what sequencing costs.

Committees decide on commitment authority (AE); the funds' yearly payment credits (CP) are
not a selection rule here (FTAP's CP were cut and moved during the year while its AE were
carried over: programme 349's annual performance reports, budget.gouv.fr, 2019 and 2020): the
risk of running short of CP is measured by the envelope simulation.  Payment limits a user sets
(``selection.payment_limits_eur``) are applied to each call net of the payments that earlier
calls' laureates already take in those years.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .messages import Text, code_of, msg
from . import selection as pf
from .analysis import robustness
from .selection.allotment import call_budget_eur, call_shares, candidate_calls, credits_at_eur
from .selection.scoring import roi_ratio

#: What the decisions are called in results and reports.
CALL_BY_CALL = "call_by_call"
PERFECT_FORESIGHT = "perfect_foresight"


def _fund_of_envelope(scenario) -> dict[str, str]:
    out = {}
    for code, f in scenario.funds.items():
        out[code] = code
        for s in f.sub_envelopes_eur:
            out[s] = code
    return out


def decide_calls(scenario, candidates: pd.DataFrame, weights: Mapping[str, float] | None = None,
                 forced_in: Iterable[str] = (), forced_out: Iterable[str] = (),
                 rules: Mapping[str, Any] | None = None, time_limit_s: float | None = None,
                 robustness_samples: int = 0, seed: int | None = None, engine: str = "scipy",
                 calls: Iterable[str] | None = None, method: str | None = None,
                 call_settings: Mapping[str, Mapping[str, Any]] | None = None,
                 committed_eur: Mapping[str, float] | None = None) -> pf.RankResult:
    """Decide the calls one after another, each among its own applications (see the module).

    Parameters are those of :func:`workbench.selection.rank`; ``calls`` limits the replay to
    the named calls (earlier calls still decide first, so that the credits left are right).
    ``method`` (default: the scenario's ``selection.call_decision``, else ``merit_order``):
    ``merit_order``, the committee's practice: the eligible applications by value per euro (the
    quality, under the quality x scope model), each funded if it still fits every rule, until
    the allotment is used (:func:`workbench.selection.greedy`); where that order would break a
    rule (a minimum share, a dependency), the exact optimum of the call instead.  ``optimal``:
    the exact optimum of each call (:func:`workbench.selection.rank`), which may leave a
    better project out to fill the allotment with a larger one.  ``call_settings``
    (``{call id: {"weights": {...}, "budget_eur": x}}``) gives a committee's own weights, or its own
    budget (never above the credits left), to the named calls: a live session on one call while
    the others decide as the scenario says.  ``committed_eur`` (``{fund: EUR}``): what each fund
    decided outside this replay (a laureate book's net decisions: committed less de-committed,
    plus decided and not yet committed), counted against the credits left of every call, as if
    decided before the first of them (give the calls it covers a budget of 0 in
    ``call_settings``).

    Returns
    -------
    RankResult
        ``table``: every candidate with its call (``call``, ``decision``) and the columns of
        :func:`workbench.selection.rank`; a candidate of a call that had nothing left to commit
        is "not selected: no credits left for this call".  ``totals``: the portfolio's totals
        summed over the calls, ``foresight="call_by_call"``, the value model, and ``by_call``
        (one record per call: applications, eligible, credits left, allotment, laureates,
        granted, total cost).  ``calls``: each call's own :class:`RankResult` (explanations are
        given within the call).  ``solver``: the record of the call whose selection was
        hardest (a status other than optimal first, then the largest model, then the first call;
        never the timings, so that the same inputs give the same file), with every call's status
        and the total solver time.
    """
    from . import __version__

    cands = candidates.reset_index(drop=True)
    method = scenario.value("selection.call_decision") or "merit_order" if method is None else method
    call_of = candidate_calls(scenario, cands)
    shares = call_shares(scenario)
    fund_of = _fund_of_envelope(scenario)
    funds = scenario.funds
    s0 = pf.settings(scenario, rules)
    user_limits = {int(y): float(pf.param_value(v)) for y, v in (s0.get("payment_limits_eur") or {}).items()}
    sub_used: dict[str, float] = {}
    committed_by_fund: dict[str, float] = {f: float((committed_eur or {}).get(f, 0.0)) for f in funds}
    paid_by_year: dict[int, float] = {}
    fi_all, fo_all = set(map(str, forced_in)), set(map(str, forced_out))
    wanted = None if calls is None else set(calls)
    parts, per_call, records, solvers = [], {}, [], []
    pending: dict[str, list[pd.DataFrame]] = {}   # later phases of first-phase laureates, by call
    next_phase_m = float(scenario.value("selection.next_phase_after_months") or NEXT_PHASE_AFTER_MONTHS)
    extra_index = len(cands)
    extras: list[pd.DataFrame] = []
    for k, call in enumerate(scenario.calls):
        idx = np.flatnonzero(np.asarray(call_of) == call.id)
        back = pending.pop(call.id, [])
        fund = funds[call.fund]
        left = credits_at_eur(fund, call.decision) - committed_by_fund[call.fund]
        if s0.get("budget_eur") is not None:  # the selection's own cap over all calls
            left = min(left, float(s0["budget_eur"]) - sum(committed_by_fund.values()))
        budget = call_budget_eur(call, left, shares[k])
        own = (call_settings or {}).get(call.id) or {}
        if own.get("budget_eur") is not None:   # the committee's own budget, within the credits left
            budget = max(min(float(own["budget_eur"]), max(left, 0.0)), 0.0)
        rec = {"call": call.id, "fund": call.fund, "decision": call.decision.isoformat(),
               "applications": int(len(idx)), "eligible": 0, "credits_left_eur": max(left, 0.0),
               "allotment_eur": budget, "laureates": 0, "granted_eur": 0.0, "total_cost_eur": 0.0,
               "status": ""}
        if not len(idx) and not back:
            records.append(rec)
            continue
        sub = cands.iloc[idx].copy()
        if back:  # first-phase laureates of earlier calls come back for their next phases
            nxt = pd.concat(back)
            nxt.index = range(extra_index, extra_index + len(nxt))
            extra_index += len(nxt)
            extras.append(nxt)
            sub = pd.concat([sub, nxt])
            rec["applications"] = int(len(sub))
            rec["next_phases"] = int(len(nxt))
        sub["call"] = call.id
        # the committee scores with the weights in force at its decision (dated criteria weights)
        w_call = (own["weights"] if own.get("weights") is not None
                  else weights if weights is not None else scenario.weights_at(call.decision))
        if budget < 1.0:
            res = None
        else:
            r = dict(rules or {})
            r["fund_payment_limits"] = False
            subs = {}
            for f in funds.values():
                for code, amt in f.sub_envelopes_eur.items():
                    subs[code] = max(float((s0.get("sub_envelope_budgets_eur") or {}).get(code, amt))
                                     - sub_used.get(code, 0.0), 0.0)
            if subs:
                r["sub_envelope_budgets_eur"] = subs
            if user_limits:
                r["payment_limits_eur"] = {y: max(v - paid_by_year.get(y, 0.0), 0.0) for y, v in user_limits.items()}
            ids = set(sub["id"].astype(str))
            # the robustness of the decision made: each draw decided by the call's own method
            res = robustness.rank(scenario, sub, robustness_samples=robustness_samples, seed=seed, decision=method,
                                  budget_eur=budget, weights=w_call, forced_in=tuple(fi_all & ids),
                                  forced_out=tuple(fo_all & ids), rules=r, time_limit_s=time_limit_s, engine=engine)
        if res is None:
            t = _empty_call_table(scenario, sub, w_call, rules)
            rec["status"] = "no credits left"
        elif method == "merit_order" and (merit := _merit_order_choice(scenario, sub, res)) is not None:
            t = _merit_order_table(res.table, merit)
            per_call[call.id] = res
            solvers.append(res.solver)
            rec["status"] = "merit order"
            rec["optimal_value"] = res.totals["value"]
        else:
            t = res.table.copy()
            per_call[call.id] = res
            solvers.append(res.solver)
            rec["status"] = res.solver["status"] if res.conflicts is None else "conflict"
        t = t.drop(columns=[c for c in ("call", "decision") if c in t.columns])
        t.insert(1, "call", call.id)
        t.insert(2, "decision", call.decision.isoformat())
        t.index = sub.index
        parts.append(t)
        chosen = t[t["selected"].astype(bool)]
        rec["value"] = float(t["contribution"].sum())
        rec["eligible"] = int(t["eligible"].sum())
        rec["laureates"] = int(len(chosen))
        rec["granted_eur"] = float(chosen["funded_eur"].sum())
        rec["total_cost_eur"] = float(chosen["total_cost_eur"].sum()) if "total_cost_eur" in chosen else float("nan")
        records.append(rec)
        later = _next_phases(scenario, sub.loc[chosen.index[chosen["funding"] == "phase1"]], call, k, next_phase_m)
        if later is not None:
            pending.setdefault(later[0], []).append(later[1])
        for env, amt in zip(chosen["paying_envelope"].astype(str), chosen["funded_eur"].astype(float)):
            committed_by_fund[fund_of.get(env, call.fund)] = committed_by_fund.get(fund_of.get(env, call.fund), 0.0) + amt
            if env in scenario.funds.get(fund_of.get(env, call.fund), fund).sub_envelopes_eur:
                sub_used[env] = sub_used.get(env, 0.0) + amt
        if user_limits and len(chosen):
            years = sorted(user_limits)
            prof = pf.payment_profile(scenario, cands.loc[chosen.index], years)
            for j, y in enumerate(years):
                paid_by_year[y] = paid_by_year.get(y, 0.0) + float((prof[:, j] * chosen["funded_eur"].to_numpy()).sum())
        if wanted is not None and not (wanted - {c.id for c in scenario.calls[:k + 1]}):
            break
    table = pd.concat(parts) if parts else pf.rank(scenario, cands, weights=weights).table.iloc[:0]
    table = table.sort_index()
    by_call = pd.DataFrame(records)
    if wanted is not None:
        table = table[table["call"].isin(wanted)]
        by_call = by_call[by_call["call"].isin(wanted)]
    totals = _totals(table, by_call, per_call, scenario)
    # the hardest call's record: chosen on what the inputs decide, not on timings (reproducible files)
    worst = (min(solvers, key=lambda s: (s.get("status") == "optimal", -(s.get("variables") or 0)))
             if solvers else {"status": "no call decided"})
    solver = {**worst, "per_call_status": {c: r.solver["status"] for c, r in per_call.items()},
              "time_s": float(sum(s.get("time_s") or 0.0 for s in solvers))}
    conflicts = [f"{c}: " + "; ".join(r.conflicts) for c, r in per_call.items() if r.conflicts]
    prov = {"workbench_version": __version__, "scenario": str(scenario.path),
            "scenario_hash": scenario.hash(), "seed": scenario.seed if seed is None else seed,
            "candidates_source": candidates.attrs.get("source", ""),
            "synthetic": bool(candidates.attrs.get("synthetic", False)),
            "foresight": CALL_BY_CALL, "value_model": scenario.value_model.describe(),
            "call_allotment": scenario.call_allotment}
    last = next(reversed(per_call.values()), None) if per_call else None
    robust = None
    if per_call and all(r.robustness is not None for r in per_call.values()):
        robust = pd.concat([r.robustness for r in per_call.values()])
        robust.attrs.update(next(iter(per_call.values())).robustness.attrs)
        for k in pf.PROOF_COUNTS:   # draws of every call
            robust.attrs[k] = int(sum(r.robustness.attrs.get(k, 0) for r in per_call.values()))
        robust.attrs["not_proven_draws"] = {c: r.robustness.attrs.get("not_proven_draws", [])
                                            for c, r in per_call.items() if r.robustness.attrs.get("not_proven_draws")}
    return pf.RankResult(table, totals, solver, conflicts or None, dict(pf.check_weights(weights, scenario)), prov,
                         last.selection if last is not None else None, scenario,
                         pd.concat([cands, *extras]) if extras else cands, robust,
                         calls=per_call, by_call=by_call)


#: Months after a first-phase award before the project can come back for its next phases: an
#: assumption (a scoping study, a feasibility demonstrator or a pilot, the first phases the FTAP
#: committee may fund, « Fonds pour la transformation publique », DITP, 2021, take about a year).
NEXT_PHASE_AFTER_MONTHS = 12.0


def _next_phases(scenario, first: pd.DataFrame, call, k: int, after_months: float):
    """The applications for the next phases of the projects funded for their first phase only:
    ``(call id, rows)`` for the fund's first call decided at least ``after_months`` after this
    one, or ``None`` (no such project, or no later call of the fund).

    Each row asks for the rest of the project (``requested - phase1_cost``) for the same share of
    its total cost, with the same scores; its id is the project's with ``-P2``; it is judged by
    the rules in force at its new call, and the credits it uses are that call's.
    """
    if not len(first):
        return None
    d = call.decision
    months = d.year * 12 + (d.month - 1) + after_months     # whole months later, same day
    due = (int(months // 12), int(months % 12) + 1, d.day)
    later = next((c for c in scenario.calls[k + 1:]
                  if c.fund == call.fund and (c.decision.year, c.decision.month, c.decision.day) >= due), None)
    if later is None:
        return None
    req = first["requested_eur"].to_numpy(float)
    ph1 = first["phase1_cost_eur"].to_numpy(float)
    rest = np.maximum(req - np.nan_to_num(ph1), 0.0)
    keep = rest >= 1.0
    if not keep.any():
        return None
    nxt = first.loc[keep].copy()
    share = rest[keep] / np.maximum(req[keep], 1.0)
    nxt["id"] = nxt["id"].astype(str) + "-P2"
    nxt["requested_eur"] = np.round(rest[keep], 0)
    nxt["total_cost_eur"] = np.round(nxt["total_cost_eur"].to_numpy(float) * share, 0)
    nxt["phase1_cost_eur"] = np.nan
    if "title" in nxt:
        nxt["title"] = nxt["title"].astype(str) + " (phases suivantes)"
    for c in ("requires", "excludes"):
        if c in nxt:
            nxt[c] = ""
    nxt["phase_of"] = first.loc[keep, "id"].astype(str).to_numpy()
    nxt["call"] = later.id
    return later.id, nxt


def _merit_order_choice(scenario, sub: pd.DataFrame, res: pf.RankResult) -> pd.DataFrame | None:
    """The committee's merit order within the call (:func:`workbench.selection.greedy` with the
    first-phase fallback) as a choice table, or ``None`` where it breaks a rule of the call (a
    minimum share, say) or the call's programme has no solution: the exact optimum then."""
    sel = res.selection
    if res.conflicts is not None or sel is None or sel.solve.x is None:
        return None
    x = pf.greedy(sel.model, sel.values.to_numpy(float), sel.settings["budget_eur"], sel.forced_in,
                  phase1_fallback=True)
    ch = pf.choice_table(sel.model, x, len(sub))
    ch.index = sub.index
    if pf.check_portfolio(scenario, sub, ch, sel.settings, sel.forced_in, sel.forced_out,
                          eligible=sel.model.eligible["eligible"].to_numpy(bool)):
        return None
    return ch


def _merit_order_table(table: pd.DataFrame, choice: pd.DataFrame) -> pd.DataFrame:
    """A call's rank table with the merit-order choice (``choice``, a choice table) as the selection."""
    t = table.copy()
    g = choice["selected"].to_numpy(bool)
    funding = choice["funding"].to_numpy()
    req = t["requested_eur"].to_numpy(float)
    ph1 = t["phase1_cost_eur"].to_numpy(float) if "phase1_cost_eur" in t else np.full(len(t), np.nan)
    vals = t["value"].to_numpy(float)
    rate = np.where(funding == "phase1", np.nan_to_num(ph1) / np.maximum(req, 1.0), 1.0)
    t["selected"] = g
    t["funding"] = np.where(g, funding, "")
    t["paying_envelope"] = np.where(g, choice["paying_envelope"].to_numpy(), "")
    t["funded_eur"] = np.where(funding == "phase1", np.nan_to_num(ph1), np.where(g, req, 0.0))
    t["contribution"] = np.round(np.where(g, vals * rate, 0.0), 6)
    elig = t["eligible"].to_numpy(bool)
    reasons = list(t["reason"])
    for i in range(len(t)):
        if g[i]:
            code = "R_SELECTED_PHASE1_MERIT" if funding[i] == "phase1" else "R_SELECTED_MERIT"
            reasons[i] = Text(msg(code, payer=t["paying_envelope"].iat[i]))
        elif elig[i] and code_of(reasons[i]) not in ("R_INELIGIBLE", "R_BELOW_ASSUMED_BAR", "R_FORCED_OUT"):
            reasons[i] = Text(msg("R_OUTRANKED_ALLOTMENT"))
    t["reason"] = pd.Series(reasons, index=t.index, dtype=object)
    t["reason_code"] = [code_of(r) for r in reasons]
    return t


def select_portfolio(scenario, candidates: pd.DataFrame, perfect_foresight: bool = False,
                     **kwargs: Any) -> pf.RankResult:
    """The portfolio a scenario's committees would fund: call by call when the scenario has
    several calls (:func:`decide_calls`), else the optimum of its one call
    (:func:`workbench.selection.rank`).  ``perfect_foresight=True`` asks for the whole-period
    optimum instead (a benchmark).  The one entry point of the report, the sweep, ``compare``
    and ``workbench rank``.
    """
    if len(scenario.calls) > 1 and not perfect_foresight and kwargs.get("budget_eur") is None:
        kwargs.pop("budget_eur", None)
        return decide_calls(scenario, candidates, **kwargs)
    own = kwargs.pop("call_settings", None) or {}
    if len(scenario.calls) == 1 and scenario.calls[0].id in own:   # the one call's committee settings
        s = own[scenario.calls[0].id]
        if s.get("weights") is not None:
            kwargs["weights"] = s["weights"]
        if s.get("budget_eur") is not None:
            kwargs["budget_eur"] = s["budget_eur"]
    return robustness.rank(scenario, candidates, **kwargs)


def _empty_call_table(scenario, sub: pd.DataFrame, weights, rules) -> pd.DataFrame:
    """The rank table of a call that had no credits left: nobody selected, reasons said."""
    vals = pf.project_values(scenario, sub, weights, rules).to_numpy(float)
    el = pf.candidate_eligibility(scenario, sub, rules)
    req = sub["requested_eur"].to_numpy(float)
    t = pd.DataFrame({
        "id": sub["id"].astype(str).to_numpy(), "title": sub["title"].to_numpy(), "owner": sub["owner"].to_numpy(),
        "envelope": sub["envelope"].to_numpy(), "paying_envelope": "", "eligible": el["eligible"].to_numpy(bool),
        "selected": False, "funding": "", "value": np.round(vals, 6), "contribution": 0.0,
        "value_per_eur": vals / req, "value_per_meur": vals / req * 1e6, "rank_value_per_eur": np.nan,
        "requested_eur": req, "funded_eur": 0.0, "roi_ratio": roi_ratio(sub).to_numpy(float),
        "roi_below_target": pd.NA, "greedy_selected": False,
    }, index=sub.index)
    t["reason"] = pd.Series([Text(msg("R_NO_CREDITS_LEFT")) if ok else
                             Text(pf.ineligible_reason(why))
                             for ok, why in zip(t["eligible"], el["reason"])], index=t.index, dtype=object)
    t["reason_code"] = [code_of(r) for r in t["reason"]]
    for c in sub.columns:
        if c not in t.columns:
            t[c] = sub[c].to_numpy()
    return t


def _totals(table: pd.DataFrame, by_call: pd.DataFrame, per_call: dict, scenario) -> dict:
    sel = table["selected"].astype(bool)
    committed = float(table.loc[sel, "funded_eur"].sum())
    # what the funds could commit in all: their commitment authority available at their last call
    last_call = {}
    for c in scenario.calls:
        last_call[c.fund] = max(last_call.get(c.fund, c.decision), c.decision)
    budget = float(sum(credits_at_eur(scenario.funds[f], d) for f, d in last_call.items()))
    cap = pf.settings(scenario).get("budget_eur")
    if cap is not None:
        budget = min(budget, float(cap))
    value = float(table["contribution"].sum())
    greedy_value = float(sum(r.totals["greedy_value"] for r in per_call.values() if np.isfinite(r.totals["greedy_value"])))
    t = {
        "candidates": int(len(table)), "eligible": int(table["eligible"].sum()), "selected": int(sel.sum()),
        "phase1_only": int((table["funding"] == "phase1").sum()), "budget_eur": budget,
        "committed_eur": committed, "unused_eur": budget - committed, "value": value,
        "greedy_value": greedy_value,
        "greedy_committed_eur": float(sum(r.totals["greedy_committed_eur"] for r in per_call.values())),
        "greedy_shortfall_rate": (value - greedy_value) / value if value > 0 else float("nan"),
        "greedy_rules_broken": [Text(msg("R_IN_CALL", call=c, breach=b)) for c, r in per_call.items()
                                for b in r.totals["greedy_rules_broken"]],
        "foresight": CALL_BY_CALL, "value_model": scenario.value_model.describe(),
        "value_unit": scenario.value_model.unit, "call_allotment": scenario.call_allotment,
        "mean_grant_eur": committed / sel.sum() if sel.sum() else float("nan"),
        "by_call": by_call.to_dict("records"),
    }
    by_env = table.loc[sel].groupby("paying_envelope")["funded_eur"].sum()
    t["committed_by_envelope_eur"] = {str(k): float(v) for k, v in by_env.items() if k}
    rob = [r.totals for r in per_call.values() if "within_envelope_probability" in r.totals]
    if rob and len(rob) == len(per_call):
        # each call is checked against its own budget: the lowest probability of the calls
        t["within_envelope_probability"] = float(min(x["within_envelope_probability"] for x in rob))
        t["p90_final_cost_eur"] = float(sum(x["p90_final_cost_eur"] for x in rob))
        t["robustness"] = dict(rob[0]["robustness"])
        for k in pf.PROOF_COUNTS:   # draws of every call
            t["robustness"][k] = int(sum(x["robustness"].get(k, 0) for x in rob))
    if per_call:
        w = next(iter(per_call.values())).totals.get("weights")
        t["weights"] = w
    return t


def foresight_gap(scenario, candidates: pd.DataFrame, decided: pf.RankResult,
                  time_limit_s: float | None = None) -> dict:
    """What deciding call by call costs against the whole-period optimum with perfect foresight.

    The benchmark ranks every candidate at once under the fund's whole envelope (the funds'
    cumulative commitment authority at the last call's year), each candidate judged by the
    rules of its own call; value is in the scenario's value unit.
    """
    bench = pf.rank(scenario, candidates, time_limit_s=time_limit_s,
                    rules={"fund_payment_limits": False})
    v_seq, v_pf = decided.totals["value"], bench.totals["value"]
    return {"call_by_call_value": v_seq, "perfect_foresight_value": v_pf,
            "call_by_call_selected": decided.totals["selected"], "perfect_foresight_selected": bench.totals["selected"],
            "call_by_call_committed_eur": decided.totals["committed_eur"],
            "perfect_foresight_committed_eur": bench.totals["committed_eur"],
            "sequencing_cost_rate": (v_pf - v_seq) / v_pf if v_pf and math.isfinite(v_pf) and v_pf > 0 else float("nan"),
            "benchmark": bench}
