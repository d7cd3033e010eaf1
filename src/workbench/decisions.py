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

import datetime as dt
import math
import time
from dataclasses import dataclass
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .candidates import split_ids
from .errors import InputError, Problem, closest
from .messages import Text, code_of, msg
from . import selection as pf
from .selection import robustness
from .selection.allotment import call_budget_eur, call_shares, candidate_calls, credits_at_eur
from .selection.scoring import roi_ratio

#: What the decisions are called in results and reports.
CALL_BY_CALL = "call_by_call"
PERFECT_FORESIGHT = "perfect_foresight"


@dataclass
class CallState:
    """What the calls decided before one call leave to it: the state :func:`decide_calls` resumes from.

    ``index`` is the call's position in ``scenario.calls``; ``committed_by_fund`` [EUR],
    ``sub_used`` [EUR] and ``paid_by_year`` [EUR] are what the earlier calls committed (by fund
    and sub-envelope) and will pay (by year, when the selection sets payment limits);
    ``pending`` the next phases of first-phase laureates waiting for a later call; the rest
    (tables, records, results of the earlier calls) is what the final result is assembled from.
    ``inputs`` identifies the scenario and candidates the state was computed from: a state is
    only resumed on the same ones.  Copied on resume, so one state may be resumed many times.
    """

    index: int
    committed_by_fund: dict
    sub_used: dict
    paid_by_year: dict
    pending: dict
    extra_index: int
    extras: tuple
    parts: tuple
    per_call: dict
    records: tuple
    solvers: tuple
    inputs: tuple

    @property
    def call_ids(self) -> list[str]:
        """The calls decided before this state (in decision order)."""
        return [r["call"] for r in self.records]


def _inputs_key(scenario, cands: pd.DataFrame) -> tuple:
    from .selection.model import _fingerprint

    return (scenario.hash(), _fingerprint(cands))


def call_settings_of(scenario, call_settings: Mapping[str, Mapping[str, Any]] | None = None) -> dict:
    """The committees' own settings by call: the scenario's ``selection.call_settings``
    (:attr:`workbench.scenario.Scenario.call_settings`, a variant saved from the dashboard), with
    ``call_settings`` given by the caller on top (a live session), call by call."""
    out = {c: dict(v) for c, v in scenario.call_settings.items()}
    for c, v in (call_settings or {}).items():
        out[str(c)] = dict(v or {})
    return out


