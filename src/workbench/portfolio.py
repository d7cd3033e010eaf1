"""Portfolio selection: the best set of candidate projects under every budget rule.

The selection is an exact mixed-integer programme solved by HiGHS (``scipy.optimize.milp``).
One binary variable per *funding option* of an eligible candidate: each envelope that may pay
for it (``envelope`` ``"A;B"`` gives two) times each funding mode (``full``; ``phase1`` when the
candidate gives a ``phase1_cost_eur`` and the scenario allows it).  At most one option per
project, so a project is never paid twice and the funds are allocated together.

Maximise ``sum value_i * rate_o * x_o`` (``rate_o`` is 1 for full funding, the phase-1 value rate
otherwise) subject to, each a *named rule* so that a conflict can be reported by name:

* ``envelope``: the fund's money committed (``requested_eur`` or ``phase1_cost_eur``) within the
  budget; ``fund envelope F`` per fund when a scenario has several funds;
* ``sub-envelope S``: each sub-envelope's budget (FITN: ITN1 … ITN8D, France Relance action 6-2);
* ``payments YEAR`` (``selection.payment_limits_eur``) and ``payments F YEAR`` (the fund's
  ``appropriations.YEAR.cp_eur``): payments of the year, from the candidate's ``cp_<year>_eur``
  columns, else the scenario's disbursement profile, else an even spread over its duration;
* ``force in X`` / ``force out X``; ``X requires Y``; ``X excludes Y``;
* ``owner share max O`` (one rate for every owner), ``owner share min O`` (named owners),
  ``theme share min T``, ``theme share max T``: shares of the money committed.

Every solution is re-checked rule by rule from the candidate table (:func:`check_portfolio`)
before it is returned: MILP solvers have had public wrong-answer bugs.  When the rules cannot
all hold, a deletion filter over the rule groups returns a minimal set of conflicting rules.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import math
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .candidates import split_ids
from .errors import InputError, Problem, closest
from .messages import Text, code_of, msg
from .files import project_relative, write_atomic, write_csv, write_folder, write_xlsx
from .scoring import (CRITERIA, ROI_TARGET_RATIO, eligibility, normalise_weights, roi_ratio, scenario_values,
                      scenario_values_rows)

#: Settings a caller may give in ``rules`` (same names as the scenario's ``selection`` block).
RULE_KEYS = (
    "budget_eur", "allow_phase1", "phase1_value_rate", "owner_share_max_rate", "owner_share_min_rate",
    "theme_share_min_rate",
    "theme_share_max_rate", "payment_limits_eur", "sub_envelopes", "fund_payment_limits", "time_limit_s",
    "mip_rel_gap", "roi_mode", "roi_target_ratio", "roi_weight", "eligibility", "force_in", "force_out",
    "sub_envelope_budgets_eur",
)
DEFAULT_TIME_LIMIT_S = 60.0
#: Least time [s] the solver is given when model building used up the time limit.
MIN_SOLVE_S = 0.2
#: Time kept for what follows the solve (choice table, rule check, greedy comparison, reasons):
#: a fixed part [s] and a part per candidate [s] (about 4.5 µs measured on 200,000 candidates).
POST_SOLVE_S = 0.15
POST_SOLVE_S_PER_CANDIDATE = 6e-6
DEFAULT_MIP_REL_GAP = 1e-6
_TOL_EUR = 0.5
_QUIET_LOCK = threading.RLock()


@functools.lru_cache(maxsize=None)
def engine(name: str = "scipy") -> dict:
    """The MILP engine: name and version (``"scipy"``: HiGHS inside scipy; ``"highspy"``: HiGHS
    through its own Python package, see :func:`solve_model`)."""
    if name == "highspy":
        import highspy  # noqa: PLC0415 - imported on first use

        h = highspy.Highs()
        return {"engine": "HiGHS (highspy, persistent model)",
                "version": f"HiGHS {h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}, highspy"}
    try:
        from scipy.optimize._highspy import _core  # noqa: PLC0415 - private, version only

        hv = f"{_core.HIGHS_VERSION_MAJOR}.{_core.HIGHS_VERSION_MINOR}.{_core.HIGHS_VERSION_PATCH}"
    except Exception:  # pragma: no cover - scipy layout changed
        hv = "unknown"
    return {"engine": "HiGHS (scipy.optimize.milp)", "version": f"HiGHS {hv}, scipy {scipy.__version__}"}


_engine_info = engine  # the function, where a parameter is called ``engine``


@contextlib.contextmanager
def quiet():
    """Silence anything the solver's C code writes to stdout/stderr (file-descriptor level)."""
    with _QUIET_LOCK:
        try:
            saved = [os.dup(1), os.dup(2)]
        except OSError:  # pragma: no cover - no real descriptors
            yield
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            import sys

            for s in (sys.stdout, sys.stderr):
                try:
                    s.flush()
                except Exception:  # pragma: no cover
                    pass
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved + [devnull]:
                os.close(fd)


# --------------------------------------------------------------------------------------------
# settings, weights, values
# --------------------------------------------------------------------------------------------
def _plain(v: Any) -> Any:
    from . import params as P

    return P.value(v) if P.is_param_node(v) else v


def settings(scenario, rules: Mapping[str, Any] | None = None, budget_eur: float | None = None) -> dict:
    """The selection settings: the scenario's ``selection`` block, then ``rules``, then the budget.

    Raises
    ------
    InputError
        For an unknown rule name or a budget <= 0.
    """
    sel = (scenario.data.get("selection") or {}) if scenario is not None else {}
    out = {k: _plain(v) for k, v in sel.items() if k not in ("rule", "fixed_list")}
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
        An unknown criterion, a negative weight, or weights that are all zero.
    """
    if weights is None:
        weights = scenario.weights
    problems = []
    for k, v in weights.items():
        if k not in CRITERIA:
            problems.append(Problem("<option>", "weights", k, msg("E_UNKNOWN_CRITERION_LIST", suggestion=closest(k, CRITERIA),
                                        choices=list(CRITERIA))))
        else:
            try:
                x = float(v)
            except (TypeError, ValueError):
                x = float("nan")
            if not x >= 0:
                problems.append(Problem("<option>", f"weights.{k}", v, msg("E_WEIGHT_NOT_NUMBER_GE0")))
    if not problems and sum(float(v) for v in weights.values()) <= 0:
        problems.append(Problem("<option>", "weights", dict(weights), msg("E_WEIGHTS_ALL_ZERO")))
    if problems:
        raise InputError(problems)
    return normalise_weights(weights)


def project_values(scenario, cands: pd.DataFrame, weights: Mapping[str, float] | None = None,
                   rules: Mapping[str, Any] | None = None) -> pd.Series:
    """Each project's value if fully funded, under the scenario's value model
    (:func:`workbench.scoring.scenario_values`: ``points`` or ``points x M€``).  With
    ``selection.roi_mode: criterion`` the return on investment enters as a fifth criterion of
    weight ``roi_weight`` (default 0.2): ``100 * min(roi / target, 1)``, 0 when savings are not
    given, against the FTAP target of 1 € per year for 1 € invested (DITP, 12 November 2018).
    """
    s = settings(scenario, rules)
    w = check_weights(weights, scenario)
    return scenario_values(scenario, cands, w, roi_mode=s.get("roi_mode"),
                           roi_weight_rate=float(s.get("roi_weight", 0.2)),
                           roi_target_ratio=float(s.get("roi_target_ratio", ROI_TARGET_RATIO)))


def project_values_rows(scenario, cands: pd.DataFrame, weights: Sequence[Mapping[str, float]],
                        rules: Mapping[str, Any] | None = None) -> np.ndarray:
    """:func:`project_values` for many weight vectors, shape ``(len(weights), n)``; row ``k`` is
    bit for bit ``project_values(scenario, cands, weights[k], rules)``."""
    s = settings(scenario, rules)
    ws = [check_weights(w, scenario) for w in weights]
    return scenario_values_rows(scenario, cands, ws, roi_mode=s.get("roi_mode"),
                                roi_weight_rate=float(s.get("roi_weight", 0.2)),
                                roi_target_ratio=float(s.get("roi_target_ratio", ROI_TARGET_RATIO)))


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
    """:func:`workbench.scoring.flags` of each candidate at its call's decision (else the latest
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
    its call's decision date (``call`` column) plus ``disbursement.contract_lag_months``, else on
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


