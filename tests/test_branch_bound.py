"""The compiled branch and bound of the SMAA's re-optimisations (workbench.selection.branch_bound):
its optimum and bound against brute force on small binary programs shaped like the selection's
(knapsack rows of euros, one funding per project, options that duplicate one another)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from workbench.selection import branch_bound as bb

pytestmark = pytest.mark.skipif(not bb.available(), reason="numba not installed")


def _problem(rng, n: int, dup: bool):
    """``max c.x``, ``G x <= h``: 1-3 knapsack rows, pairs of options of one project (at most one
    funded), a requires and an excludes rule; with ``dup`` some pairs are the same option twice
    (a project eligible to two envelopes whose rows no longer bind)."""
    cost = rng.uniform(0.2, 3.0, n)
    c = cost * rng.uniform(0.5, 2.0, n)
    rows, h = [], []
    for _ in range(int(rng.integers(1, 4))):
        take = rng.random(n) < 0.8
        rows.append(np.where(take, cost * rng.uniform(0.8, 1.2, n), 0.0))
        h.append(0.45 * rows[-1].sum())
    for a in range(0, n - 1, 3):                 # one funding per project
        g = np.zeros(n)
        g[a] = g[a + 1] = 1.0
        rows.append(g)
        h.append(1.0)
        if dup:
            c[a + 1] = c[a]
            for r in rows[:-1]:
                r[a + 1] = r[a]
    g = np.zeros(n)
    g[n - 1], g[0] = 1.0, -1.0                   # option n-1 requires option 0
    rows.append(g)
    h.append(0.0)
    g = np.zeros(n)
    g[2], g[n - 2] = 1.0, 1.0                    # 2 and n-2 exclude each other
    rows.append(g)
    h.append(1.0)
    return np.array(rows), np.array(h), c


def _brute(G, h, c):
    best, arg = -np.inf, None
    for bits in itertools.product((0.0, 1.0), repeat=G.shape[1]):
        x = np.array(bits)
        if np.all(G @ x <= h + 1e-12) and c @ x > best:
            best, arg = c @ x, x
    return best, arg


@pytest.mark.parametrize("seed", range(12))
def test_optimum_and_bound_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 13
    G, h, c = _problem(rng, n, dup=seed % 2 == 1)
    best, _ = _brute(G, h, c)
    st, x, v, bound, nodes = bb.solve_binary(G, h, c, np.zeros(n), 1e-9)
    assert st == bb.OPTIMAL and nodes >= 1
    assert np.all(G @ x <= h + 1e-9) and set(np.unique(x)) <= {0.0, 1.0}
    assert v == pytest.approx(c @ x, rel=1e-12)
    assert v == pytest.approx(best, rel=1e-9)                  # the optimum, not merely within 1e-6
    assert best <= bound + 1e-9 and bound <= v * (1 + 1e-9) + 1e-9


def test_a_start_that_uses_a_dropped_duplicate_is_moved_onto_its_twin():
    """Options 0 and 1 are the same project's one option twice: the presolve keeps one, and a
    start funding the other is handed over (same value, same costs), then improved."""
    G = np.array([[2.0, 2.0, 1.0, 1.5], [1.0, 1.0, 0.0, 0.0]])
    h = np.array([3.0, 1.0])
    c = np.array([3.0, 3.0, 1.0, 2.0])
    red = bb.presolve(G, h, c)
    assert red is not None and red[5] == [(1, 0)]              # 1 dropped, 0 kept in its place
    st, x, v, bound, _ = bb.solve_binary(G, h, c, np.array([0.0, 1.0, 1.0, 0.0]), 1e-9)
    assert st == bb.OPTIMAL and v == pytest.approx(4.0) and bound == pytest.approx(4.0)
    assert x.tolist() == [1.0, 0.0, 1.0, 0.0]


def test_forced_options_and_rows_that_cannot_bind():
    G = np.array([[5.0, 1.0, 1.0], [1.0, 1.0, 1.0], [-1.0, 0.0, 0.0]])
    h = np.array([4.0, 10.0, 0.0])      # option 0 too dear; row 1 never binds; row 2 redundant
    red = bb.presolve(G, h, np.array([9.0, 1.0, 2.0]))
    Gr, _, _, keep, fixed, _ = red
    assert keep.tolist() == [1, 2] and fixed[0] == 0.0 and Gr.shape[0] == 0
    st, x, v, bound, _ = bb.solve_binary(G, h, np.array([9.0, 1.0, 2.0]), np.zeros(3), 1e-9)
    assert st == bb.OPTIMAL and x.tolist() == [0.0, 1.0, 1.0] and v == 3.0 and bound == 3.0


def test_a_start_that_breaks_a_row_is_refused():
    G = np.array([[1.0, 1.0]])
    st, *_ = bb.solve_binary(G, np.array([1.0]), np.array([1.0, 1.0]), np.ones(2), 1e-9)
    assert st == bb.FAILED            # the caller then solves with HiGHS


def test_search_that_runs_out_of_nodes_gives_up():
    rng = np.random.default_rng(3)
    G, h, c = _problem(rng, 13, dup=False)
    st, *_ = bb.solve_binary(G, h, c, np.zeros(13), 1e-9, max_nodes=1)
    assert st == bb.FAILED


@pytest.mark.parametrize("seed", range(6))
def test_compiled_repair_makes_the_same_choices_as_the_reference(seed):
    """draws._fit: a portfolio made to fit (options dropped, lowest value per euro first, then
    others added, best first), compiled and in NumPy: the same portfolio, option for option."""
    from scipy import sparse

    from workbench.selection import draws as dr

    rng = np.random.default_rng(seed)
    n = 40
    cost = rng.uniform(0.1, 2.0, n)
    vopt = cost * rng.choice([0.5, 1.0, 1.5], n)              # ties in value per euro
    vopt[rng.random(n) < 0.1] = 0.0
    rows = [cost, np.where(rng.random(n) < 0.5, cost, 0.0)]
    gub = np.zeros(n)
    gub[:2] = 1.0
    req = np.zeros(n)
    req[5], req[6] = 1.0, -1.0                                # 5 requires 6
    A = sparse.csc_matrix(np.array(rows + [gub, req]))
    ub = np.array([0.3 * cost.sum(), 0.2 * cost.sum(), 1.0, 0.0])
    lb = np.array([-np.inf, -np.inf, -np.inf, -np.inf])
    tol = 1e-9 * np.maximum(1.0, np.abs(ub))
    for trial in range(20):
        x = (rng.random(n) < rng.uniform(0.05, 0.6)).astype(float)
        for fill in (False, True):
            a = dr._fit(x, A, lb, ub, tol, vopt, cost, fill=fill, compiled=True)
            b = dr._fit(x, A, lb, ub, tol, vopt, cost, fill=fill, compiled=False)
            assert (a is None) == (b is None)
            if a is not None:
                assert a.tolist() == b.tolist()
                assert np.all(A @ a <= ub + tol)
