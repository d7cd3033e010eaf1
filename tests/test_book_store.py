"""The follow-up's book store hardened (issue 23): books that lie are refused, a snapshot can be
withdrawn with an audit trail, a bad or locked store is a message, a killed import leaves the
previous state readable without writing, and the re-forecast's chunks never change a figure."""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from workbench import load_scenario
from workbench.cli import main
from workbench.followup import book as B
from workbench.followup import bounds as BD
from workbench.followup import examples as X
from workbench.followup import reforecast as RF
from workbench.followup import store

from helpers import ROOT

SCN = ROOT / "parameters" / "ftap_2018_2022.yaml"
BOOKS = ROOT / "src" / "workbench" / "data" / "books"
CALL2_2019 = BOOKS / "ftap_call2_2019-12-31.csv"
CALL2_2020 = BOOKS / "ftap_call2_2020-12-31.csv"
HEADER = "id,call,fund,grant_eur,decision_date,convention_date,paid_2019_eur,paid_2020_eur,end_date,status\n"
GOOD = "P1,AAP2,FTAP,1000000,2018-10-31,2019-03-01,100000,400000,2022-06-30,running"


def _cli(capsys, *argv) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err
    return rc, cap.out, cap.err


def _book(tmp_path, rows, header=HEADER, name="book.csv"):
    p = tmp_path / name
    p.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


def _count(db) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]


def _files(folder) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# --------------------------------------------------------------------------------------------
# books that lie
# --------------------------------------------------------------------------------------------
def test_a_payment_column_outside_the_funds_years_is_refused_and_nothing_is_stored(tmp_path, capsys):
    # the report: "a paid_0001_eur column gives a traceback at import, and status then reports 0 paid"
    text = CALL2_2020.read_text(encoding="utf-8").replace("paid_2019_eur", "paid_0001_eur", 1)
    book = tmp_path / "typo.csv"
    book.write_text(text, encoding="utf-8")
    db = tmp_path / "b.sqlite"
    rc, _, err = _cli(capsys, "book", "import", book, "--as-of", "2020-12-31", "--db", db)
    assert rc == 2 and str(book) in err and "column paid_0001_eur" in err and "'paid_0001_eur'" in err
    assert "outside the fund's years (1990-2100, sanity bounds, no scenario); nothing is stored" in err
    assert not db.exists() or store.snapshots(db).empty
    rc, _, err = _cli(capsys, "book", "import", book, "--as-of", "2020-12-31", "--db", db, "--lang", "fr")
    assert rc == 2 and "hors des années du fonds (1990-2100" in err
    # with the scenario: its horizon, 2018-2022, and 20 years of payments after it
    early = _book(tmp_path, [GOOD], header=HEADER.replace("paid_2019_eur", "paid_2017_eur"), name="early.csv")
    rc, _, err = _cli(capsys, "book", "import", early, "--as-of", "2020-12-31", "--db", db, "--scenario", SCN)
    assert rc == 2 and "column paid_2017_eur" in err and "(2018-2042, scenario 'ftap_2018_2022''s horizon 2018-2022" in err
    out = tmp_path / "out"
    rc, _, err = _cli(capsys, "status", SCN, "--book", book, "--as-of", "2020-12-31", "--out", out)
    assert rc == 2 and not out.exists()


