"""The funds' rules as written, applied by the selection and the simulation.

FITN's routing by cost (4 M€) and its 2021–2022 window, the first results within 12 months,
who may apply (owner types), the 9 M€ governance gate on the full cost, and the two-fund
scenario where each fund keeps its own rules.
"""
import datetime as dt

import pandas as pd
import pytest

from workbench import InputError, load_scenario
from workbench.candidates import validate_candidates
from workbench.envelope import build_plan, first_results_late_share, simulate
from workbench.selection import rank
from workbench.scenario import Call
from workbench.selection.scoring import commitment_delay_months, eligibility, flags

from helpers import PARAMS


def cands(rows):
    # scores of 8 (80 points): above FTAP's quality bar, so that each test sees only its own rule
    base = {"title": "t", "owner": "o", "duration_months": 24, "strategic": 8, "service": 8, "savings": 8,
            "governance": 8}
    return validate_candidates(pd.DataFrame([{**base, **r} for r in rows]))


@pytest.fixture(scope="module")
def fitn():
    return load_scenario(PARAMS / "fitn_2021_2022.yaml")


@pytest.fixture(scope="module")
def ftap():
    return load_scenario(PARAMS / "ftap_2018_2022.yaml")


@pytest.fixture(scope="module")
def joint():
    return load_scenario(PARAMS / "ftap_fitn_2021_2022.yaml")


def test_fitn_routes_projects_by_cost_to_the_continuous_track_or_the_ftap_calendar(fitn):
    c = cands([{"id": "small", "envelope": "ITN1", "total_cost_eur": 3e6, "requested_eur": 2.25e6},
               {"id": "large", "envelope": "ITN1", "total_cost_eur": 6e6, "requested_eur": 4.5e6}])
    when = dt.date(2021, 6, 15)
    fast = eligibility(c, fitn, when, call=Call(id="F", fund="FITN", decision=when, track="fast"))
    regular = eligibility(c, fitn, when, call=Call(id="R", fund="FITN", decision=when, track="regular"))
    assert fast["eligible"].tolist() == [True, False]
    assert "6.00 M€ at or above the 4.00 M€ threshold of the continuous track" in fast.at[1, "reason"]
    assert regular["eligible"].tolist() == [False, True]
    assert "3.00 M€ below the 4.00 M€ threshold" in regular.at[0, "reason"]
    # in the simulation, the fast sessions fund no project of 4 M€ or more, the others none below
    res = simulate(fitn, draws=20, seed=1)
    sel = res.selected[res.selected["p_selected"] > 0]
    fast_call = sel["call"].str.startswith("FITN-FIL")
    assert (sel.loc[fast_call, "total_cost_eur"] < 4e6).all()
    assert (sel.loc[~fast_call, "total_cost_eur"] >= 4e6).all()


def test_fitn_refuses_commitments_after_2022(fitn):
    c = cands([{"id": "a", "envelope": "ITN5", "total_cost_eur": 2e6, "requested_eur": 1.5e6}])
    # decision + 4 months of contract lag: 30 Jan 2023 after a decision on 1 Oct 2022
    late = eligibility(c, fitn, dt.date(2022, 10, 1))
    assert not late.at[0, "eligible"]
    assert "after the fund's last commitment date 2022-12-31" in late.at[0, "reason"]
    assert eligibility(c, fitn, dt.date(2022, 6, 1)).at[0, "eligible"]


def test_first_results_later_than_12_months_are_flagged_and_their_share_reported(fitn):
    c = cands([{"id": "a", "envelope": "ITN5", "total_cost_eur": 2e6, "requested_eur": 1.5e6,
                "first_results_months": 15},
               {"id": "b", "envelope": "ITN5", "total_cost_eur": 2e6, "requested_eur": 1.5e6,
                "first_results_months": 12}])
    f = flags(c, fitn, dt.date(2021, 6, 1))
    assert f["first_results_late"].tolist() == [True, False]
    assert "15 months, later than the 12-month promise" in f.at[0, "flag"]
    res = simulate(fitn, draws=30, seed=2)
    sel = res.selected
    expected = (sel["p_selected"] * sel["first_results_late"]).sum() / sel["p_selected"].sum()
    share = first_results_late_share(res)
    assert share == pytest.approx(expected) and 0 < share < 1


