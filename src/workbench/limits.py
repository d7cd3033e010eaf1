"""Limits on input sizes, and the folders input files may come from.

Every input is checked against these bounds *before* the work it would cause: a hostile or
mistaken file gets a short message (exit status 2), never a traceback, minutes of work or
gigabytes of memory.  The values are generous for the funds' real data (FTAP's largest call
had 400 applications; the shipped scenarios are about 10 kB and 4 levels deep).

Folders (confinement): a scenario's ``extends:`` and ``candidates.file:`` may only name files
inside

- the folder tree of the scenario file given on the command line (or to ``load_scenario``),
- the project folder tree: ``WORKBENCH_PROJECT_DIR`` when set (``workbench run`` and
  ``workbench dashboard`` set it for their kernels), else the nearest folder from the working
  folder up that holds a ``parameters/`` folder, else the working folder,
- the folders listed in the environment variable ``WORKBENCH_ALLOWED_DIRS`` (separated by
  ``:``, ``;`` on Windows),
- the folder of the shipped scenarios (:func:`workbench.resources.parameters_dir`, inside an
  installed package or the checkout's ``parameters/``), so a user's scenario or saved variant
  anywhere may ``extends:`` a shipped one.

Paths are compared after resolving symbolic links, so a link cannot lead outside.  A file
outside is refused before it is opened, so no message ever shows another file's content.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .messages import Message

import os
from pathlib import Path
from typing import Iterable

#: Largest scenario or sweep-spec file [bytes] (shipped scenarios: about 10 kB).
MAX_YAML_BYTES = 1_000_000
#: Deepest nesting of mappings and lists in a scenario file (shipped scenarios: 5).
MAX_YAML_DEPTH = 32
#: Longest ``extends`` chain, the scenario itself included.
MAX_EXTENDS = 16
#: Largest candidate file [bytes].
MAX_CANDIDATE_BYTES = 100_000_000
#: Largest unpacked content of a candidate XLSX [bytes] (an XLSX is a zip: 15 MB of zip can
#: unpack to gigabytes of XML); about 200,000 rows of 25 columns.
MAX_XLSX_UNPACKED_BYTES = 400_000_000
#: Most candidate rows, in a file or generated (synthetic): 200,000.
MAX_CANDIDATES = 200_000
#: Most columns in a candidate file.
MAX_COLUMNS = 200
#: Longest cell of a candidate file [characters].
MAX_CELL_CHARS = 10_000

#: Most envelope-simulation draws a scenario may ask for (``simulation.draws``): 10 million draws
#: of FTAP's 120 laureates take about 20 minutes on 2 cores.
MAX_DRAWS = 10_000_000

#: Most scenarios in one sweep (grid combinations and cases).
MAX_SWEEP_SCENARIOS = 100_000

#: Environment variable listing further folders input files may come from.
ENV_ALLOWED_DIRS = "WORKBENCH_ALLOWED_DIRS"


def allowed_dirs(scenario_path: str | Path | None = None, extra: Iterable[str | Path] = ()) -> list[Path]:
    """The folders input files may come from (resolved): the scenario's folder, the project
    folder (:func:`workbench.files.project_dir`), ``WORKBENCH_ALLOWED_DIRS``, the shipped
    scenarios' folder and ``extra``."""
    dirs: list[Path] = []
    if scenario_path is not None:
        dirs.append(Path(scenario_path).resolve().parent)
    from .files import project_dir

    dirs.append(project_dir())
    for part in os.environ.get(ENV_ALLOWED_DIRS, "").split(os.pathsep):
        if part.strip():
            dirs.append(Path(part.strip()).expanduser().resolve())
    from . import resources

    try:
        dirs.append(resources.parameters_dir().resolve())
    except FileNotFoundError:  # a broken installation: no shipped scenarios to allow
        pass
    dirs += [Path(d).resolve() for d in extra]
    out: list[Path] = []
    for d in dirs:
        if d not in out:
            out.append(d)
    return out


def is_allowed(path: str | Path, dirs: Iterable[Path]) -> bool:
    """Whether ``path`` (resolved, links followed) lies inside one of ``dirs``."""
    p = Path(path).resolve()
    return any(p == d or p.is_relative_to(d) for d in dirs)


def outside_rule(dirs: Iterable[Path]) -> "Message":
    """The rule shown when a file lies outside the allowed folders (message ``E_OUTSIDE_ALLOWED``)."""
    from .messages import msg

    return msg("E_OUTSIDE_ALLOWED", env=ENV_ALLOWED_DIRS)
