"""A compiled branch and bound for the small binary programs of :mod:`workbench.selection.draws`.

After reduced-cost fixing, a weight draw's selection problem keeps 10-150 open funding options
(median 26-88 by instance) and a few dozen rows that can still bind (``max c.x`` subject to
``G x <= h``, ``x`` binary).  HiGHS solves such a problem in 5-100 ms, almost all of it the cost
of its general machinery per node (0.2-0.3 ms a node).  The search here makes the same proof
with a dense LP of the rows that can bind: 5-17 microseconds a node, 1-3 ms a problem, though it
separates no cuts and so explores more nodes (on the benchmark's seed 6: 190 nodes in 0.9 ms
against HiGHS's 128 in 22 ms; seed 1: 103 in 1.8 ms against 29 in 8 ms).  Its optimum is checked
against brute force (``tests/test_branch_bound.py``) and, inside the SMAA, against exact
re-solves (``tests/test_robustness_fast.py``).

The method (textbook; Wolsey, *Integer Programming*, Wiley, 1998, ch. 7):

* **Presolve** (:func:`presolve`): options that cannot be taken (or left) without breaking a
  row are fixed, rows that no choice can break dropped, and in a one-of-several row an option
  dominated by another dropped; in particular the twin option of a candidate eligible to two
  sub-envelopes, which otherwise doubles the search at each such candidate.
* **LP bounds by the dual simplex** with bounded variables, each node starting from its parent's
  optimal basis and basis inverse (updated pivot by pivot, inverted afresh every
  :data:`REINVERT_PIVOTS` pivots).
* **Rigorous bounds.**  A node is pruned on the Lagrangian bound ``y.h + sum_j max(r_j lo_j,
  r_j up_j)`` (``r = c - y G``) of its LP's duals ``y`` clipped to ``y >= 0``: an upper bound on
  the node's best value for any ``y >= 0``, whatever the accuracy of the LP.  A child is pruned
  without its LP on the same bound at the duals one dual-simplex step further (Driebeek's
  penalty); a box the dual simplex finds empty, at duals far along the dual ray.
* **Reduced-cost fixing** in each subtree with the same duals; branching on the fractional
  variable whose children's penalties have the largest product, the children's LPs solved for
  the best :data:`STRONG_CANDIDATES` candidates on the first :data:`STRONG_DEPTH` levels.
* Depth first from the incumbent given (a neighbouring draw's optimum, usually optimal already):
  the search is then a proof.

Any trouble (an LP that cycles or meets a tiny pivot, :data:`MAX_NODES` nodes, an integral LP
point that fails a row) returns :data:`FAILED`, and the caller hands the problem to HiGHS (it
never did on the benchmark's twelve seeds).  Deterministic: no time limit, no randomness, no
threads of its own (the functions release Python's lock, so the caller's threads run them side
by side).  Compiled by numba on first use and cached on disk next to the module (about 14 s
once per install on the busy machine; then 0.2-1 s to load in each process).
"""
from __future__ import annotations

from types import ModuleType

import numpy as np

_nb: ModuleType | None
try:
    import numba as _nb
except ImportError:  # pragma: no cover - numba is a declared dependency
    _nb = None

#: Status of :func:`solve_binary`: optimal within the gap given, or the search gave up.
OPTIMAL, FAILED = 0, 2
#: Primal feasibility tolerance of the LP [row units: M€ for rows of euros, options otherwise].
FEAS_TOL = 1e-9
#: A variable within this distance of 0 or 1 is integral [fraction].
INT_TOL = 1e-9
#: Nodes after which the search gives up (HiGHS then solves the problem); the most measured on
#: the benchmark's slowest seeds (1, 3, 5, 6; 2,000 draws each): 1,335.
MAX_NODES = 50_000
#: Dual simplex pivots allowed at one node.
MAX_PIVOTS = 300
#: Pivots after which a node inverts its basis afresh rather than keep its parent's inverse
#: (updated pivot by pivot: the errors grow with the pivots; inverting each node cost 30-50 %
#: of the search on 17-31 rows).
REINVERT_PIVOTS = 20
#: Depth [levels] above which candidates are strong-branched, and how many candidates then.
STRONG_DEPTH = 4
STRONG_CANDIDATES = 8


