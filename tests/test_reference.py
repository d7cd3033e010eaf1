"""Shipped reference data: published figures load and add up as the sources say."""
import pytest

from workbench import reference as R


def test_call2_laureates_sum_to_the_published_69_meur():
    df = R.ftap_call2_laureates()
    assert len(df) == 16 == R.PUBLISHED["call2"]["laureates"]
    assert df["granted_eur"].sum() == 68_625_000
    assert round(df["granted_eur"].sum() / 1e6) == 69


def test_fitn_sub_envelopes_sum_to_265_of_292():
    df = R.fitn_sub_envelopes()
    assert list(df["code"]) == ["ITN1", "ITN2", "ITN3", "ITN4", "ITN5", "ITN6", "ITN7", "ITN8A", "ITN8B", "ITN8C", "ITN8D"]
    assert df["amount_eur"].sum() == 265e6
    assert R.PUBLISHED["fitn_envelope_eur"]["value"] - df["amount_eur"].sum() == 27e6


def test_published_call_figures():
    calls = R.ftap_calls()
    first = calls.iloc[0]
    assert first["applications"] == 122 and int(first["laureates"]) == 17
    assert R.PUBLISHED["call1"]["laureates"] + R.PUBLISHED["call2"]["laureates"] == R.PUBLISHED["year2018"]["laureates"]
    assert R.PUBLISHED["call1"]["granted_eur"] + R.PUBLISHED["call2"]["granted_eur"] == R.PUBLISHED["year2018"]["granted_eur"]


def test_reference_classes_match_the_digest():
    pano = R.panorama_key_figures()
    assert pano["budget_slippage_rate"].min() == pytest.approx(0.135)
    assert pano["budget_slippage_rate"].max() == pytest.approx(0.32, abs=0.005)  # "32 %" in the digest
    drift = R.panorama_cost_drift()
    assert len(drift) == 115
    assert drift["cost_ratio"].median() == pytest.approx(1.0, abs=0.01)
    assert drift["cost_ratio"].mean() == pytest.approx(1.13, abs=0.01)
    canada = R.canada_it_projects()
    ratios = canada["cost_ratio"].dropna()
    assert len(ratios) == 192
    assert ratios.median() == pytest.approx(1.17, abs=0.005)
    assert (ratios >= 3).mean() == pytest.approx(0.12, abs=0.005)
