"""Limits on input sizes, and the folders input files may come from.

Every input is checked against these bounds *before* the work it would cause: a hostile or
mistaken file gets a short message (exit status 2), never a traceback, minutes of work or
gigabytes of memory.  The values are generous for the funds' real data (FTAP's largest call
had 400 applications; the shipped scenarios are about 10 kB and 4 levels deep).

Folders (confinement): a scenario's ``extends:`` and ``candidates.file:`` may only name files
inside

- the folder tree of the scenario file given on the command line (or to ``load_scenario``),
- the project folder tree, when there is a project: ``WORKBENCH_PROJECT_DIR`` when set
  (``workbench run`` and ``workbench dashboard`` set it for their kernels), else the nearest
  folder from the working folder up that holds a ``parameters/`` folder.  A working folder
  that is no project (``/``, a home folder) opens nothing: run from ``/``, a scenario's
  ``extends: ../home/…`` used to be read, and its content echoed in the error;
- the folders listed in the environment variable ``WORKBENCH_ALLOWED_DIRS`` (separated by
  ``:``, ``;`` on Windows),
- the folder of the shipped scenarios (:func:`workbench.resources.parameters_dir`, inside an
  installed package or the checkout's ``parameters/``), so a user's scenario or saved variant
  anywhere may ``extends:`` a shipped one.

Inside them, a file in a hidden folder (``.ssh/``, ``.config/``; a name starting with ``.``,
counted from the allowed folder) is refused, and ``extends:`` names only ``.yaml``/``.yml``
files.  Paths are compared after resolving symbolic links, so a link cannot lead outside.  A
file refused is refused before it is opened; a file ``extends:`` reaches that turns out not to
be a scenario (not YAML, not a mapping, no scenario key) is reported without any of its
content.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .messages import Message

import os
from pathlib import Path
from collections.abc import Iterable

#: Largest scenario or sweep-spec file [bytes] (shipped scenarios: about 10 kB).
MAX_YAML_BYTES = 1_000_000
#: Deepest nesting of mappings and lists in a scenario file (shipped scenarios: 5).
MAX_YAML_DEPTH = 32
#: Longest ``extends`` chain, the scenario itself included.
MAX_EXTENDS = 16
#: Largest candidate (or laureate book) file [bytes].
MAX_CANDIDATE_BYTES = 100_000_000
#: Most candidate rows, in a file or generated (synthetic): 200,000.
MAX_CANDIDATES = 200_000
#: Most columns in a candidate file.
MAX_COLUMNS = 200
#: Longest cell of a candidate file [characters].
MAX_CELL_CHARS = 10_000
#: Most cells of a candidate file, rows times columns: 200,000 rows of 30 columns (the 23 named
#: columns and seven yearly ``cp_<year>_eur`` ones).  The row and column limits alone would let
#: 40 million cells through, gigabytes of Python objects: this bound keeps the largest file
#: accepted within about a gigabyte of memory.
MAX_CELLS = 6_000_000

# ---- CSV: checked on the raw bytes, streamed, before any line is split into cells ----------
#: Most physical lines of a CSV file: five per candidate row (blank lines and cells written on
#: several lines are allowed).  A file of 99 MB of line breaks is refused at once.
MAX_CSV_LINES = 5 * MAX_CANDIDATES
#: Longest line of a CSV file [bytes]: the widest valid row, ``MAX_COLUMNS`` cells of
#: ``MAX_CELL_CHARS`` characters (2,000,000), with room for quotes and accented letters (two
#: bytes in UTF-8).  A file that is one 99 MB line is refused at its first line.
MAX_CSV_LINE_BYTES = 4_000_000
#: Most fields on one line of a CSV file: 16,384, the widest sheet a spreadsheet can export
#: (Excel's last column is XFD, 16,384; trailing empty fields of a wide export are ignored).
#: A line of millions of separators would otherwise become a list of millions of strings.
MAX_CSV_FIELDS = 16_384
#: Most separators in a whole CSV file: twice ``MAX_CELLS``, room for separators inside quoted
#: text.  Bounds the fields of one record even when quotes join many lines into one.
MAX_CSV_SEPARATORS = 2 * MAX_CELLS

# ---- XLSX: checked on the zip directory and by streaming the XML, before openpyxl parses -----
#: Largest unpacked content of a candidate XLSX [bytes] (an XLSX is a zip: 15 MB of zip can
#: unpack to gigabytes of XML); about 200,000 rows of 25 columns.
MAX_XLSX_UNPACKED_BYTES = 400_000_000
#: Most files inside an XLSX zip (a workbook holds a few dozen); read from the zip's end record,
#: before its directory is loaded (a directory of millions of entries takes gigabytes).
MAX_XLSX_ENTRIES = 10_000
#: Largest XML part that openpyxl reads whole into a tree (the workbook, its styles, relations,
#: properties, chart sheets) [bytes], unpacked.
MAX_XLSX_PART_BYTES = 16_000_000
#: Most XML tags in such a part (and in a sheet's part before its rows: columns, views).
#: openpyxl builds one Python object per tag, about 50 µs each (measured for cell formats): 50,000
#: tags are about 3 seconds.  A normal workbook's styles hold a few hundred to a few thousand.
MAX_XLSX_PART_TAGS = 50_000
#: Most shared strings (the workbook's table of distinct texts, loaded whole by openpyxl at
#: about 25 µs each): five distinct texts per candidate row.
MAX_XLSX_SHARED_STRINGS = 5 * MAX_CANDIDATES
#: Largest table of shared strings [bytes], unpacked.
MAX_XLSX_SHARED_STRINGS_BYTES = 100_000_000
#: Most cells (``<c>`` elements, empty formatted ones included) in one row of the sheet: 16,384,
#: the widest row a spreadsheet writes.  openpyxl holds a whole row in memory (about 2 kB per
#: cell): one row of millions of cells took gigabytes.
MAX_XLSX_ROW_CELLS = 16_384
#: Largest XML of one row of the sheet [bytes]: ``MAX_COLUMNS`` cells of ``MAX_CELL_CHARS``
#: characters written in the row (inline strings), with room for markup.
MAX_XLSX_ROW_BYTES = 8_000_000
#: Largest row number holding a value: one blank row per candidate row allowed (the reader
#: skips blank rows); a sheet whose used range (``<dimension>``) or last row goes further is refused
#: before its rows are read.
MAX_XLSX_ROW_NUMBER = 2 * MAX_CANDIDATES + 1

#: Largest criterion weight (weights are relative: a committee writes 0.4 or 40; a weight of
#: 1e308 is a typing slip, and sums of such weights overflow to infinity).
MAX_WEIGHT = 1e9

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
    from .files import project_root

    project = project_root()
    if project is not None:
        dirs.append(project)
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


#: The suffixes a file ``extends:`` names may have.
SCENARIO_SUFFIXES = (".yaml", ".yml")


def hidden_part(path: str | Path, dirs: Iterable[Path]) -> str | None:
    """The first hidden part (a name starting with ``.``) of ``path`` (resolved, links followed)
    below the allowed folders that hold it, or ``None`` when one of them holds it without a
    hidden part: ``~/.ssh/config`` under ``~`` gives ``.ssh``."""
    p = Path(path).resolve()
    found = None
    for d in dirs:
        if p == d or p.is_relative_to(d):
            hidden = next((x for x in p.relative_to(d).parts if x.startswith(".")), None)
            if hidden is None:
                return None
            found = found or hidden
    return found


def outside_rule(dirs: Iterable[Path]) -> Message:
    """The rule shown when a file lies outside the allowed folders (message ``E_OUTSIDE_ALLOWED``)."""
    from .messages import msg

    return msg("E_OUTSIDE_ALLOWED", env=ENV_ALLOWED_DIRS)
