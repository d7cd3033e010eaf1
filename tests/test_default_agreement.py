"""One home per default: remove any optional key from any shipped scenario, and every consumer
(the selection's rules and eligibility, the payment calendars, the envelope simulation's settings,
the typed sections) sees the schema's default, the same as if the scenario had written it.

Issue 22 found ``contract_lag_months`` defaulting to 6.0 in the scenario and 4.0 where the
eligibility check read the raw key: with the key removed, the check and the simulation disagreed.
This test removes each key that has a declared default, one at a time, and compares what the
consumers see against the same scenario with the default written out.
"""
from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import credits
from workbench.envelope.settings import Settings
from workbench.errors import Collector, InputError
from workbench.params import is_param_node
from workbench.scenario import Scenario, load_scenario, locate, spec_at, validate_resolved
from workbench.selection.inputs import candidate_eligibility, payment_profile, settings
from workbench.sources import load_candidates

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "parameters").glob("*.yaml"))
SECTIONS = ("selection", "disbursement", "uncertainty", "robustness", "simulation", "sensitivity", "candidates",
            "followup", "criteria", "funds")
SECTION_ATTRS = ("selection", "disbursement", "uncertainty", "robustness", "simulation", "sensitivity",
                 "calibration", "candidates", "followup", "criteria", "policies")


def _defaulted_keys(data: dict) -> list[tuple[str, object]]:
    """The key paths the scenario writes whose schema declares a default, with the default."""
    out = []

    def walk(node, path):
        if not isinstance(node, dict) or is_param_node(node):
            return
        for k, v in node.items():
            kp = f"{path}.{k}"
            try:
                default = spec_at(kp).default
            except KeyError:
                continue
            if default is not None:
                out.append((kp, default))
            walk(v, kp)

    for top in SECTIONS:
        walk(copy.deepcopy(top in data and data[top]), top)
    return out


def _as_yaml(v):
    """A default as a scenario file writes it (YAML has lists, not tuples)."""
    if isinstance(v, Mapping):
        return {k: _as_yaml(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_as_yaml(x) for x in v]
    return v


def _variant(scn: Scenario, keypath: str, value=dataclasses.MISSING) -> Scenario:
    """``scn`` with ``keypath`` removed (no ``value``) or written as ``value``, validated anew."""
    data = copy.deepcopy(scn.data)
    cont, key = locate(data, keypath)
    if value is dataclasses.MISSING:
        del cont[key]
    elif is_param_node(cont[key]):     # a sourced figure: the default written with its reason
        cont[key] = {"value": _as_yaml(value), "assumption": "the schema's default, written out by a test"}
    else:
        cont[key] = _as_yaml(value)
    col = Collector(str(scn.path))
    checked = validate_resolved(data, col, scn.path)
    col.raise_if_any()
    return Scenario(name=scn.name, path=scn.path, files=list(scn.files), data=checked)


def _plain(x):
    """A comparable form of what a consumer returns (mappings sorted, arrays and frames as lists)."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__, _plain({f.name: getattr(x, f.name) for f in dataclasses.fields(x)}))
    if isinstance(x, Mapping):
        return tuple(sorted((str(k), _plain(v)) for k, v in x.items()))
    if isinstance(x, pd.DataFrame):
        return _plain(x.to_dict(orient="list"))
    if isinstance(x, (np.ndarray, list, tuple)):
        return tuple(_plain(v) for v in (x.tolist() if isinstance(x, np.ndarray) else x))
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if hasattr(x, "__dict__") and not isinstance(x, type) and type(x).__module__.startswith("workbench"):
        return (type(x).__name__, _plain(vars(x)))
    return x


def _seen(scn: Scenario, cands: pd.DataFrame) -> dict:
    """What every consumer reads from a scenario."""
    return {
        "sections": _plain({a: getattr(scn, a) for a in SECTION_ATTRS}),
        "selection rules": _plain(settings(scn)),
        "eligibility": _plain(candidate_eligibility(scn, cands)),
        "payment calendars": _plain(payment_profile(scn, cands, scn.years)),
        "simulation settings": _plain(Settings.from_scenario(scn)),
        "funds' credits": _plain({code: credits.timeline(f, scn.years) for code, f in scn.funds.items()}),
        "funds' rules": _plain({code: (f.cp_carryover_cap_rate, f.allow_overcommitment, f.cp_on_programme_rate)
                                for code, f in scn.funds.items()}),
    }


CASES = []
for path in SHIPPED:
    scenario = load_scenario(path)
    CASES += [pytest.param(path, kp, default, id=f"{path.stem}:{kp}") for kp, default in _defaulted_keys(scenario.data)]


def test_the_shipped_scenarios_write_keys_that_have_defaults():
    """The test below is not empty: the shipped scenarios write many keys the schema has defaults for."""
    assert len(CASES) >= 20
    assert any(kp == "disbursement.commitment_lag.max_months" or kp.startswith("selection.") for _, kp, _ in
               (c.values for c in CASES))


_CANDIDATES: dict[Path, tuple[Scenario, pd.DataFrame]] = {}


#: Defaults a file cannot write (a sentinel: no cap), checked on the section that holds them.
SENTINELS = {"disbursement.commitment_lag.max_months": lambda s: s.disbursement.commitment_lag.max_months}


@pytest.mark.parametrize("path, keypath, default", CASES)
def test_a_key_left_out_is_its_default_for_every_consumer(path, keypath, default):
    if path not in _CANDIDATES:
        scn = load_scenario(path)
        _CANDIDATES[path] = (scn, load_candidates(scn))
    scn, cands = _CANDIDATES[path]
    try:
        absent = _variant(scn, keypath)
    except InputError as e:
        # not optional where it stands (a lognormal lag needs its sigma): refused by name, never defaulted
        assert keypath in str(e)
        return
    if keypath in SENTINELS:
        assert SENTINELS[keypath](absent) == default
        _seen(absent, cands)
        return
    written = _variant(scn, keypath, default)
    a, w = _seen(absent, cands), _seen(written, cands)
    differ = [k for k in a if a[k] != w[k]]
    assert not differ, f"{path.name}: without {keypath}, {differ} differ from the default {default!r} written out"


def test_sections_without_a_scenario_hold_the_schema_defaults():
    """What a consumer uses with no scenario at all (``SelectionSection()``…) is the schema's default."""
    from workbench.scenario import DisbursementSection, SelectionSection, default_of

    assert SelectionSection().roi_weight_rate == default_of("selection.roi_weight")
    assert SelectionSection().min_quality_points == default_of("selection.min_quality_points")
    assert DisbursementSection().contract_lag_months == default_of("disbursement.contract_lag_months")
    assert DisbursementSection().profile_rates == tuple(default_of("disbursement.profile_rates"))
