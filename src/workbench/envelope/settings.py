"""The simulation's settings: model assumptions (:class:`Settings`, from the scenario), the
parameters varied draw by draw (:class:`ParameterSets`) and the allocation policy of the calls
(:class:`Policy`), with the model's fixed constants."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import InputError, Problem, at_column, at_row, closest
from ..messages import msg
from ..scenario import DisbursementSection, PolicySection, UncertaintySection
from ..scenario.sections import CommitmentLag
from ..uncertainty import OverrunModel, SavingsRealisation

#: The defaults shared with the selection live in the scenario's schema (one home): the payment
#: profile [fraction per year], the decision-to-commitment lag's median [months], the months
#: before a laureate that never starts is de-committed.
DEFAULT_PROFILE = DisbursementSection().profile_rates
DEFAULT_CONTRACT_LAG_MONTHS = DisbursementSection().contract_lag_months
DEFAULT_DECOMMIT_MONTHS = UncertaintySection().attrition_decommit_months


#: Extra reported years after the profile's end, for delayed payments.
EXTRA_YEARS = 3


#: A fund is "exhausted" before its last call when less than this share of its envelope is left.
EXHAUSTED_SHARE = 0.01


@dataclass(frozen=True)
class Settings:
    """The simulation's settings read from a scenario (defaults where it is silent)."""

    enabled: bool
    cost: OverrunModel
    delay: OverrunModel
    attrition_rate: float
    phase1_only_rate: float
    overrun_paid_by_fund_rate: float
    attrition_decommit_months: float
    savings: SavingsRealisation
    contract_lag_months: float      # the lag's median (the nominal lag) [months]
    profile_rates: tuple[float, ...]
    use_project_schedule: bool
    commitment_lag: CommitmentLag = field(default_factory=CommitmentLag)

    @classmethod
    def from_scenario(cls, scenario) -> Settings:
        u, d = scenario.uncertainty, scenario.disbursement
        return cls(
            enabled=u.enabled,
            cost=OverrunModel.from_scenario(scenario, "cost_overrun"),
            delay=OverrunModel.from_scenario(scenario, "delay"),
            attrition_rate=u.attrition_rate,
            phase1_only_rate=u.phase1_only_rate,
            overrun_paid_by_fund_rate=u.overrun_paid_by_fund_rate,
            attrition_decommit_months=u.attrition_decommit_months,
            savings=SavingsRealisation.from_scenario(scenario),
            contract_lag_months=d.contract_lag_months,
            profile_rates=d.profile_rates,
            use_project_schedule=d.use_project_schedule,
            commitment_lag=d.commitment_lag,
        )


#: The scenario key paths a parameter set may vary from draw to draw (``envelope.simulate``'s
#: ``parameter_sets`` columns).  ``disbursement.profile_rates``: one cell per set holding the
#: profile as a tuple or list of fractions, or as text ``"0.365;0.365;0.216;0.054"``.
SET_COLUMNS = ("disbursement.commitment_lag.median_months", "disbursement.commitment_lag.sigma",
               "uncertainty.attrition_rate", "uncertainty.phase1_only_rate", "disbursement.profile_rates",
               "uncertainty.cost_overrun.excess_scale", "uncertainty.delay.excess_scale")

#: The most an overrun mixture's excess may be scaled by in a parameter set (``*.excess_scale``):
#: 3 triples every overrun and delay of the scenario's mixture, beyond what any reference class
#: shows (an assumption: the bound of what a sensitivity analysis may ask).
MAX_EXCESS_SCALE = 3.0


