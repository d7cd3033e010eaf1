"""Back-test of the default FTAP scenario against the fund's published history.

``workbench.analysis.backtest`` replays the scenario's calls on synthetic pipelines (the real applications
are not public), decides them call by call, and compares the replicates' mean with every
published figure (DITP, 12 Nov 2018 and 19 Nov 2019; DITP's FTAP page; the annual performance
reports of programme 349).  The tolerances are the module's, explained in the README.
"""
import pytest

from workbench import envelope as E, load_scenario
from workbench.analysis.backtest import TOLERANCES, history_for, run_backtest
from workbench.cli import main
from workbench.reference import PUBLISHED

from helpers import PARAMS

DEFAULT = str(PARAMS / "ftap_2018_2022.yaml")
BACKTEST = str(PARAMS / "ftap_2018_backtest.yaml")


@pytest.fixture(scope="module")
def bt():
    return run_backtest(load_scenario(DEFAULT), replicates=12, draws=100).table.set_index("figure")


@pytest.mark.slow
@pytest.mark.parametrize("figure", ["call1_laureates", "call2_laureates", "y2018_laureates", "end2019_laureates",
                                    "by2022_laureates", "mean_grant", "call2_granted", "y2018_granted",
                                    "by2022_granted", "y2018_total_cost"])
def test_default_scenario_reproduces_the_published_history(bt, figure):
    row = bt.loc[figure]
    assert row["passed"], row.to_dict()
    assert abs(row["relative_gap"]) <= max(TOLERANCES.values())


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "the decision-to-commitment lag is now fitted on programme 349's AE consumed in 2018-2019 (20.1 and "
    "65.3 M€: median 22 months, sigma 1.5); with the end-2020 payment profile (36.5 % in the commitment "
    "year) the payments of 2019 and 2020 (about 22 and 46 M€) fall below the CP the programme consumed "
    "(37.6 and 71.9 M€): AE and CP consumed are not both reproduced by the lag alone; the calibration "
    "fits the lag and the profile together (docs/explanation/decide-commit-pay.md)"))
def test_payments_fall_in_the_published_range(bt):
    # between CP consumed on programme 349 and that plus the CP moved out during the year
    for fig, (lo, hi) in (("paid_2019", (37.6e6, 119.3e6)), ("paid_2020", (71.91e6, 201.56e6))):
        assert lo <= bt.loc[fig, "simulated_mean"] <= hi


@pytest.mark.slow
def test_the_old_many_small_grants_bias_is_gone(bt):
    # the first model funded 3x more projects of a third the size; grants now average 5-7 M€
    assert 5e6 <= bt.loc["mean_grant", "simulated_mean"] <= 7e6
    assert bt.loc["by2022_laureates", "simulated_mean"] <= 126 * 1.25


def test_figures_apply_only_to_the_calls_a_scenario_defines():
    scn = load_scenario(BACKTEST)  # the two 2018 calls only
    keys = {f.key for f in history_for(scn)}
    assert "call1_laureates" in keys and "y2018_granted" in keys
    assert "end2019_laureates" not in keys and "by2022_granted" not in keys
    fitn = {f.key for f in history_for(load_scenario(PARAMS / "fitn_2021_2022.yaml"))}
    assert fitn and all(k.startswith("fitn_") for k in fitn)


@pytest.mark.slow
def test_backtest_command_prints_the_table(tmp_path, capsys):
    assert main(["backtest", BACKTEST, "--replicates", "3", "--draws", "20", "--out", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "call 1: laureates" in out and "Published figure" in out and " 17 " in out
    assert "of 8 published figures within tolerance" in out
    assert (tmp_path / "backtest.csv").exists()
    assert main(["backtest", BACKTEST, "--replicates", "0"]) == 2


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


@pytest.mark.slow
def test_fitn_backtest_covers_what_the_documents_publish():
    res = run_backtest(load_scenario(PARAMS / "fitn_2021_2022.yaml"), replicates=3, draws=30)
    t = res.table.set_index("figure")
    # the 292 M€ envelope, the window (nothing committed after 2022) and every sub-envelope
    assert {"fitn_granted", "fitn_after_2022", "fitn_ITN1", "fitn_ITN8D"} <= set(t.index)
    assert t.loc["fitn_after_2022", "simulated_mean"] == 0.0
    assert t.loc["fitn_granted", "simulated_p90"] <= 292e6
    assert res.passed


@pytest.mark.slow
def test_a_range_figure_fails_when_the_simulation_leaves_it():
    """The check can fail: a 2018 contract signed at once commits call 1 in 2018 (about 100 M€),
    far above the 20 M€ of AE the fund consumed that year."""
    scn = load_scenario(DEFAULT).with_overrides({"disbursement": {"contract_lag_months": {"value": 0}}})
    t = run_backtest(scn, replicates=2, draws=20).table.set_index("figure")
    assert not t.loc["committed_2018", "passed"]


def test_a_backtest_started_in_another_process_gives_the_same_table(bt):
    """The report starts the back-test in another process and selects its portfolio meanwhile:
    the replicates computed there and here make the same table, bit for bit."""
    import pandas as pd

    from workbench.analysis.backtest import start_backtest

    pending = start_backtest(load_scenario(DEFAULT), replicates=12, draws=100)
    got = pending.result().table.set_index("figure")
    pd.testing.assert_frame_equal(got, bt, check_exact=True)
    assert got.attrs == bt.attrs == {"replicates": 12, "draws": 100, "seed": load_scenario(DEFAULT).seed}
