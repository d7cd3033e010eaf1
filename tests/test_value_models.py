"""Value models, the quality bar, the call allotment and call-by-call decisions."""
from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np
import pandas as pd
import pytest

from workbench import selection as pf
from workbench.selection.allotment import call_shares
from workbench.candidates import validate_candidates
from workbench.decisions import decide_calls
from workbench.scenario import load_scenario
from workbench.selection.scoring import ValueModel, project_value, quality_points

from helpers import PARAMS

BASE = """
name: vm
seed: 1
horizon: {start_year: 2021, end_year: 2023}
funds:
  F:
    envelope_eur: 100000000
    appropriations:
      2021: {ae_eur: 20000000}
      2022: {ae_eur: 30000000}
calls:
  - {id: C1, fund: F, decision: 2021-03-01}
  - {id: C2, fund: F, decision: 2021-10-01}
  - {id: C3, fund: F, decision: 2022-03-01}
criteria:
  weights: {strategic: 1, service: 1, savings: 1, governance: 1}
"""


def scenario(tmp_path, extra=""):
    p = tmp_path / "s.yaml"
    p.write_text(textwrap.dedent(BASE) + textwrap.dedent(extra), encoding="utf-8")
    return load_scenario(p)


def cands(rows):
    base = {"title": "t", "owner": "O", "envelope": "F", "theme": "", "duration_months": 12, "call": "C1",
            "strategic": 5, "service": 5, "savings": 5, "governance": 5}
    df = pd.DataFrame([{**base, **r} for r in rows])
    df["total_cost_eur"] = df.get("total_cost_eur", df["requested_eur"] * 2)
    out = validate_candidates(df, file="<test>")
    out["call"] = df["call"].to_numpy()
    return out


def test_each_value_model_on_a_hand_computed_case():
    c = cands([{"id": "A", "requested_eur": 2e6, "strategic": 8, "service": 6, "savings": 4, "governance": 2,
                "annual_savings_eur": 1e6},
               {"id": "B", "requested_eur": 10e6, "strategic": 10, "service": 10, "savings": 10, "governance": 10}])
    w = {"strategic": 0.4, "service": 0.3, "savings": 0.2, "governance": 0.1}
    # quality = 100 * (0.4*0.8 + 0.3*0.6 + 0.2*0.4 + 0.1*0.2) = 60 points
    assert quality_points(c, w).tolist() == pytest.approx([60.0, 100.0])
    assert project_value(c, w, model=ValueModel("points")).tolist() == pytest.approx([60.0, 100.0])
    # quality x scope: 60 points x 2 M€ = 120; 100 x 10 = 1000 [points x M€]
    assert project_value(c, w, model=ValueModel()).tolist() == pytest.approx([120.0, 1000.0])
    # scope = yearly savings: 60 x 1 M€/yr; B gives none: 0
    sav = ValueModel(scope="annual_savings_eur")
    assert project_value(c, w, model=sav).tolist() == pytest.approx([60.0, 0.0])
    assert sav.unit == "points x M€/yr" and ValueModel().unit == "points x M€"


def test_merit_order_equivalence(tmp_path):
    """Under quality x scope, value per euro is the quality: the greedy fill by value per euro is
    the committee's merit order, and with equal requests the optimum is the top projects by quality."""
    scn = scenario(tmp_path)
    rng = np.random.default_rng(3)
    rows = [{"id": f"P{i}", "requested_eur": float(rng.integers(1, 9)) * 1e6,
             "strategic": float(rng.integers(0, 11)), "service": float(rng.integers(0, 11)),
             "savings": float(rng.integers(0, 11)), "governance": float(rng.integers(0, 11))} for i in range(30)]
    c = cands(rows)
    v = pf.project_values(scn, c).to_numpy()
    q = quality_points(c, scn.weights).to_numpy()
    assert v / c["requested_eur"].to_numpy() * 1e6 == pytest.approx(q)
    same = cands([{**r, "requested_eur": 2e6} for r in rows])
    res = pf.rank(scn, same, budget_eur=20e6)
    top = same.assign(q=quality_points(same, scn.weights)).sort_values(["q"], ascending=False)
    chosen = set(res.table.loc[res.table["selected"], "id"])
    assert len(chosen) == 10
    assert top["q"].iloc[9] >= max(top.set_index("id").loc[list(set(same["id"]) - chosen), "q"])


