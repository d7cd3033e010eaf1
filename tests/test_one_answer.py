"""One answer whichever door the question comes through (issue 20).

On one scenario and seed, the report's computation (``pipeline.evaluate``, as the report notebook
runs it), ``workbench simulate`` and ``workbench rank`` (the command line: the risk they print and
the tables they write), the sweep's evaluation and the committee dashboard (in process: every
call view and the whole-fund view) must fund the same laureates call by call and give the same
probability of running short of payment credits.  A small three-call scenario
(``tests/data/small_calls.yaml``) for every front end; the default FTAP scenario for the
dashboard against the report.
"""
from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from workbench import pipeline
from workbench.scenario import load_scenario
from workbench.sources import load_candidates

from helpers import DATA, PARAMS

pytestmark = pytest.mark.slow

SMALL_CALLS = DATA / "small_calls.yaml"


def report_answer(path):
    """What the report computes: ``pipeline.evaluate`` on the scenario's candidates and seed."""
    scn = load_scenario(path)
    ev = pipeline.evaluate(scn, load_candidates(scn))
    t = ev.ranking.table
    by_call = {c: sorted(g.loc[g["selected"].astype(bool), "id"].astype(str)) for c, g in t.groupby("call")}
    return scn, ev, by_call


def printed_risk(text: str) -> float:
    """The risk a command prints (``sum_answer``), as a fraction."""
    m = re.search(r"Risque de manquer de CP : ([0-9\u202f,]+)\s%", text)
    assert m, text
    return float(m.group(1).replace("\u202f", "").replace(",", ".")) / 100


