"""Text is data in every report (issue 23, item 1): a hostile title, owner or id never runs,
never loads anything and never pulls a local file into a report; the reports carry a
Content-Security-Policy; the PDF printer loads nothing but the report; bidi controls cannot
reorder the report's text; the executed notebooks record no folder of the machine.

The fast tests check the escaping functions, the tables, the export and the notebooks' code.
The browser tests (``browser``, ``slow``) make a real ``workbench run`` of a candidate file full
of hostile titles, owners and ids and a real ``workbench status --report`` of a book with hostile
ids, open the HTML in Debian's Chromium (Playwright) and read the PDF's text (``pdftotext``).
"""
from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import threading
import uuid
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from workbench.cli import main
from workbench.messages import Text, msg
from workbench.reporting import batch
from workbench.reporting import labels as L
from workbench.reporting.escape import (REPORT_CSP, add_csp, balance_bidi, has_csp, html_text, markdown_code,
                                        markdown_text, plain_text)

from helpers import DATA, PARAMS, ROOT

CHROMIUM = "/usr/bin/chromium"
RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"

#: Hostile texts (the beacon URL's port is filled in where a server listens).
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
DETAILS = "<details open ontoggle=alert(1)>"
SVG = "<svg/onload=alert(1)>"
BIDI = f"Archivage {PDI}{RLO}exe.txt"          # a stray PDI first: it would close the report's isolate
MARKUP = "**gras** _it_ `code` [lien](http://127.0.0.1:9/x) $x$ a|b\n# titre\n1. liste"
HOSTILE = [SCRIPT, IMG, DETAILS, SVG, BIDI, MARKUP, '<iframe src="file:///etc/hostname">',
           '<a href="javascript:alert(1)">x</a>', "&lt;déjà échappé&gt;", "<!-- commentaire", "]]><x>"]


class _Page(HTMLParser):
    """The tags and the visible text of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(a for a, _ in attrs)
        self.hrefs.extend(v or "" for a, v in attrs if a == "href")

    def handle_data(self, data):
        self.text.append(data)


def parsed(fragment: str) -> _Page:
    p = _Page()
    p.feed(fragment)
    p.close()
    return p


def shown_markdown(md: str) -> _Page:
    """A Markdown text as nbconvert's report export renders it (its Markdown filter)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return parsed(markdown2html_mistune(md))


# ---- escaping ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_shows_any_text_literally(text):
    page = shown_markdown("Titre : " + markdown_text(text) + " — fin")
    assert set(page.tags) <= {"p", "bdi"}, page.tags          # no element from the data
    assert not page.attrs
    shown = " ".join(balance_bidi(text).split())                # line breaks became spaces
    assert " ".join("".join(page.text).split()) == f"Titre : {shown} — fin"


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_code_and_a_provenance_table_cell_show_any_text_literally(text):
    md = L.mapping_markdown({"scenario": markdown_code(text), "input_files": [text, "b.csv"]}, "fr")
    page = shown_markdown(md)
    assert set(page.tags) <= {"table", "thead", "tbody", "tr", "th", "td", "code", "bdi", "br"}, page.tags
    assert page.tags.count("tr") == 3                           # a '|' or a line break made no row or cell
    assert page.tags.count("td") == 4
    shown = " ".join(balance_bidi(text).split())
    assert " ".join("".join(page.text).split()).count(shown) == 2


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_shows_any_text_literally(text):
    page = parsed(f"<p>{html_text(text)}</p>")
    assert set(page.tags) <= {"p", "bdi"} and not page.attrs
    assert "".join(page.text) == balance_bidi(text)


