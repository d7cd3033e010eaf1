"""Batch reports: a scenario's report notebook executed by papermill, exported to HTML and PDF.

``workbench run SCENARIO`` calls :func:`run_report`, which writes ``outputs/<scenario>/``:

- ``report.ipynb``: the executed notebook (code included, for whoever wants to check it);
- ``report.html``: the same without code cells, self-contained (figures embedded, no script, style
  sheet or font loaded from the internet: :func:`external_loads` checks it); every text from data
  shown as text (:mod:`workbench.reporting.escape`) and the page's Content-Security-Policy in its
  head (no script runs, nothing loads: ``docs/operations/report-security.md``);
- ``report.pdf``: printed from the HTML by Chromium (``/usr/bin/chromium`` headless) when it is
  installed, from a copy alone in a fresh folder, every network request sent to nowhere;
- the tables (CSV, and the portfolio as XLSX) and figures (PNG) the notebook writes through
  :func:`write_tables` and :func:`save_figure`;
- ``run.json``: workbench version, resolved parameters and their hash, input files and their
  hashes, seed, start, end and duration.

The executed notebook records no path of the machine it ran on (:func:`portable_notebook`): the
scenario as :func:`workbench.files.project_relative` names it in ``run.json`` (else its file
name), the output folder as ``.``.

Writing is atomic at the folder level: everything is built in a hidden temporary sibling folder
(``outputs/.<scenario>.tmp-*``) that replaces ``outputs/<scenario>/`` only once complete.  A failed
run leaves the previous outputs untouched, keeps the executed notebook as
``outputs/<scenario>.failed.ipynb`` and raises :class:`ReportError` whose message names the
failing cell and its error.  Every cell runs under an execution timeout; a kernel that fails to
start is retried once.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from ..version import __version__
from ..errors import InputError, Problem, closest
from ..messages import msg as coded
from ..files import (ENV_PROJECT_DIR, clean_stale, file_mode, make_temp_dir, project_relative,  # noqa: F401
                    shown_path, write_atomic, write_csv, write_via, write_xlsx)  # (write_xlsx: notebook API)

#: The report notebook, in ``notebooks/`` (:mod:`workbench.resources`).
REPORT_NOTEBOOK = "report.ipynb"
#: Default execution timeout of one notebook cell [s].
DEFAULT_TIMEOUT_S = 600.0
#: Time allowed for a kernel to start and answer [s].
KERNEL_START_TIMEOUT_S = 60.0
#: Time allowed for Chromium to print the PDF [s].
PDF_TIMEOUT_S = 120.0
CHROMIUM = "/usr/bin/chromium"

# nbconvert's "lab" template loads require.js, MathJax and Mermaid from a CDN: a report must be
# readable offline, so these blocks are emptied (reports hold no widget, formula or diagram).
_OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style>
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10pt; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
  table, table th, table td { font-size: 7pt !important; padding: 1px 3px !important; }
  table { max-width: 100% !important; }
  .jp-OutputArea-output img { max-width: 100% !important; height: auto !important; break-inside: avoid; }
  tr { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
</style>
{%- endblock extra_css -%}
"""


#: The phases of a report run, in order: the notebook announces its own (:func:`phase`), the run
#: the kernel's start, the HTML export and the PDF.  Each is shown as ``phase_<key>`` of the catalog.
REPORT_PHASES = ("kernel", "decide", "simulate", "sensitivity", "fragile", "capacity", "tables", "backtest", "html",
                 "pdf")
#: The environment variable naming the file where the notebook's kernel appends its phases.
ENV_PROGRESS = "WORKBENCH_PROGRESS_FILE"
#: How often the run reads the notebook's phases [s].
PROGRESS_POLL_S = 0.25


def phase(name: str) -> None:
    """Announce that the report notebook starts phase ``name`` (one of :data:`REPORT_PHASES`):
    one JSON line appended to the file ``$WORKBENCH_PROGRESS_FILE`` names, which the run that
    started the kernel relays (:func:`run_report`'s ``progress``).  Nothing is shown in the
    report, and nothing happens for a notebook run by hand (no such variable)."""
    path = os.environ.get(ENV_PROGRESS)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"phase": str(name), "t": time.time()}) + "\n")
    except OSError:   # progress is a courtesy: never a reason for the report to fail
        pass


