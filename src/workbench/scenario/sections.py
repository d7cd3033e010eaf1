"""The typed, frozen sections of a loaded scenario: what every consumer reads.

Each section is a frozen dataclass built once when a scenario loads (:class:`~workbench.scenario.
model.Scenario` holds them: ``scenario.selection``, ``scenario.disbursement``,
``scenario.uncertainty``, ``scenario.robustness``, ``scenario.simulation``,
``scenario.sensitivity``, ``scenario.calibration``, ``scenario.candidates``,
``scenario.followup``, ``scenario.criteria``, ``scenario.policies``), with every key's value, or
the default the schema declares for it (:func:`workbench.scenario.schema.default_of`: one home
per default).  A section built with no data (``SelectionSection()``) holds the defaults: what a
consumer uses without a scenario.

A dated parameter's section value is its latest one (as ``scenario.value(key)``); the calls, the
weights and the eligibility rules, which change from call to call, are read at a date through the
scenario's methods (:meth:`~workbench.scenario.model.Scenario.weights_at`,
:meth:`~workbench.scenario.model.Scenario.eligibility_at`).  Also here: the resolved objects the
scenario builds, :class:`Call`, :class:`Fund`, :class:`CommitmentLag` and :class:`ValueModel`.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass, field, fields
from functools import partial
from collections.abc import Mapping
from typing import Any

from .. import credits as CR
from .. import params as P
from .. import uncertainty as U
from .schema import CRITERIA, DEFAULT_SCALE, default_of


class FrozenMap(dict):
    """A section's mapping: a ``dict`` (JSON, ``isinstance(x, dict)``, pickles) that refuses changes."""

    __slots__ = ()

    def _read_only(self, *args, **kwargs):
        raise TypeError("a scenario's section is read-only (make a new scenario: Scenario.with_overrides)")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only

    def __reduce__(self):
        return (FrozenMap, (dict(self),))


def _plain(node: Any) -> Any:
    """A parameter node's (latest) value; anything else as it is."""
    return P.value(node) if P.is_param_node(node) else node


def _frozen_map(node: Any) -> Mapping:
    """A mapping's items, each parameter node as its value, read-only."""
    return FrozenMap({k: _plain(v) for k, v in (node or {}).items()})


def _tuple(node: Any) -> tuple:
    return tuple(_plain(node) or ())


def _read(cls, node: Any, convert: Mapping[str, Any] | None = None):
    """``cls`` (a section) from a scenario's block ``node``: each field from its key (``key`` in the
    field's metadata, else its name), through ``convert[name]`` when given, else as its plain
    value; a key left out keeps the field's default (the schema's)."""
    node = node if isinstance(node, dict) else {}
    convert = convert or {}
    values = {}
    for f in fields(cls):
        if not f.init:
            continue
        key = f.metadata.get("key", f.name)
        if key in node and node[key] is not None:
            conv = convert.get(f.name)
            values[f.name] = conv(node[key]) if conv is not None else _plain(node[key])
    return cls(**values)


def _frozen_copy(d: dict) -> FrozenMap:
    """A read-only copy of ``d`` (a field's default, made afresh for each section)."""
    return FrozenMap(dict(d))


def _key(name: str, section: str) -> Any:
    """A dataclass field whose default is the schema's for ``section.name`` (its key in the file)."""
    default = default_of(f"{section}.{name}")
    if isinstance(default, dict):
        return field(default_factory=partial(_frozen_copy, default), metadata={"key": name})
    if isinstance(default, list):
        default = tuple(default)
    return field(default=default, metadata={"key": name})


# ------------------------------------------------------------------------------------------------
# resolved objects: calls, funds, the commitment lag, the value model
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """One call for projects (or one session of a recurring call).

    ``budget_eur`` is ``None`` when the call may commit until the fund's credits are exhausted.
    """

    id: str
    fund: str
    decision: dt.date
    open: dt.date | None = None
    deadline: dt.date | None = None
    budget_eur: float | None = None
    envelopes: tuple[str, ...] = ()
    track: str = default_of("calls.<i>.track")
    expected_applications: int | None = None
    expected_total_cost_eur: float | None = None
    expected_requested_eur: float | None = None
    title: str = ""

    @property
    def year(self) -> int:
        return self.decision.year


