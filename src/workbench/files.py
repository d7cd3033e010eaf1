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
def project_dir() -> Path:
    """The project folder: ``WORKBENCH_PROJECT_DIR`` when set; else the nearest folder, from
    the working folder up, that holds a ``parameters/`` folder (the project's layout: a notebook
    runs in ``notebooks/``); else the working folder."""
    env = os.environ.get(ENV_PROJECT_DIR)
    if env:
        return Path(env).resolve()
    cwd = Path(os.getcwd()).resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / "parameters").is_dir():
            return folder
    return cwd


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
    """A copy of ``df`` in which every text cell passed through :func:`safe_text` (CSV); a column of
    text only is done with pandas' vectorised string methods (the same rule, column at a time)."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object and len(col) and pd.api.types.infer_dtype(col, skipna=False) == "string":
            text = col.astype(str)
            if text.str.contains(ILLEGAL_CHARS).any():
                text = text.str.replace(ILLEGAL_CHARS, "", regex=True)
            out[c] = text.mask(text.str.startswith(FORMULA_START), "'" + text)
        elif col.dtype == object or pd.api.types.is_string_dtype(col):
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


# --------------------------------------------------------------------------------------------
# XLSX: the workbook's XML written directly, column by column (openpyxl's streaming writer took
# about 20 µs of CPU a cell, 200,000 rows of 40 columns in minutes; this one about 2 µs)
# --------------------------------------------------------------------------------------------
_NS = "http://schemas.openxmlformats.org"
_SHEET_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}/spreadsheetml/2006/'
               f'main" xmlns:r="{_NS}/officeDocument/2006/relationships"><sheetData>')
_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_NS}/spreadsheetml/2006/main">'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/>'
           '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
           '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
           'xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
#: Rows of a sheet turned into XML and compressed at a time (bounds the memory of a large table).
_XLSX_ROWS_PER_BLOCK = 20_000
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _xml_text(v: str) -> str:
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _letters(k: int) -> str:
    out = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        out = chr(65 + r) + out
    return out


def _text_cell(ref: str, v: str, style: str = "") -> str:
    space = ' xml:space="preserve"' if v[:1].isspace() or v[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{_xml_text(v)}</t></is></c>'


def _cell_xml(ref: str, v: object) -> str:
    """One cell's XML from :func:`_cell`'s value: a number, a boolean, or text (``inlineStr``: a
    text cell, never a formula, whatever its first character); ``""`` for an empty cell."""
    v = _cell(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    return _text_cell(ref, v)


def _column_xml(values: np.ndarray, letter: str, rows: list[str]) -> list[str]:
    """The cells of one column (``rows``: the row numbers as text)."""
    if values.dtype.kind == "f":
        ok = np.isfinite(values)
        if ok.all():
            return [f'<c r="{letter}{r}"><v>{x!r}</v></c>' for r, x in zip(rows, values.tolist())]
    if values.dtype.kind in "iu":
        return [f'<c r="{letter}{r}"><v>{x}</v></c>' for r, x in zip(rows, values.tolist())]
    if values.dtype.kind == "b":
        return [f'<c r="{letter}{r}" t="b"><v>{int(x)}</v></c>' for r, x in zip(rows, values.tolist())]
    if values.dtype == object and len(values) and pd.api.types.infer_dtype(values, skipna=False) == "string":
        text = pd.Series(values, dtype=object)
        if text.str.contains(ILLEGAL_CHARS).any():
            text = text.str.replace(ILLEGAL_CHARS, "", regex=True)
        spaced = (text.str[:1].str.isspace() | text.str[-1:].str.isspace()).to_numpy(bool)
        text = text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False) \
            .str.replace(">", "&gt;", regex=False)
        keep = ' xml:space="preserve"'
        return [f'<c r="{letter}{r}" t="inlineStr"><is><t{keep if sp else ""}>{v}</t></is></c>'
                if v else "" for r, v, sp in zip(rows, text.tolist(), spaced.tolist())]
    return [_cell_xml(f"{letter}{r}", x) for r, x in zip(rows, values)]


def _sheet_xml(df: pd.DataFrame, header: bool, bold: bool):
    """The XML of one sheet, in blocks of :data:`_XLSX_ROWS_PER_BLOCK` rows."""
    yield _SHEET_HEAD
    letters = [_letters(k) for k in range(df.shape[1])]
    first = 1
    if header:
        style = ' s="1"' if bold else ""
        yield '<row r="1">' + "".join(_text_cell(f"{l}1", clean_text(str(c)), style)
                                      for l, c in zip(letters, df.columns)) + "</row>"
        first = 2
    for a in range(0, len(df), _XLSX_ROWS_PER_BLOCK):
        part = df.iloc[a:a + _XLSX_ROWS_PER_BLOCK]
        rows = [str(first + a + i) for i in range(len(part))]
        cols = [_column_xml(part.iloc[:, k].to_numpy(), letters[k], rows) for k in range(part.shape[1])]
        yield "".join(f'<row r="{r}">' + "".join(cells) + "</row>" for r, *cells in zip(rows, *cols)) \
            if cols else "".join(f'<row r="{r}"/>' for r in rows)
    yield "</sheetData></worksheet>"


def _write_workbook(target, tables: Mapping[str, pd.DataFrame], bold_header: bool,
                    no_header: Iterable[str] = ()) -> None:
    import zipfile

    names: list[str] = []
    for name in tables:
        title = _BAD_SHEET_CHARS.sub("_", clean_text(str(name)))[:31] or "sheet"
        while title in names:   # Excel refuses two sheets of one name
            title = (title[:28] + f"_{len(names)}")[:31]
        names.append(title)
    rel = f"{_NS}/officeDocument/2006/relationships"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{k + 1}.xml" ContentType="application/vnd.'
                      f'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for k in range(len(names)))
            + "</Types>"))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}/spreadsheetml/2006/main" '
            f'xmlns:r="{rel}"><sheets>'
            + "".join(f'<sheet name="{_xml_text(n).replace(chr(34), "&quot;")}" sheetId="{k + 1}" r:id="rId{k + 1}"/>'
                      for k, n in enumerate(names))
            + "</sheets></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{k + 1}" Type="{rel}/worksheet" Target="worksheets/sheet{k + 1}.xml"/>'
                      for k in range(len(names)))
            + f'<Relationship Id="rId{len(names) + 1}" Type="{rel}/styles" Target="styles.xml"/></Relationships>'))
        z.writestr("xl/styles.xml", _STYLES)
        skip = set(no_header)
        for k, (name, df) in enumerate(tables.items()):
            with z.open(f"xl/worksheets/sheet{k + 1}.xml", "w", force_zip64=True) as f:
                for text in _sheet_xml(df, name not in skip, bold_header):
                    f.write(text.encode("utf-8"))


def xlsx_bytes(tables: Mapping[str, pd.DataFrame], bold_header: bool = False,
               no_header: Iterable[str] = ()) -> bytes:
    """An XLSX workbook as bytes, one sheet per table (see :func:`write_xlsx`); the sheets
    named in ``no_header`` have no header row (key/value sheets)."""
    buf = io.BytesIO()
    _write_workbook(buf, tables, bold_header, no_header)
    return buf.getvalue()


def write_xlsx(path: str | Path, tables: Mapping[str, pd.DataFrame], bold_header: bool = False) -> Path:
    """An XLSX workbook, one sheet per table (name cut to 31 characters), written atomically.

    Every text cell is stored as text (an inline string): a cell beginning with ``=`` keeps its
    characters and never becomes a live formula; characters XLSX cannot hold are removed.  The
    sheets' XML is written directly, column by column, in blocks of rows: time and memory grow
    linearly with the rows (200,000 rows of 40 columns in about 15 s of CPU where openpyxl took minutes).
    """
    return write_via(path, lambda p: _write_workbook(str(p), tables, bold_header))
