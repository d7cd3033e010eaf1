"""The shape of a candidate (or laureate book) file, checked before any parser builds it.

A file of a few hundred kilobytes can cost gigabytes and minutes once parsed: an XLSX whose one
row holds millions of cells, a table of millions of shared strings, a CSV line of millions of
separators.  These checks look at the file with bounded memory and stop at the first bound
crossed (:mod:`workbench.limits` holds every bound and its reason), so a refusal comes in a
second or two, before openpyxl or the ``csv`` module sees the file:

- CSV (:func:`check_csv`): the raw bytes are streamed; lines, the longest line, the fields of a
  line and all separators are counted (the separator is found on the first line, as the reader
  finds it).
- XLSX (:func:`check_xlsx`): the zip's end record (its number of entries) is read before its
  directory, then the directory (unpacked sizes, which :mod:`zipfile` enforces when reading);
  every XML part openpyxl reads whole is counted in tags; the shared strings are counted; the
  first worksheet's rows are streamed and measured (cells per row, bytes per row, row number,
  column of the last value, cells in all).  Most sheets are measured with byte searches (rows
  found by ``<row``, cells counted by ``<c``); a sheet with comments, CDATA, namespace prefixes or
  anything unusual is measured by :mod:`pyexpat` instead, element by element, with a DOCTYPE
  refused.  The measured last row and column are then given to openpyxl, so it never pads rows to
  a ``<dimension>`` that claims more.

Every refusal is an :class:`~workbench.errors.InputError` naming the file, the place (row,
column, part) and the bound.
"""
from __future__ import annotations

import itertools
import operator
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import limits as L
from .files import column_letters
from .errors import InputError, Place, Problem, at_line, at_row
from .messages import msg

#: Bytes read at a time from a file or a zip member.
CHUNK_BYTES = 1 << 20
#: Longest XML tag the byte scanner carries from one chunk to the next [bytes].
MAX_TAG_BYTES = 1 << 16


class _Refused(Exception):
    """A bound is crossed: carries the problem to report."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class _Unusual(Exception):
    """The byte scanner met XML it does not measure exactly: measure with the XML parser."""


def _refuse(f: str, where, value, rule) -> None:
    raise _Refused(Problem(f, where, value, rule))


def column_number(letters: bytes | str) -> int:
    """A column's letters as its number (``A`` -> 1, ``XFD`` -> 16,384)."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.upper().decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------
def csv_separator(first_line: str | bytes) -> str:
    """The separator of a CSV file: the most frequent of ``;``, ``,`` and tab on its first line
    (``;`` when tied: French spreadsheet exports)."""
    text = first_line.decode("latin-1") if isinstance(first_line, bytes) else first_line
    return max([";", ",", "\t"], key=text.count)


def check_csv(path: Path, f: str) -> None:
    """Refuse a CSV file whose shape would cost more than its data: more than
    :data:`~workbench.limits.MAX_CSV_LINES` lines, a line longer than
    :data:`~workbench.limits.MAX_CSV_LINE_BYTES` bytes or with more than
    :data:`~workbench.limits.MAX_CSV_FIELDS` fields, more than
    :data:`~workbench.limits.MAX_CSV_SEPARATORS` separators in all.

    Streams the raw bytes (a megabyte at a time): memory stays at a few megabytes whatever the
    file.  Lines are counted at line feeds (``\\n``), as the reader splits them; the separator is
    found on the first line that is not blank.

    Raises
    ------
    InputError
        At the first bound crossed, naming the line.
    """
    try:
        _scan_csv(path, f)
    except _Refused as exc:
        raise InputError([exc.problem]) from None


