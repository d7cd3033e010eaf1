"""Decide, commit, pay: the lag from the committee's decision to the legal commitment drawn per
project and draw; parameters varied from draw to draw (a calibration's posterior); per-draw arrays
kept for predictive checks.  Hand computations, a brute-force probability, both engines, any
chunking."""
import datetime as dt
import textwrap
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from workbench import envelope as E
from workbench import load_scenario
from workbench.candidates import validate_candidates
from workbench.errors import InputError

from helpers import PARAMS

BACKTEST = str(PARAMS / "ftap_2018_backtest.yaml")

ONE = """
name: one_project
seed: 11
horizon: {start_year: 2020, end_year: 2022}
funds:
  F: {envelope_eur: 100000000}
calls:
  - {id: C, fund: F, decision: 2020-06-01, budget_eur: null}
criteria:
  weights: {strategic: 1, service: 1, savings: 1, governance: 1}
  value_model: {kind: points}
uncertainty: {enabled: %s, attrition_rate: %s, phase1_only_rate: 0}
disbursement:
%s
  profile_rates: [0.5, 0.5]
"""


def one_project(tmp_path, lag: str, enabled: bool = False, attrition: float = 0.0):
    p = tmp_path / "one.yaml"
    p.write_text(ONE % (str(enabled).lower(), attrition, textwrap.indent(textwrap.dedent(lag).strip(), "  ")))
    return load_scenario(p)


def one_candidate(**extra):
    df = pd.DataFrame({"id": ["P"], "title": "p", "owner": "o", "envelope": "F", "total_cost_eur": [8e6],
                       "requested_eur": [4e6], "duration_months": [12], "strategic": 8, "service": 8,
                       "savings": 8, "governance": 8, **{k: [v] for k, v in extra.items()}})
    out = validate_candidates(df)
    out["call"] = "C"
    return out


def _fund(res, metric):
    return res.level("F", metric)["mean"]


def test_a_fixed_lag_moves_the_commitment_and_the_payments_to_the_next_year(tmp_path):
    # decision 1 June 2020 + 9 months = March 2021: decided in 2020, committed (AE consumed) and
    # first paid in 2021, half then half a year later
    scn = one_project(tmp_path, "contract_lag_months: 9")
    res = E.simulate(scn, one_candidate(), draws=3, seed=1)
    assert _fund(res, "ae_decided_eur").loc[2020] == 4e6 and _fund(res, "ae_decided_eur").loc[2021] == 0
    assert _fund(res, "ae_committed_eur").loc[2020] == 0 and _fund(res, "ae_committed_eur").loc[2021] == 4e6
    paid = _fund(res, "cp_paid_eur")
    assert paid.loc[2020] == 0 and paid.loc[2021] == 2e6 and paid.loc[2022] == 2e6
    # the same lag as a degenerate distribution gives the same run
    fixed = E.simulate(one_project(tmp_path, """
        commitment_lag: {distribution: fixed, median_months: 9, assumption: test}"""), one_candidate(), draws=3, seed=1)
    pd.testing.assert_frame_equal(res.yearly, fixed.yearly, check_exact=True)
    # a lognormal without spread too
    logn = E.simulate(one_project(tmp_path, """
        commitment_lag: {distribution: lognormal, median_months: 9, sigma: 0, assumption: test}"""),
        one_candidate(), draws=3, seed=1)
    pd.testing.assert_frame_equal(res.yearly, logn.yearly, check_exact=True)


def test_a_project_that_never_starts_is_decommitted_after_its_commitment(tmp_path):
    # every laureate abandons: committed March 2021, de-committed 12 months later (2022), nothing paid
    scn = one_project(tmp_path, "contract_lag_months: 9", enabled=True, attrition=1.0)
    res = E.simulate(scn, one_candidate(), draws=300, seed=2)
    assert _fund(res, "ae_committed_eur").loc[2021] == 4e6
    dec = _fund(res, "ae_decommitted_eur")
    assert dec.loc[2021] == 0 and dec.loc[2022] == 4e6
    assert _fund(res, "cp_paid_eur").sum() == 0
    assert res.selected.iloc[0]["p_attrition"] == 1.0


