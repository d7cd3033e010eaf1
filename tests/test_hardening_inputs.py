"""Hostile input files and the other findings of the second hostile review (issue 23).

Bombs are refused before a parser builds them (openpyxl and the ``csv`` module are made to fail
the test if they are called), with a message naming the place and the bound; tracebacks of the
review become exit-2 messages; ``extends:`` is confined; weights, variant names, the export's
provenance and the XLSX writer are checked.  Sizes here are small (bounds lowered with
``monkeypatch`` where needed); ``benchmarks/bench_refusals.py`` runs the full-size files.
"""
from __future__ import annotations

import io
import re
import threading
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from workbench import limits, preflight
from workbench.candidates import read_candidates
from workbench.cli import main
from workbench.errors import InputError
from workbench.files import create_exclusive, shared_name, write_xlsx, xlsx_bytes

import helpers as H

BASE = (H.DATA / "broken" / "base_small.yaml").read_text(encoding="utf-8")


def _cli(capsys, *argv) -> tuple[int, str]:
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err
    return rc, cap.err


@pytest.fixture
def no_parser(monkeypatch):
    """openpyxl's loader and the csv reader fail the test if a refusal reaches them."""
    def forbidden(*a, **k):
        raise AssertionError("the file reached the parser")

    monkeypatch.setattr(openpyxl, "load_workbook", forbidden)
    monkeypatch.setattr("workbench.candidates.csv.reader", forbidden)


def _refused(path, match: str) -> str:
    with pytest.raises(InputError) as exc:
        read_candidates(path)
    text = exc.value.message()
    assert re.search(match, text), text
    return text


# --------------------------------------------------------------------------------------------
# XLSX bombs: refused from the zip directory and the streamed XML, before openpyxl
# --------------------------------------------------------------------------------------------
def test_a_very_wide_row_is_refused_before_openpyxl(tmp_path, no_parser):
    p = tmp_path / "wide.xlsx"
    H.wide_row_xlsx(p, limits.MAX_XLSX_ROW_CELLS + 1)
    _refused(p, r"row 2: 'more than 16,384 cells': a row of the sheet may hold at most 16,384 cells")


def test_a_value_beyond_the_last_column_names_its_cell(tmp_path, no_parser):
    row = H.candidate_row(1) + [None] * (limits.MAX_COLUMNS - 11) + ["stray"]   # column 201: GS
    p = tmp_path / "far.xlsx"
    H.xlsx_package(p, H.sheet_xml([row]))
    _refused(p, r"row 2, column GS: 'column 201': a candidate file may have at most 200 columns")