def _scan_csv(path: Path, f: str) -> None:
    """Count a megabyte at a time: the lines of a chunk are measured with C-level maps
    (``split``, ``len``, ``count``), no Python code per line."""
    sep: bytes | None = None
    pending = b""          # the file's start, until its first line that is not blank is whole
    lines_done = 0         # whole lines before the current one
    seps_done = 0          # separators in them
    cur_len = cur_seps = 0  # the current (not yet whole) line
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK_BYTES)
            if not chunk:
                break
            if sep is None:
                pending += chunk
                parts = pending.split(b"\n")
                first = next((p for p in parts[:-1] if p.strip(b"\r\xef\xbb\xbf \t")), None)
                if first is None:   # no whole line with text yet: bound the part read so far
                    last = parts[-1]
                    fields = max(last.count(c) for c in (b";", b",", b"\t")) + 1
                    _check_line(f, lines_done + len(parts), len(last), fields)
                    if len(parts) - 1 > L.MAX_CSV_LINES:
                        _refuse(f, at_line(L.MAX_CSV_LINES + 1), f"more than {L.MAX_CSV_LINES:,} lines",
                                msg("E_CSV_TOO_MANY_LINES", limit=L.MAX_CSV_LINES))
                    continue
                sep = csv_separator(first.lstrip(b"\xef\xbb\xbf")).encode("ascii")
                chunk, pending = pending, b""
            parts = chunk.split(b"\n")
            lens = list(map(len, parts))
            seps = list(map(operator.methodcaller("count", sep), parts))
            lens[0] += cur_len
            seps[0] += cur_seps
            longest, widest = max(lens), max(seps)
            if longest > L.MAX_CSV_LINE_BYTES or widest + 1 > L.MAX_CSV_FIELDS:
                k = next(i for i, (n, c) in enumerate(zip(lens, seps))
                         if n > L.MAX_CSV_LINE_BYTES or c + 1 > L.MAX_CSV_FIELDS)
                _check_line(f, lines_done + k + 1, lens[k], seps[k] + 1)
            total = seps_done + sum(seps)
            if total > L.MAX_CSV_SEPARATORS:
                k = next(i for i, t in enumerate(itertools.accumulate(seps, initial=seps_done))
                         if t > L.MAX_CSV_SEPARATORS)
                _refuse(f, at_line(lines_done + k), f"{L.MAX_CSV_SEPARATORS + 1:,} separators",
                        msg("E_CSV_TOO_MANY_SEPARATORS", limit=L.MAX_CSV_SEPARATORS, cells=L.MAX_CELLS))
            whole = len(parts) - 1
            if lines_done + whole > L.MAX_CSV_LINES:
                _refuse(f, at_line(L.MAX_CSV_LINES + 1), f"more than {L.MAX_CSV_LINES:,} lines",
                        msg("E_CSV_TOO_MANY_LINES", limit=L.MAX_CSV_LINES))
            lines_done += whole
            seps_done = total - seps[-1]
            cur_len, cur_seps = lens[-1], seps[-1]


def _check_line(f: str, line: int, nbytes: int, fields: int) -> None:
    if nbytes > L.MAX_CSV_LINE_BYTES:
        _refuse(f, at_line(line), f"more than {L.MAX_CSV_LINE_BYTES:,} bytes",
                msg("E_CSV_LINE_TOO_LONG", limit=L.MAX_CSV_LINE_BYTES))
    if fields > L.MAX_CSV_FIELDS:
        _refuse(f, at_line(line), f"{fields:,} fields", msg("E_CSV_TOO_MANY_FIELDS", limit=L.MAX_CSV_FIELDS))


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class XlsxShape:
    """What :func:`check_xlsx` measured of a workbook's first worksheet.

    Attributes
    ----------
    sheet : str
        The worksheet's part in the zip (``xl/worksheets/sheet1.xml``).
    max_row : int
        The last row holding a value (0 for a sheet without one).
    max_column : int
        The last column holding a value, over all rows (0 for none).
    rows : int
        Rows holding at least one value.
    cells : int
        Cells in all (``<c>`` elements, empty formatted ones included).
    shared_strings : int
        Entries of the shared strings table.
    exact : bool
        Measured by the XML parser (unusual XML) rather than by byte searches.
    """

    sheet: str
    max_row: int
    max_column: int
    rows: int
    cells: int
    shared_strings: int
    exact: bool


def check_xlsx(path: Path, f: str, max_rows: int = L.MAX_CANDIDATES) -> XlsxShape:
    """Refuse an XLSX workbook whose shape would cost more than its data, before openpyxl
    parses it; return the shape of its first worksheet (see :class:`XlsxShape`).

    ``max_rows`` is the most candidate rows allowed (the header row comes on top).

    Raises
    ------
    InputError
        For a file that is not a workbook, or at the first bound crossed (see
        :mod:`workbench.limits`, ``MAX_XLSX_*`` and ``MAX_CELLS``), naming the part, row or column.
    """
    try:
        return _check_xlsx(path, f, max_rows)
    except _Refused as exc:
        raise InputError([exc.problem]) from None
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - not a zip, a corrupt member (zlib.error), a part openpyxl's readers refuse
        raise InputError([Problem(f, "", None, msg("E_XLSX_UNREADABLE", detail=_detail(exc)))]) from None


def _detail(exc: BaseException) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return "not a zip file" if "File is not a zip file" in str(exc) else "corrupt zip"
    return type(exc).__name__


