"""Budget and schedule drift of funded projects against the plan they were funded on, and flags.

Drift is measured as the panorama of large State digital projects measures it (DINUM, « panorama
des grands projets numériques de l'État »): the budget drift is the relative change of the
project's total cost, the calendar drift the relative change of its duration,

    budget_drift_rate   = total_cost_eur / planned_total_cost_eur - 1
    schedule_drift_rate = (end_date - decision_date) / (planned_end_date - decision_date) - 1,

and the portfolio figure is their mean over the projects, unweighted as the panorama publishes it
(its means include running projects), shown beside the mean weighted by planned cost.  The 12th
edition (Nov 2020: 43 projects, 1.86 bn€) published a mean budget drift of 28.4 % and a mean
calendar drift of 24.6 % (France Relance, action 6-2, « accélérer la transition numérique de l'État
et des territoires », DINUM/DITP).

Flags per project (``flag_*`` columns, True when raised):

* ``flag_late_first_results``: first results due (``first_results_due_date``, else
  :data:`FIRST_RESULTS_MONTHS` after the convention for a fund that requires them — FITN: « des
  premiers résultats tangibles et mesurables dans un délai de 12 mois maximum après son
  lancement », DITP page of the funds) and not delivered by then;
* ``flag_no_dinum_opinion``: a total cost (planned or latest) above 9 M€ without the DINUM
  director's opinion (« les projets numériques dont le coût est supérieur à 9 millions d'euros sont
  soumis à l'obtention d'un avis du directeur de la DINUM », same action 6-2 document); the book
  cannot tell a digital project from another, so every project is checked;
* ``flag_stalled_payments``: a running project committed more than :data:`STALL_MONTHS` ago that
  was paid nothing in the as-of year nor the year before — a likely de-commitment (FTAP laureates
  that never started were de-committed, Cour des comptes 2025).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import book as B

#: Panorama of large State digital projects, 12th edition (Nov 2020): mean budget drift [fraction].
PANORAMA_BUDGET_DRIFT_RATE = 0.284
#: Same edition: mean calendar drift [fraction].
PANORAMA_SCHEDULE_DRIFT_RATE = 0.246
#: Projects above this total cost need the DINUM director's opinion [EUR].
DINUM_OPINION_THRESHOLD_EUR = 9e6
#: Months after launch within which a fund requires first results (FITN: 12).
FIRST_RESULTS_MONTHS = {"FITN": 12}
#: A committed project paid nothing for this long is flagged as stalled [months] (assumption:
#: the tranches of a convention are yearly at most).
STALL_MONTHS = 12


def _months_after(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    day = min(d.day, [31, 29 if (d.year + y) % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m])
    return dt.date(d.year + y, m + 1, day)


def project_drift(book: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per project: drifts (fractions), the flags and the reason of each flag raised."""
    rows = []
    for r in book.itertuples(index=False):
        plan_c, cost = r.planned_total_cost_eur, r.total_cost_eur
        bd = cost / plan_c - 1 if plan_c > 0 and cost == cost else np.nan
        sd = np.nan
        if r.planned_end_date is not None and r.end_date is not None and r.planned_end_date > r.decision_date:
            sd = (r.end_date - r.decision_date).days / (r.planned_end_date - r.decision_date).days - 1
        due = r.first_results_due_date
        if due is None and r.fund in FIRST_RESULTS_MONTHS and r.convention_date is not None:
            due = _months_after(r.convention_date, FIRST_RESULTS_MONTHS[r.fund])
        late = bool(due is not None and due < as_of and r.status != "abandoned"
                    and (r.first_results_date is None or r.first_results_date > due))
        big = np.nanmax([plan_c if plan_c == plan_c else np.nan, cost if cost == cost else np.nan, 0.0])
        no_op = bool(big > DINUM_OPINION_THRESHOLD_EUR and not r.dinum_opinion and r.status != "abandoned")
        recent = sum(getattr(r, B.paid_column(y), 0.0) or 0.0 for y in (as_of.year - 1, as_of.year)
                     if B.paid_column(y) in book.columns)
        stalled = bool(r.status in ("running", "phase1_only") and r.convention_date is not None
                       and _months_after(r.convention_date, STALL_MONTHS) <= as_of and recent <= 0)
        rows.append({"id": r.id, "fund": r.fund, "status": r.status, "grant_eur": r.grant_eur,
                     "planned_total_cost_eur": plan_c, "total_cost_eur": cost,
                     "budget_drift_rate": bd, "schedule_drift_rate": sd,
                     "first_results_due_date": due.isoformat() if due else "",
                     "flag_late_first_results": late, "flag_no_dinum_opinion": no_op,
                     "flag_stalled_payments": stalled})
    return pd.DataFrame(rows)


def portfolio_drift(drift: pd.DataFrame) -> pd.DataFrame:
    """The portfolio's mean drifts, unweighted and weighted by planned cost, beside the panorama's
    published means (Nov 2020): rows ``budget`` and ``schedule``."""
    out = []
    w = drift["planned_total_cost_eur"].to_numpy(float)
    for kind, col, pub in (("budget", "budget_drift_rate", PANORAMA_BUDGET_DRIFT_RATE),
                           ("schedule", "schedule_drift_rate", PANORAMA_SCHEDULE_DRIFT_RATE)):
        x = drift[col].to_numpy(float)
        ok = ~np.isnan(x) & ~np.isnan(w)
        out.append({"drift": kind, "n_projects": int((~np.isnan(x)).sum()),
                    "mean_rate": float(np.nanmean(x)) if (~np.isnan(x)).any() else np.nan,
                    "weighted_mean_rate": float(np.average(x[ok], weights=w[ok])) if ok.any() and w[ok].sum() > 0
                    else np.nan,
                    "panorama_nov2020_rate": pub})
    return pd.DataFrame(out)


def flags(drift: pd.DataFrame) -> pd.DataFrame:
    """Only the projects with at least one flag raised, with their flags."""
    cols = [c for c in drift.columns if c.startswith("flag_")]
    return drift[drift[cols].any(axis=1)][["id", "fund", "status", "grant_eur"] + cols].reset_index(drop=True)


def history_drift(history: pd.DataFrame) -> pd.DataFrame:
    """A project's estimates snapshot by snapshot (from :func:`workbench.followup.store.history`) with
    its cost ratio and end-date shift against its first snapshot, as the panorama shows a project
    from edition to edition."""
    if history.empty:
        return history.assign(cost_ratio_vs_first=[], end_shift_days_vs_first=[])
    h = history.copy()
    first = h.groupby(["book", "id"])[["total_cost_eur", "end_date"]].transform("first")
    h["cost_ratio_vs_first"] = h["total_cost_eur"] / first["total_cost_eur"]
    h["end_shift_days_vs_first"] = [
        (dt.date.fromisoformat(e) - dt.date.fromisoformat(f)).days if isinstance(e, str) and isinstance(f, str)
        else np.nan for e, f in zip(h["end_date"], first["end_date"])]
    return h