def test_bidi_controls_are_balanced_and_isolated():
    assert balance_bidi(f"a{PDI}{RLO}b") == f"a{RLO}b{PDF}"     # stray PDI dropped, override closed
    assert balance_bidi(f"{LRI}x") == f"{LRI}x{PDI}"             # an isolate left open is closed
    assert balance_bidi(f"{RLO}a{PDF}{PDF}b") == f"{RLO}a{PDF}b"  # a second PDF closes nothing here
    assert balance_bidi(f"{LRI}{RLO}a{PDI}b") == f"{LRI}{RLO}a{PDI}b"  # a PDI closes its isolate's embeddings
    assert balance_bidi("Portail usagers") == "Portail usagers"
    assert html_text(f"x{RLO}y") == f"<bdi>x{RLO}y{PDF}</bdi>"
    assert html_text("Portail usagers") == "Portail usagers"      # plain text: no markup added
    assert markdown_text(f"x{RLO}y") == f"<bdi>x{RLO}y{PDF}</bdi>"
    assert plain_text(f"x{RLO}y") == f"\u2068x{RLO}y{PDF}\u2069"
    assert html_text("نظام") == "<bdi>نظام</bdi>"              # right-to-left letters are isolated too


def test_every_table_escapes_its_cells_and_headers():
    df = pd.DataFrame({"id": [SVG, "P2"], "title": [SCRIPT, BIDI], "owner": [IMG, "Ministère B"],
                       "requested_eur": [1_200_000.0, 500_000.0], DETAILS: ["x", "y"]})
    for page_html in (L.show_table(df, "fr").to_html(), L.table_html(df, "fr"),
                      L.html_table(L.display_table(df, "en"))):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
        assert "&lt;details open ontoggle=alert(1)&gt;" in page_html       # a header from data
        page = parsed(page_html)
        assert set(page.tags) <= {"style", "table", "thead", "tbody", "tr", "th", "td", "bdi"}, page.tags
        assert not any(a.startswith("on") for a in page.attrs)
        text = "".join(page.text)
        for t in (SCRIPT, IMG, SVG, DETAILS, balance_bidi(BIDI)):
            assert t in text
        assert "1,2\u00a0M€" in text or "1.2\u00a0M€" in text              # the look: formatted as before


def test_a_notebook_table_is_escaped_once_whatever_the_pandas_option():
    df = pd.DataFrame({"title": [SCRIPT]})
    with pd.option_context("styler.format.escape", "html"):
        page_html = L.show_table(df, "fr").to_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html and "&amp;lt;" not in page_html


def test_catalog_sentences_escape_their_values_and_keep_their_words():
    md = L.label_md("value_model_line", "fr", model=SCRIPT, unit=MARKUP)
    assert md.startswith("Modèle de valeur : **")                          # the catalog's emphasis kept
    page = shown_markdown(md)
    assert set(page.tags) <= {"p", "strong", "bdi"}
    assert SCRIPT in "".join(page.text)
    h = L.label_html("compare_intro", "en", a=SCRIPT, b=IMG, draws=10)
    assert "**" not in h and "<script" not in h and "<img" not in h and "&lt;img src=x" in h


def test_coded_warnings_escape_their_data_in_markdown_and_html():
    w = Text(msg("W_SUB_ENVELOPES_BELOW", fund=SCRIPT, sum_meur=1.0, gap_meur=2.0, envelope_meur=3.0))
    md = L.warnings_markdown([w, IMG], synthetic=True, lang="fr")
    page = shown_markdown(md)
    assert "script" not in page.tags and "img" not in page.tags
    assert SCRIPT in "".join(page.text) and IMG in "".join(page.text)
    assert "Données synthétiques" in "".join(page.text)                    # the catalog's words
    for item in L.warning_items([w, IMG], True, "en", markup="html"):
        assert set(parsed(item).tags) <= {"bdi"}
    assert L.warning_items([w], False, "en")[0].startswith("<script>")      # plain text for the terminal


