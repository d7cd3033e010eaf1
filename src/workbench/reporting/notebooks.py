"""Running a report notebook: papermill with a timeout per cell and one retry of a kernel that
did not start (:func:`execute_notebook`), the kernel's messages sent to a log meanwhile, the
executed notebook made portable (:func:`portable_notebook`), and the notebook's parameters
(:func:`notebook_parameters`, :func:`parse_params`).  A failed run raises :class:`ReportError`
naming the failing cell and its error."""
from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterable, Mapping

from ..errors import InputError, Problem, closest
from ..files import write_via
from ..messages import msg as coded


#: The report notebook, in ``notebooks/`` (:mod:`workbench.resources`).
REPORT_NOTEBOOK = "report.ipynb"
#: Default execution timeout of one notebook cell [s].
DEFAULT_TIMEOUT_S = 600.0
#: Time allowed for a kernel to start and answer [s].
KERNEL_START_TIMEOUT_S = 60.0


class ReportError(Exception):
    """A report run failed after its inputs were validated (a cell error, a timeout, a kernel
    that never started, an export that failed).  ``message`` is one readable paragraph."""

    def __init__(self, message: str, failed_notebook: Path | None = None):
        self.failed_notebook = failed_notebook
        super().__init__(message)


def notebooks_dir() -> Path:
    """The folder holding the report notebooks (:func:`workbench.resources.notebooks_dir`: the
    package copy of an installed wheel, else the repository's ``notebooks/``)."""
    from .. import resources

    return resources.notebooks_dir()


def find_notebook(name: str = REPORT_NOTEBOOK) -> Path:
    """The path of a notebook of :func:`notebooks_dir` by file name."""
    return notebooks_dir() / name


def _cells_started(nb_path: Path) -> bool:
    """Whether papermill's output notebook shows any cell that started executing."""
    import nbformat

    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:  # noqa: BLE001 - unreadable or absent: nothing ran
        return False
    for cell in nb.cells:
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if status in ("running", "completed", "failed") or cell.get("execution_count"):
            return True
    return False


