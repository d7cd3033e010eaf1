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

A run has its jobs, each in its module: running the notebook (:mod:`.notebooks`: papermill,
timeouts, the kernel's retry), its progress (:mod:`.progress`), what the notebook writes
(:mod:`.outputs`), the HTML and PDF export (:mod:`.export`) and the run's record
(:mod:`.provenance`); this module runs them in order (:func:`run_report`) and keeps every one of
their names importable from here (``batch.figure``, ``batch.phase``, ``batch.print_pdf``…).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from collections.abc import Callable, Mapping

from ..version import __version__
from ..errors import InputError, Problem
from ..messages import msg as coded
from ..files import (ENV_PROJECT_DIR, clean_stale, file_mode, make_temp_dir, project_relative,  # noqa: F401
                    shown_path, write_atomic, write_csv, write_via, write_xlsx)  # (write_xlsx: notebook API)
# the jobs of a run, each in its module; their public names (and those run_report uses)
# stay importable from here
from .export import (CHROMIUM, CHROMIUM_PRINT_ARGS, PDF_TIMEOUT_S, active_content, export_html,  # noqa: F401
                     external_loads, find_chromium, print_pdf)
from .notebooks import (DEFAULT_TIMEOUT_S, KERNEL_START_TIMEOUT_S, REPORT_NOTEBOOK, ReportError,  # noqa: F401
                        _environ, _stderr_to, execute_notebook, find_notebook, notebook_parameters,
                        notebooks_dir, parse_params, portable_notebook)
from .outputs import figure, save_figure, write_answer, write_tables  # noqa: F401
from .progress import (ENV_PROGRESS, PROGRESS_POLL_S, REPORT_PHASES, _PhaseRelay, dashboard_progress,  # noqa: F401
                       phase, progress_text)
from .provenance import (RunResult, _canonical_hash, _environment, _write_json, cell_timings,  # noqa: F401
                         file_sha256, input_files)


def _folder_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "scenario"


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
    kernel_log: Path | None = None
    runtime: Path | None = None
    try:
        fd, kernel_log_text = tempfile.mkstemp(prefix=f".{name}.kernel-{os.getpid()}-", suffix=".log", dir=out)
        os.close(fd)
        kernel_log = Path(kernel_log_text)
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