def test_who_may_apply_depends_on_the_fund(ftap, fitn):
    when = dt.date(2021, 6, 1)
    c = cands([{"id": "state", "envelope": "FTAP", "total_cost_eur": 2e6, "requested_eur": 1e6,
                "owner_type": "state_central;state_operator"},
               {"id": "local", "envelope": "FTAP", "total_cost_eur": 2e6, "requested_eur": 1e6,
                "owner_type": "local_authority"},
               {"id": "unknown", "envelope": "FTAP", "total_cost_eur": 2e6, "requested_eur": 1e6}])
    el = eligibility(c, ftap, when)
    assert el["eligible"].tolist() == [True, False, True]
    assert "owner type local_authority may not apply to FTAP" in el.at[1, "reason"]
    c = cands([{"id": "commune", "envelope": "ITN7", "total_cost_eur": 2e6, "requested_eur": 1.5e6,
                "owner_type": "local_authority"},
               {"id": "ministry", "envelope": "ITN7", "total_cost_eur": 2e6, "requested_eur": 1.5e6,
                "owner_type": "state_central"},
               {"id": "operator", "envelope": "ITN5", "total_cost_eur": 2e6, "requested_eur": 1.5e6,
                "owner_type": "state_operator"}])
    assert eligibility(c, fitn, when)["eligible"].tolist() == [True, False, True]
    with pytest.raises(InputError, match="owner_type"):
        cands([{"id": "x", "envelope": "FTAP", "total_cost_eur": 2e6, "requested_eur": 1e6, "owner_type": "mairie"}])


def test_projects_over_9_meur_of_full_cost_wait_for_the_dinum_opinion(ftap):
    c = cands([{"id": "big", "envelope": "FTAP", "total_cost_eur": 10e6, "requested_eur": 5e6},
               {"id": "full", "envelope": "FTAP", "total_cost_eur": 8e6, "requested_eur": 4e6,
                "full_cost_eur": 12e6},
               {"id": "small", "envelope": "FTAP", "total_cost_eur": 8e6, "requested_eur": 4e6}])
    f = flags(c, ftap, dt.date(2021, 6, 1))
    assert f["governance_gate"].tolist() == [True, True, False]
    # commitment: the scenario's contract lag, plus 2 months for the opinion
    lag = ftap.contract_lag_months
    assert commitment_delay_months(c, ftap).tolist() == [lag + 2, lag + 2, lag]
    plan = build_plan(ftap, c.assign(call="FTAP-AAP2"))
    t_dec = 2018 + (dt.date(2018, 10, 31).timetuple().tm_yday - 1) / 365
    by_id = dict(zip(plan.cands["id"], plan.t_commit - t_dec))
    assert by_id["big"] == pytest.approx((lag + 2) / 12) and by_id["small"] == pytest.approx(lag / 12)


def test_in_the_two_fund_scenario_each_fund_keeps_its_rules(joint):
    when = dt.date(2021, 7, 15)
    call = Call(id="FTAP-FITN-CAL-2", fund="FTAP", decision=when, track="regular")
    c = cands([
        # 15 % co-financing: FTAP (10 % assumed) admits it, FITN (25 %) does not -> FTAP pays
        {"id": "ftap_only", "envelope": "FTAP;ITN5", "total_cost_eur": 6e6, "requested_eur": 5.1e6},
        # 30 % co-financing: both funds admit it -> either may pay
        {"id": "both", "envelope": "FTAP;ITN5", "total_cost_eur": 6e6, "requested_eur": 4.2e6},
        # 3 M€ at a session on the FTAP calendar: FITN's routing refuses it, FTAP has no such rule
        {"id": "small", "envelope": "FTAP;ITN5", "total_cost_eur": 3e6, "requested_eur": 2.1e6},
        # FTAP's 2021 minimum (250 k€) refuses it; FITN has no minimum cost but routes it elsewhere
        {"id": "tiny", "envelope": "FTAP;ITN5", "total_cost_eur": 0.2e6, "requested_eur": 0.14e6},
    ])
    el = eligibility(c, joint, when, call=call)
    assert el["eligible_envelopes"].tolist() == ["FTAP", "FTAP;ITN5", "FTAP", ""]
    assert not el.at[3, "eligible"]
    assert "FTAP: total cost 0.20 M€ below the minimum of 0.25 M€" in el.at[3, "reason"]
    assert "ITN5: total cost 0.20 M€ below the 4.00 M€ threshold" in el.at[3, "reason"]
    # the selection offers the payer choice only where both funds' rules admit the candidate
    res = rank(joint, c.assign(call="FTAP-FITN-CAL-2"))
    pay = res.table.set_index("id")["paying_envelope"]
    assert pay["ftap_only"] == "FTAP" and pay["small"] == "FTAP"
    assert pay["both"] in ("FTAP", "ITN5")