def decide_calls(scenario, candidates: pd.DataFrame, weights: Mapping[str, float] | None = None,
                 forced_in: Iterable[str] = (), forced_out: Iterable[str] = (),
                 rules: Mapping[str, Any] | None = None, time_limit_s: float | None = None,
                 robustness_samples: int = 0, seed: int | None = None, engine: str = "scipy",
                 calls: Iterable[str] | None = None, method: str | None = None,
                 call_settings: Mapping[str, Mapping[str, Any]] | None = None,
                 override_reasons: Mapping[str, str] | None = None,
                 resume: CallState | None = None, keep_states: bool = False,
                 deadline: float | None = None, committed_eur: Mapping[str, float] | None = None) -> pf.RankResult:
    """Decide the calls one after another, each among its own applications (see the module).

    Parameters are those of :func:`workbench.selection.rank`; ``calls`` limits the replay to
    the named calls (earlier calls still decide first, so that the credits left are right).
    ``deadline`` (a ``time.perf_counter()`` instant): each call gets an equal share of the time
    left for the calls still to decide; a call whose share runs out is decided in merit order
    (:func:`workbench.selection.select`'s fallback).
    ``method`` (default: the scenario's ``selection.call_decision``, else ``merit_order``):
    ``merit_order``, the committee's practice: the eligible applications by value per euro (the
    quality, under the quality x scope model), each funded if it still fits every rule, until
    the allotment is used (:func:`workbench.selection.greedy`); where that order would break a
    rule (a minimum share, a dependency), the exact optimum of the call instead.  ``optimal``:
    the exact optimum of each call (:func:`workbench.selection.rank`), which may leave a
    better project out to fill the allotment with a larger one.

    ``call_settings`` (``{call id: {"weights": {...}, "budget_eur": x, "force_in": [...],
    "force_out": [...]}}``, on top of the scenario's ``selection.call_settings``) gives a
    committee's own weights, its own budget (never above the credits left), and the projects it
    forces in or out, to the named calls: a live session on one call while the others decide
    as the scenario says.  ``forced_in`` and ``forced_out`` apply to every call (the fund's
    whole view).  A forced project is an override the table records (columns ``override``,
    ``override_reason`` from ``override_reasons`` and the scenario's
    ``selection.override_reasons``): a project forced in passes the quality bar, an assumption
    of the workbench, but never a rule of the fund's texts nor the call's budget.

    ``resume``: the state before a call (``result.states[call]`` of an earlier run with
    ``keep_states=True``): the calls before it are taken from the state, the others decided as
    above.  Resumed on the scenario and candidates it was computed from, the result is
    identical to a full run; that is how a live session re-decides only the call under review
    and the later ones.

    ``committed_eur`` (``{fund: EUR}``): what each fund decided outside this replay (a laureate
    book's net decisions: committed less de-committed, plus decided and not yet committed),
    counted against the credits left of every call, as if decided before the first of them (give
    the calls it covers a budget of 0 in ``call_settings``).

    Raises
    ------
    InputError
        A forced project that is not a candidate of its call, that a rule of the fund refuses
        (the rule named), or forced projects asking more than the call's budget.

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
        and the total solver time.  ``states``: with ``keep_states``, the :class:`CallState`
        before each call decided here, by call id (and, when ``calls`` stops the replay early,
        before the next call: where a later run resumes).
    """
    from .version import __version__

    cands = candidates.reset_index(drop=True)
    method = scenario.selection.call_decision if method is None else method
    call_of = candidate_calls(scenario, cands)
    shares = call_shares(scenario)
    fund_of = scenario.envelope_codes
    funds = scenario.funds
    s0 = pf.settings(scenario, rules)
    user_limits = {int(y): float(pf.param_value(v)) for y, v in (s0.get("payment_limits_eur") or {}).items()}
    own_settings = call_settings_of(scenario, call_settings)
    why = {**scenario.override_reasons, **{str(k): str(v) for k, v in (override_reasons or {}).items()}}
    fi_all, fo_all = set(map(str, forced_in)), set(map(str, forced_out))
    wanted = None if calls is None else set(calls)
    next_phase_m = float(scenario.selection.next_phase_after_months)
    inputs = _inputs_key(scenario, cands) if (keep_states or resume is not None) else ()
    if resume is None:
        start = 0
        sub_used: dict[str, float] = {}
        committed_by_fund: dict[str, float] = {f: float((committed_eur or {}).get(f, 0.0)) for f in funds}
        paid_by_year: dict[int, float] = {}
        parts, per_call, records, solvers = [], {}, [], []
        pending: dict[str, list[pd.DataFrame]] = {}   # later phases of first-phase laureates, by call
        extra_index = len(cands)
        extras: list[pd.DataFrame] = []
    else:
        if resume.inputs != inputs:
            raise ValueError("decide_calls: a state is resumed on the scenario and candidates it was computed from")
        start = resume.index
        sub_used, committed_by_fund = dict(resume.sub_used), dict(resume.committed_by_fund)
        paid_by_year = dict(resume.paid_by_year)
        parts, per_call, records = list(resume.parts), dict(resume.per_call), list(resume.records)
        solvers, extras, extra_index = list(resume.solvers), list(resume.extras), resume.extra_index
        pending = {c: list(v) for c, v in resume.pending.items()}
    states: dict[str, CallState] = {}

    def snapshot(k: int) -> CallState:
        return CallState(k, dict(committed_by_fund), dict(sub_used), dict(paid_by_year),
                         {c: tuple(v) for c, v in pending.items()}, extra_index, tuple(extras), tuple(parts),
                         dict(per_call), tuple(records), tuple(solvers), inputs)

    for k in range(start, len(scenario.calls)):
        call = scenario.calls[k]
        if keep_states:
            states[call.id] = snapshot(k)
        idx = np.flatnonzero(np.asarray(call_of) == call.id)
        back = pending.pop(call.id, [])
        fund = funds[call.fund]
        left = credits_at_eur(fund, call.decision) - committed_by_fund[call.fund]
        if s0.get("budget_eur") is not None:  # the selection's own cap over all calls
            left = min(left, float(s0["budget_eur"]) - sum(committed_by_fund.values()))
        budget = call_budget_eur(call, left, shares[k])
        own = own_settings.get(call.id) or {}
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
        ids = set(sub["id"].astype(str))
        fi_call, fo_call = _call_overrides(scenario, call, ids, own, fi_all, fo_all)
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
        if fi_call:   # refused before any solve: a rule of the fund, or more than the call's budget
            _check_forced_in(scenario, call, sub, fi_call, budget, w_call, r)
        if budget < 1.0:
            res = None
        else:
            share = None
            if deadline is not None:   # an equal share of what is left for this call and the later ones
                now = time.perf_counter()
                share = now + max(deadline - now, 0.0) / (len(scenario.calls) - k)
            # the robustness of the decision made: each draw decided by the call's own method
            res = robustness.rank(scenario, sub, robustness_samples=robustness_samples, seed=seed, decision=method,
                                  budget_eur=budget, weights=w_call, forced_in=fi_call,
                                  forced_out=fo_call, rules=r, time_limit_s=time_limit_s, engine=engine,
                                  deadline=share)
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
        _record_overrides(scenario, t, fi_call, fo_call, why, w_call, rules)
        parts.append(t)
        chosen = t[t["selected"].astype(bool)]
        rec["value"] = float(t["contribution"].sum())
        rec["eligible"] = int(t["eligible"].sum())
        rec["laureates"] = int(len(chosen))
        rec["granted_eur"] = float(chosen["funded_eur"].sum())
        rec["total_cost_eur"] = float(chosen["total_cost_eur"].sum()) if "total_cost_eur" in chosen else float("nan")
        rec["overrides"] = int((t["override"] != "").sum())
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
            if keep_states and k + 1 < len(scenario.calls):   # where a later run resumes
                states[scenario.calls[k + 1].id] = snapshot(k + 1)
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
              "time_s": float(sum(s.get("time_s") or 0.0 for s in solvers)),
              "proven_optimal": all(s.get("status") == "optimal" for s in solvers),
              "fallback": "greedy" if any(s.get("fallback") == "greedy" for s in solvers) else worst.get("fallback")}
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
        for count in pf.PROOF_COUNTS:   # draws of every call
            robust.attrs[count] = int(sum(r.robustness.attrs.get(count, 0) for r in per_call.values()))
        robust.attrs["not_proven_draws"] = {c: r.robustness.attrs.get("not_proven_draws", [])
                                            for c, r in per_call.items() if r.robustness.attrs.get("not_proven_draws")}
    return pf.RankResult(table, totals, solver, conflicts or None, dict(pf.check_weights(weights, scenario)), prov,
                         last.selection if last is not None else None, scenario,
                         pd.concat([cands, *extras]) if extras else cands, robust,
                         calls=per_call, by_call=by_call, states=states if keep_states else None)


