"""The ``workbench`` console command and its sub-commands.

Each sub-command is a pair of functions: ``_add_<name>(subparsers)`` declares its options and
``_cmd_<name>(args) -> int`` runs it.  A user's mistake (:class:`~workbench.errors.InputError`)
is printed as a readable message on stderr with exit status 2 and no traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import InputError, Problem
from .units import meur, pct

EXIT_INPUT = 2


def _fail_option(name: str, value: object, rule: str) -> InputError:
    return InputError([Problem("<option>", name, value, rule)])


# --------------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------------
def _add_validate(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check a scenario (YAML) or a candidate file (CSV/XLSX) and summarise it",
        description="Check a scenario file (.yaml) or a candidate file (.csv, .xlsx). Every problem is "
                    "reported with its file, place, value and rule; exit status 2 if any. A scenario's "
                    "candidate file is checked too. Prints a summary and the scenario's warnings.",
    )
    p.add_argument("file", help="scenario .yaml, or candidate .csv / .xlsx")
    p.add_argument("--scenario", help="for a candidate file: the scenario whose envelopes and scale apply")
    p.add_argument("--show", action="store_true", help="print the resolved scenario (extends applied) as YAML")


def _cmd_validate(args) -> int:
    from .candidates import load_candidates, read_candidates
    from .scenario import load_scenario

    path = Path(args.file)
    if path.suffix.lower() in (".yaml", ".yml"):
        scn = load_scenario(path)
        cands = load_candidates(scn)
        if args.show:
            print(scn.to_yaml())
            return 0
        print(summarise_scenario(scn, cands))
        return 0
    if args.scenario:
        scn = load_scenario(args.scenario)
        cands = read_candidates(path, scale=scn.criteria_scale, envelope_codes=scn.envelope_codes)
    else:
        cands = read_candidates(path)
    print(f"{path}: valid candidate file")
    print(summarise_candidates(cands))
    return 0


def summarise_candidates(df, lang: str = "en") -> str:
    """A few lines on a candidate table: count, total cost, requested amount."""
    lines = [
        f"  candidates: {len(df)}" + ("  [SYNTHETIC]" if df.attrs.get("synthetic") else ""),
        f"  total cost: {meur(df['total_cost_eur'].sum(), lang)}",
        f"  requested from the fund(s): {meur(df['requested_eur'].sum(), lang)}",
    ]
    return "\n".join(lines)


def summarise_scenario(scn, cands=None, lang: str = "en") -> str:
    """A short text summary of a validated scenario (funds, calls, rules, warnings)."""
    lines = [f"{scn.path}: valid scenario '{scn.name}' — {scn.title}"]
    if len(scn.files) > 1:
        lines.append("  extends: " + " -> ".join(str(f.name) for f in scn.files[1:]))
    lines.append(f"  horizon: {scn.years[0]}-{scn.years[-1]}, seed {scn.seed}")
    for f in scn.funds.values():
        lines.append(f"  fund {f.code}: envelope {meur(f.envelope_eur, lang)}"
                     + (f", {len(f.sub_envelopes_eur)} sub-envelopes" if f.sub_envelopes_eur else ""))
    calls = scn.calls
    if calls:
        lines.append(f"  calls: {len(calls)} sessions, {calls[0].decision} to {calls[-1].decision}")
    el = scn.eligibility_at()
    if "min_total_cost_eur" in el:
        lines.append(f"  minimum total cost (latest): {meur(el['min_total_cost_eur'], lang, 2)}")
    if "cofinancing_rate" in el and "min" in el["cofinancing_rate"]:
        lines.append(f"  minimum co-financing: {pct(el['cofinancing_rate']['min'], lang, 0)}")
    w = scn.weights
    lines.append("  weights: " + ", ".join(f"{k}={v:g}" for k, v in w.items()))
    if cands is not None:
        lines.append(summarise_candidates(cands, lang))
    for warn in scn.warnings:
        lines.append(f"  WARNING: {warn}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------
COMMANDS = {
    "validate": (_add_validate, _cmd_validate),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Decision support for France's public transformation funds (FTAP, FITN): scenario "
                    "files, envelope simulation, portfolio ranking, reports and dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add, _ in COMMANDS.values():
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_INPUT
    try:
        return COMMANDS[args.command][1](args)
    except InputError as exc:
        print(f"workbench {args.command}: {exc.message()}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