def _lp_py(A, AT, n, h, d, lo, up, basis, atup, Binv, invert, max_iter):
    """Bounded dual simplex: ``min d.z`` subject to ``A z = h`` (``A = [G I]``: the ``n`` options
    then the slacks; ``AT`` its transpose, contiguous), ``lo <= z <= up``, from the dual feasible
    ``basis`` (nonbasic ``z_j`` at ``up_j`` where ``atup[j]``, else at ``lo_j``) and the basis
    inverse ``Binv`` (computed afresh when ``invert``), all updated in place.

    Returns ``(status, z, pi, r, pivots)``: status 0 optimal, 1 infeasible (dual unbounded along
    row ``r`` of ``Binv``), 2 gave up."""
    m, N = A.shape
    z = np.zeros(N)
    isbasic = np.zeros(N, np.bool_)
    for i in range(m):
        isbasic[basis[i]] = True
    if invert:
        B = np.empty((m, m))
        for i in range(m):
            B[:, i] = A[:, basis[i]]
        Binv[:, :] = np.linalg.inv(B)
    dB = np.empty(m)
    rhs = np.empty(m)
    for it in range(max_iter):
        for i in range(m):
            rhs[i] = h[i]
        for j in range(n):                     # options at 1 (slacks rest at 0)
            if not isbasic[j]:
                v = up[j] if atup[j] else lo[j]
                z[j] = v
                if v != 0.0:
                    for i in range(m):
                        rhs[i] -= AT[j, i] * v
        for j in range(n, N):
            if not isbasic[j]:
                z[j] = 0.0
        xB = Binv @ rhs
        for i in range(m):
            z[basis[i]] = xB[i]
            dB[i] = d[basis[i]]
        pi = dB @ Binv
        r = -1
        worst = 0.0
        for i in range(m):                     # leaving: the largest bound violation
            b = basis[i]
            v = 0.0
            if xB[i] < lo[b] - FEAS_TOL:
                v = lo[b] - xB[i]
            elif xB[i] > up[b] + FEAS_TOL:
                v = xB[i] - up[b]
            if v > worst:
                worst = v
                r = i
        if r < 0:
            return 0, z, pi, -1, it
        below = xB[r] < lo[basis[r]]
        brow = np.ascontiguousarray(Binv[r, :])
        alpha = AT @ brow
        red = d - AT @ pi
        q = -1
        best = np.inf
        bestabs = 0.0
        for j in range(N):                     # entering: the dual ratio test
            if isbasic[j] or lo[j] == up[j]:
                continue
            a = alpha[j]
            if abs(a) < 1e-11:
                continue
            if below:
                ok = (not atup[j] and a < 0) or (atup[j] and a > 0)
            else:
                ok = (not atup[j] and a > 0) or (atup[j] and a < 0)
            if not ok:
                continue
            t = abs(red[j]) / abs(a)
            if t < best - 1e-12 or (t <= best + 1e-12 and abs(a) > bestabs):
                best = t
                bestabs = abs(a)
                q = j
        if q < 0:
            return 1, z, pi, r, it
        col = Binv @ np.ascontiguousarray(AT[q])
        piv = col[r]
        if abs(piv) < 1e-9:
            return 2, z, pi, -1, it
        for k in range(m):
            Binv[r, k] /= piv
        for i in range(m):
            if i != r and col[i] != 0.0:
                f = col[i]
                for k in range(m):
                    Binv[i, k] -= f * Binv[r, k]
        leave = basis[r]
        atup[leave] = not below
        isbasic[leave] = False
        isbasic[q] = True
        basis[r] = q
        atup[q] = False
    return 2, z, np.zeros(m), -1, max_iter


def _lagrange_py(G, h, c, lo, up, y, rc):
    """``y.h + sum_j max(rc_j lo_j, rc_j up_j)`` with ``rc = c - y G`` (written into ``rc``) and
    ``y`` clipped to ``y >= 0`` in place: an upper bound on ``max c.x``, ``G x <= h``,
    ``lo <= x <= up``."""
    m, n = G.shape
    b = 0.0
    for i in range(m):
        if not y[i] > 0.0:
            y[i] = 0.0
        b += y[i] * h[i]
    for j in range(n):
        r = c[j]
        for i in range(m):
            r -= y[i] * G[i, j]
        rc[j] = r
        b += max(r * lo[j], r * up[j])
    return b


