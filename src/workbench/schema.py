"""A small declarative schema for scenario files, with problems reported by key path.

Each spec checks one node of a YAML document and returns it (dates normalised), adding a
:class:`~workbench.errors.Problem` for every rule broken.  ``Fields`` checks a mapping with a
fixed set of keys (unknown keys get a close-spelling suggestion), ``MapOf`` a mapping with free
keys (codes, years), ``Param`` an OpenFisca-style parameter (see :mod:`workbench.params`).

Two modes: ``partial`` (each file of an ``extends`` chain on its own: types and unknown keys,
no required keys) and full (the resolved scenario: everything).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from .errors import MISSING, Collector, closest
from .messages import msg


@dataclass
class Ctx:
    col: Collector
    partial: bool = False


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


class Spec:
    #: What the key means (shown by the generated reference of the scenario keys).
    description = ""
    #: The value used when the key is absent (:data:`NO_DEFAULT`: none, the key is optional or required).
    default: Any = None
    #: The unit of its value (``EUR``, ``fraction``, ``months``…), "" when none.
    unit = ""
    #: An example of the key's value in a scenario file.
    example: Any = None

    def check(self, node: Any, path: str, ctx: Ctx) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


def doc(spec: Spec, description: str, default: Any = None, unit: str = "", example: Any = None) -> Spec:
    """``spec`` (a copy: specs are shared between keys) with what the reference of the scenario keys
    shows: its meaning, its default (the one place a default is declared), its unit and an example."""
    import copy

    out = copy.copy(spec)
    out.description, out.default, out.unit, out.example = description, default, unit, example
    return out


class Any_(Spec):
    def check(self, node, path, ctx):
        return node


class Str(Spec):
    def __init__(self, choices: list[str] | None = None):
        self.choices = choices

    def check(self, node, path, ctx):
        if not isinstance(node, str):
            ctx.col.add(path, node, msg("E_NOT_TEXT"))
            return node
        if self.choices is not None and node not in self.choices:
            ctx.col.add(path, node, msg("E_ONE_OF", choices=list(self.choices), suggestion=closest(node, self.choices)))
        return node


class Bool(Spec):
    def check(self, node, path, ctx):
        if not isinstance(node, bool):
            ctx.col.add(path, node, msg("E_NOT_BOOL"))
        return node


class Num(Spec):
    """A number with bounds: ``gt``/``ge`` lower, ``le``/``lt`` upper; ``integer`` for counts."""

    def __init__(self, gt=None, ge=None, le=None, lt=None, integer=False, rule=None):
        self.gt, self.ge, self.le, self.lt, self.integer, self.rule = gt, ge, le, lt, integer, rule

    def bounds(self) -> list[tuple[str, float]]:
        """The bounds as ``[(op, number), ...]`` (the ``bounds`` parameter of message ``E_BOUNDS``)."""
        ops = ((">", self.gt), (">=", self.ge), ("<", self.lt), ("<=", self.le))
        return [(op, x) for op, x in ops if x is not None]

    def bounds_text(self) -> str:
        parts = []
        if self.gt is not None:
            parts.append(f"> {self.gt:g}")
        if self.ge is not None:
            parts.append(f">= {self.ge:g}")
        if self.lt is not None:
            parts.append(f"< {self.lt:g}")
        if self.le is not None:
            parts.append(f"<= {self.le:g}")
        return " and ".join(parts)

    def check(self, node, path, ctx):
        kind = msg("E_NOT_WHOLE_NUMBER") if self.integer else msg("E_NOT_NUMBER")
        if isinstance(node, bool) or not isinstance(node, (int, float)):
            ctx.col.add(path, node, kind)
            return node
        if isinstance(node, float) and not math.isfinite(node):
            ctx.col.add(path, node, msg("E_NOT_FINITE"))
            return node
        if self.integer and not (isinstance(node, int) or float(node).is_integer()):
            ctx.col.add(path, node, kind)
            return node
        bad = (
            (self.gt is not None and not node > self.gt)
            or (self.ge is not None and not node >= self.ge)
            or (self.le is not None and not node <= self.le)
            or (self.lt is not None and not node < self.lt)
        )
        if bad:
            ctx.col.add(path, node, self.rule or msg("E_BOUNDS", bounds=self.bounds()))
        return int(node) if self.integer else node


def Amount(**kw) -> Num:
    """An amount in euros: strictly positive unless ``ge=0`` is given."""
    if not kw:
        kw = {"gt": 0, "rule": msg("E_AMOUNT")}
    return Num(**kw)


def Rate(**kw) -> Num:
    """A fraction in [0, 1] unless other bounds are given."""
    if not kw:
        kw = {"ge": 0, "le": 1, "rule": msg("E_FRACTION")}
    return Num(**kw)


#: A date written YYYY-MM-DD (whether or not the calendar has it).
_DATE_SHAPE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$")


def date_rule(text: str):
    """The rule a date written as ``text`` breaks: ``E_DATE_NOT_IN_CALENDAR`` for 2021-02-30 or
    2021-13-01 (written right, not in the calendar), else ``E_NOT_DATE``."""
    return msg("E_DATE_NOT_IN_CALENDAR") if _DATE_SHAPE.match(str(text)) else msg("E_NOT_DATE")


class Date(Spec):
    def check(self, node, path, ctx):
        if isinstance(node, dt.datetime):
            return node.date()
        if isinstance(node, dt.date):
            return node
        if isinstance(node, str):
            try:
                return dt.date.fromisoformat(node)
            except ValueError:
                pass
        ctx.col.add(path, node, date_rule(node) if isinstance(node, str) else msg("E_NOT_DATE"))
        return node


class ListOf(Spec):
    def __init__(self, item: Spec, min_len: int = 0):
        self.item, self.min_len = item, min_len

    def check(self, node, path, ctx):
        if not isinstance(node, list):
            ctx.col.add(path, node, msg("E_NOT_LIST"))
            return node
        if len(node) < self.min_len and not ctx.partial:
            ctx.col.add(path, node, msg("E_MIN_ITEMS", n=self.min_len))
        return [self.item.check(v, f"{path}[{i}]", ctx) for i, v in enumerate(node)]


class MapOf(Spec):
    """A mapping with free keys (codes, years), each value checked by ``value``."""

    def __init__(self, value: Spec, key: Callable[[Any], bool] | None = None, key_rule: Any = None,
                 min_len: int = 0):
        self.value, self.key, self.key_rule, self.min_len = value, key, key_rule, min_len

    def check(self, node, path, ctx):
        if not isinstance(node, dict):
            ctx.col.add(path, node, msg("E_NOT_MAPPING"))
            return node
        if len(node) < self.min_len and not ctx.partial:
            ctx.col.add(path, node, msg("E_MIN_ENTRY" if self.min_len == 1 else "E_MIN_ENTRIES", n=self.min_len))
        out = {}
        for k, v in node.items():
            if self.key is not None and not self.key(k):
                ctx.col.add(_join(path, k), k, self.key_rule or msg("E_INVALID_KEY"))
            out[k] = self.value.check(v, _join(path, k), ctx)
        return out


class Fields(Spec):
    """A mapping with known keys; ``required`` keys must be present in full mode."""

    def __init__(self, fields: dict[str, Spec], required: tuple[str, ...] = (), nullable: tuple[str, ...] = ()):
        self.fields, self.required, self.nullable = fields, tuple(required), tuple(nullable)

    def check(self, node, path, ctx):
        if not isinstance(node, dict):
            ctx.col.add(path, node, msg("E_NOT_MAPPING"))
            return node
        out = {}
        for k, v in node.items():
            if k not in self.fields:
                ctx.col.add(_join(path, k), v, msg("E_UNKNOWN_KEY", suggestion=closest(k, self.fields)))
                continue
            if v is None and k in self.nullable:
                out[k] = None
                continue
            out[k] = self.fields[k].check(v, _join(path, k), ctx)
        if not ctx.partial:
            for k in self.required:
                if k not in node:
                    ctx.col.add(_join(path, k), MISSING, msg("E_REQUIRED"))
        return out


def _is_dated_key(k: Any) -> bool:
    if isinstance(k, (dt.date, dt.datetime)):
        return True
    if isinstance(k, int) and not isinstance(k, bool):
        return 1900 <= k <= 2200
    if isinstance(k, str):
        try:
            dt.date.fromisoformat(k)
            return True
        except ValueError:
            return False
    return False


class Param(Spec):
    """An OpenFisca-style parameter whose value is checked by ``inner``; ``dated`` allows ``values``."""

    # ``assumption``: the reason for a figure the workbench chose (no document states it)
    META = {"unit": Str(), "reference": Str(), "description": Str(), "assumption": Str()}

    def __init__(self, inner: Spec, dated: bool = True):
        self.inner, self.dated = inner, dated

    def check(self, node, path, ctx):
        if not isinstance(node, dict):
            return self.inner.check(node, path, ctx)
        allowed = {"value", "unit", "reference", "description", "assumption"} | ({"values"} if self.dated else set())
        for k in node:
            if k not in allowed:
                ctx.col.add(_join(path, k), node[k], msg("E_UNKNOWN_KEY", suggestion=closest(k, allowed)))
        for k in ("unit", "reference", "description", "assumption"):
            if k in node:
                self.META[k].check(node[k], _join(path, k), ctx)
        out = dict(node)
        if "value" in node and "values" in node:
            ctx.col.add(path, "value and values", msg("E_VALUE_AND_VALUES"))
        if "value" in node:
            out["value"] = self.inner.check(node["value"], _join(path, "value"), ctx)
        elif "values" in node:
            vals = node["values"]
            if not isinstance(vals, dict) or not vals:
                ctx.col.add(_join(path, "values"), vals, msg("E_VALUES_NOT_MAPPING"))
                return out
            new = {}
            for k, entry in vals.items():
                p = _join(_join(path, "values"), k)
                if not _is_dated_key(k):
                    ctx.col.add(p, k, msg("E_DATE_NOT_IN_CALENDAR") if isinstance(k, str) and _DATE_SHAPE.match(k)
                                else msg("E_DATED_KEY"))
                if isinstance(entry, dict):
                    for ek in entry:
                        if ek not in ("value", "reference", "assumption"):
                            ctx.col.add(_join(p, ek), entry[ek], msg(
                                "E_UNKNOWN_KEY", suggestion=closest(ek, ["value", "reference", "assumption"])))
                    if "value" not in entry:
                        ctx.col.add(_join(p, "value"), MISSING, msg("E_REQUIRED"))
                        new[k] = entry
                        continue
                    new[k] = dict(entry, value=self.inner.check(entry["value"], _join(p, "value"), ctx))
                else:
                    new[k] = self.inner.check(entry, p, ctx)
            out["values"] = new
        elif not ctx.partial:
            ctx.col.add(_join(path, "value"), MISSING, msg("E_PARAM_REQUIRED"))
        return out
