"""The fast SMAA (workbench.selection.draws): the same frequencies as re-solving every draw from scratch,
draws proven by a bound, answers that do not depend on the number of threads."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.selection import draws as dr
from workbench import selection as pf
from workbench.selection import robustness as rb
from workbench.generator import generate_pipeline
from workbench.scenario import load_scenario
from workbench.selection.scoring import CRITERIA

YEARS = (2021, 2022, 2023, 2024, 2025)


@pytest.fixture(scope="module")
def fitn():
    """The benchmark's instance, smaller: FITN's eleven sub-envelopes, yearly payment limits,
    phase-1 options, requires/excludes rules; 30 synthetic candidates for 9 M€."""
    from conftest import PARAMS

    base = load_scenario(PARAMS / "fitn_2021_2022.yaml")
    subs = base.funds["FITN"].sub_envelopes_eur
    scn = base.with_overrides({
        "horizon": {"start_year": 2021, "end_year": 2025},
        "selection": {"payment_limits_eur": {y: 8.5e6 for y in YEARS}, "mip_rel_gap": 1e-6, "time_limit_s": 60},
    })
    rng = np.random.default_rng(4)
    n = 30
    cands = generate_pipeline(n, 1.1e9 * n / 324, 0.8e9 * n / 324, rng, call_id="B", envelopes=list(subs),
                              envelope_weights=list(subs.values()), fund_share_cap=0.75,
                              multi_envelope_rate=0.10, dependency_rate=0.0, phase1_rate=0.2)
    ids = cands["id"].tolist()
    for r in range(4):
        i = int(rng.integers(1, n))
        col = "requires" if r % 2 == 0 else "excludes"
        cands.loc[i, col] = ";".join(x for x in [cands.loc[i, col], ids[int(rng.integers(0, i))]] if x)
    return scn, cands


def test_values_of_many_weights_are_those_of_one_weight_at_a_time(fitn):
    scn, cands = fitn
    W = rb.sample_weights(np.random.default_rng(0), 40)
    rows = [dict(zip(CRITERIA, w)) for w in W.to_numpy()]
    for rules in (None, {"roi_mode": "criterion"}):
        many = pf.project_values_rows(scn, cands, rows, rules)
        one = np.array([pf.project_values(scn, cands, w, rules).to_numpy() for w in rows])
        assert np.array_equal(many, one)  # bit for bit: the solver sees the same numbers


def test_fast_smaa_equals_the_naive_loop_and_proves_draws_by_bound(fitn):
    scn, cands = fitn
    fast = rb.smaa(scn, cands, 150, seed=3, budget_eur=9e6)
    naive = rb.smaa(scn, cands, 150, seed=3, budget_eur=9e6, method="resolve")
    pd.testing.assert_frame_equal(fast.frequency, naive.frequency)
    pd.testing.assert_frame_equal(fast.rank_acceptability, naive.rank_acceptability)
    a = fast.frequency.attrs
    assert a["method"] == "bound" and naive.frequency.attrs["method"] == "resolve"
    assert a["draws_proven_by_bound"] + a["draws_solved"] + a["draws_not_proven"] == 150
    assert a["draws_proven_by_bound"] > 0 and a["draws_not_proven"] == 0
    assert list(fast.proof.value_counts().sort_index().index) == ["bound", "solve"]
    assert 0 < fast.frequency["selection_frequency"].between(0, 1, inclusive="neither").sum()  # draws disagree


def test_joint_index_with_overruns_equals_the_naive_loop(fitn):
    scn, cands = fitn
    fast = rb.smaa(scn, cands, 40, seed=5, budget_eur=9e6, with_costs=True, paid_by_fund_rate=1.0)
    naive = rb.smaa(scn, cands, 40, seed=5, budget_eur=9e6, with_costs=True, paid_by_fund_rate=1.0,
                    method="resolve")
    pd.testing.assert_frame_equal(fast.frequency, naive.frequency)
    a = fast.frequency.attrs   # no draw proves another when costs differ: each is re-optimised
    assert a["draws_not_proven"] == 0 and a["draws_solved"] + a["draws_proven_by_bound"] == 40


def test_answers_do_not_depend_on_the_threads(fitn):
    scn, cands = fitn
    one = rb.smaa(scn, cands, 120, seed=8, budget_eur=9e6, workers=1)
    two = rb.smaa(scn, cands, 120, seed=8, budget_eur=9e6, workers=2)
    pd.testing.assert_frame_equal(one.frequency, two.frequency)
    assert one.proof.equals(two.proof)


def test_each_proof_by_bound_holds(fitn):
    """A draw proven by bound: its portfolio's value is within the gap of the draw's own optimum."""
    scn, cands = fitn
    s = pf.settings(scn, None, 9e6)
    mdl = pf.get_model(scn, cands, s)
    W = rb.sample_weights(np.random.default_rng(11), 200, scn.data["robustness"]["weight_intervals"])
    V = pf.project_values_rows(scn, cands, [dict(zip(CRITERIA, w)) for w in W.to_numpy()])
    res = dr.solve_weight_draws(mdl, V, W.to_numpy(), budget_eur=9e6, mip_rel_gap=1e-6, time_limit_s=60, workers=2)
    proven = np.flatnonzero(res.proof == dr.PROOF_BOUND)
    assert len(proven) > 20
    for k in proven[:25]:
        best = pf.solve_model(mdl, V[k], budget_eur=9e6, mip_rel_gap=0.0)
        assert res.objective[k] >= best.objective * (1 - 1e-6) - 1e-9
        assert res.bound[k] >= best.objective * (1 - 1e-9)      # the bound is a bound
        x = res.x[k]
        assert (mdl.A @ x <= np.where(np.arange(len(mdl.ub)) == mdl.envelope_row, 9e6, mdl.ub) + 1).all()


def test_method_is_checked(fitn):
    scn, cands = fitn
    with pytest.raises(Exception, match="bound' or 'resolve"):
        rb.smaa(scn, cands, 5, method="fast")


@pytest.mark.parametrize("info", [
    {"weight_intervals": {"strategic": [0.4, 0.4], "service": [0.2, 0.2], "savings": [0.3, 0.3],
                          "governance": [0.1, 0.1]}},                         # one weight vector
    {"weight_intervals": {"strategic": [0.4, 0.4], "service": [0.2, 0.2], "savings": [0.0, 0.4],
                          "governance": [0.0, 0.4]}},                         # weights on a line
    {"weight_order": ["strategic", "service", "savings", "governance"]},
    {"rules": {"roi_mode": "criterion"}},                                     # ROI as a fifth criterion
], ids=["point", "line", "order", "roi"])
def test_every_kind_of_weight_information_gives_the_naive_answer(fitn, info):
    scn, cands = fitn
    fast = rb.smaa(scn, cands, 60, seed=2, budget_eur=9e6, **info)
    naive = rb.smaa(scn, cands, 60, seed=2, budget_eur=9e6, method="resolve", **info)
    pd.testing.assert_frame_equal(fast.frequency, naive.frequency)
    if "weight_intervals" in info:   # draws on a point or a line prove one another too
        assert fast.frequency.attrs["draws_proven_by_bound"] >= 40


def test_cost_draws_proven_by_the_lp_bound_are_optimal(fitn):
    """Cost draws (the joint index when the fund pays overruns): a draw the LP relaxation proves
    alone (its bound within the gap of the portfolio, or every option fixed by reduced costs)
    holds that portfolio at the draw's exact optimum, like the draws solved."""
    scn, cands = fitn
    # payment limits out of reach: with a budget above every total, the LP relaxation is often integral
    scn = scn.with_overrides({"selection": {"payment_limits_eur": {y: 1e12 for y in YEARS}}})
    budget = 1e9
    mdl = pf.get_model(scn, cands, pf.settings(scn, None, budget))
    W = rb.sample_weights(np.random.default_rng(11), 100)
    V = pf.project_values_rows(scn, cands, [dict(zip(CRITERIA, w)) for w in W.to_numpy()])
    scales = rb.cost_ratios(scn, len(cands), 100, np.random.default_rng(12))[:, mdl.item]
    res = dr.solve_cost_draws(mdl, V, scales, budget_eur=budget, mip_rel_gap=1e-6, time_limit_s=60, workers=2)
    by_bound = np.flatnonzero(res.proof == dr.PROOF_BOUND)
    solved = np.flatnonzero(res.proof == dr.PROOF_SOLVE)
    assert len(by_bound) >= 1 and len(by_bound) + len(solved) == 100
    for k in np.r_[by_bound, solved[:5]]:
        best = pf.solve_model(mdl, V[k], budget_eur=budget, col_scale=scales[k], mip_rel_gap=0.0)
        assert res.objective[k] >= best.objective * (1 - 1e-9) - 1e-9      # the optimum, not less
        assert res.bound[k] >= best.objective * (1 - 1e-9)                  # the bound is a bound
        cost = np.where(mdl.cost_rows[:, None], scales[k][None, :], 1.0)
        row = mdl.A.multiply(cost).tocsr() @ res.x[k]                       # the draw's costs
        ub = np.where(np.arange(len(mdl.ub)) == mdl.envelope_row, budget, mdl.ub)
        assert (row <= ub + 1).all() and (row >= mdl.lb - 1).all()