def _ray_bound_py(G, h, c, lo, up, pi, ray, scale, yc, rc):
    """The smallest Lagrangian bound (:func:`_lagrange_py`, box ``lo``, ``up``) of the duals
    ``-(pi + t ray)`` for steps ``t`` of ``scale`` times 1, 1e3 and 1e6 either way: a rigorous
    bound on a box the dual simplex found empty (it falls without limit along the ray), or on a
    child's box after one dual step."""
    m = G.shape[0]
    best = np.inf
    for sgn in (-1.0, 1.0):
        for k in range(3):
            t = sgn * scale * 10.0 ** (3 * k)
            for i in range(m):
                yc[i] = -(pi[i] + t * ray[i])
            best = min(best, _lagrange_py(G, h, c, lo, up, yc, rc))
    return best


def _solve_py(G, h, c, x0, gap, offset, max_nodes, strong_depth):
    """See :func:`solve_binary`."""
    m, n = G.shape
    N = n + m
    A = np.zeros((m, N))
    A[:, :n] = G
    for i in range(m):
        A[i, n + i] = 1.0
    AT = np.ascontiguousarray(A.T)
    d = np.zeros(N)
    d[:n] = -c
    lo = np.zeros(N)
    up = np.full(N, np.inf)
    best_x = x0.copy()
    z_inc = 0.0
    for j in range(n):
        z_inc += c[j] * x0[j]
    glob = -np.inf
    cap = 2 * n + 4                            # depth first: at most two open nodes a level
    S_lo = np.zeros((cap, n))
    S_up = np.ones((cap, n))
    S_basis = np.zeros((cap, m), np.int64)
    S_atup = np.zeros((cap, N), np.bool_)
    S_Binv = np.zeros((cap, m, m))
    S_age = np.zeros(cap, np.int64)           # pivots since the basis was last inverted
    S_age[0] = REINVERT_PIVOTS                # the root inverts
    for i in range(m):
        S_basis[0, i] = n + i                  # the slack basis, dual feasible at its bounds:
    for j in range(n):
        S_atup[0, j] = c[j] > 0                # each option at the bound its value prefers
    top = 1
    nodes = 0
    isb = np.zeros(N, np.bool_)
    y = np.zeros(m)
    yc = np.zeros(m)
    rc = np.zeros(n)
    rc2 = np.zeros(n)
    clo = np.zeros(n)
    cup = np.zeros(n)
    lo2 = np.zeros(N)
    up2 = np.zeros(N)
    depth = np.zeros(cap, np.int64)
    c_j = np.zeros(m, np.int64)
    c_row = np.zeros(m, np.int64)
    c_t = np.zeros((m, 2))
    c_b = np.zeros((m, 2))
    while top > 0:
        top -= 1
        nodes += 1
        if nodes > max_nodes:
            return FAILED, best_x, z_inc, np.inf, nodes
        lo[:n] = S_lo[top]
        up[:n] = S_up[top]
        basis = S_basis[top].copy()
        atup = S_atup[top].copy()
        Binv = S_Binv[top].copy()
        age = S_age[top]
        dnode = depth[top]
        fresh = age >= REINVERT_PIVOTS
        st, z, pi, r_inf, piv = _lp_py(A, AT, n, h, d, lo, up, basis, atup, Binv, fresh, MAX_PIVOTS)
        age = piv if fresh else age + piv
        if st == 2:
            return FAILED, best_x, z_inc, np.inf, nodes
        if st == 1:                            # no portfolio in this subtree: proven by the ray
            cb = _ray_bound_py(G, h, c, lo[:n], up[:n], pi, np.ascontiguousarray(Binv[r_inf, :]),
                               max(1.0, abs(z_inc)), yc, rc2)
            if cb > z_inc + gap * abs(z_inc + offset):
                return FAILED, best_x, z_inc, np.inf, nodes
            glob = max(glob, cb)
            continue
        thr = z_inc + gap * abs(z_inc + offset)
        for i in range(m):
            y[i] = -pi[i]
        bnd = _lagrange_py(G, h, c, lo[:n], up[:n], y, rc)
        if bnd <= thr:
            glob = max(glob, bnd)
            continue
        jb = -1
        for j in range(n):
            if min(z[j] - np.floor(z[j]), np.ceil(z[j]) - z[j]) > INT_TOL:
                jb = j
                break
        if jb < 0:                             # an integral LP optimum: a portfolio
            x = np.empty(n)
            v = 0.0
            for j in range(n):
                x[j] = np.floor(z[j] + 0.5)
                v += c[j] * x[j]
            for i in range(m):
                s = 0.0
                for j in range(n):
                    s += G[i, j] * x[j]
                if s > h[i] + FEAS_TOL * max(1.0, abs(h[i])):
                    return FAILED, best_x, z_inc, np.inf, nodes
            if v > z_inc:
                z_inc = v
                best_x = x
            glob = max(glob, bnd)
            continue
        slack = bnd - thr                      # reduced-cost fixing in the subtree
        for j in range(n):
            if lo[j] < up[j] and abs(rc[j]) > slack:
                if rc[j] < 0 and z[j] <= lo[j] + INT_TOL:
                    up[j] = lo[j]
                elif rc[j] > 0 and z[j] >= up[j] - INT_TOL:
                    lo[j] = up[j]
        for j in range(N):
            isb[j] = False
        for i in range(m):
            isb[basis[i]] = True
        red = d - AT @ pi
        nc = 0
        for i in range(m):                     # candidates: each fractional variable's penalties
            j = basis[i]
            if j >= n:
                continue
            f = z[j] - np.floor(z[j])
            if min(f, 1.0 - f) <= INT_TOL:
                continue
            alpha = AT @ np.ascontiguousarray(Binv[i, :])
            tdn = np.inf
            tup = np.inf
            for k in range(N):
                if lo[k] == up[k] or isb[k]:
                    continue
                a = alpha[k]
                if abs(a) < 1e-11:
                    continue
                t = abs(red[k]) / abs(a)
                if (not atup[k] and a > 0) or (atup[k] and a < 0):
                    tdn = min(tdn, t)          # the variable pushed down to 0
                else:
                    tup = min(tup, t)          # pushed up to 1
            c_j[nc] = j
            c_row[nc] = i
            c_t[nc, 0] = tdn
            c_t[nc, 1] = tup
            c_b[nc, 0] = bnd - f * tdn         # estimates (the first dual step's objective)
            c_b[nc, 1] = bnd - (1.0 - f) * tup
            nc += 1
        if dnode < strong_depth and nc > 1:
            # strong branching near the root: the children's LPs of the best candidates
            order = np.argsort(-np.minimum(bnd - c_b[:nc, 0], bnd - c_b[:nc, 1]))
            for q in range(min(nc, STRONG_CANDIDATES)):
                k = order[q]
                for side in range(2):
                    if c_b[k, side] <= thr:
                        continue
                    lo2[:] = lo
                    up2[:] = up
                    lo2[c_j[k]] = float(side)
                    up2[c_j[k]] = float(side)
                    b2 = basis.copy()
                    a2 = atup.copy()
                    B2 = Binv.copy()
                    st2, z2, _, _, _ = _lp_py(A, AT, n, h, d, lo2, up2, b2, a2, B2, False, MAX_PIVOTS)
                    if st2 == 1:
                        c_b[k, side] = -np.inf
                    elif st2 == 0:
                        v2 = 0.0
                        for jj in range(n):
                            v2 += c[jj] * z2[jj]
                        c_b[k, side] = min(c_b[k, side], v2)
        kb = 0
        score_b = -1.0
        for k in range(nc):                    # branching: the largest product of the drops
            d0 = max(bnd - c_b[k, 0], 1e-12 * abs(bnd))
            d1 = max(bnd - c_b[k, 1], 1e-12 * abs(bnd))
            score = min(d0, 1e300) * min(d1, 1e300)
            if score > score_b:
                score_b = score
                kb = k
        jb = c_j[kb]
        ib = c_row[kb]
        first_up = c_b[kb, 1] >= c_b[kb, 0]
        dep = dnode + 1
        for k in range(2):                     # the more promising child pushed last: explored first
            val = 1.0 if (k == 0) != first_up else 0.0
            side = int(val)
            if c_b[kb, side] <= thr:
                # the child's rigorous bound: its box with the parent's duals, and with the duals
                # one dual simplex step (or far along the ray) either way; any y >= 0 is valid
                for jj in range(n):
                    clo[jj] = lo[jj]
                    cup[jj] = up[jj]
                clo[jb] = val
                cup[jb] = val
                for ii in range(m):
                    yc[ii] = y[ii]
                cb = _lagrange_py(G, h, c, clo, cup, yc, rc2)
                t = c_t[kb, side]
                ray = np.ascontiguousarray(Binv[ib, :])
                if t < np.inf:
                    for sgn in (-1.0, 1.0):
                        for ii in range(m):
                            yc[ii] = -(pi[ii] + sgn * t * ray[ii])
                        cb = min(cb, _lagrange_py(G, h, c, clo, cup, yc, rc2))
                if cb > thr:
                    cb = min(cb, _ray_bound_py(G, h, c, clo, cup, pi, ray, max(1.0, abs(z_inc)), yc, rc2))
                if cb <= thr:
                    glob = max(glob, cb)
                    continue
            S_lo[top] = lo[:n]
            S_up[top] = up[:n]
            S_lo[top, jb] = val
            S_up[top, jb] = val
            S_basis[top] = basis
            S_atup[top] = atup
            S_Binv[top] = Binv
            S_age[top] = age
            depth[top] = dep
            top += 1
    return OPTIMAL, best_x, z_inc, max(glob, z_inc), nodes


