"""workbench: decision support for France's public transformation funds (FTAP, FITN).

The package holds all the logic; notebooks, reports and the dashboard call it.  Data flows one
way: files -> validated scenario and candidates -> simulation / selection -> tables and figures.
"""
from .version import __version__  # noqa: E402
from .errors import InputError, Problem  # noqa: E402
from .scenario import Scenario, load_scenario  # noqa: E402
from .candidates import read_candidates  # noqa: E402
from .sources import load_candidates  # noqa: E402

__all__ = ["InputError", "Problem", "Scenario", "load_scenario", "load_candidates", "read_candidates",
           "__version__"]
