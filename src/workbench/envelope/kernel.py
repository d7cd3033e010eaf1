"""Envelope simulation: commitments (AE) and payments (CP) over the years, call after call.

How a fund's envelope is consumed over its life, under cost overruns, delays, attrition and
first-phase-only funding, by Monte Carlo vectorised over draws.

Model (one draw)
----------------
* Calls are decided in date order (:attr:`Scenario.calls`).  At each call a portfolio is picked
  from that call's candidates by a rule: ``greedy`` (best value per euro first, each project
  taken if it fits the credits left), ``greedy_value`` (best value first), a fixed list of ids
  (in list order), or a caller's function.  Only eligible candidates
  (:func:`workbench.scoring.eligibility` at the call's date) are considered.
* The credits a call may commit are the least of: the call's ``budget_eur``; the fund's
  envelope less its net commitments so far, capped by the cumulative AE appropriations of the
  call's year where the scenario gives them (AE carry-over is uncapped: LOLF art. 15); the
  sub-envelope's amount less its commitments; and the policy's limits (share of the envelope per
  call, reserve kept for the fund's last call, value-per-euro threshold).
* A selected project's grant is committed (AE) ``contract_lag_months`` after the decision.
  With probability ``phase1_only_rate`` only its first phase (``phase1_cost_eur``) is funded and
  committed; with probability ``attrition_rate`` the project never starts: nothing is paid and
  the grant is de-committed ``attrition_decommit_months`` later, freeing credits for later calls.
* The project's cost ratio (final / initial, :class:`~workbench.uncertainty.OverrunModel`) is
  known at its planned end: an underrun lowers the fund's payment in proportion and frees the
  rest of the commitment; an overrun adds ``overrun_paid_by_fund_rate`` x overrun (in euros of
  total cost, scaled to the funded scope) to the fund's bill, committed as a top-up if credits
  remain (unless ``allow_overcommitment``, the top-up never makes commitments exceed the
  envelope: the rest is an *unfunded overrun*, left to the owner).
* Payments follow the disbursement profile (share of the grant paid in the commitment year,
  the year after, …; default 36.5/36.5/21.6/5.4 %) or the project's own ``cp_<year>_eur``
  schedule, each tranche a year apart from the commitment date, the whole schedule pushed later
  by the delay ``(duration ratio - 1) x duration_months``.  Payments after the last reported
  year are counted in that year.
* Where the scenario gives CP appropriations, a year pays at most its appropriation plus the
  carry-over (capped at ``cp_carryover_cap_rate`` of the year's initial CP); unpaid demand moves
  to the next year.  The year-by-year shortfall risk compares CP demand with the appropriation,
  or, where the scenario gives none, with the *planned* schedule (the same run without
  uncertainty): the budget documents plan CP on the contracts' calendars.
* Lasting savings realised = declared ``annual_savings_eur`` x a lognormal realisation factor
  (mean 0.17: 339 M€ realised against 2 bn€, Cour des comptes 2025), none for projects that
  never start or are funded for their first phase only; the target is 1 € of yearly savings per
  euro paid (FTAP: « une cible de rendement d'un euro pérenne d'économies après trois ans après
  l'investissement d'un euro », DITP, 12 November 2018).

Determinism: draws are made in blocks of :data:`BLOCK` draws; block ``b`` draws from
``SeedSequence(seed).spawn(...)[b]`` whatever the chunking, and every reduction is per draw, so
results are bit-identical for any ``chunk_size``.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd

from .. import __version__
from .. import params as P
from ..candidates import CP_COLUMN, split_ids
from ..errors import InputError, Problem
from ..files import project_relative, write_atomic, write_csv
from ..scenario import DEFAULT_CONTRACT_LAG_MONTHS as _DEFAULT_LAG, DEFAULT_PROFILE_RATES
from ..allotment import call_shares, candidate_calls, cumulative_ae_cap_eur
from ..scoring import ROI_TARGET_RATIO, eligibility, scenario_values
from ..uncertainty import OverrunModel, SavingsRealisation

#: Draws per random block (fixed: the chunking never changes which variates a draw gets).
BLOCK = 256
#: The defaults shared with the selection live with the scenario (one home).
DEFAULT_PROFILE, DEFAULT_CONTRACT_LAG_MONTHS = DEFAULT_PROFILE_RATES, _DEFAULT_LAG
#: Months before a laureate that never starts is de-committed (assumed).
DEFAULT_DECOMMIT_MONTHS = 12.0
#: Extra reported years after the profile's end, for delayed payments.
EXTRA_YEARS = 3
#: A fund is "exhausted" before its last call when less than this share of its envelope is left.
EXHAUSTED_SHARE = 0.01
#: Working memory aimed at per chunk [bytes] (sets the default chunk size).
CHUNK_BYTES = 160 * 2**20
#: Memory for the per-draw results kept for exact percentiles [bytes]; beyond it the draws are
#: simulated again for the next levels (see :func:`simulate`).
STORE_BYTES = 448 * 2**20

METRICS = ("ae_committed_eur", "ae_decommitted_eur", "cp_demand_eur", "cp_paid_eur")


# ------------------------------------------------------------------------------------------------
# settings
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """The simulation's settings read from a scenario (defaults where it is silent)."""

    enabled: bool
    cost: OverrunModel
    delay: OverrunModel
    attrition_rate: float
    phase1_only_rate: float
    overrun_paid_by_fund_rate: float
    attrition_decommit_months: float
    savings: SavingsRealisation
    contract_lag_months: float
    profile_rates: tuple[float, ...]
    use_project_schedule: bool

    @classmethod
    def from_scenario(cls, scenario) -> "Settings":
        u = scenario.data.get("uncertainty") or {}
        d = scenario.data.get("disbursement") or {}

        def val(node, key, default):
            v = P.value(node.get(key)) if key in node else None
            return default if v is None else v

        return cls(
            enabled=bool(u.get("enabled", True)),
            cost=OverrunModel.from_scenario(scenario, "cost_overrun"),
            delay=OverrunModel.from_scenario(scenario, "delay"),
            attrition_rate=float(val(u, "attrition_rate", 0.05)),
            phase1_only_rate=float(val(u, "phase1_only_rate", 0.0)),
            overrun_paid_by_fund_rate=scenario.overrun_paid_by_fund_rate,
            attrition_decommit_months=float(val(u, "attrition_decommit_months", DEFAULT_DECOMMIT_MONTHS)),
            savings=SavingsRealisation.from_scenario(scenario),
            contract_lag_months=scenario.contract_lag_months,
            profile_rates=scenario.profile_rates,
            use_project_schedule=bool(d.get("use_project_schedule", False)),
        )


@dataclass(frozen=True)
class Policy:
    """An allocation policy for successive calls.

    Parameters
    ----------
    name : str
    max_commit_share_per_call_rate : float, optional
        A call commits at most this share of the fund's envelope [fraction].
    reserve_last_call_eur : float
        Credits kept for the fund's last call [EUR].
    min_value_per_meur : float
        Only projects with at least this value (points) per M€ requested are funded.
    order : {"value_per_eur", "value"}
        Greedy order of the call's candidates.
    """

    name: str = "scenario"
    max_commit_share_per_call_rate: float | None = None
    reserve_last_call_eur: float = 0.0
    min_value_per_meur: float = 0.0
    order: str = "value_per_eur"

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> "Policy":
        return cls(name=str(m.get("name", "policy")),
                   max_commit_share_per_call_rate=None if m.get("max_commit_share_per_call_rate") is None
                   else float(P.value(m["max_commit_share_per_call_rate"])),
                   reserve_last_call_eur=float(P.value(m.get("reserve_last_call_eur", 0.0)) or 0.0),
                   min_value_per_meur=float(P.value(m.get("min_value_per_meur", 0.0)) or 0.0),
                   order=str(m.get("order", "value_per_eur")))