@dataclass(frozen=True)
class Fund:
    """A fund: its envelope, appropriations and sub-envelopes, amounts in euros.

    ``envelope_eur`` is the latest envelope; ``envelope_values`` every value with its start date
    (None: not dated), read at a date by :func:`workbench.credits.envelope_at_eur`;
    ``reserve_rates`` the reserve rate's values likewise; ``movements`` the dated movements of the
    credits (:class:`workbench.credits.Movement`); ``cp_on_programme_rate`` the share of its
    payments executed on its own programme's CP.  The credits available at a date or in a year
    are :mod:`workbench.credits`'s to compute.
    """

    code: str
    title: str
    envelope_eur: float
    sub_envelopes_eur: dict[str, float]
    appropriations: dict[int, dict[str, float]]
    cp_carryover_cap_rate: float
    allow_overcommitment: bool
    envelope_values: tuple = ()
    reserve_rates: tuple = ()
    movements: tuple = ()
    cp_on_programme_rate: float = default_of("funds.<code>.cp_on_programme_rate")

    @property
    def largest_envelope_eur(self) -> float:
        """The largest of its envelope's values over time [EUR] (FTAP: 780 M€ after its 2022 top-up)."""
        return max(float(v) for _, v in self.envelope_values) if self.envelope_values else float(self.envelope_eur)


def dated_values(node: Any) -> tuple:
    """A parameter node's values with their start dates: ``((date, value), ...)`` in date order,
    ``((None, value),)`` for an undated one, ``()`` when absent."""
    if node is None:
        return ()
    if isinstance(node, dict) and "values" in node:
        return tuple((d, float(v)) for d, v, _ in P.dated_entries(node))
    return ((None, float(P.value(node))),)


def _movements(f: dict) -> tuple:
    out = []
    for y, a in (f.get("appropriations") or {}).items():
        for m in (a or {}).get("movements") or ():
            out.append(CR.Movement(date=m["date"], kind=m["kind"], ae_eur=float(P.value(m.get("ae_eur", 0.0))),
                                   cp_eur=float(P.value(m.get("cp_eur", 0.0))), year=int(y),
                                   source=m.get("reference") or m.get("assumption") or ""))
    return tuple(out)


def read_fund(code: str, f: dict) -> Fund:
    """The :class:`Fund` of ``funds.<code>`` (defaults from the schema)."""
    cap = f.get("cp_carryover_cap_rate", default_of("funds.<code>.cp_carryover_cap_rate"))
    on_prog = P.value(f.get("cp_on_programme_rate"))
    return Fund(
        code=code,
        title=f.get("title", code),
        envelope_eur=float(P.value(f["envelope_eur"])),
        sub_envelopes_eur={k: float(P.value(s["amount_eur"])) for k, s in (f.get("sub_envelopes") or {}).items()},
        appropriations={
            int(y): {k: float(P.value(v)) for k, v in a.items() if k in ("ae_eur", "cp_eur")}
            for y, a in (f.get("appropriations") or {}).items()
        },
        cp_carryover_cap_rate=float(P.value(cap)),
        allow_overcommitment=bool(f.get("allow_overcommitment", default_of("funds.<code>.allow_overcommitment"))),
        envelope_values=dated_values(f["envelope_eur"]),
        reserve_rates=dated_values(f.get("reserve_rate")),
        movements=_movements(f),
        cp_on_programme_rate=float(default_of("funds.<code>.cp_on_programme_rate") if on_prog is None else on_prog),
    )


