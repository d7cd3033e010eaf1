"""Loading a scenario file: YAML read safely, ``extends`` resolved, every file checked.

YAML is read with a ``yaml.SafeLoader`` (safe types only) that also refuses anchors and aliases
and nesting deeper than :data:`workbench.limits.MAX_YAML_DEPTH`, after the file's size and
encoding are checked; ``extends`` and ``candidates.file`` may only name files in the allowed
folders (:mod:`workbench.limits`).  Every file of an ``extends`` chain is checked on its own
(types, unknown keys: the problem names that file), then the resolved scenario is checked as a
whole (:mod:`workbench.scenario.checks`).  All problems are raised together as one
:class:`~workbench.errors.InputError`.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .. import limits as LIMITS
from ..errors import Collector, Problem, at_line
from ..messages import msg
from ..schema import Ctx
from .checks import reconcile, validate_resolved
from .keypaths import deep_merge
from .model import Scenario
from .schema import SCHEMA


class _ScenarioLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses anchors and aliases and nesting deeper than
    :data:`~workbench.limits.MAX_YAML_DEPTH` (a "billion laughs" file or a file nested 1,000
    deep is stopped while it is parsed, before any value is expanded)."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed in scenario files; "
                "write the values out, or use extends", event.start_mark)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > LIMITS.MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {LIMITS.MAX_YAML_DEPTH} levels deep",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


    def construct_yaml_timestamp(self, node):  # noqa: D401 - PyYAML hook
        """A date as ``yaml.SafeLoader`` reads it; one that is not in the calendar (2021-02-30)
        stays the text written, so the schema names its key and the rule instead of PyYAML
        raising ``ValueError`` (a traceback)."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_ScenarioLoader.add_constructor("tag:yaml.org,2002:timestamp", _ScenarioLoader.construct_yaml_timestamp)


