"""Candidate files: the committee's list of candidate projects, one row per project.

Columns, in this exact spelling (``CSV`` or ``XLSX``):

====================  ========  ====================================================================
column                required  meaning
====================  ========  ====================================================================
id                    yes       unique identifier
title                 yes       project title
owner                 yes       project owner (porteur)
envelope              yes       fund or sub-envelope code(s), ``;``-separated when eligible to several
theme                 no        theme of the call
territorial           no        true/false (default false): carried at territorial level
total_cost_eur        yes       total cost of the project [EUR]
requested_eur         yes       the fund's share requested [EUR], at most ``total_cost_eur``
duration_months       yes       planned duration [months]
strategic, service,   yes       criteria scores on the scenario's scale (default 0-10)
savings, governance
annual_savings_eur    no        lasting yearly savings once deployed [EUR/year]
phase1_cost_eur       no        the fund's cost of funding the first phase alone [EUR]
requires, excludes    no        ids of other candidates, ``;``-separated
cp_<year>_eur         no        the project's own payment schedule by year [EUR]
owner_type            no        kind of owner, ``;``-separated for a group of owners:
                                state_central, state_deconcentrated, state_operator,
                                local_authority, small_local_authority (a small or medium one,
                                as ITN7's axis 3 requires); checked against ``owner_types``
first_results_months  no        months from launch to the first tangible results (FITN promises
                                12; a later plan is flagged at selection)
full_cost_eur         no        full cost, MAREVA method: investment plus two years of running
                                costs [EUR] (the cost the 9 M€ governance gate counts)
innovation_lab        no        true/false (default false): backed by a territorial innovation lab
                                (ITN7 axis 3's 4 M€ are for such projects)
====================  ========  ====================================================================

Extra columns are kept and carried to outputs.  French spreadsheet exports work as they are:
``;`` separators, decimal commas, thousands separated by (non-breaking) spaces, UTF-8 with or
without BOM, and cp1252.  Every problem names the file, the row (as a spreadsheet numbers it:
header = row 1) and the column.
"""
from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .errors import MISSING, Collector, InputError, Problem, at_column, at_line, at_row, closest
from .messages import msg
from .limits import MAX_CANDIDATE_BYTES, MAX_CANDIDATES, MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS
from .preflight import check_csv, check_xlsx, column_number, csv_separator, find_unreadable_cell
#: The criteria columns, and the kinds of owners a candidate's ``owner_type`` may name: the
#: scenario's (``criteria.weights``, ``eligibility.owner_types``), declared once in its schema.
from .scenario.schema import CRITERIA, OWNER_TYPES

REQUIRED = ("id", "title", "owner", "envelope", "total_cost_eur", "requested_eur", "duration_months") + CRITERIA
OPTIONAL = ("theme", "territorial", "annual_savings_eur", "phase1_cost_eur", "requires", "excludes",
            "owner_type", "first_results_months", "full_cost_eur", "innovation_lab")
KNOWN = REQUIRED + OPTIONAL
NUMERIC = ("total_cost_eur", "requested_eur", "duration_months", "annual_savings_eur", "phase1_cost_eur",
           "first_results_months", "full_cost_eur") + CRITERIA
CP_COLUMN = re.compile(r"^cp_(\d{4})_eur$")

_TRUE = {"true", "vrai", "oui", "yes", "1", "x", "o", "y"}
_FALSE = {"false", "faux", "non", "no", "0", "", "n"}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def parse_number(text: object) -> float | None:
    """A number written the French or the English way; ``None`` for an empty cell.

    ``"1 250 000,50"``, ``"1\\u202f250\\u202f000"``, ``"1250000.5"``, ``"1,250,000"`` and
    ``"12,5"`` are all understood.  Raises ``ValueError`` for anything else.
    """
    if text is None:
        return None
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        v = float(text)
        return None if math.isnan(v) else v
    s = _SPACES.sub("", str(text)).replace("€", "")
    if s == "":
        return None
    if "," in s and "." in s:
        # the last separator is the decimal one
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif s.count(",") > 1:
        s = s.replace(",", "")
    v = float(s)  # raises ValueError
    if not math.isfinite(v):
        raise ValueError(text)
    return v


