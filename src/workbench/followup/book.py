"""The laureate book: one row per funded project, as the budget directorate follows it.

Columns, in this exact spelling (``CSV`` or ``XLSX``; French spreadsheet exports work as they
do for candidate files: ``;`` separators, decimal commas, spaced thousands, UTF-8 or cp1252):

=========================  ========  ===============================================================
column                     required  meaning
=========================  ========  ===============================================================
id                         yes       unique project identifier
call                       yes       the call (or committee session) that funded it
fund                       yes       fund code (``FTAP``, ``FITN``)
envelope                   no        sub-envelope code (``ITN7``…); default: the fund itself
grant_eur                  yes       the fund's grant [EUR] (the AE committed at the convention)
decision_date              yes       the committee's decision (YYYY-MM-DD or DD/MM/YYYY)
convention_date            no        signature of the convention, i.e. the commitment (AE); empty =
                                     decided, not yet committed
paid_<year>_eur            no        the fund's payments (CP) made in that calendar year [EUR]
total_cost_eur             no        latest estimate of the project's total cost [EUR]
end_date                   yes       latest estimate of the project's end date
status                     yes       ``running``, ``completed``, ``abandoned``, ``phase1_only``
                                     (French: ``en cours``, ``terminé``, ``abandonné``,
                                     ``première phase``)
first_results_due_date     no        when a fund requires first results (FITN: 12 months after launch)
first_results_date         no        when the first results were delivered
declared_savings_eur       no        lasting yearly savings declared by the owner [EUR/year]
measured_savings_eur       no        lasting yearly savings measured [EUR/year]
dinum_opinion              no        true/false: the DINUM director's opinion was obtained
planned_total_cost_eur     no        total cost in the plan the project was funded on [EUR]
planned_end_date           no        end date in the plan the project was funded on
candidate_id               no        the project's row in the candidate file it was selected from
title, owner               no        text
=========================  ========  ===============================================================

Extra columns are kept and carried to outputs (the shipped examples use ``synthetic_fields`` to
name the columns they generated).  Every problem names the file, the row as a spreadsheet numbers
it (header = row 1) and the column, the value and the rule; all problems are reported at once.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ..candidates import _FALSE, _TRUE, _read_table, parse_number
from ..errors import MISSING, Collector, InputError, Problem, at_column, at_row, closest
from ..messages import Message, msg

REQUIRED = ("id", "call", "fund", "grant_eur", "decision_date", "end_date", "status")
DATES = ("decision_date", "convention_date", "end_date", "first_results_due_date", "first_results_date",
         "planned_end_date")
AMOUNTS = ("grant_eur", "total_cost_eur", "declared_savings_eur", "measured_savings_eur", "planned_total_cost_eur")
TEXTS = ("title", "owner", "envelope", "candidate_id")
OPTIONAL = ("envelope", "convention_date", "total_cost_eur", "first_results_due_date", "first_results_date",
            "declared_savings_eur", "measured_savings_eur", "dinum_opinion", "planned_total_cost_eur",
            "planned_end_date", "candidate_id", "title", "owner")
KNOWN = REQUIRED + OPTIONAL
PAID_COLUMN = re.compile(r"^paid_(\d{4})_eur$")
STATUSES = ("running", "completed", "abandoned", "phase1_only")
_STATUS_ALIASES = {
    "running": "running", "en cours": "running", "en_cours": "running", "encours": "running",
    "completed": "completed", "terminé": "completed", "termine": "completed", "achevé": "completed",
    "abandoned": "abandoned", "abandonné": "abandoned", "abandonne": "abandoned",
    "phase1_only": "phase1_only", "première phase": "phase1_only", "premiere phase": "phase1_only",
    "première_phase": "phase1_only", "phase 1": "phase1_only",
}
#: Most problems reported for one book (the rest are counted): a systematic mistake in a
#: 200,000-row book would otherwise print 200,000 lines, as the candidate reader stops at 200.
MAX_PROBLEMS = 200
#: Tolerance on "payments above the grant" [EUR]: cents lost to rounding in a spreadsheet.
PAID_TOLERANCE_EUR = 1.0
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: object) -> dt.date | None:
    """A date written ``YYYY-MM-DD``, ``DD/MM/YYYY`` (French) or given by a spreadsheet; ``None``
    for an empty cell.  Raises ``ValueError`` otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    if not s:
        return None
    m = _FR_DATE.match(s)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return dt.date.fromisoformat(s[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", s) else s)


def paid_years(df: pd.DataFrame) -> list[int]:
    """The years of the ``paid_<year>_eur`` columns, sorted."""
    found = (PAID_COLUMN.match(str(c)) for c in df.columns)
    return sorted(int(m.group(1)) for m in found if m)


def paid_column(year: int) -> str:
    return f"paid_{year}_eur"


def read_book(path: str | Path, as_of: dt.date | None = None, fund_codes: Iterable[str] | None = None,
              candidate_ids: Iterable[str] | None = None, bounds=None) -> pd.DataFrame:
    """Read and validate a laureate book (see the module's table of columns).

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file.
    as_of : date, optional
        The date the book describes: commitments and payments after it are errors.
    fund_codes : iterable of str, optional
        The fund and sub-envelope codes of the scenario; other codes are errors.
    candidate_ids : iterable of str, optional
        The ids of the candidate file; a ``candidate_id`` not among them is an error.
    bounds : BookBounds, optional
        What dates, payment years and amounts may be (:mod:`workbench.followup.bounds`; default
        its sanity bounds).

    Returns
    -------
    DataFrame
        Typed: amounts [EUR] as float (missing optional ones NaN), dates as ``datetime.date`` (or
        ``None``), ``status`` normalised, ``dinum_opinion`` as bool; ``attrs["source"]``.

    Raises
    ------
    InputError
        With every problem found.
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
        raise InputError([Problem(str(path), "", path.suffix, msg("E_BOOK_SUFFIX"))])
    df = _read_table(path)
    return validate_book(df, str(path), as_of=as_of, fund_codes=fund_codes, candidate_ids=candidate_ids,
                         bounds=bounds)


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


# ---- one column at a time: each distinct cell is parsed once (a 200,000-row book repeats its
# dates, statuses and codes), then spread back to the rows -------------------------------------
def _distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` of a column: ``uniques[codes[i]]`` is row ``i``'s cell; code -1 for an
    empty cell (``None``/NaN)."""
    arr = np.asarray(values, dtype=object)
    if pd.api.types.infer_dtype(arr, skipna=True) in ("string", "empty"):
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        return codes, np.asarray(uniques, dtype=object)
    # cells of several types (a spreadsheet's): 1, 1.0 and True are equal but read differently
    keys = pd.Series([(type(v), v) for v in arr], dtype=object)
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    return codes, np.array([k[1] for k in uniques], dtype=object)


def _spread(parsed: list, codes: np.ndarray, empty: object) -> np.ndarray:
    """Per row, the parsed value of its distinct cell (``empty`` for an empty cell)."""
    table = np.empty(len(parsed) + 1, dtype=object)
    table[:-1] = parsed
    table[-1] = empty
    return table[codes]


def _texts(values: pd.Series) -> np.ndarray:
    """Each cell as stripped text, ``""`` when blank."""
    codes, uniques = _distinct(values)
    return _spread(["" if _blank(v) else str(v).strip() for v in uniques], codes, "")


def _number(v: object) -> float | None:
    """:func:`parse_number` with a fast path for a plain number written as text (the same value:
    ``float`` reads it as ``parse_number`` would)."""
    if type(v) is str and "," not in v:
        try:
            x = float(v)
        except ValueError:
            return parse_number(v)
        if math.isfinite(x):
            return x
    return parse_number(v)


def _numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(value, bad, empty)`` per row: the number (NaN when bad or empty), whether the cell is not a
    number, whether it is empty."""
    codes, uniques = _distinct(values)
    parsed, bad_u = [], []
    for v in uniques:
        try:
            x = _number(v)
        except (ValueError, TypeError):
            parsed.append(np.nan)
            bad_u.append(True)
            continue
        parsed.append(np.nan if x is None else x)
        bad_u.append(False)
    empty_u = [not b and (isinstance(x, float) and math.isnan(x)) for x, b in zip(parsed, bad_u)]
    x = np.append(np.asarray(parsed, dtype=float), np.nan)[codes]
    bad = np.append(np.asarray(bad_u, dtype=bool), False)[codes]
    empty = np.append(np.asarray(empty_u, dtype=bool), True)[codes]
    return x, bad, empty


def _dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(date, bad, day)`` per row: the ``datetime.date`` (``None`` when empty or bad), whether the
    cell is not a date, and the date as ``datetime64[D]`` (NaT when none)."""
    codes, uniques = _distinct(values)
    parsed, bad_u = [], []
    for v in uniques:
        try:
            parsed.append(parse_date(v))
            bad_u.append(False)
        except (ValueError, TypeError):
            parsed.append(None)
            bad_u.append(True)
    d = _spread(parsed, codes, None)
    bad = np.append(np.asarray(bad_u, dtype=bool), False)[codes]
    day = np.array(parsed + [None], dtype="datetime64[D]")[codes]
    return d, bad, day


def _years(day: np.ndarray) -> np.ndarray:
    """The calendar year of each ``datetime64[D]`` (a large negative number for NaT: never compared
    true, see the callers' masks)."""
    return day.astype("datetime64[Y]").astype(np.int64) + 1970


def validate_book(df: pd.DataFrame, file: str = "<book>", as_of: dt.date | None = None,
                  fund_codes: Iterable[str] | None = None,
                  candidate_ids: Iterable[str] | None = None, bounds=None) -> pd.DataFrame:
    """Validate and type a laureate book table (see :func:`read_book`).

    ``bounds`` (:class:`workbench.followup.bounds.BookBounds`): what dates, payment years and
    amounts may be (the scenario's horizon and envelopes); default the sanity bounds of
    :func:`workbench.followup.bounds.book_bounds`.  Each column is checked as a whole (each distinct
    cell parsed once), then the rules across columns as boolean masks; the problems come out in the
    order of the rows, as a reader checks a spreadsheet.
    """
    from .bounds import book_bounds

    bounds = bounds if bounds is not None else book_bounds(None)
    col = Collector(file)
    cols = [str(c) for c in df.columns]
    for c in REQUIRED:
        if c not in cols:
            suggestion = closest(c, [x for x in cols if x not in KNOWN and not PAID_COLUMN.match(x)])
            col.add(at_column(c), MISSING, msg("E_COLUMN_MISSING", suggestion=suggestion))
    for c in {c for c in cols if cols.count(c) > 1}:
        col.add(at_column(c), c, msg("E_COLUMN_TWICE"))
    y0, y1 = bounds.first_date.year, bounds.last_date.year
    for c in cols:
        m = PAID_COLUMN.match(c)
        if m and not y0 <= int(m.group(1)) <= y1:
            col.add(at_column(c), c, msg("E_PAID_YEAR_OUT_OF_RANGE", first=y0, last=y1, basis=bounds.basis))
    col.raise_if_any()
    if len(df) == 0:
        raise InputError([Problem(file, "", "", msg("E_NO_PROJECT_ROWS"))])
    numbers = df.attrs.get("row_numbers")
    out = df.copy()
    out.columns = cols
    out.index = range(len(out))
    raw = {c: out[c].to_numpy(object) for c in cols}
    n = len(out)
    rows = np.asarray(numbers, dtype=np.int64) if numbers is not None and len(numbers) == n \
        else np.arange(n, dtype=np.int64) + 2

    def place(i: int | np.integer, c: str) -> str:   # i: a row position (from np.flatnonzero, or enumerate)
        return at_row(int(rows[i]), c)

    for c in ("id", "call", "fund") + TEXTS:
        if c not in out:
            out[c] = ""
            continue
        vals = _texts(out[c])
        if c in REQUIRED:
            for i in np.flatnonzero(vals == ""):
                col.add(place(i, c), MISSING, msg("E_REQUIRED"))
        out[c] = vals
    out["envelope"] = np.where(out["envelope"].to_numpy(object) == "", out["fund"].to_numpy(object),
                               out["envelope"].to_numpy(object))

    years = paid_years(out)
    top = bounds.max_amount_eur
    for c in AMOUNTS + tuple(paid_column(y) for y in years):
        if c not in out:
            out[c] = np.nan
            continue
        x, bad, empty = _numbers(out[c])
        is_paid = bool(PAID_COLUMN.match(c))
        missing = empty & (c in REQUIRED)
        with np.errstate(invalid="ignore"):
            nonpos = (x <= 0) if c == "grant_eur" else (x < 0)
            huge = x > top
        for i in np.flatnonzero(bad | missing | nonpos | huge):
            if bad[i]:
                col.add(place(i, c), raw[c][i], msg("E_NOT_NUMBER"))
            elif missing[i]:
                col.add(place(i, c), MISSING, msg("E_REQUIRED"))
            elif nonpos[i]:
                col.add(place(i, c), raw[c][i], msg("E_BOUNDS", bounds=[(">", 0)] if c == "grant_eur" else [(">=", 0)]))
            else:
                col.add(place(i, c), raw[c][i], msg("E_AMOUNT_TOO_LARGE", limit=top))
        if is_paid:
            x = np.where(empty, 0.0, x)
        out[c] = x

    first = np.datetime64(bounds.first_date, "D")
    last = np.datetime64(bounds.last_date, "D")
    last_decision = np.datetime64(bounds.last_decision_date, "D")
    day: dict[str, np.ndarray] = {}
    for c in DATES:
        if c not in out:
            out[c] = None
            day[c] = np.full(n, np.datetime64("NaT", "D"))
            continue
        d, bad, dd = _dates(out[c])
        missing = (d == None) & ~bad & (c in REQUIRED)  # noqa: E711 - element-wise on objects
        outside = (dd < first) | (dd > last)
        late = (dd > last_decision) & ~outside if c == "decision_date" else np.zeros(n, bool)
        for i in np.flatnonzero(bad | missing | outside | late):
            if bad[i]:
                col.add(place(i, c), raw[c][i], msg("E_NOT_DATE"))
            elif missing[i]:
                col.add(place(i, c), MISSING, msg("E_REQUIRED"))
            elif outside[i]:
                col.add(place(i, c), raw[c][i], msg("E_DATE_OUT_OF_RANGE", first=bounds.first_date.isoformat(),
                                                      last=bounds.last_date.isoformat(), basis=bounds.basis))
            else:
                col.add(place(i, c), raw[c][i], msg("E_DECISION_AFTER_HORIZON",
                                                      date=bounds.last_decision_date.isoformat(), basis=bounds.basis))
        out[c] = pd.Series(d, dtype=object)
        day[c] = dd

    codes, uniques = _distinct(out["status"])
    norm_u = [_STATUS_ALIASES.get("" if _blank(v) else str(v).strip().lower()) for v in uniques]
    norm = _spread(norm_u, codes, None)
    for i in np.flatnonzero(norm == None):  # noqa: E711 - element-wise on objects
        v = raw["status"][i]
        s = "" if _blank(v) else str(v).strip().lower()
        if s:
            col.add(place(i, "status"), v, msg("E_ONE_OF", choices=list(STATUSES), suggestion=closest(s, STATUSES)))
        else:
            col.add(place(i, "status"), MISSING, msg("E_REQUIRED"))
    out["status"] = np.where(norm == None, "", norm)  # noqa: E711 - element-wise on objects

    if "dinum_opinion" in out:
        codes, uniques = _distinct(out["dinum_opinion"])
        flag_u = []
        for v in uniques:
            s = "" if _blank(v) else str(v).strip().lower()
            flag_u.append(v if isinstance(v, bool) else True if s in _TRUE else False if s in _FALSE else None)
        flag = _spread(flag_u, codes, False)
        for i in np.flatnonzero(flag == None):  # noqa: E711 - element-wise on objects
            col.add(place(i, "dinum_opinion"), raw["dinum_opinion"][i], msg("E_NOT_BOOL"))
        out["dinum_opinion"] = [bool(v) for v in flag]
    else:
        out["dinum_opinion"] = False

    # ---- rules across columns: one mask per rule, problems emitted row by row --------------------
    seen: dict[str, int] = {}
    for j, v in enumerate(out["id"]):
        if v and v in seen:
            col.add(place(j, "id"), v, msg("E_DUPLICATE_ID", row=int(rows[seen[v]])))
        elif v:
            seen[v] = j
    dec, conv = day["decision_date"], day["convention_date"]
    grant = out["grant_eur"].to_numpy(float)
    as_of_d = np.datetime64(as_of, "D") if as_of is not None else None
    # (rows broken, column, the rule of a row: None for a missing convention)
    masks: list[tuple[np.ndarray, str, Callable[[np.integer], Message] | None]] = []
    for c in DATES:
        if c != "decision_date":
            masks.append((day[c] < dec, c,
                          lambda i: msg("E_DATE_BEFORE_DECISION", date=out.at[i, "decision_date"].isoformat())))
        if as_of is not None and as_of_d is not None and c in ("decision_date", "convention_date",
                                                               "first_results_date"):
            masks.append((day[c] > as_of_d, c, lambda i: msg("E_DATE_AFTER_AS_OF", date=as_of.isoformat())))
    dec_y, conv_y = _years(dec), _years(conv)
    has_dec, has_conv = ~np.isnat(dec), ~np.isnat(conv)
    total = np.zeros(n)
    for y in years:
        c = paid_column(y)
        x = out[c].to_numpy(float)
        pos = x > 0
        total = total + np.where(pos, x, 0.0)
        early = pos & has_dec & (y < dec_y)
        masks.append((early, c,
                      lambda i: msg("E_PAYMENT_BEFORE_DECISION", date=out.at[i, "decision_date"].isoformat())))
        masks.append((pos & ~early & has_conv & (y < conv_y), c,
                      lambda i: msg("E_PAYMENT_BEFORE_CONVENTION", date=out.at[i, "convention_date"].isoformat())))
        if as_of is not None and y > as_of.year:
            masks.append((pos, c, lambda i: msg("E_PAYMENT_AFTER_AS_OF", date=as_of.isoformat())))
    masks.append(((total > 0) & ~has_conv, "convention_date", None))
    with np.errstate(invalid="ignore"):
        above = ~np.isnan(grant) & (total > grant + PAID_TOLERANCE_EUR)
    masks.append((above, "grant_eur", lambda i: msg("E_PAYMENTS_ABOVE_GRANT", total=total[i], grant=grant[i])))
    if bounds.max_grant_eur:
        cap = np.array([bounds.max_grant_eur.get(f, np.inf) for f in out["fund"]], float)
        with np.errstate(invalid="ignore"):
            masks.append((grant > cap, "grant_eur",
                          lambda i: msg("E_GRANT_ABOVE_ENVELOPE", fund=out.at[i, "fund"], envelope=cap[i])))
    if masks:
        for i in np.flatnonzero(np.any(np.stack([m for m, _, _ in masks]), axis=0)):
            for broken, c, rule in masks:
                if broken[i]:
                    if rule is None:
                        col.add(place(i, c), MISSING, msg("E_PAYMENTS_NO_CONVENTION"))
                    else:
                        col.add(place(i, c), raw[c][i] if c in raw else out.at[i, c], rule(i))
    if fund_codes is not None:
        codes_ok = set(fund_codes)
        near: dict[str, str | None] = {}
        fund, env = out["fund"].to_numpy(object), out["envelope"].to_numpy(object)
        bad_f = np.array([bool(v) and v not in codes_ok for v in fund], bool)
        bad_e = np.array([bool(v) and v not in codes_ok for v in env], bool)
        for i in np.flatnonzero(bad_f | bad_e):
            for c, vals, bad in (("fund", fund, bad_f), ("envelope", env, bad_e)):
                if bad[i]:
                    v = vals[i]
                    if v not in near:
                        near[v] = closest(v, codes_ok)
                    col.add(place(i, c), v, msg("E_UNKNOWN_FUND_CODE", suggestion=near[v]))
    if candidate_ids is not None:
        ids = {str(x) for x in candidate_ids}
        near = {}
        for j, v in enumerate(out["candidate_id"]):
            if v and v not in ids:
                if v not in near:
                    near[v] = closest(v, ids)
                col.add(place(j, "candidate_id"), v, msg("E_UNKNOWN_CANDIDATE_REF", suggestion=near[v]))
    if len(col.problems) > MAX_PROBLEMS:
        more = len(col.problems) - MAX_PROBLEMS
        col.problems = col.problems[:MAX_PROBLEMS] + [Problem(file, "", more, msg("E_MORE_PROBLEMS", n=more))]
    col.raise_if_any()
    out.attrs["source"] = file
    out.attrs["input_columns"] = cols
    return out


def canonical_columns(df: pd.DataFrame) -> list[str]:
    """The book's columns in the documented order (known ones first, ``paid_<year>_eur`` by year,
    extra columns last, in their order)."""
    order = ["id", "title", "owner", "call", "fund", "envelope", "grant_eur", "decision_date", "convention_date"]
    order += [paid_column(y) for y in paid_years(df)]
    order += ["total_cost_eur", "end_date", "status", "first_results_due_date", "first_results_date",
              "declared_savings_eur", "measured_savings_eur", "dinum_opinion", "planned_total_cost_eur",
              "planned_end_date", "candidate_id"]
    order = [c for c in order if c in df.columns]
    return order + [c for c in df.columns if c not in order]


def to_file_table(df: pd.DataFrame) -> pd.DataFrame:
    """The book as written to a file: the columns it was read with (all when unknown), in the
    documented order, dates as ``YYYY-MM-DD`` text."""
    keep = df.attrs.get("input_columns")
    cols = [c for c in canonical_columns(df) if keep is None or c in keep]
    out = df[cols].copy()
    for c in DATES:
        if c in out:
            codes, uniques = _distinct(out[c])
            out[c] = _spread([d.isoformat() if isinstance(d, dt.date) else "" for d in uniques], codes, "")
    return out


def paid_to(df: pd.DataFrame, year: int) -> np.ndarray:
    """Each project's payments up to and including ``year`` [EUR]."""
    cols = [paid_column(y) for y in paid_years(df) if y <= year]
    if not cols:
        return np.zeros(len(df))
    return df[cols].to_numpy(float).sum(axis=1)
