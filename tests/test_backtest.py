"""Back-test against the fund's published history (workbench.analysis.backtest): the figures come
from the scenario's history file, each is judged against the posterior predictive interval of the
model's runs, in or out of the calibration window, with a score; models clearly wrong fail."""
import datetime as dt

import pandas as pd
import pytest

from workbench import envelope as E, load_scenario
from workbench.analysis.backtest import power_table, run_backtest, start_backtest, wrong_models
from workbench.cli import main
from workbench.reference import PUBLISHED
from workbench.reporting.labels import backtest_table, backtest_warnings

from helpers import PARAMS

DEFAULT = str(PARAMS / "ftap_2018_2022.yaml")
BACKTEST = str(PARAMS / "ftap_2018_backtest.yaml")
UNTIL = dt.date(2019, 12, 31)


@pytest.fixture(scope="module")
def bt():
    return run_backtest(load_scenario(BACKTEST), replicates=6, calibrate_until=dt.date(2018, 10, 31))


def test_each_figure_is_judged_against_its_predictive_interval_in_or_out_of_sample(bt):
    t = bt.table.set_index("figure")
    assert list(t.index) == ["call1_laureates", "call1_granted", "call2_laureates", "call2_granted",
                             "call2_total_cost", "y2018_laureates", "y2018_granted", "y2018_total_cost",
                             "ae_consumed_2018"]
    assert (t.loc[t.index != "ae_consumed_2018", "sample"] == "in").all() and t.loc["ae_consumed_2018", "sample"] == "out"
    assert (t["predicted_low"] <= t["simulated_mean"]).all() and (t["simulated_mean"] <= t["predicted_high"]).all()
    inside = (t["predicted_low"] <= t["observed"]) & (t["observed"] <= t["predicted_high"])
    assert (inside == t["passed"]).all()
    # the call budgets of this scenario are what the calls granted: call 1 grants at most 126 M€
    assert t.loc["call1_granted", "simulated_mean"] <= 126e6
    assert bt.score["out_of_sample"] == 1 and bt.score["in_sample"] == 8


def test_the_table_reads_in_french_and_english(bt):
    fr = backtest_table(bt.table, "fr")
    en = backtest_table(bt.table, "en")
    assert "appel 1 : lauréats" in set(fr["Chiffre publié"]) and "call 1: laureates" in set(en["Published figure"])
    assert set(fr["Échantillon"]) <= {"dans", "hors"} and "Prédit (moyenne, P5–P95)" in fr.columns
    assert len(backtest_warnings(bt.table, "fr")) == int((~bt.table["passed"]).sum())


def test_a_backtest_started_in_another_process_gives_the_same_table(bt):
    """The report starts the back-test in another process and selects its portfolio meanwhile:
    the runs computed there and here make the same table, bit for bit."""
    got = start_backtest(load_scenario(BACKTEST), replicates=6, calibrate_until=dt.date(2018, 10, 31)).result()
    pd.testing.assert_frame_equal(got.table, bt.table, check_exact=True)
    assert got.table.attrs == bt.table.attrs == {"replicates": 6, "seed": load_scenario(BACKTEST).seed}


@pytest.mark.slow
def test_a_commitment_at_decision_fails_the_ae_consumed_in_2018():
    """The check can fail: a contract signed at once commits about 200 M€ in 2018, ten times the
    20.1 M€ of AE the fund consumed that year."""
    scn = load_scenario(BACKTEST)
    t = run_backtest(scn, replicates=4, overrides={"disbursement.contract_lag_months": 0}).table.set_index("figure")
    assert not t.loc["ae_consumed_2018", "passed"]
    assert t.loc["ae_consumed_2018", "simulated_mean"] > 100e6


