"""The committee's session store (workbench.committee.store): what is recorded comes back, nothing
is changed or deleted, every write is audited and a tampered trail is detected."""
from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from workbench.committee import elicitation as el
from workbench.committee import store as S
from workbench.errors import InputError


def swing(*points):
    return el.swing(dict(zip(el.CRITERIA, points)))


def portfolio_table() -> pd.DataFrame:
    from workbench.messages import Text, msg

    return pd.DataFrame({
        "id": ["P1", "P2", "P3"], "title": ["Portail", "Archivage", "=cmd|' /C calc'!A0"],
        "selected": [True, False, True], "funding": ["full", "", "full"],
        "requested_eur": [1.5e6, 2.0e6, 1.0e6], "funded_eur": [1.5e6, 0.0, 1.0e6], "value": [60.0, 40.0, 50.0],
        "reason": [Text(msg("R_SELECTED", forced=msg("R_FORCED_IN"), payer="FTAP")), Text(msg("R_OUTRANKED")),
                   Text(msg("R_SELECTED", forced="", payer="FTAP"))],
        "reason_code": ["R_SELECTED", "R_OUTRANKED", "R_SELECTED"]})


@pytest.fixture
def db(tmp_path):
    return tmp_path / "committee.sqlite"


def test_a_session_keeps_each_members_latest_weights_and_their_history(db):
    sid = S.create_session(db, "Comité FTAP, appel 2", "parameters/x.yaml", "ab" * 32, recorder="Mme Durand")
    S.record_weights(db, sid, "Anne", swing(100, 50, 25, 25))
    S.record_weights(db, sid, "Bruno", el.ahp({"strategic|service": 3, "strategic|savings": 5,
                                              "strategic|governance": 7, "service|savings": 3,
                                              "service|governance": 5, "savings|governance": 3}))
    S.record_weights(db, sid, "Anne", swing(100, 100, 100, 100))     # Anne changes her mind
    s = S.load_session(db, sid)
    assert (s.title, s.recorder, s.rule, s.scenario_path) == ("Comité FTAP, appel 2", "Mme Durand", "auto",
                                                                "parameters/x.yaml")
    assert list(s.members) == ["Anne", "Bruno"]                     # in the order they first spoke
    assert s.members["Anne"].weights == dict.fromkeys(el.CRITERIA, 0.25)   # the latest in force
    assert len(s.elicitations) == 3                                   # the earlier one kept
    assert s.members["Bruno"].consistency_ratio == pytest.approx(
        s.elicitations.iloc[1]["consistency_ratio"]) and s.members["Bruno"].method == "ahp"
    assert list(s.audit["action"]) == ["session_created", "weights_recorded", "weights_recorded", "weights_recorded"]
    assert list(s.audit["actor"]) == ["Mme Durand", "Anne", "Bruno", "Anne"]
    assert S.verify_audit(db) == []
    t = S.sessions(db)
    assert t.loc[0, "members"] == 2 and t.loc[0, "decisions"] == 0