def test_quality_bar_is_an_eligibility_rule_with_its_reason(tmp_path):
    scn = scenario(tmp_path, "selection:\n  min_quality_points: 55\n")
    c = cands([{"id": "HI", "requested_eur": 1e6, "strategic": 6, "service": 6, "savings": 6, "governance": 6},
               {"id": "LO", "requested_eur": 1e6}])
    res = pf.rank(scn, c, budget_eur=50e6)
    t = res.table.set_index("id")
    assert t.loc["HI", "selected"] and not t.loc["LO", "eligible"]
    # the bar is an assumption of the workbench, not a rule of the fund: the reason says so
    assert t.loc["LO", "reason"] == "not funded: weighted score 50.0 points, below the assumed quality bar of 55 points"
    assert t.loc["LO", "reason_code"] == "R_BELOW_ASSUMED_BAR"


def test_year_share_allotment(tmp_path):
    scn = scenario(tmp_path, "selection:\n  call_allotment: {rule: year_share}\n")
    # C1 and C2 decide in 2021 (half, then the rest); C3 alone in 2022
    assert call_shares(scn).tolist() == [0.5, 1.0, 1.0]
    assert call_shares(scenario(tmp_path)).tolist() == [1.0, 1.0, 1.0]


def test_call_by_call_never_uses_a_later_calls_applications(tmp_path):
    scn = scenario(tmp_path, "selection:\n  call_allotment: {rule: year_share}\n")
    rows = [{"id": f"A{i}", "call": "C1", "requested_eur": 3e6, "strategic": 7} for i in range(6)]
    rows += [{"id": f"B{i}", "call": "C2", "requested_eur": 3e6, "strategic": 9} for i in range(6)]
    rows += [{"id": f"D{i}", "call": "C3", "requested_eur": 4e6, "strategic": 10} for i in range(10)]
    c = cands(rows)
    dec = decide_calls(scn, c)
    t = dec.table.set_index("id")
    by = dec.by_call.set_index("call")
    # C1: half of the 20 M€ of 2021 -> 3 projects of 3 M€ (9 M€)
    assert by.loc["C1", "allotment_eur"] == pytest.approx(10e6) and by.loc["C1", "laureates"] == 3
    # C2: the 11 M€ left of 2021 -> 3 projects
    assert by.loc["C2", "credits_left_eur"] == pytest.approx(11e6) and by.loc["C2", "laureates"] == 3
    # C3: 50 M€ cumulative by 2022 less 18 M€ -> 32 M€: 8 projects of 4 M€
    assert by.loc["C3", "laureates"] == 8
    # C1's decision is the same whatever C2 and C3 hold (no foresight)
    alone = decide_calls(scn, c[c["call"] == "C1"])
    assert set(alone.table.loc[alone.table["selected"], "id"]) == set(t.index[t["selected"] & (t["call"] == "C1")])
    # the whole-period optimum with perfect foresight funds C3's better projects first
    pf_res = pf.rank(scn, c)
    assert pf_res.totals["value"] >= dec.totals["value"]


def test_one_default_per_setting_across_modules(tmp_path):
    """The simulation, the selection and the robustness analysis read the same value model,
    payment profile and contract lag from the scenario."""
    from workbench import envelope
    scn = scenario(tmp_path)
    c = cands([{"id": "A", "requested_eur": 2e6, "strategic": 8}])
    plan = envelope.build_plan(scn, c)
    assert plan.value.tolist() == pytest.approx(pf.project_values(scn, c).tolist())
    st = envelope.Settings.from_scenario(scn)
    prof = pf.payment_profile(scn, c.assign(duration_months=48), [2021, 2022, 2023, 2024])
    assert prof[0].tolist() == pytest.approx(list(st.profile_rates))
    # the contract lag: the simulation commits at decision + lag, the selection pays from there
    assert st.contract_lag_months == scn.contract_lag_months == 6.0
    t_dec = 2021 + (dt.date(2021, 3, 1).timetuple().tm_yday - 1) / 365
    assert plan.t_commit[0] - t_dec == pytest.approx(st.contract_lag_months / 12)
    late = pf.payment_profile(scn, c.assign(call="C2", duration_months=48), [2021, 2022, 2023, 2024, 2025])
    assert late[0, 0] == 0 and late[0, 1] == pytest.approx(st.profile_rates[0])  # Oct 2021 + 6 months: 2022
    # the share of overruns the fund pays: the same in the simulation and the robustness analysis
    from workbench.selection import robustness
    assert st.overrun_paid_by_fund_rate == robustness._paid_rate(scn, None) == scn.overrun_paid_by_fund_rate == 0.0


