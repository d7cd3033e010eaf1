"""The record of a report run (``run.json``): each input file with its SHA-256
(:func:`input_files`), the hash of the resolved parameters, the environment, where the notebook's
time went (:func:`cell_timings`), and the :class:`RunResult` a run returns."""
from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import file_sha256, project_relative, write_atomic


@dataclass
class RunResult:
    """What a report run wrote.

    Attributes
    ----------
    folder : Path
        ``outputs/<scenario>/``.
    run_info : dict
        The content of ``run.json``.
    notes : list[str]
        Things the user should know (e.g. no PDF because Chromium is missing).
    """

    folder: Path
    run_info: dict
    notes: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir())




def _canonical_hash(obj: Any) -> str:
    blob = json.dumps(obj, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def input_files(scenario, notebook: Path) -> list[dict]:
    """The files a run reads, with their role and SHA-256: the scenario and every file it
    extends, the candidate file (if any) and the notebook."""
    out = []
    for i, f in enumerate(scenario.files):
        out.append({"role": "scenario" if i == 0 else "extends", "path": project_relative(f),
                    "sha256": file_sha256(f)})
    cpath = scenario.candidates_path()
    if cpath is not None:
        out.append({"role": "candidates", "path": project_relative(cpath), "sha256": file_sha256(cpath)})
    out.append({"role": "notebook", "path": project_relative(notebook), "sha256": file_sha256(notebook)})
    return out


def _environment() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    pkgs: dict[str, str | None] = {}
    for name in ("numpy", "pandas", "scipy", "matplotlib", "papermill", "nbconvert", "ipykernel"):
        try:
            pkgs[name] = version(name)
        except PackageNotFoundError:
            pkgs[name] = None
    return {"python": platform.python_version(), "platform": platform.platform(), "packages": pkgs}


def _write_json(path: Path, data: dict) -> None:
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def cell_timings(nb_path: str | Path, execute_s: float | None = None) -> list[dict]:
    """Where an executed notebook's time went: each code cell that took time (papermill's
    ``duration`` [s], with the cell's first line), then the kernel's start and the rest of the
    execution (``execute_s`` minus the cells), for ``run.json``."""
    import nbformat  # noqa: PLC0415

    nb = nbformat.read(str(nb_path), as_version=4)
    out, total = [], 0.0
    for i, cell in enumerate(nb.cells):
        d = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell.get("cell_type") != "code" or d is None:
            continue
        total += float(d)
        lines = [x for x in cell.get("source", "").splitlines() if x.strip() and not x.lstrip().startswith("#")]
        out.append({"phase": f"cell {i}: {(lines[0] if lines else '')[:70]}", "duration_s": round(float(d), 3)})
    if execute_s is not None:
        out.insert(0, {"phase": "kernel start and papermill", "duration_s": round(max(execute_s - total, 0.0), 3)})
    return out