def test_the_commitment_year_follows_the_lognormal_lag(tmp_path):
    """Brute force: the share of draws committing the grant in each year is the lognormal's
    probability that the lag ends in that year (decision 1 June 2020; median 12 months, sigma 0.5)."""
    scn = one_project(tmp_path, """
        commitment_lag:
          distribution: lognormal
          median_months: {value: 12, assumption: test}
          sigma: {value: 0.5, assumption: test}""", enabled=True)
    assert scn.commitment_lag.sigma == 0.5 and scn.contract_lag_months == 12
    n = 20000
    res = E.simulate(scn, one_candidate(), draws=n, seed=3)
    x_base = (dt.date(2020, 6, 1).timetuple().tm_yday - 1) / 366   # the decision, in years from 1 January 2020
    cdf = NormalDist().cdf

    def p_before(years):  # P(decision + lag < years from 1 January 2020)
        return cdf(np.log(12 * (years - x_base) / 12.0) / 0.5)

    expected = {2020: p_before(1), 2021: p_before(2) - p_before(1), 2022: 1 - p_before(2)}
    got = _fund(res, "ae_committed_eur") / 4e6
    for year, p in expected.items():
        se = np.sqrt(p * (1 - p) / n)
        # 2022 is the last reported year only if the lag's tail is short: later years fold in
        share = got.loc[year] if year < 2022 else got.loc[2022:].sum()
        assert abs(share - p) < 4 * se + 1e-9, (year, share, p)
    # the drawn lags themselves: median and P90 of the lognormal
    plan = E.build_plan(scn, one_candidate())
    raw = E._raw_blocks(plan, E._SeedSeq(3), 0, 40)
    lag = raw[4].ravel()
    assert np.median(lag) == pytest.approx(12.0, rel=0.03)
    assert np.quantile(lag, 0.9) == pytest.approx(12 * np.exp(0.5 * 1.2815515655446004), rel=0.03)


def test_the_lag_is_capped(tmp_path):
    scn = one_project(tmp_path, """
        commitment_lag: {distribution: lognormal, median_months: 12, sigma: 1.0, max_months: 15, assumption: test}""",
        enabled=True)
    plan = E.build_plan(scn, one_candidate())
    lag = E._raw_blocks(plan, E._SeedSeq(1), 0, 4)[4]
    assert lag.max() == np.float32(15) and (lag == np.float32(15)).mean() == pytest.approx(1 - NormalDist().cdf(np.log(1.25)), abs=0.03)


@pytest.mark.parametrize("lag, where, rule", [
    ("commitment_lag: {distribution: lognormal, median_months: 12, assumption: x}",
     "disbursement.commitment_lag.sigma", "needs sigma"),
    ("commitment_lag: {distribution: fixed, median_months: 12, sigma: 0.4, assumption: x}",
     "disbursement.commitment_lag.sigma", "a fixed lag has no spread"),
    ("commitment_lag: {distribution: lognormal, median_months: 0, sigma: 0.4, assumption: x}",
     "disbursement.commitment_lag.median_months", "must be > 0 months"),
    ("commitment_lag: {distribution: lognormal, median_months: 12, sigma: 0.4}",
     "disbursement.commitment_lag.median_months", "give the figure's source"),
    ("commitment_lag: {distribution: lognormal, median_months: 12, sigma: 0.4, max_months: 6, assumption: x}",
     "disbursement.commitment_lag.max_months", "cannot be below its median"),
    ("commitment_lag: {distribution: gamma, median_months: 12, assumption: x}",
     "disbursement.commitment_lag.distribution", "must be one of lognormal, fixed"),
    ("contract_lag_months: 6\ncommitment_lag: {distribution: fixed, median_months: 12, assumption: x}",
     "disbursement.commitment_lag", "not both"),
])
def test_a_bad_lag_is_refused_with_its_place_and_rule(tmp_path, lag, where, rule):
    with pytest.raises(InputError) as e:
        one_project(tmp_path, lag)
    assert f"{where}: " in str(e.value) and rule in str(e.value), str(e.value)