def progress_text(event: Mapping[str, Any], lang: str = "fr") -> str:
    """One progress event of :func:`run_report` as a line: ``étape 3/9 : simulation de l'enveloppe (12 s)``."""
    from .labels import label

    return label("run_phase", lang, i=event["index"], n=event["total"], phase=label(f"phase_{event['phase']}", lang),
                 elapsed=f"{event['elapsed_s']:.0f}")


class _PhaseRelay:
    """Reads the phases a notebook's kernel appends to a file and passes each, once, to ``emit``
    (a thread polling every :data:`PROGRESS_POLL_S`; :meth:`stop` reads what is left)."""

    def __init__(self, path: Path, emit: Callable[[str], None]):
        import threading

        self.path, self.emit, self.pos = path, emit, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="report-progress", daemon=True)

    def _read(self) -> None:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except OSError:
            return
        end = data.rfind(b"\n") + 1
        self.pos += end
        for line in data[:end].splitlines():
            try:
                self.emit(str(json.loads(line)["phase"]))
            except (ValueError, KeyError, TypeError):
                continue

    def _run(self) -> None:
        while not self._stop.wait(PROGRESS_POLL_S):
            self._read()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._read()
        return False


class ReportError(Exception):
    """A report run failed after its inputs were validated (a cell error, a timeout, a kernel
    that never started, an export that failed).  ``message`` is one readable paragraph."""

    def __init__(self, message: str, failed_notebook: Path | None = None):
        self.failed_notebook = failed_notebook
        super().__init__(message)


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


# --------------------------------------------------------------------------------------------
# helpers the notebook calls (tables and figures into the output folder)
# --------------------------------------------------------------------------------------------


def write_tables(folder: str | Path | None, tables: Mapping[str, pd.DataFrame],
                 xlsx: str | None = None) -> list[Path]:
    """Write tables as ``<name>.csv`` (UTF-8, raw euros) and optionally all of them in one XLSX.

    Each file is written to a temporary name in the same folder, then renamed.  In the XLSX every
    text cell is written as text: a cell beginning with ``= + - @`` (a project title copied from
    a spreadsheet, say) never becomes a live formula.

    Parameters
    ----------
    folder : path or None
        The output folder; ``None`` writes nothing (a notebook run interactively).
    tables : mapping of str to DataFrame
        File stem -> table.
    xlsx : str, optional
        Stem of an XLSX workbook holding every table, one sheet each.
    """
    if folder is None:
        return []
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        written.append(write_csv(folder / f"{name}.csv", df))
    if xlsx:
        written.append(write_xlsx(folder / f"{xlsx}.xlsx", tables))
    return written


def save_figure(fig, folder: str | Path | None, name: str, dpi: int = 150) -> Path | None:
    """Save a matplotlib figure as ``<folder>/<name>.png`` (atomically); ``None`` folder: no-op."""
    if folder is None:
        return None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return write_via(folder / f"{name}.png", lambda p: fig.savefig(p, dpi=dpi, bbox_inches="tight", format="png"))


def figure(fig, folder: str | Path | None = None, name: str | None = None, dpi: int = 150, width_px: int = 680):
    """A figure for a report: saved as ``<folder>/<name>.png`` when a folder is given, returned as
    a static PNG image to display (no interactive backend, nothing fetched when the HTML opens)."""
    import io

    from IPython.display import Image

    if folder is not None and name:
        save_figure(fig, folder, name, dpi)
    buf = io.BytesIO()
    fig.savefig(buf, dpi=dpi, bbox_inches="tight", format="png")
    return Image(data=buf.getvalue(), format="png", width=width_px)


# --------------------------------------------------------------------------------------------
# notebook location and execution
# --------------------------------------------------------------------------------------------
def notebooks_dir() -> Path:
    """The folder holding the report notebooks (:func:`workbench.resources.notebooks_dir`: the
    package copy of an installed wheel, else the repository's ``notebooks/``)."""
    from .. import resources

    return resources.notebooks_dir()


def find_notebook(name: str = REPORT_NOTEBOOK) -> Path:
    """The path of a notebook of :func:`notebooks_dir` by file name."""
    return notebooks_dir() / name


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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