def test_the_report_header_and_provenance_show_the_scenario_as_text(tmp_path):
    from workbench.scenario import load_scenario

    text = (DATA / "dashboard" / "committee.yaml").read_text(encoding="utf-8")
    text = text.replace('title: "Comité de test : 8 candidats, 5 M€"', f"title: {json.dumps(SCRIPT + ' ' + BIDI)}")
    text = text.replace("name: committee_small", f"name: {json.dumps('x`y' + PDI + RLO + 'z')}")
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    shutil.copy(DATA / "dashboard" / "committee_candidates.csv", tmp_path)
    scn = load_scenario(tmp_path / "s.yaml")
    page = shown_markdown(L.report_header(scn, 100, 7, "fr") + "\n\n" + L.provenance_markdown(scn, 7, 100, "fr"))
    assert not {"script", "img", "iframe"} & set(page.tags)
    assert all(h.startswith("#") for h in page.hrefs)                       # only the headings' own anchors
    text = "".join(page.text)
    assert SCRIPT in text and f"x`y{RLO}z{PDF}" in text
    assert str(tmp_path) not in text                                         # files by name, not by folder


# ---- the export: CSP, no active content ---------------------------------------------------------
def _notebook_with_outputs(path: Path, outputs: list[dict]) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("pass")
    cell.outputs = [nbformat.v4.new_output("display_data", data=d) for d in outputs]
    nb.cells = [cell]
    nbformat.write(nb, str(path))
    return path


def test_exported_report_escapes_data_and_carries_the_csp(tmp_path):
    df = pd.DataFrame({"id": [SVG], "title": [SCRIPT], "owner": [IMG]})
    nb = _notebook_with_outputs(tmp_path / "r.ipynb", [
        {"text/markdown": L.label_md("report_title", "fr", title=SCRIPT)},
        {"text/html": L.show_table(df, "fr").to_html()},
    ])
    out = batch.export_html(nb, tmp_path / "r.html", title=f"{SCRIPT} {BIDI}")
    page = out.read_text(encoding="utf-8")
    assert has_csp(page)
    assert f'content="{REPORT_CSP}"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;svg/onload=alert(1)&gt;" in page
    assert re.search(r"<script|<svg|<img\b|<[^<>]*\son(?:error|load|toggle)\s*=", page) is None
    assert batch.external_loads(page) == [] and batch.active_content(page) == []
    # the page's title: escaped by nbconvert, its bidi controls balanced
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; Archivage \u202eexe.txt\u202c</title>" in page


def test_the_csp_allows_only_inline_styles_and_embedded_images():
    directives = dict(d.strip().split(" ", 1) for d in REPORT_CSP.split(";"))
    assert directives["default-src"] == "'none'" and directives["script-src"] == "'none'"
    assert directives["img-src"] == "data:" and directives["style-src"] == "'unsafe-inline'"
    for d in ("frame-src", "child-src", "object-src", "base-uri", "form-action", "connect-src", "font-src"):
        assert directives[d] == "'none'"
    assert not any(("file:" in v or "http" in v or "*" in v) for v in directives.values())
    page = add_csp("<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body></body></html>")
    assert page.index("Content-Security-Policy") < page.index("<title>")
    with pytest.raises(ValueError):
        add_csp("<p>no head</p>")


def test_export_refuses_a_page_with_unescaped_active_content(tmp_path):
    nb = _notebook_with_outputs(tmp_path / "r.ipynb", [{"text/html": f"<p>{IMG}</p>"}])
    with pytest.raises(batch.ReportError, match="active content"):
        batch.export_html(nb, tmp_path / "r.html", title="t")
    assert not (tmp_path / "r.html").exists()


