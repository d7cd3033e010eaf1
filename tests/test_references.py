"""Every figure of the shipped scenarios cites a public document with its words, or says it is assumed.

A reference is ``"<title> (<publisher>, <date>): « <exact quotation> »"`` (several documents
separated by ``" ; "``), the document in the registry ``workbench/data/documents.csv``; a figure
the workbench chose carries ``assumption: "<reason>"`` instead.  The test walks every
``parameters/**/*.yaml`` file as written (not resolved), one test per file, so that one file's
failure hides nothing in the others.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from workbench import reference as R

from helpers import PARAMS

ROOT = PARAMS.parent
FILES = sorted(PARAMS.rglob("*.yaml"))
#: Top-level sections whose numbers are figures of the funds' rules or of the model.
FIGURE_SECTIONS = ("funds", "eligibility", "uncertainty", "disbursement", "selection", "calls")
#: Settings of the solver, not figures about the funds: no document to cite.
TECHNICAL = {"time_limit_s", "mip_rel_gap"}
#: Sub-trees exempted from the check (none: every shipped figure cites a document or an assumption).
PENDING: set = set()


def _walk(node, path=(), sourced=False):
    """Yield ``(path, kind, item)``: ``("reference", text)`` and ``("unsourced", number)``."""
    if isinstance(node, dict):
        here = sourced or bool(node.get("reference")) or bool(node.get("assumption"))
        for k, v in node.items():
            k = str(k)
            if k == "reference":
                yield path + (k,), "reference", v
            elif k in ("assumption", "description", "title", "unit"):
                continue
            else:
                yield from _walk(v, path + (k,), here)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, path + (str(i),), sourced)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        if path and path[0] in FIGURE_SECTIONS and path[-1] not in TECHNICAL and not sourced:
            yield path, "unsourced", node


def _problems(file: Path, pending: bool = False) -> list[str]:
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    reg = R.documents()
    out = []
    for path, kind, item in _walk(data):
        dotted = ".".join(path)
        in_pending = any(file.name == f and (dotted == p or dotted.startswith(p + ".")) for f, p in PENDING)
        if in_pending != pending:
            continue
        if kind == "reference":
            out += [f"{file.name}: {dotted}: {p}" for p in R.reference_problems(item, reg)]
        else:
            out.append(f"{file.name}: {dotted}: figure {item!r} has neither reference nor assumption")
    return out


@pytest.mark.parametrize("file", FILES, ids=[str(f.relative_to(PARAMS)) for f in FILES])
def test_every_figure_cites_a_registered_document_or_says_it_is_assumed(file):
    problems = _problems(file)
    assert not problems, "\n".join(problems)


def test_the_checker_catches_file_names_unknown_documents_and_missing_quotations():
    reg = R.documents()
    assert R.reference_problems("seed 002_47441965eff314ea.txt: « un fonds dédié »", reg)
    assert any("registry" in p for p in R.reference_problems("Un document inventé (DITP, 2018): « x »", reg))
    assert any("quotation" in p for p in
               R.reference_problems("Fonds pour la transformation publique (DITP, 2021): sans citation", reg))
    assert any("registered as" in p for p in
               R.reference_problems("Fonds pour la transformation publique (DITP, 2019): « x »", reg))
    ok = ("Fonds pour la transformation publique (DITP, 2021): « a » ; "
          "[CITP] Rencontre entre le Premier ministre et les lauréats du FTAP (DITP, 2019-11-19): « b ; c »")
    assert R.reference_problems(ok, reg) == []
    assert [c.quotations for c in R.parse_reference(ok)] == [("a",), ("b ; c",)]
    with_url = ("Rapport annuel de performances 2019, programme 349 : justification au premier euro "
                "(Direction du budget, 2020), https://www.budget.gouv.fr/x/FR_2019_PLR.html: « 245 000 000 »")
    assert R.reference_problems(with_url, reg) == []
    assert R.parse_reference(with_url)[0].quotations == ("245 000 000",)
    # a number with neither reference nor assumption is found, the nearest enclosing node counts
    found = list(_walk({"eligibility": {"x_eur": {"value": 5}, "y": {"value": 6, "assumption": "chosen"},
                                        "z": {"reference": "r", "inner": {"value": 7}}}}))
    assert [(".".join(p), v) for p, k, v in found if k == "unsourced"] == [("eligibility.x_eur.value", 5)]


def test_registry_has_one_row_per_document_with_iso_dates():
    reg = R.documents()
    assert list(reg.columns) == ["id", "title", "publisher", "date", "url", "local_copy", "recorded_in"]
    assert reg["id"].is_unique and reg["title"].is_unique
    assert reg["date"].str.fullmatch(r"\d{4}(-\d{2}){0,2}").all()
    row = reg.set_index("title").loc["[INVESTIR POUR TRANSFORMER] Le 2ème appel à projets du FTAP retient 16 lauréats"]
    assert (row["publisher"], row["date"]) == ("DITP", "2018-11-12")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("**", "").replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


SHARED = ROOT.parent / "shared"


def _scenario_quotations():
    """``(where, document title, quotation)`` for every quotation of the shipped scenarios."""
    for file in FILES:
        if "history" in file.relative_to(PARAMS).parts:
            continue
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for path, kind, text in _walk(data):
            if kind != "reference":
                continue
            try:
                cites = R.parse_reference(text)
            except ValueError:
                continue  # reported by the test above
            for c in cites:
                for q in c.quotations:
                    yield f"{file.name}: {'.'.join(path)}", c.title, q


def _found(body: str, quotation: str) -> bool:
    """Whether ``quotation`` is in ``body`` word for word (an ellipsis … marks words left out)."""
    pos = 0
    for piece in [_norm(p) for p in quotation.split("…") if _norm(p)]:
        pos = body.find(piece, pos)
        if pos < 0:
            return False
    return True


def quotation_problems(quotations) -> list[str]:
    """Each quotation whose document names a ``local_copy`` must be found in that copy (a text
    copy of the document, present in the shared material); a document read online names none."""
    reg = R.documents().set_index("title")
    bad, bodies = [], {}
    for where, title, q in quotations:
        copy = reg["local_copy"].get(title, "")
        if not copy:
            continue
        if copy not in bodies:
            f = ROOT.parent / copy
            bodies[copy] = _norm(f.read_text(encoding="utf-8")) if f.is_file() else None
        if bodies[copy] is None:
            bad.append(f"{where}: the copy {copy} of {title!r} is not in the shared material")
        elif not _found(bodies[copy], q):
            bad.append(f"{where}: « {q} » not in {copy} ({title!r})")
    return bad


def test_a_local_copy_is_a_text_copy_of_the_document_and_a_data_table_is_only_recorded_in():
    """A registered copy holds the document's words: a data table distilled from a document
    (a CSV of figures) is where its figures were recorded, not a copy of it."""
    reg = R.documents()
    copies = reg.loc[reg["local_copy"] != "", "local_copy"]
    assert copies.str.endswith(".txt").all(), list(copies[~copies.str.endswith(".txt")])
    assert not reg["recorded_in"].str.endswith(".txt").any()


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="the project's shared copies of the documents are absent")
def test_quotations_are_the_documents_own_words():
    """Each quotation of a shipped scenario whose document the registry holds a copy of appears
    in that copy word for word (an ellipsis … marks words left out)."""
    bad = quotation_problems(_scenario_quotations())
    assert not bad, "\n".join(bad)


HISTORY_FILES = sorted((PARAMS / "history").glob("*.yaml"))


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="the project's shared copies of the documents are absent")
@pytest.mark.parametrize("file", HISTORY_FILES, ids=[f.name for f in HISTORY_FILES])
def test_the_history_files_quote_the_documents_own_words(file):
    """Each quotation of a shipped history file is in the copy of its document the registry names."""
    from workbench.history import load_history, quotations

    bad = quotation_problems(quotations(load_history(file)))
    assert not bad, "\n".join(bad)


def test_every_figure_of_a_history_file_cites_registered_documents():
    """The shipped history files cite documents of the registry by id, each with its words or the
    reason they are not held."""
    from workbench.history import load_history

    reg = R.documents().set_index("id")
    for file in HISTORY_FILES:
        for f in load_history(file).figures:
            for s in f.sources:
                assert s.document in reg.index, (file.name, f.id)
                assert s.quotations or s.words_not_held, (file.name, f.id)


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="the project's shared copies of the documents are absent")
def test_the_quotation_check_can_fail():
    assert quotation_problems([("x", "[CITP] Rencontre entre le Premier ministre et les lauréats du FTAP",
                                "le FTAP soutient 64 projets")])
    assert not quotation_problems([("x", "[CITP] Rencontre entre le Premier ministre et les lauréats du FTAP",
                                    "le FTAP soutient 63 projets … 351 M€")])