@dataclass
class ParameterSets:
    """Model parameters varied from draw to draw: draw ``d`` uses set ``d mod n``.

    Without sets given, one set holds the scenario's values (so that a run with one set equal to
    the scenario's values is the same run, bit for bit).  Arrays are indexed by set.
    """

    lag_median_months: np.ndarray   # (S,) median of the decision-to-commitment lag [months]
    lag_sigma: np.ndarray           # (S,) standard deviation of its logarithm
    lag_max_months: float           # the scenario's cap on the lag [months] (inf: none)
    attrition_rate: np.ndarray      # (S,) [fraction]
    phase1_only_rate: np.ndarray    # (S,) [fraction]
    profiles: np.ndarray            # (S, L) payment profile from the commitment year [fractions], zero-padded
    given: bool = False             # the sets were given (not the scenario's one)
    # (S,) multipliers of the overrun mixtures' excess: a drawn ratio r becomes 1 + s (r - 1),
    # within the mixture's own support (None: 1 for every set, the scenario's mixture)
    cost_excess_scale: np.ndarray | None = None
    delay_excess_scale: np.ndarray | None = None
    # draws j N .. j N + N - 1 (one per set) share their random variates (common random numbers:
    # the sets differ by their parameters only, as a sensitivity analysis compares them)
    common_draws: bool = False

    @property
    def scales_excess(self) -> bool:
        """Some set scales an overrun mixture's excess (the ratios are then rescaled per draw)."""
        return any(a is not None and bool((a != 1.0).any()) for a in (self.cost_excess_scale, self.delay_excess_scale))

    @property
    def n(self) -> int:
        return len(self.attrition_rate)

    @property
    def lag_random(self) -> bool:
        """Some set draws its lag (a spread): one more normal variate per project and draw."""
        return bool((self.lag_sigma > 0).any())

    @classmethod
    def from_settings(cls, st: Settings) -> ParameterSets:
        lag = st.commitment_lag
        return cls(lag_median_months=np.array([float(lag.median_months)]),
                   lag_sigma=np.array([float(lag.sigma)]), lag_max_months=float(lag.max_months),
                   attrition_rate=np.array([float(st.attrition_rate)]),
                   phase1_only_rate=np.array([float(st.phase1_only_rate)]),
                   profiles=np.array([list(st.profile_rates)], float))

    @classmethod
    def from_frame(cls, frame: Any, st: Settings) -> ParameterSets:
        """Sets from a DataFrame whose columns are :data:`SET_COLUMNS` (a column left out keeps the
        scenario's value).  Raises :class:`~workbench.errors.InputError` naming an unknown column
        or a bad value (row as a spreadsheet shows it, header = 1)."""
        import pandas as pd

        src = "parameter_sets"
        if not isinstance(frame, pd.DataFrame):
            raise InputError([Problem("<argument>", "parameter_sets", type(frame).__name__, msg("E_NOT_MAPPING"))])
        probs = [Problem(src, at_column(str(c)), str(c),
                         msg("E_PARAMETER_SET_COLUMN", choices=list(SET_COLUMNS),
                             suggestion=closest(str(c), SET_COLUMNS)))
                 for c in frame.columns if c not in SET_COLUMNS]
        if not len(frame):
            probs.append(Problem(src, "", 0, msg("E_PARAMETER_SETS_EMPTY")))
        if probs:
            raise InputError(probs)
        base = cls.from_settings(st)
        n = len(frame)

        def column(name, default, lo, hi, rule):
            if name not in frame.columns:
                return np.full(n, default)
            out = np.empty(n)
            for i, v in enumerate(frame[name].tolist()):
                ok = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) \
                    and math.isfinite(float(v)) and lo <= float(v) <= hi
                if not ok:
                    probs.append(Problem(src, at_row(i + 2, name), v, rule))
                    out[i] = default
                else:
                    out[i] = float(v)
            return out

        med = column(SET_COLUMNS[0], base.lag_median_months[0], 0.0, 240.0,
                     msg("E_BOUNDS", bounds=[(">=", 0), ("<=", 240)]))
        sig = column(SET_COLUMNS[1], base.lag_sigma[0], 0.0, 3.0, msg("E_BOUNDS", bounds=[(">=", 0), ("<=", 3)]))
        att = column(SET_COLUMNS[2], base.attrition_rate[0], 0.0, 1.0, msg("E_FRACTION"))
        ph1 = column(SET_COLUMNS[3], base.phase1_only_rate[0], 0.0, 1.0, msg("E_FRACTION"))
        scale_rule = msg("E_BOUNDS", bounds=[(">=", 0), ("<=", MAX_EXCESS_SCALE)])
        cost_sc = column(SET_COLUMNS[5], 1.0, 0.0, MAX_EXCESS_SCALE, scale_rule)
        delay_sc = column(SET_COLUMNS[6], 1.0, 0.0, MAX_EXCESS_SCALE, scale_rule)
        for i in range(n):
            if sig[i] > 0 and not med[i] > 0:
                probs.append(Problem(src, at_row(i + 2, SET_COLUMNS[0]), med[i], msg("E_LAG_MEDIAN_POSITIVE")))
            if att[i] + ph1[i] > 1 + 1e-12:
                probs.append(Problem(src, at_row(i + 2, SET_COLUMNS[3]), ph1[i],
                                     msg("E_PARAMETER_SET_RATES_SUM", total=att[i] + ph1[i])))
        profs = [list(st.profile_rates)] * n
        if SET_COLUMNS[4] in frame.columns:
            profs = []
            for i, v in enumerate(frame[SET_COLUMNS[4]].tolist()):
                prof = _profile_cell(v)
                if prof is None:
                    probs.append(Problem(src, at_row(i + 2, SET_COLUMNS[4]), v, msg("E_PROFILE_ENCODING")))
                    prof = list(st.profile_rates)
                elif abs(sum(prof) - 1.0) > 1e-6:
                    probs.append(Problem(src, at_row(i + 2, SET_COLUMNS[4]), v, msg("E_PROFILE_SUM", total=sum(prof))))
                profs.append(prof)
        if probs:
            raise InputError(probs)
        L = max(len(p) for p in profs)
        pa = np.zeros((n, L))
        for i, p in enumerate(profs):
            pa[i, :len(p)] = p
        return cls(lag_median_months=med, lag_sigma=sig, lag_max_months=base.lag_max_months, attrition_rate=att,
                   phase1_only_rate=ph1, profiles=pa, given=True,
                   cost_excess_scale=cost_sc if SET_COLUMNS[5] in frame.columns else None,
                   delay_excess_scale=delay_sc if SET_COLUMNS[6] in frame.columns else None)


