"""What each year's commitments still cost in payment credits (restes à payer, issue 24 item 2): the
simulation's payments by commitment year and payment year, by hand on one and two projects, with and
without a CP shortage, in both engines, whatever the chunking."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import envelope as E, load_scenario
from workbench.candidates import validate_candidates

from helpers import PARAMS

FUND = """
name: restes
seed: 3
horizon: {{start_year: 2019, end_year: 2021}}
funds:
  F:
    envelope_eur: 100000000
    allow_overcommitment: false
{appropriations}
calls:
  - {{id: C1, fund: F, decision: 2019-03-01, budget_eur: null}}
  - {{id: C2, fund: F, decision: 2019-10-01, budget_eur: null}}
criteria:
  weights: {{strategic: 1, service: 1, savings: 1, governance: 1}}
uncertainty:
  enabled: false
disbursement:
  contract_lag_months: 6
  profile_rates: [0.5, 0.3, 0.2]
"""
CP_2020 = """    appropriations:
      2020: {cp_eur: 4000000}
    cp_carryover_cap_rate: 0.0
"""


def candidates(n: int = 2) -> pd.DataFrame:
    df = pd.DataFrame({
        "id": ["A", "B"][:n], "title": "t", "owner": "o", "envelope": "F",
        "total_cost_eur": [20e6, 8e6][:n], "requested_eur": [10e6, 4e6][:n], "duration_months": [24, 24][:n],
        "strategic": 8, "service": 8, "savings": 8, "governance": 8,
    })
    out = validate_candidates(df)
    out["call"] = ["C1", "C2"][:n]
    return out


def scenario(tmp_path, appropriations: str = ""):
    p = tmp_path / "restes.yaml"
    p.write_text(FUND.format(appropriations=appropriations))
    return load_scenario(p)


def cells(res) -> dict:
    t = res.restes_a_payer
    c = t[t["scope"] == "cohort"]
    return {(int(a), int(b)): v for a, b, v in zip(c["commitment_year"], c["payment_year"], c["mean_eur"])}


def outstanding(res) -> dict:
    t = res.restes_a_payer
    o = t[t["scope"] == "outstanding"]
    return dict(zip(o["payment_year"].astype(int), o["mean_eur"]))


ENGINES = ["numpy"] + (["numba"] if E._nb is not None else [])


@pytest.mark.parametrize("engine", ENGINES)
def test_one_project_fixed_lag_known_profile_by_hand(tmp_path, engine):
    # decided 1 March 2019, signed six months later (2019): 50 / 30 / 20 % of 10 M€ from 2019
    res = E.simulate(scenario(tmp_path), candidates(1), draws=3, seed=1, engine=engine)
    got = cells(res)
    assert got[(2019, 2019)] == pytest.approx(5e6) and got[(2019, 2020)] == pytest.approx(3e6)
    assert got[(2019, 2021)] == pytest.approx(2e6)
    assert sum(v for (c, p), v in got.items() if (c, p) not in {(2019, 2019), (2019, 2020), (2019, 2021)}) == 0
    out = outstanding(res)
    assert out[2019] == pytest.approx(5e6) and out[2020] == pytest.approx(2e6) and out[2021] == pytest.approx(0)
    t = res.restes_a_payer
    row = t[(t["scope"] == "cohort") & (t["commitment_year"] == 2019) & (t["payment_year"] == 2020)].iloc[0]
    # without uncertainty every draw is the same: P10 = P50 = P90 = mean
    assert row["p10_eur"] == row["p50_eur"] == row["p90_eur"] == pytest.approx(3e6)
    assert list(t.columns) == list(E.RESTES_COLUMNS)


@pytest.mark.parametrize("engine", ENGINES)
def test_two_cohorts_and_a_cp_shortage_move_each_cohorts_payments_by_hand(tmp_path, engine):
    # A: 10 M€ committed Sept 2019 (cohort 2019); B: 4 M€ decided 1 Oct 2019, signed April 2020 (cohort 2020).
    # 2020: 3 M€ (A) + 2 M€ (B) due, 4 M€ of CP: each cohort paid 80 %, the rest moves to 2021
    res = E.simulate(scenario(tmp_path, CP_2020), candidates(2), draws=2, seed=1, engine=engine)
    got = cells(res)
    assert got[(2019, 2019)] == pytest.approx(5e6)
    assert got[(2019, 2020)] == pytest.approx(2.4e6) and got[(2020, 2020)] == pytest.approx(1.6e6)
    assert got[(2019, 2021)] == pytest.approx(2e6 + 0.6e6) and got[(2020, 2021)] == pytest.approx(1.2e6 + 0.4e6)
    assert got[(2020, 2022)] == pytest.approx(0.8e6)
    out = outstanding(res)
    # committed by the end of 2020: 14 M€, paid 9 M€
    assert out[2019] == pytest.approx(5e6) and out[2020] == pytest.approx(5e6)
    assert out[2021] == pytest.approx(0.8e6) and out[2022] == pytest.approx(0)
    # the cohorts add up to the fund's CP paid, year by year
    paid = res.level("F", "cp_paid_eur")["mean"]
    by_year = pd.Series(got).groupby(level=1).sum()
    for y, v in by_year.items():
        assert v == pytest.approx(paid.loc[y], rel=1e-6)


def test_the_engines_agree_and_the_table_is_the_same_whatever_the_chunking():
    scn = load_scenario(PARAMS / "ftap_2018_backtest.yaml")
    a = E.simulate(scn, draws=1300, seed=5, chunk_size=512, threads=1)
    b = E.simulate(scn, draws=1300, seed=5, threads=2)
    pd.testing.assert_frame_equal(a.restes_a_payer, b.restes_a_payer, check_exact=True)
    c = E.simulate(scn, draws=1300, seed=5, engine="numpy")
    num = ["mean_eur", "p10_eur", "p50_eur", "p90_eur"]
    np.testing.assert_allclose(a.restes_a_payer[num].to_numpy(float), c.restes_a_payer[num].to_numpy(float),
                               rtol=1e-9, atol=1e-3)
    # the cohorts add up to the CP paid, year by year, and the outstanding falls to nothing
    t = a.restes_a_payer
    by_year = t[t["scope"] == "cohort"].groupby("payment_year")["mean_eur"].sum()
    paid = a.level("FTAP", "cp_paid_eur")["mean"]
    # (the cells are kept per draw in float32, as a big run's stores: a relative 1e-7)
    np.testing.assert_allclose(by_year.to_numpy(), paid.loc[by_year.index].to_numpy(), rtol=1e-6)
    assert t[t["scope"] == "outstanding"]["mean_eur"].iloc[-1] == pytest.approx(0, abs=10)


def test_projects_on_their_own_schedules_are_followed_by_cohort_too(tmp_path):
    """The compiled kernel's other path (projects paying on their own ``cp_<year>_eur``)."""
    scn = scenario(tmp_path).with_overrides({"disbursement": {"use_project_schedule": True},
                                             "uncertainty": {"enabled": True}})
    cands = candidates(2)
    cands["cp_2019_eur"] = [6e6, 0.0]
    cands["cp_2020_eur"] = [4e6, 1e6]
    cands["cp_2021_eur"] = [0.0, 3e6]
    runs = [E.simulate(scn, cands, draws=700, seed=2, engine=e) for e in ENGINES]
    for r in runs[1:]:
        np.testing.assert_allclose(r.restes_a_payer[["mean_eur", "p90_eur"]].to_numpy(float),
                                   runs[0].restes_a_payer[["mean_eur", "p90_eur"]].to_numpy(float), rtol=1e-9, atol=1e-3)
    t = runs[0].restes_a_payer
    paid = runs[0].level("F", "cp_paid_eur")["mean"]
    by_year = t[t["scope"] == "cohort"].groupby("payment_year")["mean_eur"].sum()
    np.testing.assert_allclose(by_year.to_numpy(), paid.loc[by_year.index].to_numpy(), rtol=1e-6)