def test_notebooks_fill_markdown_sentences_with_escaped_values():
    """A catalog sentence with values shown as Markdown goes through ``label_md`` (or a helper
    that escapes): ``L.label(key, lang, name=...)`` inside ``Markdown(...)`` would show data
    unescaped."""
    for name in ("report.ipynb", "followup.ipynb"):
        nb = nbformat.read(str(ROOT / "notebooks" / name), as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            calls = re.findall(r"L\.label\((?:[^()]|\([^()]*\))*\)", cell.source)
            assert not [c for c in calls if "=" in c], (name, calls)
            assert "f\"`{" not in cell.source and "`{c}`" not in cell.source   # no code span built from data


def test_portable_notebook_records_no_folder_of_the_machine(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    injected = nbformat.v4.new_code_cell(f'# Parameters\nscenario_path = "{tmp_path}/p/s.yaml"\nout_dir = "{tmp_path}/o"\n')
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells = [injected]
    nb.metadata["papermill"] = {"input_path": "/home/someone/notebooks/report.ipynb",
                                "output_path": f"{tmp_path}/o/.tmp/report.ipynb",
                                "parameters": {"scenario_path": f"{tmp_path}/p/s.yaml", "out_dir": f"{tmp_path}/o",
                                               "draws": 10}}
    path = tmp_path / "report.ipynb"
    nbformat.write(nb, str(path))
    batch.portable_notebook(path, {"scenario_path": "parameters/s.yaml", "out_dir": "."})
    text = path.read_text(encoding="utf-8")
    assert str(tmp_path) not in text and "/home/someone" not in text
    back = nbformat.read(str(path), as_version=4)
    assert back.metadata.papermill.parameters == {"scenario_path": "parameters/s.yaml", "out_dir": ".", "draws": 10}
    assert back.metadata.papermill.input_path == "report.ipynb"
    assert 'scenario_path = "parameters/s.yaml"' in back.cells[0].source and "draws = 10" in back.cells[0].source


def test_sweep_summary_escapes_names_and_errors_and_carries_the_csp(tmp_path):
    from workbench.sweep import SweepResult, write_summary

    summary = pd.DataFrame({"scenario": [SCRIPT, BIDI], "status": ["ok", "failed"], "budget_eur": [1e6, 2e6],
                            "error": ["", IMG], "duration_s": [0.1, 0.1], "cpu_s": [0.1, 0.1],
                            "_selected_ids": ["", ""]})
    write_summary(SweepResult(SVG, 1, 10, summary, "sequential", 1.0, []), tmp_path, "fr")
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert has_csp(page) and batch.active_content(page) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;svg/onload=alert(1)&gt;" in page


# ---- in Chromium: the real commands ---------------------------------------------------------------
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make browser)")


class Beacon:
    """A local HTTP server that records every request it receives (the would-be exfiltration)."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"beacon")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    pypdf = pytest.importorskip("pypdf", reason="no pdftotext (Debian's poppler-utils) nor pypdf to read the PDF")
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(str(pdf)).pages)


@pytest.fixture(scope="module")
def beacon():
    b = Beacon()
    yield b
    b.close()


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> tuple[Path, str]:
    token = f"SECRET-{uuid.uuid4().hex}"
    path = tmp_path_factory.mktemp("private") / "secret.txt"
    path.write_text(token + "\n", encoding="utf-8")
    return path, token


def hostile_texts(beacon: Beacon, secret_path: Path) -> dict[str, str]:
    """The hostile texts of the candidate file, by what they try."""
    return {
        "script": SCRIPT, "img": IMG, "details": DETAILS, "svg": SVG,
        "iframe": f'<iframe src="{secret_path.as_uri()}"></iframe>',
        "object": f'<object data="{secret_path.as_uri()}"></object>',
        "beacon": f'<img src="{beacon.url("beacon")}">',
        "link": f'<link rel=stylesheet href="{beacon.url("style")}">',
        "bidi": BIDI,
    }


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, beacon, secret):
    """``workbench run`` of a scenario whose candidate file (and title, and name) are hostile, from
    a project folder of its own (so that the recorded paths are relative to it)."""
    project = tmp_path_factory.mktemp("project")
    params = project / "parameters"
    params.mkdir()
    t = hostile_texts(beacon, secret[0])
    rows = pd.read_csv(DATA / "dashboard" / "committee_candidates.csv", dtype=str, keep_default_na=False)
    rows.loc[0, "title"] = t["script"] + " Portail"
    rows.loc[1, "title"] = t["img"]
    rows.loc[2, "title"] = t["details"]
    rows.loc[3, "id"] = t["svg"]
    rows.loc[3, "title"] = t["iframe"]
    rows.loc[4, "title"] = t["beacon"]
    rows.loc[4, "owner"] = t["link"]
    rows.loc[5, "owner"] = t["object"]
    rows.loc[7, "title"] = t["bidi"]
    rows.to_csv(params / "hostile.csv", index=False)
    scn = (DATA / "dashboard" / "committee.yaml").read_text(encoding="utf-8")
    scn = (scn.replace("committee_candidates.csv", "hostile.csv")
              .replace("name: committee_small", f"name: {json.dumps('hostile' + PDI + RLO + 'x')}")
              .replace('title: "Comité de test : 8 candidats, 5 M€"', f"title: {json.dumps(SCRIPT + ' Comité')}")
              .replace("envelope_eur: 10000000", "envelope_eur: 30000000")
              .replace("budget_eur: 5000000", "budget_eur: 30000000"))   # every eligible project is shown
    (params / "hostile.yaml").write_text(scn, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        assert main(["run", "parameters/hostile.yaml", "--out", "outputs", "--draws", "50", "--lang", "fr",
                     "--param", "robustness_samples=0", "--param", "backtest_replicates=0"]) == 0
    folder = project / "outputs" / "hostile_x"
    return project, folder, t


@pytest.fixture(scope="module")
def hostile_status(tmp_path_factory, beacon, secret):
    """``workbench status --report`` of a laureate book whose ids and synthetic-field names are
    hostile."""
    project = tmp_path_factory.mktemp("followup")
    t = hostile_texts(beacon, secret[0])
    book = pd.read_csv(ROOT / "src" / "workbench" / "data" / "books" / "ftap_call2_2020-12-31.csv", dtype=str,
                       keep_default_na=False)
    t = {k: v for k, v in t.items() if k != "object"}     # every other hostile text is an id
    for i, key in enumerate(t):
        book.loc[i, "id"] = t[key]
    book.loc[0, "synthetic_fields"] += ";" + t["bidi"] + ";" + t["script"]
    book.to_csv(project / "book.csv", index=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        assert main(["status", str(PARAMS / "ftap_2018_2022.yaml"), "--book", "book.csv", "--as-of", "2020-12-31",
                     "--out", "status", "--draws", "200", "--report", "--lang", "fr"]) == 0
    return project, project / "status", t


def open_in_chromium(html_path: Path) -> dict:
    """Open a report in Chromium: the dialogs it fired, the URLs it asked for, its visible text,
    and whether the text after the scenario's name keeps its order (left to right)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    dialogs, requests = [], []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html_path.as_uri(), wait_until="load")
            # one more rendering frame: a <details ontoggle> fires its event after the parse
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
            text = page.inner_text("body")
            frames = len(page.frames)
            order = page.evaluate("""() => {
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                let node;
                while ((node = walker.nextNode())) {
                    const i = node.data.indexOf('horizon');
                    if (i < 0) continue;
                    const at = k => { const r = document.createRange(); r.setStart(node, k); r.setEnd(node, k + 1);
                                      return r.getBoundingClientRect().left; };
                    return at(i) < at(i + 6);            // 'h' left of 'n': read left to right
                }
                return null;
            }""")
        finally:
            browser.close()
    return {"dialogs": dialogs, "requests": requests, "text": text, "frames": frames, "ltr_after_name": order}


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_report_html_runs_nothing_loads_nothing_and_shows_the_text(hostile_run, beacon):
    _, folder, t = hostile_run
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert has_csp(page) and batch.active_content(page) == []
    seen = open_in_chromium(folder / "report.html")
    assert seen["dialogs"] == []
    assert beacon.hits == []
    assert [u for u in seen["requests"] if not u.startswith("data:")] == [(folder / "report.html").as_uri()]
    assert seen["frames"] == 1                                       # no iframe made it into the page
    for key, text in t.items():
        assert balance_bidi(text) in seen["text"], key               # shown as literal text
    assert SCRIPT + " Comité" in seen["text"]                        # the scenario's title too
    assert seen["ltr_after_name"] is True                            # the name's RLO reorders nothing after it


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_report_pdf_holds_the_literal_titles_and_no_local_file(hostile_run, beacon, secret):
    _, folder, _ = hostile_run
    text = pdf_text(folder / "report.pdf")
    assert secret[1] not in text                                     # the iframe / object pulled nothing in
    flat = re.sub(r"\s+", "", text)                                   # lines wrap where the page is narrow
    assert "Rapportdescénario:<script>alert(1)</script>Comité" in flat
    for fragment in ("<script>alert(1)", "onerror=alert(1)>", "ontoggle=alert(1)>", "<svg/onload=alert(1)>",
                     "<iframesrc=", "<imgsrc=", "<linkrel=stylesheet"):
        assert fragment in flat, fragment
    assert beacon.hits == []


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_report_notebook_records_no_folder_of_the_machine(hostile_run):
    project, folder, _ = hostile_run
    text = (folder / "report.ipynb").read_text(encoding="utf-8")
    for folder_name in (str(project), str(ROOT), str(Path.home())):
        assert folder_name not in text, folder_name
    nb = nbformat.read(str(folder / "report.ipynb"), as_version=4)
    params = nb.metadata.papermill.parameters
    assert params["scenario_path"] == "parameters/hostile.yaml" and params["out_dir"] == "."
    assert nb.metadata.papermill.input_path == "report.ipynb"
    assert "parameters/hostile.csv" in text                          # the provenance names the file in the project


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_followup_report_runs_nothing_loads_nothing_and_shows_the_ids(hostile_status, beacon):
    project, out, t = hostile_status
    page = (out / "followup.html").read_text(encoding="utf-8")
    assert has_csp(page) and batch.active_content(page) == []
    seen = open_in_chromium(out / "followup.html")
    assert seen["dialogs"] == [] and beacon.hits == [] and seen["frames"] == 1
    assert [u for u in seen["requests"] if not u.startswith("data:")] == [(out / "followup.html").as_uri()]
    for key, text in t.items():
        assert balance_bidi(text) in seen["text"], key
    text = (out / "followup.ipynb").read_text(encoding="utf-8")
    assert str(project) not in text and str(ROOT) not in text
    assert nbformat.read(str(out / "followup.ipynb"), as_version=4).metadata.papermill.parameters["book_path"] \
        == "book.csv"


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_pdf_printer_loads_nothing_even_from_a_page_without_escaping(tmp_path, beacon, secret):
    """Each of the printer's own layers, on pages that escaped nothing: with the CSP, no script
    runs and no file or URL loads; without it, the network is still unreachable, and a relative
    path names nothing (the page is printed from a copy alone in a fresh folder)."""
    token = secret[1]
    (tmp_path / "beside.txt").write_text("BESIDE-" + token, encoding="utf-8")
    body = (f'<p id="x">script did not run</p><script>document.getElementById("x").textContent = "SCRIPT RAN"</script>'
            f'<iframe src="{secret[0].as_uri()}"></iframe><embed src="{secret[0].as_uri()}">'
            f'<img src="{beacon.url("pdf-img")}"><link rel=stylesheet href="{beacon.url("pdf-css")}">')
    with_csp = tmp_path / "with_csp.html"
    with_csp.write_text(add_csp(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"),
                        encoding="utf-8")
    batch.print_pdf(with_csp, tmp_path / "with_csp.pdf", CHROMIUM)
    text = pdf_text(tmp_path / "with_csp.pdf")
    assert "script did not run" in text and "SCRIPT RAN" not in text and token not in text
    without = tmp_path / "without.html"
    without.write_text(f'<html><body><p>page</p><iframe src="beside.txt"></iframe>'
                       f'<img src="{beacon.url("raw-img")}"><img src="http://localhost:{beacon.port}/raw-host"></body></html>',
                       encoding="utf-8")
    batch.print_pdf(without, tmp_path / "without.pdf", CHROMIUM)
    text = pdf_text(tmp_path / "without.pdf")
    assert "page" in text and "BESIDE-" not in text
    assert beacon.hits == []
