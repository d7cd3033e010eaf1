"""One evaluation for every front end (workbench.pipeline): simulate and rank print the same risk,
computed from the decided portfolio on the scenario's draws; a calibration's posterior spreads the
draws over its parameter sets and gives the risk its band."""
import re

import numpy as np
import pandas as pd
import pytest

from helpers import DATA

from workbench import load_scenario
from workbench.cli import main
from workbench.pipeline import evaluate, headline, posterior_sets

SMALL = DATA / "small_report.yaml"


def _risk_line(out: str) -> str:
    return next(line.strip() for line in out.splitlines()
                if line.strip().startswith(("Risk of running short", "Risque de manquer")))


@pytest.mark.slow
def test_simulate_and_rank_print_the_evaluations_risk(tmp_path, capsys):
    scn = load_scenario(SMALL)
    ev = evaluate(scn)
    assert main(["simulate", str(SMALL), "--out", str(tmp_path / "sim"), "--no-progress", "--lang", "en"]) == 0
    sim_out = capsys.readouterr().out
    sim_line = _risk_line(sim_out)
    assert main(["rank", str(SMALL), "--out", str(tmp_path / "rank"), "--lang", "en"]) == 0
    rank_line = _risk_line(capsys.readouterr().out)
    assert sim_line == rank_line
    p = ev.metrics["shortfall_probability"]
    if p == p:
        shown = float(re.search(r"short of CP: ([\d.,]+)\s?%", sim_line).group(1).replace(",", "."))
        assert shown == pytest.approx(100 * p, abs=0.05)
    assert f"{scn.draws:,} draws" in sim_out
    # the tables simulate writes are the evaluation's
    written = pd.read_csv(tmp_path / "sim" / "shortfall.csv")
    assert np.allclose(written["shortfall_probability"].fillna(-1), ev.simulation.shortfall["shortfall_probability"].fillna(-1))
    portfolio = pd.read_csv(tmp_path / "rank" / "portfolio.csv")
    assert set(portfolio.loc[portfolio["selected"], "id"]) == set(ev.metrics["selected_ids"].split(";"))


def test_one_default_of_draws_for_every_front_end(tmp_path):
    scn = load_scenario(SMALL)
    assert scn.draws == 2000
    assert scn.with_overrides({"simulation": {"draws": 300}}).draws == 300


@pytest.mark.slow
def test_a_posterior_spreads_the_draws_over_its_sets_and_bands_the_risk(tmp_path, monkeypatch):
    post = tmp_path / "posterior.csv"
    post.write_text("disbursement.commitment_lag.median_months,disbursement.commitment_lag.sigma,"
                    "selection.min_quality_points\n2,0.2,50\n8,0.5,55\n14,0.8,60\n", encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_ALLOWED_DIRS", str(tmp_path))
    base = load_scenario(SMALL)
    scn = base.with_overrides({"calibration": {"posterior": str(post)}})
    sets, kept = posterior_sets(scn)
    assert list(sets.columns) == ["disbursement.commitment_lag.median_months", "disbursement.commitment_lag.sigma"]
    assert kept == ["selection.min_quality_points"]   # it chooses laureates: said, not propagated
    ev = evaluate(scn, draws=600)
    head = headline(ev)
    assert head["parameter_sets"] == 3
    per_set = ev.simulation.parameter_sets
    assert sorted(per_set["set"].unique()) == [0, 1, 2]
    assert ev.simulation.provenance["posterior_not_propagated"] == ["selection.min_quality_points"]
    # the band holds the per-set probabilities of running short in at least one year
    # (600 draws: 200 per set, so the overall probability is the sets' mean, inside P10-P90 of three)
    p = head["shortfall_probability"]
    if p == p:
        assert head["shortfall_probability_p10"] - 1e-9 <= p <= head["shortfall_probability_p90"] + 1e-9
    # the laureates are the scenario's decisions, whatever the posterior
    assert ev.metrics["selected_ids"] == evaluate(base, draws=50).metrics["selected_ids"]
