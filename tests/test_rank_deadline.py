"""``workbench rank --time-limit-s``: a wall-clock promise for the whole command (issue 23).

A stage is made slow deterministically by moving a fake clock (``time.perf_counter`` plus an
offset the stage adds to), never by timing a real big instance: the command must then write what
it has — the merit-order portfolio when no solve could start, the best portfolio found when the
solver stopped — marked as not proven optimal, and say so.
"""
from __future__ import annotations

import json
import time

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.cli import main
from workbench.generator import generate_pipeline
from workbench.scenario import load_scenario

from helpers import PARAMS, make_scenario


@pytest.fixture
def clock(monkeypatch):
    """A fake ``time.perf_counter``: the real one plus ``clock[0]`` seconds a slow stage adds."""
    offset = [0.0]
    real = time.perf_counter
    monkeypatch.setattr(time, "perf_counter", lambda: real() + offset[0])
    return offset


@pytest.fixture
def pipeline(tmp_path):
    """A scenario and 400 synthetic candidates whose merit order is not the optimum."""
    scn = make_scenario(tmp_path)
    cands = generate_pipeline(400, 1.2e9, 0.6e9, np.random.default_rng(3), envelopes=["A", "B", "F"],
                              multi_envelope_rate=0.1, dependency_rate=0.0, phase1_rate=0.0)
    path = tmp_path / "cands.csv"
    cands.to_csv(path, index=False)
    return scn.path, path


def _run(capsys, *argv) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err
    return rc, cap.out, cap.err


def _slow(monkeypatch, clock, module, name, seconds):
    """Make ``module.name`` take ``seconds`` on the fake clock."""
    real = getattr(module, name)

    def slow(*a, **k):
        out = real(*a, **k)
        clock[0] += seconds
        return out

    monkeypatch.setattr(module, name, slow)


def test_a_read_that_uses_the_limit_gives_the_merit_order_portfolio_marked_not_proven(pipeline, tmp_path, capsys,
                                                                                       monkeypatch, clock):
    scn_path, cand = pipeline
    reference = tmp_path / "ref"
    assert _run(capsys, "rank", scn_path, "--candidates", cand, "--budget-eur", 2e8, "--out", reference)[0] == 0
    ref = pd.read_csv(reference / "portfolio.csv")
    assert json.loads((reference / "portfolio.json").read_text())["solver"]["proven_optimal"]
    assert (ref["selected"] != ref["greedy_selected"]).any()          # the merit order is not the optimum

    import workbench.candidates as C

    _slow(monkeypatch, clock, C, "read_candidates", 11.0)              # reading takes 11 s of a 10 s limit
    out = tmp_path / "out"
    rc, stdout, err = _run(capsys, "rank", scn_path, "--candidates", cand, "--budget-eur", 2e8, "--time-limit-s", 10,
                           "--out", out)
    assert rc == 0                                                     # a portfolio within every rule was written
    assert "merit order's (value per euro), within every rule but NOT proven optimal" in err
    assert "the command took" in err and "for a 10 s limit (reading 11" in err
    assert "merit-order portfolio, NOT proven optimal" in stdout
    meta = json.loads((out / "portfolio.json").read_text())
    sv = meta["solver"]
    assert sv["status"] == "time limit" and sv["fallback"] == "greedy" and not sv["proven_optimal"]
    assert sv["solver_time_limit_s"] == 0.0                            # no solve was started
    assert sv["check"] == "every rule re-evaluated: none broken"
    assert meta["command"]["time_limit_s"] == 10 and meta["command"]["stages_s"]["read"] >= 11
    table = pd.read_csv(out / "portfolio.csv")
    assert len(table) == 400                                           # every candidate in the CSV
    assert list(table["selected"]) == list(ref["greedy_selected"])     # the merit order, as the full run saw it
    assert table["contribution"].sum() <= ref["contribution"].sum() + 1e-6
    assert set(table.loc[table["selected"], "reason_code"]) == {"R_SELECTED_MERIT"}
    # no time left to write 400 rows into the workbook: the selected projects, and it says so
    assert meta["outputs"] == {"csv_rows": 400, "xlsx_rows": int(table["selected"].sum()), "xlsx_selected_only": True}
    wb = openpyxl.load_workbook(out / "portfolio.xlsx")
    assert wb["portfolio"].max_row == 1 + int(table["selected"].sum())
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True)}
    assert about["xlsx_selected_only"] is True
    assert "portfolio.xlsx holds the" in err and "portfolio.csv holds them all" in err
    # in French by default
    monkeypatch.delenv("WORKBENCH_LANG")
    rc, stdout, err = _run(capsys, "rank", scn_path, "--candidates", cand, "--budget-eur", 2e8, "--time-limit-s",
                           "10", "--out", out)
    assert rc == 0 and "celui de l'ordre de mérite (valeur par euro), conforme à toutes les règles mais NON prouvé " \
                       "optimal" in err
    assert "la commande a duré" in err and "pour une limite de 10 s (lecture 11," in err