# --------------------------------------------------------------------------------------------
# export: HTML (offline) and PDF (Chromium)
# --------------------------------------------------------------------------------------------
_LOAD_PATTERNS = [
    # elements that load what their src / href names
    re.compile(r"<(?:script|img|iframe|embed|source|audio|video|input)\b[^>]*?\bsrc\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]+)",
               re.I),
    re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]+)", re.I),
    re.compile(r"<object\b[^>]*?\bdata\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]+)", re.I),
    # CSS
    re.compile(r"@import\s+(?:url\()?\s*[\"']?((?:https?:)?//[^\"')\s;]+)", re.I),
    re.compile(r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.I),
    # JavaScript modules and loaders
    re.compile(r"\bimport\b[^;\n]*?\bfrom\s*[\"']((?:https?:)?//[^\"']+)", re.I),
    re.compile(r"\bimport\s*\(\s*[\"']((?:https?:)?//[^\"']+)", re.I),
]


def external_loads(html_text: str) -> list[str]:
    """Every resource an HTML page would fetch from the network (scripts, style sheets, images,
    frames, CSS imports, JS imports).  Plain links (``<a href>``) are not loads.  Empty for a
    self-contained report."""
    found: list[str] = []
    for pat in _LOAD_PATTERNS:
        for m in pat.finditer(html_text):
            if m.group(1) not in found:
                found.append(m.group(1))
    return found


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


#: Elements and attributes a report never holds (its tables and texts are escaped, its figures
#: are ``<img>`` of ``data:`` PNG): one of them in an exported page means text from data was not
#: escaped somewhere, and the export fails rather than write it.
_ACTIVE_CONTENT = re.compile(
    r"<(?:script|iframe|frame|frameset|object|embed|applet|base|form|svg|math|link|portal|template)\b"
    r"|<meta\s+http-equiv\s*=\s*[\"']?refresh"
    r"|<[a-z][^<>]*\son[a-z]+\s*=", re.I)


def active_content(html_text: str) -> list[str]:
    """Every script, frame, object, form, ``<base>``, SVG, ``<link>``, refresh or event-handler
    attribute (``onerror=``…) in an HTML page: what no report of the workbench holds (empty for a
    report whose data is escaped)."""
    return sorted({m.group(0)[:60] for m in _ACTIVE_CONTENT.finditer(html_text)})


def export_html(notebook: str | Path, html_path: str | Path, title: str) -> Path:
    """The executed notebook as self-contained HTML without code cells; ``title`` is the page's
    title (plain text: the caller isolates the data in it, :func:`workbench.reporting.escape.plain_text`).

    Cells tagged ``remove_cell`` are dropped (notes for developers), inputs and prompts hidden,
    figures embedded as PNG data; nothing is loaded from the internet.  The page carries the
    reports' Content-Security-Policy (:func:`workbench.reporting.escape.add_csp`: no script, frame
    or object; images only embedded, styles only inline; nothing from the network or ``file:``).

    Raises
    ------
    ReportError
        If the page would still load something from the network, or holds a script, frame,
        object, form or event handler (:func:`active_content`: text from data left unescaped).
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    cfg = Config()
    cfg.TagRemovePreprocessor.remove_cell_tags = ("remove_cell",)
    cfg.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=cfg, template_name="lab",
                            extra_loaders=[jinja2.DictLoader({"workbench_report.html.j2": _OFFLINE_TEMPLATE})],
                            template_file="workbench_report.html.j2", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True)
    exporter.register_preprocessor(TagRemovePreprocessor(config=cfg), enabled=True)
    from .escape import add_csp, balance_bidi

    nb = nbformat.read(str(notebook), as_version=4)
    # the page's <title> (nbconvert escapes it): plain text, its bidi controls balanced
    name = balance_bidi(" ".join(str(title).split()))
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    loads = external_loads(body)
    if loads:
        raise ReportError("the HTML report would load resources from the internet: " + ", ".join(loads))
    active = active_content(body)
    if active:
        raise ReportError("the HTML report would hold active content (text from data left unescaped): "
                          + ", ".join(active))
    return write_atomic(html_path, add_csp(body))


def find_chromium() -> str | None:
    """Debian's Chromium (``/usr/bin/chromium``), or ``chromium`` on the PATH, else ``None``."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


