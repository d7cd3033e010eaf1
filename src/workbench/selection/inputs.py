"""The selection settings, the criteria weights, the projects' values and eligibility, and the payment profile.

Everything the selection model is built from, read from the validated scenario (:mod:`workbench.scenario`)
and the candidate table; no solving here.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, closest
from ..limits import MAX_WEIGHT
from ..messages import msg
from ..scenario import SelectionSection
from .scoring import CRITERIA, eligibility, normalise_weights, scenario_values, scenario_values_rows


#: Settings a caller may give in ``rules`` (same names as the scenario's ``selection`` block).
RULE_KEYS = (
    "budget_eur", "allow_phase1", "phase1_value_rate", "owner_share_max_rate", "owner_share_min_rate",
    "theme_share_min_rate",
    "theme_share_max_rate", "payment_limits_eur", "sub_envelopes", "fund_payment_limits", "time_limit_s",
    "mip_rel_gap", "roi_mode", "roi_target_ratio", "roi_weight", "eligibility", "force_in", "force_out",
    "sub_envelope_budgets_eur",
)
#: The selection's rules without a scenario: the schema's defaults (``selection.*``).
DEFAULTS = SelectionSection()
DEFAULT_TIME_LIMIT_S = float(DEFAULTS.time_limit_s)
#: Least time [s] the solver is given when model building used up the time limit.
MIN_SOLVE_S = 0.2
#: Time kept for what follows the solve (choice table, rule check, greedy comparison, reasons):
#: a fixed part [s] and a part per candidate [s] (about 4.5 µs measured on 200,000 candidates).
POST_SOLVE_S = 0.15
POST_SOLVE_S_PER_CANDIDATE = 6e-6
DEFAULT_MIP_REL_GAP = float(DEFAULTS.mip_rel_gap)
_TOL_EUR = 0.5


# --------------------------------------------------------------------------------------------
# settings, weights, values
# --------------------------------------------------------------------------------------------
def param_value(v: Any) -> Any:
    from .. import params as P

    return P.value(v) if P.is_param_node(v) else v


def settings(scenario, rules: Mapping[str, Any] | None = None, budget_eur: float | None = None) -> dict:
    """The selection settings: the scenario's rules (:meth:`workbench.scenario.SelectionSection.settings`:
    every rule with its value or the schema's default; without a scenario the defaults), then
    ``rules``, then the budget.

    Raises
    ------
    InputError
        For an unknown rule name or a budget <= 0.
    """
    out = (scenario.selection if scenario is not None else DEFAULTS).settings()
    problems = []
    for k, v in (rules or {}).items():
        if k not in RULE_KEYS:
            problems.append(Problem("<rules>", k, v, msg("E_UNKNOWN_RULE", suggestion=closest(k, RULE_KEYS))))
        else:
            out[k] = v
    if budget_eur is not None:
        out["budget_eur"] = budget_eur
    b = out.get("budget_eur")
    if b is not None:
        try:
            bf = float(b)
        except (TypeError, ValueError):
            bf = float("nan")
        if not bf > 0:
            problems.append(Problem("<option>", "budget_eur", b, msg("E_BUDGET")))
        else:
            out["budget_eur"] = bf
    if problems:
        raise InputError(problems)
    return out


def check_weights(weights: Mapping[str, float] | None, scenario=None) -> dict[str, float]:
    """Weights normalised to sum 1; the scenario's weights when ``None``.

    Raises
    ------
    InputError
        An unknown criterion, a negative, infinite or too large weight (above
        :data:`workbench.limits.MAX_WEIGHT`), or weights that are all zero.
    """
    if weights is None:
        weights = scenario.weights
    problems = []
    for k, v in weights.items():
        if k not in CRITERIA:
            problems.append(Problem("<option>", "weights", k,
                                    msg("E_UNKNOWN_CRITERION_LIST", suggestion=closest(k, CRITERIA),
                                        choices=list(CRITERIA))))
        else:
            try:
                x = float(v)
            except (TypeError, ValueError, OverflowError):
                x = float("nan")
            if not x >= 0:
                problems.append(Problem("<option>", f"weights.{k}", v, msg("E_WEIGHT_NOT_NUMBER_GE0")))
            elif not x <= MAX_WEIGHT:  # infinite or huge: a typing slip, and sums overflow
                problems.append(Problem("<option>", f"weights.{k}", v, msg("E_WEIGHT_TOO_LARGE", limit=MAX_WEIGHT)))
    if not problems and max(float(v) for v in weights.values()) <= 0:
        problems.append(Problem("<option>", "weights", dict(weights), msg("E_WEIGHTS_ALL_ZERO")))
    if problems:
        raise InputError(problems)
    return normalise_weights(weights)


def project_values(scenario, cands: pd.DataFrame, weights: Mapping[str, float] | None = None,
                   rules: Mapping[str, Any] | None = None) -> pd.Series:
    """Each project's value if fully funded, under the scenario's value model
    (:func:`workbench.selection.scoring.scenario_values`: ``points`` or ``points x M€``).  With
    ``selection.roi_mode: criterion`` the return on investment enters as a fifth criterion of
    weight ``roi_weight`` (the schema's default, 0.2): ``100 * min(roi / target, 1)``, 0 when savings are not
    given, against the FTAP target of 1 € per year for 1 € invested (DITP, 12 November 2018).
    """
    s = settings(scenario, rules)
    w = check_weights(weights, scenario)
    return scenario_values(scenario, cands, w, roi_mode=s["roi_mode"], roi_weight_rate=float(s["roi_weight"]),
                           roi_target_ratio=float(s["roi_target_ratio"]))


def project_values_rows(scenario, cands: pd.DataFrame, weights: Sequence[Mapping[str, float]],
                        rules: Mapping[str, Any] | None = None) -> np.ndarray:
    """:func:`project_values` for many weight vectors, shape ``(len(weights), n)``; row ``k`` is
    bit for bit ``project_values(scenario, cands, weights[k], rules)``."""
    s = settings(scenario, rules)
    ws = [check_weights(w, scenario) for w in weights]
    return scenario_values_rows(scenario, cands, ws, roi_mode=s["roi_mode"], roi_weight_rate=float(s["roi_weight"]),
                                roi_target_ratio=float(s["roi_target_ratio"]))


def quality_bar_settings(scenario, s: Mapping[str, Any], weights: Mapping[str, float] | None = None,
                         forced_in: Sequence[str] = ()) -> dict:
    """The selection settings ``s`` with what the quality bar is judged by (when a bar applies).

    The bar (``selection.min_quality_points``, or ``s["eligibility"]["min_quality_points"]``) is
    the minimum weighted score [points, 0-100] under the weights in force: ``weights`` (the
    committee's, as given; its scoring normalises them), else those ``s["eligibility"]`` already
    names (``quality_weights``), else the scenario's.  The bar is an assumption of the workbench
    (calibrated on FTAP's second call, see the scenario), not a rule of the fund's texts: the
    projects forced in (``forced_in``) pass it, an override the decisions record.  Without a bar,
    ``s`` is returned unchanged (the model cache then ignores the weights).
    """
    el = dict(s.get("eligibility") or {})
    bar = el.get("min_quality_points")
    if bar is None and scenario is not None:
        bar = scenario.selection.min_quality_points
    if bar is None:
        return dict(s)
    if weights is not None:
        el["quality_weights"] = {c: float(weights[c]) for c in CRITERIA if c in weights}
    if forced_in:
        el["quality_bar_waived"] = sorted(set(map(str, el.get("quality_bar_waived") or ())) | set(map(str, forced_in)))
    return {**s, "eligibility": el}


# --------------------------------------------------------------------------------------------
# eligibility by call date, payment schedules
# --------------------------------------------------------------------------------------------
def candidate_eligibility(scenario, cands: pd.DataFrame, rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Eligibility with reasons, each candidate judged by the rules in force at its call's decision.

    Candidates with a ``call`` column naming a call of the scenario are judged at that call's
    decision date (FTAP's minimum cost changed from 500 k€ to 250 k€ to 1 M€); others by the
    latest rules.
    """
    extra = (rules or {}).get("eligibility") if rules else None
    dates = {c.id: c.decision for c in scenario.calls} if scenario is not None else {}
    call_of = {c.id: c for c in scenario.calls} if scenario is not None else {}
    if "call" not in cands.columns or not dates:
        return eligibility(cands, scenario, None, extra)
    parts = []
    for call, idx in cands.groupby(cands["call"].astype(str), sort=False).groups.items():
        sub = cands.loc[idx]
        parts.append(eligibility(sub, scenario, dates.get(call), extra, call=call_of.get(call)))
    return pd.concat(parts).loc[cands.index]


def candidate_flags(scenario, cands: pd.DataFrame) -> pd.DataFrame:
    """:func:`workbench.selection.scoring.flags` of each candidate at its call's decision (else the latest
    rules): first results later than the fund promises, DINUM opinion needed (9 M€ of full cost)."""
    from .scoring import flags

    dates = {c.id: c.decision for c in scenario.calls} if scenario is not None else {}
    if "call" not in cands.columns or not dates:
        return flags(cands, scenario, None)
    parts = [flags(cands.loc[idx], scenario, dates.get(call))
             for call, idx in cands.groupby(cands["call"].astype(str), sort=False).groups.items()]
    return pd.concat(parts).loc[cands.index]


def payment_profile(scenario, cands: pd.DataFrame, years: Sequence[int]) -> np.ndarray:
    """Share of each candidate's grant paid in each year, shape ``(n, len(years))`` [fraction].

    From the candidate's own ``cp_<year>_eur`` columns where given (as a profile, so that it
    also applies to a phase-1 award); else the scenario's ``disbursement.profile_rates`` from the
    year the project starts; else an even spread over ``duration_months``.  A project starts at
    its call's decision date (``call`` column) plus the nominal lag to the commitment
    (:attr:`~workbench.scenario.Scenario.contract_lag_months`, the median of the lag), else on
    1 January of the horizon's first year.
    """
    n = len(cands)
    years = list(years)
    out = np.zeros((n, len(years)))
    if not years:
        return out
    ypos = {y: k for k, y in enumerate(years)}
    cp_cols = sorted((int(c[3:7]), c) for c in cands.columns if c.startswith("cp_") and c.endswith("_eur")
                     and c[3:7].isdigit())
    cp = cands[[c for _, c in cp_cols]].to_numpy(float) if cp_cols else np.zeros((n, 0))
    cp = np.nan_to_num(cp)
    cp_sum = cp.sum(axis=1)
    # the same defaults as the simulation (the scenario's typed properties); an even spread over
    # the duration only without a scenario
    lag = scenario.contract_lag_months if scenario is not None else 0.0
    prof = list(scenario.profile_rates) if scenario is not None else None
    dates = {c.id: c.decision for c in scenario.calls} if scenario is not None else {}
    start0 = dt.date(scenario.years[0], 1, 1) if scenario is not None else dt.date(years[0], 1, 1)
    calls = cands["call"].astype(str).to_numpy() if "call" in cands.columns else None
    dur = cands["duration_months"].to_numpy(float)
    for i in range(n):
        if cp_sum[i] > 0:
            for (y, _), v in zip(cp_cols, cp[i]):
                if y in ypos:
                    out[i, ypos[y]] = v / cp_sum[i]
            continue
        d0 = dates.get(calls[i], start0) if calls is not None else start0
        m0 = d0.year * 12 + (d0.month - 1) + int(round(lag))
        if prof:
            y0 = m0 // 12
            for k, r in enumerate(prof):
                if y0 + k in ypos:
                    out[i, ypos[y0 + k]] += r
        else:
            months = max(int(math.ceil(dur[i])), 1)
            ys = (m0 + np.arange(months)) // 12
            for y, c in zip(*np.unique(ys, return_counts=True)):
                if int(y) in ypos:
                    out[i, ypos[int(y)]] = c / months
    return out