def zip_entries(path: Path) -> int:
    """The number of entries a zip file declares in its end record (zip64 included), read
    without loading its directory; raises ``zipfile.BadZipFile`` when there is no end record."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        tail_len = min(size, 22 + 65_535)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise zipfile.BadZipFile("File is not a zip file")
        entries = struct.unpack("<H", tail[at + 10: at + 12])[0]
        if entries == 0xFFFF and at >= 20 and tail[at - 20: at - 16] == b"PK\x06\x07":
            offset = struct.unpack("<Q", tail[at - 12: at - 4])[0]
            fh.seek(offset)
            rec = fh.read(56)
            if rec[:4] == b"PK\x06\x06" and len(rec) == 56:
                entries = struct.unpack("<Q", rec[32:40])[0]
        return entries


#: Parts openpyxl does not parse when it reads a sheet in read-only mode without external links:
#: they count in the unpacked size only.
_NOT_PARSED = re.compile(r"(^|/)(media|embeddings|printerSettings|pivotCache|pivotTables|externalLinks|customXml|"
                         r"activeX|ctrlProps|diagrams|vbaProject)|\.(bin|png|jpe?g|gif|emf|wmf|tiff?|bmp|vml)$",
                         re.IGNORECASE)


def _check_xlsx(path: Path, f: str, max_rows: int) -> XlsxShape:
    entries = zip_entries(path)
    if entries > L.MAX_XLSX_ENTRIES:
        _refuse(f, "", f"{entries:,} files", msg("E_XLSX_TOO_MANY_ENTRIES", limit=L.MAX_XLSX_ENTRIES))
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        if len(infos) > L.MAX_XLSX_ENTRIES:
            _refuse(f, "", f"{len(infos):,} files", msg("E_XLSX_TOO_MANY_ENTRIES", limit=L.MAX_XLSX_ENTRIES))
        unpacked = sum(i.file_size for i in infos)
        if unpacked > L.MAX_XLSX_UNPACKED_BYTES:
            _refuse(f, "", f"{unpacked:,} bytes",
                    msg("E_XLSX_TOO_LARGE", limit=L.MAX_XLSX_UNPACKED_BYTES, candidates=L.MAX_CANDIDATES))
        by_name = {i.filename: i for i in infos}
        if "[Content_Types].xml" not in by_name:
            raise _Refused(Problem(f, "", None, msg("E_XLSX_UNREADABLE", detail="no [Content_Types].xml")))
        # the parts that name the others, bounded before openpyxl's readers read them
        _bound_part(z, by_name["[Content_Types].xml"], f)
        package = _manifest(z)
        strings = _strings_part(package)
        workbook = _workbook_part(package)
        for name in (workbook, _rels_path(workbook)):
            if name in by_name:
                _bound_part(z, by_name[name], f)
        sheet = _first_sheet(z, workbook, by_name)
        # the other parts openpyxl reads whole (styles, properties, relations, chart sheets)
        done = {"[Content_Types].xml", workbook, _rels_path(workbook), strings, sheet}
        for info in infos:
            name = info.filename
            if (info.is_dir() or name in done or _NOT_PARSED.search(name)
                    or not name.lower().endswith((".xml", ".rels"))
                    or re.search(r"(^|/)worksheets/[^/]+\.xml$", name)):
                continue  # measured below (the first sheet, the shared strings) or not parsed
            _bound_part(z, info, f)
        n_strings = 0
        if strings is not None and strings in by_name:
            n_strings = _count_shared_strings(z, by_name[strings], f)
        if sheet is None:
            raise _Refused(Problem(f, "", None, msg("E_XLSX_UNREADABLE", detail="no worksheet")))
        stats = _SheetStats(f, max_rows)
        exact = False
        try:
            _scan_sheet_bytes(z, by_name[sheet], stats)
        except _Unusual:
            stats = _SheetStats(f, max_rows)
            _scan_sheet_xml(z, by_name[sheet], stats)
            exact = True
        return XlsxShape(sheet=sheet, max_row=stats.max_row, max_column=stats.max_col, rows=stats.rows,
                         cells=stats.cells, shared_strings=n_strings, exact=exact)


def _part(name: str) -> Place:
    return Place(msg("P_PART", part=name))


def _bound_part(z: zipfile.ZipFile, info: zipfile.ZipInfo, f: str) -> None:
    """Refuse a part openpyxl reads whole when it is too large or has too many tags."""
    if info.file_size > L.MAX_XLSX_PART_BYTES:
        _refuse(f, _part(info.filename), f"{info.file_size:,} bytes",
                msg("E_XLSX_PART_TOO_LARGE", limit=L.MAX_XLSX_PART_BYTES))
    if _count_tags(z, info) > L.MAX_XLSX_PART_TAGS:
        _refuse(f, _part(info.filename), f"more than {L.MAX_XLSX_PART_TAGS:,} tags",
                msg("E_XLSX_PART_TOO_MANY_TAGS", limit=L.MAX_XLSX_PART_TAGS))


def _manifest(z: zipfile.ZipFile):
    """The package's manifest, read by openpyxl's reader (the part is bounded already)."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.functions import fromstring

    return Manifest.from_tree(fromstring(z.read("[Content_Types].xml")))


