"""The fund's position at a date, from a laureate book: what is committed, paid, still owed.

Budget mechanics (``shared/domain.md``, "Budget mechanics to respect"): a project's grant is
committed (AE) when its convention is signed; payment credits (CP) are paid out over its life;
what is committed and not yet paid is the stock of *outstanding commitments* (AE not covered by
CP, « restes à payer »).  At a date ``as_of``, for each project:

================================  ==================================================================
column                            rule
================================  ==================================================================
``committed_eur``                 the grant if the convention is signed on or before ``as_of``, else 0
``pending_eur``                   the grant of a project decided but not yet committed (not abandoned)
``paid_to_date_eur``              sum of ``paid_<year>_eur`` for the years up to ``as_of``'s year
``decommitted_eur``               ``committed - paid`` for an abandoned or completed project (the rest
                                  of its commitment is released), else 0
``outstanding_eur``               ``committed - paid - decommitted``
================================  ==================================================================

so that ``paid + outstanding + decommitted = committed`` holds for every project and every total.
The credits available for the next calls are the fund's envelope less its net commitments
(committed - de-committed) and less the grants decided but not yet committed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import book as B

CLOSED = ("abandoned", "completed")


@dataclass
class Position:
    """A fund's position at ``as_of``: per project, per fund, outstanding by year of origin."""

    as_of: dt.date
    projects: pd.DataFrame
    funds: pd.DataFrame
    outstanding_by_origin: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def project_position(book: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per project: id, fund, envelope, status, origin year (of the commitment) and the
    amounts of the module's table [EUR], plus ``progress_rate`` (paid / grant)."""
    grant = book["grant_eur"].to_numpy(float)
    conv = list(book["convention_date"])
    signed = np.array([d is not None and d <= as_of for d in conv])
    status = book["status"].to_numpy(object)
    paid = B.paid_to(book, as_of.year)
    committed = np.where(signed, grant, 0.0)
    closed = np.isin(status, CLOSED)
    decommitted = np.where(closed & signed, np.maximum(committed - paid, 0.0), 0.0)
    outstanding = committed - paid - decommitted
    pending = np.where(~signed & (status != "abandoned"), grant, 0.0)
    return pd.DataFrame({
        "id": book["id"].to_numpy(object), "fund": book["fund"].to_numpy(object),
        "envelope": book["envelope"].to_numpy(object), "call": book["call"].to_numpy(object),
        "status": status, "origin_year": [d.year if s else np.nan for d, s in zip(conv, signed)],
        "grant_eur": grant, "committed_eur": committed, "pending_eur": pending, "paid_to_date_eur": paid,
        "decommitted_eur": decommitted, "outstanding_eur": outstanding,
        "progress_rate": np.divide(paid, grant, out=np.zeros_like(grant), where=grant > 0),
    })


def fund_position(book: pd.DataFrame, as_of: dt.date, scenario=None) -> Position:
    """The position of each fund of ``book`` at ``as_of``.

    Parameters
    ----------
    book : DataFrame
        A validated book (:func:`workbench.followup.book.read_book`).
    as_of : date
    scenario : Scenario, optional
        Gives each fund's envelope [EUR]; without it the envelope and the credits available are
        NaN.

    Returns
    -------
    Position
        ``funds`` has per fund: ``envelope_eur``, ``committed_eur``, ``paid_to_date_eur``,
        ``outstanding_eur``, ``decommitted_eur``, ``net_committed_eur``, ``pending_eur``,
        ``available_for_next_calls_eur``, ``n_projects`` and ``conservation_gap_eur`` (0 when
        paid + outstanding + de-committed = committed).
    """
    pp = project_position(book, as_of)
    funds = scenario.funds if scenario is not None else {}
    rows = []
    for code, g in pp.groupby("fund", sort=True):
        env = scenario.envelope_at(code, as_of) if code in funds else np.nan  # the envelope in force then
        committed = g["committed_eur"].sum()
        dec = g["decommitted_eur"].sum()
        pend = g["pending_eur"].sum()
        rows.append({
            "fund": code, "as_of": as_of.isoformat(), "n_projects": len(g), "envelope_eur": env,
            "committed_eur": committed, "paid_to_date_eur": g["paid_to_date_eur"].sum(),
            "outstanding_eur": g["outstanding_eur"].sum(), "decommitted_eur": dec,
            "net_committed_eur": committed - dec, "pending_eur": pend,
            "available_for_next_calls_eur": env - (committed - dec) - pend,
            "conservation_gap_eur": committed - g["paid_to_date_eur"].sum() - g["outstanding_eur"].sum() - dec,
        })
    fund_table = pd.DataFrame(rows)
    live = pp[pp["committed_eur"] > 0]
    by_origin = (live.groupby(["fund", "origin_year"], sort=True)
                 .agg(committed_eur=("committed_eur", "sum"), paid_to_date_eur=("paid_to_date_eur", "sum"),
                      decommitted_eur=("decommitted_eur", "sum"), outstanding_eur=("outstanding_eur", "sum"))
                 .reset_index())
    by_origin["origin_year"] = by_origin["origin_year"].astype(int)
    notes = []
    missing = sorted(set(pp["fund"]) - set(funds)) if scenario is not None else []
    if missing:
        notes.append(f"no envelope in the scenario for {', '.join(missing)}: credits available not computed")
    return Position(as_of=as_of, projects=pp, funds=fund_table, outstanding_by_origin=by_origin, notes=notes)


def book_layout(book: pd.DataFrame, position: Position) -> pd.DataFrame:
    """The book in its own layout (the documented column order, dates as text) with the position's
    columns appended: what the XLSX export of ``workbench status`` holds."""
    out = B.to_file_table(book).reset_index(drop=True)
    pp = position.projects.reset_index(drop=True)
    for c in ("committed_eur", "pending_eur", "paid_to_date_eur", "decommitted_eur", "outstanding_eur",
              "progress_rate"):
        out[f"{c[:-4]}_as_of_eur" if c.endswith("_eur") else c] = pp[c].to_numpy()
    return out