if _nb is not None:
    _lp_py = _nb.njit(cache=True, nogil=True)(_lp_py)
    _lagrange_py = _nb.njit(cache=True, nogil=True)(_lagrange_py)
    _ray_bound_py = _nb.njit(cache=True, nogil=True)(_ray_bound_py)
    _solve = _nb.njit(cache=True, nogil=True)(_solve_py)
else:  # pragma: no cover - numba is a declared dependency
    _solve = None


def _fit_py(x, ip, ix, dv, lb, ub, tol, vopt, density, fill):
    """:func:`workbench.selection.draws._fit` compiled (the same choices, in the same order):
    status 0 with the portfolio in ``x`` (updated in place), 1 when no portfolio near it fits."""
    m = len(x)
    r = np.zeros(len(ub))
    for j in range(m):
        if x[j] > 0.5:
            x[j] = 1.0
            for k in range(ip[j], ip[j + 1]):
                r[ix[k]] += dv[k]
        else:
            x[j] = 0.0
    hi = ub + tol
    low = lb - tol
    dropped = False
    while True:                                # drop: the lowest value per euro in a row over
        over = False
        for i in range(len(r)):
            if r[i] > hi[i]:
                over = True
                break
        if not over:
            break
        jb = -1
        for j in range(m):
            if x[j] < 0.5:
                continue
            hit = False
            for k in range(ip[j], ip[j + 1]):
                if dv[k] > 0 and r[ix[k]] > hi[ix[k]]:
                    hit = True
                    break
            if hit and (jb < 0 or density[j] < density[jb]):
                jb = j
        if jb < 0:
            return 1
        x[jb] = 0.0
        dropped = True
        for k in range(ip[jb], ip[jb + 1]):
            r[ix[k]] -= dv[k]
    for i in range(len(r)):
        if r[i] > hi[i] or r[i] < low[i]:
            return 1
    if not (fill or dropped):
        return 0
    while True:                                # fill: the best value per euro that fits alone
        jb = -1
        for j in range(m):
            if x[j] > 0.5 or not vopt[j] > 0:
                continue
            if jb >= 0 and not density[j] > density[jb]:
                continue
            ok = True
            for k in range(ip[j], ip[j + 1]):
                v = r[ix[k]] + dv[k]
                if v > hi[ix[k]] or v < low[ix[k]]:
                    ok = False
                    break
            if ok:
                jb = j
        if jb < 0:
            return 0
        x[jb] = 1.0
        for k in range(ip[jb], ip[jb + 1]):
            r[ix[k]] += dv[k]