def parse_yaml_text(text: str) -> Any:
    """Parse YAML text like ``yaml.safe_load``, with the scenario limits (no aliases, bounded
    depth).  Raises ``yaml.YAMLError``."""
    loader = _ScenarioLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Read a scenario (or sweep) YAML file: safe types only, at most
    :data:`~workbench.limits.MAX_YAML_BYTES`, UTF-8, no aliases, bounded depth; problems for a
    missing, empty, too big, undecodable or broken file (never its content)."""
    f = str(path)
    if not path.exists():
        return None, [Problem(f, "", str(path), msg("E_FILE_MISSING"))]
    if path.is_dir():
        return None, [Problem(f, "", str(path), msg("E_FILE_IS_FOLDER"))]
    try:
        size = path.stat().st_size
        if size > LIMITS.MAX_YAML_BYTES:
            return None, [Problem(f, "", f"{size:,} bytes",
                                  msg("E_SCENARIO_TOO_LARGE", limit=LIMITS.MAX_YAML_BYTES))]
        raw = path.read_bytes()[: LIMITS.MAX_YAML_BYTES + 1]
    except OSError as exc:
        return None, [Problem(f, "", None, msg("E_FILE_UNREADABLE", detail=exc.strerror or exc.__class__.__name__))]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(f, at_line(line), f"byte 0x{raw[exc.start]:02x}",
                              msg("E_NOT_UTF8"))]
    if not text.strip():
        return None, [Problem(f, "", "", msg("E_FILE_EMPTY"))]
    try:
        data = parse_yaml_text(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = at_line(mark.line + 1, mark.column + 1) if mark else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(f, where, None, msg("E_YAML_SYNTAX", detail=what))]
    except RecursionError:
        return None, [Problem(f, "", None, msg("E_YAML_TOO_DEEP", depth=LIMITS.MAX_YAML_DEPTH))]
    except (ValueError, OverflowError) as exc:  # a value PyYAML's constructors refuse: a message, not a traceback
        return None, [Problem(f, "", None, msg("E_YAML_SYNTAX", detail=type(exc).__name__))]
    if data is None:
        return None, [Problem(f, "", "", msg("E_FILE_EMPTY"))]
    if not isinstance(data, dict):
        return None, [Problem(f, "", type(data).__name__, msg("E_SCENARIO_NOT_MAPPING"))]
    return data, []


#: Problems of reading a YAML file that may quote its content: for a file reached by ``extends``
#: they become ``E_EXTENDS_NOT_SCENARIO``, without the content.
_CONTENT_PROBLEMS = ("E_YAML_SYNTAX", "E_NOT_UTF8", "E_YAML_TOO_DEEP", "E_SCENARIO_NOT_MAPPING")


def _load_chain(path: Path, col: Collector, dirs: list[Path]) -> tuple[dict | None, list[Path]]:
    """Read a scenario and the files it ``extends`` (a loop, not a recursion), at most
    :data:`~workbench.limits.MAX_EXTENDS` files, each inside the allowed folders ``dirs``;
    merged base-first."""
    chain: list[tuple[Path, dict]] = []
    files: list[Path] = []
    current, named_by = path.resolve(), None
    while True:
        if current in files:
            shown = " -> ".join(p.name for p in files + [current])
            col.add("extends", current.name, msg("E_EXTENDS_CYCLE", chain=shown), file=str(files[-1]))
            return None, files
        if len(files) >= LIMITS.MAX_EXTENDS:
            col.add("extends", current.name, msg("E_EXTENDS_TOO_LONG", limit=LIMITS.MAX_EXTENDS),
                    file=str(files[-1]))
            return None, files
        if named_by is not None:
            # a file named by extends: refused before it is opened unless it is a .yaml in the
            # allowed folders, outside hidden folders (workbench.limits)
            refusal = (LIMITS.outside_rule(dirs) if not LIMITS.is_allowed(current, dirs)
                       else msg("E_EXTENDS_NOT_YAML") if current.suffix.lower() not in LIMITS.SCENARIO_SUFFIXES
                       else msg("E_HIDDEN_PATH", part=LIMITS.hidden_part(current, dirs))
                       if LIMITS.hidden_part(current, dirs) else None)
            if refusal is not None:
                col.add("extends", named_by, refusal, file=str(files[-1]))
                return None, files
        data, probs = read_yaml(current)
        files.append(current)
        if probs and named_by is not None and any(p.code in _CONTENT_PROBLEMS for p in probs):
            # never a word of a file that is not a scenario (a syntax error quotes its text)
            col.add("extends", named_by, msg("E_EXTENDS_NOT_SCENARIO"), file=str(files[-2]))
            return None, files
        if probs:
            col.extend(probs)
            return None, files
        if named_by is not None and not any(k in SCHEMA.fields for k in data):
            col.add("extends", named_by, msg("E_EXTENDS_NOT_SCENARIO"), file=str(files[-2]))
            return None, files
        ctx = Ctx(Collector(str(current)), partial=True)
        SCHEMA.check(data, "", ctx)
        col.extend(ctx.col.problems)
        cand = data.get("candidates")
        if isinstance(cand, dict) and "file" in cand:
            data["_candidates_base"] = str(current.parent)
        if isinstance(data.get("history"), str):      # relative to the file that names it
            data["_history_base"] = str(current.parent)
        cal = data.get("calibration")
        if isinstance(cal, dict) and isinstance(cal.get("posterior"), str):
            data["_posterior_base"] = str(current.parent)
        chain.append((current, data))
        base_name = data.get("extends")
        if not isinstance(base_name, str):
            break
        named_by = base_name
        current = (current.parent / base_name).resolve()
    merged: dict = {}
    for _, data in reversed(chain):
        merged = deep_merge(merged, {k: v for k, v in data.items() if k != "extends"}) if merged else \
            {k: v for k, v in data.items() if k != "extends"}
    return merged, files


def load_scenario(path: str | Path, allowed_dirs: Sequence[str | Path] | None = None) -> Scenario:
    """Load, resolve and validate a scenario file.

    Files it ``extends`` and its candidate file must lie in the allowed folders (see
    :mod:`workbench.limits`); ``allowed_dirs`` adds folders to them.

    Raises
    ------
    InputError
        With every problem found in the file and the files it extends.
    """
    path = Path(path)
    col = Collector(str(path))
    dirs = LIMITS.allowed_dirs(path, allowed_dirs or ())
    data, files = _load_chain(path, col, dirs)
    col.raise_if_any()
    assert data is not None
    data = validate_resolved(data, col, path, dirs)
    col.raise_if_any()
    name = data.get("name") or path.stem
    return Scenario(name=name, path=path, files=files, data=data, warnings=reconcile(data))
