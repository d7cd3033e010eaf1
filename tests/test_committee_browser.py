"""The committee room in a real browser: Debian's Chromium driven by Playwright against Voilà.

Three members enter their weights on the page (swing for one, pairwise comparisons for two), the
room's weights go to the sliders, the robustness under the members' weights is shown, the decision
is recorded and the minutes exported; the minutes are read back from disk (CSV parsed, the PDF's
text extracted).  The expected figures come from the package (the store the page wrote, the
selection, the room's robustness), not from the page.  One Voilà server for the module, as in
``test_dashboard_browser.py``.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT, free_port, wait_for_port

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

DATA = ROOT / "tests" / "data" / "dashboard"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - `make test` installs it
    pytest.skip("Debian's chromium is not installed (make browser)", allow_module_level=True)

BRUNO = {("strategic", "service"): "1/5", ("strategic", "savings"): "1/3", ("strategic", "governance"): "1/3",
         ("service", "savings"): "1", ("service", "governance"): "3", ("savings", "governance"): "3"}
CHLOE = {("strategic", "service"): "9", ("strategic", "savings"): "1/9", ("strategic", "governance"): "9",
         ("service", "savings"): "9", ("service", "governance"): "1/9", ("savings", "governance"): "9"}
JUSTIFICATION = "Le comité retient le portefeuille de la salle : <b>unanimité</b> moins une voix."


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    d = tmp_path_factory.mktemp("parameters")
    for f in DATA.iterdir():
        shutil.copy(f, d / f.name)
    return d / "committee.yaml", tmp_path_factory.mktemp("variants")


@pytest.fixture(scope="module")
def page(folders, tmp_path_factory):
    from workbench.dashboard import dashboard_url, serve_command

    scenario, variants = folders
    port = free_port()
    cmd, env, cwd = serve_command(scenario=scenario, port=port, variants_dir=variants)
    env.pop("WORKBENCH_COMMITTEE_DB", None)          # the store beside the variants
    log = (tmp_path_factory.mktemp("voila") / "voila.log").open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pg = browser.new_page(viewport={"width": 1500, "height": 1150})
            pg.goto(dashboard_url(port, env=env), timeout=120_000)
            pg.wait_for_selector(".wb-ranked table", timeout=120_000)
            pg.wait_for_selector(".wb-committee", timeout=60_000)
            yield pg
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def shown_selection(pg) -> list[str]:
    return sorted(pg.eval_on_selector_all(".wb-ranked tr.wb-sel", "rows => rows.map(r => r.dataset.id)"))


def say(pg, where: str, words: str) -> None:
    """Wait until the panel's output ``where`` says ``words``."""
    pg.wait_for_selector(f".wb-cm-{where} >> text={words}", timeout=120_000)


def enter_member(pg, name: str, method: str, answers: dict) -> None:
    from workbench.dashboard.committee import _pair_options

    pg.fill(".wb-cm-member input", name)
    pg.click(f".wb-cm-method button:has-text('{'Swing' if method == 'swing' else 'AHP'}')")
    for key, value in answers.items():
        if method == "swing":
            box = pg.locator(f".wb-cm-swing-{key} input")
            box.fill(str(value))
            box.press("Enter")
        else:
            a, b = key
            words = dict((v, k) for k, v in _pair_options(a, b, "fr"))[value]
            pg.select_option(f".wb-cm-ahp-{a}-{b} select", label=words)


