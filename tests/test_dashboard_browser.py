"""The dashboard in a real browser: Debian's Chromium driven by Playwright against Voilà.

Voilà servers started as ``workbench dashboard`` starts them (``workbench.dashboard.serve_command``,
i.e. the project's voila.json, and the page template of ``workbench.dashboard.page``) on free
127.0.0.1 ports, one per scenario for the whole module, stopped at the end: the committee's
small test scenario, and the default FTAP scenario for the committee room (an override below the
quality bar in call AAP4, a variant of AAP4 compared from AAP1, accessibility with axe-core,
screenshots).  The expected portfolios come from the package, not from the page.
"""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from helpers import ROOT, free_port, wait_for_port

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

DATA = ROOT / "tests" / "data" / "dashboard"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CRITERIA = ("strategic", "service", "savings", "governance")

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - `make test` installs it
    pytest.skip("Debian's chromium is not installed (make browser)", allow_module_level=True)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("parameters")
    for f in DATA.iterdir():
        shutil.copy(f, d / f.name)
    return d / "committee.yaml"


def serve(scenario: Path, tmp_path_factory):
    """A server of the dashboard on ``scenario`` as ``workbench dashboard`` starts it; yields its
    page's address (with the token)."""
    from workbench.dashboard import dashboard_url, serve_command
    from workbench.dashboard.page import with_template

    port = free_port()
    cmd, env, cwd = serve_command(scenario=scenario, port=port, variants_dir=tmp_path_factory.mktemp("variants"))
    cmd, env = with_template(cmd, env)
    log = (tmp_path_factory.mktemp("voila") / "voila.log").open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc)
        yield dashboard_url(port, env=env)  # with the server's token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def server(scenario, tmp_path_factory):
    yield from serve(scenario, tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module (Playwright's sync API allows one driver at a time)."""
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(server, browser):
    pg = browser.new_page(viewport={"width": 1500, "height": 1150})
    pg.goto(server, timeout=120_000)
    pg.wait_for_selector(".wb-ranked table", timeout=120_000)
    yield pg
    pg.close()


def expected_selection(scenario: Path, weights: dict | None = None) -> list[str]:
    from workbench import load_candidates, load_scenario, selection
    from workbench.dashboard import Dashboard

    scn = load_scenario(scenario)
    r = selection.rank(scn, load_candidates(scn), weights=weights, engine=Dashboard.engine)
    return sorted(r.table.loc[r.table["selected"], "id"])


def shown_selection(pg) -> list[str]:
    return sorted(pg.eval_on_selector_all(".wb-ranked tr.wb-sel", "rows => rows.map(r => r.dataset.id)"))


def image_src(pg, cls: str) -> str:
    return pg.eval_on_selector(f"img.{cls}", "img => img.src")


def set_slider(pg, crit: str, value: float) -> None:
    readout = pg.locator(f".wb-weight-{crit} .widget-readout")
    readout.click()
    pg.keyboard.press("Control+A")
    pg.keyboard.type(f"{value:.2f}")
    pg.keyboard.press("Enter")


def test_page_renders_its_widgets(page, scenario):
    assert "Tableau de bord du comité de sélection" in page.inner_text(".wb-dashboard")
    assert page.locator(".wb-weight-strategic .widget-readout").inner_text() == "0.25"
    assert shown_selection(page) == expected_selection(scenario)
    # the chart is an <img> (a blob URL of the PNG the kernel drew) that has loaded
    page.wait_for_function("(() => { const i = document.querySelector('img.wb-frontier');"
                           " return i && i.src && i.complete && i.naturalWidth > 100; })()", timeout=60_000)
    assert page.locator(".wb-error").count() == 0


def test_moving_a_weight_changes_the_portfolio(page, scenario):
    before = shown_selection(page)
    src_before = image_src(page, "wb-frontier")
    weights = {"strategic": 1.0, "service": 0.0, "savings": 0.0, "governance": 0.0}
    expected = expected_selection(scenario, weights)
    assert expected != before
    for crit in ("service", "savings", "governance", "strategic"):
        set_slider(page, crit, weights[crit])
    page.wait_for_function(
        "ids => { const s = [...document.querySelectorAll('.wb-ranked tr.wb-sel')].map(r => r.dataset.id).sort();"
        " return JSON.stringify(s) === JSON.stringify(ids); }", arg=expected, timeout=60_000)
    page.wait_for_function("src => document.querySelector('img.wb-frontier').src !== src", arg=src_before,
                           timeout=60_000)
    assert shown_selection(page) == expected
    # the slower views follow from worker threads: the fan chart and the robustness chart, each
    # an image with its text alternative, marked busy until it is the new one
    for cls in ("wb-fan", "wb-robustness"):
        page.wait_for_function(f"(() => {{ const i = document.querySelector('img.{cls}');"
                               " return i && i.complete && i.naturalWidth > 100 && i.alt.length > 20"
                               " && !i.closest('.wb-busy'); })()", timeout=60_000)
    assert "Probabilité de manquer de crédits de paiement" in page.inner_text(".wb-totals")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)


def test_invalid_upload_shows_its_error(page, scenario):
    before = shown_selection(page)
    bad = (DATA / "committee_candidates.csv").read_text(encoding="utf-8").replace(",1500000,18,", ",-5,18,")
    with page.expect_file_chooser() as chooser:  # the upload button opens the browser's file chooser
        page.click(".wb-upload")
    chooser.value.set_files(files=[{"name": "mauvais.csv", "mimeType": "text/csv", "buffer": bad.encode("utf-8")}])
    err = page.wait_for_selector(".wb-upload-error", timeout=60_000)
    text = err.inner_text()
    assert "Fichier refusé : mauvais.csv" in text  # the French page says it in French
    assert "mauvais.csv : ligne 2, colonne requested_eur : '-5' : doit être > 0" in text
    assert shown_selection(page) == before  # the previous state is kept
    page.screenshot(path=str(ARTIFACTS / "dashboard_upload_error.png"))


def test_a_variant_file_is_replaced_only_after_confirmation(page, tmp_path_factory):
    name = page.locator(".wb-variant-name input")
    for i, typed in enumerate(("a/b", "a b")):
        name.fill(typed)
        name.press("Enter")
        page.click(".wb-save-variant")
        if i == 0:
            page.wait_for_selector(".wb-ok >> text=a_b.yaml", timeout=60_000)
    # the second name gives the same file: the page asks, nothing is written yet
    question = page.wait_for_selector(".wb-variant-exists", timeout=60_000)
    assert "« a b » donne le fichier a_b.yaml, qui existe déjà" in question.inner_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard_variant_confirm.png"))
    page.click(".wb-variant-replace")
    page.wait_for_selector(".wb-ok >> text=Variante enregistrée : a_b.yaml", timeout=60_000)
    assert not page.locator(".wb-variant-replace").is_visible()


def test_closing_the_page_shuts_its_kernel_down(server, page):
    import json
    import re
    import urllib.error
    import urllib.request

    token = server.split("token=", 1)[1]
    base = server.split("?", 1)[0]

    def alive(kernel_id: str) -> bool:
        try:
            with urllib.request.urlopen(f"{base}api/kernels/{kernel_id}?token={token}", timeout=30) as r:
                return json.loads(r.read())["id"] == kernel_id
        except urllib.error.HTTPError as e:
            assert e.code == 404
            return False

    ctx = page.context.browser.new_context()  # kept open after the page: a tab closes, the browser stays
    pg = ctx.new_page()
    pg.goto(server, timeout=120_000)
    pg.wait_for_selector(".wb-ranked table", timeout=120_000)
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', pg.content()).group(1)
    assert alive(kernel_id)
    pg.close(run_before_unload=True)  # as a user closes the tab: the page's shutdown beacon
    t0 = time.monotonic()
    while alive(kernel_id) and time.monotonic() - t0 < 20:
        time.sleep(0.5)
    ctx.close()
    assert not alive(kernel_id)  # not left for the culler (the beacon was refused without _xsrf)


# ---- the committee room on the default FTAP scenario (issue 21) --------------------------------
FTAP = ROOT / "parameters" / "ftap_2018_2022.yaml"
SHOTS = ROOT / "outputs" / "dashboard_screenshots"   # looked at by hand, not committed


@pytest.fixture(scope="module")
def ftap_server(tmp_path_factory):
    yield from serve(FTAP, tmp_path_factory)


@pytest.fixture(scope="module")
def room(ftap_server, browser):
    pg = browser.new_page(viewport={"width": 1280, "height": 1000})
    outside = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
        ("http://127.0.0.1", "data:", "blob:")) else None)
    pg.goto(ftap_server, timeout=180_000)
    pg.wait_for_selector(".wb-ranked table", timeout=180_000)
    wait_idle(pg)
    pg.outside = outside
    yield pg
    pg.close()


