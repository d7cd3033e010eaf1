"""Two scenarios side by side: parameter differences, projects in and out, value and envelope
risk, computed with one seed; the command's files and errors."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.reporting import batch
from workbench.analysis import compare
from workbench import selection as portfolio
from workbench.sources import load_candidates
from workbench.cli import main
from workbench.scenario import load_scenario

from helpers import ROOT

SMALL = ROOT / "tests" / "data" / "small_report.yaml"


@pytest.fixture
def variant(tmp_path) -> Path:
    p = tmp_path / "variant.yaml"
    p.write_text(f"extends: {SMALL}\nname: small_savings\ncriteria:\n  weights: {{savings: 0.7}}\n"
                 "selection:\n  budget_eur: 45000000\n", encoding="utf-8")
    return p


def test_comparison_lists_exactly_the_changed_parameters_and_projects(variant):
    a, b = load_scenario(SMALL), load_scenario(variant)
    c = compare.compare(a, b, draws=20, seed=5)
    assert c.parameters.to_dict("records") == [
        {"parameter": "criteria.weights.savings", "value_a": 0.25, "value_b": 0.7},
        {"parameter": "selection.budget_eur", "value_a": 60000000, "value_b": 45000000}]
    ra, rb = (portfolio.rank(s, load_candidates(s), seed=5) for s in (a, b))
    sel_a = set(ra.table.loc[ra.table["selected"], "id"])
    sel_b = set(rb.table.loc[rb.table["selected"], "id"])
    assert set(c.projects.loc[c.projects["change"] == "out", "id"]) == sel_a - sel_b
    assert set(c.projects.loc[c.projects["change"] == "in", "id"]) == sel_b - sel_a
    assert len(c.projects) > 0                     # a 15 M€ smaller budget drops projects
    m = c.metrics.set_index("metric")
    assert m.at["total_value", "value_a"] == ra.totals["value"]
    assert m.at["total_value", "value_b"] == rb.totals["value"]
    assert m.at["total_value", "difference"] == pytest.approx(rb.totals["value"] - ra.totals["value"])
    assert m.at["budget_eur", "difference"] == -15000000
    assert "shortfall_probability" in m.index and "max_year_shortfall_probability" in m.index


def test_same_scenario_has_no_difference():
    a = load_scenario(SMALL)
    c = compare.compare(a, a, draws=10)
    assert c.parameters.empty and c.projects.empty
    assert (c.metrics["difference"].dropna() == 0).all()


def test_flatten_takes_values_and_dates_not_sources():
    flat = compare.flatten({"x": {"value": 3, "reference": "seed 001"},
                            "d": {"values": {"2018-01-01": {"value": 1, "reference": "r"}}},
                            "calls": [{"id": "A", "decision": "2018-06-19"}], "description": "ignored"})
    assert flat == {"x": 3, "d.values.2018-01-01": 1, "calls[0].id": "A", "calls[0].decision": "2018-06-19"}


def test_compare_command_writes_the_report_files(variant, tmp_path, capsys):
    rc = main(["compare", str(SMALL), str(variant), "--out", str(tmp_path), "--draws", "10", "--lang", "en"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "criteria.weights.savings: 0.25 -> 0.7" in out
    folder = tmp_path / "compare_small_ftap_vs_small_savings"
    assert sorted(p.name for p in folder.iterdir()) == ["comparison.html", "metrics.csv", "parameters.csv",
                                                        "projects.csv"]
    html = (folder / "comparison.html").read_text(encoding="utf-8")
    assert batch.external_loads(html) == [] and "<script" not in html
    assert "Parameters that differ" in html and "Synthetic data" in html and "45.0" in html
    assert html.count('src="data:image/png;base64,') == 2          # a fan chart of each scenario
    assert len(pd.read_csv(folder / "parameters.csv")) == 2


def test_compare_command_bad_input_exit_2(tmp_path, capsys):
    rc = main(["compare", str(SMALL), str(ROOT / "tests/data/broken/weights_negative.yaml"), "--out", str(tmp_path),
               "--lang", "xx"])
    err = capsys.readouterr().err
    assert rc == 2 and "--lang" in err and "weights" in err
    assert list(tmp_path.iterdir()) == []