def _add_months(d: dt.date, months: int) -> dt.date:
    m = d.month - 1 + months
    y = d.year + m // 12
    m = m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def expand_calls(raw_calls: list[dict]) -> list[Call]:
    """Calls as :class:`Call` objects, recurring ones (``every_months`` … ``until``) expanded.

    A recurring call ``X`` gives sessions ``X-1``, ``X-2``, … whose dates move by the period.
    """
    out: list[Call] = []
    for c in raw_calls:
        base = dict(
            fund=c["fund"],
            open=c.get("open"),
            deadline=c.get("deadline"),
            budget_eur=None if c.get("budget_eur") is None else float(P.value(c["budget_eur"])),
            envelopes=tuple(c.get("envelopes") or ()),
            track=c.get("track", default_of("calls.<i>.track")),
            expected_applications=c.get("expected_applications"),
            expected_total_cost_eur=None if c.get("expected_total_cost_eur") is None
            else float(P.value(c["expected_total_cost_eur"])),
            expected_requested_eur=None if c.get("expected_requested_eur") is None
            else float(P.value(c["expected_requested_eur"])),
            title=c.get("title", ""),
        )
        if c.get("every_months"):
            k, i = int(c["every_months"]), 0
            while True:
                dec = _add_months(c["decision"], k * i)
                if dec > c.get("until", c["decision"]):
                    break
                shift = {
                    key: (_add_months(base[key], k * i) if base[key] else None) for key in ("open", "deadline")
                }
                out.append(Call(id=f"{c['id']}-{i + 1}", decision=dec, **{**base, **shift}))
                i += 1
        else:
            out.append(Call(id=c["id"], decision=c["decision"], **base))
    return sorted(out, key=lambda c: (c.decision, c.id))


@dataclass(frozen=True)
class CommitmentLag:
    """Months from the committee's decision to the legal commitment of a grant (the transformation
    contract signed: the AE consumed), before any governance-gate delay.

    ``lognormal``: ``median_months x exp(sigma x Z)``, ``Z`` standard normal, at most
    ``max_months``; ``sigma`` is the standard deviation of the lag's logarithm (the P90 is
    ``median x exp(1.2816 sigma)``).  ``fixed``: ``median_months`` for every project (what a
    plain ``contract_lag_months`` gives).  The simulation draws a lag per project and draw; the
    selection's payment calendars use the median (:attr:`DisbursementSection.contract_lag_months`).
    """

    distribution: str = "fixed"
    median_months: float = default_of("disbursement.contract_lag_months")
    sigma: float = default_of("disbursement.commitment_lag.sigma")
    max_months: float = default_of("disbursement.commitment_lag.max_months")

    def quantile_months(self, q: float) -> float:
        """The lag's ``q`` quantile [months] (``q`` in (0, 1))."""
        from statistics import NormalDist

        if self.sigma <= 0 or self.median_months <= 0:
            return min(self.median_months, self.max_months)
        return min(self.median_months * math.exp(self.sigma * NormalDist().inv_cdf(q)), self.max_months)

    def describe(self) -> dict:
        return {"distribution": self.distribution, "median_months": self.median_months, "sigma": self.sigma,
                "max_months": None if math.isinf(self.max_months) else self.max_months,
                "p10_months": self.quantile_months(0.1), "p90_months": self.quantile_months(0.9)}

    @classmethod
    def from_disbursement(cls, d: Mapping) -> CommitmentLag:
        """The lag a ``disbursement`` block gives: its ``commitment_lag``, else a fixed
        ``contract_lag_months``, else the default (fixed at the schema's ``contract_lag_months``)."""
        node = d.get("commitment_lag")
        if node:
            kind = node.get("distribution", "fixed")
            sigma = P.value(node.get("sigma")) if kind == "lognormal" else 0.0
            mx = P.value(node.get("max_months"))
            return cls(distribution=kind, median_months=float(P.value(node["median_months"])),
                       sigma=float(sigma or 0.0), max_months=math.inf if mx is None else float(mx))
        v = P.value(d.get("contract_lag_months"))
        if v is not None:
            return cls(distribution="fixed", median_months=float(v))
        return cls()


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

    kind: str = default_of("criteria.value_model.kind")
    scope: str = default_of("criteria.value_model.scope")

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