def _call_overrides(scenario, call, ids: set, own: Mapping[str, Any], fi_all: set, fo_all: set
                    ) -> tuple[tuple, tuple]:
    """The projects forced in and out in ``call``: the fund-wide lists' ids among the call's
    candidates ``ids``, and the call's own (``own["force_in"]``, ``own["force_out"]``), each of
    which must be a candidate of the call."""
    probs = []
    lists = []
    for key, every in (("force_in", fi_all), ("force_out", fo_all)):
        mine = [str(x) for x in own.get(key) or ()]
        for x in mine:
            if x not in ids:
                probs.append(Problem("<committee>", f"selection.call_settings.{call.id}.{key}", x,
                                     msg("E_FORCE_NOT_IN_CALL", call=call.id, suggestion=closest(x, ids))))
        lists.append(tuple(sorted((every & ids) | (set(mine) & ids))))
    if probs:
        raise InputError(probs)
    return lists[0], lists[1]


def _check_forced_in(scenario, call, sub: pd.DataFrame, forced_in: tuple, budget_eur: float,
                     weights: Mapping[str, float], rules: Mapping[str, Any]) -> None:
    """Refuse, before any solve, the projects forced in that the call cannot fund: one a rule of
    the fund refuses (the rule named: the quality bar, an assumption, is passed by the override),
    or forced projects asking more than the call's budget [EUR] together (each at its cheapest:
    its first phase when the selection allows it).

    Raises
    ------
    InputError
        One problem per project refused (``E_FORCE_IN_REFUSED``) or one for the budget
        (``E_FORCE_IN_OVER_BUDGET``).
    """
    s = pf.quality_bar_settings(scenario, pf.settings(scenario, rules), weights, forced_in)
    el = pf.candidate_eligibility(scenario, sub, s)
    ids = sub["id"].astype(str).to_numpy()
    probs = []
    for x in forced_in:
        i = int(np.flatnonzero(ids == x)[0])
        if not bool(el["eligible"].iloc[i]):
            probs.append(Problem("<committee>", "force_in", x, msg(
                "E_FORCE_IN_REFUSED", id=x, call=call.id, reason=Text(msg("R_PARTS", parts=pf.reason_parts(
                    el["reason"].iloc[i]))))))
    if probs:
        raise InputError(probs)
    req = sub["requested_eur"].to_numpy(float)
    ph1 = sub["phase1_cost_eur"].to_numpy(float) if "phase1_cost_eur" in sub else np.full(len(sub), np.nan)
    phase1 = bool(s["allow_phase1"])
    need = 0.0
    for x in forced_in:
        i = int(np.flatnonzero(ids == x)[0])
        need += float(min(req[i], ph1[i])) if phase1 and np.isfinite(ph1[i]) and ph1[i] > 0 else float(req[i])
    if need > budget_eur + 0.5:
        raise InputError([Problem("<committee>", "force_in", ", ".join(forced_in), msg(
            "E_FORCE_IN_OVER_BUDGET", call=call.id, ids=", ".join(forced_in), need_meur=need / 1e6,
            budget_meur=budget_eur / 1e6))])