#: Chromium's options for printing a report: headless, a throw-away profile (``--user-data-dir``
#: added per run), no background service, and no network at all: every request goes to a proxy
#: that does not exist (``127.0.0.1:9``; loopback addresses included, ``<-loopback>``) and no host
#: name resolves.  File access is left at Chromium's default for a ``file:`` page (no
#: ``--allow-file-access-from-files``); what a page may load is forbidden by its
#: Content-Security-Policy, and the page is printed from a copy alone in a fresh folder.
CHROMIUM_PRINT_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-extensions", "--disable-sync", "--no-first-run", "--no-default-browser-check",
    "--disable-component-update", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--no-pings", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-pdf-header-footer",
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def print_pdf(html_path: str | Path, pdf_path: str | Path, chromium: str | None = None,
              timeout_s: float = PDF_TIMEOUT_S) -> Path:
    """Print an HTML file to PDF with headless Chromium (no network, throw-away profile).

    The page printed is a copy of ``html_path`` alone in a fresh temporary folder (a relative
    path in it names nothing), with :data:`CHROMIUM_PRINT_ARGS`; the page's own
    Content-Security-Policy (:func:`export_html`) keeps it from running a script or loading any
    file or URL.

    Raises
    ------
    ReportError
        If Chromium fails, times out or writes no PDF.
    """
    chromium = chromium or find_chromium()
    if not chromium:
        raise ReportError("Chromium is not installed: no PDF")
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    return write_via(pdf_path, lambda tmp: _chromium_print(chromium, html_path, tmp, timeout_s))


def _chromium_print(chromium: str, html_path: Path, tmp: Path, timeout_s: float) -> None:
    with tempfile.TemporaryDirectory(prefix="wb-chromium-") as profile, \
            tempfile.TemporaryDirectory(prefix="wb-print-") as alone:
        page = Path(alone) / "report.html"
        shutil.copyfile(html_path, page)
        cmd = [chromium, *CHROMIUM_PRINT_ARGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", page.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not print the PDF within {timeout_s:g} s") from None
    if proc.returncode != 0 or not tmp.exists() or tmp.read_bytes()[:5] != b"%PDF-":
        err = " ".join((proc.stderr or "").split())[-400:]
        raise ReportError(f"Chromium failed to print the PDF (exit {proc.returncode}): {err}")


# --------------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------------
def _folder_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "scenario"


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

    pkgs = {}
    for name in ("numpy", "pandas", "scipy", "matplotlib", "papermill", "nbconvert", "ipykernel"):
        try:
            pkgs[name] = version(name)
        except PackageNotFoundError:
            pkgs[name] = None
    return {"python": platform.python_version(), "platform": platform.platform(), "packages": pkgs}


#: What a killed run leaves in the output folder (removed at the next run when stale).
STALE_PATTERNS = (".*.tmp-*", ".*.kernel-*.log", ".*.runtime-*", ".*.old-*")
#: What the run's summary says when no PDF could be printed.
NO_CHROMIUM_NOTE = ("no report.pdf: Chromium is not installed; install it with `make browser` "
                    "(Debian's chromium package), then run again")


def _remove_quietly(*paths: Path | None) -> None:
    """Remove files and folders, ignoring any error (used while handling another one)."""
    for p in paths:
        if p is None:
            continue
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
        except OSError:
            pass


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


def _write_json(path: Path, data: dict) -> None:
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def option_problems(draws: int | None, seed: int | None, lang: str,
                    timeout_s: float | None = None) -> list[Problem]:
    """Problems with the options that ``run``, ``compare`` and ``sweep`` share."""
    from .labels import LANGS

    probs = []
    if seed is not None and (not isinstance(seed, int) or seed < 0):
        probs.append(Problem("<option>", "--seed", seed, coded("E_WHOLE_NUMBER_MIN", minimum=0)))
    if draws is not None and (not isinstance(draws, int) or draws < 1):
        probs.append(Problem("<option>", "--draws", draws, coded("E_WHOLE_NUMBER_MIN", minimum=1)))
    if timeout_s is not None and not timeout_s > 0:
        probs.append(Problem("<option>", "--timeout", timeout_s, coded("E_SECONDS")))
    if lang not in LANGS:
        probs.append(Problem("<option>", "--lang", lang, coded("E_LANG", choices=list(LANGS))))
    return probs


def check_run_options(draws: int | None, timeout_s: float | None, lang: str, seed: int | None = None) -> None:
    """Problems with the run's options, all at once (:class:`InputError`)."""
    probs = option_problems(draws, seed, lang, timeout_s)
    if probs:
        raise InputError(probs)