# ------------------------------------------------------------------------------------------------
# sections
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CriteriaSection:
    """``criteria``: the scoring scale, the value model and the criteria's names (the weights,
    dated, are read at a date: :meth:`~workbench.scenario.model.Scenario.weights_at`)."""

    scale: tuple[float, float] = (float(DEFAULT_SCALE["min"]), float(DEFAULT_SCALE["max"]))
    value_model: ValueModel = field(default_factory=ValueModel)
    labels: Mapping[str, str] = field(default_factory=lambda: FrozenMap({}))

    @classmethod
    def from_data(cls, node: Any) -> CriteriaSection:
        node = node if isinstance(node, dict) else {}
        s = node.get("scale") or DEFAULT_SCALE
        vm = node.get("value_model") or {}
        return cls(scale=(float(s["min"]), float(s["max"])),
                   value_model=ValueModel(kind=vm.get("kind", ValueModel.kind),
                                          scope=vm.get("scope", ValueModel.scope)),
                   labels=FrozenMap(dict(node.get("labels") or {})))


@dataclass(frozen=True)
class SelectionSection:
    """``selection``: the rules a selection is built with, and how the committees decide.

    Field names carry their unit (``roi_weight_rate`` is the key ``roi_weight``); mappings are
    read-only, lists are tuples.  :meth:`settings` gives the rules as the selection model reads
    them (:func:`workbench.selection.settings`).
    """

    rule: str = _key("rule", "selection")
    fixed_list: tuple[str, ...] = _key("fixed_list", "selection")
    budget_eur: float | None = _key("budget_eur", "selection")
    force_in: tuple[str, ...] = _key("force_in", "selection")
    force_out: tuple[str, ...] = _key("force_out", "selection")
    allow_phase1: bool = _key("allow_phase1", "selection")
    roi_target_ratio: float = _key("roi_target_ratio", "selection")
    roi_target_years: float = _key("roi_target_years", "selection")
    roi_mode: str = _key("roi_mode", "selection")
    owner_share_max_rate: float | None = _key("owner_share_max_rate", "selection")
    owner_share_min_rate: Mapping[str, float] = _key("owner_share_min_rate", "selection")
    theme_share_min_rate: Mapping[str, float] = _key("theme_share_min_rate", "selection")
    theme_share_max_rate: Mapping[str, float] = _key("theme_share_max_rate", "selection")
    time_limit_s: float = _key("time_limit_s", "selection")
    mip_rel_gap: float = _key("mip_rel_gap", "selection")
    phase1_value_rate: float | None = _key("phase1_value_rate", "selection")
    roi_weight_rate: float = field(default=default_of("selection.roi_weight"), metadata={"key": "roi_weight"})
    payment_limits_eur: Mapping[int, float] = _key("payment_limits_eur", "selection")
    sub_envelope_budgets_eur: Mapping[str, float] = _key("sub_envelope_budgets_eur", "selection")
    min_quality_points: float | None = _key("min_quality_points", "selection")
    call_allotment: str = field(default=default_of("selection.call_allotment.rule"), metadata={"key": "call_allotment"})
    call_decision: str = _key("call_decision", "selection")
    next_phase_after_months: float = _key("next_phase_after_months", "selection")
    call_settings: Mapping[str, Mapping[str, Any]] = _key("call_settings", "selection")
    override_reasons: Mapping[str, str] = _key("override_reasons", "selection")

    #: The keys of :meth:`settings` (the rules the selection model is built from; a caller's
    #: ``rules`` may replace any of them, :data:`workbench.selection.RULE_KEYS`).
    RULES = ("budget_eur", "allow_phase1", "phase1_value_rate", "owner_share_max_rate", "owner_share_min_rate",
             "theme_share_min_rate", "theme_share_max_rate", "payment_limits_eur", "time_limit_s", "mip_rel_gap",
             "roi_mode", "roi_target_ratio", "roi_weight", "force_in", "force_out", "sub_envelope_budgets_eur")

    @classmethod
    def from_data(cls, node: Any) -> SelectionSection:
        def call_settings(v):
            out = {}
            for call, n in (v or {}).items():
                n = n or {}
                w = n.get("weights")
                out[str(call)] = FrozenMap({
                    "weights": {c: float(w.get(c, 0.0)) for c in CRITERIA} if w else None,
                    "budget_eur": None if n.get("budget_eur") is None else float(n["budget_eur"]),
                    "force_in": [str(x) for x in n.get("force_in") or []],
                    "force_out": [str(x) for x in n.get("force_out") or []]})
            return FrozenMap(out)

        return _read(cls, node, {
            "fixed_list": lambda v: tuple(str(x) for x in v), "force_in": _tuple, "force_out": _tuple,
            "owner_share_min_rate": _frozen_map, "theme_share_min_rate": _frozen_map,
            "theme_share_max_rate": _frozen_map, "payment_limits_eur": _frozen_map,
            "sub_envelope_budgets_eur": _frozen_map,
            "call_allotment": lambda v: (v or {}).get("rule", default_of("selection.call_allotment.rule")),
            "call_settings": call_settings,
            "override_reasons": lambda v: FrozenMap({str(k): str(x) for k, x in (v or {}).items()}),
        })

    def value_of(self, key: str) -> Any:
        """The value of the scenario key ``key`` of this section (``roi_weight``, ``call_allotment``…)."""
        for f in fields(self):
            if f.metadata.get("key", f.name) == key:
                return getattr(self, f.name)
        raise KeyError(key)

    def settings(self) -> dict:
        """The selection rules (:data:`RULES`) by their scenario key, as plain lists and dicts."""
        out = {}
        for k in self.RULES:
            v = self.value_of(k)
            out[k] = dict(v) if isinstance(v, Mapping) else list(v) if isinstance(v, tuple) else v
        return out


