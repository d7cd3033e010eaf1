"""The dashboard's solving paths against brute force and against the reference path.

``engine="highspy"`` (a HiGHS model kept per model and thread, its own search settings) and the
exact Pareto enumeration of the frontier must give the optimum the scipy path and a brute-force
enumeration give; the enumeration must decline the rules it cannot handle.
"""
from __future__ import annotations

import numpy as np
import pytest

from workbench import selection as pf

from helpers import CASES, brute_force, brute_force_cases, make_scenario, random_instance

ONE_FUND = """
selection:
  budget_eur: 60000000
"""


def one_fund_instance(seed: int, n: int):
    """A random call paid by fund F alone: requires, excludes and first phases, no sub-envelope."""
    cands = random_instance(np.random.default_rng(seed), n, False, False)
    cands["envelope"] = "F"
    return cands


@pytest.fixture
def fund_only(tmp_path):
    path = tmp_path / "f.yaml"
    scn = make_scenario(tmp_path, ONE_FUND)
    # the shared test scenario has sub-envelopes A and B: a copy without them
    body = scn.path.read_text(encoding="utf-8").split("    sub_envelopes:")[0] + "criteria:" + \
        scn.path.read_text(encoding="utf-8").split("criteria:")[1]
    path.write_text(body, encoding="utf-8")
    from workbench.scenario import load_scenario

    return load_scenario(path)


@pytest.mark.parametrize("seed,n", [(21, 10), (22, 12), (23, 14), (24, 16)])
def test_pareto_frontier_equals_brute_force(fund_only, seed, n):
    cands = one_fund_instance(seed, n)
    vals = pf.project_values(fund_only, cands).to_numpy()
    mdl = pf.get_model(fund_only, cands, pf.settings(fund_only))
    assert mdl.groups.get("envelope") and not any(k.startswith("sub-envelope") for k in mdl.groups)
    costs, values, counts = pf.pareto_frontier(mdl, vals)
    assert np.all(np.diff(costs) >= 0) and np.all(np.diff(values) > 0)
    total = cands["requested_eur"].sum()
    for frac in (0.1, 0.25, 0.4, 0.6, 0.85, 1.0):
        b = float(np.round(total * frac, -5))
        best, winners = brute_force(cands, vals, b, {})
        k = np.searchsorted(costs, b + 0.5, side="right") - 1
        assert values[k] == pytest.approx(best, abs=1e-6), (seed, frac)
        assert counts[k] in {len(w) for w in winners}  # the count of an optimal portfolio
    # the frontier read from it equals the reference path level by level
    ref = pf.frontier(fund_only, cands, n=9)
    fast = pf.frontier(fund_only, cands, n=9, engine="highspy")
    np.testing.assert_allclose(fast["value"], ref["value"], rtol=1e-9)
    np.testing.assert_allclose(fast["greedy_value"], ref["greedy_value"], rtol=1e-12)
    assert (fast["budget_eur"] == ref["budget_eur"]).all() and (fast["current"] == ref["current"]).all()
    assert (fast["solved"] == ref["solved"]).all()


def test_pareto_frontier_declines_what_it_cannot_enumerate(tmp_path):
    scn = make_scenario(tmp_path)  # sub-envelopes A and B tie many options together
    cands = random_instance(np.random.default_rng(31), 12, True, False)
    mdl = pf.get_model(scn, cands, pf.settings(scn))
    assert pf.pareto_frontier(mdl, pf.project_values(scn, cands).to_numpy()) is None
    assert pf.frontier(scn, cands, n=6, engine="highspy", solve=False) is None
    # then the levels are solved one by one, shared between two threads, with the same values
    ref = pf.frontier(scn, cands, n=6, rules={"mip_rel_gap": 0.0})
    fast = pf.frontier(scn, cands, n=6, rules={"mip_rel_gap": 0.0}, engine="highspy", workers=2)
    np.testing.assert_allclose(fast["value"], ref["value"], rtol=1e-9)
    assert (fast["status"] == "optimal").all()


@pytest.mark.parametrize("seed,n,multi,pay,owner_max", CASES[:6])
def test_highspy_engine_equals_brute_force(tmp_path, capfd, seed, n, multi, pay, owner_max):
    for scn, cands, frac, budget, rules, best, winners in brute_force_cases(tmp_path, seed, n, multi, pay,
                                                                            owner_max):
        res = pf.rank(scn, cands, budget_eur=budget, rules=rules, engine="highspy")
        assert res.totals["value"] == pytest.approx(best, abs=1e-6), (seed, frac)
        assert sorted(res.table.loc[res.table["selected"], "id"]) in [sorted(w) for w in winners]
        assert res.solver["status"] == "optimal" and res.solver["engine"].startswith("HiGHS (highspy")
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # HiGHS prints nothing


def test_greedy_levels_is_greedy_at_each_budget(tmp_path):
    scn = make_scenario(tmp_path)
    cands = random_instance(np.random.default_rng(41), 16, True, True)
    mdl = pf.get_model(scn, cands, pf.settings(scn))
    vals = pf.project_values(scn, cands).to_numpy()
    budgets = [5e6, 20e6, 35e6, 60e6, 120e6]
    x = pf.greedy_levels(mdl, vals, budgets, ("P03",))
    for k, b in enumerate(budgets):
        np.testing.assert_array_equal(x[k], pf.greedy(mdl, vals, b, ("P03",)))


def test_smaa_frequencies_are_the_same_through_either_engine(tmp_path):
    from workbench.selection import robustness

    scn = make_scenario(tmp_path)
    cands = random_instance(np.random.default_rng(51), 14, True, False)
    ref = robustness.selection_frequency(scn, cands, 12, 5, budget_eur=40e6)
    fast = robustness.selection_frequency(scn, cands, 12, 5, budget_eur=40e6, engine="highspy")
    np.testing.assert_allclose(fast["selection_frequency"], ref["selection_frequency"])
    assert 0 < ref["selection_frequency"].max() and ref["selection_frequency"].min() < 1  # not trivial