def test_a_solver_stopped_by_the_limit_gives_its_best_portfolio_marked_not_proven(pipeline, tmp_path, capsys,
                                                                                  monkeypatch, clock):
    scn_path, cand = pipeline
    from workbench.selection import engines, optimal

    real = engines.solve_model

    def interrupted(model, values, **kw):   # the solve runs to the deadline with a 5 % gap left
        sol = real(model, values, **{k: v for k, v in kw.items() if k != "deadline"})
        clock[0] += kw["time_limit_s"]
        return engines.Solve(sol.x, sol.objective, "time limit", 0.05, sol.objective * 1.05, kw["time_limit_s"],
                             kw["time_limit_s"], sol.mip_rel_gap, "interrupted")

    monkeypatch.setattr(optimal, "solve_model", interrupted)
    out = tmp_path / "out"
    rc, stdout, err = _run(capsys, "rank", scn_path, "--candidates", cand, "--budget-eur", 2e8, "--time-limit-s", 30,
                           "--out", out)
    assert rc == 0
    assert "the best the solver found, within every rule but NOT proven optimal (gap 0.05)" in err
    sv = json.loads((out / "portfolio.json").read_text())["solver"]
    assert sv["status"] == "time limit" and sv["fallback"] is None and not sv["proven_optimal"]
    assert 0 < sv["solver_time_limit_s"] <= 30
    table = pd.read_csv(out / "portfolio.csv")
    assert set(table.loc[table["selected"], "reason_code"]) == {"R_SELECTED"}


def test_no_portfolio_within_the_rules_in_time_is_exit_status_1(tmp_path, capsys, monkeypatch, clock):
    # a share rule the merit order breaks: two projects of one owner would hold all the money
    scn = make_scenario(tmp_path, "selection:\n  owner_share_max_rate: 0.6\n")
    cand = tmp_path / "c.csv"
    cand.write_text("id;title;owner;envelope;total_cost_eur;requested_eur;duration_months;strategic;service;savings;"
                    "governance\n"
                    "P1;a;O1;A;20 000 000;10 000 000;12;9;9;9;9\n"
                    "P2;b;O1;A;20 000 000;10 000 000;12;8;8;8;8\n"
                    "P3;c;O2;B;40 000 000;20 000 000;12;5;5;5;5\n", encoding="utf-8")
    import workbench.candidates as C

    _slow(monkeypatch, clock, C, "read_candidates", 5.0)
    out = tmp_path / "out"
    rc, _, err = _run(capsys, "rank", scn.path, "--candidates", cand, "--budget-eur", 2e7, "--time-limit-s", 1,
                      "--out", out)
    assert rc == 1 and "no portfolio within the rules in the 1 s limit" in err
    table = pd.read_csv(out / "portfolio.csv")
    assert not table["selected"].any() and set(table["reason_code"]) == {"R_NOT_SOLVED"}
    # with the time to solve, the optimum holds the rule
    assert _run(capsys, "rank", scn.path, "--candidates", cand, "--budget-eur", 2e7, "--out", tmp_path / "ok")[0] == 0


def test_call_by_call_decisions_share_the_deadline(tmp_path, capsys, monkeypatch, clock):
    import workbench.sources as S

    _slow(monkeypatch, clock, S, "load_candidates", 100.0)     # generating the pipelines takes it all
    out = tmp_path / "out"
    rc, _, err = _run(capsys, "rank", PARAMS / "ftap_2018_2022.yaml", "--time-limit-s", 20, "--out", out)
    assert rc == 0, err
    meta = json.loads((out / "portfolio.json").read_text())
    calls = load_scenario(PARAMS / "ftap_2018_2022.yaml").calls
    assert set(meta["solver"]["per_call_status"].values()) == {"time limit"}
    assert len(meta["solver"]["per_call_status"]) == len(calls)
    assert meta["solver"]["fallback"] == "greedy" and not meta["solver"]["proven_optimal"]
    assert "NOT proven optimal" in err
    table = pd.read_csv(out / "portfolio.csv")
    assert table["selected"].sum() > 0