def test_snapshot_dates_are_checked_and_a_snapshot_can_be_withdrawn_with_its_reason(tmp_path, capsys):
    db = tmp_path / "b.sqlite"
    # "--as-of 9999-12-31 is stored and refuses every later real import"
    rc, _, err = _cli(capsys, "book", "import", CALL2_2019, "--as-of", "9999-12-31", "--db", db)
    latest = (dt.date.today() + dt.timedelta(days=BD.FUTURE_MARGIN_DAYS)).isoformat()
    assert rc == 2 and f"date in the future: at most {latest} (today + 31 days)" in err and not db.exists()
    rc, _, err = _cli(capsys, "book", "import", CALL2_2019, "--as-of", "2017-12-31", "--db", db, "--scenario", SCN)
    assert rc == 2 and "date outside the period allowed, 2018-01-01 to 2042-12-31" in err
    # a date the bounds allow but the user got wrong: withdrawn, then the right one goes in
    assert _cli(capsys, "book", "import", CALL2_2020, "--as-of", "2021-06-30", "--db", db)[0] == 0
    rc, _, err = _cli(capsys, "book", "import", CALL2_2020, "--as-of", "2020-12-31", "--db", db)
    assert rc == 2 and "older than book 'FTAP''s latest snapshot (2021-06-30)" in err
    rc, _, err = _cli(capsys, "book", "drop", "--as-of", "2021-06-30", "--db", db, "--reason", "  ")
    assert rc == 2 and "say why the snapshot is withdrawn" in err and _count(db) == 1
    rc, _, err = _cli(capsys, "book", "drop", "--as-of", "2021-07-01", "--db", db, "--reason", "x")
    assert rc == 2 and "book 'FTAP' has no snapshot at this date (snapshots: 2021-06-30)" in err
    before = store.load_snapshot(db, dt.date(2021, 6, 30))
    rc, out, _ = _cli(capsys, "book", "drop", "--as-of", "2021-06-30", "--db", db, "--reason",
                      "wrong date: the book describes the end of 2020", "--lang", "fr")
    assert rc == 0 and "instantané 1 du livre « FTAP » au 2021-06-30 retiré (16 projets)" in out
    assert _count(db) == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM projects").fetchone()[0] == 0
    assert _cli(capsys, "book", "import", CALL2_2020, "--as-of", "2020-12-31", "--db", db)[0] == 0
    rc, out, _ = _cli(capsys, "book", "list", "--db", db)
    assert rc == 0 and "Audit trail (who, when, what, why):" in out
    trail = store.audit_trail(db)
    assert list(trail["action"]) == ["import", "drop", "import"]
    assert list(trail["as_of"]) == ["2021-06-30", "2021-06-30", "2020-12-31"]
    assert set(trail["os_user"]) == {getpass.getuser()}
    assert trail.at[1, "reason"] == "wrong date: the book describes the end of 2020"
    assert "wrong date: the book describes the end of 2020" in out and getpass.getuser() in out
    for t in trail["at_utc"]:   # when: an instant of this test run
        assert abs(dt.datetime.fromisoformat(t) - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(hours=1)
    # what was withdrawn is kept, whole, in the trail
    with sqlite3.connect(db) as con:
        kept = con.execute("SELECT withdrawn_csv FROM audit WHERE action = 'drop'").fetchone()[0]
    assert kept == store._csv_text(before)


def test_absurd_amounts_and_dates_are_refused_with_and_without_a_scenario(tmp_path, capsys):
    db = tmp_path / "b.sqlite"
    cases = [   # (row, place, rule, with the scenario only)
        ("P1,AAP2,FTAP,1e15,2018-10-31,2019-03-01,0,0,2022-06-30,running",
         "row 2, column grant_eur", "amount above the plausibility bound (10,000,000,000 €)", False),
        ("P1,AAP2,FTAP,1000000,1900-01-01,2019-03-01,0,0,2022-06-30,running",
         "row 2, column decision_date", "date outside the period allowed, 1990-01-01 to 2100-12-31", False),
        ("P1,AAP2,FTAP,1000000,2018-10-31,2019-03-01,0,0,9999-12-31,running",
         "row 2, column end_date", "date outside the period allowed, 1990-01-01 to 2100-12-31", False),
        ("P1,AAP2,FTAP,800000000,2018-10-31,2019-03-01,0,0,2022-06-30,running",
         "row 2, column grant_eur", "grant above the whole envelope of fund FTAP (780,000,000 €)", True),
        ("P1,AAP2,FTAP,1000000,2023-03-01,2023-06-01,0,0,2025-06-30,running",
         "row 2, column decision_date", "decision after the end of the scenario's horizon (2022-12-31", True),
    ]
    for row, where, rule, scenario_only in cases:
        book = _book(tmp_path, [row])
        args = ["book", "import", book, "--as-of", "2023-12-31", "--db", db]
        if scenario_only:
            assert _cli(capsys, *args)[0] == 0     # plausible without a fund to compare with
            assert _cli(capsys, "book", "drop", "--as-of", "2023-12-31", "--db", db, "--reason", "test")[0] == 0
            args += ["--scenario", SCN]
        rc, _, err = _cli(capsys, *args)
        assert rc == 2 and where in err and rule in err, (row, err)
        out = tmp_path / "out"
        rc, _, err = _cli(capsys, "status", SCN, "--book", book, "--as-of", "2023-12-31", "--out", out)
        assert rc == 2 and where in err and not out.exists()
    assert store.snapshots(db).empty
    # the French wording, figures in the French format
    rc, _, err = _cli(capsys, "book", "import", _book(tmp_path, [cases[0][0]]), "--as-of", "2023-12-31", "--db", db,
                      "--lang", "fr")
    assert rc == 2 and "montant au-delà de la borne de vraisemblance (10\u202f000\u202f000\u202f000 €)" in err


def test_status_as_of_is_checked_too(tmp_path, capsys):
    out = tmp_path / "out"
    rc, _, err = _cli(capsys, "status", SCN, "--book", CALL2_2020, "--as-of", "2202-12-31", "--out", out)
    assert rc == 2 and "--as-of" in err and "date in the future" in err and not out.exists()


# --------------------------------------------------------------------------------------------
# stores that are not stores, locked or damaged
# --------------------------------------------------------------------------------------------
@pytest.fixture
def stored(tmp_path, capsys):
    db = tmp_path / "books.sqlite"
    assert _cli(capsys, "book", "import", CALL2_2019, "--as-of", "2019-12-31", "--db", db)[0] == 0
    return db


def _every_command(capsys, db, tmp_path) -> list[tuple[int, str]]:
    out = tmp_path / "out"
    runs = [_cli(capsys, "book", "list", "--db", db),
            _cli(capsys, "book", "import", CALL2_2020, "--as-of", "2020-12-31", "--db", db),
            _cli(capsys, "book", "drop", "--as-of", "2019-12-31", "--db", db, "--reason", "test"),
            _cli(capsys, "status", SCN, "--book", db, "--as-of", "2020-12-31", "--out", out, "--draws", "20")]
    assert not out.exists()
    return [(rc, err) for rc, _, err in runs]


def test_a_file_that_is_not_sqlite_or_another_applications_database_is_a_message(tmp_path, capsys):
    db = tmp_path / "notes.sqlite"
    db.write_text("minutes of the committee, not a database\n" * 20, encoding="utf-8")
    before = db.read_bytes()
    for rc, err in _every_command(capsys, db, tmp_path):
        assert rc == 2 and "is not an SQLite database" in err and str(db) in err
    assert db.read_bytes() == before
    rc, _, err = _cli(capsys, "book", "list", "--db", db, "--lang", "fr")
    assert rc == 2 and "n'est pas une base SQLite" in err
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
    before = other.read_bytes()
    for rc, err in _every_command(capsys, other, tmp_path):
        assert rc == 2 and "not a laureate book store (tables: invoices)" in err
    assert other.read_bytes() == before


def test_a_damaged_store_is_a_message_and_is_not_written(stored, tmp_path, capsys):
    data = bytearray(stored.read_bytes())
    data[4096 * 2: 4096 * 2 + 600] = b"Z" * 600           # a page of the snapshot table overwritten
    stored.write_bytes(bytes(data))
    for rc, err in _every_command(capsys, stored, tmp_path):
        assert rc == 2 and "damaged SQLite database" in err and "restore it from a backup" in err
    assert stored.read_bytes() == bytes(data)


def test_a_locked_store_is_waited_for_then_reported(stored, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(stored, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")                       # another process writing
    try:
        for rc, err in _every_command(capsys, stored, tmp_path):
            assert rc == 2 and "database locked by another process" in err and "after waiting 0.2 s" in err
        rc, _, err = _cli(capsys, "book", "list", "--db", stored, "--lang", "fr")
        assert "base verrouillée par un autre processus" in err and "après 0,2 s d'attente" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _cli(capsys, "book", "list", "--db", stored)[0] == 0


def test_a_store_of_the_first_version_is_read_and_upgraded_on_its_next_import(tmp_path, capsys):
    db = tmp_path / "v1.sqlite"
    with sqlite3.connect(db) as con:      # the tables of the store before its audit trail
        con.executescript(store.SCHEMA.split("CREATE TABLE IF NOT EXISTS audit")[0])
    assert store.audit_trail(db).empty and store.snapshots(db).empty
    assert _cli(capsys, "book", "import", CALL2_2019, "--as-of", "2019-12-31", "--db", db)[0] == 0
    assert list(store.audit_trail(db)["action"]) == ["import"]
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"   # back to its rollback journal
    assert not (tmp_path / "v1.sqlite-wal").exists()


# --------------------------------------------------------------------------------------------
# a kill in the middle of an import
# --------------------------------------------------------------------------------------------
KILLED_IMPORT = """
import sys, time
from workbench.followup import store
real = store._insert_projects

def stuck(con, *args):
    con.execute("PRAGMA cache_size=10")   # the rows spill into the write-ahead log before the commit
    real(con, *args)
    print("inserted", flush=True)
    time.sleep(600)

store._insert_projects = stuck
from workbench.cli import main
main(sys.argv[1:])
"""


def test_a_kill_during_an_import_leaves_the_previous_state_readable_without_writing(tmp_path, capsys):
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "books.sqlite"
    assert _cli(capsys, "book", "import", CALL2_2019, "--as-of", "2019-12-31", "--db", db)[0] == 0
    big = tmp_path / "big.csv"
    X.fund_book(n_projects=3000, as_of=dt.date(2020, 12, 31)).to_csv(big, index=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, "book", "import", str(big), "--as-of", "2020-12-31",
                             "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()                     # the rows are written, the transaction still open
        assert line.strip() == "inserted", proc.stderr.read()
        proc.kill()                                       # SIGKILL: no clean-up runs
    finally:
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
    wal = folder / "books.sqlite-wal"
    assert wal.stat().st_size > 0                         # the unfinished transaction is in the log
    before = _files(folder)
    for p in folder.iterdir():                            # readers may not write (for a user other than root)
        p.chmod(0o444)
    folder.chmod(0o555)
    try:
        rc, out, err = _cli(capsys, "book", "list", "--db", db)
        assert rc == 0, err
        assert list(store.snapshots(db)["as_of"]) == ["2019-12-31"] and "2020-12-31" not in out
        res = tmp_path / "status"
        rc, out, err = _cli(capsys, "status", SCN, "--book", db, "--as-of", "2020-12-31", "--out", res,
                            "--draws", "50")
        assert rc == 0, err
        prov = json.loads((res / "provenance.json").read_text())
        assert prov["book_snapshot"]["snapshot_as_of"] == "2019-12-31"
        assert pd.read_csv(res / "position.csv").at[0, "n_projects"] == 16
        after = _files(folder)
        # nothing written: the database and its log are byte for byte the same (root may refresh the
        # log's shared-memory index, which holds no data)
        assert {k: v for k, v in after.items() if not k.endswith("-shm")} == \
               {k: v for k, v in before.items() if not k.endswith("-shm")}
    finally:
        folder.chmod(0o755)
        for p in folder.iterdir():
            p.chmod(0o644)
    # the next import recovers and leaves the file in its rollback journal
    assert _cli(capsys, "book", "import", big, "--as-of", "2020-12-31", "--db", db)[0] == 0
    assert list(store.snapshots(db)["n_projects"]) == [16, 3000]
    assert not wal.exists()
    assert stat.S_IMODE(db.stat().st_mode) & 0o040


# --------------------------------------------------------------------------------------------
# scale: vectorised validation, chunked re-forecast
# --------------------------------------------------------------------------------------------
def test_the_column_wise_validation_reports_every_problem_in_row_order(tmp_path):
    rows = [GOOD.replace("P1", f"P{i}") for i in range(1, 6)]
    rows[1] = rows[1].replace("1000000", "abc")                       # row 3: not a number
    rows[2] = rows[2].replace("2019-03-01", "2018-01-01")             # row 4: before the decision
    rows[3] = "P4,AAP2,FTAP,1000000,2018-10-31,,0,5,2022-06-30,en panne"   # row 5: no convention, bad status
    rows[4] = rows[4].replace("P5", "P2")                             # row 6: duplicated id
    with pytest.raises(Exception) as e:
        B.read_book(_book(tmp_path, rows), as_of=dt.date(2020, 12, 31))
    places = [str(p.where) for p in e.value.problems]
    assert places == ["row 3, column grant_eur", "row 5, column status", "row 6, column id",
                      "row 4, column convention_date", "row 5, column convention_date"]
    # the same typed table as a cell-by-cell reading: plain and French numbers, repeated dates
    ok = B.read_book(_book(tmp_path, [GOOD, GOOD.replace("P1", "P2").replace("1000000", '"1 000 000,5"')]))
    assert list(ok["grant_eur"]) == [1_000_000.0, 1_000_000.5]
    assert list(ok["convention_date"]) == [dt.date(2019, 3, 1)] * 2 and list(ok["status"]) == ["running"] * 2


def test_the_reforecast_is_bit_identical_for_any_chunk_size(tmp_path):
    scn = load_scenario(SCN)
    as_of = dt.date(2021, 12, 31)
    path = tmp_path / "synthetic.csv"
    X.fund_book(n_projects=1400, as_of=as_of).to_csv(path, index=False)
    book = B.read_book(path, as_of=as_of)
    runs = {c: RF.reforecast(book, as_of, scn, draws=300, seed=5, chunk=c) for c in (1, 256, 700, 10**6)}
    live = int(runs[1].summary["n_live_projects"].sum())
    assert live > 3 * RF.UNIT                       # several units, so several chunks
    first = runs[1]
    for c, r in runs.items():
        assert r.yearly.equals(first.yearly) and r.summary.equals(first.summary), c
        assert r.projects.equals(first.projects), c
        for k in first.draws:
            assert np.array_equal(r.draws[k], first.draws[k]), (c, k)
    # memory: the default chunk keeps each working array within the budget
    assert RF.chunk_projects(1000) * 1000 * RF.BYTES_PER_CELL <= RF.CHUNK_BYTES
    assert RF.chunk_projects(10**6) == RF.UNIT
    # and the draws still conserve the money: paid + future + freed = committed + pending
    pp = first.summary.iloc[0]
    assert pp["future_paid_mean_eur"] + pp["freed_by_abandonment_mean_eur"] + pp["freed_by_underrun_mean_eur"] == \
        pytest.approx(pp["remaining_eur"], rel=1e-9)
