"""Back-test on the published 2018 FTAP calls (seed 001): laureate counts, grants and total costs.

The real applications are not public, so each replicate replays both calls on pipelines generated
to the published counts and amounts (call 1: 122 applications, 2,310 M€, 827 M€; call 2: 61,
757 M€, 300 M€) with each call's budget set to what it granted (126 M€, 69 M€), the committee
funding its ranked list until the next project no longer fits.  A single replicate can land far
from the published figures (call 1: 9 to 30 laureates); the tolerance applies to the mean of 30
replicates: within 25 % for laureate counts and total costs, within 15 % for the amounts granted.
"""
import pytest

from workbench import envelope as E, load_scenario
from workbench.reference import PUBLISHED

BACKTEST = "parameters/ftap_2018_backtest.yaml"
COUNT_TOL, COST_TOL, GRANT_TOL = 0.25, 0.25, 0.15


@pytest.fixture(scope="module")
def backtest():
    return E.backtest_2018(load_scenario(BACKTEST), replicates=30, selection="ranked")


def test_scenario_sets_the_granted_budgets():
    scn = load_scenario(BACKTEST)
    assert [c.budget_eur for c in scn.calls] == [126e6, 69e6]
    assert [c.expected_applications for c in scn.calls] == [122, 61]


@pytest.mark.parametrize("item, published", [("call1", 17), ("call2", 16), ("year2018", 33)])
def test_laureate_counts_within_tolerance(backtest, item, published):
    row = backtest[(backtest["item"] == item) & (backtest["figure"] == "laureates")].iloc[0]
    assert row["published"] == published
    assert abs(row["simulated_mean"] - published) <= COUNT_TOL * published, row.to_dict()


def test_grants_and_total_costs_within_tolerance(backtest):
    b = backtest.set_index(["item", "figure"])
    for item, pub in (("call1", 126e6), ("call2", 69e6), ("year2018", 195e6)):
        m = b.loc[(item, "granted_eur"), "simulated_mean"]
        assert m <= pub + 1  # never above the call's budget
        assert abs(m - pub) <= GRANT_TOL * pub
    for item, pub in (("call2", 135e6), ("year2018", 472e6)):
        assert abs(b.loc[(item, "total_cost_eur"), "simulated_mean"] - pub) <= COST_TOL * pub


def test_the_16_real_call2_grants_replayed_as_a_fixed_list():
    scn = load_scenario(BACKTEST).with_overrides({"uncertainty": {"enabled": False}})
    res = E.replay_call2_fixed(scn)
    sel = res.selected[res.selected["selected"]]
    assert len(sel) == PUBLISHED["call2"]["laureates"] == 16
    assert sel["requested_eur"].sum() == 68_625_000
    calls = res.calls.set_index("call")
    assert calls.loc["FTAP-AAP2", "committed_mean_eur"] == 68_625_000 <= 69e6
    # decision 31 Oct 2018 + 4 months: committed and first paid in 2019, then 36.5/21.6/5.4 %
    f = res.level("FTAP", "cp_paid_eur")["mean"]
    assert f.loc[2018] == 0
    assert f.loc[2019] == pytest.approx(0.365 * 68_625_000)
    assert f.loc[2020] == pytest.approx(0.365 * 68_625_000)
    assert f.loc[2021] == pytest.approx(0.216 * 68_625_000)
    assert f.loc[2022] == pytest.approx(0.054 * 68_625_000)
