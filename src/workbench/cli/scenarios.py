"""``workbench scenarios``: the shipped scenarios and sweep specifications, by name
(:mod:`workbench.resources`)."""
from __future__ import annotations

from ..errors import InputError


def add(sub) -> None:
    """Declare ``workbench scenarios`` and its options in the sub-parsers ``sub``."""
    sub.add_parser(
        "scenarios",
        help="list the shipped scenarios and sweep specifications (name, title, file)",
        description="List the scenarios shipped with the workbench (parameters/*.yaml of the checkout, or "
                    "their copy inside an installed package) and the sweep specifications "
                    "(parameters/sweeps/*.yaml). Every command that takes a scenario file also takes a "
                    "shipped scenario's name when no file of that name exists, e.g. "
                    "'workbench run ftap_2018_2022' from any folder.",
    )


def execute(args) -> int:
    """Run ``workbench scenarios``; its exit status."""
    from .. import resources
    from ..scenario import load_scenario

    for name, path in resources.shipped_scenarios().items():
        try:
            title = load_scenario(path).title
        except InputError as exc:  # a shipped file broken by hand: shown, the others still listed
            title = exc.message()
        print(f"{name}\t{title}\n\t{path}")
    for name, path in resources.shipped_sweeps().items():
        print(f"sweeps/{name}\t\n\t{path}")
    return 0
