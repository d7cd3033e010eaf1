"""The simulation selects each call's portfolio by the ranking's exact MILP when the scenario says `optimal`."""
import pandas as pd

from workbench import envelope as E, load_scenario
from workbench.candidates import validate_candidates

SCENARIO = """
name: knapsack
seed: 3
horizon: {start_year: 2021, end_year: 2022}
funds:
  F: {envelope_eur: 50000000}
calls:
  - {id: C1, fund: F, decision: 2021-03-01, budget_eur: 4000000}
criteria:
  weights: {strategic: 1, service: 1, savings: 1, governance: 1}
  value_model: {kind: points}  # the knapsack trap below is built on summed scores
uncertainty: {enabled: false}
disbursement: {contract_lag_months: 0, profile_rates: [0.5, 0.5]}
selection: {rule: optimal}
"""


def trap():
    # P1: 1 M€ for 50 points (50 per M€); P2: 4 M€ for 100 points (25 per M€); budget 4 M€.
    # Greedy by value per euro takes P1 and then cannot afford P2 (50 points); the optimum is P2.
    df = pd.DataFrame({
        "id": ["P1", "P2"], "title": ["small", "large"], "owner": "o", "envelope": "F",
        "total_cost_eur": [2e6, 8e6], "requested_eur": [1e6, 4e6], "duration_months": [12, 12],
        "strategic": [5, 10], "service": [5, 10], "savings": [5, 10], "governance": [5, 10],
    })
    out = validate_candidates(df)
    out["call"] = "C1"
    return out


def test_optimal_rule_uses_the_milp_and_beats_greedy(tmp_path):
    p = tmp_path / "k.yaml"
    p.write_text(SCENARIO)
    scn = load_scenario(p)
    opt = E.simulate(scn, trap(), draws=1, seed=0)
    greedy = E.simulate(scn, trap(), draws=1, seed=0, selection="greedy")
    def chosen(res):
        return sorted(res.selected.loc[res.selected["selected"], "id"])

    assert chosen(opt) == ["P2"]
    assert chosen(greedy) == ["P1"]
    assert opt.provenance["selection"] == "optimal"
    ae = opt.yearly.query("level == 'F' and metric == 'ae_committed_eur' and year == 2021")["mean"].iloc[0]
    assert ae == 4e6
