"""The package's floors: every import (at module top or inside a function) runs down or sideways,
never up, and no module imports itself back through others.

The floors are those of ``docs/explanation/architecture.md``: files and words at the bottom, then
the validated scenario, the candidates, the models (selection, then the envelope simulation, then
the follow-up), the decisions call by call, the one pipeline, the reports' tables and figures, the
sweep, the analyses asked of a scenario, the committee room, the dashboard and the command line.
A new module must be given its floor here; a test that finds an upward import names the file, the
line and the two floors.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "workbench"

#: Floors from the bottom up; a unit (a top-level module or sub-package of ``workbench``) may import
#: the units of its own floor and of the floors below.
FLOORS: list[tuple[str, ...]] = [
    ("units", "version", "resources"),
    ("messages",),
    ("errors",),
    ("files", "limits", "preflight", "params", "reference", "credits", "uncertainty", "schema"),
    ("scenario",),
    ("history", "posterior"),
    ("candidates", "generator", "sources"),
    ("selection",),
    ("envelope",),
    ("followup",),
    ("decisions",),
    ("pipeline",),
    ("reporting",),
    ("sweep",),
    ("analysis",),
    ("committee",),
    ("dashboard",),
    ("cli", "__init__", "__main__"),
]
FLOOR = {unit: i for i, units in enumerate(FLOORS) for unit in units}


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for f in PKG.rglob("*.py"):
        parts = f.relative_to(SRC).with_suffix("").parts
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (f, is_pkg)
    return out


def _imports(modules) -> list[tuple[str, str, Path, int]]:
    """Every ``workbench`` import, those for the type checker included: (importing module, imported
    module, file, line)."""
    edges = []
    for mod, (f, is_pkg) in modules.items():
        package = mod if is_pkg else mod.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    name = ".".join(base + ([node.module] if node.module else []))
                else:
                    name = node.module or ""
                if name == "workbench" or name.startswith("workbench."):
                    targets = [f"{name}.{a.name}" if f"{name}.{a.name}" in modules else name for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.split(".")[0] == "workbench"]
            for t in targets:
                while t not in modules and "." in t:
                    t = t.rsplit(".", 1)[0]
                edges.append((mod, t, f, node.lineno))
    return edges


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = _modules()
EDGES = _imports(MODULES)


def test_every_unit_has_a_floor():
    units = {_unit(m) for m in MODULES}
    missing = sorted(units - set(FLOOR))
    assert not missing, f"give these modules a floor in tests/test_layers.py (and the architecture page): {missing}"


def _upward(edges) -> list[str]:
    up = []
    for a, b, f, line in edges:
        ua, ub = _unit(a), _unit(b)
        if ua != ub and ua in FLOOR and ub in FLOOR and FLOOR[ub] > FLOOR[ua]:
            up.append(f"{f.relative_to(SRC)}:{line}: {ua} (floor {FLOOR[ua]}) imports {b} (floor {FLOOR[ub]})")
    return up


def test_no_import_runs_up_a_floor():
    up = _upward(EDGES)
    assert not up, "imports running up:\n" + "\n".join(up)


def test_only_the_facade_imports_the_package_root():
    """``workbench/__init__`` is the users' facade: no module of the package goes through it."""
    through_root = [f"{f.relative_to(SRC)}:{line}" for a, b, f, line in EDGES if b == "workbench" and a != "workbench"]
    assert not through_root


def test_no_import_cycle_between_modules():
    """Tarjan's strongly connected components over the module graph (a package importing its own
    submodules and a submodule importing its package's facade are not cycles of concern; an import
    for the type checker only counts, as in the before-stop hook's check)."""
    graph = defaultdict(set)
    for a, b, _, _ in EDGES:
        if a != b and not a.startswith(b + ".") and not b.startswith(a + "."):
            graph[a].add(b)
    index, low, stack, on, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in list(MODULES):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


@pytest.mark.parametrize("source", ["from ..reporting.labels import label_md\n",
                                    "def f():\n    from workbench.analysis import capacity\n"])
def test_the_check_sees_an_upward_import(tmp_path, source):
    """The floor check is not vacuous: a selection module importing the reports or an analysis,
    at its top or inside a function, is caught with its file and line."""
    f = tmp_path / "scoring.py"
    f.write_text(source)
    modules = dict(MODULES) | {"workbench.selection.fake": (f, False)}
    edges = [e for e in _imports(modules) if e[0] == "workbench.selection.fake"]
    up = _upward([(a, b, PKG / "selection" / "fake.py", line) for a, b, _, line in edges])
    assert len(up) == 1 and "selection (floor 7) imports" in up[0]


RAW_READS = ("scenario.data", "scn.data", ".value(\"", ".node(\"", "._data[")


def test_only_the_scenario_package_reads_raw_scenario_data():
    """Defaults have one home (the schema, through the typed sections): outside ``scenario/``, no
    module reads a scenario's raw data or a key by its dotted path."""
    found = []
    for mod, (f, _) in MODULES.items():
        if mod.startswith("workbench.scenario"):
            continue
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if any(r in code for r in RAW_READS):
                found.append(f"{f.relative_to(SRC)}:{i}: {line.strip()}")
    assert not found, "raw scenario reads outside workbench.scenario:\n" + "\n".join(found)
