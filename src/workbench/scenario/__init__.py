"""Scenario files: the schema, loading with ``extends``, the checks, key paths and the validated scenario.

One concern a module, imports flowing one way (``schema`` <- ``keypaths`` <- ``sections`` <-
``checks`` <- ``model`` <- ``loader``):

- :mod:`.schema`: :data:`SCHEMA`, every key with its rule, meaning, unit, example and its one
  default (:func:`default_of`);
- :mod:`.keypaths`: one parameter by its dotted path (calibration, posteriors, sweeps) and the
  merge of a file over the one it extends;
- :mod:`.sections`: the typed, frozen sections every consumer reads (``scenario.selection``,
  ``scenario.disbursement``, ``scenario.uncertainty``…) and the resolved :class:`Call`,
  :class:`Fund`, :class:`CommitmentLag`, :class:`ValueModel`;
- :mod:`.checks`: the resolved scenario checked as a whole, and the reconciliation warnings;
- :mod:`.model`: :class:`Scenario`, the validated scenario with its sections and views;
- :mod:`.loader`: :func:`load_scenario`, YAML read safely, ``extends`` resolved, every file checked;
- :mod:`.rules`: the scenario's rules as a table for reading, each with its source.

Only this package reads a scenario's raw data; the rest of the package reads the typed sections.
"""
from .schema import (ALTERNATIVE_KEYS, CRITERIA, DEFAULT_CONTRACT_LAG_MONTHS, DEFAULT_DRAWS,
                     DEFAULT_OVERRUN_PAID_BY_FUND_RATE, DEFAULT_PROFILE_RATES, DEFAULT_SCALE,
                     DEFAULT_SENSITIVITY_DRAWS_PER_SET, DEFAULT_SENSITIVITY_SAMPLES, DEFAULT_VALUE_SCOPE,
                     LAG_DISTRIBUTIONS, OWNER_TYPES, ROI_TARGET_RATIO, ROI_TARGET_YEARS, SCHEMA, SWITCHABLE_RULES,
                     VALUE_MODELS, default_of, spec_at)
from .keypaths import SET_BY_CALIBRATION, deep_merge, locate, prior_applies, schema_field, set_at, value_at
from .sections import (Call, CalibrationSection, CandidatesSection, CommitmentLag, CriteriaSection,
                       DisbursementSection, FollowupSection, Fund, Mixture, PolicySection, RobustnessSection,
                       SelectionSection, SensitivitySection, SimulationSection, SyntheticSection,
                       UncertaintySection, ValueModel, expand_calls)
from .checks import reconcile, validate_resolved
from .model import Scenario, plain_data
from .loader import load_scenario, parse_yaml_text, read_yaml

#: The lag when a scenario says nothing: fixed at :data:`DEFAULT_CONTRACT_LAG_MONTHS`.
DEFAULT_COMMITMENT_LAG = CommitmentLag()

__all__ = [
    "ALTERNATIVE_KEYS", "CRITERIA", "DEFAULT_COMMITMENT_LAG", "DEFAULT_CONTRACT_LAG_MONTHS", "DEFAULT_DRAWS",
    "DEFAULT_OVERRUN_PAID_BY_FUND_RATE", "DEFAULT_PROFILE_RATES", "DEFAULT_SCALE", "DEFAULT_SENSITIVITY_DRAWS_PER_SET",
    "DEFAULT_SENSITIVITY_SAMPLES", "DEFAULT_VALUE_SCOPE", "LAG_DISTRIBUTIONS", "OWNER_TYPES", "ROI_TARGET_RATIO",
    "ROI_TARGET_YEARS", "SCHEMA", "SET_BY_CALIBRATION", "SWITCHABLE_RULES", "VALUE_MODELS", "Call",
    "CalibrationSection", "CandidatesSection", "CommitmentLag", "CriteriaSection", "DisbursementSection",
    "FollowupSection", "Fund", "Mixture", "PolicySection", "RobustnessSection", "Scenario", "SelectionSection",
    "SensitivitySection", "SimulationSection", "SyntheticSection", "UncertaintySection", "ValueModel", "deep_merge",
    "default_of", "expand_calls", "load_scenario", "locate", "parse_yaml_text", "plain_data", "prior_applies",
    "read_yaml", "reconcile", "schema_field", "set_at", "spec_at", "validate_resolved", "value_at",
]
