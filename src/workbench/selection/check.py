"""The independent check of a portfolio against every rule, from the candidate table.

MILP solvers have had public wrong-answer bugs: every solution is re-checked here, rule by rule,
without the model's matrices, before it is returned.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..candidates import split_ids
from .model import _fund_of, _payment_limits
from .inputs import _TOL_EUR, param_value, candidate_eligibility, payment_profile


# --------------------------------------------------------------------------------------------
# independent check of a chosen portfolio
# --------------------------------------------------------------------------------------------
def check_portfolio(scenario, cands: pd.DataFrame, choice: pd.DataFrame, s: Mapping[str, Any],
                    forced_in: Iterable[str] = (), forced_out: Iterable[str] = ()) -> list[str]:
    """Every rule re-evaluated on a chosen portfolio, from the candidate table (not the model).

    Parameters
    ----------
    choice : DataFrame
        Indexed like ``cands``: ``selected`` (bool), ``funding`` (``'full'``/``'phase1'``/``''``),
        ``paying_envelope`` (code or ``''``).

    Returns
    -------
    list of str
        The rules broken, in words; empty when the portfolio satisfies every rule.
    """
    out: list[str] = []
    sel = choice["selected"].to_numpy(bool)
    fund_share = np.where(choice["funding"].to_numpy() == "phase1", cands["phase1_cost_eur"].to_numpy(float),
                          cands["requested_eur"].to_numpy(float))
    money = np.where(sel, fund_share, 0.0)
    ids = cands["id"].astype(str).to_numpy()
    codes = _fund_of(scenario)
    funds = scenario.funds
    pay = choice["paying_envelope"].astype(str).to_numpy()
    elig = candidate_eligibility(scenario, cands, s)["eligible"].to_numpy(bool)
    env_cells = cands["envelope"].to_numpy()
    fund_mode = choice["funding"].to_numpy()
    for i in np.flatnonzero(sel):
        if not elig[i]:
            out.append(f"{ids[i]} is selected but not eligible")
        if pay[i] not in split_ids(env_cells[i]) or pay[i] not in codes:
            out.append(f"{ids[i]} is paid by '{pay[i]}', not one of its envelopes")
        if fund_mode[i] not in ("full", "phase1"):
            out.append(f"{ids[i]} is selected without a funding mode")
        if fund_mode[i] == "phase1" and not (s.get("allow_phase1", True) and fund_share[i] > 0
                                              and fund_share[i] < cands["requested_eur"].to_numpy(float)[i]):
            out.append(f"{ids[i]} is funded for phase 1 only without a phase-1 option")
    budget = s.get("budget_eur")
    if budget is None:
        budget = sum(f.envelope_eur for f in funds.values())
    tol = lambda lim: _TOL_EUR + 1e-9 * abs(lim)  # noqa: E731
    total = money.sum()
    if total > budget + tol(budget):
        out.append(f"envelope: {total:,.0f} € committed above {budget:,.0f} €")
    fund_of_row = np.array([codes.get(p, "") for p in pay], dtype=object)
    if len(funds) > 1:
        for fc, f in funds.items():
            t = money[fund_of_row == fc].sum()
            if t > f.envelope_eur + tol(f.envelope_eur):
                out.append(f"fund envelope {fc}: {t:,.0f} € above {f.envelope_eur:,.0f} €")
    if s.get("sub_envelopes", True):
        over = s.get("sub_envelope_budgets_eur") or {}
        for f in funds.values():
            for sc, amount in f.sub_envelopes_eur.items():
                lim = float(param_value(over.get(sc, amount)))
                t = money[pay == sc].sum()
                if t > lim + tol(lim):
                    out.append(f"sub-envelope {sc}: {t:,.0f} € above {lim:,.0f} €")
    limits, fund_limits = _payment_limits(s, funds)
    years = sorted(set(limits) | {y for _, y in fund_limits})
    if years:
        prof = payment_profile(scenario, cands, years)
        paid = prof * money[:, None]
        for k, y in enumerate(years):
            if y in limits and paid[:, k].sum() > limits[y] + tol(limits[y]):
                out.append(f"payments {y}: {paid[:, k].sum():,.0f} € above {limits[y]:,.0f} €")
        for (fc, y), lim in fund_limits.items():
            t = paid[fund_of_row == fc, years.index(y)].sum()
            if t > lim + tol(lim):
                out.append(f"payments {fc} {y}: {t:,.0f} € above {lim:,.0f} €")
    chosen = set(ids[sel])
    for x in forced_in:
        if x not in chosen:
            out.append(f"force in {x}: not selected")
    for x in forced_out:
        if x in chosen:
            out.append(f"force out {x}: selected")
    req_cells = cands["requires"].to_numpy() if "requires" in cands else [""] * len(cands)
    exc_cells = cands["excludes"].to_numpy() if "excludes" in cands else [""] * len(cands)
    for i in np.flatnonzero(sel):
        for y in split_ids(req_cells[i]):
            if y not in chosen:
                out.append(f"{ids[i]} requires {y}: {y} not selected")
        for y in split_ids(exc_cells[i]):
            if y in chosen:
                out.append(f"{ids[i]} excludes {y}: both selected")
    if total > 0:
        owners = cands["owner"].astype(str).to_numpy()
        r = s.get("owner_share_max_rate")
        if r is not None:
            for o in sorted(set(owners[sel])):
                sh = money[owners == o].sum() / total
                if sh > float(r) + 1e-9:
                    out.append(f"owner share max {o}: {sh:.4f} above {float(r):.4f}")
        for o, rate in (s.get("owner_share_min_rate") or {}).items():
            sh = money[owners == o].sum() / total
            if sh < float(param_value(rate)) - 1e-9:
                out.append(f"owner share min {o}: {sh:.4f} below {float(param_value(rate)):.4f}")
        themes = cands["theme"].astype(str).to_numpy() if "theme" in cands else np.full(len(cands), "")
        for t, rate in (s.get("theme_share_min_rate") or {}).items():
            sh = money[themes == t].sum() / total
            if sh < float(param_value(rate)) - 1e-9:
                out.append(f"theme share min {t}: {sh:.4f} below {float(param_value(rate)):.4f}")
        for t, rate in (s.get("theme_share_max_rate") or {}).items():
            sh = money[themes == t].sum() / total
            if sh > float(param_value(rate)) + 1e-9:
                out.append(f"theme share max {t}: {sh:.4f} above {float(param_value(rate)):.4f}")
    return out


class SolverCheckError(RuntimeError):
    """The solver returned a portfolio that breaks a rule (a solver bug): never shown as a result."""

    def __init__(self, broken: list[str]):
        self.broken = broken
        super().__init__("the solver's portfolio breaks rules: " + "; ".join(broken))