def test_the_report_lists_each_rule_with_its_value_how_it_applies_and_its_source(fitn, joint):
    from workbench.scenario.rules import rules_table

    t = rules_table(fitn, "fr")
    assert list(t.columns) == ["Fonds", "Règle", "Valeur", "Application", "Source"]
    row = t[t["Règle"] == "Seuil entre examen au fil de l'eau et calendrier du FTAP"].iloc[0]
    assert row["Valeur"] == "4,00 M€" and row["Fonds"] == "tous"
    assert row["Source"] == "Fonds pour la transformation publique (DITP, 2021)"
    assert "2022-12-31" in t.loc[t["Règle"] == "Dernière date d'engagement", "Valeur"].iloc[0]
    late = t[t["Règle"] == "Premiers résultats tangibles (mois)"].iloc[0]
    assert late["Valeur"] == "12" and "signalé" in late["Application"]
    assert (t.loc[t["Règle"] == "Délai de l'avis avant engagement (mois)", "Source"] == "hypothèse").all()
    # two funds: each fund's rules under its own code
    t = rules_table(joint, "en")
    assert set(t["Fund"]) == {"FITN", "FTAP", "all"}
    ftap_min = t[(t["Fund"] == "FTAP") & (t["Rule"] == "Minimum total cost")].iloc[0]
    assert ftap_min["Value"] == "0.25 M€"


def test_the_ranking_shows_the_flags_at_selection(fitn):
    c = cands([{"id": "late", "envelope": "ITN5", "total_cost_eur": 2e6, "requested_eur": 1.5e6,
                "first_results_months": 18},
               {"id": "big", "envelope": "ITN5", "total_cost_eur": 9.5e6, "requested_eur": 7e6,
                "first_results_months": 6}])
    t = rank(fitn, c).table.set_index("id")
    assert bool(t.at["late", "first_results_late"]) and not bool(t.at["late", "governance_gate"])
    assert bool(t.at["big", "governance_gate"]) and "DINUM" in t.at["big", "flag"]


def test_itn7_axis_3_is_for_small_and_medium_local_authorities_within_its_34_meur(fitn):
    subs = fitn.funds["FITN"].sub_envelopes_eur
    assert subs["ITN7-3N"] + subs["ITN7-3L"] == 34e6 and subs["ITN7"] + 34e6 == 88e6
    c = cands([{"id": "town", "envelope": "ITN7-3N", "total_cost_eur": 0.4e6, "requested_eur": 0.3e6,
                "owner_type": "small_local_authority"},
               {"id": "region", "envelope": "ITN7-3N", "total_cost_eur": 0.4e6, "requested_eur": 0.3e6,
                "owner_type": "local_authority"},
               {"id": "region_axis1", "envelope": "ITN7", "total_cost_eur": 0.4e6, "requested_eur": 0.3e6,
                "owner_type": "local_authority"}])
    el = eligibility(c, fitn, dt.date(2021, 6, 1))
    assert el["eligible"].tolist() == [True, False, True]
    assert "owner type local_authority may not apply to ITN7-3N (open to small_local_authority)" in el.at[1, "reason"]
    # the simulation keeps axis 3's own budgets: never overcommitted, never paying beyond 30 and 4 M€
    res = simulate(fitn, draws=20, seed=4)
    s = res.summary.set_index("level")
    assert s.at["ITN7-3N", "envelope_eur"] == 30e6 and s.at["ITN7-3L", "envelope_eur"] == 4e6
    axis3 = s.loc[["ITN7-3N", "ITN7-3L"]]
    assert (axis3["p_overcommitted"] == 0).all() and (axis3["paid_p90_eur"] <= axis3["envelope_eur"]).all()
    assert s.at["ITN7-3N", "projects_selected_mean"] > 0


def test_rules_switched_off_by_name_for_every_fund(ftap, fitn):
    """``eligibility.rules_off`` (the dashboard's switches, a variant) drops a rule everywhere."""
    when = dt.date(2021, 6, 1)
    c = cands([{"id": "local", "envelope": "FTAP", "total_cost_eur": 2e6, "requested_eur": 1e6,
                "owner_type": "local_authority"}])
    assert not eligibility(c, ftap, when)["eligible"].iat[0]
    off = ftap.with_overrides({"eligibility": {"rules_off": ["owner_types"]}})
    assert off.rules_off == ("owner_types",) and "owner_types" not in off.eligibility_at(when)
    assert eligibility(c, off, when)["eligible"].iat[0]
    # FITN's window switched off: the last commitment date is no longer a rule
    assert "last_commitment_date" in fitn.eligibility_at(when)
    assert "last_commitment_date" not in fitn.with_overrides(
        {"eligibility": {"rules_off": ["last_commitment_date"]}}).eligibility_at(when)


def test_itn7_axis3_lab_envelope_is_for_projects_with_an_innovation_lab(fitn):
    when = dt.date(2021, 6, 1)
    c = cands([{"id": "lab", "envelope": "ITN7-3L", "total_cost_eur": 2e6, "requested_eur": 1.5e6,
                "owner_type": "small_local_authority", "innovation_lab": "oui"},
               {"id": "nolab", "envelope": "ITN7-3L", "total_cost_eur": 2e6, "requested_eur": 1.5e6,
                "owner_type": "small_local_authority"}])
    el = eligibility(c, fitn, when)
    assert el["eligible"].tolist() == [True, False]
    assert "territorial innovation lab" in el.at[1, "reason"]
