"""Generate the reference pages of the documentation site from the code (run by mkdocs-gen-files).

* ``reference/scenario.md``: every key of a scenario file, walked from the schema
  (:data:`workbench.scenario.SCHEMA`): its type and bounds, unit, default and example, as the
  schema declares them;
* ``reference/cli.md``: every command and option, from the argparse parser
  (:func:`workbench.cli.build_parser`);
* ``reference/api.md``: the package's modules, rendered by mkdocstrings from their docstrings.

Nothing here is written by hand: a key, an option or a module added to the code appears in the
site at the next ``make docs``.
"""
from __future__ import annotations

import argparse
import pkgutil
import sys
from pathlib import Path

import mkdocs_gen_files

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from workbench import schema as S  # noqa: E402
from workbench.scenario import SCHEMA  # noqa: E402
from workbench.cli import build_parser  # noqa: E402


# ---- scenario keys ------------------------------------------------------------------------------
def _bounds(spec: S.Num) -> str:
    text = spec.bounds_text() if hasattr(spec, "bounds_text") else ""
    return text


def _type(spec: S.Spec) -> str:
    """A short description of what a spec accepts."""
    if isinstance(spec, S.Param):
        inner = _type(spec.inner)
        return f"{inner} — a parameter: a plain value, or `value:` / dated `values:` with `reference` or `assumption`"
    if isinstance(spec, S.Num):
        kind = "whole number" if spec.integer else "number"
        b = _bounds(spec)
        return f"{kind} {b}".strip()
    if isinstance(spec, S.Str):
        return "text, one of " + ", ".join(f"`{c}`" for c in spec.choices) if spec.choices else "text"
    if isinstance(spec, S.Bool):
        return "true / false"
    if isinstance(spec, S.Date):
        return "date (YYYY-MM-DD)"
    if isinstance(spec, S.ListOf):
        return f"list of {_type(spec.item)}"
    if isinstance(spec, S.MapOf):
        return f"mapping of names to {_type(spec.value)}"
    if isinstance(spec, S.Fields):
        return "mapping (keys below)"
    return "any value"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _rows(spec: S.Spec, path: str, out: list[tuple]) -> None:
    """(key path, type, unit, default, example, description) of every key under ``spec``."""
    if isinstance(spec, S.Fields):
        for key, sub in spec.fields.items():
            p = f"{path}.{key}" if path else key
            req = " (required)" if key in spec.required else ""
            out.append((p + req, _type(sub), getattr(sub, "unit", ""), sub.default, sub.example,
                        getattr(sub, "description", "")))
            _rows(sub, p, out)
    elif isinstance(spec, S.MapOf):
        _rows(spec.value, f"{path}.<name>", out)
    elif isinstance(spec, S.ListOf):
        _rows(spec.item, f"{path}[]", out)
    elif isinstance(spec, S.Param):
        _rows(spec.inner, path, out)


def scenario_page() -> str:
    rows: list[tuple] = []
    _rows(SCHEMA, "", rows)
    lines = [
        "# Scenario keys",
        "",
        "Every key a scenario file (`parameters/*.yaml`) may hold, generated from the schema "
        "(`workbench.scenario.SCHEMA`) at each build. Amounts are euros (`_eur`), rates fractions "
        "(`_rate`). A key marked *parameter* takes a plain value or, OpenFisca-style, `value:` (or "
        "dated `values:`) with the `reference` of the public document it comes from, or an "
        "`assumption` saying why the workbench chose it. The default is the value used when the key "
        "is absent, declared once in the schema.",
        "",
        "| key | accepts | unit | default | example | meaning |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, typ, unit, default, example, desc in rows:
        lines.append(f"| `{_cell(key)}` | {_cell(typ)} | {_cell(unit)} | "
                     f"{'' if default is None else '`' + _cell(default) + '`'} | "
                     f"{'' if example is None else '`' + _cell(example) + '`'} | {_cell(desc)} |")
    return "\n".join(lines) + "\n"


# ---- command line -------------------------------------------------------------------------------
def _options(parser: argparse.ArgumentParser) -> list[str]:
    lines = ["| option | meaning | default |", "| --- | --- | --- |"]
    for act in parser._actions:  # noqa: SLF001 - argparse keeps its actions there
        if isinstance(act, (argparse._HelpAction, argparse._SubParsersAction)):  # noqa: SLF001
            continue
        names = ", ".join(f"`{n}`" for n in act.option_strings) or f"`{act.dest}`"
        default = "" if act.default in (None, argparse.SUPPRESS, False, []) else f"`{act.default}`"
        lines.append(f"| {names} | {_cell(act.help or '')} | {default} |")
    return lines


def cli_page() -> str:
    parser = build_parser()
    lines = ["# Command line", "", "Every command of `workbench` and its options, generated from the "
             "argparse parser (`workbench.cli.build_parser`) at each build. `workbench COMMAND --help` "
             "prints the same.", ""]
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    for name, p in sub.choices.items():
        lines += [f"## `workbench {name}`", "", _cell(p.description or ""), "", "```text",
                  p.format_usage().strip(), "```", ""]
        lines += _options(p)
        inner = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
        for a in inner:
            for sname, sp in a.choices.items():
                lines += ["", f"### `workbench {name} {sname}`", "", _cell(sp.description or ""), "",
                          "```text", sp.format_usage().strip(), "```", ""]
                lines += _options(sp)
        lines.append("")
    return "\n".join(lines) + "\n"


# ---- API ------------------------------------------------------------------------------------------
def api_pages() -> dict[str, str]:
    """One page per module of the package (its docstring and its public functions and classes),
    and an index of them."""
    import workbench

    mods = ["workbench"] + sorted(m.name for m in pkgutil.walk_packages(workbench.__path__, "workbench.")
                                  if not any(p.startswith("_") for p in m.name.split(".")[1:]))
    index = ["# Python API", "", "The package's modules, from their docstrings. `workbench.pipeline` is the "
             "one evaluation every front end uses (report, dashboard, command line).", ""]
    pages = {}
    for m in mods:
        index.append(f"- [`{m}`](api/{m}.md)")
        pages[f"api/{m}.md"] = f"# `{m}`\n\n::: {m}\n    options:\n      show_root_heading: false\n"
    pages["api.md"] = "\n".join(index) + "\n"
    return pages


for name, text in {"scenario.md": scenario_page(), "cli.md": cli_page(), **api_pages()}.items():
    with mkdocs_gen_files.open(f"reference/{name}", "w") as fh:
        fh.write(text)
