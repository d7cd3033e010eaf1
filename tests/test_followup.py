"""Follow-up of funded projects: the laureate book, its snapshots, the position at a date, the
re-forecast from actuals, drift, flags and savings (issue 14)."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import numpy as np
import pandas as pd
import pytest

from workbench import load_scenario
from workbench.cli import main
from workbench.errors import InputError
from workbench.followup import book as B
from workbench.followup import drift as D
from workbench.followup import examples as X
from workbench.followup import position as Po
from workbench.followup import reforecast as RF
from workbench.followup import savings as S
from workbench.followup import store

from helpers import ROOT


@pytest.fixture(autouse=True)
def _french_by_default(monkeypatch):
    """These tests read the command line's default language: French (no ``$WORKBENCH_LANG``)."""
    monkeypatch.delenv("WORKBENCH_LANG", raising=False)

SCN = ROOT / "parameters" / "ftap_2018_2022.yaml"
BOOKS = ROOT / "src" / "workbench" / "data" / "books"
CALL2_2019 = BOOKS / "ftap_call2_2019-12-31.csv"
CALL2_2020 = BOOKS / "ftap_call2_2020-12-31.csv"
AS_OF = dt.date(2020, 12, 31)

HEADER = ("id,call,fund,grant_eur,decision_date,convention_date,paid_2019_eur,paid_2020_eur,total_cost_eur,"
          "end_date,status,planned_total_cost_eur,planned_end_date,declared_savings_eur,measured_savings_eur\n")


@pytest.fixture(scope="module")
def scn():
    return load_scenario(SCN)


def write(tmp_path, rows, name="book.csv", header=HEADER):
    p = tmp_path / name
    p.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


def small_book(tmp_path, extra=()):
    rows = [
        # 40 % paid, ends mid-2022 (181 days into 2022)
        "P1,AAP2,FTAP,1000000,2018-10-31,2019-03-01,0,400000,2500000,2022-06-30,running,2000000,2021-12-31,1000000,",
        # not started, ends at the end of 2021
        "P2,AAP2,FTAP,2000000,2018-10-31,2019-05-01,0,0,3000000,2021-12-31,running,3000000,2021-12-31,500000,",
        # completed under budget: the rest is de-committed
        "P3,AAP2,FTAP,500000,2018-10-31,2019-02-01,200000,250000,800000,2020-10-01,completed,800000,2020-09-01,400000,100000",
    ] + list(extra)
    return write(tmp_path, rows)


# ---- the shipped examples --------------------------------------------------------------------------
def test_shipped_call2_book_has_the_real_grants_and_the_published_paid_share():
    lau = pd.read_csv(ROOT / "src" / "workbench" / "data" / "ftap_call2_laureates_2018.csv")
    b = B.read_book(CALL2_2020, as_of=AS_OF)
    assert list(b["id"]) == list(lau["id"])
    assert b["grant_eur"].sum() == pytest.approx(68_625_000)           # published "69 M€"
    assert b["planned_total_cost_eur"].sum() == pytest.approx(135e6, rel=1e-6)   # published 135 M€
    live = b["status"] != "abandoned"
    paid = B.paid_to(b, 2020)
    # P349: CP consumed 2019-2020 / AE consumed 2018-2020 = 109.51 / 237.33 = 46.1 %
    assert paid[live].sum() / b.loc[live, "grant_eur"].sum() == pytest.approx(109.51 / 237.33, rel=1e-4)
    assert set(b["synthetic_fields"].str.split(";").explode()) >= {"paid_2019_eur", "paid_2020_eur", "status"}


def test_examples_are_reproducible(tmp_path):
    paths = X.write_examples(tmp_path)
    for p in paths:
        assert p.read_bytes() == (BOOKS / p.name).read_bytes(), p.name


