"""The greedy portfolio by value per euro (the comparison the committee knows, and a warm start).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .model import Model
from .inputs import _TOL_EUR


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
    # a row's capacity with its tolerance, as Python floats: one pass of plain Python over the
    # options (200,000 candidates in a second or two, where NumPy calls per option took ten)
    cap = (np.where(check_rows, ub, np.inf) + _TOL_EUR * model.cost_rows + 1e-9).tolist()
    usage = [0.0] * len(ub)
    A = model.A_csc
    indptr, indices, data = A.indptr.tolist(), A.indices.tolist(), A.data.tolist()
    item = model.item.tolist()
    taken = set()
    phase1: dict[tuple[Any, Any], int] = {}  # (item, envelope) -> its first-phase option
    for j in np.flatnonzero(model.mode == "phase1") if phase1_fallback else ():
        phase1.setdefault((item[j], model.envelope[j]), int(j))
    envelope = model.envelope
    for j in order.tolist():
        i = item[j]
        if i in taken:
            continue
        for jj in ((j, phase1.get((i, envelope[j]))) if phase1 else (j,)):
            if jj is None:
                continue
            a, b = indptr[jj], indptr[jj + 1]
            rows = indices[a:b]
            new = [usage[r] + v for r, v in zip(rows, data[a:b])]
            if all(n <= cap[r] for n, r in zip(new, rows)):
                for r, n in zip(rows, new):
                    usage[r] = n
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
