"""Credits as they are managed (workbench.credits): the reserve, in-year freezes and unfreezes,
cancellations and transfers, carry-overs, the envelope in force at a date; read the same way by
the call-by-call decisions and by the envelope simulation; checked when a scenario is read."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from workbench import credits as CR
from workbench import envelope as E
from workbench import load_scenario
from workbench.candidates import validate_candidates
from workbench.cli import main
from workbench.decisions import decide_calls
from workbench.errors import InputError

from helpers import PARAMS

# A made-up fund: 12 M€ of AE planned for 2024; with a 5 % reserve 11.4 M€ are available from
# 1 January; a freeze in July leaves 10.5 M€, an unfreeze in October brings them to 11.2 M€.
# Without a reserve the freeze is 1.5 M€: 12 -> 10.5 -> 11.2 M€.  Two sessions: June (before the
# freeze) and November (after the unfreeze).
MADE_UP = """
name: made_up_fund
seed: 5
horizon: {{start_year: 2024, end_year: 2025}}
funds:
  F:
    envelope_eur: 50000000
    reserve_rate: {{value: {rate}, assumption: "made-up fund for the test"}}
    appropriations:
      2024:
        ae_eur: 12000000
        cp_eur: {cp}
        assumption: made-up fund for the test
        movements:
          - {{date: 2024-07-10, kind: freeze, ae_eur: {freeze}, assumption: "made-up freeze"}}
          - {{date: 2024-10-15, kind: unfreeze, ae_eur: 700000, assumption: "made-up unfreeze"}}
calls:
  - {{id: S1, fund: F, decision: 2024-06-15, budget_eur: null}}
  - {{id: S2, fund: F, decision: 2024-11-20, budget_eur: null}}
criteria:
  weights: {{strategic: 1, service: 1, savings: 1, governance: 1}}
  value_model: {{kind: points}}
