"""The report's first page answers: the answer box (funded, granted, the CP risk with its year and
band, the money left reconciled from its parts, the next call's capacity when given, the fragile
choices), read back from page 1 of the printed PDF and from what ``workbench run`` prints; the
run's phases as it goes; the fragile flag as a column."""
from __future__ import annotations

import contextlib
import io
import json
import re
import unicodedata
from types import SimpleNamespace

import pandas as pd
import pytest

from workbench import load_scenario, pipeline
from workbench.selection import robustness
from workbench.cli import main
from workbench.reporting import batch, summaries
from workbench.units import meur, pct

from helpers import DATA

FRAGILE = DATA / "small_fragile.yaml"
#: The run's notebook parameters: enough weight draws for the fragile choices to show, small elsewhere.
PARAMS = {"robustness_samples": 20, "frontier_points": 4, "backtest_replicates": 0}
SEED, DRAWS = 11, 40


@pytest.fixture(scope="module")
def evaluation():
    scn = load_scenario(FRAGILE)
    return pipeline.evaluate(scn, seed=SEED, draws=DRAWS, robustness_samples=PARAMS["robustness_samples"])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """``workbench run`` on the small scenario with fragile choices: its printout and its folder."""
    out = tmp_path_factory.mktemp("outputs")
    args = ["run", str(FRAGILE), "--out", str(out), "--draws", str(DRAWS), "--seed", str(SEED), "--lang", "fr"]
    for k, v in PARAMS.items():
        args += ["-p", f"{k}={v}"]
    so, se = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        code = main(args)
    assert code == 0, se.getvalue()
    return out / "small_fragile", so.getvalue(), se.getvalue()


# --------------------------------------------------------------------------------------------
# the box's figures
# --------------------------------------------------------------------------------------------
def test_the_money_left_is_one_quantity_reconciled_from_its_parts(evaluation):
    m = pipeline.money_left(evaluation)
    assert m["money_left_eur"] == pytest.approx(m["ae_left_eur"] + m["cp_left_eur"])
    assert m["ae_left_eur"] == pytest.approx(m["ae_not_decided_eur"] + m["ae_awaiting_eur"])
    # the AE not decided are the decisions' own figure (the budget less the grants)
    t = evaluation.ranking.totals
    assert m["ae_not_decided_eur"] == pytest.approx(t["budget_eur"] - t["committed_eur"])
    # AE available less the CP paid up to the horizon's end, read from the simulation by hand
    y = evaluation.simulation.yearly
    paid = y[(y["level"] == "FTAP") & (y["metric"] == "cp_paid_eur") & (y["year"] <= 2022)]["mean"].sum()
    assert m["money_left_eur"] == pytest.approx(t["budget_eur"] - paid, rel=1e-9)
    assert m["money_left_p10_eur"] <= m["money_left_eur"] <= m["money_left_p90_eur"]


def test_the_box_names_the_fragile_choices_and_says_nothing_of_capacity_until_given(evaluation):
    fr = robustness.fragile_choices(evaluation.ranking.table)
    assert len(fr)                                  # the scenario is built to have some
    box = summaries.answer_box(evaluation, "fr")
    text = box.text()
    for pid in fr["id"].head(summaries.BOX_FRAGILE):
        assert pid in text
    assert box.figures["fragile_ids"] == fr["id"].tolist()
    assert "Capacité" not in text and "capacity_eur" not in box.figures
    cap = SimpleNamespace(capacity_eur=42.5e6, next_call=SimpleNamespace(id="FTAP-2023"), binding_year=2024,
                          binding="CP", risk_rate=0.10)
    with_cap = _norm(summaries.answer_box(evaluation, "fr", capacity=cap).text())
    assert "Capacité du prochain appel (FTAP-2023) à 10 % de risque : 42,5 M€ (contrainte : CP 2024)" in with_cap
    restes = pd.DataFrame({"commitment_year": [2019], "payment_year": [2020], "mean_eur": [1e6]})
    assert summaries.answer_box(evaluation, "en", restes=restes).restes is restes


