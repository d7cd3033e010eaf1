"""Calibration as a step (workbench.analysis.calibrate, `workbench calibrate`): priors from the
scenario, implausibility and CRPS by hand, a small history matching on a made-up fund, its files,
and the scenario using the posterior."""
import datetime as dt
import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest

from workbench import load_scenario
from workbench.analysis.backtest import crps, run_backtest
from workbench.analysis.calibrate import (Prior, calibrate, implausibility, load_posterior, noise_sd, priors,
                                          write_calibration)
from workbench.cli import main
from workbench.errors import InputError
from workbench.history import Figure, Source
from workbench.sweep import Sequential

from helpers import DATA, PARAMS

NEW_FUND = DATA / "new_fund"
UNTIL = dt.date(2024, 12, 31)


def _fig(value=None, rng=None, sd=0.0):
    return Figure("f", {"en": "f"}, "granted_eur", "X", dt.date(2020, 1, 1), (Source("t", "p", "2020"),),
                  value=value, low=None if rng is None else rng[0], high=None if rng is None else rng[1], error_sd=sd)


def test_implausibility_is_the_standardised_distance_of_the_model_mean_to_the_figure():
    # |100 - 80| / sqrt(3^2 + (0.1 * 100)^2 + 25 * (1 + 1/5)) = 20 / sqrt(9 + 100 + 30)
    assert implausibility(_fig(100.0, sd=3.0), 80.0, 25.0, 5, 0.1) == pytest.approx(20 / math.sqrt(139))
    # a range: the distance to the range, its discrepancy on the upper end
    assert implausibility(_fig(rng=(0.0, 50.0)), 40.0, 4.0, 4, 0.1) == 0.0
    assert implausibility(_fig(rng=(0.0, 50.0)), 60.0, 4.0, 4, 0.1) == pytest.approx(10 / math.sqrt(25 + 5))
    assert noise_sd(_fig(100.0, sd=3.0), 0.1) == pytest.approx(math.sqrt(9 + 100))


def test_crps_matches_its_definition_by_brute_force():
    x = np.array([1.0, 4.0, 2.5, 7.0, 3.0])
    y = 3.2
    brute = np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))
    assert crps(x, y) == pytest.approx(brute)
    assert crps(np.full(10, 5.0), 5.0) == 0.0


def test_a_prior_maps_the_unit_interval_to_its_range_or_choices():
    p = Prior("a", 0.0, 24.0)
    assert (p.value(0.0), p.value(0.5), p.value(1.0)) == (0.0, 12.0, 24.0)
    assert Prior("b", 30, 85, integer=True).value(0.5) == 58
    c = Prior("c", choices=("none", "year_share", [0.5, 0.5]))
    assert [c.value(u) for u in (0.0, 0.4, 0.99)] == ["none", "year_share", [0.5, 0.5]]
    assert c.unit([0.5, 0.5]) == pytest.approx(5 / 6)


def test_the_ftap_scenario_declares_its_assumed_parameters_with_priors():
    ps = {p.keypath: p for p in priors(load_scenario(PARAMS / "ftap_2018_2022.yaml"))}
    lag, spread = ps["disbursement.commitment_lag.median_months"], ps["disbursement.commitment_lag.sigma"]
    assert (lag.low, lag.high) == (2, 36) and (spread.low, spread.high) == (0.1, 1.8)
    assert "year_share_by_applications" in ps["selection.call_allotment.rule"].choices
    assert "funds.FTAP.cp_on_programme_rate" in ps and "calls.FTAP-AAP3-S1.expected_requested_eur" in ps
    # the two-call scenario that extends it has no session of 2019: that prior is left out
    bt = {p.keypath for p in priors(load_scenario(PARAMS / "ftap_2018_backtest.yaml"))}
    assert "calls.FTAP-AAP3-S1.expected_requested_eur" not in bt and "disbursement.commitment_lag.sigma" in bt
    # a plain lag given instead of the distribution: the distribution's priors no longer apply
    plain = load_scenario(PARAMS / "ftap_2018_backtest.yaml").with_overrides(
        {"disbursement": {"contract_lag_months": 6}})
    assert not {"disbursement.commitment_lag.median_months", "disbursement.commitment_lag.sigma"} & \
        {p.keypath for p in priors(plain)}


def test_a_bad_prior_names_its_key_path(tmp_path):
    scn = load_scenario(NEW_FUND / "fni_2024_2025.yaml")
    with pytest.raises(InputError) as e:
        scn.with_overrides({"calibration": {"parameters": {"selection.min_quality_pointz": {"range": [1, 2]},
                                                           "selection.min_quality_points": {"range": [5, 1]}}}})
    got = {(p.where, p.code) for p in e.value.problems}
    assert ("calibration.parameters.selection.min_quality_pointz", "E_KEYPATH_MISSING") in got
    assert ("calibration.parameters.selection.min_quality_points", "E_PRIOR_FORM") in got
    bad = scn.with_overrides({"calibration": {"parameters": {"selection.min_quality_points": {"range": [-5, 50]}}}})
    with pytest.raises(InputError) as e:
        priors(bad)
    assert [(p.where, p.code) for p in e.value.problems] == [
        ("calibration.parameters.selection.min_quality_points", "E_PRIOR_VALUE")]


