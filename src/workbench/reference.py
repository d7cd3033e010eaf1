"""Reference data of the funds, shipped with the package (``workbench/data``).

=================================================  ==================================================
function                                           what, source
=================================================  ==================================================
:func:`ftap_calls`                                 call-level counts and amounts of FTAP, each row with
                                                   its public source (seeds 001, 003; public pages)
:func:`ftap_call2_laureates`                       the 16 laureates of FTAP call 2 and their grants
                                                   (sum 68.625 M€, published as "69 M€"; seed 001)
:func:`fitn_sub_envelopes`                         FITN ITN1…ITN8D (sum 265 M€ of 292 M€; seed 004)
:func:`panorama_key_figures`                       panorama of large State digital projects, headline
                                                   figures by edition (DISIC/panorama, MIT)
:func:`panorama_cost_drift`                        115 panorama projects seen in two editions or more:
                                                   first and last cost and duration, ratios
:func:`canada_it_projects`                         Government of Canada IT projects: original vs latest
                                                   budget and date (House of Commons papers)
=================================================  ==================================================

:data:`PUBLISHED` holds the published call figures the back-test and the generator use.
"""
from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

#: Published FTAP figures [EUR and counts], each with its source (seed files in ``shared/seeds``).
PUBLISHED = {
    "call1": {"applications": 122, "laureates": 17, "total_cost_eur": 2_310e6, "requested_eur": 827e6,
              "granted_eur": 126e6,
              "source": "seed 001 (17 laureates of call 1); DITP press page 'investir pour transformer' "
                        "(122 applications, 2,310 M€, 827 M€); granted = 195 M€ (2018) - 69 M€ (call 2)"},
    "call2": {"applications": 61, "laureates": 16, "total_cost_eur": 757e6, "requested_eur": 300e6,
              "laureates_total_cost_eur": 135e6, "granted_eur": 69e6,
              "source": "seed 001_028b73eb3648c77b.txt (12 Nov 2018)"},
    "year2018": {"laureates": 33, "granted_eur": 195e6, "total_cost_eur": 472e6,
                 "source": "seed 001_028b73eb3648c77b.txt"},
    "end2019": {"laureates": 63, "granted_eur": 351e6, "source": "seed 003_d01cfdafc2817ed8.txt"},
    "ftap_envelope_eur": {"value": 700e6, "source": "seeds 000, 001, 002"},
    "fitn_envelope_eur": {"value": 292e6, "source": "seed 004_c901cbe669aa6381.txt"},
}


def _csv(name: str, **kw) -> pd.DataFrame:
    with resources.files("workbench").joinpath("data", *name.split("/")).open("rb") as fh:
        return pd.read_csv(fh, **kw)


def ftap_calls() -> pd.DataFrame:
    """FTAP call-level figures; amounts in M€ as published, blanks unknown (``source`` per row)."""
    return _csv("ftap_calls_and_totals.csv")


def ftap_call2_laureates() -> pd.DataFrame:
    """The 16 laureates of FTAP call 2 with ``granted_eur`` [EUR] (seed 001; sum 68,625,000)."""
    return _csv("ftap_call2_laureates_2018.csv")


def fitn_sub_envelopes() -> pd.DataFrame:
    """FITN sub-envelopes ``code``, ``purpose``, ``amount_eur`` [EUR] (seed 004; sum 265 M€)."""
    return _csv("fitn_sub_envelopes.csv")


def panorama_key_figures() -> pd.DataFrame:
    """Panorama headline figures by edition, slippages as fractions (``*_rate`` columns)."""
    df = _csv("reference_class/panorama_key_figures_by_edition.csv", dtype=str)

    def num(s: str) -> float:
        return float(str(s).replace("%", "").replace(",", ".").strip())

    out = pd.DataFrame({
        "edition": df["edition"],
        "projects": df["projets"].astype(int),
        "total_eur": df["total_md_eur"].map(num) * 1e9,
        "mean_duration_years": df["duree_moy_ans"].map(num),
        "calendar_slippage_rate": df["ecart_calendaire_moy"].map(num) / 100,
        "budget_slippage_rate": df["ecart_budgetaire_moy"].map(num) / 100,
    })
    return out


def panorama_cost_drift() -> pd.DataFrame:
    """115 panorama projects: first/last cost (M€) and duration (years), ``cost_ratio``, ``dur_ratio``."""
    return _csv("reference_class/panorama_cost_drift_2016_2021.csv")


def canada_it_projects() -> pd.DataFrame:
    """Canadian IT projects with ``original_budget``, ``latest_budget`` [CAD] and ``cost_ratio``.

    Only projects seen twice or more (``numOfEntries >= 2``) with both budgets carry a ratio;
    the domain digest reports 192 such projects, median ratio 1.17.
    """
    df = _csv("reference_class/canada_gc_it_projects.csv")

    def money(s):
        if pd.isna(s):
            return np.nan
        return float(str(s).replace("$", "").replace(",", "").strip() or "nan")

    df["original_budget"] = df["originalBudget"].map(money)
    df["latest_budget"] = df["latestBudget"].map(money)
    df["cost_ratio"] = np.where(
        (df["numOfEntries"] >= 2) & (df["original_budget"] > 0), df["latest_budget"] / df["original_budget"], np.nan
    )
    return df