# ---- snapshots and status ---------------------------------------------------------------------------
def test_two_imports_at_two_dates_keep_both_snapshots_and_status_runs_on_each(tmp_path, capsys):
    db = tmp_path / "books.sqlite"
    assert main(["book", "import", str(CALL2_2019), "--as-of", "2019-12-31", "--db", str(db)]) == 0
    assert main(["book", "import", str(CALL2_2020), "--as-of", "2020-12-31", "--db", str(db)]) == 0
    snaps = store.snapshots(db)
    assert list(snaps["as_of"]) == ["2019-12-31", "2020-12-31"] and list(snaps["n_projects"]) == [16, 16]
    # the same file again at the same date: nothing changes
    assert main(["book", "import", str(CALL2_2020), "--as-of", "2020-12-31", "--db", str(db)]) == 0
    assert len(store.snapshots(db)) == 2
    assert "déjà enregistré" in capsys.readouterr().out
    b19 = B.read_book(CALL2_2019, as_of=dt.date(2019, 12, 31))
    for as_of, paid in (("2019-12-31", b19["paid_2019_eur"].sum()), ("2020-06-30", b19["paid_2019_eur"].sum()),
                        ("2020-12-31", B.paid_to(B.read_book(CALL2_2020), 2020).sum())):
        out = tmp_path / f"out_{as_of}"
        assert main(["status", str(SCN), "--book", str(db), "--as-of", as_of, "--out", str(out),
                     "--draws", "300", "--lang", "en"]) == 0, capsys.readouterr().err
        pos = pd.read_csv(out / "position.csv")
        assert pos.at[0, "committed_eur"] == pytest.approx(68_625_000)
        assert pos.at[0, "paid_to_date_eur"] == pytest.approx(paid)
        assert pos.at[0, "conservation_gap_eur"] == pytest.approx(0, abs=1e-6)
        rf = pd.read_csv(out / "reforecast.csv")
        assert rf["year"].iloc[0] == int(as_of[:4])
        assert (rf["cp_need_p10_eur"] <= rf["cp_need_p50_eur"] + 1e-6).all()
        assert (rf["cp_need_p50_eur"] <= rf["cp_need_p90_eur"] + 1e-6).all()
        for f in ("drift.csv", "flags.csv", "savings.csv", "fan_chart.png", "position.xlsx", "drift_history.csv"):
            assert (out / f).stat().st_size > 0, f
        prov = json.loads((out / "provenance.json").read_text())
        assert prov["book_snapshot"]["snapshot_as_of"] <= as_of and prov["reforecast"]["draws"] == 300
    text = capsys.readouterr().out
    assert "committed 68.6\u00a0M€" in text and "Panorama Nov 2020".lower() in text.lower()
    # the drift history follows each project from snapshot to snapshot
    hist = pd.read_csv(tmp_path / "out_2020-12-31" / "drift_history.csv")
    assert len(hist) == 32 and set(hist["as_of"]) == {"2019-12-31", "2020-12-31"}
    assert (hist.groupby("id")["cost_ratio_vs_first"].first() == 1.0).all()


def test_status_reads_a_book_file_and_writes_the_xlsx_in_the_books_layout(tmp_path, capsys):
    book = small_book(tmp_path, extra=["P4,AAP2,FTAP,100000,2018-10-31,2019-01-01,0,0,,2021-06-30,running,,,,"])
    text = book.read_text().replace("P4,AAP2", "=HYPERLINK(1),AAP2")
    book.write_text(text)
    out = tmp_path / "out"
    assert main(["status", str(SCN), "--book", str(book), "--as-of", "2020-12-31", "--out", str(out),
                 "--draws", "50"]) == 0, capsys.readouterr().err
    assert "engagé 3,6\u00a0M€" in capsys.readouterr().out                        # French by default
    from openpyxl import load_workbook

    wb = load_workbook(out / "position.xlsx")
    assert wb.sheetnames == ["livre", "position", "restes à payer"]
    ws = wb["livre"]
    head = [c.value for c in ws[1]]
    assert head[:7] == ["id", "call", "fund", "grant_eur", "decision_date", "convention_date",
                        "paid_2019_eur"]
    assert "outstanding_as_of_eur" in head
    cell = ws.cell(row=5, column=1)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"            # text, never a live formula
    assert (out.stat().st_mode & 0o040) and ((out / "position.csv").stat().st_mode & 0o040)   # group-readable