def test_a_childs_plain_lag_replaces_its_bases_distribution(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {PARAMS / 'ftap_2018_2022.yaml'}\ndisbursement:\n  contract_lag_months: 3\n")
    scn = load_scenario(child)
    assert scn.commitment_lag.distribution == "fixed" and scn.contract_lag_months == 3
    assert load_scenario(PARAMS / "ftap_2018_2022.yaml").commitment_lag.distribution == "lognormal"
    over = scn.with_overrides({"disbursement": {"commitment_lag": {
        "distribution": "lognormal", "median_months": {"value": 10, "assumption": "x"}, "sigma": {"value": 0.3, "assumption": "x"}}}})
    assert over.commitment_lag.sigma == 0.3 and "contract_lag_months" not in over.data["disbursement"]


def lognormal_backtest():
    return load_scenario(BACKTEST).with_overrides({
        "uncertainty": {"overrun_paid_by_fund_rate": 1.0, "phase1_only_rate": 0.3},
        "funds": {"FTAP": {"envelope_eur": 200000000}}})


SETS = pd.DataFrame({
    "disbursement.commitment_lag.median_months": [22.0, 6.0, 30.0],
    "disbursement.commitment_lag.sigma": [1.5, 0.3, 0.0],
    "uncertainty.attrition_rate": [0.05, 0.2, 0.0],
    "uncertainty.phase1_only_rate": [0.1, 0.0, 0.5],
    "disbursement.profile_rates": [(0.365, 0.365, 0.216, 0.054), [0.5, 0.5], "0.2;0.3;0.3;0.1;0.1"],
})


@pytest.mark.skipif(E._nb is None, reason="numba not installed")
@pytest.mark.parametrize("sets", [None, SETS], ids=["scenario", "three sets"])
def test_both_engines_agree_with_a_drawn_lag_and_parameter_sets(sets):
    scn = lognormal_backtest()
    assert scn.commitment_lag.sigma == 1.5
    a = E.simulate(scn, draws=1500, seed=8, engine="numba", parameter_sets=sets)
    b = E.simulate(scn, draws=1500, seed=8, engine="numpy", parameter_sets=sets)
    for name in ("yearly", "summary", "shortfall", "calls", "selected") + (("parameter_sets", "set_band") if sets is not None else ()):
        x, y = getattr(a, name), getattr(b, name)
        assert list(x.columns) == list(y.columns)
        num = x.select_dtypes("number").columns
        np.testing.assert_allclose(x[num].to_numpy(float), y[num].to_numpy(float), rtol=1e-9, atol=1e-3)
    # the lag spreads the commitments over the years after the 2018 decisions
    ae = a.level("FTAP", "ae_committed_eur")["mean"]
    assert 0 < ae.loc[2018] < a.level("FTAP", "ae_decided_eur")["mean"].loc[2018] and ae.loc[2020] > 0


@pytest.mark.skipif(E._nb is None, reason="numba not installed")
def test_both_engines_agree_with_projects_paying_on_their_own_schedules(tmp_path):
    scn = one_project(tmp_path, """
        commitment_lag: {distribution: lognormal, median_months: 8, sigma: 0.6, assumption: test}
        use_project_schedule: true""", enabled=True, attrition=0.1)
    c = pd.concat([one_candidate(cp_2020_eur=1e6, cp_2021_eur=3e6),
                   one_candidate().assign(id="Q", requested_eur=3e6)], ignore_index=True)
    sets = SETS.iloc[:2]
    a = E.simulate(scn, c, draws=600, seed=4, engine="numba", parameter_sets=sets)
    b = E.simulate(scn, c, draws=600, seed=4, engine="numpy", parameter_sets=sets)
    for name in ("yearly", "summary", "parameter_sets"):
        x, y = getattr(a, name), getattr(b, name)
        num = x.select_dtypes("number").columns
        np.testing.assert_allclose(x[num].to_numpy(float), y[num].to_numpy(float), rtol=1e-9, atol=1e-3)


def test_bit_identical_whatever_the_chunking_with_a_drawn_lag_and_sets():
    scn = lognormal_backtest()
    a = E.simulate(scn, draws=2500, seed=11, chunk_size=1024, threads=1, parameter_sets=SETS)
    b = E.simulate(scn, draws=2500, seed=11, chunk_size=3000, threads=2, parameter_sets=SETS)
    c = E.simulate(scn, draws=2500, seed=11, threads=3, parameter_sets=SETS)
    for name in ("yearly", "summary", "shortfall", "calls", "selected", "parameter_sets", "set_band"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
        pd.testing.assert_frame_equal(getattr(a, name), getattr(c, name), check_exact=True)


def test_one_set_equal_to_the_scenario_is_the_run_without_sets():
    scn = lognormal_backtest()
    lag, st = scn.commitment_lag, E.Settings.from_scenario(scn)
    one = pd.DataFrame({"disbursement.commitment_lag.median_months": [lag.median_months],
                        "disbursement.commitment_lag.sigma": [lag.sigma],
                        "uncertainty.attrition_rate": [st.attrition_rate],
                        "uncertainty.phase1_only_rate": [st.phase1_only_rate],
                        "disbursement.profile_rates": [tuple(st.profile_rates)]})
    a = E.simulate(scn, draws=700, seed=5)
    b = E.simulate(scn, draws=700, seed=5, parameter_sets=one)
    for name in ("yearly", "summary", "shortfall", "calls", "selected"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.parameter_sets is None and len(b.parameter_sets) == len(b.yearly["year"].unique())


SMALL = """
name: small_sets
seed: 7
horizon: {start_year: 2019, end_year: 2021}
funds:
  F:
    envelope_eur: 100000000
    appropriations:
      2019: {cp_eur: 10000000}
calls:
  - {id: C1, fund: F, decision: 2019-03-01, budget_eur: 30000000}
  - {id: C2, fund: F, decision: 2020-03-01, budget_eur: null}
criteria:
  weights: {strategic: 1, service: 1, savings: 1, governance: 1}
  value_model: {kind: points}
uncertainty:
  enabled: false
disbursement:
  contract_lag_months: 0
  profile_rates: [0.5, 0.3, 0.2]
"""


def small_candidates():
    df = pd.DataFrame({
        "id": ["A", "B", "C"], "title": "t", "owner": "o", "envelope": "F",
        "total_cost_eur": [20e6, 40e6, 60e6], "requested_eur": [10e6, 20e6, 30e6], "duration_months": 24,
        "strategic": [8, 6, 5], "service": [8, 6, 5], "savings": [8, 6, 5], "governance": [8, 6, 5],
    })
    out = validate_candidates(df)
    out["call"] = ["C1", "C1", "C2"]
    return out


@pytest.mark.parametrize("engine", ["numpy"] + (["numba"] if E._nb is not None else []))
def test_each_set_has_its_own_shortfall_and_the_band_spans_them(tmp_path, engine):
    """Draw d uses set d mod 2: with no lag, 2019's demand (15 M€: half of call 1's 30 M€) exceeds
    its 10 M€ of CP; with a 24-month lag nothing is due before 2021.  The band across the two sets
    is the percentiles of [1, 0]."""
    p = tmp_path / "s.yaml"
    p.write_text(SMALL)
    scn = load_scenario(p)
    sets = pd.DataFrame({"disbursement.commitment_lag.median_months": [0.0, 24.0]})
    res = E.simulate(scn, small_candidates(), draws=4, seed=1, engine=engine, parameter_sets=sets, keep_draws=True)
    ps = res.parameter_sets.set_index(["set", "year"])
    assert ps.loc[(0, 2019), "shortfall_probability"] == 1.0 and ps.loc[(1, 2019), "shortfall_probability"] == 0.0
    assert np.isnan(ps.loc[(0, 2020), "shortfall_probability"])     # no CP voted in 2020
    assert ps.loc[(0, 2019), "ae_committed_mean_eur"] == 30e6 and ps.loc[(1, 2019), "ae_committed_mean_eur"] == 0
    assert ps.loc[(1, 2021), "ae_committed_mean_eur"] == 30e6
    assert ps.loc[(0, 2019), "ae_decided_mean_eur"] == ps.loc[(1, 2019), "ae_decided_mean_eur"] == 30e6
    assert ps.loc[(0, 2019), "cp_paid_mean_eur"] == 10e6 and ps.loc[(1, 2019), "cp_paid_mean_eur"] == 0
    assert ps.loc[(0, 2019), "draws"] == 2
    assert ps.loc[(1, 2019), "disbursement.commitment_lag.median_months"] == 24.0
    band = res.set_band.set_index(["scope", "year"])
    for scope, year in (("year", 2019), ("worst_year", pd.NA)):
        row = band.xs(scope).iloc[0] if scope == "worst_year" else band.loc[(scope, year)]
        assert (row["shortfall_probability_p10"], row["shortfall_probability_p50"],
                row["shortfall_probability_p90"]) == pytest.approx((0.1, 0.5, 0.9))
    # the per-draw arrays: draw d used set d mod 2
    dr = res.draws
    yi = dr.years.index(2019)
    assert dr.ae_committed_eur.shape == (1, len(dr.years), 4)
    assert dr.ae_committed_eur[0, yi].tolist() == [30e6, 0, 30e6, 0]
    assert dr.ae_decided_eur[0, yi].tolist() == [30e6] * 4
    assert dr.cp_available_eur[0, yi].tolist() == [10e6] * 4 and np.isnan(dr.cp_available_eur[0, yi + 1]).all()
    assert dr.cp_due_eur[0, yi].tolist() == [15e6, 0, 15e6, 0] and dr.cp_paid_eur[0, yi].tolist() == [10e6, 0, 10e6, 0]
    assert dr.set_index.tolist() == [0, 1, 0, 1]
    files = {f.name for f in res.to_csv(tmp_path / "out")}
    assert {"parameter_sets.csv", "set_band.csv"} <= files


def test_kept_draws_are_the_tables_draws():
    scn = lognormal_backtest()
    res = E.simulate(scn, draws=500, seed=2, keep_draws=True)
    dr = res.draws
    for m in ("ae_decided_eur", "ae_committed_eur", "cp_paid_eur", "cp_demand_eur"):
        np.testing.assert_allclose(getattr(dr, m)[0].mean(axis=1), res.level("FTAP", m)["mean"].to_numpy(), rtol=1e-12)
    voted = np.isfinite(dr.cp_available_eur[0, :, 0])
    assert voted.any() and (dr.cp_paid_eur[0][voted] <= dr.cp_available_eur[0][voted] + 1).all()


@pytest.mark.parametrize("frame, where, rule", [
    (pd.DataFrame({"disbursement.contract_lag_mnths": [6.0]}), "column disbursement.contract_lag_mnths",
     "does not vary this parameter"),
    (pd.DataFrame({"uncertainty.attrition_rate": [0.1, 1.2]}), "row 3, column uncertainty.attrition_rate",
     "fraction between 0 and 1"),
    (pd.DataFrame({"disbursement.profile_rates": [(0.5, 0.4)]}), "row 2, column disbursement.profile_rates",
     "must sum to 1"),
    (pd.DataFrame({"disbursement.profile_rates": ["half;half"]}), "row 2, column disbursement.profile_rates",
     "a payment profile is a list of fractions"),
    (pd.DataFrame({"uncertainty.attrition_rate": [0.6], "uncertainty.phase1_only_rate": [0.6]}),
     "row 2, column uncertainty.phase1_only_rate", "must be <= 1"),
    (pd.DataFrame({"uncertainty.attrition_rate": []}), "", "at least one parameter set"),
])
def test_bad_parameter_sets_are_refused(frame, where, rule):
    scn = load_scenario(BACKTEST)
    with pytest.raises(InputError) as e:
        E.simulate(scn, draws=10, parameter_sets=frame)
    text = str(e.value)
    assert f"parameter_sets: {where}" in text if where else "parameter_sets" in text
    assert rule in text, text
