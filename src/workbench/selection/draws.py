"""The optimal portfolio of one selection model under many draws of the weights (and costs).

The robustness analysis (:mod:`workbench.selection.robustness`: SMAA, the joint weights-and-costs index)
asks one selection model (:class:`workbench.selection.Model`) for its optimum under thousands
of draws.  Re-solving each draw from scratch costs a full branch and bound each (80-240 ms of
CPU on 200 candidates, depending on the instance; ``benchmarks/bench_smaa_seeds.py``).  Here
a quarter to three quarters of the draws need no solve at all, and the others are re-optimised
around the best portfolio already known, in 1-4 ms each:

1. **Proof by bound (convexity).**  Under both value models a project's value is affine in the
   weights (``quality = 100 sum_c w_c s_c``, times the scope; :mod:`workbench.selection.scoring`), so the
   best value ``F(w) = max_x v(w).x`` is a maximum of affine functions of ``w``: convex.  If a
   portfolio ``x`` is proven optimal within the gap at draws ``w_1 … w_k`` (dual bounds ``U_j``)
   and ``w = sum_j l_j w_j`` with ``l_j >= 0``, ``sum_j l_j = 1``, then ``F(w) <= sum_j l_j U_j``
   while ``x`` is worth ``v(w).x`` at ``w``: when the two are within the gap, ``x`` is proven
   optimal at ``w`` without any solve.  This is the convexity of a portfolio's stability region
   (the weights under which it stays optimal; :func:`workbench.selection.robustness.weight_stability`
   measures it along lines).  Each proof is checked numerically: the combination is recomputed
   from the draws and the bound compared with ``v(w).x``; and the values given are checked to
   be affine in the weights (:data:`AFFINE_RATE`), else no draw is proven this way.
2. **Hull vertices first.**  Each round predicts every unresolved draw's portfolio (the best of
   the portfolios found so far, valued at the draw's weights), proves the draws inside the hull
   of the draws where their predicted portfolio is proven (a Delaunay triangulation,
   :mod:`scipy.spatial`), and solves only the draws at the vertices of each predicted region's
   hull: the rest falls inside the hulls the next round.  A region's interior is never solved.
   The draws solved are thus about the vertices of the hulls of the regions' draws, which is
   what the instance decides: on the benchmark's family (``instance(200, seed)``, 2,000 draws)
   from 530 (seed 7: few large regions) to 1,473 (seed 6: 197 optimal portfolios, half of the
   regions holding 4 draws or fewer, 1,340 hull vertices in all).  Not near-ties: at a gap of
   1e-6, 196 of those 197 portfolios are still needed.
3. **Re-optimisation from a neighbour's portfolio (LP relaxation and reduced costs).**  A draw
   that needs a solve starts from its predicted portfolio ``x0`` (value ``z0``).  The LP
   relaxation at the draw's weights gives a bound ``z_LP`` and reduced costs ``r_j``; any
   portfolio that differs from the LP optimum on option ``j`` is worth at most
   ``z_LP - |r_j|``, so the options with ``|r_j| > z_LP - z0`` are fixed (the classic
   reduced-cost fixing; Nemhauser & Wolsey, *Integer and Combinatorial Optimization*, Wiley,
   1988, II.4) and only the options left are searched, from ``x0`` (a median of 29 of 251
   options on seed 6, 88 of 263 on seed 1, where many options lie near the margin of value per
   euro and a large project is the fractional one of the envelope row: LP gaps up to 0.5 %).
   When none is left, or ``z_LP`` is within the gap of ``z0``, ``x0`` is proven by the bound
   alone (counted as proven by bound).  The better ``x0``, the fewer options left: when ``x0``
   is only the LP optimum rounded (no known portfolio near the draw), a first small search over
   the options of smallest reduced cost finds a better one (solving from the optimum takes a
   third of the time from the LP optimum rounded, measured on cost draws).  The LP relaxation
   runs without presolve (a small LP: presolve took 4/5 of its time; 0.4 ms, 12 iterations).
4. **The search: compiled.**  The options left are searched by
   :mod:`workbench.selection.branch_bound` (a dense dual simplex in a depth-first branch and
   bound, rigorous Lagrangian bounds, a presolve that drops an option's twin), HiGHS when it
   gives up.  HiGHS spent 0.2-0.3 ms a node on these 10-60-option problems, 5-100 ms each: on
   seed 6, 53 of the 60 s of CPU of the whole SMAA (one thread, busy machine); and twice the
   nodes where a candidate eligible to two sub-envelopes has two options of the same value and
   cost (the envelope rows no longer binding, they are the same option twice).  The compiled
   search takes 5-17 microseconds a node, 1-3 ms a problem (seed 6, 2 threads: 42 s of CPU
   before, 3.1 s after; it gave up on no sub-problem of the twelve seeds).
5. **Both cores.**  A round's solves are shared among threads (HiGHS and the compiled search
   run without Python's lock), each with its own HiGHS models; every solve starts from a
   cleared solver and the assignment is fixed, so the answers depend neither on timing nor on
   the number of threads.

Draws of costs (the joint index) change the constraints, so no convexity argument holds across
them: each draw is re-optimised (steps 3-4) around its LP optimum rounded.  A draw whose solve
stops at the time limit is reported as not proven.

The proofs by convexity locate draws in the Delaunay simplices with numpy, not with
``Delaunay.find_simplex``: scipy's bundled OpenBLAS woke its threads there, which stalled each
call by 30-200 ms on the busy 2-core machine (0.1 ms with one BLAS thread; measured).

What was measured and did not help is recorded in ``docs/explanation/smaa-speed.md``.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .. import selection as pf
from . import branch_bound as bb

#: How a draw's portfolio was proven optimal within the gap.
PROOF_BOUND, PROOF_SOLVE, PROOF_NONE = "bound", "solve", "not proven"
#: Relative slack [fraction of the value] added to the scenario's gap in a proof by bound, for
#: rounding in the weights' combination (values are sums of a few products, exact to 1e-15).
ROUNDING_RATE = 1e-9
#: The relative gap draws are solved and proven to, when the scenario's is wider: each draw's
#: optimum, not merely a portfolio within the scenario's gap (two exact solvers then agree
#: draw by draw; within a gap of 1e-6 they may pick different portfolios worth 1e-7 less).
#: The residual problems are small, so proving the optimum costs little more.
EXACT_GAP = 1e-9
#: Largest departure [fraction of the largest value] of the options' values from an affine
#: function of the weights for which draws are still proven by convexity (values are affine by
#: construction, to rounding: 1e-15 measured on the benchmark's instances).
AFFINE_RATE = 1e-12
#: Draws solved in the first round, spread over the weights (farthest-point order).
FIRST_ROUND = 12
#: Options left open by reduced-cost fixing [options] above which, when the start is the LP
#: optimum rounded, a better portfolio is searched first among the options of reduced cost
#: below :data:`HEURISTIC_RATE` [fraction] of the slack ``z_LP - z0`` (the others kept), to
#: the relative gap :data:`HEURISTIC_GAP` (a heuristic: the proof follows).  From a better
#: portfolio the fixing leaves fewer options to the proof: on the benchmark's cost draws, 28
#: instead of 37 (24 from the optimum), CPU time 10-15 % lower, the search included.
HEURISTIC_MIN_FREE = 20
HEURISTIC_RATE = 0.3
HEURISTIC_GAP = 1e-4


#: The message of a re-optimisation that the LP bound settled alone (no branch and bound).
BY_LP_BOUND = "LP bound and reduced costs"
#: The message of a re-optimisation proven by the compiled search (:mod:`.branch_bound`).
BY_BRANCH_BOUND = "Optimal (compiled branch and bound)"


def _proof(sol: pf.Solve, ok: bool) -> str:
    """How a solved draw was proven: by the LP bound alone, by a solve, or not at all."""
    if not ok:
        return PROOF_NONE
    return PROOF_BOUND if sol.message == BY_LP_BOUND else PROOF_SOLVE


def default_workers() -> int:
    """Threads for the solves: the machine's cores, at most 4 (each HiGHS search is serial)."""
    return max(1, min(os.cpu_count() or 1, 4))