# ---- position -----------------------------------------------------------------------------------------
def test_position_by_hand(tmp_path, scn):
    b = B.read_book(small_book(tmp_path), as_of=AS_OF)
    pos = Po.fund_position(b, AS_OF, scn)
    f = pos.funds.iloc[0]
    assert f["committed_eur"] == 3_500_000
    assert f["paid_to_date_eur"] == 400_000 + 450_000
    assert f["decommitted_eur"] == 50_000                 # P3 completed, 450 k€ paid of 500 k€
    assert f["outstanding_eur"] == 600_000 + 2_000_000
    assert f["available_for_next_calls_eur"] == 700e6 - (3_500_000 - 50_000)
    assert pos.outstanding_by_origin["origin_year"].tolist() == [2019]


# ---- re-forecast ---------------------------------------------------------------------------------------
def test_without_uncertainty_the_reforecast_is_the_remaining_schedule_by_hand(tmp_path, scn):
    b = B.read_book(small_book(tmp_path), as_of=AS_OF)
    off = scn.with_overrides({"uncertainty": {"enabled": False}})
    for s, flag in ((off, None), (scn, False)):
        rf = RF.reforecast(b, AS_OF, s, draws=7, seed=1, uncertainty=flag)
        y = rf.yearly.set_index("year")
        # P1: 600 k€ left, spread evenly from 2021-01-01 to 2022-06-30 (365 + 181 days)
        # P2: 2 M€ left, all in 2021; P3 completed: nothing more
        assert y.at[2020, "cp_need_p50_eur"] == pytest.approx(400_000 + 250_000)   # paid in 2020
        assert y.at[2021, "cp_need_p10_eur"] == pytest.approx(600_000 * 365 / 546 + 2_000_000)
        assert y.at[2021, "cp_need_p90_eur"] == pytest.approx(600_000 * 365 / 546 + 2_000_000)
        assert y.at[2022, "cp_need_mean_eur"] == pytest.approx(600_000 * 181 / 546)
        assert y.loc[2023:, "cp_need_p90_eur"].abs().max() == pytest.approx(0.0, abs=1e-6)
        assert np.allclose(y["planned_cp_eur"], y["cp_need_mean_eur"])
        assert rf.summary.at[0, "freed_by_abandonment_mean_eur"] == 0
        # voted CP (RAP 2021: 148.74 M€) are far above this small book's needs
        assert y.at[2021, "cp_voted_eur"] == 148.74e6 and y.at[2021, "shortfall_probability"] == 0


def test_a_fully_paid_project_adds_no_future_risk(tmp_path, scn):
    base = B.read_book(small_book(tmp_path), as_of=AS_OF)
    paid = B.read_book(small_book(tmp_path, extra=[
        "P9,AAP2,FTAP,3000000,2018-10-31,2019-01-15,1000000,2000000,9000000,2022-12-31,running,4000000,2021-12-31,,"]),
        as_of=AS_OF)
    a = RF.reforecast(base, AS_OF, scn, draws=2000, seed=5)
    b = RF.reforecast(paid, AS_OF, scn, draws=2000, seed=5)
    np.testing.assert_array_equal(a.draws["cp_future_eur"], b.draws["cp_future_eur"])
    assert "P9" not in set(b.projects["id"])
    # a project 80 % paid carries less remaining risk than the same project not started
    rows = ["Q,AAP2,FTAP,10000000,2018-10-31,2019-01-15,0,{p},20000000,2022-12-31,running,20000000,2022-12-31,,"]
    spread = []
    for p in (0, 8_000_000):
        bk = B.read_book(write(tmp_path, [rows[0].format(p=p)], name=f"q{p}.csv"), as_of=AS_OF)
        fp = RF.reforecast(bk, AS_OF, scn, draws=4000, seed=2).draws["future_paid_eur"]
        spread.append(np.quantile(fp, 0.9) - np.quantile(fp, 0.1))
    assert spread[1] < 0.3 * spread[0]


