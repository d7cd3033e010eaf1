"""Project value from the criteria, return on investment, and eligibility with reasons.

Pure functions on a validated candidate table (:mod:`workbench.candidates`) and a scenario.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .candidates import split_ids

CRITERIA = ("strategic", "service", "savings", "governance")

#: FTAP target: 1 € of lasting savings per year, three years after 1 € invested (seed 002,
#: « permettre des économies substantielles »; target figure in shared/domain.md).
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


#: The value models a scenario may declare (``criteria.value_model.kind``).
VALUE_MODELS = ("quality_x_scope", "points")
#: Scope columns a value model may use (``criteria.value_model.scope``): the fund's investment
#: by default, or the project's declared yearly savings, its total cost, or any numeric column.
DEFAULT_VALUE_SCOPE = "requested_eur"


@dataclass(frozen=True)
class ValueModel:
    """How a project's value is computed from its criteria scores (declared by the scenario).

    ``quality_x_scope`` (benefit = weighted quality x scope): the weighted score [points, 0-100]
    times the scope column [M€ by default, the fund's investment ``requested_eur``].  Value per
    euro is then the quality itself, so the optimum under a budget agrees with a committee's
    merit order: the committee funds the best projects, and a project's benefit grows with its
    scope.  ``points``: the weighted score alone [points], the workbench's first model, kept for
    comparison; summing quality scores rewards splitting a budget into many small grants (a
    known bias of portfolio models: Phillips & Bana e Costa, "Transparent prioritisation,
    budgeting and resource allocation with multi-criteria decision analysis and decision
    conferencing", Annals of Operations Research 154, 2007; Kleinmuntz, "Resource allocation
    decisions", in Advances in Decision Analysis, Cambridge University Press, 2007).
    """

    kind: str = "quality_x_scope"
    scope: str = DEFAULT_VALUE_SCOPE

    @property
    def unit(self) -> str:
        """The unit of a value: ``points`` or ``points x M€`` (``points x M€/yr`` for savings)."""
        if self.kind == "points":
            return "points"
        return "points x M€/yr" if self.scope == "annual_savings_eur" else "points x M€"

    def describe(self) -> str:
        """One line naming the model, as recorded with every result."""
        if self.kind == "points":
            return "points: weighted score of the criteria [0-100]"
        return f"quality_x_scope: weighted score [0-100] x {self.scope} [M€]"


def quality_points(cands: pd.DataFrame, weights: Mapping[str, float],
                   scale: tuple[float, float] = (0.0, 10.0)) -> pd.Series:
    """Each project's weighted quality: the weighted mean of its scores on the scale [points, 0-100].

    ``quality = 100 * sum_c w_c * (score_c - min) / (max - min)`` with weights normalised to 1.
    """
    w = normalise_weights(weights)
    q = quality_points_rows(cands, np.array([[w[c] for c in CRITERIA]]), scale)[0]
    return pd.Series(q, index=cands.index, name="quality")


def quality_points_rows(cands: pd.DataFrame, weight_rows: np.ndarray,
                        scale: tuple[float, float] = (0.0, 10.0)) -> np.ndarray:
    """:func:`quality_points` for many weight vectors at once, shape ``(k, n)`` [points, 0-100].

    ``weight_rows`` (shape ``(k, 4)``, :data:`CRITERIA` order) are used as given (normalise them
    first); each row's result is bit for bit the one :func:`quality_points` gives.
    """
    m = criteria_matrix(cands, scale)
    W = np.asarray(weight_rows, float)
    # an explicit sum in a fixed order, not a BLAS product: BLAS may split the sum differently
    # with its threads or CPU kernel, and a last-bit difference can change which of two tied
    # portfolios the solver returns in another process (results must be identical everywhere)
    v = np.zeros((len(W), len(cands)))
    for j in range(len(CRITERIA)):
        v = v + W[:, j, None] * m[None, :, j]
    return 100.0 * v


def scope_eur(cands: pd.DataFrame, model: ValueModel) -> np.ndarray:
    """The scope of each project for ``model`` [EUR, or EUR/yr for savings]; missing counts as 0."""
    if model.scope not in cands.columns:
        raise ValueError(f"the value model's scope column {model.scope!r} is not among the candidates' columns")
    return np.nan_to_num(pd.to_numeric(cands[model.scope], errors="coerce").to_numpy(float), nan=0.0)


def project_value(cands: pd.DataFrame, weights: Mapping[str, float],
                  scale: tuple[float, float] = (0.0, 10.0), model: ValueModel | None = None) -> pd.Series:
    """Each project's value under the value model, if fully funded.

    ``points`` (the default of this low-level function when ``model`` is ``None``): the weighted
    quality [points, 0-100].  ``quality_x_scope``: ``quality * scope / 1e6`` [points x M€], so
    that value per euro is proportional to the quality (see :class:`ValueModel`).
    """
    q = quality_points(cands, weights, scale)
    if model is None or model.kind == "points":
        return q.rename("value")
    return pd.Series(q.to_numpy() * scope_eur(cands, model) / 1e6, index=cands.index, name="value")


def scenario_values(scenario: Any, cands: pd.DataFrame, weights: Mapping[str, float] | None = None,
                    roi_mode: str | None = None, roi_weight_rate: float = 0.2,
                    roi_target_ratio: float = ROI_TARGET_RATIO) -> pd.Series:
    """Each project's value under the scenario's value model, if fully funded (the one place
    where the value is computed for the selection, the simulation and the robustness analysis).

    With ``roi_mode="criterion"`` the return on investment enters the quality as a fifth
    criterion of weight ``roi_weight_rate``: ``100 * min(roi / target, 1)``, 0 when savings are
    not given.  Units: see :class:`ValueModel` (``points`` or ``points x M€``).
    """
    w = scenario.weights if weights is None else weights
    v = scenario_values_rows(scenario, cands, [w], roi_mode, roi_weight_rate, roi_target_ratio)[0]
    return pd.Series(v, index=cands.index, name="value")


def scenario_values_rows(scenario: Any, cands: pd.DataFrame, weights: Sequence[Mapping[str, float]],
                         roi_mode: str | None = None, roi_weight_rate: float = 0.2,
                         roi_target_ratio: float = ROI_TARGET_RATIO) -> np.ndarray:
    """:func:`scenario_values` for many weight vectors at once, shape ``(len(weights), n)``: row
    ``k`` is bit for bit ``scenario_values(scenario, cands, weights[k], ...)`` (the robustness
    analysis values thousands of weight draws; one pass over the candidates instead of one each).
    """
    rows = []
    for wk in weights:
        w = normalise_weights(normalise_weights(wk))  # as quality_points sees the normalised weights
        rows.append([w[c] for c in CRITERIA])
    scale = scenario.criteria_scale if scenario is not None else (0.0, 10.0)
    model = scenario.value_model if scenario is not None else ValueModel(kind="points")
    q = quality_points_rows(cands, np.array(rows, float).reshape(-1, len(CRITERIA)), scale)
    if roi_mode == "criterion":
        roi = roi_ratio(cands).fillna(0.0).to_numpy(float)
        q = (1 - roi_weight_rate) * q + roi_weight_rate * 100.0 * np.clip(roi / roi_target_ratio, 0.0, 1.0)[None, :]
    if model.kind == "points":
        return np.asarray(q, float)
    return np.asarray(q, float) * scope_eur(cands, model)[None, :] / 1e6


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
        Gives the rules in force at ``when`` (:meth:`Scenario.eligibility_at`), the envelope
        codes and the quality bar ``selection.min_quality_points`` (the minimum weighted score,
        0-100, to be funded; judged with the scenario's weights); ``rules`` overrides or replaces
        them (keys as in the scenario's ``eligibility``, and ``min_quality_points``).
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
    bar = r.get("min_quality_points")
    if bar is None and scenario is not None:
        bar = scenario.value("selection.min_quality_points")
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
    if bar is not None:
        # the quality bar is judged on the weighted score with the scenario's declared weights
        # (the committee's weighting): an analysis that varies the weights keeps the same bar
        w = scenario.weights if scenario is not None else {c: 1.0 for c in CRITERIA}
        scale = scenario.criteria_scale if scenario is not None else (0.0, 10.0)
        q = quality_points(cands, w, scale).to_numpy(float)
        for i in np.flatnonzero(~(q >= float(bar) - 1e-9)):
            reasons[i].append(f"weighted score {q[i]:.1f} points below the quality bar of {float(bar):g} points")
    if roi_rule is not None:
        roi = roi_ratio(cands).to_numpy(float)
        for i in range(len(cands)):
            if not (roi[i] >= roi_rule):
                shown = "not given" if math.isnan(roi[i]) else f"{roi[i]:.2f}"
                reasons[i].append(f"yearly savings per euro invested {shown} below the target of {roi_rule:g}")
    return pd.DataFrame(
        {"eligible": [not x for x in reasons], "reason": ["; ".join(x) for x in reasons]}, index=cands.index
    )
