"""What drives the risk: Sobol indices with SALib (a toy function whose answer is known, a small
scenario where one factor cannot matter), the parameter sets' common random numbers and overrun
scales in both engines, the scenario's factors and their errors, the command."""
from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

from workbench import envelope as E
from workbench import load_scenario, pipeline
from workbench.analysis import sensitivity as S
from workbench.cli import main
from workbench.errors import InputError

from helpers import DATA, PARAMS

BACKTEST = PARAMS / "ftap_2018_backtest.yaml"


def _scenario(tmp_path, factors: str, name="sens.yaml", extra: str = ""):
    p = tmp_path / name
    p.write_text(f"extends: {DATA / 'small_report.yaml'}\nname: sens\nsensitivity:\n  samples: 16\n"
                 f"  draws_per_set: 8\n  factors:\n{factors}{extra}", encoding="utf-8")
    return load_scenario(p)


# --------------------------------------------------------------------------------------------
# the estimator on a function whose indices are known
# --------------------------------------------------------------------------------------------
def test_a_factor_without_effect_has_indices_near_zero_and_first_order_stays_below_total():
    fs = [S.Factor("a", 0.0, 1.0), S.Factor("b", 0.0, 1.0), S.Factor("c", 0.0, 1.0)]
    x = S.sample_points(fs, 512, seed=3)
    assert x.shape == (512 * (3 + 2), 3)
    # y = a + 2 b + a b, c plays no part: Var(y) splits between a, b and their interaction
    y = x[:, 0] + 2 * x[:, 1] + x[:, 0] * x[:, 1]
    t = S.sobol_indices(fs, y, seed=3).set_index("factor")
    # every index carries its interval (printed by the command and the report)
    assert (t[["S1_conf", "ST_conf"]] > 0).loc[["a", "b"]].all().all()
    c = t.loc["c"]
    assert abs(c["S1"]) <= c["S1_conf"] + 1e-12 and abs(c["ST"]) <= max(c["ST_conf"], 1e-12)
    for f in ("a", "b"):
        assert t.at[f, "S1"] <= t.at[f, "ST"] + t.at[f, "S1_conf"] + t.at[f, "ST_conf"]
    # the analytic indices: Var = 1/12 (1.5^2 + 2.5^2) + 1/144 = 0.7153; S1(b) = (2.5^2/12) / Var
    var = (1.5 ** 2 + 2.5 ** 2) / 12 + 1 / 144
    assert t.at["b", "S1"] == pytest.approx(2.5 ** 2 / 12 / var, abs=max(3 * t.at["b", "S1_conf"], 0.02))
    assert t.at["a", "ST"] == pytest.approx((1.5 ** 2 / 12 + 1 / 144) / var, abs=max(3 * t.at["a", "ST_conf"], 0.02))


def test_an_output_that_never_varies_has_zero_indices_not_a_division_by_zero():
    fs = [S.Factor("a", 0.0, 1.0), S.Factor("b", 0.0, 1.0)]
    x = S.sample_points(fs, 16, seed=1)
    t = S.sobol_indices(fs, np.zeros(len(x)), seed=1)
    assert (t[["S1", "ST", "S1_conf", "ST_conf"]] == 0).all().all() and not t["output_varies"].any()


# --------------------------------------------------------------------------------------------
# parameter sets: common random numbers, overrun scales, both engines
# --------------------------------------------------------------------------------------------
def test_common_draws_give_identical_sets_identical_results_and_one_set_is_the_plain_run():
    scn = load_scenario(BACKTEST)
    plain = E.simulate(scn, draws=600, seed=5)
    own = E.Settings.from_scenario(scn).attrition_rate            # one set: the scenario's own value
    one = E.simulate(scn, draws=600, seed=5, common_draws=True,
                     parameter_sets=pd.DataFrame({"uncertainty.attrition_rate": [own]}))
    pd.testing.assert_frame_equal(plain.yearly, one.yearly, check_exact=True)
    twins = pd.DataFrame({"disbursement.commitment_lag.median_months": [12.0, 12.0, 30.0]})
    crn = E.simulate(scn, draws=900, seed=5, parameter_sets=twins, common_draws=True).set_summary
    fund = crn[crn["level_kind"] == "fund"].set_index("set")
    cols = ["shortfall_probability", "unused_residual_p50_eur", "cp_paid_to_horizon_p50_eur"]
    assert (fund.loc[0, cols] == fund.loc[1, cols]).all()          # the same draws, the same figures
    assert fund.at[2, "cp_paid_to_horizon_p50_eur"] < fund.at[0, "cp_paid_to_horizon_p50_eur"]  # a longer lag pays later
    # without common draws, the twin sets see different draws
    apart = E.simulate(scn, draws=900, seed=5, parameter_sets=twins).set_summary
    apart = apart[apart["level_kind"] == "fund"].set_index("set")
    assert apart.at[0, "cp_paid_to_horizon_p50_eur"] != apart.at[1, "cp_paid_to_horizon_p50_eur"]


