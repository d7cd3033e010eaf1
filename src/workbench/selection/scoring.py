"""Project value from the criteria, return on investment, and eligibility with reasons.

Pure functions on a validated candidate table (:mod:`workbench.candidates`) and a scenario.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..messages import Message, Text, msg
from ..candidates import split_ids
from ..scenario import (CRITERIA, DEFAULT_VALUE_SCOPE, ROI_TARGET_RATIO, ROI_TARGET_YEARS,  # noqa: F401 (re-exported)
                        VALUE_MODELS, CriteriaSection, DisbursementSection, SelectionSection, ValueModel)

#: Without a scenario: the schema's defaults (the scoring scale, the selection's rules).
_SCALE = CriteriaSection().scale
_SELECTION = SelectionSection()


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights scaled to sum to 1 [fraction]; raises ``ValueError`` if negative or all zero."""
    unknown = [k for k in weights if k not in CRITERIA]
    if unknown:
        raise ValueError(f"unknown criterion {unknown[0]!r}; criteria are {', '.join(CRITERIA)}")
    w = {c: float(weights.get(c, 0.0)) for c in CRITERIA}
    if any(v < 0 or not math.isfinite(v) for v in w.values()):
        raise ValueError("weights must be finite and >= 0")
    # scaled by the largest first: weights near 1e308 would overflow to an infinite sum (and
    # every share to 0, reported as "all zero")
    top = max(w.values())
    if top <= 0:
        raise ValueError("weights must not all be zero")
    scaled = {c: v / top for c, v in w.items()}
    s = sum(scaled.values())
    return {c: v / s for c, v in scaled.items()}


def criteria_matrix(cands: pd.DataFrame, scale: tuple[float, float] = _SCALE) -> np.ndarray:
    """Scores as fractions of the scale, shape ``(n, 4)`` in :data:`CRITERIA` order.

    0 is the bottom of the declared scale, not the worst candidate: a project's value depends on
    its own scores only, so adding or removing a candidate never changes another's value.
    """
    lo, hi = scale
    return (cands[list(CRITERIA)].to_numpy(dtype=float) - lo) / (hi - lo)


def quality_points(cands: pd.DataFrame, weights: Mapping[str, float],
                   scale: tuple[float, float] = _SCALE) -> pd.Series:
    """Each project's weighted quality: the weighted mean of its scores on the scale [points, 0-100].

    ``quality = 100 * sum_c w_c * (score_c - min) / (max - min)`` with weights normalised to 1.
    """
    w = normalise_weights(weights)
    q = quality_points_rows(cands, np.array([[w[c] for c in CRITERIA]]), scale)[0]
    return pd.Series(q, index=cands.index, name="quality")


