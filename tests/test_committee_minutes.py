"""The minutes of a committee session (workbench.committee.minutes, `workbench committee`): written
all or nothing, every user text escaped, read back from the CSV, the PDF and the DOCX."""
from __future__ import annotations

import base64
import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

from workbench import load_candidates, load_scenario, selection
from workbench.cli import main
from workbench.committee import elicitation as el
from workbench.committee import store as S
from workbench.committee.minutes import build_minutes, minutes_html, read_minutes, write_minutes
from workbench.committee.room import room_robustness

from helpers import DATA

EVIL_NAME = "Anne <script>alert('x')</script>"
JUSTIFICATION = "=HYPERLINK(\"http://evil\") <img src=x onerror=alert(1)>\nLe comité retient C2 pour la priorité."
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A session: three members (one swing, two AHP), a superseded decision and the decision in
    force on the test call, with C2 forced in and the robustness under the members' weights."""
    d = tmp_path_factory.mktemp("committee")
    db = d / "committee.sqlite"
    scn = load_scenario(DATA / "dashboard" / "committee.yaml")
    cands = load_candidates(scn)
    sid = S.create_session(db, "Comité <FTAP> & appel test", str(scn.path), scn.hash(), recorder="Mme Durand")
    members = {EVIL_NAME: el.swing({"strategic": 100, "service": 30, "savings": 20, "governance": 10}),
               "Bruno": el.ahp({"strategic|service": "1/5", "strategic|savings": "1/3", "strategic|governance": "1/3",
                                "service|savings": 1, "service|governance": 3, "savings|governance": 3}),
               "Chloé": el.ahp({"strategic|service": 9, "strategic|savings": "1/9", "strategic|governance": 9,
                                "service|savings": 9, "service|governance": "1/9", "savings|governance": 9})}
    for name, e in members.items():
        S.record_weights(db, sid, name, e)
    room = el.aggregate(list(members.values()))
    first = selection.rank(scn, cands, weights=room.weights).table
    S.record_decision(db, sid, "AAP-TEST", first, "Premier avis", room.weights, room.rule)
    rank = selection.rank(scn, cands, weights=room.weights, forced_in=["C2"])
    rr = room_robustness(scn, cands, members, room.weights, samples=40, seed=3, forced_in=["C2"])
    table = rank.table.merge(rr.table[["id", "selection_frequency"]], on="id")
    did = S.record_decision(db, sid, "AAP-TEST", table, JUSTIFICATION, room.weights, room.rule,
                            [S.Override("C2", "in", "priorité ministérielle ; =1+1")], budget_eur=5e6,
                            scenario_path=str(scn.path), scenario_hash=scn.hash(), robustness=rr.record())
    return {"db": db, "sid": sid, "did": did, "room": room, "members": members, "rank": rank, "rr": rr, "dir": d}


def test_the_minutes_read_back_from_their_csv(session, tmp_path):
    out = write_minutes(session["db"], session["sid"], tmp_path / "pv", pdf=False)
    assert sorted(out.files) == ["minutes.docx", "minutes.html", *[f"minutes_{t}.csv" for t in
                                 ("audit", "calls", "decisions", "members", "overrides", "provenance", "room")]]
    m = read_minutes(out.folder)
    dec = m["decisions"]
    assert len(dec) == 8 and set(dec["decision_id"]) == {session["did"]}        # the decision in force only
    rank = session["rank"].table
    assert sorted(dec.loc[dec["selected"], "project_id"]) == sorted(rank.loc[rank["selected"], "id"])
    c2 = dec.set_index("project_id").loc["C2"]
    assert (c2["override"], c2["override_reason"]) == ("in", "priorité ministérielle ; =1+1")
    assert c2["reason_code"] == "R_SELECTED" and c2["reason"] == "retenu (imposé), payé par FTAP"
    freq = session["rr"].table.set_index("id")["selection_frequency"]
    assert dec.set_index("project_id")["selection_frequency"].to_dict() == pytest.approx(freq.to_dict())
    calls = m["calls"]
    assert list(calls["in_force"]) == [False, True]
    # text beginning like a formula is made inert in the CSV ("'" first), otherwise kept as typed
    assert calls.iloc[1]["justification"] == "'" + JUSTIFICATION
    assert calls.iloc[1]["granted_eur"] == pytest.approx(rank.loc[rank["selected"], "requested_eur"].sum())
    mem = m["members"].set_index("member")
    for name, e in session["members"].items():
        assert [mem.loc[name, c] for c in el.CRITERIA] == pytest.approx([e.weights[c] for c in el.CRITERIA], abs=1e-15)
    assert mem.loc["Chloé", "inconsistent"] and not mem.loc["Bruno", "inconsistent"]
    room = m["room"].set_index("criterion")
    assert room["room_weight"].to_dict() == pytest.approx(session["room"].weights, abs=1e-15)
    prov = m["provenance"]
    assert prov["session_id"] == str(session["sid"]) and prov["audit_intact"] == "True"
    assert prov["rule_applied"] == "arithmetic" and prov["lang"] == "fr"
    assert m["overrides"]["reason"].tolist() == ["priorité ministérielle ; =1+1"]