def test_three_members_the_rooms_robustness_and_the_minutes(page, folders):
    from pypdf import PdfReader

    from workbench import load_candidates, load_scenario, selection
    from workbench.committee import elicitation as el
    from workbench.committee import store as S
    from workbench.committee.minutes import read_minutes
    from workbench.committee.room import room_robustness
    from workbench.dashboard.committee import PANEL_SAMPLES
    from workbench.units import pct

    scenario, variants = folders
    db = variants / "committee.sqlite"
    pg = page
    # a session, then three members: swing for one, pairwise comparisons for two
    pg.fill(".wb-cm-new-title input", "Comité navigateur")
    pg.fill(".wb-cm-recorder input", "Mme Durand")
    pg.click("button.wb-cm-create")
    say(pg, "msg", "Séance n° 1 ouverte : Comité navigateur")
    enter_member(pg, "Anne", "swing", {"strategic": 100, "service": 30, "savings": 20, "governance": 10})
    pg.wait_for_selector(".wb-cm-preview >> text=Stratégique et innovant 62,5", timeout=60_000)
    pg.click("button.wb-cm-record")
    say(pg, "msg", "Poids de Anne enregistrés")
    enter_member(pg, "Bruno", "ahp", BRUNO)
    pg.wait_for_selector(".wb-cm-preview >> text=ratio de cohérence 0,043", timeout=60_000)
    pg.click("button.wb-cm-record")
    say(pg, "msg", "Poids de Bruno enregistrés")
    enter_member(pg, "Chloé", "ahp", CHLOE)
    pg.wait_for_selector(".wb-cm-preview .wb-cm-cr-high", timeout=60_000)    # an inconsistent member is flagged
    pg.click("button.wb-cm-record")
    say(pg, "msg", "Poids de Chloé enregistrés")

    s = S.load_session(db, 1)
    assert list(s.members) == ["Anne", "Bruno", "Chloé"] and [s.members[m].method for m in s.members] == [
        "swing", "ahp", "ahp"]
    assert s.members["Bruno"].weights == pytest.approx(el.ahp({f"{a}|{b}": v for (a, b), v in BRUNO.items()}).weights)
    assert s.members["Chloé"].inconsistent
    room = el.aggregate(list(s.members.values()))
    assert room.rule == "arithmetic"
    rows = pg.locator(".wb-cm-members tbody tr")
    assert rows.count() == 3 + 1 + 3
    assert pct(room.weights["strategic"], "fr") in rows.nth(3).inner_text()

    # the room's weights to the sliders: the page's portfolio is the room's
    scn = load_scenario(scenario)
    cands = load_candidates(scn)
    applied = {c: round(room.weights[c], 4) for c in el.CRITERIA}
    ranked = selection.rank(scn, cands, weights=applied).table
    expected = sorted(ranked.loc[ranked["selected"], "id"])
    pg.click("button.wb-cm-apply")
    pg.wait_for_function(
        "ids => { const s = [...document.querySelectorAll('.wb-ranked tr.wb-sel')].map(r => r.dataset.id).sort();"
        " return JSON.stringify(s) === JSON.stringify(ids); }", arg=expected, timeout=120_000)

    # the robustness under the members' weights, and the sensitivity chart with its figures
    pg.click("button.wb-cm-robust")
    pg.wait_for_selector(".wb-cm-robust-table", timeout=180_000)
    pg.wait_for_selector(".wb-cm-stability svg", timeout=60_000)
    rr = room_robustness(scn, cands, s.members, room.weights, samples=PANEL_SAMPLES, budget_eur=5e6)
    shown = dict(pg.eval_on_selector_all(
        ".wb-cm-robust-table tbody tr", "rows => rows.map(r => [r.dataset.id, r.querySelector('.wb-cm-freq').innerText])"))
    assert shown == {i: pct(f, "fr", 0) for i, f in zip(rr.table["id"], rr.table["selection_frequency"])}
    assert 0 < rr.table["selection_frequency"].max() and any(0 < f < 1 for f in rr.table["selection_frequency"])
    assert pg.locator(".wb-cm-stability-data tbody tr").count() == 4
    ARTIFACTS.mkdir(exist_ok=True)
    pg.locator(".wb-cm-robust-table").scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "committee_robustness.png"))
    pg.locator(".wb-cm-stability svg").scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "committee_sensitivity.png"))

    # the decision, then the minutes, read back
    pg.fill(".wb-cm-justification textarea", JUSTIFICATION)
    pg.click("button.wb-cm-decide")
    say(pg, "decide-msg", "Décision n° 1 enregistrée")
    pg.click("button.wb-cm-minutes")
    pg.wait_for_selector(".wb-cm-minutes-done", timeout=180_000)
    assert pg.locator("a.wb-cm-dl[download='minutes.pdf']").count() == 1
    pg.screenshot(path=str(ARTIFACTS / "committee_minutes.png"))
    folder = variants / "minutes" / "session-1"
    m = read_minutes(folder)
    dec = m["decisions"]
    assert sorted(dec.loc[dec["selected"], "project_id"]) == expected == shown_selection(pg)
    assert dec.set_index("project_id")["selection_frequency"].to_dict() == pytest.approx(
        dict(zip(rr.table["id"], rr.table["selection_frequency"])))
    assert list(m["members"]["member"]) == ["Anne", "Bruno", "Chloé"]
    assert m["calls"].iloc[0]["justification"] == JUSTIFICATION and m["provenance"]["audit_intact"] == "True"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(folder / "minutes.pdf").pages)
    for words in ("Procès-verbal de la séance n° 1 : Comité navigateur", "Anne", "Bruno", "Chloé",
                  "<b>unanimité</b> moins une voix", "Signatures"):
        assert words in text, words
    assert S.load_session(db, 1).audit.iloc[-1]["action"] == "minutes_exported" and S.verify_audit(db) == []