def quality_points_rows(cands: pd.DataFrame, weight_rows: np.ndarray,
                        scale: tuple[float, float] = _SCALE) -> np.ndarray:
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
                  scale: tuple[float, float] = _SCALE, model: ValueModel | None = None) -> pd.Series:
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
                    roi_mode: str | None = None, roi_weight_rate: float = _SELECTION.roi_weight_rate,
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
                         roi_mode: str | None = None, roi_weight_rate: float = _SELECTION.roi_weight_rate,
                         roi_target_ratio: float = ROI_TARGET_RATIO) -> np.ndarray:
    """:func:`scenario_values` for many weight vectors at once, shape ``(len(weights), n)``: row
    ``k`` is bit for bit ``scenario_values(scenario, cands, weights[k], ...)`` (the robustness
    analysis values thousands of weight draws; one pass over the candidates instead of one each).
    """
    rows = []
    for wk in weights:
        w = normalise_weights(normalise_weights(wk))  # as quality_points sees the normalised weights
        rows.append([w[c] for c in CRITERIA])
    scale = scenario.criteria_scale if scenario is not None else _SCALE
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
                rules: Mapping[str, Any] | None = None, call: Any = None) -> pd.DataFrame:
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
    call : Call, optional
        The call judging the candidates: its ``track`` routes FITN's projects (below
        ``fast_track_threshold_eur`` on the continuous track, others on the FTAP calendar).

    Notes
    -----
    Each fund keeps its own rules: a fund with a block ``eligibility.funds.<code>`` judges the
    candidates of its envelopes by that block (with ``rules`` on top), the other funds by the
    scenario-wide rules.  A candidate naming envelopes of two funds is eligible where at least one
    fund's rules admit it, and may be paid only by those (``eligible_envelopes``).

    Returns
    -------
    DataFrame
        Indexed like ``cands``: ``eligible`` (bool), ``reason`` (``""`` when eligible, else
        every rule broken, ``"; "``-separated, e.g. ``"total cost 0.20 M€ below the 0.25 M€
        minimum"``; prefixed by the envelope when the envelopes' funds refuse for different
        reasons) and ``eligible_envelopes`` (the ``;``-separated envelopes that may pay).
        Nothing is dropped silently.
    """
    r: dict[str, Any] = dict(scenario.eligibility_at(when)) if scenario is not None else {}
    if rules:
        r.update(rules)
    codes = dict(scenario.envelope_codes) if scenario is not None else None
    roi_rule = None
    if scenario is not None and scenario.selection.roi_mode == "rule":
        roi_rule = float(scenario.selection.roi_target_ratio)
    base = _rule_reasons(cands, r, roi_rule, call, scenario, when)
    by_fund = {}  # a fund's own rules (two-fund scenarios), judged the same way
    for fund in (set(codes.values()) if codes else ()):
        own = scenario.eligibility_of_fund(fund, when)
        if own is not None:
            own.update(rules or {})
            by_fund[fund] = (own, _rule_reasons(cands, own, roi_rule, call, scenario, when))
    owners = owner_types_of(cands)
    lab = cands["innovation_lab"].to_numpy(bool) if "innovation_lab" in cands else np.zeros(len(cands), bool)
    eligible, reasons, ok_envs = [], [], []
    for i, cell in enumerate(cands["envelope"]):
        envs = list(dict.fromkeys(split_ids(cell)))
        per_env: dict[str, list[Message]] = {}
        if codes is None:
            per_env = {e: list(base[i]) for e in envs} or {"": list(base[i])}
            for e in envs:
                owner_why = _owner_reason(owners[i], r.get("owner_types"), e, None)
                if owner_why:
                    per_env[e].append(owner_why)
        else:
            for e in envs:
                if e not in codes:
                    continue
                fund = codes[e]
                rr, rs = by_fund.get(fund, (r, base))
                per_env[e] = list(rs[i])
                owner_why = _owner_reason(owners[i], rr.get("owner_types"), e, fund)
                if owner_why:
                    per_env[e].append(owner_why)
                if e in (rr.get("innovation_lab_envelopes") or ()) and not lab[i]:
                    per_env[e].append(msg("R_INNOVATION_LAB", envelope=e))
        good = [e for e, x in per_env.items() if not x]
        if codes is not None and not per_env:
            why = list(base[i]) + [msg("R_ENVELOPE_NOT_OPEN", envelope=cell)]
        else:
            lists = list(per_env.values())
            if all(x == lists[0] for x in lists):
                why = lists[0]
            else:
                why = [msg("R_FOR_ENVELOPE", envelope=e, reason=x) for e, xs in per_env.items() for x in xs]
        eligible.append(bool(good))
        reasons.append("" if eligible[-1] else Text(msg("R_PARTS", parts=why)))
        ok_envs.append(";".join(e for e in good if e))
    return pd.DataFrame({"eligible": eligible, "reason": reasons, "eligible_envelopes": ok_envs}, index=cands.index)


def _rule_reasons(cands: pd.DataFrame, r: Mapping[str, Any], roi_rule: float | None, call: Any,
                  scenario: Any, when: Any) -> list[list[Message]]:
    """Every rule of ``r`` each candidate breaks, as coded messages (one list per candidate)."""
    reasons: list[list[Message]] = [[] for _ in range(len(cands))]
    total = cands["total_cost_eur"].to_numpy(float)
    req = cands["requested_eur"].to_numpy(float)
    terr = cands["territorial"].to_numpy(bool)
    m = r.get("min_total_cost_eur")
    mt = r.get("min_total_cost_territorial_eur", m)
    for i in range(len(cands)):
        floor = mt if terr[i] and mt is not None else m
        if floor is not None and total[i] < floor:
            code = "R_COST_BELOW_TERRITORIAL_MIN" if terr[i] and mt is not None and mt != m else "R_COST_BELOW_MIN"
            reasons[i].append(msg(code, total_meur=total[i] / 1e6, floor_meur=floor / 1e6))
    if r.get("max_requested_eur") is not None:
        for j in np.flatnonzero(req > r["max_requested_eur"]):
            reasons[j].append(msg("R_REQUEST_ABOVE_MAX", requested_meur=req[j] / 1e6,
                                  max_meur=r["max_requested_eur"] / 1e6))
    cof = r.get("cofinancing_rate") or {}
    share = 1.0 - req / total
    if "min" in cof:
        for j in np.flatnonzero(share < cof["min"] - 1e-9):
            reasons[j].append(msg("R_COFINANCING_BELOW", share_pct=share[j] * 100, min_pct=cof["min"] * 100))
    if "max" in cof:
        for j in np.flatnonzero(share > cof["max"] + 1e-9):
            reasons[j].append(msg("R_COFINANCING_ABOVE", share_pct=share[j] * 100, max_pct=cof["max"] * 100))
    themes = r.get("themes")
    if themes:
        for i, t in enumerate(cands["theme"]):
            if t and t not in themes:
                reasons[i].append(msg("R_THEME", theme=t))
    for i, why in enumerate(_track_reasons(total, r, call)):
        if why:
            reasons[i].append(why)
    for i, why in enumerate(_window_reasons(cands, r, scenario, when)):
        if why:
            reasons[i].append(why)
    bar = r.get("min_quality_points")
    if bar is None and scenario is not None:
        bar = scenario.selection.min_quality_points
    if bar is not None:
        # the quality bar is judged on the weighted score under the weights in force
        # (``quality_weights``: the committee's, set by the selection, see
        # workbench.selection.inputs.quality_bar_settings), else the scenario's declared weights;
        # an analysis that varies the weights (SMAA) keeps the bar of the weights in force.  The
        # bar is an assumption of the workbench, not a rule of the fund's texts: a project the
        # committee forces in passes it (``quality_bar_waived``, an override it records)
        w = r.get("quality_weights") or (scenario.weights if scenario is not None else {c: 1.0 for c in CRITERIA})
        scale = scenario.criteria_scale if scenario is not None else _SCALE
        q = quality_points(cands, w, scale).to_numpy(float)
        waived = set(map(str, r.get("quality_bar_waived") or ()))
        ids = cands["id"].astype(str).to_numpy()
        for j in np.flatnonzero(~(q >= float(bar) - 1e-9)):
            if ids[j] not in waived:
                reasons[j].append(msg("R_QUALITY_BAR", score=q[j], bar=float(bar)))
    if roi_rule is not None:
        roi = roi_ratio(cands).to_numpy(float)
        for i in range(len(cands)):
            if not (roi[i] >= roi_rule):
                reasons[i].append(msg("R_ROI_MISSING", target=roi_rule) if math.isnan(roi[i])
                                  else msg("R_ROI_BELOW", roi=roi[i], target=roi_rule))
    return reasons


# ---- rules of the funds' texts, one helper each -------------------------------------------------
def owner_types_of(cands: pd.DataFrame) -> list[list[str]]:
    """Each candidate's owner types (``owner_type`` column, ``;`` joins a group of owners; empty
    when the column is absent or the cell blank: such a candidate is not checked)."""
    if "owner_type" not in cands.columns:
        return [[] for _ in range(len(cands))]
    return [split_ids(v) for v in cands["owner_type"]]


def _owner_reason(types: list[str], allowed_by_code: Mapping[str, list[str]] | None, envelope: str,
                  fund: str | None) -> Message | None:
    """Why owners of these types may not apply to ``envelope`` (its own list, else its fund's).

    Who may apply: State central and deconcentrated services and operators for FTAP and FITN
    (several may group), local authorities for ITN7 ("Fonds pour la transformation publique",
    DITP, 2021).
    """
    if not types or not allowed_by_code:
        return None
    allowed = allowed_by_code.get(envelope) or (allowed_by_code.get(fund) if fund else None)
    if not allowed:
        return None
    bad = [t for t in types if t not in allowed]
    if not bad:
        return None
    return msg("R_OWNER_TYPE", types=", ".join(bad), envelope=envelope, allowed=", ".join(allowed))


def _track_reasons(total: np.ndarray, r: Mapping[str, Any], call: Any) -> list[Message | None]:
    """FITN's routing: a project below ``fast_track_threshold_eur`` [EUR] is examined on the
    continuous track (« au fil de l'eau »), a larger one every 3 to 4 months on the FTAP calendar
    ("Fonds pour la transformation publique", DITP, 2021); at a session of the other track it is
    ineligible, with the reason."""
    thr = r.get("fast_track_threshold_eur")
    track = getattr(call, "track", None)
    out: list[Message | None] = [None] * len(total)
    if thr is None or track not in ("fast", "regular"):
        return out
    for i, t in enumerate(total):
        if track == "fast" and t >= thr:
            out[i] = msg("R_TRACK_ABOVE", total_meur=t / 1e6, threshold_meur=thr / 1e6)
        elif track == "regular" and t < thr:
            out[i] = msg("R_TRACK_BELOW", total_meur=t / 1e6, threshold_meur=thr / 1e6)
    return out


def commitment_delay_months(cands: pd.DataFrame, scenario: Any = None, rules: Mapping[str, Any] | None = None
                            ) -> np.ndarray:
    """Months from the committee's decision to the commitment of each candidate's grant.

    The nominal lag from the decision to the commitment (the scenario's
    :attr:`~workbench.scenario.Scenario.contract_lag_months`: the median of
    ``disbursement.commitment_lag``, or a fixed ``contract_lag_months``; without a scenario the
    schema's default, :class:`workbench.scenario.DisbursementSection`) plus, for a project whose cost passes ``governance_gate_eur`` (9 M€: the opinion
    of the DINUM director, "Sécuriser la mise en œuvre des grands projets numériques de l'État",
    DINUM, 2021), ``governance_gate_delay_months``.
    """
    lag = float((scenario.disbursement if scenario is not None else DisbursementSection()).contract_lag_months)
    r = dict(rules) if rules is not None else (scenario.eligibility_at() if scenario is not None else {})
    gated = governance_gated(cands, r)
    return lag + gated * float(r.get("governance_gate_delay_months") or 0.0)


def governance_gated(cands: pd.DataFrame, r: Mapping[str, Any]) -> np.ndarray:
    """Projects whose cost passes ``governance_gate_eur`` [EUR]: the full cost (MAREVA method:
    investment plus two years of running costs, column ``full_cost_eur``) where the candidate
    gives it, else ``total_cost_eur``."""
    gate = r.get("governance_gate_eur")
    if gate is None:
        return np.zeros(len(cands), bool)
    return full_cost(cands) > float(gate)


def full_cost(cands: pd.DataFrame) -> np.ndarray:
    """The cost that counts for the gate [EUR]: ``full_cost_eur`` where given, else ``total_cost_eur``."""
    total = cands["total_cost_eur"].to_numpy(float)
    if "full_cost_eur" not in cands.columns:
        return total
    fc = cands["full_cost_eur"].to_numpy(float)
    return np.where(np.isnan(fc), total, fc)


def _window_reasons(cands: pd.DataFrame, r: Mapping[str, Any], scenario: Any, when: Any) -> list[Message | None]:
    """A grant committed after ``last_commitment_date`` is refused (FITN: credits « mobilisables en
    2021 et 2022 », France Relance action 6-2, 2021): the commitment comes the decision date plus
    :func:`commitment_delay_months` later."""
    last = r.get("last_commitment_date")
    out: list[Message | None] = [None] * len(cands)
    if last is None or when is None:
        return out
    import datetime as dt

    from ..params import as_date

    last, when = as_date(last), as_date(when)
    months = commitment_delay_months(cands, scenario, r)
    for i, mth in enumerate(months):
        commit = when + dt.timedelta(days=round(float(mth) * 30.4375))
        if commit > last:
            out[i] = msg("R_AFTER_LAST_COMMITMENT", commitment=commit.isoformat(), last=last.isoformat())
    return out


def flags(cands: pd.DataFrame, scenario: Any = None, when: Any = None,
          rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Warnings a committee sees at selection, without refusing the candidate.

    ``first_results_late``: the candidate's ``first_results_months`` (optional column) exceeds the
    fund's ``first_results_months`` (FITN: « premiers résultats tangibles et mesurables dans un
    délai de 12 mois maximum après son lancement », DITP, 2021); ``governance_gate``: the cost
    passes ``governance_gate_eur`` (see :func:`governance_gated`); ``flag``: both in words.
    A candidate is judged by the rules of the fund of its first envelope.
    """
    r: dict[str, Any] = dict(scenario.eligibility_at(when)) if scenario is not None else {}
    if rules:
        r.update(rules)
    codes = dict(scenario.envelope_codes) if scenario is not None else {}
    n = len(cands)
    own_rules = {}
    for fund in set(codes.values()):
        own = scenario.eligibility_of_fund(fund, when)
        if own is not None:
            own.update(rules or {})
            own_rules[fund] = own
    first = [next((codes[e] for e in split_ids(c) if e in codes), None) for c in cands["envelope"]]
    fr = cands["first_results_months"].to_numpy(float) if "first_results_months" in cands.columns \
        else np.full(n, np.nan)
    late = np.zeros(n, bool)
    gated = np.zeros(n, bool)
    text = [""] * n
    fc = full_cost(cands)
    for i in range(n):
        ri = own_rules.get(first[i], r)
        lim = ri.get("first_results_months")
        words = []
        if lim is not None and not np.isnan(fr[i]) and fr[i] > float(lim):
            late[i] = True
            words.append(msg("R_FLAG_FIRST_RESULTS", months=fr[i], promise_months=float(lim)))
        gate = ri.get("governance_gate_eur")
        if gate is not None and fc[i] > float(gate):
            gated[i] = True
            words.append(msg("R_FLAG_DINUM_OPINION", cost_meur=fc[i] / 1e6, gate_meur=float(gate) / 1e6))
        text[i] = Text(msg("R_PARTS", parts=words)) if words else ""
    return pd.DataFrame({"first_results_late": late, "governance_gate": gated, "flag": text}, index=cands.index)
