"""The committee dashboard driven from Python: controls in, portfolio and views out.

The expected portfolios are computed by brute force over every subset of the eight test
candidates (tests/data/dashboard), independently of the MILP the dashboard calls.
"""
from __future__ import annotations

import html
import io
import itertools
import json
import subprocess
import sys

import numpy as np
import openpyxl
import pytest

from workbench import load_candidates, load_scenario
from workbench.dashboard import (Dashboard, Settings, effective_scenario, export_portfolio,
                                 serve_command, translate_reason)

from helpers import ROOT

DATA = ROOT / "tests" / "data" / "dashboard"
CRITERIA = ("strategic", "service", "savings", "governance")




def brute_force(weights: dict, budget_eur: float, min_cost_eur: float = 500_000, cof_min: float = 0.1,
                forced_out=()) -> list[str]:
    """The best subset of the test candidates by enumeration (value = weighted mean score)."""
    scn = load_scenario(DATA / "committee.yaml")
    c = load_candidates(scn)
    w = np.array([weights[k] for k in CRITERIA], float)
    w = w / w.sum()
    value = 10.0 * c[list(CRITERIA)].to_numpy(float) @ w  # points 0-100 on the 0-10 scale
    ok = (c["total_cost_eur"] >= min_cost_eur) & (1 - c["requested_eur"] / c["total_cost_eur"] >= cof_min - 1e-9)
    ok &= ~c["id"].isin(forced_out)
    idx = [i for i in range(len(c)) if ok.iloc[i]]
    best, best_set = -1.0, ()
    for r in range(len(idx) + 1):
        for sub in itertools.combinations(idx, r):
            if c["requested_eur"].iloc[list(sub)].sum() <= budget_eur + 0.5:
                v = value[list(sub)].sum()
                if v > best + 1e-9:
                    best, best_set = v, sub
    return sorted(c["id"].iloc[list(best_set)])


def set_weights(app: Dashboard, **w: float) -> None:
    for k, v in w.items():
        app.controls[f"weight_{k}"].value = v


def test_opens_on_the_scenario_and_selects_the_best_portfolio(app):
    assert app.selected_ids == brute_force(dict.fromkeys(CRITERIA, 0.25), 5_000_000)
    assert app.totals["committed_eur"] <= 5_000_000
    # every candidate left out has a reason on screen; the ineligible one says why, in French
    table = app.outputs["table"].value
    assert table.count("<tr class='wb-sel'") == len(app.selected_ids)
    assert "sous le minimum de 0,50 M€" in table
    assert "5,0\u00a0M€" in app.outputs["totals"].value or "4,9\u00a0M€" in app.outputs["totals"].value


def test_moving_a_weight_changes_the_selected_portfolio(app):
    before = app.selected_ids
    set_weights(app, service=0.0, savings=0.0, governance=0.0, strategic=1.0)
    expected = brute_force({"strategic": 1, "service": 0, "savings": 0, "governance": 0}, 5_000_000)
    assert app.selected_ids == expected
    assert expected != before
    assert app.last_error == ""


def test_all_weights_at_zero_shows_an_error_and_keeps_the_portfolio(app):
    before = app.selected_ids
    set_weights(app, strategic=0.0, service=0.0, savings=0.0, governance=0.0)
    # said in the page's language, from the catalog, without a raw Python value
    assert "les poids ne doivent pas être tous nuls" in app.last_error
    status = html.unescape(app.outputs["status"].value)
    assert "les poids ne doivent pas être tous nuls" in status and "{" not in status and "must" not in status
    assert app.selected_ids == before


def test_budget_and_thresholds_and_rules(app):
    app.controls["budget"].value = 3.0
    w = dict.fromkeys(CRITERIA, 0.25)
    assert app.selected_ids == brute_force(w, 3_000_000)
    assert app.totals["committed_eur"] <= 3_000_000
    # switching the minimum-cost rule off lets the small territorial project in
    app.controls["rule_min_cost"].value = False
    assert app.selected_ids == brute_force(w, 3_000_000, min_cost_eur=0)
    assert "C7" in app.selected_ids
    app.controls["rule_min_cost"].value = True
    app.controls["min_cost"].value = 0.3  # M€
    assert app.selected_ids == brute_force(w, 3_000_000, min_cost_eur=300_000)
    # a co-financing minimum of 30 % leaves out every project asking for more than 70 %
    app.controls["cofinancing"].value = 0.3
    assert app.selected_ids == brute_force(w, 3_000_000, min_cost_eur=300_000, cof_min=0.3)