def _family(n: int, seed: int):
    """``benchmarks/bench_portfolio.py``'s ``instance(n, seed)`` scaled down (payment limits and
    budget in proportion to ``n``): FITN's sub-envelopes, 10 % of candidates eligible to two of
    them (two options of the same value and cost), phase-1 options, requires/excludes rules."""
    from conftest import PARAMS

    base = load_scenario(PARAMS / "fitn_2021_2022.yaml")
    subs = base.funds["FITN"].sub_envelopes_eur
    f = n / 200
    scn = base.with_overrides({
        "horizon": {"start_year": 2021, "end_year": 2025},
        "selection": {"payment_limits_eur": {y: 55e6 * f for y in YEARS}, "mip_rel_gap": 1e-6, "time_limit_s": 60},
    })
    rng = np.random.default_rng(seed)
    cands = generate_pipeline(n, 1.1e9 * n / 324, 0.8e9 * n / 324, rng, call_id="B", envelopes=list(subs),
                              envelope_weights=list(subs.values()), fund_share_cap=0.75,
                              multi_envelope_rate=0.10, dependency_rate=0.0, phase1_rate=0.2)
    ids = cands["id"].tolist()
    for r in range(max(n // 20, 2)):
        i = int(rng.integers(1, n))
        col = "requires" if r % 2 == 0 else "excludes"
        cands.loc[i, col] = ";".join(x for x in [cands.loc[i, col], ids[int(rng.integers(0, i))]] if x)
    return scn, cands, 60e6 * f


@pytest.mark.parametrize("seed", [1, 5])
def test_slow_seeds_of_the_benchmark_family_give_each_draw_its_exact_optimum(seed, monkeypatch):
    """Seeds 1 and 5 of the benchmark's generator were its slowest (options of equal value and
    cost, many options near the margin): every draw checked here, proven by bound or solved by
    the compiled search, holds the value of an exact re-solve (gap 0), and its bound is one."""
    from workbench.selection import branch_bound as bb

    scn, cands, budget = _family(60, seed)
    mdl = pf.get_model(scn, cands, pf.settings(scn, None, budget))
    W = rb.sample_weights(np.random.default_rng(seed), 150, scn.data["robustness"]["weight_intervals"])
    V = pf.project_values_rows(scn, cands, [dict(zip(CRITERIA, w)) for w in W.to_numpy()])
    seen = {"searches": 0, "duplicates": 0}
    presolve = bb.presolve

    def spy(*a):
        out = presolve(*a)
        seen["searches"] += 1
        seen["duplicates"] += bool(out is not None and out[5])
        return out

    monkeypatch.setattr(bb, "presolve", spy)
    res = dr.solve_weight_draws(mdl, V, W.to_numpy(), budget_eur=budget, mip_rel_gap=1e-6, time_limit_s=60, workers=2)
    assert res.counts["not_proven"] == 0 and res.counts["proven_by_bound"] > 0
    assert seen["searches"] > 20 and seen["duplicates"] > 0     # the compiled search ran, twins dropped
    by_bound = np.flatnonzero(res.proof == dr.PROOF_BOUND)
    solved = np.flatnonzero(res.proof == dr.PROOF_SOLVE)
    for k in np.r_[by_bound[:6], solved[:: max(1, len(solved) // 8)]]:
        best = pf.solve_model(mdl, V[k], budget_eur=budget, mip_rel_gap=0.0)
        assert res.objective[k] >= best.objective * (1 - 1e-9)      # the optimum, not merely within 1e-6
        assert res.bound[k] >= best.objective * (1 - 1e-9)          # the bound is a bound
        x = res.x[k]
        ub = np.where(np.arange(len(mdl.ub)) == mdl.envelope_row, budget, mdl.ub)
        assert (mdl.A @ x <= ub + 1).all() and (mdl.A @ x >= mdl.lb - 1).all()


def test_highs_answers_when_the_compiled_search_gives_up(monkeypatch):
    """The compiled search may give up (numerical trouble, too many nodes): HiGHS then solves the
    same sub-problem, and the frequencies are the naive loop's all the same."""
    from workbench.selection import branch_bound as bb

    scn, cands, budget = _family(40, 5)
    naive = rb.smaa(scn, cands, 40, seed=2, budget_eur=budget, method="resolve")
    calls = []

    def gives_up(G, h, c, x0, gap, offset=0.0, **kw):
        calls.append(1)
        return bb.FAILED, x0, float(np.dot(c, x0)), np.inf, 0

    monkeypatch.setattr(bb, "solve_binary", gives_up)
    fast = rb.smaa(scn, cands, 40, seed=2, budget_eur=budget)
    assert calls                                                      # it was asked, and gave up
    pd.testing.assert_frame_equal(fast.frequency, naive.frequency)


def test_values_not_affine_in_the_weights_prove_no_draw_by_convexity(fitn):
    """The proofs by convexity need values affine in the weights: values bent away from that
    (squared) are solved draw by draw, each one at its own optimum."""
    scn, cands = fitn
    mdl = pf.get_model(scn, cands, pf.settings(scn, None, 9e6))
    W = rb.sample_weights(np.random.default_rng(4), 60, scn.data["robustness"]["weight_intervals"])
    V = pf.project_values_rows(scn, cands, [dict(zip(CRITERIA, w)) for w in W.to_numpy()])
    assert dr._affine(dr._affine_coords(W.to_numpy()), V)
    bent = V ** 2 / V.max()
    assert not dr._affine(dr._affine_coords(W.to_numpy()), bent)
    res = dr.solve_weight_draws(mdl, bent, W.to_numpy(), budget_eur=9e6, mip_rel_gap=1e-6, time_limit_s=60, workers=2)
    assert res.rounds == 2                       # the first round, then every other draw at once
    for k in range(0, 60, 6):
        best = pf.solve_model(mdl, bent[k], budget_eur=9e6, mip_rel_gap=0.0)
        assert res.objective[k] == pytest.approx(best.objective, rel=1e-9)
