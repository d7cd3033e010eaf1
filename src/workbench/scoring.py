"""Project value from the criteria, return on investment, and eligibility with reasons.

Pure functions on a validated candidate table (:mod:`workbench.candidates`) and a scenario.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .candidates import split_ids

CRITERIA = ("strategic", "service", "savings", "governance")

#: FTAP target: 1 € of lasting savings per year, three years after 1 € invested: « une cible de
#: rendement d'un euro pérenne d'économies après trois ans après l'investissement d'un euro »
#: ("[INVESTIR POUR TRANSFORMER] Le 2ème appel à projets du FTAP retient 16 lauréats", DITP,
#: 12 November 2018).
ROI_TARGET_RATIO = 1.0
ROI_TARGET_YEARS = 3


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights scaled to sum to 1 [fraction]; raises ``ValueError`` if negative or all zero."""
    unknown = [k for k in weights if k not in CRITERIA]
    if unknown:
        raise ValueError(f"unknown criterion {unknown[0]!r}; criteria are {', '.join(CRITERIA)}")
    w = {c: float(weights.get(c, 0.0)) for c in CRITERIA}
    if any(v < 0 or math.isnan(v) for v in w.values()):
        raise ValueError("weights must be >= 0")
    s = sum(w.values())
    if s <= 0:
        raise ValueError("weights must not all be zero")
    return {c: v / s for c, v in w.items()}


def criteria_matrix(cands: pd.DataFrame, scale: tuple[float, float] = (0.0, 10.0)) -> np.ndarray:
    """Scores as fractions of the scale, shape ``(n, 4)`` in :data:`CRITERIA` order.

    0 is the bottom of the declared scale, not the worst candidate: a project's value depends on
    its own scores only, so adding or removing a candidate never changes another's value.
    """
    lo, hi = scale
    return (cands[list(CRITERIA)].to_numpy(dtype=float) - lo) / (hi - lo)


def project_value(cands: pd.DataFrame, weights: Mapping[str, float],
                  scale: tuple[float, float] = (0.0, 10.0)) -> pd.Series:
    """Each project's value: weighted mean of its scores on the scale, in points [0, 100].

    ``value = 100 * sum_c w_c * (score_c - min) / (max - min)`` with weights normalised to 1.
    """
    w = normalise_weights(weights)
    m = criteria_matrix(cands, scale)
    # an explicit sum in a fixed order, not a BLAS product: BLAS may split the sum differently
    # with its threads or CPU kernel, and a last-bit difference can change which of two tied
    # portfolios the solver returns in another process (results must be identical everywhere)
    v = np.zeros(len(cands))
    for j, c in enumerate(CRITERIA):
        v = v + w[c] * m[:, j]
    v = 100.0 * v
    return pd.Series(v, index=cands.index, name="value")


def roi_ratio(cands: pd.DataFrame) -> pd.Series:
    """Lasting yearly savings per euro the fund invests: ``annual_savings_eur / requested_eur``.

    NaN where savings are not given.  The FTAP target is :data:`ROI_TARGET_RATIO` (1 € per year
    for 1 € invested, reached :data:`ROI_TARGET_YEARS` years after the investment).
    """
    return (cands["annual_savings_eur"] / cands["requested_eur"]).rename("roi_ratio")


def eligibility(cands: pd.DataFrame, scenario: Any = None, when: Any = None,
                rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Which candidates the scenario's eligibility rules admit, with the reason for each refusal.

    Parameters
    ----------
    cands : DataFrame
        Validated candidates.
    scenario : Scenario, optional
        Gives the rules in force at ``when`` (:meth:`Scenario.eligibility_at`) and the envelope
        codes; ``rules`` overrides or replaces them (keys as in the scenario's ``eligibility``).
    when : date, optional
        The date of the decision (thresholds changed from call to call).

    Returns
    -------
    DataFrame
        Indexed like ``cands``: ``eligible`` (bool) and ``reason`` (``""`` when eligible, else
        every rule broken, ``"; "``-separated, e.g. ``"total cost 0.20 M€ below the 0.25 M€
        minimum"``).  Nothing is dropped silently.
    """
    r: dict[str, Any] = dict(scenario.eligibility_at(when)) if scenario is not None else {}
    if rules:
        r.update(rules)
    codes = set(scenario.envelope_codes) if scenario is not None else None
    roi_rule = None
    if scenario is not None and scenario.value("selection.roi_mode") == "rule":
        roi_rule = float(scenario.value("selection.roi_target_ratio", ROI_TARGET_RATIO))
    reasons: list[list[str]] = [[] for _ in range(len(cands))]
    total = cands["total_cost_eur"].to_numpy(float)
    req = cands["requested_eur"].to_numpy(float)
    terr = cands["territorial"].to_numpy(bool)
    m = r.get("min_total_cost_eur")
    mt = r.get("min_total_cost_territorial_eur", m)
    for i in range(len(cands)):
        floor = mt if terr[i] and mt is not None else m
        if floor is not None and total[i] < floor:
            kind = "territorial " if terr[i] and mt is not None and mt != m else ""
            reasons[i].append(f"total cost {total[i] / 1e6:.2f} M€ below the {kind}minimum of {floor / 1e6:.2f} M€")
    if r.get("max_requested_eur") is not None:
        for i in np.flatnonzero(req > r["max_requested_eur"]):
            reasons[i].append(f"request {req[i] / 1e6:.2f} M€ above the maximum of {r['max_requested_eur'] / 1e6:.2f} M€")
    cof = r.get("cofinancing_rate") or {}
    share = 1.0 - req / total
    if "min" in cof:
        for i in np.flatnonzero(share < cof["min"] - 1e-9):
            reasons[i].append(f"co-financing {share[i]:.1%} below the {cof['min']:.1%} minimum")
    if "max" in cof:
        for i in np.flatnonzero(share > cof["max"] + 1e-9):
            reasons[i].append(f"co-financing {share[i]:.1%} above the {cof['max']:.1%} maximum")
    themes = r.get("themes")
    if themes:
        for i, t in enumerate(cands["theme"]):
            if t and t not in themes:
                reasons[i].append(f"theme '{t}' not among the call's themes")
    if codes is not None:
        for i, e in enumerate(cands["envelope"]):
            if not any(c in codes for c in split_ids(e)):
                reasons[i].append(f"envelope '{e}' not open in this scenario")
    if roi_rule is not None:
        roi = roi_ratio(cands).to_numpy(float)
        for i in range(len(cands)):
            if not (roi[i] >= roi_rule):
                shown = "not given" if math.isnan(roi[i]) else f"{roi[i]:.2f}"
                reasons[i].append(f"yearly savings per euro invested {shown} below the target of {roi_rule:g}")
    return pd.DataFrame(
        {"eligible": [not x for x in reasons], "reason": ["; ".join(x) for x in reasons]}, index=cands.index
    )
