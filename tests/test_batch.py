"""Batch reports: real papermill runs of the report notebook, atomic outputs, offline HTML,
run.json provenance, failures that leave previous outputs intact, retries and timeouts."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from workbench.reporting import batch
from workbench import load_candidates, load_scenario, selection as portfolio
from workbench.cli import main

from helpers import ROOT

SMALL = ROOT / "tests" / "data" / "small_report.yaml"
FAST = {"robustness_samples": 5, "frontier_points": 4}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tiny_notebook(path: Path, body: str) -> Path:
    """A parameterized notebook with the report's parameters and one cell of ``body``."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('scenario_path = ""\ndraws = 1\nseed = 0\nout_dir = None\nlang = "fr"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params,
                nbformat.v4.new_code_cell("from pathlib import Path\nPath(out_dir, 'partial.csv').write_text('x')"),
                nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    res = batch.run_report(SMALL, out=out, draws=40, seed=11, parameters=FAST)
    return out, res


@pytest.mark.slow
def test_run_writes_every_output_into_the_scenario_folder(report):
    out, res = report
    folder = out / "small_ftap"
    assert res.folder == folder
    files = set(res.files)
    expected = {"report.html", "report.ipynb", "run.json", "portfolio.csv", "portfolio.xlsx", "frontier.csv"}
    assert expected <= files
    if batch.find_chromium():
        assert (folder / "report.pdf").read_bytes()[:5] == b"%PDF-"
    # nothing else left beside it: the temporary build folder was swapped in
    assert sorted(p.name for p in out.iterdir()) == ["small_ftap"]


@pytest.mark.slow
def test_html_report_is_static_offline_and_shows_name_warnings_provenance(report):
    out, _ = report
    html = (out / "small_ftap" / "report.html").read_text(encoding="utf-8")
    assert batch.external_loads(html) == []
    assert "<script src" not in html
    scn = load_scenario(SMALL)
    assert scn.title in html and "small_ftap" in html
    assert "Données synthétiques" in html          # the synthetic-data warning, in French
    assert scn.hash() in html                       # provenance
    assert "load_scenario(" not in html             # no code cell
    assert "remove_cell" not in html and "is for whoever opens the notebook" not in html
    assert "M€" in html and "60,0\u00a0M€" in html  # the 60 M€ budget in the French format


@pytest.mark.slow
def test_report_numbers_are_the_package_numbers(report):
    out, _ = report
    scn = load_scenario(SMALL)
    direct = portfolio.rank(scn, load_candidates(scn))
    written = pd.read_csv(out / "small_ftap" / "portfolio.csv")
    assert sorted(written.loc[written["selected"], "id"]) == sorted(direct.table.loc[direct.table["selected"], "id"])
    assert written.loc[written["selected"], "funded_eur"].sum() == pytest.approx(direct.totals["committed_eur"])