def test_a_first_phase_laureate_comes_back_for_its_next_phases(tmp_path):
    """A project funded for its first phase only comes back a year later (the next call of its
    fund at least 12 months on) for the rest of its request, judged and paid by that call."""
    scn = scenario(tmp_path, "selection:\n  call_allotment: {rule: none}\n  allow_phase1: true\n")
    rows = [{"id": "BIG", "call": "C1", "requested_eur": 25e6, "phase1_cost_eur": 5e6, "strategic": 9},
            {"id": "S1", "call": "C1", "requested_eur": 10e6, "strategic": 8}]
    dec = decide_calls(scn, cands(rows))
    t = dec.table.set_index("id")
    # C1 may commit 20 M€ (2021's AE): BIG's full 25 M€ does not fit, its 5 M€ first phase does
    assert t.loc["BIG", "selected"] and t.loc["BIG", "funding"] == "phase1" and t.loc["BIG", "funded_eur"] == 5e6
    # C2 (7 months later) is too early; C3 (12 months later) receives the next phases: 20 M€
    assert t.loc["BIG-P2", "call"] == "C3" and t.loc["BIG-P2", "requested_eur"] == 20e6
    assert t.loc["BIG-P2", "phase_of"] == "BIG" and t.loc["BIG-P2", "selected"]
    by = dec.by_call.set_index("call")
    assert by.loc["C3", "next_phases"] == 1 and by.loc["C3", "granted_eur"] == pytest.approx(20e6)
    # the simulation receives the next phases with the decisions' candidates
    assert "BIG-P2" in set(dec.candidates["id"])


def test_dated_weights_score_each_call_with_the_weighting_of_its_date(tmp_path):
    scn = scenario(tmp_path, "")
    p = tmp_path / "dated.yaml"
    p.write_text(textwrap.dedent(BASE).replace(
        "weights: {strategic: 1, service: 1, savings: 1, governance: 1}",
        "weights:\n    strategic: {values: {2021-01-01: 1, 2022-01-01: 0}}\n    service: 1\n    savings: 1\n"
        "    governance: 1"), encoding="utf-8")
    dated = load_scenario(p)
    assert dated.weights_at(dt.date(2021, 6, 1))["strategic"] == 1.0
    assert dated.weights_at(dt.date(2022, 6, 1))["strategic"] == 0.0
    rows = [{"id": "A", "call": "C1", "requested_eur": 1e6, "strategic": 10},
            {"id": "D", "call": "C3", "requested_eur": 1e6, "strategic": 10}]
    t = decide_calls(dated, cands(rows)).table.set_index("id")
    # quality: A scored with the 2021 weights (strategic counts), D with the 2022 ones (it does not)
    assert t.loc["A", "value"] == pytest.approx(62.5 * 1.0) and t.loc["D", "value"] == pytest.approx(50.0 * 1.0)
    assert scn.weights_at(None) == scn.weights


def test_year_share_by_expected_applications(tmp_path):
    scn = scenario(tmp_path, "selection:\n  call_allotment: {rule: year_share_by_applications}\n")
    # without expected applications the share is equal
    assert call_shares(scn).tolist() == [0.5, 1.0, 1.0]
    ftap = load_scenario(PARAMS / "ftap_2018_2022.yaml")
    # FTAP 2018: call 1 (122 applications) may commit 122/183 of the year's credits, call 2 the rest
    assert call_shares(ftap)[:2].tolist() == pytest.approx([122 / 183, 1.0])
