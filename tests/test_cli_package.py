"""The command line as a package (issue 22): the top floor that nothing below imports, each shared
option declared in one place, one module per command, and ``python -m workbench.cli`` still runs."""
from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys

from helpers import ROOT

from workbench import cli
from workbench.cli import options
from workbench.version import __version__

SRC = ROOT / "src" / "workbench"
CLI = SRC / "cli"
#: The options several commands share: declared by ``workbench.cli.options`` only.
SHARED = {"--lang", "--seed", "--draws", "--out", "--no-progress", "--timeout", "--as-of"}


def _imported(path) -> set[str]:
    """The absolute names a module of ``src/workbench`` imports (relative imports resolved)."""
    rel = path.relative_to(SRC.parent).with_suffix("").parts
    package = list(rel[:-1])          # the package a module (or an __init__) sits in
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            names.add(target)
            names.update(f"{target}.{a.name}" for a in node.names)
    return names


def test_nothing_below_the_command_line_imports_it():
    upward = sorted(f"{p.relative_to(SRC)} imports {n}" for p in SRC.rglob("*.py") if CLI not in p.parents
                    for n in _imported(p) if n == "workbench.cli" or n.startswith("workbench.cli."))
    assert upward == []


def test_the_check_of_upward_imports_can_see_one():
    # the scan above resolves a relative import from a sub-package as a user would write it
    assert "workbench.cli" in _imported(CLI / "rank.py") or "workbench.cli.options" in _imported(CLI / "rank.py")
    assert "workbench.errors" in _imported(CLI / "rank.py")


def _declared(path) -> list[str]:
    """The option names a module passes to ``add_argument``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument":
            out += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return out


def test_each_shared_option_is_declared_only_in_options():
    elsewhere = sorted(f"{p.name}: {name}" for p in CLI.glob("*.py") if p.name != "options.py"
                       for name in _declared(p) if name in SHARED)
    assert elsewhere == []
    assert SHARED <= set(_declared(CLI / "options.py"))


def test_shared_options_read_alike_in_every_command():
    parser = cli.build_parser()
    helps = {}

    def walk(p, name):
        for act in p._actions:
            if "--lang" in act.option_strings:
                helps[name] = act.help
            if isinstance(act, argparse._SubParsersAction):
                for sname, sp in act.choices.items():
                    walk(sp, f"{name} {sname}")

    walk(parser, "workbench")
    # 11 commands (all but dashboard, book, committee and scenarios), book's 3 actions, committee's 2
    assert len(helps) == 16, sorted(helps)
    assert all(h.endswith(": fr or en (default: $WORKBENCH_LANG, else fr)") for h in helps.values()), helps
    assert helps["workbench rank"] == f"{options.LANG_OF}: fr or en (default: $WORKBENCH_LANG, else fr)"


def test_every_command_is_a_module_listed_once_in_the_help_order():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == list(cli.COMMANDS)
    modules = {p.stem for p in CLI.glob("*.py")} - {"__init__", "__main__", "common", "options"}
    assert {m.__name__.rsplit(".", 1)[1] for m in cli.COMMANDS.values()} == modules
    assert all(callable(m.add) and callable(m.execute) for m in cli.COMMANDS.values())


def _python_m(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(SRC.parent), "WORKBENCH_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "workbench.cli", *map(str, args)], check=False, capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


def test_python_m_workbench_cli_runs_the_command(tmp_path):
    r = _python_m("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == f"workbench {__version__}"
    r = _python_m("validate", tmp_path / "nope.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "file does not exist" in r.stderr and "Traceback" not in r.stderr
    r = _python_m(cwd=tmp_path)          # no command: the help, status 2
    assert r.returncode == 2 and "COMMAND" in r.stdout


def test_a_reader_that_leaves_early_does_not_stop_the_command(tmp_path):
    """``workbench simulate … | head``: the reader closes the pipe before the command prints; the
    command still writes its files and ends with status 0, without a "Broken pipe" message (it
    said the file operation failed and wrote nothing)."""
    import subprocess
    import sys

    from helpers import DATA

    out = tmp_path / "sim"
    proc = subprocess.Popen([sys.executable, "-m", "workbench.cli", "simulate", str(DATA / "small_report.yaml"),
                             "--out", str(out), "--no-progress", "--draws", "50"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()                       # the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait() == 0, err
    assert (out / "summary.csv").is_file() and (out / "provenance.json").is_file()
    assert "pipe" not in err.lower()