# --------------------------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------------------------
@dataclass
class Model:
    """The selection model of one candidate table under one set of rules (values excluded).

    Columns are funding options; rows are rule constraints ``lb <= A x <= ub``.  ``groups`` maps a
    rule's name to its rows; rows of ``structural`` groups (one funding per project) are never
    relaxed.  ``cost_rows`` marks rows whose coefficients are euros (scaled by cost draws).
    """

    ids: np.ndarray
    item: np.ndarray
    envelope: np.ndarray
    mode: np.ndarray
    cost_eur: np.ndarray
    value_rate: np.ndarray
    A: sparse.csr_matrix
    lb: np.ndarray
    ub: np.ndarray
    row_group: list
    groups: dict
    cost_rows: np.ndarray
    kind: list
    envelope_row: int
    eligible: pd.DataFrame
    pre_conflicts: list | None = None
    payments: np.ndarray | None = None
    payment_years: tuple = ()
    relaxable: list = field(default_factory=list)
    A_csc: Any = None

    @property
    def n_items(self) -> int:
        return len(self.ids)


def _fund_of(scenario) -> dict[str, str]:
    return dict(scenario.envelope_codes)


def _payment_limits(s: Mapping[str, Any], funds: Mapping[str, Any]) -> tuple[dict, dict]:
    """The yearly payment limits in force [EUR]: ``{year: limit}`` from ``payment_limits_eur``
    and ``{(fund, year): limit}`` from the funds' ``appropriations.YEAR.cp_eur``."""
    limits = {int(y): float(_plain(v)) for y, v in (s.get("payment_limits_eur") or {}).items()}
    fund_limits = {}
    if s.get("fund_payment_limits", True):
        for fc, f in funds.items():
            for y, a in f.appropriations.items():
                if "cp_eur" in a:
                    fund_limits[(fc, int(y))] = a["cp_eur"]
    return limits, fund_limits


def build_model(scenario, cands: pd.DataFrame, s: Mapping[str, Any], forced_in: Iterable[str] = (),
                forced_out: Iterable[str] = ()) -> Model:
    """Build the constraint system for ``cands`` under settings ``s`` (see :func:`settings`)."""
    n = len(cands)
    ids = cands["id"].astype(str).to_numpy()
    pos = {x: i for i, x in enumerate(ids)}
    elig = candidate_eligibility(scenario, cands, s)
    ok = elig["eligible"].to_numpy(bool)
    codes = _fund_of(scenario)
    funds = scenario.funds
    req = cands["requested_eur"].to_numpy(float)
    p1 = cands["phase1_cost_eur"].to_numpy(float) if "phase1_cost_eur" in cands else np.full(n, np.nan)
    allow_p1 = bool(s.get("allow_phase1", True))
    p1_rate_set = s.get("phase1_value_rate")
    items, envs, modes, costs, rates = [], [], [], [], []
    # a candidate may be paid only by the envelopes whose fund's rules admit it
    env_cells = elig["eligible_envelopes"].to_numpy() if "eligible_envelopes" in elig else cands["envelope"].to_numpy()
    for i in np.flatnonzero(ok):
        options = []
        for e in dict.fromkeys(split_ids(env_cells[i])):
            if e in codes:
                options.append(e)
        has_p1 = allow_p1 and p1[i] > 0 and p1[i] < req[i]
        for e in options:
            items.append(i); envs.append(e); modes.append("full"); costs.append(req[i]); rates.append(1.0)
            if has_p1:
                items.append(i); envs.append(e); modes.append("phase1"); costs.append(p1[i])
                rates.append(float(p1_rate_set) if p1_rate_set is not None else p1[i] / req[i])
    item = np.array(items, dtype=int)
    envelope = np.array(envs, dtype=object)
    mode = np.array(modes, dtype=object)
    cost = np.array(costs, dtype=float)
    m = len(item)
    fund_col = np.array([codes[e] for e in envelope], dtype=object)

    rows_i: list[np.ndarray] = []
    rows_j: list[np.ndarray] = []
    rows_v: list[np.ndarray] = []
    lb: list[float] = []
    ub: list[float] = []
    names: list[str] = []
    kinds: list[str] = []
    is_cost: list[bool] = []

    def add(cols, vals, lo, hi, name, kind, cost_row):
        r = len(lb)
        cols = np.asarray(cols, dtype=int)
        rows_i.append(np.full(len(cols), r, dtype=int))
        rows_j.append(cols)
        rows_v.append(np.asarray(vals, dtype=float))
        lb.append(lo); ub.append(hi); names.append(name); kinds.append(kind); is_cost.append(cost_row)

    all_cols = np.arange(m)
    budget = s.get("budget_eur")
    if budget is None:
        budget = sum(f.envelope_eur for f in funds.values())
    add(all_cols, cost, -np.inf, float(budget), "envelope", "budget", True)
    envelope_row = 0
    if len(funds) > 1:
        for fc, f in funds.items():
            cols = np.flatnonzero(fund_col == fc)
            if len(cols):
                add(cols, cost[cols], -np.inf, f.envelope_eur, f"fund envelope {fc}", "budget", True)
    if s.get("sub_envelopes", True):
        over = s.get("sub_envelope_budgets_eur") or {}
        for fc, f in funds.items():
            for sc, amount in f.sub_envelopes_eur.items():
                cols = np.flatnonzero(envelope == sc)
                if len(cols):
                    add(cols, cost[cols], -np.inf, float(_plain(over.get(sc, amount))), f"sub-envelope {sc}", "budget", True)
    # yearly payments
    limits, fund_limits = _payment_limits(s, funds)
    years = tuple(sorted(set(limits) | {y for _, y in fund_limits}))
    payments = None
    if years and m:
        prof = payment_profile(scenario, cands, years)
        payments = prof[item] * cost[:, None]
        for k, y in enumerate(years):
            if y in limits:
                cols = np.flatnonzero(payments[:, k] > 0)
                add(cols, payments[cols, k], -np.inf, limits[y], f"payments {y}", "budget", True)
        for (fc, y), lim in sorted(fund_limits.items()):
            k = years.index(y)
            cols = np.flatnonzero((payments[:, k] > 0) & (fund_col == fc))
            add(cols, payments[cols, k], -np.inf, lim, f"payments {fc} {y}", "budget", True)
    # one funding option per project
    cols_of: dict[int, np.ndarray] = {}
    if m:
        order = np.argsort(item, kind="stable")
        bounds_ = np.flatnonzero(np.diff(np.r_[-1, item[order], n + 1]))
        for a, b in zip(bounds_[:-1], bounds_[1:]):
            cols_of[int(item[order[a]])] = order[a:b]
    multi = [i for i, c in cols_of.items() if len(c) > 1]
    for i in multi:
        c = cols_of[i]
        add(c, np.ones(len(c)), -np.inf, 1.0, f"one funding for {ids[i]}", "structural", False)
    pre = []
    for x in forced_in:
        i = pos[x]
        if i not in cols_of:
            pre.append([f"force in {x}", f"eligibility of {x}: {elig['reason'].iloc[i] or 'no open envelope'}"])
            continue
        c = cols_of[i]
        add(c, np.ones(len(c)), 1.0, np.inf, f"force in {x}", "force", False)
    for x in forced_out:
        i = pos[x]
        if i in cols_of:
            c = cols_of[i]
            add(c, np.ones(len(c)), -np.inf, 0.0, f"force out {x}", "force", False)
    # requires / excludes
    req_cells = cands["requires"].to_numpy() if "requires" in cands else [""] * n
    exc_cells = cands["excludes"].to_numpy() if "excludes" in cands else [""] * n
    seen_pairs = set()
    for i in range(n):
        if i not in cols_of:
            continue
        ci = cols_of[i]
        for y in split_ids(req_cells[i]):
            j = pos.get(y)
            if j is None:
                continue
            cj = cols_of.get(j, np.array([], dtype=int))
            add(np.r_[ci, cj], np.r_[np.ones(len(ci)), -np.ones(len(cj))], -np.inf, 0.0,
                f"{ids[i]} requires {y}", "logic", False)
        for y in split_ids(exc_cells[i]):
            j = pos.get(y)
            if j is None or j not in cols_of:
                continue
            key = (min(i, j), max(i, j))
            if key in seen_pairs:
                continue
            seen_pairs.add(key)
            cj = cols_of[j]
            add(np.r_[ci, cj], np.ones(len(ci) + len(cj)), -np.inf, 1.0, f"{ids[i]} excludes {y}", "logic", False)
    # shares of the money committed
    if m:
        owner = cands["owner"].astype(str).to_numpy()[item]
        theme = cands["theme"].astype(str).to_numpy()[item] if "theme" in cands else np.full(m, "")
        r = s.get("owner_share_max_rate")
        if r is not None:
            for o in sorted(set(owner)):
                coef = cost * ((owner == o) - float(r))
                add(all_cols, coef, -np.inf, 0.0, f"owner share max {o}", "share", True)
        for o, rate in (s.get("owner_share_min_rate") or {}).items():
            add(all_cols, cost * ((owner == o) - float(_plain(rate))), 0.0, np.inf, f"owner share min {o}",
                "share", True)
        for key, lo_side in (("theme_share_min_rate", True), ("theme_share_max_rate", False)):
            for t, rate in (s.get(key) or {}).items():
                coef = cost * ((theme == t) - float(_plain(rate)))
                if lo_side:
                    add(all_cols, coef, 0.0, np.inf, f"theme share min {t}", "share", True)
                else:
                    add(all_cols, coef, -np.inf, 0.0, f"theme share max {t}", "share", True)
    nr = len(lb)
    if nr:
        A = sparse.csr_matrix((np.concatenate(rows_v), (np.concatenate(rows_i), np.concatenate(rows_j))),
                              shape=(nr, m))
    else:  # pragma: no cover - the envelope row always exists
        A = sparse.csr_matrix((0, m))
    groups: dict[str, list[int]] = {}
    for r_, nm in enumerate(names):
        groups.setdefault(nm, []).append(r_)
    relax = [nm for nm in groups if kinds[groups[nm][0]] != "structural"]
    return Model(ids=ids, item=item, envelope=envelope, mode=mode, cost_eur=cost,
                 value_rate=np.array(rates, dtype=float), A=A, lb=np.array(lb, float), ub=np.array(ub, float),
                 row_group=names, groups=groups, cost_rows=np.array(is_cost, bool), kind=kinds,
                 envelope_row=envelope_row, eligible=elig, pre_conflicts=pre[0] if pre else None,
                 payments=payments, payment_years=years, relaxable=relax, A_csc=A.tocsc())


