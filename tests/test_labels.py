"""Report labels: both languages everywhere, French number formats, translated warnings."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench import labels as L
from workbench.errors import InputError
from workbench.scenario import load_scenario
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
