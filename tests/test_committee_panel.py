"""The dashboard's committee panel driven from Python (workbench.dashboard.committee): members enter
their weights, the room's weights go to the page's sliders, the robustness under the members'
weights and the sensitivity are shown, the decision and the minutes are recorded."""
from __future__ import annotations

import numpy as np
import pytest

from workbench import load_candidates, load_scenario, selection
from workbench.committee import elicitation as el
from workbench.committee import store as S
from workbench.committee.minutes import read_minutes


@pytest.fixture(autouse=True)
def _store_beside_the_variants(monkeypatch):
    monkeypatch.delenv("WORKBENCH_COMMITTEE_DB", raising=False)


def enter_member(cm, name: str, method: str, answers: dict) -> None:
    cm.w["member"].value = name
    cm.w["method"].value = method
    for k, v in answers.items():
        cm.w[f"swing_{k}" if method == "swing" else f"ahp_{k[0]}_{k[1]}"].value = v
    cm.w["record"].click()


BRUNO = {("strategic", "service"): "1/5", ("strategic", "savings"): "1/3", ("strategic", "governance"): "1/3",
         ("service", "savings"): "1", ("service", "governance"): "3", ("savings", "governance"): "3"}
CHLOE = {("strategic", "service"): "9", ("strategic", "savings"): "1/9", ("strategic", "governance"): "9",
         ("service", "savings"): "9", ("service", "governance"): "1/9", ("savings", "governance"): "9"}


def test_members_weights_the_room_and_the_sliders(app, scenario_dir):
    cm = app.committee
    assert cm.db == scenario_dir / "variants" / "committee.sqlite"
    cm.w["new_title"].value, cm.w["recorder"].value = "Comité de test", "Mme Durand"
    cm.w["create"].click()
    assert "Séance n° 1 ouverte : Comité de test" in cm.w["msg"].value and cm.w["session"].value == 1
    enter_member(cm, "Anne", "swing", {"strategic": 100, "service": 30, "savings": 20, "governance": 10})
    assert "Poids de Anne enregistrés" in cm.w["msg"].value
    assert "Stratégique et innovant 62,5\u00a0%" in cm.w["preview"].value
    enter_member(cm, "Bruno", "ahp", BRUNO)
    assert cm.w["swing_box"].layout.display == "none"        # the swing answers hidden, nothing else
    assert cm.w["ahp_box"].layout.display is None and cm.w["preview"].layout.display is None
    assert all(w.layout.display is None for w in cm.widget().children if w is not cm.w["swing_box"] and w
               is not cm.w["apply"])
    assert "ratio de cohérence 0,043" in cm.w["preview"].value and "cohérent (au plus 0,10)" in cm.w["preview"].value
    enter_member(cm, "Chloé", "ahp", CHLOE)
    assert "wb-cm-cr-high" in cm.w["preview"].value and "jugements peu cohérents" in cm.w["preview"].value
    s = S.load_session(cm.db, 1)
    assert list(s.members) == ["Anne", "Bruno", "Chloé"]
    assert s.members["Bruno"].weights == pytest.approx(el.ahp({f"{a}|{b}": v for (a, b), v in BRUNO.items()}).weights)
    room = el.aggregate(list(s.members.values()))
    assert cm.room.rule == "arithmetic" and cm.room.weights == pytest.approx(room.weights)
    html = cm.w["room"].value
    assert html.count("<tr") == 1 + 3 + 1 + 3          # header, members, the room, min/max/std
    assert "Chloé" in html and "CR &gt; 0,10" in html and "moyenne arithmétique" in html
    cm.w["apply"].click()
    w = {c: app.controls[f"weight_{c}"].value for c in el.CRITERIA}
    assert w == pytest.approx(room.weights, abs=1e-4)
    scn = load_scenario(scenario_dir / "committee.yaml")
    expected = selection.rank(scn, load_candidates(scn), weights=w).table
    assert app.selected_ids == sorted(expected.loc[expected["selected"], "id"])
    # a rule the room chooses is stored and audited
    cm.w["rule"].value = "geometric"
    assert S.load_session(cm.db, 1).rule == "geometric" and cm.room.rule == "geometric"
    assert "moyenne géométrique des poids" in cm.w["room"].value
    app.controls["lang"].value = "en"
    assert "Committee: each member&#x27;s weights" in cm.w["title_h"].value
    assert "geometric mean of weights" in cm.w["room"].value and cm.w["record"].description == "Record the member's weights"


