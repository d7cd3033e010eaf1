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
====================  ========  ====================================================================

Extra columns are kept and carried to outputs.  French spreadsheet exports work as they are:
``;`` separators, decimal commas, thousands separated by (non-breaking) spaces, UTF-8 with or
without BOM, and cp1252.  Every problem names the file, the row (as a spreadsheet numbers it:
header = row 1) and the column.
"""
from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .errors import MISSING, Collector, InputError, Problem, suggest

CRITERIA = ("strategic", "service", "savings", "governance")
REQUIRED = ("id", "title", "owner", "envelope", "total_cost_eur", "requested_eur", "duration_months") + CRITERIA
OPTIONAL = ("theme", "territorial", "annual_savings_eur", "phase1_cost_eur", "requires", "excludes")
KNOWN = REQUIRED + OPTIONAL
NUMERIC = ("total_cost_eur", "requested_eur", "duration_months", "annual_savings_eur", "phase1_cost_eur") + CRITERIA
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


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _read_table(path: Path) -> pd.DataFrame:
    """Every cell as text (or None), columns stripped; raises InputError for unreadable files."""
    f = str(path)
    if not path.exists():
        raise InputError([Problem(f, "", str(path), "file does not exist")])
    if path.stat().st_size == 0:
        raise InputError([Problem(f, "", "", "file is empty")])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            df = pd.read_excel(path, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a broken workbook
            raise InputError([Problem(f, "", None, f"cannot be read as an XLSX workbook ({exc})")]) from None
        df = df.map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else v)
    elif suffix in (".csv", ".txt", ".tsv"):
        text = _decode(path.read_bytes())
        if not text.strip():
            raise InputError([Problem(f, "", "", "file is empty")])
        first = text.splitlines()[0]
        sep = max([";", ",", "\t"], key=first.count)
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        rows = [r for r in rows if any(c.strip() for c in r)]
        header = [h.strip() for h in rows[0]]
        body = []
        col = Collector(f)
        for i, r in enumerate(rows[1:], start=2):
            if len(r) > len(header) and any(c.strip() for c in r[len(header):]):
                col.add(f"row {i}", sep.join(r), f"has {len(r)} cells for {len(header)} columns "
                        f"(a decimal comma in a ',' separated file? use ';' as separator)")
            body.append([c if c.strip() != "" else None for c in (r + [""] * len(header))[: len(header)]])
        col.raise_if_any()
        df = pd.DataFrame(body, columns=header, dtype=object)
    else:
        raise InputError([Problem(f, "", path.suffix, "a candidate file must be .csv or .xlsx")])
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
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
        raise InputError([Problem(file, "", "", "file is empty")])
    cols = list(df.columns)
    missing = [c for c in REQUIRED if c not in cols]
    for c in missing:
        near = suggest(c, [x for x in cols if x not in KNOWN])
        col.add(f"column {c}", MISSING, "required column is missing" + near)
    dup_cols = {c for c in cols if cols.count(c) > 1}
    for c in dup_cols:
        col.add(f"column {c}", c, "column appears more than once")
    col.raise_if_any()
    if len(df) == 0:
        raise InputError([Problem(file, "", "", "has a header but no candidate rows")])

    out = df.copy()
    out.index = range(len(out))
    rows = list(range(2, len(out) + 2))  # spreadsheet row numbers
    lo, hi = scale

    def place(i: int, c: str) -> str:
        return f"row {rows[i]}, column {c}"

    # text columns
    for c in ("id", "title", "owner", "envelope"):
        vals = []
        for i, v in enumerate(out[c]):
            s = None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
            if not s:
                col.add(place(i, c), MISSING, "is required")
            vals.append(s or "")
        out[c] = vals
    # numbers
    cp_cols = [c for c in cols if CP_COLUMN.match(c)]
    for c in [c for c in NUMERIC if c in cols] + cp_cols:
        vals = []
        for i, v in enumerate(out[c]):
            try:
                x = parse_number(v)
            except (ValueError, TypeError):
                col.add(place(i, c), v, "must be a number")
                vals.append(np.nan)
                continue
            if x is None:
                if c in REQUIRED:
                    col.add(place(i, c), MISSING, "is required")
                vals.append(np.nan)
                continue
            if c in ("total_cost_eur", "requested_eur", "duration_months") and x <= 0:
                col.add(place(i, c), v, "must be > 0")
            elif c in ("annual_savings_eur", "phase1_cost_eur") or c in cp_cols:
                if x < 0:
                    col.add(place(i, c), v, "must be >= 0")
            elif c in CRITERIA and not lo <= x <= hi:
                col.add(place(i, c), v, f"score must be within the scale {lo:g}-{hi:g}")
            vals.append(x)
        out[c] = np.array(vals, dtype=float)
    for c in ("annual_savings_eur", "phase1_cost_eur"):
        if c not in out:
            out[c] = np.nan
    # booleans
    if "territorial" in cols:
        vals = []
        for i, v in enumerate(out["territorial"]):
            if isinstance(v, bool):
                vals.append(v)
                continue
            s = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip().lower()
            if s in _TRUE:
                vals.append(True)
            elif s in _FALSE:
                vals.append(False)
            else:
                col.add(place(i, "territorial"), v, "must be true or false")
                vals.append(False)
        out["territorial"] = vals
    else:
        out["territorial"] = False
    for c in ("theme", "requires", "excludes"):
        if c not in out:
            out[c] = ""
        out[c] = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip() for v in out[c]]

    # cross-row rules
    seen: dict[str, int] = {}
    for i, v in enumerate(out["id"]):
        if v and v in seen:
            col.add(place(i, "id"), v, f"duplicated id (first at row {rows[seen[v]]})")
        elif v:
            seen[v] = i
    tot = out["total_cost_eur"].to_numpy(float)
    req = out["requested_eur"].to_numpy(float)
    ph1 = out["phase1_cost_eur"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        over_total, over_req = req > tot, ph1 > req        # False where a value is missing (NaN)
    for i in np.flatnonzero(over_total | over_req):
        t, r, p1 = tot[i], req[i], ph1[i]
        if over_total[i]:
            col.add(place(i, "requested_eur"), df.iloc[i]["requested_eur"],
                    f"requested amount exceeds total_cost_eur ({t:,.0f})")
        if over_req[i]:
            col.add(place(i, "phase1_cost_eur"), df.iloc[i].get("phase1_cost_eur"),
                    f"first phase costs more than the full request ({r:,.0f})")
    codes = set(envelope_codes) if envelope_codes is not None else None
    for i, v in enumerate(out["envelope"]):
        for code in split_ids(v):
            if codes is not None and code not in codes:
                col.add(place(i, "envelope"), code, "envelope code not defined in the scenario" + suggest(code, codes))
    ids = set(seen)
    for c in ("requires", "excludes"):
        for i, v in enumerate(out[c]):
            for ref in split_ids(v):
                if ref not in ids:
                    col.add(place(i, c), ref, "names an unknown candidate id" + suggest(ref, ids))
                elif ref == out.at[i, "id"]:
                    col.add(place(i, c), ref, "a candidate cannot name itself")
    if not col:
        cycle = find_requires_cycle(out)
        if cycle:
            i = seen[cycle[0]]
            col.add(place(i, "requires"), " -> ".join(cycle), "cycle of requires")
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
    cols = sorted((int(CP_COLUMN.match(c).group(1)), c) for c in df.columns if CP_COLUMN.match(c))
    return pd.DataFrame({y: df[c].to_numpy() for y, c in cols}, index=pd.Index(df["id"], name="id"))


def load_candidates(scenario, rng_seed: int | None = None) -> pd.DataFrame:
    """The candidates a scenario names: its file, or the seeded synthetic generator.

    Imported lazily to keep one-way data flow (scenario -> candidates).
    """
    path = scenario.candidates_path()
    if path is not None:
        return read_candidates(path, scale=scenario.criteria_scale, envelope_codes=scenario.envelope_codes)
    from .generator import generate_for_scenario

    return generate_for_scenario(scenario, seed=rng_seed)
