"""Building a sweep's scenarios: a grid spec (YAML) over parameters of a base scenario
(:func:`load_grid`, :func:`grid_tasks`), or a list of scenario files (:func:`file_tasks`).

Each key of a grid is a dotted path in the scenario (as in the scenario files), each value a list;
scenario ``k`` draws from child ``k`` of ``SeedSequence(seed).spawn(n)`` (:func:`.tasks.spawn_seeds`).
"""
from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Mapping, Sequence

from .. import limits as LIMITS
from ..errors import Collector, InputError
from ..messages import msg as coded
from .tasks import Task, spawn_seeds


_GRID_KEYS = {"name", "title", "description", "base", "seed", "draws", "grid", "cases"}


def _dotted(keypath: str, value: Any) -> dict:
    out: Any = copy.deepcopy(value)
    for part in reversed(keypath.split(".")):
        out = {part: out}
    return out


def _merge(a: dict, b: dict) -> dict:
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            _merge(a[k], v)
        else:
            a[k] = v
    return a


def overrides_from(flat: Mapping[str, Any]) -> dict:
    """``{"a.b": 1, "a.c": 2}`` -> ``{"a": {"b": 1, "c": 2}}``."""
    out: dict = {}
    for k, v in flat.items():
        _merge(out, _dotted(k, v))
    return out


@dataclass
class GridSpec:
    """A validated grid spec: base scenario, sweep seed and draws, and the scenario list."""

    name: str
    path: Path
    base: Any
    seed: int
    draws: int
    cases: list[tuple[str, dict]]  # (name, flat parameters)


def load_grid(path: str | Path) -> GridSpec:
    """Read and check a grid spec (every problem at once, :class:`InputError`)."""
    from ..scenario import load_scenario, read_yaml

    path = Path(path)
    data, probs = read_yaml(path)
    if probs:
        raise InputError(probs)
    col = Collector(str(path))
    for k in data:
        if k not in _GRID_KEYS:
            col.add(str(k), k, coded("E_GRID_UNKNOWN_KEY", choices=sorted(_GRID_KEYS)))
    if "base" not in data:
        col.add("base", None, coded("E_GRID_BASE_REQUIRED"))
    for k in ("seed", "draws"):
        least = 1 if k == "draws" else 0
        if k in data and (not isinstance(data[k], int) or isinstance(data[k], bool) or data[k] < least):
            col.add(k, data[k], coded("E_WHOLE_NUMBER_MIN", minimum=1 if k == 'draws' else 0))
    grid = data.get("grid") or {}
    if not isinstance(grid, dict):
        col.add("grid", grid, coded("E_GRID_NOT_MAPPING"))
        grid = {}
    for k, v in grid.items():
        if not isinstance(v, list) or not v:
            col.add(f"grid.{k}", v, coded("E_GRID_VALUES"))
    cases_in = data.get("cases") or []
    if not isinstance(cases_in, list) or not all(isinstance(c, dict) for c in cases_in):
        col.add("cases", cases_in, coded("E_GRID_CASES"))
        cases_in = []
    if not grid and not cases_in:
        col.add("grid", None, coded("E_GRID_EMPTY"))
    n_cases = math.prod(len(v) for v in grid.values() if isinstance(v, list)) + len(cases_in)
    if n_cases > LIMITS.MAX_SWEEP_SCENARIOS:  # counted before anything is expanded
        col.add("grid", f"{n_cases:,} scenarios", coded("E_SWEEP_TOO_LARGE", limit=LIMITS.MAX_SWEEP_SCENARIOS))
    base_path = path.parent / str(data.get("base", ""))
    dirs = LIMITS.allowed_dirs(path)
    if "base" in data and not LIMITS.is_allowed(base_path, dirs):
        col.add("base", data["base"], LIMITS.outside_rule(dirs))
    col.raise_if_any()
    base = load_scenario(base_path, allowed_dirs=[path.parent])
    name = str(data.get("name") or path.stem)
    flat_cases: list[dict] = []
    if grid:
        keys = list(grid)
        for combo in itertools.product(*(grid[k] for k in keys)):
            flat_cases.append(dict(zip(keys, combo)))
    for c in cases_in:
        flat_cases.append({k: v for k, v in c.items() if k != "name"})
    width = max(3, len(str(len(flat_cases))))
    named = []
    for i, flat in enumerate(flat_cases):
        label = (cases_in[i - (len(flat_cases) - len(cases_in))].get("name")
                 if i >= len(flat_cases) - len(cases_in) and cases_in else None)
        named.append((str(label) if label else f"{name}-{i + 1:0{width}d}", flat))
    return GridSpec(name=name, path=path, base=base, seed=int(data.get("seed", base.seed)),
                    draws=int(data.get("draws", base.draws)), cases=named)


def grid_tasks(spec: GridSpec, draws: int | None = None, seed: int | None = None) -> list[Task]:
    """One task per grid scenario; a combination the scenario rules refuse becomes a failed task."""
    seeds = spawn_seeds(spec.seed if seed is None else seed, len(spec.cases))
    n_draws = spec.draws if draws is None else draws
    tasks = []
    for i, (name, flat) in enumerate(spec.cases):
        try:
            scn = spec.base.with_overrides(overrides_from(flat), name=name)
            err = ""
        except InputError as exc:
            scn, err = None, "InputError: " + " | ".join(str(p) for p in exc.problems)
        tasks.append(Task(i, name, scn, seeds[i], n_draws, dict(flat), err))
    return tasks


def file_tasks(paths: Sequence[str | Path], draws: int | None = None,
               seed: int | None = None) -> tuple[list[Task], int]:
    """One task per scenario file; a file that does not load becomes a failed task.

    Returns the tasks and the sweep seed used (default: the first loadable scenario's seed).
    """
    from ..scenario import load_scenario

    loaded: list[tuple[str | Path, Any, str]] = []   # (file, its Scenario or None, the error)
    for p in paths:
        try:
            loaded.append((p, load_scenario(p), ""))
        except InputError as exc:
            loaded.append((p, None, "InputError: " + " | ".join(str(q) for q in exc.problems)))
    if seed is None:
        seed = next((s.seed for _, s, _ in loaded if s is not None), 0)
    seeds = spawn_seeds(seed, len(loaded))
    names: dict[str, int] = {}
    tasks = []
    for i, (p, scn, err) in enumerate(loaded):
        base = scn.name if scn is not None else Path(p).stem
        names[base] = names.get(base, 0) + 1
        name = base if names[base] == 1 else f"{base}-{names[base]}"
        tasks.append(Task(i, name, scn, seeds[i], (scn.draws if scn is not None else 0) if draws is None else draws,
                          {"file": str(p)}, err))
    return tasks, seed