@dataclass
class DrawSolutions:
    """The optimal portfolio of each draw and how it was proven.

    Attributes
    ----------
    x : ndarray, shape (k, m)
        The chosen funding options per draw (0/1; a row of NaN where no portfolio was found).
    objective : ndarray, shape (k,)
        The portfolio's value at the draw [value unit].
    bound : ndarray, shape (k,)
        An upper bound on the best value at the draw (HiGHS's dual bound, or the combination of
        the bounds of the draws that prove it).
    proof : ndarray of str, shape (k,)
        :data:`PROOF_BOUND`, :data:`PROOF_SOLVE` or :data:`PROOF_NONE` per draw.
    status : list of str
        Solver status per draw (``"optimal"`` for a draw proven by bound).
    solve_s : float
        Time spent solving [s], summed over the workers.
    rounds : int
        Rounds of predictions, proofs and solves (weight draws; 1 for cost draws).
    workers : int
        Threads that solved.
    extra : dict
        ``portfolios`` (distinct ones found, weight draws), ``options`` (funding options of the
        model), ``median_free_options`` (options left open by reduced-cost fixing), ``searches``
        and ``median_search_nodes`` (compiled searches and their nodes), ``highs_searches``
        (sub-problems handed to HiGHS when the compiled search gave up).
    """

    x: np.ndarray
    objective: np.ndarray
    bound: np.ndarray
    proof: np.ndarray
    status: list
    solve_s: float = 0.0
    rounds: int = 0
    workers: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def counts(self) -> dict:
        """``{"proven_by_bound": …, "solved": …, "not_proven": …}`` [draws]."""
        return {"proven_by_bound": int(np.sum(self.proof == PROOF_BOUND)),
                "solved": int(np.sum(self.proof == PROOF_SOLVE)),
                "not_proven": int(np.sum(self.proof == PROOF_NONE))}