def _strings_part(package) -> str | None:
    """The shared strings' part, as openpyxl finds it (by its content type)."""
    from openpyxl.xml.constants import SHARED_STRINGS

    ct = package.find(SHARED_STRINGS)
    return ct.PartName[1:] if ct is not None else None


def _workbook_part(package) -> str:
    """The workbook's part, as openpyxl finds it."""
    from openpyxl.reader.excel import _find_workbook_part

    return _find_workbook_part(package).PartName[1:]


def _rels_path(part: str) -> str:
    """The relations part of ``part`` (``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``)."""
    from openpyxl.packaging.relationship import get_rels_path

    return get_rels_path(part)


def _first_sheet(z: zipfile.ZipFile, workbook: str, by_name: dict) -> str | None:
    """The first worksheet's part, found as openpyxl finds it (its workbook and relations
    readers; those parts are bounded already)."""
    from openpyxl.reader.workbook import WorkbookParser

    parser = WorkbookParser(z, workbook, keep_links=False)
    parser.parse()
    for _, rel in parser.find_sheets():
        if rel.target in by_name and "chartsheet" not in (rel.Type or ""):
            return rel.target
    return None


def _find_parts(z: zipfile.ZipFile, by_name: dict) -> tuple[str | None, str | None]:
    """The first worksheet's part and the shared strings' part."""
    package = _manifest(z)
    return _first_sheet(z, _workbook_part(package), by_name), _strings_part(package)


def _chunks(z: zipfile.ZipFile, info: zipfile.ZipInfo):
    with z.open(info) as fh:
        while True:
            data = fh.read(CHUNK_BYTES)
            if not data:
                return
            yield data