def test_overrun_scales_and_common_draws_agree_in_both_engines_and_any_chunking():
    scn = load_scenario(BACKTEST)
    sets = pd.DataFrame({"disbursement.commitment_lag.median_months": [6.0, 22.0, 30.0],
                         "uncertainty.delay.excess_scale": [1.0, 0.0, 2.5],
                         "uncertainty.cost_overrun.excess_scale": [0.5, 1.0, 3.0]})
    a = E.simulate(scn, draws=1100, seed=3, parameter_sets=sets, common_draws=True)
    b = E.simulate(scn, draws=1100, seed=3, parameter_sets=sets, common_draws=True, chunk_size=256, threads=1)
    c = E.simulate(scn, draws=1100, seed=3, parameter_sets=sets, common_draws=True, engine="numpy", chunk_size=512)
    pd.testing.assert_frame_equal(a.yearly, b.yearly, check_exact=True)
    pd.testing.assert_frame_equal(a.set_summary, b.set_summary, check_exact=True)
    pd.testing.assert_frame_equal(a.yearly, c.yearly, rtol=1e-9)
    pd.testing.assert_frame_equal(a.set_summary, c.set_summary, rtol=1e-9)
    # a scale of 1 is the scenario's mixture: the same run as without the column
    base = E.simulate(scn, draws=700, seed=3, parameter_sets=sets.iloc[:, :1])
    same = E.simulate(scn, draws=700, seed=3, parameter_sets=sets.iloc[:, :1].assign(
        **{"uncertainty.delay.excess_scale": 1.0, "uncertainty.cost_overrun.excess_scale": 1.0}))
    pd.testing.assert_frame_equal(base.yearly, same.yearly, check_exact=True)
    # no delay at all (scale 0) pays earlier than delays two and a half times the mixture's
    f = a.set_summary[a.set_summary["level_kind"] == "fund"].set_index("set")
    assert f.at[1, "paid_mean_eur"] > 0


def test_an_excess_scale_out_of_range_names_its_column_and_row():
    scn = load_scenario(BACKTEST)
    with pytest.raises(InputError) as exc:
        E.simulate(scn, draws=10, parameter_sets=pd.DataFrame({"uncertainty.delay.excess_scale": [1.0, 4.0]}))
    text = str(exc.value)
    assert "uncertainty.delay.excess_scale" in text and "3" in text


# --------------------------------------------------------------------------------------------
# a small scenario: one factor that cannot matter (the fund pays no overrun)
# --------------------------------------------------------------------------------------------
FACTORS = """\
    disbursement.commitment_lag.median_months: {low: 3, high: 40, assumption: test}
    uncertainty.cost_overrun.excess_scale: {low: 0.5, high: 1.5, assumption: test}
"""


#: Projects that never cost less than planned (a point at 1 and a tail above 1.5): with a fund that
#: pays no overrun, the size of the overruns cannot change a payment.
NO_UNDERRUN = """
uncertainty:
  cost_overrun: {body_weight: 0.6, body_sd: 0, lognormal_weight: 0, tail_weight: 0.4, tail_min_ratio: 1.5,
                 tail_alpha: 2, max_ratio: 5, assumption: test}
"""


def test_on_a_small_scenario_an_overrun_the_fund_never_pays_has_no_effect_and_the_lag_drives_the_money_left(tmp_path):
    scn = _scenario(tmp_path, FACTORS, extra=NO_UNDERRUN)
    # only these two (the base scenario's other factors merged in by `extends` are dropped)
    keys = ("disbursement.commitment_lag.median_months", "uncertainty.cost_overrun.excess_scale")
    data = copy.deepcopy(scn.data)    # a scenario's sections are frozen: a new scenario from changed data
    data["sensitivity"]["factors"] = {k: data["sensitivity"]["factors"][k] for k in keys}
    scn = dataclasses.replace(scn, data=data)
    assert scn.overrun_paid_by_fund_rate == 0
    dec = pipeline.decide(scn)
    res = S.analyze(scn, dec, samples=64)
    assert res.n_sets == 64 * 4 and res.draws == 64 * 4 * 8 and res.draws_per_set == 8
    money = res.table("money_left_p50_eur").set_index("factor")
    cost = money.loc["uncertainty.cost_overrun.excess_scale"]
    lag = money.loc["disbursement.commitment_lag.median_months"]
    # common random numbers: a factor that changes nothing moves no draw, its indices are 0
    assert abs(cost["ST"]) <= cost["ST_conf"] + 1e-12 and abs(cost["ST"]) < 1e-9
    assert abs(cost["S1"]) <= cost["S1_conf"] + 1e-12
    risk = res.table("shortfall_probability").set_index("factor").loc["uncertainty.cost_overrun.excess_scale"]
    assert abs(risk["ST"]) <= risk["ST_conf"] + 1e-12
    assert lag["ST"] - lag["ST_conf"] > 0.5 and lag["S1"] <= lag["ST"] + lag["S1_conf"] + lag["ST_conf"]
    # the money left is the AE available less the CP paid to the horizon's end, per set
    assert res.ae_available_eur == dec.totals["budget_eur"]
    assert (res.sets["money_left_p50_eur"] <= res.ae_available_eur).all()