# --------------------------------------------------------------------------------------------
# one worker's solver: the full model, or the options the reduced costs leave open
# --------------------------------------------------------------------------------------------
class _Reoptimiser:
    """HiGHS models of one :class:`workbench.selection.Model` kept by one worker thread: the
    MILP (:class:`workbench.selection.PersistentHighs`), its LP relaxation, and a small MILP
    for the options left open by reduced-cost fixing (see the module, step 3)."""

    def __init__(self, model: pf.Model):
        import highspy  # noqa: PLC0415 - a dependency, imported on first use

        self.hs, self.model = highspy, model
        self.full = pf.PersistentHighs(model)
        self.rs = self.full.row_scale
        self.A0 = (sparse.diags(self.rs) @ model.A).tocsc()
        self.A = self.A0
        self.Ad = self.A0.toarray()          # dense (rows x options): sub-problems sliced fast
        self.rl = np.where(np.isfinite(model.lb), model.lb * self.rs, -np.inf)
        self.ru = np.where(np.isfinite(model.ub), model.ub * self.rs, np.inf)
        self.cost_nz = model.cost_rows[self.A0.indices]
        self.nz_col = np.repeat(np.arange(self.A0.shape[1]), np.diff(self.A0.indptr))
        self.lp = highspy.Highs()
        self.lp.setOptionValue("output_flag", False)
        self.lp.setOptionValue("presolve", "off")   # a small LP: presolve took 4/5 of its time
        self.lp_model = self._highs_lp(self.A0, integer=False)
        self.lp.passModel(self.lp_model)
        self.mip = highspy.Highs()
        self.mip.setOptionValue("output_flag", False)
        self.cols = np.arange(len(model.item), dtype=np.int32)
        self.scale: np.ndarray | None = None
        self.cost0 = np.abs(model.cost_eur) * self.rs[model.envelope_row]   # the envelope row's coefficients
        self.reduced_free: list[int] = []
        self.nodes: list[int] = []          # nodes of each compiled search
        self.highs_subs = 0                 # sub-problems HiGHS solved (the compiled search gave up)

    def _highs_lp(self, A, integer: bool, cost=None, rl=None, ru=None, offset: float = 0.0):
        hs = self.hs
        n, r = A.shape[1], A.shape[0]
        lp = hs.HighsLp()
        lp.num_col_, lp.num_row_ = n, r
        lp.col_cost_ = np.zeros(n) if cost is None else cost
        lp.offset_ = float(offset)
        lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
        rl = self.rl if rl is None else rl
        ru = self.ru if ru is None else ru
        lp.row_lower_ = np.where(np.isfinite(rl), rl, -hs.kHighsInf)
        lp.row_upper_ = np.where(np.isfinite(ru), ru, hs.kHighsInf)
        lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, r
        if integer:
            lp.integrality_ = [hs.HighsVarType.kInteger] * n
        return lp

    def _set_scale(self, col_scale: np.ndarray | None) -> None:
        if col_scale is None and self.scale is None:
            return
        if col_scale is None:
            self.A = self.A0
        else:
            data = self.A0.data * np.where(self.cost_nz, np.asarray(col_scale, float)[self.nz_col], 1.0)
            self.A = sparse.csc_matrix((data, self.A0.indices, self.A0.indptr), shape=self.A0.shape)
        self.Ad = self.A.toarray()
        self.lp_model = self._highs_lp(self.A, integer=False)
        self.lp.passModel(self.lp_model)
        self.scale = None if col_scale is None else np.asarray(col_scale, float)

    def close(self) -> None:
        self._set_scale(None)
        self.full._scale(None)

    def solve(self, values: np.ndarray, budget_eur: float, tl: float, gap: float,
              incumbent: np.ndarray | None, col_scale: np.ndarray | None = None) -> pf.Solve:
        """The optimal portfolio for ``values`` [per candidate], re-optimised around ``incumbent``
        (made to fit the model first) or around the LP optimum rounded, whichever is worth more;
        without an incumbent, the full MILP from scratch."""
        hs, mdl = self.hs, self.model
        if incumbent is None:
            return self.full.solve(values, budget_eur, tl, gap, None, col_scale)
        t0 = time.perf_counter()
        self._set_scale(col_scale)
        vopt = values[mdl.item] * mdl.value_rate
        cost = -vopt
        er = mdl.envelope_row
        ru = self.ru.copy()
        ru[er] = budget_eur * self.rs[er]
        lp = self.lp
        lp.clearSolver()    # every LP from scratch: the answer never depends on earlier draws
        lp.changeColsCost(len(self.cols), self.cols, cost)
        lp.changeRowBounds(er, self.rl[er] if np.isfinite(self.rl[er]) else -hs.kHighsInf,
                           ru[er] if np.isfinite(ru[er]) else hs.kHighsInf)
        lp.run()
        if lp.getModelStatus() != hs.HighsModelStatus.kOptimal:
            return self.full.solve(values, budget_eur, tl, gap, None, col_scale)
        sol = lp.getSolution()
        z_lp = -float(lp.getInfo().objective_function_value)
        rc = np.asarray(sol.col_dual, float)
        xl = np.asarray(sol.col_value, float)
        # the portfolio to re-optimise around: feasible exactly (its value enters the proof)
        A, tol = self.A, 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(ru), ru, 0.0)))
        unit_cost = np.abs(A[er].toarray().ravel()) if self.scale is not None else self.cost0
        x0 = _fit(incumbent, A, self.rl, ru, tol, vopt, unit_cost)
        z0 = float(vopt @ x0) if x0 is not None else -np.inf
        rounded = False   # x0 is the LP optimum rounded (no portfolio known near this draw)
        if not z_lp - z0 <= 2e-3 * abs(z0):   # a poor start: the LP optimum rounded may be better
            xr = _fit(np.floor(xl + 1e-9), A, self.rl, ru, tol, vopt, unit_cost, fill=True)
            if xr is not None and float(vopt @ xr) > z0:
                x0, z0, rounded = xr, float(vopt @ xr), True
        if x0 is None:
            return self.full.solve(values, budget_eur, tl, gap, None, col_scale)
        free, fix1 = _reduced_cost_free(xl, rc, z_lp, z0)
        if np.any(x0 != _fixed_values(x0, free, fix1)):   # x0 not where the LP says: no shortcut
            return self.full.solve(values, budget_eur, tl, gap, x0, col_scale)
        if rounded and len(free) > HEURISTIC_MIN_FREE and z_lp - z0 > gap * abs(z0):
            # a better portfolio first, among the options the reduced costs barely leave open
            # (the others kept at x0's): a better z0 fixes more options for the proof below
            # (a neighbour's optimum, when there is one, is good enough: no gain measured)
            core = _reduced_cost_free(xl, rc, z_lp, z0, HEURISTIC_RATE)[0]
            if 0 < len(core) < len(free):
                x1 = self._sub(core, x0, cost, ru, max(gap, HEURISTIC_GAP), tl - (time.perf_counter() - t0))[0]
                if x1 is not None and float(vopt @ x1) > z0:
                    x0, z0 = x1, float(vopt @ x1)
                    free, fix1 = _reduced_cost_free(xl, rc, z_lp, z0)
        self.reduced_free.append(len(free))
        if not len(free) or z_lp - z0 <= gap * abs(z0):   # x0 is optimal by the bound
            return pf.Solve(x0, z0, "optimal", max(z_lp - z0, 0.0) / max(abs(z0), 1e-9), max(z_lp, z0),
                            time.perf_counter() - t0, tl, gap, BY_LP_BOUND)
        x, status, bound, g, how = self._sub(free, x0, cost, ru, gap, tl - (time.perf_counter() - t0))
        took = time.perf_counter() - t0
        if x is None:
            return self.full.solve(values, budget_eur, tl, gap, x0, col_scale)
        obj = float(vopt @ x)
        bound = bound if np.isfinite(bound) else obj
        return pf.Solve(x, obj, status, max(g, 0.0), max(bound, obj), took, tl, gap, how)

    def _sub(self, free: np.ndarray, x0: np.ndarray, cost: np.ndarray, ru: np.ndarray, gap: float, tl: float):
        """The best portfolio over the options ``free`` only, the others kept at ``x0``'s choice,
        from ``x0``: ``(x, status, bound, gap, how)`` with ``x`` ``None`` when none was found,
        ``bound`` an upper bound on the best value [value unit] and ``how`` the solver's message.

        The compiled search (:mod:`workbench.selection.branch_bound`) first; HiGHS when it gives up."""
        hs = self.hs
        ones = np.zeros(len(x0))
        ones[:] = x0 > 0.5
        ones[free] = 0.0
        act = self.Ad @ ones
        offset = float(cost @ ones)              # the kept options' cost (minus their value)
        if bb.available():
            G, h = bb.rows_that_bind(self.Ad[:, free], self.rl - act, ru - act)
            st, xf, v, b, nodes = bb.solve_binary(G, h, -cost[free], x0[free], gap, -offset)
            self.nodes.append(nodes)
            if st == bb.OPTIMAL:
                x = ones
                x[free] = xf
                if _fits(x, self.Ad, self.rl, ru):
                    z = v - offset
                    return x, "optimal", b - offset, (b - v) / max(abs(z), 1e-9), BY_BRANCH_BOUND
        self.highs_subs += 1
        m = self.mip
        m.passModel(self._highs_lp(self.A[:, free], True, cost[free], self.rl - act, ru - act, offset=offset))
        st = self._run(m, x0[free], gap, tl)
        info = m.getInfo()
        if info.primal_solution_status != 2:
            return None, "error", np.nan, np.nan, m.modelStatusToString(st)
        x = ones
        x[free] = np.asarray(m.getSolution().col_value)[: len(free)] > 0.5
        status = {hs.HighsModelStatus.kOptimal: "optimal", hs.HighsModelStatus.kTimeLimit: "time limit",
                  hs.HighsModelStatus.kInfeasible: "infeasible"}.get(st, "error")
        bound = -float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else np.nan
        obj = -float(info.objective_function_value)
        g = float(info.mip_gap) if np.isfinite(info.mip_gap) else (abs(bound - obj) / max(abs(obj), 1e-9)
                                                                    if np.isfinite(bound) else np.inf)
        return x, status, bound, g, m.modelStatusToString(st)

    def _run(self, m, start: np.ndarray, gap: float, tl: float):
        """HiGHS's fast search from ``start``, then its default search if that one stalls."""
        hs = self.hs
        t0 = time.perf_counter()
        for fast in (True, False):
            m.resetOptions()
            m.setOptionValue("output_flag", False)
            for k, v in (pf.FAST_OPTIONS.items() if fast else ()):
                m.setOptionValue(k, v)
            m.setOptionValue("mip_rel_gap", gap)
            left = tl - (time.perf_counter() - t0)
            m.setOptionValue("time_limit", max(min(left, pf.FAST_TRY_S) if fast else left, 1e-3))
            m.clearSolver()
            sol = hs.HighsSolution()
            sol.col_value = [float(v) for v in start]
            sol.value_valid = True
            m.setSolution(sol)
            m.run()
            st = m.getModelStatus()
            if st != hs.HighsModelStatus.kTimeLimit or left <= pf.FAST_TRY_S:
                return st
            if m.getInfo().primal_solution_status == 2:
                start = np.round(np.asarray(m.getSolution().col_value))
        return st