def split_ids(cell: object) -> list[str]:
    """The ids in a ``;``-separated cell (``requires``, ``excludes``, ``envelope``)."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return []
    return [p.strip() for p in str(cell).split(";") if p.strip()]


def _decode(raw: bytes, f: str) -> str:
    """The text of a candidate file: UTF-8 (with or without BOM), else cp1252.

    A file whose lines mix UTF-8 and another encoding (rows pasted from two exports) is
    reported with a line of each, instead of being read as silent mojibake.
    """
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf8_line = other_line = None
    for i, line in enumerate(body.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or i
        except UnicodeDecodeError:
            other_line = other_line or i
        if utf8_line and other_line:
            break
    if bom or utf8_line:
        first_utf8 = utf8_line or 1
        # the body is not UTF-8 while '\n' never ends a UTF-8 sequence: one of its lines is not
        assert other_line is not None, "a line that is not UTF-8"
        raise InputError([Problem(f, at_line(other_line), None,
                                  msg("E_MIXED_ENCODINGS", first=first_utf8, other=other_line))])
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as exc:
        bad_line = body[: exc.start].count(b"\n") + 1
        raise InputError([Problem(f, at_line(bad_line), f"byte 0x{body[exc.start]:02x}",
                                  msg("E_NOT_UTF8_CP1252"))]) from None


def _check_shape(f: str, header: list[str], col: Collector) -> None:
    if len(header) > MAX_COLUMNS:
        raise InputError([Problem(f, at_row(1), f"{len(header)} columns",
                                  msg("E_TOO_MANY_COLUMNS", limit=MAX_COLUMNS))])


def _check_cell(f: str, row: int, column: str, value: object, col: Collector) -> None:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        col.add(at_row(row, column), value, msg("E_CELL_TOO_LONG", limit=MAX_CELL_CHARS, length=len(value)))


def _too_many_rows(f: str) -> InputError:
    return InputError([Problem(f, at_row(MAX_CANDIDATES + 2), None, msg("E_TOO_MANY_ROWS", limit=MAX_CANDIDATES))])


def _too_many_cells(f: str, row: int) -> InputError:
    return InputError([Problem(f, at_row(row), f"more than {MAX_CELLS:,} cells",
                               msg("E_TOO_MANY_CELLS", limit=MAX_CELLS))])


def _lines(text: str):
    """The lines of ``text``, split at line feeds and kept with them, one at a time (no copy of
    the whole text: ``io.StringIO`` would hold it again, four bytes a character)."""
    start, n = 0, len(text)
    while start < n:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start: end + 1]
        start = end + 1


def _read_csv(path: Path, f: str) -> pd.DataFrame:
    """Every cell as text; the file's shape is checked on its bytes first
    (:func:`workbench.preflight.check_csv`), so the ``csv`` module never builds a line of
    millions of fields."""
    check_csv(path, f)
    text = _decode(path.read_bytes(), f)
    if not text.strip():
        raise InputError([Problem(f, "", "", msg("E_FILE_EMPTY"))])
    first = next(line for line in _lines(text) if line.strip("\r\n"))
    sep = csv_separator(first.split("\r", 1)[0])
    # a cell longer than the csv module's 128 KiB default must become a problem with its row
    # and column, not a csv.Error: the file's lines are already bounded
    if csv.field_size_limit() < MAX_CANDIDATE_BYTES:
        csv.field_size_limit(MAX_CANDIDATE_BYTES)
    reader = csv.reader(_lines(text), delimiter=sep)
    col = Collector(f)
    header: list[str] | None = None
    body: list[list[str | None]] = []
    numbers: list[int] = []
    try:
        for r in reader:
            if not any(c.strip() for c in r):
                continue
            line = reader.line_num
            if header is None:
                header = [h.strip() for h in r]
                _check_shape(f, header, col)
                continue
            if len(body) >= MAX_CANDIDATES:
                raise _too_many_rows(f)
            if (len(body) + 1) * len(header) > MAX_CELLS:
                raise _too_many_cells(f, line)
            if len(r) > len(header) and any(c.strip() for c in r[len(header):]):
                col.add(at_row(line), sep.join(r), msg("E_CELL_COUNT", cells=len(r), columns=len(header)))
            cells = [c if c.strip() != "" else None for c in (r + [""] * len(header))[: len(header)]]
            for name, v in zip(header, cells):
                _check_cell(f, line, name, v, col)
            body.append(cells)
            numbers.append(line)
            if len(col.problems) > 200:
                break
    except csv.Error as exc:
        raise InputError([Problem(f, at_line(reader.line_num), None,
                                  msg("E_CSV_UNREADABLE", detail=str(exc)))]) from None
    col.raise_if_any()
    df = pd.DataFrame(body, columns=header, dtype=object)
    df.attrs["row_numbers"] = np.asarray(numbers, dtype=np.int64)
    return df


def _unreadable_cell(path: Path, f: str, shape, data_only: bool, after_row: int, exc: Exception,
                     header: list[str] | None) -> InputError:
    """The problem for a cell openpyxl could not read (a number cell holding text, a shared
    string that does not exist): the cell found again by :func:`workbench.preflight.find_unreadable_cell`
    with its row, column (the header's name when there is one) and text, else the row after the
    last one read."""
    bad = find_unreadable_cell(path, shape.sheet, shape.shared_strings, data_only, after_row)
    if bad is not None:
        row, letters, text, kind = bad
        k = column_number(letters) - 1
        if header is not None and 0 <= k < len(header) and row > 1:
            letters = header[k]
        code = {"number": "E_XLSX_BAD_NUMBER", "boolean": "E_XLSX_BAD_BOOLEAN", "shared text": "E_XLSX_BAD_SHARED",
                "date": "E_XLSX_BAD_DATE"}[kind]
        return InputError([Problem(f, at_row(row, letters), text, msg(code))])
    return InputError([Problem(f, at_row(after_row + 1), None, msg("E_XLSX_UNREADABLE", detail=type(exc).__name__))])


def _read_xlsx(path: Path, f: str) -> pd.DataFrame:
    """The first sheet, streamed (openpyxl read-only mode) within the bounds its shape was
    checked against (:func:`workbench.preflight.check_xlsx`): openpyxl reads only up to the last
    row and column holding a value.

    Formula cells give the value the spreadsheet saved with them (read a second time with
    ``data_only``); a formula saved without a value is reported, never read as empty.
    """
    from openpyxl import load_workbook

    shape = check_xlsx(path, f, max_rows=MAX_CANDIDATES)
    if shape.max_row == 0:
        raise InputError([Problem(f, "", "", msg("E_FILE_EMPTY"))])
    try:
        wb = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise InputError([Problem(f, "", None, msg("E_XLSX_UNREADABLE", detail=type(exc).__name__))]) from None
    col = Collector(f)
    header: list[str] | None = None
    body: list[list[Any]] = []
    numbers: list[int] = []
    formulas: list[tuple[int, int, int]] = []   # (sheet row, column index, body row) of each formula
    i = 0
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(min_row=1, max_row=shape.max_row, min_col=1, max_col=shape.max_column)
        for i, cells in enumerate(rows, start=1):
            values = []
            for j, c in enumerate(cells):
                v = getattr(c, "value", None)
                if getattr(c, "data_type", None) == "f":
                    formulas.append((i, j, len(body)))
                values.append(v)
            while values and (values[-1] is None or (isinstance(values[-1], str) and not values[-1].strip())):
                values.pop()
            if values:
                if header is None:
                    header = [str(v).strip() if v is not None else f"Unnamed: {k}" for k, v in enumerate(values)]
                    _check_shape(f, header, col)
                else:
                    if len(body) >= MAX_CANDIDATES:
                        raise _too_many_rows(f)
                    if len(values) > len(header):
                        header += [f"Unnamed: {k}" for k in range(len(header), len(values))]
                        _check_shape(f, header, col)
                    row = values + [None] * (len(header) - len(values))
                    for name, v in zip(header, row):
                        _check_cell(f, i, name, v, col)
                    body.append(row)
                    numbers.append(i)
                    if len(col.problems) > 200:
                        break
            if i >= shape.max_row:
                break  # nothing holds a value below: openpyxl need not read further
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of openpyxl's reader names the cell
        raise _unreadable_cell(path, f, shape, False, i, exc, header) from None
    finally:
        wb.close()
    if header is None:
        raise InputError([Problem(f, "", "", msg("E_FILE_EMPTY"))])
    body = [r + [None] * (len(header) - len(r)) for r in body]
    if formulas:
        _formula_values(path, f, shape, header, body, formulas, col)
    col.raise_if_any()
    df = pd.DataFrame(body, columns=header, dtype=object)
    df.attrs["row_numbers"] = np.asarray(numbers, dtype=np.int64)
    return df


def _formula_values(path: Path, f: str, shape, header: list[str], body: list[list], formulas: list,
                    col: Collector) -> None:
    """Replace formula cells of ``body`` by the values the spreadsheet saved with them; a saved
    value openpyxl cannot read (text in a number cell) is a problem naming its cell."""
    from openpyxl import load_workbook

    wanted = {i for i, _, _ in formulas}
    last = max(wanted)
    cached: dict[int, tuple] = {}
    i = 0
    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise InputError([Problem(f, "", None, msg("E_XLSX_UNREADABLE", detail=type(exc).__name__))]) from None
    try:
        rows = wb.worksheets[0].iter_rows(min_row=1, max_row=last, min_col=1, max_col=shape.max_column,
                                          values_only=True)
        for i, vals in enumerate(rows, start=1):
            if i in wanted:
                cached[i] = vals
            if i >= last:
                break
    except Exception as exc:  # noqa: BLE001 - any failure of openpyxl's reader names the cell
        raise _unreadable_cell(path, f, shape, True, i, exc, header) from None
    finally:
        wb.close()
    for i, j, k in formulas:
        if k >= len(body) or j >= len(header) or body[k][j] is None:
            continue  # a formula in the header or in an empty row
        formula = body[k][j]
        value = cached.get(i, ())[j] if j < len(cached.get(i, ())) else None
        if value is None:
            col.add(at_row(i, header[j]), formula, msg("E_FORMULA_NO_VALUE"))
        body[k][j] = value


def _read_table(path: Path) -> pd.DataFrame:
    """Every cell as text (or None), columns stripped; raises InputError for unreadable or
    oversized files (see :mod:`workbench.limits`)."""
    f = str(path)
    if not path.exists():
        raise InputError([Problem(f, "", str(path), msg("E_FILE_MISSING"))])
    if path.is_dir():
        raise InputError([Problem(f, "", str(path), msg("E_FILE_IS_FOLDER"))])
    size = path.stat().st_size
    if size == 0:
        raise InputError([Problem(f, "", "", msg("E_FILE_EMPTY"))])
    if size > MAX_CANDIDATE_BYTES:
        raise InputError([Problem(f, "", f"{size:,} bytes",
                                  msg("E_CANDIDATES_TOO_LARGE", limit=MAX_CANDIDATE_BYTES))])
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            df = _read_xlsx(path, f)
        elif suffix in (".csv", ".txt", ".tsv"):
            df = _read_csv(path, f)
        else:
            raise InputError([Problem(f, "", path.suffix, msg("E_CANDIDATE_SUFFIX"))])
    except MemoryError:
        raise InputError([Problem(f, "", f"{size:,} bytes", msg("E_FILE_TOO_LARGE_MEMORY"))]) from None
    except OSError as exc:
        raise InputError([Problem(f, "", None,
                                  msg("E_FILE_UNREADABLE", detail=exc.strerror or type(exc).__name__))]) from None
    numbers = df.attrs.get("row_numbers")
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    if numbers is not None:
        df.attrs["row_numbers"] = numbers
    return df


def read_candidates(path: str | Path, scale: tuple[float, float] = (0.0, 10.0),
                    envelope_codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Read and validate a candidate file.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file.
    scale : (float, float)
        The criteria scale the scenario declares; scores outside it are errors.
    envelope_codes : iterable of str, optional
        The fund and sub-envelope codes the scenario defines; other codes are errors.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, indexed from 0, typed: amounts [EUR] and scores as floats,
        ``territorial`` as bool, missing optional numbers as NaN.  ``df.attrs`` records the
        ``source`` file and ``synthetic=False``.

    Raises
    ------
    InputError
        With every problem found (file, row, column, value, rule).
    """
    path = Path(path)
    df = _read_table(path)
    return validate_candidates(df, str(path), scale=scale, envelope_codes=envelope_codes)


def validate_candidates(df: pd.DataFrame, file: str = "<candidates>", scale=(0.0, 10.0),
                        envelope_codes: Iterable[str] | None = None, synthetic: bool = False) -> pd.DataFrame:
    """Validate and type a table of candidates (see :func:`read_candidates`)."""
    col = Collector(file)
    if df.empty and len(df.columns) == 0:
        raise InputError([Problem(file, "", "", msg("E_FILE_EMPTY"))])
    cols = list(df.columns)
    missing = [c for c in REQUIRED if c not in cols]
    for c in missing:
        near = closest(c, [x for x in cols if x not in KNOWN])
        col.add(at_column(c), MISSING, msg("E_COLUMN_MISSING", suggestion=near))
    dup_cols = {c for c in cols if cols.count(c) > 1}
    for c in dup_cols:
        col.add(at_column(c), c, msg("E_COLUMN_TWICE"))
    col.raise_if_any()
    if len(df) == 0:
        raise InputError([Problem(file, "", "", msg("E_NO_CANDIDATE_ROWS"))])

    numbers = df.attrs.get("row_numbers")
    out = df.copy()
    out.attrs.pop("row_numbers", None)
    out.index = range(len(out))
    # spreadsheet row numbers (header = 1), as the reader saw them (blank rows skipped)
    rows = ([int(x) for x in numbers] if numbers is not None and len(numbers) == len(out)
            else list(range(2, len(out) + 2)))
    lo, hi = scale

    def place(i: int, c: str) -> str:
        return at_row(rows[i], c)

    # text columns
    for c in ("id", "title", "owner", "envelope"):
        vals = []
        for i, v in enumerate(out[c]):
            s = None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
            if not s:
                col.add(place(i, c), MISSING, msg("E_REQUIRED"))
            vals.append(s or "")
        out[c] = vals
    # numbers
    cp_cols = [c for c in cols if CP_COLUMN.match(c)]
    for c in [c for c in NUMERIC if c in cols] + cp_cols:
        nums: list[float] = []
        for i, v in enumerate(out[c]):
            try:
                x = parse_number(v)
            except (ValueError, TypeError):
                col.add(place(i, c), v, msg("E_NOT_NUMBER"))
                nums.append(np.nan)
                continue
            if x is None:
                if c in REQUIRED:
                    col.add(place(i, c), MISSING, msg("E_REQUIRED"))
                nums.append(np.nan)
                continue
            if c in ("total_cost_eur", "requested_eur", "duration_months") and x <= 0:
                col.add(place(i, c), v, msg("E_BOUNDS", bounds=[(">", 0)]))
            elif c in ("annual_savings_eur", "phase1_cost_eur", "first_results_months", "full_cost_eur") \
                    or c in cp_cols:
                if x < 0:
                    col.add(place(i, c), v, msg("E_BOUNDS", bounds=[(">=", 0)]))
            elif c in CRITERIA and not lo <= x <= hi:
                col.add(place(i, c), v, msg("E_SCORE_SCALE", low=lo, high=hi))
            nums.append(x)
        out[c] = np.array(nums, dtype=float)
    for c in ("annual_savings_eur", "phase1_cost_eur"):
        if c not in out:
            out[c] = np.nan
    # booleans
    for flag in ("territorial", "innovation_lab"):
        if flag not in cols:
            if flag == "territorial":
                out[flag] = False
            continue
        bools: list[bool] = []
        for i, v in enumerate(out[flag]):
            if isinstance(v, bool):
                bools.append(v)
                continue
            s = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip().lower()
            if s in _TRUE:
                bools.append(True)
            elif s in _FALSE:
                bools.append(False)
            else:
                col.add(place(i, flag), v, msg("E_NOT_BOOL"))
                bools.append(False)
        out[flag] = bools
    for c in ("theme", "requires", "excludes"):
        if c not in out:
            out[c] = ""
        out[c] = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip() for v in out[c]]
    if "owner_type" in cols:  # optional: who carries the project (FTAP, FITN: State; ITN7: local authorities)
        cells = []
        for i, v in enumerate(out["owner_type"]):
            cell = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
            for t in split_ids(cell):
                if t not in OWNER_TYPES:
                    col.add(place(i, "owner_type"), t,
                            msg("E_ONE_OF", choices=list(OWNER_TYPES), suggestion=closest(t, OWNER_TYPES)))
            cells.append(cell)
        out["owner_type"] = cells

    # cross-row rules
    seen: dict[str, int] = {}
    for i, v in enumerate(out["id"]):
        if v and v in seen:
            col.add(place(i, "id"), v, msg("E_DUPLICATE_ID", row=rows[seen[v]]))
        elif v:
            seen[v] = i
    tot = out["total_cost_eur"].to_numpy(float)
    req = out["requested_eur"].to_numpy(float)
    ph1 = out["phase1_cost_eur"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        over_total, over_req = req > tot, ph1 > req        # False where a value is missing (NaN)
    for k in np.flatnonzero(over_total | over_req).tolist():
        t, r = tot[k], req[k]
        if over_total[k]:
            col.add(place(k, "requested_eur"), df.iloc[k]["requested_eur"],
                    msg("E_REQUEST_ABOVE_COST", total=t))
        if over_req[k]:
            col.add(place(k, "phase1_cost_eur"), df.iloc[k].get("phase1_cost_eur"),
                    msg("E_PHASE1_ABOVE_REQUEST", requested=r))
    codes = set(envelope_codes) if envelope_codes is not None else None
    for i, v in enumerate(out["envelope"]):
        for code in split_ids(v):
            if codes is not None and code not in codes:
                col.add(place(i, "envelope"), code, msg("E_ENVELOPE_UNDEFINED", suggestion=closest(code, codes)))
    ids = set(seen)
    for c in ("requires", "excludes"):
        for i, v in enumerate(out[c]):
            for ref in split_ids(v):
                if ref not in ids:
                    col.add(place(i, c), ref, msg("E_UNKNOWN_CANDIDATE_REF", suggestion=closest(ref, ids)))
                elif ref == out.at[i, "id"]:
                    col.add(place(i, c), ref, msg("E_SELF_REFERENCE"))
    if not col:
        cycle = find_requires_cycle(out)
        if cycle:
            i = seen[cycle[0]]
            col.add(place(i, "requires"), " -> ".join(cycle), msg("E_REQUIRES_CYCLE"))
    col.raise_if_any()
    out.attrs["source"] = file
    out.attrs["synthetic"] = synthetic
    return out


def find_requires_cycle(df: pd.DataFrame) -> list[str] | None:
    """A cycle in the ``requires`` graph as ``[a, b, …, a]``, or ``None``."""
    graph = {i: split_ids(r) for i, r in zip(df["id"], df["requires"])}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in graph.get(n, []):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if state.get(m) is None:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in graph:
        if state.get(n) is None:
            found = visit(n)
            if found:
                return found
    return None


def cp_schedule(df: pd.DataFrame) -> pd.DataFrame:
    """The projects' own payment schedules: rows = candidate ids, columns = years [EUR]."""
    cols = sorted((int(m.group(1)), c) for c in df.columns if (m := CP_COLUMN.match(c)))
    return pd.DataFrame({y: df[c].to_numpy() for y, c in cols}, index=pd.Index(df["id"], name="id"))