def test_force_out_and_detail(app):
    first = app.selected_ids[0]
    app.controls["force_out"].value = [first]
    assert first not in app.selected_ids
    assert app.selected_ids == brute_force(dict.fromkeys(CRITERIA, 0.25), 5_000_000, forced_out=(first,))
    assert "écarté d'office" in html.unescape(app.outputs["table"].value)
    app.controls["detail_select"].value = first
    assert "Ce qui changerait la décision" in app.outputs["detail"].value  # lifting the exclusion
    left_out = next(i for i in ("C1", "C2", "C3", "C8") if i not in app.selected_ids and i != first)
    app.controls["detail_select"].value = left_out
    detail = app.outputs["detail"].value
    assert f"data-id='{left_out}'" in detail and "Pourquoi écarté" in detail
    assert "Ce qui changerait la décision" in detail


def test_invalid_upload_shows_the_errors_and_keeps_the_previous_state(app):
    before, table = app.selected_ids, app.outputs["table"].value
    bad = (DATA / "committee_candidates.csv").read_text(encoding="utf-8").replace(",1500000,18,", ",-5,18,")
    assert not app.upload("mes_candidats.csv", bad.encode("utf-8"))
    msg = html.unescape(app.controls["upload_msg"].value)
    # French under the French heading: place and rule translated, the file as the user named it
    assert "Fichier refusé : mes_candidats.csv" in msg
    assert "mes_candidats.csv : ligne 2, colonne requested_eur : '-5' : doit être > 0" in msg
    assert "row " not in msg and "must be" not in msg and str(app._tmpdir) not in msg
    assert app.selected_ids == before and app.outputs["table"].value == table
    app.controls["lang"].value = "en"  # in English, the command line's wording
    assert not app.upload("mes_candidats.csv", bad.encode("utf-8"))
    msg = html.unescape(app.controls["upload_msg"].value)
    assert "File refused: mes_candidats.csv" in msg and "row 2, column requested_eur: '-5': must be > 0" in msg
    app.controls["lang"].value = "fr"
    # a valid upload replaces the candidates
    good = (DATA / "committee_candidates.csv").read_text(encoding="utf-8").replace("C8,Archivage", "C9,Archivage")
    assert app.upload("nouveaux.csv", good.encode("utf-8"))
    assert "C9" in app.outputs["table"].value and "C8" not in app.outputs["table"].value


def test_save_variant_then_compare(app, scenario_dir):
    set_weights(app, strategic=1.0, service=0.0, savings=0.0, governance=0.0)
    path = app.save_variant("strategique seul")
    assert path == scenario_dir / "variants" / "strategique_seul.yaml"
    text = path.read_text(encoding="utf-8")
    assert "extends: ../committee.yaml" in text
    v = load_scenario(path, allowed_dirs=[scenario_dir])  # the variant extends ../committee.yaml
    assert v.weights == {"strategic": 1.0, "service": 0.0, "savings": 0.0, "governance": 0.0}
    assert str(path) in [v for _, v in app.controls["scenario"].options]
    cmp = app.compare(scenario_dir / "committee.yaml", path)
    a = brute_force(dict.fromkeys(CRITERIA, 0.25), 5_000_000)
    b = brute_force({"strategic": 1, "service": 0, "savings": 0, "governance": 0}, 5_000_000)
    assert cmp["only_a"] == sorted(set(a) - set(b))
    assert cmp["only_b"] == sorted(set(b) - set(a))
    assert cmp["sides"][0]["fund"]["selected"] == len(a) and cmp["sides"][1]["fund"]["selected"] == len(b)
    app.controls["compare_a"].value = str((scenario_dir / "committee.yaml").resolve())
    app.controls["compare_b"].value = str(path)
    app._on_compare()
    shown = html.unescape(app.outputs["compare_out"].value)
    assert f"seulement dans A</b> ({len(set(a) - set(b))})" in shown and ", ".join(sorted(set(b) - set(a))) in shown
    # every row label in French: no column name of the code (selected, budget_eur, weight_…)
    assert "Projets retenus (fonds entier)" in shown and "Poids : Stratégique" in shown
    assert not any(w in shown for w in ("budget_eur", "weight_", ">selected<", "committed_eur"))
    assert not app.controls["compare_btn"].disabled
    # an empty name is refused, nothing written
    from workbench.errors import InputError

    with pytest.raises(InputError):
        app.save_variant("  ")


