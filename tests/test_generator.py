"""The synthetic generator: calibrated on published call figures, seeded, labelled synthetic."""
import numpy as np
import pandas as pd
import pytest

from workbench import load_candidates, load_scenario
from workbench.generator import generate_pipeline
from workbench.reference import PUBLISHED
from workbench.selection.scoring import eligibility

from helpers import PARAMS


def test_pipeline_matches_call2_published_figures():
    c2 = PUBLISHED["call2"]
    df = generate_pipeline(c2["applications"], c2["total_cost_eur"], c2["requested_eur"],
                           np.random.default_rng(7), call_id="AAP2")
    assert len(df) == 61
    # totals match the published ones to the rounding of each project to the thousand euros
    assert df["total_cost_eur"].sum() == pytest.approx(757e6, abs=61 * 1e3)
    assert df["requested_eur"].sum() == pytest.approx(300e6, abs=61 * 1e3)
    assert (df["requested_eur"] <= df["total_cost_eur"]).all()
    assert df.attrs["synthetic"] is True and df["synthetic"].all()
    # realistic shape: right-skewed sizes (mean above median), scores within the scale
    assert df["total_cost_eur"].mean() > df["total_cost_eur"].median()
    for c in ("strategic", "service", "savings", "governance"):
        assert df[c].between(0, 10).all()


def test_same_seed_same_pipeline_other_seed_other_pipeline():
    a = generate_pipeline(30, 300e6, 120e6, np.random.default_rng(1))
    b = generate_pipeline(30, 300e6, 120e6, np.random.default_rng(1))
    c = generate_pipeline(30, 300e6, 120e6, np.random.default_rng(2))
    pd.testing.assert_frame_equal(a, b)
    assert not a["total_cost_eur"].equals(c["total_cost_eur"])


def test_scenario_pipelines_follow_each_call_and_are_reproducible():
    s = load_scenario(PARAMS / "ftap_2018_2022.yaml")
    a = load_candidates(s)
    b = load_candidates(s)
    pd.testing.assert_frame_equal(a, b)
    by_call = a.groupby("call").agg(n=("id", "size"), cost=("total_cost_eur", "sum"), req=("requested_eur", "sum"))
    c1 = PUBLISHED["call1"]
    assert by_call.loc["FTAP-AAP1", "n"] == c1["applications"] == 122
    assert by_call.loc["FTAP-AAP1", "cost"] == pytest.approx(c1["total_cost_eur"], rel=1e-3)
    assert by_call.loc["FTAP-AAP1", "req"] == pytest.approx(c1["requested_eur"], rel=1e-3)
    assert by_call.loc["FTAP-AAP2", "n"] == 61
    assert a["id"].is_unique
    assert a.attrs["synthetic"] is True


def test_fitn_pipelines_respect_the_75_percent_fund_share():
    s = load_scenario(PARAMS / "fitn_2021_2022.yaml")
    df = load_candidates(s)
    assert (df["requested_eur"] <= 0.75 * df["total_cost_eur"] + 1).all()
    codes = {c for cell in df["envelope"] for c in cell.split(";")}
    assert codes <= set(s.envelope_codes) and "ITN7" in codes
    assert eligibility(df, s)["eligible"].all()


def test_invalid_generator_arguments():
    with pytest.raises(ValueError):
        generate_pipeline(0, 1e6, 5e5, np.random.default_rng(0))
    with pytest.raises(ValueError):
        generate_pipeline(5, 1e6, 2e6, np.random.default_rng(0))
