"""Where the files shipped with the workbench are: the one lookup of notebooks, ``voila.json``,
the shipped scenarios and the package's reference data.

The repository keeps these files at its root, where a maintainer edits and opens them::

    notebooks/report.ipynb, dashboard.ipynb, followup.ipynb
    parameters/*.yaml, parameters/sweeps/*.yaml, parameters/history/*.yaml
    voila.json

A built wheel carries a copy of them inside the package, in ``workbench/shipped/`` (same names
below it), copied at build time by ``setup.py`` (``build_py``): the repository has one copy of
each file, and an installed workbench finds them without a checkout.  The lookup here tries the
package copy first (an installed wheel), then the checkout this module belongs to (an editable
install or ``PYTHONPATH=src``, where ``workbench/shipped/`` does not exist).

Reference data (``workbench/data/``) is ordinary package data, in both cases inside the package.

Every other module asks this one; none computes a path from ``__file__``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

#: Folder of the package copy of the shipped files (written by ``setup.py`` into a wheel).
SHIPPED = "shipped"
#: Folder of the notebooks, below the shipped root.
NOTEBOOKS = "notebooks"
#: Folder of the shipped scenarios, below the shipped root.
PARAMETERS = "parameters"
#: Folder of the shipped sweep specifications, below the parameters folder.
SWEEPS = "sweeps"
#: Folder of the funds' published history files (a scenario's ``history:``), below the parameters folder.
HISTORY = "history"
#: Voilà's settings file, at the shipped root.
VOILA_CONFIG = "voila.json"
#: A file every shipped root holds (how a candidate folder is recognised).
_MARKER = Path(NOTEBOOKS) / "report.ipynb"


def package_dir() -> Path:
    """The installed ``workbench`` package folder."""
    return Path(str(resources.files("workbench")))


def checkout_dir() -> Path | None:
    """The repository checkout this package is imported from (``src/workbench`` two levels
    below it), or ``None`` when the package is installed from a wheel."""
    root = package_dir().resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / _MARKER).is_file() else None


def installed_copy() -> bool:
    """Whether the shipped files come from the package copy (an installed wheel)."""
    return (package_dir() / SHIPPED / _MARKER).is_file()


def shipped_dir() -> Path:
    """The folder holding ``notebooks/``, ``parameters/`` and ``voila.json``: the package copy
    (installed wheel), else the repository checkout.

    Raises
    ------
    FileNotFoundError
        Neither holds the notebooks (a broken installation).
    """
    if installed_copy():
        return package_dir() / SHIPPED
    root = checkout_dir()
    if root is None:
        raise FileNotFoundError(f"the workbench's notebooks were not found in {package_dir() / SHIPPED} "
                                "nor in a repository checkout: reinstall the package")
    return root


def notebooks_dir() -> Path:
    """The folder of the notebooks (``report.ipynb``, ``dashboard.ipynb``, ``followup.ipynb``)."""
    return shipped_dir() / NOTEBOOKS


def notebook(name: str) -> Path:
    """A shipped notebook by file name, e.g. ``notebook("report.ipynb")``."""
    return notebooks_dir() / name


def voila_config() -> Path:
    """The Voilà settings of the dashboard (``voila.json``)."""
    return shipped_dir() / VOILA_CONFIG


def parameters_dir() -> Path:
    """The folder of the shipped scenarios (``parameters/``)."""
    return shipped_dir() / PARAMETERS


def sweeps_dir() -> Path:
    """The folder of the shipped sweep specifications (``parameters/sweeps/``)."""
    return parameters_dir() / SWEEPS


def history_dir() -> Path:
    """The folder of the funds' published history files (``parameters/history/``)."""
    return parameters_dir() / HISTORY


def shipped_histories() -> dict[str, Path]:
    """The shipped history files, ``{name: path}`` by file stem (``ftap`` → ``.../history/ftap.yaml``)."""
    folder = history_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def data_path(*parts: str) -> Path:
    """A file or folder of the package's reference data, e.g. ``data_path("books")``."""
    return package_dir() / "data" / Path(*parts)


def shipped_scenarios() -> dict[str, Path]:
    """The shipped scenarios, ``{name: path}`` by file stem, sorted by name
    (``ftap_2018_2022`` → ``.../parameters/ftap_2018_2022.yaml``)."""
    return {p.stem: p for p in sorted(parameters_dir().glob("*.yaml"))}


def shipped_sweeps() -> dict[str, Path]:
    """The shipped sweep specifications, ``{name: path}`` by file stem, sorted by name."""
    folder = sweeps_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def scenario_path(arg: str | Path) -> Path:
    """The scenario file a command-line argument names.

    An existing file is the user's file, taken as given (whatever its name).  Otherwise a bare
    name (no folder), with or without ``.yaml``, names a shipped scenario
    (:func:`shipped_scenarios`), so ``workbench run ftap_2018_2022`` works from any folder.
    Anything else is returned unchanged, and loading it reports the missing file.
    """
    path = Path(arg)
    if path.exists() or path.parent != Path("."):
        return path
    name = path.name[:-5] if path.name.endswith(".yaml") else path.name
    return shipped_scenarios().get(name, path)


def sweep_path(arg: str | Path) -> Path:
    """The sweep specification a command-line argument names: an existing file as given, else a
    name of :func:`shipped_sweeps` (``weights_budget`` or, as ``workbench scenarios`` lists it,
    ``sweeps/weights_budget``), else ``arg`` unchanged (as :func:`scenario_path`)."""
    path = Path(arg)
    if path.exists() or path.parent not in (Path("."), Path(SWEEPS)):
        return path
    name = path.name[:-5] if path.name.endswith(".yaml") else path.name
    return shipped_sweeps().get(name, path)


def shipped_books() -> dict[str, Path]:
    """The example laureate books shipped with the package, ``{file name: path}``
    (``workbench/data/books/*.csv``)."""
    folder = data_path("books")
    return {p.name: p for p in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}


def book_path(arg: str | Path) -> Path:
    """The laureate book a command-line argument names: an existing file (or database) as given;
    otherwise a bare name, with or without ``.csv``, naming a shipped example book
    (:func:`shipped_books`), so ``--book ftap2_2024-06-30.csv`` works from any folder.  Anything
    else is returned unchanged (reading it reports the missing file)."""
    path = Path(arg)
    if path.exists() or path.parent != Path("."):
        return path
    books = shipped_books()
    return books.get(path.name) or books.get(path.name + ".csv") or path