def test_the_fragile_flag_is_a_column_for_the_report_and_the_dashboard(evaluation):
    t = evaluation.ranking.table
    flags = robustness.fragile_flags(t)
    fr = robustness.fragile_choices(t)
    assert set(t.loc[flags != "", "id"]) == set(fr["id"])
    assert set(flags.unique()) <= {"", "selected_rarely", "left_out_often"}
    assert (robustness.fragile_flags(t.drop(columns=["selection_frequency"])) == "").all()


# --------------------------------------------------------------------------------------------
# the report's page 1 and what `workbench run` prints
# --------------------------------------------------------------------------------------------
def _squash(text: str) -> str:
    """Text without spaces, line breaks or hyphens, ligatures undone (``ﬁ``): a PDF's lines break
    anywhere, ids included."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]", "", unicodedata.normalize("NFKC", text))


def _page_one(folder) -> str:
    from pypdf import PdfReader

    return _squash(PdfReader(str(folder / "report.pdf")).pages[0].extract_text())


def _norm(s: str) -> str:
    return " ".join(s.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.mark.slow
@pytest.mark.browser
def test_page_one_of_the_pdf_gives_the_evaluations_figures(run, evaluation):
    folder, _, _ = run
    if not batch.find_chromium():
        pytest.skip("Chromium is not installed: no PDF")
    page = _page_one(folder)
    f = summaries.answer_box(evaluation, "fr").figures
    expected = ["L'essentiel", f"{f['n_selected']} projets retenus",
                meur(f["granted_eur"], "fr", 1) + " accordés",
                "Risque de manquer de CP : " + pct(f["shortfall_probability"], "fr", 1),
                f"Argent restant fin {f['horizon_end']} : " + meur(f["money_left_eur"], "fr", 1),
                meur(f["ae_left_eur"], "fr", 1) + " d'AE non engagées",
                meur(f["cp_left_eur"], "fr", 1) + " de CP restant à payer",
                *f["fragile_ids"][:summaries.BOX_FRAGILE]]
    for text in expected:
        assert _squash(text) in page, text
    # the box opens the page: before the warnings, and the rules table is not on page 1
    warnings_at = page.find(_squash("Avertissements"))   # on page 1 or after it (the box may fill it)
    assert page.index(_squash("L'essentiel")) < 1500 and (warnings_at == -1 or page.index(_squash("L'essentiel")) < warnings_at)
    assert _squash("Les règles des fonds appliquées") not in page
    # the report's own figures (answer.json) are the evaluation's
    written = json.loads((folder / "answer.json").read_text(encoding="utf-8"))["figures"]
    for k in ("n_selected", "granted_eur", "shortfall_probability", "money_left_eur", "fragile_ids"):
        assert written[k] == pytest.approx(f[k]) if isinstance(f[k], float) else written[k] == f[k]


@pytest.mark.slow
def test_run_prints_its_phases_then_the_answer(run, evaluation):
    folder, out, err = run
    steps = re.findall(r"étape (\d+)/(\d+) : ([^(]+)", err)
    names = [s[2].strip() for s in steps]
    assert names[:3] == ["démarrage du noyau et lecture du scénario", "décisions appel par appel et robustesse",
                         "simulation de l'enveloppe"]
    assert "ce qui pilote le risque" in names and names[-1] == "terminé"
    assert [int(s[0]) for s in steps] == sorted(int(s[0]) for s in steps)
    f = summaries.answer_box(evaluation, "fr").figures
    assert out.startswith("L'essentiel")
    assert f"{f['n_selected']} projets retenus pour {meur(f['granted_eur'], 'fr', 1)}" in out
    assert "report.pdf" in out or "report.html" in out


def test_the_notebooks_phases_go_through_a_file_only_when_a_run_asks(tmp_path, monkeypatch):
    monkeypatch.delenv(batch.ENV_PROGRESS, raising=False)
    batch.phase("decide")                              # a notebook run by hand: nothing, no error
    path = tmp_path / "progress.jsonl"
    seen = []
    monkeypatch.setenv(batch.ENV_PROGRESS, str(path))
    with batch._PhaseRelay(path, seen.append):
        batch.phase("decide")
        batch.phase("simulate")
    assert seen == ["decide", "simulate"]
    assert [json.loads(x)["phase"] for x in path.read_text().splitlines()] == ["decide", "simulate"]
    text = batch.progress_text({"phase": "simulate", "index": 3, "total": 9, "elapsed_s": 12.4}, "en")
    assert text == "step 3/9: envelope simulation (12 s)"
    shown = []
    batch.dashboard_progress(shown.append, "fr")({"phase": "pdf", "index": 9, "total": 9, "elapsed_s": 1})
    assert shown == ["étape 9/9 : impression du PDF (1 s)"]


def test_iter_report_yields_the_phases_then_the_result(tmp_path):
    nb = tmp_path / "nb.ipynb"
    import nbformat

    book = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('scenario_path = ""\ndraws = 1\nseed = 0\nout_dir = None\nlang = "fr"')
    params.metadata["tags"] = ["parameters"]
    book.cells = [params, nbformat.v4.new_code_cell("from workbench.reporting import batch\nbatch.phase('decide')\n"
                                                    "batch.phase('simulate')")]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, str(nb))
    items = list(batch.iter_report(DATA / "small_report.yaml", out=tmp_path / "o", notebook=nb, pdf=False, draws=1))
    events, result = items[:-1], items[-1]
    assert isinstance(result, batch.RunResult)
    assert [e["phase"] for e in events] == ["kernel", "decide", "simulate", "html", "done"]
    n = len(batch.REPORT_PHASES) - 1   # the phases of a run without PDF
    assert [e["index"] for e in events] == [1, 2, 3, n, n] and all(e["total"] == n for e in events)


def test_the_outstanding_commitments_table_is_shown_by_commitment_and_payment_year():
    from workbench.reporting import labels as L

    long = pd.DataFrame({"commitment_year": [2019, 2019, 2020], "payment_year": [2020, 2021, 2021],
                         "mean_eur": [1e6, 2e6, 3e6], "p90_eur": [2e6, 3e6, 4e6]})
    wide = L.restes_table(long, "fr")
    assert list(wide.columns) == ["Année d'engagement", "2020", "2021"]
    assert wide.iloc[0].tolist() == ["2019", "1,0\u00a0M€", "2,0\u00a0M€"]
    assert wide.iloc[1].tolist() == ["2020", "–", "3,0\u00a0M€"]


def test_weight_stability_of_a_call_brackets_its_weights_and_the_portfolio_changes_beyond(evaluation):
    from workbench import decisions, selection as pf
    from workbench.selection.robustness import _tilt

    scn, dec = evaluation.ranking.scenario, evaluation.ranking
    table = decisions.call_stability(scn, dec, "FTAP-AAP2").set_index("criterion")
    base = pf.check_weights(dec.selection.weights, scn)
    assert (table["low"] <= table["weight"] + 1e-12).all() and (table["weight"] <= table["high"] + 1e-12).all()
    chosen = set(dec.table.loc[dec.table["selected"], "id"])

    def portfolio(c, t):
        sel = pf.select(scn, dec.candidates, dec.selection.settings["budget_eur"], _tilt(base, c, t))
        return set(dec.candidates["id"][sel.choice["selected"].to_numpy(bool)])

    # inside the range the decision holds; just beyond its end (found to 0.005) it changes
    c = "strategic"
    lo, hi = table.at[c, "low"], table.at[c, "high"]
    assert portfolio(c, (lo + hi) / 2) == chosen
    if lo > 0.01:
        assert portfolio(c, lo - 0.01) != chosen
    if hi < 0.99:
        assert portfolio(c, hi + 0.01) != chosen