def run_report(scenario_path: str | Path, out: str | Path = "outputs", draws: int | None = None,
               seed: int | None = None, lang: str = "fr", timeout_s: float = DEFAULT_TIMEOUT_S,
               notebook: str | Path | None = None, pdf: bool = True, kernel_name: str | None = None,
               parameters: Mapping[str, Any] | None = None,
               log: Callable[[str], None] | None = None,
               progress: Callable[[dict], None] | None = None) -> RunResult:
    """Execute the report notebook for a scenario and write ``<out>/<scenario>/`` atomically.

    Parameters
    ----------
    scenario_path : path
        The scenario file (validated first: a bad file raises :class:`InputError`, nothing written).
    out : path
        The parent output folder (``outputs/``).
    draws : int, optional
        Simulation draws (default: the scenario's, :attr:`workbench.scenario.Scenario.draws`).
    seed : int, optional
        The run's seed (default: the scenario's ``seed``).
    lang : {"fr", "en"}
        Language of the report.
    timeout_s : float
        Execution timeout of each notebook cell [s].
    notebook : path, optional
        Another parameterized notebook (default ``notebooks/report.ipynb``).
    pdf : bool
        Print ``report.pdf`` with Chromium when it is installed.
    parameters : mapping, optional
        Further notebook parameters (e.g. ``robustness_samples``, ``frontier_points``); recorded
        in ``run.json``.
    progress : callable, optional
        Called at the start of each phase of the run (:data:`REPORT_PHASES`, those the notebook
        announces through :func:`phase` included), then once with ``phase`` ``"done"``, with a
        dict ``{"phase", "index", "total", "elapsed_s"}`` (``index`` from 1); from another thread
        for the notebook's phases.  :func:`progress_text` words it; :func:`iter_report` yields
        the same events.

    Returns
    -------
    RunResult

    Raises
    ------
    InputError
        Bad scenario or options (nothing written).
    ReportError
        The run failed; previous outputs untouched, executed notebook kept as
        ``<out>/<scenario>.failed.ipynb``.
    """
    from ..scenario import load_scenario
    from .escape import plain_text

    log = log or (lambda msg: None)
    check_run_options(draws, timeout_s, lang, seed)
    scenario_path = Path(scenario_path)
    scenario = load_scenario(scenario_path)
    draws = scenario.draws if draws is None else draws
    nb_src = Path(notebook) if notebook is not None else find_notebook()
    if not nb_src.is_file():
        raise InputError([Problem("<option>", "--notebook", str(nb_src), coded("E_NOTEBOOK_MISSING"))])
    seed = scenario.seed if seed is None else int(seed)
    inputs = input_files(scenario, nb_src)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # leftovers of killed runs (temporary folders, kernel logs, connection files): only stale ones
    clean_stale(out, patterns=STALE_PATTERNS)
    name = _folder_name(scenario.name)
    target = out / name
    failed_nb = out / f"{name}.failed.ipynb"
    failed_log = out / f"{name}.failed.log"
    tmp = make_temp_dir(out, name)
    kernel_log = runtime = None
    try:
        fd, kernel_log = tempfile.mkstemp(prefix=f".{name}.kernel-{os.getpid()}-", suffix=".log", dir=out)
        os.close(fd)
        kernel_log = Path(kernel_log)
        os.chmod(kernel_log, file_mode())
        # the kernel's connection file goes to a private folder removed with the run
        runtime = Path(tempfile.mkdtemp(prefix=f".{name}.runtime-{os.getpid()}-", dir=out))
    except BaseException:
        _remove_quietly(tmp, kernel_log, runtime)
        raise
    executed = tmp / "report.ipynb"
    extra = dict(parameters or {})
    nb_params = {"scenario_path": str(scenario_path.resolve()), "draws": int(draws), "seed": int(seed),
                 "out_dir": str(tmp.resolve()), "lang": lang, **extra}
    start = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    notes: list[str] = []
    timings: dict[str, float] = {}
    seen: list[str] = []

    def announce(name: str) -> None:
        if progress is None or name in seen:
            return
        seen.append(name)
        total = len(REPORT_PHASES) - (0 if pdf else 1)
        index = REPORT_PHASES.index(name) + 1 if name in REPORT_PHASES else len(seen)
        progress({"phase": name, "index": min(index, total) if name != "done" else total, "total": total,
                  "elapsed_s": time.perf_counter() - t0})

    progress_file = runtime / "progress.jsonl"
    try:
        log(f"executing {nb_src.name} for scenario '{scenario.name}' ({draws} draws, seed {seed})")
        announce("kernel")
        t = time.perf_counter()
        with _stderr_to(kernel_log), _environ({"JUPYTER_RUNTIME_DIR": str(runtime), ENV_PROGRESS: str(progress_file),
                                                ENV_PROJECT_DIR: str(Path.cwd().resolve())}), \
                _PhaseRelay(progress_file, announce):
            attempts = execute_notebook(nb_src, executed, nb_params, timeout_s=timeout_s, cwd=tmp,
                                        kernel_name=kernel_name, log=log)
        portable_notebook(executed, {"scenario_path": shown_path(scenario_path), "out_dir": "."})
        timings["execute_s"] = time.perf_counter() - t
        phases = cell_timings(executed, timings["execute_s"])
        log("exporting report.html")
        announce("html")
        t = time.perf_counter()
        export_html(executed, tmp / "report.html",   # title and name each isolated (bidi)
                    title=f"{plain_text(scenario.title)} ({plain_text(scenario.name)})")
        timings["html_s"] = time.perf_counter() - t
        pdf_status = "not requested"
        if pdf:
            chromium = find_chromium()
            if chromium is None:
                pdf_status = "skipped: Chromium is not installed"
                notes.append(NO_CHROMIUM_NOTE)
            else:
                log("printing report.pdf with Chromium")
                announce("pdf")
                t = time.perf_counter()
                print_pdf(tmp / "report.html", tmp / "report.pdf", chromium)
                timings["pdf_s"] = time.perf_counter() - t
                pdf_status = "written"
    except BaseException as exc:
        # every step below may itself fail (a full disk): each is tried on its own, and the
        # temporary files go whatever happens
        kept = None
        try:
            if executed.exists():
                write_via(failed_nb, lambda p: shutil.copyfile(executed, p))
                kept = failed_nb
        except OSError:
            kept = None
        try:
            failed_log.unlink(missing_ok=True)
            if kernel_log.exists() and kernel_log.stat().st_size:
                os.replace(kernel_log, failed_log)
        except OSError:
            pass
        _remove_quietly(tmp, kernel_log, runtime)
        if isinstance(exc, ReportError):
            msg = str(exc).rstrip(". ")
            if kept is not None:
                msg += f". The executed notebook is kept for diagnosis: {kept}"
            if failed_log.exists():
                msg += f" (kernel messages: {failed_log.name})"
            msg += f". Previous outputs in {target} are untouched."
            raise ReportError(msg, kept) from None
        raise
    try:
        _remove_quietly(runtime)
        kernel_log.unlink(missing_ok=True)
        end = dt.datetime.now(dt.timezone.utc)
        resolved = {"scenario": scenario.resolved(), "draws": int(draws), "seed": int(seed), "lang": lang,
                    "notebook_parameters": extra}
        outputs = [{"file": p.name, "bytes": p.stat().st_size, "sha256": file_sha256(p)}
                   for p in sorted(tmp.iterdir()) if p.is_file()]
        run_info = {
            "workbench_version": __version__,
            "scenario": {"name": scenario.name, "title": scenario.title, "path": project_relative(scenario_path),
                         "warnings": list(scenario.warnings), "synthetic": scenario.synthetic},
            "parameters": resolved,
            "parameters_hash": _canonical_hash(resolved),
            "scenario_hash": scenario.hash(),
            "seed": int(seed),
            "draws": int(draws),
            "lang": lang,
            "inputs": inputs,
            "outputs": outputs,
            "start": start.isoformat(timespec="milliseconds"),
            "end": end.isoformat(timespec="milliseconds"),
            "duration_s": round(time.perf_counter() - t0, 3),
            "execution": {"timeout_s": timeout_s, "kernel_attempts": attempts, "notebook": nb_src.name,
                          "pdf": pdf_status, **{k: round(v, 3) for k, v in timings.items()},
                          "phases": phases},
            "environment": _environment(),
        }
        _write_json(tmp / "run.json", run_info)
    except BaseException:
        _remove_quietly(tmp, kernel_log, runtime)
        raise
    # swap the complete folder in; the previous one is removed only after the swap
    old = None
    try:
        if target.exists():
            old = out / f".{name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp, kernel_log)
        if old is not None and not target.exists():
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    failed_nb.unlink(missing_ok=True)
    failed_log.unlink(missing_ok=True)
    announce("done")
    return RunResult(folder=target, run_info=run_info, notes=notes)