def test_conservation_holds_in_every_draw(tmp_path, scn):
    b = B.read_book(BOOKS / "ftap_fund_synthetic_2021-12-31.csv", as_of=dt.date(2021, 12, 31))
    topping = scn.with_overrides({"uncertainty": {"overrun_paid_by_fund_rate": 0.5, "attrition_rate": 0.2}})
    as_of = dt.date(2021, 12, 31)
    rf = RF.reforecast(b, as_of, topping, draws=3000, seed=11)
    pos = Po.fund_position(b, as_of, topping).funds.iloc[0]
    d = rf.draws
    committed = pos["committed_eur"] + pos["pending_eur"] + d["topup_eur"]
    accounted = (pos["paid_to_date_eur"] + pos["decommitted_eur"] + d["future_paid_eur"] + d["freed_abandon_eur"]
                 + d["freed_underrun_eur"])
    np.testing.assert_allclose(accounted, committed, rtol=0, atol=1e-3)
    np.testing.assert_allclose(d["cp_future_eur"].sum(axis=1), d["future_paid_eur"], rtol=1e-12, atol=1e-3)
    assert d["topup_eur"].max() > 0 and d["freed_abandon_eur"].min() >= 0 and d["freed_abandon_eur"].max() > 0


def test_reforecast_is_reproducible_and_independent_of_nothing_else(tmp_path, scn):
    b = B.read_book(small_book(tmp_path), as_of=AS_OF)
    a = RF.reforecast(b, AS_OF, scn, draws=5000, seed=3)
    c = RF.reforecast(b, AS_OF, scn, draws=5000, seed=3)
    pd.testing.assert_frame_equal(a.yearly, c.yearly)
    assert not RF.reforecast(b, AS_OF, scn, draws=5000, seed=4).yearly.equals(a.yearly)


# ---- drift, flags, savings ---------------------------------------------------------------------------
def test_drift_flags_and_savings_by_hand(tmp_path):
    header = HEADER.rstrip("\n") + ",dinum_opinion,first_results_date\n"
    rows = [
        # budget +25 %, schedule: planned 2018-10-31 -> 2021-10-31 (1096 days), now 2022-10-31 (1461 days)
        "A,AAP2,FTAP,5000000,2018-10-31,2019-01-15,1000000,0,12500000,2022-10-31,running,10000000,2021-10-31,5000000,,false,",
        # on budget, on time, 9 M€ or less: no DINUM flag; stalled (nothing paid in 2019-2020)
        "B,AAP2,FTAP,1000000,2018-10-31,2019-01-15,0,0,2000000,2021-10-31,running,2000000,2021-10-31,1000000,,,",
        # FITN: first results due 12 months after the convention (2020-06-01), not delivered
        "C,S1,FITN,1000000,2020-03-01,2020-06-01,0,500000,1000000,2021-12-31,running,1000000,2021-12-31,,,,",
    ]
    b = B.read_book(write(tmp_path, rows, header=header), as_of=dt.date(2021, 12, 31))
    d = D.project_drift(b, dt.date(2021, 12, 31)).set_index("id")
    assert d.at["A", "budget_drift_rate"] == pytest.approx(0.25)
    assert d.at["A", "schedule_drift_rate"] == pytest.approx(1461 / 1096 - 1)
    assert d.at["A", "flag_no_dinum_opinion"] and not d.at["B", "flag_no_dinum_opinion"]
    # nothing paid in 2020-2021 by A and B; C was paid in 2020
    assert d.at["A", "flag_stalled_payments"] and d.at["B", "flag_stalled_payments"]
    assert not d.at["C", "flag_stalled_payments"]
    assert d.at["C", "flag_late_first_results"] and d.at["C", "first_results_due_date"] == "2021-06-01"
    pf = D.portfolio_drift(d.reset_index()).set_index("drift")
    assert pf.at["budget", "mean_rate"] == pytest.approx(0.25 / 3)
    assert pf.at["budget", "weighted_mean_rate"] == pytest.approx(0.25 * 10 / 13)
    assert pf.at["budget", "panorama_nov2020_rate"] == 0.284 and pf.at["schedule", "panorama_nov2020_rate"] == 0.246
    sv = S.savings_by_cohort(b, dt.date(2021, 12, 31)).set_index("cohort")
    assert sv.at[2018, "target_savings_eur"] == 1_000_000 and sv.at[2018, "target_due"]
    assert sv.at[2018, "declared_vs_target_rate"] == pytest.approx(6.0)
    assert not sv.at[2020, "target_due"]


