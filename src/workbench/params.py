"""Policy parameters as OpenFisca keeps them: a value with its unit and its source.

A parameter in a scenario file takes one of three forms::

    envelope_eur: 700000000                       # a bare value

    envelope_eur:                                 # a value with its provenance
      value: 700000000
      unit: EUR
      reference: "Fonds pour la transformation publique (DITP, 2021): « 700 millions d'euros sur 5 ans »"

    min_total_cost_eur:                           # values that change over time
      unit: EUR
      values:
        2018-02-01: {value: 500000, reference: "<title> (DITP, 2018-02-01): « … »"}
        2021-01-01: {value: 250000, reference: "<title> (DITP, 2021): « … »"}
        2019-01-01: {value: 500000, assumption: "<why the workbench chose it>"}

A dated parameter takes, at a date, the value of the latest start date on or before it; before
its first date it is not in force (``None``), as in OpenFisca.  These functions read that structure; they do no
validation (the scenario schema does it once, in :mod:`workbench.scenario`).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, TypeGuard

PARAM_KEYS = {"value", "values", "unit", "reference", "description", "assumption"}


def is_param_node(node: Any) -> TypeGuard[dict]:
    """True when ``node`` is a parameter mapping (has ``value`` or ``values``)."""
    return isinstance(node, dict) and ("value" in node or "values" in node)


def as_date(key: Any) -> dt.date:
    """A dated-value key as a date: a ``date``, a ``datetime``, an ISO string, or a year."""
    if isinstance(key, dt.datetime):
        return key.date()
    if isinstance(key, dt.date):
        return key
    if isinstance(key, int):
        return dt.date(key, 1, 1)
    return dt.date.fromisoformat(str(key))


def _entry_value(entry: Any) -> Any:
    return entry["value"] if isinstance(entry, dict) else entry


def dated_entries(node: Any) -> list[tuple[dt.date, Any, str | None]]:
    """The ``(start date, value, reference)`` entries of a dated parameter, in date order."""
    out = []
    for key, entry in node["values"].items():
        ref = entry.get("reference") if isinstance(entry, dict) else None
        out.append((as_date(key), _entry_value(entry), ref or node.get("reference")))
    return sorted(out, key=lambda e: e[0])


def value(node: Any, at: dt.date | int | str | None = None) -> Any:
    """The value of a parameter node, at a date for dated parameters.

    Parameters
    ----------
    node : scalar or dict
        A parameter in any of the three forms.
    at : date, int (year) or ISO string, optional
        The date; without it a dated parameter gives its latest value.
    """
    if not isinstance(node, dict):
        return node
    if "value" in node:
        return node["value"]
    if "values" in node:
        entries = dated_entries(node)
        if at is None:
            return entries[-1][1]
        when = as_date(at)
        chosen = None  # not yet in force before its first date
        for start, val, _ in entries:
            if start <= when:
                chosen = val
        return chosen
    return node


def reference(node: Any, at: dt.date | int | str | None = None) -> str | None:
    """The source of a parameter's value (at a date for dated parameters), or ``None``."""
    if not isinstance(node, dict):
        return None
    if "values" in node:
        entries = dated_entries(node)
        chosen = entries[-1] if at is None else (None, None, None)
        if at is not None:
            when = as_date(at)
            for entry in entries:
                if entry[0] <= when:
                    chosen = entry
        return chosen[2]
    return node.get("reference")


def strip(node: Any) -> Any:
    """A copy of a nested structure with every parameter node replaced by its latest value."""
    if is_param_node(node):
        return value(node)
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items()}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def assumption(node: Any, at: dt.date | int | str | None = None) -> str | None:
    """The reason recorded for a figure the workbench chose (``assumption``), or ``None``.

    For a dated parameter, the entry in force at ``at`` (the latest without it), then the node.
    """
    if not isinstance(node, dict):
        return None
    if "values" in node and isinstance(node["values"], dict):
        chosen = None
        for key, entry in sorted(node["values"].items(), key=lambda kv: as_date(kv[0])):
            if at is None or as_date(key) <= as_date(at):
                chosen = entry
        if isinstance(chosen, dict) and chosen.get("assumption"):
            return chosen["assumption"]
    return node.get("assumption")