@pytest.mark.slow
def test_backtest_command_prints_the_table_and_the_score(tmp_path, capsys):
    assert main(["backtest", BACKTEST, "--replicates", "3", "--calibrate-until", "2018-10-31", "--posterior",
                 str(_posterior(tmp_path)), "--out", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "call 1: laureates" in out and "Published figure" in out and " 17 " in out
    assert "2 posterior parameter sets (calibrated up to 2018-10-31)" in out
    assert "score out of sample: " in out and "of 9 published figures inside the P5–P95 predictive interval" in out
    assert (tmp_path / "backtest.csv").exists()
    assert main(["backtest", BACKTEST, "--replicates", "0"]) == 2
    assert main(["backtest", BACKTEST, "--calibrate-until", "2018-13-01"]) == 2
    assert main(["backtest", BACKTEST, "--power", "--posterior", str(_posterior(tmp_path)), "--replicates", "2"]) == 2


def _posterior(tmp_path):
    p = tmp_path / "posterior.csv"
    p.write_text("selection.min_quality_points,disbursement.contract_lag_months\n60,6\n64,9\n", encoding="utf-8")
    return p


@pytest.mark.slow
def test_fitn_backtest_shows_what_the_documents_publish_and_counts_none_of_it():
    res = run_backtest(load_scenario(PARAMS / "fitn_2021_2022.yaml"), replicates=3)
    t = res.table.set_index("figure")
    assert {"fitn_granted", "fitn_after_2022", "fitn_ITN1", "fitn_ITN8D"} <= set(t.index)
    assert t.loc["fitn_after_2022", "simulated_mean"] == 0.0 and t.loc["fitn_granted", "simulated_p90"] <= 292e6
    assert res.passed
    # every FITN figure repeats an input (the amounts cap what may be granted): nothing to score
    assert not t["counted"].any() and res.score["out_of_sample"] == 0


@pytest.mark.slow
def test_the_16_real_call2_grants_replayed_as_a_fixed_list():
    scn = load_scenario(BACKTEST).with_overrides({"uncertainty": {"enabled": False}})
    res = E.replay_call2_fixed(scn)
    sel = res.selected[res.selected["selected"]]
    assert len(sel) == PUBLISHED["call2"]["laureates"] == 16
    assert sel["requested_eur"].sum() == 68_625_000
    calls = res.calls.set_index("call")
    assert calls.loc["FTAP-AAP2", "committed_mean_eur"] == 68_625_000 <= 69e6
    # without uncertainty the lag is its median: decision 31 Oct 2018 + 22 months (+ 2 for the
    # projects past the DINUM gate): committed and first paid in 2020, then 36.5/21.6/5.4 %
    # (with the former fixed 6-month lag it was 2019)
    ae = res.level("FTAP", "ae_committed_eur")["mean"]
    assert ae.loc[2018] == ae.loc[2019] == 0 and ae.loc[2020] == pytest.approx(68_625_000)
    assert res.level("FTAP", "ae_decided_eur")["mean"].loc[2018] == pytest.approx(68_625_000)
    f = res.level("FTAP", "cp_paid_eur")["mean"]
    assert f.loc[2018] == f.loc[2019] == 0
    assert f.loc[2020] == pytest.approx(0.365 * 68_625_000)
    assert f.loc[2021] == pytest.approx(0.365 * 68_625_000)
    assert f.loc[2022] == pytest.approx(0.216 * 68_625_000)
    assert f.loc[2023] == pytest.approx(0.054 * 68_625_000)


def test_the_scenario_lists_the_models_clearly_wrong_that_the_power_table_runs():
    models = wrong_models(load_scenario(DEFAULT))
    assert set(models) == {"quality bar 40", "quality bar 80", "contract lag 0 months", "contract lag 18 months",
                           "no allotment", "front-loaded payments", "back-loaded payments"}
    assert models["contract lag 18 months"] == {"disbursement.commitment_lag.median_months": 18,
                                                "disbursement.commitment_lag.sigma": 0}


@pytest.mark.slow
def test_power_each_model_clearly_wrong_fails_a_figure_out_of_sample():
    """The power table (the scenario's calibrated posterior as the model to perturb): each wrong model fails at least one counted figure dated after 2019-12-31, except
    those docs/explanation/calibration-and-validity.md names with the reason (NOT_DETECTED)."""
    # the page's configuration (30 runs), so that the test and docs/explanation/calibration-and-validity.md
    # state the same table; fewer runs give narrower, noisier intervals that reject and accept at random
    pw = power_table(load_scenario(DEFAULT), UNTIL, replicates=30).set_index("model")
    reference = [r for r in ("(scenario)", "(posterior)") if r in pw.index]
    assert reference
    for name, row in pw.drop(index=reference).iterrows():
        if name in NOT_DETECTED:
            continue
        # rejected by a figure the model itself passes (with few runs, the model may fail one too)
        assert row["rejected"] and isinstance(row["beyond_reference"], str) and row["beyond_reference"], \
            (name, row.to_dict())
    assert (pw["n_out_of_sample"] > 0).all()


#: Wrong models the out-of-sample figures of FTAP (after 2019) do not reject, and why (see
#: docs/explanation/calibration-and-validity.md, "The power table").
NOT_DETECTED = {
    "contract lag 0 months": "committing at the decision is refuted in sample (2018's AE consumed: about 200 M€ "
                             "against 20.1 M€); out of sample, 2020's decisions and 2018's delayed contracts add up "
                             "to about the same, inside the wide interval of 2020's AE consumed",
    "contract lag 18 months": "refuted in sample (nothing committed in 2018 against 20.1 M€); after 2019, as for a lag "
                              "of 0 months, 2020's commitments stay within the interval",
    "quality bar 40": "the published figures after 2019 (a count of early 2020, projects and average grant by 2022, "
                      "2020's execution) have wide intervals; the posterior itself leaves the bar wide (33-66)",
    "no allotment": "no figure after 2019 measures what one call took of the year's credits",
    "front-loaded payments": "2020's CP consumed stays within its interval (the lag's spread moves payments more than "
                             "the profile)",
}