def iter_report(scenario_path: str | Path, **kwargs: Any):
    """:func:`run_report` as a generator: yields each progress event (a dict, see its
    ``progress``) as the run reaches it, then the :class:`RunResult`.  The run goes on in a
    thread; an error it raises (:class:`InputError`, :class:`ReportError`) is raised here."""
    import queue
    import threading

    q: queue.Queue = queue.Queue()
    done = object()
    box: dict = {}

    def work() -> None:
        try:
            box["result"] = run_report(scenario_path, progress=q.put, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc
        finally:
            q.put(done)

    threading.Thread(target=work, name="report-run", daemon=True).start()
    while True:
        item = q.get()
        if item is done:
            break
        yield item
    if "error" in box:
        raise box["error"]
    yield box["result"]


def write_answer(folder: str | Path | None, box) -> Path | None:
    """The report's answer box (:func:`workbench.reporting.summaries.answer_box`) as
    ``answer.json``: its figures and its text, which ``workbench run`` prints after the run."""
    if folder is None:
        return None
    data = {"figures": box.figures, "text": box.text(), "lang": box.lang}
    return write_atomic(Path(folder) / "answer.json",
                        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


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


def main_run(args, err=None) -> int:
    """The ``workbench run`` command body (kept here so the CLI stays a thin dispatcher): the
    run's phases as they come (a progress bar on a terminal, one line each otherwise), then the
    report's answer box and the files written."""
    err = err or sys.stderr
    # the run sends file descriptor 2 to the kernel's log while the notebook runs (_stderr_to): the
    # phases go to a copy of the terminal's descriptor, taken before
    own = None
    try:
        own = os.fdopen(os.dup(err.fileno()), "w", buffering=1, encoding=getattr(err, "encoding", None) or "utf-8")
        err.flush()
        err = own
    except (AttributeError, OSError, ValueError):   # a stream without a descriptor (a test's StringIO)
        pass

    def log(msg: str) -> None:
        print(f"workbench run: {msg}", file=err, flush=True)

    nb = Path(args.notebook) if args.notebook else find_notebook()
    extra = parse_params(getattr(args, "param", []) or [], nb) if nb.is_file() else {}
    tty = bool(getattr(err, "isatty", lambda: False)())
    bar = None

    def show(event: dict) -> None:
        nonlocal bar
        text = progress_text(event, args.lang)
        if not tty:
            log(text)
            return
        from tqdm.auto import tqdm

        if bar is None:
            bar = tqdm(total=event["total"], file=err, unit="phase", leave=False,
                       bar_format="workbench run: {n_fmt}/{total_fmt} {desc}")
        bar.set_description_str(text.split(": ", 1)[-1] if ": " in text else text)
        bar.n = event["index"]
        bar.refresh()

    try:
        res = run_report(args.scenario, out=args.out, draws=args.draws, seed=args.seed, lang=args.lang,
                         timeout_s=args.timeout, notebook=args.notebook, pdf=not args.no_pdf, parameters=extra,
                         log=(lambda m: None) if tty else log, progress=show)
    except ReportError as exc:
        print(f"workbench run: FAILED: {exc}", file=err, flush=True)
        return 1
    finally:
        if bar is not None:
            bar.close()
        if own is not None:
            own.close()
    for note in res.notes:
        print(f"workbench run: {note}", file=sys.stderr, flush=True)
    answer = res.folder / "answer.json"
    if answer.is_file():
        print(json.loads(answer.read_text(encoding="utf-8"))["text"])
    print(f"{res.folder}: {', '.join(res.files)} ({res.run_info['duration_s']:.1f} s)")
    return 0


# --------------------------------------------------------------------------------------------
# hook for the dashboard's report button (kept apart: the dashboard calls it, nothing else here
# depends on the dashboard)
# --------------------------------------------------------------------------------------------
def dashboard_progress(show: Callable[[str], None], lang: str = "fr") -> Callable[[dict], None]:
    """A ``progress`` callback for :func:`run_report` that shows each phase through ``show`` (e.g.
    ``lambda text: setattr(label_widget, "value", text)``), worded by :func:`progress_text`::

        run_report(path, progress=dashboard_progress(lambda t: setattr(w, "value", t), lang))
    """
    return lambda event: show(progress_text(event, lang))
