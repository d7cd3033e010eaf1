"""The one catalog (workbench.messages): every code and every label renders in French and English,
every code used exists, no shipped check reports a problem without a code (its French text would
be a guess), and no module of the package keeps French/English texts of its own."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from workbench.reporting import labels as L
from workbench.errors import MISSING, Problem, at_row
from workbench.messages import CATALOG, LABELS, LANGS, VALUE_LABELS, msg, render

SRC = Path(__file__).resolve().parents[1] / "src" / "workbench"
CODE = re.compile(r"""["']([CDEPRSWX]_[A-Z0-9_]+)["']""")
# every shipped check is coded (the envelope package's too, since it was split)
NOT_YET_CODED: set = set()


def _fields(template: str) -> dict[str, str]:
    return {name: spec or "" for _, name, spec, _ in string.Formatter().parse(template) if name is not None}


def _sample(name: str, spec: str):
    if name == "suggestion":
        return "exemple"
    if name == "choices":
        return ["a", "b"]
    if name == "bounds":
        return [(">=", 0), ("<=", 1)]
    if spec:
        return 1234.5
    return "v"


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_every_code_renders_in_french_and_english(code):
    assert set(CATALOG[code]) == set(LANGS)
    fields = {lang: _fields(CATALOG[code][lang]) for lang in LANGS}
    assert set(fields["fr"]) == set(fields["en"]), f"{code}: the two languages take different parameters"
    params = {k: _sample(k, s) for k, s in fields["en"].items()}
    for lang in LANGS:
        text = render(code, lang, **params)
        assert text.strip() and "{" not in text and "}" not in text, (code, lang, text)
    if fields["en"]:
        with pytest.raises(KeyError):
            render(code, "fr")  # a missing parameter is an error, never a blank


def test_numbers_and_shapes_follow_the_language():
    assert render("E_PAYMENTS_ABOVE_GRANT", "en", total=1234567.0, grant=1000000) == \
        "payments (sum 1,234,567) exceed the grant (1,000,000)"
    assert render("E_PAYMENTS_ABOVE_GRANT", "fr", total=1234567.0, grant=1000000) == \
        "les paiements (somme 1\u202f234\u202f567) dépassent la subvention (1\u202f000\u202f000)"
    assert render("E_BOUNDS", "fr", bounds=[(">", 0), ("<=", 0.5)]) == "doit être > 0 et ≤ 0,5"
    assert render("E_UNKNOWN_KEY", "fr", suggestion=None) == "clé inconnue"
    assert render("E_UNKNOWN_KEY", "en", suggestion="funds") == "unknown key (did you mean 'funds'?)"
    with pytest.raises(KeyError):
        msg("E_NO_SUCH_CODE")


def test_a_problem_keeps_english_as_its_text_and_renders_french_by_code():
    p = Problem("c.csv", at_row(3, "total_cost_eur"), "abc", msg("E_NOT_NUMBER"))
    assert (p.code, p.rule, p.where) == ("E_NOT_NUMBER", "must be a number", "row 3, column total_cost_eur")
    assert str(p) == "c.csv: row 3, column total_cost_eur: 'abc': must be a number"
    assert L.problem_text(p, "fr") == "c.csv : ligne 3, colonne total_cost_eur : 'abc' : doit être un nombre"
    # equal to the same problem written as plain text (compatibility of comparisons)
    assert p == Problem("c.csv", "row 3, column total_cost_eur", "abc", "must be a number")
    assert L.problem_text(Problem("f", "k", MISSING, "third-party rule"), "fr") == "f : k : (absente) : third-party rule"


def _sources():
    return sorted(p for p in SRC.rglob("*.py"))


def test_every_code_used_in_the_source_is_in_the_catalog():
    used = set()
    for path in _sources():
        if path.parent.name == "messages":   # the catalog itself
            continue
        used |= set(CODE.findall(path.read_text(encoding="utf-8")))
    assert used, "no message code found in the source"
    assert sorted(used - set(CATALOG)) == []


def _literal_text(node: ast.AST) -> bool:
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def test_no_shipped_check_reports_a_problem_without_a_code():
    uncoded = []
    for path in _sources():
        if path.name in NOT_YET_CODED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            rule = None
            if isinstance(f, ast.Name) and f.id == "Problem" and len(node.args) >= 4:
                rule = node.args[3]
            elif (isinstance(f, ast.Attribute) and f.attr == "add" and len(node.args) >= 3
                  and ast.unparse(f.value).endswith("col")):
                rule = node.args[2]
            if rule is not None and _literal_text(rule):
                uncoded.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert uncoded == []


def test_selection_reasons_and_scenario_warnings_are_coded(params_dir):
    from workbench.decisions import select_portfolio
    from workbench.messages import code_of, render_text
    from workbench.scenario import load_scenario
    from workbench.sources import load_candidates

    s = load_scenario(params_dir / "ftap2_2023_2025.yaml")
    t = select_portfolio(s, load_candidates(s), seed=s.seed).table
    assert set(t["reason_code"]) <= set(L.REASON_CATEGORY)
    assert list(t["reason_code"]) == [code_of(r) for r in t["reason"]]
    fr = [render_text(r, "fr") for r in t["reason"]]
    assert all(x.startswith(("retenu", "non retenu", "inéligible", "aucun portefeuille")) for x in fr)
    assert not any("selected" in x or "ineligible" in x for x in fr)
    # the category counts read the codes: the same numbers in both languages, summing to the non-selected
    en, fr_t = L.reasons_table(t, "en"), L.reasons_table(t, "fr")
    assert list(en.iloc[:, 1]) == list(fr_t.iloc[:, 1])
    assert en.iloc[:, 1].sum() == int((~t["selected"].astype(bool)).sum())

    w = load_scenario(params_dir / "fitn_2021_2022.yaml").warnings
    assert [code_of(x) for x in w][:2] == ["W_SUB_ENVELOPES_BELOW", "W_PART_SUB_ENVELOPES"]
    assert str(w[0]) == "FITN: sub-envelopes sum to 265.0 M€, 27.0 M€ below the 292.0 M€ envelope (not itemised in the source)"
    assert L.translate_warning(w[0], "fr") == ("FITN : les sous-enveloppes totalisent 265,0 M€, soit 27,0 M€ de moins "
                                              "que l'enveloppe de 292,0 M€ (écart non détaillé dans la source)")


def test_a_table_cell_holding_a_coded_reason_is_shown_in_the_table_language():
    from workbench.messages import Text

    cell = Text(msg("R_SELECTED", forced=msg("R_FORCED_IN"), payer="FTAP"))
    assert L.format_cell("reason", cell, "fr") == "retenu (imposé), payé par FTAP"
    assert L.format_cell("reason", cell, "en") == "selected (forced in), paid by FTAP"


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_label_renders_in_french_and_english(key):
    assert set(LABELS[key]) == set(LANGS), key
    fields = {lang: _fields(LABELS[key][lang]) for lang in LANGS}
    params = {k: (1234.5 if s else "v") for lang in LANGS for k, s in fields[lang].items()}
    for lang in LANGS:
        text = L.label(key, lang, **params)
        assert text.strip() and "{" not in text and "}" not in text, (key, lang, text)


def test_every_value_label_has_both_languages():
    assert all(set(t) == set(LANGS) and t["fr"] and t["en"] for vals in VALUE_LABELS.values() for t in vals.values())


def test_no_module_keeps_a_french_english_table_of_its_own():
    """French and English texts live in the catalog only (workbench/messages/)."""
    pair = re.compile(r"""["']fr["']\s*:\s*(\{|["'])""")
    owners = sorted(str(p.relative_to(SRC)) for p in _sources()
                    if p.parent.name != "messages" and pair.search(p.read_text(encoding="utf-8")))
    assert owners == []
