"""``workbench validate``: check a scenario or a candidate file and summarise it."""
from __future__ import annotations

from pathlib import Path

from ..messages import label
from ..reporting.summaries import candidates_summary, scenario_summary
from . import options


def add(sub) -> None:
    """Declare ``workbench validate`` and its options in the sub-parsers ``sub``."""
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
    options.lang(p)


def execute(args) -> int:
    """Run ``workbench validate``; its exit status."""
    from ..candidates import read_candidates
    from ..scenario import load_scenario
    from ..sources import load_candidates

    path = Path(args.file)
    if path.suffix.lower() in (".yaml", ".yml"):
        scn = load_scenario(path)
        hist = scn.history_path()
        if hist is not None and hist.is_file():   # the fund's published history, checked too
            from ..history import load_history

            load_history(hist)
        cands = load_candidates(scn)
        if args.show:
            # the resolved scenario (every dated value as written), then each fund's credits at
            # their dates as comment lines (the output stays YAML)
            from ..reporting.summaries import credit_lines

            print(scn.to_yaml())
            for line in credit_lines(scn, args.lang):
                print("#" + line)
            return 0
        print(scenario_summary(scn, cands, args.lang))
        return 0
    if args.scenario:
        scn = load_scenario(args.scenario)
        cands = read_candidates(path, scale=scn.criteria_scale, envelope_codes=scn.envelope_codes)
    else:
        cands = read_candidates(path)
    print(label("sum_valid_candidates", args.lang, path=path))
    print(candidates_summary(cands, args.lang))
    return 0
