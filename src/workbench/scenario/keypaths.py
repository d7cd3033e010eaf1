"""Key paths: one parameter of a scenario by its dotted path (calibration, posterior samples,
sweeps, overrides), and the merge of one scenario's data over another's (``extends``).

A key path names a call by its id (``calls.FTAP-AAP3-S1.expected_applications``), a fund or a
year by its code, a list's item by its position.  These functions work on a scenario's data
(its resolved mapping); :class:`~workbench.scenario.model.Scenario` offers them on itself
(:meth:`~workbench.scenario.model.Scenario.prior_applies`).
"""
from __future__ import annotations

import copy
from typing import Any

from .. import params as P
from ..errors import closest
from ..schema import Fields, ListOf, MapOf, Param
from .schema import ALTERNATIVE_KEYS, SCHEMA


#: What a value set by a calibration or a power test says of itself.
SET_BY_CALIBRATION = "set by workbench calibrate or the back-test (a parameter set drawn from a prior or posterior)"


def _step(container: Any, part: str) -> Any:
    """The key of ``container`` a key-path part names: a mapping's key (a year as a number), a
    list's item by its ``id`` or its position."""
    if isinstance(container, dict):
        if part in container:
            return part
        if part.lstrip("-").isdigit() and int(part) in container:
            return int(part)
        raise KeyError(closest(part, [str(k) for k in container]))
    if isinstance(container, list):
        for i, item in enumerate(container):
            if isinstance(item, dict) and str(item.get("id")) == part:
                return i
        if part.isdigit() and int(part) < len(container):
            return int(part)
        raise KeyError(closest(part, [str(i.get("id")) for i in container if isinstance(i, dict)]))
    raise KeyError(None)


def schema_field(keypath: str) -> tuple[bool, str | None]:
    """Whether the scenario schema has a place for ``keypath`` (a call by its id or position, a
    fund or a year by its code), and else the close spelling of the part it does not know."""
    spec: Any = SCHEMA
    for part in str(keypath).split("."):
        if isinstance(spec, Param):
            return False, None
        if isinstance(spec, Fields):
            if part not in spec.fields:
                return False, closest(part, spec.fields)
            spec = spec.fields[part]
        elif isinstance(spec, (MapOf, ListOf)):
            spec = spec.value if isinstance(spec, MapOf) else spec.item
        else:
            return False, None
    return True, None


def prior_applies(data: dict, keypath: str) -> bool:
    """Whether a calibrated key path applies to the scenario ``data``: always, except a call's
    parameter (``calls.<id>.…``) where the scenario has no call of that id (a scenario that
    extends another and keeps some of its calls keeps its priors too), and a parameter of the
    decision-to-commitment lag's other form (``disbursement.commitment_lag.…`` where the scenario
    gives a plain ``contract_lag_months``, or the reverse)."""
    parts = str(keypath).split(".")
    if parts[0] == "disbursement" and len(parts) >= 2 and parts[1] in ALTERNATIVE_KEYS:
        # the lag given in its other form (a plain lag where a distribution was, or the reverse):
        # the parameters of the form the scenario no longer has do not apply to it
        disb = data.get("disbursement") or {}
        return not (parts[1] not in disb and ALTERNATIVE_KEYS[parts[1]] in disb)
    if parts[0] != "calls" or len(parts) < 3:
        return True
    calls = data.get("calls") or []
    return any(isinstance(c, dict) and str(c.get("id")) == parts[1] for c in calls) or \
        (parts[1].isdigit() and int(parts[1]) < len(calls))


def locate(data: dict, keypath: str) -> tuple[Any, Any]:
    """``(container, key)`` of the node at ``keypath`` (``calls.FTAP-AAP3-S1.expected_applications``:
    a call by its id).  The last key may be absent from a mapping (a parameter the scenario leaves
    to its default).  Raises ``KeyError`` (with a close spelling, or ``None``) when a part is
    not found."""
    parts = str(keypath).split(".")
    cur: Any = data
    for part in parts[:-1]:
        cur = cur[_step(cur, part)]
    last = parts[-1]
    if isinstance(cur, dict):
        try:
            return cur, _step(cur, last)
        except KeyError:
            return cur, last
    return cur, _step(cur, last)


def value_at(data: dict, keypath: str, default: Any = None) -> Any:
    """The value at ``keypath`` (a parameter node's ``value``; the latest of a dated one)."""
    try:
        cont, key = locate(data, keypath)
        node = cont[key]
    except (KeyError, IndexError, TypeError):
        return default
    return P.value(node) if P.is_param_node(node) else node


def set_at(data: dict, keypath: str, value: Any) -> None:
    """Set the parameter at ``keypath`` to ``value`` in place: a parameter node becomes
    ``{value, unit, assumption}`` (the value is no longer the document's), a bare value is replaced."""
    cont, key = locate(data, keypath)
    node = cont[key] if (isinstance(cont, list) or key in cont) else None
    if P.is_param_node(node):
        new = {"value": value, "assumption": SET_BY_CALIBRATION}
        if "unit" in node:
            new["unit"] = node["unit"]
        cont[key] = new
    else:
        cont[key] = value


def deep_merge(base: dict, over: dict) -> dict:
    """``over`` merged into ``base``: mappings merge key by key, anything else replaces.

    A parameter node replaces the whole node it overrides (its ``reference`` goes with it); a key
    of :data:`ALTERNATIVE_KEYS` replaces its other form.
    """
    for k, alt in ALTERNATIVE_KEYS.items():
        if k in over and alt in base and alt not in over:
            del base[alt]
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict) and not P.is_param_node(v) \
                and not P.is_param_node(base.get(k)):
            base[k] = deep_merge(base[k], v)
        else:
            base[k] = copy.deepcopy(v)
    return base
