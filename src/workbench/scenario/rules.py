"""The funds' rules a scenario sets, as a table for the report and the dashboard.

One row per rule (per fund where a fund has rules of its own): what the rule is, its value (each
dated value with its start date), how the workbench applies it (a candidate refused by the
selection and the simulation, a flag shown at selection, a delay before commitment in the
simulation) and where it comes from (the public document cited, or "assumption").  Reads the
validated scenario only (its raw nodes, with their sources: this module belongs to the scenario
package); the wording comes from :mod:`workbench.messages`.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from .. import messages as L
from ..units import number
from .. import params as P
from ..reference import parse_reference

#: Rule keys of ``eligibility`` in report order, with how each is applied.
RULES = (
    ("min_total_cost_eur", "refuse"),
    ("min_total_cost_territorial_eur", "refuse"),
    ("max_requested_eur", "refuse"),
    ("cofinancing_rate", "refuse"),
    ("themes", "refuse"),
    ("owner_types", "refuse"),
    ("innovation_lab_envelopes", "refuse"),
    ("fast_track_threshold_eur", "refuse"),
    ("last_commitment_date", "refuse"),
    ("first_results_months", "flag"),
    ("governance_gate_eur", "flag_delay"),
    ("governance_gate_delay_months", "delay"),
)



def _value_text(key: str, value: Any, lang: str) -> str:
    if value is None:
        return "–"
    if key == "cofinancing_rate":
        return L.format_cell("min_rate", value, lang)
    if key.endswith("_eur"):
        return f"{number(float(value) / 1e6, lang, 2)} M€"
    if key in ("themes",) or isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {', '.join(v)}" for k, v in value.items())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return L.format_cell(key, value, lang)


def _source_text(node: Any, lang: str) -> str:
    ref = node.get("reference") if isinstance(node, dict) else None
    parts = []
    if ref:
        try:
            parts += [f"{c.title} ({c.publisher}, {c.date})" for c in parse_reference(ref)]
        except ValueError:
            parts.append(str(ref))
    if isinstance(node, dict) and node.get("assumption"):
        parts.append(L.label("rule_assumption", lang))
    return " ; ".join(dict.fromkeys(parts)) or L.label("rule_assumption", lang)


def _rows(block: dict, scope: str, lang: str) -> list[dict]:
    rows = []
    for key, how in RULES:
        if key not in block:
            continue
        node = block[key]
        if key == "cofinancing_rate":
            node = node.get("min") if isinstance(node, dict) else None
            if node is None:
                continue
        if key == "owner_types":
            for code, sub in node.items():
                types = ", ".join(L.format_cell("owner_type", t, lang) for t in (P.value(sub) or []))
                rows.append(_row(scope, key, f"{code}{L.label('colon', lang)}{types}", how,
                                 _source_text(sub, lang), lang))
            continue
        if isinstance(node, dict) and "values" in node:
            for start, val, _ in P.dated_entries(node):
                entry = node["values"].get(start, node["values"].get(start.isoformat(), {}))
                entry = entry if isinstance(entry, dict) else {}
                text = f"{_value_text(key, val, lang)} ({L.label('rule_from', lang)} {start.isoformat()})"
                rows.append(_row(scope, key, text, how, _source_text({**node, **entry}
                                                                      if not entry.get("reference") and
                                                                      not entry.get("assumption") else entry, lang),
                                 lang))
            continue
        rows.append(_row(scope, key, _value_text(key, P.value(node), lang), how, _source_text(node, lang), lang))
    return rows


def _row(scope: str, key: str, value: str, how: str, source: str, lang: str) -> dict:
    return {L.label("rule_scope", lang): scope, L.label("rule_name", lang): L.label(f"rule_{key}", lang),
            L.label("rule_value", lang): value, L.label("rule_applied", lang): L.label(f"applied_{how}", lang),
            L.label("rule_source", lang): source}


def rules_table(scenario, lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """The scenario's rules as a table for reading (headers and wording in ``lang``).

    The scenario-wide rules apply to every fund without a block of its own
    (``eligibility.funds.<code>``), whose rules are listed under its code.
    """
    el = scenario.data.get("eligibility") or {}
    own = el.get("funds") or {}
    others = [f for f in scenario.funds if f not in own]
    scope = ", ".join(others) if own else L.label("rule_all_funds", lang)
    rows = _rows(el, scope, lang) if others or not own else []
    for fund, block in own.items():
        rows += _rows(block, fund, lang)
    sel = scenario.data.get("selection") or {}
    all_funds = L.label("rule_all_funds", lang)
    bar = sel.get("min_quality_points")
    if bar is not None:   # the committees' own rules (workbench.decisions)
        rows.append(_row(all_funds, "min_quality_points", f"{number(float(P.value(bar)), lang, 0)} points",
                         "bar", _source_text(bar, lang), lang))
    allot = sel.get("call_allotment")
    if allot:
        rows.append(_row(all_funds, "call_allotment", L.label(f"allotment_{allot.get('rule', 'none')}", lang),
                         "allotment", _source_text(allot, lang), lang))
    vm = (scenario.data.get("criteria") or {}).get("value_model")
    if vm:
        model = scenario.value_model
        text = (L.label("value_model_points", lang) if model.kind == "points" else
                L.label("value_model_quality_x_scope", lang, scope=L.label(f"scope_{model.scope}", lang)
                        if f"scope_{model.scope}" in L.LABELS else model.scope))
        rows.append(_row(all_funds, "value_model", text, "value", _source_text(vm, lang), lang))
    roi = sel.get("roi_target_ratio")
    if roi is not None:
        rows.append(_row(L.label("rule_all_funds", lang), "roi_target_ratio",
                         L.format_cell("ratio", P.value(roi), lang),
                         "roi", _source_text(roi, lang), lang))
    return pd.DataFrame(rows)