def test_a_long_row_is_refused_by_its_bytes(tmp_path, no_parser, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_ROW_BYTES", 50_000)
    p = tmp_path / "long.xlsx"
    H.xlsx_package(p, H.sheet_xml([H.candidate_row(1)[:1] + ["x" * 60_000]]))
    _refused(p, r"row 2: 'more than 50,000 bytes': a row of the sheet may take at most 50,000 bytes of XML")


def test_a_table_of_shared_strings_is_counted_and_bounded(tmp_path, no_parser, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_SHARED_STRINGS", 1_000)
    p = tmp_path / "strings.xlsx"
    H.shared_strings_xlsx(p, 1_001)
    _refused(p, r"workbook part xl/sharedStrings.xml: 'more than 1,000 texts'")
    monkeypatch.setattr(limits, "MAX_XLSX_SHARED_STRINGS_BYTES", 10_000)
    _refused(p, r"xl/sharedStrings.xml: '\d[\d,]* bytes': the table of shared strings unpacks to more than 10,000 bytes")


def test_shared_strings_within_the_bounds_are_read(tmp_path):
    p = tmp_path / "strings.xlsx"
    H.shared_strings_xlsx(p, 1_000)
    df = read_candidates(p)
    assert list(df["envelope"]) == ["ITN1"] and df["requested_eur"].iloc[0] == 1_000_000


def test_rows_beyond_the_limit_are_refused_before_openpyxl(tmp_path, no_parser, monkeypatch):
    monkeypatch.setattr("workbench.candidates.MAX_CANDIDATES", 500)
    p = tmp_path / "rows.xlsx"
    H.many_rows_xlsx(p, 501, dimension=False)
    _refused(p, r"row 502: '502 rows with values': a candidate file may hold at most 500 candidate rows")
    # the used range (<dimension>) alone refuses a sheet reaching past row 2 * 500 + 1
    H.many_rows_xlsx(p, 1_001)
    _refused(p, r"row 1002: 'A1:K1002': the sheet's used range goes beyond row 1,001")


def test_too_many_cells_in_all(tmp_path, no_parser, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 1_000)
    p = tmp_path / "cells.xlsx"
    H.many_rows_xlsx(p, 100)   # 101 rows of 11 cells
    _refused(p, r"row 91: 'more than 1,000 cells': a candidate file may hold at most 1,000 cells")


def test_too_many_cells_in_a_csv(tmp_path, monkeypatch):
    monkeypatch.setattr("workbench.candidates.MAX_CELLS", 1_000)
    p = tmp_path / "cells.csv"
    p.write_text(";".join(H.CANDIDATE_COLUMNS) + "\n" + "\n".join(
        ";".join(str(v) for v in H.candidate_row(i)) for i in range(100)) + "\n", encoding="utf-8")
    _refused(p, r"row 92: 'more than 1,000 cells': a candidate file may hold at most 1,000 cells")


def test_a_styles_part_of_too_many_formats_is_refused_before_openpyxl(tmp_path, no_parser):
    xf = b"<xf numFmtId='0' fontId='0' fillId='0' borderId='0'/>"
    styles = (b"<?xml version='1.0'?><styleSheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
              b"<cellXfs>" + xf * (limits.MAX_XLSX_PART_TAGS + 1) + b"</cellXfs></styleSheet>")
    p = tmp_path / "styles.xlsx"
    H.xlsx_package(p, H.sheet_xml([H.candidate_row(1)]), parts={"xl/styles.xml": styles})
    _refused(p, r"workbook part xl/styles.xml: 'more than 50,000 tags': holds more than 50,000 XML tags")


def test_a_zip_of_too_many_files_is_refused_from_its_end_record(tmp_path, no_parser, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_ENTRIES", 20)
    p = tmp_path / "entries.xlsx"
    H.xlsx_package(p, H.sheet_xml([H.candidate_row(1)]), parts={f"xl/media/i{k}.png": b"x" for k in range(30)})
    assert preflight.zip_entries(p) == 35
    _refused(p, r"'35 files': an XLSX workbook may contain at most 20 files inside")
    q = tmp_path / "not_a_zip.xlsx"
    q.write_bytes(b"id;title\n" * 10)
    _refused(q, r"cannot be read as an XLSX workbook \(not a zip file\)")


def test_a_doctype_in_the_sheet_is_refused(tmp_path, no_parser):
    chunks = list(H.sheet_xml([H.candidate_row(1)]))
    chunks[0] = chunks[0].replace(b"<worksheet", b"<!DOCTYPE worksheet [<!ENTITY a 'aaaa'>]><worksheet", 1)
    p = tmp_path / "doctype.xlsx"
    H.xlsx_package(p, chunks)
    _refused(p, r"cannot be read as an XLSX workbook \(DOCTYPE\)")


def _shape_both_ways(path) -> tuple:
    """The sheet measured by the byte scanner (``None`` when it hands over) and by the parser."""
    with zipfile.ZipFile(path) as z:
        infos = {i.filename: i for i in z.infolist()}
        sheet, _ = preflight._find_parts(z, infos)
        fast = preflight._SheetStats("f", limits.MAX_CANDIDATES)
        try:
            preflight._scan_sheet_bytes(z, infos[sheet], fast)
            by_bytes = (fast.rows, fast.cells, fast.max_row, fast.max_col)
        except preflight._Unusual:
            by_bytes = None
        exact = preflight._SheetStats("f", limits.MAX_CANDIDATES)
        preflight._scan_sheet_xml(z, infos[sheet], exact)
        return by_bytes, (exact.rows, exact.cells, exact.max_row, exact.max_col)


def test_the_byte_scanner_measures_as_the_xml_parser_does(tmp_path):
    # openpyxl's own files (inline strings, accents as character references, a styled empty cell
    # far right, a formula, blank rows)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(H.CANDIDATE_COLUMNS))
    ws.append([])
    ws.append(H.candidate_row(1)[:1] + ["Réseau & co"] + H.candidate_row(1)[2:5] + ["=E3/2"] + H.candidate_row(1)[6:])
    ws["AZ7"].font = openpyxl.styles.Font(bold=True)   # formatted, no value: not a column
    ws.append([None] * 12 + [5])
    files = {"openpyxl.xlsx": None, "no_references.xlsx": None, "ours.xlsx": None}
    wb.save(tmp_path / "openpyxl.xlsx")
    H.xlsx_package(tmp_path / "no_references.xlsx", H.sheet_xml((H.candidate_row(i) for i in range(50)),
                                                                  references=False))
    write_xlsx(tmp_path / "ours.xlsx", {"t": pd.DataFrame([H.candidate_row(i) for i in range(30)],
                                                          columns=list(H.CANDIDATE_COLUMNS))})
    # a last value without a reference after cells with one (openpyxl: the next column)
    mixed = b"".join(H.sheet_xml([H.candidate_row(1)])).replace(
        b"</row></sheetData>", b"<c><v>7</v></c></row><row r='3'><c r='A3'><v>1</v></c><c><v>2</v></c></row></sheetData>")
    H.xlsx_package(tmp_path / "mixed.xlsx", [mixed])
    assert _shape_both_ways(tmp_path / "mixed.xlsx") in ((None, (3, 25, 3, 12)), ((3, 25, 3, 12), (3, 25, 3, 12)))
    for name in files:
        by_bytes, exact = _shape_both_ways(tmp_path / name)
        assert by_bytes == exact, name
    # rows 1, 3 and 8 hold values (8: the last, in column M); AZ7 is a cell, not a value
    assert _shape_both_ways(tmp_path / "openpyxl.xlsx")[1] == (3, 24, 8, 13)


def test_prefixes_and_comments_are_measured_by_the_parser(tmp_path, no_parser):
    plain = b"".join(H.sheet_xml(H.candidate_row(i) for i in range(5)))
    prefixed = plain.replace(b"xmlns='", b"xmlns:x='")
    prefixed = re.sub(rb"<(/?)(?![?!])(\w+)", rb"<\1x:\2", prefixed)
    hidden = plain.replace(b"<sheetData>", b"<sheetData><!-- <row r='3'>" + b"<c><v>1</v></c>" * 20_000
                           + b"</row> -->", 1)
    for name, xml in (("prefixed.xlsx", prefixed), ("comment.xlsx", hidden)):
        H.xlsx_package(tmp_path / name, [xml])
        by_bytes, exact = _shape_both_ways(tmp_path / name)
        assert by_bytes is None and exact == (6, 66, 6, 11), name   # a comment is no row
    shape = preflight.check_xlsx(tmp_path / "comment.xlsx", "f")
    assert shape.exact and shape.max_row == 6 and shape.max_column == 11


def test_openpyxl_reads_only_the_measured_range(tmp_path):
    # the used range claims 16,384 columns and a million rows' worth of padding: not read
    rows = [H.candidate_row(i) for i in range(3)]
    chunks = list(H.sheet_xml(rows, dimension="A1:XFD4"))
    chunks[-1] = chunks[-1].replace(b"</sheetData>", b"<row r='4'><c r='XFD4' s='0'/></row></sheetData>")
    p = tmp_path / "range.xlsx"
    H.xlsx_package(p, chunks)
    shape = preflight.check_xlsx(p, "f")
    assert (shape.max_row, shape.max_column) == (4, 11)
    df = read_candidates(p)
    assert len(df) == 3 and list(df.columns[:11]) == list(H.CANDIDATE_COLUMNS)


# --------------------------------------------------------------------------------------------
# CSV bombs: counted on the bytes, before the csv module splits a line
# --------------------------------------------------------------------------------------------
def test_a_line_of_commas_is_refused_before_the_csv_module(tmp_path, no_parser):
    p = tmp_path / "commas.csv"
    H.commas_csv(p, 2_000_000)
    _refused(p, r"line 1: '1,048,577 fields': a line of a CSV file may have at most 16,384 fields")
    H.commas_csv(p, 2_000_000, per_line=20_000)
    _refused(p, r"line 1: '20,001 fields'")
    q = tmp_path / "late.csv"
    q.write_text(";".join(H.CANDIDATE_COLUMNS) + "\n" + ";".join(str(v) for v in H.candidate_row(1)) + "\n"
                 + ";" * 16_384 + "\n", encoding="utf-8")
    _refused(q, r"line 3: '16,385 fields'")


def test_a_too_long_line_is_refused_before_the_csv_module(tmp_path, no_parser):
    p = tmp_path / "long.csv"
    H.long_line_csv(p, limits.MAX_CSV_LINE_BYTES + 10)
    _refused(p, r"line 2: 'more than 4,000,000 bytes': a line of a CSV file may hold at most 4,000,000 bytes")


def test_too_many_lines_or_separators_are_refused_before_the_csv_module(tmp_path, no_parser, monkeypatch):
    p = tmp_path / "lines.csv"
    p.write_bytes(";".join(H.CANDIDATE_COLUMNS).encode() + b"\n" + b"\n" * 2_000)
    monkeypatch.setattr(limits, "MAX_CSV_LINES", 1_000)
    _refused(p, r"line 1001: 'more than 1,000 lines': a CSV file may hold at most 1,000 lines")
    monkeypatch.setattr(limits, "MAX_CSV_SEPARATORS", 5_000)
    q = tmp_path / "seps.csv"
    # quotes joining lines into one record: every line is short, the separators add up
    q.write_bytes(b"id;title\n" + (b";" * 100 + b'"\n"') * 100)
    _refused(q, r"'5,001 separators': a CSV file may hold at most 5,000 separators")


# --------------------------------------------------------------------------------------------
# tracebacks of the review, now messages with exit status 2
# --------------------------------------------------------------------------------------------
def _formula_with_text(path: Path, header, row, cell: str, text: str) -> None:
    """An XLSX whose formula cell ``cell`` saved the text ``text`` as a number (no ``t``)."""
    wb = openpyxl.Workbook()
    wb.active.append(header)
    wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, n = re.subn(rf'<c r="{cell}"><f>([^<]*)</f><v\s*/>|<c r="{cell}"><f>([^<]*)</f><v></v>',
                       lambda m: f'<c r="{cell}"><f>{m.group(1) or m.group(2)}</f><v>{text}</v>', sheet)
    assert n == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for k, b in parts.items():
            z.writestr(k, b)


def test_a_formula_with_a_text_saved_as_a_number_is_a_message(tmp_path, capsys):
    p = tmp_path / "formula.xlsx"
    row = H.candidate_row(1)
    row[5] = "=E2/2"
    _formula_with_text(p, list(H.CANDIDATE_COLUMNS), row, "F2", "abc")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2
    assert "row 2, column requested_eur: 'abc': a cell typed as a number holds this text" in err


def test_a_book_with_such_a_formula_is_a_message_and_stores_nothing(tmp_path, capsys):
    p = tmp_path / "book.xlsx"
    _formula_with_text(p, ["id", "call", "fund", "grant_eur", "decision_date", "end_date", "status"],
                       ["B1", "C1", "FTAP", "=1000*1000", "2019-01-01", "2022-01-01", "running"], "D2", "un million")
    db = tmp_path / "books.sqlite"
    rc, err = _cli(capsys, "book", "import", p, "--as-of", "2021-12-31", "--db", db)
    assert rc == 2 and "row 2, column grant_eur: 'un million': a cell typed as a number holds this text" in err
    rc, out = main(["book", "list", "--db", str(db)]), capsys.readouterr().out
    assert "B1" not in out


@pytest.mark.parametrize("bad", ["2021-02-30", "2021-13-01"])
def test_a_date_not_in_the_calendar_is_a_message(tmp_path, capsys, bad):
    p = tmp_path / "date.yaml"
    p.write_text(BASE.replace("decision: 2021-06-01", f"decision: {bad}"), encoding="utf-8")
    assert bad in p.read_text(encoding="utf-8")
    for argv in (["validate", p], ["rank", p, "--out", tmp_path / "out"], ["dashboard", "--scenario", p]):
        rc, err = _cli(capsys, *argv)
        assert rc == 2 and f"calls[0].decision: '{bad}': is not a date of the calendar" in err, argv
    q = tmp_path / "dated.yaml"
    q.write_text(BASE + f"eligibility:\n  min_total_cost_eur:\n    values:\n      {bad}: 100\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", q)
    assert rc == 2 and f"eligibility.min_total_cost_eur.values.{bad}" in err and "not a date of the calendar" in err


# --------------------------------------------------------------------------------------------
# extends: confined, refused before opening, never echoing a file that is no scenario
# --------------------------------------------------------------------------------------------
@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home folder with secrets, and the working folder at ``/`` (no project above it)."""
    h = tmp_path / "home"
    (h / ".ssh").mkdir(parents=True)
    (h / ".ssh" / "id_rsa").write_text("-----BEGIN KEY----- hunter2\n", encoding="utf-8")
    (h / ".ssh" / "config.yaml").write_text("API_TOKEN: hunter2\n", encoding="utf-8")
    (h / "secrets.yaml").write_text("API_TOKEN: hunter2\n", encoding="utf-8")
    (h / "broken.yaml").write_text("a: [hunter2\n", encoding="utf-8")
    (h / "base.yaml").write_text(BASE, encoding="utf-8")
    monkeypatch.chdir("/")
    monkeypatch.delenv(limits.ENV_ALLOWED_DIRS, raising=False)
    monkeypatch.delenv("WORKBENCH_PROJECT_DIR", raising=False)
    return h


def test_run_from_slash_extends_outside_the_scenario_tree_is_refused(home, capsys):
    work = home.parent / "work"
    work.mkdir()
    for target in ("../home/.ssh/config.yaml", "../home/secrets.yaml", "../home/base.yaml"):
        (work / "s.yaml").write_text(f"extends: {target}\n", encoding="utf-8")
        rc, err = _cli(capsys, "validate", work / "s.yaml")
        assert rc == 2 and "outside the allowed folders" in err and "hunter2" not in err and "API_TOKEN" not in err


@pytest.mark.parametrize("target, rule", [
    (".ssh/id_rsa", "extends must name a scenario file (.yaml or .yml)"),
    (".ssh/config.yaml", "names a file in a hidden folder (.ssh): refused"),
    ("secrets.yaml", "the file extended is not a readable scenario (its content is not shown"),
    ("broken.yaml", "the file extended is not a readable scenario (its content is not shown"),
])
def test_extends_inside_the_tree_never_echoes_a_file_that_is_no_scenario(home, capsys, target, rule):
    (home / "s.yaml").write_text(f"extends: {target}\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", home / "s.yaml")
    assert rc == 2 and f"extends: '{target}': {rule}" in err
    assert "hunter2" not in err and "API_TOKEN" not in err and "BEGIN" not in err


def test_extends_of_a_scenario_in_the_tree_still_works(home, capsys):
    (home / "variants").mkdir()
    (home / "s.yaml").write_text("extends: base.yaml\nname: mine\n", encoding="utf-8")
    (home / "variants" / "v.yaml").write_text("extends: ../base.yaml\nname: v\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", home / "s.yaml")
    assert rc == 0, err
    # a variant in a subfolder reaches its base in the parent only inside a project (or allowed)
    rc, err = _cli(capsys, "validate", home / "variants" / "v.yaml")
    assert rc == 2 and "outside the allowed folders" in err
    (home / "parameters").mkdir()
    import os

    os.chdir(home)
    rc, err = _cli(capsys, "validate", home / "variants" / "v.yaml")
    assert rc == 0, err


def test_a_candidate_file_in_a_hidden_folder_is_refused(home, capsys):
    (home / ".ssh" / "c.csv").write_text(";".join(H.CANDIDATE_COLUMNS) + "\n", encoding="utf-8")
    (home / "s.yaml").write_text(BASE + "candidates: {source: file, file: .ssh/c.csv}\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", home / "s.yaml")
    assert rc == 2 and "candidates.file: '.ssh/c.csv': names a file in a hidden folder (.ssh)" in err


# --------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------
def test_huge_or_infinite_weights_get_the_right_message(tmp_path, capsys):
    from helpers import small_rank_setup

    scn, cand = small_rank_setup(tmp_path)
    for weights, bad in (("strategic=1e308,service=1e308,savings=1,governance=1", "weights.strategic: 1e+308"),
                         ("strategic=inf,service=1", "weights.strategic: inf")):
        rc, err = _cli(capsys, "rank", scn, "--candidates", cand, "--weights", weights, "--out", tmp_path / "o")
        assert rc == 2 and bad in err and "a weight must be a finite number of at most 1e+09" in err, err
        assert "all be zero" not in err
    p = tmp_path / "w.yaml"
    p.write_text(BASE.replace("strategic: 1,", "strategic: 1.0e+308,"), encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and "criteria.weights.strategic" in err and "at most 1e+09" in err


def test_weights_are_normalised_without_overflow():
    from workbench.selection.scoring import normalise_weights

    w = normalise_weights({"strategic": 1e300, "service": 1e300, "savings": 0, "governance": 0})
    assert w == {"strategic": 0.5, "service": 0.5, "savings": 0.0, "governance": 0.0}
    with pytest.raises(ValueError):
        normalise_weights({"strategic": float("inf")})


# --------------------------------------------------------------------------------------------
# dashboard: variant names, concurrent saves, the export's provenance, uploads
# --------------------------------------------------------------------------------------------
def test_variant_names_keep_their_accents_and_never_a_separator():
    from workbench.dashboard.settings import variant_slug

    assert variant_slug("Scénario côté État") == "Scénario_côté_État"
    assert variant_slug(unicodedata.normalize("NFD", "Scénario côté État")) == "Scénario_côté_État"  # one file
    assert variant_slug("a/b\\c\x07d\x00e") == "a_b_c_d_e"
    assert variant_slug("../../etc/passwd") == "etc_passwd"
    assert variant_slug(" /.. ") == "" and variant_slug("Ωμέγα-2") == "Ωμέγα-2"


def test_a_variant_named_with_accents_is_saved_and_listed(app, scenario_dir):
    path = app.save_variant("Priorité à l'État")
    assert path == scenario_dir / "variants" / "Priorité_à_l_État.yaml"
    assert "name: Priorité_à_l_État" in path.read_text(encoding="utf-8")
    assert str(path) in [v for _, v in app.controls["scenario"].options]


def test_two_pages_saving_one_name_at_once_cannot_both_save(app, scenario_dir):
    from workbench.dashboard.settings import Settings, save_variant

    variants = scenario_dir / "variants"
    for k in range(8):
        barrier = threading.Barrier(2)
        results: list = []

        def save(weight: float, barrier=barrier, results=results, k=k) -> None:
            settings = Settings(scenario_path=str(app._base.path), weights=(("strategic", weight), ("service", 1.0),
                                                                           ("savings", 1.0), ("governance", 1.0)))
            barrier.wait()
            try:
                results.append(("saved", save_variant(app._base, settings, f"même nom {k}", variants, overwrite=False)))
            except FileExistsError:
                results.append(("exists", None))

        threads = [threading.Thread(target=save, args=(w,)) for w in (2.0, 3.0)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(r for r, _ in results) == ["exists", "saved"], results
        text = (variants / f"même_nom_{k}.yaml").read_text(encoding="utf-8")
        assert text.count("strategic:") == 1
    assert not [p for p in variants.iterdir() if p.name.startswith(".")]   # no temporary file left


def test_the_page_asks_before_replacing_a_variant_a_second_page_saved(app, scenario_dir):
    c = app.controls
    c["variant_name"].value = "partagée"
    app._on_save_variant()
    first = (scenario_dir / "variants" / "partagée.yaml").read_text(encoding="utf-8")
    app._on_save_variant()     # the same name again, as a second page would: a question, nothing written
    assert "wb-variant-exists" in c["variant_msg"].value
    assert (scenario_dir / "variants" / "partagée.yaml").read_text(encoding="utf-8") == first


def test_create_exclusive_writes_whole_or_refuses(tmp_path):
    p = create_exclusive(tmp_path / "a.yaml", "one")
    with pytest.raises(FileExistsError):
        create_exclusive(p, "two")
    assert p.read_text() == "one" and [x.name for x in tmp_path.iterdir()] == ["a.yaml"]


def test_the_export_records_no_absolute_path(app, scenario_dir):
    _, data = app.export("xlsx")
    prov = {r[0].value: r[1].value for r in openpyxl.load_workbook(io.BytesIO(data))["provenance"].iter_rows()}
    assert prov["scenario"] in ("committee.yaml", "parameters/committee.yaml")
    for value in prov.values():
        assert not str(value).startswith("/") and str(scenario_dir) not in str(value)
    csv_text = app.export("csv")[1].decode("utf-8-sig")
    assert str(scenario_dir) not in csv_text


def test_shared_name_is_relative_to_the_project_or_the_name_alone(tmp_path, monkeypatch):
    (tmp_path / "parameters").mkdir()
    monkeypatch.chdir(tmp_path)
    assert shared_name(tmp_path / "parameters" / "x.yaml") == "parameters/x.yaml"
    assert shared_name("/elsewhere/deep/y.yaml") == "y.yaml"


def test_an_upload_bomb_gets_its_message_at_once(app, tmp_path, monkeypatch):
    import html

    before = list(app.selected_ids)
    p = tmp_path / "wide.xlsx"
    H.wide_row_xlsx(p, limits.MAX_XLSX_ROW_CELLS + 1)

    def forbidden(*a, **k):
        raise AssertionError("the upload reached openpyxl")

    monkeypatch.setattr(openpyxl, "load_workbook", forbidden)
    assert not app.upload("liste.xlsx", p.read_bytes())
    msg = html.unescape(app.controls["upload_msg"].value)
    assert "Fichier refusé : liste.xlsx" in msg and "16 384" in msg.replace("\u202f", " ").replace(",", " ")
    assert app.selected_ids == before and list(app._tmpdir.iterdir()) == []
    monkeypatch.setattr(limits, "MAX_CANDIDATE_BYTES", 1_000)
    monkeypatch.setattr("workbench.dashboard.uploads.MAX_CANDIDATE_BYTES", 1_000)
    assert not app.upload("gros.csv", b"x" * 2_000)
    assert "gros.csv" in html.unescape(app.controls["upload_msg"].value)


# --------------------------------------------------------------------------------------------
# the XLSX writer: formula-safe, typed, streamed
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "=cmd|' /C calc'!A0", "\t=1+1"])
def test_text_that_looks_like_a_formula_stays_text(text):
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": pd.DataFrame({"title": [text, "ok"]})})))["t"]
    assert ws["A2"].value == text and ws["A2"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes({"t": pd.DataFrame({"title": [text]})}))) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_the_writer_keeps_types_and_drops_what_xlsx_cannot_hold():
    df = pd.DataFrame({"n": [1, 2, 3], "x": [1.5, float("nan"), float("inf")], "b": [True, False, True],
                       "s": ["Réseau & <co>", "a\x00b\rc", None], "k": pd.array([1, None, 3], dtype="Int64")})
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": df}, bold_header=True)))["t"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["n", "x", "b", "s", "k"] and ws["A1"].font.b
    assert rows[1] == [1, 1.5, True, "Réseau & <co>", 1]
    assert rows[2] == [2, None, False, "ab\rc", None]
    assert rows[3] == [3, "inf", True, None, 3]
    assert pd.read_excel(io.BytesIO(xlsx_bytes({"t": df}))).shape == (3, 5)


def test_xlsx_writing_is_streamed_memory_stays_flat_as_rows_grow(tmp_path):
    """Replaces a wall-clock test: the writer's traced peak memory for 4x the rows stays within
    1.5x (a block of rows at a time), and the cells written grow exactly with the rows; the speed
    is measured by benchmarks/bench_xlsx_writer.py."""
    from workbench import files

    def peak(n: int) -> tuple[int, int]:
        df = pd.DataFrame({f"c{k}": range(n) for k in range(10)})
        df["title"] = [f"Projet {i}" for i in range(n)]
        calls = []
        original = files._column_cells

        def counting(values, *a):
            calls.append(len(values))
            return original(values, *a)

        files._column_cells = counting
        tracemalloc.start()
        try:
            write_xlsx(tmp_path / f"t{n}.xlsx", {"t": df})
            top = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            files._column_cells = original
        return top, sum(calls)

    small, big = peak(2 * files.XLSX_BLOCK_ROWS), peak(8 * files.XLSX_BLOCK_ROWS)
    assert big[0] < 1.5 * small[0]
    assert big[1] == 4 * small[1] == 4 * 11 * 2 * files.XLSX_BLOCK_ROWS
    ws = openpyxl.load_workbook(tmp_path / f"t{8 * files.XLSX_BLOCK_ROWS}.xlsx", read_only=True)["t"]
    assert ws.max_row == 8 * files.XLSX_BLOCK_ROWS + 1