def _record_overrides(scenario, t: pd.DataFrame, forced_in: tuple, forced_out: tuple, why: Mapping[str, str],
                      weights: Mapping[str, float], rules) -> None:
    """Name the committee's overrides in a call's table (in place): ``override`` (``"force_in"``,
    ``"force_out"`` or ``""``), ``override_reason`` (the committee's words, ``""`` when none) and
    the reason of a project forced in or out, which says so (and, for one below the quality bar,
    that the override passed it, with its score)."""
    ov = np.full(len(t), "", dtype=object)
    words = np.full(len(t), "", dtype=object)
    ids = t["id"].astype(str).to_numpy()
    fi, fo = set(forced_in), set(forced_out)
    if fi or fo:
        bar = ((rules or {}).get("eligibility") or {}).get("min_quality_points")
        if bar is None:
            bar = scenario.selection.min_quality_points
        reasons = list(t["reason"])
        sel = t["selected"].to_numpy(bool)
        for i, x in enumerate(ids):
            if x not in fi and x not in fo:
                continue
            ov[i] = "force_in" if x in fi else "force_out"
            words[i] = why.get(x, "")
            because = msg("R_OVERRIDE_WHY", reason=words[i]) if words[i] else ""
            if x in fo:
                reasons[i] = Text(msg("R_FORCED_OUT_BY_COMMITTEE", why=because))
            elif sel[i]:
                score = None
                if bar is not None:
                    from .selection.scoring import quality_points

                    score = float(quality_points(t.iloc[[i]], weights, scenario.criteria_scale).iloc[0])
                payer = t["paying_envelope"].iat[i]
                if score is not None and score < float(bar) - 1e-9:
                    reasons[i] = Text(msg("R_FORCED_IN_BELOW_BAR", why=because, payer=payer, score=score,
                                          bar=float(bar)))
                else:
                    reasons[i] = Text(msg("R_FORCED_IN_BY_COMMITTEE", why=because, payer=payer,
                                          phase=msg("R_PHASE1_ONLY") if t["funding"].iat[i] == "phase1" else ""))
        t["reason"] = pd.Series(reasons, index=t.index, dtype=object)
        t["reason_code"] = [code_of(r) for r in reasons]
    t["override"] = ov
    t["override_reason"] = words


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
    ids = t["id"].astype(str).to_numpy()
    chosen = set(ids[g])
    req_cells = t["requires"].to_numpy() if "requires" in t else [""] * len(t)
    exc_cells = t["excludes"].to_numpy() if "excludes" in t else [""] * len(t)
    for i in range(len(t)):
        if g[i]:
            code = "R_SELECTED_PHASE1_MERIT" if funding[i] == "phase1" else "R_SELECTED_MERIT"
            reasons[i] = Text(msg(code, payer=t["paying_envelope"].iat[i]))
        elif elig[i] and code_of(reasons[i]) not in ("R_INELIGIBLE", "R_BELOW_ASSUMED_BAR", "R_FORCED_OUT"):
            # a prerequisite left out (or an exclusive project taken) blocks it before the allotment
            deps = [msg("R_REQUIRES", other=y) for y in split_ids(req_cells[i]) if y not in chosen]
            deps += [msg("R_EXCLUDES", other=y) for y in split_ids(exc_cells[i]) if y in chosen]
            reasons[i] = Text(msg("R_NOT_SELECTED_DEPENDENCY", parts=deps) if deps else msg("R_OUTRANKED_ALLOTMENT"))
    t["reason"] = pd.Series(reasons, index=t.index, dtype=object)
    t["reason_code"] = [code_of(r) for r in reasons]
    return t