def test_export_keeps_text_as_text(app):
    t = app.ranked().copy()
    t.loc[t.index[0], "title"] = "=HYPERLINK(\"http://x\")"
    data = export_portfolio(t, "xlsx", {"scenario_hash": "abc"})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["portefeuille"]       # the sheets named in the page's language (French by default)
    col = [c.value for c in ws[1]].index("title") + 1
    cell = ws.cell(row=2, column=col)
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    assert wb["provenance"]["A1"].value == "scenario_hash"
    csv = export_portfolio(t, "csv", {"scenario_hash": "abc"}).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and csv.rstrip().endswith("# scenario_hash: abc")
    name, blob = app.export("csv")
    assert name.endswith(".csv") and all(i in blob.decode("utf-8-sig") for i in app.selected_ids)
    app._on_export("xlsx")
    assert "download=" in app.controls["download"].value and "base64," in app.controls["download"].value


def test_english_and_french_labels(app):
    assert "Tableau de bord du comité de sélection" in app.outputs["header"].value
    app.controls["lang"].value = "en"
    assert "Selection committee dashboard" in app.outputs["header"].value
    assert "projects selected" in app.outputs["totals"].value
    assert "\u00a0M€" in app.outputs["totals"].value and "," not in app.outputs["totals"].value.split("M€")[0][-6:]
    assert app.controls["weight_strategic"].description == "Strategic"
    from workbench.messages import Text, msg

    assert translate_reason(Text(msg("R_FORCED_OUT")), "fr") == "non retenu : écarté d'office"
    cof = Text(msg("R_INELIGIBLE", parts=[msg("R_COFINANCING_BELOW", share_pct=5.0, min_pct=10.0)]))
    assert cof == "ineligible: co-financing 5.0% below the 10.0% minimum"
    assert translate_reason(cof, "fr") == "inéligible : cofinancement 5,0 % sous le minimum de 10,0 %"
    # the table the dashboard shows carries coded reasons: shown in French, not re-parsed
    assert all(translate_reason(r, "fr").startswith(("retenu", "non retenu", "inéligible"))
               for r in app.table["reason"])
    assert translate_reason("not selected: forced out", "fr") == "not selected: forced out"  # uncoded: as is


def test_every_scenario_warning_is_visible(params_dir, tmp_path):
    d = Dashboard(scenario=params_dir / "fitn_2021_2022.yaml", variants_dir=tmp_path, debounce_s=0)
    d.robustness_samples = 4
    d.widget()
    shown = html.unescape(d.outputs["warnings"].value)
    warnings = load_scenario(params_dir / "fitn_2021_2022.yaml").warnings
    assert shown.count("class='wb-warn'") == len(warnings)  # each one, the synthetic notice included
    # the FITN sub-envelope gap is shown, not hidden, in French then in English
    assert "les sous-enveloppes totalisent 265,0 M€, soit 27,0 M€ de moins que l'enveloppe de 292,0 M€" in shown
    assert "Données synthétiques" in shown
    d.controls["lang"].value = "en"
    shown = d.outputs["warnings"].value
    assert "sub-envelopes sum to 265.0 M€, 27.0 M€ below the 292.0 M€ envelope" in shown
    assert "Synthetic data" in shown


def test_settings_overrides_round_trip():
    s = Settings("x.yaml", weights=(("strategic", 1.0), ("service", 0.0), ("savings", 0.0), ("governance", 0.0)),
                 budget_eur=3e6, rules_off=("themes", "min_cost"), force_in=("C1",))
    ov = s.overrides()
    assert ov["selection"] == {"budget_eur": 3e6, "force_in": ["C1"]}
    assert ov["eligibility"] == {"themes": [], "min_total_cost_eur": 0, "min_total_cost_territorial_eur": 0}
    assert "selection" not in s.eligibility_overrides() and "criteria" not in s.eligibility_overrides()
    eff = effective_scenario(load_scenario(DATA / "committee.yaml"), s)
    assert eff.weights == {"strategic": 1.0, "service": 0.0, "savings": 0.0, "governance": 0.0}
    assert eff.value("selection.budget_eur") == 3e6 and eff.eligibility_at()["min_total_cost_eur"] == 0