@pytest.fixture(scope="module")
def small():
    scn = load_scenario(NEW_FUND / "fni_2024_2025.yaml")
    return scn, calibrate(scn, UNTIL, seed=3, points=5, replicates=2, waves=2, executor=Sequential())


@pytest.mark.slow
def test_history_matching_keeps_the_sets_below_the_cutoff_and_is_the_same_for_a_seed(small):
    scn, res = small
    pts = res.points
    assert len(pts) == 10 and set(pts["wave"]) == {1, 2}
    assert res.provenance["figures"] == ["s1_laureates", "s1_granted", "ae_2024"]   # the 2025 figure is out
    assert res.provenance["evaluations"] == 20
    if res.status == "ok":
        kept = pts[pts["implausibility"] <= 3.0]
        assert len(res.posterior) == len(kept)
        assert list(res.posterior.columns) == ["selection.min_quality_points", "disbursement.contract_lag_months"]
    again = calibrate(scn, UNTIL, seed=3, points=5, replicates=2, waves=2, executor=Sequential())
    pd.testing.assert_frame_equal(again.points, pts)
    # each set's implausibility is the largest over its figures
    impl = pts[[c for c in pts.columns if c.startswith("impl:")]].max(axis=1)
    assert np.allclose(impl, pts["implausibility"])


@pytest.mark.slow
def test_the_posterior_files_are_written_together_and_the_scenario_uses_them(small, tmp_path):
    scn, res = small
    out = write_calibration(res, tmp_path / "cal")
    assert sorted(p.name for p in out.iterdir()) == ["calibration.json", "points.csv", "posterior.csv"]
    prov = json.loads((out / "calibration.json").read_text())
    assert prov["until"] == "2024-12-31" and prov["scenario_sha256"] == scn.hash() and prov["seed"] == 3
    assert len(prov["history_sha256"]) == 64 and prov["method"].startswith("history matching")
    post = load_posterior(out / "posterior.csv", scn)
    assert len(post) == len(res.posterior)
    # a scenario naming the posterior: the back-test draws its parameter sets from it
    folder = tmp_path / "fund"
    shutil.copytree(NEW_FUND, folder)
    shutil.copy(out / "posterior.csv", folder / "posterior.csv")
    text = (folder / "fni_2024_2025.yaml").read_text().replace("  points: 6", "  posterior: posterior.csv\n  points: 6")
    (folder / "fni_2024_2025.yaml").write_text(text)
    res2 = run_backtest(load_scenario(folder / "fni_2024_2025.yaml"), replicates=3, calibrate_until=UNTIL)
    assert res2.parameter_sets == len(post)


def test_a_posterior_with_unknown_columns_is_refused(tmp_path):
    scn = load_scenario(NEW_FUND / "fni_2024_2025.yaml")
    p = tmp_path / "posterior.csv"
    p.write_text("selection.min_quality_points,disbursement.lag\n50,2\n")
    with pytest.raises(InputError) as e:
        load_posterior(p, scn)
    assert e.value.problems[0].code == "E_POSTERIOR_COLUMNS"


@pytest.mark.slow
def test_calibrate_command_writes_the_posterior_and_prints_it(tmp_path, capsys):
    out = tmp_path / "cal"
    assert main(["calibrate", str(NEW_FUND / "fni_2024_2025.yaml"), "--until", "2024-12-31", "--points", "3",
                 "--replicates", "2", "--waves", "1", "--executor", "sequential", "--out", str(out),
                 "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "calibration of 'fni_2024_2025' on 3 published figures dated up to 2024-12-31" in text
    assert "wave 1/1" in text and "Parameter" in text
    assert (out / "posterior.csv").is_file() and (out / "calibration.json").is_file()
    assert main(["calibrate", str(NEW_FUND / "fni_2024_2025.yaml"), "--until", "2024-31-12"]) == 2
    assert main(["calibrate", str(NEW_FUND / "fni_2024_2025.yaml"), "--until", "2023-01-01"]) == 2
    assert "no applicable published figure" in capsys.readouterr().err.replace("aucun chiffre publié applicable",
                                                                                 "no applicable published figure")


@pytest.mark.slow
def test_the_sample_is_the_same_whatever_the_executor():
    from workbench.sweep import Processes

    scn = load_scenario(NEW_FUND / "fni_2024_2025.yaml")
    a = calibrate(scn, UNTIL, seed=5, points=3, replicates=2, waves=2, executor=Sequential())
    b = calibrate(scn, UNTIL, seed=5, points=3, replicates=2, waves=2, executor=Processes(2))
    pd.testing.assert_frame_equal(a.points, b.points, check_exact=True)
    pd.testing.assert_frame_equal(a.posterior, b.posterior, check_exact=True)


@pytest.mark.slow
def test_backtest_with_a_calibration_window_and_no_posterior_calibrates_first(tmp_path, capsys):
    folder = tmp_path / "fund"
    shutil.copytree(NEW_FUND, folder)
    out = tmp_path / "out"
    assert main(["backtest", str(folder / "fni_2024_2025.yaml"), "--calibrate-until", "2024-12-31", "--replicates",
                 "4", "--out", str(out), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "calibration of 'fni_2024_2025'" in text and "score out of sample: " in text
    assert (out / "calibration" / "posterior.csv").is_file() and (out / "backtest.csv").is_file()
    t = pd.read_csv(out / "backtest.csv")
    assert list(t["sample"]) == ["in", "in", "in", "out"]