def _count_tags(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Tags (``<``) in a part, streamed; stops past the bound."""
    n = 0
    for data in _chunks(z, info):
        n += data.count(b"<")
        if n > L.MAX_XLSX_PART_TAGS:
            break
    return n


_SI = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?si[\s>/]")


def _count_shared_strings(z: zipfile.ZipFile, info: zipfile.ZipInfo, f: str) -> int:
    """Entries (``<si>``) of the shared strings table, streamed; refused past the bounds."""
    part = _part(info.filename)
    if info.file_size > L.MAX_XLSX_SHARED_STRINGS_BYTES:
        _refuse(f, part, f"{info.file_size:,} bytes",
                msg("E_XLSX_SHARED_STRINGS_TOO_LARGE", limit=L.MAX_XLSX_SHARED_STRINGS_BYTES))
    n, carry = 0, b""
    for data in _chunks(z, info):
        buf = carry + data
        cut = buf.rfind(b"<")
        if cut >= 0 and buf.find(b">", cut) < 0:   # a tag cut by the chunk: count it next time
            carry, buf = buf[cut:], buf[:cut]
            if len(carry) > MAX_TAG_BYTES:
                _refuse(f, part, None, msg("E_XLSX_UNREADABLE", detail="XML tag too long"))
        else:
            carry = b""
        n += len(_SI.findall(buf))
        if n > L.MAX_XLSX_SHARED_STRINGS:
            _refuse(f, part, f"more than {L.MAX_XLSX_SHARED_STRINGS:,} texts",
                    msg("E_XLSX_TOO_MANY_SHARED_STRINGS", limit=L.MAX_XLSX_SHARED_STRINGS))
    return n


class _SheetStats:
    """The bounds on a sheet's rows, fed one row at a time by either scanner."""

    def __init__(self, f: str, max_rows: int):
        self.f, self.max_rows = f, max_rows
        self.max_row_number = min(L.MAX_XLSX_ROW_NUMBER, 2 * max_rows + 1)
        self.rows = self.cells = self.max_row = self.max_col = 0
        self.head_tags = 0

    def head(self, tags: int, nbytes: int, dimension: bytes | None, part: str) -> None:
        """The sheet's part before its rows (properties, views, columns) and its used range."""
        if nbytes > L.MAX_XLSX_PART_BYTES:
            _refuse(self.f, _part(part), f"{nbytes:,} bytes before the rows",
                    msg("E_XLSX_PART_TOO_LARGE", limit=L.MAX_XLSX_PART_BYTES))
        if tags > L.MAX_XLSX_PART_TAGS:
            _refuse(self.f, _part(part), f"more than {L.MAX_XLSX_PART_TAGS:,} tags before the rows",
                    msg("E_XLSX_PART_TOO_MANY_TAGS", limit=L.MAX_XLSX_PART_TAGS))
        if dimension:
            m = re.search(rb"[A-Za-z]{1,3}(\d{1,9})\s*$", dimension)
            if m and int(m.group(1)) > self.max_row_number:
                _refuse(self.f, at_row(int(m.group(1))), dimension.decode("ascii", "replace"),
                        msg("E_XLSX_DIMENSION_ROWS", limit=self.max_row_number, candidates=self.max_rows))

    def wide(self, index: int, n_cells: int, nbytes: int) -> None:
        """A row (perhaps not yet whole) of ``n_cells`` cells and ``nbytes`` bytes of XML."""
        if n_cells > L.MAX_XLSX_ROW_CELLS:
            _refuse(self.f, at_row(index), f"more than {L.MAX_XLSX_ROW_CELLS:,} cells",
                    msg("E_XLSX_ROW_TOO_WIDE", limit=L.MAX_XLSX_ROW_CELLS))
        if nbytes > L.MAX_XLSX_ROW_BYTES:
            _refuse(self.f, at_row(index), f"more than {L.MAX_XLSX_ROW_BYTES:,} bytes",
                    msg("E_XLSX_ROW_TOO_LONG", limit=L.MAX_XLSX_ROW_BYTES))

    def add_cells(self, n_cells: int, index: int) -> None:
        """``n_cells`` more cells, the last of them in row ``index``."""
        self.cells += n_cells
        if self.cells > L.MAX_CELLS:
            _refuse(self.f, at_row(index), f"more than {L.MAX_CELLS:,} cells",
                    msg("E_TOO_MANY_CELLS", limit=L.MAX_CELLS))

    def value_row(self, index: int, value_col: int) -> None:
        """Row ``index`` holds a value, the last one in column ``value_col``."""
        if value_col > L.MAX_COLUMNS:
            _refuse(self.f, at_row(index, column_letters(value_col)), f"column {value_col:,}",
                    msg("E_TOO_MANY_COLUMNS", limit=L.MAX_COLUMNS))
        self.rows += 1
        if self.rows > self.max_rows + 1:
            _refuse(self.f, at_row(index), f"{self.rows:,} rows with values",
                    msg("E_TOO_MANY_ROWS", limit=self.max_rows))
        if index > self.max_row_number:
            _refuse(self.f, at_row(index), f"row {index:,}", msg("E_TOO_MANY_ROWS", limit=self.max_rows))
        if index > self.max_row:
            self.max_row = index
        if value_col > self.max_col:
            self.max_col = value_col

    def row(self, index: int, n_cells: int, value_col: int, nbytes: int = 0) -> None:
        """A whole row: its number, its cells, the column of its last value (0: none)."""
        self.wide(index, n_cells, nbytes)
        self.add_cells(n_cells, index)
        if value_col:
            self.value_row(index, value_col)


# ---- the byte scanner (most sheets) -----------------------------------------------------------
_SHEETDATA = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?sheetData(/?)[\s>/]")
_DIMENSION = re.compile(rb"""<dimension\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_ROW_START = re.compile(rb"<row[\s>/]")
_ROW_R = re.compile(rb"""\sr\s*=\s*(["'])(\d{1,9})\1""")
_CELL_R = re.compile(rb"""\sr\s*=\s*(["'])([A-Za-z]{1,3})(\d{1,9})\1""")
_CELL_WITH_R = re.compile(rb"""<c(?=\s)[^>]*?\sr\s*=""")
_ANY_R = re.compile(rb"\sr\s*=")
#: The last value of a row: ``<v>``, an inline string ``<is>`` or a formula ``<f>`` (greedy: the
#: match ends at the last one).
_LAST_VALUE = re.compile(rb".*(<v[ >]|<is[ >]|<f[ >/])", re.S)
#: XML the byte scanner leaves to the parser: prefixed elements and other whitespace than a space
#: after an element's name (with comments, CDATA, processing instructions, a DOCTYPE and character
#: references in attributes, found by :func:`_unusual`).
_ODD_TAG = re.compile(rb"<[A-Za-z_][\w.\-]*[:\t\r\n]")
#: A character reference inside an attribute (``r="&#65;1"``): a closing quote comes before the
#: tag ends.  (In text, as openpyxl writes accented letters, ``<`` comes first.)
_REF_IN_ATTRIBUTE = re.compile(rb"""&#[^<>]*?["']\s*[\s/>]""")


def _unusual(buf: bytes) -> bool:
    """Whether ``buf`` holds XML the byte scanner does not measure exactly."""
    return (b"<!" in buf or b"<?" in buf or _ODD_TAG.search(buf) is not None
            or (b"&#" in buf and _REF_IN_ATTRIBUTE.search(buf) is not None))


#: Fewest bytes a cell takes (``<c/>``): a row shorter than ``4 * MAX_XLSX_ROW_CELLS`` bytes cannot
#: hold too many cells, and is not counted row by row.
_CELL_MIN_BYTES = 4


def _row_check_bytes() -> int:
    """Rows longer than this [bytes] are measured one by one (cells and bytes): a shorter row can
    hold neither too many cells nor too many bytes."""
    return min(_CELL_MIN_BYTES * L.MAX_XLSX_ROW_CELLS, L.MAX_XLSX_ROW_BYTES)


def _cells_in(buf: bytes, start: int = 0, end: int | None = None) -> int:
    """Cells (``<c ``, ``<c>``, ``<c/>``) in ``buf[start:end]``."""
    end = len(buf) if end is None else end
    return buf.count(b"<c ", start, end) + buf.count(b"<c>", start, end) + buf.count(b"<c/>", start, end)


def _rows(region: bytes, starts: list[int], ends: list[int], previous: int, stats: _SheetStats) -> int:
    """Measure the whole rows ``region[a:b]`` (``a`` at ``<row``); returns the last row number."""
    n_total = _cells_in(region, starts[0], ends[-1])
    if stats.cells + n_total > L.MAX_CELLS:   # find the row that crosses the bound
        index = previous
        for a, b in zip(starts, ends):
            index = _row_number(region, a, b, index)
            stats.add_cells(_cells_in(region, a, b), index)
    stats.cells += n_total
    references = _CELL_WITH_R.search(region, starts[0], ends[-1]) is not None
    wide = _row_check_bytes()
    last_value = _LAST_VALUE.match
    for a, b in zip(starts, ends):
        previous = _row_number(region, a, b, previous)
        if b - a > wide:
            stats.wide(previous, _cells_in(region, a, b), b - a)
        m = last_value(region, a, b)
        if m is None:
            continue
        vpos = m.start(1)
        cs = region.rfind(b"<c", a, vpos)
        after = region[cs + 2: cs + 3]
        if cs < 0 or after not in (b" ", b">"):
            raise _Unusual  # a value outside a cell
        col = 0
        if after == b" ":
            ce = region.find(b">", cs, b)
            r = _CELL_R.search(region, cs, ce if ce >= 0 else b)
            if r is not None:
                col = column_number(r.group(2))
            elif _ANY_R.search(region, cs, ce if ce >= 0 else b):
                raise _Unusual  # a reference written another way
        if not col:
            # no reference: the cell's place in its row, if no cell of the row has one
            if references and _CELL_WITH_R.search(region, a, b):
                raise _Unusual
            col = _cells_in(region, a, cs) + 1
        stats.value_row(previous, col)
    return previous


#: One row's XML after ``<row``: its number and the attributes of its last cell holding a value
#: (``<v>``, ``<is>`` or ``<f>`` right after the cell's tag; greedy: the last such cell).
_ROW_INFO = re.compile(rb"""(?=[\s>/])[^>]*?\sr\s*=\s*["'](\d{1,9})["'][^>]*>"""
                       rb"""(?:.*<c((?:\s[^>]*)?)>(?:<v[ >]|<is[ >]|<f[ >/]))?""", re.S)
#: A cell's reference among its attributes: the column letters.
_REF_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})\d{1,9}["']""")
_GROUPS = operator.methodcaller("groups")
_GROUP1 = operator.methodcaller("group", 1)


def _rows_bulk(region: bytes, a0: int, b1: int, previous: int, stats: _SheetStats) -> int | None:
    """Measure the whole rows of ``region[a0:b1]`` with regular expressions mapped over the rows,
    without Python code per row; ``None`` when a row needs :func:`_rows` (a row or a last value
    without a reference, a long row, a bound crossed: :func:`_rows` then names the row)."""
    pieces = region[a0:b1].split(b"<row")[1:]
    if max(map(len, pieces)) + 4 > _row_check_bytes():
        return None
    matches = list(map(_ROW_INFO.match, pieces))
    if None in matches:
        return None
    groups = list(map(_GROUPS, matches))
    values = [(int(n), attrs) for n, attrs in groups if attrs is not None]
    n_cells = _cells_in(region, a0, b1)
    if stats.cells + n_cells > L.MAX_CELLS or stats.rows + len(values) > stats.max_rows + 1:
        return None
    if values:
        refs = list(map(_REF_ATTR.search, [attrs for _, attrs in values]))
        if None in refs:
            return None
        last_row = max(values)[0]
        last_col = max(map(column_number, set(map(_GROUP1, refs))))
        if last_row > stats.max_row_number or last_col > L.MAX_COLUMNS:
            return None
        stats.rows += len(values)
        stats.max_row = max(stats.max_row, last_row)
        stats.max_col = max(stats.max_col, last_col)
    stats.cells += n_cells
    return int(groups[-1][0])


def _row_number(buf: bytes, a: int, b: int, previous: int) -> int:
    """The number of the row whose XML starts at ``buf[a]`` (``r``, else the previous one's + 1)."""
    te = buf.find(b">", a, b)
    if te < 0:
        raise _Unusual
    m = _ROW_R.search(buf, a, te)
    if m is not None:
        return int(m.group(2))
    if _ANY_R.search(buf, a, te):
        raise _Unusual  # a row number written another way (5.0)
    return previous + 1


def _scan_sheet_bytes(z: zipfile.ZipFile, info: zipfile.ZipInfo, stats: _SheetStats) -> None:
    """Measure a sheet's rows with byte searches, a chunk at a time; raises :class:`_Unusual` for
    XML it does not measure exactly (the caller then uses :func:`_scan_sheet_xml`)."""
    head = b""
    head_tags = head_bytes = 0
    in_rows = False
    carry = b""
    previous = 0
    for data in _chunks(z, info):
        if not in_rows:
            buf = head + data
            if b"<!DOCTYPE" in buf or b"<!ENTITY" in buf:
                _refuse(stats.f, _part(info.filename), None, msg("E_XLSX_UNREADABLE", detail="DOCTYPE"))
            dim = _DIMENSION.search(buf)
            m = _SHEETDATA.search(buf)
            if m is None:
                # keep a short tail in case a tag is cut; count what is behind it
                head_tags += buf.count(b"<", 0, max(len(buf) - 64, 0))
                head_bytes += max(len(buf) - 64, 0)
                stats.head(head_tags, head_bytes, dim.group(1) if dim else None, info.filename)
                head = buf[-64:]
                continue
            if m.group(1):
                raise _Unusual  # prefixed elements
            stats.head(head_tags + buf.count(b"<", 0, m.start()), head_bytes + m.start(),
                       dim.group(1) if dim and dim.start() < m.start() else None, info.filename)
            if m.group(2):      # <sheetData/>: no rows
                return
            in_rows = True
            data = buf[m.end() - 1:]
        buf = carry + data if carry else data
        if _unusual(buf):
            raise _Unusual
        stop = buf.find(b"</sheetData>")
        region = buf if stop < 0 else buf[:stop]
        first = region.find(b"<row")
        # ``carry`` is empty or the start of a row: text before the first row holds no cell
        if _cells_in(region, 0, first if first >= 0 else len(region)):
            raise _Unusual
        if first >= 0:
            last = len(region) if stop >= 0 else region.rfind(b"<row")   # whole rows: region[first:last]
            if last > first:
                done = _rows_bulk(region, first, last, previous, stats)
                if done is None:
                    starts = [r.start() for r in _ROW_START.finditer(region, first, last)]
                    done = _rows(region, starts, starts[1:] + [last], previous, stats)
                previous = done
        if stop >= 0:
            return
        carry = region[last:] if first >= 0 else region
        if carry.startswith(b"<row"):   # a row not yet whole: bound what is already there
            te = carry.find(b">")
            m = _ROW_R.search(carry, 0, te) if te >= 0 else None
            stats.wide(int(m.group(2)) if m else previous + 1, _cells_in(carry), len(carry))
        elif len(carry) > MAX_TAG_BYTES:
            raise _Unusual
    raise _Unusual  # no <sheetData> or no </sheetData> found by bytes: left to the parser


# ---- the XML parser scanner (unusual sheets) ------------------------------------------------
class _Stop(Exception):
    pass


def _scan_sheet_xml(z: zipfile.ZipFile, info: zipfile.ZipInfo, stats: _SheetStats) -> None:
    """Measure a sheet's rows element by element with :mod:`pyexpat` (namespaces resolved,
    DOCTYPE refused); stops at ``</sheetData>`` or at the first bound crossed."""
    import pyexpat

    p = pyexpat.ParserCreate(namespace_separator=" ")
    st = {"in_rows": False, "row": 0, "n": 0, "col": 0, "vcol": 0, "tags": 0, "row_start": 0}
    part = info.filename

    def doctype(*_a):
        raise _Refused(Problem(stats.f, _part(part), None, msg("E_XLSX_UNREADABLE", detail="DOCTYPE")))

    def finish_row():
        if st["row"]:
            stats.row(st["row"], st["n"], st["vcol"], p.CurrentByteIndex - st["row_start"])

    def start(name, attrs):
        local = name[name.rfind(" ") + 1:]
        if not st["in_rows"]:
            st["tags"] += 1
            if local == "dimension":
                ref = attrs.get("ref", "")
                stats.head(0, 0, ref.encode("ascii", "replace"), part)
            elif local == "sheetData":
                stats.head(st["tags"], p.CurrentByteIndex, None, part)
                st["in_rows"] = True
            elif st["tags"] > L.MAX_XLSX_PART_TAGS:
                stats.head(st["tags"], p.CurrentByteIndex, None, part)
            return
        if local == "row":
            finish_row()
            r = attrs.get("r")
            try:
                st["row"] = int(float(r)) if r else st["row"] + 1
            except ValueError:
                raise _Refused(Problem(stats.f, _part(part), r,
                                       msg("E_XLSX_UNREADABLE", detail="row number"))) from None
            st["n"] = st["col"] = st["vcol"] = 0
            st["row_start"] = p.CurrentByteIndex
        elif local == "c":
            st["n"] += 1
            if st["n"] > L.MAX_XLSX_ROW_CELLS:
                stats.wide(st["row"], st["n"], 0)
            ref = attrs.get("r")
            m = re.match(r"\s*([A-Za-z]{1,3})\d+\s*$", ref) if ref else None
            st["col"] = column_number(m.group(1)) if m else st["col"] + 1
        elif local in ("v", "f", "is"):
            st["vcol"] = max(st["vcol"], st["col"])

    def end(name):
        if name.endswith("sheetData") and name[name.rfind(" ") + 1:] == "sheetData":
            finish_row()
            st["row"] = 0
            raise _Stop

    p.StartDoctypeDeclHandler = doctype
    p.EntityDeclHandler = doctype
    p.StartElementHandler = start
    p.EndElementHandler = end
    try:
        for data in _chunks(z, info):
            p.Parse(data, False)
            if st["row"] and p.CurrentByteIndex - st["row_start"] > L.MAX_XLSX_ROW_BYTES:
                stats.wide(st["row"], st["n"], p.CurrentByteIndex - st["row_start"])
        p.Parse(b"", True)
    except _Stop:
        return
    except pyexpat.ExpatError as exc:
        raise _Refused(Problem(stats.f, _part(part), None,
                               msg("E_XLSX_UNREADABLE", detail=f"XML error at line {exc.lineno}"))) from None
    finish_row()


# ---- the cell openpyxl could not read --------------------------------------------------------
def find_unreadable_cell(path: Path, sheet: str, shared_strings: int, data_only: bool,
                         after_row: int = 0) -> tuple[int, str, str, str] | None:
    """The first cell after row ``after_row`` whose saved text does not fit its type, as openpyxl
    reads it: ``(row, column letters, text, type)`` with type ``number``, ``boolean``,
    ``shared text`` or ``date``; ``None`` when every cell fits.  With ``data_only`` a formula's
    saved value is checked (the value openpyxl then reads); without it formulas are skipped.

    The sheet has passed :func:`check_xlsx`: its rows are bounded.
    """
    import pyexpat

    from openpyxl.utils.datetime import from_ISO8601
    from openpyxl.worksheet._reader import _cast_number

    found: list = []
    st = {"row": 0, "col": 0, "t": "n", "f": False, "in_v": False, "v": []}

    def start(name, attrs):
        local = name[name.rfind(" ") + 1:]
        if local == "row":
            r = attrs.get("r")
            st["row"] = int(float(r)) if r else st["row"] + 1
            st["col"] = 0
        elif local == "c":
            ref = attrs.get("r")
            m = re.match(r"\s*([A-Za-z]{1,3})\d+\s*$", ref) if ref else None
            st["col"] = column_number(m.group(1)) if m else st["col"] + 1
            st["t"], st["f"], st["v"] = attrs.get("t", "n"), False, []
        elif local == "f":
            st["f"] = True
        elif local == "v":
            st["in_v"] = True

    def text(data):
        if st["in_v"]:
            st["v"].append(data)

    def end(name):
        local = name[name.rfind(" ") + 1:]
        if local == "v":
            st["in_v"] = False
        elif local == "c" and st["row"] > after_row and (data_only or not st["f"]):
            value = "".join(st["v"])
            if not value:
                return
            kind = {"n": "number", "b": "boolean", "s": "shared text", "d": "date"}.get(st["t"])
            try:
                if st["t"] == "n":
                    _cast_number(value)
                elif st["t"] == "b":
                    int(value)
                elif st["t"] == "s":
                    if not -shared_strings <= int(value) < shared_strings:
                        raise IndexError(value)  # as openpyxl indexes its list of strings
                elif st["t"] == "d":
                    if from_ISO8601(value) is None:
                        raise ValueError(value)
            except (ValueError, IndexError, TypeError):
                found.append((st["row"], column_letters(st["col"]), value, kind))
                raise _Stop from None
        elif local == "sheetData":
            raise _Stop

    def doctype(*_a):
        raise _Stop

    p = pyexpat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
    p.StartDoctypeDeclHandler = p.EntityDeclHandler = doctype
    try:
        with zipfile.ZipFile(path) as z:
            for data in _chunks(z, z.getinfo(sheet)):
                p.Parse(data, False)
            p.Parse(b"", True)
    except (_Stop, pyexpat.ExpatError):
        pass
    return found[0] if found else None


