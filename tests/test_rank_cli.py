"""`workbench rank`: files written, totals printed, bad options refused with exit status 2."""
from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from workbench.cli import main

from helpers import RANK_CSV as CSV, small_rank_setup




@pytest.fixture
def setup(tmp_path):
    return (*small_rank_setup(tmp_path, CSV), tmp_path / "out")


def test_rank_writes_csv_xlsx_and_prints_totals(setup, capsys):
    scn, cand, out = setup
    rc = main(["rank", str(scn), "--candidates", str(cand), "--budget-eur", "20000000", "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "2 of 4 candidates selected" in printed and "20.00" in printed and "optimal" in printed
    df = pd.read_csv(out / "portfolio.csv")
    for col in ("id", "eligible", "selected", "value", "value_per_eur", "reason"):
        assert col in df.columns
    assert sorted(df.loc[df["selected"], "id"]) == ["P1", "P3"]  # values 90 and 70 for 20 M€
    assert df.set_index("id").loc["P1", "value"] == pytest.approx(90.0)
    assert df.set_index("id").loc["P1", "value_per_eur"] == pytest.approx(90 / 10e6)
    assert "selection_frequency" not in df.columns
    ws = openpyxl.load_workbook(out / "portfolio.xlsx")["portfolio"]
    header = [c.value for c in ws[1]]
    title = ws.cell(row=2, column=header.index("title") + 1)
    assert title.value == '=HYPERLINK("http://x")' and title.data_type == "s"
    minus = ws.cell(row=5, column=header.index("title") + 1)
    assert minus.value == "-minus" and minus.data_type == "s"
    meta = json.loads((out / "portfolio.json").read_text(encoding="utf-8"))
    assert meta["solver"]["engine"].startswith("HiGHS") and meta["provenance"]["scenario_hash"]
    assert meta["totals"]["committed_eur"] == 20e6
    assert not list(out.glob(".*tmp"))  # no temporary file left behind


def test_rank_with_weights_and_robustness(setup, capsys):
    scn, cand, out = setup
    rc = main(["rank", str(scn), "--candidates", str(cand), "--budget-eur", "20000000", "--weights",
               "strategic=1,service=0", "--robustness-samples", "6", "--out", str(out)])
    assert rc == 0
    df = pd.read_csv(out / "portfolio.csv").set_index("id")
    assert df["selection_frequency"].between(0, 1).all()
    assert df.loc["P1", "selection_frequency"] == 1.0  # best on every criterion
    assert "weight draws" in capsys.readouterr().out


@pytest.mark.parametrize("args,word", [
    (["--weights", "strategic=0,service=0"], "weights must not all be zero"),
    (["--weights", "strategic=-1,service=2"], ">= 0"),
    (["--weights", "cost=1"], "unknown criterion"),
    (["--weights", "strategic"], "criterion=weight"),
    (["--budget-eur", "0"], "must be > 0"),
    (["--budget-eur", "-5"], "must be > 0"),
    (["--force-in", "P9"], "unknown candidate id"),
])
def test_bad_options_exit_2_and_write_nothing(setup, capsys, args, word):
    scn, cand, out = setup
    rc = main(["rank", str(scn), "--candidates", str(cand), "--out", str(out)] + args)
    assert rc == 2
    err = capsys.readouterr().err
    assert word in err and "Traceback" not in err
    assert not out.exists()


def test_conflicting_rules_are_answered_not_an_error(setup, capsys):
    scn, cand, out = setup
    rc = main(["rank", str(scn), "--candidates", str(cand), "--budget-eur", "15000000", "--force-in", "P1",
               "--force-in", "P2", "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "cannot all hold" in printed and "force in P1" in printed and "force in P2" in printed
    df = pd.read_csv(out / "portfolio.csv")
    assert not df["selected"].any()


def test_same_inputs_same_seed_same_table(setup):
    scn, cand, out = setup
    for d in ("a", "b"):
        assert main(["rank", str(scn), "--candidates", str(cand), "--budget-eur", "20000000", "--robustness-samples",
                     "5", "--seed", "3", "--out", str(out / d)]) == 0
    assert (out / "a" / "portfolio.csv").read_bytes() == (out / "b" / "portfolio.csv").read_bytes()


def test_explain_option(setup, capsys):
    scn, cand, out = setup
    rc = main(["rank", str(scn), "--candidates", str(cand), "--budget-eur", "20000000", "--explain", "P2",
               "--out", str(out)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "P2 — not selected" in text and "more value points" in text
    assert main(["rank", str(scn), "--candidates", str(cand), "--explain", "P9", "--out", str(out / "x")]) == 2
    assert not (out / "x").exists()


def test_portfolio_csv_makes_formula_like_text_inert(tmp_path):
    import pandas as pd

    from workbench.files import safe_cells, write_csv

    df = pd.DataFrame({"title": ['=HYPERLINK("http://x")', "@cmd", "-rm", "Portail"], "value": [1.0, -2.0, 3.0, 4.0]})
    write_csv(tmp_path / "t.csv", df)
    back = pd.read_csv(tmp_path / "t.csv")
    assert back["title"].tolist() == ['\'=HYPERLINK("http://x")', "'@cmd", "'-rm", "Portail"]
    assert back["value"].tolist() == [1.0, -2.0, 3.0, 4.0]  # numbers untouched
    assert safe_cells(df)["title"].iloc[3] == "Portail"
