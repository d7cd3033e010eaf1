"""The call plan: the deterministic arrays of projects, calls and levels a simulation runs on
(:func:`build_plan`), with the allocation rules (selection order, policy exclusions, per-call
optimal portfolios, gates)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import credits as CR
from ..candidates import CP_COLUMN, split_ids
from ..errors import InputError, Problem
from ..messages import msg
from ..selection.allotment import call_shares, candidate_calls, credits_at_eur
from ..selection.scoring import eligibility, scenario_values

from .settings import EXTRA_YEARS, ParameterSets, Policy, Settings



def _year_frac(d: dt.date) -> float:
    return d.year + (d.timetuple().tm_yday - 1) / (366 if d.year % 4 == 0 else 365)


@dataclass
class _Plan:
    scenario: Any
    settings: Settings
    policy: Policy
    start: int
    years: list[int]                # reported years (last one includes later payments)
    cands: pd.DataFrame             # the candidates considered, in processing order
    calls: list                     # Call objects with candidates
    call_rows: list[np.ndarray]     # for each call: row indices in selection order
    call_budget: list[float]        # call budget_eur (inf when none)
    call_share: np.ndarray          # share of the credits left a call may commit (allotment rule; 1: all)
    stop_at_misfit: bool            # 'ranked': fund in rank order, stop at the first that does not fit
    call_time: np.ndarray           # decision times [years]
    call_fund: np.ndarray           # fund index of each call
    last_call_of_fund: dict
    funds: list[str]
    fund_env: np.ndarray            # (F,) the latest envelope [EUR] (reported)
    call_cap: np.ndarray            # (K,) AE the call's fund may have committed by its decision date [EUR]
    call_env: np.ndarray            # (K,) the call's fund's envelope in force at its decision date [EUR]
    env_batch: np.ndarray           # (F, K+1) envelope in force when the events before call k are met (K: the latest)
    fund_cp: np.ndarray             # (F, n_years) CP available (voted - reserve +- movements) [EUR], nan where none
    fund_cp_frozen: np.ndarray      # (F, n_years) CP still frozen at the year's end (carried over with the rest) [EUR]
    fund_cp_cap: np.ndarray         # (F, n_years) carry-over cap: rate x voted CP of the year [EUR]
    fund_cp_terms: dict             # (fund, year) -> workbench.credits.CpYear
    fund_carry: np.ndarray
    fund_over: np.ndarray           # allow_overcommitment
    groups: list[tuple[str, str | None]]
    group_fund: np.ndarray
    group_amount: np.ndarray        # envelope of the group [EUR] (sub-envelope, unitemised rest)
    g: np.ndarray                   # group of each project
    req: np.ndarray
    total: np.ndarray
    ph1: np.ndarray                 # phase-1 cost, nan where none
    value: np.ndarray
    savings: np.ndarray
    dur: np.ndarray                 # duration [months]
    t_commit: np.ndarray            # nominal commitment time (decision + gate + the lag's median) [years]
    x_base: np.ndarray              # decision + gate delay, from the start of the horizon [years]: + the drawn lag = commitment
    decommit_y: float               # a project never started is de-committed this long after its commitment [years]
    kcall: np.ndarray               # (P,) int: the call that may fund the project (K: none)
    dec_bin: np.ndarray             # (P,) int: year bin of the project's decision
    profiles: np.ndarray            # (P, L) the project's own payment profile (rows of own_profile), else 0
    own_profile: np.ndarray         # (P,) bool: pays on its own cp_<year>_eur schedule
    common_profile: bool            # no project has its own schedule: every one pays on its set's profile
    sets: ParameterSets             # parameters varied draw by draw (draw d: set d mod n)
    base_sets: ParameterSets        # the scenario's own values (one set): the planned schedule
    ok_policy: np.ndarray           # passes the policy's value threshold
    rank: np.ndarray
    eligible: np.ndarray
    reason: list
    flags: pd.DataFrame | None = None  # per project: first_results_late, governance_gate, flag
    # the plan as the compiled kernel reads it, built on first use (workbench.envelope.kernel);
    # not an argument, and not copied by dataclasses.replace (a changed plan builds its own)
    # the kernel's named inputs (kernel.KernelInputs), built once per plan; kernel imports this
    # module, so the type is not named here (no import cycle, even one for the type checker)
    _kin: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.req)


def optimal_per_call(scenario, time_limit_s: float = 10.0):
    """Per-call selection by the ranking capability: the exact MILP of :func:`workbench.selection.select`.

    Returns a callable ``f(call, candidates_of_call, budget_eur) -> ids`` for :func:`simulate`:
    the optimal portfolio of the call's candidates under the call's budget (the fund's envelope
    when the call runs "until exhausted") and every rule of the scenario's ``selection``
    section, in decreasing value, so that the draws commit them in that order while credits
    last.  A call whose rules cannot all hold selects nothing (the conflict is the ranking's
    answer, see ``workbench rank``).
    """
    from ..selection import select

    def optimal(call, cands, budget_eur):
        own = cands.drop(columns=[c for c in ("value", "eligible", "_value", "_call") if c in cands])
        if not len(own):
            return []
        sel = select(scenario, own.reset_index(drop=True), budget_eur=budget_eur, time_limit_s=time_limit_s)
        if sel.conflicts:
            return []
        chosen = set(sel.selected_ids)
        ranked = cands.assign(_v=cands["value"]).sort_values(["_v", "id"], ascending=[False, True], kind="stable")
        return [i for i in ranked["id"].astype(str) if i in chosen]

    optimal.__qualname__ = "optimal (workbench.selection.select per call)"
    return optimal


def build_plan(scenario, candidates: pd.DataFrame | None = None, policy: Policy | None = None,
               selection: Any = None, parameter_sets: Any = None) -> _Plan:
    """Deterministic arrays of a simulation: projects in selection order, calls, funds, groups.

    ``parameter_sets``: a DataFrame of :data:`~.settings.SET_COLUMNS` (see
    :class:`~.settings.ParameterSets`), or None for the scenario's own values."""
    from ..sources import load_candidates

    st = Settings.from_scenario(scenario)
    sets = parameter_sets if isinstance(parameter_sets, ParameterSets) else \
        ParameterSets.from_settings(st) if parameter_sets is None else ParameterSets.from_frame(parameter_sets, st)
    policy = policy or Policy()
    if candidates is None:
        candidates = load_candidates(scenario)
    calls = scenario.calls
    if not calls:
        raise InputError([Problem(str(scenario.path), "calls", None, msg("E_SIMULATION_NEEDS_CALL"))])
    funds = list(scenario.funds)
    fobj = scenario.funds
    start, end = scenario.years[0], scenario.years[-1]
    L = max(len(st.profile_rates), sets.profiles.shape[1])
    cands = candidates.reset_index(drop=True).copy()
    cands["_call"] = candidate_calls(scenario, cands)
    cp_cols = sorted((int(m.group(1)), c) for c in cands.columns if (m := CP_COLUMN.match(str(c))))
    if st.use_project_schedule and cp_cols:
        L = max(L, cp_cols[-1][0] - cp_cols[0][0] + 1)
    n_years = (end - start + 1) + (L - 1) + EXTRA_YEARS + _lag_years(sets)
    years = list(range(start, start + n_years))
    sec = scenario.selection
    values = scenario_values(
        scenario, cands, roi_mode=sec.roi_mode, roi_weight_rate=float(sec.roi_weight_rate),
        roi_target_ratio=float(sec.roi_target_ratio)).to_numpy(float) if len(cands) else np.zeros(0)
    cands["_value"] = values
    rows_by_call, budgets, times, cfund, elig_all, reason_all = [], [], [], [], np.zeros(len(cands), bool), [""] * len(cands)
    order_all = []
    fixed = None
    if isinstance(selection, (list, tuple)) and not callable(selection):
        fixed = [str(x) for x in selection]
    sel_rule = selection if isinstance(selection, str) else sec.rule
    if fixed is None and sel_rule == "fixed_list" and not callable(selection):
        fixed = list(sec.fixed_list)
    if fixed is None and sel_rule == "optimal" and not callable(selection):
        selection = optimal_per_call(scenario)
    for _k, call in enumerate(calls):
        idx = np.flatnonzero(cands["_call"].to_numpy() == call.id)
        sub = cands.iloc[idx]
        if len(sub):
            el = eligibility(sub, scenario, when=call.decision, call=call)
            elig = el["eligible"].to_numpy(bool)
            for j, r in zip(idx, el["reason"]):
                reason_all[j] = r
        else:
            elig = np.zeros(0, bool)
        elig_all[idx] = elig
        req = sub["requested_eur"].to_numpy(float)
        v = sub["_value"].to_numpy(float)
        if callable(selection):
            nominal = call.budget_eur if call.budget_eur is not None else float(fobj[call.fund].envelope_eur)
            picked = selection(call, sub.assign(value=v, eligible=elig), nominal)
            picked = [str(x) for x in (picked.tolist() if hasattr(picked, "tolist") else list(picked))]
            pos = {i: n for n, i in enumerate(sub["id"].astype(str))}
            order = [pos[i] for i in picked if i in pos]
        elif fixed is not None:
            pos = {i: n for n, i in enumerate(sub["id"].astype(str))}
            order = [pos[i] for i in fixed if i in pos]
        else:
            by = "value" if sel_rule in ("greedy_value", "ranked") else policy.order
            # the committee's merit order is the quality: the value itself under the points
            # model, the value per euro under quality x scope
            if by == "value" and scenario.value_model.kind != "points":
                by = "value_per_eur"
            key = v if by == "value" else v / np.maximum(req, 1.0)
            order = list(np.lexsort((sub["id"].astype(str).to_numpy(), -key)))
            order = [o for o in order if elig[o]]
        rows_by_call.append(idx[np.asarray(order, dtype=int)] if order else np.zeros(0, int))
        budgets.append(math.inf if call.budget_eur is None else float(call.budget_eur))
        times.append(_year_frac(call.decision))
        cfund.append(funds.index(call.fund))
        order_all.append((idx, order))
    # processing order of projects: the calls' selection orders first, then the rest
    chosen = np.concatenate([r for r in rows_by_call]) if rows_by_call else np.zeros(0, int)
    rest = np.setdiff1d(np.arange(len(cands)), chosen)
    perm = np.concatenate([chosen, rest]).astype(int)
    inv = np.empty(len(cands), int)
    inv[perm] = np.arange(len(cands))
    call_rows = [inv[r] for r in rows_by_call]
    rank = np.full(len(cands), -1)
    for r in rows_by_call:
        rank[r] = np.arange(1, len(r) + 1)
    c = cands.iloc[perm].reset_index(drop=True)
    # groups (fund, sub-envelope or None)
    groups: list[tuple[str, str | None]] = []
    gidx = np.zeros(len(c), int)
    call_of = {cl.id: cl for cl in calls}
    for i, (env, cid) in enumerate(zip(c["envelope"].astype(str), c["_call"])):
        fund = call_of[cid].fund
        subs = fobj[fund].sub_envelopes_eur
        code = next((e for e in split_ids(env) if e in subs), None)
        key = (fund, code)
        if key not in groups:
            groups.append(key)
        gidx[i] = groups.index(key)
    for f in funds:  # every fund has at least its own group so that it is reported
        if not any(gf == f for gf, _ in groups):
            groups.append((f, None))
    group_fund = np.array([funds.index(f) for f, _ in groups], int)
    amt = []
    for f, s in groups:
        if s is not None:
            amt.append(fobj[f].sub_envelopes_eur[s])
        elif fobj[f].sub_envelopes_eur:
            amt.append(max(fobj[f].envelope_eur - sum(fobj[f].sub_envelopes_eur.values()), 0.0))
        else:
            amt.append(fobj[f].envelope_eur)
    # funds: envelopes, the AE available at each call's date, CP available each year
    # (workbench.credits: voted - reserve +- movements, within the envelope in force)
    F = len(funds)
    env = np.array([fobj[f].envelope_eur for f in funds])
    call_cap = np.array([credits_at_eur(fobj[c.fund], c.decision) for c in calls], float)
    call_env = np.array([CR.envelope_at_eur(fobj[c.fund], c.decision) for c in calls], float)
    env_batch = np.array([[CR.envelope_at_eur(fobj[f], c.decision) for c in calls] + [fobj[f].envelope_eur]
                          for f in funds], float).reshape(F, len(calls) + 1)
    cpapp = np.full((F, n_years), np.nan)
    cpfrz = np.zeros((F, n_years))
    cpcap = np.zeros((F, n_years))
    terms = {}
    for fi, f in enumerate(funds):
        for yi, y in enumerate(years):
            t = CR.cp_year(fobj[f], y)
            terms[(f, y)] = t
            if np.isfinite(t.voted_eur):
                cpapp[fi, yi], cpfrz[fi, yi], cpcap[fi, yi] = t.available_eur, t.frozen_eur, t.carryover_cap_eur
    last_call = {}
    for k, call in enumerate(calls):
        last_call[funds.index(call.fund)] = k
    # per-project times and profiles: commitment = decision + gate delay + the lag drawn per
    # project and draw (x_base + lag / 12, from the start of the horizon)
    t_dec = np.zeros(len(c))
    kcall = np.full(len(c), len(calls), np.int64)
    for k, _call in enumerate(calls):
        t_dec[call_rows[k]] = times[k]
        kcall[call_rows[k]] = k
    for i in range(len(c)):
        if not np.isfinite(t_dec[i]) or t_dec[i] == 0:
            t_dec[i] = _year_frac(call_of[c["_call"].iat[i]].decision)
    gate = _gate_delay_years(scenario, c, calls)
    x_base = (t_dec - start) + gate
    t_commit = t_dec + st.contract_lag_months / 12 + gate
    dec_bin = np.clip(np.floor(t_dec - start).astype(np.int64), 0, n_years - 1)
    dur = c["duration_months"].to_numpy(float)
    prof = np.zeros((len(c), L))
    own = np.zeros(len(c), bool)
    if st.use_project_schedule and cp_cols:
        sched = c[[col for _, col in cp_cols]].to_numpy(float)
        sched = np.nan_to_num(sched)
        for i in range(len(c)):
            s = sched[i]
            if s.sum() > 0:
                nz = np.flatnonzero(s > 0)
                rel = s[nz[0]:] / s.sum()
                prof[i, :len(rel)] = rel
                own[i] = True
    common = not own.any()
    base_sets = ParameterSets.from_settings(st)

    def padded(ps):
        pr = np.zeros((ps.n, L))
        pr[:, :ps.profiles.shape[1]] = ps.profiles
        return dataclasses.replace(ps, profiles=pr)

    sets, base_sets = padded(sets), padded(base_sets)
    req = c["requested_eur"].to_numpy(float)
    value = c["_value"].to_numpy(float)
    ok_pol = value / np.maximum(req / 1e6, 1e-9) >= policy.min_value_per_meur - 1e-12
    return _Plan(
        scenario=scenario, settings=st, policy=policy, start=start, years=years, cands=c, calls=calls,
        call_rows=call_rows, call_budget=budgets, call_share=call_shares(scenario), stop_at_misfit=(sel_rule == "ranked" and fixed is None
                                                                  and not callable(selection)),
        call_time=np.array(times), call_fund=np.array(cfund, int),
        last_call_of_fund=last_call, funds=funds, fund_env=env, call_cap=call_cap, call_env=call_env,
        env_batch=env_batch, fund_cp=cpapp, fund_cp_frozen=cpfrz, fund_cp_cap=cpcap, fund_cp_terms=terms,
        fund_carry=np.array([fobj[f].cp_carryover_cap_rate for f in funds]),
        fund_over=np.array([fobj[f].allow_overcommitment for f in funds], bool),
        groups=groups, group_fund=group_fund, group_amount=np.array(amt, float), g=gidx, req=req,
        total=c["total_cost_eur"].to_numpy(float),
        ph1=c["phase1_cost_eur"].to_numpy(float) if "phase1_cost_eur" in c else np.full(len(c), np.nan),
        value=value,
        savings=np.nan_to_num(c["annual_savings_eur"].to_numpy(float)) if "annual_savings_eur" in c
        else np.zeros(len(c)),
        dur=dur, t_commit=t_commit, x_base=x_base, decommit_y=st.attrition_decommit_months / 12, kcall=kcall,
        dec_bin=dec_bin, profiles=prof, own_profile=own, common_profile=common, sets=sets, base_sets=base_sets,
        ok_policy=ok_pol, rank=rank[perm], eligible=elig_all[perm], reason=[reason_all[j] for j in perm],
        flags=_plan_flags(scenario, c, calls),
    )


