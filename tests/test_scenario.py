"""Scenario files: shipped scenarios, extends, dated parameters, reconciliation warnings."""
import datetime as dt
import shutil
import textwrap

import pytest

from workbench import InputError, load_scenario
from workbench.params import value as pvalue

from helpers import DATA, PARAMS


def test_ftap_scenario_is_faithful_to_the_seeds():
    s = load_scenario(PARAMS / "ftap_2018_2022.yaml")
    ftap = s.funds["FTAP"]
    # 700 M€ announced for five years, then the 80 M€ of 2022 (the voted AE sum to 765 M€)
    assert s.envelope_at("FTAP", "2018-06-19") == 700e6 and ftap.envelope_eur == 780e6
    assert ftap.appropriations[2018]["ae_eur"] == 200e6
    assert s.reference("funds.FTAP.envelope_eur", at="2018-06-19").startswith(
        "700 millions d'euros pour transformer l'action publique (DITP, 2018): « un fonds dédié de 700 millions")
    assert s.years == [2018, 2019, 2020, 2021, 2022]
    # minimum cost moved from call to call: 500 k€ in the first call (2018), 1 M€ / 200 k€
    # territorial in 2020, 250 k€ / 150 k€ territorial with the 5th call (2021)
    assert s.eligibility_at(dt.date(2018, 6, 19))["min_total_cost_eur"] == 500_000
    assert s.eligibility_at(dt.date(2020, 6, 1))["min_total_cost_eur"] == 1_000_000
    assert s.eligibility_at(dt.date(2020, 6, 1))["min_total_cost_territorial_eur"] == 200_000
    later = s.eligibility_at(dt.date(2021, 3, 15))
    assert later["min_total_cost_eur"] == 250_000
    assert later["min_total_cost_territorial_eur"] == 150_000
    assert s.reference("eligibility.min_total_cost_territorial_eur", at="2021-03-15").startswith(
        "Fonds pour la transformation publique (DITP, 2021): ")
    # between the first call and 2020 the documents read give no general threshold: said so
    assert "not stated" in s.assumption("eligibility.min_total_cost_eur", at="2019-03-15")
    # the 2021 themes are not applied before 2021 (in 2018 they were examples, not a closed list)
    assert "themes" not in s.eligibility_at(dt.date(2019, 3, 15))
    assert len(s.eligibility_at(dt.date(2021, 3, 15))["themes"]) == 4
    # the 50 M€ maximum appeared in 2020: not in force in 2018
    assert "max_requested_eur" not in s.eligibility_at(dt.date(2018, 6, 19))
    assert s.eligibility_at(dt.date(2020, 6, 1))["max_requested_eur"] == 50e6
    # the published calendar: 2018's two calls, the 2019 sessions, then one decision a year
    calls = s.calls
    assert calls[0].id == "FTAP-AAP1" and calls[0].decision == dt.date(2018, 6, 19)
    assert calls[1].decision == dt.date(2018, 10, 31) and calls[2].decision == dt.date(2019, 6, 20)
    assert [c.decision.year for c in calls] == [2018, 2018, 2019, 2020, 2020, 2021, 2022]
    assert all(c.budget_eur is None for c in calls)
    assert set(s.weights) == {"strategic", "service", "savings", "governance"}


def test_fitn_scenario_reports_the_27_meur_gap():
    s = load_scenario(PARAMS / "fitn_2021_2022.yaml")
    f = s.funds["FITN"]
    assert f.envelope_eur == 292e6
    # the published table's eleven lines, ITN7 modelled in its axes: 54 M€ (axes 1-2) + 30 + 4 M€ (axis 3)
    assert len(f.sub_envelopes_eur) == 13
    assert sum(f.sub_envelopes_eur.values()) == 265e6
    assert [f.sub_envelopes_eur[k] for k in ("ITN7", "ITN7-3N", "ITN7-3L")] == [54e6, 30e6, 4e6]
    assert s.value("funds.FITN.envelope_parts.state.amount_eur") == 204e6
    assert s.value("funds.FITN.envelope_parts.local.amount_eur") == 88e6
    assert s.eligibility_at()["cofinancing_rate"]["min"] == 0.25
    assert s.eligibility_at()["fast_track_threshold_eur"] == 4e6
    gap = [w for w in s.warnings if "265.0 M€" in w]
    assert gap and "27.0 M€" in gap[0] and "292.0 M€" in gap[0]
    assert any("SYNTHETIC" in w for w in s.warnings)
    assert {c.track for c in s.calls} == {"fast", "regular"}


