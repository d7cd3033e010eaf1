"""The command line's language: French by default, English on request, from the catalogs."""
from __future__ import annotations

import pytest

from workbench.cli import main

from helpers import PARAMS, ROOT


@pytest.fixture(autouse=True)
def _no_language_set(monkeypatch):
    monkeypatch.delenv("WORKBENCH_LANG", raising=False)


def _run(capsys, *args):
    rc = main([str(a) for a in args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_validate_speaks_french_by_default_and_english_on_request(capsys, monkeypatch):
    rc, out, _ = _run(capsys, "validate", PARAMS / "ftap_2018_backtest.yaml")
    assert rc == 0 and "scénario valide « ftap_2018_backtest »" in out and "fonds FTAP : enveloppe" in out
    rc, out, _ = _run(capsys, "validate", PARAMS / "ftap_2018_backtest.yaml", "--lang", "en")
    assert rc == 0 and "valid scenario 'ftap_2018_backtest'" in out and "fund FTAP: envelope" in out
    monkeypatch.setenv("WORKBENCH_LANG", "en")
    rc, out, _ = _run(capsys, "validate", PARAMS / "ftap_2018_backtest.yaml")
    assert "valid scenario" in out
    rc, out, _ = _run(capsys, "validate", PARAMS / "ftap_2018_backtest.yaml", "--lang", "fr")   # the option wins
    assert "scénario valide" in out


def test_errors_are_written_in_the_chosen_language(capsys, tmp_path):
    missing = tmp_path / "nope.yaml"
    rc, _, err = _run(capsys, "validate", missing)
    assert rc == 2 and "1 problème trouvé" in err and "le fichier n'existe pas" in err
    rc, _, err = _run(capsys, "validate", missing, "--lang", "en")
    assert rc == 2 and "1 problem found" in err and "file does not exist" in err


def test_an_unknown_language_is_refused_with_exit_2(capsys, monkeypatch):
    rc, _, err = _run(capsys, "validate", PARAMS / "ftap_2018_backtest.yaml", "--lang", "de")
    assert rc == 2 and "--lang" in err and "'de'" in err and "fr, en" in err
    monkeypatch.setenv("WORKBENCH_LANG", "xx")
    rc, _, err = _run(capsys, "validate", PARAMS / "ftap_2018_backtest.yaml")
    assert rc == 2 and "$WORKBENCH_LANG" in err and "'xx'" in err


def test_rank_summary_and_explanation_in_french(capsys, tmp_path):
    from helpers import small_rank_setup

    scn, cand = small_rank_setup(tmp_path)
    rc, out, err = _run(capsys, "rank", scn, "--candidates", cand, "--budget-eur", "20000000", "--explain", "P2",
                        "--out", tmp_path / "out")
    assert rc == 0, err
    assert "portefeuille : 2 candidats retenus sur 4" in out
    assert "accordé : 20,00\u00a0M€ sur 20,00\u00a0M€ d'AE disponibles" in out
    assert "P2 — non retenu" in out and "points de valeur de plus" in out
    assert "solveur : " in out and "chaque règle revérifiée : aucune enfreinte" in out
    assert "écrit : " in out
    assert " is not selected" not in out and "granted:" not in out   # nothing left in English
