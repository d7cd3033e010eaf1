"""``workbench status``: a book's position, re-forecast, drift, flags and savings at a date.

:func:`load_book` reads a book file or the latest snapshot of a snapshot database on or before
the date; :func:`compute_status` computes every table; :func:`tables` names them by file and
:func:`summary_text` says them in a few lines.  The dashboard, the notebook and the command line
call the same functions; the folder they are written to (tables, fan chart, XLSX, the report
notebook) is the reporting layer's (:func:`workbench.reporting.followup_report.write_status`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..version import __version__
from ..errors import InputError, Problem
from ..messages import msg
from . import book as B
from . import drift as D
from . import position as Po
from . import reforecast as RF
from . import savings as S
from . import store
from .bounds import book_bounds, check_as_of


@dataclass
class Status:
    """Everything ``workbench status`` computes for one book at one date."""

    as_of: dt.date
    book: pd.DataFrame
    position: Po.Position
    reforecast: RF.Reforecast
    drift: pd.DataFrame
    drift_summary: pd.DataFrame
    flags: pd.DataFrame
    savings: pd.DataFrame
    history: pd.DataFrame | None = None
    provenance: dict = field(default_factory=dict)
    #: The next call's capacity at this date (:class:`workbench.analysis.capacity.CapacityResult`),
    #: set by the command line (``workbench status``) when the scenario has a call after the date;
    #: ``capacity_checked``: it was asked for (so that "no call left" can be said).
    capacity: Any = None
    capacity_checked: bool = False


def parse_as_of(text: str) -> dt.date:
    """The ``--as-of`` option as a date, or :class:`InputError`."""
    try:
        return B.parse_date(text) or _bad_date(text)
    except (ValueError, TypeError):
        return _bad_date(text)


def _bad_date(text) -> dt.date:
    raise InputError([Problem("<option>", "--as-of", text, msg("E_NOT_DATE"))])


def load_book(source: str | Path, as_of: dt.date, scenario=None, name: str | None = None) -> pd.DataFrame:
    """A validated book: a ``.csv``/``.xlsx`` file read as of ``as_of``, or the latest snapshot on or
    before ``as_of`` of a snapshot database (``.sqlite``, ``.db``).  With a scenario, fund and
    envelope codes are checked against it, and ``as_of``, the book's dates, payment years and
    amounts against its horizon and envelopes (:mod:`workbench.followup.bounds`; sanity bounds
    without one)."""
    codes = scenario.envelope_codes if scenario is not None else None
    bounds = book_bounds(scenario)
    check_as_of(as_of, bounds)
    cands = candidate_ids(scenario)
    if store.is_database(source):
        return store.load_snapshot(source, as_of, name, fund_codes=codes, candidate_ids=cands, bounds=bounds)
    return B.read_book(source, as_of=as_of, fund_codes=codes, candidate_ids=cands, bounds=bounds)


def candidate_ids(scenario) -> list[str] | None:
    """The ids of the scenario's candidate file (a book's ``candidate_id`` must name one of them), or
    ``None`` when the scenario has no file (synthetic candidates: nothing to check against)."""
    if scenario is None or scenario.candidates_path() is None:
        return None
    from ..candidates import read_candidates

    return list(read_candidates(scenario.candidates_path(), scale=scenario.criteria_scale,
                                envelope_codes=scenario.envelope_codes)["id"])


def compute_status(scenario, book: pd.DataFrame, as_of: dt.date, draws: int = 10_000, seed: int | None = None,
                   uncertainty: bool | None = None, db: str | Path | None = None) -> Status:
    """Position, re-forecast, drift, flags and savings of ``book`` at ``as_of`` under ``scenario``."""
    pos = Po.fund_position(book, as_of, scenario)
    rf = RF.reforecast(book, as_of, scenario, draws=draws, seed=seed, uncertainty=uncertainty)
    dr = D.project_drift(book, as_of)
    hist = None
    if db is not None:
        hist = D.history_drift(store.history(db, book.attrs.get("book")))
    src = book.attrs.get("source", "")
    prov = {
        "workbench_version": __version__, "command": "status", "as_of": as_of.isoformat(),
        "scenario": scenario.name, "scenario_hash": scenario.hash(), "scenario_files": [str(f) for f in scenario.files],
        "book": src, "book_snapshot": {k: book.attrs[k] for k in ("snapshot_as_of", "snapshot_id", "source_file",
                                                                   "source_sha256", "book") if k in book.attrs},
        "synthetic_columns": sorted({x for v in book.get("synthetic_fields", pd.Series(dtype=object)).dropna()
                                     for x in str(v).split(";") if x}),
        "reforecast": rf.provenance, "notes": pos.notes,
        "sources": {
            "panorama_means": "DINUM, panorama des grands projets numériques de l'État, 12th edition (Nov 2020): "
                              "28.4 % budget, 24.6 % calendar (France Relance, action 6-2)",
            "savings_target": "FTAP: 1 € of lasting yearly savings per euro invested, three years on "
                              "(press kit, 1st interministerial committee of public transformation, 1 Feb 2018)",
            "savings_realised": "Cour des comptes, Nov 2025: 339 M€ realised against a 2 bn€ target",
        },
    }
    if src and Path(src).is_file():
        prov["book_sha256"] = hashlib.sha256(Path(src).read_bytes()).hexdigest()
    return Status(as_of=as_of, book=book, position=pos, reforecast=rf, drift=dr, drift_summary=D.portfolio_drift(dr),
                  flags=D.flags(dr), savings=S.savings_by_cohort(book, as_of), history=hist, provenance=prov)


def tables(status: Status) -> dict[str, pd.DataFrame]:
    """The status's CSV tables by file name."""
    out = {
        "position.csv": status.position.funds, "position_by_origin.csv": status.position.outstanding_by_origin,
        "position_projects.csv": status.position.projects, "reforecast.csv": status.reforecast.yearly,
        "reforecast_summary.csv": status.reforecast.summary, "reforecast_projects.csv": status.reforecast.projects,
        "drift.csv": status.drift, "drift_summary.csv": status.drift_summary, "flags.csv": status.flags,
        "savings.csv": status.savings, "restes_a_payer.csv": status.reforecast.restes_a_payer,
    }
    if status.history is not None:
        out["drift_history.csv"] = status.history
    if status.capacity is not None:
        out["capacity.csv"] = status.capacity.curve_table()
        out["capacity_by_year.csv"] = status.capacity.by_year
    return out