uncertainty: {{enabled: false}}
disbursement: {{contract_lag_months: 0, profile_rates: [1.0]}}
"""

CASES = {  # reserve rate -> the freeze that brings the credits to 10.5 M€, and the credits before it
    0.0: (1_500_000, 12.0e6),
    0.05: (900_000, 11.4e6),
}


def made_up(tmp_path, rate, cp=12000000):
    p = tmp_path / f"made_up_{rate}.yaml"
    p.write_text(MADE_UP.format(rate=rate, freeze=CASES[rate][0], cp=cp))
    return load_scenario(p)


def made_up_candidates():
    # S1: A (4 M€) and B (3 M€) both fit: S1 commits 7 M€.  S2: C (4 M€) fits the 4.2 M€ left, D (2 M€)
    # no longer does after C.
    df = pd.DataFrame({
        "id": ["A", "B", "C", "D"], "title": "t", "owner": "o", "envelope": "F",
        "total_cost_eur": [8e6, 6e6, 8e6, 4e6], "requested_eur": [4e6, 3e6, 4e6, 2e6], "duration_months": 12,
        "strategic": [9, 8, 9, 3], "service": [9, 8, 9, 3], "savings": [9, 8, 9, 3], "governance": [9, 8, 9, 3],
    })
    out = validate_candidates(df)
    out["call"] = ["S1", "S1", "S2", "S2"]
    return out


@pytest.mark.parametrize("rate", sorted(CASES))
def test_the_made_up_fund_credits_at_each_date(tmp_path, rate):
    f = made_up(tmp_path, rate).funds["F"]
    before = CASES[rate][1]
    assert CR.ae_available_eur(f, "2024-06-15") == pytest.approx(before)       # 12 M€ less the reserve
    assert CR.ae_available_eur(f, "2024-07-09") == pytest.approx(before)
    assert CR.ae_available_eur(f, "2024-07-10") == pytest.approx(10.5e6)       # the freeze, on its date
    assert CR.ae_available_eur(f, "2024-10-14") == pytest.approx(10.5e6)
    assert CR.ae_available_eur(f, "2024-10-15") == pytest.approx(11.2e6)       # the unfreeze
    pos = CR.ae_position(f, "2024-12-31")
    assert pos.voted_eur == 12e6 and pos.reserve_eur == pytest.approx(rate * 12e6)
    assert pos.frozen_eur == pytest.approx(CASES[rate][0] - 700_000)
    # 2025 has no appropriation: the envelope alone caps (what was frozen is carried over, uncapped)
    assert CR.ae_available_eur(f, "2025-03-01") == 50e6


@pytest.mark.parametrize("rate", sorted(CASES))
def test_the_second_session_sees_the_unfrozen_credits_less_the_first_sessions(tmp_path, rate):
    scn = made_up(tmp_path, rate)
    cands = made_up_candidates()
    # the call-by-call decisions
    dec = decide_calls(scn, cands)
    by_call = dec.by_call.set_index("call")
    assert by_call.loc["S1", "credits_left_eur"] == pytest.approx(CASES[rate][1])
    assert by_call.loc["S1", "granted_eur"] == 7e6
    assert by_call.loc["S2", "credits_left_eur"] == pytest.approx(11.2e6 - 7e6)
    assert set(dec.table.loc[dec.table["selected"], "id"]) == {"A", "B", "C"}
    # the envelope simulation
    res = E.simulate(scn, cands, draws=2, seed=1)
    calls = res.calls.set_index("call")
    assert calls.loc["S1", "credits_left_mean_eur"] == pytest.approx(CASES[rate][1])
    assert calls.loc["S1", "committed_mean_eur"] == 7e6
    assert calls.loc["S2", "credits_left_mean_eur"] == pytest.approx(11.2e6 - 7e6)
    assert calls.loc["S2", "committed_mean_eur"] == 4e6
    assert set(res.selected.loc[res.selected["selected"], "id"]) == {"A", "B", "C"}


def test_the_shortfall_is_measured_against_the_cp_available_after_the_reserve(tmp_path):
    # 11.2 M€ of CP voted would cover the 11 M€ paid in 2024; after the 5 % reserve (0.56 M€) only
    # 10.64 M€ are available: the year runs short and 0.36 M€ are paid in 2025
    scn = made_up(tmp_path, 0.05, cp=11200000)
    res = E.simulate(scn, made_up_candidates(), draws=2, seed=1)
    sh = res.shortfall.set_index("year")
    assert sh.loc[2024, "cp_voted_eur"] == 11.2e6
    assert sh.loc[2024, "cp_reserve_eur"] == pytest.approx(0.56e6)
    assert sh.loc[2024, "appropriation_eur"] == pytest.approx(10.64e6)
    assert sh.loc[2024, "cp_demand_mean_eur"] == pytest.approx(11e6)
    assert sh.loc[2024, "shortfall_probability"] == 1.0
    paid = res.level("F", "cp_paid_eur")["mean"]
    assert paid.loc[2024] == pytest.approx(10.64e6) and paid.loc[2025] == pytest.approx(0.36e6)
    # decided and committed on the same dates here (no lag)
    y = res.yearly[(res.yearly["level"] == "F") & (res.yearly["year"] == 2024)].set_index("metric")["mean"]
    assert y["ae_decided_eur"] == y["ae_committed_eur"] == 11e6


class _Fund:
    """A fund as workbench.credits reads it (the attributes of workbench.scenario.Fund)."""

    def __init__(self, appropriations, reserve=(), movements=(), envelope=((None, 1e9),), cap_rate=0.03):
        self.appropriations = appropriations
        self.reserve_rates = reserve
        self.movements = movements
        self.envelope_values = envelope
        self.envelope_eur = envelope[-1][1]
        self.cp_carryover_cap_rate = cap_rate


def test_reserve_movements_and_carry_over_arithmetic():
    mv = (CR.Movement(dt.date(2019, 3, 1), "freeze", ae_eur=2e6, cp_eur=1e6, year=2019),
          CR.Movement(dt.date(2019, 9, 1), "unfreeze", ae_eur=3e6, year=2019),         # releases reserve too
          CR.Movement(dt.date(2019, 11, 1), "frozen_cancellation", ae_eur=1e6, cp_eur=1e6, year=2019),
          CR.Movement(dt.date(2019, 12, 1), "transfer_out", cp_eur=4e6, year=2019),
          CR.Movement(dt.date(2020, 5, 1), "supplementary", ae_eur=10e6, year=2020),
          CR.Movement(dt.date(2020, 6, 1), "cancellation", ae_eur=5e6, cp_eur=2e6, year=2020))
    f = _Fund({2019: {"ae_eur": 100e6, "cp_eur": 50e6}, 2020: {"ae_eur": 60e6, "cp_eur": 80e6}},
              reserve=((dt.date(2019, 1, 1), 0.05), (dt.date(2020, 1, 1), 0.03)), movements=mv)
    assert CR.reserve_rate(f, 2018) == 0 and CR.reserve_rate(f, 2019) == 0.05 and CR.reserve_rate(f, 2021) == 0.03
    # 2019: 100 - 5 (reserve) = 95; freeze 2 -> 93; unfreeze 3 -> 96; cancelling 1 frozen leaves 96
    assert CR.ae_available_eur(f, "2019-01-01") == pytest.approx(95e6)
    assert CR.ae_available_eur(f, "2019-03-01") == pytest.approx(93e6)
    assert CR.ae_available_eur(f, "2019-09-01") == pytest.approx(96e6)
    assert CR.ae_available_eur(f, "2019-11-01") == pytest.approx(96e6)
    # 2020: cumulative voted 160, less the cancelled 1 (carried over without cap otherwise), less
    # 2020's reserve 1.8; +10 supplementary; -5 cancelled
    assert CR.ae_available_eur(f, "2020-01-01") == pytest.approx(160e6 - 1e6 - 1.8e6)
    assert CR.ae_available_eur(f, "2020-05-01") == pytest.approx(160e6 - 1e6 - 1.8e6 + 10e6)
    assert CR.ae_available_eur(f, "2020-06-01") == pytest.approx(160e6 - 1e6 - 1.8e6 + 5e6)
    # CP 2019: 50 voted, 2.5 reserve + 1 frozen - 1 cancelled frozen = 2.5 frozen at the end,
    # opened 50 - 1 - 4 = 45: available 42.5; the carry-over cap is 3 % of 50 = 1.5
    c = CR.cp_year(f, 2019)
    assert (c.voted_eur, c.reserve_eur, c.frozen_eur, c.movements_eur) == pytest.approx((50e6, 2.5e6, 2.5e6, -5e6))
    assert c.available_eur == pytest.approx(42.5e6) and c.carryover_cap_eur == pytest.approx(1.5e6)
    assert CR.cp_available_eur(f, 2019, carried_in_eur=1e6) == pytest.approx(43.5e6)
    # 41.5 paid of 42.5: 1 unpaid + 2.5 frozen = 3.5, capped at 1.5
    assert CR.cp_carried_over_eur(f, 2019, 42.5e6, 41.5e6) == pytest.approx(1.5e6)
    assert CR.cp_carried_over_eur(f, 2019, 42.5e6, 42.5e6 + 2e6) == pytest.approx(0.5e6)
    assert np.isnan(CR.cp_year(f, 2021).available_eur)
    # the envelope in force caps the AE available
    g = _Fund({2019: {"ae_eur": 100e6}}, envelope=((dt.date(2019, 2, 1), 40e6), (dt.date(2019, 7, 1), 70e6)))
    assert CR.ae_available_eur(g, "2019-01-15") == 0.0       # not yet in force
    assert CR.ae_available_eur(g, "2019-03-01") == 40e6
    assert CR.ae_available_eur(g, "2019-08-01") == 70e6


def test_a_dated_envelope_applies_at_its_dates_in_the_scenario_and_the_simulation():
    scn = load_scenario(PARAMS / "ftap_2018_2022.yaml")
    assert scn.envelope_at("FTAP", "2021-06-30") == 700e6
    assert scn.envelope_at("FTAP", "2022-09-30") == 780e6
    assert scn.envelope_at("FTAP") == 780e6
    assert scn.envelope_at("FTAP", "2018-01-15") == 0.0
    # a cut of the envelope to 300 M€ from 2020: the calls of 2020 on see 300 M€, not the earlier 700 M€
    cut = scn.with_overrides({"funds": {"FTAP": {"envelope_eur": {"values": {
        "2018-02-01": {"value": 700000000}, "2020-01-01": {"value": 300000000}}}}}})
    plan = E.build_plan(cut)
    caps = dict(zip([c.id for c in cut.calls], plan.call_cap))
    envs = dict(zip([c.id for c in cut.calls], plan.call_env))
    assert envs["FTAP-AAP3-S1"] == 700e6 and envs["FTAP-AAP4"] == 300e6
    assert caps["FTAP-AAP4"] == 300e6            # the envelope in force, below the 637 M€ of AE
    assert caps["FTAP-AAP3-S1"] == pytest.approx((200e6 + 245e6) * 1 - 0.04 * 245e6)


def test_validate_shows_every_dated_value(capsys):
    path = str(PARAMS / "ftap_2018_2022.yaml")
    assert main(["validate", path, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "envelope 700.0\u00a0M€ from 2018-02-01, 780.0\u00a0M€ from 2022-01-01" in out
    assert "2019: voted AE 245.0\u00a0M€, voted CP 160.0\u00a0M€, reserve 4.0\u00a0% -> on 1 January AE available " \
           "435.2\u00a0M€, CP available 153.6\u00a0M€" in out
    assert main(["validate", path, "--show", "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert "'2022-01-01':" in out and "700000000" in out and "780000000" in out
    assert "#    2020 : AE votées 200,0\u00a0M€" in out


def test_movements_are_listed_with_their_dates(tmp_path, capsys):
    made_up(tmp_path, 0.05)
    assert main(["validate", str(tmp_path / "made_up_0.05.yaml"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "2024-07-10 freeze: AE 0.9\u00a0M€, CP –" not in out  # CP not moved: shown as 0
    assert "2024-07-10 freeze: AE 0.9\u00a0M€, CP 0.0\u00a0M€ -> AE available 10.5\u00a0M€" in out
    assert "2024-10-15 unfreeze: AE 0.7\u00a0M€, CP 0.0\u00a0M€ -> AE available 11.2\u00a0M€" in out


BAD = """
name: bad_credits
horizon: {start_year: 2024, end_year: 2025}
funds:
  F:
    envelope_eur: 50000000
    reserve_rate: %s
    appropriations:
      2024:
        ae_eur: 12000000
        movements:
