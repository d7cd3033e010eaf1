"""Report labels: both languages everywhere, French number formats, translated warnings."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.reporting import labels as L
from workbench.errors import InputError
from workbench.scenario import load_scenario

from helpers import ROOT


def test_every_label_has_french_and_english():
    missing = [k for k, v in L.LABELS.items() if not v.get("fr") or not v.get("en")]
    assert missing == []


def test_tables_show_amounts_in_meur_and_rates_in_percent_by_language():
    df = pd.DataFrame({"requested_eur": [12_800_000.0], "shortfall_probability": [0.275], "n_selected": [3],
                       "selected": [True], "funding": ["phase1"]})
    fr = L.display_table(df, "fr")
    assert fr.columns.tolist() == ["Montant demandé", "Probabilité de manquer de crédits", "Projets retenus",
                                   "Retenu", "Financement"]
    assert fr.iloc[0].tolist() == ["12,8\u00a0M€", "27,5\u00a0%", "3", "oui", "phase 1"]
    en = L.display_table(df, "en")
    assert en.iloc[0].tolist() == ["12.8\u00a0M€", "27.5\u00a0%", "3", "yes", "phase 1"]


def test_fitn_reconciliation_gap_is_shown_in_french():
    scn = load_scenario(ROOT / "parameters" / "fitn_2021_2022.yaml")
    md = L.warnings_markdown(scn.warnings, scn.synthetic, "fr")
    assert "les sous-enveloppes totalisent 265,0 M€, soit 27,0 M€ de moins que l'enveloppe de 292,0 M€" in md
    assert "Données synthétiques" in md and "SYNTHETIC" not in md
    assert "27.0 M€ below the 292.0 M€" in L.warnings_markdown(scn.warnings, scn.synthetic, "en")


def test_unknown_key_and_language_are_errors():
    with pytest.raises(KeyError):
        L.label("no_such_label")
    with pytest.raises(InputError, match="fr, en"):
        L.check_lang("de")


def test_input_problems_are_shown_in_french_and_stay_english_for_the_command_line(tmp_path):
    from workbench.candidates import read_candidates
    from workbench.errors import InputError

    src = (ROOT / "tests" / "data" / "dashboard" / "committee_candidates.csv").read_text(encoding="utf-8")
    bad = src.replace(",1500000,18,", ",-5,18,").replace("C3,", "C1,", 1)
    (tmp_path / "c.csv").write_text(bad + "C9,t,o,ZZ,abc,1,10,5,5,5,5,\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_candidates(tmp_path / "c.csv", envelope_codes=["FTAP"])
    fr = L.problems_message(e.value.problems, "fr", file="mes_candidats.csv")
    assert fr.startswith("4 problèmes trouvés :")
    assert "mes_candidats.csv : ligne 2, colonne requested_eur : '-5' : doit être > 0" in fr
    assert "ligne 10, colonne total_cost_eur : 'abc' : doit être un nombre" in fr
    assert "ligne 4, colonne id : 'C1' : identifiant en double (première occurrence ligne 2)" in fr
    assert "code d'enveloppe non défini dans le scénario" in fr
    assert str(tmp_path) not in fr and "row " not in fr and "must" not in fr
    # English: exactly the command line's message (the exception's text is never changed)
    en = L.problems_message(e.value.problems, "en")
    assert en == e.value.message() and "row 2, column requested_eur: '-5': must be > 0" in en
    # a missing value, a suggestion, bounds; a rule without a French wording is kept as it is
    # (rendered from the catalog by code, never by re-reading the English text)
    from workbench.errors import MISSING, Problem, at_column
    from workbench.messages import msg

    missing = Problem("f.csv", at_column("requested_eur"), MISSING, msg("E_COLUMN_MISSING", suggestion="requested"))
    assert str(missing) == "f.csv: column requested_eur: (missing): required column is missing (did you mean 'requested'?)"
    assert L.problem_text(missing, "fr") == \
        "f.csv : colonne requested_eur : (absente) : colonne obligatoire absente (vouliez-vous dire « requested » ?)"
    assert L.problem_text(Problem("s.yaml", "funds.F.rate", 2, msg("E_BOUNDS", bounds=[(">=", 0), ("<=", 1)])),
                          "fr").endswith(": 2 : doit être ≥ 0 et ≤ 1")
    # an uncoded rule (a third party's) is shown in English rather than guessed, even if it reads like ours
    assert L.problem_text(Problem("s.yaml", "x", 1, "a brand new rule"), "fr").endswith(": 1 : a brand new rule")
    assert L.problem_text(Problem("s.yaml", "row 2", 1, "must be > 0"), "fr") == "s.yaml : row 2 : 1 : must be > 0"
