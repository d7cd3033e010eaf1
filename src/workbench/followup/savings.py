"""Lasting savings declared and measured, by cohort (year of decision), against FTAP's target.

FTAP's third criterion targets 1 € of lasting yearly savings three years after 1 € invested
(1st interministerial committee of public transformation, press kit of 1 Feb 2018).  For each
cohort the target is the fund's euros paid to date, due once three years have passed since the
decision year.  The Cour des comptes (Nov 2025) found 339 M€ of lasting savings realised against a
2 bn€ target: the published realisation rate 0.17 is shown beside the book's measured / declared.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..uncertainty import SAVINGS_REALISATION_MEAN
from . import book as B

#: Years after the investment when the 1 € for 1 € target applies.
TARGET_DELAY_YEARS = 3
#: Target: yearly savings per euro invested [EUR/year per EUR].
TARGET_SAVINGS_PER_EUR = 1.0


def savings_by_cohort(book: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per cohort (decision year): grants, paid, savings declared and measured [EUR/year],
    the target (1 € a year per euro paid), whether it is due, and the ratios."""
    df = pd.DataFrame({
        "cohort": [d.year for d in book["decision_date"]], "grant_eur": book["grant_eur"].to_numpy(float),
        "paid_to_date_eur": B.paid_to(book, as_of.year),
        "declared_savings_eur": book["declared_savings_eur"].to_numpy(float),
        "measured_savings_eur": book["measured_savings_eur"].to_numpy(float),
    })
    rows = []
    for c, g in df.groupby("cohort", sort=True):
        meas = g["measured_savings_eur"].notna()
        target = TARGET_SAVINGS_PER_EUR * g["paid_to_date_eur"].sum()
        decl_m = g.loc[meas, "declared_savings_eur"].sum()
        rows.append({
            "cohort": int(c), "n_projects": len(g), "n_measured": int(meas.sum()),
            "grant_eur": g["grant_eur"].sum(), "paid_to_date_eur": g["paid_to_date_eur"].sum(),
            "declared_savings_eur": g["declared_savings_eur"].sum(min_count=1),
            "measured_savings_eur": g["measured_savings_eur"].sum(min_count=1),
            "target_savings_eur": target, "target_due": bool(as_of.year >= c + TARGET_DELAY_YEARS),
            "declared_vs_target_rate": g["declared_savings_eur"].sum() / target if target > 0 else np.nan,
            "measured_vs_target_rate": g["measured_savings_eur"].sum() / target if target > 0 and meas.any() else np.nan,
            "realisation_rate": g.loc[meas, "measured_savings_eur"].sum() / decl_m if decl_m > 0 else np.nan,
            "published_realisation_rate": SAVINGS_REALISATION_MEAN,
        })
    return pd.DataFrame(rows)
