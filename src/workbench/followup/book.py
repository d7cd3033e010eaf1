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
from typing import Iterable

import numpy as np
import pandas as pd

from ..candidates import _FALSE, _TRUE, _read_table, parse_number
from ..errors import MISSING, Collector, InputError, Problem, at_column, at_row, closest
from ..messages import msg

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
    return sorted(int(PAID_COLUMN.match(c).group(1)) for c in df.columns if PAID_COLUMN.match(str(c)))


def paid_column(year: int) -> str:
    return f"paid_{year}_eur"


def read_book(path: str | Path, as_of: dt.date | None = None, fund_codes: Iterable[str] | None = None,
              candidate_ids: Iterable[str] | None = None) -> pd.DataFrame:
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
    return validate_book(df, str(path), as_of=as_of, fund_codes=fund_codes, candidate_ids=candidate_ids)


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def validate_book(df: pd.DataFrame, file: str = "<book>", as_of: dt.date | None = None,
                  fund_codes: Iterable[str] | None = None,
                  candidate_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Validate and type a laureate book table (see :func:`read_book`)."""
    col = Collector(file)
    cols = [str(c) for c in df.columns]
    for c in REQUIRED:
        if c not in cols:
            near = closest(c, [x for x in cols if x not in KNOWN and not PAID_COLUMN.match(x)])
            col.add(at_column(c), MISSING, msg("E_COLUMN_MISSING", suggestion=near))
    for c in {c for c in cols if cols.count(c) > 1}:
        col.add(at_column(c), c, msg("E_COLUMN_TWICE"))
    col.raise_if_any()
    if len(df) == 0:
        raise InputError([Problem(file, "", "", msg("E_NO_PROJECT_ROWS"))])
    out = df.copy()
    out.columns = cols
    out.index = range(len(out))
    raw = out.copy()

    def place(i: int, c: str) -> str:
        return at_row(i + 2, c)

    for c in ("id", "call", "fund") + TEXTS:
        if c not in out:
            out[c] = ""
        vals = []
        for i, v in enumerate(out[c]):
            s = "" if _blank(v) else str(v).strip()
            if not s and c in REQUIRED:
                col.add(place(i, c), MISSING, msg("E_REQUIRED"))
            vals.append(s)
        out[c] = vals
    out["envelope"] = [e or f for e, f in zip(out["envelope"], out["fund"])]

    years = paid_years(out)
    for c in AMOUNTS + tuple(paid_column(y) for y in years):
        if c not in out:
            out[c] = np.nan
            continue
        vals = []
        for i, v in enumerate(out[c]):
            try:
                x = parse_number(v)
            except (ValueError, TypeError):
                col.add(place(i, c), v, msg("E_NOT_NUMBER"))
                vals.append(np.nan)
                continue
            if x is None:
                if c in REQUIRED:
                    col.add(place(i, c), MISSING, msg("E_REQUIRED"))
                vals.append(np.nan if not PAID_COLUMN.match(c) else 0.0)
                continue
            if c == "grant_eur" and x <= 0:
                col.add(place(i, c), v, msg("E_BOUNDS", bounds=[(">", 0)]))
            elif x < 0:
                col.add(place(i, c), v, msg("E_BOUNDS", bounds=[(">=", 0)]))
            vals.append(x)
        out[c] = np.array(vals, dtype=float)

    for c in DATES:
        if c not in out:
            out[c] = None
            continue
        vals = []
        for i, v in enumerate(out[c]):
            try:
                d = parse_date(v)
            except (ValueError, TypeError):
                col.add(place(i, c), v, msg("E_NOT_DATE"))
                d = None
            else:
                if d is None and c in REQUIRED:
                    col.add(place(i, c), MISSING, msg("E_REQUIRED"))
            vals.append(d)
        out[c] = pd.Series(vals, dtype=object)

    statuses = []
    for i, v in enumerate(out["status"]):
        s = "" if _blank(v) else str(v).strip().lower()
        norm = _STATUS_ALIASES.get(s)
        if norm is None and s:
            col.add(place(i, "status"), v, msg("E_ONE_OF", choices=list(STATUSES), suggestion=closest(s, STATUSES)))
        elif norm is None:
            col.add(place(i, "status"), MISSING, msg("E_REQUIRED"))
        statuses.append(norm or "")
    out["status"] = statuses

    if "dinum_opinion" in out:
        vals = []
        for i, v in enumerate(out["dinum_opinion"]):
            s = "" if _blank(v) else str(v).strip().lower()
            if isinstance(v, bool):
                vals.append(v)
            elif s in _TRUE:
                vals.append(True)
            elif s in _FALSE:
                vals.append(False)
            else:
                col.add(place(i, "dinum_opinion"), v, msg("E_NOT_BOOL"))
                vals.append(False)
        out["dinum_opinion"] = vals
    else:
        out["dinum_opinion"] = False

    # ---- rules across columns -------------------------------------------------------------------
    seen: dict[str, int] = {}
    for i, v in enumerate(out["id"]):
        if v and v in seen:
            col.add(place(i, "id"), v, msg("E_DUPLICATE_ID", row=seen[v] + 2))
        elif v:
            seen[v] = i
    for i in range(len(out)):
        dec = out.at[i, "decision_date"]
        conv = out.at[i, "convention_date"]
        grant = out.at[i, "grant_eur"]
        for c in DATES:
            d = out.at[i, c]
            if c != "decision_date" and d is not None and dec is not None and d < dec:
                col.add(place(i, c), raw.at[i, c], msg("E_DATE_BEFORE_DECISION", date=dec.isoformat()))
            if as_of is not None and d is not None and c in ("decision_date", "convention_date", "first_results_date") \
                    and d > as_of:
                col.add(place(i, c), raw.at[i, c], msg("E_DATE_AFTER_AS_OF", date=as_of.isoformat()))
        total = 0.0
        for y in years:
            c = paid_column(y)
            x = out.at[i, c]
            if not x > 0:
                continue
            total += x
            if dec is not None and y < dec.year:
                col.add(place(i, c), raw.at[i, c], msg("E_PAYMENT_BEFORE_DECISION", date=dec.isoformat()))
            elif conv is not None and y < conv.year:
                col.add(place(i, c), raw.at[i, c],
                        msg("E_PAYMENT_BEFORE_CONVENTION", date=conv.isoformat()))
            if as_of is not None and y > as_of.year:
                col.add(place(i, c), raw.at[i, c], msg("E_PAYMENT_AFTER_AS_OF", date=as_of.isoformat()))
        if total > 0 and conv is None:
            col.add(place(i, "convention_date"), MISSING, msg("E_PAYMENTS_NO_CONVENTION"))
        if not math.isnan(grant) and total > grant + PAID_TOLERANCE_EUR:
            col.add(place(i, "grant_eur"), raw.at[i, "grant_eur"],
                    msg("E_PAYMENTS_ABOVE_GRANT", total=total, grant=grant))
    if fund_codes is not None:
        codes = set(fund_codes)
        for i in range(len(out)):
            for c in ("fund", "envelope"):
                v = out.at[i, c]
                if v and v not in codes:
                    col.add(place(i, c), v, msg("E_UNKNOWN_FUND_CODE", suggestion=closest(v, codes)))
    if candidate_ids is not None:
        ids = {str(x) for x in candidate_ids}
        for i, v in enumerate(out["candidate_id"]):
            if v and v not in ids:
                col.add(place(i, "candidate_id"), v, msg("E_UNKNOWN_CANDIDATE_REF", suggestion=closest(v, ids)))
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
            out[c] = [d.isoformat() if isinstance(d, dt.date) else "" for d in out[c]]
    return out


def paid_to(df: pd.DataFrame, year: int) -> np.ndarray:
    """Each project's payments up to and including ``year`` [EUR]."""
    cols = [paid_column(y) for y in paid_years(df) if y <= year]
    if not cols:
        return np.zeros(len(df))
    return df[cols].to_numpy(float).sum(axis=1)