%s
criteria:
  weights: {strategic: 1, service: 1, savings: 1, governance: 1}
"""


@pytest.mark.parametrize("reserve, movements, where, value, rule", [
    ('{value: 0.05, assumption: "x"}', '          - {date: 2025-02-01, kind: freeze, ae_eur: 1, assumption: "x"}',
     "funds.F.appropriations.2024.movements[0].date", "2025-02-01", "must be dated within 2024"),
    ('{value: 0.05, assumption: "x"}', '          - {date: 2024-02-01, kind: thaw, ae_eur: 1, assumption: "x"}',
     "funds.F.appropriations.2024.movements[0].kind", "thaw", "must be one of freeze, unfreeze"),
    ('{value: 0.05, assumption: "x"}', '          - {date: 2024-02-01, kind: unfreeze, ae_eur: 700000, assumption: "x"}',
     "funds.F.appropriations.2024.movements[0].ae_eur", "700000", "releases more than is frozen at that date"),
    ('{value: 0.05, assumption: "x"}', '          - {date: 2024-02-01, kind: freeze, cp_eur: 5, assumption: "x"}',
     "funds.F.appropriations.2024.movements[0].cp_eur", "5", "needs the year's voted credits"),
    ('{value: 0.05, assumption: "x"}', '          - {date: 2024-02-01, kind: freeze, ae_eur: 5}',
     "funds.F.appropriations.2024.movements[0]", "freeze", "give the figure's source"),
    ('{value: 0.05, assumption: "x"}', '          - {date: 2024-02-01, kind: freeze, assumption: "x"}',
     "funds.F.appropriations.2024.movements[0]", "freeze", "give at least one amount"),
    ("0.05", '          - {date: 2024-02-01, kind: freeze, ae_eur: 5, assumption: "x"}',
     "funds.F.reserve_rate", "0.05", "give the figure's source"),
    ('{values: {2024-03-01: {value: 0.05, assumption: "x"}}}',
     '          - {date: 2024-02-01, kind: freeze, ae_eur: 5, assumption: "x"}',
     "funds.F.reserve_rate.values.2024-03-01", "2024-03-01", "applies to a whole year"),
    ('{value: 1.5, assumption: "x"}', '          - {date: 2024-02-01, kind: freeze, ae_eur: 5, assumption: "x"}',
     "funds.F.reserve_rate.value", "1.5", "fraction between 0 and 1"),
])
def test_bad_credits_are_refused_with_file_place_value_and_rule(tmp_path, reserve, movements, where, value, rule):
    p = tmp_path / "bad.yaml"
    p.write_text(BAD % (reserve, movements))
    with pytest.raises(InputError) as e:
        load_scenario(p)
    text = str(e.value)
    assert f"{p}: {where}: " in text and value in text and rule in text, text
    assert main(["validate", str(p), "--lang", "en"]) == 2


def test_the_french_rule_of_a_movement_error(tmp_path, capsys):
    p = tmp_path / "bad.yaml"
    p.write_text(BAD % ('{value: 0.05, assumption: "x"}',
                        '          - {date: 2024-02-01, kind: unfreeze, ae_eur: 700000, assumption: "x"}'))
    assert main(["validate", str(p), "--lang", "fr"]) == 2
    err = capsys.readouterr().err
    assert "libère plus que ce qui est gelé à cette date" in err and "0,600 M€" in err.replace(".", ",") \
        and "Traceback" not in err
