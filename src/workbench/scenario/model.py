"""The validated scenario (:class:`Scenario`): its data as resolved, its typed sections and views.

A scenario (``parameters/*.yaml``) says everything a run needs: funds and envelopes, horizon,
annual appropriations (AE/CP), sub-envelopes, calls for projects, eligibility rules, criteria
and weights, uncertainty settings, disbursement profile, selection rules, the candidate source
and the random seed.  Amounts are euros (``_eur``), rates are fractions.  Figures taken from a
document carry their source in ``reference`` (see :mod:`workbench.params`).  Its typed sections
(:mod:`workbench.scenario.sections`) hold every key's value or its one default (the schema's).
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import credits as CR
from .. import params as P
from ..errors import MISSING, Collector
from . import sections as S
from .checks import reconcile, validate_resolved
from .keypaths import deep_merge, locate, prior_applies, set_at
from .schema import ALTERNATIVE_KEYS, CRITERIA, default_of


@dataclass
class Scenario:
    """A validated scenario with ``extends`` resolved.

    Attributes
    ----------
    name : str
        The scenario's name (its ``name`` key, else the file's stem).
    path : Path
        The file it was loaded from.
    files : list[Path]
        Every file of the ``extends`` chain, the scenario's own first.
    data : dict
        The resolved content, parameters kept in their file form (value, reference, dates).
    warnings : list[str]
        Reconciliation gaps and other facts a reader must see in every report and dashboard.

    The typed sections (:mod:`workbench.scenario.sections`), built when the scenario is made,
    are what the rest of the package reads: ``selection``, ``disbursement``, ``uncertainty``,
    ``robustness``, ``simulation``, ``sensitivity``, ``calibration``, ``candidates``,
    ``followup``, ``criteria`` and ``policies``, every key's value or the schema's default.
    """

    name: str
    path: Path
    files: list[Path]
    data: dict
    warnings: list[str] = field(default_factory=list)
    selection: S.SelectionSection = field(init=False, repr=False, compare=False)
    disbursement: S.DisbursementSection = field(init=False, repr=False, compare=False)
    uncertainty: S.UncertaintySection = field(init=False, repr=False, compare=False)
    robustness: S.RobustnessSection = field(init=False, repr=False, compare=False)
    simulation: S.SimulationSection = field(init=False, repr=False, compare=False)
    sensitivity: S.SensitivitySection = field(init=False, repr=False, compare=False)
    calibration: S.CalibrationSection = field(init=False, repr=False, compare=False)
    candidates: S.CandidatesSection = field(init=False, repr=False, compare=False)
    followup: S.FollowupSection = field(init=False, repr=False, compare=False)
    criteria: S.CriteriaSection = field(init=False, repr=False, compare=False)
    policies: tuple = field(init=False, repr=False, compare=False)

    def __reduce__(self):
        """Pickled as its file's content (a sweep's worker, the dashboard's cache): the sections
        are built again from it."""
        return (type(self), (self.name, self.path, self.files, self.data, self.warnings))

    def __post_init__(self) -> None:
        d = self.data
        self.selection = S.SelectionSection.from_data(d.get("selection"))
        self.disbursement = S.DisbursementSection.from_data(d.get("disbursement"))
        self.uncertainty = S.UncertaintySection.from_data(d.get("uncertainty"))
        self.robustness = S.RobustnessSection.from_data(d.get("robustness"))
        self.simulation = S.SimulationSection.from_data(d.get("simulation"))
        self.sensitivity = S.SensitivitySection.from_data(d.get("sensitivity"))
        self.calibration = S.CalibrationSection.from_data(d.get("calibration"))
        self.candidates = S.CandidatesSection.from_data(d.get("candidates"))
        self.followup = S.FollowupSection.from_data(d.get("followup"))
        self.criteria = S.CriteriaSection.from_data(d.get("criteria"))
        self.policies = tuple(S.PolicySection.from_data(p) for p in d.get("policies") or ())

    # ---- raw access --------------------------------------------------------------------
    def node(self, keypath: str, default: Any = None) -> Any:
        """The node at a dotted key path (``funds.FTAP.envelope_eur``), or ``default``."""
        cur: Any = self.data
        for part in keypath.split("."):
            if isinstance(cur, dict) and part in cur:
                cur = cur[part]
            elif isinstance(cur, dict) and part.isdigit() and int(part) in cur:
                cur = cur[int(part)]
            else:
                return default
        return cur

    def value(self, keypath: str, default: Any = None, at: Any = None) -> Any:
        """The value of the parameter at ``keypath`` (at a date for dated parameters)."""
        node = self.node(keypath, MISSING)
        if node is MISSING or node is None:
            return default
        return P.value(node, at)

    def reference(self, keypath: str, at: Any = None) -> str | None:
        """The source recorded beside the parameter at ``keypath``."""
        return P.reference(self.node(keypath), at)

    def assumption(self, keypath: str, at: Any = None) -> str | None:
        """The reason recorded for a figure the workbench chose at ``keypath`` (``assumption``)."""
        return P.assumption(self.node(keypath), at)

    # ---- typed views -------------------------------------------------------------------
    @property
    def seed(self) -> int:
        return int(self.data.get("seed", default_of("seed")))

    @property
    def title(self) -> str:
        return self.data.get("title", self.name)

    @property
    def years(self) -> list[int]:
        h = self.data["horizon"]
        return list(range(int(h["start_year"]), int(h["end_year"]) + 1))

    @property
    def funds(self) -> dict[str, S.Fund]:
        return {code: S.read_fund(code, f) for code, f in self.data["funds"].items()}

    @property
    def envelope_codes(self) -> dict[str, str]:
        """Every envelope code a candidate may name, mapped to its fund (a fund is its own code)."""
        out = {}
        for code, f in self.funds.items():
            out[code] = code
            for s in f.sub_envelopes_eur:
                out[s] = code
        return out

    @property
    def calls(self) -> list[S.Call]:
        """The calls in decision order, recurring calls expanded into their sessions."""
        return S.expand_calls(self.data.get("calls") or [])

    @property
    def call_ids_written(self) -> tuple[str, ...]:
        """The calls' ids as the file writes them (a recurring call by its base id, not its sessions')."""
        return tuple(str(c.get("id")) for c in self.data.get("calls") or [])

    @property
    def recurring_call_ids(self) -> tuple[str, ...]:
        """The base ids of the recurring calls (``every_months``: sessions ``<id>-1``, ``<id>-2``…)."""
        return tuple(str(c["id"]) for c in self.data.get("calls") or [] if c.get("every_months"))

    @property
    def criteria_scale(self) -> tuple[float, float]:
        """The scoring scale (``criteria.scale``, else the schema's default)."""
        return self.criteria.scale

    @property
    def weights(self) -> dict[str, float]:
        w = self.data["criteria"]["weights"]
        return {c: float(P.value(w[c])) for c in CRITERIA}

    def envelope_at(self, fund: str, when: Any = None) -> float:
        """A fund's envelope in force at a date [EUR] (dated: FTAP's 700 M€, then its 2022 top-up;
        0 before its first date); the latest when ``when`` is None (``funds[fund].envelope_eur``).
        :func:`workbench.credits.envelope_at_eur`."""
        return CR.envelope_at_eur(self.funds[fund], when)

    def weights_at(self, when: Any = None) -> dict[str, float]:
        """The criteria weights in force at a date (a weight may be a dated parameter, so that a
        committee scores with the weighting of its call); the latest when ``when`` is None."""
        w = self.data["criteria"]["weights"]
        return {c: float(P.value(w[c], when)) for c in CRITERIA}

    @property
    def profile_rates(self) -> tuple[float, ...]:
        """``disbursement.profile_rates`` [fraction per year] (:attr:`disbursement`)."""
        return self.disbursement.profile_rates

    @property
    def commitment_lag(self) -> S.CommitmentLag:
        """The lag from the decision to the commitment: ``disbursement.commitment_lag``, else a
        fixed ``disbursement.contract_lag_months``, else the schema's default (:attr:`disbursement`)."""
        return self.disbursement.commitment_lag

    @property
    def contract_lag_months(self) -> float:
        """The nominal lag from the decision to the commitment [months]: the median of
        :attr:`commitment_lag` (the planned calendars of the selection are drawn with it)."""
        return self.disbursement.contract_lag_months

    @property
    def draws(self) -> int:
        """``simulation.draws``: the envelope-simulation draws every front end uses unless told otherwise."""
        return self.simulation.draws

    @property
    def overrun_paid_by_fund_rate(self) -> float:
        """``uncertainty.overrun_paid_by_fund_rate`` [fraction] (:attr:`uncertainty`)."""
        return self.uncertainty.overrun_paid_by_fund_rate

    @property
    def value_model(self) -> S.ValueModel:
        """The declared value model (:class:`~workbench.scenario.sections.ValueModel`); the one default:
        ``quality_x_scope`` on ``requested_eur`` (benefit = weighted quality x the fund's investment)."""
        return self.criteria.value_model

    @property
    def call_allotment(self) -> str:
        """The declared call-allotment rule (``selection.call_allotment.rule``)."""
        return self.selection.call_allotment

    @property
    def call_settings(self) -> dict[str, dict[str, Any]]:
        """``selection.call_settings``: a committee's own settings by call id, each with
        ``weights`` (or ``None``), ``budget_eur`` [EUR] (or ``None``), ``force_in`` and
        ``force_out`` (lists of ids); ``{}`` when the scenario names none."""
        return {c: dict(v) for c, v in self.selection.call_settings.items()}

    @property
    def override_reasons(self) -> dict[str, str]:
        """``selection.override_reasons``: why the committee forced a project in or out, by id."""
        return dict(self.selection.override_reasons)

    def without_call_settings(self) -> Scenario:
        """This scenario without a committee's call settings, override reasons and reviewed call
        (``selection.call_settings``, ``selection.override_reasons``, ``call``): the decisions of
        the scenario's own committees, which a variant's settings then change call by call.
        The scenario itself when it has none."""
        sel = self.data.get("selection") or {}
        if not sel.get("call_settings") and not sel.get("override_reasons") and not self.data.get("call"):
            return self
        data = {k: v for k, v in self.data.items() if k != "call"}
        data["selection"] = {k: v for k, v in sel.items() if k not in ("call_settings", "override_reasons")}
        return Scenario(name=self.name, path=self.path, files=list(self.files), data=data,
                        warnings=list(self.warnings))

    @property
    def review_call(self) -> str | None:
        """The call a variant was saved from (top-level ``call``), or ``None``."""
        c = self.data.get("call")
        return str(c) if c else None

    def eligibility_at(self, when: Any = None) -> dict[str, Any]:
        """The eligibility rules in force at a date (plain values; absent rules omitted)."""
        el = self.data.get("eligibility") or {}
        off = set(self.rules_off)
        out: dict[str, Any] = {}
        for k, node in el.items():
            if k in ("funds", "rules_off") or k in off:
                continue  # one fund's own rules: see eligibility_of_fund; rules switched off
            if k == "owner_types":
                out[k] = {code: list(P.value(v, when)) for code, v in node.items() if P.value(v, when) is not None}
                continue
            if k == "cofinancing_rate":
                out[k] = {b: float(P.value(node[b], when)) for b in ("min", "max")
                          if b in node and P.value(node[b], when) is not None}
            elif k == "themes":
                v = P.value(node, when)
                if v is not None:
                    out[k] = list(v)
            else:
                v = P.value(node, when)
                if v is not None:
                    out[k] = v
        return out

    def eligibility_of_fund(self, fund: str, when: Any = None) -> dict[str, Any] | None:
        """The rules of ``eligibility.funds.<fund>`` in force at a date, or ``None`` when the fund
        has no block of its own (its candidates then follow the scenario-wide rules)."""
        block = ((self.data.get("eligibility") or {}).get("funds") or {}).get(fund)
        if block is None:
            return None
        view = Scenario(name=self.name, path=self.path, files=self.files,
                        data={"eligibility": {**block, "rules_off": list(self.rules_off)}})
        return view.eligibility_at(when)

    @property
    def rules_off(self) -> tuple[str, ...]:
        """The eligibility rules switched off by name (``eligibility.rules_off``), for every fund."""
        return tuple((self.data.get("eligibility") or {}).get("rules_off") or ())

    @property
    def synthetic(self) -> bool:
        return self.candidates.source == "synthetic"

    @property
    def example_book(self) -> tuple[Path, dt.date] | None:
        """The shipped laureate book the scenario names (``followup.example_book``) and its date,
        or None."""
        if not self.followup.example_book:
            return None
        from ..resources import data_path

        as_of = self.followup.as_of
        assert as_of is not None, "the schema requires followup.as_of with followup.example_book"
        return data_path("books", self.followup.example_book), as_of

    def candidates_path(self) -> Path | None:
        """The candidate file named by the scenario, resolved against the file that named it."""
        c = self.data.get("candidates") or {}
        if c.get("source") != "file" or not c.get("file"):
            return None
        return Path(self.data["_candidates_base"]) / c["file"]

    # ---- provenance --------------------------------------------------------------------
    def resolved(self) -> dict:
        """The resolved scenario as plain YAML-able data (internal keys removed)."""
        return plain_data({k: v for k, v in self.data.items() if not k.startswith("_")})

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.resolved(), sort_keys=False, allow_unicode=True, width=100)

    def hash(self) -> str:
        """SHA-256 of the resolved parameters (stable across key order)."""
        blob = json.dumps(self.resolved(), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @property
    def history_file(self) -> str | None:
        """The history file as the scenario names it (``history:``), or ``None``."""
        return self.data.get("history") or None

    def candidates_hash(self) -> str:
        """SHA-256 of what the candidate table depends on: its source settings, calls, funds,
        eligibility, scale and seed (not weights, budgets or uncertainty, which a grid usually
        varies; nor a committee's call settings: the dashboard's variants share their scenario's list)."""
        d = self.data
        keep = {k: d.get(k) for k in ("candidates", "calls", "funds", "eligibility", "seed", "_candidates_base")}
        keep["scale"] = (d.get("criteria") or {}).get("scale")
        blob = json.dumps(plain_data(keep), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def history_path(self) -> Path | None:
        """The published history file the scenario names (``history:``), resolved against the
        folder of the file that names it; ``None`` when it names none."""
        h = self.data.get("history")
        return None if not h else Path(self.data.get("_history_base", self.path.parent)) / h

    def posterior_path(self) -> Path | None:
        """The posterior sample the scenario names (``calibration.posterior``), resolved against
        the folder of the file that names it; ``None`` when it names none."""
        p = self.calibration.posterior
        return None if not p else Path(self.data.get("_posterior_base", self.path.parent)) / p

    def prior_applies(self, keypath: str) -> bool:
        """Whether a calibrated key path applies to this scenario
        (:func:`workbench.scenario.keypaths.prior_applies`)."""
        return prior_applies(self.data, keypath)

    def gives(self, keypath: str) -> bool:
        """Whether the scenario's file (or a file it extends) writes ``keypath`` (every part a
        mapping's key: ``uncertainty.cost_overrun.tail_weight``)."""
        node: Any = self.data
        for part in str(keypath).split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def has_keypath(self, keypath: str) -> bool:
        """Whether ``keypath`` names a place of this scenario (the last key may be absent: a
        parameter left to its default)."""
        try:
            locate(self.data, keypath)
        except (KeyError, IndexError, TypeError):
            return False
        return True

    def with_parameters(self, values: dict, name: str | None = None) -> Scenario:
        """A new validated scenario with each parameter of ``values`` (``{key path: value}``, as
        in ``calibration.parameters`` and a posterior sample's columns) set, through
        :meth:`with_overrides`."""
        touched: dict = {}
        for kp, v in values.items():
            top = str(kp).split(".")[0]
            if top not in touched:
                touched[top] = copy.deepcopy(self.data.get(top))
            set_at(touched, kp, _plain_number(v))
            parts = str(kp).split(".")
            if parts[0] == "disbursement" and len(parts) >= 2 and parts[1] in ALTERNATIVE_KEYS:
                # a lag given in one form replaces the other (deep_merge drops it from the base)
                (touched.get("disbursement") or {}).pop(ALTERNATIVE_KEYS[parts[1]], None)
        return self.with_overrides(touched, name)

    def with_overrides(self, overrides: dict, name: str | None = None) -> Scenario:
        """A new validated scenario with ``overrides`` deep-merged over this one's data."""
        merged = deep_merge(copy.deepcopy(self.data), overrides)
        col = Collector(str(self.path))
        data = validate_resolved(merged, col, self.path)
        col.raise_if_any()
        return Scenario(name=name or self.name, path=self.path, files=list(self.files), data=data,
                        warnings=reconcile(data))


def _plain_number(v: Any) -> Any:
    """A NumPy number as a Python one (the schema takes Python numbers); lists item by item."""
    if isinstance(v, list):
        return [_plain_number(x) for x in v]
    return v.item() if hasattr(v, "item") and not isinstance(v, (str, bytes)) else v


def plain_data(node: Any) -> Any:
    """The resolved data as plain YAML-able values (dates as ISO text)."""
    if isinstance(node, dict):
        return {(k.isoformat() if isinstance(k, dt.date) else k): plain_data(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain_data(v) for v in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    return node