@dataclass(frozen=True)
class DisbursementSection:
    """``disbursement``: the lag from the decision to the commitment and the payment profile."""

    commitment_lag: CommitmentLag = field(default_factory=CommitmentLag)
    profile_rates: tuple[float, ...] = tuple(float(x) for x in default_of("disbursement.profile_rates"))
    use_project_schedule: bool = default_of("disbursement.use_project_schedule")

    @property
    def contract_lag_months(self) -> float:
        """The nominal lag from the decision to the commitment [months]: the lag's median (the
        planned calendars of the selection are drawn with it)."""
        return float(self.commitment_lag.median_months)

    @classmethod
    def from_data(cls, node: Any) -> DisbursementSection:
        node = node if isinstance(node, dict) else {}
        prof = P.value(node.get("profile_rates"))
        return cls(commitment_lag=CommitmentLag.from_disbursement(node),
                   profile_rates=cls.profile_rates if prof is None else tuple(float(x) for x in prof),
                   use_project_schedule=bool(node.get("use_project_schedule", cls.use_project_schedule)))


@dataclass(frozen=True)
class Mixture:
    """A cost-overrun or delay ratio's mixture as the scenario sets it: every parameter
    (:data:`workbench.uncertainty.PARAM_NAMES`), each left out the fit to the reference classes,
    and the source of the figures."""

    kind: str
    params: Mapping[str, float]
    source: str

    @classmethod
    def from_data(cls, kind: str, node: Any) -> Mixture:
        node = node if isinstance(node, dict) else {}
        vals = {k: float(P.value(node[k])) if k in node else float(default_of(f"uncertainty.{kind}.{k}"))
                for k in U.PARAM_NAMES}
        src = " ; ".join(x for x in (node.get("reference"), node.get("assumption")) if x) or U.DEFAULT_SOURCES[kind]
        return cls(kind, FrozenMap(vals), src)


