"""A report run's progress: the phases the notebook announces (:func:`phase`, appended to the
file ``$WORKBENCH_PROGRESS_FILE`` names), relayed by the run that started its kernel
(:class:`_PhaseRelay`) and worded for a terminal or the dashboard (:func:`progress_text`,
:func:`dashboard_progress`)."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any
from collections.abc import Callable, Mapping


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


def dashboard_progress(show: Callable[[str], None], lang: str = "fr") -> Callable[[dict], None]:
    """A ``progress`` callback for :func:`run_report` that shows each phase through ``show`` (e.g.
    ``lambda text: setattr(label_widget, "value", text)``), worded by :func:`progress_text`::

        run_report(path, progress=dashboard_progress(lambda t: setattr(w, "value", t), lang))
    """
    return lambda event: show(progress_text(event, lang))