def execute_notebook(notebook: str | Path, output: str | Path, parameters: Mapping[str, Any],
                     timeout_s: float = DEFAULT_TIMEOUT_S, cwd: str | Path | None = None,
                     kernel_name: str | None = None, retries: int = 1,
                     log: Callable[[str], None] | None = None) -> int:
    """Run a parameterized notebook through papermill; return the number of attempts made.

    Every cell has ``timeout_s`` to finish.  A kernel that fails to start (no cell ran) is
    retried ``retries`` times; a cell error or a timeout is never retried (it would fail again).

    Raises
    ------
    ReportError
        With the failing cell, its first line and its error, in one message.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    attempts = 0
    while True:
        attempts += 1
        try:
            pm.execute_notebook(
                str(notebook), str(output), parameters=dict(parameters), kernel_name=kernel_name,
                execution_timeout=timeout_s, start_timeout=KERNEL_START_TIMEOUT_S,
                progress_bar=False, log_output=False, cwd=None if cwd is None else str(cwd),
            )
            return attempts
        except PapermillExecutionError as exc:
            raise ReportError(_cell_error_message(exc)) from None
        except CellTimeoutError:
            raise ReportError(_timeout_message(Path(output), timeout_s)) from None
        except Exception as exc:  # noqa: BLE001 - kernel start failures come in many types
            started = _cells_started(Path(output))
            if not started and attempts <= retries:
                if log:
                    log(f"the kernel did not start ({type(exc).__name__}: {exc}); retrying once")
                continue
            what = "the notebook's kernel died" if started else "the notebook's kernel did not start"
            tries = f" ({attempts} attempts)" if attempts > 1 else ""
            raise ReportError(f"{what}{tries}: {type(exc).__name__}: {exc}") from None


def portable_notebook(nb_path: str | Path, parameters: Mapping[str, Any]) -> Path:
    """Rewrite an executed notebook so that it records no path of the machine it ran on.

    Papermill records the notebook's input and output paths and its parameters (absolute
    paths: the scenario, the temporary output folder) in ``metadata.papermill`` and in the cell
    it injects (tagged ``injected-parameters``).  ``parameters`` gives the values recorded instead
    (e.g. ``{"scenario_path": shown_path(scenario), "out_dir": "."}``); the input path becomes the
    notebook's file name, the output path the executed notebook's own name.  The cell's source is
    written again by papermill's own translator.  The file is replaced atomically.
    """
    import nbformat
    from papermill.translators import translate_parameters

    nb_path = Path(nb_path)
    nb = nbformat.read(str(nb_path), as_version=4)
    pm = nb.metadata.setdefault("papermill", {})
    if pm.get("input_path"):
        pm["input_path"] = Path(str(pm["input_path"])).name
    pm["output_path"] = nb_path.name
    params = dict(pm.get("parameters") or {})
    params.update({k: v for k, v in parameters.items() if k in params})
    pm["parameters"] = params
    spec = nb.metadata.get("kernelspec", {})
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = translate_parameters(spec.get("name", "python3"), spec.get("language", "python"),
                                               params, "Parameters")
    return write_via(nb_path, lambda tmp: nbformat.write(nb, str(tmp)))


@contextlib.contextmanager
def _stderr_to(path: Path):
    """Send file descriptor 2 (ours and the kernel's, which inherits it) to ``path`` meanwhile:
    a kernel's own warnings and shutdown tracebacks go to a log, not into the user's message."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # pragma: no cover - no real descriptor (embedded interpreter)
        yield
        return
    with open(path, "ab") as f:
        os.dup2(f.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _first_line(source: str) -> str:
    for line in str(source).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()[:100]
    return ""


def _cell_error_message(exc) -> str:
    evalue = " ".join(str(exc.evalue).split())
    cell = f"cell [{exc.exec_count}]" if exc.exec_count else f"cell #{exc.cell_index}"
    first = _first_line(exc.source)
    where = f"{cell} (`{first}`)" if first else cell
    return f"the report notebook failed in {where}: {exc.ename}: {evalue}"


def _timeout_message(nb_path: Path, timeout_s: float) -> str:
    import nbformat

    where = "a cell"
    try:
        nb = nbformat.read(str(nb_path), as_version=4)
        started = [c for c in nb.cells if c.cell_type == "code"
                   and c.get("metadata", {}).get("papermill", {}).get("start_time")]
        if started:  # the last cell that started is the one that hung
            cell = started[-1]
            where = f"cell [{cell.get('execution_count')}] (`{_first_line(cell.source)}`)"
    except Exception:  # noqa: BLE001 - best effort to name the cell
        pass
    return (f"the report notebook timed out: {where} did not finish within the execution timeout of "
            f"{timeout_s:g} s (raise it with --timeout)")


@contextlib.contextmanager
def _environ(values: Mapping[str, str]):
    """Environment variables set meanwhile (the kernel papermill starts inherits them)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def notebook_parameters(notebook: str | Path) -> list[str]:
    """The names a notebook's ``parameters`` cell assigns (``name = ...`` at the start of a line)."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    names: list[str] = []
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            names += re.findall(r"^([A-Za-z_]\w*)\s*=", cell.source, flags=re.M)
    return names


def parse_params(items: Iterable[str], notebook: str | Path) -> dict:
    """``["key=value", ...]`` -> ``{key: value}``, values read as YAML; every unknown key or bad
    item reported at once (:class:`InputError`)."""
    import yaml

    known = notebook_parameters(notebook)
    fixed = {"scenario_path", "draws", "seed", "out_dir", "lang"}
    out, probs = {}, []
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            probs.append(Problem("<option>", "--param", item, coded("E_PARAM_SYNTAX")))
        elif key in fixed:
            probs.append(Problem("<option>", "--param", item, coded("E_PARAM_HAS_OPTION", key=key)))
        elif key not in known:
            probs.append(Problem("<option>", "--param", key, coded("E_NOT_NOTEBOOK_PARAM",
                                     suggestion=closest(key, [k for k in known if k not in fixed]))))
        else:
            try:
                out[key] = yaml.safe_load(raw)
            except yaml.YAMLError:
                probs.append(Problem("<option>", "--param", item, coded("E_PARAM_NOT_YAML")))
    if probs:
        raise InputError(probs)
    return out
