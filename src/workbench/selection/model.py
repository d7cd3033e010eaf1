"""The selection model: one binary variable per funding option, one named row group per rule.

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

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
import scipy

from ..candidates import split_ids
from ..errors import InputError, Problem, closest
from ..messages import msg
from .inputs import param_value, candidate_eligibility, payment_profile


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
    A: scipy.sparse.csr_matrix
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
    limits = {int(y): float(param_value(v)) for y, v in (s.get("payment_limits_eur") or {}).items()}
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
                    add(cols, cost[cols], -np.inf, float(param_value(over.get(sc, amount))), f"sub-envelope {sc}", "budget", True)
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
            add(all_cols, cost * ((owner == o) - float(param_value(rate))), 0.0, np.inf, f"owner share min {o}",
                "share", True)
        for key, lo_side in (("theme_share_min_rate", True), ("theme_share_max_rate", False)):
            for t, rate in (s.get(key) or {}).items():
                coef = cost * ((theme == t) - float(param_value(rate)))
                if lo_side:
                    add(all_cols, coef, 0.0, np.inf, f"theme share min {t}", "share", True)
                else:
                    add(all_cols, coef, -np.inf, 0.0, f"theme share max {t}", "share", True)
    from scipy import sparse  # noqa: PLC0415 - 0.1 s to import: not before a model is built

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


#: Models kept by a :class:`ModelCache` (and HiGHS models kept per thread, :mod:`.engines`).
_CACHE_MAX = 8


class ModelCache:
    """Built selection models, keyed by what they are built from (budget and weights apart).

    Building a model costs far more than a re-solve with new weights (the dashboard's slider), so
    models are kept: the ``maxsize`` most recent, oldest dropped first.  One lock guards the
    dictionary, so the dashboard's worker threads and the main thread may share one cache; two
    threads asking for the same new model may both build it (the same model; the last one kept).
    """

    def __init__(self, maxsize: int = _CACHE_MAX):
        self.maxsize = maxsize
        self._models: dict = {}
        self._lock = threading.Lock()

    def get(self, scenario, cands: pd.DataFrame, s: Mapping[str, Any], forced_in=(), forced_out=()) -> Model:
        """The model for these inputs, built on first use."""
        key_s = {k: v for k, v in s.items() if k not in ("budget_eur", "time_limit_s", "mip_rel_gap")}
        key = (id(scenario), scenario.hash(), _fingerprint(cands), _freeze(key_s), tuple(forced_in),
               tuple(forced_out))
        with self._lock:
            mdl = self._models.get(key)
        if mdl is None:
            mdl = build_model(scenario, cands, {**s, "budget_eur": None}, forced_in, forced_out)
            with self._lock:
                while len(self._models) >= self.maxsize:
                    self._models.pop(next(iter(self._models)))
                self._models[key] = mdl
        return mdl

    def clear(self) -> None:
        with self._lock:
            self._models.clear()

    def __len__(self) -> int:
        return len(self._models)


#: The package's cache of built models (shared by every caller in the process; see :class:`ModelCache`).
MODELS = ModelCache()


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


def check_forced_ids(cands, forced_in, forced_out) -> tuple[tuple, tuple]:
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
    """The model for these inputs, from :data:`MODELS` when already built (budget and weights apart)."""
    return MODELS.get(scenario, cands, s, forced_in, forced_out)


def _with_budget(mdl: Model, budget: float) -> Model:
    ub = mdl.ub.copy()
    ub[mdl.envelope_row] = budget
    return Model(**{**mdl.__dict__, "ub": ub})