def test_factors_fall_back_on_the_calibration_priors_and_list_what_the_simulation_cannot_vary(tmp_path):
    scn = _scenario(tmp_path, FACTORS + "    uncertainty.cost_overrun.tail_weight: {low: 0.01, high: 0.1, assumption: t}\n")
    fs, left = S.factors(scn)
    assert len(fs) == len(S.FACTORS)            # the base scenario's seven, two of them narrowed here
    assert {(f.key, f.low, f.high) for f in fs} >= {("disbursement.commitment_lag.median_months", 3, 40),
                                                     ("uncertainty.cost_overrun.excess_scale", 0.5, 1.5)}
    assert left.to_dict("records") == [{"factor": "uncertainty.cost_overrun.tail_weight", "reason": "not_per_draw"}]
    # without a sensitivity section: the calibration's priors, read from the scenario's data
    data = copy.deepcopy(scn.data)
    data.pop("sensitivity")
    data["calibration"] = {"parameters": {"uncertainty.attrition_rate": {"prior": {"low": 0.0, "high": 0.2}},
                                          "disbursement.commitment_lag.sigma": {"prior": [0.5, 2.0]}}}
    scn = dataclasses.replace(scn, data=data)
    fs, _ = S.factors(scn)
    assert {(f.key, f.low, f.high, f.source) for f in fs} == {
        ("uncertainty.attrition_rate", 0.0, 0.2, "calibration.parameters"),
        ("disbursement.commitment_lag.sigma", 0.5, 2.0, "calibration.parameters")}


def test_bad_factors_are_reported_with_the_file_and_key_path(tmp_path):
    scn = _scenario(tmp_path, "    disbursement.comitment_lag.median_months: {low: 3, high: 40, assumption: t}\n"
                              "    uncertainty.attrition_rate: {low: 0.5, high: 1.2, assumption: t}\n")
    with pytest.raises(InputError) as exc:
        S.factors(scn)
    text = str(exc.value)
    assert "sens.yaml" in text and "sensitivity.factors.disbursement.comitment_lag.median_months" in text
    assert "disbursement.commitment_lag.median_months" in text          # the suggestion
    assert "sensitivity.factors.uncertainty.attrition_rate" in text
    # a range upside down or without its source is refused when the scenario is read
    with pytest.raises(InputError) as exc:
        _scenario(tmp_path, "    uncertainty.attrition_rate: {low: 0.2, high: 0.1}\n"
                            "    uncertainty.attrition_decommit_months: {low: 6, high: 18}\n", name="bad.yaml")
    text = str(exc.value)
    assert "sensitivity.factors.uncertainty.attrition_rate: [0.2, 0.1]: the low bound must be below" in text
    assert "sensitivity.factors.uncertainty.attrition_decommit_months" in text and "assumption" in text


def test_the_command_prints_indices_with_intervals_and_writes_the_tornado(tmp_path, capsys):
    p = tmp_path / "s.yaml"
    p.write_text(f"extends: {DATA / 'small_report.yaml'}\nname: s\nsensitivity:\n  factors:\n{FACTORS}",
                 encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sensitivity", str(p), "--samples", "16", "--draws-per-set", "8", "--out", str(out),
                 "--no-progress", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "144 parameter sets × 8 draws = 1,152 draws" in text      # 16 x (7 factors + 2) sets
    assert "Decision → contract lag (median)" in text and " ± " in text
    assert {"sensitivity.csv", "sensitivity_sets.csv", "sensitivity.png"} <= {f.name for f in out.iterdir()}
    assert (out / "sensitivity.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["sensitivity", str(p), "--samples", "12"]) == 2
    assert "--samples" in capsys.readouterr().err
    # FITN's shipped scenario declares no factor (and has no calibration yet)
    assert main(["sensitivity", str(PARAMS / "fitn_2021_2022.yaml"), "--lang", "en"]) == 2
    assert "no factor to analyse" in capsys.readouterr().err