# --------------------------------------------------------------------------------------------
# solving
# --------------------------------------------------------------------------------------------
@dataclass
class Solve:
    """One solver run: the chosen option per project and the solver's report."""

    x: np.ndarray | None
    objective: float
    status: str
    gap: float
    dual_bound: float
    time_s: float
    time_limit_s: float
    mip_rel_gap: float
    message: str = ""


_STATUS = {0: "optimal", 1: "time limit", 2: "infeasible", 3: "unbounded", 4: "error"}
#: How the robustness draws were proven (:func:`workbench.robustness.smaa`'s attributes).
PROOF_COUNTS = ("draws_proven_by_bound", "draws_solved", "draws_not_proven")


def solve_model(model: Model, values: np.ndarray, *, budget_eur: float | None = None,
                col_scale: np.ndarray | None = None, time_limit_s: float | None = None,
                mip_rel_gap: float | None = None, active_rows: np.ndarray | None = None,
                engine: str = "scipy", start: np.ndarray | None = None,
                deadline: float | None = None) -> Solve:
    """Solve the model for project values ``values`` [points per item].

    ``budget_eur`` replaces the envelope row's bound; ``col_scale`` multiplies the euro
    coefficients of each option (cost draws); ``active_rows`` keeps only those rows.

    ``engine="highspy"`` (the dashboard's): the same HiGHS solver with the same gap and time
    limit, through a model kept per :class:`Model` and thread, so a new budget or new values
    only change a bound or the objective; it searches without HiGHS's primal heuristics, restarts
    and strong branching (several times faster on the dashboard's selection models), then, when
    that search has not proved the gap within :data:`FAST_TRY_S`, carries on with HiGHS's default
    search.  ``start``: a 0/1 choice per option to start from (ignored when infeasible).  The
    optimum proved is the same within the gap; among portfolios of equal value the engines may
    pick different ones.

    ``deadline`` (a ``time.perf_counter()`` instant): through scipy, HiGHS overruns its time
    limit by seconds on large models (200,000 candidates: 3 s asked, 5.6 s taken, scipy's
    conversion included), so a model of :data:`LARGE_MODEL_OPTIONS` options or more is solved
    through highspy with a callback that interrupts the search at the deadline (then about
    0.3 s over, measured), reporting ``"time limit"`` and the best portfolio found, if any.
    A ``col_scale`` re-passes the model's coefficients to HiGHS (the model is restored when
    the next call has none).
    """
    m = len(model.item)
    tl = float(time_limit_s if time_limit_s is not None else DEFAULT_TIME_LIMIT_S)
    gap_target = float(mip_rel_gap if mip_rel_gap is not None else DEFAULT_MIP_REL_GAP)
    if m == 0:
        return Solve(np.zeros(0), 0.0, "optimal", 0.0, 0.0, 0.0, tl, gap_target)
    if engine == "highspy":
        if active_rows is not None:
            raise ValueError("the highspy engine solves the model with all its rows (no active_rows)")
        return _persistent(model).solve(np.asarray(values, float), budget_eur, tl, gap_target, start, col_scale)
    if engine != "scipy":
        raise ValueError(f"unknown MILP engine {engine!r} (scipy or highspy)")
    if deadline is not None and m >= LARGE_MODEL_OPTIONS and col_scale is None and active_rows is None:
        return _solve_by_deadline(model, np.asarray(values, float), budget_eur, tl, gap_target, deadline)
    c = -np.asarray(values, float)[model.item] * model.value_rate
    A, lb, ub = model.A, model.lb, model.ub
    if budget_eur is not None:
        ub = ub.copy()
        ub[model.envelope_row] = budget_eur
    if col_scale is not None:
        D = sparse.diags(np.where(model.cost_rows, 1.0, 0.0))
        A = (D @ A) @ sparse.diags(col_scale) + (sparse.diags(np.where(model.cost_rows, 0.0, 1.0)) @ A)
    if active_rows is not None:
        A, lb, ub = A[active_rows], lb[active_rows], ub[active_rows]
    cons = [LinearConstraint(A, lb, ub)] if A.shape[0] else []
    t0 = time.perf_counter()

    with quiet():
        res = milp(c, integrality=np.ones(m), bounds=Bounds(0, 1), constraints=cons,
                   options={"disp": False, "time_limit": tl, "mip_rel_gap": gap_target, "presolve": True})
    took = time.perf_counter() - t0
    status = _STATUS.get(res.status, "error")
    if res.x is None:
        return Solve(None, float("nan"), "infeasible" if res.status == 2 else status, float("nan"),
                     float("nan"), took, tl, gap_target, res.message)
    x = (res.x > 0.5).astype(float)
    obj = float(-(c @ x))
    bound = getattr(res, "mip_dual_bound", None)
    bound = float(-bound) if bound is not None and np.isfinite(bound) else obj
    g = getattr(res, "mip_gap", None)
    g = float(g) if g is not None and np.isfinite(g) else (abs(bound - obj) / max(abs(obj), 1e-9))
    return Solve(x, obj, status, max(g, 0.0), bound, took, tl, gap_target, res.message)