#: The quantile of the decision-to-commitment lag that the reported years cover beyond the horizon
#: (payments later than the last reported year are counted in it).
LAG_COVERED_QUANTILE = 0.99


def _lag_years(sets: ParameterSets) -> int:
    """Whole years the reported horizon adds for the longest lag: its 99th percentile over the
    parameter sets (the median where it is fixed), less the first year (a lag within a year is
    covered by :data:`~.settings.EXTRA_YEARS`), at most 10."""
    z = 2.3263478740408408  # standard normal quantile of LAG_COVERED_QUANTILE
    q = sets.lag_median_months * np.exp(sets.lag_sigma * z)
    q = np.minimum(q, sets.lag_max_months)
    return int(min(max(math.ceil(float(q.max()) / 12.0) - 1, 0), 10)) if len(q) else 0


def _gate_delay_years(scenario, c: pd.DataFrame, calls) -> np.ndarray:
    """Extra time before commitment [years] for projects past the governance gate (9 M€ of full
    cost: the DINUM director's opinion, "Sécuriser la mise en œuvre des grands projets numériques
    de l'État", DINUM, 2021): ``governance_gate_delay_months`` of the rules at the project's call."""
    from ..selection.scoring import governance_gated

    out = np.zeros(len(c))
    call_of = {cl.id: cl for cl in calls}
    for cid, idx in c.groupby(c["_call"].astype(str), sort=False).groups.items():
        rows = c.index.get_indexer(idx)
        r = scenario.eligibility_at(call_of[cid].decision if cid in call_of else None)
        fund = call_of[cid].fund if cid in call_of else None
        own = scenario.eligibility_of_fund(fund, call_of[cid].decision) if fund else None
        r = own if own is not None else r
        delay = float(r.get("governance_gate_delay_months") or 0.0)
        if delay:
            out[rows] = governance_gated(c.iloc[rows], r) * delay / 12
    return out


def _plan_flags(scenario, c: pd.DataFrame, calls) -> pd.DataFrame:
    """:func:`workbench.selection.scoring.flags` of each project at its call (first results late, gate)."""
    from ..selection.scoring import flags

    call_of = {cl.id: cl for cl in calls}
    parts = [flags(c.loc[idx], scenario, call_of[cid].decision if cid in call_of else None)
             for cid, idx in c.groupby(c["_call"].astype(str), sort=False).groups.items()]
    if not parts:
        return pd.DataFrame({"first_results_late": np.zeros(0, bool), "governance_gate": np.zeros(0, bool),
                             "flag": []})
    return pd.concat(parts).loc[c.index].reset_index(drop=True)
