"""Every notebook of notebooks/ is committed without outputs and runs top to bottom through
papermill (the report on a small scenario, with its parameters; others as plain notebooks)."""
from __future__ import annotations

import json

import nbformat
import pytest

from helpers import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SMALL = ROOT / "tests" / "data" / "small_report.yaml"


def _parameters_cell(nb) -> bool:
    return any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells)


def test_the_report_notebook_is_there():
    assert ROOT / "notebooks" / "report.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, tmp_path):
    import papermill as pm

    nb = nbformat.read(str(path), as_version=4)
    params = {}
    if _parameters_cell(nb):
        params = {"scenario_path": str(SMALL), "draws": 20, "seed": 3, "out_dir": str(tmp_path / "out"),
                  "lang": "en", "robustness_samples": 3, "frontier_points": 4}
        declared = "\n".join(c.source for c in nb.cells
                             if "parameters" in c.get("metadata", {}).get("tags", []))
        params = {k: v for k, v in params.items() if f"{k} =" in declared}
    out = tmp_path / path.name
    pm.execute_notebook(str(path), str(out), parameters=params, cwd=str(path.parent), execution_timeout=300,
                        start_timeout=60, progress_bar=False, kernel_name="python3")
    done = nbformat.read(str(out), as_version=4)
    errors = [o for c in done.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    if path.name == "report.ipynb":
        text = json.dumps([c.get("outputs", []) for c in done.cells], ensure_ascii=False)
        assert "Scenario report" in text and "Provenance" in text and "Synthetic data" in text   # --lang en
        written = {p.name for p in (tmp_path / "out").iterdir()}
        assert {"portfolio.csv", "portfolio.xlsx", "summary.csv", "shortfall.csv", "frontier.png",
                "committed_vs_paid.png"} <= written