def run_cli(*args, tmp_path) -> str:
    r = subprocess.run([sys.executable, "-m", "workbench.cli", *map(str, args), "--lang", "fr"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return r.stdout


def dashboard_answers(path, tmp_path) -> tuple[dict, dict]:
    """Every view of the dashboard driven in process: each call view's laureates and the fund risk
    it shows, and the whole view's."""
    from workbench.dashboard import Dashboard

    d = Dashboard(scenario=path, variants_dir=tmp_path / "variants", debounce_s=0)
    d.robustness_samples = 0
    d.frontier_levels = 3
    d.widget()
    views = {}
    for _, call in d.controls["call"].options:
        d.controls["call"].value = call
        assert d.last_error == "", d.last_error
        assert d.risk is not None and "shortfall_probability" in d.risk
        views[call] = {"ids": d.selected_ids, "risk": d.risk["shortfall_probability"],
                       "band": (d.risk.get("shortfall_probability_p10"), d.risk.get("shortfall_probability_p90")),
                       "fund_selected": d.risk["fund"]["selected"], "rows": len(d.table),
                       "budget_eur": d.totals["budget_eur"], "slider": d.controls["budget"].value,
                       "totals_html": d.outputs["totals"].value}
    return views, {"options": d.controls["call"].options}


def test_every_front_end_gives_the_same_laureates_and_risk(tmp_path):
    scn, ev, by_call = report_answer(SMALL_CALLS)
    risk = ev.metrics["shortfall_probability"]
    assert 0.05 < risk < 0.95     # a risk that can move, not 0 or 1 (the test scenario's CP are tight)
    assert len(by_call) == 3

    # workbench simulate: the risk it prints and the laureates it wrote
    out = run_cli("simulate", SMALL_CALLS, "--out", tmp_path / "sim", "--no-progress", tmp_path=tmp_path)
    assert printed_risk(out) == pytest.approx(risk, abs=5e-4)      # printed to 0.1 point
    sel = pd.read_csv(tmp_path / "sim" / "selected.csv")
    written = {c: sorted(g.loc[g["selected"].astype(bool), "id"].astype(str)) for c, g in sel.groupby("call")}
    assert written == by_call
    summary = pd.read_csv(tmp_path / "sim" / "summary.csv").set_index("level")
    assert summary.loc["ALL", "shortfall_probability"] == pytest.approx(risk, abs=1e-12)

    # workbench rank: the same risk printed, the same laureates in portfolio.csv
    out = run_cli("rank", SMALL_CALLS, "--out", tmp_path / "rank", tmp_path=tmp_path)
    assert printed_risk(out) == pytest.approx(risk, abs=5e-4)
    port = pd.read_csv(tmp_path / "rank" / "portfolio.csv")
    ranked = {c: sorted(g.loc[g["selected"].astype(bool), "id"].astype(str)) for c, g in port.groupby("call")}
    assert ranked == by_call
    assert len(port) == ev.metrics["n_candidates"]     # the decisions' rows: applications and next phases

    # the sweep's evaluation of the scenario
    from workbench.sweep import evaluate as sweep_evaluate

    m = sweep_evaluate(scn, scn.seed)
    assert m["shortfall_probability"] == risk and m["selected_ids"] == ev.metrics["selected_ids"]

    # the dashboard: every call view shows the report's laureates of its call and the fund risk;
    # the whole view shows the call-by-call portfolio
    views, meta = dashboard_answers(SMALL_CALLS, tmp_path)
    assert [v for _, v in meta["options"]] == ["", *by_call]      # the whole fund, then each call in order
    for call, ids in by_call.items():
        v = views[call]
        assert v["ids"] == ids, call
        assert v["risk"] == risk and v["fund_selected"] == ev.metrics["n_selected"]
        assert v["budget_eur"] == ev.ranking.by_call.set_index("call").loc[call, "allotment_eur"]
        assert v["slider"] == round(v["budget_eur"] / 1e6, 1)     # the slider and the totals agree
        # the band over the calibrated parameter sets, as the report's first page gives it
        assert v["band"] == (ev.metrics["shortfall_probability_p10"], ev.metrics["shortfall_probability_p90"])
        assert ev.metrics["parameter_sets"] > 1 and "P10–P90 sur les" in v["totals_html"]
    whole = views[""]
    assert whole["ids"] == sorted(i for ids in by_call.values() for i in ids)
    assert whole["risk"] == risk and whole["rows"] == ev.metrics["n_candidates"]
    assert whole["budget_eur"] == ev.metrics["budget_eur"]
    # the counts add up: each call's rows (applications and next phases) make the whole fund's
    assert sum(views[c]["rows"] for c in by_call) == whole["rows"]


def test_a_call_view_with_changed_settings_is_what_a_saved_variant_computes(tmp_path):
    """A committee's change in one call (a weight, an override with its reason) re-decides that
    call and the later ones; the variant it saves, computed by the pipeline as the report would
    compute it, gives the same laureates and the same risk."""
    from workbench.dashboard import Dashboard

    d = Dashboard(scenario=SMALL_CALLS, variants_dir=tmp_path / "variants", debounce_s=0)
    d.robustness_samples = 0
    d.frontier_levels = 3
    d.widget()
    base_risk = d.risk["shortfall_probability"]
    d.controls["call"].value = "FTAP-AAP2"
    low = d.table.loc[~d.table["eligible"].astype(bool), "id"].astype(str).iloc[0]   # under the quality bar
    d.controls["force_in"].value = [low]
    d.controls["reasons"].children[0].value = "projet pilote du ministère"
    d.controls["weight_strategic"].value = 0.5
    assert d.last_error == "" and low in d.selected_ids
    live = {"ids": d.selected_ids, "risk": d.risk["shortfall_probability"], "fund": d.risk["fund"]["selected"]}
    assert live["risk"] != base_risk          # the choice of this call moves the fund's risk
    path = d.save_variant("aap2 pilote")
    scn = load_scenario(path, allowed_dirs=[SMALL_CALLS.parent, path.parent])
    assert scn.review_call == "FTAP-AAP2" and scn.value("selection.budget_eur") is None   # no fund cap
    ev = pipeline.evaluate(scn, load_candidates(scn))
    t = ev.ranking.table
    assert sorted(t.loc[t["selected"].astype(bool) & (t["call"] == "FTAP-AAP2"), "id"]) == live["ids"]
    assert ev.metrics["shortfall_probability"] == live["risk"] and ev.metrics["n_selected"] == live["fund"]
    row = t.set_index("id").loc[low]
    assert row["override"] == "force_in" and row["override_reason"] == "projet pilote du ministère"
    # the dashboard's comparison computes the variant as the live view did (one evaluation)
    d.controls["call"].value = "FTAP-AAP2"
    cmp = d.compare(SMALL_CALLS, path)
    b = cmp["sides"][1]
    assert b["fund"]["shortfall_probability"] == live["risk"] and b["fund"]["selected"] == live["fund"]
    assert b["view"]["selected"] == len(live["ids"]) and b["call"] == "FTAP-AAP2"
    assert cmp["sides"][0]["fund"]["shortfall_probability"] == base_risk
    # the calls before it: as the scenario's committees decided them
    _, base_ev, base_by_call = report_answer(SMALL_CALLS)
    assert sorted(t.loc[t["selected"].astype(bool) & (t["call"] == "FTAP-AAP1"), "id"]) == base_by_call["FTAP-AAP1"]


def test_the_default_ftap_scenario_dashboard_agrees_with_the_report(tmp_path):
    """The default scenario: every call view and the whole view against the report's evaluation
    (0.4 %, band 0.0–1.2 % over the 17 calibrated sets, for ftap_2018_2022)."""
    path = PARAMS / "ftap_2018_2022.yaml"
    scn, ev, by_call = report_answer(path)
    views, _ = dashboard_answers(path, tmp_path)
    risk = ev.metrics["shortfall_probability"]
    for call, ids in by_call.items():
        assert views[call]["ids"] == ids, call
        assert views[call]["risk"] == risk
    assert views[""]["risk"] == risk and views[""]["rows"] == ev.metrics["n_candidates"]
    assert len(views[""]["ids"]) == ev.metrics["n_selected"]
