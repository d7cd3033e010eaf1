"""Build step of the wheel: a copy of the repository's notebooks, shipped scenarios (with the
funds' published history files their ``history:`` key names) and Voilà settings inside the package (``workbench/shipped/``), so an installed workbench runs
``workbench run`` and ``workbench dashboard`` from any folder (see ``workbench.resources``).

Everything else about the package is declared in ``pyproject.toml``.  The repository keeps one
copy of each file at its root (where maintainers edit and open them); an editable install reads
them there and gets no copy.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: The shipped files, as glob patterns from the repository root (``parameters/variants/``, the
#: dashboard's saved variants, is a user's folder and is not shipped).
SHIPPED = ("notebooks/*.ipynb", "parameters/*.yaml", "parameters/sweeps/*.yaml", "parameters/history/*.yaml",
           "parameters/calibration/*/*.csv", "parameters/calibration/*/*.json", "voila.json")


class build_py_with_shipped_files(build_py):
    """``build_py`` that also copies :data:`SHIPPED` into ``<build>/workbench/shipped/``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "workbench" / "shipped"
        files = [p for pattern in SHIPPED for p in sorted(ROOT.glob(pattern)) if p.is_file()]
        if not any(p.name == "report.ipynb" for p in files):
            raise SystemExit(f"setup.py: notebooks/report.ipynb not found under {ROOT}: nothing to ship")
        for src in files:
            dest = target / src.relative_to(ROOT)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)


setup(cmdclass={"build_py": build_py_with_shipped_files})