def test_every_user_text_is_escaped_under_a_strict_policy(session):
    page = minutes_html(build_minutes(session["db"], session["sid"]), "fr")
    assert "<script>" not in page and "<img" not in page
    assert "Anne &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "Comité &lt;FTAP&gt; &amp; appel test" in page
    csp = re.search(r"<meta http-equiv='Content-Security-Policy' content=\"([^\"]+)\">", page).group(1)
    assert csp.startswith("default-src 'none'; style-src 'sha256-")
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    assert f"'sha256-{digest}'" in csp       # the one style sheet allowed, by its hash
    assert "ratio de cohérence (CR) au-dessus de 0,10" in page and "au-dessus de 0,10 : jugements à revoir" in page


def test_english_minutes_and_the_docx(session, tmp_path):
    import docx

    out = write_minutes(session["db"], session["sid"], tmp_path / "en", lang="en", pdf=False)
    page = (out.folder / "minutes.html").read_text(encoding="utf-8")
    assert "<html lang='en'>" in page and "Each member&#x27;s weights" in page and "Signatures" in page
    assert "selected (forced in), paid by FTAP [R_SELECTED]" in page
    assert read_minutes(out.folder)["decisions"].set_index("project_id").loc["C2", "reason"] == \
        "selected (forced in), paid by FTAP"
    text = "\n".join(p.text for p in docx.Document(out.folder / "minutes.docx").paragraphs)
    assert "Minutes of session" in text and JUSTIFICATION in text
    cells = {c.text for t in docx.Document(out.folder / "minutes.docx").tables for r in t.rows for c in r.cells}
    assert EVIL_NAME in cells and "priorité ministérielle ; =1+1" in cells


def test_the_export_is_audited_and_a_broken_trail_is_said(session, tmp_path):
    import shutil

    db = tmp_path / "copy.sqlite"
    shutil.copy(session["db"], db)
    out = write_minutes(db, session["sid"], tmp_path / "pv", pdf=False, docx=False)
    last = S.load_session(db, session["sid"]).audit.iloc[-1]
    assert last["action"] == "minutes_exported"
    import json

    files = json.loads(last["detail_json"])["files"]
    assert files == {n: hashlib.sha256((out.folder / n).read_bytes()).hexdigest() for n in files}
    assert S.verify_audit(db) == []
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER overrides_no_update")
    con.execute("DROP TRIGGER audit_no_update")
    con.execute("UPDATE audit SET detail_json = replace(detail_json, 'priorité', 'caprice') "
                "WHERE action = 'decision_recorded'")
    con.commit()
    con.close()
    again = write_minutes(db, session["sid"], tmp_path / "pv2", pdf=False, docx=False)
    page = (again.folder / "minutes.html").read_text(encoding="utf-8")
    assert "Chaîne d&#x27;empreintes ROMPUE" in page
    assert read_minutes(again.folder)["provenance"]["audit_intact"] == "False"


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make browser)")
def test_the_pdf_holds_the_decision_record(session, tmp_path):
    from pypdf import PdfReader

    out = write_minutes(session["db"], session["sid"], tmp_path / "pv")
    assert out.notes == [] and (out.folder / "minutes.pdf").read_bytes()[:5] == b"%PDF-"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out.folder / "minutes.pdf").pages)
    for words in ("Procès-verbal de la séance", "Comité <FTAP> & appel test", "Anne <script>alert('x')</script>",
                  "Bruno", "Chloé", "Le comité retient C2 pour la priorité", "priorité ministérielle",
                  "Journal d'audit", "Signatures", "Le président du comité"):
        assert words in text, words


def test_the_command_line_lists_sessions_and_writes_minutes(session, tmp_path, capsys):
    import shutil

    db = tmp_path / "c.sqlite"
    shutil.copy(session["db"], db)
    assert main(["committee", "list", "--db", str(db)]) == 0
    assert "Comité <FTAP> & appel test" in capsys.readouterr().out
    out = tmp_path / "pv"
    assert main(["committee", "minutes", "--db", str(db), "--session", str(session["sid"]), "--out", str(out),
                 "--no-pdf", "--lang", "fr"]) == 0
    said = capsys.readouterr().out
    assert f"Procès-verbal de la séance n° {session['sid']} écrit dans {out}" in said
    assert (out / "minutes_decisions.csv").is_file() and not (out / "minutes.pdf").exists()
    assert main(["committee", "minutes", "--db", str(db), "--session", "99", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert f"--session: '99': unknown session in {db}; sessions stored: {session['sid']}" in err
    assert not (tmp_path / "x").exists()                       # nothing half-written
    assert main(["committee", "list", "--db", str(tmp_path / "none.sqlite")]) == 2
    assert "file does not exist" in capsys.readouterr().err


def test_the_command_line_finds_the_dashboards_store(session, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKBENCH_COMMITTEE_DB", str(session["db"]))
    assert S.default_path(tmp_path) == session["db"]
    assert main(["committee", "list"]) == 0 and "Comité <FTAP> & appel test" in capsys.readouterr().out
    monkeypatch.delenv("WORKBENCH_COMMITTEE_DB")
    assert S.default_path(tmp_path) == tmp_path / "committee.sqlite"
    from workbench.resources import parameters_dir

    assert S.default_path() == parameters_dir() / "variants" / "committee.sqlite"