def select_portfolio(scenario, candidates: pd.DataFrame, perfect_foresight: bool = False,
                     **kwargs: Any) -> pf.RankResult:
    """The portfolio a scenario's committees would fund: call by call when the scenario has
    several calls (:func:`decide_calls`), else the optimum of its one call
    (:func:`workbench.selection.rank`, with the call's own settings of ``call_settings`` and the
    scenario's ``selection.call_settings``).  ``perfect_foresight=True`` asks for the
    whole-period optimum instead (a benchmark).  The one entry point of the report, the sweep,
    ``compare``, ``workbench rank`` and the dashboard (through :mod:`workbench.pipeline`).

    In every case a project forced in passes the quality bar but never a rule of the fund nor
    the budget (refused with :class:`~workbench.errors.InputError`), and the table names the
    overrides (``override``, ``override_reason``).
    """
    if len(scenario.calls) > 1 and not perfect_foresight and kwargs.get("budget_eur") is None:
        kwargs.pop("budget_eur", None)
        return decide_calls(scenario, candidates, **kwargs)
    call = scenario.calls[0] if len(scenario.calls) == 1 else None
    own = call_settings_of(scenario, kwargs.pop("call_settings", None)).get(call.id, {}) if call is not None else {}
    why = {**scenario.override_reasons,
           **{str(k): str(v) for k, v in (kwargs.pop("override_reasons", None) or {}).items()}}
    kwargs.pop("resume", None)
    kwargs.pop("keep_states", None)
    if own.get("weights") is not None:
        kwargs["weights"] = own["weights"]
    if own.get("budget_eur") is not None:
        kwargs["budget_eur"] = own["budget_eur"]
    ids = set(candidates["id"].astype(str))
    s = pf.settings(scenario, kwargs.get("rules"), kwargs.get("budget_eur"))
    fi = tuple(dict.fromkeys([*map(str, s.get("force_in") or ()), *map(str, kwargs.pop("forced_in", ()) or ()),
                              *own.get("force_in", ())]))
    fo = tuple(dict.fromkeys([*map(str, s.get("force_out") or ()), *map(str, kwargs.pop("forced_out", ()) or ()),
                              *own.get("force_out", ())]))
    known = tuple(x for x in fi if x in ids)
    if known and call is not None:
        budget = s.get("budget_eur") or sum(f.envelope_eur for f in scenario.funds.values())
        w = kwargs["weights"] if kwargs.get("weights") is not None else scenario.weights
        _check_forced_in(scenario, call, candidates[candidates["id"].astype(str).isin(known)], known, float(budget), w,
                         kwargs.get("rules") or {})
    # the scenario's own lists are read again by rank: pass only the others
    res = robustness.rank(scenario, candidates, forced_in=tuple(x for x in fi if x not in (s.get("force_in") or ())),
                          forced_out=tuple(x for x in fo if x not in (s.get("force_out") or ())), **kwargs)
    w = kwargs["weights"] if kwargs.get("weights") is not None else scenario.weights
    _record_overrides(scenario, res.table, tuple(x for x in fi if x in ids), tuple(x for x in fo if x in ids), why, w,
                      kwargs.get("rules"))
    return res


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
    last_call: dict[str, dt.date] = {}   # each fund's last call's decision date
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