_fit_kernel = _nb.njit(cache=True, nogil=True)(_fit_py) if _nb is not None else None


def fit_portfolio(x, A, lb, ub, tol, vopt, density, fill: bool):
    """The compiled :func:`workbench.selection.draws._fit` (``A`` in CSC): the portfolio, or
    ``None`` when none near ``x`` fits."""
    assert _fit_kernel is not None, "called only when numba is installed (available())"
    out = np.array(x, dtype=float)
    st = _fit_kernel(out, A.indptr, A.indices, np.asarray(A.data, float), lb, ub, tol, vopt, density, bool(fill))
    return None if st else out


def available() -> bool:
    """Whether the compiled search can run (numba installed)."""
    return _solve is not None


def rows_that_bind(A: np.ndarray, rl: np.ndarray, ru: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``rl <= A x <= ru`` (``A`` dense, ``x`` binary) as ``G x <= h``, without the limits
    that no choice of ``x`` can exceed (``-A`` and ``-rl`` for lower limits)."""
    pos = np.clip(A, 0.0, None).sum(axis=1)
    neg = np.clip(A, None, 0.0).sum(axis=1)
    up = np.isfinite(ru) & (pos > ru + 1e-12 * np.maximum(1.0, np.abs(np.where(np.isfinite(ru), ru, 0.0))))
    dn = np.isfinite(rl) & (neg < rl - 1e-12 * np.maximum(1.0, np.abs(np.where(np.isfinite(rl), rl, 0.0))))
    G = np.concatenate([A[up], -A[dn]])
    h = np.concatenate([ru[up], -rl[dn]])
    return np.ascontiguousarray(G, dtype=float), np.ascontiguousarray(h, dtype=float)


def _tol(h: np.ndarray) -> np.ndarray:
    return FEAS_TOL * np.maximum(1.0, np.abs(h))


def _presolve_py(G, h, c, free, rows, fixed, swaps):
    """See :func:`presolve` (``h``, ``free``, ``rows``, ``fixed`` and ``swaps`` updated in place);
    returns the number of swaps, -1 when no portfolio fits (not expected: the start fits)."""
    m, n = G.shape
    ns = 0
    lo_act = np.zeros(m)
    while True:
        changed = False
        for i in range(m):                     # rows no choice breaks; options forced
            if not rows[i]:
                continue
            lo = 0.0
            hi = 0.0
            for j in range(n):
                if free[j]:
                    g = G[i, j]
                    if g < 0:
                        lo += g
                    else:
                        hi += g
            lo_act[i] = lo
            if hi <= h[i] + 1e-12 * max(1.0, abs(h[i])):
                rows[i] = False
                changed = True
        for i in range(m):
            if not rows[i]:
                continue
            room = h[i] + FEAS_TOL * max(1.0, abs(h[i])) - lo_act[i]
            for j in range(n):
                if not free[j]:
                    continue
                g = G[i, j]
                if g > 0 and g > room:         # taking it breaks the row
                    if fixed[j] == 1.0:
                        return -1
                    fixed[j] = 0.0
                elif g < 0 and -g > room:      # leaving it does
                    if fixed[j] == 0.0:
                        return -1
                    fixed[j] = 1.0
        for j in range(n):
            if free[j] and not np.isnan(fixed[j]):
                free[j] = False
                changed = True
                if fixed[j] == 1.0:
                    for i in range(m):
                        h[i] -= G[i, j]
        if changed:
            continue
        for i in range(m):                     # one-of-several rows: dominated options
            if not rows[i] or h[i] != 1.0:
                continue
            ok = True
            cnt = 0
            for j in range(n):
                if free[j] and G[i, j] != 0.0:
                    cnt += 1
                    if G[i, j] != 1.0:
                        ok = False
            if not ok or cnt < 2:
                continue
            for j in range(n):
                if not free[j] or G[i, j] != 1.0:
                    continue
                for k in range(n):
                    if k == j or not free[k] or G[i, k] != 1.0 or c[k] < c[j]:
                        continue
                    dom = True
                    same = c[k] == c[j]
                    for r in range(m):
                        if r == i or not rows[r]:
                            continue
                        if G[r, k] > G[r, j]:
                            dom = False
                            break
                        if G[r, k] != G[r, j]:
                            same = False
                    if dom and (not same or k < j):
                        fixed[j] = 0.0
                        free[j] = False
                        swaps[ns, 0] = j
                        swaps[ns, 1] = k
                        ns += 1
                        changed = True
                        break
        if not changed:
            return ns


_presolve = _nb.njit(cache=True, nogil=True)(_presolve_py) if _nb is not None else _presolve_py


def presolve(G: np.ndarray, h: np.ndarray, c: np.ndarray) -> tuple | None:
    """Reductions that keep the best value of ``max c.x``, ``G x <= h``, ``x`` binary:

    * an option that cannot be taken (or left) without breaking a row, whatever the others, is
      fixed, and a row that no choice can break is dropped (repeated until nothing changes);
    * in a row that allows one option of several (one funding per project: coefficients 1, limit
      1), an option worth no more than another and using no less of every other row is never
      needed (the other one takes its place): it is fixed at 0.  Most are the two options of a
      project eligible to two sub-envelopes once those envelopes' rows no longer bind: the same
      value and the same costs, which doubled the search at each of them (HiGHS's presolve merges
      such parallel columns too).

    Returns ``(G, h, c, keep, fixed, swaps)``: the reduced problem over the options ``keep``,
    the value of every option fixed (``fixed``, NaN where kept) and the replacements
    ``[(dropped, kept_instead), ...]`` in order (see :func:`_map_start`); ``None`` when no
    portfolio fits."""
    G = np.ascontiguousarray(G, dtype=float)
    h = np.array(h, dtype=float)
    c = np.ascontiguousarray(c, dtype=float)
    m, n = G.shape
    free = np.ones(n, np.bool_)
    rows = np.ones(m, np.bool_)
    fixed = np.full(n, np.nan)
    swaps = np.zeros((n, 2), np.int64)
    ns = _presolve(G, h, c, free, rows, fixed, swaps)
    if ns < 0:
        return None
    keep = np.flatnonzero(free)
    r = np.flatnonzero(rows)
    G2 = np.ascontiguousarray(G[np.ix_(r, keep)])
    nz = np.any(G2 != 0.0, axis=1)
    return (np.ascontiguousarray(G2[nz]), np.ascontiguousarray(h[r][nz]), np.ascontiguousarray(c[keep]), keep,
            fixed, [(int(a), int(b)) for a, b in swaps[:ns]])


def _map_start(x0: np.ndarray, fixed: np.ndarray, swaps: list) -> np.ndarray:
    """The start ``x0`` moved onto the reduced problem: each dropped option's funding handed
    to the option kept in its place (worth no less, using no more)."""
    x = np.array(x0 > 0.5, dtype=float)
    for j, k in swaps:
        if x[j] > 0.5:
            x[j], x[k] = 0.0, 1.0
    return x


def solve_binary(G: np.ndarray, h: np.ndarray, c: np.ndarray, x0: np.ndarray, gap: float, offset: float = 0.0,
                 max_nodes: int = MAX_NODES,
                 strong_depth: int = STRONG_DEPTH) -> tuple[int, np.ndarray, float, float, int]:
    """``max c.x`` subject to ``G x <= h``, ``x`` binary, from the feasible portfolio ``x0``.

    ``offset`` is the value of what the problem leaves out (the options fixed by the caller): the
    gap is relative to the whole, ``|value + offset|``, as HiGHS's is when given that offset.

    Returns ``(status, x, value, bound, nodes)``: with status :data:`OPTIMAL`, ``x`` is worth
    ``value`` and no portfolio is worth more than ``bound`` (``<= value + gap |value + offset|`` up
    to rounding); with :data:`FAILED` the search gave up (numerical trouble or ``max_nodes``)."""
    c = np.asarray(c, dtype=float)
    x0 = np.ascontiguousarray(x0 > 0.5, dtype=float)
    if _solve is None:
        return FAILED, x0, float(c @ x0), np.inf, 0
    if np.any(G @ x0 > h + _tol(h)):
        return FAILED, x0, float(c @ x0), np.inf, 0
    red = presolve(G, h, c)
    if red is None:
        return FAILED, x0, float(c @ x0), np.inf, 0
    Gr, hr, cr, keep, fixed, swaps = red
    xs = _map_start(x0, fixed, swaps)
    if np.any(np.isfinite(fixed) & (xs != np.nan_to_num(fixed))) or np.any(Gr @ xs[keep] > hr + _tol(hr)):
        return FAILED, x0, float(c @ x0), np.inf, 0     # the start breaks a reduction: not expected
    base = float(c @ np.nan_to_num(fixed))
    if len(keep) == 0:
        return OPTIMAL, xs, base, base, 0
    if Gr.shape[0] == 0:                       # nothing binds: every option of positive value
        xk = (cr > 0).astype(float)
        nodes, st, b = 1, OPTIMAL, float(cr @ xk)
    else:
        st, xk, _, b, nodes = _solve(Gr, hr, cr, np.ascontiguousarray(xs[keep]), float(gap), float(offset) + base,
                                     int(max_nodes), int(strong_depth))
    x = np.nan_to_num(fixed).copy()
    x[keep] = np.asarray(xk)
    if st != OPTIMAL:
        return FAILED, x0, float(c @ x0), np.inf, int(nodes)
    return OPTIMAL, x, float(c @ x), float(b) + base, int(nodes)