def wait_idle(pg, timeout_ms: int = 180_000) -> None:
    """Until the page computes nothing more: the busy line is empty, the charts are the current ones."""
    pg.wait_for_function("(() => { const b = document.querySelector('.wb-busy-line');"
                         " const f = document.querySelector('img.wb-fan');"
                         " return b && !b.getAttribute('aria-busy') && f && f.complete && !f.closest('.wb-busy')"
                         " && document.querySelector('.wb-risk'); })()", timeout=timeout_ms)


def select_call(pg, call: str) -> None:
    """Pick ``call`` in the call picker (``""``: the whole fund, its first choice) by its label."""
    sel = pg.locator(".wb-call select")
    labels = sel.evaluate("s => [...s.options].map(o => o.value)")   # the labels (the text has no-break spaces)
    sel.select_option(value=labels[0] if not call else next(x for x in labels if x.startswith(call + " ")))


def choose_call(pg, call: str) -> None:
    select_call(pg, call)
    pg.wait_for_function("c => { const t = document.querySelector('.wb-totals');"
                         " return t && t.dataset.call === c; }", arg=call, timeout=120_000)
    wait_idle(pg)


def add_tag(pg, cls: str, value: str) -> None:
    box = pg.locator(f".{cls} input")
    box.click()
    box.fill(value)
    box.press("Enter")