def explain_decision(result: pf.RankResult, project_id: str) -> dict:
    """Why a project is in or out of the decided portfolio, and what would change that, in the
    committee's own terms.

    For a call decided in merit order (:func:`decide_calls`): the project's rank in the call's
    order, what was left of the call's budget at its turn [EUR], and — for an eligible project
    left out — the weighted score [points, 0-100] that would place it early enough to be funded
    (only when the scale allows it: never a fix that no score reaches) and the request that
    would fit in what was left at its turn; for a selected one, the value the call's portfolio
    would lose without it.  A call decided by the exact optimum, or a one-call scenario, is
    explained by :func:`workbench.selection.explain`.

    Returns
    -------
    dict
        ``id``, ``selected``, ``eligible``, ``text`` (a coded text), and as they apply
        ``merit_rank``, ``left_at_turn_eur``, ``score_needed_points``, ``score_increase_points``,
        ``score_increase_per_criterion``, ``score_reachable``, ``cost_reduction_eur``,
        ``value_lost_if_removed``.
    """
    t = result.table
    hit = t.index[t["id"].astype(str) == str(project_id)]
    if not len(hit):
        raise InputError([Problem("<option>", "project", project_id, msg("E_UNKNOWN_CANDIDATE_SUGGEST",
                                                                       suggestion=closest(project_id, t["id"])))])
    row = t.loc[hit[0]]
    call = str(row["call"]) if "call" in t.columns else ""
    res = (result.calls or {}).get(call)
    rec = None
    if result.by_call is not None and call:
        got = result.by_call[result.by_call["call"] == call]
        rec = got.iloc[0].to_dict() if len(got) else None
    out = {"id": str(project_id), "selected": bool(row["selected"]), "eligible": bool(row["eligible"])}
    if rec is None or rec.get("status") != "merit order" or res is None:   # not decided in merit order
        if res is not None or result.calls is None:
            ex = pf.explain(res if res is not None else result, project_id)
            return {**ex, **out}
        out["text"] = Text(msg("X_REASON", id=str(project_id), reason=row["reason"]))
        return out
    if not row["eligible"]:
        out["text"] = Text(msg("X_REASON", id=str(project_id), reason=row["reason"]))
        return out
    if str(row.get("override", "")) == "force_in":
        out["text"] = Text(msg("X_FORCED_IN", id=str(project_id)))
        return out
    if str(row.get("override", "")) == "force_out":
        out["text"] = Text(msg("X_FORCED_OUT", id=str(project_id)))
        return out
    if not row["selected"] and code_of(row["reason"]) != "R_OUTRANKED_ALLOTMENT":
        out["text"] = Text(msg("X_REASON", id=str(project_id), reason=row["reason"]))   # a prerequisite, …
        return out
    sub = t[(t["call"].astype(str) == call) & t["eligible"].astype(bool)]
    forced = (sub["override"] == "force_in").to_numpy() if "override" in sub else np.zeros(len(sub), bool)
    order = np.lexsort((sub["id"].astype(str).to_numpy(), -sub["value_per_eur"].to_numpy(float), ~forced))
    sub = sub.iloc[order]
    budget = float(rec["allotment_eur"])
    spent = np.cumsum(np.where(sub["selected"].to_numpy(bool), sub["funded_eur"].to_numpy(float), 0.0))
    left_before = budget - np.r_[0.0, spent[:-1]]
    pos = int(np.flatnonzero(sub["id"].astype(str).to_numpy() == str(project_id))[0])
    left = float(max(left_before[pos], 0.0))   # [EUR]
    out["merit_rank"] = pos + 1
    out["left_at_turn_eur"] = left
    if row["selected"]:
        sel = res.selection
        vals = sel.values.to_numpy(float).copy()
        ids = sel.model.ids
        i = int(np.flatnonzero(ids == str(project_id))[0])
        vals[i] = 0.0   # last in the order: the others are funded as if it had not applied
        x = pf.greedy(sel.model, vals, sel.settings["budget_eur"], sel.forced_in, phase1_fallback=True)
        ch = pf.choice_table(sel.model, x, len(ids))
        keep = ch["selected"].to_numpy(bool) & (np.arange(len(ids)) != i)
        without = float((sel.values.to_numpy(float) * ch["value_rate"].to_numpy())[keep].sum())
        loss = float(sub["contribution"].sum()) - without
        out["value_lost_if_removed"] = loss
        out["text"] = Text(msg("X_MERIT_SELECTED", id=str(project_id), rank=pos + 1, call=call,
                               per_meur=float(row["value_per_meur"]), loss=loss))
        return out
    req = float(row["requested_eur"])
    parts = []
    # the latest place in the order (the lowest score) where what is left still pays for it
    funded_pos = [j for j in range(len(sub)) if j < pos and bool(sub["selected"].iat[j]) and not forced[order][j]]
    fits = [j for j in funded_pos if left_before[j] >= req - 0.5]
    from .selection.scoring import quality_points

    weights = (result.totals.get("weights") if isinstance(result.totals, dict) else None) or res.weights
    q = float(quality_points(t.loc[[hit[0]]], weights, result.scenario.criteria_scale).iloc[0])
    scale = result.scenario.criteria_scale
    if fits:
        j = fits[-1]
        needed_value = float(sub["value_per_eur"].iat[j]) * req
        v = float(row["value"])
        q_needed = q * needed_value / v if v > 0 else float("inf")
        out["score_needed_points"] = q_needed
        reachable = q_needed <= 100.0 + 1e-9
        out["score_reachable"] = reachable
        if reachable:
            lack = max(q_needed - q, 0.0)
            out["score_increase_points"] = lack
            out["score_increase_per_criterion"] = lack / 100.0 * (scale[1] - scale[0])
            parts.append(msg("X_MERIT_SCORE", needed=q_needed, lack=lack,
                             per_criterion=out["score_increase_per_criterion"], other=str(sub["id"].iat[j])))
        else:
            parts.append(msg("X_MERIT_NO_SCORE", needed=q_needed))
    else:
        out["score_reachable"] = False
        parts.append(msg("X_MERIT_TOO_BIG", budget_meur=budget / 1e6))
    if left >= 1000.0 and left < req:
        out["cost_reduction_eur"] = req - left
        parts.append(msg("X_MERIT_CUT", to_meur=left / 1e6, cut_meur=(req - left) / 1e6))
    else:
        parts.append(msg("X_MERIT_NO_CUT"))
    out["text"] = Text(msg("X_MERIT_OUT", id=str(project_id), rank=pos + 1, call=call, score=q,
                           left_meur=left / 1e6, requested_meur=req / 1e6, parts=parts))
    return out