def _profile_cell(v: Any) -> list[float] | None:
    """A payment profile from a cell: a tuple or list of fractions, or text ``"a;b;c"``; None if not one."""
    if isinstance(v, str):
        try:
            v = [float(x) for x in v.split(";") if x.strip()]
        except ValueError:
            return None
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if not isinstance(v, (list, tuple)) or not v:
        return None
    out = []
    for x in v:
        if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)) \
                or not math.isfinite(float(x)) or not 0.0 <= float(x) <= 1.0:
            return None
        out.append(float(x))
    return out


@dataclass(frozen=True)
class Policy:
    """An allocation policy for successive calls.

    Parameters
    ----------
    name : str
    max_commit_share_per_call_rate : float, optional
        A call commits at most this share of the fund's envelope [fraction].
    reserve_last_call_eur : float
        Credits kept for the fund's last call [EUR].
    min_value_per_meur : float
        Only projects with at least this value (points) per M€ requested are funded.
    order : {"value_per_eur", "value"}
        Greedy order of the call's candidates.
    """

    name: str = "scenario"
    max_commit_share_per_call_rate: float | None = PolicySection.max_commit_share_per_call_rate
    reserve_last_call_eur: float = PolicySection.reserve_last_call_eur
    min_value_per_meur: float = PolicySection.min_value_per_meur
    order: str = PolicySection.order

    @classmethod
    def from_section(cls, p: PolicySection) -> Policy:
        """The policy a scenario's ``policies`` entry declares (:attr:`workbench.scenario.Scenario.policies`)."""
        return cls(name=p.name, max_commit_share_per_call_rate=p.max_commit_share_per_call_rate,
                   reserve_last_call_eur=p.reserve_last_call_eur, min_value_per_meur=p.min_value_per_meur,
                   order=p.order)

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> Policy:
        """A policy given as a mapping (the keys of a scenario's ``policies`` entry)."""
        return cls.from_section(PolicySection.from_data(dict(m)))
