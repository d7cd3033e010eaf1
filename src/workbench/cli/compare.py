"""``workbench compare``: two scenarios side by side with the same seed and draws
(:func:`workbench.analysis.compare.main_compare`)."""
from __future__ import annotations

from . import options


def add(sub) -> None:
    """Declare ``workbench compare`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "compare",
        help="compare two scenarios: parameters, projects in and out, value, envelope risk",
        description="Compute scenarios A and B with the same seed and draws and write a side-by-side "
                    "report to OUT/compare_<A>_vs_<B>/: comparison.html (self-contained), parameters.csv "
                    "(what differs), projects.csv (projects in and out of the portfolio), metrics.csv "
                    "(value, amounts, envelope risk). A summary is printed.",
    )
    p.add_argument("a", help="scenario A (.yaml)")
    p.add_argument("b", help="scenario B (.yaml)")
    options.out(p, "parent output folder", default="outputs", default_help="default: outputs")
    options.draws(p, "simulation draws for both", "default: A's simulation.draws", as_text=False)
    options.seed(p, "seed for both", "scenario A's seed", as_text=False)
    options.lang(p, "report language")


def execute(args) -> int:
    """Run ``workbench compare``; its exit status."""
    from ..analysis.compare import main_compare

    return main_compare(args)