@dataclass(frozen=True)
class UncertaintySection:
    """``uncertainty``: the projects' risks the simulation draws (defaults: the fits to the
    reference classes, :mod:`workbench.uncertainty`, and the schema's assumptions)."""

    enabled: bool = _key("enabled", "uncertainty")
    cost_overrun: Mixture = field(default_factory=lambda: Mixture.from_data("cost_overrun", None))
    delay: Mixture = field(default_factory=lambda: Mixture.from_data("delay", None))
    attrition_rate: float = _key("attrition_rate", "uncertainty")
    phase1_only_rate: float = _key("phase1_only_rate", "uncertainty")
    savings_mean_rate: float = default_of("uncertainty.savings_realisation.mean_rate")
    savings_sd_rate: float = default_of("uncertainty.savings_realisation.sd_rate")
    overrun_paid_by_fund_rate: float = _key("overrun_paid_by_fund_rate", "uncertainty")
    attrition_decommit_months: float = _key("attrition_decommit_months", "uncertainty")

    @classmethod
    def from_data(cls, node: Any) -> UncertaintySection:
        node = node if isinstance(node, dict) else {}
        sav = node.get("savings_realisation") or {}
        base = _read(cls, {k: v for k, v in node.items() if k not in ("cost_overrun", "delay")},
                     {"enabled": bool, "attrition_rate": lambda v: float(P.value(v)),
                      "phase1_only_rate": lambda v: float(P.value(v)),
                      "overrun_paid_by_fund_rate": lambda v: float(P.value(v)),
                      "attrition_decommit_months": lambda v: float(P.value(v))})
        return cls(enabled=base.enabled, cost_overrun=Mixture.from_data("cost_overrun", node.get("cost_overrun")),
                   delay=Mixture.from_data("delay", node.get("delay")), attrition_rate=base.attrition_rate,
                   phase1_only_rate=base.phase1_only_rate,
                   savings_mean_rate=float(P.value(sav.get("mean_rate", cls.savings_mean_rate))),
                   savings_sd_rate=float(P.value(sav.get("sd_rate", cls.savings_sd_rate))),
                   overrun_paid_by_fund_rate=base.overrun_paid_by_fund_rate,
                   attrition_decommit_months=base.attrition_decommit_months)

    def mixture(self, kind: str) -> Mixture:
        """The mixture of ``kind`` (``cost_overrun`` or ``delay``)."""
        return {"cost_overrun": self.cost_overrun, "delay": self.delay}[kind]


@dataclass(frozen=True)
class RobustnessSection:
    """``robustness``: how the weights are drawn for the robustness of a selection."""

    samples: int | None = _key("samples", "robustness")
    weight_intervals: Mapping[str, tuple[float, float]] | None = _key("weight_intervals", "robustness")
    weight_order: tuple[str, ...] | None = _key("weight_order", "robustness")
    with_cost_uncertainty: bool = _key("with_cost_uncertainty", "robustness")
    within_envelope_probability: float = _key("within_envelope_probability", "robustness")
    contingency_reserve_rate: float | None = _key("contingency_reserve_rate", "robustness")

    @classmethod
    def from_data(cls, node: Any) -> RobustnessSection:
        return _read(cls, node, {
            "weight_intervals": lambda v: FrozenMap({c: tuple(x) for c, x in v.items()}) if v else None,
            "weight_order": lambda v: tuple(v) if v else None, "with_cost_uncertainty": bool})


@dataclass(frozen=True)
class SimulationSection:
    """``simulation``: the envelope simulation's draws, the same for every front end."""

    draws: int = _key("draws", "simulation")

    @classmethod
    def from_data(cls, node: Any) -> SimulationSection:
        return _read(cls, node, {"draws": int})


@dataclass(frozen=True)
class SensitivitySection:
    """``sensitivity``: Saltelli's samples, the draws per set and the factors with their ranges."""

    samples: int = _key("samples", "sensitivity")
    draws_per_set: int = _key("draws_per_set", "sensitivity")
    factors: Mapping[str, Mapping[str, Any]] = _key("factors", "sensitivity")
    reference: str | None = None
    assumption: str | None = None

    @classmethod
    def from_data(cls, node: Any) -> SensitivitySection:
        return _read(cls, node, {"samples": int, "draws_per_set": int,
                                 "factors": lambda v: FrozenMap({str(k): FrozenMap(dict(f or {}))
                                                                        for k, f in v.items()})})


