"""Robustness: weight sampling, SMAA selection frequency against brute force, the joint index,
the probability of staying within the envelope, the contingency portfolio, stability ranges."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import selection as pf
from workbench.selection import robustness as rb
from workbench.errors import InputError
from workbench.selection.scoring import CRITERIA

from helpers import brute_force, make_cands, make_scenario, random_instance


#: the cautious reading: the fund tops up every overrun (the default is 0, the owner pays)
PAID = "uncertainty:\n  overrun_paid_by_fund_rate: 1\n"


def test_weights_uniform_on_the_simplex_and_on_an_order():
    rng = np.random.default_rng(0)
    w = rb.sample_weights(rng, 4000)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert (w >= 0).all().all()
    np.testing.assert_allclose(w.mean(), 0.25, atol=0.01)
    w = rb.sample_weights(np.random.default_rng(1), 4000, weight_order=list(CRITERIA))
    assert (np.diff(w.to_numpy(), axis=1) <= 1e-12).all()
    # uniform on w1 >= w2 >= w3 >= w4: E[w1] = (1 + 1/2 + 1/3 + 1/4) / 4
    assert w["strategic"].mean() == pytest.approx((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4, abs=0.01)
    assert w["governance"].mean() == pytest.approx((1 / 4) / 4, abs=0.01)


def test_weights_within_intervals_and_bad_intervals():
    iv = {"strategic": [0.4, 0.6], "service": [0.1, 0.2]}
    w = rb.sample_weights(np.random.default_rng(2), 1000, iv)
    assert w["strategic"].between(0.4, 0.6).all() and w["service"].between(0.1, 0.2).all()
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    for bad, word in [({"strategik": [0, 1]}, "did you mean"), ({"strategic": [0.6, 0.4]}, "low <= high"),
                      ({c: [0.3, 0.5] for c in CRITERIA}, "no weights summing to 1")]:
        with pytest.raises(InputError, match=word):
            rb.sample_weights(np.random.default_rng(0), 5, bad)
    with pytest.raises(InputError, match="unknown criterion"):
        rb.sample_weights(np.random.default_rng(0), 5, weight_order=["strategic", "cost"])


def test_selection_frequency_equals_brute_force_over_the_same_draws(tmp_path):
    scn = make_scenario(tmp_path)
    cands = random_instance(np.random.default_rng(21), 9, False, False)
    budget = 0.4 * cands["requested_eur"].sum()
    res = rb.smaa(scn, cands, 25, seed=5, budget_eur=budget, rules={"mip_rel_gap": 0.0})
    counts = np.zeros(len(cands))
    for _, w in res.weights.iterrows():
        vals = pf.project_values(scn, cands, dict(w)).to_numpy()
        _, winners = brute_force(cands, vals, budget, {"A": 40e6, "B": 30e6})
        assert len(winners) == 1  # no ties on these draws
        counts += cands["id"].isin(winners[0]).to_numpy()
    np.testing.assert_allclose(res.frequency["selection_frequency"], counts / 25)
    f = res.frequency
    assert set(f["core"]) <= {"always", "sometimes", "never"}
    assert (f.loc[f["selection_frequency"] == 1, "core"] == "always").all()
    assert (f.loc[f["selection_frequency"] == 0, "core"] == "never").all()
    np.testing.assert_allclose(res.rank_acceptability.sum(axis=1), 1.0)
    assert res.statuses == {"optimal": 25}


def test_dominant_and_dominated_projects(tmp_path):
    scn = make_scenario(tmp_path)
    rows = [{"id": "TOP", "envelope": "F", "requested_eur": 1e6, "strategic": 10, "service": 10, "savings": 10,
             "governance": 10},
            {"id": "BOTTOM", "envelope": "F", "requested_eur": 9e6, "strategic": 0, "service": 0, "savings": 0,
             "governance": 0}]
    rows += [{"id": f"M{i}", "envelope": "F", "requested_eur": 2e6, "strategic": float(i), "service": 9 - i,
              "savings": 5, "governance": 5} for i in range(6)]
    cands = make_cands(rows)
    f = rb.selection_frequency(scn, cands, 30, seed=1, budget_eur=7e6)
    f = f.set_index("id")
    assert f.loc["TOP", "core"] == "always" and f.loc["TOP", "mean_rank"] == 1
    assert f.loc["BOTTOM", "core"] == "never"
    assert (f.loc[[f"M{i}" for i in range(6)], "core"] == "sometimes").any()


def test_same_seed_same_result_other_seed_other_draws(tmp_path):
    scn = make_scenario(tmp_path)
    cands = random_instance(np.random.default_rng(22), 10, True, False)
    a = rb.smaa(scn, cands, 15, seed=3, with_costs=True)
    b = rb.smaa(scn, cands, 15, seed=3, with_costs=True)
    pd.testing.assert_frame_equal(a.frequency, b.frequency)
    pd.testing.assert_frame_equal(a.weights, b.weights)
    c = rb.smaa(scn, cands, 15, seed=4)
    assert not np.allclose(a.weights.to_numpy(), c.weights.to_numpy())


def test_joint_index_uses_the_cost_draws(tmp_path, monkeypatch):
    scn = make_scenario(tmp_path)
    cands = random_instance(np.random.default_rng(23), 10, False, False)
    budget = 0.5 * cands["requested_eur"].sum()
    # every cost doubled: the joint index equals the weights-only index at half the budget
    monkeypatch.setattr(rb, "cost_ratios", lambda scenario, n, samples, rng: np.full((samples, n), 2.0))
    joint = rb.selection_frequency(scn, cands, 12, seed=9, with_costs=True, budget_eur=budget,
                                   rules={"sub_envelopes": False}, paid_by_fund_rate=1.0)
    half = rb.selection_frequency(scn, cands, 12, seed=9, budget_eur=budget / 2, rules={"sub_envelopes": False})
    np.testing.assert_allclose(joint["selection_frequency"], half["selection_frequency"])
    # the owner pays every overrun: costs to the fund unchanged
    alone = rb.selection_frequency(scn, cands, 12, seed=9, budget_eur=budget, rules={"sub_envelopes": False})
    owner_pays = rb.selection_frequency(scn, cands, 12, seed=9, with_costs=True, budget_eur=budget,
                                        rules={"sub_envelopes": False}, paid_by_fund_rate=0.0)
    np.testing.assert_allclose(alone["selection_frequency"], owner_pays["selection_frequency"])


def test_probability_within_the_envelope(tmp_path, monkeypatch):
    scn = make_scenario(tmp_path)
    cands = make_cands([{"id": "P1", "envelope": "F", "requested_eur": 40e6},
                        {"id": "P2", "envelope": "F", "requested_eur": 40e6}])
    draws = np.array([[1.0, 1.0], [1.2, 1.3], [1.0, 1.5], [1.4, 1.2]])
    monkeypatch.setattr(rb, "cost_ratios", lambda scenario, n, samples, rng: draws[:samples])
    r = rb.within_envelope_probability(scn, cands, ["P1", "P2"], samples=4, budget_eur=100e6, paid_by_fund_rate=1.0)
    # final costs 80, 100, 100, 104 M€: 3 of 4 within 100 M€
    assert r["probability"] == pytest.approx(0.75)
    assert r["mean_final_eur"] == pytest.approx((80 + 100 + 100 + 104) / 4 * 1e6)
    r = rb.within_envelope_probability(scn, cands, ["P1", "P2"], samples=4, budget_eur=100e6, paid_by_fund_rate=0.5)
    assert r["probability"] == 1.0  # 80, 90, 90, 92


def test_probability_with_the_overrun_model_matches_a_direct_draw(tmp_path):
    from workbench.uncertainty import OverrunModel

    scn = make_scenario(tmp_path, PAID)
    cands = random_instance(np.random.default_rng(24), 10, False, False)
    res = pf.rank(scn, cands, budget_eur=60e6)
    r = rb.within_envelope_probability(scn, cands, res.table, samples=500, seed=11, budget_eur=60e6)
    _, c_ss = np.random.SeedSequence(11).spawn(2)
    ratios = OverrunModel.from_scenario(scn).sample(np.random.default_rng(c_ss), (500, len(cands)))
    final = ratios @ res.table["funded_eur"].to_numpy()
    assert r["probability"] == pytest.approx(np.mean(final <= 60e6 + 0.5))
    assert 0 <= r["probability"] <= 1 and r["committed_eur"] == pytest.approx(res.totals["committed_eur"])


def test_contingency_portfolio_reaches_the_probability(tmp_path):
    scn = make_scenario(tmp_path, PAID)
    cands = random_instance(np.random.default_rng(25), 12, False, False)
    budget = 0.5 * cands["requested_eur"].sum()
    out = rb.contingency_portfolio(scn, cands, probability=0.8, samples=400, seed=2, budget_eur=budget,
                                   rules={"sub_envelopes": False})
    assert out["probability"] >= 0.8
    assert out["reserve_eur"] > 0 and out["value"] <= out["value_without_reserve"]
    sel = out["selection"]
    table = pd.DataFrame({"id": cands["id"], "selected": sel.choice["selected"], "funding": sel.choice["funding"]})
    check = rb.within_envelope_probability(scn, cands, table, samples=400, seed=2, budget_eur=budget)
    assert check["probability"] == pytest.approx(out["probability"])
    fixed = rb.contingency_portfolio(scn, cands, reserve_rate=0.2, samples=100, seed=2, budget_eur=budget,
                                     rules={"sub_envelopes": False})
    assert fixed["planning_budget_eur"] == pytest.approx(0.8 * budget)
    assert fixed["selection"].choice["selected"].pipe(lambda s: cands.loc[s.to_numpy(), "requested_eur"].sum()) \
        <= 0.8 * budget + 1
    with pytest.raises(InputError):
        rb.contingency_portfolio(scn, cands, probability=1.5)


def test_weight_stability_range_matches_the_hand_computation(tmp_path):
    scn = make_scenario(tmp_path, name="w.yaml")
    cands = make_cands([
        {"id": "P1", "envelope": "F", "requested_eur": 5e6, "strategic": 10, "service": 0, "savings": 0, "governance": 0},
        {"id": "P2", "envelope": "F", "requested_eur": 5e6, "strategic": 0, "service": 10, "savings": 5, "governance": 0},
    ])
    w = {"strategic": 0.4, "service": 0.2, "savings": 0.2, "governance": 0.2}
    st = rb.weight_stability(scn, cands, weights=w, budget_eur=5e6, tol=0.002).set_index("criterion")
    # P1 = 100 t; P2 = 100 (w_service + w_savings / 2) = 50 (1 - t): P1 stays while t >= 1/3
    assert st.loc["strategic", "low"] == pytest.approx(1 / 3, abs=0.003)
    assert st.loc["strategic", "high"] == pytest.approx(1.0)
    assert st.loc["strategic", "weight"] == pytest.approx(0.4)
    # service at s (others scaled by (1 - s)/0.8): P1 = 50 (1 - s), P2 = 100 s + 12.5 (1 - s):
    # switch at s = 37.5 / 137.5
    assert st.loc["service", "high"] == pytest.approx(37.5 / 137.5, abs=0.003)


def test_frontier_and_frequency_charts(tmp_path):
    from workbench.reporting import charts

    scn = make_scenario(tmp_path)
    cands = random_instance(np.random.default_rng(26), 8, False, False)
    fr = pf.frontier(scn, cands, n=5)
    fig = charts.frontier_chart(fr, lang="en")
    ax = fig.axes[0]
    assert any("Current envelope (100.0" in t.get_text() for t in ax.get_legend().get_texts())
    np.testing.assert_allclose(ax.lines[0].get_ydata(), fr.sort_values("budget_eur")["value"])
    f = rb.selection_frequency(scn, cands, 8, seed=1, budget_eur=40e6)
    fig = charts.selection_frequency_chart(f, lang="fr", selected=["P00"])
    widths = sorted(p.get_width() for p in fig.axes[0].patches)
    np.testing.assert_allclose(widths, sorted(f["selection_frequency"]))
    fig.savefig(tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 0


def test_chance_constrained_saa_is_at_least_as_good_as_the_reserve(tmp_path):
    scn = make_scenario(tmp_path)
    cands = random_instance(np.random.default_rng(27), 10, False, False)
    budget = 0.5 * cands["requested_eur"].sum()
    kw = dict(probability=0.8, samples=120, seed=4, budget_eur=budget, rules={"sub_envelopes": False, "mip_rel_gap": 0.0},
              paid_by_fund_rate=1.0)
    reserve = rb.contingency_portfolio(scn, cands, **kw)
    saa = rb.contingency_portfolio(scn, cands, method="saa", **kw)
    assert saa["probability"] >= 0.8 and reserve["probability"] >= 0.8
    # the reserve method's portfolio is feasible for the SAA programme on the same draws
    assert saa["value"] >= reserve["value"] - 1e-6
    assert saa["value"] <= saa["value_without_reserve"] + 1e-6
    with pytest.raises(InputError):
        rb.contingency_portfolio(scn, cands, reserve_rate=0.1, method="saa")


def test_robustness_settings_are_validated_in_the_scenario(tmp_path):
    with pytest.raises(InputError) as e:
        make_scenario(tmp_path, "robustness:\n  weight_intervals:\n    strategic: [0.6, 0.9]\n    service: [0.5, 0.6]\n"
                                "  weight_order: [strategic, strategic]\n")
    text = str(e.value)
    assert "no weights summing to 1" in text and "appears twice" in text