def call_candidates(decided: pf.RankResult, call_id: str) -> pd.DataFrame:
    """The applications a call's committee saw (its own, and the next phases of earlier
    first-phase laureates), as :func:`decide_calls` gave them to it."""
    t = decided.table
    idx = t.index[t["call"].astype(str) == str(call_id)]
    return decided.candidates.loc[idx]


def call_stability(scenario, decided: pf.RankResult, call_id: str, grid: int = 10, tol: float = 0.005) -> pd.DataFrame:
    """For each criterion, the range of its weight over which a call's decision stays the same
    (:func:`workbench.selection.robustness.weight_stability`), judged by the call's own method
    (the merit order unless the call fell back to the optimum), with the call's weights, budget
    (its allotment) and rules as :func:`decide_calls` decided it; for a scenario of one call
    decided as one optimum (:func:`select_portfolio`), that optimum.  ``grid`` steps then bisection
    to ``tol`` [fraction of weight].  Columns: ``criterion``, ``weight``, ``low``, ``high``."""
    res: pf.RankResult | None
    if decided.calls is None:     # one call decided as one optimum (select_portfolio): the whole table
        res, cands, status = decided, decided.candidates, "optimal"
    else:
        res = decided.calls.get(call_id)
        cands = call_candidates(decided, call_id)
        status = decided.by_call.set_index("call").at[call_id, "status"] if decided.by_call is not None else ""
    if res is None or res.selection is None:
        return pd.DataFrame(columns=["criterion", "weight", "low", "high"])
    sel = res.selection
    rules = {k: v for k, v in sel.settings.items()
             if k in pf.RULE_KEYS and k not in ("budget_eur", "force_in", "force_out")}
    return robustness.weight_stability(
        scenario, cands, weights=sel.weights, budget_eur=sel.settings["budget_eur"],
        rules=rules, forced_in=sel.forced_in, forced_out=sel.forced_out, grid=grid, tol=tol,
        decision="merit_order" if status == "merit order" else "optimal")


def call_contingency(scenario, decided: pf.RankResult, call_id: str,
                     probability: float, samples: int = 500) -> dict | None:
    """The contingency portfolio of a call (:func:`workbench.selection.robustness.contingency_portfolio`):
    the best portfolio of the call's applications that stays within its allotment with the
    given probability once costs overrun (the fund paying its share of overruns), with the call's
    weights and rules; ``None`` for a call that decided nothing."""
    res = decided if decided.calls is None else decided.calls.get(call_id)
    if res is None or res.selection is None:
        return None
    sel = res.selection
    rules = {k: v for k, v in sel.settings.items()
             if k in pf.RULE_KEYS and k not in ("budget_eur", "force_in", "force_out")}
    cands = decided.candidates if decided.calls is None else call_candidates(decided, call_id)
    return robustness.contingency_portfolio(scenario, cands, probability=probability,
                                            samples=samples, weights=sel.weights, budget_eur=sel.settings["budget_eur"],
                                            rules=rules, forced_in=sel.forced_in, forced_out=sel.forced_out)