#: HiGHS options of the ``highspy`` engine's first search (see :func:`solve_model`).
FAST_OPTIONS = {
    "mip_heuristic_effort": 0.0, "mip_heuristic_run_feasibility_jump": False, "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False, "mip_heuristic_run_root_reduced_cost": False, "mip_allow_restart": False,
    "mip_pscost_minreliable": 0,
}
#: Time [s] the ``highspy`` engine's first search may take before HiGHS's default search goes on.
FAST_TRY_S = 1.0
_PERSISTENT = threading.local()


class _PersistentHighs:
    """One HiGHS model of a :class:`Model`, kept for new objectives and budgets (one thread).

    Rows of euros are passed in M€ (HiGHS warns about bounds of 1e8 and more); a solution is
    re-checked in euros by :func:`check_portfolio` like any other.
    """

    def __init__(self, model: Model):
        import highspy  # noqa: PLC0415 - the dashboard's engine, imported on first use

        self.hs, self.model = highspy, model
        h = self.h = highspy.Highs()
        h.setOptionValue("output_flag", False)  # before the model: HiGHS prints its banner there
        self.row_scale = np.where(model.cost_rows, 1e-6, 1.0)
        A = (sparse.diags(self.row_scale) @ model.A).tocsc()
        n, r = len(model.item), len(model.lb)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, r
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
        lp.row_lower_ = np.where(np.isfinite(model.lb), model.lb * self.row_scale, -highspy.kHighsInf)
        lp.row_upper_ = np.where(np.isfinite(model.ub), model.ub * self.row_scale, highspy.kHighsInf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, r
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        h.passModel(lp)
        self.cols = np.arange(n, dtype=np.int32)
        self.lp, self.A_data = lp, A.data.copy()
        self.nz_col = np.repeat(np.arange(n), np.diff(A.indptr))     # the column of each coefficient
        self.nz_cost = model.cost_rows[A.indices]                      # coefficients in euros
        self.scaled = False

    def _scale(self, col_scale: np.ndarray | None) -> None:
        """Multiply the euro coefficients of each column by ``col_scale`` (cost draws); ``None``
        restores the model as built."""
        if col_scale is None and not self.scaled:
            return
        data = self.A_data if col_scale is None else \
            self.A_data * np.where(self.nz_cost, np.asarray(col_scale, float)[self.nz_col], 1.0)
        self.lp.a_matrix_.value_ = data
        self.h.passModel(self.lp)   # objective and envelope bound are set again by solve()
        self.scaled = col_scale is not None

    def _options(self, fast: bool, gap: float, tl: float) -> None:
        h = self.h
        h.resetOptions()
        h.setOptionValue("output_flag", False)
        for k, v in (FAST_OPTIONS.items() if fast else ()):
            h.setOptionValue(k, v)
        h.setOptionValue("mip_rel_gap", gap)
        h.setOptionValue("time_limit", max(tl, 1e-3))

    def _start(self, x: np.ndarray | None) -> None:
        if x is not None:
            sol = self.hs.HighsSolution()
            sol.col_value = [float(v) for v in x]
            sol.value_valid = True
            self.h.setSolution(sol)

    def solve(self, values: np.ndarray, budget_eur: float | None, tl: float, gap: float,
              start: np.ndarray | None, col_scale: np.ndarray | None = None) -> Solve:
        hs, h, mdl = self.hs, self.h, self.model
        self._scale(col_scale)
        h.changeColsCost(len(self.cols), self.cols, -values[mdl.item] * mdl.value_rate)
        ub = mdl.ub[mdl.envelope_row] if budget_eur is None else budget_eur
        ub = ub * self.row_scale[mdl.envelope_row] if np.isfinite(ub) else hs.kHighsInf
        lb = mdl.lb[mdl.envelope_row]
        h.changeRowBounds(mdl.envelope_row, lb if np.isfinite(lb) else -hs.kHighsInf, ub)
        t0 = time.perf_counter()
        self._options(True, gap, min(tl, FAST_TRY_S))
        h.clearSolver()
        self._start(start)
        h.run()
        st = h.getModelStatus()
        if st == hs.HighsModelStatus.kTimeLimit and tl > FAST_TRY_S:  # a hard one: HiGHS's own search
            best = np.array(h.getSolution().col_value) if h.getInfo().primal_solution_status == 2 else start
            self._options(False, gap, tl - (time.perf_counter() - t0))
            h.clearSolver()
            self._start(None if best is None else np.round(best))
            h.run()
            st = h.getModelStatus()
        took = time.perf_counter() - t0
        info = h.getInfo()
        status = {hs.HighsModelStatus.kOptimal: "optimal", hs.HighsModelStatus.kTimeLimit: "time limit",
                  hs.HighsModelStatus.kInfeasible: "infeasible",
                  hs.HighsModelStatus.kUnbounded: "unbounded"}.get(st, "error")
        if info.primal_solution_status != 2:  # no feasible point
            return Solve(None, float("nan"), status, float("nan"), float("nan"), took, tl, gap, h.modelStatusToString(st))
        x = (np.array(h.getSolution().col_value) > 0.5).astype(float)
        obj = float(values[mdl.item] * mdl.value_rate @ x)
        bound = -float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else obj
        g = float(info.mip_gap) if np.isfinite(info.mip_gap) else abs(bound - obj) / max(abs(obj), 1e-9)
        return Solve(x, obj, status, max(g, 0.0), bound, took, tl, gap, h.modelStatusToString(st))


#: Models with this many options or more are solved by :func:`_solve_by_deadline` when a
#: wall-clock deadline is given (smaller ones finish or stop on time through scipy).
LARGE_MODEL_OPTIONS = 20_000
#: What HiGHS takes past an interrupt on 200,000 candidates [s] (measured 0.2-0.5 s).
HIGHS_OVERRUN_S = 0.5


def _solve_by_deadline(model: Model, values: np.ndarray, budget_eur: float | None, tl: float, gap: float,
                       deadline: float) -> Solve:
    """Solve through highspy, interrupted by a callback once ``deadline`` has passed."""
    ph = _PersistentHighs(model)  # a fresh one: the callback belongs to this solve
    stop_at = deadline - HIGHS_OVERRUN_S

    def interrupt(kind, message, data_out, data_in, user_data) -> None:
        if time.perf_counter() > stop_at:
            data_in.user_interrupt = True

    ph.h.setCallback(interrupt, None)
    kinds = ph.hs.cb.HighsCallbackType
    for name in ("kCallbackMipInterrupt", "kCallbackSimplexInterrupt", "kCallbackIpmInterrupt"):
        if hasattr(kinds, name):
            ph.h.startCallback(getattr(kinds, name))
    tl = max(min(tl, stop_at - time.perf_counter()), 1e-3)
    sol = ph.solve(values, budget_eur, tl, gap, None)
    if sol.status == "error" and "nterrupt" in sol.message:
        sol = Solve(sol.x, sol.objective, "time limit", sol.gap, sol.dual_bound, sol.time_s, tl, gap,
                    "interrupted at the wall-clock time limit")
    return sol


def _persistent(model: Model) -> _PersistentHighs:
    """The calling thread's HiGHS model of ``model`` (built on first use; a few kept)."""
    cache = getattr(_PERSISTENT, "models", None)
    if cache is None:
        cache = _PERSISTENT.models = {}
    ph = cache.get(id(model))
    if ph is None or ph.model is not model:
        if len(cache) >= _CACHE_MAX:
            cache.pop(next(iter(cache)))
        ph = cache[id(model)] = _PersistentHighs(model)
    return ph


def find_conflicts(model: Model, time_limit_s: float = 10.0) -> list[str]:
    """A minimal set of rule names that cannot all hold (deletion filter over rule groups).

    Removing any one of the returned rules makes the rest feasible.  Structural rows (one
    funding per project) always stay.
    """
    if model.pre_conflicts:
        return list(model.pre_conflicts)
    struct = np.array([model.kind[r] == "structural" for r in range(len(model.lb))], bool)
    zeros = np.zeros(len(model.item))

    def feasible(active: list[str]) -> bool:
        mask = struct.copy()
        for g in active:
            mask[model.groups[g]] = True
        sol = solve_model(model, zeros, active_rows=np.flatnonzero(mask), time_limit_s=time_limit_s,
                          mip_rel_gap=1.0)
        return sol.status != "infeasible"

    cur = list(model.relaxable)
    if feasible(cur):
        return []
    chunk = max(1, len(cur) // 2)
    while True:
        i = 0
        while i < len(cur):
            trial = cur[:i] + cur[i + chunk:]
            if not feasible(trial):
                cur = trial
            else:
                i += chunk
        if chunk == 1:
            break
        chunk = max(1, chunk // 2)
    return cur


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
                lim = float(_plain(over.get(sc, amount)))
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
            if sh < float(_plain(rate)) - 1e-9:
                out.append(f"owner share min {o}: {sh:.4f} below {float(_plain(rate)):.4f}")
        themes = cands["theme"].astype(str).to_numpy() if "theme" in cands else np.full(len(cands), "")
        for t, rate in (s.get("theme_share_min_rate") or {}).items():
            sh = money[themes == t].sum() / total
            if sh < float(_plain(rate)) - 1e-9:
                out.append(f"theme share min {t}: {sh:.4f} below {float(_plain(rate)):.4f}")
        for t, rate in (s.get("theme_share_max_rate") or {}).items():
            sh = money[themes == t].sum() / total
            if sh > float(_plain(rate)) + 1e-9:
                out.append(f"theme share max {t}: {sh:.4f} above {float(_plain(rate)):.4f}")
    return out


class SolverCheckError(RuntimeError):
    """The solver returned a portfolio that breaks a rule (a solver bug): never shown as a result."""

    def __init__(self, broken: list[str]):
        self.broken = broken
        super().__init__("the solver's portfolio breaks rules: " + "; ".join(broken))


def choice_table(model: Model, x: np.ndarray | None, n: int) -> pd.DataFrame:
    """Per candidate (positional): ``selected``, ``funding``, ``paying_envelope``, ``value_rate``."""
    sel = np.zeros(n, bool)
    funding = np.full(n, "", dtype=object)
    payer = np.full(n, "", dtype=object)
    rate = np.zeros(n)
    if x is not None:
        for j in np.flatnonzero(x > 0.5):
            i = model.item[j]
            sel[i] = True
            funding[i] = model.mode[j]
            payer[i] = model.envelope[j]
            rate[i] = model.value_rate[j]
    return pd.DataFrame({"selected": sel, "funding": funding, "paying_envelope": payer, "value_rate": rate})


# --------------------------------------------------------------------------------------------
# fast re-selection (dashboard) with a model cache
# --------------------------------------------------------------------------------------------
@dataclass
class Selection:
    """A checked selection: the choice per candidate and the solver's report."""

    choice: pd.DataFrame
    values: pd.Series
    objective: float
    solve: Solve
    conflicts: list | None
    model: Model
    settings: dict
    weights: dict
    forced_in: tuple
    forced_out: tuple

    @property
    def selected_ids(self) -> list[str]:
        return list(self.model.ids[self.choice["selected"].to_numpy(bool)])


_CACHE: dict = {}
_CACHE_MAX = 8


def _fingerprint(cands: pd.DataFrame) -> str:
    h = hashlib.blake2b(digest_size=16)
    for c in cands.columns:
        col = cands[c]
        h.update(str(c).encode())
        if col.dtype.kind in "fiub":
            h.update(np.ascontiguousarray(col.to_numpy()).tobytes())
        else:
            h.update("\x1f".join(map(str, col.tolist())).encode())
    return h.hexdigest()


def _freeze(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted((str(k), _freeze(x)) for k, x in v.items()))
    if isinstance(v, (list, tuple, set)):
        return tuple(_freeze(x) for x in v)
    return v


def _check_ids(cands, forced_in, forced_out) -> tuple[tuple, tuple]:
    ids = set(cands["id"].astype(str))
    fi, fo = tuple(dict.fromkeys(map(str, forced_in))), tuple(dict.fromkeys(map(str, forced_out)))
    probs = [Problem("<option>", name, x, msg("E_UNKNOWN_CANDIDATE_SUGGEST", suggestion=closest(x, ids)))
             for name, group in (("force_in", fi), ("force_out", fo)) for x in group if x not in ids]
    probs += [Problem("<option>", "force_in/force_out", x, msg("E_FORCED_IN_AND_OUT"))
              for x in set(fi) & set(fo)]
    if probs:
        raise InputError(probs)
    return fi, fo


def get_model(scenario, cands, s, forced_in=(), forced_out=()) -> Model:
    """The model for these inputs, from the cache when already built (budget and weights apart)."""
    key_s = {k: v for k, v in s.items() if k not in ("budget_eur", "time_limit_s", "mip_rel_gap")}
    key = (id(scenario), scenario.hash(), _fingerprint(cands), _freeze(key_s), tuple(forced_in), tuple(forced_out))
    mdl = _CACHE.get(key)
    if mdl is None:
        mdl = build_model(scenario, cands, {**s, "budget_eur": None}, forced_in, forced_out)
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = mdl
    return mdl


def select(scenario, candidates: pd.DataFrame, budget_eur: float | None = None,
           weights: Mapping[str, float] | None = None, forced_in: Iterable[str] = (),
           forced_out: Iterable[str] = (), rules: Mapping[str, Any] | None = None,
           time_limit_s: float | None = None, values: pd.Series | None = None,
           engine: str = "scipy", deadline: float | None = None) -> Selection:
    """The optimal portfolio, checked rule by rule; the fast path behind :func:`rank`.

    The constraint system is cached per (scenario, candidates, rules, forced projects): a new
    budget or new weights only change one bound or the objective.

    Parameters
    ----------
    budget_eur : float, optional
        The envelope for this selection [EUR]; default ``selection.budget_eur``, else the sum of
        the funds' envelopes.
    weights : mapping, optional
        Criteria weights (normalised); default the scenario's.
    forced_in, forced_out : iterable of str
        Candidate ids that must / must not be selected.
    rules : mapping, optional
        Overrides of the scenario's ``selection`` settings (see :data:`RULE_KEYS`).
    time_limit_s : float, optional
        Solver time limit [s]; the gap reached is reported when it stops early.
    engine : {"scipy", "highspy"}
        How HiGHS is called (see :func:`solve_model`); ``"highspy"`` starts from the greedy
        portfolio.
    deadline : float, optional
        A ``time.perf_counter()`` instant by which the whole selection must be done: the solver
        gets what model building left (less the time the checks will take, at least
        :data:`MIN_SOLVE_S`), so a time limit holds on the wall clock (see :func:`rank`).

    Raises
    ------
    InputError
        Bad weights, budget, rule names or ids.
    SolverCheckError
        The solver's answer breaks a rule (never returned as a result).
    """
    s = settings(scenario, rules, budget_eur)
    w = check_weights(weights, scenario)
    fi, fo = _check_ids(candidates, forced_in, forced_out)
    fo = tuple(x for x in fo)
    mdl = get_model(scenario, candidates, s, fi, fo)
    vals = values if values is not None else project_values(scenario, candidates, w, rules)
    budget = s.get("budget_eur")
    if budget is None:
        budget = sum(f.envelope_eur for f in scenario.funds.values())
    tl = time_limit_s if time_limit_s is not None else s.get("time_limit_s")
    if mdl.pre_conflicts:
        sol = Solve(None, float("nan"), "infeasible", float("nan"), float("nan"), 0.0,
                    float(tl or DEFAULT_TIME_LIMIT_S), float(s.get("mip_rel_gap", DEFAULT_MIP_REL_GAP)))
    else:
        v = vals.to_numpy(float)
        start = greedy(mdl, v, budget, fi) if engine == "highspy" else None
        if deadline is not None:
            left = deadline - time.perf_counter() - POST_SOLVE_S - POST_SOLVE_S_PER_CANDIDATE * len(candidates)
            tl = max(min(float(tl or DEFAULT_TIME_LIMIT_S), left), MIN_SOLVE_S)
        sol = solve_model(mdl, v, budget_eur=budget, time_limit_s=tl, mip_rel_gap=s.get("mip_rel_gap"),
                          **({"engine": engine, "start": start} if engine != "scipy" else
                             {"deadline": None if deadline is None
                              else deadline - POST_SOLVE_S - POST_SOLVE_S_PER_CANDIDATE * len(candidates)}))
    conflicts = None
    if sol.x is None:
        conflicts = find_conflicts(_with_budget(mdl, budget)) if sol.status == "infeasible" else None
    ch = choice_table(mdl, sol.x, len(candidates))
    ch.index = candidates.index
    if sol.x is not None:
        broken = check_portfolio(scenario, candidates, ch, {**s, "budget_eur": budget}, fi, fo)
        if broken:
            raise SolverCheckError(broken)
    return Selection(ch, vals, sol.objective, sol, conflicts, mdl, {**s, "budget_eur": budget}, w, fi, fo)


def _with_budget(mdl: Model, budget: float) -> Model:
    ub = mdl.ub.copy()
    ub[mdl.envelope_row] = budget
    return Model(**{**mdl.__dict__, "ub": ub})


# --------------------------------------------------------------------------------------------
# greedy by value per euro
# --------------------------------------------------------------------------------------------
def greedy(model: Model, values: np.ndarray, budget_eur: float, forced_in: Iterable[str] = (),
           phase1_fallback: bool = False) -> np.ndarray:
    """The committee's simple view: projects by value per euro, filled while every budget fits.

    One pass down the list (forced projects first); a project is taken with full funding from
    its first envelope that has room, when its prerequisites are already taken and nothing it
    excludes is; with ``phase1_fallback``, where the full project does not fit, its first phase
    only (where the scenario allows it and the candidate gives one), as the FTAP committee may
    fund a project's first phase (« Fonds pour la transformation publique », DITP, 2021).  Share
    rules are not enforced (they are checked, and reported, afterwards).

    Returns
    -------
    ndarray
        0/1 per funding option of ``model``.
    """
    m = len(model.item)
    x = np.zeros(m)
    if not m:
        return x
    ub = model.ub.copy()
    ub[model.envelope_row] = budget_eur
    check_rows, order = _greedy_order(model, values, forced_in)
    ubc = np.where(check_rows, ub, np.inf)
    usage = np.zeros(len(ub))
    A = model.A_csc
    taken = set()
    phase1 = {}
    for j in np.flatnonzero(model.mode == "phase1") if phase1_fallback else ():
        phase1.setdefault((model.item[j], model.envelope[j]), j)
    for j in order:
        i = model.item[j]
        if i in taken:
            continue
        for jj in (j, phase1.get((i, model.envelope[j]))):
            if jj is None:
                continue
            a, b = A.indptr[jj], A.indptr[jj + 1]
            rows, vals = A.indices[a:b], A.data[a:b]
            new = usage[rows] + vals
            if np.all(new <= ubc[rows] + _TOL_EUR * (model.cost_rows[rows]) + 1e-9):
                usage[rows] = new
                x[jj] = 1.0
                taken.add(i)
                break
    return x


def _greedy_order(model: Model, values, forced_in: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """The rows the greedy rule checks, and its order of full-funding options (forced projects
    first, then value per euro, best first)."""
    check_rows = np.array([k not in ("share", "force") or (k == "force" and model.ub[r] == 0)
                           for r, k in enumerate(model.kind)], bool)
    full = np.flatnonzero(model.mode == "full")
    vpe = np.asarray(values, float)[model.item[full]] / model.cost_eur[full]
    forced = set(forced_in)
    first = np.array([model.ids[model.item[j]] in forced for j in full])
    return check_rows, full[np.lexsort((-vpe, ~first))]


def greedy_levels(model: Model, values: np.ndarray, budgets_eur: Sequence[float],
                  forced_in: Iterable[str] = ()) -> np.ndarray:
    """:func:`greedy` at several budgets in one pass down the list (the frontier's greedy curve).

    Returns
    -------
    ndarray
        0/1 per budget (rows) and funding option of ``model`` (columns).
    """
    m, L = len(model.item), len(budgets_eur)
    x = np.zeros((L, m))
    if not m or not L:
        return x
    ub = np.tile(model.ub, (L, 1))
    ub[:, model.envelope_row] = np.asarray(budgets_eur, float)
    check_rows, order = _greedy_order(model, values, forced_in)
    ubc = np.where(check_rows[None, :], ub, np.inf) + _TOL_EUR * model.cost_rows[None, :] + 1e-9
    usage = np.zeros_like(ub)
    A = model.A_csc
    taken = np.zeros((L, int(model.item.max()) + 1), bool)
    for j in order:
        i = model.item[j]
        a, b = A.indptr[j], A.indptr[j + 1]
        rows, vals = A.indices[a:b], A.data[a:b]
        new = usage[:, rows] + vals
        fit = ~taken[:, i] & np.all(new <= ubc[:, rows], axis=1)
        if fit.any():
            usage[np.ix_(fit, rows)] = new[fit]
            x[fit, j] = 1.0
            taken[fit, i] = True
    return x


# --------------------------------------------------------------------------------------------
# rank: the full answer
# --------------------------------------------------------------------------------------------
@dataclass
class RankResult:
    """The ranked and selected portfolio.

    Attributes
    ----------
    table : DataFrame
        One row per candidate: ``id``, ``title``, ``owner``, ``envelope``, ``paying_envelope``,
        ``eligible``, ``selected``, ``funding`` (``'full'``/``'phase1'``/``''``), ``value`` (the
        project's value if fully funded [points]), ``contribution`` (its part of the objective
        [points]), ``value_per_eur`` [points/EUR], ``value_per_meur`` [points/M€],
        ``rank_value_per_eur``, ``requested_eur``, ``funded_eur``, ``roi_ratio``,
        ``roi_below_target``, ``greedy_selected``, ``selection_frequency`` (when robustness
        ran), ``reason``; then the candidates' other columns.
    totals : dict
        Portfolio totals (counts, euros, value, greedy value and its shortfall).
    solver : dict
        Engine, version, status, gap, dual bound, time limit, time [s], the independent check.
    conflicts : list of str or None
        The conflicting rules when no portfolio satisfies them all.
    """

    table: pd.DataFrame
    totals: dict
    solver: dict
    conflicts: list | None
    weights: dict
    provenance: dict
    selection: Selection = field(repr=False)
    scenario: Any = field(repr=False, default=None)
    candidates: pd.DataFrame = field(repr=False, default=None)
    robustness: pd.DataFrame | None = None
    #: call-by-call decisions (:func:`workbench.decisions.decide_calls`): each call's own result
    calls: dict | None = field(repr=False, default=None)
    #: call-by-call decisions: one row per call (credits left, allotment, laureates, granted)
    by_call: pd.DataFrame | None = None


def _reasons(cands: pd.DataFrame, model: Model, ch: pd.DataFrame, forced_in, forced_out,
             conflicts, solved: bool = True) -> list[Text]:
    """Why each candidate is in or out, as coded texts (English text, French by
    :func:`workbench.messages.render_text`)."""
    n = len(cands)
    ids = cands["id"].astype(str).to_numpy()
    selected = ch["selected"].to_numpy(bool)
    funding = ch["funding"].to_numpy()
    payer = ch["paying_envelope"].to_numpy()
    chosen = set(ids[selected])
    ok = model.eligible["eligible"].to_numpy(bool)
    why = model.eligible["reason"].to_numpy()
    req_cells = cands["requires"].to_numpy() if "requires" in cands else [""] * n
    exc_cells = cands["excludes"].to_numpy() if "excludes" in cands else [""] * n
    excluded_by: dict[str, list[str]] = {}
    for k in np.flatnonzero(selected):
        for y in split_ids(exc_cells[k]):
            excluded_by.setdefault(y, []).append(ids[k])
    fi, fo = set(forced_in), set(forced_out)
    options = set(model.item.tolist())
    out = []
    for i in range(n):
        pid = ids[i]
        if not ok[i]:
            m = msg("R_INELIGIBLE", parts=_reason_parts(why[i]))
        elif i not in options:
            m = msg("R_INELIGIBLE", parts=[msg("R_NO_OPEN_ENVELOPE")])
        elif conflicts is not None:
            m = msg("R_CONFLICT", detail="; ".join(conflicts))
        elif not solved:
            m = msg("R_NOT_SOLVED")
        elif selected[i]:
            m = msg("R_SELECTED_PHASE1" if funding[i] == "phase1" else "R_SELECTED",
                    forced=msg("R_FORCED_IN") if pid in fi else "", payer=payer[i])
        elif pid in fo:
            m = msg("R_FORCED_OUT")
        else:
            deps = [msg("R_REQUIRES", other=y) for y in split_ids(req_cells[i]) if y not in chosen]
            deps += [msg("R_EXCLUDES", other=y) for y in split_ids(exc_cells[i]) if y in chosen]
            deps += [msg("R_EXCLUDED_BY", other=k) for k in excluded_by.get(pid, [])]
            m = msg("R_NOT_SELECTED_DEPENDENCY", parts=deps) if deps else msg("R_OUTRANKED")
        out.append(Text(m))
    return out


def _reason_parts(reason: Any) -> list:
    """The coded parts of an eligibility reason (a :class:`~workbench.messages.Text` of
    ``R_PARTS``); a plain text reason stays one part, shown as it is."""
    m = getattr(reason, "message", None)
    if m is not None and m.code == "R_PARTS":
        return list(m.params["parts"])
    return [reason]


def rank(scenario, candidates: pd.DataFrame, budget_eur: float | None = None,
         weights: Mapping[str, float] | None = None, forced_in: Iterable[str] = (),
         forced_out: Iterable[str] = (), rules: Mapping[str, Any] | None = None,
         time_limit_s: float | None = None, seed: int | None = None, engine: str = "scipy") -> RankResult:
    """Rank the candidates and select the optimal portfolio, with the greedy comparison.

    The robustness of the selection (selection frequency under weight and cost uncertainty) is
    the analysis layer's: :func:`workbench.robustness.rank` adds it to this result.

    Parameters
    ----------
    scenario : Scenario
    candidates : DataFrame
        Validated candidates (:func:`workbench.sources.load_candidates`).
    budget_eur : float, optional
        The envelope [EUR] (default: ``selection.budget_eur``, else the funds' envelopes).
    weights : mapping, optional
        Criteria weights; default the scenario's.
    forced_in, forced_out : iterable of str
        Ids that must / must not be selected (added to ``selection.force_in/force_out``).
    rules : mapping, optional
        Overrides of ``selection`` settings.
    time_limit_s : float, optional
        Time limit [s] (default ``selection.time_limit_s``, else 60 s), on the wall clock: it
        covers building the model, solving and checking the portfolio (the solver gets what
        the rest leaves).  Reading the candidates comes before.
    seed : int, optional
        The seed recorded in the provenance (default: the scenario's seed).
    engine : {"scipy", "highspy"}
        How HiGHS is called (:func:`solve_model`); recorded in ``solver``.

    Returns
    -------
    RankResult
    """
    from . import __version__

    t_start = time.perf_counter()
    s0 = settings(scenario, rules, budget_eur)
    limit_s = float(time_limit_s if time_limit_s is not None else s0.get("time_limit_s") or DEFAULT_TIME_LIMIT_S)
    fi = tuple(s0.get("force_in") or ()) + tuple(forced_in)
    fo = tuple(s0.get("force_out") or ()) + tuple(forced_out)
    sel = select(scenario, candidates, budget_eur, weights, fi, fo, rules, limit_s, engine=engine,
                 deadline=t_start + limit_s)
    mdl, ch, s = sel.model, sel.choice, sel.settings
    n = len(candidates)
    vals = sel.values.to_numpy(float)
    req = candidates["requested_eur"].to_numpy(float)
    funded = np.where(ch["funding"] == "phase1", candidates["phase1_cost_eur"].to_numpy(float),
                      np.where(ch["selected"], req, 0.0))
    vpe = vals / req
    elig = mdl.eligible["eligible"].to_numpy(bool)
    rank_vpe = pd.Series(np.where(elig, vpe, np.nan)).rank(ascending=False, method="min")
    roi = roi_ratio(candidates).to_numpy(float)
    target = float(s.get("roi_target_ratio", ROI_TARGET_RATIO))
    # greedy
    gx = greedy(mdl, vals, s["budget_eur"], sel.forced_in) if sel.solve.x is not None else None
    gch = choice_table(mdl, gx, n)
    gch.index = candidates.index
    greedy_value = float((vals * gch["value_rate"].to_numpy()).sum()) if gx is not None else float("nan")
    greedy_broken = check_portfolio(scenario, candidates, gch, s, sel.forced_in, sel.forced_out) \
        if gx is not None else []
    table = pd.DataFrame({
        "id": candidates["id"].astype(str).to_numpy(),
        "title": candidates["title"].to_numpy(),
        "owner": candidates["owner"].to_numpy(),
        "envelope": candidates["envelope"].to_numpy(),
        "paying_envelope": ch["paying_envelope"].to_numpy(),
        "eligible": elig,
        "selected": ch["selected"].to_numpy(bool),
        "funding": ch["funding"].to_numpy(),
        "value": np.round(vals, 6),
        "contribution": np.round(vals * ch["value_rate"].to_numpy(), 6),
        "value_per_eur": vpe,
        "value_per_meur": vpe * 1e6,
        "rank_value_per_eur": rank_vpe.to_numpy(),
        "requested_eur": req,
        "funded_eur": funded,
        "roi_ratio": roi,
        "roi_below_target": ~(roi >= target),
        "greedy_selected": gch["selected"].to_numpy(bool),
    })
    table["roi_below_target"] = np.where(np.isnan(roi), pd.NA, table["roi_below_target"])
    table["reason"] = _reasons(candidates, mdl, ch, sel.forced_in, sel.forced_out, sel.conflicts,
                               solved=sel.solve.x is not None)
    table["reason_code"] = [code_of(r) for r in table["reason"]]   # the reason's message code
    # warnings of the funds' texts, shown at selection without refusing (first results, DINUM opinion)
    fl = candidate_flags(scenario, candidates)
    for c in ("first_results_late", "governance_gate", "flag"):
        table[c] = fl[c].to_numpy()
    for c in candidates.columns:
        if c not in table.columns:
            table[c] = candidates[c].to_numpy()
    table.index = candidates.index
    opt = sel.objective
    budget = s["budget_eur"]
    committed = float(funded.sum())
    totals = {
        "candidates": int(n),
        "eligible": int(elig.sum()),
        "selected": int(ch["selected"].sum()),
        "phase1_only": int((ch["funding"] == "phase1").sum()),
        "budget_eur": float(budget),
        "committed_eur": committed,
        "unused_eur": float(budget - committed),
        "value": float(opt) if np.isfinite(opt) else float("nan"),
        "greedy_value": greedy_value,
        "greedy_committed_eur": float((np.where(gch["funding"] == "full", req, 0.0)).sum()),
        "greedy_shortfall_rate": float((opt - greedy_value) / opt) if opt and np.isfinite(opt) and opt > 0
        else float("nan"),
        "greedy_rules_broken": greedy_broken,
        "weights": dict(sel.weights),
    }
    by_env = pd.Series(funded).groupby(ch["paying_envelope"].to_numpy()).sum()
    totals["committed_by_envelope_eur"] = {str(k): float(v) for k, v in by_env.items() if k}
    solver = {**_engine_info(engine), "status": sel.solve.status, "gap": sel.solve.gap, "dual_bound": sel.solve.dual_bound,
              "mip_rel_gap": sel.solve.mip_rel_gap, "time_limit_s": limit_s,
              "solver_time_limit_s": sel.solve.time_limit_s, "time_s": sel.solve.time_s,
              "wall_time_s": time.perf_counter() - t_start, "variables": int(len(mdl.item)), "constraints": int(len(mdl.lb)),
              "checked": sel.solve.x is not None, "check": "every rule re-evaluated: none broken"
              if sel.solve.x is not None else "no portfolio to check"}
    source = str(candidates.attrs.get("source", ""))
    prov = {"workbench_version": __version__, "scenario": project_relative(scenario.path),
            "scenario_files": [project_relative(f) for f in getattr(scenario, "files", [])],
            "scenario_hash": scenario.hash(), "seed": scenario.seed if seed is None else seed,
            "candidates_source": project_relative(source) if source and Path(source).is_file() else source,
            "synthetic": bool(candidates.attrs.get("synthetic", False)),
            "created_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    return RankResult(table, totals, solver, sel.conflicts, dict(sel.weights), prov, sel, scenario, candidates, None)


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
    fi, fo = _check_ids(candidates, fi, fo)
    mdl = get_model(scenario, candidates, s, fi, fo)
    vals = project_values(scenario, candidates, w, rules).to_numpy(float)
    current = s.get("budget_eur") or sum(f.envelope_eur for f in scenario.funds.values())
    tl = time_limit_s or s.get("time_limit_s")
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
        free = solve_model(mdl, vals, budget_eur=float("inf"), time_limit_s=tl, mip_rel_gap=s.get("mip_rel_gap"),
                           **({"engine": engine} if engine != "scipy" else {}))
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
            m_ = mdl if reuse else build_model(scenario, candidates, {**s, "budget_eur": b}, fi, fo)
            if not fast:
                solved[b] = (m_, solve_model(m_, vals, budget_eur=b, time_limit_s=tl, mip_rel_gap=s.get("mip_rel_gap")))
                continue
            start = greedy(m_, vals, b, fi)
            if prev is not None and obj @ prev > obj @ start:
                start = prev
            sol = solve_model(m_, vals, budget_eur=b, time_limit_s=tl, mip_rel_gap=s.get("mip_rel_gap"),
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
        m_, sol = (mdl, free) if plateau else solved[b]
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
                    forced_in: Iterable[str] = (), forced_out: Iterable[str] = (), n: int = 12) -> pd.DataFrame:
    """The greedy portfolio's value by budget: a quick curve to show while :func:`frontier` solves.

    :func:`greedy` (value per euro, forced projects first) at ``n`` budgets evenly spaced from the
    cheapest full request to the sum of each project's dearest full request [EUR], under the
    scenario's rules with ``budget_eur`` as budget (:func:`settings`).  ``values``: each
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
    mdl = get_model(scenario, candidates, s, fi, fo)
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


def pareto_frontier(model: Model, values: np.ndarray, max_points: int = 200_000) -> tuple[np.ndarray, np.ndarray] | None:
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


def _rules_of(sel: Selection) -> dict:
    return {k: v for k, v in sel.settings.items() if k in RULE_KEYS and k not in ("budget_eur", "force_in",
                                                                                  "force_out", "time_limit_s")}


# --------------------------------------------------------------------------------------------
# outputs
# --------------------------------------------------------------------------------------------
def write_result(result: RankResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``portfolio.csv``, ``portfolio.xlsx`` and ``portfolio.json`` (totals, solver,
    conflicts, provenance) into ``out_dir``, all or nothing: the three are built in a temporary
    sibling folder and moved in together (a failure leaves the previous three untouched)."""
    out = Path(out_dir)
    names = {"csv": "portfolio.csv", "xlsx": "portfolio.xlsx", "json": "portfolio.json"}
    table = result.table
    meta = {"totals": result.totals, "solver": result.solver, "conflicts": result.conflicts,
            "weights": result.weights, "provenance": result.provenance}
    info = pd.DataFrame([(k, json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (dict, list)) else v)
                         for sec in ("totals", "solver", "provenance") for k, v in meta[sec].items()],
                        columns=["key", "value"])

    def build(tmp: Path) -> None:
        write_csv(tmp / names["csv"], table)
        write_xlsx(tmp / names["xlsx"], {"portfolio": table, "about": info})
        write_atomic(tmp / names["json"], json.dumps(meta, indent=2, ensure_ascii=False, default=str))

    write_folder(out, build)
    return {k: out / v for k, v in names.items()}


def summarise(result: RankResult, lang: str = "fr") -> str:
    """The portfolio's totals as a few lines of text (amounts in M€)."""
    from .units import meur, number, pct

    t, sv = result.totals, result.solver
    syn = "  [SYNTHETIC candidates]" if result.provenance.get("synthetic") else ""
    lines = [f"portfolio: {t['selected']} of {t['candidates']} candidates selected ({t['eligible']} eligible, "
             f"{t['phase1_only']} funded for phase 1 only){syn}"]
    vm = result.scenario.value_model if result.scenario is not None else None
    if result.by_call is not None:
        lines.append("  decided call by call: each call among its own applications, with the credits left and its "
                     f"allotment ({t.get('call_allotment')})")
        for r in result.by_call.itertuples():
            lines.append(f"    {r.call} ({r.decision}): {r.laureates} of {r.applications} applications "
                         f"({r.eligible} eligible), {meur(r.granted_eur, lang, 1)} of an allotment of "
                         f"{meur(r.allotment_eur, lang, 1)}")
    elif result.scenario is not None and len(result.scenario.calls) > 1:
        lines.append("  with perfect foresight: every call's candidates selected at once (a benchmark, not a forecast)")
    if result.conflicts is not None:
        lines.append("  NO PORTFOLIO: these rules cannot all hold: " + "; ".join(result.conflicts))
        lines.append("  (removing any one of them makes the others feasible)")
    else:
        lines.append(f"  committed: {meur(t['committed_eur'], lang, 2)} of {meur(t['budget_eur'], lang, 2)} "
                     f"(unused {meur(t['unused_eur'], lang, 2)})")
        short = t["greedy_shortfall_rate"]
        unit = vm.unit if vm is not None else "points"
        if t["selected"]:
            lines.append(f"  average grant: {meur(t['committed_eur'] / t['selected'], lang, 2)}")
        lines.append(f"  value: {number(t['value'], lang, 1)} {unit} ({vm.describe() if vm else 'points'}); "
                     f"greedy by value per euro: "
                     f"{number(t['greedy_value'], lang, 1)} ({pct(short, lang, 2)} below the optimum)")
        if t["greedy_rules_broken"]:
            lines.append("  greedy breaks: " + "; ".join(t["greedy_rules_broken"]))
        by = t.get("committed_by_envelope_eur") or {}
        if len(by) > 1:
            lines.append("  by envelope: " + ", ".join(f"{k} {meur(v, lang, 2)}" for k, v in by.items()))
        if "selection_frequency" in result.table:
            core = result.table["core"].value_counts()
            lines.append(f"  robustness ({result.robustness.attrs.get('samples')} weight draws): "
                         f"{core.get('always', 0)} always, {core.get('sometimes', 0)} sometimes, "
                         f"{core.get('never', 0)} never selected"
                         + (" (weights and costs drawn together)" if t["robustness"]["with_costs"] else ""))
            proofs = {k: t["robustness"].get(k) for k in PROOF_COUNTS}
            if None not in proofs.values():
                lines.append(f"  each draw's portfolio proven optimal within the gap: {proofs['draws_proven_by_bound']} "
                             f"by a bound from the draws around it, {proofs['draws_solved']} by a solve"
                             + (f"; {proofs['draws_not_proven']} NOT proven (time limit)"
                                if proofs["draws_not_proven"] else ""))
            lines.append(f"  probability of staying within the envelope under cost overruns: "
                         f"{pct(t['within_envelope_probability'], lang, 1)} (P90 of the final cost "
                         f"{meur(t['p90_final_cost_eur'], lang, 1)}; {t['robustness']['cost_samples']} draws, "
                         f"fund pays {pct(t['robustness']['paid_by_fund_rate'], lang, 0)} of overruns)")
    lines.append(f"  solver: {sv['version']}, {sv['status']}, gap {sv['gap']:.2g} (target {sv['mip_rel_gap']:g}), "
                 f"{sv.get('wall_time_s', sv['time_s']):.2f} s (solver {sv['time_s']:.2f} s) of a "
                 f"{sv['time_limit_s']:g} s limit; {sv['check']}")
    for w in getattr(result.scenario, "warnings", []) or []:
        lines.append(f"  WARNING: {w}")
    return "\n".join(lines)
