"""``workbench sweep``: many scenarios (files or a grid) on Dask, processes or in sequence
(:func:`workbench.sweep.main_sweep`)."""
from __future__ import annotations

from . import options


def add(sub) -> None:
    """Declare ``workbench sweep`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "sweep",
        help="compute many scenarios (files or a grid spec) in parallel and summarise them side by side",
        description="Compute many scenarios with the package's functions (not notebooks): a list of scenario "
                    "files, or --grid SPEC (a YAML grid over parameters of a base scenario, see "
                    "parameters/sweeps/). Scenario k draws from SeedSequence(seed).spawn(n)[k], so results "
                    "are identical whichever executor runs them. Default executor: Dask, on a LocalCluster "
                    "(workers = cores) or on --scheduler tcp://HOST:PORT (or DASK_SCHEDULER_ADDRESS). Writes "
                    "OUT/summary.csv, summary.html and failures.csv; summary.csv is rewritten as results "
                    "arrive. A failing scenario, or one that exceeds --timeout, does not stop the others "
                    "but the exit status is 1.",
    )
    p.add_argument("scenarios", nargs="*", help="scenario files (.yaml)")
    p.add_argument("--grid", help="grid spec (.yaml) instead of scenario files")
    p.add_argument("--executor", choices=["dask", "processes", "sequential"], default=None,
                   help="where scenarios run (default: dask)")
    p.add_argument("--scheduler", default=None,
                   help="address of a running Dask scheduler, e.g. tcp://127.0.0.1:8786 "
                        "(default: DASK_SCHEDULER_ADDRESS, else a LocalCluster)")
    p.add_argument("--workers", type=int, default=None, help="LocalCluster / process workers (default: cores)")
    options.out(p, default_help="default: outputs/sweep_<name>")
    options.draws(p, "simulation draws per scenario",
                  "default: the spec's, else each scenario's simulation.draws", as_text=False)
    options.seed(p, "the sweep's seed", "spec's, else first scenario's", as_text=False)
    options.lang(p, "summary language")
    p.add_argument("--reports", action="store_true",
                   help="also run the full report (notebook) of every scenario that succeeded")
    options.timeout(p, "seconds one scenario may take before it is recorded as failed")
    options.no_progress(p)


def execute(args) -> int:
    """Run ``workbench sweep``; its exit status."""
    from ..sweep import main_sweep

    return main_sweep(args)