def test_the_workbook_writer_keeps_every_kind_of_cell():
    """The XLSX written directly (no openpyxl objects) reads back as the table was: numbers,
    booleans, text with spaces and XML's characters, text that looks like a formula, gaps."""
    import datetime as dt
    import io

    from workbench.files import xlsx_bytes

    df = pd.DataFrame({"n": [1.5, np.nan, -2e-7], "i": [1, 2, 3], "b": [True, False, True],
                       "t": ["=SUM(A1)", "  padded ", "a & b < c > d"], "o": [dt.date(2021, 6, 1), None, "x\x00y"]})
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": df, "k/v": df.iloc[:1]}, bold_header=True,
                                                      no_header=("k/v",))))
    assert wb.sheetnames == ["t", "k_v"]                      # a name Excel refuses is made acceptable
    rows = list(wb["t"].iter_rows(values_only=True))
    assert rows[0] == ("n", "i", "b", "t", "o") and wb["t"]["A1"].font.b
    assert rows[1] == (1.5, 1, True, "=SUM(A1)", "2021-06-01")
    assert rows[2] == (None, 2, False, "  padded ", None)
    assert rows[3] == (-2e-7, 3, True, "a & b < c > d", "xy")
    assert wb["t"]["D2"].data_type == "s"                     # text, never a live formula
    assert list(wb["k_v"].iter_rows(values_only=True)) == [(1.5, 1, True, "=SUM(A1)", "2021-06-01")]


def test_the_merit_order_is_the_one_a_plain_reading_of_the_rule_gives(tmp_path):
    """The greedy portfolio (now one pass of plain Python) against the rule read literally: options
    by value per euro, each taken when every budget row it touches still fits."""
    from workbench import selection as pf
    from workbench.selection.heuristic import _greedy_order
    from workbench.selection.inputs import _TOL_EUR

    scn = make_scenario(tmp_path, "selection:\n  payment_limits_eur: {2021: 60000000, 2022: 60000000}\n")
    cands = generate_pipeline(600, 1.2e9, 0.6e9, np.random.default_rng(8), envelopes=["A", "B", "F"],
                              multi_envelope_rate=0.2, dependency_rate=0.0, phase1_rate=0.3)
    mdl = pf.get_model(scn, cands, pf.settings(scn), (), ())
    v = pf.project_values(scn, cands).to_numpy(float)
    for budget in (3e7, 1.5e8, 1e12):
        for fallback in (False, True):
            check, order = _greedy_order(mdl, v, ())
            ub = mdl.ub.copy()
            ub[mdl.envelope_row] = budget
            cap = np.where(check, ub, np.inf) + _TOL_EUR * mdl.cost_rows + 1e-9
            used = np.zeros(len(ub))
            x = np.zeros(len(mdl.item))
            done = set()
            for j in order:
                if mdl.item[j] in done:
                    continue
                tries = [j] + [k for k in np.flatnonzero((mdl.item == mdl.item[j]) & (mdl.mode == "phase1")
                                                         & (mdl.envelope == mdl.envelope[j]))[:1] if fallback]
                for jj in tries:
                    col = mdl.A_csc[:, jj].toarray().ravel()
                    if np.all(used + col <= cap):
                        used += col
                        x[jj] = 1.0
                        done.add(mdl.item[j])
                        break
            assert np.array_equal(pf.greedy(mdl, v, budget, (), phase1_fallback=fallback), x), (budget, fallback)


def test_a_deadline_that_left_some_calls_without_robustness_is_said_not_a_traceback():
    """Call by call under a time limit, the robustness draws may run for the first calls only: the
    summary says for how many (it raised KeyError 'robustness' with a traceback)."""
    import copy

    from helpers import DATA
    from workbench.pipeline import decide
    from workbench.reporting.summaries import ranking_summary
    from workbench.sources import load_candidates

    scn = load_scenario(DATA / "small_calls.yaml")
    decided = decide(scn, load_candidates(scn), robustness_samples=8)
    assert "robustness" in decided.totals
    cut = copy.copy(decided)
    cut.totals = {k: v for k, v in decided.totals.items() if k != "robustness"}
    cut.table = decided.table.copy()
    last = cut.table["call"] == cut.table["call"].iloc[-1]
    cut.table.loc[last, "selection_frequency"] = np.nan
    text = ranking_summary(cut, "en")
    assert "robustness: computed for only 2 of 3 call(s)" in text
    assert "computed for only" not in ranking_summary(decided, "en")
    assert "calculée pour 2 appel(s) sur 3" in ranking_summary(cut, "fr")