def test_percentiles_read_the_first_draws_beyond_the_cap(monkeypatch):
    """Beyond :data:`RAP_PERCENTILE_DRAWS` the percentiles read the first draws and the means all
    of them: the table is that of a run whose first draws are the same."""
    import workbench.envelope.simulation as S

    scn = load_scenario(PARAMS / "ftap_2018_backtest.yaml")
    monkeypatch.setattr(S, "RAP_PERCENTILE_DRAWS", 512)
    big = E.simulate(scn, draws=1024, seed=4)
    small = E.simulate(scn, draws=512, seed=4)
    assert big.provenance["restes_a_payer_percentile_draws"] == 512
    t, u = big.restes_a_payer, small.restes_a_payer
    key = ["scope", "commitment_year", "payment_year"]
    m = t.merge(u, on=["fund"] + key, suffixes=("", "_small"))
    np.testing.assert_array_equal(m["p90_eur"], m["p90_eur_small"])
    assert not np.array_equal(m["mean_eur"], m["mean_eur_small"])


def test_the_follow_up_gives_the_same_table_from_a_books_re_forecast_by_hand(tmp_path):
    """``workbench status``'s restes à payer: the book's remaining payments by convention year
    (without uncertainty: the remaining grant spread evenly to the end date)."""
    import datetime as dt

    from workbench.followup import book as B
    from workbench.followup import reforecast as RF
    from workbench.followup.reforecast import year_fraction

    scn = load_scenario(PARAMS / "ftap_2018_2022.yaml")
    p = tmp_path / "book.csv"
    p.write_text("id,call,fund,grant_eur,decision_date,convention_date,paid_2020_eur,end_date,status\n"
                 "P1,C,FTAP,1000000,2019-10-31,2020-03-01,100000,2022-06-30,running\n"
                 "P2,C,FTAP,500000,2020-03-01,,0,2021-12-31,running\n")
    as_of = dt.date(2020, 4, 30)
    rf = RF.reforecast(B.read_book(p, as_of=as_of), as_of, scn, draws=5, seed=1, uncertainty=False)
    t = rf.restes_a_payer
    c = t[t["scope"] == "cohort"].set_index("payment_year")["mean_eur"]
    t0, end = year_fraction(as_of), year_fraction(dt.date(2022, 6, 30))
    L = end - t0
    assert c.loc[2020] == pytest.approx(0.9e6 * (2021 - t0) / L)
    assert c.loc[2021] == pytest.approx(0.9e6 / L)
    assert c.loc[2022] == pytest.approx(0.9e6 * (end - 2022) / L)
    assert set(t.loc[t["scope"] == "cohort", "commitment_year"]) == {2020}
    # the decided, not yet committed project is apart, without a commitment year
    pend = t[t["scope"] == "pending"]
    assert pend["commitment_year"].isna().all() and pend["mean_eur"].sum() == pytest.approx(0.5e6)
    out = t[t["scope"] == "outstanding"].set_index("payment_year")["mean_eur"]
    assert out.loc[2020] == pytest.approx(0.9e6 - c.loc[2020]) and out.loc[2022] == pytest.approx(0)
    assert list(t.columns) == list(E.RESTES_COLUMNS)