def test_voila_config_and_serve_command():
    cfg = json.loads((ROOT / "voila.json").read_text())
    assert cfg["VoilaConfiguration"]["preheat_kernel"] is True
    assert cfg["VoilaConfiguration"]["show_tracebacks"] is False
    assert cfg["VoilaKernelManager"]["kernel_pools_config"]["default"]["pool_size"] >= 1
    assert cfg["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert cfg["VoilaExecutor"]["timeout"] > 0
    # a kernel busy with its worker threads (or ten sessions on 2 cores) sends the cell's output
    # late: with nbclient's default 4 s the page rendered without its widgets
    assert cfg["VoilaExecutor"]["iopub_timeout"] >= 30
    cmd, env, cwd = serve_command(scenario=DATA / "committee.yaml", port=8999)
    assert cwd == ROOT and "--Voila.ip=127.0.0.1" in cmd and "--port=8999" in cmd
    assert env["WORKBENCH_SCENARIO"] == str((DATA / "committee.yaml").resolve())
    nb = json.loads((ROOT / "notebooks" / "dashboard.ipynb").read_text())
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb["cells"] if c["cell_type"] == "code")


def test_cli_refuses_a_broken_scenario_before_starting(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("horizon: {start_year: 2021}\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "workbench.cli", "dashboard", "--scenario", str(bad), "--port", "0"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "--port" in r.stderr and "horizon.end_year" in r.stderr


def test_roi_rule_toggle_leaves_out_projects_below_the_target(app):
    # yearly savings per euro requested: only C4 (900k/1.1M) reaches 0.8; none reaches 1.0
    app.controls["sel_roi_rule"].value = True
    assert app.selected_ids == []
    assert "inéligible" in html.unescape(app.outputs["table"].value)
    assert app.settings().overrides()["selection"] == {"roi_mode": "rule"}
    app.controls["sel_roi_rule"].value = False
    assert app.selected_ids == brute_force(dict.fromkeys(CRITERIA, 0.25), 5_000_000)


def test_xlsx_upload_and_variant_keeps_a_copy_of_it(app, scenario_dir):
    import pandas as pd

    df = pd.read_csv(DATA / "committee_candidates.csv")
    df.loc[df["id"] == "C8", "strategic"] = 10  # C8 now the best strategic project
    buf = io.BytesIO()
    df.to_excel(buf, index=False)
    assert app.upload("liste.xlsx", buf.getvalue())
    assert "liste.xlsx (8 candidats)" in html.unescape(app.controls["upload_msg"].value)
    path = app.save_variant("avec liste")
    copy = path.with_name("avec_liste_candidates.xlsx")
    assert copy.read_bytes() == buf.getvalue()
    v = load_scenario(path, allowed_dirs=[scenario_dir])
    assert v.candidates_path() == copy
    assert load_candidates(v).loc[lambda d: d["id"] == "C8", "strategic"].item() == 10


def test_each_call_opens_on_its_allotment_after_the_earlier_calls(tmp_path):
    """With several calls, the committee reviews one call at a time, in decision order, with the
    budget its committee had: the credits left at its date and its share of the year."""
    from workbench.decisions import decide_calls

    d = Dashboard(scenario=ROOT / "parameters" / "ftap_2018_2022.yaml", variants_dir=tmp_path / "variants",
                  debounce_s=0)
    d.robustness_samples = 0
    d.widget()
    c = d.controls
    scn = load_scenario(ROOT / "parameters" / "ftap_2018_2022.yaml")
    by = decide_calls(scn, load_candidates(scn)).by_call.set_index("call")
    assert [v for _, v in c["call"].options][1:3] == ["FTAP-AAP1", "FTAP-AAP2"]  # decision order
    assert c["call"].value == "FTAP-AAP1"
    assert c["budget"].value == pytest.approx(round(by.loc["FTAP-AAP1", "allotment_eur"] / 1e6, 1))  # 133.3 M€
    # the portfolio shown is the one of that budget (the allotment itself: the slider shows it
    # rounded to 0.1 M€), not of the whole envelope
    assert d.totals["budget_eur"] == by.loc["FTAP-AAP1", "allotment_eur"]
    assert d.totals["committed_eur"] <= d.totals["budget_eur"] + 1
    c["call"].value = "FTAP-AAP2"
    assert c["budget"].value == pytest.approx(round(by.loc["FTAP-AAP2", "allotment_eur"] / 1e6, 1))
    assert (d.table["id"].str.startswith("FTAP-AAP2")).all()  # only the call's own applications


def test_the_funds_rules_have_switches(tmp_path):
    """Each fund rule a scenario declares can be switched off from the dashboard (issue 13)."""
    d = Dashboard(scenario=ROOT / "parameters" / "fitn_2021_2022.yaml", variants_dir=tmp_path / "variants",
                  debounce_s=0)
    d.robustness_samples = 0
    d.widget()
    c = d.controls
    for rule in ("owner_types", "routing", "window", "first_results", "governance_gate"):
        assert c[f"rule_{rule}"].value is True
    c["rule_window"].value = False
    c["rule_owner_types"].value = False
    st = d.settings()
    el = st.eligibility_overrides(load_scenario(ROOT / "parameters" / "fitn_2021_2022.yaml"))["eligibility"]
    assert el["rules_off"] == ["last_commitment_date", "owner_types"]
    assert d._struct.rules_off == ("last_commitment_date", "owner_types")


def test_the_provisional_frontier_is_the_greedy_fill_by_value_per_euro():
    """The quick curve the page shows until the exact frontier is solved
    (:func:`workbench.selection.greedy_frontier`), against a fill by hand: the eligible test
    candidates by value per euro requested, each taken when it still fits the budget."""
    from workbench.selection import greedy_frontier

    scn = load_scenario(DATA / "committee.yaml")
    c = load_candidates(scn)
    values = 10.0 * c[list(CRITERIA)].to_numpy(float) @ np.full(4, 0.25)
    fr = greedy_frontier(scn, c, values, 5_000_000, forced_in=["C4"])
    ok = ((c["total_cost_eur"] >= 500_000) & (1 - c["requested_eur"] / c["total_cost_eur"] >= 0.1 - 1e-9)).to_numpy()
    req = c["requested_eur"].to_numpy(float)
    budgets = np.linspace(req[ok].min(), req[ok].sum(), 12)
    assert np.allclose(fr["budget_eur"], budgets) and fr["value"].isna().all() and not fr["current"].any()
    forced = (c["id"] == "C4").to_numpy()
    order = sorted(np.flatnonzero(ok), key=lambda i: (not forced[i], -values[i] / req[i]))
    for b, got in zip(budgets, fr["greedy_value"]):
        spent = value = 0.0
        for i in order:
            if spent + req[i] <= b + 0.5:
                spent, value = spent + req[i], value + values[i]
        assert got == pytest.approx(value, rel=1e-12)


def test_every_word_of_the_controls_comes_from_the_message_catalog(app):
    from workbench.messages import CATALOG, render

    for lang in ("en", "fr"):
        app.controls["lang"].value = lang
        for w, attr, code in app._labelled:
            assert code.startswith("D_") and getattr(w, attr) == render(code, lang)
        for w, code in app._titles.values():
            assert w.value == f"<h2 class='wb-h2'>{html.escape(render(code, lang))}</h2>"
    assert app.controls["weight_service"].description == CATALOG["D_CRITERION_SERVICE"]["fr"] == "Service rendu"
    assert app.controls["call"].options[0][0] == "l'appel (8 candidatures)"  # one call: the whole fund is the call


# ---- every word from the catalog, in the page's language (issue 21, item 7) ---------------------
#: Words of the code or of English that must not appear on the French page.
NOT_IN_FRENCH = ("selected", "not selected", "ineligible", "forced", "full", "budget_eur", "committed_eur",
                 "weight_", "quality_x_scope", "state_central", "year_share", "roi_mode", "problem", "must",
                 "below the", "above the", "weighted score", "Error", "Probability", "computing", "whole fund",
                 "granted", "laureates", "draws", "seed", "Reason", "Override", "unknown", "Traceback", "call ",
                 "example", "None", "nan")
#: French words that must not appear on the English page.
NOT_IN_ENGLISH = ("retenu", "écarté", "inéligible", "appel ", "candidatures", "Probabilité", "calcul en cours",
                  "fonds entier", "dérogation", "motif", "note pondérée", "accordés", "lauréats", "tirages", "graine",
                  "Pourquoi", "Règle", "Poids", "Coût", "Valeur", "crédits", "Comparaison", "Données", "exemple",
                  "projets", "hypothèse", "refusé", "Enregistrée", "budget de")


def page_text(app, data: set[str]) -> str:
    """The words of the page as a reader sees them: every output, every control's label, option,
    tooltip and placeholder, the section titles and the rules panel, without the data (project
    titles and owners, the scenario's title and themes: the users' own words)."""
    import re

    parts = [v.value for k, v in app.outputs.items() if isinstance(getattr(v, "value", None), str)]
    for w in app.controls.values():
        for a in ("description", "placeholder", "tooltip"):
            parts.append(str(getattr(w, a, "") or ""))
        parts += [str(o[0] if isinstance(o, tuple) else o) for o in getattr(w, "options", ()) or ()]
        parts += list(getattr(w, "tooltips", ()) or ())
        parts += [getattr(x, "description", "") or "" for x in getattr(w, "children", ())]
        parts += [getattr(x, "placeholder", "") or "" for x in getattr(w, "children", ())]
    parts += [w.value for w, _ in app._titles.values()]
    parts.append(app._rules_box.get_title(0))
    f = app.followup
    parts += [f.title.value, f.book.description, f.as_of.description, f.run.description, f.out.value]
    parts += [str(o[0]) for o in f.book.options]
    text = html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts)))
    text = re.sub(r"(alt|title|aria-label)='[^']*'", " ", text)
    for d in sorted(data, key=len, reverse=True):
        text = text.replace(d, " ")
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
def test_the_page_speaks_one_language_at_a_time(tmp_path):
    """Every word of the page from the catalog: the French page has no English word nor code name
    (comparison rows, rules table values, export headers, reasons, errors, explanations), the
    English page no French word; the data (titles, owners, the scenario's title) is the users'."""
    import re

    from workbench.scenario import load_scenario

    path = ROOT / "tests" / "data" / "small_calls.yaml"
    d = Dashboard(scenario=path, variants_dir=tmp_path / "variants", debounce_s=0)
    d.robustness_samples = 4
    d.frontier_levels = 3
    d.widget()
    scn = load_scenario(path)
    cands = load_candidates(scn)
    data = {scn.title, *map(str, cands["title"]), *map(str, cands["owner"]), *map(str, cands["theme"].dropna()),
            *[f"{t} (phases suivantes)" for t in cands["title"]], *[c.title for c in scn.calls]}
    c = d.controls
    c["call"].value = "FTAP-AAP2"
    low = d.table.loc[~d.table["eligible"].astype(bool), "id"].iloc[0]
    c["force_in"].value = [low]
    c["reasons"].children[0].value = "pilote"
    variant = d.save_variant("aap2")
    c["call"].value = "FTAP-AAP1"
    for lang in ("fr", "en"):
        c["lang"].value = lang
        c["call"].value = "FTAP-AAP1"
        c["compare_a"].value = str(path.resolve())
        c["compare_b"].value = str(variant)
        d._on_compare()
        out = d.table[d.table["eligible"] & ~d.table["selected"]]
        c["detail_select"].value = str((out if len(out) else d.table)["id"].iloc[0])
        d._on_export("csv")
        # a refused override, said beside the field
        other = d.table.loc[d.table["selected"], "id"].iloc[0]
        c["force_out"].value = [other]
        name, blob = d.export("csv")
        from workbench.scenario.rules import rules_table

        sources = set(rules_table(d._struct, lang).iloc[:, -1])      # the public documents' own titles
        text = page_text(d, data | sources) + " " + blob.decode("utf-8-sig").split("\n", 1)[0]
        banned = NOT_IN_FRENCH if lang == "fr" else NOT_IN_ENGLISH
        found = [w for w in banned if re.search(r"(?<![\w-])" + re.escape(w.strip()) + (r"(?![\w-])" if not w.endswith(" ") else r"\s"), text)]
        assert found == [], (lang, found, [text[max(0, text.find(w.strip()) - 80):text.find(w.strip()) + 80]
                                           for w in found])
        c["force_out"].value = []
    # an error, in each language, without a raw value
    for lang, words in (("fr", "les poids ne doivent pas être tous nuls"), ("en", "weights must not all be zero")):
        c["lang"].value = lang
        for k in CRITERIA:
            c[f"weight_{k}"].value = 0.0
        assert words in html.unescape(d.outputs["status"].value) and "{" not in d.outputs["status"].value
        for k in CRITERIA:
            c[f"weight_{k}"].value = 0.25
