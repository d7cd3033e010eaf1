"""The robustness of the decision actually made: a call decided in merit order is judged by the merit
order under each weight draw, fragile choices are named, and the weight-stability ranges use the
same rule."""
import numpy as np
import pandas as pd

from helpers import make_cands, make_scenario

from workbench import selection as pf
from workbench.selection import robustness as R

QUALITY = """
  value_model: {kind: quality_x_scope, scope: requested_eur}
robustness:
  weight_intervals: {strategic: [0.1, 0.7], service: [0.1, 0.7], savings: [0.05, 0.7], governance: [0.05, 0.7]}
"""


def _cands():
    # values per euro depend on the weights: A is best on strategic, B on savings, C steady
    return make_cands([
        {"id": "A", "requested_eur": 4e6, "strategic": 10, "service": 6, "savings": 1, "governance": 5},
        {"id": "B", "requested_eur": 4e6, "strategic": 1, "service": 6, "savings": 10, "governance": 4},
        {"id": "C", "requested_eur": 4e6, "strategic": 6, "service": 6, "savings": 6, "governance": 6},
        {"id": "D", "requested_eur": 4e6, "strategic": 2, "service": 2, "savings": 2, "governance": 2},
    ])


def _scn(tmp_path):
    scn = make_scenario(tmp_path, "")
    return scn.with_overrides({"criteria": {"value_model": {"kind": "quality_x_scope", "scope": "requested_eur"}},
                               "robustness": {"weight_intervals": {"strategic": [0.1, 0.7], "service": [0.1, 0.7],
                                                                   "savings": [0.05, 0.7],
                                                                   "governance": [0.05, 0.7]}}})


def test_merit_order_frequency_is_the_share_of_draws_whose_merit_order_funds_the_project(tmp_path):
    scn, c = _scn(tmp_path), _cands()
    res = R.smaa(scn, c, 200, seed=7, budget_eur=8e6, decision="merit_order")
    W = res.weights.to_numpy()
    # by hand: under each draw, the two best values per euro are funded (8 M€ for 4 M€ each)
    scores = c[["strategic", "service", "savings", "governance"]].to_numpy(float)
    counts = np.zeros(4)
    for w in W:
        q = scores @ w
        best = np.lexsort((c["id"].to_numpy(), -q))[:2]
        counts[best] += 1
    got = res.frequency.set_index("id")["selection_frequency"].reindex(c["id"]).to_numpy()
    assert np.allclose(got, counts / len(W))
    assert res.frequency.attrs["decision"] == "merit_order"
    assert got[3] == 0.0                  # D is never in the two best
    assert 0 < got[0] < 1 and 0 < got[1] < 1


def test_fragile_choices_names_rarely_selected_and_often_left_out_projects():
    t = pd.DataFrame({"id": ["P1", "P2", "P3", "P4", "P5"], "call": ["K"] * 5,
                      "selected": [True, True, False, False, True],
                      "selection_frequency": [0.02, 0.98, 0.9, 0.1, 0.5], "requested_eur": [1e6] * 5})
    f = R.fragile_choices(t)
    assert f["id"].tolist() == ["P1", "P3"]            # the farthest from the decision first
    assert f["kind"].tolist() == ["selected_rarely", "left_out_often"]
    assert R.fragile_choices(t.drop(columns="selection_frequency")).empty


def test_weight_stability_in_merit_order_keeps_the_portfolio_inside_and_changes_it_outside(tmp_path):
    scn, c = _scn(tmp_path), _cands()
    base = {"strategic": 0.25, "service": 0.25, "savings": 0.25, "governance": 0.25}
    ws = R.weight_stability(scn, c, base, budget_eur=8e6, decision="merit_order", tol=0.001).set_index("criterion")
    mdl_vals = lambda w: pf.project_values(scn, c, w).to_numpy(float) / c["requested_eur"].to_numpy(float)

    def top2(w):
        v = mdl_vals(w)
        return tuple(sorted(c["id"].to_numpy()[np.lexsort((c["id"].to_numpy(), -v))[:2]]))

    ref = top2(base)
    for crit, row in ws.iterrows():
        inside = R._tilt(base, crit, (row["low"] + row["high"]) / 2)
        assert top2(inside) == ref
        if row["high"] < 0.99:
            assert top2(R._tilt(base, crit, min(row["high"] + 0.01, 1.0))) != ref
        if row["low"] > 0.01:
            assert top2(R._tilt(base, crit, max(row["low"] - 0.01, 0.0))) != ref