@pytest.mark.slow
def test_robustness_decision_and_minutes(app, monkeypatch):
    import workbench.reporting.batch as batch

    monkeypatch.setattr(batch, "find_chromium", lambda: None)     # the PDF: in the browser test
    cm = app.committee
    cm.open_session("Séance", "Sec")
    enter_member(cm, "Anne", "swing", {"strategic": 100, "service": 20, "savings": 10, "governance": 10})
    enter_member(cm, "Bruno", "ahp", BRUNO)
    cm.w["apply"].click()
    app.controls["force_out"].value = ("C5",)
    boxes = cm.w["reasons"].children
    assert [b.description for b in boxes] == ["Motif du forçage de C5 (écarté)"]
    cm.compute_robustness(samples=30)
    out = cm.w["robust_out"].value
    assert "30 tirages de poids dans l&#x27;enveloppe convexe des poids des 2 membres" in out
    assert out.count("data-id=") == 8
    freq = cm.robust.table.set_index("id")["selection_frequency"]
    assert freq["C5"] == 0.0 and freq["C7"] == 0.0                  # forced out, ineligible
    sens = cm.w["sensitivity"].value
    assert "<svg" in sens and "role='img'" in sens and "wb-cm-stability-data" in sens and sens.count("<tr>") == 5
    cm.w["justification"].value = "Le comité écarte C5 <b>doublon</b>"
    cm.w["decide"].click()
    assert "overrides[0].reason" in cm.w["decide_msg"].value and "ne doit pas être vide" in cm.w["decide_msg"].value
    boxes[0].value = "doublon d'un projet déjà financé"
    cm.w["decide"].click()
    assert "Décision n° 1 enregistrée pour tous les appels." in cm.w["decide_msg"].value
    s = S.load_session(cm.db, cm.session_id)
    p = s.projects[1]
    assert sorted(p.loc[p["selected"] == 1, "project_id"]) == app.selected_ids
    assert p.set_index("project_id")["selection_frequency"].to_dict() == pytest.approx(freq.to_dict())
    assert s.overrides[1].iloc[0][["project_id", "direction", "reason"]].tolist() == [
        "C5", "out", "doublon d'un projet déjà financé"]
    w = {k: v for k, v in zip(el.CRITERIA, np.array([app.totals["weights"][c] for c in el.CRITERIA]))}
    assert s.decisions.iloc[0]["weights_json"] and S.verify_audit(cm.db) == []
    out = cm.export_minutes("en")
    links = cm.w["links"].value
    assert "minutes_decisions.csv" in links and "minutes.docx" in links and "no PDF: Chromium is not installed" in links
    assert out.folder == cm.db.parent / "minutes" / f"session-{cm.session_id}"
    assert f"Procès-verbal écrit dans minutes/session-{cm.session_id}" in links
    assert str(cm.db.parent) not in links + cm.w["intro"].value      # no server path on the page
    m = read_minutes(out.folder)
    assert m["calls"].iloc[0]["justification"] == "Le comité écarte C5 <b>doublon</b>"
    assert sorted(m["decisions"].loc[m["decisions"]["selected"], "project_id"]) == app.selected_ids
    assert m["calls"].iloc[0][[f"weight_{c}" for c in el.CRITERIA]].tolist() == pytest.approx(list(w.values()))
    # the robustness computed for another page (other forced projects) is not recorded with this decision
    app.controls["force_out"].value = ()
    cm.w["justification"].value = "Sans forçage"
    cm.w["decide"].click()
    s = S.load_session(cm.db, cm.session_id)
    assert s.projects[2]["selection_frequency"].isna().all() and s.decisions.iloc[0]["robustness_json"] == "{}"


def test_a_decision_without_a_portfolio_on_the_page_is_refused(tmp_path):
    """The page's first computation failed (no ranked table): recording a decision says so,
    nothing is written."""
    import pandas as pd

    from workbench.dashboard.committee import CommitteePanel, PageContext
    from workbench.errors import InputError

    ctx = PageContext(None, pd.DataFrame({"id": []}), "", None, (), (), None, None)
    cm = CommitteePanel(lambda: ctx, tmp_path / "committee.sqlite")
    sid = cm.open_session("Séance", "Sec")
    with pytest.raises(InputError) as e:
        cm.record_decision("motif")
    assert "table: None: the page has no ranked portfolio to record (first correct the error shown)" in e.value.message()
    assert len(S.load_session(cm.db, sid).all_decisions) == 0