@dataclass(frozen=True)
class CalibrationSection:
    """``calibration``: the calibrated parameters with their priors, the discrepancy, the posterior
    sample and the history-matching settings, and the models a back-test must reject."""

    parameters: Mapping[str, Mapping[str, Any]] = _key("parameters", "calibration")
    discrepancy_rate: float = _key("discrepancy_rate", "calibration")
    posterior: str | None = _key("posterior", "calibration")
    points: int = _key("points", "calibration")
    replicates: int = _key("replicates", "calibration")
    waves: int = _key("waves", "calibration")
    cutoff: float = _key("cutoff", "calibration")
    wrong_models: Mapping[str, Mapping[str, Any]] = _key("wrong_models", "calibration")

    @classmethod
    def from_data(cls, node: Any) -> CalibrationSection:
        return _read(cls, node, {
            "parameters": lambda v: FrozenMap({str(k): FrozenMap(dict(p or {})) for k, p in v.items()}),
            "discrepancy_rate": lambda v: float(P.value(v)), "points": int, "replicates": int, "waves": int,
            "cutoff": float,
            "wrong_models": lambda v: FrozenMap({str(k): FrozenMap(dict(m or {})) for k, m in v.items()})})


@dataclass(frozen=True)
class SyntheticSection:
    """``candidates.synthetic``: the synthetic pipeline's settings (FTAP's second call by default)."""

    applications: int = _key("applications", "candidates.synthetic")
    total_cost_eur: float = _key("total_cost_eur", "candidates.synthetic")
    requested_eur: float = _key("requested_eur", "candidates.synthetic")
    cost_sigma: float = _key("cost_sigma", "candidates.synthetic")
    territorial_rate: float = _key("territorial_rate", "candidates.synthetic")
    savings_per_eur_mean: float = _key("savings_per_eur_mean", "candidates.synthetic")
    phase1_rate: float = _key("phase1_rate", "candidates.synthetic")
    dependency_rate: float = _key("dependency_rate", "candidates.synthetic")
    multi_envelope_rate: float = _key("multi_envelope_rate", "candidates.synthetic")
    quality_share_link: float = _key("quality_share_link", "candidates.synthetic")

    @classmethod
    def from_data(cls, node: Any) -> SyntheticSection:
        names = [f.name for f in fields(cls)]
        return _read(cls, node, {n: (int if n == "applications" else lambda v: float(P.value(v))) for n in names})

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class CandidatesSection:
    """``candidates``: where the candidates come from."""

    source: str | None = None
    file: str | None = None
    synthetic: SyntheticSection = field(default_factory=SyntheticSection)

    @classmethod
    def from_data(cls, node: Any) -> CandidatesSection:
        node = node if isinstance(node, dict) else {}
        return cls(source=node.get("source"), file=node.get("file"),
                   synthetic=SyntheticSection.from_data(node.get("synthetic")))


@dataclass(frozen=True)
class FollowupSection:
    """``followup``: the shipped laureate book that describes the live fund, and its date."""

    example_book: str | None = None
    as_of: dt.date | None = None

    @classmethod
    def from_data(cls, node: Any) -> FollowupSection:
        return _read(cls, node)


@dataclass(frozen=True)
class PolicySection:
    """One of ``policies``: an allocation policy the simulation compares
    (:class:`workbench.envelope.Policy` is built from it)."""

    name: str = "policy"
    max_commit_share_per_call_rate: float | None = default_of("policies.<i>.max_commit_share_per_call_rate")
    reserve_last_call_eur: float = default_of("policies.<i>.reserve_last_call_eur")
    min_value_per_meur: float = default_of("policies.<i>.min_value_per_meur")
    order: str = default_of("policies.<i>.order")

    @classmethod
    def from_data(cls, node: Any) -> PolicySection:
        node = node if isinstance(node, dict) else {}
        mx = P.value(node.get("max_commit_share_per_call_rate"))
        return cls(name=str(node.get("name", cls.name)),
                   max_commit_share_per_call_rate=None if mx is None else float(mx),
                   reserve_last_call_eur=float(P.value(node.get("reserve_last_call_eur", cls.reserve_last_call_eur))
                                               or 0.0),
                   min_value_per_meur=float(P.value(node.get("min_value_per_meur", cls.min_value_per_meur)) or 0.0),
                   order=str(node.get("order", cls.order)))
