"""The MILP engines behind the selection (HiGHS through ``scipy.optimize.milp`` or ``highspy``).

One solve of a :class:`~workbench.selection.model.Model` for given values and budget, within a
deadline; the persistent ``highspy`` model of each thread; silencing the solver's C output; the
minimal set of conflicting rules when the rules cannot all hold.
"""
from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from dataclasses import dataclass

import numpy as np
import scipy

from .model import Model, _CACHE_MAX
from .inputs import DEFAULT_MIP_REL_GAP, DEFAULT_TIME_LIMIT_S


_QUIET_LOCK = threading.RLock()


@functools.cache
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
    except Exception:  # noqa: BLE001 - pragma: no cover - scipy layout changed
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
                except Exception:  # noqa: BLE001 - a closed or odd stream is not flushed; pragma: no cover
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


STATUS_NAMES = {0: "optimal", 1: "time limit", 2: "infeasible", 3: "unbounded", 4: "error"}
#: How the robustness draws were proven (:func:`workbench.selection.robustness.smaa`'s attributes).
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
        from scipy import sparse  # noqa: PLC0415 - 0.1 s to import: not before a model is solved

        D = sparse.diags(np.where(model.cost_rows, 1.0, 0.0))
        A = (D @ A) @ sparse.diags(col_scale) + (sparse.diags(np.where(model.cost_rows, 0.0, 1.0)) @ A)
    if active_rows is not None:
        A, lb, ub = A[active_rows], lb[active_rows], ub[active_rows]
    # scipy.optimize costs 0.2 s to import: only this engine needs it, not the dashboard's
    # (highspy), whose cold first page must not wait for it
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415

    cons = [LinearConstraint(A, lb, ub)] if A.shape[0] else []
    t0 = time.perf_counter()

    with quiet():
        res = milp(c, integrality=np.ones(m), bounds=Bounds(0, 1), constraints=cons,
                   options={"disp": False, "time_limit": tl, "mip_rel_gap": gap_target, "presolve": True})
    took = time.perf_counter() - t0
    status = STATUS_NAMES.get(res.status, "error")
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


class PersistentHighs:
    """One HiGHS model of a :class:`Model`, kept for new objectives and budgets (one thread).

    Rows of euros are passed in M€ (HiGHS warns about bounds of 1e8 and more); a solution is
    re-checked in euros by :func:`check_portfolio` like any other.
    """

    def __init__(self, model: Model):
        import highspy  # noqa: PLC0415 - the dashboard's engine, imported on first use
        from scipy import sparse  # noqa: PLC0415

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
            return Solve(None, float("nan"), status, float("nan"), float("nan"), took, tl, gap,
                         h.modelStatusToString(st))
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
    ph = PersistentHighs(model)  # a fresh one: the callback belongs to this solve
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


def _persistent(model: Model) -> PersistentHighs:
    """The calling thread's HiGHS model of ``model`` (built on first use; a few kept)."""
    cache = getattr(_PERSISTENT, "models", None)
    if cache is None:
        cache = _PERSISTENT.models = {}
    ph = cache.get(id(model))
    if ph is None or ph.model is not model:
        if len(cache) >= _CACHE_MAX:
            cache.pop(next(iter(cache)))
        ph = cache[id(model)] = PersistentHighs(model)
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
