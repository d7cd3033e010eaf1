"""Writing output files safely: atomically, readable by the group, never with a live formula.

Every output of the workbench goes through these functions:

- :func:`write_atomic` / :func:`write_via` write to a temporary name in the target's folder and
  rename it over the target (``os.replace``), so a reader never sees a half-written file and a
  failure leaves the previous file untouched.  Files get the mode the umask gives (``0666 &
  ~umask``), not the ``0600`` of :func:`tempfile.mkstemp`: a team sharing ``outputs/`` can read them.
- :func:`write_folder` builds a whole set of files in a temporary sibling folder and moves them
  in only once every file is written: a failure half-way leaves the previous set untouched.
- :func:`safe_text` is the one rule for text cells in every spreadsheet the workbench writes
  (CLI tables and the dashboard's export): characters XLSX cannot hold (NUL and the other
  control characters but tab, LF and CR) are removed, and for CSV a text beginning with ``=``,
  ``+``, ``-``, ``@``, tab or CR gets a leading apostrophe (OWASP's advice against CSV
  injection).  In XLSX such a cell is stored as text, so it never runs as a formula.
- :func:`csv_bytes` / :func:`xlsx_bytes` make the bytes; :func:`write_csv` / :func:`write_xlsx`
  write them atomically.  XLSX is written in openpyxl's write-only (streaming) mode: 20,000 rows
  take about a second, not minutes.
- :func:`clean_stale` removes what a killed run left behind (temporary folders, kernel logs),
  only when it is stale: its process is gone or it is older than a threshold.
"""
from __future__ import annotations

import io
import math
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

#: Text beginning with one of these runs as a formula when a spreadsheet opens a CSV (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters an XLSX file cannot hold (openpyxl raises ``IllegalCharacterError`` on them).
ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


#: Environment variable naming the project folder that recorded paths are relative to (set by
#: ``workbench run`` for the report's kernel, which works in a temporary folder).
ENV_PROJECT_DIR = "WORKBENCH_PROJECT_DIR"


# --------------------------------------------------------------------------------------------
# recorded paths
# --------------------------------------------------------------------------------------------
def project_root() -> Path | None:
    """The project folder when there is one: ``WORKBENCH_PROJECT_DIR`` when set; else the
    nearest folder, from the working folder up, that holds a ``parameters/`` folder (the
    project's layout: a notebook runs in ``notebooks/``); else ``None`` (a working folder such as
    ``/`` or a home folder is not a project: :mod:`workbench.limits` does not open it to scenarios)."""
    env = os.environ.get(ENV_PROJECT_DIR)
    if env:
        return Path(env).resolve()
    cwd = Path(os.getcwd()).resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / "parameters").is_dir():
            return folder
    return None


def project_dir() -> Path:
    """The folder recorded paths are relative to: :func:`project_root`, else the working folder."""
    return project_root() or Path(os.getcwd()).resolve()