def test_the_page_is_french_titled_and_fetches_nothing_from_outside(room):
    assert room.evaluate("document.documentElement.lang") == "fr"
    assert room.title() == "Comité de sélection — tableau de bord (workbench)"
    assert room.outside == []
    assert "Appel FTAP-AAP1 : portefeuille retenu" in room.inner_text(".wb-totals")


def test_an_override_below_the_quality_bar_is_funded_and_recorded(room):
    from workbench.scenario import load_scenario
    from workbench.sources import load_candidates
    from workbench import pipeline

    choose_call(room, "FTAP-AAP4")
    scn = load_scenario(FTAP)
    t = pipeline.decide(scn, load_candidates(scn)).table
    low = t[(t["call"] == "FTAP-AAP4") & ~t["eligible"] & t["reason"].astype(str).str.contains("quality bar")
            & ~t["reason"].astype(str).str.contains(";")].iloc[0]["id"]
    add_tag(room, "wb-force-in", low)
    room.wait_for_selector(f".wb-reason-field input", timeout=60_000)
    field = room.locator(".wb-reason-field input").first
    field.fill("pilote interministériel")
    field.press("Enter")
    row = room.wait_for_selector(f".wb-ranked tr.wb-sel[data-id='{low}'] >> text=motif", timeout=120_000)
    text = row.inner_text()
    assert "imposé par le comité par dérogation à la barre de qualité" in text
    assert "motif : « pilote interministériel »" in text
    assert "aucun portefeuille" not in room.inner_text(".wb-ranked")
    wait_idle(room)
    room.locator(f".wb-ranked tr[data-id='{low}']").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    room.screenshot(path=str(SHOTS / "override_aap4_1280.png"), full_page=True)


def test_a_variant_saved_in_aap4_is_compared_from_aap1(room):
    choose_call(room, "FTAP-AAP4")
    name = room.locator(".wb-variant-name input")
    name.fill("aap4 pilote")
    name.press("Enter")
    room.click(".wb-save-variant")
    room.wait_for_selector(".wb-ok >> text=aap4_pilote.yaml", timeout=60_000)
    choose_call(room, "FTAP-AAP1")
    b = room.locator(".wb-compare-b select")
    b.select_option(value=next(o for o in b.evaluate("s => [...s.options].map(o => o.value)") if "aap4_pilote" in o))
    room.click(".wb-compare-btn")
    # the button is off while it runs, then the comparison, from one evaluation, says the variant's call
    room.wait_for_selector(".wb-compare table", timeout=120_000)
    shown = room.inner_text(".wb-compare")
    assert "La variante B a été enregistrée pour l'appel FTAP-AAP4" in shown
    assert "Projets retenus (appel FTAP-AAP1)" in shown and "Probabilité de manquer de crédits de paiement" in shown
    assert "unknown candidate" not in shown and "budget_eur" not in shown
    assert not room.locator(".wb-compare-btn").is_disabled()
    room.locator(".wb-compare").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    room.screenshot(path=str(SHOTS / "compare_from_aap1_1280.png"), full_page=True)


def test_no_serious_accessibility_violation_in_french_and_english(room):
    from axe_playwright_python.sync_playwright import Axe

    room.set_viewport_size({"width": 1280, "height": 1000})
    room.locator(".wb-h1").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("fr", "en"):
        if lang == "en":
            room.click(".wb-lang button:has-text('EN')")
            room.wait_for_function("document.documentElement.lang === 'en'", timeout=60_000)
            wait_idle(room)
        res = Axe().run(room)
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in res.response["violations"]
               if v["impact"] in ("serious", "critical")]
        assert bad == [], (lang, bad)
        # the status and the reason of the ranked table are on screen at 1280 px
        for col in (8, 9):
            box = room.locator(f".wb-rt thead th:nth-child({col})").bounding_box()
            assert box is not None and box["x"] + box["width"] <= 1280, (lang, col, box)
        for width in (1280, 1920):
            room.set_viewport_size({"width": width, "height": 1000})
            room.wait_for_timeout(500)
            room.screenshot(path=str(SHOTS / f"dashboard_{lang}_{width}.png"), full_page=True)
        room.set_viewport_size({"width": 1280, "height": 1000})
    room.click(".wb-lang button:has-text('FR')")
    room.wait_for_function("document.documentElement.lang === 'fr'", timeout=60_000)


def test_panels_stack_on_a_narrow_screen(room):
    room.set_viewport_size({"width": 900, "height": 1000})
    room.wait_for_timeout(500)
    side = room.locator(".wb-sidebar").bounding_box()
    main = room.locator(".wb-main").bounding_box()
    assert main["y"] >= side["y"] + side["height"] - 1          # below the controls, not beside them
    assert room.locator("img.wb-fan").bounding_box()["width"] > 500
    room.screenshot(path=str(SHOTS / "dashboard_fr_900.png"), full_page=False)
    room.set_viewport_size({"width": 1280, "height": 1000})