# ------------------------------------------------------------------------------------------------
# result
# ------------------------------------------------------------------------------------------------
@dataclass
class SimulationResult:
    """Labelled tables of a simulation.

    Attributes
    ----------
    yearly : DataFrame
        Long format: ``level`` (fund, sub-envelope, ``"ALL"``), ``level_kind``, ``year``,
        ``metric`` (``ae_committed_eur``, ``ae_decommitted_eur``, ``cp_demand_eur``,
        ``cp_paid_eur`` and their ``*_cum_eur`` cumulative values), ``mean``, ``p10``, ``p50``,
        ``p90`` [EUR].
    summary : DataFrame
        One row per fund / envelope / ALL: probabilities of running short, expected unused
        residual, savings against the 1 € for 1 € target, overcommitment flag, …
    shortfall : DataFrame
        Per fund and year: CP appropriation (or planned schedule), probability that CP demand
        exceeds it, expected excess.
    calls : DataFrame
        Per call: the credits left before it (mean, P10, P50, P90), probability nothing is left,
        commitments and projects selected.
    selected : DataFrame
        Per candidate: its call, rank, value, whether / how often selected.
    provenance : dict
        Version, scenario hash, seed, draws, input files, settings.
    """

    yearly: pd.DataFrame
    summary: pd.DataFrame
    shortfall: pd.DataFrame
    calls: pd.DataFrame
    selected: pd.DataFrame
    provenance: dict
    envelopes: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"yearly": self.yearly, "summary": self.summary, "shortfall": self.shortfall,
                "calls": self.calls, "selected": self.selected}

    def to_csv(self, directory: str | os.PathLike) -> list[Path]:
        """Write every table as ``<name>.csv`` and ``provenance.json`` into ``directory`` (atomic)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        out = []
        for name, df in self.tables().items():
            out.append(write_csv(d / f"{name}.csv", df))
        out.append(write_atomic(d / "provenance.json",
                                json.dumps(self.provenance, indent=2, ensure_ascii=False, default=str).encode()))
        return out

    def level(self, level: str, metric: str = "cp_paid_cum_eur") -> pd.DataFrame:
        """The yearly rows of one level and metric, indexed by year."""
        y = self.yearly
        return y[(y["level"] == level) & (y["metric"] == metric)].set_index("year")




# ------------------------------------------------------------------------------------------------
# the plan: deterministic arrays of projects, calls and levels
# ------------------------------------------------------------------------------------------------
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
    fund_env: np.ndarray
    fund_cumcap: np.ndarray         # (F, n_years) cumulative AE cap [EUR]
    fund_cp: np.ndarray             # (F, n_years) CP appropriation, nan where none
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
    t_commit: np.ndarray            # commitment time [years]
    t_adjust: np.ndarray
    t_decommit: np.ndarray
    profiles: np.ndarray            # (P, L) relative payment profile
    common_profile: bool
    ok_policy: np.ndarray           # passes the policy's value threshold
    rank: np.ndarray
    eligible: np.ndarray
    reason: list
    flags: pd.DataFrame | None = None  # per project: first_results_late, governance_gate, flag

    @property
    def n(self) -> int:
        return len(self.req)


def optimal_per_call(scenario, time_limit_s: float = 10.0):
    """Per-call selection by the ranking capability: the exact MILP of :func:`workbench.portfolio.select`.

    Returns a callable ``f(call, candidates_of_call, budget_eur) -> ids`` for :func:`simulate`:
    the optimal portfolio of the call's candidates under the call's budget (the fund's envelope
    when the call runs "until exhausted") and every rule of the scenario's ``selection``
    section, in decreasing value, so that the draws commit them in that order while credits
    last.  A call whose rules cannot all hold selects nothing (the conflict is the ranking's
    answer, see ``workbench rank``).
    """
    from ..portfolio import select

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

    optimal.__qualname__ = "optimal (workbench.portfolio.select per call)"
    return optimal


def build_plan(scenario, candidates: pd.DataFrame | None = None, policy: Policy | None = None,
               selection: Any = None) -> _Plan:
    """Deterministic arrays of a simulation: projects in selection order, calls, funds, groups."""
    from ..sources import load_candidates

    st = Settings.from_scenario(scenario)
    policy = policy or Policy()
    if candidates is None:
        candidates = load_candidates(scenario)
    calls = scenario.calls
    if not calls:
        raise InputError([Problem(str(scenario.path), "calls", None, "the simulation needs at least one call")])
    funds = list(scenario.funds)
    fobj = scenario.funds
    start, end = scenario.years[0], scenario.years[-1]
    L = len(st.profile_rates)
    cands = candidates.reset_index(drop=True).copy()
    cands["_call"] = candidate_calls(scenario, cands)
    cp_cols = sorted((int(CP_COLUMN.match(c).group(1)), c) for c in cands.columns if CP_COLUMN.match(str(c)))
    if st.use_project_schedule and cp_cols:
        L = max(L, cp_cols[-1][0] - cp_cols[0][0] + 1)
    n_years = (end - start + 1) + (L - 1) + EXTRA_YEARS
    years = list(range(start, start + n_years))
    values = scenario_values(
        scenario, cands, roi_mode=scenario.value("selection.roi_mode"),
        roi_weight_rate=float(scenario.value("selection.roi_weight", 0.2)),
        roi_target_ratio=float(scenario.value("selection.roi_target_ratio", ROI_TARGET_RATIO))).to_numpy(float) \
        if len(cands) else np.zeros(0)
    cands["_value"] = values
    rows_by_call, budgets, times, cfund, elig_all, reason_all = [], [], [], [], np.zeros(len(cands), bool), [""] * len(cands)
    order_all = []
    fixed = None
    if isinstance(selection, (list, tuple)) and not callable(selection):
        fixed = [str(x) for x in selection]
    sel_rule = selection if isinstance(selection, str) else (scenario.value("selection.rule") or "greedy")
    if fixed is None and sel_rule == "fixed_list" and not callable(selection):
        fixed = [str(x) for x in (scenario.data.get("selection") or {}).get("fixed_list") or []]
    if fixed is None and sel_rule == "optimal" and not callable(selection):
        selection = optimal_per_call(scenario)
    for k, call in enumerate(calls):
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
    # funds: envelopes, cumulative AE caps, CP appropriations
    F = len(funds)
    env = np.array([fobj[f].envelope_eur for f in funds])
    cumcap = np.zeros((F, n_years))
    cpapp = np.full((F, n_years), np.nan)
    for fi, f in enumerate(funds):
        ap = fobj[f].appropriations
        for yi, y in enumerate(years):
            cumcap[fi, yi] = cumulative_ae_cap_eur(fobj[f], y)
            if y in ap and "cp_eur" in ap[y]:
                cpapp[fi, yi] = ap[y]["cp_eur"]
    last_call = {}
    for k, call in enumerate(calls):
        last_call[funds.index(call.fund)] = k
    # per-project times and profiles
    t_dec = np.zeros(len(c))
    for k, call in enumerate(calls):
        t_dec[call_rows[k]] = times[k]
    for i in range(len(c)):
        if not np.isfinite(t_dec[i]) or t_dec[i] == 0:
            t_dec[i] = _year_frac(call_of[c["_call"].iat[i]].decision)
    lag = st.contract_lag_months / 12
    t_commit = t_dec + lag + _gate_delay_years(scenario, c, calls)
    dur = c["duration_months"].to_numpy(float)
    prof = np.zeros((len(c), L))
    prof[:, :len(st.profile_rates)] = st.profile_rates
    common = True
    if st.use_project_schedule and cp_cols:
        sched = c[[col for _, col in cp_cols]].to_numpy(float)
        sched = np.nan_to_num(sched)
        for i in range(len(c)):
            s = sched[i]
            if s.sum() > 0:
                nz = np.flatnonzero(s > 0)
                rel = s[nz[0]:] / s.sum()
                prof[i] = 0.0
                prof[i, :len(rel)] = rel
                common = False
    req = c["requested_eur"].to_numpy(float)
    value = c["_value"].to_numpy(float)
    ok_pol = value / np.maximum(req / 1e6, 1e-9) >= policy.min_value_per_meur - 1e-12
    return _Plan(
        scenario=scenario, settings=st, policy=policy, start=start, years=years, cands=c, calls=calls,
        call_rows=call_rows, call_budget=budgets, call_share=call_shares(scenario), stop_at_misfit=(sel_rule == "ranked" and fixed is None
                                                                  and not callable(selection)),
        call_time=np.array(times), call_fund=np.array(cfund, int),
        last_call_of_fund=last_call, funds=funds, fund_env=env, fund_cumcap=cumcap, fund_cp=cpapp,
        fund_carry=np.array([fobj[f].cp_carryover_cap_rate for f in funds]),
        fund_over=np.array([fobj[f].allow_overcommitment for f in funds], bool),
        groups=groups, group_fund=group_fund, group_amount=np.array(amt, float), g=gidx, req=req,
        total=c["total_cost_eur"].to_numpy(float),
        ph1=c["phase1_cost_eur"].to_numpy(float) if "phase1_cost_eur" in c else np.full(len(c), np.nan),
        value=value,
        savings=np.nan_to_num(c["annual_savings_eur"].to_numpy(float)) if "annual_savings_eur" in c
        else np.zeros(len(c)),
        dur=dur, t_commit=t_commit, t_adjust=t_commit + dur / 12,
        t_decommit=t_commit + st.attrition_decommit_months / 12, profiles=prof, common_profile=common,
        ok_policy=ok_pol, rank=rank[perm], eligible=elig_all[perm], reason=[reason_all[j] for j in perm],
        flags=_plan_flags(scenario, c, calls),
    )


def _gate_delay_years(scenario, c: pd.DataFrame, calls) -> np.ndarray:
    """Extra time before commitment [years] for projects past the governance gate (9 M€ of full
    cost: the DINUM director's opinion, "Sécuriser la mise en œuvre des grands projets numériques
    de l'État", DINUM, 2021): ``governance_gate_delay_months`` of the rules at the project's call."""
    from ..scoring import governance_gated

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
    """:func:`workbench.scoring.flags` of each project at its call (first results late, gate)."""
    from ..scoring import flags

    call_of = {cl.id: cl for cl in calls}
    parts = [flags(c.loc[idx], scenario, call_of[cid].decision if cid in call_of else None)
             for cid, idx in c.groupby(c["_call"].astype(str), sort=False).groups.items()]
    if not parts:
        return pd.DataFrame({"first_results_late": np.zeros(0, bool), "governance_gate": np.zeros(0, bool),
                             "flag": []})
    return pd.concat(parts).loc[c.index].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# one chunk of draws
# ------------------------------------------------------------------------------------------------
@dataclass
class _Draws:
    """The random inputs of ``n`` draws, arrays shaped (projects, draws)."""

    cost: np.ndarray      # cost ratio
    delay: np.ndarray     # duration ratio
    fate: np.ndarray      # uniform: attrition / phase-1-only
    savings: np.ndarray   # realisation factor


def _fixed_draws(plan: _Plan, n: int) -> _Draws:
    P_ = plan.n
    return _Draws(cost=np.ones((P_, n)), delay=np.ones((P_, n)), fate=np.full((P_, n), 2.0, np.float32),
                  savings=np.full((P_, n), plan.settings.savings.mean_rate))


class _SeedSeq:
    """``SeedSequence(seed).spawn(k)[b]`` for any ``b`` without spawning the ones before it."""

    def __init__(self, seed: int):
        self.seed = int(seed)

    def spawn_child(self, b: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=(b,))


@dataclass
class _ChunkOut:
    """Per-draw results of ``n`` draws, draws last: each row (a metric of a year, …) is
    contiguous over draws, as the compiled model writes it and as percentiles read it."""

    yearly: np.ndarray     # (G, 4, Y, n) per group: METRICS by year
    fund_due: np.ndarray   # (F, Y, n) CP due (demand + backlog)
    avail: np.ndarray      # (K, n) credits left before each call [EUR]
    committed_call: np.ndarray  # (K, n)
    nsel_call: np.ndarray  # (K, n)
    gtot: np.ndarray       # (G, T, n) per group totals (GTOT)
    fund_flags: np.ndarray  # (F, 3, n): exhausted, overcommitted, max net commitment
    sel_count: np.ndarray  # (P,) int counts
    ph1_count: np.ndarray
    attr_count: np.ndarray


GTOT = ("committed_eur", "paid_eur", "savings_realised_eur", "savings_declared_eur", "value_delivered",
        "unfunded_overrun_eur", "projects_selected", "room_last_call_eur")


def _run_chunk(plan: _Plan, D: _Draws, n: int) -> _ChunkOut:
    """The NumPy reference implementation of the model on ``n`` draws (arrays projects x draws)."""
    st = plan.settings
    P_, G, F, K = plan.n, len(plan.groups), len(plan.funds), len(plan.calls)
    Y = len(plan.years)
    # fate of each (project, draw)
    attr = D.fate < st.attrition_rate
    has_ph1 = np.isfinite(plan.ph1) & (plan.ph1 > 0)
    ph1 = (~attr) & (D.fate < st.attrition_rate + st.phase1_only_rate) & has_ph1[:, None]
    C = np.where(ph1, np.nan_to_num(plan.ph1)[:, None], plan.req[:, None])   # commitment [EUR]
    sel = np.zeros((P_, n), bool)
    net_f = np.zeros((F, n))          # net commitments of each fund
    net_g = np.zeros((G, n))          # net commitments of each group
    max_f = np.zeros((F, n))
    topup = np.zeros((P_, n))         # funded top-up (>0) or release (<0) at the adjustment
    unfunded = np.zeros((P_, n))
    avail_k = np.zeros((n, K))
    comm_k = np.zeros((n, K))
    nsel_k = np.zeros((n, K))
    room_last = np.zeros((G, n))
    # events (project, time, kind) in time order; processed lazily before each call
    scope = plan.total / np.maximum(plan.req, 1.0)               # total cost per euro of grant
    ev_t = np.concatenate([plan.t_decommit, plan.t_adjust])
    ev_p = np.concatenate([np.arange(P_), np.arange(P_)])
    ev_kind = np.concatenate([np.zeros(P_, int), np.ones(P_, int)])
    ev_order = np.lexsort((ev_kind, ev_p, ev_t))
    ev_ptr = 0
    committed_p = np.zeros(P_, bool)  # project considered at least once (its call has passed)

    def process_events(until: float) -> None:
        nonlocal ev_ptr
        while ev_ptr < len(ev_order) and ev_t[ev_order[ev_ptr]] <= until:
            e = ev_order[ev_ptr]
            ev_ptr += 1
            p, kind = ev_p[e], ev_kind[e]
            if not committed_p[p]:
                continue
            f, g = plan.group_fund[plan.g[p]], plan.g[p]
            if kind == 0:   # attrition: de-commit
                m = sel[p] & attr[p]
                if not m.any():
                    continue
                amt = np.where(m, C[p], 0.0)
                net_f[f] -= amt
                net_g[g] -= amt
            else:           # planned end: the final cost is known
                live = sel[p] & ~attr[p]
                if not live.any():
                    continue
                r = D.cost[p]
                over = np.maximum(r - 1.0, 0.0) * C[p] * scope[p] * st.overrun_paid_by_fund_rate
                under = np.minimum(r - 1.0, 0.0) * C[p]
                if plan.fund_over[f]:
                    funded = over
                else:
                    room = np.maximum(np.minimum(plan.fund_env[f] - net_f[f], plan.group_amount[g] - net_g[g]), 0.0)
                    funded = np.minimum(over, room)
                delta = np.where(live, funded + under, 0.0)
                topup[p] = delta
                unfunded[p] = np.where(live, over - funded, 0.0)
                net_f[f] += delta
                net_g[g] += delta
                np.maximum(max_f[f], net_f[f], out=max_f[f])

    for k, call in enumerate(plan.calls):
        t = plan.call_time[k]
        process_events(t)
        f = plan.call_fund[k]
        yi = min(max(call.decision.year - plan.start, 0), Y - 1)
        cap = plan.fund_cumcap[f, yi]
        avail = np.maximum(cap - net_f[f], 0.0)
        avail_k[:, k] = avail
        budget = np.minimum(avail, plan.call_budget[k])
        if plan.call_share[k] < 1.0:  # the call's allotment: its share of the year's credits left
            budget = np.minimum(budget, avail * plan.call_share[k])
        pol = plan.policy
        if pol.max_commit_share_per_call_rate is not None:
            budget = np.minimum(budget, pol.max_commit_share_per_call_rate * plan.fund_env[f])
        if pol.reserve_last_call_eur > 0 and plan.last_call_of_fund.get(f) != k:
            budget = np.minimum(budget, np.maximum(avail - pol.reserve_last_call_eur, 0.0))
        if plan.last_call_of_fund.get(f) == k:
            for gi in np.flatnonzero(plan.group_fund == f):
                room_last[gi] = np.minimum(plan.group_amount[gi] - net_g[gi], avail)
        rem = budget.copy()
        spent = np.zeros(n)
        cnt = np.zeros(n)
        stopped = np.zeros(n, bool)
        for p in plan.call_rows[k]:
            committed_p[p] = True
            if not plan.ok_policy[p]:
                continue
            g = plan.g[p]
            c = C[p]
            fit = (c <= rem + 1e-6) & (c <= plan.group_amount[g] - net_g[g] + 1e-6)
            if plan.stop_at_misfit:
                stopped |= ~fit
                fit &= ~stopped
            sel[p] = fit
            amt = np.where(fit, c, 0.0)
            rem -= amt
            spent += amt
            cnt += fit
            net_g[g] += amt
        net_f[f] += spent
        np.maximum(max_f[f], net_f[f], out=max_f[f])
        comm_k[:, k] = spent
        nsel_k[:, k] = cnt
    process_events(math.inf)

    # ---- amounts -------------------------------------------------------------------------------
    live = sel & ~attr
    A = np.where(live, C + topup, 0.0)                         # the fund's final payments [EUR]
    # ---- yearly AE and CP per group ---------------------------------------------------------------
    Yb = Y + plan.profiles.shape[1] + 1
    dcol = np.arange(n)[None, :]
    gY = (plan.g * Yb)[:, None]
    base = dcol * (G * Yb) + gY                                 # (P, n)

    def year_bin(t):
        return np.clip(np.floor(t - plan.start).astype(int), 0, Y - 1)

    def scatter_fixed(weights, bins_p):
        idx = base + bins_p[:, None]
        return np.bincount(idx.ravel(), weights=weights.ravel(), minlength=n * G * Yb).reshape(n, G, Yb)[:, :, :Y]

    commit_amt = np.where(sel, C, 0.0)
    ae_comm = scatter_fixed(commit_amt, year_bin(plan.t_commit))
    ae_top = scatter_fixed(np.maximum(topup, 0.0), year_bin(plan.t_adjust))
    ae_dec = scatter_fixed(np.where(sel & attr, C, 0.0), year_bin(plan.t_decommit)) + \
        scatter_fixed(np.maximum(-topup, 0.0), year_bin(plan.t_adjust))
    ae_comm = ae_comm + ae_top
    # payments: the profile starts at the commitment date, pushed by the delay
    shift = np.maximum(D.delay - 1.0, 0.0) * (plan.dur / 12)[:, None]
    x = (plan.t_commit - plan.start)[:, None] + shift
    b = np.clip(np.floor(x).astype(np.int64), 0, Y)            # bins >= Y are folded into Y - 1
    idx = base + b
    del x, shift, b
    Lp = plan.profiles.shape[1]                                 # idx + Lp - 1 < n * G * Yb
    pay = np.zeros((n, G, Yb))
    if plan.common_profile:
        # one scatter of the amounts at their first tranche's year, then the profile as a filter
        S = np.bincount(idx.ravel(), weights=A.ravel(), minlength=n * G * Yb).reshape(n, G, Yb)
        r = plan.profiles[0] if plan.n else np.zeros(Lp)
        for i in range(Lp):
            if r[i]:
                pay[:, :, i:] += r[i] * S[:, :, :Yb - i]
    else:
        for i in range(Lp):
            w = A * plan.profiles[:, i][:, None]
            pay += np.bincount((idx + i).ravel(), weights=w.ravel(), minlength=n * G * Yb).reshape(n, G, Yb)
    demand = pay[:, :, :Y].copy()
    demand[:, :, Y - 1] += pay[:, :, Y:].sum(axis=2)           # later payments in the last year
    # ---- CP appropriations per fund ---------------------------------------------------------------
    paid = demand.copy()
    fund_due = np.zeros((n, F, Y))
    for fi in range(F):
        gs = np.flatnonzero(plan.group_fund == fi)
        backlog = np.zeros((n, len(gs)))
        carry = np.zeros(n)
        for yi in range(Y):
            due_g = demand[:, gs, yi] + backlog
            due = due_g.sum(axis=1)
            fund_due[:, fi, yi] = due
            app = plan.fund_cp[fi, yi]
            if np.isnan(app) or yi == Y - 1:
                pd_ = due
                carry = np.zeros(n)
            else:
                avail_cp = app + carry
                pd_ = np.minimum(due, avail_cp)
                carry = np.minimum(avail_cp - pd_, plan.fund_carry[fi] * app)
            ratio = np.divide(pd_, due, out=np.ones(n), where=due > 0)
            paid[:, gs, yi] = due_g * ratio[:, None]
            backlog = due_g - paid[:, gs, yi]
    yearly = np.stack([ae_comm, ae_dec, demand, paid], axis=-1)  # (n, G, Y, 4)
    # ---- totals per group --------------------------------------------------------------------------
    gbase = dcol * G + plan.g[:, None]

    def gsum(w):
        return np.bincount(gbase.ravel(), weights=np.asarray(w, float).ravel(), minlength=n * G).reshape(n, G)

    full = live & ~ph1
    ph1_share = np.where(plan.req > 0, np.nan_to_num(plan.ph1) / np.maximum(plan.req, 1.0), 0.0)
    val = np.where(full, plan.value[:, None], 0.0) + np.where(live & ph1, (plan.value * ph1_share)[:, None], 0.0)
    gtot = np.stack([
        gsum(np.where(sel, C, 0.0)),
        gsum(A),
        gsum(np.where(full, plan.savings[:, None] * D.savings, 0.0)),
        gsum(np.where(full, plan.savings[:, None], 0.0)),
        gsum(val),
        gsum(unfunded),
        gsum(sel),
        room_last.T,
    ], axis=-1)
    # ---- fund flags ----------------------------------------------------------------------------------
    flags = np.zeros((n, F, 3))
    for fi in range(F):
        k_last = plan.last_call_of_fund.get(fi)
        if k_last is not None:
            flags[:, fi, 0] = avail_k[:, k_last] < EXHAUSTED_SHARE * plan.fund_env[fi]
        flags[:, fi, 1] = max_f[fi] > plan.fund_env[fi] + 0.5
        flags[:, fi, 2] = max_f[fi]
    def last(a):  # draws last (the layout of _ChunkOut)
        return np.ascontiguousarray(np.moveaxis(a, 0, -1))

    return _ChunkOut(yearly=last(yearly.transpose(0, 1, 3, 2)), fund_due=last(fund_due), avail=last(avail_k),
                     committed_call=last(comm_k), nsel_call=last(nsel_k), gtot=last(gtot), fund_flags=last(flags),
                     sel_count=sel.sum(axis=1), ph1_count=(sel & ph1).sum(axis=1),
                     attr_count=(sel & attr).sum(axis=1))



# ------------------------------------------------------------------------------------------------
# levels: funds, sub-envelopes, ALL
# ------------------------------------------------------------------------------------------------
def _levels(plan: _Plan) -> list[dict]:
    """Reported levels, each with the groups it sums and its envelope [EUR]."""
    out = []
    for fi, f in enumerate(plan.funds):
        gs = [gi for gi, (gf, _) in enumerate(plan.groups) if gf == f]
        out.append({"level": f, "kind": "fund", "groups": gs, "fund": fi, "envelope_eur": plan.fund_env[fi]})
        for gi in gs:
            sub = plan.groups[gi][1]
            if sub is not None:
                out.append({"level": sub, "kind": "sub_envelope", "groups": [gi], "fund": fi,
                            "envelope_eur": plan.group_amount[gi]})
            elif plan.scenario.funds[f].sub_envelopes_eur:
                out.append({"level": f"{f} (unitemised)", "kind": "unitemised", "groups": [gi], "fund": fi,
                            "envelope_eur": plan.group_amount[gi]})
    out.append({"level": "ALL", "kind": "all", "groups": list(range(len(plan.groups))), "fund": None,
                "envelope_eur": float(plan.fund_env.sum())})
    # levels that sum the same groups share one stored array
    keys: dict[tuple, int] = {}
    for lv in out:
        lv["store"] = keys.setdefault(tuple(lv["groups"]), len(keys))
    return out


def _store_groups(levels: list[dict]) -> list[list[int]]:
    n = max(lv["store"] for lv in levels) + 1
    out: list[list[int]] = [[] for _ in range(n)]
    for lv in levels:
        out[lv["store"]] = lv["groups"]
    return out


def _check_args(draws: Any, chunk_size: Any, seed: Any) -> list[Problem]:
    probs = []
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws <= 0:
        probs.append(Problem("<argument>", "draws", draws, "must be a whole number > 0"))
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer))
                                   or chunk_size <= 0):
        probs.append(Problem("<argument>", "chunk_size", chunk_size, "must be a whole number > 0"))
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        probs.append(Problem("<argument>", "seed", seed, "must be a whole number >= 0"))
    return probs


def default_chunk_size(n_projects: int) -> int:
    """Draws per chunk so that a chunk's working arrays stay near :data:`CHUNK_BYTES`."""
    per_draw = max(n_projects, 1) * 120
    return max(BLOCK, (CHUNK_BYTES // per_draw) // BLOCK * BLOCK)


def simulate(scenario, candidates: pd.DataFrame | None = None, draws: int = 1000, seed: int | None = None,
             chunk_size: int | None = None, progress: bool = False, selection: Any = None,
             policy: Policy | Mapping | None = None, engine: str = "auto",
             threads: int | None = None) -> SimulationResult:
    """Monte Carlo of a fund's envelope, call after call: commitments and payments by year.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (:func:`workbench.load_scenario`).
    candidates : DataFrame, optional
        Validated candidates with a ``call`` column naming their call (rows without one go to
        the first call); by default the scenario's (:func:`workbench.load_candidates`).
    draws : int
        Number of Monte Carlo draws (> 0).
    seed : int, optional
        Seed of every draw (default: the scenario's ``seed``).
    chunk_size : int, optional
        Draws computed at once (working memory); rounded up to whole blocks of :data:`BLOCK`.
        Results do not depend on it.  (The compiled path writes straight into the results when
        every reported level is one group, and then needs no chunks.)
    progress : bool
        Show a progress bar (``tqdm.auto``: terminal or notebook).
    selection : str, list of ids, or callable, optional
        ``"greedy"`` (value per euro), ``"greedy_value"`` (value), ``"ranked"`` (value order,
        stopping at the first project that does not fit, as a committee's ranked list), a list of candidate ids funded
        in that order where credits allow, or ``f(call, candidates, budget_eur) -> ids`` (called
        once per call with the call's candidates, their ``value`` and ``eligible`` columns, and
        the call's nominal budget [EUR]).  Default: the scenario's ``selection.rule``
        (``fixed_list`` uses ``selection.fixed_list``; ``optimal`` runs the ranking's exact MILP
        per call, see :func:`optimal_per_call`).
    policy : Policy or mapping, optional
        Allocation policy (see :class:`Policy`).
    engine : {"auto", "numba", "numpy"}
        ``numba``: the compiled per-draw kernel (default when numba is installed); ``numpy``: the
        vectorised reference implementation (same model; the tests check they agree).
    threads : int, optional
        Threads drawing random blocks and running the compiled kernel (default: 2, or 1 on a
        single core).  Results do not depend on it.

    Returns
    -------
    SimulationResult

    Raises
    ------
    InputError
        Bad arguments (draws <= 0, …) or candidates naming unknown calls.
    """
    probs = _check_args(draws, chunk_size, seed)
    if engine not in ("auto", "numba", "numpy"):
        probs.append(Problem("<argument>", "engine", engine, "must be auto, numba or numpy"))
    if probs:
        raise InputError(probs)
    engine = ("numba" if _nb is not None else "numpy") if engine == "auto" else engine
    draws = int(draws)
    seed = int(scenario.seed if seed is None else seed)
    pol = policy if isinstance(policy, Policy) or policy is None else Policy.from_mapping(policy)
    plan = build_plan(scenario, candidates, pol, selection)
    st = plan.settings
    levels = _levels(plan)
    sgroups = _store_groups(levels)
    U, Y, F, K, P_ = len(sgroups), len(plan.years), len(plan.funds), len(plan.calls), plan.n
    # the plan without uncertainty: the CP schedule the budget documents would plan
    planned = _run_chunk_fast(plan, None, 1) if engine == "numba" else _run_chunk(plan, _fixed_draws(plan, 1), 1)
    planned_due = planned.fund_due[:, :, 0]                   # (F, Y)
    chunk = default_chunk_size(P_) if chunk_size is None else int(chunk_size)
    chunk = max(BLOCK, -(-chunk // BLOCK) * BLOCK)
    big = draws * U * Y * 4 * 8 > 256 * 2**20
    fdt = np.float32 if big else np.float64
    T = len(GTOT)
    # the per-draw results of each reported level are kept for exact percentiles; when they do not
    # fit STORE_BYTES the draws are simulated again for the next levels (bit-identical each time)
    passes = _store_passes(U, draws * (Y * 4 * np.dtype(fdt).itemsize + T * 8), STORE_BYTES)
    # draws last: every row (a metric of a year, a call, ...) contiguous, as percentiles read it
    store_due = np.empty((F, Y, draws), fdt)
    store_avail = np.empty((K, draws), fdt)
    store_comm = np.empty((K, draws), fdt)
    store_nsel = np.empty((K, draws), fdt)
    store_flags = np.zeros((F, 3, draws), np.float64)
    sel_count = np.zeros(P_, np.int64)
    ph1_count = np.zeros(P_, np.int64)
    attr_count = np.zeros(P_, np.int64)
    seq = _SeedSeq(seed)
    n_blocks = -(-draws // BLOCK)
    from tqdm.auto import tqdm

    bar = tqdm(total=draws * len(passes), disable=not progress, unit="draw", desc=f"simulate {scenario.name}")
    workers = max(1, int(threads if threads is not None else min(2, os.cpu_count() or 1)))
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 and draws > BLOCK else None
    parts: dict[int, tuple[list, dict]] = {}
    try:
        for pi, us in enumerate(passes):
            first = pi == 0
            store_y = np.empty((len(us), 4, Y, draws), fdt)
            store_tot = np.empty((len(us), T, draws), np.float64)
            # the compiled kernel writes straight into the stores when each level is one group
            direct = (engine == "numba" and len(passes) == 1 and fdt is np.float64
                      and sgroups == [[gi] for gi in range(len(plan.groups))])
            # writing straight into the stores needs no working memory per chunk: one chunk, so
            # the threads never wait for each other between chunks
            step = n_blocks if direct else chunk // BLOCK
            for cb0 in range(0, n_blocks, step):
                cb1 = min(cb0 + step, n_blocks)
                d0 = cb0 * BLOCK
                n = min(cb1 * BLOCK, draws) - d0
                sl = slice(d0, d0 + n)
                into = _ChunkOut(yearly=store_y, fund_due=store_due, avail=store_avail,
                                 committed_call=store_comm, nsel_call=store_nsel, gtot=store_tot,
                                 fund_flags=store_flags, sel_count=np.zeros(P_, np.int64),
                                 ph1_count=np.zeros(P_, np.int64), attr_count=np.zeros(P_, np.int64)) \
                    if direct else None
                if engine == "numba" and st.enabled:
                    out = _simulate_blocks_fast(plan, seq, cb0, cb1, n, pool, workers, into,
                                                tick=bar.update if progress else None)
                elif engine == "numba":
                    out = _run_chunk_fast(plan, None, n, pool, workers, into)
                else:
                    raw = _raw_blocks(plan, seq, cb0, cb1, pool) if st.enabled else None
                    D = _draws_from_raw(plan, raw, n) if raw is not None else _fixed_draws(plan, n)
                    out = _run_chunk(plan, D, n)
                    del D, raw
                for i, u in enumerate([] if direct else us):
                    gs = sgroups[u]
                    store_y[i, ..., sl] = out.yearly[gs].sum(axis=0) if len(gs) > 1 else out.yearly[gs[0]]
                    store_tot[i, :, sl] = out.gtot[gs].sum(axis=0) if len(gs) > 1 else out.gtot[gs[0]]
                if first and not direct:
                    store_due[..., sl] = out.fund_due
                    store_avail[:, sl] = out.avail
                    store_comm[:, sl] = out.committed_call
                    store_nsel[:, sl] = out.nsel_call
                    store_flags[..., sl] = out.fund_flags
                if first:
                    sel_count += out.sel_count
                    ph1_count += out.ph1_count
                    attr_count += out.attr_count
                del out
                if not (direct and st.enabled and progress):
                    bar.update(n)
            if first:
                shortfall, fund_short_cp = _shortfall_table(plan, store_due, planned_due, draws, pool)
                calls = _calls_table(plan, store_avail, store_comm, store_nsel, pool)
                del store_due, store_avail, store_comm, store_nsel
            parts.update(_level_tables(plan, levels, {u: i for i, u in enumerate(us)}, store_y, store_tot,
                                       store_flags, fund_short_cp, draws, pool))
            del store_y, store_tot
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown()
    yearly = pd.concat([p for li in range(len(levels)) for p in parts[li][0]], ignore_index=True)[
        ["level", "level_kind", "year", "metric", "mean", "p10", "p50", "p90", "envelope_eur"]]
    res = SimulationResult(yearly=yearly, summary=pd.DataFrame([parts[li][1] for li in range(len(levels))]),
                           shortfall=shortfall, calls=calls,
                           selected=_selected_table(plan, sel_count, ph1_count, attr_count, draws), provenance={})
    res.envelopes = {lv["level"]: lv["envelope_eur"] for lv in levels}
    res.provenance = _provenance(plan, seed, draws, chunk, selection)
    res.provenance["engine"] = engine
    res.provenance["threads"] = workers
    res.provenance["passes"] = len(passes)
    return res


#: Percentiles reported for every per-draw figure [%].
PERCENTILES = (10.0, 50.0, 90.0)


def _percentile_rows(a: np.ndarray) -> tuple[np.ndarray, ...]:
    """P10, P50, P90 of each row of ``a`` [same unit], exactly as ``np.percentile(a, q, axis=1)``.

    NumPy's linear method interpolates between the two order statistics around ``q (n - 1)``.
    The compiled :func:`_order_stats` finds those order statistics by bucketing each row between
    its minimum and maximum and sorting only the few draws in the buckets that hold them (a few
    passes over the row instead of a partition); the interpolation below repeats NumPy's own
    (``_lerp``), so the figures are NumPy's to the last bit (a test checks it).  Rows with a NaN
    or an infinity go to NumPy.
    """
    R, n = a.shape
    if _nb is None or n < 2 or a.dtype not in (np.float32, np.float64) or not a.flags.c_contiguous:
        return tuple(np.percentile(a, PERCENTILES, axis=1).astype(np.float64))
    q = np.true_divide(np.array(PERCENTILES), 100)
    virtual = (n - 1) * q                                   # NumPy's virtual index (method linear)
    prev = np.floor(virtual)
    gamma = virtual - prev
    prev = prev.astype(np.int64)
    nxt = prev + 1
    top = virtual >= n - 1
    prev[top] = n - 1
    nxt[top] = n - 1
    ranks = np.unique(np.concatenate([prev, nxt]))
    stats = np.empty((R, len(ranks)), a.dtype)
    bad = np.zeros(R, np.bool_)
    _order_stats(a, ranks, stats, bad)
    lo = stats[:, np.searchsorted(ranks, prev)]
    hi = stats[:, np.searchsorted(ranks, nxt)]
    diff = hi - lo
    res = np.add(lo, diff * gamma)
    np.subtract(hi, diff * (1 - gamma), out=res, where=gamma >= 0.5, casting="unsafe", dtype=res.dtype.type)
    if bad.any():
        res[bad] = np.percentile(a[bad], PERCENTILES, axis=1).T
    return tuple(np.ascontiguousarray(res.T, dtype=np.float64))


def _order_stats_py(a, ranks, out, bad):
    """``out[r, i]``: the value of rank ``ranks[i]`` (sorted, 0-based) in row ``r`` of ``a``.

    Each row is bucketed linearly between its minimum and maximum (a monotone map, so a rank's
    bucket is found from the counts); only the buckets holding the wanted ranks are gathered and
    sorted, or, when one holds many draws (a point mass: a budget met in most draws, nothing paid
    in a late year), bucketed again between its own extremes until few are left or all are equal.
    ``bad[r]``: the row holds a NaN or an infinite range (left to NumPy).
    """
    R, n = a.shape
    NB = 4096
    SMALL = 2048  # a bucket of at most this many draws is sorted
    cnt = np.zeros(NB, np.int64)
    tgt = np.full(NB, -1, np.int64)
    buf = np.empty(n, a.dtype)
    w1 = np.empty(n, a.dtype)
    w2 = np.empty(n, a.dtype)
    m = ranks.shape[0]
    rb = np.zeros(m, np.int64)      # bucket of each rank
    before = np.zeros(m, np.int64)  # draws in lower buckets
    seg0 = np.zeros(m, np.int64)    # start of each target bucket's draws in buf
    pos = np.zeros(m, np.int64)
    slo = np.zeros(m)               # a big target bucket's extremes, and the draws equal to each
    shi = np.zeros(m)
    snlo = np.zeros(m, np.int64)
    snhi = np.zeros(m, np.int64)
    for r in range(R):
        row = a[r]
        lo = np.float64(row[0])
        hi = lo
        nan = False
        for i in range(n):
            v = np.float64(row[i])
            lo = min(lo, v)
            hi = max(hi, v)
            nan |= v != v
        if nan:
            bad[r] = True
            continue
        if not hi > lo:
            for i in range(m):
                out[r, i] = row[0]
            continue
        scale = NB / (hi - lo)
        if not (scale > 0.0 and scale < np.inf):  # an infinite range: left to NumPy
            bad[r] = True
            continue
        cnt[:] = 0
        for i in range(n):
            cnt[min(int((np.float64(row[i]) - lo) * scale), NB - 1)] += 1
        # the bucket of each rank, and the targets' places in buf
        acc = 0
        i = 0
        nt = 0
        lastb = 0
        for b in range(NB):
            c = cnt[b]
            if c == 0:
                continue
            while i < m and ranks[i] < acc + c:
                rb[i] = b
                before[i] = acc
                if tgt[b] < 0:
                    tgt[b] = nt
                    seg0[nt] = 0 if nt == 0 else seg0[nt - 1] + cnt[lastb]
                    pos[nt] = seg0[nt]
                    lastb = b
                    nt += 1
                i += 1
            acc += c
            if i == m:
                break
        for i in range(n):
            v = row[i]
            t = tgt[min(int((np.float64(v) - lo) * scale), NB - 1)]
            if t >= 0:
                buf[pos[t]] = v
                pos[t] += 1
        for t in range(nt):
            if pos[t] - seg0[t] <= SMALL:
                buf[seg0[t]:pos[t]].sort()
            else:
                # a big bucket: its extremes and how many draws equal each (a point mass:
                # nothing paid in a late year, a budget met in most draws)
                seg = buf[seg0[t]:pos[t]]
                l_ = np.float64(seg[0])
                h_ = l_
                for v in seg:
                    l_ = min(l_, np.float64(v))
                    h_ = max(h_, np.float64(v))
                nl_ = 0
                nh_ = 0
                for v in seg:
                    nl_ += 1 if v == l_ else 0
                    nh_ += 1 if v == h_ else 0
                slo[t] = l_
                shi[t] = h_
                snlo[t] = nl_
                snhi[t] = nh_
        for i in range(m):
            t = tgt[rb[i]]
            k = ranks[i] - before[i]
            mm = pos[t] - seg0[t]
            if mm <= SMALL:
                out[r, i] = buf[seg0[t] + k]
                continue
            if k < snlo[t]:
                out[r, i] = slo[t]
                continue
            if k >= mm - snhi[t]:
                out[r, i] = shi[t]
                continue
            if i > 0 and rb[i - 1] == rb[i] and ranks[i] == ranks[i - 1] + 1:
                # the next rank after a known value (a percentile's second order statistic): that
                # value again if more draws of the bucket are <= it, else the least one above it
                vp = np.float64(out[r, i - 1])
                cle = 0
                gmin = np.inf
                for v in buf[seg0[t]:pos[t]]:
                    fv = np.float64(v)
                    cle += 1 if fv <= vp else 0
                    gmin = min(gmin, fv if fv > vp else np.inf)
                out[r, i] = vp if k < cle else gmin
                continue
            # a big bucket: bucketed again between its own extremes, keeping the rank's bucket
            # (its extremes fall in different buckets, so each round keeps fewer draws)
            # (the extremes of the kept draws are tracked as they are gathered)
            cur = w1
            oth = w2
            cur[:mm] = buf[seg0[t]:pos[t]]
            lo2 = slo[t]
            hi2 = shi[t]
            while True:
                if mm <= SMALL:
                    cur[:mm].sort()
                    out[r, i] = cur[k]
                    break
                if not hi2 > lo2:
                    out[r, i] = cur[0]
                    break
                sc2 = NB / (hi2 - lo2)
                cnt[:] = 0
                for ii in range(mm):
                    cnt[min(int((np.float64(cur[ii]) - lo2) * sc2), NB - 1)] += 1
                acc = 0
                tb = 0
                for b in range(NB):
                    if k < acc + cnt[b]:
                        tb = b
                        break
                    acc += cnt[b]
                k -= acc
                c = 0
                nlo2 = np.inf
                nhi2 = -np.inf
                for ii in range(mm):
                    v = cur[ii]
                    fv = np.float64(v)
                    if min(int((fv - lo2) * sc2), NB - 1) == tb:
                        oth[c] = v
                        c += 1
                        nlo2 = min(nlo2, fv)
                        nhi2 = max(nhi2, fv)
                cur, oth = oth, cur
                mm = c
                lo2 = nlo2
                hi2 = nhi2
        for i in range(m):
            tgt[rb[i]] = -1


def _row_stats(t: np.ndarray, pool=None) -> tuple[np.ndarray, ...]:
    """Mean, P10, P50, P90 of each row of ``t`` [same unit, float64], rows split between ``pool``'s threads.

    The compiled order statistics (and NumPy's partition) release the GIL, so two threads take
    about half the time; each row's figures do not depend on the split.
    """
    def stats(a):
        return (a.mean(axis=1, dtype=np.float64), *_percentile_rows(a))

    if pool is None or t.shape[0] < 2:
        return stats(t)
    h = t.shape[0] // 2
    lo, hi = pool.map(stats, (t[:h], t[h:]))
    return tuple(np.concatenate([a, b]) for a, b in zip(lo, hi))


def _row_stats_f64(t: np.ndarray, pool=None, max_bytes: int = 32 * 2**20) -> tuple[np.ndarray, ...]:
    """:func:`_row_stats` of ``t``'s rows taken in float64, a block of rows of at most
    ``max_bytes`` at a time (a big run's float32 stores are not copied whole)."""
    R, n = t.shape
    step = max(1, max_bytes // max(n * 8, 1))
    parts = [_row_stats(t[i:i + step].astype(np.float64), pool) for i in range(0, R, step)]
    return tuple(np.concatenate(x) for x in zip(*parts)) if parts else (np.zeros(0),) * 4


def _store_passes(n_stores: int, bytes_per_store: int, budget: int) -> list[list[int]]:
    """Stores (levels' per-draw results) kept together in each pass, within ``budget`` bytes."""
    per_pass = max(1, int(budget // max(bytes_per_store, 1)))
    return [list(range(i, min(i + per_pass, n_stores))) for i in range(0, max(n_stores, 1), per_pass)]


def _shortfall_table(plan, store_due, planned_due, draws, pool=None) -> tuple[pd.DataFrame, np.ndarray]:
    """Year-by-year shortfall risk per fund, and for each draw whether a fund's CP ran short."""
    years = np.array(plan.years)
    F, Y = len(plan.funds), len(years)
    dues = store_due.reshape(F * Y, draws).astype(np.float64, copy=False)  # rows: (fund, year)
    means, _, _, p90s = _row_stats(dues, pool)
    srows = []
    fund_short_cp = np.zeros((draws, len(plan.funds)), bool)
    for fi, f in enumerate(plan.funds):
        carry = np.zeros(draws)  # CP carried over from the previous year, per draw (capped, LOLF art. 15)
        for yi, y in enumerate(years):
            app = plan.fund_cp[fi, yi]
            due = dues[fi * Y + yi]
            row = {"fund": f, "year": int(y), "cp_demand_mean_eur": float(means[fi * Y + yi]),
                   "cp_demand_p90_eur": float(p90s[fi * Y + yi])}
            if np.isfinite(app):
                # measured against the voted credits plus what the previous year carried over
                avail = app + carry
                exceed = due > avail + max(1.0, 1e-6 * abs(app))
                fund_short_cp[:, fi] |= exceed
                carry = np.minimum(avail - np.minimum(due, avail), plan.fund_carry[fi] * app)
                row.update(appropriation_eur=float(app), appropriation_source="scenario",
                           carried_over_mean_eur=float((avail - app).mean()),
                           shortfall_probability=float(exceed.mean()),
                           expected_excess_eur=float(np.maximum(due - avail, 0).mean()))
            else:
                # no voted credits: CP needs only (a probability against the model's own planned
                # schedule would have no meaning)
                carry = np.zeros(draws)
                row.update(appropriation_eur=float(planned_due[fi, yi]), appropriation_source="planned schedule",
                           carried_over_mean_eur=float("nan"), shortfall_probability=float("nan"),
                           expected_excess_eur=float("nan"))
            srows.append(row)
    return pd.DataFrame(srows), fund_short_cp


def _level_tables(plan, levels, local: dict[int, int], store_y, store_tot, store_flags, fund_short_cp, draws,
                  pool=None) -> dict[int, tuple[list[pd.DataFrame], dict]]:
    """Yearly rows and summary row of each level whose store is in ``local`` (store -> index)."""
    years = np.array(plan.years)
    T = {k: i for i, k in enumerate(GTOT)}
    done: dict[int, list] = {}
    summ: dict[tuple, tuple] = {}
    out: dict[int, tuple[list[pd.DataFrame], dict]] = {}
    for li, lv in enumerate(levels):
        if lv["store"] not in local:
            continue
        u = local[lv["store"]]
        if u not in done:
            parts = []
            stats: dict[int, list[tuple]] = {}
            # rows = (metric, year), each contiguous over draws (the stores are laid out draws
            # last); the stored dtype is kept (float32 for big runs) and sums are taken in float64
            for mi, m in enumerate(METRICS):
                t = store_y[u, mi]
                # a metric equal draw for draw to an earlier one (paid = demand when no appropriation
                # caps) shares its figures
                twin = next((mj for mj in stats if np.array_equal(t[:, :64], store_y[u, mj, :, :64])
                             and np.array_equal(t, store_y[u, mj])), None)
                if twin is not None:
                    stats[mi] = stats[twin]
                else:
                    # cumulated year after year (as cumsum along the rows, one contiguous add per year)
                    cum = np.empty(t.shape, np.float64)
                    cum[0] = t[0]
                    for y in range(1, t.shape[0]):
                        np.add(cum[y - 1], t[y], out=cum[y])
                    stats[mi] = [_row_stats(t, pool), _row_stats(cum, pool)]
                    del cum
                del t
                for name, (mean, p10, p50, p90) in zip((m, m.replace("_eur", "_cum_eur")), stats[mi]):
                    parts.append(pd.DataFrame({"year": years, "metric": name, "mean": mean, "p10": p10,
                                               "p50": p50, "p90": p90}))
            del stats
            done[u] = parts
        rows = [part.assign(level=lv["level"], level_kind=lv["kind"], envelope_eur=lv["envelope_eur"])
                for part in done[u]]
        fi = lv["fund"]
        tot = store_tot[u]
        env = lv["envelope_eur"]
        paid = tot[T["paid_eur"]]
        unused = env - paid
        unf = tot[T["unfunded_overrun_eur"]]
        if lv["kind"] == "fund":
            exhausted = store_flags[fi, 0] > 0
            over = store_flags[fi, 1] > 0
            allowed = bool(plan.fund_over[fi])
            short = exhausted | (unf > 0.5) | fund_short_cp[:, fi]
        elif lv["kind"] == "all":
            exhausted = (store_flags[:, 0] > 0).any(axis=0)
            over = (store_flags[:, 1] > 0).any(axis=0)
            allowed = bool(plan.fund_over.any())
            short = exhausted | (unf > 0.5) | fund_short_cp.any(axis=1)
        else:
            room = tot[T["room_last_call_eur"]]
            exhausted = room < EXHAUSTED_SHARE * max(env, 1.0)
            over = np.zeros(draws, bool)
            allowed = bool(plan.fund_over[fi])
            short = exhausted | (unf > 0.5)
        if (u, env) not in summ:  # levels sharing a store and an envelope (a fund alone and ALL)
            summ[(u, env)] = _percentile_rows(np.stack([paid, unused]))
        pp10, pp50, pp90 = summ[(u, env)]
        target = paid * 1.0  # FTAP: 1 EUR of lasting yearly savings per EUR invested (DITP, 12 November 2018)
        sav = tot[T["savings_realised_eur"]]
        out[li] = (rows, {
            "level": lv["level"], "level_kind": lv["kind"], "envelope_eur": env,
            "shortfall_probability": float(short.mean()),
            "p_exhausted_before_last_call": float(exhausted.mean()),
            "committed_mean_eur": float(tot[T["committed_eur"]].mean()),
            "paid_mean_eur": float(paid.mean()), "paid_p10_eur": float(pp10[0]),
            "paid_p90_eur": float(pp90[0]),
            "unused_residual_mean_eur": float(unused.mean()),
            "unused_residual_p10_eur": float(pp10[1]),
            "unused_residual_p50_eur": float(pp50[1]),
            "unused_residual_p90_eur": float(pp90[1]),
            "savings_declared_mean_eur": float(tot[T["savings_declared_eur"]].mean()),
            "savings_realised_mean_eur": float(sav.mean()),
            "savings_target_mean_eur": float(target.mean()),
            "savings_vs_target_rate": float(sav.mean() / target.mean()) if target.mean() > 0 else float("nan"),
            "value_delivered_mean": float(tot[T["value_delivered"]].mean()),
            "projects_selected_mean": float(tot[T["projects_selected"]].mean()),
            "unfunded_overrun_mean_eur": float(unf.mean()),
            "p_unfunded_overrun": float((unf > 0.5).mean()),
            "overcommitment_allowed": allowed,
            "p_overcommitted": float(over.mean()),
            "overcommitted": bool(over.any()),
        })
    return out


def _calls_table(plan, store_avail, store_comm, store_nsel, pool=None) -> pd.DataFrame:
    """Credits left before each call and what it committed."""
    crows = []
    K = len(plan.calls)
    # rows: calls' credits left, then what they committed (in float64, a few rows at a time)
    means, p10s, p50s, p90s = (tuple(np.concatenate(x) for x in zip(_row_stats_f64(store_avail, pool),
                                                                    _row_stats_f64(store_comm, pool)))
                               if K else (np.zeros(0),) * 4)
    for k, call in enumerate(plan.calls):
        fi = plan.call_fund[k]
        a = store_avail[k].astype(np.float64)
        m, p10, p50, p90 = means[k], p10s[k], p50s[k], p90s[k]
        rws = plan.call_rows[k]
        crows.append({"call": call.id, "fund": call.fund, "decision": call.decision.isoformat(),
                      "budget_eur": None if not np.isfinite(plan.call_budget[k]) else plan.call_budget[k],
                      "candidates": int((plan.cands["_call"] == call.id).sum()),
                      "eligible": int(plan.eligible[plan.cands["_call"].to_numpy() == call.id].sum()),
                      "credits_left_mean_eur": float(m), "credits_left_p10_eur": float(p10),
                      "credits_left_p50_eur": float(p50), "credits_left_p90_eur": float(p90),
                      "p_nothing_left": float((a < EXHAUSTED_SHARE * plan.fund_env[fi]).mean()),
                      "committed_mean_eur": float(means[K + k]),
                      "committed_p10_eur": float(p10s[K + k]),
                      "committed_p90_eur": float(p90s[K + k]),
                      "projects_selected_mean": float(store_nsel[k].astype(np.float64).mean()),
                      "ranked": int(len(rws))})
    return pd.DataFrame(crows)


def _selected_table(plan, sel_count, ph1_count, attr_count, draws) -> pd.DataFrame:
    """Each candidate with how often it is selected, funded for its first phase only, abandoned."""
    c = plan.cands
    gname = [plan.groups[g][1] or plan.groups[g][0] for g in plan.g]
    selected = pd.DataFrame({
        "call": c["_call"].to_numpy(), "id": c["id"].astype(str).to_numpy(), "title": c["title"].to_numpy(),
        "owner": c["owner"].to_numpy(), "envelope": gname,
        "requested_eur": plan.req, "total_cost_eur": plan.total, "value": plan.value,
        "value_per_meur": plan.value / np.maximum(plan.req / 1e6, 1e-9),
        "eligible": plan.eligible, "reason": plan.reason,
        "rank_in_call": plan.rank,
        "p_selected": sel_count / draws,
        "p_phase1_only": np.divide(ph1_count, sel_count, out=np.zeros(plan.n), where=sel_count > 0),
        "p_attrition": np.divide(attr_count, sel_count, out=np.zeros(plan.n), where=sel_count > 0),
        "synthetic": c["synthetic"].to_numpy(bool) if "synthetic" in c else np.zeros(plan.n, bool),
    })
    if plan.flags is not None and len(plan.flags) == plan.n:
        selected["first_results_late"] = plan.flags["first_results_late"].to_numpy(bool)
        selected["governance_gate"] = plan.flags["governance_gate"].to_numpy(bool)
        selected["flag"] = plan.flags["flag"].to_numpy()
    selected["selected"] = selected["p_selected"] >= 0.5
    return selected.sort_values(["call", "rank_in_call", "id"], key=lambda s: s if s.name != "rank_in_call"
                                else s.where(s > 0, 10**9)).reset_index(drop=True)


def _provenance(plan: _Plan, seed: int, draws: int, chunk: int, selection: Any) -> dict:
    scn = plan.scenario
    st = plan.settings
    if callable(selection):
        sel = f"callable {getattr(selection, '__qualname__', repr(selection))}"
    elif isinstance(selection, (list, tuple)):
        sel = f"fixed list of {len(selection)} ids"
    else:
        sel = selection or scn.value("selection.rule") or "greedy"
    synthetic = bool(plan.cands["synthetic"].astype(bool).any()) if "synthetic" in plan.cands else False
    return {
        "workbench_version": __version__,
        "scenario": scn.name,
        "scenario_hash": scn.hash(),
        "input_files": [project_relative(f) for f in scn.files],
        "candidates": "synthetic" if synthetic else "file/given",
        "seed": seed, "draws": draws, "chunk_size": chunk, "block_size": BLOCK,
        "selection": sel,
        "value_model": scn.value_model.describe(),
        "call_allotment": scn.call_allotment,
        "policy": plan.policy.__dict__,
        "uncertainty_enabled": st.enabled,
        "cost_overrun": {**st.cost.params(), "source": st.cost.source},
        "delay": {**st.delay.params(), "source": st.delay.source},
        "attrition_rate": st.attrition_rate, "phase1_only_rate": st.phase1_only_rate,
        "overrun_paid_by_fund_rate": st.overrun_paid_by_fund_rate,
        "savings_realisation": {"mean_rate": st.savings.mean_rate, "sd_rate": st.savings.sd_rate},
        "contract_lag_months": st.contract_lag_months, "profile_rates": list(st.profile_rates),
        "use_project_schedule": st.use_project_schedule,
        "years": [plan.years[0], plan.years[-1]],
        "note": f"payments after {plan.years[-1]} are counted in {plan.years[-1]}",
        # the scenario's "synthetic candidates" warning does not apply to candidates given from a file
        "warnings": [w for w in scn.warnings if synthetic or not w.startswith("Candidates are SYNTHETIC")],
        "created_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


# ------------------------------------------------------------------------------------------------
# policies: sequential decisions under unknown future pipelines
# ------------------------------------------------------------------------------------------------
def scenario_policies(scenario) -> list[Policy]:
    """The scenario's ``policies`` (or a baseline 'until exhausted' policy when it has none)."""
    raw = scenario.data.get("policies") or []
    pols = [Policy.from_mapping(p) for p in raw]
    return pols or [Policy(name="until exhausted")]


def compare_policies(scenario, policies: Sequence[Policy | Mapping] | None = None, draws: int = 1000,
                     seed: int | None = None, pipelines: int | None = None,
                     candidates: pd.DataFrame | None = None, progress: bool = False) -> pd.DataFrame:
    """Compare allocation policies by Monte Carlo over future calls' pipelines and project risks.

    Later calls' candidates are unknown when an early call is decided: each of ``pipelines``
    replicates draws every call's pipeline from the calibrated generator
    (:func:`workbench.generator.generate_for_scenario`, own seed per replicate), or keeps the
    given ``candidates`` for the calls they name and draws the others.  Each policy meets the
    same pipelines and the same project draws (common random numbers).

    Parameters
    ----------
    policies : sequence of Policy or mappings, optional
        Default: the scenario's ``policies``.
    draws : int
        Total draws, split evenly over the pipelines.
    pipelines : int, optional
        Number of pipeline replicates (default ``min(20, draws)``).

    Returns
    -------
    DataFrame
        One row per policy: value delivered (mean, P10, P90), committed, paid, unused residual
        [EUR], probability of running short and of exhausting the fund before its last call,
        savings realised, projects funded.
    """
    from ..generator import generate_for_scenario

    probs = _check_args(draws, None, seed)
    if probs:
        raise InputError(probs)
    seed = int(scenario.seed if seed is None else seed)
    pols = [p if isinstance(p, Policy) else Policy.from_mapping(p) for p in (policies or scenario_policies(scenario))]
    R = int(pipelines or min(20, draws))
    per = max(1, draws // R)
    children = np.random.SeedSequence(seed).spawn(R)
    acc: dict[str, list] = {p.name: [] for p in pols}
    from tqdm.auto import tqdm

    for r in tqdm(range(R), disable=not progress, desc="policies"):
        pseed = int(children[r].generate_state(1)[0])
        gen = generate_for_scenario(scenario, seed=pseed)
        if candidates is not None and "call" in candidates.columns:
            known = set(candidates["call"].astype(str))
            gen = pd.concat([candidates, gen[~gen["call"].astype(str).isin(known)]], ignore_index=True)
        for p in pols:
            res = simulate(scenario, gen, draws=per, seed=pseed, policy=p)
            fund_rows = res.summary[res.summary["level_kind"] == "all"].iloc[0]
            acc[p.name].append(fund_rows)
    rows = []
    for p in pols:
        df = pd.DataFrame(acc[p.name])
        rows.append({
            "policy": p.name,
            "max_commit_share_per_call_rate": p.max_commit_share_per_call_rate,
            "reserve_last_call_eur": p.reserve_last_call_eur, "min_value_per_meur": p.min_value_per_meur,
            "order": p.order,
            "value_delivered_mean": df["value_delivered_mean"].mean(),
            "value_delivered_p10": df["value_delivered_mean"].quantile(0.1),
            "value_delivered_p90": df["value_delivered_mean"].quantile(0.9),
            "projects_selected_mean": df["projects_selected_mean"].mean(),
            "committed_mean_eur": df["committed_mean_eur"].mean(),
            "paid_mean_eur": df["paid_mean_eur"].mean(),
            "unused_residual_mean_eur": df["unused_residual_mean_eur"].mean(),
            "shortfall_probability": df["shortfall_probability"].mean(),
            "p_exhausted_before_last_call": df["p_exhausted_before_last_call"].mean(),
            "savings_realised_mean_eur": df["savings_realised_mean_eur"].mean(),
            "savings_vs_target_rate": df["savings_realised_mean_eur"].sum() / max(df["savings_target_mean_eur"].sum(), 1e-9),
            "pipelines": R, "draws_per_pipeline": per,
        })
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------------
# back-test on the published 2018 FTAP calls
# ------------------------------------------------------------------------------------------------
def call2_laureates_candidates(scenario, call_id: str = "FTAP-AAP2") -> pd.DataFrame:
    """The 16 real laureates of FTAP call 2 as candidates (grants as requested amounts).

    Grants are published (DITP, 12 November 2018; sum 68.625 M€); their total costs are not, only the sum
    (135 M€): each project's total cost is its grant scaled by 135 / 68.625.  Scores are the
    middle of the scale and durations 24 months (not published): the replay tests commitments
    and payments, not values.
    """
    from ..candidates import validate_candidates
    from ..reference import PUBLISHED, ftap_call2_laureates

    lau = ftap_call2_laureates()
    lo, hi = scenario.criteria_scale
    k = PUBLISHED["call2"]["laureates_total_cost_eur"] / lau["granted_eur"].sum()
    df = pd.DataFrame({
        "id": lau["id"], "title": lau["summary"], "owner": lau["owner"], "envelope": "FTAP",
        "total_cost_eur": np.round(lau["granted_eur"] * k, -3), "requested_eur": lau["granted_eur"].astype(float),
        "duration_months": 24.0, "strategic": (lo + hi) / 2, "service": (lo + hi) / 2, "savings": (lo + hi) / 2,
        "governance": (lo + hi) / 2,
    })
    out = validate_candidates(df, file="ftap_call2_laureates_2018.csv", scale=(lo, hi))
    out["call"] = call_id
    return out


def replay_call2_fixed(scenario, draws: int = 1, seed: int | None = None) -> SimulationResult:
    """Replay the 16 real call-2 grants as a fixed list through the simulation."""
    cands = call2_laureates_candidates(scenario)
    return simulate(scenario, cands, draws=draws, seed=seed, selection=list(cands["id"]))


# ------------------------------------------------------------------------------------------------
# compiled kernel (numba): the same model as _run_chunk, one draw at a time, fused
# ------------------------------------------------------------------------------------------------
try:  # numba compiles the per-draw loop; without it the NumPy reference above runs (slower)
    import numba as _nb
except ImportError:  # pragma: no cover - numba is a declared dependency
    _nb = None


class KernelInputs(NamedTuple):
    """What the compiled kernel reads of a plan (:func:`_kernel_inputs`, built once per plan).

    One field per input, passed to numba as one argument (a named tuple of arrays and scalars):
    a new model parameter is one field here, its value in :func:`_kernel_inputs` and its use in
    :func:`_kernel`.  Arrays are indexed by project ``p``, call ``k``, fund ``f``, group ``g``
    (fund, sub-envelope), year ``y`` (from ``plan.start``) or event (time order)."""

    rows: np.ndarray          # (sum of the calls' projects,) int64: projects a call may fund, in selection order
    ptr: np.ndarray           # (K+1,) int64: call k's projects are rows[ptr[k]:ptr[k+1]]
    call_t: np.ndarray        # (K,) decision time [years]
    call_f: np.ndarray        # (K,) int64: the call's fund
    call_budget: np.ndarray   # (K,) the call's budget [EUR] (inf: none)
    call_share: np.ndarray    # (K,) share of the call's credits per group [fraction]
    call_y: np.ndarray        # (K,) int64: the decision's year bin
    last: np.ndarray          # (F,) int64: the fund's last call (-1: none)
    eptr: np.ndarray          # (K+1,) int64: events before call k (K: all)
    ev_p: np.ndarray          # (events,) int64: the event's project
    ev_kind: np.ndarray       # (events,) int64: 0 de-commitment of a project never started, 1 cost adjustment
    g: np.ndarray             # (P,) int64: the project's group
    gfund: np.ndarray         # (G,) int64: the group's fund
    gamt: np.ndarray          # (G,) the group's amount [EUR]
    env: np.ndarray           # (F,) the fund's envelope [EUR]
    cumcap: np.ndarray        # (F, Y) cumulative AE appropriations [EUR] (inf: none)
    cp: np.ndarray            # (F, Y) CP appropriations [EUR] (inf: none)
    carry: np.ndarray         # (F, Y) CP carry-over cap [EUR]
    over: np.ndarray          # (F,) bool: overcommitment allowed
    req: np.ndarray           # (P,) grant requested [EUR]
    ph1: np.ndarray           # (P,) first phase's grant [EUR] (0: none)
    has_ph1: np.ndarray       # (P,) bool: the project has a first phase
    scope: np.ndarray         # (P,) total cost / grant [ratio]
    dur_y: np.ndarray         # (P,) planned duration [years]
    value: np.ndarray         # (P,) the selection's value
    savings: np.ndarray       # (P,) declared yearly savings [EUR]
    cbin: np.ndarray          # (P,) int64: year bin of the commitment
    abin: np.ndarray          # (P,) int64: year bin of the cost adjustment
    dbin: np.ndarray          # (P,) int64: year bin of the de-commitment
    x0: np.ndarray            # (P,) commitment time from plan.start [years]
    prof: np.ndarray          # (P or 1, L) payment profile [fractions]
    gorder: np.ndarray        # (P,) int64: projects group by group
    gptr: np.ndarray          # (G+1,) int64: group g's projects are gorder[gptr[g]:gptr[g+1]]
    common: bool              # every project pays on prof[0]
    stop: bool                # a call stops at the first project that does not fit (ranked list)
    attrition_rate: float     # probability a laureate never starts [fraction]
    phase1_only_rate: float   # probability only the first phase is funded [fraction]
    overrun_paid_by_fund_rate: float  # share of an overrun the fund pays [fraction]
    savings_mean_rate: float  # mean savings realisation factor (without uncertainty) [fraction]
    max_commit_share_per_call_rate: float  # policy's cap per call [fraction of the envelope] (NaN: none)
    reserve_last_call_eur: float  # policy's reserve kept for the fund's last call [EUR]
    exhausted_share: float    # a fund is exhausted below this share of its envelope [fraction]


class KernelDraws(NamedTuple):
    """The kernel's random inputs per block, ``(blocks, projects, BLOCK)`` float32 each."""

    cost_r: np.ndarray        # cost ratio (final / initial)
    delay_r: np.ndarray       # duration ratio
    fate_u: np.ndarray        # uniform deciding attrition / first phase only
    sav_f: np.ndarray         # savings realisation factor


class KernelOutputs(NamedTuple):
    """Where the kernel writes (the arrays of a :class:`_ChunkOut`, draws last, and the counts)."""

    yearly: np.ndarray        # (G, 4, Y, n) METRICS by group and year [EUR]
    fund_due: np.ndarray      # (F, Y, n) CP demand by fund [EUR]
    avail: np.ndarray         # (K, n) credits left before each call [EUR]
    committed_call: np.ndarray  # (K, n) committed by each call [EUR]
    nsel_call: np.ndarray     # (K, n) projects selected by each call
    gtot: np.ndarray          # (G, len(GTOT), n) totals by group
    fund_flags: np.ndarray    # (F, 3, n) exhausted, overcommitted, max net commitments
    sel_count: np.ndarray     # (P,) int64: draws selecting the project
    ph1_count: np.ndarray     # (P,) int64: of which first phase only
    attr_count: np.ndarray    # (P,) int64: of which never started


def _raw_blocks(plan: _Plan, seed_seq: "_SeedSeq", b0: int, b1: int, pool=None,
                out: tuple[np.ndarray, ...] | None = None) -> tuple[np.ndarray, ...]:
    """The random inputs of blocks ``b0 .. b1-1``: cost ratio, duration ratio, fate, savings factor.

    Each block draws three float32 uniforms and one float32 standard normal per project and
    draw, in this order, from its own child of the seed sequence (so the chunking never changes
    a draw's variates), then turns them, in place and in the same thread, into what the model
    uses (:func:`_transform_block`).  Shape ``(blocks, projects, BLOCK)``, float32 (a project's
    inputs for the block's draws contiguous, as the compiled model reads them).
    """
    nb, P_ = b1 - b0, plan.n
    if out is None:
        out = tuple(np.empty((nb, P_, BLOCK), np.float32) for _ in range(4))
    else:  # a worker's buffers, reused block after block
        out = tuple(a[:nb] for a in out)

    def draw(j: int) -> None:  # NumPy (and the compiled transform) release the GIL
        rng = np.random.Generator(np.random.PCG64(seed_seq.spawn_child(b0 + j)))
        rng.random(out=out[0][j], dtype=np.float32)
        rng.random(out=out[1][j], dtype=np.float32)
        rng.random(out=out[2][j], dtype=np.float32)
        rng.standard_normal(out=out[3][j], dtype=np.float32)
        _transform_block(plan, out[0][j], out[1][j], out[3][j])

    _each(pool, draw, nb)
    return out


def _each(pool, fn, n: int) -> None:
    """``fn(0) .. fn(n - 1)``, on ``pool``'s threads when there is a pool and more than one."""
    if pool is not None and n > 1:
        list(pool.map(fn, range(n)))
    else:
        for i in range(n):
            fn(i)


def _transform_block(plan: _Plan, uc: np.ndarray, ud: np.ndarray, z: np.ndarray) -> None:
    """In place: cost and duration ratios from their uniforms, savings factors from normals.

    The ratios come from the models' tabulated quantile functions (the table of
    :meth:`~workbench.uncertainty.OverrunModel.from_uniform`, interpolated in float32 here:
    within 1e-6 of it); the savings factor is ``exp(mu + sigma z)`` in float32 (a lognormal of
    mean ``savings_realisation_rate``), 0 where the scenario realises no savings.  Done once per
    block, vectorised, so the per-draw model only reads them.
    """
    st = plan.settings
    for u, model in ((uc, st.cost), (ud, st.delay)):
        if model.point_weight >= 1.0:
            u.fill(1.0)
        elif _nb is not None:
            _ratios_from_table(u.reshape(-1), model._quantile_table())
        else:
            _ratios_from_table_np(u, model._quantile_table())
    mu, sig = st.savings.lognormal()
    if np.isfinite(mu):
        z *= np.float32(sig)
        z += np.float32(mu)
        np.exp(z, out=z)
    else:
        z.fill(0.0)


def _ratios_from_table_np(u: np.ndarray, q: np.ndarray) -> None:
    """Ratios from float32 uniforms ``u`` (in place) by linear interpolation in the float32 table
    ``q`` of ``len(q) - 1`` cells, in float32 arithmetic (what the compiled twin does)."""
    N = q.shape[0] - 1
    x = u * np.float32(N)
    k = np.clip(x.astype(np.int32), 0, N - 1)
    x -= k.astype(np.float32)
    lo = q[k]
    x *= q[k + 1] - lo
    x += lo
    u[...] = x


def _ratios_from_table_py(u, q):
    """Compiled twin of :func:`_ratios_from_table_np` (the same float32 operations, in place)."""
    N = q.shape[0] - 1
    Nf = np.float32(N)
    for i in range(u.shape[0]):
        x = u[i] * Nf
        k = np.int32(x)
        if k > N - 1:
            k = N - 1
        elif k < 0:
            k = 0
        x -= np.float32(k)
        lo = q[k]
        x *= q[k + 1] - lo
        x += lo
        u[i] = x


def _draws_from_raw(plan: _Plan, raw: tuple[np.ndarray, ...], n: int) -> _Draws:
    """The NumPy path's (projects, draws) arrays from the blocks of :func:`_raw_blocks`."""
    P_ = plan.n

    def flat(a):
        return np.ascontiguousarray(a.transpose(1, 0, 2).reshape(P_, -1)[:, :n])

    rc, rd, uf, sf = (flat(a) for a in raw)
    return _Draws(cost=rc.astype(np.float64), delay=rd.astype(np.float64), fate=uf,
                  savings=sf.astype(np.float64))


def _kernel_inputs(plan: _Plan) -> KernelInputs:
    """The plan as the compiled kernel reads it (built once, cached on the plan)."""
    if getattr(plan, "_kin", None) is not None:
        return plan._kin
    Y = len(plan.years)
    P_ = plan.n
    # the projects each call may fund, in selection order (the policy's exclusions left out)
    rows = [np.asarray([p for p in r if plan.ok_policy[p]], np.int64) for r in plan.call_rows]
    ptr = np.zeros(len(rows) + 1, np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    ev_t = np.concatenate([plan.t_decommit, plan.t_adjust])
    ev_p = np.concatenate([np.arange(P_), np.arange(P_)])
    ev_kind = np.concatenate([np.zeros(P_, int), np.ones(P_, int)])
    order = np.lexsort((ev_kind, ev_p, ev_t))

    def year_bin(t):
        return np.clip(np.floor(t - plan.start).astype(np.int64), 0, Y - 1)

    K = len(plan.calls)
    last = np.full(len(plan.funds), -1, np.int64)
    for f, k in plan.last_call_of_fund.items():
        last[f] = k
    st = plan.settings
    pol = plan.policy
    kin = KernelInputs(
        rows=np.concatenate(rows) if rows else np.zeros(0, np.int64), ptr=ptr,
        call_t=plan.call_time.astype(np.float64), call_f=plan.call_fund.astype(np.int64),
        call_budget=np.array(plan.call_budget, np.float64), call_share=np.asarray(plan.call_share, np.float64),
        call_y=np.array([min(max(c.decision.year - plan.start, 0), Y - 1) for c in plan.calls], np.int64),
        last=last, ev_p=ev_p[order].astype(np.int64),
        # events before call k (and, at K, all of them): the first eptr[k] in time order
        eptr=np.maximum.accumulate(np.searchsorted(
            ev_t[order], np.append(plan.call_time.astype(np.float64), np.inf), side="right")).astype(np.int64),
        ev_kind=ev_kind[order].astype(np.int64),
        g=plan.g.astype(np.int64), gfund=plan.group_fund.astype(np.int64), gamt=plan.group_amount.astype(np.float64),
        env=plan.fund_env.astype(np.float64), cumcap=plan.fund_cumcap.astype(np.float64),
        cp=plan.fund_cp.astype(np.float64), carry=plan.fund_carry.astype(np.float64),
        over=plan.fund_over.astype(np.bool_),
        req=plan.req.astype(np.float64), ph1=np.nan_to_num(plan.ph1).astype(np.float64),
        has_ph1=(np.isfinite(plan.ph1) & (plan.ph1 > 0)),
        scope=(plan.total / np.maximum(plan.req, 1.0)).astype(np.float64),
        dur_y=(plan.dur / 12).astype(np.float64), value=plan.value.astype(np.float64),
        savings=plan.savings.astype(np.float64),
        gorder=np.argsort(plan.g, kind="stable").astype(np.int64),
        gptr=np.concatenate([[0], np.cumsum(np.bincount(plan.g, minlength=len(plan.groups)))]).astype(np.int64),
        common=bool(plan.common_profile),
        cbin=year_bin(plan.t_commit), abin=year_bin(plan.t_adjust), dbin=year_bin(plan.t_decommit),
        x0=(plan.t_commit - plan.start).astype(np.float64), prof=np.ascontiguousarray(plan.profiles, np.float64),
        attrition_rate=float(st.attrition_rate), phase1_only_rate=float(st.phase1_only_rate),
        overrun_paid_by_fund_rate=float(st.overrun_paid_by_fund_rate), savings_mean_rate=float(st.savings.mean_rate),
        max_commit_share_per_call_rate=(np.nan if pol.max_commit_share_per_call_rate is None
                                        else float(pol.max_commit_share_per_call_rate)),
        reserve_last_call_eur=float(pol.reserve_last_call_eur), exhausted_share=float(EXHAUSTED_SHARE),
        stop=bool(plan.stop_at_misfit),
    )
    plan._kin = kin
    return kin


def _kernel(n, off, enabled, draws, kin, out, work):
    """The model of :func:`_run_chunk` on ``n`` draws, block by block (compiled by numba).

    The outputs are laid out draws last (as :class:`_ChunkOut`) and written from draw ``off`` on:
    each step writes a block's draws contiguously.

    The inputs come per block, projects x draws (``(blocks, projects, BLOCK)``: cost ratio,
    duration ratio, fate uniform, savings factor; without uncertainty one block of 1, 1, 2 and
    the mean factor).  Each step of the model (a project's fate, an event, a project considered by
    a call, its amounts) is applied to all the block's draws in an inner loop over draws, written
    without branches so that it runs on SIMD lanes: every operand is loaded first (a select whose
    operand is loaded in one of its branches compiles to masked loads and stores, which stall),
    amounts are kept or dropped by a 0/1 factor (adding the resulting +-0 leaves a sum >= +0 as it
    was) and counts add 0/1 integers.  Each draw is computed alone, with the NumPy reference's
    arithmetic, so the results are the same to the last bit whatever the block split.
    ``wb2, wf2, wf3, wf1, wb1`` are the working arrays (:func:`_kernel_work`), whose every element
    read is first set.  ``rows`` lists, call by call (``ptr``), the projects a call may fund
    in selection order; ``eptr[k]`` counts the events (time order) before call ``k``;
    ``gorder``/``gptr`` list the projects group by group.  With ``common`` every project has the
    payment profile ``prof[0]``: amounts are first added at the year their first tranche is due,
    then spread.
    """
    cost_r, delay_r, fate_u, sav_f = draws
    rows, ptr, call_t, call_f, call_budget = kin.rows, kin.ptr, kin.call_t, kin.call_f, kin.call_budget
    call_share, call_y, last, eptr, ev_p, ev_kind = (kin.call_share, kin.call_y, kin.last, kin.eptr, kin.ev_p,
                                                     kin.ev_kind)
    g, gfund, gamt, env, cumcap, cp, carry, over = kin.g, kin.gfund, kin.gamt, kin.env, kin.cumcap, kin.cp, kin.carry, kin.over
    req, ph1c, has_ph1, scope, dur_y, value, savings = (kin.req, kin.ph1, kin.has_ph1, kin.scope, kin.dur_y,
                                                        kin.value, kin.savings)
    cbin, abin, dbin, x0, prof, gorder, gptr = kin.cbin, kin.abin, kin.dbin, kin.x0, kin.prof, kin.gorder, kin.gptr
    common, stop = kin.common, kin.stop
    yearly, fund_due, avail_k, comm_k, nsel_k = out.yearly, out.fund_due, out.avail, out.committed_call, out.nsel_call
    gtot, flags, sel_count, ph1_count, attr_count = out.gtot, out.fund_flags, out.sel_count, out.ph1_count, out.attr_count
    wb2, wf2, wf3, wf1, wb1 = work
    P_ = req.shape[0]
    G = gamt.shape[0]
    F = env.shape[0]
    K = call_t.shape[0]
    Y = yearly.shape[2]
    L = prof.shape[1]
    B = cost_r.shape[2]
    a_rate, p1_rate, o_rate = kin.attrition_rate, kin.phase1_only_rate, kin.overrun_paid_by_fund_rate
    sav_mean = kin.savings_mean_rate
    share_cap, reserve, exh = kin.max_commit_share_per_call_rate, kin.reserve_last_call_eur, kin.exhausted_share
    p1_lim = a_rate + p1_rate
    # working arrays (:func:`_kernel_work`), reused call after call: fresh ones cost page faults
    sel, attr, isph1 = wb2
    C, topup, unf, net_f, net_g, max_f, room_last, first, ae0, ae1, backlog = wf2
    dem = wf3
    rem, spent, cnt, av, s0, s1, s2, s3, s4, s5, s6, bsel, Aj, cr, due, paid = wf1
    stopped = wb1
    Ylast = np.float64(Y - 1)
    nblk = (n + B - 1) // B
    for blk in range(nblk):
        d0 = blk * B
        nd = min(B, n - d0)
        o = off + d0  # the block's first draw in the outputs
        bi0 = blk if enabled else 0
        # fates and commitments
        for p in range(P_):
            hp = has_ph1[p]
            cq = req[p]
            c1 = ph1c[p]
            fu = fate_u[bi0, p]
            for j in range(nd):
                u = np.float64(fu[j])
                a = u < a_rate
                h = (u >= a_rate) & (u < p1_lim) & hp
                attr[p, j] = a
                isph1[p, j] = h
                C[p, j] = c1 if h else cq
                sel[p, j] = False
                topup[p, j] = 0.0
                unf[p, j] = 0.0
        for f in range(F):
            for j in range(nd):
                net_f[f, j] = 0.0
                max_f[f, j] = 0.0
        for gg in range(G):
            for j in range(nd):
                net_g[gg, j] = 0.0
                room_last[gg, j] = 0.0
        ep = 0
        for k in range(K + 1):
            while ep < eptr[k]:
                p = ev_p[ep]
                kind = ev_kind[ep]
                ep += 1
                gg = g[p]
                f = gfund[gg]
                nf = net_f[f]
                ng = net_g[gg]
                mf = max_f[f]
                Cp = C[p]
                ap = attr[p]
                sp = sel[p]
                if kind == 0:
                    for j in range(nd):
                        cm = Cp[j] * (1.0 if (ap[j] & sp[j]) else 0.0)  # x - 0.0 is x, to the bit
                        nf[j] -= cm
                        ng[j] -= cm
                    continue
                sc = scope[p]
                ovf = over[f]
                ef = env[f]
                ga = gamt[gg]
                crp = cost_r[bi0, p]
                tp = topup[p]
                up = unf[p]
                for j in range(nd):
                    live = sp[j] & (not ap[j])
                    r = np.float64(crp[j])
                    c = Cp[j]
                    nfj = nf[j]
                    ngj = ng[j]
                    tpj = tp[j]
                    upj = up[j]
                    mfj = mf[j]
                    ov = max(r - 1.0, 0.0) * c * sc * o_rate
                    und = min(r - 1.0, 0.0) * c
                    room = max(min(ef - nfj, ga - ngj), 0.0)
                    fu_ = ov if ovf else min(ov, room)
                    delta = fu_ + und
                    # selected by a 0/1 factor rather than a select, whose operands LLVM would
                    # load under a mask: adding the resulting +-0 leaves a sum as it is, to the
                    # bit (net commitments are never -0)
                    lf = 1.0 if live else 0.0
                    dl = delta * lf
                    tp[j] = tpj + dl
                    up[j] = upj + (ov - fu_) * lf
                    x = nfj + dl
                    nf[j] = x
                    ng[j] = ngj + dl
                    mf[j] = max(mfj, x)
            if k == K:
                break
            f = call_f[k]
            cap = cumcap[f, call_y[k]]
            cb = call_budget[k]
            csh = call_share[k]
            lastk = last[f] == k
            ef = env[f]
            nf = net_f[f]
            for j in range(nd):
                a_ = cap - nf[j]
                if a_ < 0.0:
                    a_ = 0.0
                avail_k[k, o + j] = a_
                budget = min(a_, cb)
                if csh < 1.0:  # the call's allotment: its share of the year's credits left
                    budget = min(budget, a_ * csh)
                if share_cap == share_cap:  # not nan
                    budget = min(budget, share_cap * ef)
                if reserve > 0 and not lastk:
                    budget = min(budget, max(a_ - reserve, 0.0))
                av[j] = a_
                rem[j] = budget
                spent[j] = 0.0
                cnt[j] = 0.0
                stopped[j] = False
            if lastk:
                for gg in range(G):
                    if gfund[gg] == f:
                        for j in range(nd):
                            room_last[gg, j] = min(gamt[gg] - net_g[gg, j], av[j])
            for ii in range(ptr[k], ptr[k + 1]):
                p = rows[ii]
                gg = g[p]
                ga = gamt[gg]
                ng = net_g[gg]
                Cp = C[p]
                sp = sel[p]
                # every operand is loaded before the selects: a select between a new value and
                # a load made in one of its branches becomes a masked load or store, which
                # stalls the processor
                for j in range(nd):
                    c = Cp[j]
                    remj = rem[j]
                    ngj = ng[j]
                    spentj = spent[j]
                    cntj = cnt[j]
                    fit = (c <= remj + 1e-6) & (c <= ga - ngj + 1e-6)
                    if stop:
                        st_ = stopped[j] | (not fit)
                        stopped[j] = st_
                        fit = fit & (not st_)
                    sp[j] = sp[j] | fit
                    rem[j] = (remj - c) if fit else remj
                    spent[j] = (spentj + c) if fit else spentj
                    cnt[j] = (cntj + 1.0) if fit else cntj
                    ng[j] = (ngj + c) if fit else ngj
            mf = max_f[f]
            for j in range(nd):
                x = nf[j] + spent[j]
                nf[j] = x
                mf[j] = max(mf[j], x)
                comm_k[k, o + j] = spent[j]
                nsel_k[k, o + j] = cnt[j]
        # amounts, years, group by group
        for gg in range(G):
            for j in range(nd):
                s0[j] = 0.0
                s1[j] = 0.0
                s2[j] = 0.0
                s3[j] = 0.0
                s4[j] = 0.0
                s5[j] = 0.0
                s6[j] = 0.0
            for y in range(Y):
                for j in range(nd):
                    first[y, j] = 0.0
                    dem[gg, y, j] = 0.0
            for y in range(Y):
                for j in range(nd):
                    ae0[y, j] = 0.0
                    ae1[y, j] = 0.0
            for ii in range(gptr[gg], gptr[gg + 1]):
                p = gorder[ii]
                vp = value[p]
                vph = value[p] * (ph1c[p] / max(req[p], 1.0))
                svp = savings[p]
                x0p = x0[p]
                dyp = dur_y[p]
                sp = sel[p]
                ap = attr[p]
                hp = isph1[p]
                Cp = C[p]
                tpp = topup[p]
                up = unf[p]
                svf = sav_f[bi0, p]
                drp = delay_r[bi0, p]
                a0c = ae0[cbin[p]]
                a0a = ae0[abin[p]]
                a1a = ae1[abin[p]]
                a1d = ae1[dbin[p]]
                # one short loop per output, so that each can go on SIMD lanes; amounts are
                # kept or dropped by a 0/1 factor (x * 0 is +-0 for a finite x, and adding +-0 to
                # these sums, which are >= +0, leaves them as they are, to the bit)
                ns = 0
                na = 0
                nh = 0
                # (the counts add 0/1 integers: a count of a condition stays scalar)
                for j in range(nd):
                    sj = np.int64(sp[j])
                    ns += sj
                    m = np.float64(sj)
                    s0[j] += Cp[j] * m
                    s6[j] += m
                for j in range(nd):
                    a0c[j] += Cp[j] * (1.0 if sp[j] else 0.0)
                for j in range(nd):
                    sa = np.int64(sp[j]) & np.int64(ap[j])
                    na += sa
                    a1d[j] += Cp[j] * np.float64(sa)
                for j in range(nd):
                    tp = tpp[j]
                    a0a[j] += tp * (1.0 if (sp[j] & (not ap[j]) & (tp > 0)) else 0.0)
                for j in range(nd):
                    tp = tpp[j]
                    a1a[j] += -tp * (1.0 if (sp[j] & (not ap[j]) & (not tp > 0)) else 0.0)
                for j in range(nd):
                    lf = 1.0 if (sp[j] & (not ap[j])) else 0.0
                    s1[j] += (Cp[j] + tpp[j]) * lf
                    s5[j] += up[j] * lf
                for j in range(nd):
                    live = np.int64(sp[j]) & (1 - np.int64(ap[j]))
                    hj = np.int64(hp[j])
                    lh = live & hj
                    nh += lh
                    s4[j] += vph * np.float64(lh) + vp * np.float64(live & (1 - hj))
                for j in range(nd):
                    ff = 1.0 if (sp[j] & (not ap[j]) & (not hp[j])) else 0.0
                    s2[j] += svp * (np.float64(svf[j]) if enabled else sav_mean) * ff
                    s3[j] += svp * ff
                # the year of the first tranche, clipped to the horizon (in floating point, so
                # that the loop runs on SIMD lanes); a project not live adds 0 in year 0, which
                # leaves every sum as it is (they are >= +0)
                for j in range(nd):
                    live = sp[j] & (not ap[j])
                    sh = max(np.float64(drp[j]) - 1.0, 0.0) * dyp
                    b = min(max(np.floor(x0p + sh), 0.0), Ylast)
                    lf = 1.0 if live else 0.0
                    bsel[j] = b * lf
                    Aj[j] = (Cp[j] + tpp[j]) * lf
                if common:
                    for j in range(nd):
                        first[int(bsel[j]), j] += Aj[j]
                else:
                    for j in range(nd):
                        b = int(bsel[j])
                        for i in range(L):
                            bi = b + i
                            if bi > Y - 1:
                                bi = Y - 1
                            dem[gg, bi, j] += Aj[j] * prof[p, i]
                sel_count[p] += ns
                attr_count[p] += na
                ph1_count[p] += nh
            if common:
                for b in range(Y):
                    for i in range(L):
                        bi = b + i
                        if bi > Y - 1:
                            bi = Y - 1
                        w = prof[0, i]
                        for j in range(nd):
                            dem[gg, bi, j] += first[b, j] * w
            gt = gtot[gg]
            for t, s_ in enumerate((s0, s1, s2, s3, s4, s5, s6, room_last[gg])):
                for j in range(nd):
                    gt[t, o + j] = s_[j]
            for y in range(Y):
                y0 = yearly[gg, 0, y]
                y1 = yearly[gg, 1, y]
                y2 = yearly[gg, 2, y]
                a0 = ae0[y]
                a1 = ae1[y]
                dm = dem[gg, y]
                for j in range(nd):
                    y0[o + j] = a0[j]
                    y1[o + j] = a1[j]
                    y2[o + j] = dm[j]
        # CP appropriations per fund, year by year (each draw sees the operations of the reference)
        for f in range(F):
            for j in range(nd):
                cr[j] = 0.0
            for gg in range(G):
                for j in range(nd):
                    backlog[gg, j] = 0.0
            cf = carry[f]
            for y in range(Y):
                for j in range(nd):
                    due[j] = 0.0
                for gg in range(G):
                    if gfund[gg] == f:
                        dm = dem[gg, y]
                        bl = backlog[gg]
                        for j in range(nd):
                            due[j] += dm[j] + bl[j]
                fd = fund_due[f, y]
                for j in range(nd):
                    fd[o + j] = due[j]
                app = cp[f, y]
                if app != app or y == Y - 1:
                    for j in range(nd):
                        paid[j] = due[j]
                        cr[j] = 0.0
                else:
                    cmax = cf * app
                    for j in range(nd):
                        avc = app + cr[j]
                        pd_ = min(due[j], avc)
                        paid[j] = pd_
                        cr[j] = min(avc - pd_, cmax)
                for j in range(nd):
                    paid[j] = paid[j] / due[j] if due[j] > 0 else 1.0  # now the ratio paid / due
                for gg in range(G):
                    if gfund[gg] == f:
                        dm = dem[gg, y]
                        bl = backlog[gg]
                        y3 = yearly[gg, 3, y]
                        for j in range(nd):
                            dg = dm[j] + bl[j]
                            pg = dg * paid[j]
                            y3[o + j] = pg
                            bl[j] = dg - pg
            fl = flags[f]
            if last[f] >= 0:
                al = avail_k[last[f]]
                lim = exh * env[f]
                for j in range(nd):
                    fl[0, o + j] = 1.0 if al[o + j] < lim else 0.0
            lim = env[f] + 0.5
            mf = max_f[f]
            for j in range(nd):
                fl[1, o + j] = 1.0 if mf[j] > lim else 0.0
                fl[2, o + j] = mf[j]


if _nb is not None:
    _ratios_from_table = _nb.njit(cache=True, nogil=True)(_ratios_from_table_py)
    _order_stats = _nb.njit(cache=True, nogil=True)(_order_stats_py)
    _kernel = _nb.njit(cache=True, nogil=True)(_kernel)


def _new_chunk_out(plan: _Plan, n: int) -> _ChunkOut:
    P_, G, F, K, Y = plan.n, len(plan.groups), len(plan.funds), len(plan.calls), len(plan.years)
    return _ChunkOut(yearly=np.zeros((G, 4, Y, n)), fund_due=np.zeros((F, Y, n)),
                     avail=np.zeros((K, n)), committed_call=np.zeros((K, n)), nsel_call=np.zeros((K, n)),
                     gtot=np.zeros((G, len(GTOT), n)), fund_flags=np.zeros((F, 3, n)),
                     sel_count=np.zeros(P_, np.int64), ph1_count=np.zeros(P_, np.int64),
                     attr_count=np.zeros(P_, np.int64))


def _kernel_work(kin: KernelInputs) -> tuple:
    """The compiled kernel's working arrays for one block of draws (one set per thread, reused)."""
    P_, F, G, Y, B = len(kin.req), len(kin.env), len(kin.gamt), kin.cp.shape[1], BLOCK
    return (tuple(np.zeros((P_, B), np.bool_) for _ in range(3)),
            tuple(np.zeros(shape) for shape in [(P_, B)] * 3 + [(F, B), (G, B), (F, B), (G, B)] + [(Y, B)] * 3
                  + [(G, B)]),
            np.zeros((G, Y, B)), tuple(np.zeros(B) for _ in range(16)), np.zeros(B, np.bool_))


def _kernel_on(kin: KernelInputs, inputs: tuple | None, out: _ChunkOut, d0: int, d1: int, counts: np.ndarray,
               work: tuple | None = None) -> None:
    """The compiled kernel on draws ``d0 .. d1-1`` of ``out``; ``inputs`` hold those draws from
    their first block on (None: no uncertainty); ``counts`` (3, projects) accumulates; ``work``:
    the working arrays of :func:`_kernel_work` (default: new ones)."""
    enabled = inputs is not None
    if not enabled:
        shape = (1, len(kin.req), BLOCK)
        inputs = (np.ones(shape, np.float32), np.ones(shape, np.float32), np.full(shape, 2.0, np.float32),
                  np.zeros(shape, np.float32))  # the savings factor is then the mean (kin.savings_mean_rate)
    _kernel(d1 - d0, d0, enabled, KernelDraws(*inputs), kin,
            KernelOutputs(out.yearly, out.fund_due, out.avail, out.committed_call, out.nsel_call, out.gtot,
                          out.fund_flags, counts[0], counts[1], counts[2]),
            _kernel_work(kin) if work is None else work)


def _sum_counts(out: _ChunkOut, counts: np.ndarray) -> _ChunkOut:
    out.sel_count[:] = counts[:, 0].sum(axis=0)
    out.ph1_count[:] = counts[:, 1].sum(axis=0)
    out.attr_count[:] = counts[:, 2].sum(axis=0)
    return out


def _run_chunk_fast(plan: _Plan, raw: tuple | None, n: int, pool=None, workers: int = 1,
                    into: _ChunkOut | None = None) -> _ChunkOut:
    """The compiled kernel on ``n`` draws (``raw`` from :func:`_raw_blocks`, None = no uncertainty).

    With ``workers`` > 1 the draws are split (at block boundaries) between threads of ``pool``;
    each draw is computed alone, so the split never changes a result.  ``into``: the arrays to
    write (default: new ones).
    """
    kin = _kernel_inputs(plan)
    out = _new_chunk_out(plan, n) if into is None else into
    enabled = raw is not None
    nb = raw[0].shape[0] if enabled else 0
    parts = max(1, min(workers, nb if enabled else n))
    if enabled:
        cuts = [min(round(i * nb / parts) * BLOCK, n) for i in range(parts + 1)]
    else:
        cuts = [round(i * n / parts) for i in range(parts + 1)]
    counts = np.zeros((parts, 3, plan.n), np.int64)

    def run(i: int) -> None:
        d0, d1 = cuts[i], cuts[i + 1]
        if d1 > d0:
            _kernel_on(kin, tuple(a[d0 // BLOCK:] for a in raw) if enabled else None, out, d0, d1, counts[i])

    _each(pool, run, parts)
    return _sum_counts(out, counts)


#: Blocks drawn and simulated together by a worker thread of :func:`_simulate_blocks_fast`.
FUSED_BLOCKS = 2


def _simulate_blocks_fast(plan: _Plan, seed_seq: "_SeedSeq", b0: int, b1: int, n: int, pool=None,
                          workers: int = 1, into: _ChunkOut | None = None, tick=None) -> _ChunkOut:
    """Draws ``b0 * BLOCK ..`` (``n`` of them): each worker thread takes the next blocks
    (:data:`FUSED_BLOCKS` at a time), draws them (:func:`_raw_blocks`) and runs the compiled
    kernel on them at once, while they are still in the processor's cache.  Every block has its
    own seed and every draw is computed alone, so which thread takes which block never changes a
    result.  ``into``: the arrays to write (default: new ones); ``tick(k)`` is called (under a
    lock) as each worker finishes ``k`` draws (a progress bar)."""
    import threading

    kin = _kernel_inputs(plan)
    out = _new_chunk_out(plan, n) if into is None else into
    nb = b1 - b0
    parts = max(1, min(workers, -(-nb // FUSED_BLOCKS)))
    tasks = iter(range(0, nb, FUSED_BLOCKS))
    lock = threading.Lock()
    counts = np.zeros((parts, 3, plan.n), np.int64)

    def run(i: int) -> None:
        buf = tuple(np.empty((FUSED_BLOCKS, plan.n, BLOCK), np.float32) for _ in range(4))
        work = _kernel_work(kin)
        while True:
            with lock:
                j0 = next(tasks, None)
            if j0 is None:
                return
            j1 = min(j0 + FUSED_BLOCKS, nb)
            raw = _raw_blocks(plan, seed_seq, b0 + j0, b0 + j1, out=buf)
            _kernel_on(kin, raw, out, j0 * BLOCK, min(j1 * BLOCK, n), counts[i], work)
            if tick is not None:
                with lock:
                    tick(min(j1 * BLOCK, n) - j0 * BLOCK)

    _each(pool, run, parts)
    return _sum_counts(out, counts)


def first_results_late_share(result: SimulationResult) -> float:
    """Expected share of the funded projects whose plan shows first results later than the fund
    promises (FITN: 12 months), weighting each candidate by how often it is selected [fraction];
    NaN when nothing is funded or no candidate gives ``first_results_months``."""
    sel = result.selected
    if "first_results_late" not in sel.columns or sel["p_selected"].sum() <= 0:
        return float("nan")
    return float((sel["p_selected"] * sel["first_results_late"]).sum() / sel["p_selected"].sum())