def project_relative(path: str | Path) -> str:
    """``path`` as recorded in provenance (run.json, provenance.json, portfolio.json, reports):
    relative to the project folder (``/`` separators) when it lies inside it, else absolute.

    A report then names ``parameters/ftap_2018_2022.yaml``, not a user's home folder, and
    stays the same on every machine.
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(project_dir()).as_posix()
    except ValueError:
        return str(p)


def shared_name(path: str | Path) -> str:
    """``path`` as a file sent to others records it (the dashboard's export): relative to the
    project folder when it lies inside it, else its name alone, never a user's folders."""
    p = Path(path).resolve()
    root = project_root()
    if root is not None and p.is_relative_to(root):
        return p.relative_to(root).as_posix()
    return p.name


# --------------------------------------------------------------------------------------------
# modes and atomic writes
# --------------------------------------------------------------------------------------------
def current_umask() -> int:
    """The process's umask, read without changing it when ``/proc`` tells it (thread-safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    """The mode a new file gets under the umask (``0666 & ~umask``, e.g. ``0644`` or ``0664``)."""
    return 0o666 & ~current_umask()


def dir_mode() -> int:
    """The mode a new folder gets under the umask (``0777 & ~umask``)."""
    return 0o777 & ~current_umask()


def make_temp_dir(parent: str | Path, name: str) -> Path:
    """A new temporary folder ``parent/.<name>.tmp-<pid>-<random>`` with the umask's mode.

    The process id in the name lets :func:`clean_stale` tell a folder of a killed run from one
    of a run still going.
    """
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-{os.getpid()}-", dir=parent))
    os.chmod(tmp, dir_mode())
    return tmp


def write_via(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it to ``path``.

    The folder is created if needed; the file gets the umask's mode; on any error the temporary
    file is removed and ``path`` keeps its previous content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def write_atomic(path: str | Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text in ``encoding``) to ``path`` atomically."""
    blob = data.encode(encoding) if isinstance(data, str) else bytes(data)
    return write_via(path, lambda p: p.write_bytes(blob))


def create_exclusive(path: str | Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write a *new* file ``path`` with ``data``, whole or not at all; raise
    :class:`FileExistsError` when it exists, even if another process or thread creates it at the
    same moment (of two concurrent calls, exactly one succeeds).

    The data goes to a temporary file that is then hard-linked to ``path`` (``link`` fails if
    ``path`` exists, atomically), so no reader sees a half-written file; where hard links are not
    supported, ``open(O_CREAT | O_EXCL)`` gives the same exclusivity.
    """
    path = Path(path)
    blob = data.encode(encoding) if isinstance(data, str) else bytes(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.chmod(tmp, file_mode())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: an exclusive open
            fd2 = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, file_mode())
            try:
                with os.fdopen(fd2, "wb") as fh:
                    fh.write(blob)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    return path


def write_folder(out: str | Path, build: Callable[[Path], object]) -> Path:
    """All-or-nothing output of a set of files: ``build(tmp)`` writes them into a temporary
    sibling folder of ``out``; only when it returns are they moved into ``out``.

    When ``out`` does not exist (or is empty) the folder itself is renamed into place; otherwise
    each file is renamed over its previous version (files of ``out`` that the command did not
    write are left alone).  If ``build`` fails, nothing in ``out`` changes and the temporary
    folder is removed.
    """
    out = Path(out)
    tmp = make_temp_dir(out.parent if str(out.parent) else Path("."), out.name or "out")
    try:
        build(tmp)
        if out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        if not out.exists():
            os.replace(tmp, out)
            return out
        for f in sorted(tmp.iterdir()):
            dest = out / f.name
            if f.is_dir() and dest.is_dir():
                old = out / f".{f.name}.old-{os.getpid()}"
                os.replace(dest, old)
                os.replace(f, dest)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(f, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_TMP_PID = re.compile(r"\.(?:tmp|kernel|old|runtime)-(\d+)-")


def clean_stale(folder: str | Path, patterns: Iterable[str] = (".*.tmp-*", ".*.kernel-*.log", ".*.old-*"),
                max_age_s: float = 6 * 3600.0) -> list[Path]:
    """Remove leftovers of killed runs in ``folder``: entries matching ``patterns`` whose
    process (the pid in the name) is no longer running, or, without a pid, older than
    ``max_age_s`` seconds (default 6 hours).  Returns what was removed; never raises for a
    file that vanished or could not be removed.
    """
    folder = Path(folder)
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for pattern in patterns:
        for p in folder.glob(pattern):
            m = _TMP_PID.search(p.name)
            try:
                if m and int(m.group(1)) != os.getpid():
                    stale = not _pid_alive(int(m.group(1))) or now - p.lstat().st_mtime > max_age_s
                elif m:
                    stale = False  # this process's own
                else:
                    stale = now - p.lstat().st_mtime > max_age_s
                if not stale:
                    continue
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
                removed.append(p)
            except OSError:
                continue
    return removed


# --------------------------------------------------------------------------------------------
# cells
# --------------------------------------------------------------------------------------------
def clean_text(v: str) -> str:
    """``v`` without the characters XLSX cannot hold (NUL and other control characters)."""
    return ILLEGAL_CHARS.sub("", v) if ILLEGAL_CHARS.search(v) else v


def safe_text(v: object) -> object:
    """The one rule for a text cell of a CSV: illegal characters removed, and a leading ``'``
    when it begins with ``=``, ``+``, ``-``, ``@``, tab or CR (so it never runs as a formula).
    Non-text values are returned unchanged."""
    if not isinstance(v, str):
        return v
    v = clean_text(v)
    return "'" + v if v.startswith(FORMULA_START) else v


def safe_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` in which every text cell passed through :func:`safe_text` (CSV)."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            out[c] = col.map(safe_text)
    return out


def csv_bytes(df: pd.DataFrame, sep: str = ",", bom: bool = False,
              trailer: Mapping[str, object] | None = None) -> bytes:
    """A table as UTF-8 CSV bytes, without index, every text cell safe (:func:`safe_text`).

    ``bom`` adds a byte-order mark (French Excel then reads UTF-8); ``trailer`` adds
    ``# key: value`` lines after the table (provenance)."""
    buf = io.StringIO()
    safe_cells(df).to_csv(buf, sep=sep, index=False)
    for k, v in (trailer or {}).items():
        buf.write(f"# {clean_text(str(k))}: {safe_text(str(v))}\n")
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def write_csv(path: str | Path, df: pd.DataFrame, sep: str = ",") -> Path:
    """A table as UTF-8 CSV without index, formula-like text made inert, written atomically."""
    return write_atomic(path, csv_bytes(df, sep=sep))


def _cell(v: object) -> object:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) else (f if math.isfinite(f) else str(f))
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        return clean_text(v)
    return clean_text(str(v))


def _header(ws, df: pd.DataFrame, font) -> list:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for c in df.columns:
        cell = WriteOnlyCell(ws, value=None)
        cell.value = clean_text(str(c))
        cell.data_type = "s"
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def _write_workbook(target, tables: Mapping[str, pd.DataFrame], bold_header: bool,
                    no_header: Iterable[str] = ()) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, df in tables.items():
        ws = wb.create_sheet(title=clean_text(str(name))[:31] or "sheet")
        if name not in no_header:
            ws.append(_header(ws, df, bold if bold_header else None))
        for rec in df.itertuples(index=False, name=None):
            row = []
            for v in rec:
                v = _cell(v)
                if isinstance(v, str):
                    cell = WriteOnlyCell(ws, value=None)
                    cell.value = v
                    cell.data_type = "s"  # text, never a formula, whatever its first character
                    row.append(cell)
                else:
                    row.append(v)
            ws.append(row)
    wb.save(target)


def xlsx_bytes(tables: Mapping[str, pd.DataFrame], bold_header: bool = False,
               no_header: Iterable[str] = ()) -> bytes:
    """An XLSX workbook as bytes, one sheet per table (see :func:`write_xlsx`); the sheets
    named in ``no_header`` have no header row (key/value sheets)."""
    buf = io.BytesIO()
    _write_workbook(buf, tables, bold_header, no_header)
    return buf.getvalue()


def write_xlsx(path: str | Path, tables: Mapping[str, pd.DataFrame], bold_header: bool = False) -> Path:
    """An XLSX workbook, one sheet per table (name cut to 31 characters), written atomically.

    Every text cell is stored as text: a cell beginning with ``=`` keeps its characters and
    never becomes a live formula; characters XLSX cannot hold are removed.  Streamed
    (openpyxl write-only mode): time and memory grow linearly with the rows.
    """
    return write_via(path, lambda p: _write_workbook(str(p), tables, bold_header))
