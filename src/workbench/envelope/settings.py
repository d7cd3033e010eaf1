"""The simulation's settings: model assumptions (:class:`Settings`, from the scenario) and the
allocation policy of the calls (:class:`Policy`), with the model's fixed constants."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


from .. import params as P
from ..scenario import DEFAULT_CONTRACT_LAG_MONTHS as _DEFAULT_LAG, DEFAULT_PROFILE_RATES
from ..uncertainty import OverrunModel, SavingsRealisation



#: The defaults shared with the selection live with the scenario (one home).
DEFAULT_PROFILE, DEFAULT_CONTRACT_LAG_MONTHS = DEFAULT_PROFILE_RATES, _DEFAULT_LAG


#: Months before a laureate that never starts is de-committed (assumed).
DEFAULT_DECOMMIT_MONTHS = 12.0


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
    contract_lag_months: float
    profile_rates: tuple[float, ...]
    use_project_schedule: bool

    @classmethod
    def from_scenario(cls, scenario) -> "Settings":
        u = scenario.data.get("uncertainty") or {}
        d = scenario.data.get("disbursement") or {}

        def val(node, key, default):
            v = P.value(node.get(key)) if key in node else None
            return default if v is None else v

        return cls(
            enabled=bool(u.get("enabled", True)),
            cost=OverrunModel.from_scenario(scenario, "cost_overrun"),
            delay=OverrunModel.from_scenario(scenario, "delay"),
            attrition_rate=float(val(u, "attrition_rate", 0.05)),
            phase1_only_rate=float(val(u, "phase1_only_rate", 0.0)),
            overrun_paid_by_fund_rate=scenario.overrun_paid_by_fund_rate,
            attrition_decommit_months=float(val(u, "attrition_decommit_months", DEFAULT_DECOMMIT_MONTHS)),
            savings=SavingsRealisation.from_scenario(scenario),
            contract_lag_months=scenario.contract_lag_months,
            profile_rates=scenario.profile_rates,
            use_project_schedule=bool(d.get("use_project_schedule", False)),
        )


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
    max_commit_share_per_call_rate: float | None = None
    reserve_last_call_eur: float = 0.0
    min_value_per_meur: float = 0.0
    order: str = "value_per_eur"

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> "Policy":
        return cls(name=str(m.get("name", "policy")),
                   max_commit_share_per_call_rate=None if m.get("max_commit_share_per_call_rate") is None
                   else float(P.value(m["max_commit_share_per_call_rate"])),
                   reserve_last_call_eur=float(P.value(m.get("reserve_last_call_eur", 0.0)) or 0.0),
                   min_value_per_meur=float(P.value(m.get("min_value_per_meur", 0.0)) or 0.0),
                   order=str(m.get("order", "value_per_eur")))