def test_stalled_payments_flag(tmp_path):
    rows = ["B,AAP2,FTAP,1000000,2018-10-31,2019-01-15,0,0,2000000,2021-10-31,running,2000000,2021-10-31,,"]
    b = B.read_book(write(tmp_path, rows), as_of=AS_OF)
    assert D.project_drift(b, AS_OF).at[0, "flag_stalled_payments"]
    # committed less than 12 months before the end of 2019: not yet stalled
    b19 = B.read_book(write(tmp_path, [rows[0].replace(",0,0,", ",,,")], name="b19.csv"), as_of=dt.date(2019, 12, 31))
    assert not D.project_drift(b19, dt.date(2019, 12, 31)).at[0, "flag_stalled_payments"]


# ---- bad books --------------------------------------------------------------------------------------
BAD = [
    ("P1,AAP2,FTAP,1000000,2018-10-31,2019-03-01,600000,500000,,2022-06-30,running,,,,",
     "row 2, column grant_eur", "exceed the grant", "dépassent la subvention"),
    ("P1,AAP2,FTAP,1000000,2018-10-31,2018-03-01,0,0,,2022-06-30,running,,,,",
     "row 2, column convention_date", "date before the decision date (2018-10-31)", "antérieure à la décision"),
    ("P1,AAP2,FTAPP,1000000,2018-10-31,2019-03-01,0,0,,2022-06-30,running,,,,",
     "row 2, column fund", "unknown fund or envelope code (did you mean 'FTAP'?)", "inconnus du scénario"),
    ("P1,AAP2,FTAP,1000000,2018-10-31,2019-03-01,0,0,,2022-06-30,en panne,,,,",
     "row 2, column status", "must be one of running", "doit valoir"),
]


@pytest.mark.parametrize("row,where,rule_en,rule_fr", BAD, ids=["paid>grant", "before-decision", "unknown-fund",
                                                               "bad-status"])