def _fits(x: np.ndarray, A, lb: np.ndarray, ub: np.ndarray) -> bool:
    """Whether the portfolio ``x`` keeps every row of the (row-scaled) model within its limits."""
    r = A @ x
    tol = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(ub), ub, 0.0)))
    return bool(np.all(r <= ub + tol)
                and np.all(r >= lb - 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(lb), lb, 0.0)))))


def _reduced_cost_free(xl: np.ndarray, rc: np.ndarray, z_lp: float, z0: float,
                       rate: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Reduced-cost fixing (see the module, step 3): the options left open when a portfolio
    worth ``z0`` is known, and the mask of options fixed at 1.  A portfolio that differs from
    the LP optimum ``xl`` on option ``j`` is worth at most ``z_lp - |rc_j|``; with ``rate`` < 1
    the fixing is a heuristic restriction (options with ``|rc_j| > rate (z_lp - z0)`` fixed)."""
    slack = rate * (z_lp - z0) + 1e-9 * abs(z0) + 1e-7
    fix0 = (xl <= 1e-9) & (rc > slack)            # taking option j costs more than the slack
    fix1 = (xl >= 1 - 1e-9) & (-rc > slack)       # dropping it too
    return np.flatnonzero(~(fix0 | fix1)), fix1


def _fixed_values(x0: np.ndarray, free: np.ndarray, fix1: np.ndarray) -> np.ndarray:
    """``x0`` on the options ``free``, the fixed options at their fixed value (0/1)."""
    out = fix1.astype(float)
    out[free] = x0[free]
    return out


class _Workers:
    """Threads, each owning one :class:`_Reoptimiser` (task ``i`` always on worker ``i % n``)."""

    def __init__(self, model: pf.Model, workers: int):
        self.model, self.n = model, max(1, int(workers))
        self.solvers: list = [None] * self.n
        self.pool = ThreadPoolExecutor(self.n) if self.n > 1 else None

    def run(self, tasks: list, solve) -> list:
        """``solve(reoptimiser, task)`` for each task, in order on each worker."""
        def chunk(slot):
            if self.solvers[slot] is None:
                self.solvers[slot] = _Reoptimiser(self.model)
            return [(i, solve(self.solvers[slot], tasks[i])) for i in range(slot, len(tasks), self.n)]

        slots = range(min(self.n, len(tasks)))
        parts = [chunk(j) for j in slots] if self.pool is None or len(tasks) < 2 else list(self.pool.map(chunk, slots))
        out = [None] * len(tasks)
        for part in parts:
            for i, r in part:
                out[i] = r
        return out

    def free_columns(self) -> list[int]:
        return [f for s in self.solvers if s is not None for f in s.reduced_free]

    def search_stats(self) -> dict:
        """``searches`` (compiled searches run), ``median_search_nodes`` and ``highs_searches``
        (sub-problems handed to HiGHS)."""
        nodes = [k for s in self.solvers if s is not None for k in s.nodes]
        return {"searches": len(nodes), "median_search_nodes": float(np.median(nodes)) if nodes else float("nan"),
                "highs_searches": sum(s.highs_subs for s in self.solvers if s is not None)}

    def close(self) -> None:
        for s in self.solvers:
            if s is not None:
                s.close()
        if self.pool is not None:
            self.pool.shutdown()


# --------------------------------------------------------------------------------------------
# weight draws
# --------------------------------------------------------------------------------------------
def _worth(vopt: np.ndarray, P) -> np.ndarray:
    """The value of each portfolio (rows of the sparse 0/1 ``P``) at each draw (rows of ``vopt``,
    each option's value), shape ``(draws, portfolios)``.  Through scipy's sparse product (a
    portfolio takes about 40 of 250 options), not BLAS, whose threads are woken for products
    this large: on the busy 2-core machine waking them stalled ``Delaunay.find_simplex`` by
    30-200 ms (see :func:`_locate`); for this product the stall was not measured apart."""
    return np.asarray((P @ vopt.T).T)


def _affine_coords(W: np.ndarray) -> np.ndarray:
    """Coordinates of the draws in their affine hull (weights sum to 1: at most 3 for 4 criteria)."""
    if not len(W):
        return np.zeros((0, 0))
    c = W - W.mean(axis=0)
    _, sv, vt = np.linalg.svd(c, full_matrices=False)
    keep = sv > max(1e-9 * sv.max(initial=0.0), 1e-12)   # weights are fractions: 1e-12 is rounding
    return c @ vt[keep].T


def _affine(Y: np.ndarray, vopt: np.ndarray) -> bool:
    """Whether each option's value is an affine function of the draws' coordinates ``Y`` (least
    squares residual within :data:`AFFINE_RATE` of the largest value): the premise of every
    proof by convexity (step 1 of the module)."""
    if not len(Y):
        return True
    Q = np.linalg.qr(np.c_[Y, np.ones(len(Y))])[0]                      # (draws, d + 1), orthonormal
    # the least squares residual, by einsum: BLAS woke its threads for Q.T @ vopt (60 ms, see _worth)
    resid = vopt - np.einsum("ki,ij->kj", Q, np.einsum("ki,kj->ij", Q, vopt))
    return bool(np.abs(resid).max(initial=0.0) <= AFFINE_RATE * max(np.abs(vopt).max(initial=0.0), 1e-300))


def _spread(Y: np.ndarray, k: int) -> list[int]:
    """``k`` draws spread over the weights: the one nearest the centre, then farthest-first."""
    n = len(Y)
    if n == 0:
        return []
    first = int(np.argmin((Y ** 2).sum(axis=1))) if Y.shape[1] else 0
    chosen = [first]
    d = ((Y - Y[first]) ** 2).sum(axis=1)
    while len(chosen) < min(k, n):
        j = int(np.argmax(d))
        if d[j] <= 0:
            break
        chosen.append(j)
        d = np.minimum(d, ((Y - Y[j]) ** 2).sum(axis=1))
    return sorted(chosen)


def _hull_vertices(Y: np.ndarray) -> np.ndarray | None:
    """Indices of the vertices of the points' convex hull (``None`` when it is flat)."""
    from scipy.spatial import ConvexHull, QhullError  # noqa: PLC0415

    if len(Y) <= Y.shape[1] + 1:
        return np.arange(len(Y))
    if Y.shape[1] == 1:
        return np.unique([int(np.argmin(Y[:, 0])), int(np.argmax(Y[:, 0]))])
    try:
        return ConvexHull(Y).vertices
    except (QhullError, ValueError):
        return None


def _pool_key(x: np.ndarray, model: pf.Model) -> tuple:
    """What a portfolio is worth under any weights: its (project, value rate) pairs."""
    on = x > 0.5
    return tuple(zip(model.item[on].tolist(), model.value_rate[on].tolist()))


def solve_weight_draws(model: pf.Model, values: np.ndarray, weights: np.ndarray, *, budget_eur: float,
                       mip_rel_gap: float, time_limit_s: float, workers: int | None = None) -> DrawSolutions:
    """The optimal portfolio for each row of ``values`` (shape ``(k, n)``: each project's value
    if fully funded under weight draw ``weights[k]``, weights summing to 1) — see the module.
    """
    K = len(values)
    m = len(model.item)
    gap = min(float(mip_rel_gap), EXACT_GAP)     # solved to the optimum: see EXACT_GAP
    vopt = values[:, model.item] * model.value_rate[None, :]          # value of each option, per draw
    X = np.full((K, m), np.nan)
    obj = np.full(K, np.nan)
    bnd = np.full(K, np.nan)
    proof = np.full(K, PROOF_NONE, dtype=object)
    status = [""] * K
    done = np.zeros(K, bool)
    certified = np.zeros(K, bool)                                      # solved and proven: hull points
    Y = _affine_coords(np.asarray(weights, float))
    d = Y.shape[1]
    convex = _affine(Y, vopt)                                          # else no proof by convexity
    pool: list[np.ndarray] = []
    keys: set = set()
    t_solve = 0.0
    wk = _Workers(model, workers or default_workers())

    def one(solver, task):
        k, start = task
        return solver.solve(values[k], budget_eur, time_limit_s, gap, start)

    def solve(batch: list[int], starts: list) -> None:
        nonlocal t_solve
        for k, sol in zip(batch, wk.run(list(zip(batch, starts)), one)):
            t_solve += sol.time_s
            status[k] = sol.status
            done[k] = True
            if sol.x is None:
                continue
            X[k], obj[k], bnd[k] = sol.x, sol.objective, sol.dual_bound
            ok = sol.status == "optimal" and sol.gap <= gap + ROUNDING_RATE
            proof[k] = _proof(sol, ok)
            certified[k] = ok
            key = _pool_key(sol.x, model)
            if key not in keys:
                keys.add(key)
                pool.append((sol.x > 0.5).astype(float))

    rounds = 0
    try:
        batch = _spread(Y, FIRST_ROUND)
        solve(batch, [np.zeros(m)] * len(batch))           # around the LP optimum rounded
        rounds = 1
        if not pool:  # no portfolio at all (conflicting rules): every draw has the same constraints
            for k in np.flatnonzero(~done):
                status[k] = status[batch[0]]
            done[:] = True
        while not done.all():
            rounds += 1
            P = np.array(pool)                                       # (p, m)
            un = np.flatnonzero(~done)
            Ps = sparse.csr_matrix(P)
            pred = np.argmax(_worth(vopt[un], Ps), axis=1)            # the best known portfolio
            cert = np.flatnonzero(certified)
            C = _worth(vopt[cert], Ps)                                # (c, p)
            ok_at = (bnd[cert][:, None] - C) <= (gap + ROUNDING_RATE) * np.abs(C)
            chosen, starts = [], []
            for g in np.unique(pred):
                members = un[pred == g]
                xg = P[g]
                base = cert[ok_at[:, g]]
                proven = np.zeros(len(members), bool)
                if len(base) and convex:
                    proven, ub = _prove(Y, vopt, bnd, xg, base, members, gap)
                    for k, u in zip(members[proven], ub):
                        X[k], obj[k], bnd[k] = xg, float(vopt[k] @ xg), u
                        proof[k], status[k], done[k] = PROOF_BOUND, "optimal", True
                rest = members[~proven]
                if not len(rest):
                    continue
                both = np.r_[base, rest]
                vert = _hull_vertices(Y[both]) if d and convex else (np.arange(1) if convex else None)
                pick = rest if vert is None else np.intersect1d(both[vert], rest)
                if not len(pick):        # inside the hull yet not proven (a bound short of the gap)
                    pick = rest
                chosen.extend(pick.tolist())
                starts.extend([xg] * len(pick))
            if chosen:
                order = np.argsort(chosen, kind="stable")
                solve([chosen[i] for i in order], [starts[i] for i in order])
    finally:
        wk.close()
    out = DrawSolutions(X, obj, bnd, np.asarray(proof, dtype=object), status, t_solve, rounds, wk.n)
    free = wk.free_columns()
    out.extra.update({"portfolios": len(pool), "options": m,
                      "median_free_options": float(np.median(free)) if free else float("nan"), **wk.search_stats()})
    return out


def _locate(P: np.ndarray, simplices: np.ndarray, Q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The simplex (row of ``simplices``, vertices in ``P``) holding each point of ``Q`` (the
    first one, -1 outside them all) and the point's barycentric weights in it.

    Computed here with numpy rather than ``Delaunay.find_simplex``: scipy's bundled OpenBLAS
    wakes its threads for it, which stalled each call by 30-200 ms on a busy 2-core machine
    (measured; 0.1 ms with one BLAS thread)."""
    d = P.shape[1]
    V = P[simplices]                                              # (s, d+1, d)
    E = np.swapaxes(V[:, :d, :] - V[:, d:, :], 1, 2)              # (s, d, d): edges as columns
    det = np.linalg.det(E)
    scale = np.abs(E).max(axis=(1, 2)) ** d
    flat = ~(np.abs(det) > 1e-12 * np.maximum(scale, 1e-300))    # degenerate simplices: skipped
    inv = np.linalg.inv(np.where(flat[:, None, None], np.eye(d), E))
    simp = np.full(len(Q), -1)
    lam = np.zeros((len(Q), d + 1))
    step = max(1, 200_000 // max(len(simplices) * (d + 1), 1))
    for a in range(0, len(Q), step):
        q = Q[a:a + step]
        b = np.einsum("sij,qsj->qsi", inv, q[:, None, :] - V[None, :, d, :])   # (q, s, d)
        L = np.concatenate([b, 1.0 - b.sum(axis=2, keepdims=True)], axis=2)
        inside = (L >= -1e-12).all(axis=2) & ~flat[None, :]
        hit = inside.any(axis=1)
        first = np.argmax(inside, axis=1)
        simp[a:a + step] = np.where(hit, first, -1)
        lam[a:a + step] = L[np.arange(len(q)), first]
    return simp, lam


def _prove(Y, vopt, bnd, xg, base, members, gap) -> tuple[np.ndarray, np.ndarray]:
    """Which ``members`` the draws ``base`` (where ``xg`` is proven) prove by convexity, and the
    bound on the best value at each draw proven (see the module, step 1)."""
    from scipy.spatial import Delaunay, QhullError  # noqa: PLC0415

    d = Y.shape[1]
    n = len(members)
    ub = np.full(n, np.nan)
    lam_ok = np.zeros(n, bool)
    if d == 0:  # every draw has the same weights
        ub[:] = bnd[base].min()
        lam_ok[:] = True
    elif d == 1 and len(base) >= 2:   # on a line: the two proven draws around each one
        order = np.argsort(Y[base, 0], kind="stable")
        ys, bs = Y[base, 0][order], base[order]
        y = Y[members, 0]
        lo = np.searchsorted(ys, y, side="right") - 1        # last proven draw at or before
        hi = np.searchsorted(ys, y, side="left")             # first at or after
        idx = np.flatnonzero((lo >= 0) & (hi < len(ys)))
        if len(idx):
            a, b = lo[idx], hi[idx]
            width = ys[b] - ys[a]
            t = np.where(width > 0, (y[idx] - ys[a]) / np.where(width > 0, width, 1.0), 0.0)
            ub[idx] = (1.0 - t) * bnd[bs[a]] + t * bnd[bs[b]]
            lam_ok[idx] = (t >= 0) & (t <= 1)
    elif d >= 2 and len(base) >= d + 1:
        try:
            tri = Delaunay(Y[base])
        except (QhullError, ValueError):
            tri = None
        if tri is not None:
            simp, lam_all = _locate(Y[base], tri.simplices, Y[members])
            idx = np.flatnonzero(simp >= 0)
            if len(idx):
                s = simp[idx]
                lam = lam_all[idx]                                   # barycentric weights
                verts = base[tri.simplices[s]]                       # (q, d+1) draw indices
                back = np.einsum("qi,qij->qj", lam, Y[verts])        # the combination, recomputed
                good = (lam >= -1e-12).all(axis=1) & (np.abs(back - Y[members[idx]]).max(axis=1) <= 1e-10)
                lam = np.clip(lam, 0.0, None)
                ub[idx] = (lam * bnd[verts]).sum(axis=1) / lam.sum(axis=1)
                lam_ok[idx] = good
    val = _worth(vopt[members], sparse.csr_matrix(xg[None, :]))[:, 0]
    ok = lam_ok & np.isfinite(ub) & ((ub - val) <= (gap + ROUNDING_RATE) * np.abs(val))
    return ok, np.maximum(ub[ok], val[ok])


# --------------------------------------------------------------------------------------------
# weight and cost draws
# --------------------------------------------------------------------------------------------
def solve_cost_draws(model: pf.Model, values: np.ndarray, col_scale: np.ndarray, *, budget_eur: float,
                     mip_rel_gap: float, time_limit_s: float, workers: int | None = None) -> DrawSolutions:
    """The optimal portfolio for each draw of values (shape ``(k, n)``) and costs (``col_scale``,
    shape ``(k, m)``: each option's euro coefficients multiplied): each draw re-optimised around
    its LP optimum rounded (see the module, step 3; portfolios of other draws seldom fit another
    draw's costs and, made to fit, are worth 5-25 % less than the LP optimum rounded).
    """
    K, m = len(values), len(model.item)
    gap = min(float(mip_rel_gap), EXACT_GAP)     # solved to the optimum: see EXACT_GAP
    X = np.full((K, m), np.nan)
    obj = np.full(K, np.nan)
    bnd = np.full(K, np.nan)
    proof = np.full(K, PROOF_NONE, dtype=object)
    status = [""] * K
    wk = _Workers(model, workers or default_workers())
    t_solve = 0.0

    def one(solver, k):
        return solver.solve(values[k], budget_eur, time_limit_s, gap, np.zeros(m), col_scale[k])

    try:
        res = wk.run(list(range(K)), one)
    finally:
        wk.close()
    for k, sol in enumerate(res):
        t_solve += sol.time_s
        status[k] = sol.status
        if sol.x is None:
            continue
        X[k], obj[k], bnd[k] = sol.x, sol.objective, sol.dual_bound
        ok = sol.status == "optimal" and sol.gap <= gap + ROUNDING_RATE
        proof[k] = _proof(sol, ok)
    out = DrawSolutions(X, obj, bnd, np.asarray(proof, dtype=object), status, t_solve, 1, wk.n)
    free = wk.free_columns()
    out.extra.update({"options": m, "median_free_options": float(np.median(free)) if free else float("nan"),
                      **wk.search_stats()})
    return out


def _fit(x: np.ndarray, A, lb: np.ndarray, ub: np.ndarray, tol: np.ndarray, vopt: np.ndarray,
         cost_eur: np.ndarray, fill: bool = False, compiled: bool = True) -> np.ndarray | None:
    """A portfolio near ``x`` that satisfies ``lb <= A x <= ub`` (``A`` in CSC): options dropped,
    lowest value per euro first, while a limit is exceeded, then (when any was dropped, or
    ``fill``) others added, best value per euro first, while every limit holds (``None`` when a
    lower limit cannot be kept).  Compiled (:func:`workbench.selection.branch_bound.fit_portfolio`,
    the same choices) when numba is installed."""
    density = vopt / np.maximum(cost_eur, 1e-9)
    if compiled and bb.available():
        return bb.fit_portfolio(x, A, lb, ub, tol, vopt, density, fill)
    x = (x > 0.5).astype(float)
    r = A @ x
    ip, ix, dv = A.indptr, A.indices, A.data
    col = np.repeat(np.arange(A.shape[1]), np.diff(ip))
    hi, low = ub + tol, lb - tol
    dropped = False
    for _ in range(int(x.sum())):
        over = r > hi
        if not over.any():
            break
        # selected options with a positive coefficient in a row over its limit
        hit = np.zeros(A.shape[1], bool)
        hit[col[over[ix] & (dv > 0)]] = True
        cand = np.flatnonzero(hit & (x > 0.5))
        if not len(cand):
            return None
        j = int(cand[np.lexsort((cand, density[cand]))[0]])
        x[j] = 0.0
        dropped = True
        r[ix[ip[j]:ip[j + 1]]] -= dv[ip[j]:ip[j + 1]]
    if np.any(r > hi) or np.any(r < low):
        return None
    if not (fill or dropped):
        return x
    while True:
        # options that fit alone in what is left, best value per euro first
        new = r[ix] + dv
        bad = np.zeros(A.shape[1], bool)
        bad[col[(new > hi[ix]) | (new < low[ix])]] = True
        cand = np.flatnonzero(~bad & (x < 0.5) & (vopt > 0))
        if not len(cand):
            return x
        j = int(cand[np.lexsort((cand, -density[cand]))[0]])
        x[j] = 1.0
        r[ix[ip[j]:ip[j + 1]]] += dv[ip[j]:ip[j + 1]]