@pytest.mark.slow
def test_run_json_records_version_parameters_inputs_and_timing(report):
    out, _ = report
    info = json.loads((out / "small_ftap" / "run.json").read_text(encoding="utf-8"))
    scn = load_scenario(SMALL)
    assert info["workbench_version"]
    assert info["seed"] == 11 and info["draws"] == 40
    assert info["scenario_hash"] == scn.hash()
    blob = json.dumps(info["parameters"], sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    assert info["parameters_hash"] == hashlib.sha256(blob.encode("utf-8")).hexdigest()
    assert info["parameters"]["notebook_parameters"] == FAST
    roles = {i["role"]: i for i in info["inputs"]}
    assert roles["scenario"]["sha256"] == _sha(SMALL)
    assert roles["extends"]["sha256"] == _sha(ROOT / "parameters" / "ftap_2018_2022.yaml")
    assert roles["notebook"]["sha256"] == _sha(ROOT / "notebooks" / "report.ipynb")
    assert info["start"] < info["end"] and info["duration_s"] > 0
    listed = {o["file"]: o["sha256"] for o in info["outputs"]}
    assert listed["portfolio.csv"] == _sha(out / "small_ftap" / "portfolio.csv")
    # where the time went: the kernel's start, then each cell that took time, summing to the execution
    phases = info["execution"]["phases"]
    assert phases[0]["phase"] == "kernel start and papermill"
    assert any("select_portfolio" in p["phase"] or "import matplotlib" in p["phase"] for p in phases[1:])
    assert sum(p["duration_s"] for p in phases) == pytest.approx(info["execution"]["execute_s"], abs=0.01 * len(phases))


@pytest.mark.slow
def test_failed_run_leaves_previous_outputs_untouched_and_keeps_the_notebook(report, tmp_path, capsys):
    out_prev, _ = report
    out = tmp_path / "outputs"
    shutil.copytree(out_prev, out)
    before = {p.name: _sha(p) for p in (out / "small_ftap").iterdir()}
    # the real report notebook, failing mid-way (after portfolio.csv was written to the temp folder)
    with pytest.raises(batch.ReportError) as err:
        batch.run_report(SMALL, out=out, draws=40, seed=99, parameters={**FAST, "top_projects": "many"})
    msg = str(err.value)
    assert "failed in cell" in msg and "TypeError" in msg and "untouched" in msg
    after = {p.name: _sha(p) for p in (out / "small_ftap").iterdir()}
    assert after == before
    failed = out / "small_ftap.failed.ipynb"
    assert failed.exists() and err.value.failed_notebook == failed
    nb = nbformat.read(str(failed), as_version=4)
    assert any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    left = sorted(p.name for p in out.iterdir())
    assert left in (["small_ftap", "small_ftap.failed.ipynb"],
                    ["small_ftap", "small_ftap.failed.ipynb", "small_ftap.failed.log"])


@pytest.mark.slow
def test_cli_cell_timeout_exits_1_with_one_readable_message(tmp_path, capsys):
    nb = _tiny_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(60)")
    out = tmp_path / "outputs"
    rc = main(["run", str(SMALL), "--out", str(out), "--timeout", "2", "--notebook", str(nb), "--no-pdf"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "timed out" in err and "`import time`" in err and "2 s" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 3  # one message, not a kernel dump
    assert (out / "small_ftap.failed.ipynb").exists()
    assert not (out / "small_ftap").exists()
    left = sorted(p.name for p in out.iterdir())   # no partial.csv anywhere, no temp folder
    assert left == ["small_ftap.failed.ipynb", "small_ftap.failed.log"]
    assert "IPKernelApp" in (out / "small_ftap.failed.log").read_text()  # the kernel's own messages


def test_kernel_start_failure_is_retried_once(tmp_path, monkeypatch):
    import papermill

    calls = []

    def flaky(inp, outp, **kw):
        calls.append(kw)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        shutil.copyfile(inp, outp)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    nb = _tiny_notebook(tmp_path / "t.ipynb", "pass")
    assert batch.execute_notebook(nb, tmp_path / "o.ipynb", {}, timeout_s=5) == 2
    assert all(kw["execution_timeout"] == 5 for kw in calls)

    def dead(inp, outp, **kw):
        calls.append(kw)
        raise RuntimeError("Kernel didn't respond in 60 seconds")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", dead)
    with pytest.raises(batch.ReportError, match=r"did not start \(2 attempts\)"):
        batch.execute_notebook(nb, tmp_path / "o2.ipynb", {}, timeout_s=5)
    assert len(calls) == 2


def test_bad_scenario_or_options_exit_2_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "outputs"
    rc = main(["run", str(ROOT / "tests" / "data" / "broken" / "weights_negative.yaml"), "--out", str(out)])
    assert rc == 2
    assert "weights" in capsys.readouterr().err
    assert not out.exists()
    rc = main(["run", str(SMALL), "--out", str(out), "--draws", "0", "--lang", "de", "--timeout", "0"])
    err = capsys.readouterr().err
    assert rc == 2 and "3 problems" in err and "--draws" in err and "--lang" in err and "--timeout" in err
    assert not out.exists()
    rc = main(["run", str(SMALL), "--out", str(out), "-p", "robustnes_samples=3", "-p", "frontier_points"])
    err = capsys.readouterr().err
    assert rc == 2 and "did you mean 'robustness_samples'" in err and "must be KEY=VALUE" in err
    assert not out.exists()
    assert batch.parse_params(["robustness_samples=0", "top_projects=12"], batch.find_notebook()) == {
        "robustness_samples": 0, "top_projects": 12}


def test_external_loads_finds_every_kind_of_network_load():
    page = """<html><head>
    <script src="https://cdn.example.org/require.js"></script>
    <link rel="stylesheet" href="//fonts.example.org/css">
    <style>@import url("https://x.example/a.css"); body{background:url(http://x.example/b.png)}</style>
    <script type="module">import mermaid from 'https://cdn.example/mermaid.mjs';</script>
    </head><body><a href="https://www.economie.gouv.fr">source</a>
    <img src="data:image/png;base64,AAAA"><img src='https://x.example/c.png'></body></html>"""
    assert batch.external_loads(page) == [
        "https://cdn.example.org/require.js", "https://x.example/c.png", "//fonts.example.org/css",
        "https://x.example/a.css", "http://x.example/b.png", "https://cdn.example/mermaid.mjs"]
    assert batch.external_loads('<a href="https://x">x</a><img src="data:image/png;base64,AA">') == []


def test_tables_written_to_xlsx_never_hold_live_formulas(tmp_path):
    from openpyxl import load_workbook

    df = pd.DataFrame({"title": ["=SUM(A1:A2)", "+33 1 23", "plain"], "requested_eur": [1.0, 2.0, 3.0]})
    batch.write_tables(tmp_path, {"t": df}, xlsx="t")
    ws = load_workbook(tmp_path / "t.xlsx")["t"]
    assert ws["A2"].value == "=SUM(A1:A2)" and ws["A2"].data_type == "s"
    assert ws["A3"].data_type == "s" and ws["B2"].value == 1.0
    # in the CSV, formula-like text is made inert by a leading apostrophe (OWASP CSV injection)
    assert pd.read_csv(tmp_path / "t.csv")["title"].tolist() == ["'=SUM(A1:A2)", "'+33 1 23", "plain"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_new_run_replaces_the_folder_whole_and_clears_the_failure_marker(tmp_path):
    nb = _tiny_notebook(tmp_path / "ok.ipynb", "print(draws)")
    out = tmp_path / "outputs"
    (out / "small_ftap").mkdir(parents=True)
    (out / "small_ftap" / "stale.csv").write_text("from an older run")
    (out / "small_ftap.failed.ipynb").write_text("{}")
    res = batch.run_report(SMALL, out=out, draws=7, notebook=nb, pdf=False)
    assert sorted(res.files) == ["partial.csv", "report.html", "report.ipynb", "run.json"]   # stale.csv gone
    assert json.loads((res.folder / "run.json").read_text())["draws"] == 7
    assert sorted(p.name for p in out.iterdir()) == ["small_ftap"]     # no marker, no temp or old folder
