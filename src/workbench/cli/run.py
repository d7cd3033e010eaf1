"""``workbench run``: the report notebook of one scenario, executed by papermill
(:func:`workbench.reporting.batch.main_run`)."""
from __future__ import annotations

from . import options


def add(sub) -> None:
    """Declare ``workbench run`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "run",
        help="execute the report notebook for a scenario and write outputs/<scenario>/",
        description="Execute notebooks/report.ipynb for SCENARIO through papermill (every cell under an "
                    "execution timeout, one retry if the kernel fails to start) and write OUT/<scenario>/: "
                    "report.html (no code, self-contained), report.pdf (printed by Chromium when installed), "
                    "report.ipynb, the tables (CSV, portfolio.xlsx), figures (PNG) and run.json (version, "
                    "parameters and their hash, input files and their hashes, seed, timing). The folder is "
                    "replaced only by a complete run: a failed run leaves the previous outputs untouched, keeps "
                    "the executed notebook as OUT/<scenario>.failed.ipynb and exits with status 1.",
    )
    options.scenario(p, "scenario file (.yaml)")
    options.out(p, "parent output folder", default="outputs", default_help="default: outputs")
    options.draws(p, "simulation draws",
                  "default: the scenario's simulation.draws, the same as simulate and rank", as_text=False)
    options.seed(p, as_text=False)
    options.lang(p, "report language")
    options.timeout(p, "execution timeout of each notebook cell, in seconds")
    p.add_argument("--notebook", default=None, help="another parameterized notebook (default notebooks/report.ipynb)")
    p.add_argument("--no-pdf", action="store_true", help="do not print report.pdf")
    p.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                   help="another notebook parameter, e.g. -p robustness_samples=0 -p frontier_points=10 "
                        "(values read as YAML; repeatable)")


def execute(args) -> int:
    """Run ``workbench run``; its exit status."""
    from ..reporting.batch import main_run

    return main_run(args)