def test_nothing_recorded_can_be_changed_or_deleted(db):
    sid = S.create_session(db, "S", "x.yaml", "0" * 64)
    S.record_weights(db, sid, "Anne", swing(100, 50, 25, 25))
    con = sqlite3.connect(db)
    for sql in ("UPDATE elicitations SET member = 'Eve'", "DELETE FROM elicitations", "DELETE FROM audit",
                "UPDATE audit SET actor = 'Eve'", "DELETE FROM sessions"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute(sql)
    con.close()
    assert S.load_session(db, sid).members["Anne"].weights["strategic"] == 0.5


def test_a_tampered_audit_trail_is_detected(db):
    sid = S.create_session(db, "S", "x.yaml", "0" * 64)
    S.record_weights(db, sid, "Anne", swing(100, 50, 25, 25))
    S.record_weights(db, sid, "Bruno", swing(100, 100, 50, 50))
    S.record_weights(db, sid, "Chloé", swing(50, 100, 50, 50))
    assert S.verify_audit(db, sid) == []
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER audit_no_update")       # someone edits the file behind the workbench's back
    con.execute("UPDATE audit SET actor = 'Eve' WHERE audit_id = 2")
    con.execute("DROP TRIGGER audit_no_delete")
    con.execute("DELETE FROM audit WHERE audit_id = 3")
    con.commit()
    con.close()
    problems = S.verify_audit(db, sid)
    assert problems[0] == "audit row 2: content does not match its hash"
    assert problems[1].startswith("audit row 4: chained to ") and len(problems) == 2   # row 3 is missing


def test_a_decision_keeps_the_portfolio_reasons_and_overrides(db):
    sid = S.create_session(db, "S", "x.yaml", "0" * 64, recorder="Sec")
    with pytest.raises(InputError) as e:
        S.record_decision(db, sid, "AAP-1", portfolio_table(), "  ", {"strategic": 1.0}, "arithmetic",
                          [S.Override("P1", "in", ""), S.Override("P9", "out", "x"), S.Override("P3", "up", "y")])
    text = e.value.message()
    assert "justification: '  ': must not be empty" in text
    assert "overrides[0].reason: '': must not be empty" in text
    assert "overrides[1].project_id: 'P9': project not in the decided portfolio" in text
    assert "overrides[2].direction: 'up': must be 'in' or 'out'" in text
    assert len(S.load_session(db, sid).all_decisions) == 0           # nothing stored
    d1 = S.record_decision(db, sid, "AAP-1", portfolio_table(), "Premier avis", {"strategic": 1.0}, "arithmetic",
                           [S.Override("P1", "in", "priorité du Gouvernement")], budget_eur=5e6,
                           robustness={"samples": 100, "seed": 7, "members": ["A", "B"]})
    d2 = S.record_decision(db, sid, "AAP-1", portfolio_table(), "Avis définitif", {"strategic": 0.5, "service": 0.5},
                           "aij")
    s = S.load_session(db, sid)
    assert list(s.decisions["decision_id"]) == [d2] and list(s.all_decisions["decision_id"]) == [d1, d2]
    p = s.projects[d1]
    assert list(p["project_id"]) == ["P1", "P2", "P3"] and list(p["selected"]) == [1, 0, 1]
    assert list(p["grant_eur"]) == [1.5e6, 0.0, 1.0e6]
    assert p.loc[0, "reason_fr"] == "retenu (imposé), payé par FTAP" and p.loc[0, "reason_en"] == \
        "selected (forced in), paid by FTAP"
    assert p.loc[2, "title"] == "=cmd|' /C calc'!A0"                 # stored as given: data, not a formula
    assert s.overrides[d1].iloc[0].tolist() == [d1, "P1", "in", "priorité du Gouvernement"]
    assert d2 not in s.overrides
    audit = s.audit[s.audit["action"] == "decision_recorded"]
    assert len(audit) == 2 and audit.iloc[0]["actor"] == "Sec"
    assert S.verify_audit(db) == []


def test_unknown_sessions_and_bad_files_are_named(db, tmp_path):
    sid = S.create_session(db, "S", "x.yaml", "0" * 64)
    with pytest.raises(InputError) as e:
        S.load_session(db, 42)
    assert f"--session: 42: unknown session in {db}; sessions stored: {sid}" in e.value.message()
    with pytest.raises(InputError, match="file does not exist"):
        S.sessions(tmp_path / "none.sqlite")
    (tmp_path / "folder.sqlite").mkdir()
    with pytest.raises(InputError, match="is not a database file"):
        S.create_session(tmp_path / "folder.sqlite", "S", "x.yaml", "0" * 64)
    (tmp_path / "text.sqlite").write_text("not a database")
    with pytest.raises(InputError, match="is not a readable committee store"):
        S.sessions(tmp_path / "text.sqlite")
    with pytest.raises(InputError, match="must not be empty"):
        S.create_session(db, " ", "x.yaml", "0" * 64)
    with pytest.raises(InputError, match="must not be empty"):
        S.record_weights(db, sid, "", swing(100, 1, 1, 1))


def test_the_rule_change_is_audited(db):
    sid = S.create_session(db, "S", "x.yaml", "0" * 64, recorder="Sec")
    S.set_rule(db, sid, "geometric")
    S.set_rule(db, sid, "geometric")          # no change: nothing written
    with pytest.raises(InputError, match="unknown aggregation rule"):
        S.set_rule(db, sid, "median")
    s = S.load_session(db, sid)
    assert s.rule == "geometric"
    assert list(s.audit["action"]) == ["session_created", "rule_set"]
    assert S.verify_audit(db) == []


def test_no_session_open_is_refused_with_the_sessions_stored(db):
    """The dashboard's panel passes ``session_id=None`` when no session is open: every write and
    read refuses it with the sessions stored, nothing written."""
    sid = S.create_session(db, "S", "x.yaml", "0" * 64)
    want = f"--session: None: unknown session in {db}; sessions stored: {sid}"
    calls = [lambda: S.record_weights(db, None, "Anne", swing(100, 1, 1, 1)),
             lambda: S.set_rule(db, None, "geometric"),
             lambda: S.record_decision(db, None, "", portfolio_table(), "motif", {}, "arithmetic"),
             lambda: S.record_minutes(db, None, {}),
             lambda: S.load_session(db, None)]
    for call in calls:
        with pytest.raises(InputError) as e:
            call()
        assert want in e.value.message()
    s = S.load_session(db, sid)
    assert s.members == {} and len(s.all_decisions) == 0 and len(s.audit) == 1   # the session's creation only