def test_extends_overrides_one_value_and_keeps_the_rest(tmp_path):
    shutil.copy(PARAMS / "ftap_2018_2022.yaml", tmp_path / "base.yaml")
    (tmp_path / "variant.yaml").write_text(textwrap.dedent("""
        extends: base.yaml
        name: variant
        criteria:
          weights: {strategic: 0.4}
        funds:
          FTAP:
            envelope_eur: 600000000
    """))
    s = load_scenario(tmp_path / "variant.yaml")
    assert s.name == "variant"
    assert s.weights["strategic"] == 0.4 and s.weights["service"] == 0.25
    assert s.funds["FTAP"].envelope_eur == 600e6
    assert s.reference("funds.FTAP.envelope_eur") is None  # overridden: the seed no longer applies
    assert s.funds["FTAP"].appropriations[2018]["ae_eur"] == 200e6
    assert [p.name for p in s.files] == ["variant.yaml", "base.yaml"]
    shown = s.to_yaml()
    assert "extends" not in shown and "strategic: 0.4" in shown
    base = load_scenario(tmp_path / "base.yaml")
    assert base.hash() != s.hash()
    assert load_scenario(tmp_path / "variant.yaml").hash() == s.hash()


def test_with_overrides_validates():
    s = load_scenario(PARAMS / "ftap_2018_2022.yaml")
    t = s.with_overrides({"criteria": {"weights": {"savings": 0.7}}})
    assert t.weights["savings"] == 0.7
    with pytest.raises(InputError, match="criteria.weights.savings"):
        s.with_overrides({"criteria": {"weights": {"savings": -1}}})


def test_dated_parameter_semantics():
    node = {"values": {dt.date(2018, 2, 1): {"value": 500}, "2018-06-20": 250, 2020: {"value": 1000}}}
    assert pvalue(node, "2018-01-01") is None
    assert pvalue(node, "2018-02-01") == 500
    assert pvalue(node, dt.date(2019, 12, 31)) == 250
    assert pvalue(node, 2020) == 1000
    assert pvalue(node) == 1000


def test_candidate_file_of_a_scenario_is_checked(tmp_path):
    (tmp_path / "s.yaml").write_text(textwrap.dedent(f"""
        extends: {DATA / 'broken' / 'base_small.yaml'}
        candidates: {{source: file, file: missing.csv}}
    """))
    with pytest.raises(InputError) as e:
        load_scenario(tmp_path / "s.yaml")
    assert "candidates.file" in str(e.value) and "does not exist" in str(e.value)


def test_a_scenario_holds_several_funds_and_joint_candidates():
    from workbench import load_candidates

    s = load_scenario(PARAMS / "ftap_fitn_2021_2022.yaml")
    assert set(s.funds) == {"FITN", "FTAP"}
    assert s.envelope_codes["ITN5"] == "FITN" and s.envelope_codes["FTAP"] == "FTAP"
    joint = [c for c in s.calls if "FTAP" in c.envelopes and "ITN1" in c.envelopes]
    assert joint and all(c.fund == "FTAP" for c in joint)
    cands = load_candidates(s)
    multi = cands[cands["envelope"].str.contains(";")]
    assert len(multi) > 0
    assert any({"FTAP", "ITN1"} <= set(e.split(";")) or {"FTAP", "ITN5"} <= set(e.split(";")) for e in multi["envelope"])
    assert "not a published figure" in s.assumption("funds.FTAP.envelope_eur")
