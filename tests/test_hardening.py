"""Hostile and broken input on the command line: exit status 2 with a short message, never a
traceback, minutes of work or gigabytes; outputs whole and readable by the group (issue 16)."""
from __future__ import annotations

import io
import os
import re
import stat
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from workbench import limits
from workbench.candidates import read_candidates
from workbench.cli import main
from workbench.errors import InputError, Problem
from workbench.files import csv_bytes, safe_text, write_xlsx, xlsx_bytes
from workbench.scenario import load_scenario

from helpers import DATA

BASE = (DATA / "broken" / "base_small.yaml").read_text(encoding="utf-8")
HEADER = ("id;title;owner;envelope;total_cost_eur;requested_eur;duration_months;"
          "strategic;service;savings;governance")
ROW = "P{i};Projet {i};O1;ITN1;2 000 000;1 000 000;12;5;5;5;5"


def _cli(capsys, *argv) -> tuple[int, str]:
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err
    return rc, cap.err


def _message(exc: InputError) -> str:
    text = exc.message()
    assert all(len(line) < 600 for line in text.splitlines())
    return text


# --------------------------------------------------------------------------------------------
# scenario files
# --------------------------------------------------------------------------------------------
@pytest.mark.timeout(300)   # a guard against a hang (an expanded bomb), not a speed bound
def test_billion_laughs_is_refused_at_once_with_a_short_message(tmp_path, capsys):
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in range(1, 9):
        prev, cur = chr(ord("a") + k - 1), chr(ord("a") + k)
        laughs.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    p = tmp_path / "laughs.yaml"
    p.write_text(BASE + "title: *i\n" + "\n".join(laughs) + "\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    # refused by the alias count before any expansion: the message says so, and shows no expansion
    assert rc == 2 and "aliases" in err and len(err) < 1000


@pytest.mark.parametrize("depth", [1000, 40])
def test_deeply_nested_yaml_is_refused(tmp_path, capsys, depth):
    p = tmp_path / "deep.yaml"
    p.write_text(BASE + "description: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and f"nested more than {limits.MAX_YAML_DEPTH} levels" in err


def test_long_extends_chain_and_cycle_are_refused(tmp_path, capsys):
    (tmp_path / "s0.yaml").write_text(BASE, encoding="utf-8")
    for k in range(1, 1200):
        (tmp_path / f"s{k}.yaml").write_text(f"extends: s{k - 1}.yaml\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", tmp_path / "s1199.yaml")
    assert rc == 2 and f"at most {limits.MAX_EXTENDS} files" in err
    (tmp_path / "c1.yaml").write_text("extends: c2.yaml\n", encoding="utf-8")
    (tmp_path / "c2.yaml").write_text("extends: c1.yaml\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", tmp_path / "c1.yaml")
    assert rc == 2 and "extends cycle: c1.yaml -> c2.yaml -> c1.yaml" in err


def test_latin1_scenario_names_the_line_and_the_fix(tmp_path, capsys):
    p = tmp_path / "latin1.yaml"
    p.write_bytes((BASE + "title: Fonds de transformation de l'action publique — été\n")
                  .replace("—", "-").encode("latin-1"))
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and "is not UTF-8" in err and f"line {BASE.count(chr(10)) + 1}" in err and "0xe9" in err


def test_oversized_scenario_file_is_not_parsed(tmp_path, capsys):
    p = tmp_path / "big.yaml"
    p.write_text(BASE + "description: '" + "x" * limits.MAX_YAML_BYTES + "'\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and f"at most {limits.MAX_YAML_BYTES:,} bytes" in err


def test_huge_generator_size_is_refused_before_generating(tmp_path, capsys, monkeypatch):
    from workbench import generator

    def must_not_run(*a, **k):   # refused before any candidate is drawn
        raise AssertionError("a pipeline was drawn")

    monkeypatch.setattr(generator, "generate_pipeline", must_not_run)
    p = tmp_path / "huge.yaml"
    p.write_text(BASE + "candidates: {source: synthetic, synthetic: {applications: 200000000}}\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and "candidates.synthetic.applications" in err and "200000000" in err
    # many calls of a modest size add up: refused too, before drawing
    calls = "\n".join(f"  - {{id: C{k}, fund: FITN, decision: 2021-06-01, expected_applications: 100000}}"
                      for k in range(3))
    p.write_text(BASE.split("calls:")[0] + "calls:\n" + calls + "\ncriteria:\n  weights: {strategic: 1, service: 1,"
                 " savings: 1, governance: 1}\ncandidates: {source: synthetic, synthetic: {applications: 10}}\n",
                 encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and "300,000 candidates" in err


def test_values_in_messages_are_cut_to_80_characters():
    shown = str(Problem("f.yaml", "title", "x" * 100_000, "must be short"))
    assert len(shown) < 140 and shown.count("x") <= 80 and "…" in shown
    assert len(str(Problem("f", "k", {"a": list(range(10**6))}, "r"))) < 140


# --------------------------------------------------------------------------------------------
# confinement
# --------------------------------------------------------------------------------------------
@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A project folder (the working folder) and a secret file outside it."""
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    secret = outside / "secrets.yaml"
    secret.write_text("API_TOKEN: hunter2-very-secret\n", encoding="utf-8")
    (outside / "foreign.csv").write_text(HEADER + "\n" + ROW.format(i="SECRET-ROW") + ";extra\n", encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.delenv(limits.ENV_ALLOWED_DIRS, raising=False)
    return project, outside


def test_extends_outside_the_allowed_folders_is_refused_without_reading_it(elsewhere, capsys, monkeypatch):
    project, outside = elsewhere
    p = project / "evil.yaml"
    p.write_text(f"extends: {outside / 'secrets.yaml'}\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and "outside the allowed folders" in err and limits.ENV_ALLOWED_DIRS in err
    assert "hunter2" not in err and "API_TOKEN" not in err
    p.write_text("extends: ../outside/secrets.yaml\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and "outside the allowed folders" in err and "hunter2" not in err
    # a symbolic link inside the project does not lead out
    (project / "link.yaml").symlink_to(outside / "secrets.yaml")
    p.write_text("extends: link.yaml\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and "outside the allowed folders" in err and "hunter2" not in err


def test_candidates_file_outside_is_refused_unless_allowed(elsewhere, capsys, monkeypatch):
    project, outside = elsewhere
    p = project / "scn.yaml"
    p.write_text(BASE + f"candidates: {{source: file, file: {outside / 'foreign.csv'}}}\n", encoding="utf-8")
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and "candidates.file" in err and "outside the allowed folders" in err
    assert "SECRET-ROW" not in err
    monkeypatch.setenv(limits.ENV_ALLOWED_DIRS, str(outside))
    rc, err = _cli(capsys, "validate", p)
    assert rc == 2 and "outside the allowed folders" not in err  # allowed now: the file's own problem shows
    assert "has 12 cells for 11 columns" in err


def test_scenario_folder_and_project_folder_are_allowed(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "sub" / "variant.yaml").write_text("extends: ../base.yaml\nname: v\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_PROJECT_DIR", raising=False)
    # a working folder that is no project (no parameters/ folder) opens nothing (issue 23)
    with pytest.raises(InputError, match="outside the allowed folders"):
        load_scenario(tmp_path / "sub" / "variant.yaml")
    assert load_scenario(tmp_path / "sub" / "variant.yaml", allowed_dirs=[tmp_path]).name == "v"
    # a project (a parameters/ folder) opens its whole tree, from any of its folders
    (tmp_path / "parameters").mkdir()
    assert load_scenario(tmp_path / "sub" / "variant.yaml").name == "v"
    monkeypatch.chdir(tmp_path / "sub")
    assert load_scenario(tmp_path / "sub" / "variant.yaml").name == "v"


# --------------------------------------------------------------------------------------------
# candidate files
# --------------------------------------------------------------------------------------------
def _csv(tmp_path, rows: list[str], name="c.csv", encoding="utf-8") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding=encoding)
    return p


def test_csv_field_over_128_kib_is_a_problem_with_row_and_column(tmp_path):
    p = _csv(tmp_path, [ROW.format(i=1), ROW.format(i=2).replace("Projet 2", '"' + "y" * 200_000 + '"')])
    with pytest.raises(InputError) as exc:
        read_candidates(p)
    msg = _message(exc.value)
    assert "row 3, column title" in msg and f"at most {limits.MAX_CELL_CHARS:,} characters" in msg
    assert "200,000" in msg


def test_mixed_utf8_and_cp1252_lines_are_reported(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_bytes((HEADER + "\n" + ROW.format(i=1).replace("Projet", "Réseau") + "\n").encode("utf-8")
                  + (ROW.format(i=2).replace("Projet", "Télé") + "\n").encode("cp1252"))
    with pytest.raises(InputError) as exc:
        read_candidates(p)
    msg = _message(exc.value)
    assert "mixes encodings" in msg and "line 2 is UTF-8 but line 3 is not" in msg
    # a file wholly in cp1252 is still read
    q = _csv(tmp_path, [ROW.format(i=1).replace("Projet", "Télé")], name="cp.csv", encoding="cp1252")
    assert read_candidates(q)["title"].iloc[0] == "Télé 1"


def test_too_many_columns_and_rows(tmp_path, monkeypatch):
    wide = tmp_path / "wide.csv"
    wide.write_text(HEADER + ";" + ";".join(f"x{k}" for k in range(300)) + "\n" + ROW.format(i=1) + "\n")
    with pytest.raises(InputError, match=f"at most {limits.MAX_COLUMNS} columns"):
        read_candidates(wide)
    monkeypatch.setattr("workbench.candidates.MAX_CANDIDATES", 50)
    p = _csv(tmp_path, [ROW.format(i=i) for i in range(60)])
    with pytest.raises(InputError, match="at most 50 candidate rows"):
        read_candidates(p)


def test_blank_rows_keep_spreadsheet_row_numbers(tmp_path):
    p = _csv(tmp_path, [ROW.format(i=1), "", ";;;;;;;;;;", ROW.format(i=2).replace(";5;5;5;5", ";5;5;5;11")])
    with pytest.raises(InputError, match="row 5, column governance"):
        read_candidates(p)


def _giant_xlsx(path: Path, rows: int) -> None:
    """An XLSX of ``rows`` candidate rows written straight as XML (seconds, not minutes)."""
    head = ("<?xml version='1.0' encoding='UTF-8'?><worksheet xmlns="
            "'http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData>")
    cols = HEADER.split(";")
    letters = [chr(ord("A") + k) for k in range(len(cols))]
    hdr = "<row r='1'>" + "".join(f"<c r='{c}1' t='inlineStr'><is><t>{n}</t></is></c>"
                                  for c, n in zip(letters, cols)) + "</row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:  # noqa: SIM117
        z.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types xmlns='http://schemas.openxmlformats.org/"
                   "package/2006/content-types'><Default Extension='rels' ContentType='application/vnd.openxml"
                   "formats-package.relationships+xml'/><Default Extension='xml' ContentType='application/xml'/>"
                   "<Override PartName='/xl/workbook.xml' ContentType='application/vnd.openxmlformats-officedoc"
                   "ument.spreadsheetml.sheet.main+xml'/><Override PartName='/xl/worksheets/sheet1.xml' Content"
                   "Type='application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'/></Types>")
        z.writestr("_rels/.rels", "<?xml version='1.0'?><Relationships xmlns='http://schemas.openxmlformats.org/"
                   "package/2006/relationships'><Relationship Id='rId1' Type='http://schemas.openxmlformats.org/"
                   "officeDocument/2006/relationships/officeDocument' Target='xl/workbook.xml'/></Relationships>")
        z.writestr("xl/workbook.xml", "<?xml version='1.0'?><workbook xmlns='http://schemas.openxmlformats.org/"
                   "spreadsheetml/2006/main' xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/"
                   "relationships'><sheets><sheet name='c' sheetId='1' r:id='rId1'/></sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", "<?xml version='1.0'?><Relationships xmlns='http://schemas."
                   "openxmlformats.org/package/2006/relationships'><Relationship Id='rId1' Type='http://schemas."
                   "openxmlformats.org/officeDocument/2006/relationships/worksheet' Target='worksheets/sheet1.xml'"
                   "/></Relationships>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.replace("<sheetData>", f"<dimension ref='A1:K{rows + 1}'/><sheetData>").encode())
            fh.write(hdr.encode())
            row = "".join(f"<c t='n'><v>{v}</v></c>" for v in (1, 1, 1, 1, 2000000, 1000000, 12, 5, 5, 5, 5))
            block = ("<row>" + row + "</row>").encode() * 10_000
            for _ in range(rows // 10_000):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")


@pytest.mark.slow
def test_xlsx_with_3_million_rows_is_refused_before_it_is_parsed(tmp_path):
    p = tmp_path / "huge.xlsx"
    _giant_xlsx(p, 3_000_000)
    assert 5e6 < p.stat().st_size < 40e6
    with pytest.raises(InputError, match="unpacks to"):
        read_candidates(p)


def test_xlsx_reading_is_streamed_and_stops_at_the_row_limit(tmp_path, monkeypatch):
    p = tmp_path / "many.xlsx"
    _giant_xlsx(p, 200_000)
    monkeypatch.setattr("workbench.candidates.MAX_CANDIDATES", 2_000)
    # refused from the sheet's used range (<dimension>) before its rows are read
    with pytest.raises(InputError, match="beyond row 4,001 \\(at most 2,000 candidates\\)"):
        read_candidates(p)
    # without a <dimension>: the rows are counted, and the count stops at the limit
    with zipfile.ZipFile(p) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"<dimension ref='A1:K200001'/>", b"")
    q = tmp_path / "many_no_dimension.xlsx"
    with zipfile.ZipFile(q, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    with pytest.raises(InputError, match="row 2002: '2,002 rows with values': .*at most 2,000 candidate rows"):
        read_candidates(q)


def test_xlsx_formulas_give_their_saved_values_or_a_problem(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(";"))
    ws.append(["P1", '="Projet "&"un"', "O1", "ITN1", 2e6, "=E2/2", 12, 5, 5, 5, 5])
    p = tmp_path / "formulas.xlsx"
    wb.save(p)  # openpyxl saves formulas without values, like a file never opened in a spreadsheet
    with pytest.raises(InputError) as exc:
        read_candidates(p)
    msg = _message(exc.value)
    assert "row 2, column title" in msg and "row 2, column requested_eur" in msg and "saved without its value" in msg
    # a spreadsheet saves the computed value with the formula: that value is read
    with zipfile.ZipFile(p) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    # openpyxl writes an empty value as <v /> or <v></v> (with or without lxml)
    sheet = re.sub(r"<v\s*/>|<v></v>", "<v />", parts["xl/worksheets/sheet1.xml"].decode())
    sheet = sheet.replace("<f>E2/2</f><v />", "<f>E2/2</f><v>1000000</v>")
    sheet = sheet.replace('<c r="B2"><f>"Projet "&amp;"un"</f><v />',
                          '<c r="B2" t="str"><f>"Projet "&amp;"un"</f><v>Projet un</v>')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    q = tmp_path / "computed.xlsx"
    with zipfile.ZipFile(q, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    df = read_candidates(q)
    assert df["title"].iloc[0] == "Projet un" and df["requested_eur"].iloc[0] == 1_000_000


# --------------------------------------------------------------------------------------------
# one formula-safe writer
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_csv_cells_that_would_run_as_formulas_get_an_apostrophe(text):
    assert safe_text(text) == "'" + text
    blob = csv_bytes(pd.DataFrame({"title": [text]})).decode("utf-8")
    assert blob.splitlines()[1].lstrip('"').startswith("'")


def test_nul_and_control_characters_never_break_the_xlsx():
    df = pd.DataFrame({"title": ["a\x00b\x07c", "=cmd|' /C calc'!A0"], "n": [1, 2]})
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": df})))
    ws = wb["t"]
    assert ws["A2"].value == "abc"
    assert ws["A3"].value == "=cmd|' /C calc'!A0" and ws["A3"].data_type == "s"
    assert "\x00" not in csv_bytes(df).decode()


def test_dashboard_export_uses_the_same_writer():
    from workbench.dashboard import export_portfolio

    df = pd.DataFrame({"title": ["\t=1+1", "x\x00y"]})
    assert "'\t=1+1" in export_portfolio(df, "csv", {"k": "v"}).decode("utf-8-sig")
    ws = openpyxl.load_workbook(io.BytesIO(export_portfolio(df, "xlsx", {"k": "v"}, lang="en")))["portfolio"]
    assert ws["A3"].value == "xy"


# the XLSX writer's linearity: tests/test_hardening_inputs.py (no wall-clock bound); its speed:
# benchmarks/bench_xlsx_writer.py


def test_files_follow_the_umask(tmp_path):
    old = os.umask(0o002)
    try:
        write_xlsx(tmp_path / "t.xlsx", {"t": pd.DataFrame({"a": [1]})})
        from workbench.files import write_csv

        write_csv(tmp_path / "t.csv", pd.DataFrame({"a": [1]}))
    finally:
        os.umask(old)
    for name in ("t.xlsx", "t.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o664


# --------------------------------------------------------------------------------------------
# outputs: all or nothing, readable by the group, no traceback on a bad folder
# --------------------------------------------------------------------------------------------
RANK_CSV = HEADER + "\n" + "\n".join([
    "P1;\x00=HYPERLINK(\"http://x\")\x00;O1;A;20 000 000;10 000 000;12;9;9;9;9",
    "P2;\t=1+1;O1;A;20 000 000;10 000 000;12;5;5;5;5",
    "P3;Projet trois;O2;B;20 000 000;10 000 000;12;7;7;7;7"]) + "\n"


@pytest.fixture
def rank_setup(tmp_path):
    from helpers import small_rank_setup

    return (*small_rank_setup(tmp_path, RANK_CSV), tmp_path / "out")


def test_rank_with_nul_and_tab_formula_writes_safe_files(rank_setup, capsys):
    scn, cand, out = rank_setup
    rc, err = _cli(capsys, "rank", scn, "--candidates", cand, "--budget-eur", "20000000", "--out", out)
    assert rc == 0, err
    text = (out / "portfolio.csv").read_text(encoding="utf-8")
    assert "\x00" not in text and "'=1+1" in text and "'=HYPERLINK" in text
    ws = openpyxl.load_workbook(out / "portfolio.xlsx")["portfolio"]
    titles = [c.value for c in ws["B"]] if ws["B1"].value == "title" else None
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells), titles


def test_rank_failure_leaves_the_previous_outputs_whole(rank_setup, capsys, monkeypatch):
    scn, cand, out = rank_setup
    assert main(["rank", str(scn), "--candidates", str(cand), "--budget-eur", "20000000", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from workbench.selection import ranking

    def broken(path, tables, **kw):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(ranking, "write_xlsx", broken)
    rc, err = _cli(capsys, "rank", scn, "--candidates", cand, "--budget-eur", "30000000", "--out", out)
    assert rc == 1 and "no space left" in err and "previous outputs are untouched" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in out.parent.iterdir() if ".tmp-" in p.name]


def test_out_folder_that_cannot_be_written_is_a_message(rank_setup, capsys, tmp_path):
    scn, cand, _ = rank_setup
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    rc, err = _cli(capsys, "rank", scn, "--candidates", cand, "--out", blocker / "sub")
    assert rc == 2 and "cannot write" in err
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        rc, err = _cli(capsys, "rank", scn, "--candidates", cand, "--out", ro / "out")
        assert rc == 2 and "permission denied" in err


def test_rank_outputs_follow_the_umask(rank_setup):
    scn, cand, out = rank_setup
    old = os.umask(0o002)
    try:
        assert main(["rank", str(scn), "--candidates", str(cand), "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o775
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o664, p.name


def test_stale_leftovers_of_killed_runs_are_removed_and_live_ones_kept(tmp_path):
    from workbench.files import clean_stale

    dead = tmp_path / ".report.tmp-999999999-abc"
    dead.mkdir()
    (dead / "x").write_text("x")
    live = tmp_path / f".report.tmp-{os.getppid()}-abc"
    live.mkdir()
    old_log = tmp_path / ".report.kernel-xyz.log"
    old_log.write_text("x")
    os.utime(old_log, (time.time() - 7 * 3600,) * 2)
    fresh_log = tmp_path / ".other.kernel-new.log"
    fresh_log.write_text("x")
    removed = clean_stale(tmp_path)
    assert sorted(p.name for p in removed) == sorted([dead.name, old_log.name])
    assert live.exists() and fresh_log.exists() and not dead.exists()


# --------------------------------------------------------------------------------------------
# workbench run: a full disk, leftovers of killed runs, recorded paths
# --------------------------------------------------------------------------------------------
SMALL_REPORT = DATA / "small_report.yaml"


def _fake_papermill(monkeypatch):
    import papermill

    def fake(inp, outp, **kw):
        import shutil

        shutil.copyfile(inp, outp)
        assert os.environ["JUPYTER_RUNTIME_DIR"].startswith(str(Path(outp).parent.parent))
        Path(os.environ["JUPYTER_RUNTIME_DIR"], "kernel-x.json").write_text("{}")  # a connection file

    monkeypatch.setattr(papermill, "execute_notebook", fake)


def test_full_disk_during_run_and_its_failure_handler_leaves_nothing(tmp_path, capsys, monkeypatch):
    from workbench.reporting import batch

    _fake_papermill(monkeypatch)

    def no_space(*a, **k):
        raise OSError(28, "No space left on device", str(a[0]) if a else None)

    monkeypatch.setattr(batch, "export_html", no_space)
    monkeypatch.setattr(batch, "write_via", no_space)
    out = tmp_path / "outputs"
    rc, err = _cli(capsys, "run", SMALL_REPORT, "--out", out, "--no-pdf")
    assert rc == 1 and "no space left" in err
    assert [p.name for p in out.iterdir()] == []  # no temporary folder, log or connection file


def test_run_cleans_stale_leftovers_and_records_relative_paths(tmp_path, capsys, monkeypatch):
    import json

    from helpers import ROOT

    _fake_papermill(monkeypatch)
    monkeypatch.chdir(ROOT)
    out = tmp_path / "outputs"
    out.mkdir()
    (out / ".small_ftap.tmp-999999999-x").mkdir()  # a run killed with -9
    (out / ".small_ftap.runtime-999999999-x").mkdir()
    (out / ".small_ftap.kernel-999999999-x.log").write_text("x")
    old = os.umask(0o002)
    try:
        rc, err = _cli(capsys, "run", SMALL_REPORT, "--out", out, "--no-pdf")
    finally:
        os.umask(old)
    assert rc == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["small_ftap"]
    info = json.loads((out / "small_ftap" / "run.json").read_text())
    paths = {i["role"]: i["path"] for i in info["inputs"]}
    assert paths["scenario"] == "tests/data/small_report.yaml" and info["scenario"]["path"] == paths["scenario"]
    assert paths["extends"] == "parameters/ftap_2018_2022.yaml"
    assert stat.S_IMODE((out / "small_ftap" / "run.json").stat().st_mode) == 0o664
    assert stat.S_IMODE((out / "small_ftap").stat().st_mode) == 0o775


# --------------------------------------------------------------------------------------------
# workbench sweep: a scenario that never ends
# --------------------------------------------------------------------------------------------
#: Set by the test once the sweep has returned: the hung scenario ends only then, so a sweep that
#: waited for it would never return (the test's timeout guard would stop it).
_RELEASE = __import__("threading").Event()


def _hang_on_second(scenario, seed, draws):
    if scenario.name.endswith("-002"):
        _RELEASE.wait()  # a scenario that does not end before the sweep gives up on it
    return {"n_selected": 1, "total_value": float(seed % 7)}


@pytest.mark.timeout(600)   # a guard: a sweep that waited for the hung scenario would never return
def test_sweep_timeout_fails_a_hung_scenario_and_keeps_the_others(tmp_path):
    from workbench import sweep

    spec = tmp_path / "grid.yaml"
    spec.write_text(f"name: t\nbase: {SMALL_REPORT}\nseed: 7\ndraws: 5\ngrid:\n  criteria.weights.savings: [0.1, 0.5, 1.0]\n",
                    encoding="utf-8")
    tasks = sweep.grid_tasks(sweep.load_grid(spec))
    for t in tasks:
        t.timeout_s = 1.0
    out = tmp_path / "out"
    seen: list[list[str]] = []

    def partial(res):
        sweep.write_partial_summary(res, out)
        seen.append(pd.read_csv(out / "summary.csv")["status"].tolist())

    _RELEASE.clear()
    try:
        res = sweep.run_sweep(tasks, sweep.Sequential(), name="t", seed=7, progress=False, chunk_size=1,
                              fn=_hang_on_second, on_results=partial)
    finally:
        _RELEASE.set()   # the abandoned computation may end now
    assert res.summary["status"].tolist() == ["ok", "failed", "ok"]
    assert "timed out after 1 s" in res.summary.loc[1, "error"]
    assert seen[0] == ["ok"] and seen[1] == ["ok", "failed"]  # rows written as they came
    sweep.write_summary(res, out, "en")
    assert sorted(p.name for p in out.iterdir()) == ["failures.csv", "summary.csv", "summary.html"]


def test_sweep_timeout_option_is_checked(capsys):
    rc, err = _cli(capsys, "sweep", SMALL_REPORT, "--timeout", "0", "--executor", "sequential")
    assert rc == 2 and "--timeout" in err


def test_sweep_grid_is_bounded_and_its_base_confined(elsewhere, capsys):
    project, outside = elsewhere
    (outside / "base.yaml").write_text(BASE, encoding="utf-8")
    spec = project / "grid.yaml"
    spec.write_text(f"name: g\nbase: {outside / 'base.yaml'}\ngrid:\n  seed: [1, 2]\n", encoding="utf-8")
    rc, err = _cli(capsys, "sweep", "--grid", spec, "--executor", "sequential", "--out", project / "o")
    assert rc == 2 and "base" in err and "outside the allowed folders" in err
    (project / "base.yaml").write_text(BASE, encoding="utf-8")
    keys = "\n".join(f"  criteria.weights.k{k}: [{', '.join(str(v) for v in range(100))}]" for k in range(6))
    spec.write_text(f"name: g\nbase: base.yaml\ngrid:\n{keys}\n", encoding="utf-8")
    rc, err = _cli(capsys, "sweep", "--grid", spec, "--executor", "sequential", "--out", project / "o")
    # counted, never expanded: a trillion combinations would not be built in a test's lifetime
    assert rc == 2 and "1,000,000,000,000 scenarios" in err and not (project / "o").exists()


# --------------------------------------------------------------------------------------------
# workbench rank --time-limit-s: a wall-clock promise
# --------------------------------------------------------------------------------------------
def test_rank_time_limit_holds_on_the_wall_clock(rank_setup, capsys, monkeypatch):
    import json

    import workbench.selection as portfolio

    scn, cand, out = rank_setup
    real_model = portfolio.get_model

    def slow_model(*a, **k):  # model building takes most of the limit
        time.sleep(0.7)
        return real_model(*a, **k)

    from workbench.selection import optimal

    monkeypatch.setattr(optimal, "get_model", slow_model)
    rc, err = _cli(capsys, "rank", scn, "--candidates", cand, "--time-limit-s", "1", "--out", out)
    assert rc == 0, err
    info = json.loads((out / "portfolio.json").read_text())["solver"]
    assert info["time_limit_s"] == 1
    assert info["solver_time_limit_s"] <= 0.2 + 1e-9  # what the 0.7 s of model building left (at least 0.2 s)


def test_large_models_are_solved_with_an_interrupt_at_the_deadline(rank_setup, monkeypatch):
    import workbench.selection as portfolio
    from workbench.candidates import read_candidates

    scn_path, cand, _ = rank_setup
    scn = load_scenario(scn_path)
    cands = read_candidates(cand, scale=scn.criteria_scale, envelope_codes=scn.envelope_codes)
    plain = portfolio.rank(scn, cands, budget_eur=20e6, time_limit_s=5)
    from workbench.selection import engines

    monkeypatch.setattr(engines, "LARGE_MODEL_OPTIONS", 1)
    called = []
    real = engines._solve_by_deadline
    monkeypatch.setattr(engines, "_solve_by_deadline", lambda *a, **k: called.append(1) or real(*a, **k))
    fast = portfolio.rank(scn, cands, budget_eur=20e6, time_limit_s=5)
    assert called and fast.solver["status"] == "optimal"
    assert fast.selected_ids() == plain.selected_ids() if hasattr(fast, "selected_ids") else \
        fast.table.loc[fast.table["selected"], "id"].tolist() == plain.table.loc[plain.table["selected"], "id"].tolist()


def test_run_without_chromium_says_how_to_get_the_pdf(tmp_path, capsys, monkeypatch):
    from workbench.reporting import batch

    _fake_papermill(monkeypatch)
    monkeypatch.setattr(batch, "find_chromium", lambda: None)
    rc, err = _cli(capsys, "run", SMALL_REPORT, "--out", tmp_path / "o")
    assert rc == 0 and "no report.pdf" in err and "make browser" in err
