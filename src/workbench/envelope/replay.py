"""Back-test on the published 2018 FTAP calls: call 2's real laureates replayed as a fixed
list (:func:`replay_call2_fixed`)."""
from __future__ import annotations


import numpy as np
import pandas as pd


from .simulation import SimulationResult, simulate


def call2_laureates_candidates(scenario, call_id: str = "FTAP-AAP2") -> pd.DataFrame:
    """The 16 real laureates of FTAP call 2 as candidates (grants as requested amounts).

    Grants are published (DITP, 12 November 2018; sum 68.625 M€); their total costs are not, only the sum
    (135 M€): each project's total cost is its grant scaled by 135 / 68.625.  Scores are the
    middle of the scale and durations 24 months (not published): the replay tests commitments
    and payments, not values.
    """
    from ..candidates import validate_candidates
    from ..reference import PUBLISHED, ftap_call2_laureates

    lau = ftap_call2_laureates()
    lo, hi = scenario.criteria_scale
    k = PUBLISHED["call2"]["laureates_total_cost_eur"] / lau["granted_eur"].sum()
    df = pd.DataFrame({
        "id": lau["id"], "title": lau["summary"], "owner": lau["owner"], "envelope": "FTAP",
        "total_cost_eur": np.round(lau["granted_eur"] * k, -3), "requested_eur": lau["granted_eur"].astype(float),
        "duration_months": 24.0, "strategic": (lo + hi) / 2, "service": (lo + hi) / 2, "savings": (lo + hi) / 2,
        "governance": (lo + hi) / 2,
    })
    out = validate_candidates(df, file="ftap_call2_laureates_2018.csv", scale=(lo, hi))
    out["call"] = call_id
    return out


def replay_call2_fixed(scenario, draws: int = 1, seed: int | None = None) -> SimulationResult:
    """Replay the 16 real call-2 grants as a fixed list through the simulation."""
    cands = call2_laureates_candidates(scenario)
    return simulate(scenario, cands, draws=draws, seed=seed, selection=list(cands["id"]))
