"""Call-by-call decisions resumed from a stored state, and the committee's overrides (issues 20, 21).

``decide_calls`` keeps the state before each call; resumed from it on the same scenario and
candidates it gives exactly the full run's result.  A project the committee forces in passes the
quality bar (an assumption of the model) and is recorded with its reason, but a rule of the fund's
texts or the call's budget refuses it before any solve.  The quality bar is judged under the
weights in force.  An explanation never offers a change it then denies.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench.decisions import decide_calls, explain_decision
from workbench.errors import InputError
from workbench.messages import render_text
from workbench.scenario import load_scenario
from workbench.selection.scoring import quality_points
from workbench.sources import load_candidates

from helpers import DATA

SMALL_CALLS = DATA / "small_calls.yaml"


@pytest.fixture(scope="module")
def setup():
    scn = load_scenario(SMALL_CALLS)
    cands = load_candidates(scn)
    return scn, cands, decide_calls(scn, cands, keep_states=True)


def same(a, b) -> None:
    pd.testing.assert_frame_equal(a.table.drop(columns=["reason"]), b.table.drop(columns=["reason"]))
    assert [str(x) for x in a.table["reason"]] == [str(x) for x in b.table["reason"]]
    pd.testing.assert_frame_equal(a.by_call, b.by_call)
    assert json.dumps(a.totals, default=str) == json.dumps(b.totals, default=str)
    pd.testing.assert_frame_equal(a.candidates, b.candidates)


def test_resuming_from_the_state_before_any_call_gives_the_full_result(setup):
    scn, cands, full = setup
    assert list(full.states) == [c.id for c in scn.calls]
    for call in full.states:
        same(decide_calls(scn, cands, resume=full.states[call]), full)
    # the state of the first call's end: where a replay stopped by ``calls`` resumes
    part = decide_calls(scn, cands, calls=["FTAP-AAP1"], keep_states=True)
    assert list(part.table["call"].unique()) == ["FTAP-AAP1"] and "FTAP-AAP2" in part.states
    same(decide_calls(scn, cands, resume=part.states["FTAP-AAP2"]), full)


def test_a_state_is_resumed_only_on_its_own_inputs(setup):
    scn, cands, full = setup
    with pytest.raises(ValueError):
        decide_calls(scn, cands.iloc[:-1], resume=full.states["FTAP-AAP2"])


def test_a_call_setting_changes_that_call_and_the_later_ones_only(setup):
    scn, cands, full = setup
    t = full.table
    aap2 = t[t["call"] == "FTAP-AAP2"]
    out = aap2.loc[~aap2["selected"] & aap2["eligible"], "id"].tolist() or aap2.loc[aap2["selected"], "id"].tolist()
    chosen = aap2.loc[aap2["selected"], "id"].tolist()
    res = decide_calls(scn, cands, call_settings={"FTAP-AAP2": {"force_out": chosen[:1]}},
                       resume=full.states["FTAP-AAP2"])
    r = res.table
    assert (r.loc[r["call"] == "FTAP-AAP1", "selected"] == t.loc[t["call"] == "FTAP-AAP1", "selected"]).all()
    assert not r.set_index("id").loc[chosen[0], "selected"]
    assert r.set_index("id").loc[chosen[0], "override"] == "force_out"
    # the same as a full run with those settings
    same(res, decide_calls(scn, cands, call_settings={"FTAP-AAP2": {"force_out": chosen[:1]}}))
    assert out is not None


def test_a_project_forced_in_below_the_quality_bar_is_funded_and_named(setup):
    scn, cands, full = setup
    t = full.table
    low = t[(t["call"] == "FTAP-AAP2") & ~t["eligible"]].iloc[0]
    assert "quality bar" in str(low["reason"])
    res = decide_calls(scn, cands, call_settings={"FTAP-AAP2": {"force_in": [low["id"]]}},
                       override_reasons={low["id"]: "pilote national"}, resume=full.states["FTAP-AAP2"])
    row = res.table.set_index("id").loc[low["id"]]
    assert row["selected"] and row["eligible"] and row["override"] == "force_in"
    assert row["override_reason"] == "pilote national"
    text = render_text(row["reason"], "fr")
    assert text.startswith("retenu : imposé par le comité par dérogation à la barre de qualité")
    assert "motif : « pilote national »" in text and "sous le seuil de 62 points" in text
    assert render_text(row["reason"], "en").startswith("selected: forced in by the committee, overriding the quality")


def test_a_rule_of_the_fund_or_the_budget_refuses_an_override_before_any_solve(setup, tmp_path):
    scn, cands, full = setup
    # a fund rule: the minimum total cost, from the fund's texts (raised so that a project breaks it)
    strict = scn.with_overrides({"eligibility": {"min_total_cost_eur": 8_000_000}})
    t = decide_calls(strict, cands).table
    small = t[(t["call"] == "FTAP-AAP2") & (t["total_cost_eur"] < 8_000_000) & ~t["territorial"]].iloc[0]["id"]
    with pytest.raises(InputError) as e:
        decide_calls(strict, cands, call_settings={"FTAP-AAP2": {"force_in": [small]}})
    p = e.value.problems[0]
    assert p.code == "E_FORCE_IN_REFUSED" and p.value == small
    assert "une règle du fonds l'exclut (coût total" in p.rule_text("fr")
    # the call's budget: forced projects asking more than it
    aap1 = full.table[full.table["call"] == "FTAP-AAP1"]
    big = aap1.sort_values("requested_eur").iloc[-1]["id"]
    with pytest.raises(InputError) as e:
        decide_calls(scn, cands, call_settings={"FTAP-AAP1": {"force_in": [big], "budget_eur": 1_000_000}})
    assert e.value.problems[0].code == "E_FORCE_IN_OVER_BUDGET"
    assert "plus que son budget de 1,0 M€" in e.value.problems[0].rule_text("fr")
    # an id of another call
    with pytest.raises(InputError) as e:
        decide_calls(scn, cands, call_settings={"FTAP-AAP1": {"force_in": [small]}})
    assert e.value.problems[0].code == "E_FORCE_NOT_IN_CALL"


def test_the_quality_bar_is_judged_under_the_weights_in_force(setup):
    scn, cands, full = setup
    w = {"strategic": 1.0, "service": 0.0, "savings": 0.0, "governance": 0.0}
    res = decide_calls(scn, cands, call_settings={"FTAP-AAP1": {"weights": w}}, resume=full.states["FTAP-AAP1"])
    t = res.table[res.table["call"] == "FTAP-AAP1"]
    q = quality_points(cands.set_index("id").loc[t["id"]].reset_index(), w, scn.criteria_scale).to_numpy()
    # a project is refused for the bar exactly when its score under these weights is below 62
    bar = ["quality bar" in str(r) for r in t["reason"]]
    assert [x for x in bar] == [v < 62 - 1e-9 for v in q]
    for r, v in zip(t["reason"], q):
        if "quality bar" in str(r):
            assert f"weighted score {v:.1f} points" in str(r)


def test_an_explanation_never_offers_a_change_it_denies(setup):
    scn, cands, full = setup
    t = full.table
    for pid in t.loc[t["eligible"] & ~t["selected"], "id"]:
        ex = explain_decision(full, pid)
        text = render_text(ex["text"], "fr")
        if ex.get("score_increase_points") is not None:
            assert ex["score_reachable"] and ex["score_needed_points"] <= 100
            assert "aucune note ne le fait entrer" not in text
    for pid in t.loc[t["selected"], "id"][:3]:
        ex = explain_decision(full, pid)
        assert ex["value_lost_if_removed"] >= 0 and "ordre de mérite" in render_text(ex["text"], "fr")


def test_calls_left_without_credits_are_explained_by_their_reason(setup):
    """Every fund's credits already committed elsewhere: no call is decided (the result holds no
    selection) and each application is explained by its own reason, in both explanations."""
    from workbench import selection as pf

    scn, cands, _ = setup
    res = decide_calls(scn, cands, committed_eur={f: 1e12 for f in scn.funds})
    assert res.selection is None and res.calls == {} and not res.table["selected"].any()
    pid = str(res.table.loc[res.table["eligible"].astype(bool), "id"].iloc[0])
    for ex in (pf.explain(res, pid), explain_decision(res, pid)):
        assert "no credits left" in render_text(ex["text"], "en")