def test_bad_books_are_refused_with_a_clear_error_and_nothing_stored(tmp_path, capsys, row, where, rule_en, rule_fr):
    book = write(tmp_path, [row])
    db = tmp_path / "b.sqlite"
    assert main(["book", "import", str(book), "--as-of", "2020-12-31", "--db", str(db), "--scenario", str(SCN),
                 "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert str(book) in err and where in err and rule_en in err and "Traceback" not in err
    assert not db.exists() or store.snapshots(db).empty
    assert main(["book", "import", str(book), "--as-of", "2020-12-31", "--db", str(db), "--scenario", str(SCN)]) == 2
    assert rule_fr in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["status", str(SCN), "--book", str(book), "--as-of", "2020-12-31", "--out", str(out)]) == 2
    assert not out.exists()


def test_a_snapshot_older_than_the_last_one_is_refused(tmp_path, capsys):
    book = small_book(tmp_path)
    db = tmp_path / "b.sqlite"
    assert main(["book", "import", str(book), "--as-of", "2021-06-30", "--db", str(db)]) == 0
    assert main(["book", "import", str(book), "--as-of", "2020-12-31", "--db", str(db), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "older than book 'FTAP''s latest snapshot (2021-06-30)" in err
    # a different book at a date already stored is refused too: nothing is overwritten
    other = tmp_path / "other.csv"
    other.write_text(book.read_text().replace("2500000", "2600000"))
    assert main(["book", "import", str(other), "--as-of", "2021-06-30", "--db", str(db), "--lang", "en"]) == 2
    assert "nothing is overwritten" in capsys.readouterr().err
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 1
        assert con.execute("SELECT COUNT(*) FROM projects").fetchone()[0] == 3


def test_payments_after_the_as_of_date_and_without_convention(tmp_path):
    rows = ["P1,AAP2,FTAP,1000000,2018-10-31,,0,100000,,2022-06-30,running,,,,"]
    with pytest.raises(InputError) as e:
        B.read_book(write(tmp_path, rows), as_of=dt.date(2019, 12, 31))
    msg = e.value.message()
    assert "payment after the book's as-of date (2019-12-31)" in msg
    assert "payments are recorded but no convention (commitment) date" in msg


def test_a_french_export_reads(tmp_path):
    text = ("id;call;fund;grant_eur;decision_date;convention_date;paid_2019_eur;end_date;status\n"
            "P1;AAP2;FTAP;1 000 000,50;31/10/2018;01/03/2019;250 000;30/06/2022;en cours\n")
    p = tmp_path / "fr.csv"
    p.write_bytes(text.encode("cp1252"))
    b = B.read_book(p, as_of=AS_OF)
    assert b.at[0, "grant_eur"] == 1_000_000.5 and b.at[0, "status"] == "running"
    assert b.at[0, "convention_date"] == dt.date(2019, 3, 1)


@pytest.mark.slow
def test_status_report_runs_the_followup_notebook(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["status", str(SCN), "--book", str(CALL2_2020), "--as-of", "2020-12-31", "--out", str(out),
                 "--draws", "200", "--report"]) == 0, capsys.readouterr().err
    html = (out / "followup.html").read_text(encoding="utf-8")
    assert "Suivi des projets financés au 2020-12-31" in html and "Reprévision des crédits de paiement" in html
    assert "Données d&#39;exécution synthétiques" in html or "Données d'exécution synthétiques" in html
    assert "Traceback" not in html and "C2-11" in html


def test_unknown_candidate_ids_and_a_wrong_file_type_are_refused(tmp_path, capsys):
    cands = tmp_path / "cands.csv"
    text = (ROOT / "tests" / "data" / "candidates_small.csv").read_text(encoding="utf-8")
    cands.write_text(text.replace("ITN1", "FTAP").replace("ITN2", "FTAP"), encoding="utf-8")
    scn = tmp_path / "scn.yaml"
    scn.write_text(f"extends: {SCN}\nname: fu_with_file\ncandidates:\n  source: file\n  file: {cands}\n",
                   encoding="utf-8")
    header = HEADER.rstrip("\n") + ",candidate_id\n"
    row = "P1,AAP2,FTAP,1000000,2018-10-31,2019-03-01,0,0,,2022-06-30,running,,,,,{cid}"
    db = tmp_path / "b.sqlite"
    good = write(tmp_path, [row.format(cid="P1")], name="good.csv", header=header)
    assert main(["book", "import", str(good), "--as-of", "2020-12-31", "--db", str(db), "--scenario", str(scn)]) == 0
    bad = write(tmp_path, [row.format(cid="P77")], name="bad.csv", header=header)
    assert main(["status", str(scn), "--book", str(bad), "--as-of", "2020-12-31", "--out", str(tmp_path / "o"),
                 "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "row 2, column candidate_id: 'P77': names an unknown candidate id" in err
    wrong = tmp_path / "book.json"
    wrong.write_text("{}")
    assert main(["book", "import", str(wrong), "--as-of", "2020-12-31", "--db", str(db)]) == 2
    assert "un livre des lauréats doit être .csv ou .xlsx" in capsys.readouterr().err
    assert len(store.snapshots(db)) == 1


def test_an_xlsx_book_reads_like_its_csv(tmp_path):
    from workbench.files import write_xlsx

    csv_book = B.read_book(CALL2_2020, as_of=AS_OF)
    raw = pd.read_csv(CALL2_2020, dtype=object, keep_default_na=False)
    p = write_xlsx(tmp_path / "book.xlsx", {"livre": raw})
    xl = B.read_book(p, as_of=AS_OF)
    pd.testing.assert_frame_equal(B.to_file_table(xl), B.to_file_table(csv_book), check_dtype=False)


def test_the_dashboard_follow_up_tab_shows_the_position_and_re_forecast(tmp_path):
    """The committee dashboard's follow-up tab: a shipped book at its date, computed on demand."""
    from workbench.dashboard import Dashboard

    d = Dashboard(scenario=ROOT / "parameters" / "ftap_2018_2022.yaml", variants_dir=tmp_path / "v", debounce_s=0)
    d.robustness_samples = 0
    d.widget()
    p = d.followup
    books = [v for _, v in p.book.options]
    assert any(b.endswith("ftap_call2_2020-12-31.csv") for b in books)
    p.book.value = next(b for b in books if b.endswith("ftap_call2_2020-12-31.csv"))
    assert p.as_of.value == "2020-12-31"
    p.compute()
    html = p.out.value
    assert "Position du fonds" in html and "Reprévision" in html and "68,6" in html  # the 16 real grants
    assert p.fan.value[:4] == b"\x89PNG" and p.fan.layout.display == ""
    p.as_of.value = "pas une date"
    p.compute()
    assert "wb-err" in p.out.value
