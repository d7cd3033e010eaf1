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

Each rule's rows, its independent check and its message codes live together in :mod:`.rules`
(the registry :data:`.rules.RULES`, whose order is the order of the rows).  Every solution is
re-checked rule by rule from the candidate table (:func:`check_portfolio`) before it is returned: MILP solvers have had public wrong-answer bugs.  When the rules cannot
all hold, a deletion filter over the rule groups returns a minimal set of conflicting rules.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy

from ..errors import InputError, Problem, closest
from ..messages import msg
from .rules import RULES, ModelContext


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


def build_model(scenario, cands: pd.DataFrame, s: Mapping[str, Any], forced_in: Iterable[str] = (),
                forced_out: Iterable[str] = ()) -> Model:
    """Build the constraint system for ``cands`` under settings ``s`` (see :func:`settings`): one
    column per funding option, then each rule's rows in the order of :data:`.rules.RULES`."""
    ctx = ModelContext.build(scenario, cands, s, forced_in, forced_out)
    m = ctx.m
    rows_i: list[np.ndarray] = []
    rows_j: list[np.ndarray] = []
    rows_v: list[np.ndarray] = []
    lb: list[float] = []
    ub: list[float] = []
    names: list[str] = []
    kinds: list[str] = []
    is_cost: list[bool] = []

    def add(cols, vals, lo, hi, name, kind, cost_row) -> int:
        r = len(lb)
        cols = np.asarray(cols, dtype=int)
        rows_i.append(np.full(len(cols), r, dtype=int))
        rows_j.append(cols)
        rows_v.append(np.asarray(vals, dtype=float))
        lb.append(lo)
        ub.append(hi)
        names.append(name)
        kinds.append(kind)
        is_cost.append(cost_row)
        return r

    for rule in RULES:
        rule.rows(ctx, add)
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
    return Model(ids=ctx.ids, item=ctx.item, envelope=ctx.envelope, mode=ctx.mode, cost_eur=ctx.cost_eur,
                 value_rate=ctx.value_rate, A=A, lb=np.array(lb, float), ub=np.array(ub, float),
                 row_group=names, groups=groups, cost_rows=np.array(is_cost, bool), kind=kinds,
                 envelope_row=ctx.envelope_row, eligible=ctx.elig, pre_conflicts=ctx.pre_conflicts,
                 payments=ctx.payments, payment_years=ctx.payment_years, relaxable=relax, A_csc=A.tocsc())


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


def get_model(scenario, cands, s, forced_in=(), forced_out=(), weights=None) -> Model:
    """The model for these inputs, from :data:`MODELS` when already built (budget and weights apart).

    Where a quality bar applies, it is judged under ``weights`` (the weights in force) and the
    projects forced in pass it (:func:`.inputs.quality_bar_settings`): the model then depends
    on the weights too."""
    from .inputs import quality_bar_settings

    return MODELS.get(scenario, cands, quality_bar_settings(scenario, s, weights, forced_in), forced_in, forced_out)


def _with_budget(mdl: Model, budget: float) -> Model:
    ub = mdl.ub.copy()
    ub[mdl.envelope_row] = budget
    return Model(**{**mdl.__dict__, "ub": ub})