def summary_text(status: Status, lang: str = "fr") -> str:
    """A few lines for the terminal, in ``lang``."""
    from ..messages import label
    from ..units import meur, pct

    lines = [label("fu_status_head", lang, as_of=status.as_of.isoformat(), n=len(status.book),
                   source=status.book.attrs.get("source", ""))]
    for f in status.position.funds.itertuples():
        lines.append(label("fu_position_line", lang, fund=f.fund, committed=meur(f.committed_eur, lang),
                           paid=meur(f.paid_to_date_eur, lang), outstanding=meur(f.outstanding_eur, lang),
                           decommitted=meur(f.decommitted_eur, lang),
                           available=meur(f.available_for_next_calls_eur, lang)))
    for s in status.reforecast.summary.itertuples():
        lines.append(label("fu_reforecast_line", lang, fund=s.fund, future=meur(s.future_paid_mean_eur, lang),
                           freed=meur(s.freed_by_abandonment_mean_eur, lang),
                           short=pct(s.shortfall_any_year_probability, lang, 0),
                           safe=meur(s.safe_to_commit_eur, lang), draws=s.draws))
    ds = status.drift_summary.set_index("drift")
    lines.append(label("fu_drift_line", lang, budget=pct(ds.at["budget", "mean_rate"], lang),
                       budget_w=pct(ds.at["budget", "weighted_mean_rate"], lang),
                       schedule=pct(ds.at["schedule", "mean_rate"], lang),
                       schedule_w=pct(ds.at["schedule", "weighted_mean_rate"], lang)))
    fl = status.flags
    lines.append(label("fu_flags_line", lang, n=len(fl),
                       late=int(fl["flag_late_first_results"].sum()) if len(fl) else 0,
                       dinum=int(fl["flag_no_dinum_opinion"].sum()) if len(fl) else 0,
                       stalled=int(fl["flag_stalled_payments"].sum()) if len(fl) else 0))
    sv = status.savings
    lines.append(label("fu_savings_line", lang, declared=meur(sv["declared_savings_eur"].sum(), lang),
                       measured=meur(sv["measured_savings_eur"].sum(), lang),
                       target=meur(sv["target_savings_eur"].sum(), lang)))
    cap = status.capacity
    if cap is not None:
        nc = cap.next_call
        what = label("cap_binding_ae_short", lang) if cap.binding == "ae" else \
            label("cap_binding_year", lang, year=cap.binding_year)
        lines.append(label("fu_capacity_line", lang, fund=nc["fund"], call=nc["id"], date=nc["decision"].isoformat(),
                           capacity=meur(cap.capacity_eur, lang), risk=pct(cap.risk_rate, lang, 0), binding=what))
        for n in cap.notes:
            lines.append(label("cap_note", lang, text=n.render(lang)))
    elif status.capacity_checked:
        lines.append(label("fu_capacity_none", lang, as_of=status.as_of.isoformat()))
    for n in status.position.notes:
        lines.append("  ! " + n)
    return "\n".join(lines)
